"""Through the running site (gunicorn, 2 workers): a funding manager's approval and payment are what
every worker then serves, on the request, the budgets page and the report."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.funding.models import FundingBudget, FundingRequest
from tests.helpers import hidden_inputs


def test_an_approval_and_payment_show_in_every_worker(served_site, provider):
    request = provider.request()
    db.session.commit()
    browser = served_site.signed_in(provider.manager)
    for path in (f"/funding/{request.id}", "/funding/budgets", "/funding/report"):
        served_site.warm_every_worker(browser, path)

    seen = hidden_inputs(served_site.get(browser, f"/funding/{request.id}/decide").text)["seen"][0]
    answer = served_site.post_form(browser, f"/funding/{request.id}/decide", {"decision": "approve", "seen": seen})
    assert answer.status_code == 200 and "Decision recorded" in answer.text, answer.text[-1500:]
    answer = served_site.post_form(browser, f"/funding/{request.id}/pay", {
        "method": "supplier_invoice", "reference": "INV-88", "paid_on": ["", "", ""]})
    assert answer.status_code == 400 and "Enter the date it was paid" in answer.text
    from marketplace.core import clock

    today = clock.today()
    answer = served_site.post_form(browser, f"/funding/{request.id}/pay", {
        "method": "supplier_invoice", "reference": "INV-88",
        "paid_on": [str(today.day), str(today.month), str(today.year)]})
    assert answer.status_code == 200 and "Payment of £85.00 recorded" in answer.text, answer.text[-1500:]

    for page in served_site.every_worker(browser, f"/funding/{request.id}").values():
        assert "INV-88" in page.text and ">Paid<" in page.text
    for page in served_site.every_worker(browser, "/funding/budgets").values():
        assert "£85.00" in page.text and "£1,915.00" in page.text
    for page in served_site.every_worker(browser, "/funding/report").values():
        assert '<span class="govuk-heading-l govuk-!-margin-bottom-0" id="paid-total">£85.00</span>' in page.text
    assert db.session.get(FundingRequest, request.id).status == "paid"
    assert db.session.get(FundingBudget, provider.budget.id).committed_pence == 8500


def test_evidence_held_by_one_worker_is_used_by_another_and_every_worker_serves_it(served_site, provider):
    """A quote chosen on a form that came back is held on disk, so whichever worker answers the next
    post attaches it; then each worker serves the download to the funding manager, and each download
    is in the audit log."""
    import re

    from sqlalchemy import func, select

    from marketplace.core.models import AuditEvent
    from marketplace.funding.models import FundingDocument
    from tests.documents import pdf

    quote = pdf("Site Boots Ltd quote")
    referral = provider.referral()
    db.session.commit()
    browser = served_site.signed_in(provider.case_manager)
    path = f"/funding/new?participant={referral.participant_id}"
    answers = {"purpose": "equipment", "description": "Safety boots", "supplier": "Site Boots Ltd",
               "referral": str(referral.id), "other_sources": ["employer"], "evidence_kind": "quote"}
    first = served_site.post_form(browser, path, answers, files={"evidence": ("quote.pdf", quote, "application/pdf")})
    assert first.status_code == 400 and "quote.pdf uploaded" in first.text
    token = re.search(r'name="evidence_held" type="hidden" value="([^"]+)"', first.text).group(1)
    sent = served_site.post_form(browser, path, {**answers, "amount": "85", "evidence_held": token})
    assert sent.status_code == 200 and "Request sent" in sent.text, sent.text[-1500:]
    request = db.session.scalars(select(FundingRequest)).one()
    document = db.session.scalars(select(FundingDocument)).one()

    funder = served_site.signed_in(provider.manager)
    downloads = served_site.every_worker(funder, f"/funding/{request.id}/evidence/{document.id}")
    assert len(downloads) == served_site.workers
    assert all(answer.status_code == 200 and answer.content == quote for answer in downloads.values())
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "funding.evidence_downloaded")) >= served_site.workers


def test_a_change_to_a_request_is_what_every_worker_then_serves(served_site, provider):
    request = provider.request()
    db.session.commit()
    browser = served_site.signed_in(provider.case_manager)
    served_site.warm_every_worker(browser, f"/funding/{request.id}")
    answer = served_site.post_form(browser, f"/funding/{request.id}/edit", {
        "purpose": "equipment", "description": "Safety boots and a hi-vis jacket", "amount": "97.25",
        "supplier": "Site Boots Ltd", "referral": str(request.referral_id), "other_sources": ["employer"]})
    assert answer.status_code == 200 and "Request changed" in answer.text, answer.text[-1500:]
    for page in served_site.every_worker(browser, f"/funding/{request.id}").values():
        assert "£97.25" in page.text and "hi-vis jacket" in page.text and "Last changed by" in page.text
    funder = served_site.signed_in(provider.manager)
    for page in served_site.every_worker(funder, f"/funding/{request.id}/decide").values():
        assert "£97.25" in page.text


def test_a_decision_page_opened_before_a_change_on_another_worker_cannot_approve_it(served_site, provider):
    request = provider.request()
    db.session.commit()
    funder = served_site.signed_in(provider.manager)
    # The funding manager has the decision page open, from whichever worker served it.
    opened = {worker: hidden_inputs(page.text)["seen"][0]
              for worker, page in served_site.every_worker(funder, f"/funding/{request.id}/decide").items()}
    assert len(set(opened.values())) == 1  # every worker shows the same request
    seen = next(iter(opened.values()))
    case_manager = served_site.signed_in(provider.case_manager)
    answer = served_site.post_form(case_manager, f"/funding/{request.id}/edit", {
        "purpose": "equipment", "description": request.description, "amount": "240.00",
        "supplier": request.supplier, "referral": str(request.referral_id), "other_sources": ["employer"]})
    assert answer.status_code == 200 and "Request changed" in answer.text, answer.text[-1500:]
    for _ in range(2):  # posted again as from the same stale page: refused each time, nothing written
        answer = served_site.post_form(funder, f"/funding/{request.id}/decide", {"decision": "approve", "seen": seen})
        assert answer.status_code == 400
        assert "This request was changed to £240.00 after you opened it: check it again" in answer.text
        assert "£240.00" in answer.text
    db.session.expire_all()
    assert db.session.get(FundingRequest, request.id).status == "submitted"
    assert db.session.get(FundingBudget, provider.budget.id).committed_pence == 0
    answer = served_site.post_form(funder, f"/funding/{request.id}/decide",
                                   {"decision": "approve", "seen": hidden_inputs(answer.text)["seen"][0]})
    assert answer.status_code == 200 and "Decision recorded" in answer.text, answer.text[-1500:]
    for page in served_site.every_worker(funder, f"/funding/{request.id}").values():
        assert "Approved £240.00" in page.text


def test_every_worker_puts_the_funding_in_the_subject_access_export(served_site, provider):
    request = provider.request()
    db.session.commit()
    browser = served_site.signed_in(provider.case_manager)
    path = f"/participants/{request.participant_id}/export/readable"
    for page in served_site.every_worker(browser, path).values():
        assert page.status_code == 200 and "Funding requests" in page.text and "£85.00" in page.text
        assert "Waiting for a decision" in page.text


def test_budgets_imported_through_one_worker_are_what_every_worker_serves(served_site, provider):
    from marketplace.core import clock
    from marketplace.funding.models import financial_year

    year = financial_year(clock.today())
    browser = served_site.signed_in(provider.manager)
    served_site.warm_every_worker(browser, "/funding/budgets")
    bad = served_site.post_form(browser, "/funding/budgets/import", files={"file": (
        "budgets.csv", f"purpose,year,amount,request_limit,person_limit\ntravel,{year},1234,50,100\n"
                       f"travel,{year},1,5,1\n", "text/csv")})
    assert bad.status_code == 400 and "line 3: request_limit" in bad.text
    for page in served_site.every_worker(browser, "/funding/budgets").values():
        assert "£1,234.00" not in page.text
    good = served_site.post_form(browser, "/funding/budgets/import", files={"file": (
        "budgets.csv", f"purpose,year,amount,request_limit,person_limit\ntravel,{year},1234,50,100\n", "text/csv")})
    assert good.status_code == 200 and "Budgets imported: 1 new, 0 changed." in good.text
    for page in served_site.every_worker(browser, "/funding/budgets").values():
        assert "£1,234.00" in page.text


def test_a_fidelity_bond_asked_through_one_worker_is_on_the_referral_every_worker_serves(served_site):
    from tests.factories import ReferralFactory, UserFactory

    referral = ReferralFactory(status="offer_made")
    employer = UserFactory(role="employer", organisation=referral.employer)
    db.session.commit()
    browser = served_site.signed_in(employer)
    served_site.warm_every_worker(browser, f"/referrals/{referral.id}")
    answer = served_site.post_form(browser, f"/funding/bonds/new/{referral.id}", {
        "provider": "Unlock Bonds CIC", "cover": "5000", "months": "6"})
    assert answer.status_code == 200 and "Fidelity bond asked for: £5,000.00 for 6 months" in answer.text
    for page in served_site.every_worker(browser, f"/referrals/{referral.id}").values():
        assert "Unlock Bonds CIC" in page.text and "Ask for a fidelity bond" not in page.text


def test_an_approval_from_a_regional_pot_shows_in_every_worker(served_site, provider):
    """A person of London draws on the provider's London pot, not its pot for all regions: the budgets
    page and the report's spend by region say so from every worker at once."""
    from tests.factories import FundingBudgetFactory, ParticipantFactory, ReferralFactory

    london = FundingBudgetFactory(organisation=provider.organisation, region="London", amount_pence=60_000)
    participant = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None,
                                     release_region="London")
    request = provider.request(referral=ReferralFactory(participant=participant, status="offer_accepted"))
    db.session.commit()
    browser = served_site.signed_in(provider.manager)
    for path in ("/funding/budgets", "/funding/report"):
        served_site.warm_every_worker(browser, path)
    decide = served_site.get(browser, f"/funding/{request.id}/decide").text
    assert "(London)" in decide and "£600.00" in decide
    answer = served_site.post_form(browser, f"/funding/{request.id}/decide",
                                   {"decision": "approve", "seen": hidden_inputs(decide)["seen"][0]})
    assert answer.status_code == 200 and "Decision recorded" in answer.text, answer.text[-1500:]
    for page in served_site.every_worker(browser, "/funding/budgets").values():
        assert "£515.00" in page.text and "£2,000.00" in page.text  # London's left; all regions' untouched
    for page in served_site.every_worker(browser, "/funding/report").values():
        assert "Spend by region" in page.text and "£600.00" in page.text
    db.session.expire_all()
    assert db.session.get(FundingBudget, london.id).committed_pence == 8500
    assert db.session.get(FundingBudget, provider.budget.id).committed_pence == 0


