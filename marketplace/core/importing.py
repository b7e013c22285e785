"""What every JSON Lines import shares (`flask opportunities import`, `flask participants import`): the
loop over the file's lines with its report, the savepoint each line is written in, and what the command
prints. Each feature's importer.py says what one line writes."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import click

from marketplace.core.exceptions import Refused
from marketplace.core.records import FieldError
from marketplace.extensions import db

# Good lines are committed in batches so that a long import does not hold the database's write lock
# for its whole run.
BATCH = 200


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, rejected {self.rejected}"


def import_lines(lines: Iterable[str], import_line: Callable[[str], str]) -> ImportReport:
    """Run `import_line` on each line that is not blank. It returns "created" or "updated", or raises
    FieldError, which the report keeps as `line N: field: message`."""
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            outcome = import_line(line)
        except FieldError as error:
            report.errors.append(f"line {number}: {error.field}: {error.message}")
            continue
        if outcome == "created":
            report.created += 1
        else:
            report.updated += 1
        if (report.created + report.updated) % BATCH == 0:
            db.session.commit()
    db.session.commit()
    return report


def read_json_line(line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise FieldError("(line)", f"not valid JSON ({error.msg})") from None


@contextmanager
def line_savepoint() -> Iterator[None]:
    """Write one line in a savepoint of its own, so that a line an operation refuses leaves nothing
    behind; the refusal becomes a FieldError naming the field the operation blamed."""
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except Refused as refusal:
        savepoint.rollback()
        raise FieldError(refusal.field or "(line)", refusal.message) from None
    savepoint.commit()


def run_import_command(file, import_all: Callable[[Iterable[str]], ImportReport]) -> None:
    """Import the lines of `file` with `import_all`, showing progress on a terminal; print each rejected
    line to stderr and the summary to stdout, and exit 1 if any line was rejected."""
    lines = file.read().splitlines()
    if sys.stderr.isatty():
        with click.progressbar(lines, label="Importing", file=sys.stderr) as bar:
            report = import_all(bar)
    else:
        report = import_all(lines)
    for error in report.errors:
        click.echo(error, err=True)
    click.echo(report.summary())
    if report.rejected:
        sys.exit(1)


# Files of records, CSV or JSON Lines, imported whole or not at all ------------------------------------
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def numbered_records(text: str, filename: str = "") -> Iterator[tuple[int, object]]:
    """(line number, record) for each record of a CSV file (by its header row; the number is the line the
    record starts on) or a JSON Lines file (one object a line; blank lines skipped). A JSON line that
    does not parse is yielded as its FieldError, to be reported on its line like any other."""
    if filename.lower().endswith(".csv"):
        import csv
        import io

        reader = csv.DictReader(io.StringIO(text))
        start = 2
        try:
            for row in reader:
                yield start, {(key or "").strip(): (value or "").strip() for key, value in row.items()
                              if not isinstance(value, list)}
                start = reader.line_num + 1
        except csv.Error as error:
            # A line the csv module cannot read (a field past its size limit): said on that line, and
            # nothing after it can be read with certainty.
            yield (start if reader.line_num else 1), FieldError("(line)", f"cannot be read as CSV ({error})")
        return
    # Lines as an editor numbers them: ended by \n, \r\n or \r only (str.splitlines also breaks on
    # form feeds, \x1c-\x1e, \x85 and \u2028, which would number the lines after them wrongly).
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if line.strip():
            try:
                yield number, read_json_line(line)
            except FieldError as error:
                yield number, error


def import_whole(records: Iterable[tuple[int, object]], import_record: Callable[[object], str]) -> ImportReport:
    """Import every record or none: each is tried in a savepoint of its own (so every bad line is
    reported, `line N: field: message`, not just the first), and if any was rejected everything the
    good ones wrote is rolled back. For data where half an import is worse than none (a year's budgets)."""
    report = ImportReport()
    for number, record in records:
        try:
            if isinstance(record, FieldError):
                raise record
            savepoint = db.session.begin_nested()
            try:
                outcome = import_record(record)
                db.session.flush()
            except Refused as refusal:
                savepoint.rollback()
                raise FieldError(refusal.field or "(line)", refusal.message) from None
            except FieldError:
                savepoint.rollback()
                raise
            savepoint.commit()
        except FieldError as error:
            report.errors.append(f"line {number}: {error.field}: {error.message}")
            continue
        if outcome == "created":
            report.created += 1
        else:
            report.updated += 1
    if report.errors:
        db.session.rollback()
        report.created = report.updated = 0
    else:
        db.session.commit()
    return report
