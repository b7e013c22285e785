"""Hostile form posts: over-long strings, control characters, unicode edge cases, script and HTML,
SQL fragments, wrong types, missing and duplicated fields, forged choices and ids.

Each field is sometimes given a value the form accepts (one of its choices, a real date), so that
enough posts get past validation to reach the operations and the pages that show what was stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

XSS_MARKER = "fcwxss"
HOSTILE = [
    f"<script>{XSS_MARKER}()</script>",
    f'"><img src=x onerror={XSS_MARKER}()>',
    f"javascript:{XSS_MARKER}()",
    "'; DROP TABLE participants; --",
    "1 OR 1=1",
    "' UNION SELECT password_hash FROM users --",
    "\x00", "\x1b[31m", "\r\n\r\nSet-Cookie: evil=1", "\u202e\u0635", "\ufeff", "🙂" * 50, "e\u0301" * 30,
    "../../../../etc/passwd", "%00", "${7*7}", "{{7*7}}", "{% raw %}", "A" * 10_000, " ", "",
    "-1", "0", "99999999999999999999999", "1e309", "NaN", "true", "null", "[]", "{}",
    "31", "2", "2026", "29", "13", "0000", "2100",
    "HMP Liverpool", "HMP Atlantis", "North West", "Narnia", "custody", "community", "y", "on",
    "employer", "provider", "admin", "case_manager", "red", "amber", "green", "ready", "other",
    "A1234BC", "M1 1AE", "ZZ99 9ZZ", "person@example.org", "not-an-email",
    "10:30", "25:99", "8:00", "\ud7ff", "\U0010ffff", "\u0000\u0000", "a\x00b",
]


def value():
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=80),
        st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Po", "Sm"]), max_size=20),
        st.integers(min_value=-10**12, max_value=10**12).map(str),
    )


@dataclass(frozen=True)
class FieldSpec:
    """One input name of a form: `choices` are the values it accepts (if it offers any), `date` is a
    day-month-year input, `multiple` a group of checkboxes."""

    name: str
    choices: tuple[str, ...] = ()
    date: bool = False
    multiple: bool = False


def _real_date():
    return st.dates().map(lambda d: [str(d.day), str(d.month), f"{d.year:04d}"])


def field_values(spec: FieldSpec | str):
    """Missing, one value, the field sent several times, or (sometimes) a value the form accepts."""
    if isinstance(spec, str):
        spec = FieldSpec(spec)
    options = [st.none(), value().map(lambda v: [v]), st.lists(value(), min_size=2, max_size=4)]
    if spec.choices:
        options.append(st.sampled_from(spec.choices).map(lambda v: [v]))
        if spec.multiple:
            options.append(st.lists(st.sampled_from(spec.choices), max_size=len(spec.choices), unique=True))
    if spec.date:
        options.append(_real_date())
        options.append(st.lists(st.integers(-5, 10_000).map(str), min_size=3, max_size=3))
    return st.one_of(*options)


# Values a person might really type, hostile ones among them, so that a post of them all is often
# accepted and what it stored (scripts included) reaches the pages that show it.
PLAUSIBLE = [
    "Sam Bell", "2", "10", "10:30", "M1 1AE", "Liverpool", "person@example.org", "lantern-harbour-cobalt-9",
    f"<script>{XSS_MARKER}()</script>", f'"><img src=x onerror={XSS_MARKER}()>', "'; DROP TABLE users; --",
    "O'Brien & Sons <Ltd>", "\u202eevil", "🙂 ready",
]


def _near_date():
    today = date.today()
    return st.dates(today - timedelta(days=3 * 365), today + timedelta(days=3 * 365)).map(
        lambda d: [str(d.day), str(d.month), str(d.year)])


def plausible_values(spec: FieldSpec):
    if spec.date:
        return _near_date()
    if spec.choices and spec.multiple:
        return st.lists(st.sampled_from(spec.choices), min_size=1, max_size=len(spec.choices), unique=True)
    if spec.choices:
        return st.sampled_from(spec.choices).map(lambda v: [v])
    return st.sampled_from(PLAUSIBLE).map(lambda v: [v])


def _mostly_plausible(spec: FieldSpec):
    return st.one_of(*[plausible_values(spec)] * 7, field_values(spec))


def payload(fields):
    """Half the posts are hostile throughout; half are plausible with the odd field made hostile."""
    specs = [FieldSpec(f) if isinstance(f, str) else f for f in fields]
    return st.one_of(_payload(specs, field_values), _payload(specs, _mostly_plausible))


def _payload(specs, values):
    fixed = st.fixed_dictionaries({spec.name: values(spec) for spec in specs})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), value().map(lambda v: [v]), max_size=3)

    def combine(pair):
        known, unknown = pair
        data = {name: values for name, values in known.items() if values is not None}
        for name, values in unknown.items():
            data.setdefault(name, values)
        return data

    return st.tuples(fixed, extra).map(combine)


# ---------------------------------------------------------------------------------------------------
# Import files: JSON Lines whose objects mix good values with hostile ones.

def json_value():
    return st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False), value()),
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=6,
    )


def import_line(good: dict, fields: list[str]):
    """One line of an import file: a good record with some fields replaced, removed or added, or a
    line that is not a JSON object at all."""
    record = st.fixed_dictionaries({}, optional={name: st.one_of(json_value(), st.just(good.get(name)))
                                                 for name in fields}).map(lambda changes: {**good, **changes})
    dropped = st.tuples(record, st.lists(st.sampled_from(fields), max_size=3)).map(
        lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1]})
    as_text = st.one_of(record, dropped).map(lambda obj: json.dumps(obj, ensure_ascii=False))
    broken = st.one_of(st.sampled_from(HOSTILE), json_value().map(json.dumps),
                       as_text.map(lambda line: line[: max(1, len(line) // 2)]))
    return st.one_of(st.just(json.dumps(good)), as_text, as_text, broken)
