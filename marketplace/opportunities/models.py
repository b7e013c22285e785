"""An opportunity is what a case manager refers a person to: a work placement, a guaranteed interview, a
vacancy, a training course or volunteering. One model for every kind; the kind-specific columns are
empty for the other kinds. Columns are named like the fields of the import (see the README)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, and_, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.disclosure.models import CHECK_LEVELS
from marketplace.extensions import db
from marketplace.reference import OCCUPATION_GROUPS, OFFENCE_CATEGORIES, QUALIFICATION_LEVELS, QUALIFICATION_SUBJECTS

KINDS: dict[str, str] = {
    "work_placement": "Work placement",
    "guaranteed_interview": "Guaranteed interview",
    "vacancy": "Vacancy",
    "training": "Training course",
    "volunteering": "Volunteering",
}
# Kinds whose start is a start in paid work: a vacancy is a job, and a guaranteed interview is an
# interview for one. A work placement is paid work only when it is paid and not training (see
# Opportunity.is_paid_work); a training course or volunteering never is, whatever happens next.
JOB_KINDS: frozenset[str] = frozenset({"vacancy", "guaranteed_interview"})
PLACEMENT_SETTINGS: dict[str, str] = {
    "prison_workshop": "In a prison workshop",
    "day_release": "On day release (release on temporary licence)",
    "community": "In the community",
}
WORK_PATTERNS: dict[str, str] = {
    "full_time": "Full time",
    "part_time": "Part time",
    "shifts": "Shifts",
    "nights": "Nights",
    "weekends": "Weekends",
    "flexible": "Flexible hours",
}
CONTRACT_TYPES: dict[str, str] = {
    "permanent": "Permanent",
    "fixed_term": "Fixed term",
    "temporary": "Temporary",
    "apprenticeship": "Apprenticeship",
    "zero_hours": "Zero hours",
    "casual": "Casual",
}
PAY_PERIODS: dict[str, str] = {"hour": "an hour", "day": "a day", "week": "a week", "month": "a month",
                               "year": "a year"}
DOCUMENTS: dict[str, str] = {
    "cv": "CV",
    "disclosure_letter": "Disclosure letter",
    "covering_letter": "Covering letter",
    "right_to_work": "Proof of identity and right to work",
    "driving_licence": "Driving licence",
    "certificates": "Certificates for qualifications or cards (CSCS, forklift)",
    "references": "References",
}
OFFENCE_EXCLUSIONS: dict[str, str] = {
    "none": "No offences are excluded",
    "case_by_case": "Convictions are considered case by case",
    **{code: label for code, label in OFFENCE_CATEGORIES.items()},
}


class OpportunityStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    FILLED = "filled"
    ARCHIVED = "archived"


class Opportunity(db.Model):
    __tablename__ = "opportunities"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id", name="uq_opportunities_organisation_external_id"),
        Index("ix_opportunities_open", "status", "closing_date"),
        Index("ix_opportunities_organisation_status", "organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    sector: Mapped[str] = mapped_column(String(60), index=True)
    occupation_group: Mapped[str | None] = mapped_column(String(2))
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    region: Mapped[str] = mapped_column(String(40), index=True)
    national: Mapped[bool] = mapped_column(default=False)
    remote: Mapped[bool] = mapped_column(default=False)
    hours_per_week: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    work_pattern: Mapped[str] = mapped_column(String(20), default="")
    contract_type: Mapped[str] = mapped_column(String(20), default="")
    pay_from: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    pay_to: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    pay_period: Mapped[str] = mapped_column(String(10), default="")
    pays_minimum_wage: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    closing_date: Mapped[date | None] = mapped_column(Date)
    rolling: Mapped[bool] = mapped_column(default=False)
    places: Mapped[int] = mapped_column()
    places_taken: Mapped[int] = mapped_column(default=0)
    essential_criteria: Mapped[str] = mapped_column(Text, default="")
    desirable_criteria: Mapped[str] = mapped_column(Text, default="")
    minimum_requirements: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list] = mapped_column(JSON, default=list)
    offence_exclusions: Mapped[list] = mapped_column(JSON, default=list)
    # The criminal record check the employer does (disclosure.models.CHECK_LEVELS): what the person must
    # disclose, what a referral may share and which convictions matching counts.
    check_level: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    involves_children: Mapped[bool] = mapped_column(default=False)
    involves_vulnerable_adults: Mapped[bool] = mapped_column(default=False)
    custody_ok: Mapped[bool] = mapped_column(default=False)
    prison_leavers_only: Mapped[bool] = mapped_column(default=False)
    fidelity_bond: Mapped[bool] = mapped_column(default=False)
    how_to_apply: Mapped[str] = mapped_column(Text, default="")
    # Work placements
    paid: Mapped[bool] = mapped_column(default=False)
    setting: Mapped[str] = mapped_column(String(20), default="")
    # A placement that is training (work experience on a course) may pay less than the minimum wage, or
    # nothing; a training course always counts as training.
    is_training: Mapped[bool] = mapped_column(default=False)
    # Training courses
    qualification_subject: Mapped[str | None] = mapped_column(String(30))
    qualification_level: Mapped[str | None] = mapped_column(String(10))
    leads_to_guaranteed_interview: Mapped[bool] = mapped_column(default=False)
    # Guaranteed interviews: the course to complete first, if any
    required_course: Mapped[str] = mapped_column(String(200), default="")

    status: Mapped[str] = mapped_column(String(20), default=OpportunityStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    history: Mapped[list[OpportunityStatusChange]] = relationship(
        back_populates="opportunity", order_by="(OpportunityStatusChange.at, OpportunityStatusChange.id)",
        cascade="all, delete-orphan")

    @classmethod
    def open_clause(cls, today: date | None = None):
        """Open, and not past its closing date: what "open" means in every query, so nothing stale
        shows between runs of the job that closes opportunities on their closing date."""
        today = today or clock.today()
        return (cls.status == OpportunityStatus.OPEN) & or_(cls.rolling.is_(True), cls.closing_date >= today)

    @hybrid_property
    def is_paid_work(self) -> bool:
        """A start here is a job start (and counts towards the 13- and 26-week in-work figures): a
        vacancy, a guaranteed interview (for a job), or a paid work placement that is not training.
        Training courses and volunteering have outcomes of their own, never job outcomes."""
        return self.kind in JOB_KINDS or (self.kind == "work_placement" and bool(self.paid)
                                          and not self.is_training)

    @is_paid_work.inplace.expression
    @classmethod
    def _is_paid_work_expression(cls):
        return or_(cls.kind.in_(sorted(JOB_KINDS)),
                   and_(cls.kind == "work_placement", cls.paid.is_(True), cls.is_training.is_(False)))

    # Permissions -------------------------------------------------------------------------------------
    def can_view(self, user) -> bool:
        """The organisation's own users, admins, and case managers once it has been published."""
        if not user.is_authenticated:
            return False
        if user.role == Role.ADMIN or user.organisation_id == self.organisation_id:
            return True
        return user.role == Role.CASE_MANAGER and self.status != OpportunityStatus.DRAFT

    def can_manage(self, user) -> bool:
        return user.is_authenticated and user.role in (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE) and \
            user.organisation_id == self.organisation_id

    # What people read --------------------------------------------------------------------------------
    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)

    def is_open(self, today: date | None = None) -> bool:
        today = today or clock.today()
        return self.status == OpportunityStatus.OPEN and (self.rolling or (
            self.closing_date is not None and self.closing_date >= today))

    def can_reopen_by_date(self, today: date | None = None) -> bool:
        today = today or clock.today()
        return self.rolling or (self.closing_date is not None and self.closing_date >= today)

    @property
    def location_text(self) -> str:
        place = ", ".join(part for part in (self.town, self.postcode) if part)
        where = f"{place}, {self.region}" if place else self.region
        extras = []
        if self.national:
            extras.append("open to people anywhere in England and Wales")
        if self.remote:
            extras.append("can be done remotely")
        return where + (f" ({'; '.join(extras)})" if extras else "")

    @property
    def pay_text(self) -> str:
        if self.pay_from is None:
            if self.kind == "volunteering":
                return "Unpaid (volunteering)"
            if self.kind == "work_placement" and not self.paid:
                return "Unpaid"
            if self.kind == "training":
                return "Unpaid training"
            return "Not stated" + (": pays at least the National Minimum Wage" if self.pays_minimum_wage else "")
        amount = money(self.pay_from) + (f" to {money(self.pay_to)}" if self.pay_to and self.pay_to != self.pay_from
                                         else "")
        return f"{amount} {PAY_PERIODS.get(self.pay_period, '')}".strip()

    @property
    def hours_text(self) -> str:
        parts = []
        if self.hours_per_week is not None:
            hours = self.hours_per_week.normalize() if self.hours_per_week % 1 else int(self.hours_per_week)
            parts.append(f"{hours} hours a week")
        if self.work_pattern:
            parts.append(WORK_PATTERNS.get(self.work_pattern, self.work_pattern).lower())
        return ", ".join(parts).capitalize() if parts else "Not stated"

    @property
    def closing_text(self) -> str:
        from marketplace.core.filters import govuk_date

        if self.rolling:
            return "Rolling: apply at any time"
        return f"Closes {govuk_date(self.closing_date)}" if self.closing_date else "No closing date"

    @property
    def offence_exclusion_labels(self) -> list[str]:
        return [OFFENCE_EXCLUSIONS[code] for code in self.offence_exclusions or [] if code in OFFENCE_EXCLUSIONS]

    @property
    def check_level_label(self) -> str:
        return CHECK_LEVELS.get(self.check_level or "none", "")

    @property
    def excluded_offences(self) -> list[str]:
        return [OFFENCE_CATEGORIES[code] for code in self.offence_exclusions or [] if code in OFFENCE_CATEGORIES]

    @property
    def document_labels(self) -> list[str]:
        return [DOCUMENTS[code] for code in self.documents or [] if code in DOCUMENTS]

    @property
    def occupation_label(self) -> str:
        return OCCUPATION_GROUPS.get(self.occupation_group or "", "")

    @property
    def qualification_text(self) -> str:
        if not self.qualification_subject:
            return ""
        return (f"{QUALIFICATION_LEVELS.get(self.qualification_level, '')} qualification in "
                f"{QUALIFICATION_SUBJECTS.get(self.qualification_subject, '').lower()}").strip()

    @property
    def who_text(self) -> str:
        if self.custody_ok:
            who = "People in prison who can work on release on temporary licence, and people already released"
        else:
            who = "Only people already released from prison, or serving their sentence in the community"
        if self.prison_leavers_only:
            who += ". Only for people who have been in prison"
        return who


class OpportunityStatusChange(WorkflowHistory, db.Model):
    """One step of an opportunity's status workflow."""

    __tablename__ = "opportunity_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")

    opportunity: Mapped[Opportunity] = relationship(back_populates="history")


def money(amount: Decimal | None) -> str:
    """£12.71, £24,000: pence only when there are any."""
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"£{int(amount):,}"
    return f"£{amount:,.2f}"
