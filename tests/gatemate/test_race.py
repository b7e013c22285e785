"""First come, first served, with real threads racing against the database: on SQLite (BEGIN IMMEDIATE)
and on PostgreSQL (SELECT ... FOR UPDATE) when TEST_DATABASE_URL is set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.gatemate import operations
from marketplace.gatemate.models import GatemateRequest, RequestEvent
from tests import helpers
from tests.factories import GatemateRequestFactory, MentorProfileFactory, UserFactory
from tests.gatemate.conftest import count

pytestmark = pytest.mark.concurrency


def race(app, attempts):
    return helpers.race(app, attempts, labels={operations.AlreadyTaken: "taken"})


def test_twenty_mentors_accept_at_once_and_exactly_one_wins(app):
    mentor_ids = [MentorProfileFactory(prisons=["HMP Liverpool"]).user_id for _ in range(20)]
    assert len({db.session.get(User, i).organisation_id for i in mentor_ids}) == 20  # 20 organisations
    request_id = GatemateRequestFactory().id
    db.session.commit()

    def accept_as(mentor_id):
        return lambda: operations.accept(request_id, db.session.get(User, mentor_id))

    outcomes = race(app, [accept_as(mentor_id) for mentor_id in mentor_ids])
    assert outcomes.count("won") == 1, outcomes
    assert outcomes.count(f"taken: {operations.TAKEN_MESSAGE}") == 19, outcomes
    request = db.session.get(GatemateRequest, request_id)
    winner = mentor_ids[outcomes.index("won")]
    assert (request.status, request.mentor_id) == ("accepted", winner)
    accepted = db.session.scalars(select(RequestEvent).where(RequestEvent.action == "accept")).all()
    assert [event.actor_id for event in accepted] == [winner]


def test_a_coordinator_assigning_while_mentors_accept_makes_one_decision(app):
    coordinator = UserFactory(role="coordinator")
    own_mentor = MentorProfileFactory(user=UserFactory(role="mentor", organisation=coordinator.organisation)).user
    others = [MentorProfileFactory().user_id for _ in range(5)]
    request_id, coordinator_id, own_mentor_id = GatemateRequestFactory().id, coordinator.id, own_mentor.id
    db.session.commit()
    attempts = [lambda: operations.assign(request_id, own_mentor_id, db.session.get(User, coordinator_id))]
    attempts += [lambda mentor_id=mentor_id: operations.accept(request_id, db.session.get(User, mentor_id))
                 for mentor_id in others]
    outcomes = race(app, attempts)
    assert outcomes.count("won") == 1, outcomes
    assert all(outcome == "won" or outcome.startswith("taken: ") for outcome in outcomes), outcomes
    assert count(RequestEvent, RequestEvent.action.in_(["accept", "assign"])) == 1


def test_a_mentor_at_their_limit_cannot_take_two_requests_at_once(app):
    mentor_id = MentorProfileFactory(capacity=1).user_id
    request_ids = [GatemateRequestFactory().id for _ in range(4)]
    db.session.commit()
    outcomes = race(app, [lambda request_id=request_id: operations.accept(request_id, db.session.get(User, mentor_id))
                          for request_id in request_ids])
    assert outcomes.count("won") == 1, outcomes
    assert sum("already hold 1 of 1" in outcome for outcome in outcomes) == 3, outcomes
    assert count(GatemateRequest, GatemateRequest.mentor_id == mentor_id) == 1
