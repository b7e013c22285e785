"""A case manager asks for money for a person: what for, how much (exact pence), who is paid, the job it
unlocks, what else was checked. Every problem is listed at once and what was typed is kept."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.core.models import AuditEvent, Notification
from marketplace.extensions import db
from marketplace.funding.models import FundingEvent, FundingRequest
from tests.factories import ParticipantFactory, UserFactory
from tests.helpers import sign_in_client


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def errors_of(page: str) -> list[str]:
    summary = page.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
            for item in summary.split("<li>")[1:]]


def test_a_case_manager_asks_and_the_funding_managers_are_told(client, provider):
    referral = provider.referral()
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/new?participant={referral.participant_id}", {
        "purpose": "equipment", "amount": "£85.10",
        "description": "Safety boots for a CSCS labouring job", "supplier": "Site Boots Ltd",
        "referral": str(referral.id), "other_sources": ["flexible_support_fund", "employer"]})
    assert response.status_code == 302, response.data[-2000:]
    request = db.session.scalars(select(FundingRequest)).one()
    assert (request.amount_pence, request.purpose, request.referral_id, request.status) == (
        8510, "equipment", referral.id, "submitted")
    assert request.requested_by_id == provider.case_manager.id
    assert [event.action for event in db.session.scalars(select(FundingEvent))] == ["ask"]
    assert count(AuditEvent, AuditEvent.action == "funding.requested") == 1
    told = {note.user_id for note in db.session.scalars(select(Notification))}
    assert told == {provider.manager.id, provider.second_manager.id}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "£85.10" in page and "Safety boots" in page


def test_every_problem_is_listed_at_once_and_what_was_typed_is_kept(client, provider):
    participant = ParticipantFactory(case_manager=provider.case_manager)
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    response = client.post_form(f"/funding/new?participant={participant.id}", {
        "amount": "eighty-five", "description": "Boots",
        "supplier": "", "referral": "0"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert errors_of(page) == [
        "Choose what the money is for",
        "Enter an amount in pounds and pence, like 85.00",
        "Enter who will be paid: the supplier, landlord or course provider",
        "Say which other sources of money you checked first",
    ]
    assert 'value="eighty-five"' in page and ">Boots</textarea>" in page
    assert count(FundingRequest) == 0


def test_the_job_is_needed_except_for_self_employment_and_limits_are_said(client, provider):
    participant = ParticipantFactory(case_manager=provider.case_manager)
    db.session.commit()
    sign_in_client(client, provider.case_manager)
    data = {"purpose": "equipment", "amount": "300", "description": "Tools",
            "supplier": "Tool shop", "referral": "0", "other_sources": ["employer"]}
    response = client.post_form(f"/funding/new?participant={participant.id}", data)
    assert errors_of(response.get_data(as_text=True)) == [
        "The most one request can be for is £250.00", "Choose the job, interview or course the money unlocks"]
    response = client.post_form(f"/funding/new?participant={participant.id}", {**data, "purpose": "self_employment"})
    assert errors_of(response.get_data(as_text=True)) == [
        f"Your organisation has no budget for self-employment start-up for {participant.release_region} or all "
        f"regions in {_this_year()}: ask your funding manager to set one"]
    assert count(FundingRequest) == 0


def test_another_providers_person_and_request_are_not_found(client, provider):
    request = provider.request()
    db.session.commit()
    outsider = UserFactory(role="case_manager")
    sign_in_client(client, outsider)
    assert client.get(f"/funding/new?participant={request.participant_id}").status_code == 404
    assert client.get(f"/funding/{request.id}").status_code == 404
    other_manager = UserFactory(role="funding_manager")
    sign_in_client(client, other_manager)
    assert client.get(f"/funding/{request.id}").status_code == 404
    assert client.get(f"/funding/{request.id}/decide").status_code == 404


def test_viewing_a_request_is_audited(client, provider):
    request = provider.request()
    db.session.commit()
    sign_in_client(client, provider.manager)
    assert client.get(f"/funding/{request.id}").status_code == 200
    assert count(AuditEvent, AuditEvent.action == "funding.viewed", AuditEvent.actor_id == provider.manager.id) == 1


def _this_year() -> str:
    from marketplace.core import clock
    from marketplace.funding.models import financial_year, year_label

    return year_label(financial_year(clock.today()))
