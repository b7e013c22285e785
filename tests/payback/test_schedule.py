"""Scheduling the work of an accepted project: the nominator hears whether and when it starts, and
the winner of a public vote goes first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.models import OutboxMessage
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.payback.models import PaybackVote
from tests.factories import PaybackProjectFactory

NOW = datetime(2027, 3, 10, 10, 0, tzinfo=UTC)
VOTE = {"vote_opens_on": date(2027, 3, 1), "vote_closes_on": date(2027, 3, 8)}


@pytest.fixture
def manager(login_as):
    clock.fix(NOW)
    return login_as(Role.PAYBACK_MANAGER)  # North West, like the factory's projects


def votes(project, count):
    for n in range(count):
        db.session.add(PaybackVote(project_id=project.id, voter_hash=f"{project.id}-{n}".ljust(64, "0"),
                                   token_hash=f"t{project.id}-{n}".ljust(64, "0"), confirmed_at=NOW))


def schedule(client, project, day: date, note=""):
    return client.post_form(f"/community-payback/nominations/{project.id}/schedule",
                            {"starts_on": [str(day.day), str(day.month), str(day.year)], "note": note})


def test_the_nominator_hears_when_the_work_starts_and_the_public_sees_it(client, manager):
    project = PaybackProjectFactory(status="accepted", public_title="Paint the scout hut")
    db.session.commit()
    assert schedule(client, project, date(2027, 5, 3), "Bring the keys on the first morning.").status_code == 302

    db.session.refresh(project)
    assert project.work_starts_on == date(2027, 5, 3)
    assert [(e.action, e.actor_id) for e in project.history] == [("schedule", manager.id)]
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == project.nominator_email))
    assert "work starts 3 May 2027" in email.subject and "can go ahead" in email.body
    assert "Bring the keys" in email.body
    assert "Work starts 3 May 2027" in client.get("/community-payback/").get_data(as_text=True)
    assert "Accepted: work starts 3 May 2027" in client.get(
        f"/community-payback/projects/{project.id}").get_data(as_text=True)

    assert schedule(client, project, date(2027, 5, 10)).status_code == 302  # moved: told again
    assert db.session.scalar(select(OutboxMessage.body).where(
        OutboxMessage.subject.contains("10 May 2027"))).count("now start") == 1
    clock.fix(datetime(2027, 5, 11, 9, 0, tzinfo=UTC))  # once the day has come, the public pages say so
    assert "Work started 10 May 2027" in client.get("/community-payback/").get_data(as_text=True)


def test_a_start_in_the_past_or_of_a_project_not_accepted_is_refused(client, manager):
    accepted = PaybackProjectFactory(status="accepted")
    waiting = PaybackProjectFactory(status="reviewed")
    db.session.commit()
    page = schedule(client, accepted, date(2027, 3, 9))
    assert page.status_code == 400 and "Work cannot start in the past" in page.get_data(as_text=True)
    assert schedule(client, waiting, date(2027, 5, 3)).status_code == 302
    db.session.refresh(waiting)
    assert waiting.work_starts_on is None and not waiting.history


def test_the_winner_of_the_vote_goes_first(client, manager):
    winner = PaybackProjectFactory(status="shortlisted", public_title="Clear the towpath", **VOTE)
    runner_up = PaybackProjectFactory(status="accepted", public_title="Paint the hall", **VOTE)
    db.session.flush()
    votes(winner, 3)
    votes(runner_up, 1)
    db.session.commit()

    text = schedule(client, runner_up, date(2027, 4, 1)).get_data(as_text=True)
    assert "&#39;Clear the towpath&#39; had more votes (3 to 1): accept or decline it first" in text
    winner.status = "accepted"
    db.session.commit()
    text = schedule(client, runner_up, date(2027, 4, 1)).get_data(as_text=True)
    assert "schedule its work first" in text
    assert schedule(client, winner, date(2027, 4, 5)).status_code == 302
    text = schedule(client, runner_up, date(2027, 4, 1)).get_data(as_text=True)
    assert "starts on 5 April 2027: this project cannot start before it" in text
    assert schedule(client, runner_up, date(2027, 4, 5)).status_code == 302


def test_nothing_from_a_vote_is_scheduled_before_the_vote_closes(client, manager):
    project = PaybackProjectFactory(status="accepted", vote_opens_on=date(2027, 3, 1),
                                    vote_closes_on=date(2027, 3, 12))
    db.session.commit()
    text = schedule(client, project, date(2027, 4, 1)).get_data(as_text=True)
    assert "The public vote closes on 12 March 2027" in text
