"""`flask participants import` and `flask retention purge`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from marketplace.accounts.models import User, UserStatus
from marketplace.core.db import write_intent
from marketplace.core.importing import run_import_command
from marketplace.core.roles import Role
from marketplace.extensions import db

participants_cli = AppGroup("participants", help="Manage caseloads.")
retention_cli = AppGroup("retention", help="Erase records kept longer than the retention period.")


@participants_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--case-manager", "case_manager_email", required=True,
              help="Email of the case manager whose caseload receives the people.")
def import_participants(file, case_manager_email: str) -> None:
    """Import a caseload from FILE.jsonl: one JSON object per line (see the README for the fields).

    Every bad line is reported with its line number and field, and nothing of it is written; lines
    with a participant number already on the organisation's caseload update that person. Exits 1
    if any line was rejected.
    """
    from marketplace.participants.importer import import_lines

    write_intent()
    case_manager = db.session.scalar(select(User).where(User.email == case_manager_email.strip().lower()))
    if case_manager is None or case_manager.role != Role.CASE_MANAGER or case_manager.status != UserStatus.ACTIVE:
        raise click.ClickException(f"No active case manager has the email address {case_manager_email}")
    run_import_command(file, lambda lines: import_lines(lines, case_manager))


@retention_cli.command("purge")
@click.option("--years", type=click.IntRange(min=1), default=None,
              help="Retention period in years (default PARTICIPANT_RETENTION_YEARS, 6).")
def purge(years: int | None) -> None:
    """Erase participants whose cases closed longer ago than the retention period, with their
    assessments, consent records and search entries. Prints how many."""
    from marketplace.participants.operations import purge_expired

    write_intent()
    years = years or current_app.config["PARTICIPANT_RETENTION_YEARS"]
    erased = purge_expired(years)
    db.session.commit()
    noun = "participant" if erased == 1 else "participants"
    click.echo(f"Erased {erased} {noun} whose cases closed more than {years} years ago.")
