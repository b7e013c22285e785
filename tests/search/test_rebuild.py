"""A full rebuild (`search reindex`): built on several processes it holds exactly what one process
builds, in the same order, and later changes apply to it as to any index; Whoosh's own writer is
not left asking the disk about columns once per posting; a rebuild killed half-way leaves nothing
behind once the next `search sync` or rebuild runs. How fast it is goes in bench/search_speed.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import insert, select
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities import operations as opportunity_operations
from marketplace.search import build, sync
from marketplace.search import index as store
from marketplace.search.queries import SearchRequest, search_opportunities
from marketplace.search.schema import opportunity_schema
from tests.factories import OpportunityFactory, UserFactory, member_organisation

PROJECT = Path(__file__).resolve().parents[2]
TITLES = ["Kitchen porter", "Forklift driver", "CSCS labourer", "Warehouse operative", "IT support trainee",
          "Commis chef", "Security officer (SIA)", "Van delivery driver", "Commercial cleaner", "Welder"]


def contents() -> list[dict]:
    with store.open_index("opportunities").searcher() as searcher:
        reader = searcher.reader()
        return [searcher.stored_fields(docnum) for docnum in reader.all_doc_ids()]


def test_a_rebuild_on_two_processes_holds_what_one_process_builds_in_the_same_order(app):
    employer = UserFactory(role="employer", organisation=member_organisation(3))
    for number in range(30):
        OpportunityFactory(organisation=employer.organisation, title=f"{TITLES[number % 10]} {number}",
                           description=f"Role {number} in the team. Full training given.")
    db.session.commit()

    assert sync.reindex(processes=1)["opportunities"] == 30
    serial = contents()
    serial_search = search_opportunities(SearchRequest(text="driver"), clock.today())
    assert sync.reindex(processes=2)["opportunities"] == 30
    with store.open_index("opportunities").searcher() as searcher:
        segments = [leaf.reader().segment() for leaf, _offset in searcher.leaf_searchers()]
    assert [segment.doc_count() for segment in segments] == [15, 15]  # one segment per process
    assert contents() == serial  # every stored field, in document order (ids ascending)
    assert [fields["id"] for fields in serial] == sorted(fields["id"] for fields in serial)
    parallel_search = search_opportunities(SearchRequest(text="driver"), clock.today())
    assert [hit.id for hit in parallel_search.hits] == [hit.id for hit in serial_search.hits]
    assert len(parallel_search.hits) == 6

    # Later changes apply to the index two processes built as to any other.
    first, second = serial[0]["id"], serial[20]["id"]
    from marketplace.opportunities.models import Opportunity

    details = opportunity_operations.details_of(db.session.get(Opportunity, first))
    details.title = "Night porter"
    opportunity_operations.update_opportunity(first, details, employer)
    db.session.commit()
    opportunity_operations.close(second, employer)
    db.session.commit()
    after = {fields["id"]: fields["title"] for fields in contents()}
    assert after[first] == "Night porter" and second not in after and len(after) == 29
    assert sync.status()["opportunities"]["pending"] == 0


def test_a_rebuild_of_many_records_uses_every_core_only_from_a_process_with_no_other_thread():
    import threading

    assert build.processes_for(100_000, wanted=3) == 3
    assert build.processes_for(100, None) == 1  # too little work to be worth a process
    waiting = threading.Event()
    other = threading.Thread(target=waiting.wait)
    other.start()
    try:
        assert build.processes_for(100_000, None) == 1  # a web worker with its catch-up thread
    finally:
        waiting.set()
        other.join()


def _postings_written_with(writer_class, directory: Path) -> int:
    """How often the writer asks the disk whether a file exists while writing 40 documents."""
    index = whoosh_index.create_in(str(directory), opportunity_schema())
    writer = writer_class(index)
    for number in range(40):
        writer.add_document(key=f"opportunity:{number}", id=number, title="Forklift driver", body="Forklift work",
                            kind="vacancy", sector="Logistics", region="London", status="open")
    asked = 0
    original = FileStorage.file_exists

    def counting(storage, name):
        nonlocal asked
        asked += 1
        return original(storage, name)

    FileStorage.file_exists = counting
    try:
        writer.commit()
    finally:
        FileStorage.file_exists = original
    return asked


def test_the_rebuild_writer_asks_the_disk_once_per_column_not_once_per_posting(tmp_path):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    # Whoosh's own writer: a `stat` per posting of every field without lengths (ids, flags, numbers).
    assert _postings_written_with(SegmentWriter, tmp_path / "whoosh") > 40 * 5
    assert _postings_written_with(build._BuildWriter, tmp_path / "ours") < 40


def test_numbers_and_dates_are_one_term_each():
    from datetime import datetime

    schema = opportunity_schema()
    assert len(list(schema["id"].index(123456))) == 1
    assert len(list(schema["closing"].index(datetime(2027, 5, 2)))) == 1
    assert len(list(schema["latitude"].index(5_412_345))) == 1


def test_a_rebuild_killed_half_way_is_removed_by_the_next_sync(app, tmp_path):
    """SIGKILL a real `flask search reindex` (two processes) while it builds: its generation stays
    on disk, marked as being built, until `search sync` removes it; searches used the old one
    throughout."""
    from marketplace.opportunities.models import Opportunity

    first = OpportunityFactory(title="Forklift driver")
    db.session.commit()
    sync.reindex()
    current = store.current_generation()
    # 3,000 more straight into the table (no index tasks): enough for a build that takes a while.
    row = select(Opportunity.__table__).where(Opportunity.id == first.id)
    template = dict(db.session.execute(row).mappings().one())
    del template["id"]
    db.session.execute(insert(Opportunity), [
        {**template, "title": f"{TITLES[n % 10]} {n}", "external_id": None} for n in range(3000)])
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"], "MARKETPLACE_ENV": "development",
           "SECRET_KEY": "rebuild-test-key", "UPLOAD_DIR": str(tmp_path / "uploads")}
    rebuild = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "flask", "--app", "marketplace", "search", "reindex", "--processes", "2"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    half_built = None
    try:
        deadline = time.monotonic() + 120
        while half_built is None and time.monotonic() < deadline and rebuild.poll() is None:
            half_built = next((generation for generation in store.root().glob("gen-*")
                               if (generation / store.BUILDING_FILE).exists()), None)
            time.sleep(0.005)
        assert half_built is not None, rebuild.stderr.read() if rebuild.poll() is not None else "never started"
        time.sleep(0.5)  # into the build of 3,000 documents, which takes seconds
        assert rebuild.poll() is None, "the rebuild finished before it could be killed"
    finally:
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait(timeout=30)
    assert half_built.exists() and (half_built / store.BUILDING_FILE).exists()
    assert store.current_generation() == current  # never swapped in
    assert [hit.title for hit in search_opportunities(SearchRequest(text="forklift"), clock.today()).hits] == \
        ["Forklift driver"]

    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert f"Removed {half_built.name}, left half-built" in result.output
    assert not half_built.exists()
    assert sorted(path.name for path in store.root().glob("gen-*")) == [current.name]
    assert sync.status()["opportunities"]["index"] == 1  # the rows went in behind the index's back


def test_a_rebuild_after_a_killed_one_removes_it_too(app):
    OpportunityFactory(title="Forklift driver")
    db.session.commit()
    sync.reindex()
    abandoned = store.new_generation()  # as a killed build leaves it: marked, never finished
    assert (abandoned / store.BUILDING_FILE).exists()
    sync.reindex()
    assert not abandoned.exists()
    assert not (store.current_generation() / store.BUILDING_FILE).exists()
    assert [fields["title"] for fields in contents()] == ["Forklift driver"]


def test_the_follower_removes_a_generation_a_killed_rebuild_left(app):
    from marketplace.core.index_follower import follow

    OpportunityFactory(title="Forklift driver")
    db.session.commit()
    sync.reindex()
    current = store.current_generation()
    abandoned = store.new_generation()  # as a killed build leaves it
    follow(interval=0.1, iterations=1)
    assert not abandoned.exists()
    assert store.current_generation() == current
    with store.rebuild_lock():  # while a rebuild runs, its generation is left alone
        building = store.new_generation()
        assert store.remove_abandoned_builds_if_idle() == []
    assert building.exists()