def test_a_bond_decided_through_one_worker_is_what_every_worker_shows_with_the_job(served_site):
    from marketplace.funding import operations
    from tests.factories import ReferralFactory, UserFactory

    referral = ReferralFactory(status="offer_made")
    employer = UserFactory(role="employer", organisation=referral.employer)
    manager = UserFactory(role="funding_manager", organisation=referral.participant.organisation)
    bond = operations.ask_for_bond(referral, employer, operations.Bond(provider="Unlock Bonds CIC",
                                                                       cover_pence=500_000, months="6"))
    db.session.commit()
    funder = served_site.signed_in(manager)
    for page in served_site.every_worker(funder, "/funding/").values():
        assert "Fidelity bonds waiting for a decision" in page.text
    bad = served_site.post_form(funder, f"/funding/bonds/{bond.id}/decide", {"decision": "decline",
                                                                            "reason_code": ""})
    assert bad.status_code == 400 and "Choose the reason for declining" in bad.text
    done = served_site.post_form(funder, f"/funding/bonds/{bond.id}/decide", {"decision": "arrange",
                                                                             "note": "Confirmed by Unlock"})
    assert done.status_code == 200 and "Fidelity bond arranged" in done.text, done.text[-1500:]
    browser = served_site.signed_in(employer)
    for page in served_site.every_worker(browser, f"/referrals/{referral.id}").values():
        assert "Arranged on" in page.text and manager.full_name in page.text and "Confirmed by Unlock" in page.text
        assert "Withdraw the request for a bond" not in page.text
    for page in served_site.every_worker(funder, "/funding/").values():
        assert "Fidelity bonds waiting for a decision" not in page.text
