from __future__ import annotations

import csv
import io
import math

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.filters import plural
from marketplace.core.forms import record_id
from marketplace.core.operations import record_audit
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import render_form, submit
from marketplace.extensions import db
from marketplace.funding import operations, report
from marketplace.funding.forms import (
    AskForm,
    BondDecisionForm,
    BondForm,
    BondWithdrawForm,
    BudgetForm,
    BudgetImportForm,
    DecisionForm,
    EditForm,
    EvidenceForm,
    ListFilterForm,
    NoteForm,
    PaymentForm,
)
from marketplace.funding.models import (
    DECLINE_REASONS,
    EVIDENCE_KINDS,
    OTHER_SOURCES,
    PAYMENT_METHODS,
    FundingBudget,
    FundingRequest,
    Purpose,
    Status,
    financial_year,
    year_label,
)
from marketplace.funding.money import as_typed, pounds
from marketplace.funding.prompt import funding_prompt
from marketplace.funding.workflow import ACTION_LABELS, EVENT_LABELS, allowed_actions, event_label, why_not

bp = Blueprint("funding", __name__, url_prefix="/funding")

PAGE_SIZE = 50
MAX_IMPORT_BYTES = 1024 * 1024
PROVIDER_PEOPLE = (Role.CASE_MANAGER, Role.FUNDING_MANAGER)
LIST_VIEWS = {
    "waiting": [Status.SUBMITTED, Status.SECOND_APPROVAL],
    "to_pay": [Status.APPROVED],
    "information": [Status.MORE_INFORMATION],
}


bp.add_app_template_global(funding_prompt, "funding_prompt")
bp.add_app_template_global(operations.can_ask_for_bond, "can_ask_for_bond")
bp.add_app_template_global(event_label, "event_label")


@bp.app_template_global("fidelity_bond")
def fidelity_bond(referral):
    from marketplace.funding.models import FidelityBond

    return db.session.scalar(select(FidelityBond).where(FidelityBond.referral_id == referral.id))


@bp.app_template_global("bond_labels")
def bond_labels():
    from marketplace.funding.models import BOND_DECLINE_REASONS
    from marketplace.funding.workflow import BOND_EVENT_LABELS

    return {"events": BOND_EVENT_LABELS, "reasons": BOND_DECLINE_REASONS}


def hours_taken(hours: float) -> str:
    """A time to decision in words: 'less than an hour', '1 hour', '26 hours'."""
    return "less than an hour" if hours < 1 else plural(round(hours), "hour")


def hours_within(hours: float) -> str:
    """An upper bound in words, rounded up so it stays true: 'an hour', '3 hours'."""
    return "an hour" if math.ceil(hours) <= 1 else f"{math.ceil(hours)} hours"


bp.add_app_template_global(hours_taken, "hours_taken")
bp.add_app_template_global(hours_within, "hours_within")


@bp.app_template_filter("pounds")
def pounds_filter(pence):
    return pounds(pence)


def _actor():
    return current_user._get_current_object()


def _typing_problems(form, names) -> list[tuple[str, str]]:
    return [(name, problem) for name in names if (problem := getattr(form, name).problem)]


def _hold_evidence(form, purpose: str):
    """The evidence file of a posted form, held server-side so a form that comes back keeps it (the
    token goes back in the form), and the problems reading it."""
    if not form.is_submitted():
        return None, []
    held, problems = operations.EVIDENCE.hold_files(current_user.id, purpose, {
        "evidence": (form.evidence.data, form.evidence_held.data)})
    kept = held.get("evidence")
    form.evidence_held.data = kept.token if kept else ""
    return kept, problems.items


