"""Only case managers of the participant's own organisation (and admins) see a participant; every
view is audited once; another organisation's participant is a 404 on every route."""

from __future__ import annotations

import json

import pytest
from flask import url_for
from sqlalchemy import func, select

from marketplace.core.models import AuditEvent
from marketplace.extensions import db
from tests.factories import ConsentRecordFactory, NeedsAssessmentFactory, ParticipantFactory, UserFactory
from tests.helpers import sign_in_client


def participant_routes(app):
    return sorted((rule.endpoint, method) for rule in app.url_map.iter_rules()
                  if "participant_id" in rule.arguments for method in rule.methods - {"HEAD", "OPTIONS"})


def views_of(participant_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.viewed", AuditEvent.subject_id == str(participant_id)))


def test_every_participant_route_is_a_404_for_another_organisation(app, client, login_as):
    login_as("case_manager")
    stranger = ParticipantFactory(first_name="Hidden", last_name="Stranger", participant_number="Z9999ZZ")
    db.session.commit()
    # The record is there: its own case manager sees it.
    own = app.test_client()
    sign_in_client(own, stranger.case_manager)
    assert b"Hidden" in own.get(f"/participants/{stranger.id}").data
    routes = participant_routes(app)
    assert len(routes) >= 14
    for endpoint, method in routes:
        with app.test_request_context():
            url = url_for(endpoint, participant_id=stranger.id)
        response = client.post_form(url, {}) if method == "POST" else client.get(url)
        assert response.status_code == 404, (endpoint, method, response.status_code)
        assert b"Hidden" not in response.data and b"Z9999ZZ" not in response.data
    assert views_of(stranger.id) == 1  # only its own case manager's view above


@pytest.mark.parametrize("role", ["employer", "social_enterprise", "coordinator", "mentor"])
def test_employers_and_mentors_never_see_participant_records(app, client, login_as, role):
    login_as(role)
    person = ParticipantFactory(first_name="Private", participant_number="P1111PP")
    db.session.commit()
    for endpoint, method in participant_routes(app):
        with app.test_request_context():
            url = url_for(endpoint, participant_id=person.id)
        response = client.post_form(url, {}) if method == "POST" else client.get(url)
        assert response.status_code == 403
        assert b"Private" not in response.data and b"P1111PP" not in response.data


def test_each_view_writes_exactly_one_audit_row(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager)
    client.get(f"/participants/{person.id}")
    assert views_of(person.id) == 1
    client.get(f"/participants/{person.id}")
    client.get(f"/participants/{person.id}/edit")
    assert views_of(person.id) == 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "participant.viewed")
                              .order_by(AuditEvent.id.desc()))
    assert event.actor_id == manager.id and event.detail == "edit details" and event.request_id


def test_colleagues_in_the_same_organisation_can_see_the_record(client):
    manager = UserFactory(role="case_manager")
    colleague = UserFactory(role="case_manager", organisation=manager.organisation)
    person = ParticipantFactory(case_manager=manager)
    sign_in_client(client, colleague)
    assert client.get(f"/participants/{person.id}").status_code == 200


def test_admin_can_see_any_record_and_is_audited(client, login_as):
    admin = login_as("admin")
    person = ParticipantFactory()
    assert client.get(f"/participants/{person.id}").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "participant.viewed"))
    assert event.actor_id == admin.id


def test_subject_access_export_holds_everything_including_who_viewed(client, login_as):
    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager, offence_categories=["fraud"])
    NeedsAssessmentFactory(participant=person)
    ConsentRecordFactory(participant=person, employers=False)
    client.get(f"/participants/{person.id}")
    response = client.get(f"/participants/{person.id}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    record = json.loads(response.data)
    assert record["participant"]["participant_number"] == person.participant_number
    assert record["participant"]["offence_categories"] == ["fraud"]
    assert len(record["needs_assessments"]) == 1
    assert record["consent"][0]["employers"] is False
    actions = [entry["action"] for entry in record["access_log"]]
    assert "participant.viewed" in actions and "participant.exported" in actions
    assert all(entry["who"] == manager.email for entry in record["access_log"])


def test_the_readable_export_is_the_same_record_in_words_and_is_audited(client, login_as):
    """The subject access export was raw JSON with internal codes; the person gets it as a page with
    every field and code in words and every date as a person says it."""
    import re
    from datetime import date

    from tests.factories import OpportunityFactory, ReferralFactory

    manager = login_as("case_manager")
    person = ParticipantFactory(case_manager=manager, offence_categories=["fraud"], readiness="support_needed",
                                date_of_birth=date(1987, 5, 2), readiness_tasks={"bank_account": "in_progress"})
    NeedsAssessmentFactory(participant=person)
    ReferralFactory(participant=person, opportunity=OpportunityFactory(title="Warehouse operative"))
    db.session.commit()
    page = client.get(f"/participants/{person.id}/export/readable")
    assert page.status_code == 200
    main = page.get_data(as_text=True).split('<main', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    assert "2 May 1987" in text and "Support needed" in text and "Fraud" in text and "Warehouse operative" in text
    assert "Bank account" in text and "In progress" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date left as the computer writes it"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a code left unread"
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.exported")).all()
    assert [(event.actor_id, event.detail) for event in exported] == [(manager.id, "readable page")]
