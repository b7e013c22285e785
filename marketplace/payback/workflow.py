"""The life of a Community Payback project, as a table.

    unconfirmed ──confirm (the nominator's emailed link)──▶ submitted
    submitted ──review_public_text (payback manager)──▶ reviewed
        └──decline──▶ declined
    reviewed ──shortlist──▶ shortlisted ──accept──▶ accepted
        │  └──accept──▶ accepted            └──decline──▶ declined
        └──decline──▶ declined
    reviewed, shortlisted, accepted ──review_public_text──▶ (the same stage: the text corrected)
    accepted ──schedule──▶ accepted (the day work starts set or moved; the nominator is told)

The nominator has no account, so `confirm` is taken by SYSTEM on their behalf when their link is
used. A payback manager may move only projects of their own organisation's region (the guard).

Nothing the nominator wrote goes public as it is: shortlisting or accepting (the two steps that put a
project on the public pages) can only be taken from `reviewed`, after a payback manager has written
the public title and text and checked it names nobody. The rule below backs the table up for projects
shortlisted before that step existed: they must have their text written before they are accepted.
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


def _public_text_first(project: PaybackProject, action: str, actor) -> None:
    if action in ("shortlist", "accept") and project.public_text_at is None:
        raise NotAllowed("Write the text the public will see, and check it names nobody, before the project "
                         "goes on the public pages.")


PROJECT = Workflow(
    "nomination",
    {
        (S.UNCONFIRMED, "confirm"): (S.SUBMITTED, {SYSTEM}),
        (S.SUBMITTED, "review_public_text"): (S.REVIEWED, MANAGERS),
        (S.SUBMITTED, "decline"): (S.DECLINED, MANAGERS),
        (S.REVIEWED, "review_public_text"): (S.REVIEWED, MANAGERS),
        (S.REVIEWED, "shortlist"): (S.SHORTLISTED, MANAGERS),
        (S.REVIEWED, "accept"): (S.ACCEPTED, MANAGERS),
        (S.REVIEWED, "decline"): (S.DECLINED, MANAGERS),
        (S.SHORTLISTED, "review_public_text"): (S.SHORTLISTED, MANAGERS),
        (S.SHORTLISTED, "accept"): (S.ACCEPTED, MANAGERS),
        (S.SHORTLISTED, "decline"): (S.DECLINED, MANAGERS),
        (S.ACCEPTED, "review_public_text"): (S.ACCEPTED, MANAGERS),
        (S.ACCEPTED, "schedule"): (S.ACCEPTED, MANAGERS),
    },
    labels=STATUS_LABELS,
    history=ProjectEvent,
    subject="project",
    guard=_own_region,
    rules=_public_text_first,
)

ACTION_LABELS = {
    "nominate": "Nominated",
    "confirm": "Confirmed by the nominator",
    "review_public_text": "Public text written and checked",
    "schedule": "Start of work set",
    "add_session": "Work session added",
    "change_session": "Work session changed",
    "cancel_session": "Work session cancelled",
    "set_offer": "Offer on completion set",
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
