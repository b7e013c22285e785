"""The registration workflow for organisations, as a table."""

from __future__ import annotations

from marketplace.accounts.models import Organisation, OrganisationStatus, OrganisationStatusChange
from marketplace.core.roles import Role
from marketplace.core.workflow import Workflow

S = OrganisationStatus

REGISTRATION = Workflow(
    "registration",
    {
        (S.PENDING, "approve"): (S.APPROVED, {Role.ADMIN}),
        (S.PENDING, "reject"): (S.REJECTED, {Role.ADMIN}),
    },
    labels={S.PENDING: "Waiting for approval", S.APPROVED: "Approved", S.REJECTED: "Not approved"},
    history=OrganisationStatusChange,
    subject="organisation",
)


def transition(organisation: Organisation, action: str, actor, reason: str = "", *,
               checks: list[str] | None = None, note: str = "") -> OrganisationStatusChange:
    """Apply one step of the registration workflow and record it (with what the administrator checked,
    for an approval), or raise NotAllowed."""
    change = REGISTRATION.apply(organisation, action, actor, reason=reason, checks=list(checks or []), note=note)
    organisation.decided_at = change.at
    organisation.decided_by_id = actor.id
    organisation.decision_reason = reason
    return change
