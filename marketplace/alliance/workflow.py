"""The alliance membership workflow, as a table.

An organisation applies at a level; an admin approves or rejects with a reason; the organisation may
withdraw its application or leave. An approved membership runs for 12 months and is renewed by the
organisation, or lapses (done by `flask reminders send`, acting as SYSTEM). Moving up a level is a new
application; when it is approved, the membership it replaces is superseded, so each row keeps the level
it was granted and the rows in order are the level history.
"""

from __future__ import annotations

from marketplace.alliance.models import AllianceMembership, MembershipChange, MembershipStatus
from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, Workflow

S = MembershipStatus
MEMBERS = {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}

MEMBERSHIP = Workflow(
    "membership",
    {
        # SYSTEM approves only for `flask organisations create`, run by someone with the server's keys.
        (S.APPLIED, "approve"): (S.APPROVED, {Role.ADMIN, SYSTEM}),
        (S.APPLIED, "reject"): (S.REJECTED, {Role.ADMIN}),
        (S.APPLIED, "withdraw"): (S.WITHDRAWN, MEMBERS),
        (S.APPROVED, "renew"): (S.APPROVED, MEMBERS),
        (S.APPROVED, "withdraw"): (S.WITHDRAWN, MEMBERS),
        (S.APPROVED, "lapse"): (S.LAPSED, {SYSTEM}),
        (S.APPROVED, "supersede"): (S.SUPERSEDED, {SYSTEM}),
    },
    labels={
        S.APPLIED: "Waiting for a decision",
        S.APPROVED: "Approved",
        S.REJECTED: "Not approved",
        S.WITHDRAWN: "Withdrawn",
        S.LAPSED: "Lapsed",
        S.SUPERSEDED: "Replaced by a higher level",
    },
    history=MembershipChange,
    subject="membership",
)

STATUS_COLOURS = {
    S.APPLIED: "blue", S.APPROVED: "green", S.REJECTED: "red", S.WITHDRAWN: "grey", S.LAPSED: "orange",
    S.SUPERSEDED: "grey",
}


def transition(membership: AllianceMembership, action: str, actor=None, reason: str = "") -> MembershipChange:
    """Apply one step of the membership workflow and record it, or raise NotAllowed. `actor` None is
    the system (a scheduled job, or a step another operation takes on the organisation's behalf)."""
    change = MEMBERSHIP.apply(membership, action, actor, level=membership.level, reason=reason)
    if action in ("approve", "reject"):
        membership.decided_at = change.at
        membership.decided_by_id = change.actor_id
        membership.reason = reason
    if membership.status in (S.WITHDRAWN, S.LAPSED, S.SUPERSEDED):
        membership.ended_at = change.at
    return change
