"""Gatemate: a national network of voluntary organisations whose mentors meet a person at the prison
gate on release day and stay with them through the first appointments (seed 003, section VI.A.4;
domain facts, section 6). Some 90% of people leaving prison have an address to go to, but many never
get there; the first hours decide a great deal.

A case manager asks for a mentor (a `GatemateRequest`); mentors of the organisations that cover the
prison see it on their board and the first to accept gets it. Each mentor has a `MentorProfile`, kept
by their organisation's coordinators: where they cover, when they are free, their DBS check and how
many requests they can hold at once.

Coverage is derived from the mentors: an organisation covers a prison when one of its active mentors
does. There is no organisation-level coverage list, so the coverage shown to case managers,
coordinators and the escalation job is always what the mentors can actually do.

What mentors see is deliberately narrow: `GatemateRequest.brief()` is the only view of a request that
templates for mentoring organisations receive. It never reaches into the participant's record beyond
their first name and last initial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    and_,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from marketplace.accounts.models import User, UserStatus
from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db
from marketplace.reference import PRISONS

# Reference lists for Gatemate. Codes are stored; labels are what people read. The needs on release
# day and the things mentors help with follow the through-the-gate mentoring description in the
# domain facts (bgswcrc.co.uk: probation, accommodation, benefits, GP) and the issue.

# What a mentor can help with.
HELP_WITH: dict[str, str] = {
    "housing": "Housing",
    "benefits": "Benefits and money",
    "recovery": "Recovery from drugs or alcohol",
    "lived_experience": "Lived experience of prison",
    "languages": "Languages other than English",
}

# What the person needs on the day.
DAY_NEEDS: dict[str, str] = {
    "accommodation": "Getting to their accommodation",
    "probation": "Probation appointment",
    "benefits": "Benefits or Jobcentre appointment",
    "gp": "Registering with a GP",
    "id": "Getting ID",
    "travel": "Travel",
    "phone": "A phone",
    "clothes": "Clothes",
}

# Why a request should be met first.
PRIORITIES: dict[str, str] = {
    "job": "A job or interview lined up",
    "recovery": "In recovery",
    "disability": "Disability",
    "nfa": "No fixed abode",
}

# Where the person went from the gate: the measure of "wastage" (seed 003, VI.A.2).
WENT_TO: dict[str, str] = {
    "planned_address": "The address they were going to",
    "approved_premises": "Approved premises (a probation hostel)",
    "family_friends": "Family or friends",
    "emergency_housing": "Emergency or temporary housing from the council",
    "rough_sleeping": "Rough sleeping or no accommodation",
    "other": "Somewhere else",
    "unknown": "I do not know",
}

NOT_MET_REASONS: dict[str, str] = {
    "did_not_come_out": "They did not come out",
    "released_elsewhere": "They were released from somewhere else",
    "released_earlier": "They were released earlier than expected",
    "release_cancelled": "The release was cancelled",
    "did_not_turn_up": "They came out but did not turn up to meet",
}

CANCEL_REASONS: dict[str, str] = {
    "not_needed": "They no longer need a mentor (for example, family will meet them)",
    "declined": "They do not want a mentor",
    "release_cancelled": "The release has been cancelled or put off",
    "transferred": "They have been moved to another prison",
    "made_in_error": "The request was made in error",
    "other": "Another reason",
}

# Ways a request ends that no one picks from the cancel form.
ENDED_REASONS: dict[str, str] = {
    "consent_withdrawn": "They withdrew their consent to share details with mentors",
    "not_released": "They were not released",
}
CANCEL_REASON_LABELS: dict[str, str] = {**CANCEL_REASONS, **ENDED_REASONS}


class ReleaseStatus(StrEnum):
    EXPECTED = "expected"
    DELAYED = "delayed"
    RELEASED = "released"
    NOT_RELEASED = "not_released"


RELEASE_STATUS_LABELS: dict[str, str] = {
    ReleaseStatus.EXPECTED: "Expected",
    ReleaseStatus.DELAYED: "Delayed",
    ReleaseStatus.RELEASED: "Released",
    ReleaseStatus.NOT_RELEASED: "Not released: the gate meeting is off",
}

WEEKDAYS: dict[int, str] = {0: "Monday", 1: "Tuesday", 2: "Wednesday", 3: "Thursday", 4: "Friday",
                            5: "Saturday", 6: "Sunday"}

# Half-hour steps for the expected time window: prisons release from early morning to early evening.
WINDOW_TIMES: list[time] = [time(hour, minute) for hour in range(6, 21) for minute in (0, 30)][:-1]

MAX_CAPACITY = 10


def time_text(value: time | None) -> str:
    """8am, 10:30am, midday: the GOV.UK style for times."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def window_text(start: time | None, end: time | None) -> str:
    if start is None or end is None:
        return "Time not known"
    return f"{time_text(start)} to {time_text(end)}"


