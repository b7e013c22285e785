"""Making a referral through the pages: the three ways in (a match, an opportunity, the
participant's page), the hard filters checked again with the reason shown, the guarantee's minimum
requirements, consent, drafts, and step pages that refuse with GOV.UK error summaries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.referrals.models import Referral
from marketplace.search import sync
from tests.factories import OpportunityFactory
from tests.helpers import send_referral, sign_in_client
from tests.referrals.conftest import community_participant


@pytest.fixture
def world(app, client):
    person = community_participant(first_name="Robin", release_town="Warrington")
    opportunity = OpportunityFactory(title="Forklift driver", town="Warrington")
    db.session.commit()
    sign_in_client(client, person.case_manager)
    return person, opportunity


def new_url(person, opportunity) -> str:
    return f"/referrals/new?participant={person.id}&opportunity={opportunity.id}"


def test_refer_from_a_match_an_opportunity_and_the_participants_page(world, client):
    person, opportunity = world
    sync.reindex()
    link = new_url(person, opportunity).replace("&", "&amp;")
    # From the participant's page to their matches, and a link to refer for each.
    participant_page = client.get(f"/participants/{person.id}").get_data(as_text=True)
    matches_url = re.search(r'href="([^"]+)">Refer Robin to an opportunity', participant_page).group(1)
    assert link in client.get(matches_url).get_data(as_text=True)
    # From the opportunity's page to the people who fit, and a link to refer each.
    page = client.get(f"/opportunities/{opportunity.id}").get_data(as_text=True)
    people_url = re.search(r'href="([^"]+)">People on your caseload who fit', page).group(1)
    assert link in client.get(people_url).get_data(as_text=True)
    assert client.get(new_url(person, opportunity)).status_code == 200


def test_a_referral_the_hard_filters_forbid_is_refused_with_the_reason(world, client):
    person, opportunity = world
    opportunity.offence_exclusions = ["arson"]
    person.offence_categories = ["arson"]
    db.session.commit()
    page = client.get(new_url(person, opportunity)).get_data(as_text=True)
    assert "This person cannot be referred here:" in page and "arson" in page.lower()
    response = client.post_form(new_url(person, opportunity), {"name": "Robin", "consent": "y",
                                                              "submit": "Continue"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_guaranteed_interview_needs_every_requirement_confirmed(world, client):
    person, _ = world
    guaranteed = OpportunityFactory(kind="guaranteed_interview", town="Warrington",
                                    minimum_requirements=["Forklift licence", "Can work early shifts"])
    db.session.commit()
    form = {"name": "Robin", "consent": "y", "submit": "Continue", "requirements": ["Forklift licence"]}
    response = client.post_form(new_url(person, guaranteed), form)
    assert response.status_code == 400
    assert "Confirm that the person meets every minimum requirement" in response.get_data(as_text=True)
    form["requirements"] = ["Forklift licence", "Can work early shifts"]
    assert send_referral(client, new_url(person, guaranteed), form).status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert referral.guaranteed and referral.guarantee_due_on is not None
    assert referral.requirements_confirmed == ["Forklift licence", "Can work early shifts"]


def test_consent_is_required_and_a_second_referral_for_the_same_job_refused(world, client):
    person, opportunity = world
    response = client.post_form(new_url(person, opportunity), {"name": "Robin", "submit": "Continue"})
    assert response.status_code == 400
    assert "agreed to share this with" in response.get_data(as_text=True)
    ok = send_referral(client, new_url(person, opportunity), {"name": "Robin", "consent": "y"})
    assert ok.status_code == 302
    again = client.get(new_url(person, opportunity)).get_data(as_text=True)
    assert "already has a referral for this opportunity" in again


def test_a_draft_is_saved_then_sent(world, client):
    person, opportunity = world
    response = client.post_form(new_url(person, opportunity), {"name": "Robin", "consent": "y",
                                                              "save_draft": "Save as draft"})
    assert response.status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert referral.status == "draft" and referral.submitted_at is None
    assert client.post_form(f"/referrals/{referral.id}/steps/submit").status_code == 302
    db.session.refresh(referral)
    assert referral.status == "submitted" and referral.submitted_at is not None


def test_a_step_page_with_a_missing_field_shows_the_error_summary(make_parties, client):
    parties = make_parties("acknowledged")
    sign_in_client(client, parties.employer)
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/offer_interview",
                                {"interview_time": "10:00"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "Enter the date of the interview" in html
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/decline", {"note": ""})
    assert "Select a reason" in response.get_data(as_text=True)
    # A step that is not open now is refused without a stack trace.
    response = client.post_form(f"/referrals/{parties.referral.id}/steps/start")
    assert response.status_code in (302, 400)
    assert db.session.get(Referral, parties.referral.id).status == "acknowledged"
    assert client.get(f"/referrals/{parties.referral.id}/steps/no-such-step").status_code == 404
