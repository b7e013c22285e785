"""A reader trying to undo the suppression: from the published texts alone ("fewer than 5" is 1 to 4,
"withheld" is any count), the least and greatest value each hidden cell can take given the sums the
reader knows hold. Written apart from marketplace.reports.suppression so the two check each other."""

from __future__ import annotations

from scipy.optimize import linprog

SMALL, WITHHELD = "fewer than 5", "withheld"


def parse(text: str):
    """A published count: an int, or SMALL / WITHHELD."""
    if text in (SMALL, WITHHELD):
        return text
    return int(text.replace(",", ""))


def ranges(cells: dict, sums: list[tuple[object, list[object]]]) -> dict:
    """cells: name -> published value (int, SMALL or WITHHELD); sums: (total name, part names).
    Returns name -> (least, greatest) for every hidden cell."""
    hidden = sorted((name for name, value in cells.items() if not isinstance(value, int)), key=str)
    index = {name: i for i, name in enumerate(hidden)}
    a_eq, b_eq = [], []
    for total, parts in sums:
        row, known = [0.0] * len(hidden), 0.0
        for name, sign in [(total, 1.0)] + [(part, -1.0) for part in parts]:
            if name in index:
                row[index[name]] += sign
            else:
                known += sign * cells[name]
        if any(row):
            a_eq.append(row)
            b_eq.append(-known)
    bounds = [(1, 4) if cells[name] == SMALL else (0, None) for name in hidden]
    found = {}
    for name, i in index.items():
        if not a_eq:
            found[name] = (bounds[i][0], bounds[i][1] if bounds[i][1] is not None else float("inf"))
            continue
        least = linprog([1.0 if j == i else 0.0 for j in range(len(hidden))], A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                        method="highs")
        most = linprog([-1.0 if j == i else 0.0 for j in range(len(hidden))], A_eq=a_eq, b_eq=b_eq, bounds=bounds,
                       method="highs")
        assert least.status == 0, f"the published figures contradict each other at {name}"
        found[name] = (least.fun, float("inf") if most.status == 3 else -most.fun)
    return found


def narrowed(cells: dict, sums) -> dict:
    """Hidden cells a reader can pin down more closely than publishing allows: "fewer than 5" must
    still be any of 1 to 4, and any other hidden count must range over at least 4 values."""
    bad = {}
    for name, (least, most) in ranges(cells, sums).items():
        small_narrowed = cells[name] == SMALL and (least > 1 + 1e-6 or most < 4 - 1e-6)
        if small_narrowed or (cells[name] == WITHHELD and most - least < 3 - 1e-6):
            bad[name] = (least, most)
    return bad
