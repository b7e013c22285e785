"""Two mentors must go: a request a coordinator signed off for two mentors has two places. It stays on
the board ("1 of 2 mentors found") until a second, different mentor accepts; only then is it matched.
One of the two leaving frees only their place. The races run real threads against the database: on
SQLite (BEGIN IMMEDIATE) and on PostgreSQL (SELECT ... FOR UPDATE) when TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.accounts.operations import disable_user
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.gatemate import operations
from marketplace.gatemate.models import ONE_OF_TWO, GatemateRequest, RequestEvent, held_count, profile_of
from tests import helpers
from tests.factories import GatemateRequestFactory, MentorProfileFactory, UserFactory
from tests.gatemate.conftest import count, days
from tests.helpers import send_reminders, sign_in_client, told


def _two_mentor_request(make_request, **fields):
    return make_request(two_mentors=True, **fields)


def test_the_first_of_two_leaves_it_open_and_a_second_different_mentor_fills_it(make_mentor, make_request):
    request = _two_mentor_request(make_request, person_first_name="Lee")
    first, second, third = (make_mentor(prisons=["HMP Liverpool"], capacity=2) for _ in range(3))

    operations.accept(request.id, first)
    assert (request.status, request.mentor_id, request.second_mentor_id) == ("open", first.id, None)
    assert request.status_label == ONE_OF_TWO and request.brief().status_label == "1 of 2 mentors found"
    assert held_count(first.id) == 1  # the first place counts against the mentor's limit
    with pytest.raises(Refused, match="already accepted"):
        operations.accept(request.id, first)  # the same mentor cannot take both places

    operations.accept(request.id, second)
    assert (request.status, request.mentor_id, request.second_mentor_id) == ("accepted", first.id, second.id)
    assert request.status_label == "Mentor found"
    assert [event.action for event in request.events] == ["accept_place", "accept"]
    with pytest.raises(operations.AlreadyTaken, match="two other mentors accepted"):
        operations.accept(request.id, third)
    manager = request.participant.case_manager
    assert "1 of 2 found" in told(manager)[0] and "Both mentors are now found" in told(manager)[1]


def test_the_database_refuses_the_same_mentor_in_both_places(make_mentor, make_request):
    mentor = make_mentor(prisons=["HMP Liverpool"])
    request = _two_mentor_request(make_request, mentor_id=mentor.id)
    db.session.commit()
    request.second_mentor_id = mentor.id
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_one_mentor_request_is_still_filled_by_the_first(make_mentor, make_request):
    request = make_request()
    operations.accept(request.id, make_mentor(prisons=["HMP Liverpool"]))
    assert (request.status, request.second_mentor_id) == ("accepted", None)


def test_a_coordinator_assigns_either_place_but_not_the_same_mentor_twice(make_mentor, make_request):
    coordinator = UserFactory(role="coordinator")
    own = [make_mentor(coordinator.organisation, prisons=["HMP Liverpool"]) for _ in range(2)]
    request = _two_mentor_request(make_request)
    operations.assign(request.id, own[0].id, coordinator)
    assert request.one_of_two
    with pytest.raises(Refused, match="already accepted"):
        operations.assign(request.id, own[0].id, coordinator)
    operations.assign(request.id, own[1].id, coordinator)
    assert (request.status, request.mentor_ids) == ("accepted", [own[0].id, own[1].id])
    assert [event.action for event in request.events] == ["assign_place", "assign"]


def test_the_board_shows_one_of_two_to_other_mentors_and_lists(client, make_mentor, make_request):
    request = _two_mentor_request(make_request, person_first_name="Lee")
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, first)
    db.session.commit()

    sign_in_client(client, second)
    board = client.get("/gatemate/board").data.decode()
    assert "Lee" in board and "1 of 2 mentors found" in board
    assert f"/gatemate/requests/{request.id}/accept" in board
    sign_in_client(client, first)
    board = client.get("/gatemate/board").data.decode()
    assert "already accepted this request" in board and f"/gatemate/requests/{request.id}/accept" not in board
    assert "Lee" in client.get("/gatemate/requests").data.decode()  # their own list, while it waits

    sign_in_client(client, request.participant.case_manager)
    page = client.get(f"/participants/{request.participant_id}").data.decode()
    assert "1 of 2 mentors found" in page and first.full_name in page
    assert client.get("/gatemate/requests?show=accepted").data.decode().count(first.full_name) == 0

    response = client.post_form(f"/gatemate/requests/{request.id}/accept")  # case managers cannot accept
    assert response.status_code in (302, 403)
    operations.accept(request.id, second)
    db.session.commit()
    page = client.get(f"/participants/{request.participant_id}").data.decode()
    assert "Mentor found" in page and first.full_name in page and second.full_name in page
    shown = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "First mentor" in shown and "Second mentor" in shown
    assert first.full_name in shown and second.full_name in shown


def test_one_of_two_is_still_escalated_as_short_of_a_mentor(app, make_mentor, make_request):
    coordinator = UserFactory(role="coordinator")
    make_mentor(coordinator.organisation, prisons=["HMP Liverpool"])
    request = _two_mentor_request(make_request, release_date=days(6))
    operations.accept(request.id, make_mentor(prisons=["HMP Liverpool"]))
    db.session.commit()
    assert "no mentor 7 days before release: 1" in send_reminders(app)
    assert "Only 1 of the 2 mentors needed so far" in told(coordinator)[-1]
    request = db.session.get(GatemateRequest, request.id)
    assert [event.action for event in request.events][-1] == "flag_coordinators"


@pytest.mark.parametrize("leaving", ["first", "second"])
def test_a_disabled_mentor_frees_only_their_place(make_mentor, make_request, leaving):
    request = _two_mentor_request(make_request)
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, first)
    operations.accept(request.id, second)
    gone, stays = (first, second) if leaving == "first" else (second, first)
    disable_user(gone.id, UserFactory(role="admin"), "Left the organisation")
    assert (request.status, request.mentor_id, request.second_mentor_id) == ("open", stays.id, None)
    assert request.status_label == ONE_OF_TWO and request.events[-1].action == "mentor_unavailable"
    assert gone.full_name in request.events[-1].note
    # A third mentor can now take the free place.
    operations.accept(request.id, make_mentor(prisons=["HMP Liverpool"]))
    assert request.status == "accepted" and stays.id in request.mentor_ids and gone.id not in request.mentor_ids


def test_a_paused_first_of_two_leaves_it_waiting_with_no_mentor(make_mentor, make_request):
    request = _two_mentor_request(make_request, release_date=days(10))
    mentor = make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, mentor)
    profile = profile_of(mentor)
    profile.unavailable_until = days(20)
    assert operations.return_unavailable_mentors_requests(mentor, None) == 1
    assert (request.status, request.mentor_ids, request.status_label) == ("open", [], "Waiting for a mentor")


def test_either_mentor_hands_back_their_own_place(make_mentor, make_request):
    request = _two_mentor_request(make_request)
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, first)
    operations.hand_back(request.id, first, "Cannot make it")  # before the second came
    assert (request.status, request.mentor_ids) == ("open", [])
    operations.accept(request.id, first)
    operations.accept(request.id, second)
    operations.hand_back(request.id, first, "Ill")
    assert (request.status, request.mentor_ids) == ("open", [second.id])


def test_on_release_day_both_mentors_see_it_and_either_records_the_outcome(client, make_mentor, make_request):
    request = _two_mentor_request(make_request, release_date=days(0))
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, first)
    operations.accept(request.id, second)
    db.session.commit()
    for mentor in (first, second):
        sign_in_client(client, mentor)
        page = client.get(f"/gatemate/requests/{request.id}").data.decode()
        assert "Record how release day went" in page and "Hand back" in page
        assert first.full_name in page and second.full_name in page
    operations.record_met(request.id, second, 3, ["accommodation"], "planned_address")
    assert request.status == "met"
    manager = request.participant.case_manager
    assert f"{first.full_name} and {second.full_name} met" in told(manager)[-1]
    with pytest.raises(Refused):
        operations.record_not_met(request.id, first, "did_not_turn_up")


def test_the_day_before_both_mentors_are_reminded(app, make_mentor, make_request):
    request = _two_mentor_request(make_request, release_date=days(1))
    first, second = make_mentor(prisons=["HMP Liverpool"]), make_mentor(prisons=["HMP Liverpool"])
    operations.accept(request.id, first)
    operations.accept(request.id, second)
    db.session.commit()
    send_reminders(app)
    assert "Two mentors must go: you and " + second.full_name in told(first)[-1]
    assert "Two mentors must go: you and " + first.full_name in told(second)[-1]


# Races: exactly two different winners, never three ----------------------------------------------------------

def _race(app, attempts):
    return helpers.race(app, attempts, labels={operations.AlreadyTaken: "taken"})


@pytest.mark.concurrency
@pytest.mark.parametrize("round_", range(3))
def test_twenty_mentors_race_for_two_places_and_exactly_two_win(app, round_):
    mentor_ids = [MentorProfileFactory(prisons=["HMP Liverpool"]).user_id for _ in range(20)]
    request_id = GatemateRequestFactory(two_mentors=True).id
    db.session.commit()

    outcomes = _race(app, [lambda mentor_id=mentor_id: operations.accept(request_id, db.session.get(User, mentor_id))
                           for mentor_id in mentor_ids])
    assert outcomes.count("won") == 2, outcomes
    assert outcomes.count(f"taken: {operations.BOTH_TAKEN_MESSAGE}") == 18, outcomes
    winners = [mentor_id for mentor_id, outcome in zip(mentor_ids, outcomes, strict=True) if outcome == "won"]
    request = db.session.get(GatemateRequest, request_id)
    assert request.status == "accepted" and sorted(request.mentor_ids) == sorted(winners)
    assert len(set(request.mentor_ids)) == 2
    events = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id)
                                .order_by(RequestEvent.id)).all()
    assert [event.action for event in events] == ["accept_place", "accept"]


@pytest.mark.concurrency
def test_one_mentor_racing_themselves_takes_one_place_only(app):
    mentor_id = MentorProfileFactory(prisons=["HMP Liverpool"], capacity=5).user_id
    request_id = GatemateRequestFactory(two_mentors=True).id
    db.session.commit()
    outcomes = _race(app, [lambda: operations.accept(request_id, db.session.get(User, mentor_id))] * 6)
    assert outcomes.count("won") == 1, outcomes
    assert all("already accepted" in outcome for outcome in outcomes if outcome != "won"), outcomes
    request = db.session.get(GatemateRequest, request_id)
    assert (request.status, request.mentor_ids) == ("open", [mentor_id])
    assert count(RequestEvent, RequestEvent.request_id == request_id) == 1
