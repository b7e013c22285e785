"""Flask commands: `flask --app marketplace <group> <command>`. Each calls the same operations as the
views, and exits non-zero with a clear message on bad input."""

from __future__ import annotations

from functools import wraps

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.extensions import db


def writes(command):
    """Mark a command that writes, so its SQLite transactions take the write lock up front."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        write_intent()
        return command(*args, **kwargs)

    return wrapper


users_cli = AppGroup("users", help="Manage user accounts.")
seed_cli = AppGroup("seed", help="Fill the database with demo data.")
mail_cli = AppGroup("mail", help="Deliver the outbox.")
maintenance_cli = AppGroup("maintenance", help="Housekeeping for a running deployment.")
reminders_cli = AppGroup("reminders", help="Reminders, escalations and changes that fall due by date.")


@users_cli.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.option("--name", "full_name", prompt="Full name", help="The administrator's full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, envvar="ADMIN_PASSWORD",
              help="Asked for if not given; or set ADMIN_PASSWORD.")
@writes
def create_admin(email: str, full_name: str, password: str) -> None:
    """Create a service administrator (the first admin of a deployment)."""
    from marketplace.accounts import operations

    try:
        user = operations.create_admin(email, full_name, password)
    except Refused as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(f"Created administrator {user.email} (id {user.id}).")


@seed_cli.command("demo")
@click.option("--seed", "seed_value", type=int, default=None, help="Random seed (default from config).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@writes
def seed_demo(seed_value: int | None, if_empty: bool) -> None:
    """Build a realistic fictional world, the same every time for the same seed."""
    from flask import current_app

    from marketplace import demo
    from marketplace.accounts.models import User

    existing = db.session.scalar(select(func.count()).select_from(User)) or 0
    if existing:
        if if_empty:
            click.echo("The database already has data; demo seeding skipped.")
            return
        raise click.ClickException("The database already has users. Seed demo data into an empty database.")
    summary = demo.seed(seed_value if seed_value is not None else current_app.config["DEMO_SEED"])
    db.session.commit()
    for line in summary:
        click.echo(line)


@seed_cli.command("logins")
def print_logins() -> None:
    """Print the demo accounts, one per role."""
    from marketplace import demo

    for line in demo.login_lines():
        click.echo(line)


@mail_cli.command("send")
@writes
def send_mail() -> None:
    """Send unsent outbox messages through SMTP (needs MAIL_SERVER)."""
    from marketplace.core.operations import deliver_outbox

    try:
        sent, failed = deliver_outbox()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Sent {sent}, failed {failed}.")


@reminders_cli.command("send")
@writes
def send_reminders() -> None:
    """Send every reminder that is due and apply changes that fall due by date. Safe to run every
    few minutes: no reminder is ever sent twice. Exits 1 if a job failed."""
    import sys

    from marketplace.core.reminders import run_all

    failed = False
    for name, count in run_all().items():
        if count < 0:
            failed = True
            click.echo(f"{name}: failed (see the log)", err=True)
        else:
            click.echo(f"{name}: {count}")
    if failed:
        sys.exit(1)


@maintenance_cli.command("prune")
@writes
def prune() -> None:
    """Delete expired throttle counters and ended sessions older than 30 days."""
    from datetime import timedelta

    from sqlalchemy import delete

    from marketplace.accounts.models import UserSession
    from marketplace.core import clock, throttle

    counters = throttle.prune()
    result = db.session.execute(delete(UserSession).where(UserSession.ended_at < clock.now() - timedelta(days=30)))
    db.session.commit()
    click.echo(f"Deleted {counters} old counters and {result.rowcount or 0} ended sessions.")


def register(app: Flask) -> None:
    from marketplace.alliance.cli import organisations_cli
    from marketplace.opportunities.cli import opportunities_cli
    from marketplace.participants.cli import participants_cli, retention_cli

    for group in (users_cli, seed_cli, mail_cli, maintenance_cli, reminders_cli, participants_cli, retention_cli,
                  organisations_cli, opportunities_cli):
        app.cli.add_command(group)
