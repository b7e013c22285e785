"""What a case manager sees on a person's page once a job is in reach: the funds that may fit.

Shown when one of the person's referrals to paid work has an accepted offer or a start. Our own
budgets come first, with what is left for this person; then the outside sources the request form asks
about, with the limits their rules set (so nobody is told about money that does not exist, and nobody
is left not knowing it does)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.funding.models import COMMITTED, FundingBudget, FundingRequest, financial_year

# The outside funds named in the issue, with the limits their own rules set.
OUTSIDE_FUNDS = [
    "Flexible Support Fund (Jobcentre Plus work coach): travel, clothing, training and other barriers to work",
    "Universal Credit Budgeting Advance: £100 up to £348 single, £464 couple, £812 with children, repaid from "
    "Universal Credit; the 6-month rule is waived to start a job",
    "Prison discharge grant: £76, and up to £50 more paid to an accommodation provider",
]
READY = ("offer_accepted", "started")


@dataclass
class Fit:
    label: str
    request_limit_pence: int
    left_for_person_pence: int


def funding_prompt(participant) -> dict | None:
    """{'job': title, 'fits': [Fit], 'outside': [...]} when a paid job is in reach; None otherwise."""
    from marketplace.opportunities.models import Opportunity
    from marketplace.referrals.models import Referral

    job = db.session.scalar(
        select(Opportunity.title).join(Referral, Referral.opportunity_id == Opportunity.id)
        .where(Referral.participant_id == participant.id, Referral.status.in_(READY), Opportunity.is_paid_work)
        .order_by(Referral.status_changed_at.desc()).limit(1))
    if job is None:
        return None
    budgets = db.session.scalars(select(FundingBudget).where(
        FundingBudget.organisation_id == participant.organisation_id,
        FundingBudget.year == financial_year(clock.today()))).all()
    given = dict(db.session.execute(
        select(FundingRequest.budget_id, func.sum(FundingRequest.approved_pence))
        .where(FundingRequest.participant_id == participant.id,
               FundingRequest.status.in_([str(s) for s in COMMITTED]))
        .group_by(FundingRequest.budget_id)).all())
    fits = [Fit(budget.purpose_label, min(budget.request_limit_pence, budget.remaining_pence),
                max(budget.person_limit_pence - int(given.get(budget.id) or 0), 0))
            for budget in budgets if budget.remaining_pence > 0]
    return {"job": job, "fits": [fit for fit in fits if fit.left_for_person_pence > 0], "outside": OUTSIDE_FUNDS}
