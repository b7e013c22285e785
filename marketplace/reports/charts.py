"""Server-rendered SVG charts. Each has a <title> and <desc>, is drawn from the same cells as the table
beside it, writes every value as text next to its mark, and tells series apart by pattern and legend
as well as colour, so nothing depends on colour alone. Nothing here runs in the browser."""

from __future__ import annotations

from markupsafe import Markup, escape

from marketplace.reports.tables import Table

# Colour, pattern and marker per series: GOV.UK colours that stay apart in greyscale too.
SERIES_STYLES = [
    {"colour": "#1d70b8", "pattern": "solid", "dash": "", "marker": "circle"},
    {"colour": "#003078", "pattern": "hatch", "dash": "8 4", "marker": "square"},
    {"colour": "#f47738", "pattern": "dots", "dash": "2 3", "marker": "triangle"},
    {"colour": "#00703c", "pattern": "cross", "dash": "12 3 2 3", "marker": "diamond"},
]
FONT = 'font-family="GDS Transport, arial, sans-serif"'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _patterns(prefix: str) -> str:
    parts = ["<defs>"]
    for index, style in enumerate(SERIES_STYLES):
        colour, pid = style["colour"], f"{prefix}-p{index}"
        if style["pattern"] == "solid":
            parts.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                         f'<rect width="6" height="6" fill="{colour}"/></pattern>')
        elif style["pattern"] == "hatch":
            parts.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
                         f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
                         f'<rect width="3" height="6" fill="{colour}"/></pattern>')
        elif style["pattern"] == "dots":
            parts.append(f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                         f'<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.8" '
                         f'fill="{colour}"/></pattern>')
        else:
            parts.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">'
                         f'<rect width="6" height="6" fill="#fff"/><path d="M0 0L6 6M6 0L0 6" '
                         f'stroke="{colour}" stroke-width="1.5"/></pattern>')
    parts.append(f'<pattern id="{prefix}-withheld" width="6" height="6" patternUnits="userSpaceOnUse" '
                 f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
                 f'<rect width="1" height="6" fill="#505a5f"/></pattern>')
    parts.append("</defs>")
    return "".join(parts)


