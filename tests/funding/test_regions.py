"""Budgets per provider and region: a request draws on the pot for the person's release region when the
provider has one for that purpose and year, otherwise on its pot for all regions; a spent regional pot
does not fall back; the budget pages and the report show each pot."""

from __future__ import annotations

import pytest

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.funding import operations, report
from marketplace.funding.models import FundingBudget, financial_year
from tests.factories import FundingBudgetFactory, ParticipantFactory, ReferralFactory
from tests.helpers import error_summary, sign_in_client

YEAR = financial_year(clock.today())


def person_in(provider, region: str):
    participant = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None,
                                     release_region=region)
    return ReferralFactory(participant=participant, status="offer_accepted")


def london_pot(provider, **fields):
    return FundingBudgetFactory(organisation=provider.organisation, region="London", **fields)


def test_a_person_of_a_region_with_a_pot_draws_on_it_others_on_the_pot_for_all_regions(provider):
    london = london_pot(provider)
    in_london = provider.request(referral=person_in(provider, "London"))
    in_wales = provider.request(referral=person_in(provider, "Wales"))
    for request in (in_london, in_wales):
        operations.decide(request.id, provider.manager, "approve")
    db.session.commit()
    db.session.expire_all()
    assert (in_london.budget_id, in_wales.budget_id) == (london.id, provider.budget.id)
    assert db.session.get(FundingBudget, london.id).committed_pence == 8500
    assert db.session.get(FundingBudget, provider.budget.id).committed_pence == 8500


def test_a_spent_regional_pot_refuses_and_does_not_fall_back(provider):
    london_pot(provider, amount_pence=10_000)
    first = provider.request(referral=person_in(provider, "London"))
    second = provider.request(referral=person_in(provider, "London"))
    operations.decide(first.id, provider.manager, "approve")
    with pytest.raises(operations.OverBudget, match="£15.00 is left of the £100.00 for work equipment and "
                                                    "clothing in London"):
        operations.decide(second.id, provider.manager, "approve")
    db.session.rollback()
    assert db.session.get(FundingBudget, provider.budget.id).committed_pence == 0


def test_the_regional_pots_limits_are_the_ones_asked_against(provider):
    london_pot(provider, request_limit_pence=5_000)
    person = person_in(provider, "London").participant
    with pytest.raises(Refused) as refused:
        operations.check_ask(person, provider.case_manager, operations.Ask(
            purpose="equipment", description="Boots", amount_pence=8500, supplier="Boots Ltd",
            referral_id=operations.linkable_referrals(person)[0].id, other_sources=["employer"]))
    assert refused.value.problems == [("amount", "The most one request can be for is £50.00")]


def test_no_pot_for_the_region_nor_for_all_regions_says_so(provider):
    db.session.delete(provider.budget)
    london_pot(provider)
    request = provider.request(referral=person_in(provider, "Wales"))
    with pytest.raises(operations.OverBudget, match="for Wales's region or all regions"):
        operations.decide(request.id, provider.manager, "approve")


def test_the_budget_form_sets_a_pot_for_a_region_and_lists_every_problem(client, provider):
    sign_in_client(client, provider.manager)
    bad = client.post_form("/funding/budgets/set", {
        "purpose": "", "year": str(YEAR), "region": "Atlantis", "amount": "lots", "request_limit": "",
        "person_limit": "10"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert list(error_summary(page)) == [
        "Choose what the budget is for", "Choose a region of England, or Wales, or all regions",
        "Enter an amount in pounds and pence, like 85.00", "Enter the most one request can be for"]
    assert 'value="lots"' in page
    good = client.post_form("/funding/budgets/set", {
        "purpose": "equipment", "year": str(YEAR), "region": "London", "amount": "1000", "request_limit": "100",
        "person_limit": "200"})
    assert good.status_code == 302, good.data[-800:]
    pots = {b.region: b.amount_pence for b in db.session.query(FundingBudget).filter_by(purpose="equipment")}
    assert pots == {"": 200_000, "London": 100_000}
    page = client.get("/funding/budgets").get_data(as_text=True)
    assert "All regions" in page and "London" in page and "region=London" in page
    form = client.get(f"/funding/budgets/set?purpose=equipment&year={YEAR}&region=London").get_data(as_text=True)
    assert 'value="1000.00"' in form


def test_the_report_shows_spend_by_region_against_budget(client, provider):
    london_pot(provider, amount_pence=50_000)
    for region in ("London", "Wales"):
        request = provider.request(referral=person_in(provider, region))
        operations.decide(request.id, provider.manager, "approve")
        operations.mark_paid(request, provider.second_manager, operations.Payment(
            method="supplier_invoice", reference="INV", paid_on=clock.today()))
    db.session.commit()
    rows = {row.label: (row.budget_pence, row.committed_pence, row.paid_pence, row.paid_requests)
            for row in report.figures(provider.organisation.id, YEAR).regions}
    assert rows == {"London": (50_000, 8500, 8500, 1), "All regions": (200_000, 8500, 8500, 1)}
    assert list(rows) == ["London", "All regions"]
    sign_in_client(client, provider.manager)
    page = client.get("/funding/report").get_data(as_text=True)
    assert "Spend by region" in page and "£500.00" in page
    csv = client.get("/funding/report.csv").get_data(as_text=True)
    assert "Spend by region,London,500.00,85.00,85.00,1" in csv
