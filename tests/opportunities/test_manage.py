"""An employer's own opportunities: preview, publish, edit, duplicate, close, reopen, archive; mine and all
of the organisation's; places left; who can see what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.extensions import db
from marketplace.opportunities import operations
from marketplace.opportunities.models import Opportunity, OpportunityStatusChange
from tests.factories import OpportunityFactory, UserFactory, member_organisation
from tests.helpers import sign_in_client
from tests.opportunities.helpers import date_parts, form_data


@pytest.fixture
def employer(login_as):
    return login_as("employer", organisation=member_organisation(3))


def test_create_preview_publish_and_case_managers_see_it(client, employer):
    client.post_form("/opportunities/new", form_data(title="Night shift picker"))
    opportunity = db.session.scalar(select(Opportunity))
    preview = client.get(f"/opportunities/{opportunity.id}/preview").data.decode()
    assert "This is how case managers will see it" in preview and "Night shift picker" in preview
    assert "3 of 3 places left" in preview

    manager = UserFactory(role="case_manager")
    other = client.application.test_client()
    sign_in_client(other, manager)
    assert other.get(f"/opportunities/{opportunity.id}").status_code == 404, "drafts are the organisation's own"
    assert "Night shift picker" not in other.get("/opportunities/").data.decode()

    response = client.post_form(f"/opportunities/{opportunity.id}/publish")
    assert response.status_code == 302
    db.session.refresh(opportunity)
    assert opportunity.status == "open" and opportunity.published_at is not None
    assert [c.action for c in opportunity.history] == ["publish"]
    assert other.get(f"/opportunities/{opportunity.id}").status_code == 200
    assert "Night shift picker" in other.get("/opportunities/").data.decode()


def test_publishing_a_draft_whose_closing_date_passed_is_refused(client, employer):
    draft = OpportunityFactory(organisation=employer.organisation, status="draft",
                               closing_date=clock.today() - timedelta(days=1))
    response = client.post_form(f"/opportunities/{draft.id}/publish")
    assert response.headers["Location"] == f"/opportunities/{draft.id}/preview"
    page = client.get(response.headers["Location"]).data.decode()
    assert "The closing date must be today or in the future" in page
    assert db.session.get(Opportunity, draft.id).status == "draft"


def test_editing_keeps_the_status_and_checks_places_against_those_taken(client, employer):
    opportunity = OpportunityFactory(organisation=employer.organisation, places=4, places_taken=3)
    response = client.post_form(f"/opportunities/{opportunity.id}/edit", form_data(places="2"))
    assert response.status_code == 400 and "3 places are already taken" in response.data.decode()
    response = client.post_form(f"/opportunities/{opportunity.id}/edit", form_data(places="3", title="New title"))
    assert response.status_code == 302
    db.session.refresh(opportunity)
    assert (opportunity.title, opportunity.status) == ("New title", "filled")
    client.post_form(f"/opportunities/{opportunity.id}/edit", form_data(places="5"))
    db.session.refresh(opportunity)
    assert opportunity.status == "open" and opportunity.places_left == 2


def test_duplicate_makes_a_draft_without_reference_or_places_taken(client, employer):
    original = OpportunityFactory(organisation=employer.organisation, external_id="HK-1", places_taken=1,
                                  minimum_requirements=[], closing_date=clock.today() + timedelta(days=3))
    response = client.post_form(f"/opportunities/{original.id}/duplicate")
    copy = db.session.scalar(select(Opportunity).where(Opportunity.id != original.id))
    assert response.headers["Location"] == f"/opportunities/{copy.id}/edit"
    assert (copy.status, copy.external_id, copy.places_taken, copy.title) == ("draft", None, 0, original.title)
    assert copy.created_by_id == employer.id and copy.closing_date == original.closing_date


def test_duplicating_an_old_one_leaves_the_closing_date_to_choose(employer):
    old = OpportunityFactory(organisation=employer.organisation, status="closed",
                             closing_date=clock.today() - timedelta(days=40))
    copy = operations.duplicate(old.id, employer)
    assert copy.closing_date is None and copy.status == "draft"
    with pytest.raises(Refused, match="Enter a closing date"):
        operations.publish(copy.id, employer)


def test_close_reopen_and_archive(client, employer):
    opportunity = OpportunityFactory(organisation=employer.organisation)
    client.post_form(f"/opportunities/{opportunity.id}/close")
    assert db.session.get(Opportunity, opportunity.id).status == "closed"
    client.post_form(f"/opportunities/{opportunity.id}/reopen")
    assert db.session.get(Opportunity, opportunity.id).status == "open"
    response = client.post_form(f"/opportunities/{opportunity.id}/archive")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "You cannot archive when the opportunity is open" in page
    client.post_form(f"/opportunities/{opportunity.id}/close")
    client.post_form(f"/opportunities/{opportunity.id}/archive")
    assert db.session.get(Opportunity, opportunity.id).status == "archived"
    assert client.get(f"/opportunities/{opportunity.id}/edit").status_code == 302
    with pytest.raises(Refused, match="archived"):
        operations.update_opportunity(opportunity.id, operations.details_of(opportunity), employer)
    actions = db.session.scalars(select(OpportunityStatusChange.action).order_by(OpportunityStatusChange.id)).all()
    assert actions == ["close", "reopen", "close", "archive"]


def test_a_closed_opportunity_past_its_closing_date_needs_a_new_date_to_reopen(client, employer):
    opportunity = OpportunityFactory(organisation=employer.organisation, status="closed",
                                     closing_date=clock.today() - timedelta(days=2))
    with pytest.raises(Refused, match="Change the closing date first"):
        operations.reopen(opportunity.id, employer)
    response = client.post_form(f"/opportunities/{opportunity.id}/edit", form_data(
        closing_date=date_parts(clock.today() + timedelta(days=10))))
    assert response.status_code == 302
    operations.reopen(opportunity.id, employer)
    assert opportunity.status == "open"


def test_a_closed_one_can_be_edited_without_moving_its_past_closing_date(employer):
    opportunity = OpportunityFactory(organisation=employer.organisation, status="closed",
                                     closing_date=clock.today() - timedelta(days=2))
    details = operations.details_of(opportunity)
    details.description = "Updated after it closed"
    operations.update_opportunity(opportunity.id, details, employer)
    assert opportunity.description == "Updated after it closed"


def test_only_mine_and_all_of_my_organisations(client, employer):
    colleague = UserFactory(role="employer", organisation=employer.organisation)
    OpportunityFactory(organisation=employer.organisation, created_by_id=employer.id, title="Mine")
    OpportunityFactory(organisation=employer.organisation, created_by_id=colleague.id, title="Colleague's")
    OpportunityFactory(organisation=employer.organisation, status="draft", title="My draft", created_by_id=employer.id)
    OpportunityFactory(title="Another organisation's")
    page = client.get("/opportunities/ours").data.decode()
    assert "Mine" in page and "Colleague&#39;s" in page and "My draft" not in page
    assert "Another organisation" not in page
    page = client.get("/opportunities/ours?whose=mine").data.decode()
    assert "Mine" in page and "Colleague" not in page
    assert "My draft" in client.get("/opportunities/ours?show=draft").data.decode()


def test_places_left_are_shown(client, employer):
    OpportunityFactory(organisation=employer.organisation, places=5, places_taken=2, title="Half taken")
    page = client.get("/opportunities/ours").data.decode()
    assert "3 of 5" in page


def test_another_organisations_opportunity_is_a_404_on_every_route(app, client, employer):
    stranger = OpportunityFactory(title="Not yours")
    # Commit now: leaving the test_request_context below rolls back whatever the test has not committed.
    db.session.commit()
    routes = sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                    if "opportunity_id" in rule.arguments and rule.endpoint.startswith("opportunities.")
                    for method in rule.methods - {"HEAD", "OPTIONS"})
    assert len(routes) == 10
    for endpoint, method in routes:
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, opportunity_id=stranger.id)
        response = client.post_form(url, form_data()) if method == "POST" else client.get(url)
        assert response.status_code == 404, (endpoint, method)
    assert db.session.get(Opportunity, stranger.id).status == "open"
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) == 1


def test_the_home_page_shows_live_opportunities_and_what_needs_attention(client, employer):
    OpportunityFactory(organisation=employer.organisation, title="Forklift driver")
    OpportunityFactory(organisation=employer.organisation, title="Closing tomorrow",
                       closing_date=clock.today() + timedelta(days=1))
    OpportunityFactory(organisation=employer.organisation, status="draft", title="Unfinished")
    OpportunityFactory(organisation=employer.organisation, status="filled", places_taken=2, title="All taken")
    page = client.get("/home").data.decode()
    assert "Forklift driver" in page and "2 open opportunities and 1 filled" in page
    assert "1 draft not published yet" in page
    assert "&#34;Closing tomorrow&#34; closes on" in page
    assert "&#34;All taken&#34; is filled" in page
