"""Production logs: JSON lines with request ids, and never a password or offence details, even when
a request carrying them fails inside the database."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import text

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import CsrfClient, make_config
from tests.factories import UserFactory
from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
WRONG_PASSWORD = "wrong-horse-battery-staple-91"
OFFENCE_DETAILS = "Section 18 wounding with intent, Leeds Crown Court 2019"


@pytest.fixture
def production(database_url, tmp_path, app):
    """The app as deployed (TESTING off, so JSON logging on), with one route that fails in the
    database while holding offence details, as a buggy page might."""
    logger = logging.getLogger("marketplace")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    application = create_app(make_config(database_url, tmp_path, TESTING=False))
    application.test_client_class = CsrfClient

    def failing_write():
        db.session.execute(text("INSERT INTO no_such_table (details) VALUES (:details)"),
                           {"details": request.form["details"]})
        return "unreachable"

    application.add_url_rule("/ops-test/failing-write", view_func=failing_write, methods=["POST"])
    application.log_output = io.StringIO()
    (handler,) = logger.handlers
    handler.setStream(application.log_output)
    yield application
    logger.handlers[:], logger.level, logger.propagate = saved


def test_logs_never_hold_passwords_or_offence_details(production):
    user = UserFactory(role="case_manager")
    db.session.commit()
    client = production.test_client()
    refused = client.post_form("/sign-in", {"email": user.email, "password": WRONG_PASSWORD})
    assert refused.status_code == 400
    signed_in = client.post_form("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    assert signed_in.status_code == 302
    failed = client.post_form("/ops-test/failing-write", {"details": OFFENCE_DETAILS,
                                                          "password": WRONG_PASSWORD})
    assert failed.status_code == 500
    assert b"Traceback" not in failed.data and OFFENCE_DETAILS.encode() not in failed.data

    logged = production.log_output.getvalue()
    entries = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    errors = [entry for entry in entries if entry["level"] == "ERROR"]
    assert errors, repr(logged)  # the failure was logged, as JSON, with its request id and traceback
    assert errors[-1]["request_id"] == failed.headers["X-Request-ID"]
    assert "no_such_table" in errors[-1]["exc_info"]
    for secret in (WRONG_PASSWORD, TEST_PASSWORD, OFFENCE_DETAILS, "Section 18"):
        assert secret not in logged


def test_database_echoes_are_scrubbed_from_tracebacks():
    from marketplace.core.logs import DATABASE_ECHOES

    traceback_text = ('psycopg.errors.UniqueViolation: duplicate key value violates unique constraint "uq"\n'
                      'DETAIL:  Key (email)=(someone@example.org) already exists.\n'
                      "[SQL: INSERT INTO users (email) VALUES (%(email)s)]\n"
                      "[parameters: {'email': 'someone@example.org', 'notes': 'GBH 2019'}]\n")
    scrubbed = DATABASE_ECHOES.sub("[removed]", traceback_text)
    assert "someone@example.org" not in scrubbed and "GBH" not in scrubbed
    assert "UniqueViolation" in scrubbed and "INSERT INTO users" in scrubbed


def test_the_access_log_records_the_path_without_its_query_string(capsys):
    import logging.config
    from datetime import timedelta
    from types import SimpleNamespace

    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    access = logging.getLogger("gunicorn.access")
    saved = (access.handlers[:], logging.getLogger().handlers[:], logging.getLogger("gunicorn.error").handlers[:])
    try:
        logging.config.dictConfig(namespace["logconfig_dict"])
        logger_class = namespace["logger_class"]
        logger = logger_class.__new__(logger_class)
        logger.access_log = access
        logger.access(SimpleNamespace(status="302 FOUND", headers=[("X-Request-ID", "abc12345")], sent=0), None,
                      {"REQUEST_METHOD": "GET", "PATH_INFO": "/search/", "QUERY_STRING": "q=Robin+Marsh"},
                      timedelta(milliseconds=3))
    finally:
        access.handlers[:], logging.getLogger().handlers[:], logging.getLogger("gunicorn.error").handlers[:] = saved
    line = capsys.readouterr().out.strip()
    entry = json.loads(line)
    assert (entry["path"], entry["status"], entry["request_id"]) == ("/search/", 302, "abc12345")
    assert "Robin" not in line


def test_gunicorns_own_messages_are_json_lines_too(capsys):
    import logging.config

    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    error_logger = logging.getLogger("gunicorn.error")
    saved = (error_logger.handlers[:], error_logger.propagate, logging.getLogger().handlers[:])
    try:
        logging.config.dictConfig(namespace["logconfig_dict"])
        error_logger.warning("WORKER TIMEOUT (pid:%s)", 1234)
    finally:
        error_logger.handlers[:], error_logger.propagate, logging.getLogger().handlers[:] = saved
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["logger"] == "gunicorn.error" and entry["message"] == "WORKER TIMEOUT (pid:1234)"
