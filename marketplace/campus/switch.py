"""Each provider organisation's Virtual Campus switch (issue 20): "Each provider organisation can switch
the Virtual Campus on or off for its caseload."

On by default (organisations.campus_enabled, server_default true). An administrator of a provider
organisation switches it. While it is off: its case managers cannot print access slips, and people on
its caseload cannot start or sign in (nor stay signed in), with a plain message and nothing of their
record shown. Their messages waiting for a check stay as they are, for the case managers to finish.
Who switched it and when is in the audit log.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent
from marketplace.core.operations import record_audit
from marketplace.core.roles import OrganisationKind
from marketplace.extensions import db

SWITCHED_OFF_FOR_PERSON = ("The Virtual Campus is switched off at the moment by the organisation that manages "
                           "your case. Your case manager can tell you more.")
SWITCH_ACTIONS = ("campus.switched_on", "campus.switched_off")


def is_on(organisation) -> bool:
    return organisation is None or bool(organisation.campus_enabled)


def is_on_for(participant) -> bool:
    return is_on(participant.organisation)


def can_switch(user, organisation=None) -> bool:
    """Administrators of a provider organisation switch its campus (nobody else's)."""
    organisation = organisation if organisation is not None else getattr(user, "organisation", None)
    return (user.is_authenticated and user.is_org_admin and organisation is not None
            and user.organisation_id == organisation.id and organisation.kind == OrganisationKind.PROVIDER)


def switchers(organisation) -> list[User]:
    """Who can switch it back on: the organisation's active administrators."""
    return list(db.session.scalars(select(User).where(
        User.organisation_id == organisation.id, User.is_org_admin.is_(True), User.status == UserStatus.ACTIVE)
        .order_by(User.full_name)))


def switch(organisation, actor, on: bool) -> bool:
    """Switch the organisation's Virtual Campus on or off; returns whether anything changed. Each
    change is an audit row naming who and when."""
    if not can_switch(actor, organisation):
        raise Refused("Only an administrator of this organisation can switch its Virtual Campus.")
    if is_on(organisation) == on:
        return False
    organisation.campus_enabled = on
    record_audit(SWITCH_ACTIONS[0] if on else SWITCH_ACTIONS[1], organisation, actor=actor)
    return True


def history(organisation, limit: int = 20) -> list[AuditEvent]:
    """The organisation's switch changes, newest first, read from the audit log."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(SWITCH_ACTIONS), AuditEvent.subject_type == "organisations",
        AuditEvent.subject_id == str(organisation.id)).order_by(AuditEvent.id.desc()).limit(limit)))


def refuse_person_if_off(participant, user=None) -> None:
    """A person whose organisation has switched the campus off gets the plain message, nothing more."""
    if not is_on_for(participant):
        record_audit("campus.login_refused", participant, actor=user, detail="switched off")
        raise Refused(SWITCHED_OFF_FOR_PERSON)
