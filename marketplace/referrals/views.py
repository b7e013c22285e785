from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.exceptions import Refused
from marketplace.core.filters import govuk_date, plural
from marketplace.core.forms import record_id
from marketplace.core.operations import record_audit
from marketplace.core.roles import EMPLOYING_ROLES, Role, get_visible_or_404, role_required
from marketplace.core.submissions import attach_refusal, render_form, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.referrals import operations, uploads
from marketplace.referrals.forms import (
    INBOX_VIEWS,
    REASONS_BY_ACTION,
    CorrectionForm,
    InboxFilterForm,
    MessageForm,
    ReferralForm,
    ReferralListFilterForm,
    StepForm,
)
from marketplace.referrals.models import (
    BEFORE_INTERVIEW,
    ENDED,
    SNAPSHOT_PARTS,
    STATUS_LABELS,
    Referral,
    ReferralDocument,
    Status,
)
from marketplace.referrals.workflow import (
    ACTION_LABELS,
    CORRECTION_WINDOW,
    REFERRALS,
    action_labels_for,
    allowed_actions,
    correctable_step,
)

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

PAGE_SIZE = 50
PARTIES = (Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE, Role.ADMIN)
# Steps that need more than a click: they get a page of their own with the fields they use.
STEP_FIELDS = {
    "offer_interview": ["interview_date", "interview_time", "interview_place", "interview_bring", "note"],
    "decline": ["reason_code", "note"],
    "withdraw": ["reason_code", "note"],
    "left_job": ["reason_code", "note"],
    "start": ["start_date", "note"],
    "agree_start": ["start_date", "note"],
    "make_offer": ["offer_start_date", "offer_hours", "offer_pay", "offer_pay_period", "note"],
    "reject": ["note"],
    "complete": ["completed_on", "note"],
    "gain_qualification": ["qualification_title", "qualification_level", "qualification_on", "note"],
    "move_into_work": ["work", "moved_on", "note"],
    "no_show": ["note"],  # ends the referral: a page of its own, so one stray click cannot record it
}
# Steps after which the referral is over: their page says so before the button.
FINAL_STEPS = ("decline", "withdraw", "reject", "left_job", "no_show")

# What a person is told once a step is taken: what happened, and who has been told.
DONE_MESSAGES = {
    "submit": "Referral sent. The employer has been told.",
    "acknowledge": "Referral acknowledged. Their case manager has been told.",
    "offer_interview": "Interview offered. Their case manager has been told and will confirm it.",
    "decline": "Referral declined. Their case manager has been told why.",
    "book_interview": "Interview confirmed. The employer has been told.",
    "record_interview": "Interview recorded as having taken place. Their case manager has been told.",
    "no_show": "Recorded that they did not attend. Their case manager has been told.",
    "make_offer": "Job offer made. Their case manager has been told.",
    "reject": "Recorded as not successful. Their case manager has been told.",
    "accept_offer": "Offer accepted: a place is now theirs. The employer has been told.",
    "decline_offer": "Recorded that they declined the offer. The employer has been told.",
    "start": "Job start recorded. The employer has been told.",
    "sustain_13": "Recorded that they are still in work at 13 weeks.",
    "sustain_26": "Recorded that they are still in work at 26 weeks.",
    "left_job": "Recorded that they left the job.",
    "withdraw": "Referral withdrawn. The employer has been told.",
    "complete": "Recorded that they completed it.",
    "gain_qualification": "Qualification recorded.",
    "move_into_work": "Recorded that they moved into work.",
}


def _actor():
    return current_user._get_current_object()


def _check_due(today):
    """A 13- or 26-week in-work check is due: only ever for paid work (Opportunity.is_paid_work)."""
    return and_(Referral.opportunity_id.in_(select(Opportunity.id).where(Opportunity.is_paid_work)), or_(
        and_(Referral.status == Status.STARTED, Referral.start_date <= today - timedelta(weeks=13)),
        and_(Referral.status == Status.SUSTAINED_13, Referral.start_date <= today - timedelta(weeks=26))))


def _strings(statuses) -> list[str]:
    return [str(s) for s in statuses]


