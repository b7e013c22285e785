"""Discretionary funding: money that removes the last barrier to a job (boots for a building-site job,
living costs until the first wage), asked for by a case manager, decided by a funding manager of the
same provider within a yearly budget per purpose, then paid, usually to a supplier.

Money is held in pence, as integers, everywhere: never a float.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class Purpose(StrEnum):
    BRIDGING = "bridging"
    EQUIPMENT = "equipment"
    TRAVEL = "travel"
    TRAINING = "training"
    SELF_EMPLOYMENT = "self_employment"


PURPOSE_LABELS = {
    Purpose.BRIDGING: "Living costs until the first wage",
    Purpose.EQUIPMENT: "Work equipment and clothing",
    Purpose.TRAVEL: "Travel to interviews or the first month of work",
    Purpose.TRAINING: "A short course",
    Purpose.SELF_EMPLOYMENT: "Self-employment start-up",
}

# What a case manager must rule out first (the Flexible Support Fund asks the same).
OTHER_SOURCES = {
    "flexible_support_fund": "Flexible Support Fund (Jobcentre Plus)",
    "budgeting_advance": "Universal Credit Budgeting Advance",
    "discharge_grant": "Prison discharge grant",
    "employer": "The employer",
}


class Status(StrEnum):
    SUBMITTED = "submitted"
    MORE_INFORMATION = "more_information"
    SECOND_APPROVAL = "second_approval"
    APPROVED = "approved"
    PAID = "paid"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    Status.SUBMITTED: "Waiting for a decision",
    Status.MORE_INFORMATION: "More information asked for",
    Status.SECOND_APPROVAL: "Waiting for a second approver",
    Status.APPROVED: "Approved, not yet paid",
    Status.PAID: "Paid",
    Status.DECLINED: "Declined",
    Status.WITHDRAWN: "Withdrawn",
    Status.CANCELLED: "Cancelled after approval",
}

WAITING = frozenset({Status.SUBMITTED, Status.SECOND_APPROVAL})
# The money of a request in these states is held against (or spent from) its budget.
COMMITTED = frozenset({Status.APPROVED, Status.PAID})

DECLINE_REASONS = {
    "other_source": "Another source of money is available",
    "not_linked_to_work": "Not linked to work",
    "over_person_limit": "Over the limit for this person",
    "evidence_missing": "Evidence missing",
    "other": "Other",
}

# Evidence a request can carry. A case manager adds what backs the request before it is decided; a
# funding manager adds the invoice or receipt once it is approved (what they pay against).
EVIDENCE_KINDS = {
    "quote": "Quote or price",
    "offer_letter": "Job offer letter",
    "course_details": "Course details",
    "plan": "Business plan",
    "invoice": "Invoice",
    "receipt": "Receipt",
    "other": "Other evidence",
}
PAYMENT_EVIDENCE = ("invoice", "receipt")

PAYMENT_METHODS = {
    "supplier_invoice": "Invoice paid to the supplier",
    "voucher": "Voucher",
    "cash": "Paid to the person",
}


def financial_year(day: date) -> int:
    """The UK financial year a day falls in, named by the year it starts (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


class FundingBudget(db.Model):
    """One provider's money for one purpose in one financial year, and the limits that go with it;
    for one region (`region`, one of reference.REGIONS) or, with `region` "", for the whole provider.

    A request draws on the pot of the person's release region (Participant.release_region) when the
    provider has one for that purpose and year, and otherwise on the provider-wide pot: see
    operations.pot_for. A provider may hold both (say a London pot and a pot for everyone else).

    `committed_pence` is what approved and paid requests hold; the database itself refuses to let
    it pass `amount_pence`, and approvals raise it with one conditional UPDATE (operations.py)."""

    __tablename__ = "funding_budgets"
    __table_args__ = (
        UniqueConstraint("organisation_id", "purpose", "year", "region",
                         name="uq_funding_budgets_org_purpose_year_region"),
        CheckConstraint("committed_pence >= 0 AND committed_pence <= amount_pence",
                        name="within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column()
    # "" is the provider-wide pot (never NULL: the unique constraint must see it).
    region: Mapped[str] = mapped_column(String(40), default="", server_default="")
    amount_pence: Mapped[int] = mapped_column()
    committed_pence: Mapped[int] = mapped_column(default=0)
    request_limit_pence: Mapped[int] = mapped_column()
    person_limit_pence: Mapped[int] = mapped_column()
    # Above this amount a second funding manager must approve too; None: one approver is enough.
    second_approval_above_pence: Mapped[int | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation = relationship("Organisation")

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.committed_pence

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS.get(Purpose(self.purpose), self.purpose)

    @property
    def region_label(self) -> str:
        return self.region or ALL_REGIONS


ALL_REGIONS = "All regions"


class FundingRequest(db.Model):
    __tablename__ = "funding_requests"
    __table_args__ = (
        Index("ix_funding_requests_org_status", "organisation_id", "status"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    # The job (or interview, or course) the money unlocks; a self-employment plan has none.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    amount_pence: Mapped[int] = mapped_column()
    approved_pence: Mapped[int | None] = mapped_column()
    supplier: Mapped[str] = mapped_column(String(200), default="")
    other_sources: Mapped[list] = mapped_column(JSON, default=list)
    other_sources_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30), default=Status.SUBMITTED)
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("funding_budgets.id", ondelete="SET NULL"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30), default="")

    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    first_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    payment_method: Mapped[str] = mapped_column(String(30), default="")
    payment_reference: Mapped[str] = mapped_column(String(100), default="")
    cash_reason: Mapped[str] = mapped_column(Text, default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    receipt_reference: Mapped[str] = mapped_column(String(100), default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant = relationship("Participant")
    referral = relationship("Referral")
    organisation = relationship("Organisation")
    budget: Mapped[FundingBudget | None] = relationship()
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    last_edited_by = relationship("User", foreign_keys=[last_edited_by_id])
    first_approver = relationship("User", foreign_keys=[first_approver_id])
    documents: Mapped[list[FundingDocument]] = relationship(
        back_populates="request", cascade="all, delete-orphan",
        order_by="(FundingDocument.uploaded_at, FundingDocument.id)")
    events: Mapped[list[FundingEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="(FundingEvent.at, FundingEvent.id)")

    def side_of(self, user) -> str | None:
        """'case_manager' or 'funding_manager' for people of the provider, 'admin'; else None."""
        if not user.is_authenticated:
            return None
        if user.role == Role.ADMIN:
            return "admin"
        if user.organisation_id != self.organisation_id:
            return None
        if user.role == Role.CASE_MANAGER:
            return "case_manager"
        if user.role == Role.FUNDING_MANAGER:
            return "funding_manager"
        return None

    def can_view(self, user) -> bool:
        return self.side_of(user) is not None

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(Status(self.status), self.status)

    @property
    def purpose_label(self) -> str:
        return PURPOSE_LABELS.get(Purpose(self.purpose), self.purpose)

    @property
    def granted_pence(self) -> int:
        """What was approved (all or part of what was asked); 0 until then."""
        return (self.approved_pence or 0) if self.status in COMMITTED else 0


class FundingEvent(WorkflowHistory, db.Model):
    """One step of a funding request: asked, approved, declined, paid, and by whom."""

    __tablename__ = "funding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("funding_requests.id", ondelete="CASCADE"), index=True)
    amount_pence: Mapped[int | None] = mapped_column()
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[FundingRequest] = relationship(back_populates="events")


class FundingDocument(db.Model):
    """Evidence for a request (a quote, an offer letter, an invoice). The file lives outside the web
    root under a random name (core/uploads.py); only the provider's case managers and funding
    managers, and admins, can download it, and each download is in the audit log."""

    __tablename__ = "funding_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("funding_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    request: Mapped[FundingRequest] = relationship(back_populates="documents")
    uploaded_by = relationship("User")

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)


class BondStatus(StrEnum):
    ASKED = "asked"
    ARRANGED = "arranged"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


BOND_STATUS_LABELS = {
    BondStatus.ASKED: "Asked for, waiting for a decision",
    BondStatus.ARRANGED: "Arranged",
    BondStatus.DECLINED: "Declined",
    BondStatus.WITHDRAWN: "Withdrawn by the employer",
}

BOND_DECLINE_REASONS = {
    "not_eligible": "The person is not eligible for the bond scheme",
    "cover_refused": "The bond provider would not give this cover or period",
    "other_cover": "The employer's own insurance covers it",
    "job_ended": "The job offer ended",
    "other": "Other",
}


class FidelityBond(db.Model):
    """An employer fidelity bond asked for with a job offer: insurance a third-sector body (or an insurer)
    arranges so that an employer will take the person on (seed paper 003, "(b) Employer Fidelity
    Bonds"). Recorded with the job (the referral), one per job. A funding manager of the person's
    provider records that it was arranged, or declines it with a coded reason; the employer may
    withdraw it while it waits (funding/workflow.py BONDS)."""

    __tablename__ = "fidelity_bonds"
    __table_args__ = (CheckConstraint("cover_pence > 0", name="cover_positive"),
                      CheckConstraint("months BETWEEN 1 AND 24", name="months_in_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), unique=True)
    employer_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                          index=True)
    provider: Mapped[str] = mapped_column(String(200))
    cover_pence: Mapped[int] = mapped_column()
    months: Mapped[int] = mapped_column()
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    status: Mapped[str] = mapped_column(String(20), default=BondStatus.ASKED, server_default="asked")
    reason_code: Mapped[str] = mapped_column(String(30), default="", server_default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    referral = relationship("Referral")
    asked_by = relationship("User", foreign_keys=[asked_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    events: Mapped[list[FidelityBondEvent]] = relationship(
        back_populates="bond", cascade="all, delete-orphan",
        order_by="(FidelityBondEvent.at, FidelityBondEvent.id)")

    @property
    def label(self) -> str:
        return BOND_STATUS_LABELS.get(BondStatus(self.status), self.status)

    @property
    def reason_label(self) -> str:
        return BOND_DECLINE_REASONS.get(self.reason_code, "")

    def side_of(self, user) -> str | None:
        """'employer' for the employer that asked, 'funding_manager' or 'case_manager' for the person's
        provider, 'admin'; else None."""
        if not user.is_authenticated:
            return None
        if user.role == Role.ADMIN:
            return "admin"
        if user.role in (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE):
            return "employer" if user.organisation_id == self.employer_organisation_id else None
        if user.role in (Role.FUNDING_MANAGER, Role.CASE_MANAGER) and \
                user.organisation_id == self.referral.participant.organisation_id:
            return str(user.role)
        return None

    def can_view(self, user) -> bool:
        return self.side_of(user) is not None


class FidelityBondEvent(WorkflowHistory, db.Model):
    """One step of a fidelity bond: asked, arranged, declined (with its reason), withdrawn; by whom."""

    __tablename__ = "fidelity_bond_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    bond_id: Mapped[int] = mapped_column(ForeignKey("fidelity_bonds.id", ondelete="CASCADE"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    bond: Mapped[FidelityBond] = relationship(back_populates="events")
