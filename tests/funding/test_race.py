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


def test_approvals_racing_on_a_regional_pot_and_the_pot_for_all_regions_overspend_neither(app, provider):
    """Six people of London (its own pot: room for two) and six of Wales (the pot for all regions: room
    for three), all approved at once: each pot holds its own line."""
    from tests.factories import FundingBudgetFactory, ParticipantFactory, ReferralFactory

    provider.budget.amount_pence = 30_000
    london = FundingBudgetFactory(organisation=provider.organisation, region="London", amount_pence=25_000)

    def in_region(region):
        participant = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None,
                                         release_region=region)
        return provider.request(referral=ReferralFactory(participant=participant, status="offer_accepted")).id

    requests = [in_region(region) for region in ["London", "Wales"] * 6]
    managers = [provider.manager.id, provider.second_manager.id]
    managers += [UserFactory(role="funding_manager", organisation=provider.organisation).id for _ in range(10)]
    budget_ids = {"London": london.id, "": provider.budget.id}
    db.session.commit()

    outcomes = race(app, [lambda r=r, m=m: operations.decide(r, db.session.get(User, m), "approve")
                          for r, m in zip(requests, managers, strict=True)])
    assert outcomes.count("won") == 5, outcomes
    assert all(o == "won" or o.startswith("over: Over budget") for o in outcomes), outcomes
    db.session.expire_all()
    for region, won in (("London", 2), ("", 3)):
        budget = db.session.get(FundingBudget, budget_ids[region])
        approved = db.session.scalar(select(func.sum(FundingRequest.approved_pence)).where(
            FundingRequest.status == "approved", FundingRequest.budget_id == budget.id))
        assert budget.committed_pence == approved == won * 8500, region
