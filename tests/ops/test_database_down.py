"""A database that is down answers a clean 503 page, and the next request after it is back works."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from marketplace import create_app
from tests.conftest import make_config
from tests.served import free_port


def test_a_lost_database_connection_is_a_clean_503(database_url, tmp_path, app, keep_log_setup):
    deployed = create_app(make_config(database_url, tmp_path, TESTING=False))
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection"))
        return "back"

    deployed.add_url_rule("/ops-test/flaky", view_func=flaky)
    client = deployed.test_client()
    down = client.get("/ops-test/flaky")
    assert down.status_code == 503
    assert b"unavailable" in down.data and b"Traceback" not in down.data and b"SELECT" not in down.data
    assert client.get("/ops-test/flaky").data == b"back"


def test_a_signed_in_page_with_the_database_gone_gets_the_house_503_page(database_url, tmp_path, app,
                                                                           keep_log_setup):
    """The outside test saw the plain-text fallback: the error page's header asked the database who
    was signed in and how many notifications they had, and failed again."""
    from sqlalchemy import event

    from marketplace.extensions import db
    from tests.factories import UserFactory
    from tests.helpers import sign_in_client

    deployed = create_app(make_config(database_url, tmp_path, TESTING=False))
    user = UserFactory(role="case_manager")
    db.session.commit()
    down = []

    def database_gone(*_args, **_kwargs):
        if down:
            raise OperationalError("SELECT", {}, psycopg.OperationalError("server closed the connection"))

    def page_that_loses_the_database():
        from flask_login import current_user

        assert current_user.is_authenticated  # loaded while the database was there
        down.append(1)
        db.session.execute(db.select(1))
        return "unreachable"

    deployed.add_url_rule("/ops-test/database-goes", view_func=page_that_loses_the_database)
    with deployed.app_context():
        event.listen(db.engine, "before_cursor_execute", database_gone)
    try:
        client = deployed.test_client()
        sign_in_client(client, user)
        answer = client.get("/ops-test/database-goes")
    finally:
        with deployed.app_context():
            event.remove(db.engine, "before_cursor_execute", database_gone)
    assert answer.status_code == 503
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "The service is unavailable at the moment" in page and "govuk-template__header" in page
    assert "Sign out" not in page and user.full_name not in page


def _postgres_bin(name: str) -> str | None:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


@pytest.fixture
def throwaway_postgres():
    """A PostgreSQL server of the test's own (initdb in a temporary folder, on a free port), so the
    test can stop it under a request without touching the database everyone else uses. Returns
    (url, stop, start). PostgreSQL refuses to run as root, so as root it runs as the postgres user."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    as_owner: list[str] = []
    # Its own folder under the system's temporary folder: pytest's is private to the user running it.
    folder = Path(tempfile.mkdtemp(prefix="throwaway-postgres-"))
    data = folder / "data"
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    run = lambda *command: subprocess.run([*as_owner, *command], check=True, capture_output=True,  # noqa: E731
                                          timeout=120)
    run(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    port = free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = lambda: run(pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start")  # noqa: E731
    stop = lambda: run(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop")  # noqa: E731
    start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop, start
    finally:
        subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_stopping_postgresql_under_a_signed_in_request_answers_the_house_503_page(throwaway_postgres, tmp_path,
                                                                                  keep_log_setup):
    """The issue's own test: a real PostgreSQL stopped while a signed-in request is being answered.
    The page is the house 503 page with the anonymous header (asking the database nothing), both when
    the database goes in the middle of the request and when it is already gone as the next one
    arrives; once it is back, the same cookie signs the person in again."""
    from marketplace.extensions import db
    from tests.factories import UserFactory
    from tests.helpers import sign_in_client

    url, stop, start = throwaway_postgres
    deployed = create_app(make_config(url, tmp_path, TESTING=False))

    def page_during_which_the_database_stops():
        stop()
        db.session.execute(db.select(1))
        return "unreachable"

    deployed.add_url_rule("/ops-test/database-stops", view_func=page_during_which_the_database_stops)
    with deployed.app_context():
        db.create_all()
        user = UserFactory(role="case_manager", full_name="Dana Whitfield")
        db.session.commit()
        client = deployed.test_client()
        sign_in_client(client, user)
        db.session.remove()
    # Each request in an application context of its own, as in production (`g` is per request).
    assert "Dana Whitfield" in client.get("/home").get_data(as_text=True)

    for answer in (client.get("/ops-test/database-stops"), client.get("/home"), client.get("/notifications")):
        page = answer.get_data(as_text=True)
        assert answer.status_code == 503 and answer.mimetype == "text/html", (answer.status_code, page[:300])
        assert "The service is unavailable at the moment" in page and "govuk-template__header" in page
        assert "Sign out" not in page and "Dana Whitfield" not in page and "Traceback" not in page

    start()
    back = client.get("/home")
    assert back.status_code == 200 and "Dana Whitfield" in back.get_data(as_text=True)
    with deployed.app_context():
        db.engine.dispose()
