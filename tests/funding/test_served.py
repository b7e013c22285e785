"""Through the running site (gunicorn, 2 workers): a funding manager's approval and payment are what
every worker then serves, on the request, the budgets page and the report."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.funding.models import FundingBudget, FundingRequest


def test_an_approval_and_payment_show_in_every_worker(served_site, provider):
    request = provider.request()
    db.session.commit()
    browser = served_site.signed_in(provider.manager)
    for path in (f"/funding/{request.id}", "/funding/budgets", "/funding/report"):
        served_site.warm_every_worker(browser, path)

    answer = served_site.post_form(browser, f"/funding/{request.id}/decide", {"decision": "approve"})
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
