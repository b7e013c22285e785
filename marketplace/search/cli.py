"""`flask search sync | reindex | status`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from marketplace.core.db import write_intent

search_cli = AppGroup("search", help="Keep the search index in step with the database.")


@search_cli.command("sync")
def sync_index() -> None:
    """Apply every index task not yet applied (and build the index first if there is none)."""
    from marketplace.search import sync

    write_intent()
    if sync.ensure_index():
        click.echo("There was no index: built one from the database.")
    changed = sync.apply_pending(wait=60)
    for name, count in changed.items():
        click.echo(f"{name}: {count} documents updated")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the whole index into a new directory and swap it in; searches go on meanwhile."""
    from marketplace.search import sync

    write_intent()
    total = sum(row["database"] for row in sync.status().values())
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
            counts = sync.reindex(progress=lambda _name, done: bar.update(done))
    else:
        counts = sync.reindex()
    for name, count in counts.items():
        click.echo(f"{name}: {count} documents")


@search_cli.command("status")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
def status(output: str) -> None:
    """Records in the database and in the index, and index tasks not yet applied."""
    from marketplace.search import sync

    report = sync.status()
    if output == "json":
        click.echo(json.dumps(report))
        return
    for name, row in report.items():
        if row["index"] is None:
            click.echo(f"{name}: {row['database']} in the database, no index yet (run `flask search sync`)")
        else:
            click.echo(f"{name}: {row['database']} in the database, {row['index']} in the index, "
                       f"{row['pending']} tasks pending (applied through task {row['applied_through']} "
                       f"of {row['latest_task']})")
