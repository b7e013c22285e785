"""The disclosure part of a referral: only what the employer's check shows ever reaches the employer,
and the case manager is warned before sharing what the law does not require."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.disclosure import operations as disclosure
from marketplace.extensions import db
from marketplace.referrals.models import Referral
from tests.disclosure.records import spent_fine, unspent_custody
from tests.factories import ConsentRecordFactory, OpportunityFactory, ParticipantFactory, UserFactory
from tests.helpers import send_referral, sign_in_client


@pytest.fixture
def person(manager):
    participant = ParticipantFactory(case_manager=manager, location="community", prison=None,
                                     release_date=clock.today() - timedelta(days=30))
    ConsentRecordFactory(participant=participant)
    db.session.commit()
    return participant


def _opportunity(check_level: str):
    opportunity = OpportunityFactory(check_level=check_level)
    db.session.commit()
    return opportunity


def _refer(client, person, opportunity, **fields):
    data = {"name": person.full_name, "parts": ["skills"], "consent": "y", **fields}
    return send_referral(client, f"/referrals/new?participant={person.id}&opportunity={opportunity.id}", data)


def _employer_page(client, opportunity, referral) -> str:
    employer = UserFactory(role="employer", organisation=opportunity.organisation)
    db.session.commit()
    sign_in_client(client, employer)
    response = client.get(f"/referrals/{referral.id}")
    assert response.status_code == 200
    return response.data.decode()


def _referral(person) -> Referral:
    return db.session.scalar(select(Referral).where(Referral.participant_id == person.id))


def test_a_basic_check_never_shares_a_spent_conviction(client, person):
    spent_fine(person, category="driving")
    unspent_custody(person, category="violence")
    db.session.commit()
    opportunity = _opportunity("basic")
    response = _refer(client, person, opportunity, share_convictions="y")
    assert response.status_code == 302, response.data.decode().partition("govuk-error-summary__list")[2][:800]
    page = _employer_page(client, opportunity, _referral(person))
    shared = page.split('id="shared-convictions"')[1].split("</dd>")[0]
    assert "Violence" in shared
    assert "Driving offences" not in page
    assert "Fine" not in shared


@pytest.mark.parametrize("level", ["none", "basic"])
def test_a_record_that_is_all_spent_shares_no_conviction(client, person, level):
    spent_fine(person, category="driving")
    db.session.commit()
    opportunity = _opportunity(level)
    response = _refer(client, person, opportunity, share_convictions="y")
    assert response.status_code == 302
    page = _employer_page(client, opportunity, _referral(person))
    assert "Driving offences" not in page
    assert "convictions" not in _referral(person).snapshot or _referral(person).snapshot["convictions"] == []


def test_a_standard_check_shares_a_spent_conviction_it_still_shows(client, person):
    spent_fine(person, category="driving")  # 5 years: spent, not yet filtered (11 years)
    db.session.commit()
    opportunity = _opportunity("standard")
    assert _refer(client, person, opportunity, share_convictions="y").status_code == 302
    page = _employer_page(client, opportunity, _referral(person))
    assert "Driving offences" in page.split('id="shared-convictions"')[1].split("</dd>")[0]


def test_the_form_warns_about_what_the_law_does_not_require(client, person):
    spent_fine(person, category="driving")
    unspent_custody(person)
    db.session.commit()
    opportunity = _opportunity("basic")
    page = client.get(f"/referrals/new?participant={person.id}&opportunity={opportunity.id}").data.decode()
    warning = page.split('id="disclosure-section"')[1]
    assert "govuk-warning-text" in warning
    assert "does not require" in warning and "1 conviction or caution" in warning
    assert "Driving offences" not in page.split('id="disclosure-required"')[1].split("</ul>")[0]


def test_a_statement_when_nothing_must_be_disclosed_needs_confirming(client, person):
    spent_fine(person)
    db.session.commit()
    opportunity = _opportunity("basic")
    response = _refer(client, person, opportunity, parts=["skills", "disclosure"], disclosure="I was fined.")
    assert response.status_code == 400
    page = response.data.decode()
    assert "govuk-error-summary" in page and "the law does not require them to disclose" in page
    assert _referral(person) is None
    response = _refer(client, person, opportunity, parts=["skills", "disclosure"], disclosure="I was fined.",
                      beyond_law="y")
    assert response.status_code == 302
    assert _referral(person).snapshot["disclosure"] == "I was fined."


def test_the_letter_is_shared_only_when_chosen(client, person, manager):
    unspent_custody(person)
    disclosure.save_letter(person, "basic", "Dear hiring manager, about my conviction in 2023.", manager)
    db.session.commit()
    opportunity = _opportunity("basic")
    assert _refer(client, person, opportunity).status_code == 302
    referral = _referral(person)
    assert "letter" not in referral.snapshot
    assert "about my conviction in 2023" not in _employer_page(client, opportunity, referral)


def test_an_attached_letter_reaches_the_employer(client, person, manager):
    unspent_custody(person)
    disclosure.save_letter(person, "basic", "Dear hiring manager, about my conviction in 2023.", manager)
    db.session.commit()
    opportunity = _opportunity("basic")
    assert _refer(client, person, opportunity, attach_letter="y").status_code == 302
    page = _employer_page(client, opportunity, _referral(person))
    assert "about my conviction in 2023" in page.split('id="shared-letter"')[1]


def test_a_letter_written_for_a_stronger_check_needs_confirming(client, person, manager):
    spent_fine(person, category="driving")
    unspent_custody(person)
    disclosure.save_letter(person, "enhanced", "Both convictions.", manager)
    db.session.commit()
    opportunity = _opportunity("basic")
    response = _refer(client, person, opportunity, attach_letter="y")
    assert response.status_code == 400
    assert "shows more than a basic DBS check" in response.data.decode()


def test_attaching_a_letter_that_was_never_written_is_an_error(client, person):
    unspent_custody(person)
    db.session.commit()
    response = _refer(client, person, _opportunity("basic"), attach_letter="y")
    assert response.status_code == 400
    assert "Write and save the disclosure letter" in response.data.decode()


def test_a_draft_sent_after_a_conviction_is_spent_no_longer_carries_it(client, person, monkeypatch):
    from tests.disclosure.records import conviction

    # A fine 360 days ago: unspent today, spent in 5 days (12 months beginning with the day of conviction).
    conviction(person, years_ago=360 / 365.25, category="driving")
    db.session.commit()
    opportunity = _opportunity("basic")
    response = _refer(client, person, opportunity, share_convictions="y", save_draft="Save as draft",
                      submit=None)
    assert response.status_code == 302
    referral = _referral(person)
    assert [item["offence"] for item in referral.snapshot["convictions"]] == ["Driving offences"]
    later = clock.today() + timedelta(days=10)
    monkeypatch.setattr(clock, "today", lambda: later)
    assert client.post_form(f"/referrals/{referral.id}/steps/submit").status_code == 302
    db.session.expire_all()
    referral = _referral(person)
    assert referral.status == "submitted"
    assert referral.snapshot["convictions"] == []
    assert "Driving offences" not in _employer_page(client, opportunity, referral)
