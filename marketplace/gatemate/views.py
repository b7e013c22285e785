"""Gatemate pages. Case managers request mentors and keep release day up to date; mentors accept from
their board and record how the day went; coordinators manage mentors, assign requests and watch
coverage.

Pages that mentoring organisations see are built from `GatemateRequest.brief()` and the request's
timeline, never from the participant's record: `_request_view` is where that line is drawn.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from marketplace.accounts.forms import ConfirmForm
from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.calendar import is_working_day
from marketplace.core.db import writes_to_database
from marketplace.core.filters import govuk_date
from marketplace.core.roles import Role, get_visible_or_404, role_required
from marketplace.core.submissions import flash_form_errors, render_form, submit
from marketplace.core.views import home_panel
from marketplace.extensions import db
from marketplace.gatemate import operations, texts
from marketplace.gatemate.coverage import coverage_report, duration_text
from marketplace.gatemate.forms import (
    REQUEST_LIST_FILTERS,
    AssignForm,
    CancelForm,
    CoverageFilterForm,
    EditDetailsForm,
    GatemateConsentForm,
    HandBackForm,
    MentorProfileForm,
    MetForm,
    NotMetForm,
    ReleaseForm,
    RequestForm,
    RequestListForm,
    SignoffForm,
    chosen_prisons,
    fill_prisons,
    parse_time,
    time_value,
)
from marketplace.gatemate.models import (
    ACTIVE_STATUSES,
    CANCEL_REASON_LABELS,
    DAY_NEEDS,
    NOT_MET_REASONS,
    WENT_TO,
    GatemateRequest,
    MentorProfile,
    Status,
    TextMessage,
    coordinators_of,
    held_by,
    held_count,
    organisation_prisons,
    organisations_covering,
    profile_of,
)
from marketplace.gatemate.preview import HELD_BACK, preview_request
from marketplace.gatemate.workflow import ACTION_LABELS
from marketplace.participants import operations as participant_operations
from marketplace.participants.models import Participant

bp = Blueprint("gatemate", __name__, url_prefix="/gatemate")

PAGE_SIZE = 50
BOARD_LIMIT = 200
SEES_REQUESTS = (Role.CASE_MANAGER, Role.COORDINATOR, Role.MENTOR, Role.ADMIN)
CASE_MANAGING = (Role.CASE_MANAGER, Role.ADMIN)
MENTORING = (Role.MENTOR, Role.COORDINATOR)


def _actor():
    return current_user._get_current_object()


def _show(request_id: int):
    return redirect(url_for("gatemate.show", request_id=request_id))


def _back_to_request(request_id: int, message: str):
    flash(message, "error")
    return _show(request_id)


def _sees_participant(user) -> bool:
    return user.role in CASE_MANAGING


# What each viewer may do with a request, given its state ---------------------------------------------------

def _holds(gate_request: GatemateRequest, user) -> bool:
    """The user has a place on the request (either of two), or coordinates a mentor who has."""
    if user.role == Role.MENTOR:
        return gate_request.holds(user.id)
    return user.role == Role.COORDINATOR and any(
        mentor.organisation_id == user.organisation_id for mentor in gate_request.mentors)


def _actions(gate_request: GatemateRequest, user) -> set[str]:
    actions: set[str] = set()
    status = gate_request.status
    if user.role in CASE_MANAGING and status in ACTIVE_STATUSES:
        actions |= {"edit", "update_release", "cancel"}
    if user.role == Role.MENTOR and status == Status.OPEN and not gate_request.holds(user.id):
        actions.add("accept")
    if user.role == Role.COORDINATOR and status == Status.OPEN:
        actions.add("assign")
    if (user.role == Role.COORDINATOR and status == Status.SIGNOFF
            and user.organisation_id in organisations_covering(gate_request.prison)):
        actions.add("sign_off")
    if gate_request.one_of_two and _holds(gate_request, user):
        actions.add("hand_back")  # the first of two mentors may leave before the second comes
    if status == Status.ACCEPTED and _holds(gate_request, user):
        actions.add("hand_back")
        # Before the day there is nothing to record: the page says when it can be (no form to fill in vain).
        actions.add("record_outcome" if clock.today() >= gate_request.release_date else "record_outcome_later")
    return actions


def release_day_warning(day) -> str | None:
    """Releases due on a Saturday, Sunday or bank holiday normally happen on the working day before
    (domain facts, section 8): say which day that is."""
    if is_working_day(day):
        return None
    before = day - timedelta(days=1)
    while not is_working_day(before):
        before -= timedelta(days=1)
    kind = "a weekend" if day.weekday() >= 5 else "a bank holiday"
    return (f"{day:%A} {govuk_date(day)} is {kind}. Releases due on a weekend or bank holiday normally happen on the "
            f"working day before: {before:%A} {govuk_date(before)}. Check the date with the prison.")


def _request_view(gate_request: GatemateRequest, user) -> dict:
    """Everything a request's page shows. Mentoring organisations get the brief, and only while the
    person's consent to share is in force do they get anything personal (the note, the case manager's
    messages, the timeline's text); only case managers and admins get the participant (their full
    name and a link to the record), and each such view is written to the audit log."""
    requester = gate_request.requested_by
    mentoring = not _sees_participant(user)
    hidden = mentoring and not gate_request.shared
    update = gate_request.latest_release_update()
    view = {
        "id": gate_request.id,
        "brief": gate_request.brief(),
        "release_day_text": operations.day_text(gate_request.release_date),
        "participant": gate_request.participant if _sees_participant(user) else None,
        "created_at": gate_request.created_at,
        "mentor": gate_request.mentor,
        "mentor_organisation": gate_request.mentor.organisation.name if gate_request.mentor and
        gate_request.mentor.organisation else "",
        # Every mentor with a place (two on a two-mentor request), with their organisation.
        "mentors": [{"user": mentor, "organisation": mentor.organisation.name if mentor.organisation else ""}
                    for mentor in gate_request.mentors],
        "requested_by": requester,
        "requesting_organisation": gate_request.organisation.name,
        "release_update": None if hidden else update,
        "cancel_reason": CANCEL_REASON_LABELS.get(gate_request.cancel_reason, ""),
        "hours_spent": gate_request.hours_spent,
        "needs_met": gate_request.needs_met_labels,
        "went_to": WENT_TO.get(gate_request.went_to, ""),
        "not_met_reason": NOT_MET_REASONS.get(gate_request.not_met_reason, ""),
        "outcome_note": "" if hidden else gate_request.outcome_note,
        "outcome_recorded_at": gate_request.outcome_recorded_at,
        "timeline": [{"label": ACTION_LABELS.get(event.action, event.action),
                      "who": event.actor.full_name if event.actor else "Fair Chance Work",
                      "at": event.at, "note": "" if hidden else event.note}
                     for event in reversed(gate_request.events)],
        "hidden": hidden,
        "risk_flags": gate_request.risk_flags if user.role in (Role.CASE_MANAGER, Role.ADMIN, Role.COORDINATOR)
        and (not mentoring or gate_request.status == Status.SIGNOFF) else [],
        "signoff": gate_request.latest_signoff,
        "weekend_warning": release_day_warning(gate_request.release_date) if gate_request.is_active else None,
        "actions": _actions(gate_request, user),
        "days_to_release": gate_request.days_to_release(),
        "refusal": None,
        "covering_organisations": None,
    }
    if "accept" in view["actions"]:
        view["refusal"] = operations.eligibility_problem(profile_of(user), gate_request, user)
    if _sees_participant(user) and gate_request.status in (Status.OPEN, Status.SIGNOFF):
        view["covering_organisations"] = len(organisations_covering(gate_request.prison))
    return view


def _audit_view(participant: Participant, page: str) -> None:
    """A page showing a participant's full name was opened: one audit row per view (GETs only)."""
    user = _actor()
    if request.method == "GET" and _sees_participant(user):
        participant_operations.record_view(participant, user, page)
        db.session.commit()


