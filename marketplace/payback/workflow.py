"""The life of a Community Payback project, as a table.

    unconfirmed ──confirm (the nominator's emailed link)──▶ submitted
    submitted ──shortlist (payback manager)──▶ shortlisted ──accept──▶ accepted
        │  └──accept──▶ accepted                    └──decline──▶ declined
        └──decline──▶ declined

The nominator has no account, so `confirm` is taken by SYSTEM on their behalf when their link is
used. A payback manager may move only projects of their own organisation's region (the guard).
"""

from __future__ import annotations

from marketplace.core.roles import Role
from marketplace.core.workflow import SYSTEM, NotAllowed, Workflow
from marketplace.payback.models import STATUS_LABELS, PaybackProject, ProjectEvent
from marketplace.payback.models import Status as S

MANAGERS = {Role.PAYBACK_MANAGER}


def _own_region(project: PaybackProject, actor) -> None:
    if actor is None:
        return
    organisation = actor.organisation
    if actor.role != Role.PAYBACK_MANAGER or organisation is None or organisation.region != project.region:
        raise NotAllowed("Only a payback manager in the project's region can assess it.")


PROJECT = Workflow(
    "nomination",
    {
        (S.UNCONFIRMED, "confirm"): (S.SUBMITTED, {SYSTEM}),
        (S.SUBMITTED, "shortlist"): (S.SHORTLISTED, MANAGERS),
        (S.SUBMITTED, "accept"): (S.ACCEPTED, MANAGERS),
        (S.SUBMITTED, "decline"): (S.DECLINED, MANAGERS),
        (S.SHORTLISTED, "accept"): (S.ACCEPTED, MANAGERS),
        (S.SHORTLISTED, "decline"): (S.DECLINED, MANAGERS),
    },
    labels=STATUS_LABELS,
    history=ProjectEvent,
    subject="project",
    guard=_own_region,
)

ACTION_LABELS = {
    "nominate": "Nominated",
    "confirm": "Confirmed by the nominator",
    "shortlist": "Shortlisted for the public vote",
    "accept": "Accepted",
    "decline": "Declined",
}

DECISIONS = {
    "shortlist": "Shortlist it for the public vote",
    "accept": "Accept it: it will be delivered",
    "decline": "Decline it",
}


def transition(project: PaybackProject, action: str, actor, reason: str = "", note: str = "") -> ProjectEvent:
    """Apply one step of the project workflow and record it, or raise NotAllowed. `actor` None is
    the nominator's emailed link (SYSTEM)."""
    return PROJECT.apply(project, action, actor, reason=reason, note=note[:1000])


def record_event(project: PaybackProject, action: str, actor, note: str = "") -> ProjectEvent:
    """A timeline entry that changes no state (the nomination itself)."""
    return PROJECT.record(project, action, actor, note=note[:1000])


__all__ = ["ACTION_LABELS", "DECISIONS", "PROJECT", "SYSTEM", "record_event", "transition"]
