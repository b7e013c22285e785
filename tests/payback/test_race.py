"""Votes raced: many requests at once, in threads against the real database (SQLite or PostgreSQL with
TEST_DATABASE_URL) and in the gunicorn workers of the running site, never make a second vote for one
person or let one address past its hourly limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.core import clock
from marketplace.core.models import ThrottleEvent
from marketplace.extensions import db
from marketplace.payback import operations
from marketplace.payback.models import PaybackProject, PaybackVote
from tests.factories import PaybackProjectFactory
from tests.helpers import race
from tests.payback.records import emailed_path


@pytest.fixture
def open_vote(app):
    project = PaybackProjectFactory(status="shortlisted", vote_opens_on=clock.today(),
                                    vote_closes_on=clock.today() + timedelta(days=7))
    db.session.commit()
    return project.id


def _vote(app, project_id, email, address):
    def attempt():
        project = db.session.get(PaybackProject, project_id)
        operations.request_vote(project, email, address)
    return attempt


def votes() -> int:
    return db.session.scalar(select(func.count()).select_from(PaybackVote))


def test_one_person_asking_many_times_at_once_gets_one_vote(app, open_vote):
    outcomes = race(app, [_vote(app, open_vote, "sam@voter.example", f"10.0.0.{n}") for n in range(8)])

    # Each is answered one after the other: a fresh link for the same single vote, three times an
    # hour, then "use the newest link".
    assert outcomes.count("won") == operations.LINKS_PER_VOTER
    assert all("Use the newest one" in o for o in outcomes if o != "won")
    assert votes() == 1


def test_one_address_racing_gets_exactly_its_hourly_limit(app, open_vote):
    attempts = [_vote(app, open_vote, f"voter{n}@home.example", "192.0.2.7")
                for n in range(operations.VOTES_PER_ADDRESS + 4)]
    outcomes = race(app, attempts)

    assert outcomes.count("won") == operations.VOTES_PER_ADDRESS
    assert all(o.startswith("refused: Many votes") for o in outcomes if o != "won")
    assert votes() == operations.VOTES_PER_ADDRESS
    assert db.session.scalar(select(func.count()).select_from(ThrottleEvent).where(
        ThrottleEvent.bucket == operations.VOTE_ADDRESS_BUCKET)) == operations.VOTES_PER_ADDRESS


def test_the_running_site_counts_one_vote_per_person_across_workers(served_site, open_vote):
    path = f"/community-payback/projects/{open_vote}"

    def ask(_n):
        browser = served_site.session()
        return served_site.post_form(browser, path, {"email": "sam@voter.example"},
                                     allow_redirects=False).status_code

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(ask, range(6)))
    db.session.rollback()

    # Three links per person per project an hour: the rest are told to use the newest link.
    assert sorted(answers) == [302] * operations.LINKS_PER_VOTER + [400] * (6 - operations.LINKS_PER_VOTER)
    assert votes() == 1

    browser = served_site.session()
    confirm = emailed_path("sam@voter.example", "Confirm your vote")
    assert served_site.post_form(browser, confirm).status_code == 200
    pages = served_site.every_worker(browser, path)
    assert len(pages) == 2
    assert all("1 vote" in page.text for page in pages.values())
