"""A payback manager assesses nominations of their own region: scores, shortlist, accept, decline."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import AuditEvent, OutboxMessage
from marketplace.core.roles import Role
from marketplace.core.workflow import NotAllowed
from marketplace.extensions import db
from marketplace.payback.models import PaybackProject, Status
from marketplace.payback.workflow import PROJECT, transition
from tests.factories import PaybackProjectFactory, UserFactory

SCORES = {f"score_{name}": "4" for name in ("duration", "scale", "skills", "value", "supervision", "safety")}
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)  # North West, like the factory's projects


def test_the_list_shows_only_confirmed_nominations_of_the_managers_region(client, manager):
    ours = PaybackProjectFactory(title="Paint the scout hut")
    PaybackProjectFactory(title="Unconfirmed towpath", status="unconfirmed", confirmed_at=None)
    PaybackProjectFactory(title="Somebody else's park", region="Wales", postcode="CF10 1EP")

    text = client.get("/community-payback/nominations").get_data(as_text=True)

    assert "Paint the scout hut" in text
    assert "Unconfirmed towpath" not in text and "Somebody else&#39;s park" not in text
    assert client.get(f"/community-payback/nominations/{ours.id}").status_code == 200


def test_another_regions_or_an_unconfirmed_nomination_is_not_found(client, manager):
    wales = PaybackProjectFactory(region="Wales", postcode="CF10 1EP")
    unconfirmed = PaybackProjectFactory(status="unconfirmed", confirmed_at=None)
    for project in (wales, unconfirmed):
        assert client.get(f"/community-payback/nominations/{project.id}").status_code == 404
        assert client.post_form(f"/community-payback/nominations/{project.id}/assess",
                                {"decision": "decline", "reason": "profit"}).status_code == 404


def test_viewing_a_nomination_is_audited(client, manager):
    project = PaybackProjectFactory()
    client.get(f"/community-payback/nominations/{project.id}")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == str(project.id))) == \
        "payback.nomination_viewed"


def test_shortlisting_needs_every_score_and_the_vote_dates_all_reported_at_once(client, manager):
    project = PaybackProjectFactory(status="reviewed")
    page = client.post_form(f"/community-payback/nominations/{project.id}/assess",
                            {"decision": "shortlist", "score_duration": "3",
                             "vote_closes_on": ["1", "2", "2027"]})

    assert page.status_code == 400
    text = page.get_data(as_text=True)
    for message in ("Score &#39;Scale&#39; from 1 to 5", "Score &#39;Community safety&#39; from 1 to 5",
                    "Enter the date the vote opens"):
        assert message in text, message
    assert "Score &#39;Duration&#39;" not in text
    db.session.refresh(project)
    assert project.status == Status.REVIEWED and not project.history


def test_shortlisting_records_scores_and_window_and_tells_the_nominator(client, manager):
    project = PaybackProjectFactory(status="reviewed", public_title="Clear the towpath by the old mill")
    response = client.post_form(f"/community-payback/nominations/{project.id}/assess", {
        "decision": "shortlist", **SCORES, "vote_opens_on": ["1", "3", "2027"],
        "vote_closes_on": ["14", "3", "2027"]})

    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == Status.SHORTLISTED and project.total_score == 24
    assert (project.vote_opens_on, project.vote_closes_on) == (date(2027, 3, 1), date(2027, 3, 14))
    assert [(e.action, e.actor_id) for e in project.history] == [("shortlist", manager.id)]
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == project.nominator_email))
    assert "1 March 2027 to 14 March 2027" in email.body
    assert "'Clear the towpath by the old mill'" in email.body  # the nominator learns the public name


def test_declining_needs_a_coded_reason_and_a_note_for_other(client, manager):
    project = PaybackProjectFactory()
    path = f"/community-payback/nominations/{project.id}/assess"
    assert "Choose the reason for declining" in client.post_form(path, {"decision": "decline"}).get_data(as_text=True)
    assert "Explain the reason" in client.post_form(path, {"decision": "decline", "reason": "other"}).get_data(
        as_text=True)

    assert client.post_form(path, {"decision": "decline", "reason": "paid_work"}).status_code == 302
    db.session.refresh(project)
    assert (project.status, project.decision_reason) == (Status.DECLINED, "paid_work")
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == project.nominator_email))
    assert "take away paid work" in email.body
    assert client.get(path).status_code == 302  # nothing left to decide


def test_a_vote_cannot_open_in_the_past(client, manager):
    project = PaybackProjectFactory(status="reviewed")
    text = client.post_form(f"/community-payback/nominations/{project.id}/assess", {
        "decision": "shortlist", **SCORES, "vote_opens_on": ["28", "2", "2027"],
        "vote_closes_on": ["27", "2", "2027"]}).get_data(as_text=True)
    assert "The vote cannot open before today" in text
    assert "The vote must close on or after the day it opens" in text


STEPS = sorted(PROJECT.table.items())


@pytest.mark.parametrize(("state_action", "step"), STEPS, ids=[f"{s}-{a}" for (s, a), _ in STEPS])
def test_the_table_says_who_moves_a_project(app, state_action, step):
    state, action = state_action
    manager = UserFactory(role="payback_manager")
    case_manager = UserFactory(role="case_manager")
    project = PaybackProjectFactory(status=state)
    actor = None if "system" in step.roles else manager
    transition(project, action, actor)
    assert project.status == step.to
    project.status = state
    with pytest.raises(NotAllowed):
        transition(project, action, case_manager)


def test_a_manager_of_another_region_cannot_move_a_project(app):
    manager = UserFactory(role="payback_manager")
    project = PaybackProjectFactory(region="London", postcode="SW1A 1AA")
    with pytest.raises(NotAllowed, match="in the project's region"):
        transition(project, "accept", manager)
    assert project.status == Status.SUBMITTED
    assert db.session.scalar(select(PaybackProject.status)) == "submitted"