@bp.get("/")
@role_required(*PROVIDER_PEOPLE)
def index():
    form = ListFilterForm(request.args)
    if not form.validate():
        form = ListFilterForm()
    default = "waiting" if current_user.role == Role.FUNDING_MANAGER else "all"
    view = form.view.data or default
    query = select(FundingRequest).where(FundingRequest.organisation_id == current_user.organisation_id)
    if view in LIST_VIEWS:
        query = query.where(FundingRequest.status.in_([str(s) for s in LIST_VIEWS[view]]))
    page = db.paginate(query.order_by(FundingRequest.created_at.desc(), FundingRequest.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    bonds = operations.bonds_waiting(current_user.organisation_id) if current_user.role == Role.FUNDING_MANAGER else []
    return render_template("funding/index.html", filters=form, page=page, view=view, bonds=bonds)


def _offer_referrals(form, participant) -> list:
    """The person's referrals the request can be tied to, offered in the form's list."""
    referrals = operations.linkable_referrals(participant)
    # A placeholder first: "None" is an answer to choose, not a default to miss.
    form.referral.choices = [("", "Choose the job, interview or course")] + [
        (referral.id, f"{referral.opportunity.title} at {referral.opportunity.organisation.name} "
                      f"({referral.label.lower()})") for referral in referrals] + [(0, "None: self-employment")]
    return referrals


def _ask_of(form, **more) -> operations.Ask:
    """What the request form says, as the operations read it."""
    more.setdefault("typing_problems", _typing_problems(form, ["amount"]))
    return operations.Ask(
        purpose=form.purpose.data or "", description=form.description.data or "",
        amount_pence=form.amount.pence, supplier=form.supplier.data or "",
        referral_id=form.referral.data if isinstance(form.referral.data, int) else None,
        other_sources=form.other_sources.data or [], other_sources_note=form.other_sources_note.data or "", **more)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def new():
    from marketplace.participants.models import Participant

    participant = get_visible_or_404(Participant, request.args.get("participant", type=record_id) or 0)
    form = AskForm()
    referrals = _offer_referrals(form, participant)
    if not form.is_submitted() and referrals:
        form.referral.data = referrals[0].id
    evidence, file_problems = _hold_evidence(form, f"funding:{participant.id}")

    def ask():
        return _ask_of(form, evidence=evidence, evidence_kind=form.evidence_kind.data or "",
                       typing_problems=_typing_problems(form, ["amount"]) + file_problems)

    made = submit(form, lambda: operations.ask_for_funding(participant, _actor(), ask()),
                  check=lambda: operations.check_ask(participant, _actor(), ask()))
    if made:
        flash(f"Request sent: {pounds(made.amount_pence)} for {participant.full_name}.", "success")
        return redirect(url_for("funding.show", funding_id=made.id))
    year = financial_year(clock.today())
    # The pots this person's requests would draw on: their region's where there is one, else all regions'.
    budgets = [pot for purpose in Purpose if (pot := operations.pot_for(
        participant.organisation_id, purpose, year, participant.release_region or "")) is not None]
    return render_form("funding/new.html", form, participant=participant, budgets=budgets, year=year_label(year),
                       held=evidence)


@bp.get("/<int:funding_id>")
@role_required(*PROVIDER_PEOPLE, Role.ADMIN)
@writes_to_database
def show(funding_id: int):
    funding = get_visible_or_404(FundingRequest, funding_id)
    record_audit("funding.viewed", funding, actor=_actor())
    db.session.commit()
    return render_template(
        "funding/show.html", funding=funding, side=funding.side_of(current_user),
        actions=allowed_actions(funding, current_user), action_labels=ACTION_LABELS, event_labels=EVENT_LABELS,
        flags=operations.flags(funding), other_sources=OTHER_SOURCES, decline_reasons=DECLINE_REASONS,
        payment_methods=PAYMENT_METHODS, can_add_evidence=bool(operations.evidence_kinds_for(funding, current_user)),
        can_edit=operations.can_edit(funding, current_user))


UNCHANGEABLE_BECAUSE = {
    Status.SECOND_APPROVAL: "it has a first approval", Status.APPROVED: "it has been approved",
    Status.PAID: "it has been paid", Status.DECLINED: "it has been declined", Status.WITHDRAWN: "it has been withdrawn",
    Status.CANCELLED: "its approval was cancelled"}


def _why_unchangeable(funding) -> str:
    return UNCHANGEABLE_BECAUSE.get(funding.status, "it is no longer waiting for a decision")


@bp.route("/<int:funding_id>/edit", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def edit(funding_id: int):
    """Change a request before it is decided; whoever changes it cannot approve it (four eyes)."""
    funding = get_visible_or_404(FundingRequest, funding_id)
    if not operations.can_edit(funding, current_user):
        flash(f"This request can no longer be changed: {_why_unchangeable(funding)}.", "error")
        return redirect(url_for("funding.show", funding_id=funding.id))
    form = EditForm()
    _offer_referrals(form, funding.participant)
    if not form.is_submitted():
        form.purpose.data = funding.purpose
        form.description.data = funding.description
        form.amount.data = as_typed(funding.amount_pence)
        form.supplier.data = funding.supplier
        form.referral.data = funding.referral_id or 0
        form.other_sources.data = list(funding.other_sources or [])
        form.other_sources_note.data = funding.other_sources_note

    done = submit(form, lambda: operations.edit_request(funding, _actor(), _ask_of(form)),
                  check=lambda: operations.check_edit(funding, _actor(), _ask_of(form)))
    if done:
        flash("Request changed. The funding managers have been told.", "success")
        return redirect(url_for("funding.show", funding_id=funding.id))
    return render_form("funding/edit.html", form, funding=funding)


@bp.route("/<int:funding_id>/evidence/new", methods=["GET", "POST"])
@role_required(*PROVIDER_PEOPLE)
def add_evidence(funding_id: int):
    funding = get_visible_or_404(FundingRequest, funding_id)
    kinds = operations.evidence_kinds_for(funding, current_user)
    if not kinds:
        flash("You cannot add evidence to this request now: the case manager adds it while the request waits "
              "for a decision, a funding manager adds the invoice or receipt once it is approved.", "error")
        return redirect(url_for("funding.show", funding_id=funding.id))
    form = EvidenceForm()
    form.kind.choices = [(kind, EVIDENCE_KINDS[kind]) for kind in kinds]
    evidence, file_problems = _hold_evidence(form, f"funding-evidence:{funding.id}")

    def check():
        from marketplace.core.exceptions import Problems

        problems = Problems()
        for name, message in file_problems:
            problems.add(message, field=name)
        operations.check_evidence(funding, _actor(), form.kind.data or "", evidence, problems)

    def add():
        check()
        return operations.add_evidence(funding, _actor(), form.kind.data or "", evidence)

    done = submit(form, add, check=check)
    if done:
        flash(f"Evidence added: {done.filename}.", "success")
        return redirect(url_for("funding.show", funding_id=funding.id, _anchor="evidence"))
    return render_form("funding/add_evidence.html", form, funding=funding, held=evidence)


@bp.get("/<int:funding_id>/evidence/<int:evidence_id>")
@role_required(*PROVIDER_PEOPLE, Role.ADMIN)
@writes_to_database
def evidence(funding_id: int, evidence_id: int):
    funding = get_visible_or_404(FundingRequest, funding_id)
    document, path = operations.evidence_file(funding, evidence_id, _actor())
    if document is None:
        abort(404)
    db.session.commit()
    response = send_file(path, mimetype=document.content_type, as_attachment=True, download_name=document.filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:funding_id>/decide", methods=["GET", "POST"])
@role_required(Role.FUNDING_MANAGER)
def decide(funding_id: int):
    funding = get_visible_or_404(FundingRequest, funding_id)
    actions = allowed_actions(funding, current_user)
    if not {"approve", "decline", "recommend"} & set(actions):
        flash("You cannot decide this request: " + _why_not(funding), "error")
        return redirect(url_for("funding.show", funding_id=funding.id))
    form = DecisionForm()

    def check():
        operations.check_decision(funding, form.decision.data or "", amount_pence=form.amount.pence,
                                  reason_code=form.reason_code.data or "", note=form.note.data or "")

    done = submit(form, lambda: operations.decide(
        funding.id, _actor(), form.decision.data or "", amount_pence=form.amount.pence,
        reason_code=form.reason_code.data or "", note=form.note.data or "", seen=form.seen.data or ""), check=check)
    if done:
        flash(f"Decision recorded: {done.label.lower()}.", "success")
        return redirect(url_for("funding.show", funding_id=funding.id))
    # The page now shows the request as it is (a refusal rolled back and reloaded it); a decision made
    # on what it shows now is the one that counts, and a change since the page was opened is said.
    shown = operations.version_of(funding)
    changed = operations.changed_since_shown(funding)
    if form.is_submitted() and form.seen.data != shown and changed not in form.form_errors:
        form.form_errors.append(changed)
    form.seen.data = shown
    budget = operations.pot_of_request(funding)
    return render_form("funding/decide.html", form, funding=funding, budget=budget, flags=operations.flags(funding),
                       evidence_kinds=EVIDENCE_KINDS)


def _why_not(funding) -> str:
    return why_not(funding, "approve", _actor()) or "it is not waiting for a decision."


@bp.route("/<int:funding_id>/pay", methods=["GET", "POST"])
@role_required(Role.FUNDING_MANAGER)
def pay(funding_id: int):
    funding = get_visible_or_404(FundingRequest, funding_id)
    if "mark_paid" not in allowed_actions(funding, current_user):
        flash("Only an approved request can be paid.", "error")
        return redirect(url_for("funding.show", funding_id=funding.id))
    form = PaymentForm()
    if not form.is_submitted():
        form.method.data = "supplier_invoice"
        form.paid_on.data = clock.today()

    def payment():
        return operations.Payment(method=form.method.data or "", reference=form.reference.data or "",
                                  paid_on=form.paid_on.data, cash_reason=form.cash_reason.data or "",
                                  receipt_reference=form.receipt_reference.data or "")

    done = submit(form, lambda: operations.mark_paid(funding, _actor(), payment()),
                  check=lambda: operations.check_payment(funding, payment()))
    if done:
        flash(f"Payment of {pounds(funding.approved_pence)} recorded.", "success")
        return redirect(url_for("funding.show", funding_id=funding.id))
    return render_form("funding/pay.html", form, funding=funding)


@bp.route("/<int:funding_id>/steps/<funding_step>", methods=["GET", "POST"])
@role_required(*PROVIDER_PEOPLE)
def step(funding_id: int, funding_step: str):
    """The steps that need only a note: withdraw, send information asked for, cancel an approval."""
    action = funding_step
    funding = get_visible_or_404(FundingRequest, funding_id)
    steps = {"withdraw": operations.withdraw, "resubmit": operations.resubmit, "cancel": operations.cancel}
    if action not in steps:
        abort(404)
    if action not in allowed_actions(funding, current_user):
        flash(f"You cannot {ACTION_LABELS[action].lower()} now.", "error")
        return redirect(url_for("funding.show", funding_id=funding.id))
    form = NoteForm()
    done = submit(form, lambda: steps[action](funding, _actor(), form.note.data or ""))
    if done:
        flash(f"{ACTION_LABELS[action]}: done.", "success")
        return redirect(url_for("funding.show", funding_id=funding.id))
    return render_form("funding/step.html", form, funding=funding, action=action, action_label=ACTION_LABELS[action])


@bp.get("/budgets")
@role_required(Role.FUNDING_MANAGER, Role.ADMIN)
def budgets():
    """A funding manager's own provider's budgets; for an admin, every provider's, by region."""
    from marketplace.accounts.models import Organisation

    year = financial_year(clock.today())
    query = select(FundingBudget).where(FundingBudget.year >= year - 1)
    if current_user.role == Role.ADMIN:
        query = query.join(Organisation, FundingBudget.organisation_id == Organisation.id).order_by(
            Organisation.region, Organisation.name, FundingBudget.year.desc(), FundingBudget.purpose,
            FundingBudget.region)
    else:
        query = query.where(FundingBudget.organisation_id == current_user.organisation_id).order_by(
            FundingBudget.year.desc(), FundingBudget.purpose, FundingBudget.region)
    return render_template("funding/budgets.html", budgets=db.session.scalars(query).all(), year_label=year_label,
                           every_provider=current_user.role == Role.ADMIN)


@bp.route("/budgets/import", methods=["GET", "POST"])
@role_required(Role.FUNDING_MANAGER, Role.ADMIN)
def import_budgets():
    """Budgets from a CSV or JSON Lines file: all of it, or (with every bad line listed) none of it."""
    from marketplace.funding.importer import import_budget_file as run

    form = BudgetImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(MAX_IMPORT_BYTES + 1) if upload else b""
        if not data:
            form.file.errors = ["Choose a CSV or JSON Lines file of budgets"]
        elif len(data) > MAX_IMPORT_BYTES:
            form.file.errors = ["The file must be smaller than 1 MB"]
        else:
            report = run(data, upload.filename or "", _actor())
            if not report.errors:
                flash(f"Budgets imported: {report.created} new, {report.updated} changed.", "success")
                return redirect(url_for("funding.budgets"))
            form.form_errors.extend(report.errors)
            form.file.errors = [f"Nothing was imported: {report.rejected} line(s) need correcting"]
    return render_form("funding/import_budgets.html", form)


@bp.route("/budgets/set", methods=["GET", "POST"])
@role_required(Role.FUNDING_MANAGER)
def set_budget():
    this_year = financial_year(clock.today())
    form = BudgetForm()
    form.year.choices = [(this_year, year_label(this_year)), (this_year + 1, year_label(this_year + 1))]
    if not form.is_submitted():
        purpose = request.args.get("purpose", "")
        form.year.data = request.args.get("year", this_year, type=int)
        region = request.args.get("region", "")
        existing = operations.budget_for(current_user.organisation_id, purpose, form.year.data,
                                         region) if purpose else None
        if existing is not None:
            form.purpose.data = existing.purpose
            form.region.data = existing.region
            form.amount.data = as_typed(existing.amount_pence)
            form.request_limit.data = as_typed(existing.request_limit_pence)
            form.person_limit.data = as_typed(existing.person_limit_pence)
            form.second_approval_above.data = as_typed(existing.second_approval_above_pence)

    def details():
        return operations.BudgetDetails(
            purpose=form.purpose.data or "", year=form.year.data if isinstance(form.year.data, int) else None,
            region=form.region.data or "", amount_pence=form.amount.pence, request_limit_pence=form.request_limit.pence,
            person_limit_pence=form.person_limit.pence,
            second_approval_above_pence=form.second_approval_above.pence,
            typing_problems=_typing_problems(form, ["amount", "request_limit", "person_limit",
                                                    "second_approval_above"]))

    done = submit(form, lambda: operations.set_budget(current_user.organisation, _actor(), details()),
                  check=lambda: operations.check_budget(current_user.organisation_id, details()))
    if done:
        flash(f"Budget saved: {done.purpose_label}, {done.region_label.lower() if not done.region else done.region}, "
              f"{pounds(done.amount_pence)}.", "success")
        return redirect(url_for("funding.budgets"))
    return render_form("funding/set_budget.html", form)


def _report_year() -> int:
    year = request.args.get("year", financial_year(clock.today()), type=int)
    if year is None or not 2000 <= year <= 2100:
        abort(404)
    return year


def _report_scope() -> int | None:
    """Admins see every provider; a funding manager their own."""
    return None if current_user.role == Role.ADMIN else current_user.organisation_id


@bp.get("/report")
@role_required(Role.FUNDING_MANAGER, Role.ADMIN)
def spending():
    year = _report_year()
    return render_template("funding/report.html", figures=report.figures(_report_scope(), year), year=year,
                           year_label=year_label)


@bp.get("/report.csv")
@role_required(Role.FUNDING_MANAGER, Role.ADMIN)
def spending_csv():
    year = _report_year()
    figures = report.figures(_report_scope(), year)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Section", "Item", "Budget (£)", "Approved or paid (£)", "Paid (£)", "Payments or people",
                     "Cost per outcome (£)"])
    for row in figures.purposes:
        writer.writerow(["Spend by purpose", row.label, as_typed(row.budget_pence), as_typed(row.committed_pence),
                         as_typed(row.paid_pence), row.paid_requests, ""])
    for row in figures.regions:
        writer.writerow(["Spend by region", row.label, as_typed(row.budget_pence), as_typed(row.committed_pence),
                         as_typed(row.paid_pence), row.paid_requests, ""])
    for outcome in figures.outcomes:
        writer.writerow(["Outcomes (paid work)", outcome.label, "", "", "", outcome.people_text,
                         as_typed(outcome.cost_pence)])
    for row in figures.organisations:
        # Provider names are typed by people: one starting like a formula is quoted for spreadsheets.
        name = "'" + row["name"] if row["name"][:1] in ("=", "+", "-", "@") else row["name"]
        writer.writerow(["By provider", f"{name} ({row['region']})", as_typed(row["budget_pence"]), "",
                         as_typed(row["paid_pence"]), "", ""])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="funding-{year}.csv"'})


@bp.route("/bonds/new/<int:referral_id>", methods=["GET", "POST"])
@role_required(Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def ask_bond(referral_id: int):
    """An employer asks for a fidelity bond for the job they offered."""
    from marketplace.referrals.models import Referral

    referral = get_visible_or_404(Referral, referral_id)
    if not operations.can_ask_for_bond(referral, current_user):
        flash("A fidelity bond can be asked for once per job, once you have offered it.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = BondForm()

    def bond():
        return operations.Bond(provider=form.provider.data or "", cover_pence=form.cover.pence,
                               months=form.months.data or "", typing_problems=_typing_problems(form, ["cover"]))

    done = submit(form, lambda: operations.ask_for_bond(referral, _actor(), bond()),
                  check=lambda: operations.check_bond(referral, _actor(), bond()))
    if done:
        flash(f"Fidelity bond asked for: {pounds(done.cover_pence)} for {done.months} months. Their case manager "
              "has been told.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_form("funding/ask_bond.html", form, referral=referral)


@bp.route("/bonds/<int:bond_id>/decide", methods=["GET", "POST"])
@role_required(Role.FUNDING_MANAGER)
@writes_to_database
def decide_bond(bond_id: int):
    """A funding manager of the person's provider records that a fidelity bond is arranged, or declines it."""
    from marketplace.funding.models import BOND_DECLINE_REASONS, FidelityBond
    from marketplace.funding.workflow import BOND_EVENT_LABELS, BONDS

    bond = get_visible_or_404(FidelityBond, bond_id)
    if not set(BONDS.available(bond, current_user)) & {"arrange", "decline"}:
        flash(f"This fidelity bond is {bond.label.lower()}: there is nothing to decide.", "error")
        return redirect(url_for("funding.index"))
    form = BondDecisionForm()
    if not form.is_submitted():
        record_audit("funding.bond_viewed", bond.referral, actor=_actor(), detail=f"bond {bond.id}")
        db.session.commit()

    def decide(check_only=False):
        run = operations.check_bond_decision if check_only else operations.decide_bond
        return run(bond, _actor(), form.decision.data or "", form.reason_code.data or "", form.note.data or "")

    done = submit(form, decide, check=lambda: decide(check_only=True))
    if done:
        flash(f"Fidelity bond {done.label.lower()}. The employer and the case manager have been told.", "success")
        return redirect(url_for("funding.index"))
    return render_form("funding/decide_bond.html", form, bond=bond, reasons=BOND_DECLINE_REASONS,
                       event_labels=BOND_EVENT_LABELS)


@bp.route("/bonds/<int:bond_id>/withdraw", methods=["GET", "POST"])
@role_required(Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def withdraw_bond(bond_id: int):
    """The employer withdraws a fidelity bond they asked for, while it waits for a decision."""
    from marketplace.funding.models import FidelityBond
    from marketplace.funding.workflow import BONDS

    bond = get_visible_or_404(FidelityBond, bond_id)
    if "withdraw" not in BONDS.available(bond, current_user):
        flash(f"This fidelity bond is {bond.label.lower()}: it can no longer be withdrawn.", "error")
        return redirect(url_for("referrals.show", referral_id=bond.referral_id))
    form = BondWithdrawForm()
    done = submit(form, lambda: operations.withdraw_bond(bond, _actor(), form.note.data or ""))
    if done:
        flash("Request for a fidelity bond withdrawn.", "success")
        return redirect(url_for("referrals.show", referral_id=bond.referral_id))
    return render_form("funding/withdraw_bond.html", form, bond=bond)
