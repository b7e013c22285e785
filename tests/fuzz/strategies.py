"""Hostile form posts: over-long strings, control characters, unicode edge cases, script and HTML,
SQL fragments, wrong types, missing and duplicated fields, forged choices and ids."""

from __future__ import annotations

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
]


def value():
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=80),
        st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Zs", "Po", "Sm"]), max_size=20),
        st.integers(min_value=-10**12, max_value=10**12).map(str),
    )


def field_values():
    """Missing, one value, or the field sent several times."""
    return st.one_of(st.none(), value().map(lambda v: [v]), st.lists(value(), min_size=2, max_size=4))


def payload(field_names: list[str]):
    fixed = st.fixed_dictionaries({name: field_values() for name in field_names})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), value().map(lambda v: [v]), max_size=3)

    def combine(pair):
        known, unknown = pair
        data = {name: values for name, values in known.items() if values is not None}
        for name, values in unknown.items():
            data.setdefault(name, values)
        return data

    return st.tuples(fixed, extra).map(combine)
