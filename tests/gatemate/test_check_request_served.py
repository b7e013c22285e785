"""Requesting a Gatemate mentor through the running site (gunicorn, 2 workers): "Continue" shows the
check page and writes nothing, on whichever worker answers; "Send request" there sends it once (a second
send is turned away), and every worker then shows the request and tells the covering mentor."""

from __future__ import annotations

import pytest
import requests

from marketplace.core.models import Notification
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest
from tests.factories import ConsentRecordFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import GATEMATE_CHECK_HEADING, count
from tests.gatemate.test_requests import request_form
from tests.helpers import hidden_inputs
from tests.served import end_test_transaction

pytestmark = pytest.mark.concurrency


def post_fresh(served_site, browser, path: str, data: dict) -> requests.Response:
    """A post over a new connection (the kernel may hand it to either worker)."""
    end_test_transaction()
    try:
        return browser.post(served_site.url + path, data=data, timeout=60,
                            headers={"Referer": served_site.url + "/", "Connection": "close"})
    finally:
        end_test_transaction()


def test_a_request_is_checked_on_either_worker_then_sent_once(served_site, make_mentor):
    manager = UserFactory(role="case_manager")
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor")
    ConsentRecordFactory(participant=person, employers=False, mentors=True)
    mentor = make_mentor(prisons=["HMP Liverpool"])
    db.session.commit()
    person_id, mentor_id = person.id, mentor.id
    browser = served_site.signed_in(manager)
    path = f"/gatemate/participants/{person_id}/request"
    csrf = served_site.csrf_token(browser, path)
    answers = {**request_form(note="Red coat"), "csrf_token": csrf, "submit": "Continue"}

    checks = {}
    for _ in range(100):  # until both workers have shown the check page
        answer = post_fresh(served_site, browser, path, answers)
        checks.setdefault(answer.headers["X-Served-By"], answer)
        if len(checks) == 2:
            break
    assert len(checks) == 2, "the other worker never answered"
    for pid, check in checks.items():
        assert check.status_code == 200 and GATEMATE_CHECK_HEADING in check.text, pid
        seen = check.text.split('id="mentors-see"')[1].split("</dl>")[0]
        assert "Robin O." in seen and "Okafor" not in seen and "Red coat" in seen, pid
    assert count(GatemateRequest) == 0 and count(Notification) == 0

    # Sent from the page one worker showed, posted to whichever answers; sent again (a second tab, a
    # double click past the button's guard): turned away to the request already made.
    carried = {**hidden_inputs(next(iter(checks.values())).text), "send": "Send request"}
    sent = post_fresh(served_site, browser, path, carried)
    assert sent.status_code == 200 and "Request sent. Mentors who cover the prison have been told" in sent.text
    again = post_fresh(served_site, browser, path, carried)
    assert again.status_code == 200 and "Robin already has a request" in again.text
    assert count(GatemateRequest) == 1
    request = db.session.scalar(db.select(GatemateRequest))
    assert (request.note, request.destination_town) == ("Red coat", "Bootle")
    assert count(Notification, Notification.user_id == mentor_id) == 1
    for pid, page in served_site.every_worker(browser, f"/gatemate/requests/{request.id}").items():
        assert page.status_code == 200 and "Waiting for a mentor" in page.text, pid
