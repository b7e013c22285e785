"""`flask search sync | reindex | status`."""

from __future__ import annotations

import json
import signal
import sys
import time

import click
from flask.cli import AppGroup

from marketplace.core.db import write_intent

search_cli = AppGroup("search", help="Keep the search index in step with the database.")


@search_cli.command("sync")
def sync_index() -> None:
    """Apply every index task not yet applied (and build the index first if there is none)."""
    from marketplace.search import index as store
    from marketplace.search import sync

    write_intent()
    for abandoned in store.remove_abandoned_builds_if_idle():
        click.echo(f"Removed {abandoned.name}, left half-built by a rebuild that was killed.")
    if sync.ensure_index():
        click.echo("There was no index: built one from the database.")
    changed = sync.apply_pending(wait=60)
    for name, count in changed.items():
        click.echo(f"{name}: {count} documents updated")


@search_cli.command("reindex")
@click.option("--processes", type=click.IntRange(min=1, max=64), default=None,
              help="Processes to build with (default: one per core for a large index).")
def reindex(processes: int | None) -> None:
    """Rebuild the whole index into a new directory and swap it in; searches go on meanwhile."""
    from marketplace.search import sync

    write_intent()
    # Stopped with SIGTERM (systemd, a deploy script), the build unwinds and removes its half-built
    # generation; a SIGKILLed one is removed by the next `search reindex` or `search sync`.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    total = sum(row["database"] for row in sync.status().values())
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="Indexing", file=sys.stderr) as bar:
            counts = sync.reindex(progress=lambda _name, done: bar.update(done), processes=processes)
    else:
        counts = sync.reindex(progress=_LogProgress(total), processes=processes)
    for name, count in counts.items():
        click.echo(f"{name}: {count} documents")


def _exit_on_sigterm(_signum, _frame) -> None:
    raise SystemExit(128 + signal.SIGTERM)


class _LogProgress:
    """Progress on standard error when it is not a terminal (a log): a line every 10 seconds."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.last = total, 0, time.monotonic()

    def __call__(self, name: str, done: int) -> None:
        self.done += done
        if time.monotonic() - self.last >= 10:
            self.last = time.monotonic()
            click.echo(f"Indexing {name}: {self.done:,} of {self.total:,} documents", err=True)


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


@click.command("match")
@click.option("--participant", "participant_file", type=click.File("r", encoding="utf-8"),
              help="A JSON file describing one participant (the fields of `participants import`).")
@click.option("--participants", "participants_file", type=click.File("r", encoding="utf-8"),
              help="A JSON Lines file: one participant per line, matched in turn.")
@click.option("--limit", type=click.IntRange(min=1, max=500), default=10, show_default=True)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate dates as of this day (YYYY-MM-DD); default today.")
@click.option("--format", "output", type=click.Choice(["json"]), default="json")
def match_command(participant_file, participants_file, limit: int, today, output: str) -> None:
    """Match participants described in a file to open opportunities. Reads the database and the
    index and stores nothing; prints one JSON object per participant, best matches first."""
    from marketplace.core import clock
    from marketplace.core.records import FieldError
    from marketplace.participants import records
    from marketplace.search import queries, sync
    from marketplace.search.matching import Seeker

    if (participant_file is None) == (participants_file is None):
        raise click.UsageError("Give either --participant FILE.json or --participants FILE.jsonl")
    day = today.date() if today else clock.today()
    if participant_file is not None:
        text = participant_file.read()
        try:
            items = [(None, json.loads(text))]
        except json.JSONDecodeError as error:
            raise click.ClickException(f"{participant_file.name}: not valid JSON ({error.msg})") from None
    else:
        items = []
        for number, line in enumerate(participants_file.read().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                raise click.ClickException(f"line {number}: not valid JSON ({error.msg})") from None
    seekers = []
    for number, record in items:
        where = f"line {number}: " if number is not None else ""
        try:
            details, restrictions = records.parse(
                record, required=("participant_number", "location", "release_region"))
        except FieldError as error:
            raise click.ClickException(f"{where}{error.field}: {error.message}") from None
        problem = _match_record_problem(details, restrictions)
        if problem:
            raise click.ClickException(f"{where}{problem[0]}: {problem[1]}")
        seekers.append(Seeker.from_record(details, restrictions))
    sync.ensure_index()
    for seeker in seekers:
        found = queries.match_seeker(seeker, day, limit=limit)
        click.echo(json.dumps({"participant": seeker.number, "matches": [
            {"opportunity": match.offer.reference, "score": match.score, "reasons": match.reasons}
            for match in found]}))


def _match_record_problem(details, restrictions) -> tuple[str, str] | None:
    """The first field whose value matching cannot use, with why."""
    from marketplace.reference import OFFENCE_CATEGORIES, QUALIFICATION_LEVELS, QUALIFICATION_SUBJECTS, REGIONS

    if details.location not in ("custody", "community"):
        return "location", 'must be "custody" or "community"'
    if details.release_region not in REGIONS:
        return "release_region", "must be one of the 9 English regions or Wales"
    if details.travel_miles is not None and not 0 <= details.travel_miles <= 300:
        return "travel_miles", "must be between 0 and 300"
    unknown = [c for c in restrictions.offence_categories if c not in OFFENCE_CATEGORIES]
    if unknown:
        return "offence_categories", f"'{unknown[0][:30]}' is not an offence category"
    for item in details.qualifications:
        if item.get("subject") not in QUALIFICATION_SUBJECTS or item.get("level") not in QUALIFICATION_LEVELS:
            return "qualifications", "each needs a known subject and level"
    return None
