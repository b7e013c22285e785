"""A Community Payback project from nomination to delivery, the public's votes on it, and its history.

A nomination is public: anyone may make one, so it holds the nominator's contact details (seen only
by payback managers of the project's region) and nothing about people on orders. A vote stores a keyed
hash of the voter's email address, never the address, so votes can be counted once per person and the
list of voters cannot be read back.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class Status(StrEnum):
    UNCONFIRMED = "unconfirmed"  # made, waiting for the nominator to confirm by email
    SUBMITTED = "submitted"  # confirmed: waits for a payback manager's assessment
    SHORTLISTED = "shortlisted"  # put to the public vote
    ACCEPTED = "accepted"  # will be delivered
    DECLINED = "declined"


STATUS_LABELS = {
    Status.UNCONFIRMED: "Waiting for email confirmation",
    Status.SUBMITTED: "Waiting for assessment",
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

    history: Mapped[list[ProjectEvent]] = relationship(
        back_populates="project", order_by="ProjectEvent.at", cascade="all, delete-orphan")

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

    def voting_open(self, today: date) -> bool:
        return (self.status == Status.SHORTLISTED and self.vote_opens_on is not None
                and self.vote_closes_on is not None and self.vote_opens_on <= today <= self.vote_closes_on)


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
