"""Every write about Gatemate: requests, their release day, their outcome, and mentors' profiles.

Each operation checks everything before it changes anything, so a refusal leaves the request as it
was. Steps that two people may race for (accepting, assigning, handing back, cancelling, updating)
lock the request's row first; whoever gets the lock second sees the first one's change, so exactly
one mentor wins a request and the rest are told it has been taken. A request signed off for two
mentors has two places, taken the same way one after the other: exactly two different mentors win it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import or_, select, update

from marketplace.accounts.models import User, UserStatus
from marketplace.accounts.operations import DISABLE_HOOKS
from marketplace.core import clock
from marketplace.core.db import lock_for_update
from marketplace.core.exceptions import Problems, Refused
from marketplace.core.filters import govuk_date
from marketplace.core.links import path_for
from marketplace.core.models import Notification
from marketplace.core.operations import notify, record_audit
from marketplace.core.reminders import reminder_job, send_once
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.gatemate import safety, texts
from marketplace.gatemate.models import (
    ACTIVE_STATUSES,
    CANCEL_REASONS,
    DAY_NEEDS,
    ENDED_REASONS,
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
    Signoff,
    Status,
    active_profiles,
    coordinators_of,
    held_by,
    held_count,
    organisations_covering,
    window_text,
)
from marketplace.gatemate.workflow import record_event, transition
from marketplace.participants.export import EXPORT_SECTIONS
from marketplace.participants.models import Participant
from marketplace.participants.operations import CONSENT_HOOKS, record_not_released, record_release
from marketplace.reference import PRISONS, REGIONS

MIN_NOTICE_DAYS = 3
MAX_DAYS_AHEAD = 366
FLAG_COORDINATORS_DAYS = 7
FLAG_CASE_MANAGER_DAYS = 2
MOBILE = re.compile(r"07\d{9}")


class AlreadyTaken(Refused):
    """Another mentor accepted the request first."""


SIGNOFF_DECISIONS = {"sign_off": "Yes, mentors can see it", "decline": "No, do not send it to mentors"}

TAKEN_MESSAGE = ("Sorry, another mentor accepted this request first, so it has been taken. "
                 "Other requests in your area are on your board.")
BOTH_TAKEN_MESSAGE = ("Sorry, two other mentors accepted this request first, so both places have been taken. "
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
    safety_arrangements: str = ""


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
    unavailable_until: date | None = None
    mobile: str = ""


# Checks ------------------------------------------------------------------------------------------------

def _check_text_for_mentors(problems: Problems, text: str, limit: int, what: str, field_name: str) -> None:
    """Free text a mentor will read: within `limit` characters and clear of offences and risk labels."""
    if not problems.check(len(text) <= limit, f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
                          field_name):
        return
    found = safety.problem_with(text, what)
    problems.check(found is None, found or "", field_name)


def _check_details(details: Details, participant: Participant, problems: Problems) -> Details:
    """Clean the details, adding every problem to `problems`. Nothing personal goes to mentors
    without the person's consent to share with them (checked by the callers, which refuse the whole
    request); notes and safety arrangements must not carry offences or risk labels (see safety.py),
    and a request that needs sign-off must say how to meet safely."""
    town = (details.destination_town or "").strip()
    if problems.check(bool(town), "Enter the town or city they are going to", "destination_town"):
        problems.check(len(town) <= 100, "Town must be 100 characters or fewer", "destination_town")
    problems.check(details.destination_region in REGIONS, "Select the region they are going to", "destination_region")
    needs = [code for code in DAY_NEEDS if code in (details.needs or [])]
    if problems.check(len(needs) == len(set(details.needs or [])), "Select needs from the list", "needs"):
        problems.check(bool(needs), "Select what they need on the day", "needs")
    priorities = [code for code in PRIORITIES if code in (details.priorities or [])]
    problems.check(len(priorities) == len(set(details.priorities or [])), "Select priorities from the list",
                   "priorities")
    note = (details.note or "").strip()
    _check_text_for_mentors(problems, note, 500, "the note", "note")
    arrangements = (details.safety_arrangements or "").strip()
    _check_text_for_mentors(problems, arrangements, 500, "the safety arrangements", "safety_arrangements")
    if needs_signoff(participant) and not arrangements:
        problems.add(f"Enter the safety arrangements: {participant.first_name}'s record has a risk flag, so say how a "
                     "mentor can meet them safely (a coordinator signs the request off before mentors see it)",
                     "safety_arrangements")
    return Details(destination_town=town, destination_region=details.destination_region, needs=needs,
                   priorities=priorities, note=note, safety_arrangements=arrangements)


def needs_signoff(participant: Participant) -> bool:
    """Someone under MAPPA, or at high or very high risk of serious harm: a mentoring coordinator
    signs the request off before any mentor sees it."""
    return bool(participant.mappa_level) or participant.rosh_level in ("high", "very_high")


def consent_problem(participant: Participant) -> str | None:
    """Why a request cannot go to mentoring organisations yet: no consent to share with mentors."""
    if participant.may_share_with_mentors():
        return None
    consent = participant.consent
    if consent is None:
        return (f"{participant.first_name} has not given consent to share details with Gatemate mentors. Ask them, "
                "and record their consent before sending a request.")
    return (f"{participant.first_name} has not agreed to share details with mentors (recorded "
            f"{govuk_date(consent.given_on)}). A request cannot be sent without it: ask them, and record their "
            "consent first.")


def _check_release_day(release: ReleaseDay, problems: Problems, *, earliest: date, earliest_message: str) -> None:
    today = clock.today()
    if (problems.check(release.release_date is not None, "Enter the release date", "release_date")
            and problems.check(release.release_date >= earliest, earliest_message, "release_date")):
        problems.check(release.release_date <= today + timedelta(days=MAX_DAYS_AHEAD),
                       "The release date must be within the next 12 months", "release_date")
    has_start = problems.check(release.window_start is not None, "Select when they are expected out from",
                               "window_start")
    has_end = problems.check(release.window_end is not None, "Select when they are expected out by", "window_end")
    if has_start and has_end:
        problems.check(release.window_end > release.window_start,
                       "The time they are expected out by must be after the time they are expected out from",
                       "window_end")


def _check_case_manager(organisation_id: int, actor: User) -> None:
    if actor.role == Role.ADMIN:
        return
    if actor.role != Role.CASE_MANAGER or actor.organisation_id != organisation_id:
        raise Refused("Only case managers of the person's organisation can do this")


def _check_holder(request: GatemateRequest, actor: User) -> User:
    """A mentor who holds the request (either place of two), or a coordinator of one such mentor's
    organisation. Returns the mentor whose place it is: the actor, or the coordinator's own mentor (of
    two from the same organisation, the one in the second place)."""
    if actor.role == Role.MENTOR and request.holds(actor.id):
        return actor
    if actor.role == Role.COORDINATOR:
        own = [mentor for mentor in request.mentors if mentor.organisation_id == actor.organisation_id]
        if own:
            return own[-1]
    raise Refused("Only the mentor who holds this request, or their coordinator, can do this")


def _holders(request: GatemateRequest) -> list[User]:
    """The mentors with a place on an active request: the people to tell when it changes."""
    return request.mentors if request.status in (Status.OPEN, Status.ACCEPTED) else []


def _take_place(request: GatemateRequest, mentor: User, actor: User, action: str, note: str = "") -> bool:
    """Put `mentor` in the request's next free place, through the workflow. Returns True when that
    fills the request (one mentor, or the second of two); the first of two leaves it open."""
    if request.two_mentors and request.mentor_id is None:
        transition(request, f"{action}_place", actor, note=note)
        request.mentor_id = mentor.id
        return False
    transition(request, action, actor, note=note)
    if request.two_mentors:
        request.second_mentor_id = mentor.id
    else:
        request.mentor_id = mentor.id
    return True


def _release_place(request: GatemateRequest, mentor: User, action: str, actor, note: str) -> None:
    """Take `mentor` off the request: it is open again (a one-mentor request, or "1 of 2" with the
    other mentor still in place, moved to the first place)."""
    transition(request, action, actor, note=note)
    if request.second_mentor_id == mentor.id:
        request.second_mentor_id = None
    else:
        request.mentor_id, request.second_mentor_id = request.second_mentor_id, None


def eligibility_problem(profile: MentorProfile | None, request: GatemateRequest, mentor: User, *,
                        you: bool = True) -> str | None:
    """Why `mentor` cannot take `request`, or None. The same checks for a mentor accepting and for a
    coordinator assigning; `you` words the message for the mentor or for their coordinator."""
    name = "You" if you else mentor.full_name
    whose = "Your" if you else f"{mentor.full_name}'s"
    if mentor.status != UserStatus.ACTIVE:
        return f"{mentor.full_name}'s account is not active"
    if request.holds(mentor.id):
        return (f"{name} {'have' if you else 'has'} already accepted this request. A second, different mentor "
                "must take the other place." if request.status == Status.OPEN
                else f"{name} {'have' if you else 'has'} already accepted this request.")
    if not request.shared:
        return "The person has not agreed to share details with mentors, so this request cannot be taken."
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
    if profile.paused_on(today) or profile.paused_on(request.release_date):
        return (f"{name} {'are' if you else 'is'} unavailable until {govuk_date(profile.unavailable_until)}, "
                f"so {'you' if you else 'they'} cannot take this request.")
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


def _names(request: GatemateRequest) -> str:
    """The mentors' names, for the case manager: "Ann Lee" or "Ann Lee and Bo Cole"."""
    return " and ".join(mentor.full_name for mentor in request.mentors) or "The mentor"


