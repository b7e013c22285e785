"""The index follows the database: changes, closures and erasures reach it; a crash delays it but
`search sync` brings it back; several writers at once never surface a lock error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.core import clock
from marketplace.core.db import write_intent
from marketplace.extensions import db
from marketplace.participants import operations
from marketplace.participants.models import CaseStatus, Participant
from marketplace.search import index as store
from marketplace.search import sync
from tests.factories import ParticipantFactory, UserFactory

PROJECT = Path(__file__).resolve().parents[2]


def details(number: str, **changes) -> operations.Details:
    values = dict(participant_number=number, first_name="Alex", last_name="Sample",
                  date_of_birth=clock.today() - timedelta(days=365 * 30), location="community",
                  release_region="London", skills=["forklift driving"], interests=["Logistics and warehousing"])
    values.update(changes)
    return operations.Details(**values)


def active_ids() -> set[int]:
    db.session.rollback()
    return set(db.session.scalars(select(Participant.id).where(Participant.status == CaseStatus.ACTIVE)))


def test_create_edit_close_and_erase_reach_the_index(app):
    manager = UserFactory(role="case_manager")
    db.session.commit()
    assert sync.ensure_index() is True
    first = operations.create_participant(details("A1"), manager)
    second = operations.create_participant(details("A2"), manager)
    db.session.commit()
    assert sync.indexed_ids("participants") == {first.id, second.id}
    operations.update_participant(first, details("A1", skills=["barista"]), manager)
    db.session.commit()
    searcher = store.searcher("participants")
    from whoosh.query import Term

    assert [hit["id"] for hit in searcher.search(Term("concepts", "barista"))] == [first.id]
    operations.close_case(first, "moved_away", "", manager)
    db.session.commit()
    assert sync.indexed_ids("participants") == {second.id}
    operations.erase_participant(second, manager)
    db.session.commit()
    assert sync.indexed_ids("participants") == set()
    report = sync.status()["participants"]
    assert report["database"] == 0 and report["index"] == 0 and report["pending"] == 0


def test_reindex_builds_a_new_generation_and_old_searchers_keep_working(app):
    for _ in range(3):
        ParticipantFactory()
    db.session.commit()
    sync.reindex()
    old_generation = store.current_generation()
    old_searcher = store.searcher("participants")
    assert old_searcher.doc_count() == 3
    ParticipantFactory()
    db.session.commit()
    counts = sync.reindex()
    assert counts["participants"] == 4
    assert store.current_generation() != old_generation
    assert old_searcher.doc_count() == 3  # still readable after the swap
    assert store.searcher("participants").doc_count() == 4


def test_a_busy_index_lock_never_fails_the_write_and_sync_catches_up(app):
    manager = UserFactory(role="case_manager")
    db.session.commit()
    sync.ensure_index()
    held = store.open_index("participants").writer()  # another process is writing
    try:
        person = operations.create_participant(details("B1"), manager)
        db.session.commit()
        assert sync.status()["participants"]["pending"] == 1
    finally:
        held.cancel()
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert sync.indexed_ids("participants") == {person.id}


@pytest.mark.concurrency
def test_many_writers_at_once_lose_nothing(app):
    manager_id = UserFactory(role="case_manager").id
    db.session.commit()
    sync.ensure_index()
    writers = 8
    barrier = threading.Barrier(writers)

    def write(number):
        with app.app_context():
            write_intent()
            barrier.wait(timeout=10)
            from marketplace.accounts.models import User

            manager = db.session.get(User, manager_id)
            for step in range(3):
                operations.create_participant(details(f"W{number}-{step}"), manager)
                db.session.commit()
            return True

    with ThreadPoolExecutor(writers) as pool:
        assert all(pool.map(write, range(writers)))
    app.test_cli_runner().invoke(args=["search", "sync"])
    assert len(active_ids()) == writers * 3
    assert sync.indexed_ids("participants") == active_ids()


KILLED_WORKER = textwrap.dedent("""
    import sys
    from datetime import date
    from marketplace import create_app
    from marketplace.config import TestConfig
    from marketplace.core.db import write_intent
    from marketplace.extensions import db
    from marketplace.participants import operations
    from marketplace.accounts.models import User

    config = type("C", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[2]})
    app = create_app(config)
    with app.app_context():
        write_intent()
        manager = db.session.get(User, int(sys.argv[3]))
        for step in range(100000):
            details = operations.Details(
                participant_number=f"K{step}", first_name="Kai", last_name="Killed", date_of_birth=date(1990, 1, 1),
                location="community", release_region="Wales", skills=["welding"])
            person = operations.create_participant(details, manager)
            db.session.commit()
            if step % 3 == 0:
                operations.close_case(person, "moved_away", "", manager)
                db.session.commit()
            print(step, flush=True)
""")


def test_a_worker_killed_mid_update_is_caught_up_by_sync(app, tmp_path):
    manager_id = UserFactory(role="case_manager").id
    db.session.commit()
    sync.ensure_index()
    script = tmp_path / "worker.py"
    script.write_text(KILLED_WORKER)
    worker = subprocess.Popen(
        [sys.executable, str(script), app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"],
         str(manager_id)], cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)})
    try:
        for _ in range(40):  # let it write a while, then kill it without warning
            if worker.stdout.readline() == "":
                break
        time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read()
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    expected = active_ids()
    assert len(expected) >= 20
    assert sync.indexed_ids("participants") == expected


def test_a_failed_rebuild_leaves_no_half_built_generation(app, monkeypatch):
    ParticipantFactory()
    db.session.commit()
    sync.reindex()
    before = sorted(path.name for path in store.root().glob("gen-*"))

    def broken(_participant):
        raise RuntimeError("the database went away mid-build")

    monkeypatch.setitem(sync.SOURCES, "participant", sync.SOURCES["participant"].__class__(
        "participants", "participant", sync.SOURCES["participant"].indexable, sync.SOURCES["participant"].model,
        broken))
    with pytest.raises(RuntimeError):
        sync.reindex()
    assert sorted(path.name for path in store.root().glob("gen-*")) == before
