"""Where the index lives on disk, and how processes open it.

    SEARCH_INDEX_DIR/
      current -> gen-20261125T101500-3f2a/     a symlink, swapped atomically by `search reindex`
      gen-20261125T101500-3f2a/opportunities/  a Whoosh index and its cursor file
      gen-20261125T101500-3f2a/participants/

Searches keep running on the old generation while a new one is built; after the swap each process
notices that `current` points elsewhere and opens the new one. Searchers are kept per thread and
opened afresh when the index's generation changed (every request checks), never opened per request.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from whoosh import index as whoosh_index

from marketplace.search.schema import SCHEMA_VERSION, SCHEMAS

CURRENT = "current"
VERSION_FILE = "schema-version"
# In a generation while it is being built; a generation still holding it once the rebuild lock is
# free was abandoned by a build that was killed.
BUILDING_FILE = "building"
_local = threading.local()


def root() -> Path:
    path = Path(current_app.config["SEARCH_INDEX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_generation() -> Path | None:
    """The generation searches use; None when there is none yet, or when it was built with another
    version of the schema (so the next search or `search sync` builds one that fits this code)."""
    link = root() / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    if not target.is_dir():
        return None
    try:
        version = (target / VERSION_FILE).read_text().strip()
    except FileNotFoundError:
        return None
    return target if version == SCHEMA_VERSION else None


def new_generation() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root() / f"gen-{stamp}-{secrets.token_hex(3)}"
    path.mkdir(parents=True)
    (path / BUILDING_FILE).write_text(str(os.getpid()))
    for name, schema in SCHEMAS.items():
        (path / name).mkdir(parents=True)
        whoosh_index.create_in(str(path / name), schema())
        write_cursor(path / name, 0, 0)
    (path / VERSION_FILE).write_text(SCHEMA_VERSION)
    return path


def finish_building(generation: Path) -> None:
    (generation / BUILDING_FILE).unlink()


def remove_abandoned_builds() -> list[Path]:
    """Remove generations a killed build left half-built. Call with the rebuild lock held (so no
    build is running). Returns what it removed."""
    removed = []
    for generation in root().glob("gen-*"):
        if (generation / BUILDING_FILE).exists():
            shutil.rmtree(generation, ignore_errors=True)
            removed.append(generation)
    return removed


def make_current(generation: Path) -> None:
    """Point `current` at `generation` in one atomic rename, then drop generations older than the
    one it replaced (the previous one stays, for searchers still reading it)."""
    link = root() / CURRENT
    previous = current_generation()
    temporary = root() / f".current-{secrets.token_hex(4)}"
    temporary.symlink_to(generation.name)
    os.replace(temporary, link)
    keep = {generation.resolve()}
    if previous is not None:
        keep.add(previous.resolve())
    for old in root().glob("gen-*"):
        if old.resolve() not in keep:
            shutil.rmtree(old, ignore_errors=True)


# The cursor: how far along the log of index tasks this index is. `applied_through` is the highest
# task applied; `recheck_from` lags behind by a safety margin, because on PostgreSQL a task with a
# lower id can commit after one with a higher id. Tasks after `recheck_from` are applied again on the
# next sync, which is harmless: applying a task re-reads the record from the database.

def read_cursor(index_dir: Path) -> dict[str, int]:
    try:
        return json.loads((index_dir / "cursor.json").read_text())
    except (FileNotFoundError, ValueError):
        return {"applied_through": 0, "recheck_from": 0}


def write_cursor(index_dir: Path, applied_through: int, recheck_from: int) -> None:
    temporary = index_dir / f".cursor-{secrets.token_hex(4)}"
    temporary.write_text(json.dumps({"applied_through": applied_through, "recheck_from": recheck_from}))
    os.replace(temporary, index_dir / "cursor.json")


def open_index(name: str, generation: Path | None = None):
    generation = generation or current_generation()
    if generation is None:
        return None
    return whoosh_index.open_dir(str(generation / name))


def searcher(name: str):
    """This thread's searcher on the current index, reopened only when the index has changed or
    `current` now points at another generation. Returns None when there is no index yet."""
    generation = current_generation()
    if generation is None:
        return None
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    key = (str(current_app.config["SEARCH_INDEX_DIR"]), name)
    cached = cache.get(key)
    if cached is not None:
        if cached[0] == generation and cached[1].up_to_date():
            return cached[1]
        # Not `Searcher.refresh()`: in whoosh-reloaded 2.7.5 it merges the old reader's segments,
        # with their old deletion lists, into the new reader's, so a deleted or replaced document is
        # found again (and twice). A searcher opened afresh reads only the segments the TOC lists.
        cached[1].close()
        del cache[key]
    opened = whoosh_index.open_dir(str(generation / name)).searcher()
    cache[key] = (generation, opened)
    return opened


_held_locks: list = []


@contextmanager
def rebuild_lock():
    """Held while a new generation is built and swapped in."""
    with open(root() / ".rebuild.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _held_locks.append(handle)
        try:
            yield
        finally:
            _held_locks.remove(handle)
            fcntl.flock(handle, fcntl.LOCK_UN)


def let_go_of_inherited_locks() -> None:
    """In a process forked by a rebuild: close its copy of the rebuild lock's file (closing, not
    unlocking, which would unlock the parent's too), so that the lock ends with the parent even if
    this process outlives it."""
    while _held_locks:
        _held_locks.pop().close()


def remove_abandoned_builds_if_idle() -> list[Path]:
    """`remove_abandoned_builds`, unless a rebuild is running now (then it is left to finish)."""
    with open(root() / ".rebuild.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        try:
            return remove_abandoned_builds()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def close_searchers() -> None:
    for _generation, opened in getattr(_local, "searchers", {}).values():
        opened.close()
    _local.searchers = {}
