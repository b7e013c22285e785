"""Discretionary funding end to end, in two browsers: a case manager asks for £85 of boots for a person
with a job offer (an empty form first lists every problem), a funding manager who did not ask approves
it, records the payment to the supplier, and the report shows the spend and the cost per job start.
axe-core checks every page opened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from tests.browser.conftest import sign_in
from tests.factories import (
    FundingBudgetFactory,
    FundingRequestFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_ask_approve_pay_and_report(page, new_page):
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    organisation = manager.organisation
    funder = UserFactory(role="funding_manager", organisation=organisation, full_name="Frances Funder",
                         is_org_admin=False)
    budget = FundingBudgetFactory(organisation=organisation, committed_pence=5 * 10_000)
    # Five people funded earlier who started paid work: the cost per job start can be published.
    for _ in range(5):
        earlier = ParticipantFactory(case_manager=manager, location="community", prison=None)
        started = ReferralFactory(participant=earlier, status="started", start_date=clock.today() - timedelta(days=20))
        FundingRequestFactory(referral=started, participant=earlier, requested_by=manager, status="paid",
                              amount_pence=10_000, approved_pence=10_000, budget=budget,
                              payment_method="supplier_invoice", payment_reference="INV-0", paid_on=clock.today(),
                              decided_at=clock.now())
    person = ParticipantFactory(case_manager=manager, first_name="Robin", last_name="Okafor", location="community",
                                prison=None)
    ReferralFactory(participant=person, status="offer_accepted")
    manager_email, funder_email, person_id = manager.email, funder.email, person.id
    db.session.commit()

    # The case manager asks, from the person's page.
    sign_in(page, manager_email, TEST_PASSWORD)
    page.goto(f"/participants/{person_id}")
    # With the job offer accepted, the page names the funds that fit.
    expect(page.locator("#funding-prompt")).to_contain_text("Work equipment and clothing: up to £250.00 a request")
    page.get_by_role("link", name="Ask for funding for Robin").click()
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator(".govuk-error-summary")
    for problem in ("Choose what the money is for", "Enter the amount in pounds and pence",
                    "Enter who will be paid", "Say which other sources of money you checked first"):
        expect(summary).to_contain_text(problem)
    page.get_by_label("Work equipment and clothing").check()
    page.get_by_label("What will it buy").fill("Safety boots for a CSCS labouring job")
    page.get_by_label("Amount (£)").fill("85")
    page.get_by_label("Who will be paid").fill("Site Boots Ltd")
    page.get_by_label("The employer").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request sent: £85.00 for Robin Okafor.")).to_be_visible()
    expect(page.get_by_role("link", name="Decide")).to_have_count(0)  # case managers do not decide

    # The funding manager decides and pays.
    funder_page = new_page()
    sign_in(funder_page, funder_email, TEST_PASSWORD)
    funder_page.get_by_role("link", name="Funding requests").click()
    funder_page.get_by_role("link", name="Robin Okafor").click()
    funder_page.get_by_role("link", name="Decide").click()
    funder_page.get_by_label("Approve what was asked for").check()
    funder_page.get_by_role("button", name="Confirm the decision").click()
    expect(funder_page.get_by_text("Decision recorded: approved, not yet paid.")).to_be_visible()
    funder_page.get_by_role("link", name="Record the payment").click()
    expect(funder_page.get_by_label("Invoice paid to the supplier")).to_be_checked()
    funder_page.get_by_label("Invoice or voucher number").fill("INV-2041")
    funder_page.get_by_role("button", name="Record the payment").click()
    expect(funder_page.get_by_text("Payment of £85.00 recorded.")).to_be_visible()

    # The report: £500 earlier + £85 now, over five job starts in paid work.
    funder_page.get_by_role("link", name="Funding report").click()
    expect(funder_page.locator("#paid-total")).to_have_text("£585.00")
    starts = funder_page.get_by_role("row", name="Job starts")
    expect(starts).to_contain_text("5")
    expect(starts).to_contain_text("£117.00")

    # The case manager sees it paid.
    page.reload()
    expect(page.get_by_text("INV-2041")).to_be_visible()
