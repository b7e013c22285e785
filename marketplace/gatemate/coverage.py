"""The coverage report: for releases in a period, how many were requested, found a mentor, were met
or not met, by prison and by region, and how long requests waited for a mentor.

A request's wait runs from when it was made to when a mentor first accepted it (or a coordinator first
assigned one); a request handed back and taken again keeps its first wait. Medians are computed in
Python from one grouped query, so SQLite and PostgreSQL give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, or_, select

from marketplace.accounts.models import User
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.gatemate.models import (
    GatemateRequest,
    RequestEvent,
    Status,
    active_profiles,
    organisation_prisons,
)
from marketplace.reference import PRISONS, REGIONS


@dataclass
class CoverageRow:
    label: str
    requested: int = 0
    cancelled: int = 0
    mentor_found: int = 0
    met: int = 0
    not_met: int = 0
    no_mentor: int = 0
    waiting: int = 0
    waits: list[timedelta] = field(default_factory=list)
    organisations_covering: int | None = None

    def add(self, request: GatemateRequest, waited: timedelta | None) -> None:
        self.requested += 1
        status = request.status
        if status == Status.CANCELLED:
            self.cancelled += 1
        elif status in (Status.EXPIRED, Status.DECLINED):  # declined at sign-off: no mentor will go
            self.no_mentor += 1
        elif status in (Status.OPEN, Status.SIGNOFF):
            self.waiting += 1
        else:
            self.mentor_found += 1
            self.met += status == Status.MET
            self.not_met += status == Status.NOT_MET
        if waited is not None:
            self.waits.append(waited)

    @property
    def median_wait(self) -> timedelta | None:
        return median(self.waits) if self.waits else None

    @property
    def longest_wait(self) -> timedelta | None:
        return max(self.waits) if self.waits else None


@dataclass
class CoverageReport:
    total: CoverageRow
    regions: list[CoverageRow]
    prisons: list[CoverageRow]


def _scope(start: date, end: date, organisation_id: int | None, region: str | None) -> list:
    conditions = [GatemateRequest.release_date >= start, GatemateRequest.release_date <= end]
    if organisation_id is not None:
        own_mentors = select(User.id).where(User.organisation_id == organisation_id, User.role == Role.MENTOR)
        conditions.append(or_(GatemateRequest.mentor_id.in_(own_mentors),
                              GatemateRequest.second_mentor_id.in_(own_mentors),
                              GatemateRequest.prison.in_(sorted(organisation_prisons(organisation_id)))))
    if region is not None:
        conditions.append(GatemateRequest.prison.in_(sorted(p for p, r in PRISONS.items() if r == region)))
    return conditions


def coverage_report(start: date, end: date, *, organisation_id: int | None = None,
                    region: str | None = None) -> CoverageReport:
    """Releases from `start` to `end` inclusive. A coordinator's report (`organisation_id`) counts the
    requests at prisons their organisation covers and those its mentors held; an admin's counts all."""
    conditions = _scope(start, end, organisation_id, region)
    requests = db.session.scalars(select(GatemateRequest).where(*conditions)).all()
    first_accepted = dict(db.session.execute(
        select(RequestEvent.request_id, func.min(RequestEvent.at))
        # The first of two mentors counts: the wait is for a mentor first accepting.
        .where(RequestEvent.action.in_(["accept", "assign", "accept_place", "assign_place"]),
               RequestEvent.request_id.in_(select(GatemateRequest.id).where(*conditions)))
        .group_by(RequestEvent.request_id)).all())
    covering: dict[str, set[int]] = {}
    for profile in active_profiles():
        for prison in profile.covered_prisons:
            covering.setdefault(prison, set()).add(profile.user.organisation_id)

    total = CoverageRow("All prisons")
    by_region = {name: CoverageRow(name) for name in REGIONS}
    by_prison: dict[str, CoverageRow] = {}
    for request in requests:
        accepted_at = first_accepted.get(request.id)
        waited = accepted_at - request.created_at if accepted_at is not None else None
        prison_row = by_prison.setdefault(
            request.prison, CoverageRow(request.prison, organisations_covering=len(covering.get(request.prison, ()))))
        for row in (total, by_region[request.prison_region], prison_row):
            row.add(request, waited)
    prisons = sorted(by_prison.values(), key=lambda row: (REGIONS.index(PRISONS[row.label]), row.label))
    return CoverageReport(total=total, regions=[row for row in by_region.values() if row.requested], prisons=prisons)


def duration_text(value: timedelta | None) -> str:
    """How long, in days and hours: "2 days 5 hours", "3 hours", "under an hour"."""
    if value is None:
        return "None"
    hours = int(value.total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    if days == 0 and hours == 0:
        return "under an hour"
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts)
