"""Backups of the SQLite database, taken and restored online with SQLite's backup API, so the
service need not stop. PostgreSQL deployments use pg_dump and pg_restore (see the README). The
search index is not backed up: it is rebuilt from the restored database with `search reindex`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from marketplace.core import clock
from marketplace.core.exceptions import Refused
from marketplace.extensions import db

PG_HELP = ("This deployment uses PostgreSQL: back it up with `pg_dump --format=custom --file=FILE "
           "DATABASE_URL` and restore with `pg_restore --clean --if-exists --dbname=DATABASE_URL FILE`, "
           "then run `flask --app marketplace search reindex`.")


def _sqlite_path() -> str:
    url = make_url(db.engine.url)
    if url.get_backend_name() != "sqlite":
        raise Refused(PG_HELP)
    return url.database


def backup(destination: Path | None = None) -> Path:
    """Copy the live database to `destination` (default instance/backups/<timestamp>.db)."""
    source_path = _sqlite_path()
    if destination is None:
        destination = Path(source_path).parent / "backups" / f"marketplace-{clock.now():%Y%m%dT%H%M%S}.db"
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        raise Refused(f"{destination} already exists")
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    return destination


def restore(backup_file: Path) -> None:
    """Replace the live database's contents with `backup_file`, in one step."""
    live_path = _sqlite_path()
    if not backup_file.is_file():
        raise Refused(f"There is no file {backup_file}")
    try:
        candidate = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        tables = {row[0] for row in candidate.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise Refused(f"{backup_file} is not a SQLite database") from None
    if "alembic_version" not in tables or "users" not in tables:
        candidate.close()
        raise Refused(f"{backup_file} is not a backup of this service")
    db.session.remove()
    db.engine.dispose()
    live = sqlite3.connect(live_path)
    try:
        with live:
            candidate.backup(live)
    finally:
        live.close()
        candidate.close()
