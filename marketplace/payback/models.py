"""A Community Payback project from nomination to delivery, the public's votes on it, and its history.

A nomination is public: anyone may make one, so it holds the nominator's contact details (seen only
by payback managers of the project's region) and nothing about people on orders. What the nominator
wrote is never published as it is: a payback manager writes the public title and text from it (taking
out names and contact details), and only that reviewed text reaches the public pages. A vote stores a keyed
hash of the voter's email address, never the address, so votes can be counted once per person and the
list of voters cannot be read back.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class Status(StrEnum):
    UNCONFIRMED = "unconfirmed"  # made, waiting for the nominator to confirm by email
    SUBMITTED = "submitted"  # confirmed: waits for a payback manager's assessment
    REVIEWED = "reviewed"  # the public text is written and checked: it may be shortlisted or accepted
    SHORTLISTED = "shortlisted"  # put to the public vote
    ACCEPTED = "accepted"  # will be delivered
    DECLINED = "declined"


STATUS_LABELS = {
    Status.UNCONFIRMED: "Waiting for email confirmation",
    Status.SUBMITTED: "Waiting for assessment",
    Status.REVIEWED: "Public text written: ready to shortlist or accept",
    Status.SHORTLISTED: "Shortlisted for the public vote",
    Status.ACCEPTED: "Accepted",
    Status.DECLINED: "Declined",
}

# What the probation area scores each nomination on, 1 (poor) to 5 (excellent).
CRITERIA = {
    "duration": "Duration: enough work for the hours people must do",
    "scale": "Scale: right for a supervised group",
    "skills": "Skills people can develop",
    "value": "Value to the community",
    "supervision": "Can be supervised safely",
    "safety": "Community safety",
}
SCORES = {str(n): str(n) for n in range(1, 6)}

DECLINE_REASONS = {
    "paid_work": "It would take away paid work",
    "profit": "Someone would make a profit from it",
    "unsafe": "It cannot be done safely",
    "too_small": "It is too small for a supervised group",
    "other": "Another reason (explained in the note)",
}

# The stages whose projects the public pages may show (once their public text is reviewed).
PUBLIC_STATUSES = (Status.SHORTLISTED, Status.ACCEPTED)

YES_NO_UNSURE = {"yes": "Yes", "no": "No", "unsure": "Not sure"}


class PaybackProject(db.Model):
    __tablename__ = "payback_projects"
    __table_args__ = (Index("ix_payback_projects_region_status", "region", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[str] = mapped_column(String(30), default=Status.UNCONFIRMED, index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    benefit: Mapped[str] = mapped_column(Text)
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10))
    region: Mapped[str] = mapped_column(String(40))
    toilets_nearby: Mapped[str] = mapped_column(String(10))
    step_free_access: Mapped[str] = mapped_column(String(10))
    nominator_name: Mapped[str] = mapped_column(String(200))
    nominator_email: Mapped[str] = mapped_column(String(254))
    nominator_phone: Mapped[str] = mapped_column(String(30), default="")
    nominator_organisation: Mapped[str] = mapped_column(String(200), default="")
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    decision_reason: Mapped[str] = mapped_column(String(30), default="")
    decision_note: Mapped[str] = mapped_column(String(1000), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_opens_on: Mapped[date | None] = mapped_column(Date)
    vote_closes_on: Mapped[date | None] = mapped_column(Date)
    # What the public pages show, written by a payback manager from the nominator's words (who wrote
    # it and when is in the history, action "review_public_text"). None until then.
    public_title: Mapped[str | None] = mapped_column(String(120))
    public_description: Mapped[str | None] = mapped_column(Text)
    public_benefit: Mapped[str | None] = mapped_column(Text)
    public_text_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the work of an accepted project starts, as the nominator is told (history action "schedule").
    work_starts_on: Mapped[date | None] = mapped_column(Date)
    # A project a social enterprise runs may offer a guaranteed interview or a job (one of that social
    # enterprise's opportunities) to the people who complete their order on it (history "set_offer").
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    offer_opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunities.id", ondelete="SET NULL"))

    history: Mapped[list[ProjectEvent]] = relationship(
        back_populates="project", order_by="ProjectEvent.at", cascade="all, delete-orphan")
    photos: Mapped[list[PaybackPhoto]] = relationship(
        back_populates="project", order_by="PaybackPhoto.id", cascade="all, delete-orphan")
    run_by = relationship("Organisation", foreign_keys=[run_by_id])
    offer_opportunity = relationship("Opportunity", foreign_keys=[offer_opportunity_id])

    @property
    def public_photos(self) -> list[PaybackPhoto]:
        return [photo for photo in self.photos if photo.public] if self.is_public else []

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]

    @property
    def total_score(self) -> int | None:
        return sum(int(value) for value in self.scores.values()) if self.scores else None

    def can_view(self, user) -> bool:
        """Payback managers see the nominations of their own organisation's region; admins see all."""
        if not user.is_authenticated:
            return False
        if user.role == Role.ADMIN:
            return self.status != Status.UNCONFIRMED
        return (user.role == Role.PAYBACK_MANAGER and user.organisation is not None
                and user.organisation.region == self.region and self.status != Status.UNCONFIRMED)

    @property
    def is_public(self) -> bool:
        """Shortlisted or accepted, with public text a payback manager has written and checked. A
        project shortlisted before that step existed stays off the public pages until it is written."""
        return self.status in PUBLIC_STATUSES and self.public_text_at is not None

    def voting_open(self, today: date) -> bool:
        return (self.is_public and self.status == Status.SHORTLISTED and self.vote_opens_on is not None
                and self.vote_closes_on is not None and self.vote_opens_on <= today <= self.vote_closes_on)


