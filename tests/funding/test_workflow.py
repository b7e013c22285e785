"""The funding workflow table: every row works for the roles it names and only for them, and
nothing moves a request but the table."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.funding.models import FundingEvent, Status
from marketplace.funding.workflow import FUNDING, TRANSITIONS, transition
from tests.factories import UserFactory

ROLES = [role.value for role in Role]
ROWS = [(str(state), action, str(to), sorted(str(r) for r in roles))
        for (state, action), (to, roles) in TRANSITIONS.items()]
ALLOWED = [(state, action, to, role) for state, action, to, roles in ROWS for role in roles]
FORBIDDEN_ROLE = [(state, action, role) for state, action, _to, roles in ROWS for role in ROLES if role not in roles]
FORBIDDEN_STEP = [(str(state), action) for state in Status for action in sorted(FUNDING.actions)
                  if (state, action) not in TRANSITIONS]


def actor_for(provider, role: str):
    if role == "case_manager":
        return UserFactory(role="case_manager", organisation=provider.organisation)
    if role == "funding_manager":
        return provider.manager
    return UserFactory(role=role)


@pytest.mark.parametrize(("state", "action", "to", "role"), ALLOWED)
def test_each_row_moves_the_request_and_writes_history(provider, state, action, to, role):
    request = provider.request(status=state)
    actor = actor_for(provider, role)
    transition(request, action, actor)
    db.session.flush()
    assert request.status == to
    event = db.session.query(FundingEvent).filter_by(request_id=request.id).one()
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, state, to, actor.id)


@pytest.mark.parametrize(("state", "action", "role"), FORBIDDEN_ROLE)
def test_other_roles_are_refused(provider, state, action, role):
    request = provider.request(status=state)
    with pytest.raises(NotAllowed):
        transition(request, action, actor_for(provider, role))
    assert request.status == state


@pytest.mark.parametrize(("state", "action"), FORBIDDEN_STEP)
def test_steps_not_in_the_table_are_refused(provider, state, action):
    request = provider.request(status=state)
    roles = {r for (_s, a), (_t, rs) in TRANSITIONS.items() if a == action for r in rs}
    with pytest.raises(NotAllowed):
        transition(request, action, actor_for(provider, sorted(roles)[0]))
    assert request.status == state


def test_another_providers_funding_manager_cannot_move_a_request(provider):
    request = provider.request()
    outsider = UserFactory(role="funding_manager")
    with pytest.raises(NotAllowed, match="provider"):
        transition(request, "approve", outsider)


def test_whoever_asked_or_last_edited_cannot_approve(provider):
    request = provider.request()
    request.last_edited_by_id = provider.manager.id  # a funding manager who changed it
    with pytest.raises(NotAllowed, match="someone else must approve"):
        transition(request, "approve", provider.manager)
    transition(request, "approve", provider.second_manager)
    assert request.status == Status.APPROVED
