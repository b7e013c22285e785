"""The Corporate Alliance: an employer's or social enterprise's profile, its membership applications
and decisions (the level history), its offers of staff time and materials, and the places case
managers book on them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class MemberProfile(db.Model):
    """What an employer or social enterprise tells the alliance and the public about itself. One per
    organisation; kept apart from `Organisation`, which only holds what registration needs."""

    __tablename__ = "alliance_profiles"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    sectors: Mapped[list] = mapped_column(JSON, default=list)
    regions: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[str] = mapped_column(String(20), default="")
    what_it_does: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    commitments: Mapped[list] = mapped_column(JSON, default=list)
    story: Mapped[str] = mapped_column(Text, default="")
    social_purpose: Mapped[str] = mapped_column(Text, default="")
    profit_reinvestment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation = relationship("Organisation")


class MembershipStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"
    SUPERSEDED = "superseded"  # replaced by an approved application to move up a level


class AllianceMembership(db.Model):
    """One application to join the alliance, or to move up a level, and what became of it.

    Every application is a row and every decision a `MembershipChange`, so the level history is the
    organisation's rows in order. At most one row per organisation is approved (the membership in
    force) and at most one is waiting for a decision; partial unique indexes hold that in the
    database too."""

    __tablename__ = "alliance_memberships"
    __table_args__ = (
        Index("uq_alliance_memberships_one_approved", "organisation_id", unique=True,
              sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),
        Index("uq_alliance_memberships_one_applied", "organisation_id", unique=True,
              sqlite_where=text("status = 'applied'"), postgresql_where=text("status = 'applied'")),
        Index("ix_alliance_memberships_status_expires", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default=MembershipStatus.APPLIED, index=True)
    pledges: Mapped[list] = mapped_column(JSON, default=list)
    statement: Mapped[str] = mapped_column(Text, default="")
    # The membership in force when this application to move up was made.
    upgrade_of_id: Mapped[int | None] = mapped_column(ForeignKey("alliance_memberships.id", ondelete="SET NULL"))
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    expires_on: Mapped[date | None] = mapped_column(Date)
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    applied_by = relationship("User", foreign_keys=[applied_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    upgrade_of: Mapped[AllianceMembership | None] = relationship(remote_side=[id])
    history: Mapped[list[MembershipChange]] = relationship(
        back_populates="membership", order_by="(MembershipChange.at, MembershipChange.id)",
        cascade="all, delete-orphan")

    def can_view(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return user.role == Role.ADMIN or user.organisation_id == self.organisation_id

    def is_in_force(self, today: date | None = None) -> bool:
        today = today or clock.today()
        return self.status == MembershipStatus.APPROVED and self.expires_on is not None and self.expires_on > today


class MembershipChange(WorkflowHistory, db.Model):
    """One step of the membership workflow: who, from what, to what, at which level, and why."""

    __tablename__ = "alliance_membership_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("alliance_memberships.id", ondelete="CASCADE"),
                                               index=True)
    level: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(1000), default="")

    membership: Mapped[AllianceMembership] = relationship(back_populates="history")


# Offers of staff time and materials (the "sessions" of level 1) -------------------------------------

OFFER_KINDS: dict[str, str] = {
    "mock_interviews": "Mock interviews",
    "cv_workshop": "CV and disclosure letter workshop",
    "mentoring": "Mentoring",
    "careers_talk": "Careers talk",
    "workplace_visit": "Workplace visit",
    "materials": "Donated materials",
}
OFFER_SETTINGS: dict[str, str] = {
    "prison": "In a prison",
    "community": "In the community",
    "online": "Online",
}


class Offer(db.Model):
    """An offer of staff time or materials: a mock-interview day, a CV workshop, mentoring sessions,
    donated materials. Case managers book its places for people on their caseload.

    `places_taken` counts live bookings; it only changes with the offer's row locked, so it never goes
    over `places`."""

    __tablename__ = "alliance_offers"
    __table_args__ = (Index("ix_alliance_offers_upcoming", "cancelled_at", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    times: Mapped[str] = mapped_column(String(200), default="")
    setting: Mapped[str] = mapped_column(String(20))
    prison: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str | None] = mapped_column(String(40), index=True)
    places: Mapped[int] = mapped_column()
    places_taken: Mapped[int] = mapped_column(default=0)
    suits: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_reason: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organisation = relationship("Organisation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    bookings: Mapped[list[Booking]] = relationship(back_populates="offer", order_by="Booking.created_at",
                                                   cascade="all, delete-orphan")

    def can_view(self, user) -> bool:
        """The offering organisation, every case manager (they book places), and admins."""
        if not user.is_authenticated:
            return False
        return (user.role in (Role.ADMIN, Role.CASE_MANAGER)) or user.organisation_id == self.organisation_id

    def can_manage(self, user) -> bool:
        return user.is_authenticated and user.organisation_id == self.organisation_id

    @property
    def kind_label(self) -> str:
        return OFFER_KINDS.get(self.kind, self.kind)

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def is_past(self, today: date | None = None) -> bool:
        return self.ends_on < (today or clock.today())

    def has_started(self, today: date | None = None) -> bool:
        return self.starts_on <= (today or clock.today())

    def is_bookable(self, today: date | None = None) -> bool:
        return not self.is_cancelled and not self.is_past(today) and self.places_left > 0

    @property
    def place_text(self) -> str:
        if self.setting == "prison":
            return self.prison or "In a prison"
        if self.setting == "online":
            return "Online"
        return ", ".join(part for part in (self.town, self.region) if part) or "In the community"

    @property
    def dates_text(self) -> str:
        from marketplace.core.filters import govuk_date

        if self.ends_on == self.starts_on:
            return govuk_date(self.starts_on)
        return f"{govuk_date(self.starts_on)} to {govuk_date(self.ends_on)}"

    @property
    def live_bookings(self) -> list[Booking]:
        return [booking for booking in self.bookings if booking.cancelled_at is None]


class Booking(db.Model):
    """A place on an offer, booked by a case manager for someone on their organisation's caseload.

    The offering employer sees only `display_name` and `note`: the case manager chooses both, and
    nothing else about the person ever leaves their organisation through a booking."""

    __tablename__ = "alliance_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("alliance_offers.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    display_name: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attended: Mapped[bool | None] = mapped_column()
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    offer: Mapped[Offer] = relationship(back_populates="bookings")
    participant = relationship("Participant")
    booked_by = relationship("User", foreign_keys=[booked_by_id])

    def can_view(self, user) -> bool:
        """Case managers of the booking organisation, and admins. The employer sees bookings only
        through its offer's page, as display names."""
        if not user.is_authenticated:
            return False
        if user.role == Role.ADMIN:
            return True
        return user.role == Role.CASE_MANAGER and user.organisation_id == self.organisation_id

    @property
    def status(self) -> str:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.attended is None:
            return "booked"
        return "attended" if self.attended else "did_not_attend"


BOOKING_STATUS_LABELS = {
    "booked": "Booked",
    "cancelled": "Cancelled",
    "attended": "Attended",
    "did_not_attend": "Did not attend",
}
