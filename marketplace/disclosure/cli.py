"""`flask --app marketplace disclosure check`: the disclosure rules from the command line.

    flask --app marketplace disclosure check --input FILE.json [--today YYYY-MM-DD] --format json

reads {"date_of_birth": "YYYY-MM-DD", "convictions": [{"date", "kind" (conviction or caution),
"offence_category" (a key of reference.OFFENCE_CATEGORIES), "specified" (true or false), "sentences":
[{"type", "length_months", "end_date"}]}]} and prints {"convictions": [{"index", "spent_date" (null for
never), "spent", "basic", "standard", "enhanced"}]} as of --today (default: today). contract.py says
which sentence types take which fields. Bad input exits non-zero with one line per problem, naming the
conviction's index and the field. The command reads a file and prints; it never touches the database.
"""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import AppGroup

from marketplace.core import clock
from marketplace.disclosure import contract, rules

disclosure_cli = AppGroup("disclosure", help="Work out when convictions are spent and what DBS checks show.")


class DuplicateField(ValueError):
    pass


def _refuse_duplicate_fields(pairs: list[tuple[str, object]]) -> dict:
    """json.load keeps the last of two equal keys; a record with `specified` twice is ambiguous, so refuse it."""
    names = [name for name, _ in pairs]
    for name in names:
        if names.count(name) > 1:
            raise DuplicateField(f'input: the field "{name}" appears twice in one object')
    return dict(pairs)


@disclosure_cli.command("check")
@click.option("--input", "input_file", required=True, type=click.File("r", encoding="utf-8"),
              help="The JSON request: date_of_birth and convictions.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Assess as of this date, YYYY-MM-DD (default: today).")
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
def check(input_file, today: datetime | None, output_format: str) -> None:
    """Say for each conviction or caution when it is spent and whether basic, standard and enhanced
    DBS checks show it."""
    as_of = today.date() if today is not None else clock.today()
    try:
        document = json.load(input_file, object_pairs_hook=_refuse_duplicate_fields)
    except DuplicateField as duplicate:
        raise click.ClickException(str(duplicate)) from None
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"input: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})") from None
    except UnicodeDecodeError:
        raise click.ClickException("input: not UTF-8 text") from None
    try:
        request = contract.read_request(document, as_of)
    except contract.InvalidRequest as invalid:
        raise click.ClickException("\n".join(invalid.problems)) from None
    assessments = rules.assess(request.date_of_birth, request.convictions, as_of)
    if output_format == "json":
        click.echo(json.dumps(contract.result_document(assessments)))
