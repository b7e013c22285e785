"""Keeping the index in step with the database.

`queue()` writes an index task in the caller's transaction. After that transaction commits,
`apply_pending()` runs: it takes the index's write lock, reads the tasks after the index's cursor,
re-reads each record from the database, updates or deletes its document, and moves the cursor. If
the lock is busy (another worker or the CLI is writing), it waits a moment for it; if it is still
busy, a short-lived background thread in the same process keeps trying, backing off, until the tasks
are applied. The writer holding the lock may have read the tasks before ours committed, so nobody
can assume it will apply them: on one machine with no follower (`make run`), giving up would leave
the change unsearchable until some later write. Nothing here ever raises into a user's request.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from whoosh.index import LockError

from marketplace.core import clock
from marketplace.core.db import reading_engine
from marketplace.extensions import db
from marketplace.search import build
from marketplace.search import index as store
from marketplace.search.documents import SOURCES, source_for_index
from marketplace.search.models import IndexTask
from marketplace.search.schema import SCHEMAS

log = logging.getLogger(__name__)

# How long a transaction may take between writing an index task and committing it; tasks younger
# than this are applied again on the next sync in case an older one commits late (PostgreSQL).
RECHECK_MARGIN = timedelta(minutes=5)
DIRTY = "search_dirty"
# After a commit, how long the request itself waits for a busy index lock (an apply holds it for
# milliseconds), and how the background catch-up then backs off between tries.
WAIT_AFTER_COMMIT = 0.5
CATCH_UP_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


def queue(entity: str, entity_id: int) -> None:
    """Record, in the current transaction, that a record's index entry must be brought up to date."""
    if entity not in SOURCES:
        raise ValueError(f"no search source for {entity}")
    db.session.add(IndexTask(entity=entity, entity_id=entity_id, created_at=clock.now()))
    db.session.info[DIRTY] = True


def apply_pending(*, wait: float = 0, limit: int = 20_000, only: set[str] | None = None) -> dict[str, int]:
    """Apply the tasks each index (or each of `only`) has not yet applied. Returns how many documents
    changed per index (-1 when that index's lock stayed busy for `wait` seconds and nothing was done)."""
    generation = store.current_generation()
    if generation is None:
        return {}
    changed: dict[str, int] = {}
    for name in SCHEMAS:
        if only is not None and name not in only:
            continue
        try:
            changed[name] = _apply_to(name, generation, wait=wait, limit=limit)
        except LockError:
            changed[name] = -1
    return changed


def _apply_to(name: str, generation, *, wait: float, limit: int) -> int:
    index_dir = generation / name
    whoosh_index = store.open_index(name, generation)
    writer = whoosh_index.writer(timeout=wait, delay=0.02) if wait else _writer_now(whoosh_index)
    try:
        cursor = store.read_cursor(index_dir)
        entities = [source.entity for source in source_for_index(name)]
        with Session(reading_engine()) as session:
            tasks = session.execute(
                select(IndexTask.id, IndexTask.entity, IndexTask.entity_id, IndexTask.created_at)
                .where(IndexTask.id > cursor["recheck_from"], IndexTask.entity.in_(entities))
                .order_by(IndexTask.id).limit(limit)).all()
            if not tasks:
                writer.cancel()
                return 0
            by_entity: dict[str, set[int]] = {}
            for task in tasks:
                by_entity.setdefault(task.entity, set()).add(task.entity_id)
            documents: dict[str, dict | None] = {}
            for entity, ids in by_entity.items():
                for record_id, document in SOURCES[entity].documents(session, sorted(ids)).items():
                    documents[f"{entity}:{record_id}"] = document
        for key, document in documents.items():
            if document is None:
                writer.delete_by_term("key", key)
            else:
                writer.update_document(**document)
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    settled = clock.now() - RECHECK_MARGIN
    settled_ids = [task.id for task in tasks if task.created_at <= settled]
    recheck_from = max([cursor["recheck_from"], *settled_ids]) if settled_ids else cursor["recheck_from"]
    store.write_cursor(index_dir, max(cursor["applied_through"], tasks[-1].id), recheck_from)
    return len(documents)


def _writer_now(whoosh_index):
    return whoosh_index.writer(timeout=0.0)


def reindex(progress: Callable[[str, int], None] | None = None, processes: int | None = None) -> dict[str, int]:
    """Build a fresh index of everything in the database in a new directory, swap it in, and catch
    up with whatever changed meanwhile. Searches go on using the old index until the swap. One
    rebuild at a time per index directory (a file lock), so two cannot tidy away each other's work.
    `processes`: how many to build each index with (default: one per core for a large index, when
    this process may fork; see `search/build.py`)."""
    with store.rebuild_lock():
        store.remove_abandoned_builds()
        return _reindex(progress, processes)


def _reindex(progress, processes: int | None = None) -> dict[str, int]:
    with Session(reading_engine()) as session:
        start = session.scalar(select(func.max(IndexTask.id))) or 0
        settled = session.scalar(select(func.max(IndexTask.id)).where(
            IndexTask.created_at <= clock.now() - RECHECK_MARGIN)) or 0
    generation = store.new_generation()
    try:
        counts = _build(generation, start, settled, progress, processes)
        store.finish_building(generation)
    except BaseException:
        # A failed or interrupted build leaves nothing behind; a killed one is removed by the next
        # rebuild or `search sync` (store.remove_abandoned_builds).
        shutil.rmtree(generation, ignore_errors=True)
        raise
    store.make_current(generation)
    apply_pending(wait=30)
    return counts


