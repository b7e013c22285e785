"""Mentors and their coordinators see only what they need for release day: the first name and last
initial, the prison, the day and time, where the person is going, their needs and priorities, and
the note only with consent. Never the participant number, date of birth, offences, restrictions,
risk or anything else from the record. Checked in the HTML of every page they can open, and in what
they are sent."""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import select

from marketplace.core.models import OutboxMessage
from marketplace.extensions import db
from marketplace.gatemate import operations
from tests.factories import ConsentRecordFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import days
from tests.helpers import sign_in_client

SECRETS = [
    "Q7777QQ",  # participant number
    "Zebedee-Quartermain",  # last name
    "14 July 1989", "1989-07-14",  # date of birth
    "Arson", "Sexual offences", "Must not work with children", "MAPPA", "registered sexual offender",
    "Risk of serious harm", "Very high",
    "Hiddenford", "L1 8JQ",  # where they live (the request says where they are going)
    "forklift-secret", "SecretQualification", "secret work history", "secret goals",
]
NOTE = "Look for the green rucksack."


@pytest.fixture
def person():
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    return ParticipantFactory(
        case_manager=manager, participant_number="Q7777QQ", first_name="Alexis", last_name="Zebedee-Quartermain",
        date_of_birth=date(1989, 7, 14), release_town="Hiddenford", release_postcode="L1 8JQ",
        skills=["forklift-secret"], qualifications=[{"subject": "engineering", "level": "2",
                                                     "title": "SecretQualification"}],
        work_history="secret work history", goals="secret goals", offence_categories=["arson", "sexual"],
        no_work_with_children=True, mappa_category="1", mappa_level="2", rosh_level="very_high")


def assert_private(html: str, where: str) -> None:
    leaked = [secret for secret in SECRETS if secret in html]
    assert not leaked, f"{where} shows {leaked}"


def mentoring_pages(app, request, *, holder: bool, coordinator: bool):
    with app.test_request_context():
        pages = [url_for("core.home"), url_for("core.notifications"), url_for("gatemate.show", request_id=request.id)]
        pages += [url_for("gatemate.requests", show=show) for show in ("active", "open", "accepted", "done", "all")]
        if coordinator:
            pages += [url_for("gatemate.mentors"), url_for("gatemate.coverage")]
            if request.status == "open":
                pages.append(url_for("gatemate.assign", request_id=request.id))
        else:
            pages += [url_for("gatemate.board"), url_for("gatemate.my_profile")]
        if holder:
            pages += [url_for("gatemate.hand_back", request_id=request.id),
                      url_for("gatemate.outcome", request_id=request.id)]
    return pages


def check_pages(app, client, request, *, holder: bool, coordinator: bool = False, note_shown: bool) -> None:
    for path in mentoring_pages(app, request, holder=holder, coordinator=coordinator):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.data.decode()
        assert_private(html, path)
        if path.endswith(f"/requests/{request.id}"):
            assert "Alexis Z." in html and "Bootle" in html and "HMP Liverpool" in html
            assert (NOTE in html) == note_shown, path


def test_a_mentor_sees_only_the_brief_on_every_page(app, client, person, make_mentor, make_request):
    consent = True
    ConsentRecordFactory(participant=person, mentors=True)
    # The record's risk flags were signed off by a coordinator; mentors still never see them.
    request = make_request(person, note=NOTE, destination_town="Bootle", needs=["gp", "phone"], priorities=["job"],
                           safety_arrangements="Meet in the visitors' centre.")
    mentor = make_mentor(prisons=["HMP Liverpool"])
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    sign_in_client(client, mentor)
    board = client.get("/gatemate/board").data.decode()
    assert_private(board, "board")
    assert "Alexis Z." in board and "Registering with a GP" in board and "A job or interview lined up" in board
    assert (NOTE in board) == consent
    check_pages(app, client, request, holder=False, note_shown=consent)

    assert client.post_form(f"/gatemate/requests/{request.id}/accept").status_code == 302
    manager = person.case_manager
    operations.update_release(request.id, operations.ReleaseUpdate(
        "expected", days(43), request.window_start, request.window_end, "Moved by the parole board"), manager)
    db.session.commit()
    check_pages(app, client, request, holder=True, note_shown=consent)
    sign_in_client(client, coordinator)
    check_pages(app, client, request, holder=True, coordinator=True, note_shown=consent)

    request.release_date = days(0)
    sign_in_client(client, mentor)
    client.post_form(f"/gatemate/requests/{request.id}/outcome/met",
                     {"hours_spent": "4", "needs_met": ["gp"], "went_to": "planned_address"})
    assert request.status == "met"
    check_pages(app, client, request, holder=False, note_shown=consent)

    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.to_address.in_([mentor.email, coordinator.email]))):
        assert_private(message.subject + message.body, f"email {message.subject}")


def test_coordinators_see_only_the_brief_of_open_requests_in_their_coverage(app, client, person, make_mentor,
                                                                           make_request):
    request = make_request(person, destination_town="Bootle")
    mentor = make_mentor(prisons=["HMP Liverpool"])
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    sign_in_client(client, coordinator)
    check_pages(app, client, request, holder=False, coordinator=True, note_shown=False)
    operations.flag_to_coordinators()
    db.session.commit()
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == coordinator.email)):
        assert_private(message.subject + message.body, "escalation email")


def test_the_case_manager_sees_the_full_name_and_the_record_link(client, person, make_request):
    request = make_request(person)
    sign_in_client(client, person.case_manager)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "Alexis Zebedee-Quartermain" in page and f"/participants/{person.id}" in page
    assert "agreed to share details with mentors on" in page
