"""Case managers request a mentor, change the request, update release day and cancel."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from marketplace.core.models import AuditEvent, Notification, OutboxMessage
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest, RequestEvent
from tests.factories import ConsentRecordFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import count, days, send_request
from tests.helpers import location


def request_form(**changes):
    release = changes.pop("release_date", days(10))
    if hasattr(release, "year"):
        release = [str(release.day), str(release.month), str(release.year)]
    data = {
        "prison": "HMP Liverpool", "release_date": release,
        "window_start": "08:00", "window_end": "10:30", "destination_town": "Bootle",
        "destination_region": "North West", "needs": ["accommodation", "probation", "phone"],
        "priorities": ["job"], "note": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def manager(login_as):
    return login_as("case_manager")


@pytest.fixture
def person(manager):
    robin = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor")
    ConsentRecordFactory(participant=robin, employers=False, mentors=True)
    return robin


def test_case_manager_requests_a_mentor_and_covering_mentors_are_told(client, manager, person, make_mentor):
    covering = make_mentor(prisons=["HMP Liverpool"])
    make_mentor(prisons=["HMP Leeds"])  # covers elsewhere: not told
    make_mentor(prisons=["HMP Liverpool"], dbs_expires_on=days(-1))  # cannot take it: not told
    make_mentor(prisons=["HMP Liverpool"], capacity=0)  # paused: not told
    page = client.get(f"/gatemate/participants/{person.id}/request")
    assert page.status_code == 200
    assert b"HMP Liverpool" in page.data and b"Request a Gatemate mentor" in page.data

    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form())
    assert response.status_code == 302
    request = db.session.scalar(select(GatemateRequest))
    assert location(response) == f"/gatemate/requests/{request.id}"
    assert (request.status, request.prison, request.release_date) == ("open", "HMP Liverpool", days(10))
    assert (request.window_start, request.window_end) == (time(8, 0), time(10, 30))
    assert request.needs == ["accommodation", "probation", "phone"] and request.priorities == ["job"]
    assert request.organisation_id == manager.organisation_id and request.requested_by_id == manager.id
    assert [event.action for event in request.events] == ["request"]
    assert count(AuditEvent, AuditEvent.action == "gatemate.requested") == 1
    notes = db.session.scalars(select(Notification)).all()
    assert [note.user_id for note in notes] == [covering.id]
    assert "Robin O." in notes[0].text and "Okafor" not in notes[0].text
    assert count(OutboxMessage, OutboxMessage.to_address == covering.email) == 1


def test_at_least_three_days_notice_is_needed(client, person):
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(release_date=days(2)))
    assert response.status_code == 400
    assert b"at least 3 days from today" in response.data
    assert count(GatemateRequest) == 0
    assert send_request(client, f"/gatemate/participants/{person.id}/request",
                            request_form(release_date=days(3))).status_code == 302


@pytest.mark.parametrize(("changes", "message"), [
    ({"window_end": "07:00"}, b"must be after the time they are expected out from"),
    ({"window_start": ""}, b"Select when they are expected out from"),
    ({"needs": None}, b"Select what they need on the day"),
    ({"needs": ["spaceship"]}, b"not a valid choice"),
    ({"destination_town": ""}, b"Enter the town or city they are going to"),
    ({"destination_region": "Narnia"}, b"Not a valid choice"),
    ({"prison": "HMP Nowhere"}, b"Not a valid choice"),
    ({"release_date": days(400)}, b"within the next 12 months"),
    ({"release_date": ["31", "2", "2027"]}, b"Release date must be a real date"),
    ({"note": "x" * 501}, b"500 characters or fewer"),
])
def test_bad_requests_are_refused_clearly(client, person, changes, message):
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(**changes))
    assert response.status_code == 400
    assert message in response.data
    assert count(GatemateRequest) == 0


def test_no_request_without_consent_to_share_with_mentors(client, person):
    ConsentRecordFactory(participant=person, employers=True, mentors=False)
    page = client.get(f"/gatemate/participants/{person.id}/request").data.decode()
    assert "Consent needed first" in page and f"/gatemate/participants/{person.id}/consent" in page
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form(window_end="07:00"))
    assert response.status_code == 400
    # Every problem at once: the consent and the field's own error.
    assert b"Robin has not agreed to share details with mentors" in response.data
    assert b"must be after the time they are expected out from" in response.data
    assert count(GatemateRequest) == 0


def test_with_consent_the_note_is_kept(client, person):
    ConsentRecordFactory(participant=person, mentors=True)
    send_request(client, f"/gatemate/participants/{person.id}/request",
                 request_form(note="Will be wearing a red coat."))
    assert db.session.scalar(select(GatemateRequest.note)) == "Will be wearing a red coat."


def test_one_active_request_per_person(client, person, make_request):
    existing = make_request(person)
    response = client.get(f"/gatemate/participants/{person.id}/request")
    assert response.status_code == 302 and location(response) == f"/gatemate/requests/{existing.id}"
    response = send_request(client, f"/gatemate/participants/{person.id}/request", request_form())
    assert response.status_code == 302
    assert count(GatemateRequest) == 1
    existing.status = "cancelled"
    assert send_request(client, f"/gatemate/participants/{person.id}/request", request_form()).status_code == 302
    assert count(GatemateRequest) == 2


def test_people_in_the_community_and_closed_cases_cannot_have_a_request(client, manager):
    community = ParticipantFactory(case_manager=manager, location="community", prison=None)
    response = send_request(client, f"/gatemate/participants/{community.id}/request", request_form())
    assert response.status_code == 400 and b"record says they are in the community" in response.data
    closed = ParticipantFactory(case_manager=manager, status="closed")
    assert client.get(f"/gatemate/participants/{closed.id}/request").status_code == 302
    assert send_request(client, f"/gatemate/participants/{closed.id}/request", request_form()).status_code == 302
    assert count(GatemateRequest) == 0


def test_the_participant_page_links_to_requests(client, manager, person, make_request):
    page = client.get(f"/participants/{person.id}")
    assert b"Request a Gatemate mentor" in page.data
    request = make_request(person)
    page = client.get(f"/participants/{person.id}")
    assert f"/gatemate/requests/{request.id}".encode() in page.data
    assert b"Request a Gatemate mentor" not in page.data
    community = ParticipantFactory(case_manager=manager, location="community", prison=None, release_date=None)
    assert b'id="gatemate"' not in client.get(f"/participants/{community.id}").data


def test_changing_needs_tells_the_mentor(client, person, make_request, make_mentor):
    mentor = make_mentor()
    request = make_request(person, status="accepted", mentor_id=mentor.id)
    response = client.post_form(f"/gatemate/requests/{request.id}/edit", {
        "destination_town": "Wigan", "destination_region": "North West", "needs": ["gp", "id"], "priorities": [],
        "note": ""})
    assert response.status_code == 302
    assert (request.destination_town, request.needs) == ("Wigan", ["gp", "id"])
    assert request.events[-1].action == "edit"
    assert count(Notification, Notification.user_id == mentor.id) == 1


# Release day ----------------------------------------------------------------------------------------------------

def release_form(request, **changes):
    day = changes.pop("release_date", request.release_date)
    data = {"release_status": request.release_status, "release_date": [str(day.day), str(day.month), str(day.year)],
            "window_start": request.window_start.strftime("%H:%M"), "window_end": request.window_end.strftime("%H:%M"),
            "message": ""}
    data.update(changes)
    return data


def test_moving_the_release_tells_the_mentor_at_once(client, person, make_request, make_mentor):
    mentor = make_mentor()
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(10))
    response = client.post_form(f"/gatemate/requests/{request.id}/release", release_form(
        request, release_date=days(12), window_start="09:00", window_end="11:00",
        message="Adjudication moved the date."))
    assert response.status_code == 302
    assert (request.release_date, request.window_start, request.window_end) == (days(12), time(9), time(11))
    event = request.events[-1]
    assert event.action == "update_release" and "Release moved from" in event.note
    assert "Now expected 9am to 11am (was 8am to 10am)" in event.note and "Adjudication" in event.note
    note = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id))
    assert "Release day update" in note.text and note.link == f"/gatemate/requests/{request.id}"
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == mentor.email))
    assert "release day update" in email.subject.lower() and "Adjudication moved the date." in email.body


def test_release_day_statuses(client, person, make_request, make_mentor):
    mentor = make_mentor()
    today = days(0)
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(4))
    url = f"/gatemate/requests/{request.id}/release"
    response = client.post_form(url, release_form(request, release_status="released"))
    assert response.status_code == 400 and b"cannot be released on a day still to come" in response.data
    response = client.post_form(url, release_form(request, release_status="delayed"))
    assert response.status_code == 400 and b"for the release day itself" in response.data
    response = client.post_form(url, release_form(request))
    assert response.status_code == 400 and b"Nothing has changed" in response.data
    response = client.post_form(url, release_form(request, release_date=days(-1)))
    assert response.status_code == 400 and b"cannot be in the past" in response.data

    request.release_date = today
    for status, label in (("delayed", "Delayed"), ("expected", "Expected"), ("delayed", "Delayed")):
        assert client.post_form(url, release_form(request, release_status=status)).status_code == 302
        assert request.release_status == status
        page = client.get(f"/gatemate/requests/{request.id}").data.decode()
        assert f"Status: {label}." in page and "Release day update" in page
    assert count(Notification, Notification.user_id == mentor.id) == 3


def test_updating_an_open_request_tells_nobody(client, person, make_request):
    request = make_request(person, release_date=days(10))
    assert client.post_form(f"/gatemate/requests/{request.id}/release",
                            release_form(request, release_date=days(11))).status_code == 302
    assert request.release_date == days(11)
    assert count(Notification) == 0


def test_cancelling_tells_the_mentor(client, person, make_request, make_mentor):
    mentor = make_mentor()
    request = make_request(person, status="accepted", mentor_id=mentor.id)
    response = client.post_form(f"/gatemate/requests/{request.id}/cancel", {"reason": "other", "note": ""})
    assert response.status_code == 400 and b"Say why you are cancelling" in response.data
    response = client.post_form(f"/gatemate/requests/{request.id}/cancel", {"reason": "declined", "note": ""})
    assert response.status_code == 302
    assert (request.status, request.cancel_reason) == ("cancelled", "declined")
    assert count(Notification, Notification.user_id == mentor.id) == 1
    # A closed request cannot be changed any more.
    assert client.get(f"/gatemate/requests/{request.id}/release").status_code == 302
    response = client.post_form(f"/gatemate/requests/{request.id}/cancel", {"reason": "declined"})
    assert response.status_code == 302 and request.status == "cancelled"
    assert count(RequestEvent, RequestEvent.action == "cancel") == 1


def test_a_colleague_in_the_same_organisation_can_manage_the_request(client, manager, make_request):
    colleague = UserFactory(role="case_manager", organisation=manager.organisation)
    request = make_request(ParticipantFactory(case_manager=colleague))
    assert client.get(f"/gatemate/requests/{request.id}").status_code == 200
    assert client.post_form(f"/gatemate/requests/{request.id}/cancel", {"reason": "declined"}).status_code == 302