def _names_but(request: GatemateRequest, mentor: User) -> str:
    return " and ".join(other.full_name for other in request.mentors if other.id != mentor.id) or "a second mentor"


def _when(request: GatemateRequest) -> str:
    return f"{request.prison} on {day_text(request.release_date)}, {request.window}"


# Requests ---------------------------------------------------------------------------------------------

def check_request(participant: Participant, prison: str, release: ReleaseDay, details: Details,
                  actor: User) -> Details:
    """Every rule for a new request, all at once: raises Refused naming every problem, writes nothing.
    The request form runs it even when its own fields fail, so a case manager sees every error."""
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
    problems = Problems()
    if (consent := consent_problem(participant)) is not None:
        problems.add(consent)
    problems.check(prison in PRISONS, "Select the prison they are leaving", "prison")
    earliest = clock.today() + timedelta(days=MIN_NOTICE_DAYS)
    _check_release_day(release, problems, earliest=earliest, earliest_message=(
        f"The release date must be at least {MIN_NOTICE_DAYS} days from today ({govuk_date(earliest)} or later), "
        "so that a mentor has time to accept. For a sooner release, contact a mentoring organisation directly: "
        "their coordinators are listed on the Gatemate coverage page."))
    cleaned = _check_details(details, participant, problems)
    problems.raise_any()
    return cleaned


