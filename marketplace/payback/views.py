"""Community Payback pages: public ones (nominate, confirm, see projects) need no sign-in; the
assessment pages are for payback managers of the project's region.

The public pages show a project only through the text a payback manager wrote for them
(`public_title`, `public_description`, `public_benefit`), never the nominator's own words."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.db import writes_to_database
from marketplace.core.forms import record_id
from marketplace.core.operations import record_audit
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import flash_form_errors, render_form, submit
from marketplace.extensions import db
from marketplace.payback import operations, photos
from marketplace.payback.forms import (
    AllocateForm,
    AssessmentForm,
    AttendanceForm,
    CancelSessionForm,
    ChangeSessionForm,
    ConfirmForm,
    ConfirmVoteForm,
    EteCapForm,
    EteOfferForm,
    HoursForm,
    NominationForm,
    OfferForm,
    OrderForm,
    PublicTextForm,
    ScheduleForm,
    SessionForm,
    SuggestForm,
    VoteForm,
)
from marketplace.payback.models import (
    CRITERIA,
    DECLINE_REASONS,
    ETE_CAP_PERCENT,
    HOUR_KINDS,
    OUTCOMES,
    PUBLIC_STATUSES,
    SKILLS,
    YES_NO_UNSURE,
    PaybackAllocation,
    PaybackOrder,
    PaybackPhoto,
    PaybackProject,
    PaybackSession,
    Status,
    can_see_hours,
)
from marketplace.payback.workflow import ACTION_LABELS, PROJECT
from marketplace.reference import REGIONS, minimum_wage_on

bp = Blueprint("payback", __name__, url_prefix="/community-payback")


@bp.app_template_global()
def payback_hours_of(participant):
    """The person's order in numbers and next work sessions, for pages that already show (and audit)
    the person: the case manager's record."""
    return operations.hours_summary(participant)


@bp.get("/")
def index():
    """Every shortlisted and accepted project by region, the most voted first: the public results."""
    projects = db.session.scalars(
        select(PaybackProject).where(PaybackProject.status.in_(PUBLIC_STATUSES),
                                     PaybackProject.public_text_at.is_not(None))
    ).all()
    votes = operations.vote_counts(project.id for project in projects)
    by_region: dict[str, list] = {}
    for project in sorted(projects, key=lambda p: (p.status != Status.SHORTLISTED, -votes.get(p.id, 0),
                                                   p.public_title)):
        by_region.setdefault(project.region, []).append(project)
    delivered = operations.hours_delivered_by_region()
    regions = [(region, by_region.get(region, [])) for region in REGIONS if region in by_region or region in delivered]
    rate = minimum_wage_on(clock.today())
    worth = {region: operations.value_at_minimum_wage(minutes, clock.today()) for region, minutes in delivered.items()}
    return render_template("payback/index.html", regions=regions, votes=votes, today=clock.today(),
                           delivered=delivered, worth=worth, rate=rate)


def _public_project_or_404(project_id: int) -> PaybackProject:
    project = db.session.get(PaybackProject, record_id(project_id))
    if project is None or not project.is_public:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
def project(project_id):
    project = _public_project_or_404(project_id)
    form = VoteForm()
    robot = bool((form.website.data or "").strip())
    if submit(form, lambda: operations.request_vote(project, form.email.data, request.remote_addr or "",
                                                    robot=robot)) is not None:
        return redirect(url_for(".vote_sent", project_id=project.id))
    votes = operations.vote_counts([project.id]).get(project.id, 0)
    return render_form("payback/project.html", form, project=project, votes=votes,
                       voting_open=project.voting_open(clock.today()), today=clock.today())


@bp.get("/projects/<int:project_id>/vote-sent")
def vote_sent(project_id):
    return render_template("payback/vote_sent.html", project=_public_project_or_404(project_id))


