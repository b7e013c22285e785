"""A backup restored elsewhere holds every record, and the index rebuilt from it works: SQLite
through `flask backup` / `flask restore`, PostgreSQL through pg_dump / pg_restore as the README
documents."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from marketplace import create_app
from marketplace.core import clock
from marketplace.extensions import db
from marketplace.opportunities.operations import touch
from marketplace.search import queries
from tests.conftest import make_config
from tests.factories import (
    BookingFactory,
    GatemateRequestFactory,
    NotificationFactory,
    OpportunityFactory,
    ParticipantFactory,
    ReferralFactory,
    UserFactory,
)
from tests.ops.test_two_hosts import database_contents, index_contents


def make_records() -> None:
    UserFactory(email="kept@test.example", role="case_manager")
    for _ in range(3):
        ParticipantFactory()
    for title in ("Forklift driver", "Barista trainee"):
        touch(OpportunityFactory(title=title))
    ReferralFactory()
    BookingFactory()
    GatemateRequestFactory()
    NotificationFactory()
    db.session.commit()


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def assert_index_matches_database() -> None:
    for name in ("participants", "opportunities"):
        assert index_contents(name) == database_contents(name)
    assert len(index_contents("opportunities")) >= 2
    found = queries.search_opportunities(queries.SearchRequest(text="forklift"), clock.today())
    assert [hit.title for hit in found.hits] == ["Forklift driver"]


def test_sqlite_backup_restores_every_record_and_a_working_index(app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("`flask backup` is for SQLite; the PostgreSQL test below uses pg_dump")
    make_records()
    before = row_counts(db.engine)
    assert sum(before.values()) > 20
    runner = app.test_cli_runner()
    backup_file = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", "--to", str(backup_file)]).exit_code == 0
    touch(OpportunityFactory(title="Added after the backup"))
    UserFactory(role="employer")
    db.session.commit()
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert row_counts(db.engine) == before
    assert_index_matches_database()


@pytest.fixture
def restored_postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_dump / pg_restore are for PostgreSQL (set TEST_DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    source = make_url(database_url)
    target = source.set(database=f"ops_restore_{source.database}")
    admin = create_engine(source, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    yield source, target
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def libpq(url) -> str:
    """The URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_pg_dump_and_pg_restore_bring_back_every_record_and_a_working_index(app, tmp_path, restored_postgres):
    source, target = restored_postgres
    make_records()
    before = row_counts(db.engine)
    dump = tmp_path / "marketplace.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(source)], check=True, timeout=120)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={libpq(target)}", str(dump)], check=True, timeout=120)
    restored = create_app(make_config(target.render_as_string(hide_password=False), tmp_path / "restored"))
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["search", "reindex"])
        assert result.exit_code == 0, result.output
        assert row_counts(db.engine) == before
        assert_index_matches_database()
        db.session.remove()
        db.engine.dispose()
