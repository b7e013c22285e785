"""`flask --app marketplace disclosure check`: the disclosure rules from the command line.
The input format, with an example, is the command's own --help (INPUT_HELP below). The command reads
a file and prints; it never touches the database."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import AppGroup

from marketplace.core import clock
from marketplace.disclosure import contract, rules

INPUT_HELP = """\b
Input (--input FILE.json):
  {"date_of_birth": "YYYY-MM-DD",
   "convictions": [{"date": "YYYY-MM-DD",          the day sentence was passed
                    "kind": "conviction" | "caution",
                    "offence_category": one of OFFENCE_CATEGORIES (e.g. "fraud", "violence"),
                    "specified": true | false,      on the DBS list of specified offences
                    "schedule_18": true | false,    a Schedule 18 offence (Sentencing Code)
                    "sentences": [{"type": ..., "length_months": N, "end_date": "YYYY-MM-DD",
                                   "extension_months": N}]}]}
  Sentence types: custody and suspended (length_months; end_date = last day, licence included),
  community_order and conditional_discharge (end_date or length_months), fine, absolute_discharge,
  compensation_order (end_date = day paid), conditional_caution (for a caution; end_date optional),
  order_without_end (end_date once a court ends it), extended (length_months = custodial term,
  extension_months = extension period), life, public_protection (IPP/DPP), custody_for_life,
  detention_at_pleasure, preventive_detention. A simple caution has "sentences": [].

\b
Example:
  {"date_of_birth": "1990-05-01", "convictions": [
    {"date": "2015-01-10", "kind": "conviction", "offence_category": "fraud", "specified": false,
     "schedule_18": false, "sentences": [{"type": "custody", "length_months": 18}]},
    {"date": "2019-06-03", "kind": "conviction", "offence_category": "violence", "specified": true,
     "schedule_18": true, "sentences": [{"type": "extended", "length_months": 72, "extension_months": 48}]}]}

\b
Output: {"convictions": [{"index", "spent_date" (first day spent; null = never),
  "filtered_date" (first day standard/enhanced checks leave it out; null = never),
  "spent", "basic", "standard", "enhanced" (whether each check shows it on --today)}]}
Bad input exits non-zero with one line per problem, naming the conviction's index and the field.
--today before 2023-10-28 is refused: the periods before the 2022 Act are not applied.
"""

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


@disclosure_cli.command("check", epilog=INPUT_HELP)
@click.option("--input", "input_file", required=True, type=click.File("r", encoding="utf-8"),
              help="The JSON request: date_of_birth and convictions.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Assess as of this date, YYYY-MM-DD (default: today); not before 2023-10-28.")
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
def check(input_file, today: datetime | None, output_format: str) -> None:
    """Say for each conviction or caution when it is spent and whether basic, standard and enhanced
    DBS checks show it."""
    as_of = today.date() if today is not None else clock.today()
    if as_of < rules.RULES_IN_FORCE_FROM:
        raise click.ClickException(
            f"--today: the rules applied are those in force from {rules.RULES_IN_FORCE_FROM:%d %B %Y} (the 2022 Act's "
            "rehabilitation periods and the DBS filtering rules of that day); an earlier date would need the periods "
            "then in force, which this command does not apply, so it refuses rather than answer wrongly")
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
