"""The public vote: one vote per person per project, counted once the emailed link is used, during
the published window, with live counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import OutboxMessage, ThrottleEvent
from marketplace.extensions import db
from marketplace.payback.models import PaybackVote
from marketplace.payback.operations import VOTES_PER_ADDRESS
from tests.factories import PaybackProjectFactory
from tests.helpers import location
from tests.payback.records import emailed_path

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def shortlisted(app):
    clock.fix(NOW)
    project = PaybackProjectFactory(title="Paint the scout hut", status="shortlisted",
                                    vote_opens_on=date(2027, 3, 1), vote_closes_on=date(2027, 3, 14))
    db.session.commit()
    return project


def vote(client, project, email):
    return client.post_form(f"/community-payback/projects/{project.id}", {"email": email})


def counted(project) -> int:
    return db.session.scalar(select(func.count()).select_from(PaybackVote).where(
        PaybackVote.project_id == project.id, PaybackVote.confirmed_at.is_not(None)))


def test_a_vote_counts_once_its_link_is_used_and_only_once(client, shortlisted):
    sent = vote(client, shortlisted, "Sam@Voter.example")
    assert sent.status_code == 302 and location(sent).endswith(f"/projects/{shortlisted.id}/vote-sent")
    assert counted(shortlisted) == 0

    path = emailed_path("Sam@Voter.example", "Confirm your vote")
    assert "Confirm my vote" in client.get(path).get_data(as_text=True)
    assert counted(shortlisted) == 0  # opening the link (or a mail scanner doing so) counts nothing

    page = client.post_form(path)
    assert page.status_code == 200 and "1 vote" in page.get_data(as_text=True)
    assert client.post_form(path).status_code == 200
    assert counted(shortlisted) == 1
    assert "1 vote" in client.get(f"/community-payback/projects/{shortlisted.id}").get_data(as_text=True)


def test_one_person_has_one_vote_per_project_however_they_write_their_address(client, shortlisted):
    vote(client, shortlisted, "sam@voter.example")
    client.post_form(emailed_path("sam@voter.example", "Confirm your vote"))

    again = vote(client, shortlisted, "SAM@Voter.Example")
    assert again.status_code == 302  # the page reads the same: it does not say who has voted
    assert db.session.scalar(select(func.count()).select_from(PaybackVote)) == 1
    assert counted(shortlisted) == 1
    latest = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert "already voted" in latest.subject


def test_the_voters_address_is_not_stored(client, shortlisted):
    vote(client, shortlisted, "sam@voter.example")
    stored = db.session.scalar(select(PaybackVote))
    assert "sam" not in stored.voter_hash and len(stored.voter_hash) == 64


def test_no_vote_outside_the_window(client, shortlisted):
    clock.fix(datetime(2027, 3, 15, 9, 0, tzinfo=UTC))
    refused = vote(client, shortlisted, "late@voter.example")
    assert refused.status_code == 400 and "not open" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaybackVote)) == 0


def test_a_link_used_after_the_vote_closed_counts_nothing(client, shortlisted):
    vote(client, shortlisted, "slow@voter.example")
    path = emailed_path("slow@voter.example", "Confirm your vote")
    clock.fix(datetime(2027, 3, 15, 9, 0, tzinfo=UTC))
    page = client.post_form(path)
    assert page.status_code == 400 and "has closed" in page.get_data(as_text=True)
    assert counted(shortlisted) == 0


def test_a_submitted_or_declined_project_is_not_public(client, app):
    for status in ("unconfirmed", "submitted", "declined"):
        project = PaybackProjectFactory(status=status)
        db.session.commit()
        assert client.get(f"/community-payback/projects/{project.id}").status_code == 404


def test_votes_from_one_address_are_limited_per_hour(client, shortlisted):
    for n in range(VOTES_PER_ADDRESS):
        assert vote(client, shortlisted, f"voter{n}@home.example").status_code == 302
    refused = vote(client, shortlisted, "one.more@home.example")
    assert refused.status_code == 400 and "Try again in an hour" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PaybackVote)) == VOTES_PER_ADDRESS


def test_the_results_put_the_most_voted_project_first_and_show_no_one(client, shortlisted):
    other = PaybackProjectFactory(title="Clear the canal", status="shortlisted", nominator_name="Jo Nominator",
                                  vote_opens_on=date(2027, 3, 1), vote_closes_on=date(2027, 3, 14))
    db.session.commit()
    for n in range(2):
        vote(client, other, f"fan{n}@canal.example")
        client.post_form(emailed_path(f"fan{n}@canal.example", "Confirm your vote"))

    text = client.get("/community-payback/").get_data(as_text=True)
    assert text.index("Clear the canal") < text.index("Paint the scout hut")
    assert "Vote open until 14 March 2027" in text
    for private in ("Jo Nominator", other.nominator_email, "fan0@canal.example"):
        assert private not in text
    assert "Jo Nominator" not in client.get(f"/community-payback/projects/{other.id}").get_data(as_text=True)


def test_a_robot_filling_the_hidden_field_gets_no_vote(client, shortlisted):
    sent = client.post_form(f"/community-payback/projects/{shortlisted.id}",
                            {"email": "bot@spam.example", "website": "x"})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(PaybackVote)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(ThrottleEvent)) == 2


def test_the_public_page_says_how_many_hours_the_area_delivered_and_their_worth(client, shortlisted):
    from marketplace.payback.models import PaybackHours
    from tests.factories import ParticipantFactory

    accepted = PaybackProjectFactory(status="accepted")
    person = ParticipantFactory(location="community")
    for minutes, kind in ((6 * 60, "work"), (4 * 60, "work"), (3 * 60, "ete")):
        db.session.add(PaybackHours(participant_id=person.id, project_id=accepted.id if kind == "work" else None,
                                    kind=kind, worked_on=date(2027, 3, 1), minutes=minutes, outcome="acceptable",
                                    skills=[]))
    db.session.commit()

    text = client.get("/community-payback/").get_data(as_text=True)
    # 10 hours of work (ETE is not counted) at £12.71, the rate from April 2026.
    assert "10 hours of unpaid work done on projects here, worth £127 at the National Minimum Wage" in text
    assert person.first_name not in text
