"""The funding request workflow, as a table: (state, action) -> (new state, who may take the step).

The rules a table cannot say: four eyes (whoever asked for or last edited a request cannot approve
it, and a second approver is someone other than the first), and only people of the provider that
holds the request may move it. Money is checked in operations.py, under the budget's lock.
"""

from __future__ import annotations

from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed, Workflow
from marketplace.funding.models import (
    BOND_STATUS_LABELS,
    STATUS_LABELS,
    BondStatus,
    FidelityBondEvent,
    FundingEvent,
    Status,
)

S = Status
CASE_MANAGER = {Role.CASE_MANAGER}
FUNDING_MANAGER = {Role.FUNDING_MANAGER}

TRANSITIONS = {
    (S.SUBMITTED, "approve"): (S.APPROVED, FUNDING_MANAGER),
    (S.SUBMITTED, "part_approve"): (S.APPROVED, FUNDING_MANAGER),
    # Over the budget's second-approval level the first approval only recommends.
    (S.SUBMITTED, "recommend"): (S.SECOND_APPROVAL, FUNDING_MANAGER),
    (S.SECOND_APPROVAL, "approve"): (S.APPROVED, FUNDING_MANAGER),
    (S.SECOND_APPROVAL, "part_approve"): (S.APPROVED, FUNDING_MANAGER),
    (S.SUBMITTED, "decline"): (S.DECLINED, FUNDING_MANAGER),
    (S.SECOND_APPROVAL, "decline"): (S.DECLINED, FUNDING_MANAGER),
    (S.SUBMITTED, "ask_information"): (S.MORE_INFORMATION, FUNDING_MANAGER),
    (S.MORE_INFORMATION, "resubmit"): (S.SUBMITTED, CASE_MANAGER),
    (S.SUBMITTED, "withdraw"): (S.WITHDRAWN, CASE_MANAGER),
    (S.MORE_INFORMATION, "withdraw"): (S.WITHDRAWN, CASE_MANAGER),
    (S.APPROVED, "mark_paid"): (S.PAID, FUNDING_MANAGER),
    (S.APPROVED, "cancel"): (S.CANCELLED, FUNDING_MANAGER),
}

ACTION_LABELS = {
    "approve": "Approve",
    "part_approve": "Approve part of it",
    "recommend": "Approve (a second approver is needed)",
    "decline": "Decline",
    "ask_information": "Ask for more information",
    "resubmit": "Send the information",
    "withdraw": "Withdraw the request",
    "mark_paid": "Record the payment",
    "cancel": "Cancel the approval",
}
# History rows written without a step of the table (FUNDING.record).
EVENT_LABELS = {**ACTION_LABELS, "ask": "Asked for funding", "add_evidence": "Evidence added",
                "edit": "Request changed"}

# The decisions a funding manager makes on the decision page.
DECISIONS = ("approve", "part_approve", "decline", "ask_information")
APPROVING = frozenset({"approve", "part_approve", "recommend"})


def _own_provider_only(request, actor) -> None:
    if actor is not None and request.side_of(actor) not in ("case_manager", "funding_manager"):
        raise NotAllowed("Only people of the provider that holds this request can move it on.")


def _four_eyes(request, action: str, actor) -> None:
    if action not in APPROVING or actor is None:
        return
    if actor.id in (request.requested_by_id, request.last_edited_by_id):
        raise NotAllowed("You asked for or last changed this request, so someone else must approve it.")
    if request.status == Status.SECOND_APPROVAL and actor.id == request.first_approver_id:
        raise NotAllowed("You gave the first approval: a second funding manager must approve it.")


FUNDING = Workflow("funding request", TRANSITIONS, labels=STATUS_LABELS, history=FundingEvent, subject="request",
                   guard=_own_provider_only, rules=_four_eyes)


def allowed_actions(request, user) -> list[str]:
    return FUNDING.available(request, user)


def why_not(request, action: str, actor) -> str | None:
    """Why `actor` cannot take `action` on the request now (for the page that sends them back); None if they can."""
    try:
        FUNDING.step(request.status, action, actor.role)
        _own_provider_only(request, actor)
        _four_eyes(request, action, actor)
    except NotAllowed as refusal:
        return refusal.message
    return None


def transition(request, action: str, actor, *, amount_pence: int | None = None, reason_code: str = "",
               note: str = "") -> FundingEvent:
    """Apply one step of the funding workflow and record it in the request's history, or raise NotAllowed."""
    event = FUNDING.apply(request, action, actor, amount_pence=amount_pence, reason_code=reason_code, note=note)
    request.updated_at = event.at
    return event


# Employer fidelity bonds -----------------------------------------------------------------------------
# The employer asks (operations.ask_for_bond); a funding manager of the person's provider records that
# it was arranged, or declines it with a coded reason; the employer may withdraw it while it waits.
B = BondStatus
EMPLOYERS = {Role.EMPLOYER, Role.SOCIAL_ENTERPRISE}

BOND_TRANSITIONS = {
    (B.ASKED, "arrange"): (B.ARRANGED, FUNDING_MANAGER),
    (B.ASKED, "decline"): (B.DECLINED, FUNDING_MANAGER),
    (B.ASKED, "withdraw"): (B.WITHDRAWN, EMPLOYERS),
}
BOND_ACTION_LABELS = {"arrange": "Record that the bond is arranged", "decline": "Decline the bond",
                      "withdraw": "Withdraw the request for a bond"}
BOND_EVENT_LABELS = {**BOND_ACTION_LABELS, "ask": "Asked for a fidelity bond"}
BOND_DECISIONS = ("arrange", "decline")


def _bond_sides_only(bond, actor) -> None:
    if actor is not None and bond.side_of(actor) not in ("employer", "funding_manager"):
        raise NotAllowed("Only the employer that asked, or a funding manager of the person's provider, can move "
                         "this bond on.")


def _bond_four_eyes(bond, action: str, actor) -> None:
    # The funding rule, here too: whoever asked for the bond does not decide it.
    if action in BOND_DECISIONS and actor is not None and actor.id == bond.asked_by_id:
        raise NotAllowed("You asked for this bond, so someone else must decide it.")


BONDS = Workflow("fidelity bond", BOND_TRANSITIONS, labels=BOND_STATUS_LABELS, history=FidelityBondEvent,
                 subject="bond", guard=_bond_sides_only, rules=_bond_four_eyes)
