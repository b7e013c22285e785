"""`flask organisations create`: an approved organisation (and membership) for scripted set-up."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.core.db import write_intent
from marketplace.core.exceptions import Refused
from marketplace.core.roles import OrganisationKind
from marketplace.extensions import db

organisations_cli = AppGroup("organisations", help="Set up organisations.")


@organisations_cli.command("create")
@click.argument("name")
@click.option("--kind", required=True, help="employer, social_enterprise, provider or mentoring.")
@click.option("--level", type=str, default=None,
              help="Corporate Alliance level 1, 2 or 3 (employers and social enterprises only).")
@click.option("--region", default="London", show_default=True, help="One of the 9 English regions or Wales.")
@click.option("--provider-type", default=None,
              help="For a provider: prison, probation (the default) or employment_programme.")
def create(name: str, kind: str, level: str | None, region: str, provider_type: str | None) -> None:
    """Create an approved organisation called NAME and print its id. With --level, an employer or social
    enterprise is also an approved member of the Corporate Alliance at that level for 12 months."""
    from marketplace.alliance.operations import create_member_organisation

    write_intent()
    kinds = [k.value for k in OrganisationKind]
    if kind not in kinds:
        raise click.ClickException(f"--kind must be one of: {', '.join(kinds)} (not {kind!r})")
    if level is not None and level not in ("1", "2", "3"):
        raise click.ClickException(f"--level must be 1, 2 or 3 (not {level!r})")
    try:
        organisation = create_member_organisation(name, kind, int(level) if level else None, region, provider_type)
    except Refused as refusal:
        db.session.rollback()
        raise click.ClickException(refusal.message) from None
    db.session.commit()
    click.echo(organisation.id)
