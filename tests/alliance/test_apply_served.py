"""Applying to the Corporate Alliance through the running site (gunicorn, 2 workers): "Continue" shows
the check page and writes nothing, on whichever worker answers; "Send application" there sends it, and
every worker then shows it waiting for a decision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.alliance.models import AllianceMembership
from marketplace.extensions import db
from tests.factories import UserFactory, member_organisation
from tests.helpers import hidden_inputs

pytestmark = pytest.mark.concurrency


def test_an_application_is_checked_then_sent_and_every_worker_shows_it(served_site):
    organisation = member_organisation(None)
    user = UserFactory(role="employer", organisation=organisation, is_org_admin=True)
    db.session.commit()
    browser = served_site.signed_in(user)
    answers = {"level": "1", "pledges": ["mock_interviews"], "statement": "Mornings at our depot",
               "submit": "Continue"}
    for _ in range(2):  # twice: the check page answers the same, and writes nothing, on any worker
        check = served_site.post_form(browser, "/alliance/apply", answers)
        assert check.status_code == 200 and "Check your application before sending it" in check.text
        assert "Mornings at our depot" in check.text.split('id="application"')[1]
    assert db.session.scalar(select(func.count()).select_from(AllianceMembership)) == 0
    sent = served_site.post_form(browser, "/alliance/apply", {**hidden_inputs(check.text), "send": "Send application"})
    assert sent.status_code == 200 and "Your application has been sent" in sent.text
    for pid, page in served_site.every_worker(browser, "/alliance/membership").items():
        assert "Waiting for a decision" in page.text, pid
