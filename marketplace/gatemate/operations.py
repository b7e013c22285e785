"""Every write about Gatemate: requests, their release day, their outcome, and mentors' profiles.

Each operation checks everything before it changes anything, so a refusal leaves the request as it
was. Steps that two people may race for (accepting, assigning, handing back, cancelling, updating)
lock the request's row first; whoever gets the lock second sees the first one's change, so exactly
one mentor wins a request and the rest are told it has been taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Refused
from marketplace.core.filters import govuk_date
from marketplace.core.links import path_for
from marketplace.core.operations import notify, record_audit
from marketplace.core.reminders import reminder_job, send_once
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.gatemate.models import (
    ACTIVE_STATUSES,
    CANCEL_REASONS,
    DAY_NEEDS,
    HELP_WITH,
    MAX_CAPACITY,
    NOT_MET_REASONS,
    PRIORITIES,
    RELEASE_STATUS_LABELS,
    WEEKDAYS,
    WENT_TO,
    GatemateRequest,
    MentorProfile,
    ReleaseStatus,
    Status,
    active_profiles,
    coordinators_of,
    held_count,
    organisations_covering,
    window_text,
)
from marketplace.gatemate.workflow import record_event, transition
from marketplace.participants.export import EXPORT_SECTIONS
from marketplace.participants.models import Participant
from marketplace.reference import PRISONS, REGIONS

MIN_NOTICE_DAYS = 3
MAX_DAYS_AHEAD = 366
FLAG_COORDINATORS_DAYS = 7
FLAG_CASE_MANAGER_DAYS = 2


class AlreadyTaken(Refused):
    """Another mentor accepted the request first."""


TAKEN_MESSAGE = ("Sorry, another mentor accepted this request first, so it has been taken. "
                 "Other requests in your area are on your board.")


def day_text(value: date) -> str:
    return f"{value:%A} {govuk_date(value)}"


def _brief_name(request: GatemateRequest) -> str:
    return request.brief().name


# Values the forms collect ----------------------------------------------------------------------------

@dataclass
class Details:
    """Where the person is going, what they need on the day, why they come first, and the note."""

    destination_town: str
    destination_region: str
    needs: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ReleaseDay:
    release_date: date | None
    window_start: time | None
    window_end: time | None


@dataclass
class ProfileValues:
    prisons: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    weekdays: list[int] = field(default_factory=list)
    dbs_checked_on: date | None = None
    dbs_expires_on: date | None = None
    help_with: list[str] = field(default_factory=list)
    languages: str = ""
    capacity: int | None = None


# Checks ------------------------------------------------------------------------------------------------

def _check_details(details: Details, participant: Participant) -> Details:
    """Clean the details, or refuse. A note for the mentor needs the participant's consent to share
    details with mentors: without it the note is refused, with a message saying why, rather than kept
    back quietly, so the case manager never believes the mentor knows something they were not told.
    (If consent is withdrawn later, the note stops being shown: see `note_for_mentors`.)"""
    town = (details.destination_town or "").strip()
    if not town:
        raise Refused("Enter the town or city they are going to", field="destination_town")
    if len(town) > 100:
        raise Refused("Town must be 100 characters or fewer", field="destination_town")
    if details.destination_region not in REGIONS:
        raise Refused("Select the region they are going to", field="destination_region")
    needs = [code for code in DAY_NEEDS if code in (details.needs or [])]
    if len(needs) != len(set(details.needs or [])):
        raise Refused("Select needs from the list", field="needs")
    if not needs:
        raise Refused("Select what they need on the day", field="needs")
    priorities = [code for code in PRIORITIES if code in (details.priorities or [])]
    if len(priorities) != len(set(details.priorities or [])):
        raise Refused("Select priorities from the list", field="priorities")
    note = (details.note or "").strip()
    if len(note) > 500:
        raise Refused("The note must be 500 characters or fewer", field="note")
    if note and not participant.may_share_with_mentors():
        raise Refused(f"You cannot send a note to the mentor: {participant.first_name} has not agreed to share "
                      "details with mentors. Leave the note empty, or record their consent first.", field="note")
    return Details(destination_town=town, destination_region=details.destination_region, needs=needs,
                   priorities=priorities, note=note)


def _check_release_day(release: ReleaseDay, *, earliest: date, earliest_message: str) -> ReleaseDay:
    today = clock.today()
    if release.release_date is None:
        raise Refused("Enter the release date", field="release_date")
    if release.release_date < earliest:
        raise Refused(earliest_message, field="release_date")
    if release.release_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Refused("The release date must be within the next 12 months", field="release_date")
    if release.window_start is None:
        raise Refused("Select when they are expected out from", field="window_start")
    if release.window_end is None:
        raise Refused("Select when they are expected out by", field="window_end")
    if release.window_end <= release.window_start:
        raise Refused("The time they are expected out by must be after the time they are expected out from",
                      field="window_end")
    return release


def _check_case_manager(organisation_id: int, actor: User) -> None:
    if actor.role == Role.ADMIN:
        return
    if actor.role != Role.CASE_MANAGER or actor.organisation_id != organisation_id:
        raise Refused("Only case managers of the person's organisation can do this")


def _check_holder(request: GatemateRequest, actor: User) -> None:
    """The mentor who holds the request, or a coordinator of that mentor's organisation."""
    if actor.role == Role.MENTOR and request.mentor_id == actor.id:
        return
    if (actor.role == Role.COORDINATOR and request.mentor is not None
            and request.mentor.organisation_id == actor.organisation_id):
        return
    raise Refused("Only the mentor who holds this request, or their coordinator, can do this")


