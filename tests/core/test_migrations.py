"""The migrations build exactly the schema the models describe, so a model change without its
migration (or a migration that drifts from the models) fails here rather than in production."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Integer, delete, func, inspect, select, text

from marketplace.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def _own_integer_keys(connection) -> dict[str, str]:
    """Each table whose key is one integer column of its own (not another table's id): table -> column."""
    inspector = inspect(connection)
    keys = {}
    for name in inspector.get_table_names():
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        referring = {column for fk in inspector.get_foreign_keys(name) for column in fk["constrained_columns"]}
        types = {column["name"]: column["type"] for column in inspector.get_columns(name)}
        if len(key) == 1 and isinstance(types[key[0]], Integer) and key[0] not in referring:
            keys[name] = key[0]
    return keys


def test_no_table_hands_out_an_id_twice(app):
    """The audit log and the search index's log name records by id. On SQLite only AUTOINCREMENT stops a
    deleted newest row's id from going to the next row; on PostgreSQL a sequence never goes back."""
    with app.app_context(), db.engine.connect() as connection:
        keys = _own_integer_keys(connection)
        assert "convictions" in keys and "participants" in keys and "audit_events" in keys
        if connection.dialect.name == "sqlite":
            created = dict(connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
            assert [name for name in keys if "AUTOINCREMENT" not in created[name]] == []
        else:
            assert [name for name, column in keys.items() if connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": name, "column": column}
            ).scalar() is None] == []


def test_a_pruned_index_log_starts_after_its_last_position(app):
    """The search index remembers the last log position it applied: had pruning the whole log let ids
    start again at 1, every later change would sit below that position and never reach the index."""
    from marketplace.search.models import IndexTask

    with app.app_context():
        tasks = [IndexTask(entity="participant", entity_id=n) for n in range(3)]
        db.session.add_all(tasks)
        db.session.commit()
        last = tasks[-1].id
        db.session.execute(delete(IndexTask))
        db.session.commit()
        task = IndexTask(entity="participant", entity_id=9)
        db.session.add(task)
        db.session.commit()
        assert task.id > last


def test_rebuilding_tables_on_sqlite_keeps_every_row_and_what_refers_to_them(tmp_path):
    """0020 rebuilds every SQLite table. Dropping an old table with foreign keys on would delete the rows
    that refer to it (ON DELETE CASCADE) or blank their reference (SET NULL): migrations run with them off
    (migrations/env.py), each checked before it commits, and the connection is not reused afterwards."""
    from flask_migrate import downgrade, upgrade

    from marketplace import create_app
    from marketplace.core.models import AuditEvent
    from marketplace.core.operations import record_audit
    from marketplace.disclosure.models import ConvictionRecord, SentenceRecord
    from tests.conftest import make_config
    from tests.disclosure.records import conviction
    from tests.factories import ParticipantFactory

    application = create_app(make_config(f"sqlite:///{tmp_path / 'migrating.db'}", tmp_path))
    with application.app_context():
        before = ScriptDirectory(str(MIGRATIONS)).get_revision("0020_ids_never_reused").down_revision
        upgrade(revision=before)
        person = ParticipantFactory()
        record = conviction(person, sentences=(("community_order", 12, None), ("fine", None, None)))
        record_audit("conviction.added", person, detail=f"conviction {record.id}")
        db.session.commit()
        newest, case_manager = record.id, person.case_manager_id

        def counts():
            found = [db.session.scalar(select(func.count()).select_from(model))
                     for model in (ConvictionRecord, SentenceRecord, AuditEvent)]
            db.session.commit()  # no read left open across a migration's writes
            return found

        assert counts() == [1, 2, 1]
        upgrade()
        assert counts() == [1, 2, 1]
        assert db.session.get(type(person), person.id).case_manager_id == case_manager  # SET NULL did not run
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1

        db.session.delete(db.session.get(ConvictionRecord, newest))
        db.session.commit()
        assert counts() == [0, 0, 1]
        assert conviction(db.session.get(type(person), person.id)).id > newest
        db.session.commit()

        downgrade(revision=before)
        assert counts() == [1, 1, 1]
        upgrade()
        assert counts() == [1, 1, 1]
        db.session.remove()
        db.engine.dispose()
