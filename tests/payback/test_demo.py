"""The demo world's Community Payback: the payback manager can sign in and finds nominations to
assess, votes on the public page, and people with hours, ETE within its share."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.payback.models import PaybackOrder, PaybackProject
from tests.helpers import sign_in_client


def test_the_demo_payback_manager_has_work_in_every_stage(app, client):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "Community Payback nominations" in result.output

    manager = db.session.scalar(select(User).where(User.email == "payback.manager@fairchance.example"))
    region = manager.organisation.region
    stages = set(db.session.scalars(select(PaybackProject.status).where(PaybackProject.region == region)))
    assert stages == {"submitted", "reviewed", "shortlisted", "accepted", "declined"}
    orders = db.session.scalars(select(PaybackOrder)).all()
    assert orders and all(order.ete_minutes <= order.ete_cap_hours * 60 for order in orders)
    assert all(order.minutes_done <= order.hours_ordered * 60 for order in orders)

    assert "votes" in client.get("/community-payback/").get_data(as_text=True).lower()
    sign_in_client(client, manager)
    assert "Waiting for assessment" in client.get("/community-payback/nominations").get_data(as_text=True)
    person = orders[0].participant
    assert "Hours done" in client.get(f"/community-payback/people/{person.id}").get_data(as_text=True)
    logins = app.test_cli_runner().invoke(args=["seed", "logins"])
    assert "payback.manager@fairchance.example" in logins.output


def test_the_demo_credits_no_work_before_a_project_starts_and_runs_no_session_on_a_bank_holiday(app):
    from marketplace.core import clock
    from marketplace.core.calendar import bank_holiday_name
    from marketplace.payback.models import PaybackHours, PaybackSession

    clock.fix(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))  # the outside test's morning: Christmas within reach
    assert app.test_cli_runner().invoke(args=["seed", "demo", "--seed", "5"]).exit_code == 0
    work = db.session.scalars(select(PaybackHours).where(PaybackHours.kind == "work")).all()
    assert work, "people have worked on a project"
    assert all(row.worked_on >= row.project.work_starts_on for row in work)
    assert all(not row.skills for row in work if row.outcome.startswith("absent"))
    days = db.session.scalars(select(PaybackSession.day)).all()
    assert days and not [day for day in days if bank_holiday_name(day)]
