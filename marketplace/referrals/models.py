"""A referral puts one participant forward for one opportunity. The employer sees only its
snapshot: what the case manager chose to share, with the participant's consent, frozen when the
referral was made."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import EMPLOYING_ROLES, Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    INTERVIEW_OFFERED = "interview_offered"
    INTERVIEW_BOOKED = "interview_booked"
    INTERVIEWED = "interviewed"
    OFFER_MADE = "offer_made"
    OFFER_ACCEPTED = "offer_accepted"
    START_AGREED = "start_agreed"
    STARTED = "started"
    SUSTAINED_13 = "sustained_13"
    SUSTAINED_26 = "sustained_26"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    UNSUCCESSFUL = "unsuccessful"
    OFFER_DECLINED = "offer_declined"
    NO_SHOW = "no_show"
    LEFT_JOB = "left_job"
    # Training, volunteering and unpaid placements (not paid work) have outcomes of their own after
    # the start, in place of the 13- and 26-week job checks.
    COMPLETED = "completed"
    QUALIFICATION_GAINED = "qualification_gained"
    MOVED_INTO_WORK = "moved_into_work"


STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.SUBMITTED: "New",
    Status.ACKNOWLEDGED: "Acknowledged",
    Status.INTERVIEW_OFFERED: "Interview offered",
    Status.INTERVIEW_BOOKED: "Interview booked",
    Status.INTERVIEWED: "Interviewed",
    Status.OFFER_MADE: "Offer made",
    Status.OFFER_ACCEPTED: "Offer accepted",
    Status.START_AGREED: "Start agreed",
    Status.STARTED: "Started work",
    Status.SUSTAINED_13: "In work at 13 weeks",
    Status.SUSTAINED_26: "In work at 26 weeks",
    Status.DECLINED: "Declined",
    Status.WITHDRAWN: "Withdrawn",
    Status.UNSUCCESSFUL: "Not successful",
    Status.OFFER_DECLINED: "Offer declined",
    Status.NO_SHOW: "Did not attend",
    Status.LEFT_JOB: "Left the job",
    Status.COMPLETED: "Completed",
    Status.QUALIFICATION_GAINED: "Qualification gained",
    Status.MOVED_INTO_WORK: "Moved into work",
}
# For a course, volunteering or an unpaid placement, the same states in its own words.
NOT_PAID_LABELS = {Status.STARTED: "Started", Status.LEFT_JOB: "Left before the end"}

# Where a referral can end; everything else is still moving.
ENDED = frozenset({Status.DECLINED, Status.WITHDRAWN, Status.UNSUCCESSFUL, Status.OFFER_DECLINED, Status.NO_SHOW,
                   Status.LEFT_JOB, Status.SUSTAINED_26, Status.MOVED_INTO_WORK})
# Still before an interview: a guaranteed interview cannot be declined here.
BEFORE_INTERVIEW = frozenset({Status.SUBMITTED, Status.ACKNOWLEDGED})
# A place is held from the accepted offer on.
HOLDS_PLACE = frozenset({Status.OFFER_ACCEPTED, Status.START_AGREED,
                         Status.STARTED, Status.SUSTAINED_13, Status.SUSTAINED_26,
                         Status.LEFT_JOB, Status.COMPLETED, Status.QUALIFICATION_GAINED,
                         Status.MOVED_INTO_WORK})
# After the start of something that is not paid work: its own outcomes, not the job checks.
NOT_PAID_OUTCOMES = frozenset({Status.COMPLETED, Status.QUALIFICATION_GAINED, Status.MOVED_INTO_WORK})

DECLINE_REASONS = {
    "essential_criteria": "Does not meet the essential criteria",
    "no_places": "No places left",
    "offence_exclusion": "Offence exclusion",
    "not_successful": "Not successful at interview",
    "other": "Other",
}
WITHDRAW_REASONS = {
    "other_work": "Found other work",
    "not_interested": "No longer interested",
    "recalled": "Recalled to prison",
    "release_changed": "Release date changed",
    "other": "Other",
}
LEFT_JOB_REASONS = {
    "resigned": "Resigned",
    "dismissed": "Dismissed",
    "contract_ended": "Contract ended",
    "recalled": "Recalled to prison",
    "other": "Other",
}

SNAPSHOT_PARTS = {
    "skills": "Skills",
    "qualifications": "Qualifications",
    "readiness": "Readiness to work",
    "profile": "A short profile",
    "disclosure": "Disclosure statement",
}


class Referral(db.Model):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_employer_status", "employer_organisation_id", "status"),
        Index("ix_referrals_provider_status", "provider_organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id"), index=True)
    provider_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    employer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(30), default=Status.DRAFT, index=True)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    consent_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person's Virtual Campus CV attached by their case manager: who recorded that the person agreed
    # to share it with this employer, and when (issue 20).
    campus_cv_consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    campus_cv_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requirements_confirmed: Mapped[list] = mapped_column(JSON, default=list)
    guaranteed: Mapped[bool] = mapped_column(default=False)
    guarantee_due_on: Mapped[date | None] = mapped_column(Date, index=True)

    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interview_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    interview_place: Mapped[str] = mapped_column(String(300), default="")
    interview_bring: Mapped[str] = mapped_column(String(500), default="")
    interviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The job offer as the employer made it (make_offer): the start date offered, the hours and the pay.
    # The start itself is start_date, recorded when it is agreed or happens.
    offer_start_date: Mapped[date | None] = mapped_column(Date)
    offer_hours_per_week: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    offer_pay: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    offer_pay_period: Mapped[str] = mapped_column(String(10), default="", server_default="")
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    # Outcomes of a course, volunteering or unpaid placement (never of paid work): when it was
    # completed, the qualification gained (title, level as in reference.QUALIFICATION_LEVELS, date
    # awarded), and when the person moved into work, with the referral to the paid work they started
    # when it came through this service.
    completed_on: Mapped[date | None] = mapped_column(Date)
    qualification_title: Mapped[str] = mapped_column(String(200), default="")
    qualification_level: Mapped[str] = mapped_column(String(10), default="")
    qualification_on: Mapped[date | None] = mapped_column(Date)
    moved_into_work_on: Mapped[date | None] = mapped_column(Date)
    work_referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    participant = relationship("Participant")
    opportunity = relationship("Opportunity")
    case_manager = relationship("User", foreign_keys=[case_manager_id])
    campus_cv_consent_by = relationship("User", foreign_keys=[campus_cv_consent_by_id])
    provider = relationship("Organisation", foreign_keys=[provider_organisation_id])
    employer = relationship("Organisation", foreign_keys=[employer_organisation_id])
    work_referral = relationship("Referral", remote_side=[id], foreign_keys=[work_referral_id])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="(ReferralEvent.at, ReferralEvent.id)")
    messages: Mapped[list[ReferralMessage]] = relationship(
        back_populates="referral", cascade="all, delete-orphan",
        order_by="(ReferralMessage.created_at, ReferralMessage.id)")
    documents: Mapped[list[ReferralDocument]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralDocument.id")

    # Who may see it -------------------------------------------------------------------------------
    def side_of(self, user) -> str | None:
        """'provider', 'employer' or 'admin' for the people entitled to the referral; else None."""
        if not user.is_authenticated:
            return None
        if user.role == Role.ADMIN:
            return "admin"
        if user.role == Role.CASE_MANAGER and user.organisation_id == self.provider_organisation_id:
            return "provider"
        if user.role in EMPLOYING_ROLES and user.organisation_id == self.employer_organisation_id:
            # A draft, or a draft withdrawn before it was sent, never reached the employer.
            return None if self.status == Status.DRAFT or self.submitted_at is None else "employer"
        return None

    def can_view(self, user) -> bool:
        return self.side_of(user) is not None

    # Facts ----------------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        status = Status(self.status)
        if status in NOT_PAID_LABELS and self.opportunity is not None and not self.opportunity.is_paid_work:
            return NOT_PAID_LABELS[status]
        return STATUS_LABELS.get(status, self.status)

    @property
    def qualification_text(self) -> str:
        """The qualification gained, as a person reads it: "Certificate in Construction Skills (Level 2)"."""
        from marketplace.reference import QUALIFICATION_LEVELS

        level = QUALIFICATION_LEVELS.get(self.qualification_level, "")
        return f"{self.qualification_title} ({level})" if level else self.qualification_title

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED

    @property
    def shared_name(self) -> str:
        return self.snapshot.get("name", "") if self.snapshot else ""

    @property
    def has_offer_details(self) -> bool:
        return self.offer_start_date is not None or self.offer_hours_per_week is not None or self.offer_pay is not None

    @property
    def offer_hours_text(self) -> str:
        hours = self.offer_hours_per_week
        return "" if hours is None else f"{hours.normalize() if hours % 1 else int(hours)} hours a week"

    @property
    def offer_pay_text(self) -> str:
        from marketplace.opportunities.models import PAY_PERIODS, money

        if self.offer_pay is None:
            return ""
        return f"{money(self.offer_pay)} {PAY_PERIODS.get(self.offer_pay_period, '')}".strip()

    def guarantee_overdue(self, today: date | None = None) -> bool:
        today = today or clock.today()
        return (self.guaranteed and self.status in BEFORE_INTERVIEW and self.guarantee_due_on is not None
                and today > self.guarantee_due_on)


class ReferralEvent(WorkflowHistory, db.Model):
    """One step of a referral: the timeline both parties see."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # What the step recorded, in words, for the timeline: the interview's time and place, the offer's
    # start date, hours and pay, the start date entered.
    detail: Mapped[str] = mapped_column(String(300), default="", server_default="")

    referral: Mapped[Referral] = relationship(back_populates="events")


class ReferralMessage(db.Model):
    __tablename__ = "referral_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    referral: Mapped[Referral] = relationship(back_populates="messages")
    author = relationship("User")


class ReferralDocument(db.Model):
    """A CV or disclosure letter attached to a referral. The file lives outside the web root under
    a random name; only the two parties (and admins) can download it."""

    __tablename__ = "referral_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    referral: Mapped[Referral] = relationship(back_populates="documents")
