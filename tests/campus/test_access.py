"""Virtual Campus access: the case manager's slip, the person's first sign-in with its code, later
sign-ins, lockout, timeouts, and what the person can and cannot reach."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.campus import operations
from marketplace.campus.models import CampusAccess
from marketplace.core import clock
from marketplace.core.models import AuditEvent
from marketplace.core.tokens import hash_token
from marketplace.extensions import db
from tests.factories import (
    ConsentRecordFactory,
    OpportunityFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
    campus_person,
)
from tests.helpers import TEST_PASSWORD, error_summary, location, sign_in_client

PASSPHRASE = "kettle river orange bicycle"
CODE = re.compile(rb"data-access-code>([A-Z0-9-]+)<")
SEEN_SLIP = re.compile(rb'name="seen_slip" type="hidden" value="([0-9]*)"')


def _date_fields(name: str, day: date) -> dict:
    return {f"{name}": [str(day.day), str(day.month), str(day.year)]}


def _print_slip(client, case_manager, participant) -> str:
    sign_in_client(client, case_manager)
    page = client.get(f"/campus/people/{participant.id}/access")
    assert page.status_code == 200
    seen = SEEN_SLIP.search(page.data).group(1).decode()  # the slip the page shows, as a browser posts it
    response = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y", "seen_slip": seen})
    assert response.status_code == 200, response.data[-800:]
    code = CODE.search(response.data).group(1).decode()
    client.post_form("/sign-out")
    return code


def test_reloading_the_slip_page_keeps_the_printed_code_working(client, case):
    """Seen by an outside check: the slip is the answer to a form, so reloading it (the printer
    jammed) posted again, printed a new code, and the one handed over stopped working."""
    case_manager, participant = case
    sign_in_client(client, case_manager)
    client.get(f"/campus/people/{participant.id}/access")
    first = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y", "seen_slip": ""})
    code = CODE.search(first.data).group(1).decode()
    again = client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y", "seen_slip": ""})
    assert again.status_code == 400 and CODE.search(again.data) is None
    refusal = again.get_data(as_text=True)
    assert "govuk-error-summary" in refusal and "its code still works" in refusal
    slip = db.session.scalar(select(CampusAccess))
    assert f'name="seen_slip" type="hidden" value="{slip.id}"' in refusal  # pressing again is deliberate
    client.post_form("/sign-out")
    assert location(_start(client, participant, code)).endswith("/campus/home")  # the printed code works

    sign_in_client(client, case_manager)
    replaced = client.post_form(f"/campus/people/{participant.id}/access",
                                {"consent": "y", "seen_slip": str(slip.id)})
    assert replaced.status_code == 200 and CODE.search(replaced.data) is not None


def _start(client, participant, code, *, number=None, born=None, passphrase=PASSPHRASE, confirm=None):
    data = {"code": code, "participant_number": number or participant.participant_number,
            "passphrase": passphrase, "confirm": confirm if confirm is not None else passphrase,
            **_date_fields("date_of_birth", born or participant.date_of_birth)}
    return client.post_form("/campus/start", data)


def _sign_in(client, participant, passphrase=PASSPHRASE, born=None):
    return client.post_form("/campus/sign-in", {
        "participant_number": participant.participant_number.lower(), "passphrase": passphrase,
        **_date_fields("date_of_birth", born or participant.date_of_birth)})


@pytest.fixture
def case():
    case_manager = UserFactory(role="case_manager")
    participant = ParticipantFactory(case_manager=case_manager)
    db.session.commit()
    return case_manager, participant


def test_slip_code_works_once_and_only_its_hash_is_kept(client, case):
    case_manager, participant = case
    code = _print_slip(client, case_manager, participant)
    access = db.session.scalar(select(CampusAccess))
    assert access.code_hash == hash_token(code.replace("-", ""))
    audit_text = " ".join(f"{e.action} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    assert code not in audit_text and code.replace("-", "") not in audit_text

    response = _start(client, participant, code.lower())
    assert response.status_code == 302 and location(response) == "/campus/home"
    home = client.get("/campus/home")
    assert home.status_code == 200 and f"Hello, {participant.first_name}".encode() in home.data

    client.post_form("/sign-out")
    again = _start(client, participant, code, passphrase="another long passphrase here")
    assert again.status_code == 400 and b"Check the code on your slip" in again.data
    assert _sign_in(client, participant).status_code == 302


def test_start_shows_every_problem_at_once_and_keeps_what_was_typed(client, case):
    _case_manager, participant = case
    response = client.post_form("/campus/start", {"code": "", "participant_number": "AB12",
                                                  "passphrase": "one thing", "confirm": "another"})
    assert response.status_code == 400
    for message in (b"Enter the code on your slip", b"Enter date of birth", b"The two passphrases are not the same"):
        assert message in response.data
    assert b'value="AB12"' in response.data


def test_wrong_date_of_birth_is_refused_and_repeated_tries_lock_out(client, case, app):
    case_manager, participant = case
    code = _print_slip(client, case_manager, participant)
    wrong = participant.date_of_birth - timedelta(days=1)
    limit = app.config["CAMPUS_SIGN_IN_FAILURE_LIMIT"]
    for _ in range(limit):
        assert _start(client, participant, code, born=wrong).status_code == 400
    locked = _start(client, participant, code)
    assert locked.status_code == 429 and b"too many tries" in locked.data
    assert db.session.scalar(select(CampusAccess)).activated_at is None


def test_sign_in_needs_all_three_and_locks_out_on_its_own(client, case, app):
    _case_manager, participant = case
    campus_person(participant)
    db.session.commit()
    assert _sign_in(client, participant, born=participant.date_of_birth + timedelta(days=1)).status_code == 400
    assert _sign_in(client, participant, passphrase="not the passphrase at all").status_code == 400
    ok = _sign_in(client, participant, passphrase=TEST_PASSWORD)
    assert ok.status_code == 302 and location(ok) == "/campus/home"
    client.post_form("/sign-out")
    for _ in range(app.config["CAMPUS_SIGN_IN_FAILURE_LIMIT"]):
        _sign_in(client, participant, passphrase="wrong wrong wrong wrong")
    assert _sign_in(client, participant, passphrase=TEST_PASSWORD).status_code == 429


def test_a_person_is_signed_out_after_15_idle_minutes(client, case):
    _case_manager, participant = case
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    assert client.get("/campus/home").status_code == 200
    clock.fix(clock.now() + timedelta(minutes=16))
    response = client.get("/campus/home")
    assert response.status_code == 302 and "/campus/sign-in" in location(response)


def test_the_first_sign_in_lists_every_error_at_once(client, case):
    """Seen by an outside check: a short passphrase was only mentioned once the date was right."""
    _case_manager, participant = case
    response = client.post_form("/campus/start", {
        "code": "ACDE-FGHJ-KMNP", "participant_number": participant.participant_number,
        "passphrase": "abc", "confirm": "abd", "date_of_birth": ["31", "2", "1990"]})
    assert response.status_code == 400
    summary = " ".join(error_summary(response.data))
    assert "Date of birth must be a real date" in summary
    assert "Passphrase must be 12 characters or more" in summary
    assert "The two passphrases are not the same" in summary
    assert 'aria-label="Show passphrase"' in response.get_data(as_text=True)  # the box's own words


def test_a_person_whose_access_ends_is_told_why_they_were_signed_out(client, case):
    case_manager, participant = case
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    token = client.csrf_token("/campus/cv")  # the CV page is open, the person typing
    operations.end_access(operations.current_access(participant), case_manager, "ended_by_case_manager")
    db.session.commit()
    answer = client.post("/campus/cv", data={"summary": "I am typing my CV", "csrf_token": token},
                         headers={"Referer": "https://localhost/"}, follow_redirects=True)
    assert "Sign in to the Virtual Campus" in answer.text
    assert "If your case manager has ended your Virtual Campus access" in answer.text


def test_home_shows_own_referrals_in_plain_words_and_audits_each_view(client, case):
    case_manager, participant = case
    ConsentRecordFactory(participant=participant, employers=True, mentors=False)
    mine = ReferralFactory(participant=participant, opportunity=OpportunityFactory(title="Kitchen porter"),
                           status="interview_offered")
    other = ParticipantFactory(case_manager=case_manager, first_name="Zebedee")
    ReferralFactory(participant=other, opportunity=OpportunityFactory(title="Secret other job"))
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    page = client.get("/campus/home")
    assert b"Kitchen porter" in page.data and b"The employer wants to interview you" in page.data
    assert b"Secret other job" not in page.data and b"Zebedee" not in page.data
    assert b"with employers, but not with gate mentors" in page.data
    assert mine.employer.name.encode() in page.data
    client.get("/campus/home")
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campus.viewed")).all()
    assert len(views) == 2
    assert {(v.actor_id, v.subject_type, v.subject_id) for v in views} == {(person.id, "participants",
                                                                            str(participant.id))}


def test_a_person_reaches_nobody_elses_anything_by_id(client, case):
    case_manager, participant = case
    other = ParticipantFactory(case_manager=case_manager)
    referral = ReferralFactory(participant=participant)
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    for path in (f"/participants/{participant.id}", f"/participants/{other.id}", f"/referrals/{referral.id}",
                 f"/campus/people/{participant.id}/access", f"/campus/people/{other.id}/access",
                 "/participants/", "/search/people", "/account", "/home/../participants/"):
        assert client.get(path).status_code in (403, 404), path
    assert location(client.get("/home")) == "/campus/home"


def test_ending_access_signs_the_person_out_at_once(client, app, case):
    case_manager, participant = case
    person = campus_person(participant)
    db.session.commit()
    sign_in_client(client, person)
    assert client.get("/campus/home").status_code == 200

    staff = app.test_client()
    sign_in_client(staff, case_manager)
    refused = staff.post_form(f"/campus/people/{participant.id}/access/end", {})
    assert refused.status_code == 400 and b"Select why access is ending" in refused.data
    ended = staff.post_form(f"/campus/people/{participant.id}/access/end", {"reason": "consent_withdrawn"})
    assert ended.status_code == 302

    response = client.get("/campus/home")
    assert response.status_code == 302 and "/campus/sign-in" in location(response)
    assert _sign_in(client, participant, passphrase=TEST_PASSWORD).status_code == 400


def test_a_closed_case_ends_access(client, case):
    _case_manager, participant = case
    person = campus_person(participant)
    participant.status = "closed"
    db.session.commit()
    sign_in_client(client, person)
    assert "/campus/sign-in" in location(client.get("/campus/home"))


def test_a_new_slip_replaces_the_old_and_keeps_the_same_account(client, case):
    case_manager, participant = case
    first = _print_slip(client, case_manager, participant)
    assert _start(client, participant, first).status_code == 302
    client.post_form("/sign-out")
    second = _print_slip(client, case_manager, participant)
    assert _start(client, participant, first).status_code == 400
    assert _start(client, participant, second, passphrase="a brand new passphrase please").status_code == 302
    accesses = db.session.scalars(select(CampusAccess).order_by(CampusAccess.id)).all()
    assert accesses[0].ended_reason == "replaced" and accesses[1].is_live
    assert accesses[0].user_id == accesses[1].user_id


def test_another_organisations_case_manager_gets_404(client, case):
    _case_manager, participant = case
    stranger = UserFactory(role="case_manager")
    db.session.commit()
    sign_in_client(client, stranger)
    assert client.get(f"/campus/people/{participant.id}/access").status_code == 404
    assert client.post_form(f"/campus/people/{participant.id}/access", {"consent": "y"}).status_code == 404


def test_the_slip_needs_the_persons_agreement(client, case):
    case_manager, participant = case
    sign_in_client(client, case_manager)
    response = client.post_form(f"/campus/people/{participant.id}/access", {})
    assert response.status_code == 400 and b"Confirm that the person agrees" in response.data
    assert db.session.scalar(select(CampusAccess)) is None
