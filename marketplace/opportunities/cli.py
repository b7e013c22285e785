"""`flask opportunities import`: an employer's opportunities from a JSON Lines file."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from marketplace.accounts.models import Organisation, OrganisationStatus
from marketplace.alliance import levels
from marketplace.core.db import write_intent
from marketplace.core.importing import run_import_command
from marketplace.extensions import db

opportunities_cli = AppGroup("opportunities", help="Manage opportunities.")


@opportunities_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--organisation", "organisation_name", required=True,
              help="Name of the employer or social enterprise that posts them.")
def import_opportunities(file, organisation_name: str) -> None:
    """Import opportunities from FILE.jsonl: one JSON object per line (see the README for the fields).

    Every bad line is reported with its line number and field, and nothing of it is written; a line
    whose external_id the organisation already has updates that opportunity. New ones are published at
    once. Exits 1 if any line was rejected.
    """
    from marketplace.opportunities.importer import import_lines

    write_intent()
    matches = db.session.scalars(select(Organisation).where(
        func.lower(Organisation.name) == organisation_name.strip().lower())).all()
    if not matches:
        raise click.ClickException(f"No organisation is called {organisation_name}")
    if len(matches) > 1:
        raise click.ClickException(f"{len(matches)} organisations are called {organisation_name}; rename one first")
    organisation = matches[0]
    if organisation.kind not in levels.MEMBER_KINDS or organisation.status != OrganisationStatus.APPROVED:
        raise click.ClickException(f"{organisation.name} is not an approved employer or social enterprise")
    run_import_command(file, lambda lines: import_lines(lines, organisation))
