"""The Gatemate workflow table, walked for every state, action and role (and the reminders job)."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.gatemate.models import Status
from marketplace.gatemate.workflow import GATEMATE, SYSTEM, transition
from tests.factories import GatemateRequestFactory, UserFactory

ALL_STEPS = [(state, action) for state in sorted(GATEMATE.states) for action in sorted(GATEMATE.actions)]
ACTORS = [role.value for role in Role] + [SYSTEM]


def test_the_table_has_the_states_and_steps_of_the_issue():
    assert GATEMATE.states == {status.value for status in Status}
    assert GATEMATE.table[("open", "accept")].to == "accepted"
    assert GATEMATE.table[("accepted", "hand_back")].to == "open"
    assert GATEMATE.table[("accepted", "record_met")].to == "met"
    assert GATEMATE.table[("accepted", "record_not_met")].to == "not_met"
    assert GATEMATE.table[("open", "expire")].roles == {SYSTEM}
    # Closed requests go nowhere.
    for closed in ("met", "not_met", "cancelled", "expired"):
        assert GATEMATE.allowed_actions(closed, Role.ADMIN) == []
        assert all(state != closed for state, _ in GATEMATE.table)


@pytest.mark.parametrize(("state", "action"), ALL_STEPS)
@pytest.mark.parametrize("role", ACTORS)
def test_every_step_is_allowed_only_as_the_table_says(state, action, role):
    request = GatemateRequestFactory(status=state)
    actor = None if role == SYSTEM else UserFactory(role=role)
    step = GATEMATE.table.get((state, action))
    if step is not None and role in step.roles:
        event = transition(request, action, actor, note="why")
        assert request.status == step.to
        assert (event.action, event.from_status, event.to_status) == (action, state, step.to)
        assert event.actor_id == (actor.id if actor else None) and event.note == "why" and event.at is not None
    else:
        with pytest.raises(NotAllowed):
            transition(request, action, actor)
        assert request.status == state
        assert request.events == []
