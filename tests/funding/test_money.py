"""Amounts as people type them become exact pence; anything else is refused with what to type."""

from __future__ import annotations

import pytest

from marketplace.funding.money import NotAnAmount, as_typed, parse_pounds, pounds


@pytest.mark.parametrize(("typed", "pence"), [
    ("85", 8500), ("85.00", 8500), ("£85", 8500), ("85.5", 8550), ("0.10", 10), ("1,200.99", 120099),
    (" £ 12.34 ", 1234), ("999999.99", 99_999_999),
])
def test_amounts_are_read_exactly(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize("typed", ["", "abc", "85.001", "1e3", "-5", "12,34", "85.", "£", "1000000", "0x10",
                                   "٣٤", "85,00"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(NotAnAmount):
        parse_pounds(typed)


def test_pence_are_shown_as_pounds():
    assert pounds(8500) == "£85.00"
    assert pounds(120099) == "£1,200.99"
    assert pounds(5) == "£0.05"
    assert pounds(None) == ""
    assert as_typed(8550) == "85.50"