class Status(StrEnum):
    SIGNOFF = "awaiting_signoff"
    OPEN = "open"
    ACCEPTED = "accepted"
    MET = "met"
    NOT_MET = "not_met"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DECLINED = "declined"


STATUS_LABELS: dict[str, str] = {
    Status.SIGNOFF: "Waiting for a coordinator's sign-off",
    Status.OPEN: "Waiting for a mentor",
    Status.ACCEPTED: "Mentor found",
    Status.MET: "Met at the gate",
    Status.NOT_MET: "Not met",
    Status.CANCELLED: "Cancelled",
    Status.EXPIRED: "No mentor found",
    Status.DECLINED: "Not signed off",
}
STATUS_COLOURS: dict[str, str] = {
    Status.SIGNOFF: "purple", Status.DECLINED: "red",
    Status.OPEN: "yellow", Status.ACCEPTED: "blue", Status.MET: "green", Status.NOT_MET: "orange",
    Status.CANCELLED: "grey", Status.EXPIRED: "red",
}
ACTIVE_STATUSES = (Status.SIGNOFF, Status.OPEN, Status.ACCEPTED)


ONE_OF_TWO = "1 of 2 mentors found"


class MentorProfile(db.Model):
    """What a mentor can do, kept by their organisation's coordinators.

    A mentor covers every prison listed in `prisons`, and every prison in each region listed in
    `regions` (a mentor who will travel anywhere in the North West covers all its prisons). The DBS
    check must be in date on the release day for them to take a request.
    """

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    prisons: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    weekdays: Mapped[list] = mapped_column(JSON, default=list)
    dbs_checked_on: Mapped[date] = mapped_column(Date)
    dbs_expires_on: Mapped[date] = mapped_column(Date)
    help_with: Mapped[list] = mapped_column(JSON, default=list)
    languages: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=1)
    # Paused until this day (holiday, illness): no new requests, and held ones go back to the board.
    unavailable_until: Mapped[date | None] = mapped_column(Date)
    # For release-day text messages (GOV.UK Notify when NOTIFY_API_KEY is set).
    mobile: Mapped[str] = mapped_column(String(20), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def covered_prisons(self) -> frozenset[str]:
        regions = set(self.regions or [])
        return frozenset(self.prisons or []) | {prison for prison, region in PRISONS.items() if region in regions}

    def covers(self, prison: str) -> bool:
        return prison in self.covered_prisons

    def dbs_in_date(self, on: date | None = None) -> bool:
        return self.dbs_expires_on >= (on or clock.today())

    def paused_on(self, day: date | None = None) -> bool:
        return self.unavailable_until is not None and self.unavailable_until >= (day or clock.today())

    def available_on(self, day: date) -> bool:
        return day.weekday() in (self.weekdays or [])

    @property
    def weekday_names(self) -> list[str]:
        return [WEEKDAYS[day] for day in sorted(self.weekdays or []) if day in WEEKDAYS]

    @property
    def help_labels(self) -> list[str]:
        return [label for code, label in HELP_WITH.items() if code in (self.help_with or [])]

    def coverage_text(self) -> str:
        parts = [f"all of {region}" for region in self.regions or []]
        parts += [prison for prison in sorted(self.prisons or []) if PRISONS.get(prison) not in (self.regions or [])]
        return ", ".join(parts) or "Nowhere yet"


class GatemateRequest(db.Model):
    """A case manager's request for a mentor to meet one person at the gate on release day."""

    __tablename__ = "gatemate_requests"
    __table_args__ = (
        Index("ix_gatemate_requests_status_release", "status", "release_date"),
        # The same mentor cannot take both places of a two-mentor request, whatever the code does.
        CheckConstraint("second_mentor_id IS NULL OR second_mentor_id <> mentor_id", name="two_different_mentors"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    # The participant's organisation (the case manager's), kept here so lists need no join.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    prison: Mapped[str] = mapped_column(String(100), index=True)
    release_date: Mapped[date] = mapped_column(Date)
    window_start: Mapped[time] = mapped_column(Time)
    window_end: Mapped[time] = mapped_column(Time)
    release_status: Mapped[str] = mapped_column(String(20), default=ReleaseStatus.EXPECTED)
    destination_town: Mapped[str] = mapped_column(String(100))
    destination_region: Mapped[str] = mapped_column(String(40))
    needs: Mapped[list] = mapped_column(JSON, default=list)
    priorities: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(500), default="")
    # How to keep the mentor safe, said without offences: where to meet, two mentors, who to phone.
    safety_arrangements: Mapped[str] = mapped_column(String(500), default="", server_default="")
    two_mentors: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The date the person gave the consent to share with mentors that this request was sent under.
    consent_given_on: Mapped[date | None] = mapped_column(Date)

    status: Mapped[str] = mapped_column(String(20), default=Status.OPEN, index=True)
    # The mentor in the first place. A request signed off for two mentors stays open ("1 of 2 mentors
    # found") with only `mentor_id` set, and is accepted when a second, different mentor takes
    # `second_mentor_id`. If one of the two leaves, the other moves to (or stays in) the first place.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    second_mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    cancel_reason: Mapped[str] = mapped_column(String(30), default="")

    hours_spent: Mapped[int | None] = mapped_column()
    needs_met: Mapped[list] = mapped_column(JSON, default=list)
    went_to: Mapped[str] = mapped_column(String(30), default="")
    not_met_reason: Mapped[str] = mapped_column(String(30), default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # The backref gives the participant's page its list of requests without the participants package
    # knowing about Gatemate; rows go with the participant through ON DELETE CASCADE.
    participant = relationship("Participant", backref=backref(
        "gatemate_requests", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(GatemateRequest.release_date.desc(), GatemateRequest.id.desc())"))
    organisation = relationship("Organisation")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    second_mentor: Mapped[User | None] = relationship(foreign_keys=[second_mentor_id])
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(RequestEvent.at, RequestEvent.id)")
    signoffs: Mapped[list[Signoff]] = relationship(
        back_populates="request", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(Signoff.at, Signoff.id)")

    # Derived facts -----------------------------------------------------------------------------------
    @property
    def mentors(self) -> list[User]:
        """The mentors in the request's places, first place first."""
        return [mentor for mentor in (self.mentor, self.second_mentor) if mentor is not None]

    @property
    def mentor_ids(self) -> list[int]:
        return [mentor_id for mentor_id in (self.mentor_id, self.second_mentor_id) if mentor_id is not None]

    def holds(self, user_id: int | None) -> bool:
        """Whether `user_id` has a place on this request (it may still wait for a second mentor)."""
        return user_id is not None and user_id in self.mentor_ids

    @property
    def mentors_needed(self) -> int:
        return 2 if self.two_mentors else 1

    @property
    def one_of_two(self) -> bool:
        """A two-mentor request with one mentor so far: still open, on the board and the escalations."""
        return self.status == Status.OPEN and self.two_mentors and self.mentor_id is not None

    @property
    def status_label(self) -> str:
        if self.one_of_two:
            return ONE_OF_TWO
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "grey")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def prison_region(self) -> str:
        return PRISONS.get(self.prison, "")

    @property
    def window(self) -> str:
        return window_text(self.window_start, self.window_end)

    @property
    def release_status_label(self) -> str:
        return RELEASE_STATUS_LABELS.get(self.release_status, self.release_status)

    @property
    def need_labels(self) -> list[str]:
        return [label for code, label in DAY_NEEDS.items() if code in (self.needs or [])]

    @property
    def priority_labels(self) -> list[str]:
        return [label for code, label in PRIORITIES.items() if code in (self.priorities or [])]

    @property
    def went_to_label(self) -> str:
        return WENT_TO.get(self.went_to, "")

    @property
    def needs_met_labels(self) -> list[str]:
        return [label for code, label in DAY_NEEDS.items() if code in (self.needs_met or [])]

    def days_to_release(self, today: date | None = None) -> int:
        return (self.release_date - (today or clock.today())).days

    @property
    def shared(self) -> bool:
        """Whether mentoring organisations may see anything personal on this request: only while the
        person's consent to share with mentors is in force. Asked on every page, so consent withdrawn
        hides the request's details from every worker at once, whatever else has happened."""
        return self.participant.may_share_with_mentors()

    def note_for_mentors(self) -> str | None:
        """The note, only while the participant agrees to share details with mentors: consent
        withdrawn after the request was made hides it again."""
        if self.note and self.shared:
            return self.note
        return None

    @property
    def risk_flags(self) -> list[str]:
        """Why a request needs a coordinator's sign-off: the MAPPA level and a high or very high risk of
        serious harm, by label only. Never the MAPPA category or offences (a category names the kind
        of offence)."""
        person = self.participant
        flags = []
        if person.mappa_level:
            flags.append(f"Managed under MAPPA (level {person.mappa_level})")
        if person.rosh_level in ("high", "very_high"):
            flags.append(f"{'Very high' if person.rosh_level == 'very_high' else 'High'} risk of serious harm")
        return flags

    @property
    def latest_signoff(self) -> Signoff | None:
        return self.signoffs[-1] if self.signoffs else None

    def latest_release_update(self) -> RequestEvent | None:
        updates = [event for event in self.events if event.action == "update_release"]
        return updates[-1] if updates else None

    def brief(self) -> MentorBrief:
        """What a mentor, or a mentoring coordinator, may know about this request."""
        person = self.participant
        shared = self.shared
        return MentorBrief(
            id=self.id, name=f"{person.first_name} {person.last_name[:1]}." if shared else WITHHELD,
            prison=self.prison, prison_region=self.prison_region, release_date=self.release_date,
            window=self.window, release_status=self.release_status, release_status_label=self.release_status_label,
            destination_town=self.destination_town if shared else "",
            destination_region=self.destination_region if shared else "",
            needs=self.need_labels if shared else [], priorities=self.priority_labels if shared else [],
            note=self.note_for_mentors(), status=self.status, status_label=self.status_label,
            status_colour=self.status_colour, mentor_id=self.mentor_id, shared=shared,
            safety_arrangements=self.safety_arrangements if shared else "", two_mentors=self.two_mentors,
            mentor_ids=tuple(self.mentor_ids),
        )

    # Permissions -------------------------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """Case managers of the participant's organisation; the mentor who holds it; mentors who cover
        the prison while it is open; coordinators whose mentors hold it or whose organisation covers
        the prison; admins."""
        if not user.is_authenticated:
            return False
        if user.role == Role.ADMIN:
            return True
        if user.role == Role.CASE_MANAGER:
            return user.organisation_id == self.organisation_id
        if user.role == Role.MENTOR:
            if self.holds(user.id):
                return True
            return self.status == Status.OPEN and self.in_coverage_of(user)
        if user.role == Role.COORDINATOR:
            if any(mentor.organisation_id == user.organisation_id for mentor in self.mentors):
                return True
            return self.prison in organisation_prisons(user.organisation_id)
        return False

    def in_coverage_of(self, mentor: User) -> bool:
        profile = profile_of(mentor)
        return profile is not None and profile.covers(self.prison)


@dataclass(frozen=True)
class MentorBrief:
    """The mentor's view of a request: first name and last initial, where and when, where they are
    going, what they need and why they come first, and the note only with consent. Nothing else from
    the participant's record (no number, date of birth, offences, restrictions or risk)."""

    id: int
    name: str
    prison: str
    prison_region: str
    release_date: date
    window: str
    release_status: str
    release_status_label: str
    destination_town: str
    destination_region: str
    needs: list[str]
    priorities: list[str]
    note: str | None
    status: str
    status_label: str
    status_colour: str
    mentor_id: int | None
    shared: bool = True
    safety_arrangements: str = ""
    two_mentors: bool = False
    mentor_ids: tuple[int, ...] = ()


# What mentoring organisations see in place of the name once consent to share is withdrawn.
WITHHELD = "Details withheld"


class RequestEvent(WorkflowHistory, db.Model):
    """One step in a request's life: who did what, when, from which state to which. Escalations are
    recorded here too (with no actor), so the request's page tells the whole story."""

    __tablename__ = "gatemate_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("gatemate_requests.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")

    request: Mapped[GatemateRequest] = relationship(back_populates="events")


class Signoff(db.Model):
    """A coordinator's decision on a request that needs sign-off before mentors see it (MAPPA, or a
    high or very high risk of serious harm): who, when, signed off or not, why, and whether two
    mentors must go."""

    __tablename__ = "gatemate_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("gatemate_requests.id", ondelete="CASCADE"), index=True)
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    two_mentors: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    request: Mapped[GatemateRequest] = relationship(back_populates="signoffs")
    coordinator: Mapped[User | None] = relationship()


class TextMessage(db.Model):
    """A release-day message for GOV.UK Notify: a text (`sms`) or an email. Written in the same
    transaction as the change it tells of; sent afterwards (`deliver_texts`), so a failed send never
    undoes the change and is tried again. Without NOTIFY_API_KEY nothing is sent and admins read
    the texts here, as they read the email outbox."""

    __tablename__ = "gatemate_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    notify_id: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User | None] = relationship()


# Coverage: derived from the active mentors' profiles --------------------------------------------------

def profile_of(user: User) -> MentorProfile | None:
    if user is None or user.role != Role.MENTOR:
        return None
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user.id))


def active_profiles(organisation_id: int | None = None) -> list[MentorProfile]:
    """Profiles of mentors whose accounts are active, optionally of one organisation."""
    query = (select(MentorProfile).join(User, User.id == MentorProfile.user_id)
             .where(User.role == Role.MENTOR, User.status == UserStatus.ACTIVE))
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(MentorProfile.id)))


def organisation_prisons(organisation_id: int | None) -> frozenset[str]:
    """Every prison an organisation covers: the union of its active mentors' coverage."""
    if organisation_id is None:
        return frozenset()
    covered: set[str] = set()
    for profile in active_profiles(organisation_id):
        covered |= profile.covered_prisons
    return frozenset(covered)


def organisations_covering(prison: str) -> list[int]:
    return sorted({profile.user.organisation_id for profile in active_profiles() if profile.covers(prison)})


def coordinators_of(organisation_ids) -> list[User]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(
        User.organisation_id.in_(ids), User.role == Role.COORDINATOR, User.status == UserStatus.ACTIVE,
    ).order_by(User.organisation_id, User.full_name)))


def held_by(mentor_id: int):
    """Requests in which `mentor_id` has a place now: accepted (in either place, release day not yet
    recorded), or the first place of a two-mentor request still waiting for its second mentor."""
    return or_(
        and_(GatemateRequest.status == Status.ACCEPTED,
             or_(GatemateRequest.mentor_id == mentor_id, GatemateRequest.second_mentor_id == mentor_id)),
        and_(GatemateRequest.status == Status.OPEN, GatemateRequest.mentor_id == mentor_id),
    )


def held_count(mentor_id: int) -> int:
    """How many requests a mentor holds now (see `held_by`): a place waiting for a second mentor counts
    against their capacity too."""
    return db.session.scalar(select(func.count()).select_from(GatemateRequest).where(held_by(mentor_id))) or 0