def create_request(participant: Participant, prison: str, release: ReleaseDay, details: Details,
                   actor: User) -> GatemateRequest:
    """Ask for a mentor to meet `participant` at the gate. Needs the person's consent to share with
    mentors and at least 3 days' notice, so that a mentor has time to accept. Mentors who cover the
    prison are told, unless the request first needs a coordinator's sign-off (MAPPA, high RoSH):
    then the covering organisations' coordinators are asked to sign it off."""
    cleaned = check_request(participant, prison, release, details, actor)
    signoff = needs_signoff(participant)
    request = GatemateRequest(
        participant_id=participant.id, organisation_id=participant.organisation_id, requested_by_id=actor.id,
        prison=prison, release_date=release.release_date, window_start=release.window_start,
        window_end=release.window_end, release_status=ReleaseStatus.EXPECTED,
        destination_town=cleaned.destination_town, destination_region=cleaned.destination_region,
        needs=cleaned.needs, priorities=cleaned.priorities, note=cleaned.note,
        safety_arrangements=cleaned.safety_arrangements, consent_given_on=participant.consent.given_on,
        status=Status.SIGNOFF if signoff else Status.OPEN, created_at=clock.now(), updated_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    record_event(request, "request", actor, note="Needs a coordinator's sign-off before mentors see it."
                 if signoff else "")
    record_audit("gatemate.requested", request, actor=actor)
    if signoff:
        _ask_for_signoff(request)
    else:
        _tell_covering_mentors(request)
    return request


def _tell_covering_mentors(request: GatemateRequest) -> None:
    # Only mentors who could take it now are told: not those whose DBS check lapses first, who are
    # paused, or who already hold as many requests as they can.
    link = path_for("gatemate.show", request_id=request.id)
    first = ("Two mentors must go: the first two to accept get it." if request.two_mentors
             else "First to accept gets it.")
    for profile in active_profiles():
        if profile.covers(request.prison) and eligibility_problem(profile, request, profile.user) is None:
            notify(profile.user, f"New request: {_brief_name(request)} leaving {_when(request)}. {first}", link,
                   email_subject=f"Gatemate: someone leaving {request.prison} needs a mentor")


def _ask_for_signoff(request: GatemateRequest) -> None:
    covering = organisations_covering(request.prison)
    recipients = coordinators_of(covering) or _admins()
    for person in recipients:
        notify(person, f"A request for someone leaving {_when(request)} needs your sign-off before mentors see it.",
               path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: a request from {request.prison} needs sign-off")


def edit_details(request_id: int, details: Details, actor: User) -> GatemateRequest:
    """Change where the person is going, what they need, the priorities or the note; the mentor is told."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    problems = Problems()
    cleaned = _check_details(details, request.participant, problems)
    problems.raise_any()
    transition(request, "edit", actor)
    for name in ("destination_town", "destination_region", "needs", "priorities", "note", "safety_arrangements"):
        setattr(request, name, getattr(cleaned, name))
    record_audit("gatemate.edited", request, actor=actor)
    for holder in _holders(request):
        notify(holder, f"The details of {_brief_name(request)}'s request have changed. Check what they need.",
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
    released). The mentor holding the request sees it on the request at once and is told by
    notification, email and text message: mentors often wait at the gate for a release that has moved.

    Release day is one truth: "released" updates the person's record (in the community, released on
    the day, confirmed); "not released" closes the gate meeting (the mentor is stood down) and the
    record's release date is no longer confirmed. Delayed and not released can be said from the day
    before."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    today = clock.today()
    problems = Problems()
    status_known = problems.check(update.release_status in RELEASE_STATUS_LABELS, "Select the release day status",
                                  "release_status")
    new_day = ReleaseDay(update.release_date, update.window_start, update.window_end)
    if update.release_date != request.release_date:
        _check_release_day(new_day, problems, earliest=today,
                           earliest_message="The new release date cannot be in the past")
    else:
        _check_release_day(new_day, problems, earliest=min(today, request.release_date),
                           earliest_message="The new release date cannot be in the past")
    if status_known and update.release_date is not None:
        if update.release_status == ReleaseStatus.RELEASED:
            problems.check(update.release_date <= today, "They cannot be released on a day still to come. If they "
                           "came out early, change the release date to the day they came out.", "release_status")
        if update.release_status in (ReleaseStatus.DELAYED, ReleaseStatus.NOT_RELEASED):
            problems.check(today <= update.release_date <= today + timedelta(days=1),
                           "Delayed and not released are for the release day itself or the day before. To move "
                           "the release, change the date and choose expected.", "release_status")
    message = (update.message or "").strip()
    _check_text_for_mentors(problems, message, 400, "the message", "message")
    problems.raise_any()
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
    holders = _holders(request)
    transition(request, "update_release", actor, note=summary)
    request.release_date = update.release_date
    request.window_start, request.window_end = update.window_start, update.window_end
    request.release_status = update.release_status
    record_audit("gatemate.release_updated", request, actor=actor, detail=update.release_status)
    link = path_for("gatemate.show", request_id=request.id)
    if update.release_status == ReleaseStatus.RELEASED and not request.participant.is_closed:
        record_release(request.participant, update.release_date, actor)
    if update.release_status == ReleaseStatus.NOT_RELEASED:
        _close_not_released(request, actor)
        if not request.participant.is_closed:
            record_not_released(request.participant, update.release_date, actor)
    for holder in holders:
        text = f"Release day update for {_brief_name(request)} at {request.prison}: {summary}"
        if update.release_status == ReleaseStatus.NOT_RELEASED:
            text += " The gate meeting is off: you do not need to go."
        texts.tell(holder, text, link, email_subject=f"Gatemate: release day update for {_brief_name(request)}")
    return request


def _close_not_released(request: GatemateRequest, actor: User) -> None:
    """Not released: a held request is closed as not met (they did not come out); one still waiting
    for a mentor or a sign-off is closed as cancelled."""
    held = request.status == Status.ACCEPTED
    transition(request, "not_released", actor,
               note="The mentor is stood down." if held else "No mentor is needed for this release.")
    if held:
        request.not_met_reason, request.outcome_recorded_at = "did_not_come_out", clock.now()
    else:
        request.cancel_reason = "not_released"


def cancel(request_id: int, actor: User, reason: str, note: str = "") -> GatemateRequest:
    """Withdraw a request. A mentor who held it is told."""
    request = _locked(request_id)
    _check_case_manager(request.organisation_id, actor)
    problems = Problems()
    problems.check(reason in CANCEL_REASONS, "Select why you are cancelling the request", "reason")
    note = (note or "").strip()
    if problems.check(not (reason == "other" and not note), "Say why you are cancelling the request", "note"):
        _check_text_for_mentors(problems, note, 400, "the note", "note")
    problems.raise_any()
    holders = _holders(request)
    transition(request, "cancel", actor, note=CANCEL_REASONS[reason] + (f". {note}" if note else ""))
    request.cancel_reason = reason
    record_audit("gatemate.cancelled", request, actor=actor, detail=reason)
    for holder in holders:
        notify(holder, f"The request for {_brief_name(request)} at {_when(request)} has been cancelled: "
               f"{CANCEL_REASONS[reason].lower()}. You do not need to go.",
               path_for("gatemate.show", request_id=request.id),
               email_subject="Gatemate: a request you held has been cancelled")
    return request


def end_for_withdrawn_consent(participant: Participant, consent, actor: User) -> None:
    """Consent to share with mentors withdrawn: every active request ends at once. The pages hide
    everything personal on them from mentoring organisations (`GatemateRequest.shared`), and the
    mentor holding one, or the coordinators asked to sign one off, are told it has ended, without
    the person's name."""
    if consent.mentors:
        return
    _withhold_from_mentoring_notifications(participant)
    active = db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.participant_id == participant.id, GatemateRequest.status.in_(ACTIVE_STATUSES))
        .order_by(GatemateRequest.id).with_for_update()).all()
    for request in active:
        told = _holders(request)
        if request.status == Status.SIGNOFF:
            told = coordinators_of(organisations_covering(request.prison))
        transition(request, "cancel", actor, note=ENDED_REASONS["consent_withdrawn"] + ".")
        request.cancel_reason = "consent_withdrawn"
        record_audit("gatemate.cancelled", request, actor=actor, detail="consent_withdrawn")
        text = (f"The request to meet someone leaving {_when(request)} has ended: the person's consent to share "
                "details with mentors was withdrawn. You do not need to go.")
        for person in told:
            notify(person, text, path_for("gatemate.show", request_id=request.id),
                   email_subject="Gatemate: a request has ended")
            if person.role == Role.MENTOR:
                texts.send(person, text)


