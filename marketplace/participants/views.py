from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import render_form, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.participants import operations
from marketplace.participants.export import subject_access_export
from marketplace.participants.forms import (
    AssessmentForm,
    CaseloadFilterForm,
    CloseForm,
    ConsentForm,
    ParticipantForm,
    ReadinessForm,
    RestrictionsForm,
)
from marketplace.participants.models import (
    CLOSURE_REASONS,
    RATINGS,
    READINESS_TASKS,
    TASK_STATES,
    CaseStatus,
    Location,
    Participant,
    distance_travelled,
)
from marketplace.participants.readable import readable
from marketplace.reference import (
    MAPPA_CATEGORIES,
    MAPPA_LEVELS,
    OFFENCE_CATEGORIES,
    PATHWAYS,
    QUALIFICATION_LEVELS,
    QUALIFICATION_SUBJECTS,
    ROSH_LEVELS,
)

bp = Blueprint("participants", __name__, url_prefix="/participants")

PAGE_SIZE = 50
VIEWERS = (Role.CASE_MANAGER, Role.ADMIN)


def _actor():
    return current_user._get_current_object()


def _open_record(participant_id: int, page: str) -> Participant:
    """Load a participant the user may see (else 404) and, for a page view, write its audit row."""
    participant = get_visible_or_404(Participant, participant_id)
    if request.method == "GET":
        operations.record_view(participant, _actor(), page)
        db.session.commit()
    return participant


def _editable(participant: Participant):
    """A closed case is read-only: its forms send the user back to the record."""
    if participant.is_closed:
        flash("This case is closed, so the record cannot be changed.", "error")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return None


def caseload_query(user, form: CaseloadFilterForm):
    today = clock.today()
    query = select(Participant).where(Participant.organisation_id == user.organisation_id)
    if (form.scope.data or "mine") == "mine":
        query = query.where(Participant.case_manager_id == user.id)
    status = form.status.data or "active"
    if status != "all":
        query = query.where(Participant.status == status)
    window = form.window.data or "12w"
    # Still in custody is still to be released, even when the date has gone by (not released on the day,
    # or nobody has recorded it yet): they stay at the top of the list, not under "released".
    releasing = Participant.location == Location.CUSTODY
    if window == "12w":
        query = query.where(releasing, Participant.release_date <= today + timedelta(weeks=12))
    elif window == "6m":
        query = query.where(releasing, Participant.release_date <= today + timedelta(days=183))
    elif window == "released":
        query = query.where(Participant.location == Location.COMMUNITY)
    if form.region.data:
        query = query.where(Participant.release_region == form.region.data)
    if form.readiness.data:
        query = query.where(Participant.readiness == form.readiness.data)
    if form.q.data:
        needle = f"%{form.q.data.strip().lower()}%"
        query = query.where(or_(func.lower(Participant.first_name + " " + Participant.last_name).like(needle),
                                func.lower(Participant.participant_number).like(needle)))
    sort = form.sort.data or "release"
    if sort == "name":
        query = query.order_by(Participant.last_name, Participant.first_name)
    elif sort == "release_desc":
        query = query.order_by(Participant.release_date.desc().nulls_last(), Participant.last_name)
    else:
        query = query.order_by(Participant.release_date.asc().nulls_last(), Participant.last_name)
    return query


