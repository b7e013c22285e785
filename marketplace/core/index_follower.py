"""Each host follows the database's ordered log of index tasks into its own Whoosh index.

On one machine the worker that commits a change applies it to the index straight after the commit
(search/sync.py). With several hosts, each host has its own index directory, and so its own cursor
(`cursor.json` beside each index): a change committed on host A reaches host B's index when B
applies the log. `flask maintenance follow-index` runs beside gunicorn on every host and does that
every couple of seconds. It reads the log, never writes the database, holds the index's write lock
only while applying, and rides out a database that is down (it logs and tries again).
"""

from __future__ import annotations

import logging
import signal
import time

from marketplace.core.db import write_intent
from marketplace.extensions import db

log = logging.getLogger(__name__)


def follow(interval: float = 2.0, iterations: int | None = None, on_round=None) -> int:
    """Apply the log every `interval` seconds until stopped (SIGTERM / SIGINT) or, when given, for
    `iterations` rounds. Returns how many documents it changed in all."""
    from marketplace.search import index as store
    from marketplace.search import sync

    stopping = []
    previous = {}
    if iterations is None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stopping.append(True))
    changed_total, rounds = 0, 0
    write_intent()
    try:
        while not stopping and (iterations is None or rounds < iterations):
            rounds += 1
            try:
                # A rebuild killed on this host left its generation half-built: tidy it (unless a
                # rebuild is running now).
                for abandoned in store.remove_abandoned_builds_if_idle():
                    log.warning("removed %s, left half-built by a rebuild that was killed", abandoned.name)
                sync.ensure_index()
                changed = sync.apply_pending(wait=interval * 5)
                changed_total += sum(count for count in changed.values() if count > 0)
            except Exception:  # noqa: BLE001 - a database that is down must not stop the follower
                log.exception("following the index log failed; trying again in %s s", interval)
            finally:
                db.session.remove()
            if on_round:
                on_round(rounds)
            if iterations is None or rounds < iterations:
                time.sleep(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return changed_total