WITHHELD_NOTICE = "Details withheld: the person's consent to share details with mentors has been withdrawn."


def _withhold_from_mentoring_notifications(participant: Participant) -> None:
    """What mentors and coordinators were told about the person's requests (their name, release-day
    messages) is replaced in the service's notifications as well: they read them there, beside the
    request pages that now hide it. (Emails and texts already sent cannot be called back.)"""
    links = [path_for("gatemate.show", request_id=request_id) for request_id in db.session.scalars(
        select(GatemateRequest.id).where(GatemateRequest.participant_id == participant.id))]
    if links:
        mentoring = select(User.id).where(User.role.in_([Role.MENTOR, Role.COORDINATOR]))
        db.session.execute(update(Notification).where(Notification.link.in_(links),
                                                      Notification.user_id.in_(mentoring))
                           .values(text=WITHHELD_NOTICE).execution_options(synchronize_session=False))


CONSENT_HOOKS.append(end_for_withdrawn_consent)


def sign_off(request_id: int, coordinator: User, decision: str, reason: str, two_mentors: bool) -> GatemateRequest:
    """A mentoring coordinator of an organisation that covers the prison decides on a request that
    needs sign-off (MAPPA, or high or very high RoSH): signed off, it opens to mentors (with two
    mentors if they say so); not signed off, it closes and the case manager is told who decided and
    why. The decision and its reason are recorded."""
    request = _locked(request_id)
    if coordinator.role != Role.COORDINATOR:
        raise Refused("Only mentoring coordinators can sign off a request")
    if request.status != Status.SIGNOFF:
        raise Refused(f"This request is not waiting for sign-off: {request.status_label.lower()}.")
    if coordinator.organisation_id not in organisations_covering(request.prison):
        raise Refused(f"Only coordinators of organisations that cover {request.prison} can sign this request off.")
    problems = Problems()
    problems.check(decision in SIGNOFF_DECISIONS, "Select whether you sign the request off", "decision")
    reason = (reason or "").strip()
    if problems.check(bool(reason), "Say why: the case manager and the other coordinators will see it", "reason"):
        _check_text_for_mentors(problems, reason, 500, "the reason", "reason")
    problems.raise_any()
    signed = decision == "sign_off"
    db.session.add(Signoff(request_id=request.id, coordinator_id=coordinator.id, decision=decision, reason=reason,
                           two_mentors=bool(two_mentors and signed), at=clock.now()))
    transition(request, decision, coordinator, note=reason + (" Two mentors must go." if two_mentors and signed
                                                              else ""))
    request.two_mentors = bool(two_mentors and signed)
    record_audit("gatemate.signed_off" if signed else "gatemate.not_signed_off", request, actor=coordinator)
    organisation = coordinator.organisation.name if coordinator.organisation else ""
    for person in _case_managers(request):
        notify(person, f"{coordinator.full_name} of {organisation} "
               f"{'signed off' if signed else 'did not sign off'} the Gatemate request for "
               f"{request.participant.full_name}: {reason}", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: the request for {request.participant.first_name} was "
                             f"{'signed off' if signed else 'not signed off'}")
    if signed:
        _tell_covering_mentors(request)
    return request


