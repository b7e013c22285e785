"""Suppression and the CSV, on tables built by hand."""

from __future__ import annotations

import csv
import io

from marketplace.reports.charts import chart_svg
from marketplace.reports.suppression import count_text, is_suppressed
from marketplace.reports.tables import Chart, Column, Row, Table


def table():
    return Table("t", "People by place", "Place", [
        Column("people", "People"), Column("started", "Started"),
        Column("rate", "Started (rate)", "rate", ("started", "people")), Column("orgs", "Organisations", "number"),
        Column("wait", "Median wait", "days", ("people",))], [
        Row("Preston", {"people": 12, "started": 6, "orgs": 2, "wait": 3.25}),
        Row("Bolton", {"people": 3, "started": 0, "orgs": 1, "wait": 2.0}),
        Row("Wigan", {"people": 20, "started": 4, "orgs": 0, "wait": None}),
        Row("=SUM(A1)", {"people": 0, "started": 0, "orgs": 0}),
    ], chart=Chart("bars", ("people", "started")))


def test_counts_of_one_to_four_are_suppressed_and_zero_is_not():
    assert [is_suppressed(n) for n in (0, 1, 4, 5)] == [False, True, True, False]
    assert count_text(3) == "fewer than 5" and count_text(0) == "0" and count_text(1234) == "1,234"


def test_rates_and_averages_from_suppressed_counts_are_suppressed():
    rows = table().text_rows()
    assert rows[0] == ["Preston", "12", "6", "50%", "2", "3.2 days"]
    assert rows[1] == ["Bolton", "fewer than 5", "0", "fewer than 5", "1", "fewer than 5"]
    assert rows[2] == ["Wigan", "20", "fewer than 5", "fewer than 5", "0", "none"]
    assert rows[3][3] == "no one yet"


def test_csv_is_the_table_and_refuses_formulas():
    parsed = list(csv.reader(io.StringIO(table().to_csv())))
    assert parsed[0] == ["Place", "People", "Started", "Started (rate)", "Organisations", "Median wait"]
    assert parsed[1:4] == table().text_rows()[:3]
    assert parsed[4][0] == "'=SUM(A1)"


def test_chart_never_draws_a_suppressed_value_and_labels_every_bar():
    svg = str(chart_svg(table()))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "fewer than 5" in svg and "withheld" in svg
    assert svg.count(">12<") == 1 and ">20<" in svg
    assert "&lt;script" not in svg
    assert "{" not in svg


def test_chart_escapes_labels():
    hostile = Table("x", "T", "Place", [Column("people", "People")], [Row("<script>alert(1)</script>", {"people": 9})],
                    chart=Chart("bars", ("people",)))
    svg = str(chart_svg(hostile))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_a_line_with_a_withheld_month_labels_each_marker_with_its_own_month():
    from marketplace.reports.charts import chart_svg
    from marketplace.reports.tables import Chart, Column, Row, Table

    table = Table("t", "People by month", "Month", [Column("people", "People")],
                  [Row("January", {"people": 5}), Row("February", {"people": 2}), Row("March", {"people": 7})],
                  chart=Chart("lines", ("people",)))
    svg = str(chart_svg(table))
    assert "<title>January, People: 5</title>" in svg and "<title>March, People: 7</title>" in svg
    assert "February, People" not in svg


def test_every_heatmap_number_stands_out_from_its_cell_at_4_5_to_1():
    """Each cell's number against its own shade, for every share of the peak from 0 to 100%
    (the midpoint blues once gave white text 3.6:1)."""
    import re

    from marketplace.reports.charts import contrast

    columns = [Column(str(n), f"Group {n}") for n in range(101)]
    heat = Table("heat", "Heat", "Row", columns, [Row("Counts", {str(n): n + 5 for n in range(101)})],
                 chart=Chart("heatmap", ()))
    svg = str(chart_svg(heat))
    cells = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="62" height="30" fill="(#[0-9a-f]{6})"[^>]*>'
                       r'<title>[^<]*</title></rect><text [^>]*fill="(#[0-9a-f]{6})"', svg)
    assert len(cells) == 101
    assert min(contrast(fill, ink) for fill, ink in cells) >= 4.5
