"""The registration workflow table, walked step by step."""

from __future__ import annotations

import pytest

from marketplace.accounts.workflow import REGISTRATION, transition
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from tests.factories import OrganisationFactory, UserFactory

ALL_STEPS = [(state, action) for state in sorted(REGISTRATION.states) for action in sorted(REGISTRATION.actions)]


@pytest.mark.parametrize(("state", "action"), ALL_STEPS)
@pytest.mark.parametrize("role", list(Role))
def test_every_step_is_allowed_only_as_the_table_says(state, action, role):
    organisation = OrganisationFactory(status=state)
    actor = UserFactory(role=role.value)
    step = REGISTRATION.table.get((state, action))
    if step is not None and role in step.roles:
        change = transition(organisation, action, actor, reason="because")
        assert organisation.status == step.to
        assert (change.from_status, change.to_status, change.actor_id) == (state, step.to, actor.id)
    else:
        with pytest.raises(NotAllowed):
            transition(organisation, action, actor, reason="because")
        assert organisation.status == state
