"""A case manager changes a request before it is decided: every problem at once, what was typed kept,
the history says what changed and who changed it, and whoever changed it cannot approve it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.core.exceptions import Refused
from marketplace.core.models import AuditEvent, Notification
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.funding import operations
from marketplace.funding.models import FundingEvent, FundingRequest
from tests.factories import UserFactory
from tests.helpers import error_summary, sign_in_client


def answers(request, **changed) -> dict:
    return {"purpose": request.purpose, "description": request.description, "amount": "85.00",
            "supplier": request.supplier, "referral": str(request.referral_id),
            "other_sources": list(request.other_sources), "other_sources_note": "", **changed}


def test_a_change_is_saved_with_what_changed_and_who_changed_it(client, provider):
    request = provider.request()
    colleague = UserFactory(role="case_manager", organisation=provider.organisation, full_name="Cass Colleague")
    db.session.commit()
    sign_in_client(client, colleague)
    form = client.get(f"/funding/{request.id}/edit").get_data(as_text=True)
    assert 'value="85.00"' in form and "Site Boots Ltd" in form  # the form starts from the request
    response = client.post_form(f"/funding/{request.id}/edit", answers(
        request, amount="95.50", supplier="Site Boots (Salford) Ltd"))
    assert response.status_code == 302, response.data[-1500:]
    changed = db.session.get(FundingRequest, request.id)
    assert (changed.amount_pence, changed.supplier, changed.status) == (9550, "Site Boots (Salford) Ltd", "submitted")
    assert changed.last_edited_by_id == colleague.id and changed.requested_by_id == provider.case_manager.id
    edit = db.session.scalars(select(FundingEvent).where(FundingEvent.action == "edit")).one()
    assert edit.actor_id == colleague.id and edit.amount_pence == 9550
    assert edit.note == "Changed amount £85.00 to £95.50; who will be paid Site Boots Ltd to Site Boots (Salford) Ltd."
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "funding.edited")) == 1
    told = {note.user_id for note in db.session.scalars(select(Notification))}
    assert told == {provider.manager.id, provider.second_manager.id}
    page = client.get(f"/funding/{request.id}").get_data(as_text=True)
    assert "Last changed by" in page and "Cass Colleague" in page and "Request changed" in page


def test_every_problem_is_listed_at_once_and_what_was_typed_kept(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/{request.id}/edit", answers(
        request, amount="eighty", description="", supplier="", other_sources=[]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert list(error_summary(page)) == [
        "Say what the money will buy and why it removes a barrier to work",
        "Enter an amount in pounds and pence, like 85.00",
        "Enter who will be paid: the supplier, landlord or course provider",
        "Say which other sources of money you checked first"]
    assert 'value="eighty"' in page
    assert db.session.get(FundingRequest, request.id).amount_pence == 8500


def test_over_the_request_limit_and_nothing_changed_are_refused(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    over = client.post_form(f"/funding/{request.id}/edit", answers(request, amount="250.01"))
    assert list(error_summary(over.get_data(as_text=True))) == ["The most one request can be for is £250.00"]
    same = client.post_form(f"/funding/{request.id}/edit", answers(request))
    assert same.status_code == 400 and "Nothing was changed" in same.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FundingEvent).where(FundingEvent.action == "edit")) == 0


def test_whoever_changed_it_cannot_approve_it(provider):
    """Four eyes holds across a change of role: a case manager who changed a request and is then made a
    funding manager still cannot approve it; a funding manager who did not touch it can."""
    request = provider.request()
    editor = UserFactory(role="case_manager", organisation=provider.organisation)
    db.session.commit()
    operations.edit_request(request, editor, operations.Ask(
        purpose="equipment", description=request.description, amount_pence=9000, supplier=request.supplier,
        referral_id=request.referral_id, other_sources=list(request.other_sources)))
    db.session.commit()
    editor.role = "funding_manager"
    db.session.commit()
    with pytest.raises(NotAllowed, match="last changed"):
        operations.decide(request.id, editor, "approve")
    db.session.rollback()
    assert operations.decide(request.id, provider.manager, "approve").status == "approved"


def test_a_decided_request_cannot_be_changed(client, provider):
    request = provider.request()
    db.session.commit()
    operations.decide(request.id, provider.manager, "approve")
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    assert client.get(f"/funding/{request.id}").get_data(as_text=True).count("Change the request") == 0
    response = client.post_form(f"/funding/{request.id}/edit", answers(request, amount="60"))
    assert response.status_code == 302
    assert db.session.get(FundingRequest, request.id).amount_pence == 8500
    with pytest.raises(Refused, match="only until it is approved"):
        operations.edit_request(request, provider.case_manager, operations.Ask(purpose="equipment"))


def test_funding_managers_and_other_providers_cannot_change_it(client, provider):
    request = provider.request()
    elsewhere = UserFactory(role="case_manager")
    db.session.commit()
    sign_in_client(client, provider.manager)
    assert client.get(f"/funding/{request.id}/edit").status_code == 403
    sign_in_client(client, elsewhere)
    assert client.post_form(f"/funding/{request.id}/edit", answers(request, amount="60")).status_code == 404
    assert db.session.get(FundingRequest, request.id).amount_pence == 8500
