"""Pounds and pence as people write them, and as integers of pence everywhere else.

Typed amounts are read with Decimal (never float), so "85.10" is 8510 pence exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Up to £1,000,000 less a penny: no request, limit or budget here is near it.
MAX_PENCE = 100_000_000 - 1
AMOUNT = re.compile(r"^£?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?$")


class NotAnAmount(ValueError):
    pass


def parse_pounds(text: str | None) -> int:
    """Pence from an amount typed in pounds: '85', '85.5', '£1,200.00'. NotAnAmount otherwise."""
    cleaned = (text or "").strip().replace(" ", "")
    match = AMOUNT.match(cleaned)
    if not match:
        raise NotAnAmount("Enter an amount in pounds and pence, like 85.00")
    pounds, pence = match.group(1).replace(",", ""), (match.group(2) or "0").ljust(2, "0")
    if len(pounds) > 7:
        raise NotAnAmount("Enter an amount under £1,000,000")
    value = int(Decimal(pounds) * 100 + Decimal(pence))
    if value > MAX_PENCE:
        raise NotAnAmount("Enter an amount under £1,000,000")
    return value


def pounds(pence: int | None) -> str:
    """'£85.00' for 8500; '' for None."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def as_typed(pence: int | None) -> str:
    """How an amount is shown back in a form: '85.00'."""
    if pence is None:
        return ""
    whole, part = divmod(int(pence), 100)
    return f"{whole}.{part:02d}"
