"""Kiosk PIN sign-in through the running site (gunicorn, 2 workers): PIN sign-in locked by wrong PINs
on whichever worker took them stays locked on every worker, the case manager sees it locked on every
worker, and once they unlock it the right PIN works again."""

from __future__ import annotations

import http.client
import re
import time
from urllib.parse import urlencode

from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory
from tests.served import CSRF, end_test_transaction

CODE = re.compile(r"data-access-code>([A-Z0-9-]+)<")
PIN = "508317"


def post_on_every_worker(site, browser, path: str, data: dict, rounds: int = 40) -> dict[str, tuple[int, str]]:
    """POST `data` to `path` once on each worker: {worker pid: (status, body)}. Like
    ServedSite.every_worker, each round holds a connection to every worker before sending."""
    token = CSRF.search(browser.get(site.url + path, timeout=60).text).group(1)
    body = urlencode({"csrf_token": token, **data})
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    headers = {"Connection": "close", "Cookie": cookie, "Referer": site.url + "/",
               "Content-Type": "application/x-www-form-urlencoded"}
    answers: dict[str, tuple[int, str]] = {}
    for round_number in range(rounds):
        connections = [http.client.HTTPConnection("127.0.0.1", site.port, timeout=60) for _ in range(site.workers)]
        try:
            for connection in connections:
                connection.connect()
            time.sleep(min(0.02 * 2 ** round_number, 2.0))
            for connection in connections:
                connection.request("POST", path, body=body, headers=headers)
            for connection in connections:
                response = connection.getresponse()
                answers.setdefault(response.getheader("X-Served-By"),
                                   (response.status, response.read().decode()))
        finally:
            for connection in connections:
                connection.close()
        if len(answers) == site.workers:
            end_test_transaction()
            return answers
    raise AssertionError(f"only {len(answers)} of {site.workers} workers answered {path}")


def test_a_pin_lock_made_on_one_worker_holds_on_every_worker_until_the_case_manager_unlocks_it(served_site, app):
    manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=manager, first_name="Leon")
    db.session.commit()
    born = participant.date_of_birth
    staff = served_site.signed_in(manager)
    slip = served_site.post_form(staff, f"/campus/people/{participant.id}/access",
                                 {"consent": "y", "sign_in_method": "kiosk_pin"})
    code = CODE.search(slip.text).group(1)

    person = served_site.session()
    started = served_site.post_form(person, "/campus/kiosk/start", {
        "code": code, "participant_number": participant.participant_number, "pin": PIN, "confirm_pin": PIN,
        "date_of_birth": [str(born.day), str(born.month), str(born.year)]})
    assert started.status_code == 200 and "Hello, Leon" in started.text
    served_site.post_form(person, "/sign-out")

    kiosk = served_site.session()
    number = participant.participant_number
    workers = set()
    for _ in range(app.config["CAMPUS_PIN_FAILURE_LIMIT"]):
        wrong = served_site.post_form(kiosk, "/campus/kiosk", {"participant_number": number, "pin": "000001"},
                                      headers={"Connection": "close"})
        assert wrong.status_code == 400
        workers.add(wrong.headers["X-Served-By"])

    # The right PIN now, on each worker: both refuse it unchecked, whichever took the wrong ones.
    for status, body in post_on_every_worker(served_site, kiosk, "/campus/kiosk",
                                             {"participant_number": number, "pin": PIN}).values():
        assert status == 429 and "PIN sign-in is locked" in body
    for page in served_site.every_worker(staff, f"/campus/people/{participant.id}/access").values():
        assert "PIN locked" in page.text and "Unlock PIN sign-in" in page.text
    for page in served_site.every_worker(staff, f"/participants/{participant.id}").values():
        assert "PIN locked" in page.text

    unlocked = served_site.post_form(staff, f"/campus/people/{participant.id}/access/pin-unlock")
    assert "can sign in at the kiosk with their PIN again" in unlocked.text
    for page in served_site.every_worker(staff, f"/campus/people/{participant.id}/access").values():
        assert "PIN locked" not in page.text
    signed_in = served_site.post_form(kiosk, "/campus/kiosk", {"participant_number": number, "pin": PIN})
    assert signed_in.status_code == 200 and "Hello, Leon" in signed_in.text
    for page in served_site.every_worker(kiosk, "/campus/home").values():
        assert page.status_code == 200 and "Change your PIN" in page.text
