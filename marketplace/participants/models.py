"""A participant is a person in prison or on probation whom a case manager is helping towards work.
Their record is criminal offence data: only case managers of their own organisation (and admins)
may see it, and every view is audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.reference import PATHWAYS, SECTORS


class Location(StrEnum):
    CUSTODY = "custody"
    COMMUNITY = "community"


class CaseStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class Readiness(StrEnum):
    NOT_READY = "not_ready"
    SUPPORT_NEEDED = "support_needed"
    READY = "ready"
    SUPPORT_DECLINED = "support_declined"
    NO_RIGHT_TO_WORK = "no_right_to_work"


READINESS_LABELS = {
    Readiness.NOT_READY: "Not ready",
    Readiness.SUPPORT_NEEDED: "Support needed",
    Readiness.READY: "Ready to work",
    Readiness.SUPPORT_DECLINED: "Support declined",
    Readiness.NO_RIGHT_TO_WORK: "No right to work",
}

# The practical things a person needs before starting work.
READINESS_TASKS = {
    "bank_account": "Bank account",
    "id": "Identification",
    "cv": "CV and covering letter",
    "disclosure_letter": "Disclosure letter",
    "email": "Email address",
    "phone": "Phone",
    "housing": "Housing",
    "interview_clothes": "Interview clothes",
}
TASK_STATES = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}

RATINGS = {"red": "Red: high need", "amber": "Amber: some need", "green": "Green: low need"}
# A number for each rating so that change can be measured: the size of the need.
RATING_SCORES = {"red": 3, "amber": 2, "green": 1}

CLOSURE_REASONS = {
    "sustained_work": "In sustained work and no longer needs support",
    "moved_away": "Moved out of the area",
    "transferred": "Transferred to another provider",
    "recalled": "Recalled to prison or sentenced again",
    "disengaged": "Stopped engaging",
    "died": "Died",
    "other": "Other",
}


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("organisation_id", "participant_number", name="uq_participants_organisation_number"),
        Index("ix_participants_caseload", "organisation_id", "status", "release_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    participant_number: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)

    location: Mapped[str] = mapped_column(String(20))
    prison: Mapped[str | None] = mapped_column(String(100))
    release_date: Mapped[date | None] = mapped_column(Date)
    release_date_confirmed: Mapped[bool] = mapped_column(default=False)
    order_end_date: Mapped[date | None] = mapped_column(Date)
    release_region: Mapped[str] = mapped_column(String(40), index=True)
    release_town: Mapped[str] = mapped_column(String(100), default="")
    release_postcode: Mapped[str] = mapped_column(String(10), default="")
    no_fixed_abode: Mapped[bool] = mapped_column(default=False)
    travel_miles: Mapped[int | None] = mapped_column()
    rotl_from: Mapped[date | None] = mapped_column(Date)

    skills: Mapped[list] = mapped_column(JSON, default=list)
    qualifications: Mapped[list] = mapped_column(JSON, default=list)
    work_history: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[list] = mapped_column(JSON, default=list)
    goals: Mapped[str] = mapped_column(Text, default="")

    readiness: Mapped[str] = mapped_column(String(30), default=Readiness.NOT_READY, index=True)
    readiness_tasks: Mapped[dict] = mapped_column(JSON, default=dict)

    offence_categories: Mapped[list] = mapped_column(JSON, default=list)
    no_work_with_children: Mapped[bool] = mapped_column(default=False)
    no_work_with_vulnerable_adults: Mapped[bool] = mapped_column(default=False)
    mappa_category: Mapped[str | None] = mapped_column(String(2))
    mappa_level: Mapped[str | None] = mapped_column(String(2))
    rosh_level: Mapped[str | None] = mapped_column(String(20))

    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.ACTIVE, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_reason: Mapped[str] = mapped_column(String(30), default="")
    closed_note: Mapped[str] = mapped_column(String(1000), default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation = relationship("Organisation")
    case_manager = relationship("User", foreign_keys=[case_manager_id])
    assessments: Mapped[list[NeedsAssessment]] = relationship(
        back_populates="participant", cascade="all, delete-orphan",
        order_by="(NeedsAssessment.assessed_on, NeedsAssessment.id)")
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="participant", cascade="all, delete-orphan",
        order_by="(ConsentRecord.recorded_at, ConsentRecord.id)")

    # Permissions -----------------------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """Case managers of the participant's own organisation, and admins. Nobody else, ever."""
        if not user.is_authenticated:
            return False
        if user.role == Role.ADMIN:
            return True
        return user.role == Role.CASE_MANAGER and user.organisation_id == self.organisation_id

    # Derived facts ---------------------------------------------------------------------------------
    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def in_custody(self) -> bool:
        return self.location == Location.CUSTODY

    def is_released(self, today: date | None = None) -> bool:
        today = today or clock.today()
        return self.location == Location.COMMUNITY or (self.release_date is not None and self.release_date < today)

    def days_to_release(self, today: date | None = None) -> int | None:
        if self.release_date is None or self.is_released(today):
            return None
        return (self.release_date - (today or clock.today())).days

    def age(self, today: date | None = None) -> int:
        today = today or clock.today()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def readiness_label(self) -> str:
        return READINESS_LABELS.get(Readiness(self.readiness), self.readiness)

    def task_state(self, task: str) -> str:
        return (self.readiness_tasks or {}).get(task, "not_started")

    @property
    def sectors_wanted(self) -> list[str]:
        return [interest for interest in self.interests or [] if interest in SECTORS]

    @property
    def jobs_wanted(self) -> list[str]:
        return [interest for interest in self.interests or [] if interest not in SECTORS]

    @property
    def consent(self) -> ConsentRecord | None:
        """The consent in force: the latest one recorded."""
        return self.consents[-1] if self.consents else None

    def may_share_with_employers(self) -> bool:
        return bool(self.consent and self.consent.employers)

    def may_share_with_mentors(self) -> bool:
        return bool(self.consent and self.consent.mentors)

    def retention_ends(self, years: int) -> date | None:
        if self.closed_at is None:
            return None
        return (self.closed_at + timedelta(days=round(365.25 * years))).date()


