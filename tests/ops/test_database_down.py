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
