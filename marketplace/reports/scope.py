"""Who sees which figures: admins the whole service, a provider's case managers their organisation's
referrals and participants, employers and social enterprises referrals to their own opportunities,
mentoring organisations the releases they cover, payback managers Community Payback in their own
region. Every query in this package takes a `Scope` and a
`Filters`, and nothing else decides what a user may count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.reference import REGION_REPORT_CODES

SERVICE, PROVIDER, EMPLOYER, MENTORING, PAYBACK = "service", "provider", "employer", "mentoring", "payback"

# The reports each kind of scope may open, in the order the index lists them.
REPORTS_BY_SCOPE: dict[str, tuple[str, ...]] = {
    SERVICE: ("funnel", "outcomes", "guarantees", "alliance", "coverage", "distance", "pathways", "payback"),
    PROVIDER: ("funnel", "outcomes", "guarantees", "distance", "pathways"),
    EMPLOYER: ("funnel", "outcomes", "guarantees"),
    MENTORING: ("coverage",),
    PAYBACK: ("payback",),
}


@dataclass(frozen=True)
class Scope:
    kind: str
    organisation_id: int | None = None
    organisation_name: str = ""
    # A payback manager's reports cover their organisation's region and no other.
    region: str | None = None

    @property
    def description(self) -> str:
        return {
            SERVICE: "the whole service",
            PROVIDER: f"participants and referrals of {self.organisation_name}",
            EMPLOYER: f"referrals to opportunities of {self.organisation_name}",
            MENTORING: f"releases that {self.organisation_name} covers",
            PAYBACK: f"Community Payback in {self.region}",
        }[self.kind]

    @property
    def reports(self) -> tuple[str, ...]:
        return REPORTS_BY_SCOPE[self.kind]


def scope_for(user) -> Scope | None:
    """The scope of a signed-in user, or None for someone who has no reports (mentors)."""
    if not user.is_authenticated:
        return None
    name = user.organisation.name if user.organisation is not None else ""
    if user.role == Role.ADMIN:
        return Scope(SERVICE)
    if user.role == Role.CASE_MANAGER:
        return Scope(PROVIDER, user.organisation_id, name)
    if user.role in (Role.EMPLOYER, Role.SOCIAL_ENTERPRISE):
        return Scope(EMPLOYER, user.organisation_id, name)
    if user.role == Role.COORDINATOR:
        return Scope(MENTORING, user.organisation_id, name)
    if user.role == Role.PAYBACK_MANAGER:
        region = user.organisation.region if user.organisation is not None else None
        return Scope(PAYBACK, user.organisation_id, name, region=region or "no region")
    return None


def pinned(scope: Scope, filters: Filters) -> Filters:
    """The filters as the scope allows them: a payback manager's region whatever the address asks."""
    if scope.kind == PAYBACK:
        return Filters(filters.start, filters.end, scope.region)
    return filters


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    region: str | None = None

    @property
    def region_label(self) -> str:
        if self.region is None:
            return "all regions"
        code = REGION_REPORT_CODES.get(self.region)
        return f"{self.region} ({code})" if code else self.region


def default_filters(today: date | None = None) -> Filters:
    """The last 12 months, all regions."""
    today = today or clock.today()
    return Filters(start=today - timedelta(days=365), end=today)


def period_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """The period as UTC datetimes: from the start of its first day to the start of the day after."""
    return (datetime.combine(filters.start, time.min, tzinfo=UTC),
            datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=UTC))


def in_period(column, filters: Filters, *, moment: bool) -> list:
    """Conditions for a date column (moment=False) or a datetime column (moment=True) in the period."""
    if moment:
        start, end = period_bounds(filters)
        return [column >= start, column < end]
    return [column >= filters.start, column <= filters.end]


def referral_conditions(scope: Scope, filters: Filters, *, anchor, moment: bool) -> list:
    """SQL conditions for the referrals a scope may count, with `anchor` in the period and the
    opportunity in the chosen region. Drafts are never counted."""
    from sqlalchemy import select

    from marketplace.opportunities.models import Opportunity
    from marketplace.referrals.models import Referral, Status

    conditions = [Referral.status != Status.DRAFT, Referral.submitted_at.is_not(None)]
    if scope.kind == PROVIDER:
        conditions.append(Referral.provider_organisation_id == scope.organisation_id)
    elif scope.kind == EMPLOYER:
        conditions.append(Referral.employer_organisation_id == scope.organisation_id)
    elif scope.kind != SERVICE:
        conditions.append(Referral.id.is_(None))
    conditions += in_period(anchor, filters, moment=moment)
    if filters.region:
        in_region = select(Opportunity.id).where(Opportunity.region == filters.region)
        conditions.append(Referral.opportunity_id.in_(in_region))
    return conditions
