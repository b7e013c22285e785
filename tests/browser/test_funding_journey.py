"""Discretionary funding end to end, in two browsers: a case manager asks for £85 of boots for a person
with a job offer (an empty form first lists every problem; a mistyped amount is changed before anyone
decides), a funding manager who did not ask approves
it (the quote sent with the request on the decision page), records the payment to the supplier with its
invoice, and the report shows the spend and the cost per job start.
axe-core checks every page opened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.funding.models import financial_year
from tests.browser.conftest import sign_in
from tests.documents import pdf
from tests.factories import (
    FundingBudgetFactory,
    FundingRequestFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
)
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser
QUOTE = pdf("Site Boots Ltd: safety boots, £85")
INVOICE = pdf("Site Boots Ltd invoice INV-2041")


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
    # The quote is chosen before the first (empty) send: the form comes back with it held.
    page.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "boots-quote.pdf", "mimeType": "application/pdf", "buffer": QUOTE}])
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator(".govuk-error-summary")
    for problem in ("Choose what the money is for", "Enter the amount in pounds and pence",
                    "Enter who will be paid", "Say which other sources of money you checked first"):
        expect(summary).to_contain_text(problem)
    expect(page.locator("#evidence-held")).to_have_text("boots-quote.pdf uploaded")
    page.get_by_label("Quote or price").check()
    page.get_by_label("Work equipment and clothing").check()
    page.get_by_label("What will it buy").fill("Safety boots for a CSCS labouring job")
    page.get_by_label("Amount (£)").fill("58")  # a slip, put right below before anyone decides
    page.get_by_label("Who will be paid").fill("Site Boots Ltd")
    page.get_by_label("The employer").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request sent: £58.00 for Robin Okafor.")).to_be_visible()
    page.get_by_role("link", name="Change the request").click()
    page.get_by_label("Amount (£)").fill("")
    page.get_by_label("Who will be paid").fill("")
    page.get_by_role("button", name="Save the changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the amount in pounds and pence")
    expect(summary).to_contain_text("Enter who will be paid")
    page.get_by_label("Amount (£)").fill("85")
    page.get_by_label("Who will be paid").fill("Site Boots Ltd")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_text("Request changed.")).to_be_visible()
    expect(page.get_by_text("Changed amount £58.00 to £85.00.")).to_be_visible()
    expect(page.get_by_role("link", name="Decide")).to_have_count(0)  # case managers do not decide

    # The funding manager decides and pays.
    funder_page = new_page()
    sign_in(funder_page, funder_email, TEST_PASSWORD)
    funder_page.get_by_role("link", name="Funding requests").click()
    funder_page.get_by_role("link", name="Robin Okafor").click()
    funder_page.get_by_role("link", name="Decide").click()
    # The quote is on the decision page; opening it is a download (and a row in the audit log).
    with funder_page.expect_download() as download:
        funder_page.get_by_role("link", name="boots-quote.pdf").click()
    assert Path(download.value.path()).read_bytes() == QUOTE
    funder_page.get_by_label("Approve what was asked for").check()
    funder_page.get_by_role("button", name="Confirm the decision").click()
    expect(funder_page.get_by_text("Decision recorded: approved, not yet paid.")).to_be_visible()
    funder_page.get_by_role("link", name="Record the payment").click()
    expect(funder_page.get_by_label("Invoice paid to the supplier")).to_be_checked()
    funder_page.get_by_label("Invoice or voucher number").fill("INV-2041")
    funder_page.get_by_role("button", name="Record the payment").click()
    expect(funder_page.get_by_text("Payment of £85.00 recorded.")).to_be_visible()
    # The supplier's invoice goes with the payment.
    funder_page.get_by_role("link", name="Add evidence").click()
    funder_page.get_by_label("Invoice").check()
    funder_page.get_by_label("File").set_input_files(
        files=[{"name": "INV-2041.pdf", "mimeType": "application/pdf", "buffer": INVOICE}])
    funder_page.get_by_role("button", name="Add the evidence").click()
    expect(funder_page.get_by_text("Evidence added: INV-2041.pdf.")).to_be_visible()
    evidence = funder_page.get_by_role("table", name="Evidence for this request")
    expect(evidence).to_contain_text("Quote or price")
    expect(evidence).to_contain_text("INV-2041.pdf")

    # The report: £500 earlier + £85 now, over five job starts in paid work.
    funder_page.get_by_role("link", name="Funding report").click()
    expect(funder_page.locator("#paid-total")).to_have_text("£585.00")
    starts = funder_page.get_by_role("row", name="Job starts")
    expect(starts).to_contain_text("5")
    expect(starts).to_contain_text("£117.00")

    # Next year's budgets from a file: a wrong line and nothing is imported, every wrong line listed.
    next_year = financial_year(clock.today()) + 1
    funder_page.goto("/funding/budgets")
    funder_page.get_by_role("link", name="Import budgets from a file").click()
    header = "purpose,year,amount,request_limit,person_limit\n"
    funder_page.get_by_label("Budgets file").set_input_files(files=[{
        "name": "budgets.csv", "mimeType": "text/csv",
        "buffer": f"{header}equipment,{next_year},3210,250,400\nboots,{next_year},1,1,1\n".encode()}])
    funder_page.get_by_role("button", name="Import the budgets").click()
    expect(funder_page.locator(".govuk-error-summary")).to_contain_text(
        "line 3: purpose: Choose what the budget is for")
    funder_page.get_by_label("Budgets file").set_input_files(files=[{
        "name": "budgets.csv", "mimeType": "text/csv",
        "buffer": f"{header}equipment,{next_year},3210,250,400\n".encode()}])
    funder_page.get_by_role("button", name="Import the budgets").click()
    expect(funder_page.get_by_text("Budgets imported: 1 new, 0 changed.")).to_be_visible()
    expect(funder_page.get_by_role("row").filter(has_text=f"April {next_year} to March")).to_contain_text(
        "£3,210.00")

    # The case manager sees it paid.
    page.reload()
    expect(page.get_by_text("Invoice paid to the supplier, INV-2041")).to_be_visible()
    expect(page.get_by_role("link", name="INV-2041.pdf")).to_be_visible()  # and its invoice

    # The person's subject access export says it too, in words.
    page.goto(f"/participants/{person_id}/export/readable")
    expect(page.locator("main")).to_contain_text("Funding requests")
    expect(page.locator("main")).to_contain_text("Invoice paid to the supplier")
    expect(page.locator("main")).to_contain_text("boots-quote.pdf")


def test_a_decision_is_on_what_the_page_showed_and_the_first_approver_waits(page, new_page):
    """Outside test of 7 December 2026: the amount is revealed under "Approve part of it" only; a request
    changed after the decision page opened is not approved unseen; the first approver of a request over
    the second-approval level is told to wait, and the request reads "First approval"."""
    manager = UserFactory(role="case_manager", full_name="Casey Manager")
    organisation = manager.organisation
    funder = UserFactory(role="funding_manager", organisation=organisation, full_name="Frances Funder",
                         is_org_admin=False)
    FundingBudgetFactory(organisation=organisation, request_limit_pence=50_000, person_limit_pence=100_000,
                         second_approval_above_pence=25_000)
    person = ParticipantFactory(case_manager=manager, first_name="Maria", last_name="Nicholls", location="community",
                                prison=None)
    referral = ReferralFactory(participant=person, status="offer_accepted")
    boots = FundingRequestFactory(referral=referral, participant=person, requested_by=manager, amount_pence=8500)
    tools = FundingRequestFactory(referral=referral, participant=person, requested_by=manager, amount_pence=30_000)
    starting = ParticipantFactory(case_manager=manager, location="community", prison=None)  # no referral yet
    manager_email, funder_email, boots_id, tools_id = manager.email, funder.email, boots.id, tools.id
    starting_id = starting.id
    db.session.commit()

    sign_in(page, funder_email, TEST_PASSWORD)
    page.goto(f"/funding/{boots_id}/decide")
    amount = page.get_by_label("Amount to approve (£)")
    expect(amount).to_be_hidden()
    page.get_by_label("Approve part of it").check()
    expect(amount).to_be_visible()
    page.get_by_label("Approve what was asked for").check()
    expect(amount).to_be_hidden()

    # Meanwhile the case manager changes the request to £240.00 in another browser.
    case_manager = new_page()
    sign_in(case_manager, manager_email, TEST_PASSWORD)
    case_manager.goto(f"/funding/{boots_id}")
    case_manager.get_by_role("link", name="Change the request").click()
    case_manager.get_by_label("Amount (£)").fill("240")
    case_manager.get_by_role("button", name="Save the changes").click()
    expect(case_manager.get_by_text("Request changed.")).to_be_visible()
    # Asking for someone with no referral yet: the job list starts on a choice to make, not on "None".
    case_manager.goto(f"/funding/new?participant={starting_id}")
    job = case_manager.get_by_label("The job, interview or course it unlocks")
    expect(job).to_have_value("")
    expect(job.locator("option").first).to_have_text("Choose the job, interview or course")

    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "This request was changed to £240.00 after you opened it: check it again")
    expect(page.locator("h1").locator("..")).to_contain_text("£240.00")
    page.get_by_label("Approve what was asked for").check()
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("Decision recorded: approved, not yet paid.")).to_be_visible()
    expect(page.locator(".fcw-timeline")).to_contain_text("Approved £240.00")

    # Over the second-approval level the first approval waits for another funding manager.
    page.goto(f"/funding/{tools_id}/decide")
    page.get_by_label("Approve what was asked for").check()
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.get_by_text("You gave the first approval; another funding manager must approve.")).to_be_visible()
    expect(page.get_by_role("link", name="Decide")).to_have_count(0)
    row = page.locator(".govuk-summary-list__row").filter(has_text="First approval")
    expect(row).to_contain_text("£300.00 by Frances Funder")

    # The report is the only item marked current.
    page.get_by_role("link", name="Funding report").click()
    expect(page.locator(".govuk-service-navigation__item--active")).to_have_count(1)
    expect(page.locator(".govuk-service-navigation__item--active")).to_contain_text("Funding report")


def test_an_employer_asks_for_a_fidelity_bond_with_the_job_offer(page, new_page):
    referral = ReferralFactory(status="offer_made")
    employer = UserFactory(role="employer", organisation=referral.employer)
    funder = UserFactory(role="funding_manager", organisation=referral.participant.organisation,
                         full_name="Frances Funder", is_org_admin=False)
    referral_id, email, funder_email = referral.id, employer.email, funder.email
    db.session.commit()

    sign_in(page, email, TEST_PASSWORD)
    page.goto(f"/referrals/{referral_id}")
    page.get_by_role("link", name="Ask for a fidelity bond for this job").click()
    page.get_by_role("button", name="Ask for the bond").click()
    summary = page.locator(".govuk-error-summary")
    for problem in ("Enter who will arrange the bond", "Enter the cover in pounds",
                    "Enter how many months the bond covers"):
        expect(summary).to_contain_text(problem)
    page.get_by_label("Who will arrange the bond").fill("Unlock Bonds CIC")
    page.get_by_label("Cover (£)").fill("5000")
    page.get_by_label("For how many months").fill("6")
    page.get_by_role("button", name="Ask for the bond").click()
    expect(page.get_by_text("Fidelity bond asked for: £5,000.00 for 6 months.")).to_be_visible()
    expect(page.locator("#fidelity-bond")).to_be_visible()
    expect(page.get_by_text("Unlock Bonds CIC")).to_be_visible()

    # The person's provider decides it: every problem at once, then arranged.
    funder_page = new_page()
    sign_in(funder_page, funder_email, TEST_PASSWORD)
    funder_page.get_by_role("link", name="Funding requests").click()
    bonds = funder_page.get_by_role("table", name="Fidelity bonds waiting for a decision")
    expect(bonds).to_contain_text("Unlock Bonds CIC")
    bonds.get_by_role("link").click()
    funder_page.get_by_label("Decline the bond").check()
    funder_page.get_by_label("Other", exact=True).check()
    funder_page.get_by_role("button", name="Confirm the decision").click()
    expect(funder_page.locator(".govuk-error-summary")).to_contain_text("Say why in the note")
    expect(funder_page.get_by_label("Other", exact=True)).to_be_checked()  # what was chosen is kept
    funder_page.get_by_label("The bond is arranged").check()
    funder_page.get_by_label("Note").fill("Confirmed by Unlock on the phone")
    funder_page.get_by_role("button", name="Confirm the decision").click()
    expect(funder_page.get_by_text("Fidelity bond arranged.")).to_be_visible()
    expect(funder_page.get_by_role("table", name="Fidelity bonds waiting for a decision")).to_have_count(0)

    # The employer sees it arranged, with who and when, on the job.
    page.reload()
    bond = page.locator("#fidelity-bond ~ dl").first
    expect(bond).to_contain_text("Arranged on")
    expect(bond).to_contain_text("Frances Funder")
    expect(page.get_by_text("Confirmed by Unlock on the phone")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw the request for a bond")).to_have_count(0)


def test_a_funding_manager_sets_a_pot_for_a_region(page):
    funder = UserFactory(role="funding_manager", is_org_admin=False)
    FundingBudgetFactory(organisation=funder.organisation)
    email = funder.email
    db.session.commit()

    sign_in(page, email, TEST_PASSWORD)
    page.goto("/funding/budgets")
    page.get_by_role("link", name="Set a budget").click()
    page.get_by_label("Region").select_option("London")
    page.get_by_label("Budget for the year (£)").fill("a lot")
    page.get_by_role("button", name="Save the budget").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter an amount in pounds and pence")
    expect(summary).to_contain_text("Enter the most one request can be for")
    expect(page.get_by_label("Region")).to_have_value("London")
    expect(page.get_by_label("Budget for the year (£)")).to_have_value("a lot")
    page.get_by_label("What the budget is for").select_option("equipment")
    page.get_by_label("Budget for the year (£)").fill("600")
    page.get_by_label("Most one request can be for (£)").fill("100")
    page.get_by_label("Most one person can have in the year (£)").fill("200")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_text("Budget saved: Work equipment and clothing, London, £600.00.")).to_be_visible()
    rows = page.get_by_role("row").filter(has_text="Work equipment and clothing")
    expect(rows.filter(has_text="London")).to_contain_text("£600.00")
    expect(rows.filter(has_text="All regions")).to_contain_text("£2,000.00")
