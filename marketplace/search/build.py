"""Building a whole index from the database, on every core, with progress.

`search reindex` of the 100,000-opportunity bench world took 5.2 times as long as a plain
single-writer Whoosh build of the same texts. Three things made the difference, each measured
(README, "Search speed"):

- Whoosh's writer, when it writes the postings at commit, asks for each posting the length of the
  document's field, and for a field that keeps no lengths (an ID, a BOOLEAN, a NUMERIC) it asks the
  file system whether the lengths file exists, once per posting, never remembering the answer:
  millions of `stat` calls. `_BuildWriter` remembers it.
- Numbers and dates were indexed at every precision tier (16 terms for a 64-bit id, 8 for a date),
  for range queries nothing here makes: filters, sorting and distances read the columns
  (`search/arrays.py`). The schema now indexes one term per value (`schema.py`), a third of the
  postings an opportunity had.
- Everything ran in one process on a machine with several cores. Now the records are split into
  contiguous ranges of ids, one per process; each process reads its own records from the database,
  makes their documents and writes its own segment, and the parent lists the segments in the
  index's table of contents in id order (so documents keep the order a single writer gives them).

Forking is only done where it is safe: from a process with no other thread (the CLI); a web
worker that finds no index builds it in its own thread, as before.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from marketplace.core.db import reading_engine
from marketplace.search.documents import Source

# Fewer records than this per process are not worth a process (starting one costs ~0.1 s).
MIN_PER_PROCESS = 5_000
# Memory for sorting postings before the writer spills them to temporary files (Whoosh's estimate
# per posting is about what Python holds: 512 MB keeps ~30,000 opportunities' postings in memory).
LIMIT_MB = 512
PROGRESS_EVERY = 100


class _BuildWriter(SegmentWriter):
    """Whoosh's segment writer, remembering which per-document columns exist (see above)."""

    def per_document_reader(self):
        reader = super().per_document_reader()
        reader.has_column = functools.cache(reader.has_column)
        return reader


def processes_for(total: int, wanted: int | None = None) -> int:
    """How many processes to build `total` records with: `wanted` if given (the caller knows it may
    fork), else one per core when there is enough work and this process has no other thread (a
    thread holding a lock at the fork would leave the child waiting on it forever)."""
    if wanted is not None:
        return max(1, wanted)
    if threading.active_count() > 1:
        return 1
    return max(1, min(os.cpu_count() or 1, total // MIN_PER_PROCESS))


def build(index_dir: Path, source: Source, *, processes: int | None = None,
          progress: Callable[[int], None] | None = None) -> int:
    """Add every record of `source` to the (empty) index in `index_dir`. Returns how many."""
    with Session(reading_engine()) as session:
        model = source.model()
        ids = session.scalars(select(model.id).where(source.indexable()).order_by(model.id)).all()
    count = processes_for(len(ids), processes)
    if count == 1 or len(ids) < 2:
        return _build_serial(index_dir, source, progress)
    # Contiguous runs of ids of about the same size, one per process.
    bounds = [round(len(ids) * part / count) for part in range(count + 1)]
    parts = [list(ids[bounds[part]:bounds[part + 1]]) for part in range(count) if bounds[part + 1] > bounds[part]]
    return _build_parallel(index_dir, source, parts, progress)


def _build_serial(index_dir: Path, source: Source, progress) -> int:
    index = whoosh_index.open_dir(str(index_dir))
    writer = _BuildWriter(index, limitmb=LIMIT_MB)
    added = 0
    try:
        with Session(reading_engine()) as session:
            for document in source.all_documents(session):
                writer.add_document(**document)
                added += 1
                if progress and added % PROGRESS_EVERY == 0:
                    progress(PROGRESS_EVERY)
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    if progress:
        progress(added % PROGRESS_EVERY)
    return added


def _build_parallel(index_dir: Path, source: Source, parts: list[list[int]], progress) -> int:
    from flask import current_app

    context = multiprocessing.get_context("fork")
    done = context.Value("q", 0)
    results = context.Queue()
    index = whoosh_index.open_dir(str(index_dir))
    writer = _BuildWriter(index)  # holds the index's lock; its own (empty) segment is dropped
    app = current_app._get_current_object()
    workers = [context.Process(target=_build_part, name=f"search-build-{part}", daemon=True,
                               args=(app, str(index_dir), source.entity, part_ids, part, done, results,
                                     os.getpid()))
               for part, part_ids in enumerate(parts)]
    segments: dict[int, object] = {}
    reported = 0
    try:
        for worker in workers:
            worker.start()
        while len(segments) < len(workers):
            try:
                part, outcome, segment = results.get(timeout=0.25)
            except queue.Empty:
                dead = [w for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"{dead[0].name} ended with exit code {dead[0].exitcode}") from None
            else:
                if outcome != "ok":
                    raise RuntimeError(f"building part {part} of the index failed:\n{outcome}")
                segments[part] = segment
            if progress:
                now = done.value
                if now > reported:
                    progress(now - reported)
                    reported = now
        for worker in workers:
            worker.join()
        writer._close_segment()
        # After any segments the index already had, in id order.
        writer._commit_toc([*writer.segments, *(segments[part] for part in sorted(segments))])
        writer._finish()
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            if worker.pid is not None:
                worker.join(timeout=5)
        if not writer.is_closed:
            writer.cancel()
        raise
    if progress and done.value > reported:
        progress(done.value - reported)
    return sum(segment.doc_count_all() for segment in segments.values())


def _build_part(app, index_dir: str, entity: str, ids: list[int], part: int, done, results,
                parent: int) -> None:
    """In a child process: write the documents of these ids into a segment of their own and
    send the segment back. Stops if the parent is gone (a killed `search reindex`)."""
    from marketplace.search import index as store
    from marketplace.search.documents import SOURCES

    store.let_go_of_inherited_locks()
    try:
        with app.app_context():
            engine = reading_engine()
            engine.dispose(close=False)  # the parent's connections stay the parent's
            source = SOURCES[entity]
            index = whoosh_index.open_dir(index_dir)
            writer = _BuildWriter(index, _lk=False, limitmb=LIMIT_MB)
            added = 0
            with Session(engine) as session:
                for document in source.documents_of(session, ids):
                    writer.add_document(**document)
                    added += 1
                    if added % PROGRESS_EVERY == 0:
                        if os.getppid() != parent:
                            os._exit(1)
                        with done.get_lock():
                            done.value += PROGRESS_EVERY
            segment = writer._finalize_segment()
            with done.get_lock():
                done.value += added % PROGRESS_EVERY
        results.put((part, "ok", segment))
    except BaseException:  # noqa: BLE001 - reported to the parent, which fails the build
        results.put((part, traceback.format_exc(), None))
    # Let the queue's feeder thread hand the result over before this process ends.
    results.close()
    results.join_thread()
    time.sleep(0)
