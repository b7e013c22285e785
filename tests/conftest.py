"""Fixtures for every test: the app, a migrated database, a client that fills in CSRF tokens, and
`login_as(role)`.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema is
built by the migrations, as in production, once per run; each test then starts from empty tables.
"""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.core import clock
from marketplace.extensions import db

CSRF_META = re.compile(rb'<meta name="csrf-token" content="([^"]+)"')


def _database_url(tmp_path_factory, worker: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker == "master":
        return url
    # Each pytest-xdist worker gets a database of its own, next to the one named in the URL.
    parsed = make_url(url)
    worker_url = parsed.set(database=f"{parsed.database}_{worker}")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{worker_url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    admin.dispose()
    return worker_url.render_as_string(hide_password=False)


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    url = _database_url(tmp_path_factory, worker_id)
    if url.startswith("postgresql"):
        _reset_postgres_schema(url)
    return url



def make_config(database_url: str, directory: Path, **overrides) -> type[TestConfig]:
    values = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_INDEX_DIR": str(directory / "search_index"),
        "UPLOAD_DIR": str(directory / "uploads"),
        **overrides,
    }
    return type("RunConfig", (TestConfig,), values)


class CsrfClient(FlaskClient):
    """A test client that behaves like a browser talking to a separate server.

    Each request runs in a thread of its own, so it gets its own application context, `g` and
    database session, as in production (Flask would otherwise reuse the test's context, and with it
    the signed-in user cached in `g`). Before a request, whatever the test wrote is committed; after
    it, the test's objects are expired so they are read afresh.

    It can also fetch and send the CSRF token like a browser does.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        db.session.commit()
        with ThreadPoolExecutor(max_workers=1) as pool:
            response = pool.submit(super().open, *args, **kwargs).result()
        db.session.expire_all()
        return response

    def csrf_token(self, path: str = "/cookies") -> str:
        response = self.get(path)
        match = CSRF_META.search(response.data)
        assert match, f"no CSRF token on {path}"
        return match.group(1).decode()

    def post_form(self, path: str, data: dict | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token())
        # Over https Flask-WTF also checks the Referer, which a browser sends for same-site forms.
        headers = {"Referer": "https://localhost/", **kwargs.pop("headers", {})}
        return self.post(path, data=payload, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    directory = tmp_path_factory.mktemp("app")
    application = create_app(make_config(database_url, directory))
    application.test_client_class = CsrfClient
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    return application


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Every test starts with empty tables, a running clock and no leftover session."""
    if "app" not in request.fixturenames and "db_session" not in request.fixturenames:
        yield
        return
    context = app.app_context()
    context.push()
    try:
        yield
    finally:
        clock.fix(None)
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        empty_search_index(app)
        context.pop()


def empty_search_index(app) -> None:
    from marketplace.search.index import close_searchers

    close_searchers()
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"], ignore_errors=True)


def empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608 - names from our own metadata
            # Ids start again at 1, as RESTART IDENTITY does on PostgreSQL (tables are AUTOINCREMENT).
            connection.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Sign `client` in as a new user with `role` (a Role or its value) and return the user."""
    from tests.factories import UserFactory
    from tests.helpers import sign_in_client

    def _login(role, **user_fields):
        user = UserFactory(role=str(role), **user_fields)
        db.session.commit()
        sign_in_client(client, user)
        return user

    return _login


@pytest.fixture
def served_site(app):
    """gunicorn with 2 workers serving the test database (tests/served.py); stopped after the test."""
    from tests.served import ServedSite

    site = ServedSite(app, workers=2).start()
    try:
        yield site
    finally:
        site.stop()
