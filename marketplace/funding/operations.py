"""Every write about discretionary funding: asking, deciding within the budget, paying, budgets.

An approval reserves its money with one conditional UPDATE of the budget row
(`committed + amount <= amount`), so two approvals at once can never overspend it: on PostgreSQL the
second waits for the first's row lock and re-checks the condition against what the first committed;
on SQLite writers take turns (BEGIN IMMEDIATE). The table's CHECK constraint says the same again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select, update

from marketplace.core import clock
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.reminders import reminder_job
from marketplace.core.roles import Role
from marketplace.core.uploads import Held, Shelf
from marketplace.extensions import db
from marketplace.funding.models import (
    COMMITTED,
    DECLINE_REASONS,
    EVIDENCE_KINDS,
    OTHER_SOURCES,
    PAYMENT_EVIDENCE,
    PAYMENT_METHODS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    FundingBudget,
    FundingDocument,
    FundingRequest,
    Purpose,
    Status,
    financial_year,
    year_label,
)
from marketplace.funding.money import MAX_PENCE, pounds
from marketplace.funding.workflow import transition
from marketplace.participants.export import EXPORT_SECTIONS
from marketplace.participants.operations import ERASURE_HOOKS
from marketplace.reference import REGIONS

MAX_TEXT = 3000
REPEAT_DAYS = 30
# Quotes, offer letters and invoices: the upload rules every feature shares, on a shelf of funding's own.
EVIDENCE = Shelf("funding", {"evidence": "evidence"})


class OverBudget(Refused):
    """An approval the budget (or the person's limit) cannot cover."""


@dataclass
class Ask:
    """What a case manager asks for. `amount_pence` is None when what was typed is not an amount
    (the form says so on its field)."""

    purpose: str = ""
    description: str = ""
    amount_pence: int | None = None
    supplier: str = ""
    referral_id: int | None = None
    other_sources: list[str] = field(default_factory=list)
    other_sources_note: str = ""
    # Evidence chosen on the form (held server-side until the request is made), and what it is.
    evidence: Held | None = None
    evidence_kind: str = ""
    # (field, message) for what a form could not read: amounts that are not amounts, refused files.
    typing_problems: list = field(default_factory=list)


def linkable_referrals(participant) -> list:
    """The person's referrals a request can be tied to: every one that reached the employer."""
    from marketplace.referrals.models import Referral

    return db.session.scalars(select(Referral).where(
        Referral.participant_id == participant.id, Referral.submitted_at.is_not(None))
        .order_by(Referral.created_at.desc())).all()


def budget_for(organisation_id: int, purpose: str, year: int, region: str = "") -> FundingBudget | None:
    """The pot set for exactly this region ("" the provider-wide pot), or None."""
    return db.session.scalar(select(FundingBudget).where(
        FundingBudget.organisation_id == organisation_id, FundingBudget.purpose == purpose,
        FundingBudget.year == year, FundingBudget.region == (region or "")))


def pot_for(organisation_id: int, purpose: str, year: int, region: str) -> FundingBudget | None:
    """The pot a request draws on: the provider's pot for the person's release region if it has one
    for this purpose and year, otherwise its provider-wide pot (region ""); None if it has neither.
    A regional pot that is spent does not fall back: the region's limit is the point of having one."""
    if region:
        regional = budget_for(organisation_id, purpose, year, region)
        if regional is not None:
            return regional
    return budget_for(organisation_id, purpose, year, "")


def pot_of_request(request: FundingRequest, year: int | None = None) -> FundingBudget | None:
    return pot_for(request.organisation_id, request.purpose, year or financial_year(clock.today()),
                   request.participant.release_region or "")


def check_ask(participant, actor, ask: Ask) -> None:
    """Every problem with a request, at once (raises one Refused naming them all)."""
    problems = Problems()
    if actor.role != Role.CASE_MANAGER or actor.organisation_id != participant.organisation_id:
        raise Refused("Only a case manager of the person's own organisation can ask for funding for them")
    problems.check(not participant.is_closed, "This person's case is closed")
    purpose_known = problems.check(ask.purpose in set(Purpose), "Choose what the money is for", field="purpose")
    description = ask.description.strip()
    problems.check(bool(description), "Say what the money will buy and why it removes a barrier to work",
                   field="description")
    problems.check(len(ask.description) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer",
                   field="description")
    for name, message in ask.typing_problems:
        problems.add(message, field=name)
    amount_given = ask.amount_pence is not None
    if not any(name == "amount" for name, _ in ask.typing_problems):
        problems.check(amount_given, "Enter the amount in pounds and pence, like 85.00", field="amount")
    if amount_given:
        amount_given = problems.check(0 < ask.amount_pence <= MAX_PENCE, "Enter an amount more than £0",
                                      field="amount")
    problems.check(bool(ask.supplier.strip()), "Enter who will be paid: the supplier, landlord or course provider",
                   field="supplier")
    problems.check(len(ask.supplier) <= 200, "The supplier must be 200 characters or fewer", field="supplier")
    problems.check(bool(ask.other_sources) and set(ask.other_sources) <= set(OTHER_SOURCES),
                   "Say which other sources of money you checked first", field="other_sources")
    problems.check(len(ask.other_sources_note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer",
                   field="other_sources_note")
    if ask.referral_id:
        linkable = {referral.id for referral in linkable_referrals(participant)}
        problems.check(ask.referral_id in linkable, "Choose one of this person's referrals", field="referral")
    elif purpose_known:
        problems.check(ask.purpose == Purpose.SELF_EMPLOYMENT,
                       "Choose the job, interview or course the money unlocks", field="referral")
    if ask.evidence is not None:
        problems.check(ask.evidence_kind in ASKING_EVIDENCE, "Choose what the evidence is", field="evidence_kind")
    if purpose_known and amount_given:
        year = financial_year(clock.today())
        budget = pot_for(participant.organisation_id, ask.purpose, year, participant.release_region or "")
        if budget is None:
            where = f" for {participant.release_region} or all regions" if participant.release_region else ""
            problems.add(f"Your organisation has no budget for {PURPOSE_LABELS[Purpose(ask.purpose)].lower()}{where} "
                         f"in {year_label(year)}: ask your funding manager to set one", field="purpose")
        else:
            problems.check(ask.amount_pence <= budget.request_limit_pence,
                           f"The most one request can be for is {pounds(budget.request_limit_pence)}",
                           field="amount")
    problems.raise_any()


def ask_for_funding(participant, actor, ask: Ask) -> FundingRequest:
    """A case manager asks for money for a person; the provider's funding managers are told."""
    check_ask(participant, actor, ask)
    now = clock.now()
    request = FundingRequest(
        organisation_id=participant.organisation_id, participant_id=participant.id,
        referral_id=ask.referral_id or None, purpose=ask.purpose, description=ask.description.strip(),
        amount_pence=ask.amount_pence, supplier=ask.supplier.strip(),
        other_sources=[source for source in OTHER_SOURCES if source in ask.other_sources],
        other_sources_note=ask.other_sources_note.strip(), status=Status.SUBMITTED,
        requested_by_id=actor.id, last_edited_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(request)
    db.session.flush()
    from marketplace.funding.workflow import FUNDING

    FUNDING.record(request, "ask", actor, amount_pence=request.amount_pence)
    record_audit("funding.requested", request, actor=actor, detail=f"{request.purpose} {request.amount_pence}p")
    if ask.evidence is not None:
        _attach(request, actor, ask.evidence_kind, ask.evidence)
    _tell_funding_managers(request, f"{actor.full_name} asks for {pounds(request.amount_pence)}: "
                                    f"{request.purpose_label.lower()}")
    db.session.flush()
    return request


# Changing a request ----------------------------------------------------------------------------------
# A case manager may change what they asked for until a funding manager gives an approval (a first
# approval included: what was approved is what was seen). The one who changes it becomes its "last
# edited by", whom the workflow's four-eyes rule stops from approving it.
EDITABLE = (Status.SUBMITTED, Status.MORE_INFORMATION)


def can_edit(request: FundingRequest, user) -> bool:
    return request.side_of(user) == "case_manager" and request.status in EDITABLE


def _changes(request: FundingRequest, ask: Ask) -> list[str]:
    """What an edit changes, in words for the history: 'amount £58.00 to £85.00'."""
    changes = []
    if ask.purpose != request.purpose:
        changes.append(f"purpose {request.purpose_label.lower()} to {PURPOSE_LABELS[Purpose(ask.purpose)].lower()}")
    if ask.amount_pence != request.amount_pence:
        changes.append(f"amount {pounds(request.amount_pence)} to {pounds(ask.amount_pence)}")
    if ask.description.strip() != request.description:
        changes.append("what it will buy")
    if ask.supplier.strip() != request.supplier:
        changes.append(f"who will be paid {request.supplier} to {ask.supplier.strip()}")
    if (ask.referral_id or None) != request.referral_id:
        changes.append("the job it unlocks")
    if [s for s in OTHER_SOURCES if s in ask.other_sources] != list(request.other_sources or []) or \
            ask.other_sources_note.strip() != request.other_sources_note:
        changes.append("what was checked first")
    return changes


def check_edit(request: FundingRequest, actor, ask: Ask) -> None:
    """Every problem with a change to a request, at once."""
    if not can_edit(request, actor):
        raise Refused("Only a case manager of the provider can change a request, and only until it is approved "
                      "or declined")
    problems = Problems()
    problems.kept(lambda: check_ask(request.participant, actor, ask))
    if not problems:
        problems.check(bool(_changes(request, ask)), "Nothing was changed: change an answer, or go back to the "
                       "request")
    problems.raise_any()


def edit_request(request: FundingRequest, actor, ask: Ask) -> FundingRequest:
    """A case manager changes a request that waits for a decision; the history says what changed and
    who changed it, and the funding managers are told."""
    check_edit(request, actor, ask)
    request = lock_for_update(FundingRequest, request.id)
    check_edit(request, actor, ask)  # again, now that no decision can slip in between
    changes = _changes(request, ask)
    request.purpose = ask.purpose
    request.description = ask.description.strip()
    request.amount_pence = ask.amount_pence
    request.supplier = ask.supplier.strip()
    request.referral_id = ask.referral_id or None
    request.other_sources = [source for source in OTHER_SOURCES if source in ask.other_sources]
    request.other_sources_note = ask.other_sources_note.strip()
    request.last_edited_by_id = actor.id
    request.updated_at = clock.now()
    from marketplace.funding.workflow import FUNDING

    FUNDING.record(request, "edit", actor, amount_pence=request.amount_pence,
                   note=("Changed " + "; ".join(changes) + ".")[:MAX_TEXT])
    record_audit("funding.edited", request, actor=actor, detail="; ".join(changes)[:200])
    _tell_funding_managers(request, f"{actor.full_name} changed the request for "
                                    f"{request.participant.full_name}: {'; '.join(changes)}")
    return request


def _tell_funding_managers(request: FundingRequest, text: str, *, except_id: int | None = None) -> None:
    from marketplace.accounts.models import User, UserStatus

    managers = db.session.scalars(select(User).where(
        User.organisation_id == request.organisation_id, User.role == Role.FUNDING_MANAGER,
        User.status == UserStatus.ACTIVE)).all()
    link = path_for("funding.show", funding_id=request.id)
    for manager in managers:
        if manager.id != except_id:
            notify(manager, text, link)


def _tell_case_manager(request: FundingRequest, text: str) -> None:
    if request.requested_by is not None:
        notify(request.requested_by, text, path_for("funding.show", funding_id=request.id))


# Evidence --------------------------------------------------------------------------------------------
# What backs a request is added by the case manager while it waits (never once a funding manager has
# given an approval: what was approved is what was seen); a funding manager adds what they pay
# against (the invoice, the receipt) once it is approved.
ASKING_EVIDENCE = tuple(kind for kind in EVIDENCE_KINDS if kind != "receipt")
CASE_MANAGER_ADDS_WHILE = (Status.SUBMITTED, Status.MORE_INFORMATION)
FUNDING_MANAGER_ADDS_WHILE = (Status.APPROVED, Status.PAID)


def evidence_kinds_for(request: FundingRequest, user) -> tuple[str, ...]:
    """The kinds of evidence `user` may add to the request now (none: they may not add any)."""
    side = request.side_of(user)
    if side == "case_manager" and request.status in CASE_MANAGER_ADDS_WHILE:
        return ASKING_EVIDENCE
    if side == "funding_manager" and request.status in FUNDING_MANAGER_ADDS_WHILE:
        return PAYMENT_EVIDENCE
    return ()


def check_evidence(request: FundingRequest, actor, kind: str, evidence: Held | None,
                   problems: Problems | None = None) -> None:
    """Every problem with adding evidence, at once (with any `problems` found reading the file)."""
    kinds = evidence_kinds_for(request, actor)
    if not kinds:
        raise Refused("Evidence can be added by the case manager while the request waits for a decision, "
                      "and an invoice or receipt by a funding manager once it is approved")
    problems = problems if problems is not None else Problems()
    problems.check(kind in kinds, "Choose what the evidence is", field="kind")
    if not any(name == "evidence" for name, _ in problems.items):
        problems.check(evidence is not None, "Choose the file to upload", field="evidence")
    problems.raise_any()


def add_evidence(request: FundingRequest, actor, kind: str, evidence: Held | None) -> FundingDocument:
    """Attach a quote, offer letter, invoice or receipt (a file held from the form) to a request."""
    check_evidence(request, actor, kind, evidence)
    request = lock_for_update(FundingRequest, request.id)
    check_evidence(request, actor, kind, evidence)  # again, now that no one else can move it on
    return _attach(request, actor, kind, evidence)


def _attach(request: FundingRequest, actor, kind: str, evidence: Held) -> FundingDocument:
    details = EVIDENCE.claim(evidence)
    try:
        document = FundingDocument(request=request, kind=kind, uploaded_by_id=actor.id, uploaded_at=clock.now(),
                                   **details)
        db.session.add(document)
        db.session.flush()
        from marketplace.funding.workflow import FUNDING

        FUNDING.record(request, "add_evidence", actor, note=f"{EVIDENCE_KINDS[kind]}: {document.filename}")
        record_audit("funding.evidence_added", request, actor=actor, detail=f"{kind} document {document.id}")
    except Exception:
        EVIDENCE.give_back(details["stored_name"])
        raise
    return document


def evidence_file(request: FundingRequest, document_id: int, actor):
    """The stored file of one piece of a request's evidence, with an audit row for whoever opens it;
    None if it is not this request's or its file is gone."""
    document = db.session.get(FundingDocument, document_id)
    if document is None or document.request_id != request.id:
        return None, None
    path = EVIDENCE.path_of(document.stored_name)
    if not path.is_file():
        return None, None
    record_audit("funding.evidence_downloaded", request, actor=actor, detail=f"{document.kind} document {document.id}")
    return document, path


@reminder_job("held funding evidence past its time")
def remove_lapsed_evidence() -> int:
    """Files chosen on a funding form that was never sent: removed once their tokens have lapsed."""
    return EVIDENCE.remove_lapsed_held()


def erase_funding_of(participant) -> None:
    """On erasure of a participant: remove their funding requests' files (the rows go with the record)."""
    for request in db.session.scalars(select(FundingRequest).where(FundingRequest.participant_id == participant.id)):
        for document in request.documents:
            EVIDENCE.remove(document.stored_name)


ERASURE_HOOKS.append(erase_funding_of)


# Deciding --------------------------------------------------------------------------------------------
class ChangedSinceShown(Refused):
    """The request changed after the funding manager opened the decision page: they decide on what
    they saw or not at all (four eyes means eyes on the figures approved)."""


def version_of(request: FundingRequest) -> str:
    """What the decision page showed, in one short token the form carries back: the amount, supplier,
    purpose, what it buys, the job it unlocks, the state and any first approval, and when it last changed."""
    changed = request.updated_at.replace(tzinfo=None).isoformat() if request.updated_at else ""
    shown = "|".join(str(part) for part in (
        request.amount_pence, request.supplier, request.purpose, request.description, request.referral_id,
        request.status, request.approved_pence, request.first_approver_id, changed))
    return hashlib.sha256(shown.encode()).hexdigest()[:20]


def changed_since_shown(request: FundingRequest) -> str:
    return f"This request was changed to {pounds(request.amount_pence)} after you opened it: check it again"


def check_decision(request: FundingRequest, decision: str, *, amount_pence: int | None, reason_code: str,
                   note: str) -> None:
    """The answers a decision needs, every problem at once."""
    problems = Problems()
    problems.check(decision in ("approve", "part_approve", "decline", "ask_information"),
                   "Choose a decision", field="decision")
    # An amount typed beside "Approve what was asked for" is not approved silently: say which it is.
    if decision == "approve" and amount_pence is not None:
        problems.add(f"You entered {pounds(amount_pence)}: choose 'Approve part of it' to approve that, or "
                     "clear the amount to approve what was asked for", field="decision")
    if decision == "part_approve" and problems.check(amount_pence is not None,
                                                     "Enter the amount to approve, like 60.00", field="amount"):
        problems.check(0 < amount_pence < request.amount_pence,
                       f"Enter an amount more than £0 and less than the {pounds(request.amount_pence)} asked for",
                       field="amount")
    if decision == "decline":
        problems.check(reason_code in DECLINE_REASONS, "Choose the reason for declining", field="reason_code")
        problems.check(reason_code != "other" or bool(note.strip()), "Say why in the note", field="note")
    if decision == "ask_information":
        problems.check(bool(note.strip()), "Say what information you need", field="note")
    problems.check(len(note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="note")
    problems.raise_any()


def decide(request_id: int, actor, decision: str, *, amount_pence: int | None = None, reason_code: str = "",
           note: str = "", seen: str | None = None) -> FundingRequest:
    """A funding manager approves (all or part), declines or asks for more. An approval over the
    budget's second-approval level only recommends until a second funding manager approves. The
    money is reserved against the budget when the request becomes approved, or it is refused.

    `seen` is `version_of` the request as the decision page showed it (None only for callers that
    show no page): if the request changed since, nothing is written and the refusal names the new
    amount. It is compared under the row lock an edit also takes, so no change can slip in between."""
    request = lock_for_update(FundingRequest, request_id)
    if request is None:
        raise Refused("This request no longer exists")
    if seen is not None and seen != version_of(request):
        raise ChangedSinceShown(changed_since_shown(request))
    check_decision(request, decision, amount_pence=amount_pence, reason_code=reason_code, note=note)
    note = note.strip()
    if decision in ("decline", "ask_information"):
        transition(request, decision, actor, reason_code=reason_code if decision == "decline" else "", note=note)
        request.reason_code = reason_code if decision == "decline" else ""
        if decision == "decline":
            request.decided_at = clock.now()
            _tell_case_manager(request, f"Funding declined for {request.participant.full_name}: "
                                        f"{DECLINE_REASONS[reason_code].lower()}")
        else:
            _tell_case_manager(request, f"More information needed for {request.participant.full_name}'s request")
        record_audit(f"funding.{decision}", request, actor=actor, detail=reason_code)
        return request
    amount = request.amount_pence if decision == "approve" else amount_pence
    budget = pot_of_request(request)
    if budget is None:
        raise OverBudget(f"There is no budget for {request.purpose_label.lower()} this year for "
                         f"{request.participant.release_region or 'this person'}'s region or all regions: "
                         "set one first")
    if amount > budget.request_limit_pence:
        raise OverBudget(f"The most one request can be given is {pounds(budget.request_limit_pence)}",
                         field="amount")
    second = budget.second_approval_above_pence
    if request.status == Status.SUBMITTED and second is not None and amount > second:
        transition(request, "recommend", actor, amount_pence=amount, note=note)
        request.first_approver_id = actor.id
        request.approved_pence = amount
        _tell_funding_managers(request, f"A second approval is needed: {pounds(amount)} for "
                                        f"{request.purpose_label.lower()}", except_id=actor.id)
        record_audit("funding.recommended", request, actor=actor, detail=f"{amount}p")
        return request
    transition(request, decision, actor, amount_pence=amount, note=note)
    _reserve(budget, request, amount)
    request.approved_pence = amount
    request.budget_id = budget.id
    request.decided_at = clock.now()
    request.reason_code = ""
    _tell_case_manager(request, f"Funding approved for {request.participant.full_name}: {pounds(amount)}")
    record_audit("funding.approved", request, actor=actor, detail=f"{amount}p")
    return request


def _reserve(budget: FundingBudget, request: FundingRequest, amount: int) -> None:
    reserved = db.session.execute(
        update(FundingBudget)
        .where(FundingBudget.id == budget.id, FundingBudget.committed_pence + amount <= FundingBudget.amount_pence)
        .values(committed_pence=FundingBudget.committed_pence + amount)
        .execution_options(synchronize_session=False))
    if reserved.rowcount != 1:
        left = db.session.scalar(select(FundingBudget.amount_pence - FundingBudget.committed_pence)
                                 .where(FundingBudget.id == budget.id))
        where = f" in {budget.region}" if budget.region else ""
        raise OverBudget(f"Over budget: {pounds(left)} is left of the {pounds(budget.amount_pence)} for "
                         f"{budget.purpose_label.lower()}{where} this year", field="amount")
    # Read after the budget row is held, so a request for the same person approved a moment ago counts.
    given = db.session.scalar(select(func.coalesce(func.sum(FundingRequest.approved_pence), 0)).where(
        FundingRequest.participant_id == request.participant_id, FundingRequest.budget_id == budget.id,
        FundingRequest.status.in_([str(s) for s in COMMITTED]), FundingRequest.id != request.id))
    if given + amount > budget.person_limit_pence:
        raise OverBudget(f"Over this person's limit: they have been given {pounds(given)} of the "
                         f"{pounds(budget.person_limit_pence)} a person may have for {budget.purpose_label.lower()} "
                         "this year", field="amount")
    db.session.expire(budget)


def resubmit(request: FundingRequest, actor, note: str) -> FundingRequest:
    """The case manager answers a request for more information; it goes back for a decision."""
    problems = Problems()
    problems.check(bool(note.strip()), "Write the information asked for", field="note")
    problems.check(len(note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="note")
    problems.raise_any()
    request = lock_for_update(FundingRequest, request.id)
    transition(request, "resubmit", actor, note=note.strip())
    request.last_edited_by_id = actor.id
    record_audit("funding.resubmitted", request, actor=actor)
    _tell_funding_managers(request, f"{actor.full_name} sent the information asked for")
    return request


def withdraw(request: FundingRequest, actor, note: str = "") -> FundingRequest:
    request = lock_for_update(FundingRequest, request.id)
    transition(request, "withdraw", actor, note=note.strip()[:MAX_TEXT])
    record_audit("funding.withdrawn", request, actor=actor)
    return request


# Paying ----------------------------------------------------------------------------------------------
@dataclass
class Payment:
    method: str = ""
    reference: str = ""
    paid_on: date | None = None
    cash_reason: str = ""
    receipt_reference: str = ""


def check_payment(request: FundingRequest, payment: Payment, today: date | None = None) -> None:
    today = today or clock.today()
    problems = Problems()
    problems.check(payment.method in PAYMENT_METHODS, "Choose how it was paid", field="method")
    if payment.method in ("supplier_invoice", "voucher"):
        problems.check(bool(payment.reference.strip()),
                       "Enter the invoice number" if payment.method == "supplier_invoice" else
                       "Enter the voucher number", field="reference")
    problems.check(len(payment.reference) <= 100, "The reference must be 100 characters or fewer", field="reference")
    if payment.method == "cash":
        problems.check(bool(payment.cash_reason.strip()),
                       "Say why the money goes to the person rather than a supplier", field="cash_reason")
    problems.check(len(payment.cash_reason) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer",
                   field="cash_reason")
    if problems.check(payment.paid_on is not None, "Enter the date it was paid", field="paid_on"):
        problems.check(payment.paid_on <= today, "The date it was paid must be today or in the past",
                       field="paid_on")
        approved_on = request.decided_at.date() if request.decided_at else None
        problems.check(approved_on is None or payment.paid_on >= approved_on,
                       "The date it was paid must be on or after the day it was approved", field="paid_on")
    problems.check(len(payment.receipt_reference) <= 100, "The receipt reference must be 100 characters or fewer",
                   field="receipt_reference")
    problems.raise_any()


def mark_paid(request: FundingRequest, actor, payment: Payment) -> FundingRequest:
    """Record that approved money was paid: to a supplier by default, to the person only with a reason."""
    check_payment(request, payment)
    request = lock_for_update(FundingRequest, request.id)
    transition(request, "mark_paid", actor, amount_pence=request.approved_pence,
               note=PAYMENT_METHODS[payment.method])
    request.payment_method = payment.method
    request.payment_reference = payment.reference.strip()
    request.cash_reason = payment.cash_reason.strip() if payment.method == "cash" else ""
    request.paid_on = payment.paid_on
    request.receipt_reference = payment.receipt_reference.strip()
    record_audit("funding.paid", request, actor=actor, detail=f"{request.approved_pence}p {payment.method}")
    _tell_case_manager(request, f"Paid: {pounds(request.approved_pence)} for {request.participant.full_name}")
    return request


def cancel(request: FundingRequest, actor, note: str) -> FundingRequest:
    """Undo an approval that will not be paid; its money goes back to the budget."""
    if not note.strip():
        raise Refused("Say why the approval is cancelled", field="note")
    request = lock_for_update(FundingRequest, request.id)
    transition(request, "cancel", actor, amount_pence=request.approved_pence, note=note.strip()[:MAX_TEXT])
    if request.budget_id is not None:
        db.session.execute(update(FundingBudget).where(FundingBudget.id == request.budget_id)
                           .values(committed_pence=FundingBudget.committed_pence - request.approved_pence)
                           .execution_options(synchronize_session=False))
    record_audit("funding.cancelled", request, actor=actor)
    return request


# Budgets ---------------------------------------------------------------------------------------------
@dataclass
class BudgetDetails:
    purpose: str = ""
    year: int | None = None
    region: str = ""  # "" for the provider-wide pot
    amount_pence: int | None = None
    request_limit_pence: int | None = None
    person_limit_pence: int | None = None
    second_approval_above_pence: int | None = None
    typing_problems: list = field(default_factory=list)


def check_budget(organisation_id: int, details: BudgetDetails) -> FundingBudget | None:
    problems = Problems()
    problems.check(details.purpose in set(Purpose), "Choose what the budget is for", field="purpose")
    this_year = financial_year(clock.today())
    problems.check(details.year in (this_year, this_year + 1), "Choose this financial year or the next",
                   field="year")
    problems.check(details.region == "" or details.region in REGIONS,
                   "Choose a region of England, or Wales, or all regions", field="region")
    mistyped = {name for name, _ in details.typing_problems}
    for name, message in details.typing_problems:
        problems.add(message, field=name)
    for name, message in (("amount", "Enter the budget in pounds, like 5000.00"),
                          ("request_limit", "Enter the most one request can be for"),
                          ("person_limit", "Enter the most one person can have in the year")):
        if name not in mistyped:
            problems.check(getattr(details, f"{name}_pence") is not None, message, field=name)
    if not problems:
        problems.check(details.amount_pence > 0, "Enter a budget more than £0", field="amount")
        problems.check(details.request_limit_pence <= details.amount_pence,
                       "The limit per request cannot be more than the budget", field="request_limit")
        problems.check(details.person_limit_pence <= details.amount_pence,
                       "The limit per person cannot be more than the budget", field="person_limit")
    existing = None
    if details.purpose in set(Purpose) and details.year is not None and (details.region in REGIONS or
                                                                           not details.region):
        existing = budget_for(organisation_id, details.purpose, details.year, details.region)
        if existing is not None and details.amount_pence is not None:
            problems.check(details.amount_pence >= existing.committed_pence,
                           f"{pounds(existing.committed_pence)} is already approved from this budget: the budget "
                           "cannot be less than that", field="amount")
    problems.raise_any()
    return existing


def set_budget(organisation, actor, details: BudgetDetails) -> FundingBudget:
    """A funding manager (or an admin) sets or changes a provider's budget and limits for a purpose and year."""
    own_manager = actor.role == Role.FUNDING_MANAGER and actor.organisation_id == organisation.id
    if not (actor.role == Role.ADMIN or own_manager):
        raise Refused("Only an admin or a funding manager of the organisation can set its budgets")
    existing = check_budget(organisation.id, details)
    if existing is not None:
        existing = db.session.get(FundingBudget, existing.id, with_for_update=True, populate_existing=True)
        if details.amount_pence < existing.committed_pence:
            raise Refused("More has been approved since: the budget cannot be less than what is approved",
                          field="amount")
    budget = existing or FundingBudget(organisation_id=organisation.id, purpose=details.purpose,
                                       year=details.year, region=details.region, committed_pence=0)
    budget.amount_pence = details.amount_pence
    budget.request_limit_pence = details.request_limit_pence
    budget.person_limit_pence = details.person_limit_pence
    budget.second_approval_above_pence = details.second_approval_above_pence
    budget.updated_at = clock.now()
    budget.updated_by_id = actor.id
    db.session.add(budget)
    db.session.flush()
    record_audit("funding.budget_set", budget, actor=actor,
                 detail=f"{budget.purpose} {budget.year} {budget.region or 'all regions'} {budget.amount_pence}p")
    return budget


# What the decision page warns about -------------------------------------------------------------------
def flags(request: FundingRequest) -> list[str]:
    """Things a funding manager should look at before deciding (they do not stop a decision)."""
    from marketplace.referrals.models import ENDED, Referral
    from marketplace.referrals.models import Status as ReferralStatus

    found = []
    since = request.created_at - timedelta(days=REPEAT_DAYS)
    repeat = db.session.scalar(select(func.count()).select_from(FundingRequest).where(
        FundingRequest.participant_id == request.participant_id, FundingRequest.purpose == request.purpose,
        FundingRequest.id != request.id, FundingRequest.created_at >= since,
        FundingRequest.created_at <= request.created_at + timedelta(days=REPEAT_DAYS),
        FundingRequest.status.not_in([Status.WITHDRAWN, Status.DECLINED])))
    if repeat:
        found.append(f"Another request for this person for {request.purpose_label.lower()} within {REPEAT_DAYS} days.")
    open_work = db.session.scalar(select(func.count()).select_from(Referral).where(
        Referral.participant_id == request.participant_id, Referral.submitted_at.is_not(None),
        (Referral.status.not_in([str(s) for s in ENDED])) | (Referral.status == ReferralStatus.SUSTAINED_26)))
    if not open_work:
        found.append("This person has no open referral or job.")
    if request.paid_on is not None and request.supplier:
        others = db.session.scalar(select(func.count(func.distinct(FundingRequest.participant_id))).where(
            FundingRequest.organisation_id == request.organisation_id, FundingRequest.status == Status.PAID,
            func.lower(FundingRequest.supplier) == request.supplier.lower(), FundingRequest.paid_on == request.paid_on,
            FundingRequest.participant_id != request.participant_id))
        if others:
            found.append(f"{request.supplier} was paid for {others + 1} people on the same day.")
    return found


# Subject access --------------------------------------------------------------------------------------
def subject_access_section(participant) -> tuple[str, list]:
    """The person's funding requests for a subject access export: what was asked for them and why, what
    was decided and paid, each step with who took it, the evidence held, and who opened each request.
    Amounts are in pounds as a person reads them."""
    from marketplace.core.models import AuditEvent
    from marketplace.funding.workflow import EVENT_LABELS

    requests = db.session.scalars(select(FundingRequest).where(FundingRequest.participant_id == participant.id)
                                  .order_by(FundingRequest.created_at, FundingRequest.id)).all()
    section = []
    for request in requests:
        opened = db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "funding_requests", AuditEvent.subject_id == str(request.id))
            .order_by(AuditEvent.at, AuditEvent.id)).all()
        paid = request.status == Status.PAID
        section.append({
            "purpose": request.purpose, "what_it_buys": request.description,
            "amount_asked": pounds(request.amount_pence),
            "amount_approved": pounds(request.approved_pence) if request.approved_pence is not None else None,
            "to_be_paid_to": request.supplier, "provider": request.organisation.name, "status": request.status,
            "job_it_unlocks": request.referral.opportunity.title if request.referral else None,
            "other_sources_checked": list(request.other_sources or []),
            "other_sources_note": request.other_sources_note or None,
            "asked_by": request.requested_by.full_name if request.requested_by else None,
            "asked_at": request.created_at.isoformat(),
            "decided_at": request.decided_at.isoformat() if request.decided_at else None,
            "reason_declined": request.reason_code or None,
            "paid_on": request.paid_on.isoformat() if paid and request.paid_on else None,
            "paid_how": request.payment_method or None, "payment_reference": request.payment_reference or None,
            "why_paid_to_you": request.cash_reason or None,
            "evidence": [{"kind": d.kind, "filename": d.filename, "added_at": d.uploaded_at.isoformat()}
                         for d in request.documents],
            "steps": [{"at": e.at.isoformat(), "step": EVENT_LABELS.get(e.action, e.action), "to": e.to_status,
                       "by": e.actor.full_name if e.actor else None,
                       "amount": pounds(e.amount_pence) if e.amount_pence is not None else None,
                       "reason": e.reason_code or None, "note": e.note or None} for e in request.events],
            "access_log": [{"at": v.at.isoformat(), "who": v.actor_email, "action": v.action} for v in opened],
        })
    return "funding_requests", section


def bonds_subject_access_section(participant) -> tuple[str, list]:
    """The fidelity bonds asked for with the person's job offers: the insurance is about them, so their
    subject access export holds it (who asked, the cover, what was decided, each step and by whom)."""
    from marketplace.funding.models import FidelityBond
    from marketplace.funding.workflow import BOND_EVENT_LABELS
    from marketplace.referrals.models import Referral

    bonds = db.session.scalars(
        select(FidelityBond).join(Referral, Referral.id == FidelityBond.referral_id)
        .where(Referral.participant_id == participant.id).order_by(FidelityBond.asked_at, FidelityBond.id)).all()
    return "fidelity_bonds", [{
        "job": bond.referral.opportunity.title, "employer": bond.referral.employer.name,
        "bond_provider": bond.provider, "cover": pounds(bond.cover_pence), "months_covered": bond.months,
        "status": bond.status, "reason_declined": bond.reason_code or None,
        "asked_by": bond.asked_by.full_name if bond.asked_by else None, "asked_at": bond.asked_at.isoformat(),
        "decided_by": bond.decided_by.full_name if bond.decided_by else None,
        "decided_at": bond.decided_at.isoformat() if bond.decided_at else None,
        "steps": [{"at": e.at.isoformat(), "step": BOND_EVENT_LABELS.get(e.action, e.action),
                   "by": e.actor.full_name if e.actor else None, "reason": e.reason_code or None,
                   "note": e.note or None} for e in bond.events],
    } for bond in bonds]


def _export_words() -> None:
    from marketplace.funding.models import BOND_DECLINE_REASONS, BOND_STATUS_LABELS
    from marketplace.participants.export import EXPORT_WORDS

    statuses = {str(code): words for code, words in STATUS_LABELS.items()}
    EXPORT_WORDS["funding_requests"] = {
        "status": statuses, "to": statuses, "purpose": {str(p): w for p, w in PURPOSE_LABELS.items()},
        "other_sources_checked": OTHER_SOURCES, "reason_declined": DECLINE_REASONS, "reason": DECLINE_REASONS,
        "paid_how": PAYMENT_METHODS, "kind": EVIDENCE_KINDS,
        "action": {"funding.viewed": "Opened the request", "funding.evidence_downloaded": "Downloaded evidence"}}
    EXPORT_WORDS["fidelity_bonds"] = {"status": {str(code): words for code, words in BOND_STATUS_LABELS.items()},
                                      "reason_declined": BOND_DECLINE_REASONS, "reason": BOND_DECLINE_REASONS}


EXPORT_SECTIONS.append(subject_access_section)
EXPORT_SECTIONS.append(bonds_subject_access_section)
_export_words()


# Employer fidelity bonds -----------------------------------------------------------------------------
# An employer who offers a job may ask for a fidelity bond: insurance, arranged by a third-sector body
# or an insurer, against loss through the person's dishonesty, for a period. Recorded with the job.
BOND_FROM = ("offer_made", "offer_accepted", "started", "sustained_13", "sustained_26")
MAX_BOND_MONTHS = 24


@dataclass
class Bond:
    provider: str = ""
    cover_pence: int | None = None
    months: str = ""
    typing_problems: list = field(default_factory=list)


def can_ask_for_bond(referral, user) -> bool:
    from marketplace.funding.models import FidelityBond

    return (referral.side_of(user) == "employer" and referral.status in BOND_FROM
            and db.session.scalar(select(FidelityBond.id).where(FidelityBond.referral_id == referral.id)) is None)


def check_bond(referral, actor, bond: Bond) -> None:
    if not can_ask_for_bond(referral, actor):
        raise Refused("A fidelity bond can be asked for once per job, by the employer, once they have offered it")
    problems = Problems()
    problems.check(bool(bond.provider.strip()), "Enter who will arrange the bond", field="provider")
    problems.check(len(bond.provider) <= 200, "The name must be 200 characters or fewer", field="provider")
    for name, message in bond.typing_problems:
        problems.add(message, field=name)
    if not bond.typing_problems and problems.check(bond.cover_pence is not None,
                                                   "Enter the cover in pounds, like 5000.00", field="cover"):
        problems.check(0 < bond.cover_pence <= MAX_PENCE, "Enter cover more than £0", field="cover")
    months = bond.months.strip()
    problems.check(months.isdigit() and 1 <= int(months) <= MAX_BOND_MONTHS,
                   f"Enter how many months the bond covers, from 1 to {MAX_BOND_MONTHS}", field="months")
    problems.raise_any()


def ask_for_bond(referral, actor, bond: Bond):
    """The employer asks for a fidelity bond for the job they offered; the person's case manager is told."""
    from marketplace.funding.models import FidelityBond

    check_bond(referral, actor, bond)
    recorded = FidelityBond(referral_id=referral.id, employer_organisation_id=referral.employer_organisation_id,
                            provider=bond.provider.strip(), cover_pence=bond.cover_pence, months=int(bond.months),
                            asked_by_id=actor.id, asked_at=clock.now())
    db.session.add(recorded)
    db.session.flush()
    from marketplace.funding.workflow import BONDS

    BONDS.record(recorded, "ask", actor)
    record_audit("funding.bond_asked", referral, actor=actor,
                 detail=f"{recorded.cover_pence}p {recorded.months} months")
    text = (f"{referral.employer.name} asks for a fidelity bond of {pounds(bond.cover_pence)} for "
            f"{recorded.months} months for the job they offered")
    if referral.case_manager is not None:
        notify(referral.case_manager, text, path_for("referrals.show", referral_id=referral.id))
    _tell_bond_deciders(recorded, text)
    return recorded


def _tell_bond_deciders(bond, text: str) -> None:
    from marketplace.accounts.models import User, UserStatus

    managers = db.session.scalars(select(User).where(
        User.organisation_id == bond.referral.participant.organisation_id, User.role == Role.FUNDING_MANAGER,
        User.status == UserStatus.ACTIVE)).all()
    for manager in managers:
        notify(manager, text, path_for("funding.decide_bond", bond_id=bond.id))


def bonds_waiting(organisation_id: int) -> list:
    """The fidelity bonds asked for people of a provider that wait for its funding managers' decision."""
    from marketplace.funding.models import BondStatus, FidelityBond
    from marketplace.participants.models import Participant
    from marketplace.referrals.models import Referral

    return db.session.scalars(select(FidelityBond).join(Referral, FidelityBond.referral_id == Referral.id)
                              .join(Participant, Referral.participant_id == Participant.id)
                              .where(Participant.organisation_id == organisation_id,
                                     FidelityBond.status == BondStatus.ASKED)
                              .order_by(FidelityBond.asked_at, FidelityBond.id)).all()


def check_bond_decision(bond, actor, decision: str, reason_code: str, note: str) -> None:
    """Every problem with a decision on a bond, at once (the workflow's refusal first, alone)."""
    from marketplace.funding.models import BOND_DECLINE_REASONS
    from marketplace.funding.workflow import BONDS

    problems = Problems()
    if problems.check(decision in ("arrange", "decline"), "Choose whether the bond is arranged or declined",
                      field="decision"):
        BONDS.step(bond.status, decision, actor.role)
        BONDS._check_guard(bond, actor)
        BONDS._check_rules(bond, decision, actor)
    if decision == "decline":
        problems.check(reason_code in BOND_DECLINE_REASONS, "Choose the reason for declining", field="reason_code")
        problems.check(reason_code != "other" or bool(note.strip()), "Say why in the note", field="note")
    problems.check(len(note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="note")
    problems.raise_any()


def decide_bond(bond, actor, decision: str, reason_code: str = "", note: str = ""):
    """A funding manager of the person's provider records that the bond is arranged, or declines it with
    a coded reason; who and when are kept, the history and the audit log say so, and the employer and
    the case manager are told."""
    from marketplace.funding.models import BOND_DECLINE_REASONS, FidelityBond
    from marketplace.funding.workflow import BONDS

    check_bond_decision(bond, actor, decision, reason_code, note)
    bond = lock_for_update(FidelityBond, bond.id)
    reason_code = reason_code if decision == "decline" else ""
    BONDS.apply(bond, decision, actor, reason_code=reason_code, note=note.strip())
    bond.reason_code = reason_code
    bond.decided_by_id = actor.id
    bond.decided_at = clock.now()
    record_audit(f"funding.bond_{'arranged' if decision == 'arrange' else 'declined'}", bond.referral, actor=actor,
                 detail=f"bond {bond.id} {reason_code}".strip())
    referral = bond.referral
    text = (f"Fidelity bond for {referral.opportunity.title} arranged" if decision == "arrange" else
            f"Fidelity bond for {referral.opportunity.title} declined: {BOND_DECLINE_REASONS[reason_code].lower()}")
    link = path_for("referrals.show", referral_id=referral.id)
    for person in (bond.asked_by, referral.case_manager):
        if person is not None:
            notify(person, text, link)
    return bond


def withdraw_bond(bond, actor, note: str = ""):
    """The employer withdraws a bond they asked for, while it waits for a decision."""
    from marketplace.funding.models import FidelityBond
    from marketplace.funding.workflow import BONDS

    problems = Problems()
    problems.check(len(note) <= MAX_TEXT, f"Write {MAX_TEXT:,} characters or fewer", field="note")
    problems.raise_any()
    bond = lock_for_update(FidelityBond, bond.id)
    BONDS.apply(bond, "withdraw", actor, note=note.strip())
    record_audit("funding.bond_withdrawn", bond.referral, actor=actor, detail=f"bond {bond.id}")
    _tell_bond_deciders(bond, f"{bond.referral.employer.name} withdrew their request for a fidelity bond")
    return bond
