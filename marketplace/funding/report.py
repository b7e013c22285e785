"""The funding report: spend by purpose and by region against budget, how fast decisions come, and what the money
bought in jobs. Read-only queries.

Job outcomes follow the reports' definition: a start counts only on paid work
(`Opportunity.is_paid_work`), and only for people whose funding was paid. Counts of people from 1 to 4,
and any cost worked out from them, are withheld as in the other reports.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.funding.models import ALL_REGIONS, PURPOSE_LABELS, FundingBudget, FundingRequest, Purpose, Status
from marketplace.reference import REGIONS
from marketplace.reports.suppression import count_text, is_suppressed


@dataclass
class PurposeRow:
    purpose: str
    label: str
    budget_pence: int = 0
    committed_pence: int = 0
    paid_pence: int = 0
    paid_requests: int = 0


@dataclass
class RegionRow:
    """One region's pots (or, region "", the pots for all regions) against what was paid from them."""

    region: str
    budget_pence: int = 0
    committed_pence: int = 0
    paid_pence: int = 0
    paid_requests: int = 0

    @property
    def label(self) -> str:
        return self.region or ALL_REGIONS


@dataclass
class Outcome:
    label: str
    people: int
    cost_pence: int | None  # None when withheld or nothing to divide by

    @property
    def people_text(self) -> str:
        return count_text(self.people) if self.people else "0"


@dataclass
class Figures:
    purposes: list[PurposeRow] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    paid_pence: int = 0
    funded_people: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    decisions: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None

    @property
    def budget_pence(self) -> int:
        return sum(row.budget_pence for row in self.purposes)

    @property
    def funded_people_text(self) -> str:
        return count_text(self.funded_people) if self.funded_people else "0"


def _scoped(query, model, organisation_id):
    return query if organisation_id is None else query.where(model.organisation_id == organisation_id)


def figures(organisation_id: int | None, year: int) -> Figures:
    """The report for one provider (or, for None, every provider) and one financial year."""
    from marketplace.accounts.models import Organisation

    result = Figures()
    rows = {str(p): PurposeRow(str(p), PURPOSE_LABELS[p]) for p in Purpose}
    budgets = db.session.execute(_scoped(
        select(FundingBudget.purpose, func.sum(FundingBudget.amount_pence), func.sum(FundingBudget.committed_pence))
        .where(FundingBudget.year == year).group_by(FundingBudget.purpose), FundingBudget, organisation_id)).all()
    for purpose, amount, committed in budgets:
        if purpose in rows:
            rows[purpose].budget_pence, rows[purpose].committed_pence = int(amount or 0), int(committed or 0)
    paid = _scoped(select(FundingRequest, FundingBudget.region.label("pot_region"))
                   .join(FundingBudget, FundingRequest.budget_id == FundingBudget.id)
                   .where(FundingBudget.year == year, FundingRequest.status == Status.PAID),
                   FundingRequest, organisation_id).subquery()
    for purpose, total, count in db.session.execute(
            select(paid.c.purpose, func.sum(paid.c.approved_pence), func.count()).group_by(paid.c.purpose)).all():
        if purpose in rows:
            rows[purpose].paid_pence, rows[purpose].paid_requests = int(total or 0), count
    result.purposes = list(rows.values())
    result.paid_pence = sum(row.paid_pence for row in result.purposes)
    result.regions = _regions(organisation_id, year, paid)
    result.funded_people = db.session.scalar(select(func.count(func.distinct(paid.c.participant_id)))) or 0

    if organisation_id is None:
        by_organisation = db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.region, func.sum(paid.c.approved_pence))
            .join(paid, paid.c.organisation_id == Organisation.id)
            .group_by(Organisation.id, Organisation.name, Organisation.region).order_by(Organisation.name)).all()
        budget_by_organisation = dict(db.session.execute(
            select(FundingBudget.organisation_id, func.sum(FundingBudget.amount_pence))
            .where(FundingBudget.year == year).group_by(FundingBudget.organisation_id)).all())
        result.organisations = [
            {"name": name, "region": region, "paid_pence": int(total or 0),
             "budget_pence": int(budget_by_organisation.get(organisation, 0) or 0)}
            for organisation, name, region, total in by_organisation]

    result.outcomes = _outcomes(paid, result.paid_pence)
    hours = _decision_hours(organisation_id, year)
    result.decisions = len(hours)
    if len(hours) >= 5:
        result.median_hours = statistics.median(hours)
        result.p90_hours = statistics.quantiles(hours, n=10, method="inclusive")[-1]
    return result


def _regions(organisation_id: int | None, year: int, paid) -> list[RegionRow]:
    """Spend by region against budget: by the region of the pot each payment came from (a person of
    a region without a pot of its own is paid from the pot for all regions, and counted there)."""
    rows: dict[str, RegionRow] = {}
    for region, amount, committed in db.session.execute(_scoped(
            select(FundingBudget.region, func.sum(FundingBudget.amount_pence), func.sum(FundingBudget.committed_pence))
            .where(FundingBudget.year == year).group_by(FundingBudget.region), FundingBudget, organisation_id)).all():
        rows[region or ""] = RegionRow(region or "", int(amount or 0), int(committed or 0))
    for region, total, count in db.session.execute(
            select(paid.c.pot_region, func.sum(paid.c.approved_pence), func.count()).group_by(paid.c.pot_region)):
        row = rows.setdefault(region or "", RegionRow(region or ""))
        row.paid_pence, row.paid_requests = int(total or 0), count
    order = {region: n for n, region in enumerate(REGIONS)}
    return sorted(rows.values(), key=lambda row: order.get(row.region, len(REGIONS)))


def _outcomes(paid, paid_pence: int) -> list[Outcome]:
    from marketplace.opportunities.models import Opportunity
    from marketplace.referrals.models import Referral, ReferralEvent

    funded = select(paid.c.participant_id)
    paid_work = (select(Referral.id).join(Opportunity, Referral.opportunity_id == Opportunity.id)
                 .where(Referral.participant_id.in_(funded), Opportunity.is_paid_work))
    started = db.session.scalar(select(func.count(func.distinct(Referral.participant_id))).where(
        Referral.id.in_(paid_work), Referral.start_date.is_not(None))) or 0
    outcomes = [_outcome("Job starts", started, paid_pence)]
    for weeks in (13, 26):
        people = db.session.scalar(
            select(func.count(func.distinct(Referral.participant_id)))
            .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
            .where(Referral.id.in_(paid_work), ReferralEvent.to_status == f"sustained_{weeks}")) or 0
        outcomes.append(_outcome(f"In work at {weeks} weeks", people, paid_pence))
    return outcomes


def _outcome(label: str, people: int, paid_pence: int) -> Outcome:
    cost = None if people == 0 or is_suppressed(people) else round(paid_pence / people)
    return Outcome(label, people, cost)


def _decision_hours(organisation_id: int | None, year: int) -> list[float]:
    from datetime import UTC, datetime

    start, end = datetime(year, 4, 1, tzinfo=UTC), datetime(year + 1, 4, 1, tzinfo=UTC)
    decided = db.session.execute(_scoped(
        select(FundingRequest.created_at, FundingRequest.decided_at)
        .where(FundingRequest.decided_at.is_not(None), FundingRequest.created_at >= start,
               FundingRequest.created_at < end), FundingRequest, organisation_id)).all()
    return sorted((decided_at - created_at).total_seconds() / 3600 for created_at, decided_at in decided)
