"""The outside tester's findings, checked where they saw them: on the running site (gunicorn, 2 workers)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core import clock
from marketplace.extensions import db
from tests.factories import OpportunityFactory, ReferralFactory, UserFactory


def test_a_social_enterprise_home_says_1_interview_coming_up_on_every_worker(served_site):
    employer = UserFactory(role="social_enterprise")
    ReferralFactory(opportunity=OpportunityFactory(organisation=employer.organisation),
                    status="interview_booked", interview_at=clock.now() + timedelta(days=3))
    db.session.commit()
    browser = served_site.signed_in(employer)
    for page in served_site.every_worker(browser, "/home").values():
        assert "1</span> interview coming up" in page.text and "1</span> interviews" not in page.text
