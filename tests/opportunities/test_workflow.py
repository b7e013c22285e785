"""The opportunity status workflow table, walked step by step."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.opportunities.workflow import OPPORTUNITY, SYSTEM, transition
from tests.factories import OpportunityFactory, UserFactory

ALL_STEPS = [(state, action) for state in sorted(OPPORTUNITY.states) for action in sorted(OPPORTUNITY.actions)]
ACTORS = [*list(Role), SYSTEM]


@pytest.mark.parametrize(("state", "action"), ALL_STEPS)
@pytest.mark.parametrize("role", ACTORS)
def test_every_step_is_allowed_only_as_the_table_says(state, action, role):
    opportunity = OpportunityFactory(status=state)
    actor = None if role == SYSTEM else UserFactory(role=role.value)
    step = OPPORTUNITY.table.get((state, action))
    if step is not None and role in step.roles:
        change = transition(opportunity, action, actor)
        assert opportunity.status == step.to
        assert (change.from_status, change.to_status) == (state, step.to)
        assert change.actor_id == (actor.id if actor else None)
    else:
        with pytest.raises(NotAllowed):
            transition(opportunity, action, actor)
        assert opportunity.status == state


def test_publishing_stamps_published_at_once_and_closing_stamps_closed_at():
    opportunity = OpportunityFactory(status="draft", published_at=None)
    transition(opportunity, "publish", None)
    first = opportunity.published_at
    assert first is not None and opportunity.closed_at is None
    transition(opportunity, "fill", None)
    assert opportunity.closed_at is not None
    transition(opportunity, "release_place", None)
    assert opportunity.published_at == first and opportunity.closed_at is None
