"""Roles, organisation kinds, and the permission checks every view uses.

Role checks are decorators here; object checks are methods on the models (`obj.can_view(user)`),
called through `get_visible_or_404`, so another organisation's object is a 404, never a 403.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from marketplace.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    CASE_MANAGER = "case_manager"
    EMPLOYER = "employer"
    SOCIAL_ENTERPRISE = "social_enterprise"
    COORDINATOR = "coordinator"
    MENTOR = "mentor"
    PAYBACK_MANAGER = "payback_manager"
    PERSON = "person"  # a participant signed in to the Virtual Campus (marketplace/campus/)
    FUNDING_MANAGER = "funding_manager"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Service administrator",
    Role.CASE_MANAGER: "Case manager",
    Role.EMPLOYER: "Employer",
    Role.SOCIAL_ENTERPRISE: "Social enterprise",
    Role.COORDINATOR: "Mentoring coordinator",
    Role.MENTOR: "Gatemate mentor",
    Role.PAYBACK_MANAGER: "Community Payback manager",
    Role.PERSON: "Person using the Virtual Campus",
    Role.FUNDING_MANAGER: "Funding manager",
}


class OrganisationKind(StrEnum):
    EMPLOYER = "employer"
    SOCIAL_ENTERPRISE = "social_enterprise"
    PROVIDER = "provider"
    MENTORING = "mentoring"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganisationKind.EMPLOYER: "Employer",
    OrganisationKind.SOCIAL_ENTERPRISE: "Social enterprise",
    OrganisationKind.PROVIDER: "Case management provider (prison, probation or employment programme)",
    OrganisationKind.MENTORING: "Mentoring organisation (Gatemate)",
}


class ProviderType(StrEnum):
    PRISON = "prison"
    PROBATION = "probation"
    EMPLOYMENT_PROGRAMME = "employment_programme"

    @property
    def label(self) -> str:
        return {
            ProviderType.PRISON: "Prison",
            ProviderType.PROBATION: "Probation service",
            ProviderType.EMPLOYMENT_PROGRAMME: "Employment programme",
        }[self]


# The roles a user of each kind of organisation may hold; the first listed is the default.
ROLES_BY_KIND: dict[OrganisationKind, tuple[Role, ...]] = {
    OrganisationKind.EMPLOYER: (Role.EMPLOYER,),
    OrganisationKind.SOCIAL_ENTERPRISE: (Role.SOCIAL_ENTERPRISE,),
    OrganisationKind.PROVIDER: (Role.CASE_MANAGER, Role.PAYBACK_MANAGER, Role.FUNDING_MANAGER),
    OrganisationKind.MENTORING: (Role.COORDINATOR, Role.MENTOR),
}

# Organisations that post opportunities and answer referrals.
EMPLOYING_ROLES = frozenset({Role.EMPLOYER, Role.SOCIAL_ENTERPRISE})


def role_required(*roles: Role):
    """Allow a view only to signed-in users holding one of `roles` (403 for other roles)."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def organisation_admin_required(view):
    """Allow a view only to a user who administers their (approved) organisation."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_org_admin or current_user.organisation is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def get_visible_or_404(model, object_id: int, user=None):
    """Load `model` by id and return it only if `user` may see it; otherwise 404 (never 403), so
    the existence of another organisation's records is not revealed."""
    obj = db.session.get(model, object_id)
    if obj is None or not obj.can_view(user if user is not None else current_user):
        abort(404)
    return obj