def accept(request_id: int, mentor: User) -> GatemateRequest:
    """First come, first served: the request goes to the first mentor to accept it. The row is locked,
    so a mentor who tries at the same moment waits, then sees it taken (AlreadyTaken)."""
    if mentor.role != Role.MENTOR:
        raise Refused("Only mentors can accept requests")
    request = _locked(request_id)
    if request.status != Status.OPEN:
        if request.status == Status.ACCEPTED and request.holds(mentor.id):
            raise Refused("You have already accepted this request.")
        if request.status == Status.ACCEPTED:
            raise AlreadyTaken(BOTH_TAKEN_MESSAGE if request.two_mentors else TAKEN_MESSAGE)
        raise Refused(f"This request is no longer open: {request.status_label.lower()}.")
    problem = eligibility_problem(_lock_profile(mentor), request, mentor, you=True)
    if problem:
        raise Refused(problem)
    filled = _take_place(request, mentor, mentor, "accept")
    record_audit("gatemate.accepted", request, actor=mentor)
    organisation = mentor.organisation.name if mentor.organisation else ""
    for person in _case_managers(request):
        notify(person, f"{mentor.full_name} of {organisation} will meet {request.participant.full_name} at "
               f"{_when(request)}.{_places_text(request, filled)}", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: a mentor will meet {request.participant.first_name}")
    return request


def _places_text(request: GatemateRequest, filled: bool) -> str:
    if not request.two_mentors:
        return ""
    return " Both mentors are now found." if filled else " Two mentors must go: 1 of 2 found, waiting for a second."


def assign(request_id: int, mentor_id: int | None, coordinator: User) -> GatemateRequest:
    """A coordinator gives an open request to one of their own mentors, with the same checks as a
    mentor accepting it (coverage, DBS in date, capacity)."""
    if coordinator.role != Role.COORDINATOR:
        raise Refused("Only mentoring coordinators can assign a mentor")
    request = _locked(request_id)
    if request.status == Status.ACCEPTED:
        raise AlreadyTaken("Two mentors have already accepted this request, so it cannot be assigned." if
                           request.two_mentors else "A mentor has already accepted this request, so it cannot be "
                           "assigned.")
    if request.status != Status.OPEN:
        raise Refused(f"This request is no longer open: {request.status_label.lower()}.")
    mentor = db.session.get(User, mentor_id) if mentor_id else None
    if mentor is None or mentor.role != Role.MENTOR or mentor.organisation_id != coordinator.organisation_id:
        raise Refused("Select one of your organisation's mentors", field="mentor_id")
    problem = eligibility_problem(_lock_profile(mentor), request, mentor, you=False)
    if problem:
        raise Refused(problem, field="mentor_id")
    filled = _take_place(request, mentor, coordinator, "assign", note=f"Assigned to {mentor.full_name}")
    record_audit("gatemate.assigned", request, actor=coordinator, detail=f"mentor {mentor.id}")
    link = path_for("gatemate.show", request_id=request.id)
    notify(mentor, f"{coordinator.full_name} has asked you to meet {_brief_name(request)} at {_when(request)}.",
           link, email_subject="Gatemate: you have been assigned a request")
    for person in _case_managers(request):
        notify(person, f"{mentor.full_name} of {coordinator.organisation.name} will meet "
               f"{request.participant.full_name} at {_when(request)}.{_places_text(request, filled)}", link,
               email_subject=f"Gatemate: a mentor will meet {request.participant.first_name}")
    return request


def hand_back(request_id: int, actor: User, reason: str) -> GatemateRequest:
    """The mentor (or their coordinator) gives a request back: it reopens for other mentors, and the
    organisation's coordinators and the case manager are told."""
    request = _locked(request_id)
    former = _check_holder(request, actor)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Say why you are handing the request back", field="reason")
    if len(reason) > 400:
        raise Refused("The reason must be 400 characters or fewer", field="reason")
    _release_place(request, former, "hand_back", actor, note=f"{former.full_name}: {reason}")
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
    # Met at the gate means released that day: the person's record says so, and where they went.
    request.release_status = ReleaseStatus.RELEASED
    if not request.participant.is_closed:
        record_release(request.participant, request.release_date, actor,
                       no_fixed_abode=True if went_to == "rough_sleeping" else None)
    for person in _case_managers(request):
        notify(person, f"{_names(request)} met {request.participant.full_name} at {request.prison}. "
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
        notify(person, f"{_names(request)} did not meet {request.participant.full_name} at {request.prison}: "
               f"{NOT_MET_REASONS[reason].lower()}.", path_for("gatemate.show", request_id=request.id),
               email_subject=f"Gatemate: {request.participant.first_name} was not met at the gate")
    return request


# Mentors ------------------------------------------------------------------------------------------------

def normalise_mobile(value: str) -> str:
    """07700 900123, +44 7700 900123 and (0)7700-900123 all become 07700900123; '' when empty."""
    digits = re.sub(r"[\s()\-.]", "", value or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    return digits


def save_mentor_profile(mentor_id: int, values: ProfileValues, coordinator: User) -> MentorProfile:
    """Create or change a mentor's profile. Coordinators keep the profiles of their own mentors. A
    change that means the mentor can no longer go to a request they hold (paused over its release
    day, a DBS renewal date before it) puts that request back on the board at once."""
    mentor = db.session.get(User, mentor_id)
    if (coordinator.role != Role.COORDINATOR or mentor is None or mentor.role != Role.MENTOR
            or mentor.organisation_id != coordinator.organisation_id):
        raise Refused("You can only set up profiles for your own organisation's mentors")
    problems = Problems()
    prisons = sorted({prison for prison in values.prisons or []})
    prisons_known = problems.check(all(prison in PRISONS for prison in prisons), "Select prisons from the list",
                                   "regions")
    regions = [region for region in REGIONS if region in (values.regions or [])]
    regions_known = problems.check(len(regions) == len(set(values.regions or [])), "Select regions from the list",
                                   "regions")
    if prisons_known and regions_known:
        problems.check(bool(prisons or regions), "Select at least one region or prison they cover", "regions")
    # A prison inside a region they cover in full adds nothing; keep the list to what it means.
    prisons = [prison for prison in prisons if PRISONS.get(prison) not in regions]
    weekdays = sorted(set(values.weekdays or []))
    if problems.check(all(day in WEEKDAYS for day in weekdays), "Select days from the list", "weekdays"):
        problems.check(bool(weekdays), "Select the days they are usually free", "weekdays")
    today = clock.today()
    checked, expires = values.dbs_checked_on, values.dbs_expires_on
    if problems.check(checked is not None, "Enter the date of the DBS check", "dbs_checked_on"):
        problems.check(checked <= today, "The date of the DBS check must be today or in the past", "dbs_checked_on")
    if (problems.check(expires is not None, "Enter the DBS renewal date", "dbs_expires_on") and checked is not None
            and problems.check(expires > checked, "The DBS renewal date must be after the date of the check",
                               "dbs_expires_on")):
        problems.check((expires - checked).days <= 366 * 5, "The DBS renewal date must be within 5 years of the check",
                       "dbs_expires_on")
    help_with = [code for code in HELP_WITH if code in (values.help_with or [])]
    problems.check(len(help_with) == len(set(values.help_with or [])),
                   "Select what they can help with from the list", "help_with")
    languages = (values.languages or "").strip()
    if problems.check(len(languages) <= 200, "Enter 200 characters or fewer", "languages"):
        problems.check(not ("languages" in help_with and not languages), "Enter the languages they speak",
                       "languages")
    if "languages" not in help_with:
        languages = ""
    problems.check(values.capacity is not None and 0 <= values.capacity <= MAX_CAPACITY,
                   f"Enter a whole number from 0 to {MAX_CAPACITY}", "capacity")
    if values.unavailable_until is not None:
        problems.check(values.unavailable_until >= today, "The date they are unavailable until must be today or "
                       "later (leave it empty if they are available)", "unavailable_until")
        problems.check(values.unavailable_until <= today + timedelta(days=MAX_DAYS_AHEAD),
                       "The date they are unavailable until must be within the next 12 months", "unavailable_until")
    mobile = normalise_mobile(values.mobile)
    problems.check(not mobile or MOBILE.fullmatch(mobile) is not None,
                   "Enter a UK mobile number, like 07700 900123", "mobile")
    problems.raise_any()
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id))
    created = profile is None
    if created:
        profile = MentorProfile(user_id=mentor.id)
        db.session.add(profile)
    profile.prisons, profile.regions, profile.weekdays = prisons, regions, weekdays
    profile.dbs_checked_on, profile.dbs_expires_on = values.dbs_checked_on, values.dbs_expires_on
    profile.help_with, profile.languages, profile.capacity = help_with, languages, values.capacity
    profile.unavailable_until, profile.mobile = values.unavailable_until, mobile
    profile.updated_at, profile.updated_by_id = clock.now(), coordinator.id
    db.session.flush()
    record_audit("gatemate.mentor_profile_created" if created else "gatemate.mentor_profile_changed", mentor,
                 actor=coordinator)
    return_unavailable_mentors_requests(mentor, coordinator)
    return profile


# Mentor availability: a mentor who can no longer go gives their requests back at once ----------------------

def availability_problem(request: GatemateRequest, mentor: User, profile: MentorProfile | None) -> str | None:
    """Why the mentor holding `request` can no longer go, or None: their account disabled, no
    profile, paused over the release day, or a DBS check that has lapsed or lapses before it."""
    if mentor.status != UserStatus.ACTIVE:
        return "their account has been disabled"
    if profile is None:
        return "they have no mentor profile"
    if profile.paused_on(request.release_date):
        return f"they are unavailable until {govuk_date(profile.unavailable_until)}"
    if not profile.dbs_in_date(clock.today()):
        return f"their DBS check lapsed on {govuk_date(profile.dbs_expires_on)}"
    if not profile.dbs_in_date(request.release_date):
        return f"their DBS check lapses on {govuk_date(profile.dbs_expires_on)}, before the release"
    return None


def return_unavailable_mentors_requests(mentor: User, actor: User | None) -> int:
    """Put back on the board every request `mentor` holds but can no longer go to. The request is
    open again (and back on the 'no mentor' escalations); the mentor's coordinators and the case
    manager are told, and the mentor too while their account is active. Returns how many.

    A release day gone by stays with its mentor: nobody else can go to it now, and it waits for them
    to record how it went (or for `ask_for_outcome`)."""
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor.id))
    held = db.session.scalars(select(GatemateRequest).where(
        held_by(mentor.id), GatemateRequest.release_date >= clock.today())
        .order_by(GatemateRequest.id).with_for_update()).all()
    returned = 0
    for request in held:
        why = availability_problem(request, mentor, profile)
        if why is None:
            continue
        # Only this mentor's place: the other of two mentors stays, and the request is "1 of 2" again.
        _release_place(request, mentor, "mentor_unavailable", actor, note=f"{mentor.full_name}: {why}.")
        record_audit("gatemate.mentor_unavailable", request, actor=actor, detail=f"mentor {mentor.id}")
        link = path_for("gatemate.show", request_id=request.id)
        text = (f"{mentor.full_name} can no longer meet {_brief_name(request)} at {_when(request)}: {why}. "
                "The request is open again for other mentors.")
        for coordinator in coordinators_of([mentor.organisation_id]):
            notify(coordinator, text, link, email_subject="Gatemate: a request is back on the board")
        for person in _case_managers(request):
            notify(person, f"The mentor for {request.participant.full_name} at {_when(request)} can no longer go "
                   f"({why}). The request is open again for other mentors.", link,
                   email_subject=f"Gatemate: {request.participant.first_name}'s mentor can no longer go")
        if mentor.status == UserStatus.ACTIVE:
            texts.tell(mentor, f"You are no longer down to meet {_brief_name(request)} at {_when(request)}: {why}. "
                       "The request has gone back to the board.", link,
                       email_subject="Gatemate: a request has gone back to the board")
        returned += 1
    return returned


