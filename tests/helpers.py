"""Small helpers the tests share."""

from __future__ import annotations

from flask import session as flask_session

from marketplace.accounts import sessions
from marketplace.accounts.models import UserSession
from marketplace.core import clock
from marketplace.core.tokens import new_token
from marketplace.extensions import db

TEST_PASSWORD = "quartz-meadow-lantern-7"  # noqa: S105


def sign_in_client(client, user) -> UserSession:
    """Give `client` a real server-side session for `user`, as the sign-in page would."""
    token, token_hash = new_token()
    record = UserSession(token_hash=token_hash, user_id=user.id, created_at=clock.now(), user_agent="test")
    db.session.add(record)
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session[sessions.TOKEN_KEY] = token
        session[sessions.LAST_SEEN_KEY] = int(clock.now().timestamp())
    return record


def session_cookie(client, app) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="localhost")
    assert cookie is not None, "the client has no session cookie"
    return cookie.value


def location(response) -> str:
    return response.headers.get("Location", "")


def flask_session_value(key):
    return flask_session.get(key)
