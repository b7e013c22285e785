"""The decision page as a funding manager uses it (the outside test of 7 December 2026): a decision is on
the figures the page showed or not at all, an amount belongs to "Approve part of it" only, the first
approver is not offered the second approval, and the history and refusals say what happened."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FundingBudget, FundingEvent, FundingRequest
from tests import helpers
from tests.helpers import error_summary, hidden_inputs, location, sign_in_client

CHANGED = "This request was changed to £240.00 after you opened it: check it again"


def committed(provider) -> int:
    db.session.expire_all()
    return db.session.get(FundingBudget, provider.budget.id).committed_pence


def open_decide(client, request) -> tuple[str, str]:
    page = client.get(f"/funding/{request.id}/decide").get_data(as_text=True)
    return page, hidden_inputs(page)["seen"][0]


def change_amount(provider, request, amount: str = "240.00"):
    pence = int(float(amount) * 100)
    operations.edit_request(request, provider.case_manager, operations.Ask(
        purpose=request.purpose, description=request.description, amount_pence=pence, supplier=request.supplier,
        referral_id=request.referral_id, other_sources=list(request.other_sources),
        other_sources_note=request.other_sources_note))
    db.session.commit()


def test_an_approval_of_figures_changed_since_the_page_opened_is_refused_and_shows_the_new_ones(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    page, seen = open_decide(client, request)
    assert "£85.00" in page and seen
    change_amount(provider, request)  # the case manager, in another browser

    response = client.post_form(f"/funding/{request.id}/decide", {"decision": "approve", "seen": seen})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert CHANGED in error_summary(page)
    assert "£240.00" in page  # the page now shows what it would approve
    db.session.expire_all()
    assert db.session.get(FundingRequest, request.id).status == "submitted"
    assert committed(provider) == 0
    assert not db.session.scalars(select(FundingEvent).where(FundingEvent.action == "approve")).all()

    # Deciding again on the page that shows £240.00 is a decision on £240.00.
    response = client.post_form(f"/funding/{request.id}/decide",
                                {"decision": "approve", "seen": hidden_inputs(page)["seen"][0]})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert db.session.get(FundingRequest, request.id).approved_pence == 24_000


def test_a_decision_posted_without_what_the_page_showed_is_refused(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    response = client.post_form(f"/funding/{request.id}/decide", {"decision": "approve"})
    assert response.status_code == 400
    assert "This request was changed to £85.00 after you opened it: check it again" in error_summary(response.data)
    assert committed(provider) == 0


def test_a_decline_on_an_unchanged_page_is_recorded(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    _, seen = open_decide(client, request)
    response = client.post_form(f"/funding/{request.id}/decide",
                                {"decision": "decline", "reason_code": "other_source", "seen": seen})
    assert response.status_code == 302
    assert db.session.get(FundingRequest, request.id).status == "declined"


@pytest.mark.concurrency
@pytest.mark.parametrize("attempt", range(3))
def test_a_change_and_an_approval_at_once_never_approve_unseen_figures(app, provider, attempt):
    request = provider.request()
    request_id, manager_id, case_manager_id = request.id, provider.manager.id, provider.case_manager.id
    seen = operations.version_of(request)
    db.session.commit()

    def edit():
        changing = db.session.get(FundingRequest, request_id)
        operations.edit_request(changing, db.session.get(User, case_manager_id), operations.Ask(
            purpose=changing.purpose, description=changing.description, amount_pence=24_000,
            supplier=changing.supplier, referral_id=changing.referral_id, other_sources=list(changing.other_sources)))

    def approve():
        operations.decide(request_id, db.session.get(User, manager_id), "approve", seen=seen)

    outcomes = helpers.race(app, [edit, approve], labels={operations.ChangedSinceShown: "changed"})
    decided = db.session.get(FundingRequest, request_id)
    if decided.status == "approved":  # the approval went first: the change was refused
        assert outcomes[1] == "won" and outcomes[0].startswith("refused: Only a case manager"), outcomes
        assert decided.approved_pence == 8500
    else:  # the change went first: the approval of £85.00 was refused, nothing reserved
        assert outcomes == ["won", f"changed: {CHANGED}"], outcomes
        assert (decided.amount_pence, decided.approved_pence) == (24_000, None)
        assert committed(provider) == 0


def test_the_amount_is_revealed_under_approve_part_of_it_only(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    page, _ = open_decide(client, request)
    conditional = re.search(r'<div class="govuk-radios__conditional[^"]*" id="([^"]+)">(.*?)</div>\s*</div>\s*</div>',
                            page, re.S)
    assert conditional and 'name="amount"' in conditional.group(2)
    assert f'data-aria-controls="{conditional.group(1)}"' in page
    assert re.search(r'value="part_approve"[^>]*data-aria-controls', page)


def test_an_amount_typed_beside_approve_what_was_asked_for_is_refused(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    _, seen = open_decide(client, request)
    response = client.post_form(f"/funding/{request.id}/decide",
                                {"decision": "approve", "amount": "50", "seen": seen})
    assert response.status_code == 400
    assert error_summary(response.data) == {
        "You entered £50.00: choose 'Approve part of it' to approve that, or clear the amount to approve what "
        "was asked for": "#decision"}
    assert committed(provider) == 0
    response = client.post_form(f"/funding/{request.id}/decide",
                                {"decision": "part_approve", "amount": "50", "seen": seen})
    assert response.status_code == 302
    assert db.session.get(FundingRequest, request.id).approved_pence == 5000


def test_the_first_approver_is_not_offered_the_second_approval(client, provider):
    provider.budget.second_approval_above_pence = 25_000
    provider.budget.request_limit_pence = 50_000
    request = provider.request(amount_pence=30_000)
    db.session.commit()
    sign_in_client(client, provider.manager)
    _, seen = open_decide(client, request)
    assert client.post_form(f"/funding/{request.id}/decide", {"decision": "approve", "seen": seen}).status_code == 302

    shown = client.get(f"/funding/{request.id}").get_data(as_text=True)
    assert re.search(r"First approval\s*</dt>\s*<dd[^>]*>\s*£300.00 by", shown)
    assert "Approved £300.00" not in shown and "Not yet" not in shown
    assert "You gave the first approval; another funding manager must approve." in shown
    assert f'href="/funding/{request.id}/decide"' not in shown
    response = client.get(f"/funding/{request.id}/decide")
    assert response.status_code == 302 and location(response) == f"/funding/{request.id}"
    followed = client.get(location(response)).get_data(as_text=True)
    assert "You gave the first approval; another funding manager must approve." in followed
    assert "yours is the second approval" not in followed.lower()
    response = client.post_form(f"/funding/{request.id}/decide",
                                {"decision": "decline", "reason_code": "other_source", "seen": seen})
    assert response.status_code == 302
    with pytest.raises(NotAllowed, match="another funding manager must approve"):
        operations.decide(request.id, provider.manager, "decline", reason_code="other_source")
    db.session.rollback()
    assert db.session.get(FundingRequest, request.id).status == "second_approval"

    sign_in_client(client, provider.second_manager)
    page = client.get(f"/funding/{request.id}/decide").get_data(as_text=True)
    assert "gave the first approval: £300.00. Yours is the second approval." in page


def test_the_history_says_what_happened_in_words_with_the_amounts(client, provider):
    provider.budget.second_approval_above_pence = 20_000
    provider.budget.request_limit_pence = 50_000
    request = provider.request(amount_pence=30_000)
    db.session.commit()
    operations.decide(request.id, provider.manager, "part_approve", amount_pence=25_000)
    operations.decide(request.id, provider.second_manager, "part_approve", amount_pence=25_000)
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    page = client.get(f"/funding/{request.id}").get_data(as_text=True)
    assert "<strong>Approved £250.00 of £300.00</strong>" in page
    assert "<strong>First approval: £250.00 (a second approver is needed)</strong>" in page
    assert ">Approve part of it<" not in page and "Approve (a second approver is needed)" not in page


def test_changing_a_paid_request_is_refused_saying_it_was_paid(client, provider):
    request = provider.request(status="paid", approved_pence=8500, paid_on=clock.today(),
                               payment_method="supplier_invoice", payment_reference="INV-1")
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.get(f"/funding/{request.id}/edit")
    assert response.status_code == 302
    page = client.get(location(response)).get_data(as_text=True)
    assert "This request can no longer be changed: it has been paid." in page


def test_the_ask_form_starts_on_a_placeholder_not_on_self_employment(client, provider):
    from tests.factories import ParticipantFactory

    person = ParticipantFactory(case_manager=provider.case_manager, location="community", prison=None)
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    page = client.get(f"/funding/new?participant={person.id}").get_data(as_text=True)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>",
                         re.search(r'<select[^>]*name="referral".*?</select>', page, re.S).group(0))
    assert [label for _, label in options] == ["Choose the job, interview or course", "None: self-employment"]
    assert 'value=""' in options[0][0] and "selected" in options[0][0]
    response = client.post_form(f"/funding/new?participant={person.id}", {
        "purpose": "equipment", "description": "Boots", "amount": "85", "supplier": "Site Boots Ltd",
        "referral": "", "other_sources": ["employer"]})
    assert response.status_code == 400
    assert error_summary(response.data)["Choose the job, interview or course the money unlocks"] == "#referral"


def test_the_report_marks_only_itself_current_and_says_less_than_an_hour(client, provider):
    for _ in range(5):
        request = provider.request()
        request.status, request.decided_at = "declined", request.created_at + timedelta(minutes=20)
    db.session.commit()
    sign_in_client(client, provider.manager)
    page = client.get("/funding/report").get_data(as_text=True)
    current = re.findall(r'govuk-service-navigation__item--active">\s*<a[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<',
                         page)
    assert current == ["Funding report"], current
    assert re.search(r'id="decision-time">Less than an hour</span> from request to decision \(median; 9 in 10 '
                     r"within an hour\)", page)
    assert "0 hours" not in page
    budgets = client.get("/funding/budgets").get_data(as_text=True)
    assert re.findall(r'govuk-service-navigation__item--active">\s*<a[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<',
                      budgets) == ["Budgets"]


def test_the_operation_refuses_a_stale_version_and_writes_nothing(provider):
    request = provider.request()
    seen = operations.version_of(request)
    db.session.commit()
    change_amount(provider, request)
    with pytest.raises(Refused, match=re.escape(CHANGED)):
        operations.decide(request.id, provider.manager, "approve", seen=seen)
    db.session.rollback()
    assert db.session.get(FundingRequest, request.id).status == "submitted"