def eligibility_problem(profile: MentorProfile | None, request: GatemateRequest, mentor: User, *,
                        you: bool = True) -> str | None:
    """Why `mentor` cannot take `request`, or None. The same checks for a mentor accepting and for a
    coordinator assigning; `you` words the message for the mentor or for their coordinator."""
    name = "You" if you else mentor.full_name
    whose = "Your" if you else f"{mentor.full_name}'s"
    if mentor.status != UserStatus.ACTIVE:
        return f"{mentor.full_name}'s account is not active"
    if profile is None:
        if you:
            return "Your coordinator has not set up your mentor profile yet, so you cannot accept requests."
        return f"{mentor.full_name} has no mentor profile yet. Set one up first."
    if not profile.covers(request.prison):
        return f"{request.prison} is not one of the prisons {name.lower() if you else name} cover{'' if you else 's'}."
    today = clock.today()
    if not profile.dbs_in_date(today):
        return (f"{whose} DBS check expired on {govuk_date(profile.dbs_expires_on)}. "
                f"{'You' if you else 'They'} cannot take requests until a new check is recorded.")
    if not profile.dbs_in_date(request.release_date):
        return (f"{whose} DBS check must be renewed by {govuk_date(profile.dbs_expires_on)}, before this release on "
                f"{govuk_date(request.release_date)}. Renew the check first.")
    if profile.capacity == 0:
        return f"{name} {'are' if you else 'is'} paused: the number of requests {name.lower() if you else name} " \
               f"can hold is set to 0."
    held = held_count(mentor.id)
    if held >= profile.capacity:
        return (f"{name} already hold{'' if you else 's'} {held} of {profile.capacity} requests, the most "
                f"{'you' if you else 'they'} can hold at once. Hand one back or raise the limit first.")
    return None


def _case_managers(request: GatemateRequest) -> list[User]:
    people = []
    for person in (request.requested_by, request.participant.case_manager):
        if person is not None and person.status == UserStatus.ACTIVE and person not in people:
            people.append(person)
    return people


def _admins() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)))


def _locked(request_id: int) -> GatemateRequest:
    request = lock_for_update(GatemateRequest, request_id)
    if request is None:
        raise Refused("This request no longer exists")
    return request


def _lock_profile(mentor: User) -> MentorProfile | None:
    profile_id = db.session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == mentor.id))
    return lock_for_update(MentorProfile, profile_id) if profile_id is not None else None


