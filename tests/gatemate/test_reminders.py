"""Escalation and the other things that fall due by date, run by `flask reminders send` with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.core import clock
from marketplace.core.models import OutboxMessage, ReminderSent
from marketplace.extensions import db
from marketplace.gatemate.models import GatemateRequest
from tests.factories import UserFactory
from tests.gatemate.conftest import count
from tests.helpers import send_reminders, told

RELEASE = date(2027, 3, 15)


def at_day(days_before_release: int) -> None:
    clock.fix(datetime.combine(RELEASE - timedelta(days=days_before_release), datetime.min.time(), tzinfo=UTC)
              + timedelta(hours=7))


@pytest.fixture
def world(make_mentor, make_request):
    """A request at HMP Liverpool; one organisation covers it (two mentors, two coordinators) and
    another organisation covers only HMP Leeds."""
    at_day(20)
    covering = make_mentor(prisons=["HMP Liverpool"])
    make_mentor(organisation=covering.organisation, prisons=["HMP Liverpool", "HMP Styal"])
    coordinators = [UserFactory(role="coordinator", organisation=covering.organisation) for _ in range(2)]
    elsewhere = make_mentor(prisons=["HMP Leeds"])
    bystander = UserFactory(role="coordinator", organisation=elsewhere.organisation)
    request = make_request(release_date=RELEASE)
    db.session.commit()
    return {"request": request, "coordinators": coordinators, "bystander": bystander,
            "case_manager": request.participant.case_manager, "mentor": covering}


def test_no_mentor_at_seven_days_is_flagged_to_covering_coordinators_once(app, world):
    at_day(8)
    assert "no mentor 7 days before release: 0" in send_reminders(app)
    at_day(7)
    assert "no mentor 7 days before release: 1" in send_reminders(app)
    for coordinator in world["coordinators"]:
        assert len(told(coordinator)) == 1 and "No mentor yet" in told(coordinator)[0]
        assert count(OutboxMessage, OutboxMessage.to_address == coordinator.email) == 1
    assert told(world["bystander"]) == [] and told(world["case_manager"]) == []
    at_day(6)
    assert "no mentor 7 days before release: 0" in send_reminders(app)
    assert all(len(told(coordinator)) == 1 for coordinator in world["coordinators"])
    assert [event.action for event in world["request"].events][-1] == "flag_coordinators"


def test_at_two_days_the_case_manager_is_flagged_too(app, world):
    at_day(7)
    send_reminders(app)
    at_day(2)
    assert "no mentor 2 days before release: 1" in send_reminders(app)
    assert len(told(world["case_manager"])) == 1 and "Still no mentor" in told(world["case_manager"])[0]
    assert all(len(told(coordinator)) == 2 for coordinator in world["coordinators"])
    at_day(1)
    assert "no mentor 2 days before release: 0" in send_reminders(app)
    assert len(told(world["case_manager"])) == 1
    assert count(ReminderSent) == 2


def test_a_request_with_a_mentor_is_not_flagged(app, world):
    request = world["request"]
    request.status, request.mentor_id = "accepted", world["mentor"].id
    db.session.commit()
    at_day(2)
    output = send_reminders(app)
    assert "7 days before release: 0" in output and "2 days before release: 0" in output
    assert all(told(coordinator) == [] for coordinator in world["coordinators"])


def test_a_release_no_organisation_covers_is_flagged_to_the_admins(app, world, make_request):
    admin = UserFactory(role="admin")
    uncovered = make_request(prison="HMP Dartmoor", release_date=RELEASE)
    db.session.commit()
    at_day(7)
    assert "no mentor 7 days before release: 2" in send_reminders(app)
    assert len(told(admin)) == 1 and "HMP Dartmoor" in told(admin)[0]
    assert "the service's admins" in uncovered.events[-1].note


def test_the_release_passing_with_no_mentor_expires_the_request(app, world):
    at_day(0)
    assert "expire requests whose release passed with no mentor: 0" in send_reminders(app)
    at_day(-1)
    assert "expire requests whose release passed with no mentor: 1" in send_reminders(app)
    request = db.session.get(GatemateRequest, world["request"].id)
    assert request.status == "expired"
    assert request.events[-1].action == "expire" and request.events[-1].actor_id is None
    assert any("No mentor was found" in text for text in told(world["case_manager"]))
    assert "expire requests whose release passed with no mentor: 0" in send_reminders(app)


def test_the_mentor_is_reminded_the_day_before_and_asked_how_it_went(app, world):
    request = world["request"]
    request.status, request.mentor_id = "accepted", world["mentor"].id
    db.session.commit()
    at_day(1)
    assert "remind the mentor the day before: 1" in send_reminders(app)
    assert "remind the mentor the day before: 0" in send_reminders(app)
    assert told(world["mentor"])[0].startswith("Tomorrow: meet")
    at_day(-1)
    assert "ask the mentor what happened: 1" in send_reminders(app)
    assert "ask the mentor what happened: 0" in send_reminders(app)
    assert "How did" in told(world["mentor"])[-1]
    assert db.session.get(GatemateRequest, request.id).status == "accepted"  # never expired with a mentor

