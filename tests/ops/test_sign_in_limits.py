"""Sign-in limits through the running site (gunicorn, 2 workers), on the database and on Redis.

The outside test found the failed sign-in counter's check and count were two steps (in Redis), so
simultaneous wrong passwords could pass the limit; that the sign-in view chose its 429 by reading
words in a message; and that one address could try account after account."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from marketplace.accounts.operations import ADDRESS_BUCKET, LOGIN_BUCKET
from marketplace.core.models import ThrottleEvent
from marketplace.extensions import db
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD
from tests.served import CSRF, ServedSite, end_test_transaction

pytestmark = pytest.mark.concurrency
RACERS = 20


@pytest.fixture(params=["database", "redis"])
def site(request, app):
    env = {}
    if request.param == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    served = ServedSite(app, workers=2, env=env).start()
    try:
        yield served
    finally:
        served.stop()


def ready_browser(site) -> tuple[requests.Session, str]:
    browser = requests.Session()
    token = CSRF.search(browser.get(site.url + "/sign-in", timeout=60).text).group(1)
    return browser, token


def sign_in(site, browser, token, email, password) -> requests.Response:
    return browser.post(site.url + "/sign-in", data={"csrf_token": token, "email": email, "password": password},
                        headers={"Referer": site.url + "/", "Connection": "close"}, timeout=120)


def test_wrong_passwords_raced_across_two_workers_never_pass_the_limit(site, app):
    email = UserFactory(role="employer").email
    db.session.commit()
    end_test_transaction()
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    browsers = [ready_browser(site) for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)

    def race(browser_and_token):
        browser, token = browser_and_token
        barrier.wait(timeout=60)
        answer = sign_in(site, browser, token, email, "wrong-password-entirely")
        return answer.status_code, answer.headers.get("X-Served-By")

    with ThreadPoolExecutor(RACERS) as pool:
        answers = list(pool.map(race, browsers))
    statuses = sorted(status for status, _worker in answers)
    assert len({worker for _status, worker in answers}) == 2, "both workers should have taken part"
    # Exactly `limit` wrong passwords were checked (400); every other attempt was refused unchecked.
    assert statuses == [400] * limit + [429] * (RACERS - limit), statuses
    # Now even the right password is refused, with the throttle's page, on every worker.
    for _ in range(4):
        browser, token = ready_browser(site)
        answer = sign_in(site, browser, token, email, TEST_PASSWORD)
        assert answer.status_code == 429
        assert "wrong password too many times" in answer.text and "Sign out" not in answer.text
    end_test_transaction()
    if "REDIS_URL" not in site.env:
        counted = db.session.scalar(select(func.count()).select_from(ThrottleEvent)
                                    .where(ThrottleEvent.bucket == LOGIN_BUCKET))
        assert counted == limit


def test_one_address_trying_account_after_account_is_stopped(site, app):
    app_limit = app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]
    real = UserFactory(role="employer")
    db.session.commit()
    end_test_transaction()
    browser, token = ready_browser(site)
    for number in range(app_limit):
        answer = sign_in(site, browser, token, f"someone{number}@example.org", "wrong-password-entirely")
        assert answer.status_code == 400
    answer = sign_in(site, browser, token, real.email, TEST_PASSWORD)
    assert answer.status_code == 429
    assert "too many failed sign-ins from your network" in answer.text
    end_test_transaction()
    if "REDIS_URL" not in site.env:
        assert db.session.scalar(select(func.count()).select_from(ThrottleEvent)
                                 .where(ThrottleEvent.bucket == ADDRESS_BUCKET)) == app_limit


def test_wrong_passwords_raced_in_threads_on_redis_never_pass_the_limit(database_url, tmp_path, redis_url, app):
    """Many threads of one app at once (sync workers take one request each; threads make the
    check-then-count race wide open): on Redis too, only the limit of attempts is ever checked."""
    from marketplace import create_app
    from tests.conftest import CsrfClient, make_config

    host = create_app(make_config(database_url, tmp_path, REDIS_URL=redis_url))
    host.test_client_class = CsrfClient
    email = UserFactory(role="employer").email
    db.session.commit()
    limit = host.config["LOGIN_FAILURE_LIMIT"]
    barrier = threading.Barrier(RACERS)

    def fail_once(_):
        client = host.test_client()
        token = client.csrf_token()
        barrier.wait(timeout=30)
        return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": "wrong-wrong-wrong"},
                           headers={"Referer": "https://localhost/"}).status_code

    with ThreadPoolExecutor(RACERS) as pool:
        statuses = sorted(pool.map(fail_once, range(RACERS)))
    assert statuses == [400] * limit + [429] * (RACERS - limit), statuses


def test_wrong_campus_passphrases_raced_across_two_workers_never_pass_the_limit(site, app):
    """The Virtual Campus sign-in counts each try before the passphrase is checked, in one step
    (throttle.attempt), as the staff sign-in does: before, its check and count were two steps."""
    from tests.factories import ParticipantFactory, campus_person

    participant = ParticipantFactory(case_manager=UserFactory(role="case_manager"))
    campus_person(participant)
    db.session.commit()
    end_test_transaction()
    born = participant.date_of_birth
    limit = app.config["CAMPUS_SIGN_IN_FAILURE_LIMIT"]

    def ready() -> tuple[requests.Session, str]:
        browser = requests.Session()
        return browser, CSRF.search(browser.get(site.url + "/campus/sign-in", timeout=60).text).group(1)

    def campus_sign_in(browser, token, passphrase) -> requests.Response:
        return browser.post(site.url + "/campus/sign-in", data={
            "csrf_token": token, "participant_number": participant.participant_number,
            "date_of_birth": [str(born.day), str(born.month), str(born.year)], "passphrase": passphrase},
            headers={"Referer": site.url + "/", "Connection": "close"}, timeout=120, allow_redirects=False)

    browsers = [ready() for _ in range(RACERS)]
    barrier = threading.Barrier(RACERS)

    def race(browser_and_token):
        barrier.wait(timeout=60)
        answer = campus_sign_in(*browser_and_token, "not the passphrase at all")
        return answer.status_code, answer.headers.get("X-Served-By")

    with ThreadPoolExecutor(RACERS) as pool:
        answers = list(pool.map(race, browsers))
    assert len({worker for _status, worker in answers}) == 2, "both workers should have taken part"
    assert sorted(status for status, _worker in answers) == [400] * limit + [429] * (RACERS - limit)
    locked = campus_sign_in(*ready(), TEST_PASSWORD)
    assert locked.status_code == 429 and "too many tries" in locked.text


def test_wrong_kiosk_pins_raced_in_threads_on_redis_never_pass_the_limit(database_url, tmp_path, redis_url, app):
    """The Virtual Campus kiosk PIN's own lockout on Redis: simultaneous wrong PINs are counted in one
    step (the moving window's hit), so only the limit are ever checked; then even the right PIN is
    refused until the case manager unlocks it, and the passphrase counter is untouched."""
    from marketplace import create_app
    from marketplace.accounts.passwords import hash_password
    from marketplace.campus import operations as campus
    from marketplace.campus.models import CampusAccess
    from marketplace.core import throttle
    from tests.conftest import CsrfClient, make_config
    from tests.factories import ParticipantFactory, campus_person

    host = create_app(make_config(database_url, tmp_path, REDIS_URL=redis_url))
    host.test_client_class = CsrfClient
    participant = ParticipantFactory(case_manager=UserFactory(role="case_manager"))
    user = campus_person(participant)
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.user_id == user.id))
    access.sign_in_method, access.pin_hash = "kiosk_pin", hash_password("640217")
    db.session.commit()
    number = participant.participant_number
    limit = host.config["CAMPUS_PIN_FAILURE_LIMIT"]
    barrier = threading.Barrier(RACERS)

    def pin(client, token, typed):
        return client.post("/campus/kiosk", data={"csrf_token": token, "participant_number": number, "pin": typed},
                           headers={"Referer": "https://localhost/"})

    def fail_once(index):
        client = host.test_client()
        token = client.csrf_token()
        barrier.wait(timeout=30)
        return pin(client, token, f"{200000 + index:06d}").status_code

    with ThreadPoolExecutor(RACERS) as pool:
        statuses = sorted(pool.map(fail_once, range(RACERS)))
    assert statuses == [400] * limit + [429] * (RACERS - limit), statuses
    client = host.test_client()
    assert pin(client, client.csrf_token(), "640217").status_code == 429
    with host.app_context():
        assert not throttle.is_blocked(campus.SIGN_IN_BUCKET, number, 1, host.config["CAMPUS_SIGN_IN_FAILURE_WINDOW"])
        campus.unlock_pin(db.session.get(CampusAccess, access.id), participant.case_manager)
        db.session.commit()
    assert pin(client, client.csrf_token(), "640217").status_code == 302
