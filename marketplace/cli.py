"""Flask commands: `flask --app marketplace <group> <command>`. Each calls the same operations as the
views, and exits non-zero with a clear message on bad input."""

from __future__ import annotations

from functools import wraps
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.disclosure.cli import disclosure_cli
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
    """Delete what is no longer needed: throttle counters, sessions ended over 30 days ago, applied
    index tasks, and notifications and emails older than their retention (they can name people, so
    they must not outlive the records they were about)."""
    from marketplace.core.operations import prune_messages
    from marketplace.core.throttle import prune as prune_counters
    from marketplace.search.sync import prune_log

    counters = prune_counters()
    index_tasks = prune_log()
    sessions = prune_sessions()
    notifications, emails = prune_messages()
    db.session.commit()
    click.echo(f"Deleted {counters} old counters, {sessions} ended sessions, {index_tasks} applied index tasks, "
               f"{notifications} old notifications and {emails} old emails.")


@maintenance_cli.command("follow-index")
@click.option("--interval", type=click.FloatRange(min=0.1), default=2.0, show_default=True,
              help="Seconds between rounds.")
@click.option("--iterations", type=click.IntRange(min=1), default=None,
              help="Stop after this many rounds (default: run until stopped).")
def follow_index(interval: float, iterations: int | None) -> None:
    """Keep this host's search index following the database's log of index tasks (run one per host,
    beside gunicorn, when several hosts share one database)."""
    from marketplace.core.index_follower import follow

    changed = follow(interval=interval, iterations=iterations)
    click.echo(f"Stopped after applying changes to {changed} documents.")


def prune_sessions() -> int:
    from datetime import timedelta

    from sqlalchemy import delete

    from marketplace.accounts.models import UserSession
    from marketplace.core import clock

    result = db.session.execute(delete(UserSession).where(UserSession.ended_at < clock.now() - timedelta(days=30)))
    return result.rowcount or 0


@click.command("backup")
@click.option("--to", "destination", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Where to write the backup (default instance/backups/<time>.db).")
def backup_command(destination) -> None:
    """Back up the SQLite database online (PostgreSQL: see the README for pg_dump)."""
    from marketplace.core.backup import backup

    try:
        path = backup(destination)
    except Refused as refusal:
        raise click.ClickException(refusal.message) from None
    click.echo(f"Backed up to {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup_file, yes: bool) -> None:
    """Replace the database with BACKUP_FILE, then rebuild the search index from it."""
    from marketplace.core.backup import restore
    from marketplace.search.sync import reindex

    if not yes:
        click.confirm(f"Replace everything in the database with {backup_file}?", abort=True)
    try:
        restore(backup_file)
    except Refused as refusal:
        raise click.ClickException(refusal.message) from None
    write_intent()
    counts = reindex()
    click.echo(f"Restored {backup_file}; search index rebuilt ({', '.join(f'{k}: {v}' for k, v in counts.items())}).")


def register(app: Flask) -> None:
    from marketplace.alliance.cli import organisations_cli
    from marketplace.funding.cli import funding_cli
    from marketplace.opportunities.cli import opportunities_cli
    from marketplace.participants.cli import participants_cli, retention_cli
    from marketplace.search.cli import match_command, search_cli

    for group in (users_cli, seed_cli, mail_cli, maintenance_cli, reminders_cli, participants_cli, retention_cli,
                  search_cli, disclosure_cli, organisations_cli, opportunities_cli, funding_cli):
        app.cli.add_command(group)
    app.cli.add_command(match_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