@bp.route("/votes/<token>", methods=["GET", "POST"])
def confirm_vote(token):
    vote = operations.find_vote(token)
    if vote is None or not vote.project.is_public:
        return render_template("payback/link_expired.html"), 404
    form = ConfirmVoteForm()
    if (counted := submit(form, lambda: operations.confirm_vote(token))) is not None:
        votes = operations.vote_counts([counted.project_id]).get(counted.project_id, 0)
        return render_template("payback/vote_counted.html", project=counted.project, votes=votes)
    return render_form("payback/confirm_vote.html", form, project=vote.project)


@bp.route("/nominate", methods=["GET", "POST"])
def nominate():
    form = NominationForm()
    details = operations.NominationDetails(**{
        name: (getattr(form, name).data or ("" if name != "rules" else ()))
        for name in operations.NominationDetails.__dataclass_fields__
    }) if form.is_submitted() else None
    robot = bool((form.website.data or "").strip())
    holder, token = photos.visitor(), form.photos_held.data or ""
    # None: the form carried held photos that are gone (lapsed, or forged); the check says so.
    kept = [] if form.remove_photos.data or not token else photos.held(token, holder)
    result = submit(form, lambda: operations.nominate(details, request.remote_addr or "", robot=robot,
                                                      uploads=form.photos.data, held=kept),
                    check=lambda: operations.check_nomination(details, form.photos.data, kept))
    if result is not None:
        photos.let_go(token, holder)  # the nomination stored its own copies
        return redirect(url_for(".nomination_sent"))
    if form.is_submitted():
        kept = _hold_photos(form, holder, token, kept)
    return render_form("payback/nominate.html", form, held_photos=len(kept or ()))


def _hold_photos(form, holder: str, token: str, kept):
    """The form comes back: hold the photos just chosen that passed, with those held before (so only a
    refused one needs choosing again). Returns the photos now held."""
    chosen = photos.chosen(form.photos.data)
    if form.remove_photos.data:
        photos.let_go(token, holder)
        kept, token = None, ""
    elif chosen and len(kept or ()) + len(chosen) <= photos.MAX_PHOTOS:
        for upload in chosen:
            upload.stream.seek(0)  # the check read them once already
        fresh, _ = photos.sort_photos(chosen)
        if fresh:
            together = list(kept or ()) + fresh
            photos.let_go(token, holder)
            kept, token = together, photos.hold(together, holder)
    form.photos_held.data = token if kept else ""
    form.remove_photos.data = False
    return kept