def _mentor_disabled(user: User, actor: User) -> None:
    if user.role == Role.MENTOR:
        return_unavailable_mentors_requests(user, actor)


DISABLE_HOOKS.append(_mentor_disabled)


@reminder_job("gatemate: requests of mentors whose DBS lapsed or who are paused go back to the board")
def return_lapsed_mentors_requests() -> int:
    """Daily: a DBS check that lapses (or a pause set ahead) puts the requests it affects back."""
    active = GatemateRequest.status.in_((Status.OPEN, Status.ACCEPTED))
    mentors = db.session.scalars(select(User).where(or_(
        User.id.in_(select(GatemateRequest.mentor_id).where(active)),
        User.id.in_(select(GatemateRequest.second_mentor_id).where(active)))).order_by(User.id)).all()
    return sum(return_unavailable_mentors_requests(mentor, None) for mentor in mentors)


@reminder_job("gatemate: DBS renewal reminders 30 and 7 days before")
def remind_dbs_renewal() -> int:
    """30 and 7 days before a mentor's DBS renewal date, the mentor and their coordinators are told once.
    Each reminder is due from that day on, not only on it: a day the command did not run (or a renewal
    date entered 20 days ahead) still gets the 30-day reminder, and the 7-day one follows."""
    sent = 0
    today = clock.today()
    for profile in active_profiles():
        left = (profile.dbs_expires_on - today).days
        if not 0 <= left <= 30:
            continue
        days_before = 7 if left <= 7 else 30
        mentor = profile.user
        when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
        text = (f"{mentor.full_name}'s DBS check is due for renewal by {govuk_date(profile.dbs_expires_on)}, {when}. "
                "Without a new check recorded they cannot take requests for releases after that day, and the "
                "ones they hold go back to the board.")
        sent += send_once(f"gatemate:dbs-renewal:{profile.id}:{profile.dbs_expires_on.isoformat()}:{days_before}",
                          [mentor, *coordinators_of([mentor.organisation_id])], text,
                          path_for("gatemate.my_profile"), email_subject="Gatemate: DBS check due for renewal")
    return sent