def _when(request: GatemateRequest) -> str:
    return f"{request.prison} on {day_text(request.release_date)}, {request.window}"


# Requests ---------------------------------------------------------------------------------------------

def create_request(participant: Participant, prison: str, release: ReleaseDay, details: Details,
                   actor: User) -> GatemateRequest:
    """Ask for a mentor to meet `participant` at the gate. Needs at least 3 days' notice, so that a
    mentor has time to accept. Mentors who cover the prison are told."""
    _check_case_manager(participant.organisation_id, actor)
    if actor.role != Role.CASE_MANAGER:
        raise Refused("Only case managers can request a mentor")
    if participant.is_closed:
        raise Refused("This case is closed, so you cannot request a mentor")
    if not participant.in_custody:
        raise Refused(f"Gatemate mentors meet people leaving prison. {participant.first_name}'s record says they "
                      "are in the community: change their record first if they are in prison.")
    existing = db.session.scalar(select(GatemateRequest).where(
        GatemateRequest.participant_id == participant.id, GatemateRequest.status.in_(ACTIVE_STATUSES)))
    if existing is not None:
        raise Refused(f"{participant.first_name} already has a request for {govuk_date(existing.release_date)}. "
                      "Change that one, or cancel it first.")
    if prison not in PRISONS:
        raise Refused("Select the prison they are leaving", field="prison")
    earliest = clock.today() + timedelta(days=MIN_NOTICE_DAYS)
    _check_release_day(release, earliest=earliest, earliest_message=(
        f"The release date must be at least {MIN_NOTICE_DAYS} days from today ({govuk_date(earliest)} or later), "
        "so that a mentor has time to accept. For a sooner release, contact a mentoring organisation directly."))
    cleaned = _check_details(details, participant)
    request = GatemateRequest(
        participant_id=participant.id, organisation_id=participant.organisation_id, requested_by_id=actor.id,
        prison=prison, release_date=release.release_date, window_start=release.window_start,
        window_end=release.window_end, release_status=ReleaseStatus.EXPECTED,
        destination_town=cleaned.destination_town, destination_region=cleaned.destination_region,
        needs=cleaned.needs, priorities=cleaned.priorities, note=cleaned.note, status=Status.OPEN,
        created_at=clock.now(), updated_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    record_event(request, "request", actor)
    record_audit("gatemate.requested", request, actor=actor)
    link = path_for("gatemate.show", request_id=request.id)
    # Only mentors who could take it now are told: not those whose DBS check lapses first, who are
    # paused, or who already hold as many requests as they can.
    for profile in active_profiles():
        if profile.covers(prison) and eligibility_problem(profile, request, profile.user) is None:
            notify(profile.user, f"New request: {_brief_name(request)} leaving {_when(request)}. "
                   "First to accept gets it.", link, email_subject=f"Gatemate: someone leaving {prison} needs a mentor")
    return request


def edit_details(request_id: int, details: Details, actor: User) -> GatemateRequest:
    """Change where the person is going, what they need, the priorities or the note; the mentor is told."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    cleaned = _check_details(details, request.participant)
    transition(request, "edit", actor)
    for name in ("destination_town", "destination_region", "needs", "priorities", "note"):
        setattr(request, name, getattr(cleaned, name))
    record_audit("gatemate.edited", request, actor=actor)
    if request.mentor is not None and request.status == Status.ACCEPTED:
        notify(request.mentor, f"The details of {_brief_name(request)}'s request have changed. Check what they need.",
               path_for("gatemate.show", request_id=request.id),
               email_subject="Gatemate: the details of your request have changed")
    return request


@dataclass
class ReleaseUpdate:
    release_status: str
    release_date: date | None
    window_start: time | None
    window_end: time | None
    message: str = ""


def update_release(request_id: int, update: ReleaseUpdate, actor: User) -> GatemateRequest:
    """Move the release date or time, or say how release day is going (released, delayed, not
    released today). The mentor holding the request sees it on the request at once and is told by
    notification and email: mentors often wait at the gate for a release that has moved."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    today = clock.today()
    if update.release_status not in RELEASE_STATUS_LABELS:
        raise Refused("Select the release day status", field="release_status")
    new_day = ReleaseDay(update.release_date, update.window_start, update.window_end)
    if update.release_date != request.release_date:
        _check_release_day(new_day, earliest=today, earliest_message="The new release date cannot be in the past")
    else:
        _check_release_day(new_day, earliest=min(today, request.release_date),
                           earliest_message="The new release date cannot be in the past")
    if update.release_status == ReleaseStatus.RELEASED and update.release_date > today:
        raise Refused("They cannot be released on a day still to come. If they came out early, change the release "
                      "date to the day they came out.", field="release_status")
    if update.release_status in (ReleaseStatus.DELAYED, ReleaseStatus.NOT_RELEASED) and update.release_date != today:
        raise Refused("Delayed and not released today are for the release day itself. To move the release, change "
                      "the date and choose expected.", field="release_status")
    message = (update.message or "").strip()
    if len(message) > 400:
        raise Refused("The message must be 400 characters or fewer", field="message")
    changes = []
    if update.release_date != request.release_date:
        changes.append(f"Release moved from {day_text(request.release_date)} to {day_text(update.release_date)}.")
    if (update.window_start, update.window_end) != (request.window_start, request.window_end):
        changes.append(f"Now expected {window_text(update.window_start, update.window_end)} "
                       f"(was {request.window}).")
    if update.release_status != request.release_status:
        changes.append(f"Status: {RELEASE_STATUS_LABELS[update.release_status]}.")
    if not changes and not message:
        raise Refused("Nothing has changed. Change the date, the time or the status, or write a message for the "
                      "mentor.")
    summary = " ".join(changes + ([f"Message: {message}"] if message else []))
    transition(request, "update_release", actor, note=summary)
    request.release_date = update.release_date
    request.window_start, request.window_end = update.window_start, update.window_end
    request.release_status = update.release_status
    record_audit("gatemate.release_updated", request, actor=actor, detail=update.release_status)
    if request.mentor is not None and request.status == Status.ACCEPTED:
        notify(request.mentor, f"Release day update for {_brief_name(request)} at {request.prison}: {summary}",
               path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: release day update for {_brief_name(request)}")
    return request


def cancel(request_id: int, actor: User, reason: str, note: str = "") -> GatemateRequest:
    """Withdraw a request. A mentor who held it is told."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    if reason not in CANCEL_REASONS:
        raise Refused("Select why you are cancelling the request", field="reason")
    note = (note or "").strip()
    if reason == "other" and not note:
        raise Refused("Say why you are cancelling the request", field="note")
    if len(note) > 400:
        raise Refused("The note must be 400 characters or fewer", field="note")
    held_by = request.mentor if request.status == Status.ACCEPTED else None
    transition(request, "cancel", actor, note=CANCEL_REASONS[reason] + (f". {note}" if note else ""))
    request.cancel_reason = reason
    record_audit("gatemate.cancelled", request, actor=actor, detail=reason)
    if held_by is not None:
        notify(held_by, f"The request for {_brief_name(request)} at {_when(request)} has been cancelled: "
               f"{CANCEL_REASONS[reason].lower()}. You do not need to go.",
               path_for("gatemate.show", request_id=request.id),
               email_subject="Gatemate: a request you held has been cancelled")
    return request


def accept(request_id: int, mentor: User) -> GatemateRequest:
    """First come, first served: the request goes to the first mentor to accept it. The row is locked,
    so a mentor who tries at the same moment waits, then sees it taken (AlreadyTaken)."""
    if mentor.role != Role.MENTOR:
        raise Refused("Only mentors can accept requests")
    request = _locked(request_id)
    if request.status != Status.OPEN:
        if request.status == Status.ACCEPTED and request.mentor_id == mentor.id:
            raise Refused("You have already accepted this request.")
        if request.status == Status.ACCEPTED:
            raise AlreadyTaken(TAKEN_MESSAGE)
        raise Refused(f"This request is no longer open: {request.status_label.lower()}.")
    problem = eligibility_problem(_lock_profile(mentor), request, mentor, you=True)
    if problem:
        raise Refused(problem)
    transition(request, "accept", mentor)
    request.mentor_id = mentor.id
    record_audit("gatemate.accepted", request, actor=mentor)
    organisation = mentor.organisation.name if mentor.organisation else ""
    for person in _case_managers(request):
        notify(person, f"{mentor.full_name} of {organisation} will meet {request.participant.full_name} at "
               f"{_when(request)}.", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: a mentor will meet {request.participant.first_name}")
    return request


def assign(request_id: int, mentor_id: int | None, coordinator: User) -> GatemateRequest:
    """A coordinator gives an open request to one of their own mentors, with the same checks as a
    mentor accepting it (coverage, DBS in date, capacity)."""
    if coordinator.role != Role.COORDINATOR:
        raise Refused("Only mentoring coordinators can assign a mentor")
    request = _locked(request_id)
    if request.status == Status.ACCEPTED:
        raise AlreadyTaken("A mentor has already accepted this request, so it cannot be assigned.")
    if request.status != Status.OPEN:
        raise Refused(f"This request is no longer open: {request.status_label.lower()}.")
    mentor = db.session.get(User, mentor_id) if mentor_id else None
    if mentor is None or mentor.role != Role.MENTOR or mentor.organisation_id != coordinator.organisation_id:
        raise Refused("Select one of your organisation's mentors", field="mentor_id")
    problem = eligibility_problem(_lock_profile(mentor), request, mentor, you=False)
    if problem:
        raise Refused(problem, field="mentor_id")
    transition(request, "assign", coordinator, note=f"Assigned to {mentor.full_name}")
    request.mentor_id = mentor.id
    record_audit("gatemate.assigned", request, actor=coordinator, detail=f"mentor {mentor.id}")
    link = path_for("gatemate.show", request_id=request.id)
    notify(mentor, f"{coordinator.full_name} has asked you to meet {_brief_name(request)} at {_when(request)}.",
           link, email_subject="Gatemate: you have been assigned a request")
    for person in _case_managers(request):
        notify(person, f"{mentor.full_name} of {coordinator.organisation.name} will meet "
               f"{request.participant.full_name} at {_when(request)}.", link,
               email_subject=f"Gatemate: a mentor will meet {request.participant.first_name}")
    return request


def hand_back(request_id: int, actor: User, reason: str) -> GatemateRequest:
    """The mentor (or their coordinator) gives a request back: it reopens for other mentors, and the
    organisation's coordinators and the case manager are told."""
    request = _locked(request_id)
    _check_holder(request, actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Say why you are handing the request back", field="reason")
    if len(reason) > 400:
        raise Refused("The reason must be 400 characters or fewer", field="reason")
    former = request.mentor
    transition(request, "hand_back", actor, note=f"{former.full_name}: {reason}")
    request.mentor_id = None
    record_audit("gatemate.handed_back", request, actor=actor)
    link = path_for("gatemate.show", request_id=request.id)
    text = (f"{former.full_name} handed back the request for {_brief_name(request)} at {_when(request)}: {reason}. "
            "It is open again and needs a mentor.")
    for coordinator in coordinators_of([former.organisation_id]):
        if coordinator.id != actor.id:
            notify(coordinator, text, link, email_subject="Gatemate: a request was handed back and needs a mentor")
    if actor.id != former.id:
        notify(former, f"{actor.full_name} handed back your request for {_brief_name(request)} at {_when(request)}.",
               link, email_subject="Gatemate: a request was taken off you")
    for person in _case_managers(request):
        notify(person, f"The mentor for {request.participant.full_name} at {_when(request)} can no longer go. "
               "The request is open again for other mentors.", link,
               email_subject=f"Gatemate: {request.participant.first_name}'s mentor can no longer go")
    return request


def _check_outcome_day(request: GatemateRequest) -> None:
    if clock.today() < request.release_date:
        raise Refused(f"You can record what happened on or after the release day, "
                      f"{day_text(request.release_date)}.")


def record_met(request_id: int, actor: User, hours_spent: int | None, needs_met: list[str], went_to: str,
               note: str = "") -> GatemateRequest:
    """Record that the mentor met the person at the gate: the hours spent, which needs were met and
    where the person went (did they reach the address they were going to?)."""
    request = _locked(request_id)
    _check_holder(request, actor)
    if request.status == Status.ACCEPTED:
        _check_outcome_day(request)
    if hours_spent is None or not 1 <= hours_spent <= 24:
        raise Refused("Enter between 1 and 24 hours", field="hours_spent")
    needs = [code for code in request.needs if code in (needs_met or [])]
    if len(needs) != len(set(needs_met or [])):
        raise Refused("Select needs from the ones on the request", field="needs_met")
    if went_to not in WENT_TO:
        raise Refused("Select where they went", field="went_to")
    note = (note or "").strip()
    if len(note) > 1000:
        raise Refused("The note must be 1,000 characters or fewer", field="met_note")
    transition(request, "record_met", actor, note=f"{hours_spent} hours. Went to: {WENT_TO[went_to].lower()}.")
    request.hours_spent, request.needs_met, request.went_to = hours_spent, needs, went_to
    request.outcome_note, request.outcome_recorded_at = note, clock.now()
    record_audit("gatemate.met", request, actor=actor, detail=went_to)
    for person in _case_managers(request):
        notify(person, f"{request.mentor.full_name} met {request.participant.full_name} at {request.prison}. "
               f"They went to: {WENT_TO[went_to].lower()}.", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: {request.participant.first_name} was met at the gate")
    return request


def record_not_met(request_id: int, actor: User, reason: str, note: str = "") -> GatemateRequest:
    """Record that the mentor did not meet the person, and why."""
    request = _locked(request_id)
    _check_holder(request, actor)
    if request.status == Status.ACCEPTED:
        _check_outcome_day(request)
    if reason not in NOT_MET_REASONS:
        raise Refused("Select what happened", field="reason")
    note = (note or "").strip()
    if len(note) > 1000:
        raise Refused("The note must be 1,000 characters or fewer", field="not_met_note")
    transition(request, "record_not_met", actor, note=NOT_MET_REASONS[reason] + ".")
    request.not_met_reason, request.outcome_note, request.outcome_recorded_at = reason, note, clock.now()
    record_audit("gatemate.not_met", request, actor=actor, detail=reason)
    for person in _case_managers(request):
        notify(person, f"{request.mentor.full_name} did not meet {request.participant.full_name} at {request.prison}: "
               f"{NOT_MET_REASONS[reason].lower()}.", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: {request.participant.first_name} was not met at the gate")
    return request


# Mentors ------------------------------------------------------------------------------------------------

def save_mentor_profile(mentor_id: int, values: ProfileValues, coordinator: User) -> MentorProfile:
    """Create or change a mentor's profile. Coordinators keep the profiles of their own mentors."""
    mentor = db.session.get(User, mentor_id)
    if (coordinator.role != Role.COORDINATOR or mentor is None or mentor.role != Role.MENTOR
            or mentor.organisation_id != coordinator.organisation_id):
        raise Refused("You can only set up profiles for your own organisation's mentors")
    prisons = sorted({prison for prison in values.prisons or []})
    if any(prison not in PRISONS for prison in prisons):
        raise Refused("Select prisons from the list", field="regions")
    regions = [region for region in REGIONS if region in (values.regions or [])]
    if len(regions) != len(set(values.regions or [])):
        raise Refused("Select regions from the list", field="regions")
    if not prisons and not regions:
        raise Refused("Select at least one region or prison they cover", field="regions")
    # A prison inside a region they cover in full adds nothing; keep the list to what it means.
    prisons = [prison for prison in prisons if PRISONS[prison] not in regions]
    weekdays = sorted(set(values.weekdays or []))
    if any(day not in WEEKDAYS for day in weekdays):
        raise Refused("Select days from the list", field="weekdays")
    if not weekdays:
        raise Refused("Select the days they are usually free", field="weekdays")
    today = clock.today()
    if values.dbs_checked_on is None:
        raise Refused("Enter the date of the DBS check", field="dbs_checked_on")
    if values.dbs_checked_on > today:
        raise Refused("The date of the DBS check must be today or in the past", field="dbs_checked_on")
    if values.dbs_expires_on is None:
        raise Refused("Enter the DBS renewal date", field="dbs_expires_on")
    if values.dbs_expires_on <= values.dbs_checked_on:
        raise Refused("The DBS renewal date must be after the date of the check", field="dbs_expires_on")
    if (values.dbs_expires_on - values.dbs_checked_on).days > 366 * 5:
        raise Refused("The DBS renewal date must be within 5 years of the check", field="dbs_expires_on")
    help_with = [code for code in HELP_WITH if code in (values.help_with or [])]
    if len(help_with) != len(set(values.help_with or [])):
        raise Refused("Select what they can help with from the list", field="help_with")
    languages = (values.languages or "").strip()
    if len(languages) > 200:
        raise Refused("Enter 200 characters or fewer", field="languages")
    if "languages" in help_with and not languages:
        raise Refused("Enter the languages they speak", field="languages")
    if "languages" not in help_with:
        languages = ""
    if values.capacity is None or not 0 <= values.capacity <= MAX_CAPACITY:
        raise Refused(f"Enter a whole number from 0 to {MAX_CAPACITY}", field="capacity")
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id))
    created = profile is None
    if created:
        profile = MentorProfile(user_id=mentor.id)
        db.session.add(profile)
    profile.prisons, profile.regions, profile.weekdays = prisons, regions, weekdays
    profile.dbs_checked_on, profile.dbs_expires_on = values.dbs_checked_on, values.dbs_expires_on
    profile.help_with, profile.languages, profile.capacity = help_with, languages, values.capacity
    profile.updated_at, profile.updated_by_id = clock.now(), coordinator.id
    db.session.flush()
    record_audit("gatemate.mentor_profile_created" if created else "gatemate.mentor_profile_changed", mentor,
                 actor=coordinator)
    return profile


# Things that fall due by date (run by `flask reminders send`) ----------------------------------------------

def _open_releasing_by(last_day: date) -> list[GatemateRequest]:
    return list(db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.status == Status.OPEN, GatemateRequest.release_date >= clock.today(),
        GatemateRequest.release_date <= last_day).order_by(GatemateRequest.release_date, GatemateRequest.id)))


@reminder_job("gatemate: no mentor 7 days before release")
def flag_to_coordinators() -> int:
    """A request with no mentor 7 days before release is flagged, once, to the coordinators of every
    organisation that covers the prison (to the service's admins when no organisation does)."""
    sent = 0
    for request in _open_releasing_by(clock.today() + timedelta(days=FLAG_COORDINATORS_DAYS)):
        covering = organisations_covering(request.prison)
        recipients = coordinators_of(covering) or _admins()
        text = (f"No mentor yet for {_brief_name(request)} leaving {_when(request)}. "
                "Can one of your mentors go? You can assign one.")
        if send_once(f"gatemate:request-{request.id}:no-mentor-7-days", recipients, text,
                     path_for("gatemate.show", request_id=request.id),
                     email_subject=f"Gatemate: no mentor yet for a release from {request.prison}"):
            who = (f"{len(covering)} covering organisation(s)" if covering
                   else "the service's admins (no organisation covers the prison)")
            record_event(request, "flag_coordinators", None, note=f"Sent to {who}.")
            sent += 1
    return sent


@reminder_job("gatemate: no mentor 2 days before release")
def flag_to_case_manager() -> int:
    """At 2 days before release with still no mentor, flagged once more to the covering
    organisations' coordinators and, this time, to the case manager too."""
    sent = 0
    for request in _open_releasing_by(clock.today() + timedelta(days=FLAG_CASE_MANAGER_DAYS)):
        recipients = coordinators_of(organisations_covering(request.prison)) or _admins()
        recipients = recipients + [person for person in _case_managers(request) if person not in recipients]
        text = (f"Still no mentor for {_brief_name(request)} leaving {_when(request)}, in "
                f"{request.days_to_release()} day(s). Mentoring coordinators can assign a mentor; case managers may "
                "want to make other plans for the day.")
        if send_once(f"gatemate:request-{request.id}:no-mentor-2-days", recipients, text,
                     path_for("gatemate.show", request_id=request.id),
                     email_subject=f"Gatemate: release from {request.prison} in 2 days and still no mentor"):
            record_event(request, "flag_case_manager", None, note="Sent to the case manager and the coordinators.")
            sent += 1
    return sent


@reminder_job("gatemate: expire requests whose release passed with no mentor")
def expire_unmet() -> int:
    """Open requests whose release day has passed become `expired`; the case manager is told."""
    overdue = db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.status == Status.OPEN, GatemateRequest.release_date < clock.today())
        .order_by(GatemateRequest.id).with_for_update()).all()
    for request in overdue:
        transition(request, "expire", None)
        record_audit("gatemate.expired", request, actor=None)
        for person in _case_managers(request):
            notify(person, f"No mentor was found for {request.participant.full_name}'s release from {request.prison} "
                   f"on {day_text(request.release_date)}. The request is closed.",
                   path_for("gatemate.show", request_id=request.id))
    return len(overdue)


