"""The one place the service asks what time it is, so tests can fix the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

_fixed: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _fixed if _fixed is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


def fix(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (aware, or naive meaning UTC); None lets it run again."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    _fixed = moment
