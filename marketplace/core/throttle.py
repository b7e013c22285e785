"""Sliding-window counters shared by every worker: in the database, or in Redis when REDIS_URL is set.

Used for sign-in attempts (per account and per network address), password-reset emails and public
forms. The Redis path uses the `limits` library's moving window; the database path counts rows,
because `limits` has no SQL storage.

`attempt()` checks and counts in one atomic step, so simultaneous requests can never let more than
`limit` through: in Redis it is the moving window's `hit` (one Lua script); in the database the key
is locked first (see `_serialise`). `is_blocked()` followed later by `count_attempt()` is two steps
and atomic only in the database; use `attempt()` where the limit must hold under a race.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select, text

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.core.models import ThrottleEvent
from marketplace.extensions import db


@cache
def _redis_limiter(url: str):
    from limits.storage import storage_from_string
    from limits.strategies import MovingWindowRateLimiter

    return MovingWindowRateLimiter(storage_from_string(url))


def _rate(limit: int, window: timedelta):
    from limits import RateLimitItemPerSecond

    return RateLimitItemPerSecond(limit, int(window.total_seconds()))


def _normalise(key: str) -> str:
    return key.strip().lower()[:254]


def _serialise(bucket: str, key: str) -> None:
    """Make check-then-count atomic per key across workers. SQLite's BEGIN IMMEDIATE already
    serialises writers; PostgreSQL takes a transaction-scoped advisory lock on the key."""
    if db.session.get_bind().dialect.name == "postgresql":
        digest = hashlib.blake2b(f"{bucket}:{key}".encode(), digest_size=8).digest()
        lock_id = int.from_bytes(digest, "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


class Limited(Refused):
    """A refusal because a throttle said no: views answer 429 Too Many Requests for it (never by
    reading the message)."""


def attempt(bucket: str, key: str, limit: int, window: timedelta) -> bool:
    """Count one attempt if fewer than `limit` were counted in the last `window`, atomically.
    True: counted and allowed. False: the limit is reached, nothing counted. In the database the
    row commits with the caller's transaction, which keeps the key locked until then."""
    key = _normalise(key)
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        return _redis_limiter(redis_url).hit(_rate(limit, window), bucket, key)
    _serialise(bucket, key)
    if _count(bucket, key, window) >= limit:
        return False
    db.session.add(ThrottleEvent(bucket=bucket, key=key, at=clock.now()))
    db.session.flush()
    return True


def _count(bucket: str, key: str, window: timedelta) -> int:
    since = clock.now() - window
    return db.session.scalar(
        select(func.count()).select_from(ThrottleEvent)
        .where(ThrottleEvent.bucket == bucket, ThrottleEvent.key == key, ThrottleEvent.at > since)
    ) or 0


def is_blocked(bucket: str, key: str, limit: int, window: timedelta, *, lock: bool = True) -> bool:
    """True when `limit` attempts have already been counted in the last `window`. In the database
    the key stays locked until the transaction ends, so a concurrent attempt waits for this one;
    `lock=False` only reads (a page showing whether someone is locked out)."""
    key = _normalise(key)
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        return not _redis_limiter(redis_url).test(_rate(limit, window), bucket, key)
    if lock:
        _serialise(bucket, key)
    return _count(bucket, key, window) >= limit


def count_attempt(bucket: str, key: str, limit: int, window: timedelta) -> None:
    """Count one attempt. In the database the row commits with the caller's transaction."""
    key = _normalise(key)
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        _redis_limiter(redis_url).hit(_rate(limit, window), bucket, key)
        return
    db.session.add(ThrottleEvent(bucket=bucket, key=key, at=clock.now()))


def clear(bucket: str, key: str, limit: int, window: timedelta) -> None:
    key = _normalise(key)
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        _redis_limiter(redis_url).clear(_rate(limit, window), bucket, key)
        return
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.bucket == bucket, ThrottleEvent.key == key))


def prune(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete database counters too old to matter (run from `flask maintenance prune`)."""
    result = db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < clock.now() - older_than))
    return result.rowcount or 0