class PaybackPhoto(db.Model):
    """A photo sent with a nomination, as stored: decoded and written anew as a JPEG without metadata
    (payback/photos.py). Payback managers of the region see every one; the public sees one only once a
    payback manager has marked it public while writing the project's public text."""

    __tablename__ = "payback_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("payback_projects.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column()
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    project: Mapped[PaybackProject] = relationship(back_populates="photos")


class ProjectEvent(WorkflowHistory, db.Model):
    """One step of a project's workflow: confirmed, shortlisted, accepted, declined (with the reason)."""

    __tablename__ = "payback_project_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("payback_projects.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(String(1000), default="")

    project: Mapped[PaybackProject] = relationship(back_populates="history")


class PaybackVote(db.Model):
    """One person's vote for one shortlisted project: counted once its emailed link is confirmed."""

    __tablename__ = "payback_votes"
    __table_args__ = (UniqueConstraint("project_id", "voter_hash", name="uq_payback_votes_project_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("payback_projects.id", ondelete="CASCADE"), index=True)
    voter_hash: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    project: Mapped[PaybackProject] = relationship()


# ----------------------------------------------------------------------------------------------------
# Hours: people on a community order with unpaid work, and the hours they do

ETE_CAP_PERCENT = 30  # HMPPS's current rule; the 2010 paper said "up to 20%"
PAPER_ETE_CAP_PERCENT = 20  # seed paper 003: "up to 20%" of the hours on skills and employment


class RegionEteCap(db.Model):
    """A region's ETE cap, set by its payback managers (or an admin). A region with no row has the
    national ETE_CAP_PERCENT. Each change is a RegionEteCapChange row (who, when, from, to)."""

    __tablename__ = "payback_region_ete_caps"

    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    percent: Mapped[int] = mapped_column()
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class RegionEteCapChange(db.Model):
    __tablename__ = "payback_region_ete_cap_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    from_percent: Mapped[int] = mapped_column()
    to_percent: Mapped[int] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    note: Mapped[str] = mapped_column(String(500), default="")

    actor = relationship("User")


class EteOffer(db.Model):
    """A Corporate Alliance session (alliance Offer: a member's or social enterprise's mock interviews,
    CV workshop, training day) that a payback manager has marked as education, training or employment
    (ETE): a person on an order who is recorded as attending it (the alliance Booking's attendance) is
    credited `minutes` of ETE, counted toward their order up to its cap. The session, its places and its
    attendance stay the alliance's; this row only says it counts and for how long."""

    __tablename__ = "payback_ete_offers"

    offer_id: Mapped[int] = mapped_column(ForeignKey("alliance_offers.id", ondelete="CASCADE"), primary_key=True)
    minutes: Mapped[int] = mapped_column()
    region: Mapped[str] = mapped_column(String(40))  # the region of the payback manager who marked it
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    offer = relationship("Offer")
    marked_by = relationship("User")

OUTCOMES = {
    "acceptable": "Attended: acceptable",
    "late": "Attended: late",
    "sent_home": "Sent home",
    "absent_acceptable": "Absent: acceptable reason",
    "absent_unacceptable": "Absent: unacceptable",
}
ABSENT = frozenset({"absent_acceptable", "absent_unacceptable"})

HOUR_KINDS = {
    "work": "Unpaid work on a project",
    "ete": "Education, training or employment (ETE) activity",
}

SKILLS = {
    "teamwork": "Working in a team",
    "timekeeping": "Timekeeping and reliability",
    "health_safety": "Health and safety",
    "tools": "Using tools and equipment",
    "horticulture": "Gardening and grounds care",
    "construction": "Painting, decorating and building",
    "customer": "Customer service",
    "cv_interview": "CV writing and interview practice",
    "qualification": "Working towards a qualification",
}


class PaybackOrder(db.Model):
    """The unpaid work part of a person's community order: how many hours, and the share of them
    that may be spent on education, training and employment (ETE)."""

    __tablename__ = "payback_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), unique=True)
    hours_ordered: Mapped[int] = mapped_column()
    ete_cap_percent: Mapped[int] = mapped_column(default=ETE_CAP_PERCENT)
    made_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    hours: Mapped[list[PaybackHours]] = relationship(
        primaryjoin="PaybackOrder.participant_id == foreign(PaybackHours.participant_id)",
        order_by="(PaybackHours.worked_on.desc(), PaybackHours.id.desc())", viewonly=True)

    @property
    def ete_cap_hours(self) -> int:
        """ETE hours that may count: the cap's share of the hours ordered, rounded down."""
        return self.hours_ordered * self.ete_cap_percent // 100

    @property
    def minutes_done(self) -> int:
        """Minutes that count toward the order: all work, and ETE up to the cap."""
        return sum(row.counted_minutes for row in self.hours)

    @property
    def ete_minutes(self) -> int:
        """ETE minutes that count (never more than the cap)."""
        return sum(row.counted_minutes for row in self.hours if row.kind == "ete")

    @property
    def ete_attended_minutes(self) -> int:
        """Every ETE minute attended, including those past the cap that do not count."""
        return sum(row.minutes for row in self.hours if row.kind == "ete")

    @property
    def ete_minutes_left(self) -> int:
        return max(0, self.ete_cap_hours * 60 - self.ete_minutes)

    @property
    def minutes_left(self) -> int:
        return max(0, self.hours_ordered * 60 - self.minutes_done)

    def can_view(self, user) -> bool:
        return can_see_hours(self.participant, user)


def can_see_hours(participant, user) -> bool:
    """Payback managers of the person's own provider, who supervise the unpaid work, see their order
    and hours (not the rest of their record); nobody else here."""
    return (user.is_authenticated and user.role == Role.PAYBACK_MANAGER and participant is not None
            and user.organisation_id == participant.organisation_id)


class PaybackHours(db.Model):
    """One day's attendance: the hours credited, the outcome code, and the skills practised."""

    __tablename__ = "payback_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("payback_projects.id", ondelete="SET NULL"),
                                                   index=True)
    kind: Mapped[str] = mapped_column(String(10))
    worked_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column()
    # What counts toward the order: `minutes` for work; for ETE only what fits under the cap (and the
    # hours left) when it was recorded, with the order row locked. The rest stays recorded as attended.
    counted_minutes: Mapped[int] = mapped_column(
        default=lambda context: context.get_current_parameters()["minutes"])
    # The alliance booking whose attendance credited this ETE (one credit per booking).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("alliance_bookings.id", ondelete="SET NULL"),
                                                   unique=True)
    outcome: Mapped[str] = mapped_column(String(30))
    skills: Mapped[list] = mapped_column(JSON, default=list)
    activity: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    project: Mapped[PaybackProject | None] = relationship()
    recorded_by = relationship("User")