def _build(generation, start: int, settled: int, progress, processes: int | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in SCHEMAS:
        counts[name] = 0
        for source in source_for_index(name):
            counts[name] += build.build(generation / name, source, processes=processes,
                                        progress=(lambda done, name=name: progress(name, done)) if progress else None)
        # Everything up to `start` is in the scan; later tasks (and any that commit late) are
        # applied by the catch-up after the swap.
        store.write_cursor(generation / name, start, settled)
    return counts


def ensure_index() -> bool:
    """Build the index if there is none (a fresh deployment). Returns whether it built one."""
    if store.current_generation() is not None:
        return False
    with store.rebuild_lock():
        if store.current_generation() is not None:  # another process built it while we waited
            return False
        store.remove_abandoned_builds()
        _reindex(None)
    return True


def status() -> dict[str, dict]:
    """For each index: records that belong in it (database), documents in it, and tasks not yet
    applied."""
    generation = store.current_generation()
    report: dict[str, dict] = {}
    with Session(reading_engine()) as session:
        latest = session.scalar(select(func.max(IndexTask.id))) or 0
        for name in SCHEMAS:
            sources = source_for_index(name)
            in_database = sum(source.count(session) for source in sources)
            row = {"database": in_database, "index": None, "pending": None, "applied_through": None,
                   "latest_task": latest}
            if generation is not None:
                whoosh_index = store.open_index(name, generation)
                row["index"] = whoosh_index.doc_count()
                cursor = store.read_cursor(generation / name)
                row["applied_through"] = cursor["applied_through"]
                row["pending"] = session.scalar(select(func.count()).select_from(IndexTask).where(
                    IndexTask.id > cursor["applied_through"],
                    IndexTask.entity.in_([s.entity for s in sources]))) or 0
            report[name] = row
    return report


def indexed_ids(name: str) -> set[int]:
    """Every record id in an index (for tests and `search status --check`)."""
    whoosh_index = store.open_index(name)
    if whoosh_index is None:
        return set()
    with whoosh_index.searcher() as searcher:
        return {fields["id"] for fields in searcher.all_stored_fields()}


def prune_log(older_than: timedelta = timedelta(days=30)) -> int:
    """Delete index tasks every local index has long applied. A host whose index is older than the
    log must run `search reindex`."""
    cutoff = clock.now() - older_than
    generation = store.current_generation()
    if generation is not None:
        lowest = min(store.read_cursor(generation / name)["recheck_from"] for name in SCHEMAS)
    else:
        lowest = 0
    result = db.session.execute(IndexTask.__table__.delete().where(
        IndexTask.created_at < cutoff, IndexTask.id <= lowest))
    return result.rowcount or 0


def _after_commit(session) -> None:
    if not session.info.pop(DIRTY, False):
        return
    try:
        busy = {name for name, changed in apply_pending(wait=WAIT_AFTER_COMMIT).items() if changed < 0}
    except Exception:  # noqa: BLE001 - the change is committed; the index catches up on the next sync
        log.exception("applying index tasks after commit failed; `flask search sync` will catch up")
        return
    if busy:
        catch_up_later(busy)


_catch_up_lock = threading.Lock()
_catch_up: dict[str, object] = {"thread": None, "wanted": set()}


def catch_up_later(names: set[str]) -> threading.Thread:
    """Apply the pending tasks of `names` from a background thread, retrying while the lock is busy.
    One such thread per process at a time; a later request for more indexes joins the running one."""
    app = current_app._get_current_object()
    with _catch_up_lock:
        _catch_up["wanted"] |= set(names)
        running = _catch_up["thread"]
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(target=_catch_up_until_done, args=(app,), name="search-catch-up", daemon=True)
        _catch_up["thread"] = thread
        thread.start()
        return thread


def _catch_up_until_done(app) -> None:
    attempt = 0
    while True:
        with _catch_up_lock:
            wanted = set(_catch_up["wanted"])
            _catch_up["wanted"] = set()
            if not wanted:
                _catch_up["thread"] = None
                return
        time.sleep(CATCH_UP_DELAYS[min(attempt, len(CATCH_UP_DELAYS) - 1)])
        attempt += 1
        try:
            with app.app_context():
                busy = {name for name, changed in apply_pending(wait=1.0, only=wanted).items() if changed < 0}
        except Exception:  # noqa: BLE001 - a broken index or database: `search sync` reports it
            log.exception("background apply of index tasks failed; `flask search sync` will catch up")
            busy = set()
        if busy:
            with _catch_up_lock:
                _catch_up["wanted"] |= busy


def wait_for_catch_up(timeout: float = 30.0) -> bool:
    """Wait for this process's background catch-up to finish (for `search sync` and tests). Returns
    whether it finished."""
    thread = _catch_up["thread"]
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def _after_soft_rollback(session, _previous_transaction) -> None:
    session.info.pop(DIRTY, None)


def register() -> None:
    """Apply index tasks after every commit that wrote some (once per process)."""
    factory = db.session.session_factory
    if not event.contains(factory, "after_commit", _after_commit):
        event.listen(factory, "after_commit", _after_commit)
        event.listen(factory, "after_soft_rollback", _after_soft_rollback)
