"""The demo world has a funding manager to sign in as, budgets for every purpose, and requests in
every state, with the budgets' committed money matching what was approved."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.demo import DEMO_LOGINS
from marketplace.extensions import db
from marketplace.funding.demo import DEMO_EMAIL
from marketplace.funding.models import COMMITTED, FundingBudget, FundingRequest, Purpose


def test_demo_funding(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "11"])
    assert result.exit_code == 0, result.output
    assert ("Funding manager", DEMO_EMAIL) in DEMO_LOGINS
    manager = db.session.scalar(select(User).where(User.email == DEMO_EMAIL))
    assert manager.role == "funding_manager" and manager.is_active
    budgets = db.session.scalars(select(FundingBudget).where(
        FundingBudget.organisation_id == manager.organisation_id)).all()
    assert {budget.purpose for budget in budgets} == set(Purpose)
    statuses = set(db.session.scalars(select(FundingRequest.status)))
    assert {"submitted", "approved", "paid", "declined", "more_information"} <= statuses
    committed = db.session.scalar(select(func.sum(FundingRequest.approved_pence)).where(
        FundingRequest.status.in_([str(s) for s in COMMITTED])))
    assert sum(budget.committed_pence for budget in budgets) == committed