# ----------------------------------------------------------------------------------------------------
# Work sessions: an accepted project's supervised days, and the people allocated to each

MAX_GROUP = 12  # people one supervisor can oversee on a session


class PaybackSession(db.Model):
    """One supervised session of work on an accepted project: the day, the times, where to meet, the
    supervisor and how many people it can take. `places_taken` rises only through one conditional
    UPDATE (operations.allocate) and the database refuses to let it pass `capacity`."""

    __tablename__ = "payback_sessions"
    __table_args__ = (
        CheckConstraint("places_taken >= 0 AND places_taken <= capacity", name="within_capacity"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("payback_projects.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    capacity: Mapped[int] = mapped_column()
    places_taken: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A cancelled session stays listed, marked cancelled, with its allocations (operations.cancel_session).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")

    project: Mapped[PaybackProject] = relationship()
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    allocations: Mapped[list[PaybackAllocation]] = relationship(
        back_populates="session", order_by="PaybackAllocation.id", cascade="all, delete-orphan")

    @property
    def places_left(self) -> int:
        return 0 if self.is_cancelled else self.capacity - self.places_taken

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def attendance_recorded(self) -> bool:
        return any(allocation.hours_id is not None for allocation in self.allocations)

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)

    def can_view(self, user) -> bool:
        return self.project.can_view(user)


class PaybackAllocation(db.Model):
    """A person on an order allocated to a session; `hours_id` is the attendance recorded for it."""

    __tablename__ = "payback_allocations"
    __table_args__ = (UniqueConstraint("session_id", "participant_id", name="uq_payback_allocations_session_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("payback_sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    hours_id: Mapped[int | None] = mapped_column(ForeignKey("payback_hours.id", ondelete="SET NULL"))
    allocated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    session: Mapped[PaybackSession] = relationship(back_populates="allocations")
    participant = relationship("Participant")
    hours: Mapped[PaybackHours | None] = relationship()
