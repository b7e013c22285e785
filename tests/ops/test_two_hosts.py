"""Two hosts, one database: each keeps its own Whoosh index in its own directory and follows the
database's ordered log of index tasks with its own cursor. Records are changed through both; once
each host's follower has run, both indexes hold exactly what the database says.

Runs on PostgreSQL with TEST_DATABASE_URL (the deployment this is for) and on the shared SQLite file
of the default test run (two processes on one machine share it the same way)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from marketplace import create_app
from marketplace.core import clock
from marketplace.core.db import reading_engine, write_intent
from marketplace.core.index_follower import follow
from marketplace.extensions import db
from marketplace.opportunities.operations import touch
from marketplace.participants import operations
from marketplace.search import index as store
from marketplace.search import sync
from marketplace.search.documents import source_for_index
from marketplace.search.schema import SCHEMAS
from tests.conftest import make_config
from tests.factories import OpportunityFactory, UserFactory, member_organisation


def details(number: str, **changes) -> operations.Details:
    values = dict(participant_number=number, first_name="Alex", last_name="Sample",
                  date_of_birth=clock.today() - timedelta(days=365 * 30), location="community",
                  release_region="London", skills=["forklift driving"], interests=["Logistics and warehousing"])
    values.update(changes)
    return operations.Details(**values)


def index_contents(name: str) -> dict[str, dict]:
    with store.open_index(name).searcher() as searcher:
        return {fields["key"]: fields for fields in searcher.all_stored_fields()}


def database_contents(name: str) -> dict[str, dict]:
    stored = set(SCHEMAS[name]().stored_names())
    with Session(reading_engine()) as session:
        documents = [document for source in source_for_index(name) for document in source.all_documents(session)]
    return {document["key"]: {k: v for k, v in document.items() if k in stored} for document in documents}


@pytest.fixture
def hosts(database_url, tmp_path, app):
    made = [create_app(make_config(database_url, tmp_path / name)) for name in ("host-a", "host-b")]
    yield made
    for host in made:
        with host.app_context():
            store.close_searchers()
            db.session.remove()


def on(host, work):
    """Run `work` on `host` as one of its workers would: its own context, session and index."""
    with host.app_context():
        write_intent()
        try:
            return work()
        finally:
            db.session.remove()


def test_both_hosts_indexes_converge_on_the_database(hosts):
    host_a, host_b = hosts
    manager_id = UserFactory(role="case_manager").id
    db.session.commit()
    for host in hosts:
        on(host, sync.ensure_index)

    def first_changes():
        from marketplace.accounts.models import User

        manager = db.session.get(User, manager_id)
        first = operations.create_participant(details("H1"), manager)
        second = operations.create_participant(details("H2"), manager)
        touch(OpportunityFactory(title="Forklift driver"))
        db.session.commit()
        return first.id, second.id

    first_id, second_id = on(host_a, first_changes)
    # Host A applied its own change after the commit; host B's index has not seen it yet.
    assert on(host_a, lambda: set(index_contents("participants"))) == {f"participant:{first_id}",
                                                                       f"participant:{second_id}"}
    assert on(host_b, lambda: index_contents("participants")) == {}

    def second_changes():
        from marketplace.accounts.models import User
        from marketplace.participants.models import Participant

        manager = db.session.get(User, manager_id)
        operations.update_participant(db.session.get(Participant, first_id), details("H1", skills=["barista"]),
                                      manager)
        operations.close_case(db.session.get(Participant, second_id), "moved_away", "", manager)
        operations.create_participant(details("H3", first_name="Sam"), manager)
        touch(OpportunityFactory(title="Barista trainee"))
        db.session.commit()

    on(host_b, second_changes)
    # Host A still shows the first participant with their old skills: its cursor is behind.
    assert on(host_a, lambda: index_contents("participants")) != on(host_a, lambda: database_contents("participants"))

    for host in hosts:
        on(host, lambda: follow(interval=0.1, iterations=1))

    for host in hosts:
        for name in SCHEMAS:
            in_index = on(host, lambda name=name: index_contents(name))
            assert in_index == on(host, lambda name=name: database_contents(name)), (host.config["SEARCH_INDEX_DIR"],
                                                                                    name)
            assert in_index  # both indexes hold records, so equality says something
    for host in hosts:
        assert all(row["pending"] == 0 for row in on(host, sync.status).values())
    assert on(host_a, lambda: index_contents("participants")) == on(host_b, lambda: index_contents("participants"))


def test_the_follower_command_catches_a_host_up(hosts):
    host_a, host_b = hosts
    for host in hosts:
        on(host, sync.ensure_index)

    def change():
        touch(OpportunityFactory(title="Kitchen porter"))
        db.session.commit()

    on(host_a, change)
    assert on(host_b, lambda: index_contents("opportunities")) == {}
    with host_b.app_context():  # a command runs in whichever app context is current
        result = host_b.test_cli_runner().invoke(args=["maintenance", "follow-index", "--iterations", "1",
                                                       "--interval", "0.1"])
    assert result.exit_code == 0, result.output
    assert "applying changes to 1 documents" in result.output
    assert on(host_b, lambda: index_contents("opportunities")) == on(host_b, lambda: database_contents("opportunities"))
    assert len(on(host_b, lambda: index_contents("opportunities"))) == 1


def _pending_on(host) -> int:
    return on(host, lambda: sync.status()["opportunities"]["pending"])


def _caught_up(host, follower, timeout: float = 120.0) -> None:
    """Wait until `host`'s follower has applied every index task (a generous bound for a loaded
    test machine; the follower runs every 0.2 s here)."""
    import time

    deadline = time.monotonic() + timeout
    while _pending_on(host) and time.monotonic() < deadline:
        assert follower.poll() is None, follower.stderr.read()
        time.sleep(0.05)
    assert _pending_on(host) == 0


def test_two_running_hosts_serve_an_archived_or_retitled_opportunity_as_the_database_has_it(database_url, tmp_path,
                                                                                            app):
    """Two hosts as deployed: each a gunicorn with 2 workers and its own index directory, each with
    its follower (`flask maintenance follow-index`), one database. An opportunity retitled through
    host A, and one archived through host B, are served changed (or gone) by every worker of the
    host that made the change at once, and by every worker of the other host as soon as its
    follower has caught up: nobody on either host sees the old title or the archived one again."""
    import re
    import subprocess
    import sys

    from tests.opportunities.helpers import form_data
    from tests.served import ROOT, ServedSite

    employer = UserFactory(role="employer", organisation=member_organisation(3))
    manager = UserFactory(role="case_manager")
    bakery = OpportunityFactory(organisation=employer.organisation, title="Bakery assistant",
                                description="Baking bread and serving customers.")
    cleaner = OpportunityFactory(organisation=employer.organisation, title="Bakery cleaner",
                                 description="Cleaning the bakery after the bread is baked.")
    db.session.commit()
    sync.reindex()  # host A's index (the test's own directory)
    bakery_id, cleaner_id = bakery.id, cleaner.id
    host_b_dir = tmp_path / "host-b" / "search_index"
    host_b_app = create_app(make_config(database_url, tmp_path / "host-b"))
    on(host_b_app, sync.ensure_index)

    def titles(page) -> list[str]:
        return re.findall(r'href="/opportunities/\d+">([^<]+)</a>', page.text)

    sites = {"A": ServedSite(app), "B": ServedSite(app, env={"SEARCH_INDEX_DIR": str(host_b_dir)})}
    followers = {}
    try:
        for name, site in sites.items():
            site.start()
            followers[name] = subprocess.Popen(  # noqa: S603 - our own CLI
                [sys.executable, "-m", "flask", "--app", "marketplace", "maintenance", "follow-index",
                 "--interval", "0.2"], cwd=ROOT, env=site.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        hosts = {"A": app, "B": host_b_app}
        searching = {name: site.signed_in(manager) for name, site in sites.items()}
        posting = {name: site.signed_in(employer) for name, site in sites.items()}

        def every_page(name: str, path: str):
            return sites[name].every_worker(searching[name], path).items()

        # Both found by every worker of both hosts (so every worker's searcher is warm).
        for name in sites:
            for pid, page in every_page(name, "/search/?q=bakery"):
                assert sorted(titles(page)) == ["Bakery assistant", "Bakery cleaner"], (name, pid)

        # Retitled through host A: host A's workers at once, host B's once its follower caught up.
        edit = sites["A"].post_form(posting["A"], f"/opportunities/{bakery_id}/edit",
                                    form_data(title="Bakery supervisor"), allow_redirects=False)
        assert edit.status_code == 302, edit.text[:500]
        for pid, page in every_page("A", "/search/?q=bakery"):
            assert sorted(titles(page)) == ["Bakery cleaner", "Bakery supervisor"], ("A", pid)
        _caught_up(host_b_app, followers["B"])
        for pid, page in every_page("B", "/search/?q=bakery"):
            assert sorted(titles(page)) == ["Bakery cleaner", "Bakery supervisor"], ("B", pid)

        # Closed and archived through host B: gone from host B at once, from host A after its follower.
        assert sites["B"].post_form(posting["B"], f"/opportunities/{bakery_id}/close",
                                    allow_redirects=False).status_code == 302
        assert sites["B"].post_form(posting["B"], f"/opportunities/{bakery_id}/archive",
                                    allow_redirects=False).status_code == 302
        for pid, page in every_page("B", "/search/?q=bakery"):
            assert titles(page) == ["Bakery cleaner"], ("B", pid)
        _caught_up(app, followers["A"])
        for name in sites:
            for pid, page in every_page(name, "/search/?q=bakery"):
                assert titles(page) == ["Bakery cleaner"], (name, pid)
            for pid, page in every_page(name, "/search/?q=supervisor"):
                assert titles(page) == [], (name, pid)
        for host in hosts.values():
            assert on(host, lambda: {fields["id"] for fields in index_contents("opportunities").values()}) == {
                cleaner_id}
    finally:
        for follower in followers.values():
            follower.terminate()
            follower.wait(timeout=30)
        for site in sites.values():
            site.stop()
        with host_b_app.app_context():
            store.close_searchers()
            db.session.remove()