# Board, lists and the request page ------------------------------------------------------------------------

@bp.get("/board")
@role_required(Role.MENTOR)
def board():
    """Open requests in the mentor's coverage, soonest release first."""
    user = _actor()
    profile = profile_of(user)
    items = []
    if profile is not None:
        open_requests = db.session.scalars(select(GatemateRequest).where(
            GatemateRequest.status == Status.OPEN, GatemateRequest.release_date >= clock.today(),
            GatemateRequest.prison.in_(sorted(profile.covered_prisons)),
        ).order_by(GatemateRequest.release_date, GatemateRequest.window_start, GatemateRequest.id)
            .limit(BOARD_LIMIT)).all()
        items = [{"brief": item.brief(), "refusal": operations.eligibility_problem(profile, item, user),
                  "usual_day": profile.available_on(item.release_date),
                  "days": item.days_to_release()} for item in open_requests]
    return render_template("gatemate/board.html", profile=profile, items=items, held=held_count(user.id),
                           today=clock.today(), confirm_form=ConfirmForm())


def _visible_requests(user):
    query = select(GatemateRequest)
    if user.role == Role.CASE_MANAGER:
        return query.where(GatemateRequest.organisation_id == user.organisation_id)
    if user.role == Role.MENTOR:
        return query.where(or_(GatemateRequest.mentor_id == user.id, GatemateRequest.second_mentor_id == user.id))
    if user.role == Role.COORDINATOR:
        own_mentors = select(User.id).where(User.organisation_id == user.organisation_id, User.role == Role.MENTOR)
        return query.where(or_(GatemateRequest.mentor_id.in_(own_mentors),
                               GatemateRequest.second_mentor_id.in_(own_mentors),
                               GatemateRequest.prison.in_(sorted(organisation_prisons(user.organisation_id)))))
    return query


