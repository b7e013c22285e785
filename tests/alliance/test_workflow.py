"""The membership workflow table, walked step by step."""

from __future__ import annotations

import pytest

from marketplace.alliance.models import MembershipChange
from marketplace.alliance.workflow import MEMBERSHIP, SYSTEM, transition
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from tests.factories import AllianceMembershipFactory, UserFactory

ALL_STEPS = [(state, action) for state in sorted(MEMBERSHIP.states) for action in sorted(MEMBERSHIP.actions)]
ACTORS = [*list(Role), SYSTEM]


@pytest.mark.parametrize(("state", "action"), ALL_STEPS)
@pytest.mark.parametrize("role", ACTORS)
def test_every_step_is_allowed_only_as_the_table_says(state, action, role):
    membership = AllianceMembershipFactory(status=state, level=2)
    actor = None if role == SYSTEM else UserFactory(role=role.value)
    step = MEMBERSHIP.table.get((state, action))
    if step is not None and role in step.roles:
        change = transition(membership, action, actor, reason="because")
        assert membership.status == step.to
        assert (change.from_status, change.to_status, change.level) == (state, step.to, 2)
        assert change.actor_id == (actor.id if actor else None)
    else:
        with pytest.raises(NotAllowed):
            transition(membership, action, actor, reason="because")
        assert membership.status == state


def test_decisions_and_endings_are_stamped_on_the_membership():
    admin = UserFactory(role="admin")
    membership = AllianceMembershipFactory(status="applied")
    transition(membership, "reject", admin, reason="No named contact")
    assert (membership.decided_by_id, membership.reason) == (admin.id, "No named contact")
    assert membership.decided_at is not None and membership.ended_at is None
    lapsing = AllianceMembershipFactory(status="approved")
    transition(lapsing, "lapse", None)
    assert lapsing.ended_at is not None


def test_every_state_has_a_label_and_a_colour():
    from marketplace.alliance.workflow import STATUS_COLOURS

    for state in MEMBERSHIP.states:
        assert state in MEMBERSHIP.labels and state in STATUS_COLOURS


def test_a_system_step_needs_no_user(app):
    membership = AllianceMembershipFactory(status="approved")
    change = transition(membership, "supersede", None, reason="Moved up to level 2")
    assert isinstance(change, MembershipChange) and change.actor_id is None
    assert membership.status == "superseded" and membership.ended_at is not None
