"""A funding manager approves, part-approves, declines or asks for more, within the budget and the
limits; four eyes; a second approver above the budget's level; the money is reserved once."""

from __future__ import annotations

import pytest

from marketplace.core.exceptions import Refused
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FundingBudget, Status


def committed(provider) -> int:
    db.session.expire_all()
    return db.session.get(FundingBudget, provider.budget.id).committed_pence


def test_approving_reserves_the_money_and_tells_the_case_manager(provider):
    request = provider.request()
    operations.decide(request.id, provider.manager, "approve", note="Fine")
    db.session.commit()
    assert (request.status, request.approved_pence, request.budget_id) == ("approved", 8500, provider.budget.id)
    assert committed(provider) == 8500
    assert request.decided_at is not None


def test_part_approval_reserves_only_the_part(provider):
    request = provider.request()
    operations.decide(request.id, provider.manager, "part_approve", amount_pence=6000)
    db.session.commit()
    assert (request.status, request.approved_pence) == ("approved", 6000)
    assert committed(provider) == 6000


def test_decisions_list_every_missing_answer(provider):
    request = provider.request()
    with pytest.raises(Refused) as refused:
        operations.check_decision(request, "part_approve", amount_pence=9000, reason_code="", note="")
    assert refused.value.problems == [("amount", "Enter an amount more than £0 and less than the £85.00 asked for")]
    with pytest.raises(Refused) as refused:
        operations.check_decision(request, "decline", amount_pence=None, reason_code="other", note="")
    assert refused.value.problems == [("note", "Say why in the note")]
    with pytest.raises(Refused) as refused:
        operations.check_decision(request, "", amount_pence=None, reason_code="", note="x" * 3001)
    assert [field for field, _ in refused.value.problems] == ["decision", "note"]


def test_decline_and_ask_for_information_hold_no_money(provider):
    declined, asked = provider.request(), provider.request()
    operations.decide(declined.id, provider.manager, "decline", reason_code="other_source")
    operations.decide(asked.id, provider.manager, "ask_information", note="Send the job offer letter")
    db.session.commit()
    assert (declined.status, declined.reason_code, asked.status) == ("declined", "other_source", "more_information")
    assert committed(provider) == 0
    operations.resubmit(asked, provider.case_manager, "Offer letter attached to the referral")
    assert asked.status == "submitted"


def test_the_case_manager_who_asked_cannot_approve_even_as_funding_manager(provider):
    request = provider.request(requested_by=provider.manager, last_edited_by=provider.manager)
    with pytest.raises(NotAllowed, match="someone else must approve"):
        operations.decide(request.id, provider.manager, "approve")
    db.session.rollback()
    assert committed(provider) == 0


def test_over_the_second_approval_level_two_different_managers_approve(provider):
    provider.budget.second_approval_above_pence = 5000
    request = provider.request()
    operations.decide(request.id, provider.manager, "approve")
    db.session.commit()
    assert (request.status, request.first_approver_id) == (Status.SECOND_APPROVAL, provider.manager.id)
    assert committed(provider) == 0
    with pytest.raises(NotAllowed, match="another funding manager must approve"):
        operations.decide(request.id, provider.manager, "approve")
    db.session.rollback()
    operations.decide(request.id, provider.second_manager, "approve")
    db.session.commit()
    assert request.status == Status.APPROVED
    assert committed(provider) == 8500


def test_an_approval_the_budget_cannot_cover_is_refused_with_what_is_left(provider):
    provider.budget.amount_pence = 10_000
    first, second = provider.request(), provider.request()
    operations.decide(first.id, provider.manager, "approve")
    db.session.commit()
    with pytest.raises(operations.OverBudget, match=r"Over budget: £15.00 is left of the £100.00"):
        operations.decide(second.id, provider.manager, "approve")
    db.session.rollback()
    assert db.session.get(type(second), second.id).status == "submitted"
    assert committed(provider) == 8500


def test_a_persons_yearly_limit_counts_what_they_were_given(provider):
    provider.budget.person_limit_pence = 10_000
    first = provider.request()
    second = provider.request(referral=first.referral, participant=first.participant)
    operations.decide(first.id, provider.manager, "approve")
    db.session.commit()
    with pytest.raises(operations.OverBudget, match="Over this person's limit: they have been given £85.00"):
        operations.decide(second.id, provider.manager, "approve")
    db.session.rollback()
    assert committed(provider) == 8500


def test_cancelling_an_approval_gives_the_money_back(provider):
    request = provider.request()
    operations.decide(request.id, provider.manager, "approve")
    operations.cancel(request, provider.second_manager, "The job offer was withdrawn")
    db.session.commit()
    assert request.status == "cancelled"
    assert committed(provider) == 0


def test_a_budget_cannot_be_set_below_what_is_approved(provider):
    request = provider.request()
    operations.decide(request.id, provider.manager, "approve")
    db.session.commit()
    details = operations.BudgetDetails(purpose="equipment", year=provider.budget.year, amount_pence=5000,
                                       request_limit_pence=5000, person_limit_pence=5000)
    with pytest.raises(Refused, match="£85.00 is already approved"):
        operations.set_budget(provider.organisation, provider.manager, details)