@bp.get("/")
@role_required(Role.CASE_MANAGER)
def caseload():
    form = CaseloadFilterForm(request.args)
    if not form.validate():
        form = CaseloadFilterForm()
    page = db.paginate(caseload_query(current_user, form), page=request.args.get("page", 1, type=int),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template("participants/caseload.html", filters=form, page=page, today=clock.today())


def _details_from(form: ParticipantForm) -> operations.Details:
    return operations.Details(
        participant_number=form.participant_number.data or "", first_name=form.first_name.data or "",
        last_name=form.last_name.data or "", date_of_birth=form.date_of_birth.data, location=form.location.data or "",
        release_region=form.release_region.data or "", prison=form.prison.data or None,
        release_date=form.release_date.data, release_date_confirmed=bool(form.release_date_confirmed.data),
        order_end_date=form.order_end_date.data, release_town=form.release_town.data or "",
        release_postcode=form.release_postcode.data or "", no_fixed_abode=bool(form.no_fixed_abode.data),
        travel_miles=form.travel_miles.data, rotl_from=form.rotl_from.data, skills=form.skills_list(),
        qualifications=form.qualifications_list(), work_history=form.work_history.data or "",
        interests=form.interests_list(), goals=form.goals.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
def new():
    form = ParticipantForm()
    form.case_manager_id.choices = []
    participant = submit(form, lambda: operations.create_participant(_details_from(form), _actor()),
                         check=lambda: operations.check_details(_details_from(form), current_user.organisation_id))
    if participant:
        flash(f"{participant.full_name} added to your caseload.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_form("participants/form.html", form, participant=None)


@bp.get("/<int:participant_id>")
@role_required(*VIEWERS)
@writes_to_database
def show(participant_id: int):
    participant = _open_record(participant_id, "record")
    from marketplace.referrals.models import Referral

    referrals = db.session.scalars(select(Referral).where(Referral.participant_id == participant.id)
                                   .order_by(Referral.status_changed_at.desc())).all()
    from marketplace.payback.operations import OFFER_WORDS

    payback_offers, payback_referrals = _payback_offers(participant)
    return render_template(
        "participants/show.html", participant=participant, today=clock.today(),
        distance=distance_travelled(participant.assessments), pathways=PATHWAYS, ratings=RATINGS,
        tasks=READINESS_TASKS, task_states=TASK_STATES,
        mappa_categories=MAPPA_CATEGORIES, mappa_levels=MAPPA_LEVELS, rosh_levels=ROSH_LEVELS,
        closure_reasons=CLOSURE_REASONS, qualification_subjects=QUALIFICATION_SUBJECTS,
        qualification_levels=QUALIFICATION_LEVELS,
        offence_labels=[OFFENCE_CATEGORIES[c] for c in participant.offence_categories if c in OFFENCE_CATEGORIES],
        referrals=referrals, payback_offers=payback_offers, payback_referrals=payback_referrals,
        offer_words=OFFER_WORDS)


def _payback_offers(participant) -> tuple[list, dict[int, int]]:
    """For the person's case manager: what payback projects they completed offer them (a guaranteed
    interview or a job), and the referral already going for each, if any."""
    from marketplace.payback.operations import completion_offers
    from marketplace.referrals.operations import existing_referral

    if current_user.role != Role.CASE_MANAGER:
        return [], {}
    offers = completion_offers(participant)
    going = {opportunity.id: existing_referral(participant, opportunity) for _, opportunity in offers}
    return offers, {key: value for key, value in going.items() if value}


@bp.route("/<int:participant_id>/edit", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def edit(participant_id: int):
    participant = _open_record(participant_id, "edit details")
    if (closed := _editable(participant)) is not None:
        return closed
    form = ParticipantForm()
    managers = operations.case_managers_of(participant.organisation_id)
    form.case_manager_id.choices = [(user.id, user.full_name) for user in managers]
    if not form.is_submitted():
        form.fill_from(participant)
    if submit(form, lambda: operations.update_participant(participant, _details_from(form), _actor(),
                                                          case_manager_id=form.case_manager_id.data),
              check=lambda: operations.check_details(_details_from(form), participant.organisation_id, participant)):
        flash("Details saved.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_form("participants/form.html", form, participant=participant)


@bp.route("/<int:participant_id>/restrictions", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def restrictions(participant_id: int):
    participant = _open_record(participant_id, "edit restrictions")
    if (closed := _editable(participant)) is not None:
        return closed
    form = RestrictionsForm(obj=participant)
    values = lambda: operations.Restrictions(  # noqa: E731
        offence_categories=form.offence_categories.data or [], no_work_with_children=form.no_work_with_children.data,
        no_work_with_vulnerable_adults=form.no_work_with_vulnerable_adults.data,
        mappa_category=form.mappa_category.data or None, mappa_level=form.mappa_level.data or None,
        rosh_level=form.rosh_level.data or None)
    if submit(form, lambda: operations.update_restrictions(participant, values(), _actor())):
        flash("Restrictions and risk saved.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_form("participants/restrictions.html", form, participant=participant)


@bp.route("/<int:participant_id>/readiness", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def readiness(participant_id: int):
    participant = _open_record(participant_id, "edit readiness")
    if (closed := _editable(participant)) is not None:
        return closed
    form = ReadinessForm()
    if not form.is_submitted():
        form.readiness.data = participant.readiness
        for task in READINESS_TASKS:
            form[task].data = participant.task_state(task)
    tasks = lambda: {task: form[task].data for task in READINESS_TASKS}  # noqa: E731
    if submit(form, lambda: operations.update_readiness(participant, form.readiness.data, tasks(), _actor())):
        flash("Readiness to work saved.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_form("participants/readiness.html", form, participant=participant, tasks=READINESS_TASKS)


@bp.route("/<int:participant_id>/assessments/new", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def assess(participant_id: int):
    participant = _open_record(participant_id, "new assessment")
    if (closed := _editable(participant)) is not None:
        return closed
    form = AssessmentForm()
    if not form.is_submitted():
        form.assessed_on.data = clock.today()
        latest = participant.assessments[-1] if participant.assessments else None
        for pathway in PATHWAYS:
            form[pathway].data = latest.rating(pathway) if latest else None
    ratings = lambda: {pathway: form[pathway].data for pathway in PATHWAYS}  # noqa: E731
    if submit(form, lambda: operations.record_assessment(participant, form.assessed_on.data, ratings(),
                                                         form.notes.data or "", _actor())):
        flash("Needs assessment recorded.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id, _anchor="needs"))
    return render_form("participants/assessment.html", form, participant=participant, pathways=PATHWAYS)


@bp.route("/<int:participant_id>/consent", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def consent(participant_id: int):
    participant = _open_record(participant_id, "record consent")
    if (closed := _editable(participant)) is not None:
        return closed
    form = ConsentForm()
    if not form.is_submitted():
        current = participant.consent
        form.employers.data = current.employers if current else False
        form.mentors.data = current.mentors if current else False
        form.given_on.data = clock.today()
    if submit(form, lambda: operations.record_consent(participant, form.employers.data, form.mentors.data,
                                                      form.given_on.data, form.purpose.data or "", _actor())):
        flash("Consent recorded.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id, _anchor="consent"))
    return render_form("participants/consent.html", form, participant=participant)


@bp.route("/<int:participant_id>/close", methods=["GET", "POST"])
@role_required(*VIEWERS)
@writes_to_database
def close(participant_id: int):
    participant = _open_record(participant_id, "close case")
    if (closed := _editable(participant)) is not None:
        return closed
    form = CloseForm()
    if submit(form, lambda: operations.close_case(participant, form.reason.data, form.note.data or "", _actor())):
        flash(f"{participant.full_name}'s case is closed. The record is now read-only.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id))
    return render_form("participants/close.html", form, participant=participant)


@bp.get("/<int:participant_id>/export")
@role_required(*VIEWERS)
@writes_to_database
def export(participant_id: int):
    """Subject access: everything held about the participant, as a JSON file."""
    participant = get_visible_or_404(Participant, participant_id)
    from marketplace.core.operations import record_audit

    record_audit("participant.exported", participant, actor=_actor())
    db.session.commit()
    body = json.dumps(subject_access_export(participant), indent=2, ensure_ascii=False)
    filename = f"subject-access-{participant.participant_number}-{clock.today().isoformat()}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/<int:participant_id>/export/readable")
@role_required(*VIEWERS)
@writes_to_database
def export_readable(participant_id: int):
    """Subject access: the same record as the JSON file, in words, as a page the person can read and print."""
    participant = get_visible_or_404(Participant, participant_id)
    from marketplace.core.operations import record_audit

    record_audit("participant.exported", participant, actor=_actor(), detail="readable page")
    db.session.commit()
    record = subject_access_export(participant)
    return render_template("participants/export.html", participant=participant, sections=readable(record),
                           exported_at=clock.now())


@home_panel
def caseload_counts(user) -> dict:
    """The home page's summary of a case manager's own open caseload."""
    if user.role != Role.CASE_MANAGER:
        return {}
    today = clock.today()
    base = select(func.count()).select_from(Participant).where(
        Participant.case_manager_id == user.id, Participant.status == CaseStatus.ACTIVE)
    releasing = base.where(Participant.location == Location.CUSTODY, Participant.release_date >= today,
                           Participant.release_date <= today + timedelta(weeks=12))
    return {"caseload_counts": {
        "open": db.session.scalar(base) or 0,
        "releasing": db.session.scalar(releasing) or 0,
        "no_consent": db.session.scalar(base.where(~Participant.consents.any())) or 0,
    }}