def _frame(prefix: str, width: int, height: int, title: str, description: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="fcw-report-chart__svg" role="img" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'aria-labelledby="{prefix}-title {prefix}-desc" {FONT} font-size="13">'
            f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>')
    # Every text that came from data went through escape() above.
    return Markup(head + _patterns(prefix) + "".join(body) + "</svg>")  # noqa: S704 - escaped above  # nosec B704


def _legend(prefix: str, names: list[str], y: int, x: int = 0) -> tuple[list[str], int]:
    parts, cursor = [], x
    for index, name in enumerate(names):
        parts.append(f'<rect x="{cursor}" y="{y}" width="16" height="16" fill="url(#{prefix}-p{index})" '
                     f'stroke="#0b0c0c"/><text x="{cursor + 22}" y="{y + 13}">{escape(name)}</text>')
        cursor += 34 + 8 * len(name)
    return parts, y + 26


def _line_legend(names: list[str], y: int) -> tuple[list[str], int]:
    parts, cursor = [], 0
    for index, name in enumerate(names):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        parts.append(f'<line x1="{cursor}" y1="{y + 8}" x2="{cursor + 28}" y2="{y + 8}" stroke="{style["colour"]}" '
                     f'stroke-width="2.5"{dash}/>' + _marker(style["marker"], cursor + 14, y + 8, style["colour"], name)
                     + f'<text x="{cursor + 34}" y="{y + 13}">{escape(name)}</text>')
        cursor += 44 + 8 * len(name)
    return parts, y + 26


def chart_svg(table: Table) -> Markup:
    if table.chart is None or table.empty:
        return Markup("")
    kind = table.chart.kind
    if kind == "bars":
        return bars(table)
    if kind == "lines":
        return lines(table)
    if kind == "heatmap":
        return heatmap(table)
    raise ValueError(kind)


def _series(table: Table):
    columns = {column.key: column for column in table.columns}
    return [columns[key] for key in table.chart.series]


def bars(table: Table) -> Markup:
    prefix = f"chart-{table.key}"
    series = _series(table)
    label_width, bar_width, value_width = 200, 300, 90
    bar_height, gap = 16, 12
    width = label_width + bar_width + value_width
    # A total row would dwarf the rows it adds up, so counts are drawn without it (rates keep it).
    rows = [row for row in table.rows if not row.total or table.chart.unit == "%"] or table.rows
    values = [[table.cell(row, column) for column in series] for row in rows]
    top = max([cell.value or 0 for cells in values for cell in cells] + [1])
    if table.chart.unit == "%":
        top = 100
    body, y = _legend(prefix, [column.heading for column in series], 4) if len(series) > 1 else ([], 4)
    axis = len(body)
    body.append(f'<line x1="{label_width}" y1="{y}" x2="{label_width}" y2="{{bottom}}" stroke="#0b0c0c"/>')
    for row, cells in zip(rows, values, strict=True):
        group_height = bar_height * len(series)
        weight = ' font-weight="bold"' if row.total else ""
        body.append(f'<g><title>{escape(row.label)}</title><text x="{label_width - 8}" '
                    f'y="{y + group_height / 2 + 5}" text-anchor="end"{weight}>{escape(_short(row.label, 28))}</text>')
        for index, (column, cell) in enumerate(zip(series, cells, strict=True)):
            top_y = y + index * bar_height
            if cell.suppressed:
                length, fill = 24, f"url(#{prefix}-withheld)"
            else:
                length, fill = (cell.value or 0) / top * bar_width, f"url(#{prefix}-p{index})"
            body.append(f'<rect x="{label_width}" y="{top_y + 1}" width="{length:.1f}" height="{bar_height - 2}" '
                        f'fill="{fill}" stroke="#0b0c0c" stroke-width="0.5"><title>{escape(row.label)}, '
                        f'{escape(column.heading)}: {escape(cell.text)}</title></rect>')
            body.append(f'<text x="{label_width + length + 5:.1f}" y="{top_y + bar_height - 4}" '
                        f'font-size="12">{escape(cell.text)}</text>')
        body.append("</g>")
        y += group_height + gap
    bottom = y
    body[axis] = body[axis].replace("{bottom}", str(bottom))
    return _frame(prefix, width, bottom + 4, table.chart.title or table.title, table.chart.description
                  or _describe(table), body)


def lines(table: Table) -> Markup:
    prefix = f"chart-{table.key}"
    series = _series(table)
    left, plot_width, plot_height, right = 40, 420, 240, 130
    width = left + plot_width + right
    body, top = _line_legend([column.heading for column in series], 4)
    top += 8
    points = [[table.cell(row, column).value for row in table.rows] for column in series]
    peak = max([value or 0 for line in points for value in line] + [1])
    step = max(1, round(peak / 4))
    ticks = list(range(0, int(peak) + step + 1, step))
    scale_top = ticks[-1]
    count = len(table.rows)

    def x_of(index):
        return left + (plot_width * index / max(count - 1, 1))

    def y_of(value):
        return top + plot_height - plot_height * value / scale_top

    for tick in ticks:
        body.append(f'<line x1="{left}" x2="{left + plot_width}" y1="{y_of(tick):.1f}" y2="{y_of(tick):.1f}" '
                    f'stroke="#b1b4b6" stroke-width="0.5"/><text x="{left - 6}" y="{y_of(tick) + 4:.1f}" '
                    f'text-anchor="end" font-size="12">{tick}</text>')
    every = max(1, -(-count // 6))
    for index, row in enumerate(table.rows):
        if index % every == 0 or index == count - 1:
            body.append(f'<text x="{x_of(index):.1f}" y="{top + plot_height + 18}" text-anchor="middle" '
                        f'font-size="12">{escape(row.label)}</text>')
    for index, (column, line) in enumerate(zip(series, points, strict=True)):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        # Each drawn point keeps its own row: a withheld month leaves a gap, never shifts the labels.
        kept = [(row, value) for row, value in zip(table.rows, line, strict=True) if value is not None]
        coordinates = [(x_of(i), y_of(v)) for i, v in enumerate(line) if v is not None]
        if not coordinates:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        body.append(f'<polyline points="{path}" fill="none" stroke="{style["colour"]}" stroke-width="2.5"{dash}/>')
        for (x, y), (row, value) in zip(coordinates, kept, strict=True):
            body.append(_marker(style["marker"], x, y, style["colour"],
                                f"{row.label}, {column.heading}: {value:g}"))
    # End labels, nudged apart so that lines ending at the same value stay readable.
    ends = sorted(((y_of(line[-1]), column.heading, line[-1]) for column, line in zip(series, points, strict=True)
                   if line and line[-1] is not None), reverse=True)
    last_y = None
    for y, heading, value in ends:
        if last_y is not None and last_y - y < 15:
            y = last_y - 15
        last_y = y
        body.append(f'<text x="{left + plot_width + 10}" y="{y + 4:.1f}" font-size="12">'
                    f'{escape(heading)}: {value:g}</text>')
    return _frame(prefix, width, top + plot_height + 30, table.chart.title or table.title,
                  table.chart.description or _describe(table), body)


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    tip = f"<title>{escape(label)}</title>"
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{tip}</rect>'
    if shape == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" '
                f'fill="{colour}">{tip}</polygon>')
    return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" '
            f'fill="{colour}">{tip}</polygon>')


CLUSTER_DASHES = ["", "9 4", "3 3", "12 4 3 4", "6 2"]


def heatmap(table: Table) -> Markup:
    """Rows × columns shaded by count, every count written in its cell, withheld cells hatched, and
    the co-clusters outlined by thick rectangles (each with its own dash) and lettered."""
    prefix = f"chart-{table.key}"
    label_width, cell_w, cell_h, header = 290, 62, 30, 130
    columns = table.columns
    width = label_width + cell_w * len(columns) + 130  # room for the last slanted heading
    cells = [table.cells(row) for row in table.rows]
    peak = max([cell.value or 0 for row in cells for cell in row] + [1])
    body = []
    for index, column in enumerate(columns):
        x = label_width + cell_w * index + cell_w / 2
        body.append(f'<text transform="translate({x:.1f},{header - 8}) rotate(-40)" font-size="12">'
                    f'<title>{escape(column.heading)}</title>{escape(_short(column.heading, 24))}</text>')
    for r, (row, row_cells) in enumerate(zip(table.rows, cells, strict=True)):
        y = header + r * cell_h
        body.append(f'<text x="{label_width - 8}" y="{y + cell_h / 2 + 5}" text-anchor="end">'
                    f'<title>{escape(row.label)}</title>{escape(_short(row.label, 40))}</text>')
        for c, cell in enumerate(row_cells):
            x = label_width + c * cell_w
            if cell.suppressed:
                fill, ink, text = f"url(#{prefix}-withheld)", "#0b0c0c", "<5"
            else:
                fill = _shade((cell.value or 0) / peak)
                ink = _ink_on(fill)
                text = cell.text if cell.value else "0"
            bold = ' font-weight="bold"' if not cell.suppressed and cell.value else ""
            tip = f"{row.label} to {columns[c].heading}: {cell.text}"
            body.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}" stroke="#ffffff">'
                        f'<title>{escape(tip)}</title></rect>'
                        f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 5}" text-anchor="middle" fill="{ink}" '
                        f'font-size="12"{bold}>{escape(text)}</text>')
    for index, cluster in enumerate(table.chart.extra.get("clusters", [])):
        if not cluster["rows"] or not cluster["columns"]:
            continue
        r0, r1 = min(cluster["rows"]), max(cluster["rows"])
        c0, c1 = min(cluster["columns"]), max(cluster["columns"])
        x, y = label_width + c0 * cell_w, header + r0 * cell_h
        w, h = (c1 - c0 + 1) * cell_w, (r1 - r0 + 1) * cell_h
        dash = CLUSTER_DASHES[index % len(CLUSTER_DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<rect x="{x + 1.5}" y="{y + 1.5}" width="{w - 3}" height="{h - 3}" fill="none" '
                    f'stroke="#d4351c" stroke-width="3"{dash_attr}><title>Cluster {cluster["name"]}</title></rect>'
                    f'<rect x="{x + 2}" y="{y + 2}" width="18" height="16" fill="#d4351c"/>'
                    f'<text x="{x + 11}" y="{y + 14}" text-anchor="middle" fill="#ffffff" font-weight="bold" '
                    f'font-size="12">{escape(cluster["name"])}</text>')
    height = header + cell_h * len(table.rows) + 10
    return _frame(prefix, width, height, table.chart.title or table.title,
                  table.chart.description or _describe(table), body)


def _shade(share: float) -> str:
    """White to GOV.UK dark blue (#003078) by share."""
    low, high = (255, 255, 255), (0, 48, 120)
    if share <= 0:
        return "#f3f2f1"
    share = 0.15 + 0.85 * share
    return "#" + "".join(f"{round(a + (b - a) * share):02x}" for a, b in zip(low, high, strict=True))


def _luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of a #rrggbb colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(one: str, other: str) -> float:
    """WCAG 2.2 contrast ratio between two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _ink_on(fill: str) -> str:
    """Black or white, whichever stands out more on `fill`. Pure black, not GOV.UK's #0b0c0c: on the
    mid blues where white and near-black are equally readable, #0b0c0c reaches only 4.4:1, while the
    better of black and white is always at least 4.58:1 (WCAG AA asks 4.5:1)."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast(ink, fill))


def _describe(table: Table) -> str:
    series = ", ".join(column.heading for column in (_series(table) if table.chart.series else table.columns))
    return (f"{table.title}: {series} for each {table.label_heading.lower()}. "
            "The same figures are in the table beside the chart.")
