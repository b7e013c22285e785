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
from marketplace.funding.money import pounds

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
# The history says what happened (the steps above are what a button does). Amounts go in through
# event_label; rows written without a step of the table (FUNDING.record) are here too.
EVENT_LABELS = {
    "ask": "Asked for funding",
    "edit": "Request changed",
    "add_evidence": "Evidence added",
    "approve": "Approved",
    "part_approve": "Approved part of it",
    "recommend": "First approval (a second approver is needed)",
    "decline": "Declined",
    "ask_information": "More information asked for",
    "resubmit": "Information sent",
    "withdraw": "Withdrawn",
    "mark_paid": "Paid",
    "cancel": "Approval cancelled",
}


def event_label(event, request) -> str:
    """One history row in words, with its amount where the amount is what happened:
    'Approved £250.00 of £300.00', 'First approval: £300.00 (a second approver is needed)'."""
    amount = event.amount_pence
    if amount is None:
        return EVENT_LABELS.get(event.action, event.action)
    money = pounds(amount)
    if event.action in ("approve", "part_approve"):
        asked = request.amount_pence
        return f"Approved {money}" if amount == asked else f"Approved {money} of {pounds(asked)}"
    if event.action == "recommend":
        return f"First approval: {money} (a second approver is needed)"
    if event.action == "ask":
        return f"Asked for {money}"
    if event.action == "mark_paid":
        return f"Paid {money}"
    return f"{EVENT_LABELS.get(event.action, event.action)}: {money}"

# The decisions a funding manager makes on the decision page.
DECISIONS = ("approve", "part_approve", "decline", "ask_information")
APPROVING = frozenset({"approve", "part_approve", "recommend"})


def _own_provider_only(request, actor) -> None:
    if actor is not None and request.side_of(actor) not in ("case_manager", "funding_manager"):
        raise NotAllowed("Only people of the provider that holds this request can move it on.")


def _four_eyes(request, action: str, actor) -> None:
    if actor is None:
        return
    # The first approver has decided: the second decision, either way, is another funding manager's.
    if request.status == Status.SECOND_APPROVAL and actor.id == request.first_approver_id and \
            action in APPROVING | {"decline"}:
        raise NotAllowed("You gave the first approval; another funding manager must approve.")
    if action in APPROVING and actor.id in (request.requested_by_id, request.last_edited_by_id):
        raise NotAllowed("You asked for or last changed this request, so someone else must approve it.")


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
