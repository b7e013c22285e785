"""Status by date (with a fixed clock) and by places: the closing-date job, "open" queries that never show
a stale opportunity, and take_place / release_place, raced by real threads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.core.models import Notification
from marketplace.extensions import db
from marketplace.opportunities.models import Opportunity
from marketplace.opportunities.operations import release_place, take_place
from tests.factories import OpportunityFactory, UserFactory


def run_reminders(app) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def open_titles() -> list[str]:
    return sorted(db.session.scalars(select(Opportunity.title).where(Opportunity.open_clause())))


def test_the_closing_date_closes_an_opportunity_the_day_after(app):
    clock.fix(datetime(2026, 12, 4, 18, 0))
    poster = UserFactory(role="employer")
    OpportunityFactory(title="Closes today", closing_date=date(2026, 12, 4), created_by_id=poster.id)
    OpportunityFactory(title="Filled, closes today", closing_date=date(2026, 12, 4), status="filled", places_taken=2)
    OpportunityFactory(title="Rolling", closing_date=None, rolling=True)
    OpportunityFactory(title="Closes next week", closing_date=date(2026, 12, 11))
    db.session.commit()
    assert "opportunities-closing-date: 0" in run_reminders(app)
    assert open_titles() == ["Closes next week", "Closes today", "Rolling"]

    clock.fix(datetime(2026, 12, 5, 0, 1))
    # Before the job runs, the stale one has already gone from every "open" list.
    assert open_titles() == ["Closes next week", "Rolling"]
    assert "opportunities-closing-date: 2" in run_reminders(app)
    statuses = dict(db.session.execute(select(Opportunity.title, Opportunity.status)).all())
    assert statuses == {"Closes today": "closed", "Filled, closes today": "closed", "Rolling": "open",
                        "Closes next week": "open"}
    expired = db.session.scalar(select(Opportunity).where(Opportunity.title == "Closes today"))
    assert expired.history[-1].action == "expire" and expired.history[-1].actor_id is None
    assert expired.closed_at == clock.now()
    assert "closed: its closing date has passed" in db.session.scalar(
        select(Notification.text).where(Notification.user_id == poster.id))
    assert "opportunities-closing-date: 0" in run_reminders(app)


def test_case_managers_never_see_one_past_its_closing_date(app, client, login_as):
    login_as("case_manager")
    OpportunityFactory(title="Stale one", closing_date=clock.today().replace(year=clock.today().year - 1))
    OpportunityFactory(title="Fresh one")
    page = client.get("/opportunities/").data.decode()
    assert "Fresh one" in page and "Stale one" not in page


def test_taking_the_last_place_fills_and_releasing_one_opens_again():
    opportunity = OpportunityFactory(places=2)
    take_place(opportunity.id)
    assert (opportunity.places_taken, opportunity.status) == (1, "open")
    take_place(opportunity.id)
    assert (opportunity.places_taken, opportunity.status) == (2, "filled")
    with pytest.raises(Refused, match="No places are left"):
        take_place(opportunity.id)
    release_place(opportunity.id)
    assert (opportunity.places_taken, opportunity.status) == (1, "open")
    assert [c.action for c in opportunity.history] == ["fill", "release_place"]


def test_a_place_released_after_the_closing_date_does_not_reopen_it():
    clock.fix(datetime(2026, 12, 1, 9, 0))
    opportunity = OpportunityFactory(places=1, places_taken=1, status="filled", closing_date=date(2026, 11, 30))
    release_place(opportunity.id)
    assert (opportunity.places_taken, opportunity.status) == (0, "filled")


def test_places_cannot_be_taken_on_an_opportunity_that_is_not_open():
    for status in ("draft", "closed", "archived"):
        with pytest.raises(Refused, match="not open"):
            take_place(OpportunityFactory(status=status).id)
    clock.fix(datetime(2026, 12, 1, 9, 0))
    with pytest.raises(Refused, match="not open"):
        take_place(OpportunityFactory(closing_date=date(2026, 11, 30)).id)
    with pytest.raises(Refused, match="No places have been taken"):
        release_place(OpportunityFactory().id)


@pytest.mark.concurrency
def test_racing_referrals_take_exactly_the_places_there_are(app):
    opportunity_id = OpportunityFactory(places=3).id
    db.session.commit()
    attempts = 10
    barrier = threading.Barrier(attempts)

    def take(_):
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            try:
                take_place(opportunity_id)
                db.session.commit()
                return "taken"
            except Refused as refusal:
                db.session.rollback()
                return refusal.message

    with ThreadPoolExecutor(attempts) as pool:
        outcomes = list(pool.map(take, range(attempts)))
    db.session.rollback()
    assert outcomes.count("taken") == 3, outcomes
    assert set(outcomes) - {"taken"} == {"No places are left on this opportunity"}
    opportunity = db.session.get(Opportunity, opportunity_id)
    assert (opportunity.places_taken, opportunity.status) == (3, "filled")
    assert [c.action for c in opportunity.history] == ["fill"]


@pytest.mark.concurrency
def test_racing_releases_and_takes_keep_the_count_and_status_true(app):
    opportunity_id = OpportunityFactory(places=4, places_taken=4, status="filled").id
    db.session.commit()
    jobs = ["release"] * 4 + ["take"] * 6
    barrier = threading.Barrier(len(jobs))

    def act(job):
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            try:
                (release_place if job == "release" else take_place)(opportunity_id)
                db.session.commit()
                return job
            except Refused:
                db.session.rollback()
                return "refused"

    with ThreadPoolExecutor(len(jobs)) as pool:
        outcomes = list(pool.map(act, jobs))
    db.session.rollback()
    opportunity = db.session.get(Opportunity, opportunity_id)
    assert outcomes.count("release") == 4
    assert opportunity.places_taken == 4 - 4 + outcomes.count("take") <= 4
    assert opportunity.status == ("filled" if opportunity.places_taken == 4 else "open")
