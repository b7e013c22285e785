"""Check your answers and held files through the running site (gunicorn, 2 workers): a CV chosen on a
form that came back from one worker is still there when another worker shows the check page, and the
referral sent from it carries that very file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests

from marketplace.core import clock
from marketplace.extensions import db
from tests import documents
from tests.access import build_world
from tests.helpers import CHECK_HEADING, hidden_inputs
from tests.served import end_test_transaction

pytestmark = pytest.mark.concurrency
CV = documents.pdf("Sam's work history")


def post_fresh(served_site, browser, path: str, data: dict, files=None) -> requests.Response:
    """A post over a new connection (the kernel may hand it to either worker)."""
    end_test_transaction()
    try:
        return browser.post(served_site.url + path, data=data, files=files, timeout=60,
                            headers={"Referer": served_site.url + "/", "Connection": "close"})
    finally:
        end_test_transaction()


def test_a_held_cv_crosses_workers_to_the_check_page_and_is_sent(served_site):
    world = build_world()
    participant = world.records["participant"]
    participant.location, participant.prison = "community", None
    participant.release_date = clock.today() - timedelta(days=60)
    world.records["referral"].status = "withdrawn"
    db.session.commit()
    browser = served_site.signed_in(world.users["case_manager"])
    path = f"/referrals/new?participant={participant.id}&opportunity={world.records['opportunity'].id}"
    csrf = served_site.csrf_token(browser, path)

    # Consent forgotten: the form comes back with the error, and the CV held.
    first = post_fresh(served_site, browser, path, {"csrf_token": csrf, "name": "Sam B.", "submit": "Continue"},
                       files={"cv": ("cv.pdf", CV, "application/pdf")})
    assert first.status_code == 400 and "agreed to share this with" in first.text
    assert "cv.pdf uploaded</strong>" in first.text
    token = hidden_inputs(first.text)["cv_held"][0]

    # Fixed, without choosing the file again, until the other worker has answered: the check page
    # there lists the CV.
    answers = {"csrf_token": csrf, "name": "Sam B.", "consent": "y", "cv_held": token, "submit": "Continue"}
    checks = {}
    for _ in range(100):
        answer = post_fresh(served_site, browser, path, answers)
        checks.setdefault(answer.headers["X-Served-By"], answer)
        if len(checks) == 2:
            break
    assert set(checks) - {first.headers["X-Served-By"]}, "the other worker never answered"
    for check in checks.values():
        assert check.status_code == 200 and CHECK_HEADING in check.text
        assert "CV: cv.pdf" in check.text

    # Sent from the check page: the employer's copy is the file chosen on the first try.
    check = next(iter(checks.values()))
    sent = post_fresh(served_site, browser, path, {**hidden_inputs(check.text), "send": "Send referral"})
    assert sent.status_code == 200 and "Referral sent to" in sent.text
    link = re.search(r'href="(/referrals/\d+/documents/\d+)">CV: cv.pdf</a>', sent.text)
    assert link, "the referral page links to the CV"
    for pid, page in served_site.every_worker(browser, link.group(1)).items():
        assert page.status_code == 200 and page.content == CV, pid
