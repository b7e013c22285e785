"""Approvals racing on the same budget can never overspend it: real threads, each with its own
connection, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FundingBudget, FundingRequest
from tests import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.concurrency


def race(app, attempts):
    return helpers.race(app, attempts, labels={operations.OverBudget: "over"})


def test_twelve_approvals_at_once_spend_no_more_than_the_budget(app, provider):
    provider.budget.amount_pence = 50_000  # room for five requests of £85
    requests = [provider.request().id for _ in range(12)]
    managers = [provider.manager.id, provider.second_manager.id]
    managers += [UserFactory(role="funding_manager", organisation=provider.organisation).id for _ in range(10)]
    budget_id = provider.budget.id
    db.session.commit()

    outcomes = race(app, [lambda r=r, m=m: operations.decide(r, db.session.get(User, m), "approve")
                          for r, m in zip(requests, managers, strict=True)])
    assert outcomes.count("won") == 5, outcomes
    assert all(o == "won" or o.startswith("over: Over budget") for o in outcomes), outcomes
    budget = db.session.get(FundingBudget, budget_id)
    approved = db.session.scalar(select(func.sum(FundingRequest.approved_pence))
                                 .where(FundingRequest.status == "approved"))
    assert budget.committed_pence == approved == 5 * 8500


def test_two_managers_deciding_one_request_make_one_decision(app, provider):
    request_id = provider.request().id
    manager_ids = [provider.manager.id, provider.second_manager.id]
    budget_id = provider.budget.id
    db.session.commit()
    outcomes = helpers.race(app, [lambda m=m: operations.decide(request_id, db.session.get(User, m), "approve")
                                  for m in manager_ids])
    assert outcomes.count("won") == 1, outcomes
    assert db.session.get(FundingBudget, budget_id).committed_pence == 8500


def test_one_persons_limit_holds_when_their_requests_are_approved_at_once(app, provider):
    provider.budget.person_limit_pence = 10_000  # one £85 request, not two
    first = provider.request()
    requests = [first.id] + [provider.request(referral=first.referral, participant=first.participant).id
                             for _ in range(3)]
    manager_ids = [provider.manager.id, provider.second_manager.id] + [
        UserFactory(role="funding_manager", organisation=provider.organisation).id for _ in range(2)]
    budget_id = provider.budget.id
    db.session.commit()
    outcomes = race(app, [lambda r=r, m=m: operations.decide(r, db.session.get(User, m), "approve")
                          for r, m in zip(requests, manager_ids, strict=True)])
    assert outcomes.count("won") == 1, outcomes
    assert db.session.get(FundingBudget, budget_id).committed_pence == 8500