# Things that fall due by date (run by `flask reminders send`) ----------------------------------------------

def _short_of(request: GatemateRequest, none_yet: str) -> str:
    # A two-mentor request with one mentor is still short of a mentor: it is escalated like one with none.
    return "Only 1 of the 2 mentors needed so far" if request.one_of_two else none_yet


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
        text = (f"{_short_of(request, 'No mentor yet')} for {_brief_name(request)} leaving {_when(request)}. "
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
        text = (f"{_short_of(request, 'Still no mentor')} for {_brief_name(request)} leaving {_when(request)}, in "
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
        GatemateRequest.status.in_((Status.OPEN, Status.SIGNOFF)), GatemateRequest.release_date < clock.today())
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
        if not request.mentors:
            continue
        if send_once(f"gatemate:request-{request.id}:day-before:{request.release_date.isoformat()}", [], ""):
            for mentor in request.mentors:
                texts.tell(mentor, f"Tomorrow: meet {_brief_name(request)} at {_when(request)}."
                           + (f" Two mentors must go: you and {_names_but(request, mentor)}." if request.two_mentors
                              else ""),
                           path_for("gatemate.show", request_id=request.id),
                           email_subject=f"Gatemate tomorrow: {request.prison}, {request.window}")
            sent += 1
    return sent


@reminder_job("gatemate: ask the mentor what happened")
def ask_for_outcome() -> int:
    """The day after release, a mentor who has not recorded what happened is asked to, once."""
    held = db.session.scalars(select(GatemateRequest).where(
        GatemateRequest.status == Status.ACCEPTED, GatemateRequest.release_date < clock.today())).all()
    sent = 0
    for request in held:
        if not request.mentors:
            continue
        sent += send_once(f"gatemate:request-{request.id}:outcome:{request.release_date.isoformat()}",
                          request.mentors, f"How did {_brief_name(request)}'s release day go? Record whether you met "
                          "them at the gate.", path_for("gatemate.outcome", request_id=request.id),
                          email_subject="Gatemate: record how release day went")
    return sent


@reminder_job("gatemate: send release-day texts through GOV.UK Notify")
def send_texts() -> int:
    """Texts and Notify emails not sent yet (Notify was down, or they were queued by a job)."""
    sent, _failed = texts.deliver()
    return sent


# Subject access: what Gatemate holds about a participant goes into their export ----------------------------

def subject_access_section(participant: Participant) -> tuple[str, list[dict]]:
    def iso(value):
        return value.isoformat() if value is not None else None

    return "gatemate_requests", [
        {"prison": request.prison, "release_date": iso(request.release_date), "window": request.window,
         "release_status": request.release_status, "destination_town": request.destination_town,
         "destination_region": request.destination_region, "needs": request.needs, "priorities": request.priorities,
         "note_for_mentor": request.note, "safety_arrangements": request.safety_arrangements or None,
         "two_mentors": request.two_mentors, "consent_given_on": iso(request.consent_given_on),
         "status": request.status,
         "mentor": request.mentor.full_name if request.mentor else None,
         "second_mentor": request.second_mentor.full_name if request.second_mentor else None,
         "mentoring_organisation": request.mentor.organisation.name if request.mentor and request.mentor.organisation
         else None,
         "hours_spent": request.hours_spent, "needs_met": request.needs_met, "went_to": request.went_to or None,
         "not_met_reason": request.not_met_reason or None, "outcome_note": request.outcome_note or None,
         "cancel_reason": request.cancel_reason or None, "created_at": iso(request.created_at),
         "history": [{"at": iso(event.at), "action": event.action, "by": event.actor.full_name if event.actor else None,
                      "note": event.note} for event in request.events],
         "sign_off": [{"at": iso(signoff.at), "decision": signoff.decision, "reason": signoff.reason,
                       "by": signoff.coordinator.full_name if signoff.coordinator else None}
                      for signoff in request.signoffs]}
        for request in participant.gatemate_requests
    ]


EXPORT_SECTIONS.append(subject_access_section)


def _export_words() -> None:
    from marketplace.gatemate.models import CANCEL_REASON_LABELS, STATUS_LABELS
    from marketplace.participants.export import EXPORT_WORDS

    EXPORT_WORDS["gatemate_requests"] = {
        "status": STATUS_LABELS, "release_status": RELEASE_STATUS_LABELS, "needs": {**HELP_WITH, **DAY_NEEDS},
        "needs_met": {**HELP_WITH, **DAY_NEEDS}, "priorities": PRIORITIES, "went_to": WENT_TO,
        "not_met_reason": NOT_MET_REASONS, "cancel_reason": CANCEL_REASON_LABELS}


_export_words()
