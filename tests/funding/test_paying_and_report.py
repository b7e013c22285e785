"""Approved money is paid (to a supplier by default, to the person only with a reason), and the report
shows spend against budget and the cost per job start, counting only paid work of funded people."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.funding import operations, report
from marketplace.funding.models import financial_year
from tests.factories import OpportunityFactory, ParticipantFactory, ReferralFactory
from tests.helpers import sign_in_client


def approved(provider, **fields):
    request = provider.request(**fields)
    operations.decide(request.id, provider.manager, "approve")
    return request


def paid(provider, request, **payment):
    details = {"method": "supplier_invoice", "reference": "INV-1", "paid_on": clock.today(), **payment}
    return operations.mark_paid(request, provider.second_manager, operations.Payment(**details))


def test_paying_a_supplier_records_the_invoice(provider):
    request = approved(provider)
    paid(provider, request, reference="INV-2041", receipt_reference="Receipt 77")
    db.session.commit()
    assert (request.status, request.payment_method, request.payment_reference, request.receipt_reference) == (
        "paid", "supplier_invoice", "INV-2041", "Receipt 77")
    assert [event.action for event in request.events] == ["approve", "mark_paid"]


def test_a_payment_lists_every_problem_and_cash_needs_a_reason(provider):
    request = approved(provider)
    with pytest.raises(Refused) as refused:
        operations.check_payment(request, operations.Payment(method="cash", paid_on=clock.today() + timedelta(days=1)))
    assert refused.value.problems == [
        ("cash_reason", "Say why the money goes to the person rather than a supplier"),
        ("paid_on", "The date it was paid must be today or in the past")]
    with pytest.raises(Refused) as refused:
        operations.check_payment(request, operations.Payment(method="voucher"))
    assert [field for field, _ in refused.value.problems] == ["reference", "paid_on"]


def test_only_approved_money_can_be_paid(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    response = client.post_form(f"/funding/{request.id}/pay", {"method": "supplier_invoice", "reference": "X"})
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "submitted"


def test_the_report_counts_paid_work_starts_of_funded_people_only(provider):
    for _ in range(5):
        referral = provider.referral(status="started")
        referral.start_date = clock.today() - timedelta(days=7)
        paid(provider, approved(provider, referral=referral, participant=referral.participant))
    # Funded, started, but on a training course: money counted, no job start.
    course = OpportunityFactory(kind="training", is_training=True, paid=False, pay_from=None,
                                pays_minimum_wage=False, contract_type="")
    trainee = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None)
    training = ReferralFactory(participant=trainee, opportunity=course, status="started",
                               start_date=clock.today() - timedelta(days=7))
    paid(provider, approved(provider, referral=training, participant=trainee))
    # Started paid work but never funded: no part of the figures.
    ReferralFactory(participant=ParticipantFactory(case_manager=provider.case_manager), status="started",
                    start_date=clock.today())
    # Approved, not paid: committed but not spent.
    approved(provider)
    db.session.commit()

    figures = report.figures(provider.organisation.id, financial_year(clock.today()))
    equipment = next(row for row in figures.purposes if row.purpose == "equipment")
    assert (equipment.budget_pence, equipment.committed_pence, equipment.paid_pence, equipment.paid_requests) == (
        200_000, 7 * 8500, 6 * 8500, 6)
    assert figures.funded_people == 6
    starts = figures.outcomes[0]
    assert (starts.label, starts.people, starts.cost_pence) == ("Job starts", 5, 6 * 8500 // 5)
    assert figures.outcomes[1].people == 0 and figures.outcomes[1].cost_pence is None


def test_small_numbers_are_withheld_and_the_page_and_csv_agree(client, provider):
    referral = provider.referral(status="started")
    referral.start_date = clock.today()
    paid(provider, approved(provider, referral=referral, participant=referral.participant))
    db.session.commit()
    sign_in_client(client, provider.manager)
    page = client.get("/funding/report").get_data(as_text=True)
    assert "£85.00" in page and "fewer than 5" in page and "withheld" in page
    csv_text = client.get("/funding/report.csv").get_data(as_text=True)
    assert "Outcomes (paid work),Job starts,,,,fewer than 5," in csv_text
    assert "Spend by purpose,Work equipment and clothing,2000.00,85.00,85.00,1," in csv_text
