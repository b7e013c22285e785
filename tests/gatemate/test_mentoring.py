"""Mentors accept from their board, hand back, and record release day; coordinators assign."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.models import Notification, OutboxMessage
from marketplace.extensions import db
from marketplace.gatemate import operations
from marketplace.gatemate.models import RequestEvent
from tests.factories import MentorProfileFactory, ParticipantFactory, UserFactory
from tests.gatemate.conftest import count, days
from tests.helpers import location, sign_in_client


@pytest.fixture
def mentor(client, make_mentor):
    user = make_mentor(prisons=["HMP Liverpool"], capacity=2)
    sign_in_client(client, user)
    return user


def test_the_board_shows_open_requests_in_coverage_soonest_first(client, mentor, make_request):
    later = make_request(release_date=days(20), person_first_name="Later")
    sooner = make_request(release_date=days(5), person_first_name="Sooner")
    make_request(prison="HMP Leeds", person_first_name="Elsewhere")
    make_request(status="accepted", mentor_id=UserFactory(role="mentor").id, person_first_name="Taken")
    make_request(release_date=days(-1), person_first_name="Passed")
    page = client.get("/gatemate/board").data.decode()
    assert page.index("Sooner E.") < page.index("Later E.")
    assert "Elsewhere" not in page and "Taken" not in page and "Passed" not in page
    assert f"/gatemate/requests/{sooner.id}/accept" in page and f"/gatemate/requests/{later.id}/accept" in page


def test_a_mentor_accepts_and_the_case_manager_is_told(client, mentor, make_request):
    request = make_request()
    response = client.post_form(f"/gatemate/requests/{request.id}/accept")
    assert response.status_code == 302 and location(response) == f"/gatemate/requests/{request.id}"
    assert (request.status, request.mentor_id) == ("accepted", mentor.id)
    assert [event.action for event in request.events] == ["accept"]
    manager = request.participant.case_manager
    note = db.session.scalar(select(Notification).where(Notification.user_id == manager.id))
    assert mentor.full_name in note.text and request.participant.full_name in note.text
    assert count(OutboxMessage, OutboxMessage.to_address == manager.email) == 1
    page = client.get(f"/gatemate/requests/{request.id}").data
    # Release day is still to come: the page says when it can be recorded, with no form to fill in vain.
    assert b"You can record how release day went on or after the day" in page and b"Hand back" in page
    assert b"Your requests" in client.get("/gatemate/requests").data


def test_the_second_mentor_is_told_it_has_been_taken(client, mentor, make_mentor, make_request):
    request = make_request()
    rival = make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, rival)
    response = client.post_form(f"/gatemate/requests/{request.id}/accept")
    assert response.status_code == 302 and location(response) == "/gatemate/board"
    page = client.get("/gatemate/board").data.decode()
    assert "another mentor accepted this request first, so it has been taken" in page
    assert request.mentor_id == rival.id
    # The request is no longer theirs to see.
    assert client.get(f"/gatemate/requests/{request.id}").status_code == 404


def test_an_expired_dbs_check_cannot_accept(client, mentor, make_request):
    profile = db.session.scalar(select(MentorProfileFactory._meta.model))
    profile.dbs_expires_on = days(-1)
    request = make_request()
    board = client.get("/gatemate/board").data.decode()
    assert "Your DBS check expired on" in board
    assert f"/gatemate/requests/{request.id}/accept" not in board
    client.post_form(f"/gatemate/requests/{request.id}/accept")
    assert request.status == "open" and request.mentor_id is None
    assert "Your DBS check expired on" in client.get(f"/gatemate/requests/{request.id}").data.decode()
    with pytest.raises(Refused, match="DBS check expired"):
        operations.accept(request.id, mentor)


def test_a_dbs_check_running_out_before_release_cannot_accept(mentor, make_request):
    profile = db.session.scalar(select(MentorProfileFactory._meta.model))
    profile.dbs_expires_on = days(9)
    with pytest.raises(Refused, match="must be renewed by"):
        operations.accept(make_request(release_date=days(10)).id, mentor)
    assert operations.accept(make_request(release_date=days(9)).id, mentor).status == "accepted"


def test_a_mentor_cannot_hold_more_than_their_limit(client, mentor, make_request):
    first, second, third = (make_request() for _ in range(3))
    for request in (first, second):
        client.post_form(f"/gatemate/requests/{request.id}/accept")
    response = client.post_form(f"/gatemate/requests/{third.id}/accept")
    assert response.status_code == 302
    assert third.status == "open"
    assert "already hold 2 of 2 requests" in client.get(f"/gatemate/requests/{third.id}").data.decode()
    assert "You hold 2 of 2 requests" in client.get("/gatemate/board").data.decode()
    # Handing one back makes room.
    client.post_form(f"/gatemate/requests/{first.id}/hand-back", {"reason": "Cannot make it"})
    client.post_form(f"/gatemate/requests/{third.id}/accept")
    assert third.status == "accepted"


def test_mentors_without_a_profile_or_coverage_cannot_accept(client, make_request):
    request = make_request()
    bare = UserFactory(role="mentor")
    with pytest.raises(Refused, match="has not set up your mentor profile"):
        operations.accept(request.id, bare)
    elsewhere = MentorProfileFactory(prisons=["HMP Leeds"]).user
    with pytest.raises(Refused, match="not one of the prisons you cover"):
        operations.accept(request.id, elsewhere)
    sign_in_client(client, elsewhere)
    assert client.post_form(f"/gatemate/requests/{request.id}/accept").status_code == 404
    sign_in_client(client, bare)
    assert b"has not set up your mentor profile" in client.get("/gatemate/board").data
    assert request.status == "open"


def test_whole_region_coverage(make_request, make_mentor):
    regional = make_mentor(prisons=[], regions=["North West"])
    assert operations.accept(make_request(prison="HMP Styal").id, regional).status == "accepted"
    with pytest.raises(Refused):
        operations.accept(make_request(prison="HMP Leeds").id, regional)


def test_handing_back_reopens_and_tells_the_coordinators_and_case_manager(client, mentor, make_request):
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    other_coordinator = UserFactory(role="coordinator")
    request = make_request(status="accepted", mentor_id=mentor.id)
    response = client.post_form(f"/gatemate/requests/{request.id}/hand-back", {"reason": ""})
    assert response.status_code == 400 and b"Say why you are handing the request back" in response.data
    response = client.post_form(f"/gatemate/requests/{request.id}/hand-back", {"reason": "My car broke down"})
    assert response.status_code == 302 and location(response) == "/gatemate/board"
    assert (request.status, request.mentor_id) == ("open", None)
    assert request.events[-1].action == "hand_back" and "My car broke down" in request.events[-1].note
    assert count(Notification, Notification.user_id == coordinator.id) == 1
    assert count(Notification, Notification.user_id == other_coordinator.id) == 0
    assert count(Notification, Notification.user_id == request.participant.case_manager_id) == 1
    # Open again: back on the board for everyone who covers the prison.
    assert f"/gatemate/requests/{request.id}/accept" in client.get("/gatemate/board").data.decode()


def test_only_the_holder_can_hand_back_or_record(client, mentor, make_mentor, make_request):
    rival = make_mentor(organisation=mentor.organisation, prisons=["HMP Liverpool"])
    request = make_request(status="accepted", mentor_id=rival.id)
    with pytest.raises(Refused):
        operations.hand_back(request.id, mentor, "no")
    with pytest.raises(Refused):
        operations.record_not_met(request.id, mentor, "did_not_come_out")
    assert client.get(f"/gatemate/requests/{request.id}/hand-back").status_code == 404
    assert request.status == "accepted"


def met_form(**changes):
    data = {"hours_spent": "5", "needs_met": ["accommodation"], "went_to": "planned_address", "met_note": "Went well"}
    data.update(changes)
    return data


def test_the_mentor_records_met_at_the_gate(client, mentor, make_request):
    request = make_request(status="accepted", mentor_id=mentor.id, release_date=days(0))
    page = client.get(f"/gatemate/requests/{request.id}/outcome")
    assert page.status_code == 200 and b"How did release day go?" in page.data
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/met", met_form(hours_spent="x"))
    assert response.status_code == 400 and b"Enter the hours as a whole number" in response.data
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/met", met_form(needs_met=["clothes"]))
    assert response.status_code == 400 and b"not a valid choice" in response.data
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/met", met_form())
    assert response.status_code == 302
    assert (request.status, request.hours_spent, request.needs_met, request.went_to) == (
        "met", 5, ["accommodation"], "planned_address")
    assert request.outcome_note == "Went well" and request.outcome_recorded_at is not None
    manager_note = db.session.scalar(select(Notification).where(
        Notification.user_id == request.participant.case_manager_id))
    assert "met" in manager_note.text and "the address they were going to" in manager_note.text
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "Met at the gate" in page and "The address they were going to" in page
    assert count(RequestEvent, RequestEvent.action == "record_met") == 1
    # Recorded once: the form is gone.
    assert client.get(f"/gatemate/requests/{request.id}/outcome").status_code == 302


def test_the_mentor_records_not_met(client, mentor, make_request):
    request = make_request(status="accepted", mentor_id=mentor.id, release_date=days(-1))
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/not-met",
                                {"reason": "released_earlier", "not_met_note": "Gone before 7am"})
    assert response.status_code == 302
    assert (request.status, request.not_met_reason, request.outcome_note) == (
        "not_met", "released_earlier", "Gone before 7am")
    assert "They were released earlier than expected" in client.get(f"/gatemate/requests/{request.id}").data.decode()


def test_release_day_cannot_be_recorded_before_it_comes(client, mentor, make_request):
    request = make_request(status="accepted", mentor_id=mentor.id, release_date=days(3))
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/met", met_form())
    assert response.status_code == 400 and b"on or after the release day" in response.data
    assert request.status == "accepted"


# Coordinators ---------------------------------------------------------------------------------------------------

@pytest.fixture
def coordinator(client):
    user = UserFactory(role="coordinator")
    sign_in_client(client, user)
    return user


def test_a_coordinator_assigns_one_of_their_mentors_with_the_same_checks(client, coordinator, make_mentor,
                                                                          make_request):
    able = make_mentor(organisation=coordinator.organisation, full_name="Able Mentor")
    lapsed = make_mentor(organisation=coordinator.organisation, full_name="Lapsed Mentor", dbs_expires_on=days(-3))
    full = make_mentor(organisation=coordinator.organisation, full_name="Full Mentor", capacity=1)
    make_request(status="accepted", mentor_id=full.id)
    stranger = make_mentor(full_name="Stranger Mentor")
    request = make_request()
    page = client.get(f"/gatemate/requests/{request.id}/assign").data.decode()
    assert "Lapsed Mentor&#39;s DBS check expired" in page and "already holds 1 of 1" in page
    assert f'value="{able.id}"' in page and f'value="{lapsed.id}"' not in page and "Stranger" not in page
    for refused, message in ((lapsed, b"DBS check expired"), (full, b"already holds 1 of 1"),
                             (stranger, b"Select one of your organisation")):
        response = client.post_form(f"/gatemate/requests/{request.id}/assign", {"mentor_id": str(refused.id)})
        assert response.status_code == 400 and message in response.data
    assert request.status == "open"
    response = client.post_form(f"/gatemate/requests/{request.id}/assign", {"mentor_id": str(able.id)})
    assert response.status_code == 302
    assert (request.status, request.mentor_id) == ("accepted", able.id)
    assert request.events[-1].action == "assign" and request.events[-1].actor_id == coordinator.id
    assert count(Notification, Notification.user_id == able.id) == 1
    assert count(Notification, Notification.user_id == request.participant.case_manager_id) == 1


def test_a_coordinator_sees_and_hands_back_for_their_mentors(client, coordinator, make_mentor, make_request):
    mentor = make_mentor(organisation=coordinator.organisation)
    request = make_request(status="accepted", mentor_id=mentor.id, prison="HMP Leeds")
    assert client.get(f"/gatemate/requests/{request.id}").status_code == 200
    response = client.post_form(f"/gatemate/requests/{request.id}/hand-back", {"reason": "Mentor is ill"})
    assert response.status_code == 302
    assert request.status == "open"
    assert count(Notification, Notification.user_id == mentor.id) == 1


def profile_form(**changes):
    checked = clock.today() - timedelta(days=30)
    renew = checked + timedelta(days=3 * 365)
    data = {"regions": ["Wales"], "prisons_north_west": ["HMP Liverpool", "HMP Styal"], "weekdays": ["0", "5"],
            "dbs_checked_on": [str(checked.day), str(checked.month), str(checked.year)],
            "dbs_expires_on": [str(renew.day), str(renew.month), str(renew.year)],
            "help_with": ["housing", "languages"], "languages": "Polish", "capacity": "3"}
    data.update(changes)
    return data


def test_a_coordinator_sets_up_a_mentors_profile(client, coordinator):
    mentor = UserFactory(role="mentor", organisation=coordinator.organisation, full_name="New Mentor")
    listing = client.get("/gatemate/mentors").data.decode()
    assert "New Mentor" in listing and "No profile" in listing
    response = client.post_form(f"/gatemate/mentors/{mentor.id}/profile", profile_form())
    assert response.status_code == 302 and location(response) == "/gatemate/mentors"
    profile = db.session.scalar(select(MentorProfileFactory._meta.model))
    assert (profile.user_id, profile.regions, profile.prisons) == (mentor.id, ["Wales"], ["HMP Liverpool", "HMP Styal"])
    assert profile.weekdays == [0, 5] and profile.capacity == 3 and profile.languages == "Polish"
    assert profile.covers("HMP Cardiff") and profile.covers("HMP Styal") and not profile.covers("HMP Leeds")
    assert "all of Wales, HMP Liverpool, HMP Styal" in client.get("/gatemate/mentors").data.decode()
    page = client.get(f"/gatemate/mentors/{mentor.id}/profile").data.decode()
    assert 'value="HMP Styal" checked' in page and 'value="HMP Risley" checked' not in page
    assert 'value="Wales" checked' in page and "HMP Styal" in page.split("North West (2 chosen)")[1]


@pytest.mark.parametrize(("changes", "message"), [
    ({"regions": [], "prisons_north_west": []}, b"Select at least one region or prison they cover"),
    ({"weekdays": []}, b"Select the days they are usually free"),
    ({"dbs_expires_on": ["1", "1", "2000"]}, b"must be after the date of the check"),
    ({"dbs_checked_on": ["1", "1", "2999"]}, b"must be today or in the past"),
    ({"languages": ""}, b"Enter the languages they speak"),
    ({"capacity": "11"}, b"Enter a whole number from 0 to 10"),
    ({"capacity": "lots"}, b"Enter a whole number from 0 to 10"),
])
def test_bad_profiles_are_refused(client, coordinator, changes, message):
    mentor = UserFactory(role="mentor", organisation=coordinator.organisation)
    response = client.post_form(f"/gatemate/mentors/{mentor.id}/profile", profile_form(**changes))
    assert response.status_code == 400 and message in response.data


def test_coordinators_only_manage_their_own_mentors(client, coordinator):
    stranger = UserFactory(role="mentor")
    colleague = UserFactory(role="coordinator", organisation=coordinator.organisation)
    assert client.get(f"/gatemate/mentors/{stranger.id}/profile").status_code == 404
    assert client.post_form(f"/gatemate/mentors/{stranger.id}/profile", profile_form()).status_code == 404
    assert client.get(f"/gatemate/mentors/{colleague.id}/profile").status_code == 404
    assert stranger.full_name not in client.get("/gatemate/mentors").data.decode()


def test_a_mentor_reads_their_own_profile(client, mentor):
    page = client.get("/gatemate/profile").data.decode()
    assert "HMP Liverpool" in page and "renew by" in page


def test_the_case_manager_participant_and_mentor_pages_all_open(client, mentor, make_request):
    request = make_request(status="accepted", mentor_id=mentor.id)
    manager = request.participant.case_manager
    assert client.get("/home").status_code == 200
    sign_in_client(client, manager)
    assert b"with a mentor" in client.get("/home").data
    sign_in_client(client, ParticipantFactory().case_manager)
    assert client.get(f"/gatemate/requests/{request.id}").status_code == 404