@bp.get("/nominate/sent")
def nomination_sent():
    return render_template("payback/nomination_sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_nomination(token):
    project = operations.find_unconfirmed(token)
    if project is None:
        return render_template("payback/link_expired.html"), 404
    form = ConfirmForm()
    if (confirmed := submit(form, lambda: operations.confirm_nomination(token))) is not None:
        return render_template("payback/nomination_confirmed.html", project=confirmed)
    return render_form("payback/confirm_nomination.html", form, project=project)


@bp.get("/nominations")
@role_required(Role.PAYBACK_MANAGER)
def nominations():
    region = current_user.organisation.region if current_user.organisation else ""
    status = request.args.get("status", "")
    query = select(PaybackProject).where(PaybackProject.region == region,
                                         PaybackProject.status != Status.UNCONFIRMED)
    if status in Status.__members__.values() and status != Status.UNCONFIRMED:
        query = query.where(PaybackProject.status == status)
    projects = db.session.scalars(query.order_by(PaybackProject.confirmed_at.desc())).all()
    return render_template("payback/nominations.html", projects=projects, region=region, status=status,
                           statuses=[s for s in Status if s != Status.UNCONFIRMED], regions=REGIONS)


ALL_PROJECTS_PAGE_SIZE = 25


@bp.get("/all-projects")
@role_required(Role.ADMIN)
def all_projects():
    """Every confirmed nomination and project across the regions, for admins: filter by region and
    stage, newest first, each linking to its page (read-only for them)."""
    region = request.args.get("region", "")
    status = request.args.get("status", "")
    query = select(PaybackProject).where(PaybackProject.status != Status.UNCONFIRMED)
    if region in REGIONS:
        query = query.where(PaybackProject.region == region)
    if status in Status.__members__.values() and status != Status.UNCONFIRMED:
        query = query.where(PaybackProject.status == status)
    page = db.paginate(query.order_by(PaybackProject.confirmed_at.desc(), PaybackProject.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=ALL_PROJECTS_PAGE_SIZE,
                       error_out=False)
    return render_template("payback/all_projects.html", page=page, region=region, status=status,
                           regions=REGIONS, statuses=[s for s in Status if s != Status.UNCONFIRMED])


@bp.get("/nominations/<int:project_id>")
@role_required(Role.PAYBACK_MANAGER, Role.ADMIN)
@writes_to_database
def nomination(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    # The nominator's contact details are personal data: each look at them is recorded.
    record_audit("payback.nomination_viewed", project)
    db.session.commit()
    return render_template("payback/nomination.html", project=project, criteria=CRITERIA,
                           reasons=DECLINE_REASONS, answers=YES_NO_UNSURE, action_labels=ACTION_LABELS,
                           can_assess=bool(set(PROJECT.available(project, current_user))
                                           - {"review_public_text", "schedule"}),
                           can_schedule="schedule" in PROJECT.available(project, current_user),
                           can_add_sessions=(project.status == Status.ACCEPTED
                                             and current_user.role == Role.PAYBACK_MANAGER),
                           can_write_public_text="review_public_text" in PROJECT.available(project, current_user))


@bp.route("/nominations/<int:project_id>/public-text", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def public_text(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    if "review_public_text" not in PROJECT.available(project, current_user):
        flash(f"This nomination is {project.status_label.lower()}: its public text cannot be changed.", "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = PublicTextForm()
    form.public_photos.choices = [(photo.id, f"Photo {number}") for number, photo in enumerate(project.photos, 1)]
    if not form.is_submitted():  # the first time, the nominator's words to work from
        form.public_title.data = project.public_title or project.title
        form.public_description.data = project.public_description or project.description
        form.public_benefit.data = project.public_benefit or project.benefit
        form.public_photos.data = [photo.id for photo in project.photos if photo.public]

    def text():
        return operations.PublicText(title=form.public_title.data or "", description=form.public_description.data or "",
                                     benefit=form.public_benefit.data or "", checked=bool(form.checked.data),
                                     public_photo_ids=tuple(form.public_photos.data or ()))

    if submit(form, lambda: operations.write_public_text(project, current_user, text()),
              check=lambda: operations.check_public_text(project, current_user, text())) is not None:
        flash("Public text saved. Only this text is shown on the public pages.", "success")
        return redirect(url_for(".nomination", project_id=project.id))
    return render_form("payback/public_text.html", form, project=project)


def _send_photo(photo: PaybackPhoto, cache: str):
    path = photos.path_of(photo.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=photos.CONTENT_TYPE, download_name=f"photo-{photo.id}.jpg")
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/nominations/<int:project_id>/photos/<int:photo_id>")
@role_required(Role.PAYBACK_MANAGER, Role.ADMIN)
def nomination_photo(project_id, photo_id):
    """Every photo of a nomination, to the payback managers of its region (before any review)."""
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    photo = db.session.get(PaybackPhoto, record_id(photo_id))
    if photo is None or photo.project_id != project.id:
        abort(404)
    return _send_photo(photo, "private, no-store")


@bp.get("/projects/<int:project_id>/photos/<int:photo_id>")
def project_photo(project_id, photo_id):
    """A photo the payback manager marked public, of a project on the public pages; nothing else.
    Revalidated on each view, so a photo taken off the public pages goes at once."""
    project = _public_project_or_404(project_id)
    photo = db.session.get(PaybackPhoto, record_id(photo_id))
    if photo is None or photo not in project.public_photos:
        abort(404)
    return _send_photo(photo, "no-cache")


@bp.route("/nominations/<int:project_id>/assess", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def assess(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    decisions = [action for action in PROJECT.available(project, current_user)
                 if action not in ("review_public_text", "schedule")]
    if not decisions:
        flash(f"This nomination is {project.status_label.lower()}: there is nothing to decide.", "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = AssessmentForm()
    if not form.is_submitted():  # a shortlisted project keeps the scores it was shortlisted with
        for name, score in (project.scores or {}).items():
            getattr(form, f"score_{name}").data = score

    def assessment():
        return operations.Assessment(decision=form.decision.data or "", scores=form.scores(),
                                     reason=form.reason.data or "", note=form.note.data or "",
                                     vote_opens_on=form.vote_opens_on.data, vote_closes_on=form.vote_closes_on.data)

    if submit(form, lambda: operations.assess(project, current_user, assessment()),
              check=lambda: operations.check_assessment(project, assessment())) is not None:
        flash(f"Decision saved: {project.status_label.lower()}. The nominator has been emailed.", "success")
        return redirect(url_for(".nomination", project_id=project.id))
    # Every decision is read from a post, so a shortlist before the public text is written gets the
    # rule's own message; only the decisions open now are offered.
    form.decision.choices = [(value, label) for value, label in form.decision.choices if value in decisions]
    return render_form("payback/assess.html", form, project=project,
                       needs_public_text=project.public_text_at is None)


@bp.route("/nominations/<int:project_id>/schedule", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def schedule(project_id):
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    if "schedule" not in PROJECT.available(project, current_user):
        flash(f"This nomination is {project.status_label.lower()}: only accepted projects are scheduled.", "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = ScheduleForm(data={"starts_on": project.work_starts_on})

    def details():
        return operations.Schedule(starts_on=form.starts_on.data, note=form.note.data or "")

    if submit(form, lambda: operations.schedule_work(project, current_user, details()),
              check=lambda: operations.check_schedule(project, details())) is not None:
        flash("Start date saved. The nominator has been emailed.", "success")
        return redirect(url_for(".nomination", project_id=project.id))
    votes = operations.vote_counts([project.id]).get(project.id, 0)
    return render_form("payback/schedule.html", form, project=project, votes=votes,
                       rivals=operations.vote_rivals(project))


@bp.route("/nominations/<int:project_id>/sessions", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def sessions(project_id):
    """An accepted project's work sessions, and the form to add one."""
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    if project.status != Status.ACCEPTED:
        flash(f"This nomination is {project.status_label.lower()}: only accepted projects have work sessions.",
              "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = SessionForm()
    _supervisor_choices(form)

    def details():
        return _session_details(form)

    if (added := submit(form, lambda: operations.add_session(project, current_user, details()),
                        check=lambda: operations.check_session(project, current_user, details()))) is not None:
        flash("Session added. Allocate people to it.", "success")
        return redirect(url_for(".work_session", session_id=added.id))
    listed = db.session.scalars(select(PaybackSession).where(PaybackSession.project_id == project.id)
                                .order_by(PaybackSession.day, PaybackSession.starts_at)).all()
    return render_form("payback/sessions.html", form, project=project, sessions=listed)


@bp.route("/nominations/<int:project_id>/offer", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def offer(project_id):
    """Who runs an accepted project and what it offers on completion (a social enterprise's guaranteed
    interview or vacancy)."""
    project = get_visible_or_404(PaybackProject, record_id(project_id))
    if project.status != Status.ACCEPTED:
        flash(f"This nomination is {project.status_label.lower()}: only an accepted project has an offer on "
              "completion.", "error")
        return redirect(url_for(".nomination", project_id=project.id))
    form = OfferForm(data={"run_by_id": project.run_by_id, "opportunity_id": project.offer_opportunity_id})
    form.run_by_id.choices = [("", "The probation service (no social enterprise)")] + [
        (str(organisation.id), organisation.name) for organisation in operations.social_enterprises()]
    form.opportunity_id.choices = [("", "No offer")] + [
        (str(opportunity.id), f"{opportunity.organisation.name}: {opportunity.title} ({opportunity.kind_label})")
        for opportunity in operations.offers_open()]

    def details():
        return operations.OfferDetails(run_by_id=form.run_by_id.data, opportunity_id=form.opportunity_id.data)

    if submit(form, lambda: operations.set_offer(project, current_user, details()),
              check=lambda: operations.check_offer(project, details())) is not None:
        flash("Saved. Case managers see the offer on the page of each person who completes their hours on "
              "this project.", "success")
        return redirect(url_for(".nomination", project_id=project.id))
    return render_form("payback/offer.html", form, project=project)


def _supervisor_choices(form) -> None:
    form.supervisor_id.choices = [("", "Choose a supervisor")] + [
        (str(user.id), user.full_name) for user in operations.supervisors_for(current_user)]


def _session_details(form) -> operations.SessionDetails:
    return operations.SessionDetails(day=form.day.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                                     place=form.place.data or "", supervisor_id=form.supervisor_id.data,
                                     capacity=form.capacity.data)


def _session_or_404(session_id: int) -> PaybackSession:
    session = db.session.get(PaybackSession, record_id(session_id))
    if session is None or not session.can_view(current_user):
        abort(404)
    return session


def _render_session(session: PaybackSession, allocate_form=None, failed: tuple[int, AttendanceForm] | None = None):
    # Each person named on the page is a view of them, in the audit log.
    for allocation in session.allocations:
        record_audit("payback.person_viewed", allocation.participant, detail=f"session {session.id}")
    db.session.commit()
    allocate_form = allocate_form or AllocateForm()
    allocate_form.participant_id.choices = [("", "Choose a person")] + [
        (str(person.id), person.full_name) for person in operations.allocatable_people(session, current_user)]
    forms = {}
    for allocation in session.allocations:
        if failed and failed[0] == allocation.id:
            forms[allocation.id] = failed[1]
        elif allocation.hours_id is None:
            left = operations.minutes_left_short_of(session, allocation.participant)
            forms[allocation.id] = AttendanceForm(formdata=None, prefix=f"a{allocation.id}",
                                                  data={"minutes": session.minutes if left is None else left})
    # The form that was posted and refused, for the error summary at the top of the page.
    posted = failed[1] if failed else (allocate_form if allocate_form.errors else None)
    return render_template("payback/session.html", session=session, allocate_form=allocate_form,
                           attendance_forms=forms, outcomes=OUTCOMES, skills=SKILLS, today=clock.today(),
                           form=posted), 400 if posted else 200


@bp.get("/sessions/<int:session_id>")
@role_required(Role.PAYBACK_MANAGER)
@writes_to_database
def work_session(session_id):
    return _render_session(_session_or_404(session_id))


@bp.route("/sessions/<int:session_id>/change", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def change_session(session_id):
    """Change a session's day, times, place, supervisor or places (every problem at once)."""
    session = _session_or_404(session_id)
    if session.is_cancelled:
        flash("This session is cancelled: it cannot be changed.", "error")
        return redirect(url_for(".work_session", session_id=session.id))
    form = ChangeSessionForm(obj=session) if request.method == "GET" else ChangeSessionForm()
    _supervisor_choices(form)
    if submit(form, lambda: operations.change_session(session, current_user, _session_details(form)),
              check=lambda: operations.check_session(session.project, current_user, _session_details(form),
                                                     current=session)) is not None:
        flash("Session changed. The case managers of the people on it and the supervisor have been told.",
              "success")
        return redirect(url_for(".work_session", session_id=session.id))
    return render_form("payback/change_session.html", form, session=session)


@bp.route("/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def cancel_session(session_id):
    """Cancel a session with the reason; the people's case managers and the supervisor are told."""
    session = _session_or_404(session_id)
    if session.is_cancelled:
        flash("This session is already cancelled.", "error")
        return redirect(url_for(".work_session", session_id=session.id))
    form = CancelSessionForm()
    if submit(form, lambda: operations.cancel_session(session, current_user, form.reason.data or ""),
              check=lambda: operations.check_cancel(session, form.reason.data or "")) is not None:
        flash("Session cancelled. The case managers of the people on it and the supervisor have been told.",
              "success")
        return redirect(url_for(".work_session", session_id=session.id))
    return render_form("payback/cancel_session.html", form, session=session)


@bp.post("/sessions/<int:session_id>/allocate")
@role_required(Role.PAYBACK_MANAGER)
@writes_to_database
def allocate(session_id):
    session = _session_or_404(session_id)
    form = AllocateForm()
    if (allocation := submit(form, lambda: operations.allocate(session, current_user,
                                                               form.participant_id.data))) is not None:
        flash("Allocated. Their case manager has been told.", "success")
        if warning := operations.short_of_session(session, allocation.participant):
            flash(warning, "warning")
        return redirect(url_for(".work_session", session_id=session.id))
    return _render_session(_session_or_404(session_id), allocate_form=form)


@bp.post("/sessions/<int:session_id>/attendance/<int:allocation_id>")
@role_required(Role.PAYBACK_MANAGER)
@writes_to_database
def attendance(session_id, allocation_id):
    session = _session_or_404(session_id)
    allocation = db.session.get(PaybackAllocation, record_id(allocation_id))
    if allocation is None or allocation.session_id != session.id:
        abort(404)
    form = AttendanceForm(prefix=f"a{allocation.id}")
    if submit(form, lambda: operations.record_attendance(allocation, current_user, form.outcome.data or "",
                                                         form.minutes.data, tuple(form.skills.data or ()))) is not None:
        flash(f"Attendance recorded for {allocation.participant.full_name}", "success")
        return redirect(url_for(".work_session", session_id=session.id))
    return _render_session(_session_or_404(session_id), failed=(allocation.id, form))


# ----------------------------------------------------------------------------------------------------
# People on orders: hours and the road to work (payback managers of the person's own provider)

def _person_or_404(person_id: int):
    from marketplace.participants.models import Participant

    participant = db.session.get(Participant, record_id(person_id))
    if participant is None or not can_see_hours(participant, current_user):
        abort(404)
    return participant


def _order(participant) -> PaybackOrder | None:
    return db.session.scalar(select(PaybackOrder).where(PaybackOrder.participant_id == participant.id))


@bp.get("/people")
@role_required(Role.PAYBACK_MANAGER)
def people():
    from marketplace.participants.models import CaseStatus, Participant

    rows = db.session.execute(
        select(Participant, PaybackOrder).outerjoin(PaybackOrder, PaybackOrder.participant_id == Participant.id)
        .where(Participant.organisation_id == current_user.organisation_id, Participant.status == CaseStatus.ACTIVE,
               Participant.location == "community")
        .order_by(PaybackOrder.id.is_(None), Participant.last_name, Participant.first_name)
    ).all()
    return render_template("payback/people.html", rows=rows)


@bp.get("/people/<int:person_id>")
@role_required(Role.PAYBACK_MANAGER)
@writes_to_database
def person(person_id):
    participant = _person_or_404(person_id)
    record_audit("payback.person_viewed", participant)
    db.session.commit()
    order = _order(participant)
    return render_template("payback/person.html", participant=participant, order=order,
                           outcomes=OUTCOMES, skills=SKILLS, kinds=HOUR_KINDS,
                           paid_work=operations.paid_work_near(participant) if order else [],
                           suggest_form=SuggestForm())


@bp.route("/people/<int:person_id>/order", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def order(person_id):
    participant = _person_or_404(person_id)
    existing = _order(participant)
    form = OrderForm(obj=existing) if existing else OrderForm()

    def details():
        return operations.OrderDetails(hours_ordered=form.hours_ordered.data, made_on=form.made_on.data)

    if submit(form, lambda: operations.set_order(participant, current_user, details()),
              check=lambda: operations.check_order(participant, details())) is not None:
        flash("Order saved", "success")
        return redirect(url_for(".person", person_id=participant.id))
    return render_form("payback/order.html", form, participant=participant, order=existing,
                       region_cap=operations.order_region_cap(participant),
                       region=participant.organisation.region if participant.organisation else "")


@bp.route("/people/<int:person_id>/hours", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER)
def record_hours(person_id):
    participant = _person_or_404(person_id)
    if _order(participant) is None:
        flash("Record the person's order before their hours.", "error")
        return redirect(url_for(".order", person_id=participant.id))
    form = HoursForm()
    form.project_id.choices = [("", "Not on a project (ETE)")] + [
        (str(project.id), f"{project.title}, {project.town}")
        for project in operations.projects_to_work_on(current_user.organisation.region)]

    def details():
        return operations.HoursDetails(kind=form.kind.data or "", worked_on=form.worked_on.data,
                                       minutes=form.minutes.data, outcome=form.outcome.data or "",
                                       project_id=form.project_id.data, skills=tuple(form.skills.data or ()),
                                       activity=form.activity.data or "")

    if submit(form, lambda: operations.record_hours(participant, current_user, details()),
              check=lambda: operations.check_hours(participant, current_user, details())) is not None:
        flash("Hours recorded", "success")
        return redirect(url_for(".person", person_id=participant.id))
    return render_form("payback/hours.html", form, participant=participant)


@bp.post("/people/<int:person_id>/suggest/<int:opportunity_id>")
@role_required(Role.PAYBACK_MANAGER)
def suggest(person_id, opportunity_id):
    from marketplace.opportunities.models import Opportunity

    participant = _person_or_404(person_id)
    opportunity = db.session.get(Opportunity, record_id(opportunity_id))
    if opportunity is None:
        abort(404)
    form = SuggestForm()
    if submit(form, lambda: operations.suggest_paid_work(participant, opportunity, current_user)) is not None:
        flash(f"{participant.case_manager.full_name} has been told about {opportunity.title}.", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".person", person_id=participant.id))


# ----------------------------------------------------------------------------------------------------
# ETE: the cap each region sets, and alliance sessions that count as ETE

@bp.route("/ete-cap", methods=["GET", "POST"])
@role_required(Role.PAYBACK_MANAGER, Role.ADMIN)
def ete_cap():
    regions = operations.regions_managed_by(current_user)
    if not regions:
        abort(404)
    form = EteCapForm()
    form.region.choices = [("", "Choose a region")] + [(region, region) for region in regions]
    if not form.is_submitted() and len(regions) == 1:
        form.region.data = regions[0]
        form.percent.data = operations.region_ete_cap(regions[0])

    def details():
        return operations.CapDetails(region=form.region.data or "", percent=form.percent.data,
                                     note=form.note.data or "")

    if submit(form, lambda: operations.set_region_ete_cap(current_user, details()),
              check=lambda: operations.check_cap(current_user, details())) is not None:
        flash(f"The ETE cap for {form.region.data} is now {form.percent.data}%. Orders recorded from now on take it; "
              "orders already recorded keep theirs.", "success")
        return redirect(url_for(".ete_cap"))
    caps = [(region, operations.region_ete_cap(region)) for region in regions]
    return render_form("payback/ete_cap.html", form, caps=caps, history=operations.cap_history(regions),
                       national=ETE_CAP_PERCENT)


def _ete_sessions_page(form=None, failed_offer_id=None):
    offers = operations.ete_offer_candidates(current_user)
    marked = operations.ete_offers(offer.id for offer in offers)
    forms = {}
    for offer in offers:
        if failed_offer_id == offer.id:
            forms[offer.id] = form
        else:
            row = marked.get(offer.id)
            forms[offer.id] = EteOfferForm(formdata=None, prefix=f"o{offer.id}",
                                           data={"minutes": row.minutes if row else None})
    return render_template("payback/ete_sessions.html", offers=offers, marked=marked, forms=forms,
                           form=form if failed_offer_id else None), 400 if failed_offer_id else 200


@bp.get("/ete-sessions")
@role_required(Role.PAYBACK_MANAGER)
def ete_sessions():
    return _ete_sessions_page()


@bp.post("/ete-sessions/<int:offer_id>")
@role_required(Role.PAYBACK_MANAGER)
def mark_ete_session(offer_id):
    offer_id = record_id(offer_id)
    if offer_id not in {offer.id for offer in operations.ete_offer_candidates(current_user)}:
        abort(404)
    form = EteOfferForm(prefix=f"o{offer_id}")
    if submit(form, lambda: operations.mark_ete_offer(offer_id, current_user, form.minutes.data)) is not None:
        flash("The session counts as ETE. Attendance its organiser records from now on is credited to orders, up "
              "to each order's cap.", "success")
        return redirect(url_for(".ete_sessions"))
    return _ete_sessions_page(form, offer_id)
