"""The registration workflow for organisations, as a table."""

from __future__ import annotations

from marketplace.accounts.models import Organisation, OrganisationStatus, OrganisationStatusChange
from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.core.workflow import Workflow
from marketplace.extensions import db

S = OrganisationStatus

REGISTRATION = Workflow(
    "registration",
    {
        (S.PENDING, "approve"): (S.APPROVED, {Role.ADMIN}),
        (S.PENDING, "reject"): (S.REJECTED, {Role.ADMIN}),
    },
    labels={S.PENDING: "Waiting for approval", S.APPROVED: "Approved", S.REJECTED: "Not approved"},
)


def transition(organisation: Organisation, action: str, actor, reason: str = "") -> OrganisationStatusChange:
    """Apply one step of the registration workflow and record it, or raise NotAllowed."""
    new_status = REGISTRATION.step(organisation.status, action, actor.role)
    change = OrganisationStatusChange(
        organisation=organisation,
        action=action,
        from_status=organisation.status,
        to_status=new_status,
        actor_id=actor.id,
        at=clock.now(),
        reason=reason,
    )
    db.session.add(change)
    organisation.status = new_status
    organisation.decided_at = change.at
    organisation.decided_by_id = actor.id
    organisation.decision_reason = reason
    return change
