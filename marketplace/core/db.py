"""Database plumbing shared by every model: UTC timestamps and SQLite connection behaviour.

SQLite is the embedded default and PostgreSQL the multi-worker deployment; the code is the same.
On SQLite several gunicorn workers share one file, so each connection uses WAL (readers never block
the writer), a generous busy timeout, and foreign keys. A transaction that will write starts with
BEGIN IMMEDIATE: it takes the write lock at once and waits its turn, instead of starting as a reader
and failing with "database is locked" when it later tries to upgrade.

Which transactions will write is decided before they start:
- a request with an unsafe method (POST, ...) writes; GET, HEAD and OPTIONS read, unless the view is
  marked `writes_to_database` (for example a page whose every view is written to the audit log);
- outside requests (CLI commands, workers, threads) a transaction writes when `write_intent()` was
  called in the application context; otherwise it starts as a plain read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def writes_to_database(view):
    """Mark a GET view that writes (an audit row, marking things read) so SQLite takes the write lock
    at the start of its transaction."""
    view.writes_to_database = True
    return view


def mark_request_transaction_mode(app: Flask) -> None:
    """Decide, before the request touches the database, whether its transaction will write."""
    view = app.view_functions.get(request.endpoint) if request.endpoint else None
    writes = request.method not in SAFE_METHODS or getattr(view, "writes_to_database", False)
    g.read_only_transaction = not writes


def write_intent() -> None:
    """Declare that transactions in this application context (a CLI command, a worker thread) will
    write, so that on SQLite they take the write lock when they begin."""
    g.write_intent = True


def reading_engine():
    """The database engine for work that only reads (e.g. following the log of index tasks): its
    transactions never take SQLite's write lock, so they cannot wait on, or hold up, a writer."""
    from marketplace.extensions import db

    return db.engine.execution_options(read_only_transaction=True)


def _begin_statement(connection=None) -> str:
    if connection is not None and connection.get_execution_options().get("read_only_transaction"):
        return "BEGIN"
    if has_request_context():
        return "BEGIN" if g.get("read_only_transaction", False) else "BEGIN IMMEDIATE"
    if has_app_context() and g.get("write_intent", False):
        return "BEGIN IMMEDIATE"
    return "BEGIN"


def configure_sqlite(engine: Engine, busy_timeout_seconds: int) -> None:
    """Attach the connection behaviour described in the module docstring to a SQLite engine."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, instead of pysqlite's own guesswork.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql(_begin_statement(connection))


def lock_for_update(model, object_id: int):
    """Load a row and hold it for this transaction. On PostgreSQL this is SELECT ... FOR UPDATE; on
    SQLite the transaction already holds the write lock (BEGIN IMMEDIATE), so a plain read is enough.
    `populate_existing` refreshes an object already loaded earlier in the request."""
    from marketplace.extensions import db

    return db.session.get(model, object_id, with_for_update=True, populate_existing=True)
