"""Statistical disclosure control.

Primary suppression: a count of people between 1 and 4 in a published breakdown could identify
someone, so it is shown as "fewer than 5" (on the page, in the chart and in the CSV), and so is any
rate or average worked out from such a count.

Secondary (complementary) suppression: a hidden count must not come back by arithmetic, e.g. a total
less the other cells of its row. Every additive relation a reader could use is written down as an
equation between published cells (a table's total row is the sum of its rows, a column is the sum of
other columns, a headline figure equals a table's total, one table's total equals another's); then
`protect()` withholds further cells until no hidden count can be worked out.

The method is the classical cell-suppression problem (Cox, "Suppression methodology and statistical
disclosure control", JASA 75, 1980) solved as statistical offices' tools (tau-Argus, sdcTable) do in
small: a greedy choice of complementary cells, then an *audit* by linear programming (Fischetti &
Salazar-Gonzalez, "Solving the cell suppression problem on tabular data with linear constraints",
Management Science 47, 2001): for every withheld cell, the smallest and largest values consistent with
everything published (scipy's HiGHS). A count shown as "fewer than 5" must still be able to be any of
1 to 4; any other withheld count must range over at least PROTECTION_WIDTH values. Cells that fail
get another complement, and the audit runs again.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

THRESHOLD = 5
SUPPRESSED_TEXT = "fewer than 5"
WITHHELD_TEXT = "withheld"
# A withheld count (not itself small) must be able to take at least this many more values.
PROTECTION_WIDTH = THRESHOLD - 2
_EPSILON = 1e-6


def is_suppressed(count: int | None) -> bool:
    """True for a count of people that must not be published: 1 to 4."""
    return count is not None and 0 < count < THRESHOLD


def count_text(count: int | None) -> str:
    if count is None:
        return ""
    return SUPPRESSED_TEXT if is_suppressed(count) else f"{count:,}"


def rate_suppressed(numerator: int, denominator: int) -> bool:
    """A rate is withheld when either of its counts is, or when it has no denominator."""
    return denominator == 0 or is_suppressed(numerator) or is_suppressed(denominator)


@dataclass(frozen=True)
class Equation:
    """total == sum(parts): cells named by any hashable key."""

    total: Hashable
    parts: tuple[Hashable, ...]


def protect(values: dict[Hashable, int], equations: Sequence[Equation]) -> set[Hashable]:
    """`_protect` remembered per worker: the answer depends only on the numbers and the equations, so
    a page viewed again over unchanged figures skips the linear programmes (seconds on the coverage
    report), and any change in a figure is a new question: a remembered answer is never stale."""
    try:
        return set(_protect_remembered(tuple(values.items()), tuple(equations)))
    except TypeError:  # a cell name or equation that cannot be hashed: answer without remembering
        return _protect(values, equations)


@functools.lru_cache(maxsize=128)
def _protect_remembered(items: tuple, equations: tuple) -> frozenset:
    return frozenset(_protect(dict(items), equations))


def _protect(values: dict[Hashable, int], equations: Sequence[Equation]) -> set[Hashable]:
    """The cells to show as "withheld": complements for the small ones (and, rarely, small ones whose
    "fewer than 5" would give them away). After this no equation narrows a small count below "1 to 4",
    or any other withheld count to fewer than PROTECTION_WIDTH + 1 values. Equations that do not hold
    in `values` are not relations a reader could use, and are ignored."""
    equations = [eq for eq in equations if eq.total in values and all(p in values for p in eq.parts)
                 and values[eq.total] == sum(values[p] for p in eq.parts)]
    primary = {cell for cell, value in values.items() if is_suppressed(value)}
    withheld = set(primary)
    # Small counts whose "fewer than 5" would itself give them away (four cells of 1 under a total of
    # "fewer than 5" must each be 1): shown as plain "withheld", which says nothing about their size.
    masked: set = set()
    by_cell: dict[Hashable, list[Equation]] = {}
    for eq in equations:
        for cell in (eq.total, *eq.parts):
            by_cell.setdefault(cell, []).append(eq)
    passed: set = set()  # withholding more only ever widens a range, so a cell that passed stays passed
    while True:
        # A line with one hidden cell gives it away by subtraction: hide another in that line.
        lone = [eq for eq in equations if sum(1 for c in (eq.total, *eq.parts) if c in withheld) == 1]
        if lone:
            for eq in lone:
                if sum(1 for c in (eq.total, *eq.parts) if c in withheld) == 1:
                    _add_complement(eq, values, withheld)
            continue
        failing = audit(values, equations, withheld, primary - masked, skip=passed)
        passed |= withheld - set(failing)
        if not failing:
            return (withheld - primary) | masked
        grew = False
        for cell in failing:
            added = [_add_complement(eq, values, withheld) for eq in by_cell.get(cell, [])]
            if any(added):
                grew = True
            elif cell in primary and cell not in masked:  # every cell of its lines is hidden already
                masked.add(cell)
                grew = True
        if not grew:
            return (withheld - primary) | masked


def _add_complement(eq: Equation, values: dict, withheld: set) -> bool:
    """Hide one more published cell of the equation: a part before the total, and the smallest part that
    still gives room to move (at least THRESHOLD - 1), so as little as possible is lost."""
    open_cells = [c for c in eq.parts if c not in withheld]
    if not open_cells:
        open_cells = [eq.total] if eq.total not in withheld else []
    if not open_cells:
        return False
    choice = min(open_cells, key=lambda c: (values[c] < THRESHOLD - 1, values[c], str(c)))
    withheld.add(choice)
    return True


def _components(equations: Sequence[Equation], withheld: set) -> list[tuple[list, list[Equation]]]:
    """Withheld cells joined by the equations they share, each with those equations: each group's
    ranges depend on that group alone, so each is a small linear programme of its own."""
    parent = {cell: cell for cell in withheld}

    def root(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    relevant = []
    for eq in equations:
        hidden = [c for c in (eq.total, *eq.parts) if c in withheld]
        if hidden:
            relevant.append((eq, hidden))
            for other in hidden[1:]:
                parent[root(other)] = root(hidden[0])
    groups: dict = {}
    for cell in withheld:
        groups.setdefault(root(cell), ([], []))[0].append(cell)
    for eq, hidden in relevant:
        groups[root(hidden[0])][1].append(eq)
    return list(groups.values())


def feasible_ranges(values: dict, equations: Sequence[Equation], withheld: set, primary: set,
                    cells: set | None = None, settled=None) -> dict[Hashable, tuple[float, float]]:
    """For each withheld cell (or each of `cells`), the least and greatest value it could have given
    everything published: the equations, what is shown, "fewer than 5" meaning 1 to 4, and counts
    never being negative.

    With `settled(cell, low, high)`, a cell whose values already seen in feasible solutions (the true
    figures, and every solution a linear programme returned) settle the question gets that seen range
    instead, without programmes of its own: by convexity every value between two feasible ones is
    feasible too, so a seen range can only be narrower than the true one, never wider."""
    ranges = {}
    for group, group_equations in _components(equations, withheld):
        wanted = [cell for cell in group if cells is None or cell in cells]
        if wanted:
            ranges.update(_group_ranges(values, group_equations, group, primary, wanted, settled))
    return ranges


class _Programme:
    """One group's linear programme, kept in one HiGHS instance between solves: only the objective
    changes (least or greatest value of one cell), so each solve starts from the last one's basis.
    A fresh scipy.optimize.linprog per cell rebuilt and re-checked the whole model each time: three
    quarters of the coverage report's first view went on that (620 to 850 programmes a view).

    HiGHS is the solver linprog(method="highs") runs; this reaches the copy scipy ships (its
    `_highspy._core`, the same API as the `highspy` package, which prints a banner on stdout and would
    break the JSON log lines). scipy is pinned in constraints.txt, and tests/reports/test_suppression.py
    checks every answer against linprog itself on random tables, so a change there cannot pass quietly."""

    def __init__(self, rows: list[list[float]], rhs: list[float], bounds: list[tuple]):
        import numpy as np
        from scipy.optimize._highspy import _core

        self._core, self._np = _core, np
        self.size = len(bounds)
        self.highs = _core._Highs()
        self.highs.setOptionValue("output_flag", False)
        infinity = _core.kHighsInf
        self.highs.addVars(self.size, np.array([float(low) for low, _ in bounds]),
                           np.array([infinity if high is None else float(high) for _, high in bounds]))
        starts, columns, coefficients = [], [], []
        for row in rows:
            starts.append(len(columns))
            for j, coefficient in enumerate(row):
                if coefficient:
                    columns.append(j)
                    coefficients.append(coefficient)
        self.highs.addRows(len(rows), np.array(rhs, dtype=float), np.array(rhs, dtype=float), len(columns),
                           np.array(starts, dtype=np.int32), np.array(columns, dtype=np.int32),
                           np.array(coefficients, dtype=float))
        self.everything = np.arange(self.size, dtype=np.int32)

    def extreme(self, i: int, sign: float) -> tuple[str, float, list[float]]:
        """Minimise sign × x[i]: ("solved", the least/greatest x[i], the solution), ("unbounded", ...)
        or ("failed", ...)."""
        cost = self._np.zeros(self.size)
        cost[i] = sign
        self.highs.changeColsCost(self.size, self.everything, cost)
        self.highs.run()
        status = self.highs.getModelStatus()
        statuses = self._core.HighsModelStatus
        if status == statuses.kOptimal:
            return "solved", sign * self.highs.getInfo().objective_function_value, \
                list(self.highs.getSolution().col_value)
        if status in (statuses.kUnbounded, statuses.kUnboundedOrInfeasible):  # the true figures are feasible
            return "unbounded", 0.0, []
        return "failed", 0.0, []


def _group_ranges(values: dict, equations: list[Equation], group: list, primary: set, wanted: list,
                  settled=None) -> dict:
    unknown = sorted(group, key=str)
    index = {cell: i for i, cell in enumerate(unknown)}
    rows, rhs = [], []
    for eq in equations:
        row = [0.0] * len(unknown)
        constant = 0.0
        for c, sign in ((eq.total, 1.0), *((p, -1.0) for p in eq.parts)):
            if c in index:
                row[index[c]] += sign
            else:
                constant += sign * values[c]
        rows.append(row)
        rhs.append(-constant)
    bounds = [(1, THRESHOLD - 1) if cell in primary else (0, None) for cell in unknown]
    programme = _Programme(rows, rhs, bounds) if rows else None
    # The least and greatest value each cell takes in the feasible solutions seen so far; the true
    # figures are one such solution.
    seen_low = [float(values[cell]) for cell in unknown]
    seen_high = list(seen_low)
    ranges = {}
    for cell in wanted:
        i = index[cell]
        if programme is None:
            low, high = bounds[i][0], bounds[i][1] if bounds[i][1] is not None else float("inf")
            ranges[cell] = (float(low), float(high))
            continue
        found = []
        for sign in (1.0, -1.0):
            if settled is not None and settled(cell, seen_low[i], seen_high[i]):
                break
            outcome, value, solution = programme.extreme(i, sign)
            if outcome == "unbounded":
                value = float("-inf") if sign > 0 else float("inf")
            elif outcome == "failed":  # not solved: take the worst case, that the reader can pin it down
                value = float(values[cell])
            for j, seen in enumerate(solution):
                seen_low[j], seen_high[j] = min(seen_low[j], seen), max(seen_high[j], seen)
            if outcome != "failed":
                seen_low[i], seen_high[i] = min(seen_low[i], value), max(seen_high[i], value)
            found.append(value)
        if settled is not None and settled(cell, seen_low[i], seen_high[i]):
            ranges[cell] = (seen_low[i], seen_high[i])
        else:
            ranges[cell] = (found[0], found[1])
    return ranges


def audit(values: dict, equations: Sequence[Equation], withheld: set, primary: set,
          skip: set = frozenset()) -> list[Hashable]:
    """Withheld cells (other than those in `skip`) a reader could narrow down too far."""
    failing = []
    ranges = feasible_ranges(values, equations, withheld, primary, cells=withheld - skip,
                             settled=lambda cell, low, high: not _too_narrow(cell in primary, low, high))
    for cell, (low, high) in ranges.items():
        if _too_narrow(cell in primary, low, high):
            failing.append(cell)
    return failing


def _too_narrow(small: bool, low: float, high: float) -> bool:
    """A small count must be able to be anything from 1 to 4; another withheld count must be able to
    take at least PROTECTION_WIDTH + 1 values."""
    if small:
        return low > 1 + _EPSILON or high < THRESHOLD - 1 - _EPSILON
    return high - low < PROTECTION_WIDTH - _EPSILON