SHOW_STATUSES = {
    "active": ACTIVE_STATUSES, "signoff": (Status.SIGNOFF,), "open": (Status.OPEN,), "accepted": (Status.ACCEPTED,),
    "done": (Status.MET, Status.NOT_MET), "closed": (Status.CANCELLED, Status.EXPIRED, Status.DECLINED),
}


@bp.get("/requests")
@role_required(*SEES_REQUESTS)
@writes_to_database
def requests():
    user = _actor()
    filters = RequestListForm(request.args)
    if not filters.validate():
        filters = RequestListForm()
    show = filters.show.data or "active"
    query = _visible_requests(user)
    if show in SHOW_STATUSES:
        query = query.where(GatemateRequest.status.in_(SHOW_STATUSES[show]))
    if show in ("active", "signoff", "open", "accepted"):
        query = query.order_by(GatemateRequest.release_date, GatemateRequest.window_start, GatemateRequest.id)
    else:
        query = query.order_by(GatemateRequest.release_date.desc(), GatemateRequest.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    rows = [{"id": item.id, "brief": item.brief(),
             "name": item.participant.full_name if _sees_participant(user) else item.brief().name,
             "mentor": " and ".join(mentor.full_name for mentor in item.mentors)} for item in page.items]
    if _sees_participant(user):  # full names on the list: a view of each person shown
        for participant in {item.participant.id: item.participant for item in page.items}.values():
            participant_operations.record_view(participant, user, "gatemate requests list")
        db.session.commit()
    return render_template("gatemate/requests.html", filters=filters, page=page, rows=rows,
                           heading=REQUEST_LIST_FILTERS.get(show, ""), today=clock.today())


@bp.get("/requests/<int:request_id>")
@role_required(*SEES_REQUESTS)
@writes_to_database
def show(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    _audit_view(gate_request.participant, "gatemate request")
    return render_template("gatemate/show.html", view=_request_view(gate_request, _actor()), today=clock.today(),
                           confirm_form=ConfirmForm())


# Case managers -------------------------------------------------------------------------------------------------

def _details_from(form) -> operations.Details:
    return operations.Details(destination_town=form.destination_town.data or "",
                              destination_region=form.destination_region.data or "",
                              needs=form.needs.data or [], priorities=form.priorities.data or [],
                              note=form.note.data or "", safety_arrangements=form.safety_arrangements.data or "")


@bp.route("/participants/<int:participant_id>/request", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def new_request(participant_id: int):
    participant = get_visible_or_404(Participant, participant_id)
    back = redirect(url_for("participants.show", participant_id=participant.id))
    if participant.is_closed:
        flash("This case is closed, so you cannot request a mentor.", "error")
        return back
    existing = next((item for item in participant.gatemate_requests if item.is_active), None)
    if existing is not None:
        flash(f"{participant.first_name} already has a request. Change it, or cancel it first.", "error")
        return _show(existing.id)
    _audit_view(participant, "gatemate new request")
    form = RequestForm()
    if not form.is_submitted():
        form.prison.data = participant.prison
        form.release_date.data = participant.release_date
        form.destination_town.data = participant.release_town
        form.destination_region.data = participant.release_region
        form.priorities.data = ["nfa"] if participant.no_fixed_abode else []

    def arguments():
        return (participant, form.prison.data or "",
                operations.ReleaseDay(form.release_date.data, parse_time(form.window_start.data),
                                      parse_time(form.window_end.data)),
                _details_from(form), _actor())

    page = dict(participant=participant, earliest=clock.today() + timedelta(days=operations.MIN_NOTICE_DAYS),
                consent_problem=operations.consent_problem(participant),
                contacts=coordinators_of(organisations_covering(participant.prison or "")),
                needs_signoff=operations.needs_signoff(participant))
    if form.is_submitted() and form.change.data:  # back from the check page: every answer kept, no errors yet
        return render_template("gatemate/new.html", form=form, **page)
    # "Continue" and "Send request" both check every answer again (a send posted with changed or forged
    # answers included): every problem at once, back on the form, nothing written.
    check = lambda: operations.check_request(*arguments())  # noqa: E731
    cleaned = submit(form, check, check=check)
    if cleaned:
        _, prison, release, _, _ = arguments()
        preview = preview_request(participant, prison, release, cleaned)
        if form.send.data and form.checked.data == preview.fingerprint:
            if created := submit(form, lambda: operations.create_request(*arguments())):
                sent = ("Request sent to a mentoring coordinator for sign-off: mentors will see it once it is signed "
                        "off." if created.status == Status.SIGNOFF else
                        "Request sent. Mentors who cover the prison have been told; you will hear when one accepts.")
                flash(sent, "success")
                if (warning := release_day_warning(created.release_date)) is not None:
                    flash(warning, "warning")
                return _show(created.id)
        else:
            # The check page: what mentors will see. Sent only as shown: answers (or the person's record)
            # changed since it was shown bring it back again, with a warning.
            participant_operations.record_view(participant, _actor(), "gatemate check request")
            db.session.commit()
            form.checked.data = preview.fingerprint
            return render_template("gatemate/check.html", form=form, preview=preview,
                                   held_back=HELD_BACK, changed=bool(form.send.data), **page)
    return render_form("gatemate/new.html", form, **page)


@bp.route("/participants/<int:participant_id>/consent", methods=["GET", "POST"])
@role_required(Role.CASE_MANAGER)
@writes_to_database
def consent(participant_id: int):
    """Record the person's consent to share with Gatemate mentors where the request is made; their
    consent to share with employers stays as it was."""
    participant = get_visible_or_404(Participant, participant_id)
    if participant.is_closed:
        flash("This case is closed, so the record cannot be changed.", "error")
        return redirect(url_for("participants.show", participant_id=participant.id))
    _audit_view(participant, "gatemate consent")
    form = GatemateConsentForm()
    current = participant.consent
    if submit(form, lambda: participant_operations.record_consent(
            participant, bool(current and current.employers), form.mentors.data == "yes", form.given_on.data,
            form.purpose.data or (current.purpose if current else ""), _actor())):
        if form.mentors.data == "yes":
            flash(f"Consent recorded: {participant.first_name} agrees to share details with Gatemate mentors.",
                  "success")
            return redirect(url_for("gatemate.new_request", participant_id=participant.id))
        flash(f"Recorded: {participant.first_name} does not agree to share details with mentors. Any Gatemate request "
              "for them has ended.", "success")
        return redirect(url_for("participants.show", participant_id=participant.id, _anchor="gatemate"))
    return render_form("gatemate/consent.html", form, participant=participant)


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@role_required(*CASE_MANAGING)
@writes_to_database
def edit(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if not gate_request.is_active:
        return _back_to_request(request_id, "This request is closed, so it cannot be changed.")
    _audit_view(gate_request.participant, "gatemate edit request")
    form = EditDetailsForm()
    if not form.is_submitted():
        for name in ("destination_town", "destination_region", "needs", "priorities", "note", "safety_arrangements"):
            form[name].data = getattr(gate_request, name)
    if submit(form, lambda: operations.edit_details(request_id, _details_from(form), _actor())):
        flash("Changes saved." + (" The mentor has been told." if gate_request.mentor_id else ""), "success")
        return _show(request_id)
    return render_form("gatemate/edit.html", form, view=_request_view(gate_request, _actor()),
                       participant=gate_request.participant)


@bp.route("/requests/<int:request_id>/release", methods=["GET", "POST"])
@role_required(*CASE_MANAGING)
@writes_to_database
def release(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if not gate_request.is_active:
        return _back_to_request(request_id, "This request is closed, so release day cannot be changed.")
    _audit_view(gate_request.participant, "gatemate release day")
    form = ReleaseForm()
    if not form.is_submitted():
        form.release_status.data = gate_request.release_status
        form.release_date.data = gate_request.release_date
        form.window_start.data = time_value(gate_request.window_start)
        form.window_end.data = time_value(gate_request.window_end)
    update = lambda: operations.ReleaseUpdate(  # noqa: E731
        release_status=form.release_status.data or "", release_date=form.release_date.data,
        window_start=parse_time(form.window_start.data), window_end=parse_time(form.window_end.data),
        message=form.message.data or "")
    # Everyone with a place is told, the first of two mentors included while a second is awaited.
    held = len(gate_request.mentors) if gate_request.status in (Status.OPEN, Status.ACCEPTED) else 0
    if submit(form, lambda: operations.update_release(request_id, update(), _actor())):
        texts.deliver_quietly()
        told = {0: "", 1: " The mentor has been told."}.get(held, " Both mentors have been told.")
        flash("Release day updated." + told, "success")
        if (warning := release_day_warning(gate_request.release_date)) is not None and gate_request.is_active:
            flash(warning, "warning")
        return _show(request_id)
    return render_form("gatemate/release.html", form, view=_request_view(gate_request, _actor()))


@bp.route("/requests/<int:request_id>/cancel", methods=["GET", "POST"])
@role_required(*CASE_MANAGING)
@writes_to_database
def cancel(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if not gate_request.is_active:
        return _back_to_request(request_id, "This request is already closed.")
    _audit_view(gate_request.participant, "gatemate cancel request")
    form = CancelForm()
    if submit(form, lambda: operations.cancel(request_id, _actor(), form.reason.data or "", form.note.data or "")):
        flash("Request cancelled." + (" The mentor has been told." if gate_request.mentor_id else ""), "success")
        return _show(request_id)
    return render_form("gatemate/cancel.html", form, view=_request_view(gate_request, _actor()))


# Mentors and coordinators ---------------------------------------------------------------------------------------

@bp.post("/requests/<int:request_id>/accept")
@role_required(Role.MENTOR)
def accept(request_id: int):
    user = _actor()
    gate_request = db.session.get(GatemateRequest, request_id)
    # A mentor who covers the prison may try to accept whatever has happened meanwhile, so that the
    # one who loses a race is told it was taken rather than shown "page not found".
    if gate_request is None or not (gate_request.holds(user.id) or gate_request.in_coverage_of(user)):
        abort(404)
    form = ConfirmForm()
    if submit(form, lambda: operations.accept(request_id, user)):
        db.session.expire_all()
        accepted = db.session.get(GatemateRequest, request_id)
        flash("You have accepted this request. The case manager has been told."
              + (" Two mentors must go: it stays on the board until a second mentor accepts." if accepted.one_of_two
                 else ""), "success")
        return _show(request_id)
    flash_form_errors(form)
    db.session.expire_all()
    if gate_request.can_view(user):
        return _show(request_id)
    return redirect(url_for("gatemate.board"))


@bp.route("/requests/<int:request_id>/assign", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def assign(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if gate_request.status != Status.OPEN:
        return _back_to_request(request_id, "This request is not waiting for a mentor.")
    user = _actor()
    mentors = db.session.scalars(select(User).where(
        User.organisation_id == user.organisation_id, User.role == Role.MENTOR, User.status == UserStatus.ACTIVE,
    ).order_by(User.full_name)).all()
    options = []
    for mentor in mentors:
        profile = profile_of(mentor)
        options.append({"mentor": mentor, "profile": profile,
                        "problem": operations.eligibility_problem(profile, gate_request, mentor, you=False),
                        "usual_day": profile.available_on(gate_request.release_date) if profile else False,
                        "held": held_count(mentor.id)})
    form = AssignForm()
    form.mentor_id.choices = [(option["mentor"].id, option["mentor"].full_name) for option in options
                              if option["problem"] is None]
    if submit(form, lambda: operations.assign(request_id, form.mentor_id.data, user)):
        flash("Mentor assigned. They and the case manager have been told.", "success")
        return _show(request_id)
    return render_form("gatemate/assign.html", form, view=_request_view(gate_request, user), options=options)


@bp.route("/requests/<int:request_id>/sign-off", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def sign_off(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    user = _actor()
    if "sign_off" not in _actions(gate_request, user):
        return _back_to_request(request_id, "This request is not waiting for your sign-off.")
    form = SignoffForm()
    if submit(form, lambda: operations.sign_off(request_id, user, form.decision.data or "", form.reason.data or "",
                                                bool(form.two_mentors.data))):
        flash("Signed off: mentors who cover the prison have been told." if form.decision.data == "sign_off"
              else "Recorded: not signed off. The case manager has been told who decided and why.", "success")
        return _show(request_id)
    return render_form("gatemate/signoff.html", form, view=_request_view(gate_request, user))


@bp.route("/requests/<int:request_id>/hand-back", methods=["GET", "POST"])
@role_required(*MENTORING)
def hand_back(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if "hand_back" not in _actions(gate_request, _actor()):
        return _back_to_request(request_id, "Only a request you hold can be handed back.")
    form = HandBackForm()
    if submit(form, lambda: operations.hand_back(request_id, _actor(), form.reason.data or "")):
        flash("Request handed back. It is open again, and your coordinators and the case manager have been told.",
              "success")
        return redirect(url_for("gatemate.board" if current_user.role == Role.MENTOR else "gatemate.requests"))
    return render_form("gatemate/hand_back.html", form, view=_request_view(gate_request, _actor()))


def _outcome_forms(gate_request: GatemateRequest):
    met, not_met = MetForm(), NotMetForm()
    met.needs_met.choices = [(code, label) for code, label in DAY_NEEDS.items() if code in gate_request.needs]
    return met, not_met


def _outcome_page(gate_request: GatemateRequest, met, not_met, submitted=None):
    context = {"view": _request_view(gate_request, _actor()), "met_form": met, "not_met_form": not_met,
               "too_early": clock.today() < gate_request.release_date,
               "release_day_text": operations.day_text(gate_request.release_date)}
    if submitted is None:
        return render_template("gatemate/outcome.html", **context)
    return render_form("gatemate/outcome.html", submitted, **context)


def _outcome_unavailable(gate_request: GatemateRequest):
    if gate_request.status != Status.ACCEPTED or not _holds(gate_request, _actor()):
        return _back_to_request(gate_request.id,
                                "Release day can be recorded only by the mentor who holds the request.")
    return None


@bp.get("/requests/<int:request_id>/outcome")
@role_required(*MENTORING)
def outcome(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if (unavailable := _outcome_unavailable(gate_request)) is not None:
        return unavailable
    return _outcome_page(gate_request, *_outcome_forms(gate_request))


@bp.post("/requests/<int:request_id>/outcome/met")
@role_required(*MENTORING)
def record_met(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if (unavailable := _outcome_unavailable(gate_request)) is not None:
        return unavailable
    met, not_met = _outcome_forms(gate_request)
    if submit(met, lambda: operations.record_met(request_id, _actor(), met.hours_spent.data, met.needs_met.data or [],
                                                 met.went_to.data or "", met.met_note.data or "")):
        flash("Recorded: met at the gate. Thank you. The case manager has been told.", "success")
        return _show(request_id)
    return _outcome_page(gate_request, met, not_met, submitted=met)


@bp.post("/requests/<int:request_id>/outcome/not-met")
@role_required(*MENTORING)
def record_not_met(request_id: int):
    gate_request = get_visible_or_404(GatemateRequest, request_id)
    if (unavailable := _outcome_unavailable(gate_request)) is not None:
        return unavailable
    met, not_met = _outcome_forms(gate_request)
    if submit(not_met, lambda: operations.record_not_met(request_id, _actor(), not_met.reason.data or "",
                                                         not_met.not_met_note.data or "")):
        flash("Recorded: not met. The case manager has been told.", "success")
        return _show(request_id)
    return _outcome_page(gate_request, met, not_met, submitted=not_met)


# Mentors' profiles ----------------------------------------------------------------------------------------------

@bp.get("/mentors")
@role_required(Role.COORDINATOR)
def mentors():
    user = _actor()
    people = db.session.scalars(select(User).where(
        User.organisation_id == user.organisation_id, User.role == Role.MENTOR).order_by(User.full_name)).all()
    profiles = {profile.user_id: profile for profile in db.session.scalars(
        select(MentorProfile).where(MentorProfile.user_id.in_([person.id for person in people])))}
    rows = [{"mentor": person, "profile": profiles.get(person.id), "held": held_count(person.id)} for person in people]
    return render_template("gatemate/mentors.html", rows=rows, today=clock.today(),
                           soon=clock.today() + timedelta(days=30))


def _own_mentor_or_404(mentor_id: int) -> User:
    mentor = db.session.get(User, mentor_id)
    if mentor is None or mentor.role != Role.MENTOR or mentor.organisation_id != current_user.organisation_id:
        abort(404)
    return mentor


@bp.route("/mentors/<int:mentor_id>/profile", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def mentor_profile(mentor_id: int):
    mentor = _own_mentor_or_404(mentor_id)
    profile = profile_of(mentor)
    form = MentorProfileForm()
    if not form.is_submitted():
        if profile is not None:
            for name in ("regions", "weekdays", "dbs_checked_on", "dbs_expires_on", "help_with", "languages",
                         "capacity", "unavailable_until", "mobile"):
                form[name].data = getattr(profile, name)
            fill_prisons(form, profile.prisons or [])
        else:
            form.capacity.data = 1
    values = lambda: operations.ProfileValues(  # noqa: E731
        prisons=chosen_prisons(form), regions=form.regions.data or [], weekdays=form.weekdays.data or [],
        dbs_checked_on=form.dbs_checked_on.data, dbs_expires_on=form.dbs_expires_on.data,
        help_with=form.help_with.data or [], languages=form.languages.data or "", capacity=form.capacity.data,
        unavailable_until=form.unavailable_until.data, mobile=form.mobile.data or "")
    if submit(form, lambda: operations.save_mentor_profile(mentor.id, values(), _actor())):
        flash(f"{mentor.full_name}'s profile saved.", "success")
        return redirect(url_for("gatemate.mentors"))
    return render_form("gatemate/mentor_profile.html", form, mentor=mentor, profile=profile)


@bp.get("/profile")
@role_required(Role.MENTOR)
def my_profile():
    user = _actor()
    return render_template("gatemate/my_profile.html", profile=profile_of(user), held=held_count(user.id),
                           today=clock.today())


# Text messages -----------------------------------------------------------------------------------------------------

@bp.get("/texts")
@role_required(Role.ADMIN)
def text_messages():
    """Release-day texts (and Notify emails): what was sent through GOV.UK Notify, or, without a
    key, what would have been, as the email outbox shows emails."""
    page = db.paginate(select(TextMessage).order_by(TextMessage.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False)
    return render_template("gatemate/texts.html", page=page, configured=texts.notify_configured())


# Coverage ---------------------------------------------------------------------------------------------------------

@bp.get("/coverage")
@role_required(Role.COORDINATOR, Role.ADMIN)
def coverage():
    user = _actor()
    filters = CoverageFilterForm(request.args)
    today = clock.today()
    default_from, default_to = today - timedelta(weeks=12), today + timedelta(weeks=4)
    problems = []
    if request.args and not filters.validate():
        problems = [error for errors in filters.errors.values() for error in errors]
    start = filters.period_from.data or default_from
    end = filters.period_to.data or default_to
    if end < start:
        problems.append("The end of the period must be on or after its start")
        start, end = default_from, default_to
    if filters.period_from.data is None:
        filters.period_from.data = start
    if filters.period_to.data is None:
        filters.period_to.data = end
    organisation_id = user.organisation_id if user.role == Role.COORDINATOR else None
    report = coverage_report(start, end, organisation_id=organisation_id, region=filters.region.data or None)
    return render_template("gatemate/coverage.html", filters=filters, report=report, start=start, end=end,
                           problems=problems)


# Home page panels -------------------------------------------------------------------------------------------------

@home_panel
def gatemate_home(user) -> dict:
    today = clock.today()
    if user.role == Role.MENTOR:
        profile = profile_of(user)
        held = db.session.scalars(select(GatemateRequest).where(held_by(user.id))
                                  .order_by(GatemateRequest.release_date)).all()
        waiting = 0
        if profile is not None:
            waiting = len(db.session.scalars(select(GatemateRequest.id).where(
                GatemateRequest.status == Status.OPEN, GatemateRequest.release_date >= today,
                GatemateRequest.prison.in_(sorted(profile.covered_prisons)))).all())
        return {"gatemate": {"profile": profile, "held": [item.brief() for item in held], "waiting": waiting,
                             "today": today}}
    if user.role == Role.COORDINATOR:
        prisons = sorted(organisation_prisons(user.organisation_id))
        signoff = db.session.scalar(select(func.count()).select_from(GatemateRequest).where(
            GatemateRequest.status == Status.SIGNOFF, GatemateRequest.prison.in_(prisons))) or 0
        soon = db.session.scalars(select(GatemateRequest).where(
            GatemateRequest.status == Status.OPEN, GatemateRequest.prison.in_(prisons),
            GatemateRequest.release_date >= today, GatemateRequest.release_date <= today + timedelta(days=7))
            .order_by(GatemateRequest.release_date)).all()
        return {"gatemate": {"soon": [item.brief() for item in soon], "today": today, "signoff": signoff}}
    if user.role == Role.CASE_MANAGER:
        active = db.session.scalars(select(GatemateRequest.status).where(
            GatemateRequest.organisation_id == user.organisation_id,
            GatemateRequest.status.in_(ACTIVE_STATUSES))).all()
        return {"gatemate": {"open": active.count(Status.OPEN), "accepted": active.count(Status.ACCEPTED)}}
    return {}


bp.add_app_template_filter(duration_text, "duration")