class NeedsAssessment(db.Model):
    """One red/amber/green assessment of the ten resettlement pathways. Kept over time, so the
    participant's page can show how far they have come (distance travelled)."""

    __tablename__ = "needs_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant: Mapped[Participant] = relationship(back_populates="assessments")
    assessed_by = relationship("User")

    def rating(self, pathway: str) -> str | None:
        return (self.ratings or {}).get(pathway)


class ConsentRecord(db.Model):
    """What the participant agreed may be shared, when, and with whom. The latest record is in force;
    earlier ones are kept as the history."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    employers: Mapped[bool] = mapped_column(default=False)
    mentors: Mapped[bool] = mapped_column(default=False)
    given_on: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str] = mapped_column(String(1000), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant: Mapped[Participant] = relationship(back_populates="consents")
    recorded_by = relationship("User")

    @property
    def summary(self) -> str:
        parties = [name for name, agreed in (("employers", self.employers), ("mentors", self.mentors)) if agreed]
        if not parties:
            return "Does not agree to share details"
        return "Agrees to share details with " + " and ".join(parties)


def distance_travelled(assessments: list[NeedsAssessment]) -> list[dict]:
    """For each pathway, the first and latest rating and how far the need moved (positive = less need)."""
    if len(assessments) < 1:
        return []
    first, latest = assessments[0], assessments[-1]
    rows = []
    for code, label in PATHWAYS.items():
        before, after = first.rating(code), latest.rating(code)
        change = None
        if before in RATING_SCORES and after in RATING_SCORES:
            change = RATING_SCORES[before] - RATING_SCORES[after]
        rows.append({"pathway": code, "label": label, "first": before, "latest": after, "change": change})
    return rows
