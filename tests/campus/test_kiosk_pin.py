"""Virtual Campus kiosk PIN: a slip printed for a prison kiosk sets a 6-number PIN; the person signs in
with participant number and PIN; wrong PINs lock PIN sign-in on their own counter (never the
passphrase sign-in's) until the case manager unlocks it (audited) or the lock time passes."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.passwords import verify_password
from marketplace.campus import operations
from marketplace.campus.models import CampusAccess
from marketplace.core import clock, throttle
from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent, ThrottleEvent
from marketplace.extensions import db
from tests.factories import ParticipantFactory, UserFactory, campus_person
from tests.helpers import TEST_PASSWORD, location, sign_in_client

PIN = "604913"
CODE = re.compile(rb"data-access-code>([A-Z0-9-]+)<")


def _born(day: date) -> dict:
    return {"date_of_birth": [str(day.day), str(day.month), str(day.year)]}


@pytest.fixture
def case():
    case_manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=case_manager, first_name="Dwayne")
    db.session.commit()
    return case_manager, participant


def kiosk_person(participant, pin: str = PIN):
    """A person whose case manager chose a kiosk PIN, who has set `pin` with their slip."""
    from marketplace.accounts.passwords import hash_password

    user = campus_person(participant)
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.user_id == user.id))
    access.sign_in_method = "kiosk_pin"
    access.pin_hash = hash_password(pin)
    db.session.commit()
    return user, access


def _print_kiosk_slip(client, case_manager, participant) -> str:
    sign_in_client(client, case_manager)
    page = client.get(f"/campus/people/{participant.id}/access")
    assert b"A 6-digit PIN: they will use a prison kiosk" in page.data
    slip = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y", "sign_in_method": "kiosk_pin"})
    assert slip.status_code == 200
    assert b"/campus/kiosk/start" in slip.data and b"Choose a 6-number PIN" in slip.data
    client.post_form("/sign-out")
    return CODE.search(slip.data).group(1).decode()


def _kiosk_start(client, participant, code, pin=PIN, confirm=None, number=None):
    return client.post_form("/campus/kiosk/start", {
        "code": code, "participant_number": number or participant.participant_number, "pin": pin,
        "confirm_pin": confirm if confirm is not None else pin, **_born(participant.date_of_birth)})


def _kiosk_sign_in(client, participant, pin=PIN):
    return client.post_form("/campus/kiosk", {"participant_number": participant.participant_number.lower(),
                                              "pin": pin})


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


# The PIN's own rules ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("pin", "problem"), [
    ("12345", "must be 6 numbers"), ("1234567", "must be 6 numbers"), ("12a456", "must be 6 numbers"),
    ("１２３４５６", "must be 6 numbers"),  # full-width digits are digits to Python, not to a kiosk keypad
    ("777777", "one number repeated"), ("123456", "numbers in order"), ("456789", "numbers in order"),
    ("987654", "numbers in order"), ("543210", "numbers in order"),
])
def test_a_weak_or_malformed_pin_is_refused(pin, problem):
    with pytest.raises(Refused) as refused:
        operations.check_pin(operations.PinChoice(pin, pin))
    assert problem in refused.value.message


def test_every_pin_problem_is_reported_at_once():
    with pytest.raises(Refused) as refused:
        operations.check_pin(operations.PinChoice("111111", "222222"))
    assert [field for field, _ in refused.value.problems] == ["pin", "confirm_pin"]
    operations.check_pin(operations.PinChoice(PIN, PIN))  # a good one passes


# Setting the PIN with the slip --------------------------------------------------------------------------

def test_a_kiosk_slip_sets_a_hashed_pin_and_the_person_signs_in_with_number_and_pin(client, case):
    case_manager, participant = case
    code = _print_kiosk_slip(client, case_manager, participant)
    # The passphrase start page will not spend a kiosk slip (and says where to go).
    wrong_page = client.post_form("/campus/start", {
        "code": code, "participant_number": participant.participant_number, "passphrase": "kettle river orange bike",
        "confirm": "kettle river orange bike", **_born(participant.date_of_birth)})
    assert wrong_page.status_code == 400 and b"Your slip is for a prison kiosk" in wrong_page.data

    started = _kiosk_start(client, participant, code)
    assert started.status_code == 302 and location(started) == "/campus/home"
    access = db.session.scalar(select(CampusAccess).where(CampusAccess.participant_id == participant.id))
    assert access.activated_at is not None and access.uses_kiosk_pin
    assert PIN not in access.pin_hash and verify_password(access.pin_hash, PIN)
    home = client.get("/campus/home")
    assert b"Change your PIN" in home.data
    client.post_form("/sign-out")

    assert _kiosk_start(client, participant, code).status_code == 400  # the code works once
    assert _kiosk_sign_in(client, participant, "604914").status_code == 400
    signed_in = _kiosk_sign_in(client, participant)
    assert signed_in.status_code == 302 and location(signed_in) == "/campus/home"
    assert client.get("/campus/home").status_code == 200
    assert _audits("campus.pin_login") == 1 and _audits("campus.pin_login_failed") == 1
    assert not any(PIN in (event.detail or "") for event in db.session.scalars(select(AuditEvent)))


def test_a_passphrase_slip_cannot_set_a_pin(client, case):
    case_manager, participant = case
    sign_in_client(client, case_manager)
    slip = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y"})
    code = CODE.search(slip.data).group(1).decode()
    client.post_form("/sign-out")
    refused = _kiosk_start(client, participant, code)
    assert refused.status_code == 400 and b"Your slip is for a passphrase" in refused.data
    assert db.session.scalar(select(CampusAccess.activated_at)) is None


def test_the_kiosk_start_form_lists_every_error_at_once_and_keeps_what_was_typed_but_no_pin(client, case):
    _case_manager, participant = case
    page = client.post_form("/campus/kiosk/start", {"code": "", "participant_number": "A9999ZZ",
                                                    "pin": "234567", "confirm_pin": "765430"})
    assert page.status_code == 400
    summary = page.data.split(b"govuk-error-summary__list")[1].split(b"</ul>")[0]
    for message in (b"Enter the code on your slip", b"numbers in order", b"The two PINs are not the same",
                    b"Enter date of birth"):
        assert message in summary, message
    assert b'value="A9999ZZ"' in page.data
    assert b"234567" not in page.data and b"765430" not in page.data


# The PIN's own lockout ----------------------------------------------------------------------------------

def test_wrong_pins_lock_pin_sign_in_but_never_the_passphrase_sign_in(client, case, app):
    _case_manager, participant = case
    kiosk_person(participant)
    limit = app.config["CAMPUS_PIN_FAILURE_LIMIT"]
    for _ in range(limit):
        assert _kiosk_sign_in(client, participant, "000001").status_code == 400
    locked = _kiosk_sign_in(client, participant)
    assert locked.status_code == 429 and b"PIN sign-in is locked" in locked.data
    assert _audits("campus.pin_locked") == 1 and _audits("campus.pin_login_blocked") == 1
    number = participant.participant_number
    assert throttle.is_blocked(operations.PIN_BUCKET, number, limit, app.config["CAMPUS_PIN_LOCK"])
    window = app.config["CAMPUS_SIGN_IN_FAILURE_WINDOW"]
    assert not throttle.is_blocked(operations.SIGN_IN_BUCKET, number, 1, window)
    assert not throttle.is_blocked(operations.START_BUCKET, number, 1, window)


def test_a_locked_passphrase_sign_in_leaves_the_pin_sign_in_open(client, case, app):
    _case_manager, participant = case
    kiosk_person(participant)
    for _ in range(app.config["CAMPUS_SIGN_IN_FAILURE_LIMIT"]):
        client.post_form("/campus/sign-in", {"participant_number": participant.participant_number,
                                             "passphrase": "not it at all", **_born(participant.date_of_birth)})
    locked = client.post_form("/campus/sign-in", {"participant_number": participant.participant_number,
                                                  "passphrase": TEST_PASSWORD, **_born(participant.date_of_birth)})
    assert locked.status_code == 429
    assert _kiosk_sign_in(client, participant).status_code == 302


def test_the_case_manager_sees_pin_locked_and_unlocks_it_which_is_audited(client, case, app):
    case_manager, participant = case
    kiosk_person(participant)
    person_browser = app.test_client()
    for _ in range(app.config["CAMPUS_PIN_FAILURE_LIMIT"]):
        _kiosk_sign_in(person_browser, participant, "000001")
    assert _kiosk_sign_in(person_browser, participant).status_code == 429

    sign_in_client(client, case_manager)
    record = client.get(f"/participants/{participant.id}")
    assert b"PIN locked" in record.data and b"(kiosk PIN)" in record.data
    access_page = client.get(f"/campus/people/{participant.id}/access")
    assert b"PIN locked" in access_page.data and b"Unlock PIN sign-in" in access_page.data
    unlocked = client.post_form(f"/campus/people/{participant.id}/access/pin-unlock")
    assert unlocked.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "campus.pin_unlocked"))
    assert event.actor_id == case_manager.id and str(event.subject_id) == str(participant.id)
    assert b"PIN locked" not in client.get(f"/campus/people/{participant.id}/access").data
    assert _kiosk_sign_in(person_browser, participant).status_code == 302


def test_another_organisations_case_manager_cannot_unlock(client, case, app):
    _case_manager, participant = case
    _user, access = kiosk_person(participant)
    stranger = UserFactory(role="case_manager")
    db.session.commit()
    with pytest.raises(Refused):
        operations.unlock_pin(access, stranger)
    sign_in_client(client, stranger)
    assert client.post_form(f"/campus/people/{participant.id}/access/pin-unlock").status_code == 404
    assert _audits("campus.pin_unlocked") == 0


def test_the_lock_lifts_by_itself_after_the_lock_time(client, case, app):
    _case_manager, participant = case
    kiosk_person(participant)
    start = clock.now()
    clock.fix(start)
    for _ in range(app.config["CAMPUS_PIN_FAILURE_LIMIT"]):
        _kiosk_sign_in(client, participant, "000001")
    clock.fix(start + timedelta(hours=23))
    assert _kiosk_sign_in(client, participant).status_code == 429
    clock.fix(start + app.config["CAMPUS_PIN_LOCK"] + timedelta(minutes=1))
    assert _kiosk_sign_in(client, participant).status_code == 302


def test_a_kiosk_person_is_signed_out_after_15_idle_minutes(client, case):
    _case_manager, participant = case
    kiosk_person(participant)
    start = clock.now()
    clock.fix(start)
    assert _kiosk_sign_in(client, participant).status_code == 302
    clock.fix(start + timedelta(minutes=16))
    assert client.get("/campus/home").status_code == 302


# Changing the PIN from their own page -------------------------------------------------------------------

def test_a_kiosk_person_changes_their_pin_on_their_own_page(client, case):
    _case_manager, participant = case
    kiosk_person(participant)
    assert _kiosk_sign_in(client, participant).status_code == 302
    assert client.get("/campus/pin").status_code == 200
    bad = client.post_form("/campus/pin", {"current_pin": PIN, "pin": "999999", "confirm_pin": "123"})
    assert bad.status_code == 400
    assert b"one number repeated" in bad.data and b"The two PINs are not the same" in bad.data
    assert client.post_form("/campus/pin", {"current_pin": PIN, "pin": "283746",
                                            "confirm_pin": "283746"}).status_code == 302
    assert _audits("campus.pin_changed") == 1
    client.post_form("/sign-out")
    assert _kiosk_sign_in(client, participant).status_code == 400
    assert _kiosk_sign_in(client, participant, "283746").status_code == 302


def test_changing_the_pin_needs_the_current_one_and_wrong_ones_count_toward_the_lock(client, case, app):
    """A kiosk is shared: a session left open must not let the next person set a PIN of their own,
    nor guess the PIN here without the lockout."""
    _case_manager, participant = case
    kiosk_person(participant)
    assert _kiosk_sign_in(client, participant).status_code == 302
    wrong = client.post_form("/campus/pin", {"current_pin": "111111", "pin": "999999", "confirm_pin": "999999"})
    assert wrong.status_code == 400
    assert b"Your current PIN is not right" in wrong.data and b"one number repeated" in wrong.data
    for _ in range(app.config["CAMPUS_PIN_FAILURE_LIMIT"] - 1):
        client.post_form("/campus/pin", {"current_pin": "111111", "pin": "283746", "confirm_pin": "283746"})
    locked = client.post_form("/campus/pin", {"current_pin": PIN, "pin": "283746", "confirm_pin": "283746"})
    assert locked.status_code == 429 and b"locked" in locked.data
    assert _audits("campus.pin_change_failed") == app.config["CAMPUS_PIN_FAILURE_LIMIT"]
    assert _audits("campus.pin_changed") == 0
    client.post_form("/sign-out")
    assert _kiosk_sign_in(client, participant).status_code == 429  # the same lock as the kiosk's


def test_a_passphrase_person_has_no_pin_page(client, case):
    _case_manager, participant = case
    sign_in_client(client, campus_person(participant))
    assert client.get("/campus/pin").status_code == 404


# A race of wrong PINs -----------------------------------------------------------------------------------

@pytest.mark.concurrency
def test_wrong_pins_raced_in_threads_never_pass_the_limit(app, case):
    """Real threads, each with its own application context and database session, on SQLite (BEGIN
    IMMEDIATE) or PostgreSQL (advisory lock on the key) with TEST_DATABASE_URL: only `limit` wrong PINs
    are ever checked; every other try is refused without being checked."""
    _case_manager, participant = case
    kiosk_person(participant)
    number = participant.participant_number
    racers = 12
    limit = app.config["CAMPUS_PIN_FAILURE_LIMIT"]
    barrier = threading.Barrier(racers)

    def guess(index):
        with app.test_request_context("/campus/kiosk", method="POST"):
            write_intent()
            barrier.wait(timeout=30)
            try:
                operations.sign_in_with_pin(number, f"{100000 + index:06d}")
            except throttle.Limited:
                db.session.commit()
                return "locked"
            except Refused:
                db.session.commit()
                return "wrong"
            finally:
                db.session.remove()
            return "in"

    with ThreadPoolExecutor(racers) as pool:
        outcomes = sorted(pool.map(guess, range(racers)))
    db.session.rollback()
    assert outcomes == ["locked"] * (racers - limit) + ["wrong"] * limit
    assert db.session.scalar(select(func.count()).select_from(ThrottleEvent)
                             .where(ThrottleEvent.bucket == operations.PIN_BUCKET)) == limit
    assert _audits("campus.pin_login_failed") == limit and _audits("campus.pin_locked") == 1


def test_a_kiosk_person_signing_out_or_timing_out_is_sent_back_to_the_kiosk_sign_in(client, case):
    _case_manager, participant = case
    kiosk_person(participant)
    assert _kiosk_sign_in(client, participant).status_code == 302
    assert b'data-signed-out-url="/campus/kiosk?reason=idle"' in client.get("/campus/home").data
    signed_out = client.post_form("/sign-out")
    assert location(signed_out) == "/campus/kiosk"


def test_a_passphrase_person_is_still_sent_to_the_passphrase_sign_in(client, case):
    _case_manager, participant = case
    sign_in_client(client, campus_person(participant))
    assert b'data-signed-out-url="/campus/sign-in?reason=idle"' in client.get("/campus/home").data
    assert location(client.post_form("/sign-out")) == "/campus/sign-in"


def test_the_kiosk_sign_in_says_why_someone_was_signed_out(client):
    page = client.get("/campus/kiosk?reason=idle")
    assert b"had not done anything for 15 minutes" in page.data
    assert b"had not done anything" not in client.get("/campus/kiosk").data


def test_the_subject_access_export_says_how_they_sign_in_but_holds_no_pin(case):
    _case_manager, participant = case
    _user, access = kiosk_person(participant)
    name, section = operations.subject_access_section(participant)
    assert name == "virtual_campus" and section["access"][0]["signs_in_with"] == "kiosk PIN"
    assert access.pin_hash not in repr(section) and PIN not in repr(section)
