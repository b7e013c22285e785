"""`flask funding import-budgets FILE --by EMAIL`: providers' budgets from a CSV or JSON Lines file."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.core.db import write_intent
from marketplace.core.roles import Role
from marketplace.extensions import db

funding_cli = AppGroup("funding", help="Discretionary funding.")


@funding_cli.command("import-budgets")
@click.argument("file", type=click.File("rb"))
@click.option("--by", "email", required=True, help="Email of the admin or funding manager the budgets are set by.")
def import_budgets(file, email: str) -> None:
    """Import budgets from FILE (.csv with a header row, or .jsonl): see funding/importer.py for the
    fields. The file is imported whole or not at all; every bad line is reported as
    `line N: field: message`, and the command exits 1 if there was one."""
    from marketplace.accounts.models import User, UserStatus
    from marketplace.funding.importer import import_budget_file as run

    write_intent()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or user.status != UserStatus.ACTIVE or user.role not in (Role.ADMIN, Role.FUNDING_MANAGER):
        raise click.ClickException(f"{email} is not an active admin or funding manager")
    report = run(file.read(), file.name, user)
    for error in report.errors:
        click.echo(error, err=True)
    click.echo(report.summary() if not report.errors else
               f"nothing imported: {report.rejected} line(s) rejected")
    if report.errors:
        sys.exit(1)
