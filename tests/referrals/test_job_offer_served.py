"""A job offer through the running site (gunicorn, 2 workers): the employer's offer with its start date,
hours and pay is what every worker then shows the case manager, on the referral and its timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core import clock
from marketplace.core.filters import govuk_date
from marketplace.extensions import db
from marketplace.referrals.models import Referral
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.concurrency


def test_an_offer_made_on_one_worker_is_shown_by_every_worker(served_site):
    opportunity = OpportunityFactory(title="Forklift driver")
    person = ParticipantFactory(location="community", prison=None, release_date=clock.today() - timedelta(days=30))
    ConsentRecordFactory(participant=person)
    referral = ReferralFactory(participant=person, opportunity=opportunity, status="interviewed")
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    case_manager = person.case_manager
    db.session.commit()
    referral_id = referral.id
    path = f"/referrals/{referral_id}/steps/make_offer"

    employer_browser = served_site.signed_in(employer)
    start = clock.today() + timedelta(days=10)
    date_boxes = [str(start.day), str(start.month), str(start.year)]
    refused = served_site.post_form(employer_browser, path, {"offer_start_date": date_boxes, "offer_hours": "90"})
    assert refused.status_code == 400
    assert "Hours per week must be more than 0 and no more than 80" in refused.text and "Enter the pay" in refused.text
    made = served_site.post_form(employer_browser, path, {
        "offer_start_date": date_boxes, "offer_hours": "30", "offer_pay": "420", "offer_pay_period": "week"})
    assert made.status_code == 200 and "Job offer made." in made.text
    assert db.session.get(Referral, referral_id).offer_pay_period == "week"

    words = f"Starting {govuk_date(start)} · 30 hours a week · £420 a week"
    manager_browser = served_site.signed_in(case_manager)
    for pid, page in served_site.every_worker(manager_browser, f"/referrals/{referral_id}").items():
        offer = page.text.split('id="job-offer"')[1].split("</dl>")[0]
        assert govuk_date(start) in offer and "30 hours a week" in offer and "£420 a week" in offer, pid
        assert words in page.text.split('class="govuk-list fcw-timeline"')[1], pid
