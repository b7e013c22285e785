"""Health checks, structured logs, and backup and restore."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.core.logs import RequestContextFilter
from marketplace.extensions import db
from marketplace.search import sync
from tests.factories import ParticipantFactory, UserFactory


def test_health_is_ok_when_the_database_and_index_are(client):
    sync.ensure_index()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "search_index": "ok"}


def test_health_reports_a_missing_index(client):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["search_index"] == "missing"


def test_log_lines_carry_the_request_id_and_mask_secrets(app):
    record = logging.LogRecord("marketplace.test", logging.INFO, __file__, 1, "signed in", None, None)
    record.password = "hunter2-hunter2"
    with app.test_request_context("/sign-in", method="POST"):
        from flask import g

        g.request_id = "req-12345678"
        assert RequestContextFilter().filter(record)
    assert record.request_id == "req-12345678" and record.path == "/sign-in"
    assert record.password == "[masked]"


def test_production_logs_are_json_lines(database_url, tmp_path, capsys):
    from marketplace import create_app
    from tests.conftest import make_config

    production = create_app(make_config(database_url, tmp_path, TESTING=False))
    with production.test_request_context("/"):
        logging.getLogger("marketplace.core.test").warning("something happened")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["message"] == "something happened" and entry["level"] == "WARNING"
    assert "request_id" in entry


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup and restore commands are for SQLite; PostgreSQL uses pg_dump (tested in bench)")


def test_backup_then_restore_brings_back_every_record_and_a_working_index(app, tmp_path, sqlite_only):
    UserFactory(email="kept@test.example", role="case_manager")
    for _ in range(3):
        ParticipantFactory()
    db.session.commit()
    runner = app.test_cli_runner()
    backup_file = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", "--to", str(backup_file)])
    assert result.exit_code == 0, result.output
    UserFactory(email="after-backup@test.example", role="employer")
    db.session.commit()
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    assert "participants: 3" in result.output
    db.session.remove()
    emails = set(db.session.scalars(select(User.email)))
    assert "kept@test.example" in emails and "after-backup@test.example" not in emails
    assert len(sync.indexed_ids("participants")) == 3


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path, sqlite_only):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"MZ not a database at all")
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0
    assert "is not a" in result.output


def test_prune_removes_old_notifications_and_emails_but_keeps_recent_ones(app):
    from datetime import timedelta

    from marketplace.core import clock
    from marketplace.core.models import Notification, OutboxMessage
    from tests.factories import NotificationFactory, OutboxMessageFactory

    NotificationFactory(created_at=clock.now() - timedelta(days=400))
    recent = NotificationFactory()
    OutboxMessageFactory(created_at=clock.now() - timedelta(days=100))
    OutboxMessageFactory()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["maintenance", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 old notifications and 1 old emails" in result.output
    db.session.rollback()
    assert [n.id for n in db.session.scalars(select(Notification))] == [recent.id]
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1
