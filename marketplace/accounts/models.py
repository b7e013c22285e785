from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts import registers
from marketplace.core import clock
from marketplace.core.db import UTCDateTime
from marketplace.core.roles import OrganisationKind, ProviderType, Role
from marketplace.core.workflow import WorkflowHistory
from marketplace.extensions import db


class OrganisationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class UserStatus(StrEnum):
    PENDING = "pending"  # waiting for the organisation to be approved
    ACTIVE = "active"
    DISABLED = "disabled"
    REJECTED = "rejected"


class Organisation(db.Model):
    __tablename__ = "organisations"
    # Columns the database fills in are read when first used, not RETURNed by every insert (see below).
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    provider_type: Mapped[str | None] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(40))
    town: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=OrganisationStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # use_alter: organisations and users refer to each other, so this key is added after both exist.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL", use_alter=True))
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")
    # What an administrator can check before approving (accounts/registers.py): the public register the
    # organisation is on and its number there, or how else to check it; and, for providers and mentoring
    # organisations, who answers for safeguarding. Organisations created before these were asked have "".
    # The database fills them in (server_default), so an insert that does not name them works against a
    # schema from before they existed too (tests/core/test_migrations.py writes rows at older revisions).
    register: Mapped[str] = mapped_column(String(30), server_default="")
    register_number: Mapped[str] = mapped_column(String(20), server_default="")
    how_to_check: Mapped[str] = mapped_column(String(1000), server_default="")
    safeguarding_lead_name: Mapped[str] = mapped_column(String(200), server_default="")
    safeguarding_lead_email: Mapped[str] = mapped_column(String(254), server_default="")
    # A provider's Virtual Campus switch (issue 20): on for every organisation until one of its
    # organisation admins switches it off for its caseload (marketplace/campus/operations.py).
    campus_enabled: Mapped[bool] = mapped_column(server_default=true())

    users: Mapped[list[User]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id", order_by="User.full_name"
    )
    history: Mapped[list[OrganisationStatusChange]] = relationship(
        back_populates="organisation", order_by="OrganisationStatusChange.at",
        cascade="all, delete-orphan",
    )

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)

    @property
    def kind_label(self) -> str:
        if self.kind == OrganisationKind.PROVIDER and self.provider_type:
            return f"Case management provider: {ProviderType(self.provider_type).label.lower()}"
        return self.kind_enum.label

    @property
    def is_approved(self) -> bool:
        return self.status == OrganisationStatus.APPROVED

    @property
    def needs_safeguarding_lead(self) -> bool:
        return registers.needs_safeguarding_lead(self.kind)

    @property
    def register_info(self) -> registers.RegisterInfo | None:
        return registers.info(self.register)

    def can_view(self, user) -> bool:
        return user.is_authenticated and (user.is_admin or user.organisation_id == self.id)


class OrganisationStatusChange(WorkflowHistory, db.Model):
    """One step of the registration workflow: who moved the organisation, from what, to what, why."""

    __tablename__ = "organisation_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(1000), default="")
    # On approval: each thing the administrator confirmed, in the words they confirmed it (with the
    # number and names as they were then), and their note of what they looked at.
    checks: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(1000), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="history")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_org_admin: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=UserStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str] = mapped_column(String(500), default="")

    organisation: Mapped[Organisation | None] = relationship(back_populates="users", foreign_keys=[organisation_id])

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return self.role_enum.label

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:  # Flask-Login: only active accounts may hold a session
        return self.status == UserStatus.ACTIVE

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def can_view(self, user) -> bool:
        """Admins see every account; organisation admins see their colleagues; anyone sees themselves."""
        if not user.is_authenticated:
            return False
        if user.is_admin or user.id == self.id:
            return True
        return user.is_org_admin and user.organisation_id is not None and user.organisation_id == self.organisation_id


class UserSession(db.Model):
    """The server-side record of one sign-in. The cookie holds only a random token; ending the record
    (logout, password change, account disabled) makes every copy of that cookie worthless at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(40), default="")
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(30))
    make_org_admin: Mapped[bool] = mapped_column(default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > clock.now()

    def can_view(self, user) -> bool:
        return user.is_authenticated and user.is_org_admin and user.organisation_id == self.organisation_id


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"
    __table_args__ = (Index("ix_password_reset_tokens_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