@reminder_job("gatemate: remind the mentor the day before")
def remind_mentor_day_before() -> int:
    """The day before release, the mentor is reminded where and when (again if the date moves)."""
    tomorrow = clock.today() + timedelta(days=1)
    held = db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.status == Status.ACCEPTED, GatemateRequest.release_date == tomorrow)).all()
    sent = 0
    for request in held:
        if request.mentor is None:
            continue
        sent += send_once(f"gatemate:request-{request.id}:day-before:{request.release_date.isoformat()}",
                          [request.mentor], f"Tomorrow: meet {_brief_name(request)} at {_when(request)}.",
                          path_for("gatemate.show", request_id=request.id),
                          email_subject=f"Gatemate tomorrow: {request.prison}, {request.window}")
    return sent


@reminder_job("gatemate: ask the mentor what happened")
def ask_for_outcome() -> int:
    """The day after release, a mentor who has not recorded what happened is asked to, once."""
    held = db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.status == Status.ACCEPTED, GatemateRequest.release_date < clock.today())).all()
    sent = 0
    for request in held:
        if request.mentor is None:
            continue
        sent += send_once(f"gatemate:request-{request.id}:outcome:{request.release_date.isoformat()}",
                          [request.mentor], f"How did {_brief_name(request)}'s release day go? Record whether you met "
                          "them at the gate.", path_for("gatemate.outcome", request_id=request.id),
                          email_subject="Gatemate: record how release day went")
    return sent


# Subject access: what Gatemate holds about a participant goes into their export ----------------------------

def subject_access_section(participant: Participant) -> tuple[str, list[dict]]:
    def iso(value):
        return value.isoformat() if value is not None else None

    return "gatemate_requests", [
        {"prison": request.prison, "release_date": iso(request.release_date), "window": request.window,
         "release_status": request.release_status, "destination_town": request.destination_town,
         "destination_region": request.destination_region, "needs": request.needs, "priorities": request.priorities,
         "note_for_mentor": request.note, "status": request.status,
         "mentor": request.mentor.full_name if request.mentor else None,
         "mentoring_organisation": request.mentor.organisation.name if request.mentor and request.mentor.organisation
         else None,
         "hours_spent": request.hours_spent, "needs_met": request.needs_met, "went_to": request.went_to or None,
         "not_met_reason": request.not_met_reason or None, "outcome_note": request.outcome_note or None,
         "cancel_reason": request.cancel_reason or None, "created_at": iso(request.created_at),
         "history": [{"at": iso(event.at), "action": event.action, "by": event.actor.full_name if event.actor else None,
                      "note": event.note} for event in request.events]}
        for request in participant.gatemate_requests
    ]


EXPORT_SECTIONS.append(subject_access_section)
