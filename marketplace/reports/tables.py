"""The one shape every report returns: tables of rows and columns, each optionally drawn as a chart.
The page, the chart and the CSV all read the same `Table.cells()`, so they can never disagree."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from marketplace.reports.suppression import SUPPRESSED_TEXT, count_text, is_suppressed, rate_suppressed


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    # count: people (suppressed 1-4); number: not people (organisations, sessions), never suppressed;
    # rate: numerator/denominator keys; days: a median or mean of durations over `of` people; score: a mean
    kind: str = "count"
    of: tuple[str, ...] = ()


@dataclass
class Cell:
    text: str
    value: float | None  # what a chart draws; None when withheld or empty
    suppressed: bool = False
    numeric: bool = True


@dataclass
class Row:
    label: str
    values: dict
    code: str = ""  # e.g. the RS01 region code
    total: bool = False


@dataclass
class Chart:
    kind: str  # "bars" (horizontal, one bar per series per row), "lines" (series over rows), "heatmap"
    series: tuple[str, ...]
    unit: str = ""
    title: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Table:
    key: str
    title: str
    label_heading: str
    columns: list[Column]
    rows: list[Row]
    chart: Chart | None = None
    note: str = ""
    show_codes: bool = False

    def cell(self, row: Row, column: Column) -> Cell:
        value = row.values.get(column.key)
        if column.kind == "count":
            return Cell(count_text(value), None if is_suppressed(value) or value is None else value,
                        is_suppressed(value))
        if column.kind == "number":
            return Cell("" if value is None else f"{value:,}", value)
        if column.kind == "rate":
            numerator, denominator = (row.values.get(key) or 0 for key in column.of)
            if denominator == 0:
                return Cell("no one yet", None)
            if rate_suppressed(numerator, denominator):
                return Cell(SUPPRESSED_TEXT, None, True)
            rate = 100 * numerator / denominator
            return Cell(f"{rate:.0f}%", rate)
        if column.kind in ("days", "score"):
            people = row.values.get(column.of[0]) if column.of else None
            if value is None:
                return Cell("none", None)
            if is_suppressed(people):
                return Cell(SUPPRESSED_TEXT, None, True)
            text = f"{value:.1f} days" if column.kind == "days" else f"{value:+.2f}"
            return Cell(text, value)
        return Cell("" if value is None else str(value), None, numeric=False)

    def cells(self, row: Row) -> list[Cell]:
        return [self.cell(row, column) for column in self.columns]

    @property
    def headings(self) -> list[str]:
        return ([self.label_heading] + (["Code"] if self.show_codes else [])
                + [column.heading for column in self.columns])

    @property
    def heading_cells(self) -> list[tuple[str, bool]]:
        """Each heading with whether its column holds numbers (right-aligned)."""
        leading = [(self.label_heading, False)] + ([("Code", False)] if self.show_codes else [])
        return leading + [(column.heading, column.kind != "text") for column in self.columns]

    def text_rows(self) -> list[list[str]]:
        return [[row.label] + ([row.code] if self.show_codes else []) + [cell.text for cell in self.cells(row)]
                for row in self.rows]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.headings)
        for values in self.text_rows():
            writer.writerow([spreadsheet_safe(value) for value in values])
        return out.getvalue()

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside a chart: the chart goes above the table instead."""
        return len(self.headings) > 5 or self.chart is None or self.chart.kind == "heatmap"

    @property
    def empty(self) -> bool:
        return not self.rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?%?")


def spreadsheet_safe(value: str) -> str:
    """A CSV cell a spreadsheet will show as text: one starting with = + - @, a tab or a carriage
    return is prefixed with ' unless the whole cell is a plain number (OWASP CSV injection; judging by
    the first word let "-1 +cmd|' /C calc'!A0" through)."""
    if value[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


@dataclass
class Report:
    key: str
    title: str
    summary: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)  # headline figures: (label, text)
    words: list[str] = field(default_factory=list)  # descriptions in words (co-clusters)

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)