# The answers a "Change" button on the check page may go back to: the form field each one focuses.
CHANGE_TARGETS = {"name": "name", "parts": "parts", "profile": "profile", "disclosure": "disclosure",
                  "share_convictions": "share_convictions", "attach_letter": "attach_letter",
                  "requirements": "requirements", "cv": "cv", "disclosure_letter": "disclosure_letter",
                  "consent": "consent", "campus_cv": "campus_cv"}


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def new():
    """Refer a person: the form, then "Check your answers" (exactly what the employer will see, with
    a way back to change each answer), and only then "Send referral"."""
    from marketplace.disclosure.operations import sharing_advice
    from marketplace.participants.models import Participant

    participant = get_visible_or_404(Participant, request.args.get("participant", type=record_id) or 0)
    opportunity = db.session.get(Opportunity, request.args.get("opportunity", type=record_id) or 0)
    if opportunity is None or opportunity.status == "draft":
        abort(404)
    form = ReferralForm()
    requirements = list(opportunity.minimum_requirements or []) if opportunity.kind == "guaranteed_interview" else []
    form.requirements.choices = [(text, text) for text in requirements]
    if not form.is_submitted():
        form.name.data = participant.full_name
        form.parts.data = ["skills", "qualifications", "readiness"]
    problem = None
    try:
        operations.check_can_refer(participant, opportunity, _actor())
    except Refused as refusal:
        problem = refusal.message
    sharing = operations.Sharing(
        name=form.name.data or "", parts=form.parts.data or [], profile=form.profile.data or "",
        disclosure=form.disclosure.data or "", convictions=bool(form.share_convictions.data),
        letter=bool(form.attach_letter.data), beyond_law_confirmed=bool(form.beyond_law.data))
    advice = sharing_advice(participant, opportunity)
    has_campus_cv = operations.has_campus_cv(participant)
    form.campus_cv.label.text = f"Attach {participant.first_name}'s CV from the Virtual Campus"
    form.campus_cv_consent.label.text = (f"{participant.first_name} agreed to share their CV with "
                                         f"{opportunity.organisation.name}")

    def show_form(status: int):
        return render_template("referrals/new.html", form=form, participant=participant, opportunity=opportunity,
                               problem=problem, existing=operations.existing_referral(participant, opportunity),
                               requirements=requirements, advice=advice, held=held,
                               has_campus_cv=has_campus_cv), status

    held: dict = {}
    if not form.is_submitted():
        return show_form(200)
    # The Virtual Campus CV is made into a PDF once, when first ticked, and then held like an upload: the
    # check page and "Send referral" carry that same file.
    attach_campus_cv = bool(form.campus_cv.data)
    campus_cv_new = operations.campus_cv_file(participant) if attach_campus_cv and not form.campus_cv_held.data \
        else None
    held, file_problems = operations.hold_documents(_actor(), participant, opportunity, {
        "cv": (form.cv.data, form.cv_held.data), "disclosure_letter": (form.disclosure_letter.data,
                                                                       form.disclosure_letter_held.data),
        "campus_cv": (campus_cv_new, form.campus_cv_held.data)},
        removed=tuple(name for name in ("cv", "disclosure_letter") if form[f"{name}_remove"].data) +
        (() if attach_campus_cv else ("campus_cv",)))  # unticked: its PDF is let go at once
    form.cv_held.data = held["cv"].token if "cv" in held else ""
    form.disclosure_letter_held.data = held["disclosure_letter"].token if "disclosure_letter" in held else ""
    form.campus_cv_held.data = held["campus_cv"].token if "campus_cv" in held else ""
    campus_cv = operations.CampusCVChoice(attach=attach_campus_cv, consent=bool(form.campus_cv_consent.data),
                                          uploaded_cv="cv" in held)
    if form.change.data:  # back from the check page: the answers as they were, no errors yet
        return show_form(200)
    valid = form.validate_on_submit()
    try:
        operations.check_referral(participant, opportunity, _actor(), sharing,
                                  consent_confirmed=bool(form.consent.data),
                                  requirements_confirmed=form.requirements.data or [], problems=file_problems,
                                  campus_cv=campus_cv)
    except Refused as refusal:
        attach_refusal(form, refusal)
        valid = False
    if not valid:
        return show_form(400)
    preview = operations.preview_referral(participant, opportunity, sharing, held)
    if form.save_draft.data or (form.send.data and form.checked.data == preview.fingerprint):
        try:
            referral = operations.create_referral(
                participant, opportunity, _actor(), sharing, consent_confirmed=bool(form.consent.data),
                requirements_confirmed=form.requirements.data or [], cv=held.get("cv"),
                disclosure_letter=held.get("disclosure_letter"), submit=not form.save_draft.data,
                campus_cv=held.get("campus_cv") if attach_campus_cv else None,
                campus_cv_consent=bool(form.campus_cv_consent.data))
        except Refused as refusal:
            db.session.rollback()
            attach_refusal(form, refusal)
            return show_form(400)
        db.session.commit()
        flash("Referral saved as a draft." if referral.status == Status.DRAFT else
              f"Referral sent to {opportunity.organisation.name}. They have been told.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form.checked.data = preview.fingerprint
    return render_template("referrals/check.html", form=form, participant=participant, opportunity=opportunity,
                           preview=preview, parts=SNAPSHOT_PARTS, changed=bool(form.send.data),
                           targets=CHANGE_TARGETS), 200


@bp.get("/")
@role_required(Role.CASE_MANAGER)
def caseload():
    """A case manager's referrals: still going, checks due, ended."""
    form = ReferralListFilterForm(request.args)
    if not form.validate():
        form = ReferralListFilterForm()
    query = select(Referral).where(Referral.provider_organisation_id == current_user.organisation_id)
    if (form.scope.data or "mine") == "mine":
        query = query.where(Referral.case_manager_id == current_user.id)
    view = form.view.data or "open"
    today = clock.today()
    if view == "open":
        query = query.where(Referral.status.not_in(_strings(ENDED)))
    elif view == "ended":
        query = query.where(Referral.status.in_(_strings(ENDED)))
    elif view == "checks":
        query = query.where(_check_due(today))
    page = db.paginate(query.order_by(Referral.status_changed_at.desc()),
                       page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("referrals/caseload.html", filters=form, page=page, today=today)


def inbox_query(organisation_id: int, view: str):
    today = clock.today()
    query = select(Referral).where(Referral.employer_organisation_id == organisation_id,
                                   Referral.status != Status.DRAFT, Referral.submitted_at.is_not(None))
    if view == "new":
        query = query.where(Referral.status == Status.SUBMITTED)
    elif view == "waiting":
        employer_states = {state for (state, _a), step in REFERRALS.table.items() if step.roles & EMPLOYING_ROLES}
        employer_states.discard(str(Status.INTERVIEW_OFFERED))  # waiting for the case manager to confirm
        query = query.where(Referral.status.in_(employer_states))
    elif view == "upcoming":
        query = query.where(Referral.status.in_([Status.INTERVIEW_OFFERED, Status.INTERVIEW_BOOKED]),
                            Referral.interview_at >= clock.now())
    elif view == "overdue":
        query = query.where(Referral.guaranteed.is_(True), Referral.status.in_(_strings(BEFORE_INTERVIEW)),
                            Referral.guarantee_due_on < today)
    elif view == "open":
        query = query.where(Referral.status.not_in(_strings(ENDED)))
    return query


@bp.get("/inbox")
@role_required(Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def inbox():
    form = InboxFilterForm(request.args)
    if not form.validate():
        form = InboxFilterForm()
    view = form.view.data or "waiting"
    organisation_id = current_user.organisation_id
    counts = {name: db.session.scalar(select(func.count()).select_from(inbox_query(organisation_id, name).subquery()))
              for name in INBOX_VIEWS}
    order = Referral.interview_at.asc() if view == "upcoming" else Referral.status_changed_at.desc()
    page = db.paginate(inbox_query(organisation_id, view).order_by(order),
                       page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("referrals/inbox.html", filters=form, page=page, counts=counts, view=view,
                           views=INBOX_VIEWS, today=clock.today())


@bp.get("/<int:referral_id>")
@role_required(*PARTIES)
@writes_to_database
def show(referral_id: int):
    referral = get_visible_or_404(Referral, referral_id)
    record_audit("referral.viewed", referral, actor=_actor())
    db.session.commit()
    side = referral.side_of(current_user)
    return render_template(
        "referrals/show.html", referral=referral, side=side, actions=[
            action for action in allowed_actions(referral, current_user)
            if not (action == "agree_start" and referral.status == Status.OFFER_ACCEPTED)],  # "start" asks the date
        action_labels=action_labels_for(referral.status), step_fields=STEP_FIELDS, message_form=MessageForm(),
        parts=SNAPSHOT_PARTS,
        labels=STATUS_LABELS, today=clock.today(), now=clock.now(),
        correctable=correctable_step(referral, current_user._get_current_object()), correction_window=CORRECTION_WINDOW,
        near_release=side == "provider" and operations.near_release(referral))


@bp.route("/<int:referral_id>/steps/<action>", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def step(referral_id: int, action: str):
    referral = get_visible_or_404(Referral, referral_id)
    if action not in REFERRALS.actions:
        abort(404)
    form = StepForm()
    form.reason_code.choices = list(REASONS_BY_ACTION.get(action, {}).items())
    form.work.choices = operations.work_choices(referral) if action == "move_into_work" else []
    details = lambda: operations.StepDetails(  # noqa: E731
        reason_code=form.reason_code.data or "", note=form.note.data or "", interview_date=form.interview_date.data,
        interview_time=form.interview_time.data or "", interview_place=form.interview_place.data or "",
        interview_bring=form.interview_bring.data or "", start_date=form.start_date.data,
        completed_on=form.completed_on.data, qualification_title=form.qualification_title.data or "",
        qualification_level=form.qualification_level.data or "", qualification_on=form.qualification_on.data,
        work=form.work.data or "", moved_on=form.moved_on.data,
        offer_start_date=form.offer_start_date.data, offer_hours=form.offer_hours.data, offer_pay=form.offer_pay.data,
        offer_pay_period=form.offer_pay_period.data or "")
    if action == "submit":
        done = submit(form, lambda: operations.submit_referral(referral, _actor()))
    else:
        done = submit(form, lambda: operations.take_step(referral, action, _actor(), details()),
                      check=lambda: operations.check_step(operations.step_for_date(action, form.start_date.data),
                                                          details(), referral))
    labels = action_labels_for(referral.status)  # as the step reads from where the referral was
    if done:
        if referral.status == Status.START_AGREED:
            flash(f"Start date agreed: {govuk_date(referral.start_date)}. It will show as started work on that day. "
                  "The employer has been told.", "success")
        else:
            flash(DONE_MESSAGES.get(action, f"{ACTION_LABELS[action]}: recorded."), "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    if request.method == "POST" and action not in STEP_FIELDS:
        for message in [*form.form_errors, *[e for errors in form.errors.values() for e in errors if e]]:
            flash(message, "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    if action not in allowed_actions(referral, current_user):
        flash("That step is not available now.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    if not form.is_submitted():
        _prefill(form, action, referral)
    return render_form("referrals/step.html", form, referral=referral, action=action,
                       action_label=labels[action], fields=STEP_FIELDS.get(action, []),
                       final=action in FINAL_STEPS)


def _prefill(form: StepForm, action: str, referral: Referral) -> None:
    """Start from what is known: an offer from the opportunity's advertised hours and pay, the job start
    from the start date offered."""
    opportunity = referral.opportunity
    if action == "make_offer":
        form.offer_hours.data = opportunity.hours_per_week.normalize() if opportunity.hours_per_week else None
        form.offer_pay.data = opportunity.pay_from
        form.offer_pay_period.data = opportunity.pay_period or None
        if opportunity.start_date is not None and opportunity.start_date >= clock.today():
            form.offer_start_date.data = opportunity.start_date
    elif action == "start" and referral.offer_start_date is not None:
        form.start_date.data = referral.offer_start_date


@bp.route("/<int:referral_id>/correct", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def correct(referral_id: int):
    """Correct one's own last step (a wrong click), with a reason kept on the timeline."""
    referral = get_visible_or_404(Referral, referral_id)
    last = correctable_step(referral, _actor())
    if last is None:
        flash("There is no step of yours from the last 24 hours to correct.", "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = CorrectionForm()
    if submit(form, lambda: operations.correct_last_step(referral, _actor(), form.reason.data)):
        flash(f"Corrected: the referral is back to \"{referral.label}\". Both sides see the correction on the "
              "timeline.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    return render_form("referrals/correct.html", form, referral=referral, last=last,
                       action_label=ACTION_LABELS[last.action], before=STATUS_LABELS[Status(last.from_status)])


@bp.post("/<int:referral_id>/messages")
@role_required(Role.CASE_MANAGER, Role.EMPLOYER, Role.SOCIAL_ENTERPRISE)
def message(referral_id: int):
    referral = get_visible_or_404(Referral, referral_id)
    form = MessageForm()
    if submit(form, lambda: operations.post_message(referral, _actor(), form.body.data)):
        flash("Message sent.", "success")
        return redirect(url_for("referrals.show", referral_id=referral.id, _anchor="messages"))
    side = referral.side_of(current_user)
    return render_form("referrals/show.html", form, referral=referral, side=side,
                       actions=allowed_actions(referral, current_user), action_labels=ACTION_LABELS,
                       step_fields=STEP_FIELDS, message_form=form, parts=SNAPSHOT_PARTS, labels=STATUS_LABELS,
                       today=clock.today(), near_release=False)


@bp.get("/<int:referral_id>/documents/<int:document_id>")
@role_required(*PARTIES)
@writes_to_database
def document(referral_id: int, document_id: int):
    referral = get_visible_or_404(Referral, referral_id)
    attached = db.session.get(ReferralDocument, document_id)
    if attached is None or attached.referral_id != referral.id:
        abort(404)
    path = uploads.path_of(attached.stored_name)
    if not path.is_file():
        abort(404)
    record_audit("referral.document_downloaded", referral, actor=_actor(), detail=attached.kind)
    db.session.commit()
    response = send_file(path, mimetype=attached.content_type, as_attachment=True, download_name=attached.filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/guarantees")
@role_required(Role.ADMIN, *EMPLOYING_ROLES)
def guarantees():
    """Each employer's record of keeping its guaranteed interviews; an employer sees its own."""
    own = current_user.organisation_id if current_user.role in EMPLOYING_ROLES else None
    record, overdue = operations.guarantee_record(clock.today(), organisation_id=own)
    return render_template("referrals/guarantees.html", record=record, overdue=overdue, own=own is not None)


@home_panel
def referral_counts(user) -> dict:
    if user.role in EMPLOYING_ROLES and user.organisation_id:
        counts = {name: db.session.scalar(select(func.count()).select_from(
            inbox_query(user.organisation_id, name).subquery())) for name in ("waiting", "upcoming", "overdue")}
        attention = []
        if counts["overdue"]:
            attention.append((f"{plural(counts['overdue'], 'guaranteed interview')} "
                              "overdue: offer an interview now", url_for("referrals.inbox", view="overdue")))
        if counts["waiting"]:
            attention.append((f"{plural(counts['waiting'], 'referral')} waiting for you",
                              url_for("referrals.inbox", view="waiting")))
        return {"referrals_home": {"counts": counts, "attention": attention}}
    if user.role == Role.CASE_MANAGER:
        today = clock.today()
        mine = select(func.count()).select_from(Referral).where(Referral.case_manager_id == user.id)
        return {"referral_counts": {
            "open": db.session.scalar(mine.where(Referral.status.not_in(_strings(ENDED)))) or 0,
            "checks": db.session.scalar(mine.where(_check_due(today))) or 0,
        }}
    if user.role == Role.ADMIN:
        overdue = db.session.scalars(select(Referral).where(
            Referral.guaranteed.is_(True), Referral.status.in_(_strings(BEFORE_INTERVIEW)),
            Referral.guarantee_due_on < clock.today())).all()
        return {"guarantees_overdue": len(overdue)}
    return {}
