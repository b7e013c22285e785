"""The one shape every report returns: tables of rows and columns, each optionally drawn as a chart.
The page, the chart and the CSV all read the same `Table.cells()`, so they can never disagree.

A report protects itself when it is made (`Report.__post_init__`): every additive relation between its
cells (total rows, column sums, `links` between tables and headline facts) goes to
`suppression.protect`, and the cells it withholds read "withheld" everywhere the table is shown."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from marketplace.reports.suppression import (
    SUPPRESSED_TEXT,
    WITHHELD_TEXT,
    Equation,
    count_text,
    is_suppressed,
    protect,
    rate_suppressed,
)


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
    withheld: set[str] = field(default_factory=set)  # count columns withheld by secondary suppression


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
    # (column, the columns it is the sum of), true in every row: a reader can subtract across a row too.
    column_sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Values a rate uses that are not columns of their own: key -> the count columns it sums.
    hidden_sums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The total row is the sum of the other rows (False where rows overlap).
    additive: bool = True
    # Every count shown as it is: for figures about the reader's own organisation only (Report.exact).
    exact: bool = False

    def _hidden(self, row: Row, key: str) -> str:
        """The text for a rate or average resting on a withheld count ("" when none is withheld)."""
        keys = self.hidden_sums.get(key, (key,))
        if self.exact:
            return ""
        if any(k in row.withheld for k in keys):
            return WITHHELD_TEXT
        return SUPPRESSED_TEXT if any(is_suppressed(row.values.get(k)) for k in keys) else ""

    def cell(self, row: Row, column: Column) -> Cell:
        value = row.values.get(column.key)
        if column.kind == "count":
            if self.exact:
                return Cell("" if value is None else f"{value:,}", value)
            if column.key in row.withheld:
                return Cell(WITHHELD_TEXT, None, True)
            return Cell(count_text(value), None if is_suppressed(value) or value is None else value,
                        is_suppressed(value))
        if column.kind == "number":
            return Cell("" if value is None else f"{value:,}", value)
        if column.kind == "rate":
            numerator, denominator = (row.values.get(key) or 0 for key in column.of)
            if denominator == 0:
                return Cell("no one yet", None)
            hidden = next((text for text in (self._hidden(row, key) for key in column.of) if text), "")
            if hidden or (not self.exact and rate_suppressed(numerator, denominator)):
                return Cell(hidden or SUPPRESSED_TEXT, None, True)
            rate = 100 * numerator / denominator
            return Cell(f"{rate:.0f}%", rate)
        if column.kind in ("days", "score"):
            people = row.values.get(column.of[0]) if column.of else None
            if value is None:
                return Cell("none", None)
            hidden = self._hidden(row, column.of[0]) if column.of else ""
            if hidden or (not self.exact and is_suppressed(people)):
                return Cell(hidden or SUPPRESSED_TEXT, None, True)
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
        """Each heading on the page with whether its column holds numbers (right-aligned). Region codes
        (RS01) are for the CSV only: the page names regions in words."""
        return [(self.label_heading, False)] + [(column.heading, column.kind != "text") for column in self.columns]

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

    def row_index(self, label: str) -> int:
        return next(index for index, row in enumerate(self.rows) if row.label == label)

    def equations(self) -> list[Equation]:
        """The sums a reader of this table can use: total row = other rows; column = its parts."""
        counts = [column.key for column in self.columns if column.kind == "count"]
        found = []
        totals = [index for index, row in enumerate(self.rows) if row.total]
        if self.additive and len(totals) == 1:
            others = [index for index, row in enumerate(self.rows) if not row.total]
            found += [Equation((self.key, totals[0], key), tuple((self.key, i, key) for i in others))
                      for key in counts]
        for index in range(len(self.rows)):
            found += [Equation((self.key, index, total), tuple((self.key, index, part) for part in parts))
                      for total, parts in self.column_sums]
        return found

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


# A cell named for a link: (table key, row label, column key), or ("facts", label) for a headline figure.
Ref = tuple


@dataclass
class Report:
    key: str
    title: str
    summary: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    # Headline figures: (label, count of people) or (label, text for anything that is not people).
    facts: list[tuple[str, int | str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # descriptions in words (co-clusters)
    # Sums across tables and facts: (total, parts), e.g. a fact that is a table's total, or one table's
    # total that is another's. Checked against the figures, so a link that does not hold is ignored.
    links: list[tuple[Ref, tuple[Ref, ...]]] = field(default_factory=list)
    withheld_facts: set[str] = field(default_factory=set)
    # Figures about the reader's own organisation only (an employer's own guaranteed interviews): they
    # know every person in them already, so nothing is withheld from them.
    exact: bool = False

    def __post_init__(self):
        if self.exact:
            for table in self.tables:
                table.exact = True
            return
        self.protect()

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)

    @property
    def fact_texts(self) -> list[tuple[str, str]]:
        return [(label, value if isinstance(value, str) else f"{value:,}" if self.exact else
                 WITHHELD_TEXT if label in self.withheld_facts else count_text(value))
                for label, value in self.facts]

    def _cell_name(self, ref: Ref):
        if ref[0] == "facts":
            return ref
        table_key, label, column = ref
        table = self.table(table_key)
        return (table_key, table.row_index(label), column) if table is not None and any(
            row.label == label for row in table.rows) else None

    def protect(self) -> None:
        """Secondary suppression across the whole page (suppression.protect): no hidden count can be
        worked out from the tables, their totals, the headline figures or each other."""
        values: dict = {}
        equations: list[Equation] = []
        for table in self.tables:
            counts = [column.key for column in table.columns if column.kind == "count"]
            for index, row in enumerate(table.rows):
                for key in counts:
                    value = row.values.get(key)
                    if isinstance(value, int) and not isinstance(value, bool):
                        values[(table.key, index, key)] = value
            equations += table.equations()
        for label, value in self.facts:
            if isinstance(value, int) and not isinstance(value, bool):
                values[("facts", label)] = value
        for total, parts in self.links:
            names = [self._cell_name(ref) for ref in (total, *parts)]
            if all(name is not None for name in names):
                equations.append(Equation(names[0], tuple(names[1:])))
        for name in protect(values, equations):
            if name[0] == "facts":
                self.withheld_facts.add(name[1])
            else:
                table_key, index, key = name
                self.table(table_key).rows[index].withheld.add(key)
