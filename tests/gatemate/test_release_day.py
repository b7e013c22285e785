"""Release day is one truth: what the case manager and the mentor record about the day reaches the
person's record. Mentor availability is live: a mentor who can no longer go gives their requests back."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.gatemate.models import RequestEvent, profile_of
from tests.factories import ParticipantFactory, UserFactory
from tests.gatemate.conftest import count, days
from tests.gatemate.test_requests import release_form
from tests.helpers import send_reminders, sign_in_client, told


@pytest.fixture
def manager(login_as):
    return login_as("case_manager")


@pytest.fixture
def person(manager):
    return ParticipantFactory(case_manager=manager, first_name="Kim", last_name="Doe", prison="HMP Buckley Hall",
                              release_date=days(0))


def test_marking_released_updates_the_persons_record(client, manager, person, make_mentor, make_request):
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(0))
    before = client.get(f"/participants/{person.id}").data.decode()
    assert "HMP Buckley Hall" in before and "confirmed" in before
    response = client.post_form(f"/gatemate/requests/{request.id}/release",
                                release_form(request, release_status="released"))
    assert response.status_code == 302
    assert (person.location, person.prison, person.release_date, person.release_date_confirmed) == (
        "community", None, days(0), True)
    page = client.get(f"/participants/{person.id}").data.decode()
    assert "In the community" in page and "(confirmed" not in page


def test_met_at_the_gate_reaches_the_record_and_rough_sleeping_marks_no_fixed_abode(client, manager, person,
                                                                                     make_mentor, make_request):
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(0), needs=["gp"])
    sign_in_client(client, mentor)
    page = client.get(f"/gatemate/requests/{request.id}/outcome").data.decode()
    assert "Rough sleeping or no accommodation" in page
    response = client.post_form(f"/gatemate/requests/{request.id}/outcome/met",
                                {"hours_spent": "5", "needs_met": ["gp"], "went_to": "rough_sleeping"})
    assert response.status_code == 302
    assert (request.status, request.release_status) == ("met", "released")
    assert (person.location, person.release_date, person.no_fixed_abode) == ("community", days(0), True)
    sign_in_client(client, manager)
    assert "Went to: rough sleeping or no accommodation" in client.get(f"/participants/{person.id}").data.decode()


def test_delayed_and_not_released_can_be_said_from_the_day_before(client, person, make_mentor, make_request):
    mentor = make_mentor(prisons=["HMP Buckley Hall"])
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(2))
    url = f"/gatemate/requests/{request.id}/release"
    response = client.post_form(url, release_form(request, release_status="delayed"))
    assert response.status_code == 400 and b"release day itself or the day before" in response.data
    request.release_date = days(1)
    db.session.commit()
    assert client.post_form(url, release_form(request, release_status="delayed")).status_code == 302
    response = client.post_form(url, release_form(request, release_status="not_released",
                                                  message="The parole board has not confirmed release."))
    assert response.status_code == 302
    # Not released closes the gate part: the mentor is stood down and can no longer record "met".
    assert (request.status, request.not_met_reason) == ("not_met", "did_not_come_out")
    assert "you do not need to go" in told(mentor)[-1]
    assert person.location == "custody"
    sign_in_client(client, mentor)
    page = client.get(f"/gatemate/requests/{request.id}").data.decode()
    assert "Record how release day went" not in page
    assert client.get(f"/gatemate/requests/{request.id}/outcome").status_code == 302


def test_not_released_closes_a_request_still_waiting_for_a_mentor(client, person, make_request):
    request = make_request(person, release_date=days(0))
    assert client.post_form(f"/gatemate/requests/{request.id}/release",
                            release_form(request, release_status="not_released")).status_code == 302
    assert (request.status, request.cancel_reason) == ("cancelled", "not_released")
    assert [event.action for event in request.events][-2:] == ["update_release", "not_released"]


def test_not_released_leaves_the_record_in_custody_with_the_date_no_longer_confirmed(client, manager, person,
                                                                                      make_request):
    """The record never says "released" for someone who was not: before, the day after a "not released"
    it read "6 December 2026 (released)" from the date alone."""
    request = make_request(person, release_date=days(0))
    assert "(confirmed, today)" in client.get(f"/participants/{person.id}").data.decode()
    assert client.post_form(f"/gatemate/requests/{request.id}/release",
                            release_form(request, release_status="not_released")).status_code == 302
    assert (person.location, person.prison, person.release_date_confirmed) == ("custody", "HMP Buckley Hall", False)
    assert "(provisional, today)" in client.get(f"/participants/{person.id}").data.decode()

    clock.fix(datetime.combine(days(1), time(9), tzinfo=UTC))
    sign_in_client(client, manager)  # a day on, the case manager signs in again
    for path in (f"/participants/{person.id}", "/participants/"):
        page = client.get(path).data.decode()
        assert "(date passed, not recorded as released)" in page and "(released)" not in page


# Mentor availability ------------------------------------------------------------------------------------------

def _held(person, make_mentor, make_request, **profile):
    mentor = make_mentor(prisons=["HMP Buckley Hall"], full_name="Mo Mentor", **profile)
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    request = make_request(person, status="accepted", mentor_id=mentor.id, release_date=days(6))
    db.session.commit()
    return mentor, coordinator, request


def _back_on_the_board(request, mentor, coordinator, manager, why: str) -> None:
    assert (request.status, request.mentor_id) == ("open", None)
    event = next(event for event in request.events if event.action == "mentor_unavailable")
    assert why in event.note
    assert any(why in text for text in told(coordinator))
    assert any("can no longer go" in text and "open again" in text for text in told(manager))


def test_disabling_a_mentor_puts_their_requests_back_and_on_the_escalation(client, app, manager, person,
                                                                           make_mentor, make_request):
    mentor, coordinator, request = _held(person, make_mentor, make_request)
    sign_in_client(client, UserFactory(role="admin"))
    assert client.post_form(f"/admin/users/{mentor.id}/disable", {"reason": "Left the charity"}).status_code == 302
    _back_on_the_board(request, mentor, coordinator, manager, "account has been disabled")
    # Back on the "no mentor within 7 days" list, and the escalation reaches the coordinator.
    send_reminders(app)
    assert count(RequestEvent, RequestEvent.request_id == request.id, RequestEvent.action == "flag_coordinators") == 1


def _paused_until(day) -> dict:
    """The mentor profile form as a coordinator sends it, pausing the mentor up to and including `day`."""
    return {"regions": [], "prisons_north_west": ["HMP Buckley Hall"], "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
            "dbs_checked_on": _date(days(-100)), "dbs_expires_on": _date(days(600)), "help_with": ["housing"],
            "languages": "", "capacity": "2", "unavailable_until": _date(day), "mobile": "07700 900 123"}


def test_pausing_a_mentor_returns_requests_in_the_pause(client, manager, person, make_mentor, make_request):
    mentor, coordinator, request = _held(person, make_mentor, make_request)
    sign_in_client(client, coordinator)
    page = client.get(f"/gatemate/mentors/{mentor.id}/profile").data.decode()
    assert "Unavailable until" in page
    response = client.post_form(f"/gatemate/mentors/{mentor.id}/profile", _paused_until(days(7)))
    assert response.status_code == 302
    _back_on_the_board(request, mentor, coordinator, manager, "unavailable until")
    assert profile_of(mentor).mobile == "07700900123" and profile_of(mentor).unavailable_until == days(7)
    # A paused mentor cannot take it again.
    sign_in_client(client, mentor)
    assert client.post_form(f"/gatemate/requests/{request.id}/accept").status_code == 302
    assert request.status == "open" and "unavailable until" in client.get(
        f"/gatemate/requests/{request.id}").data.decode()


def test_a_release_day_gone_by_stays_with_its_mentor_to_record_how_it_went(client, manager, person, make_mentor,
                                                                          make_request):
    """Pausing (or disabling, or a lapsed DBS check) gives back the meetings still to come. Before, a
    meeting from yesterday went back to "waiting for a mentor" too: the case manager was told the mentor
    "can no longer go" to a release that had happened, and the mentor could no longer say how it went."""
    mentor, coordinator, request = _held(person, make_mentor, make_request)
    yesterday = make_request(ParticipantFactory(case_manager=manager, prison="HMP Buckley Hall"),
                             status="accepted", mentor_id=mentor.id, release_date=days(-1))
    db.session.commit()
    sign_in_client(client, coordinator)
    assert client.post_form(f"/gatemate/mentors/{mentor.id}/profile", _paused_until(days(7))).status_code == 302
    _back_on_the_board(request, mentor, coordinator, manager, "unavailable until")
    assert (yesterday.status, yesterday.mentor_id) == ("accepted", mentor.id)
    assert not [text for text in told(manager) if yesterday.participant.full_name in text]
    sign_in_client(client, mentor)
    assert "Record how release day went" in client.get(f"/gatemate/requests/{yesterday.id}").data.decode()


def test_a_lapsed_dbs_check_returns_requests_and_renewals_are_reminded(app, manager, person, make_mentor,
                                                                       make_request):
    mentor, coordinator, request = _held(person, make_mentor, make_request, dbs_expires_on=days(30))
    send_reminders(app)
    assert request.status == "accepted"  # DBS in date until after the release
    renewal = [text for text in told(mentor) if "due for renewal" in text]
    assert len(renewal) == 1 and len([t for t in told(coordinator) if "due for renewal" in t]) == 1
    send_reminders(app)
    assert len([text for text in told(mentor) if "due for renewal" in text]) == 1  # once

    profile = profile_of(mentor)
    profile.dbs_expires_on = days(-1)
    db.session.commit()
    send_reminders(app)
    _back_on_the_board(request, mentor, coordinator, manager, "DBS check lapsed")
    # Back on the escalation in the same run: the 7-day flag goes out for it.
    assert request.events[-1].action == "flag_coordinators"


def test_dbs_renewal_reminders_come_30_and_7_days_before_even_after_a_missed_day(app, make_mentor):
    """Before, each reminder went only on exactly the 30th and 7th day before: a day without `reminders
    send` (or a renewal date entered 25 days ahead) meant no reminder at all."""
    mentor = make_mentor(prisons=["HMP Buckley Hall"], dbs_expires_on=days(25))
    coordinator = UserFactory(role="coordinator", organisation=mentor.organisation)
    db.session.commit()
    ten_days_on, five_days_before = days(10), days(20)

    def renewals(user) -> list[str]:
        return [text for text in told(user) if "due for renewal" in text]

    send_reminders(app)
    assert [len(renewals(mentor)), len(renewals(coordinator))] == [1, 1]
    assert "in 25 days" in renewals(mentor)[0]
    clock.fix(datetime.combine(ten_days_on, time(9), tzinfo=UTC))
    send_reminders(app)
    assert len(renewals(mentor)) == 1  # the 30-day reminder once
    clock.fix(datetime.combine(five_days_before, time(9), tzinfo=UTC))  # the 7-day one is due
    send_reminders(app)
    send_reminders(app)
    assert [len(renewals(mentor)), len(renewals(coordinator))] == [2, 2]
    assert "in 5 days" in renewals(mentor)[-1]


def _date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]
