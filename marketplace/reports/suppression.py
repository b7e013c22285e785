"""Statistical disclosure control: a count of people between 1 and 4 in a published breakdown could
identify someone, so it is shown as "fewer than 5" (on the page, in the chart and in the CSV), and
so is any rate or average worked out from such a count."""

from __future__ import annotations

THRESHOLD = 5
SUPPRESSED_TEXT = "fewer than 5"


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
