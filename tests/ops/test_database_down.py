"""A database that is down answers a clean 503 page, and the next request after it is back works."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import OperationalError

from marketplace import create_app
from tests.conftest import make_config


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
