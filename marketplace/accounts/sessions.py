"""Server-side sign-in sessions with idle and absolute timeouts.

The signed cookie carries a random session token and the time of the last request. Each request
checks the token against its `UserSession` row (ended? older than the absolute limit?) and the
last-request time against the idle limit. Idle time lives in the cookie so that ordinary page views
never write to the database; revocation lives in the database so that it reaches every copy of the
cookie at once.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from marketplace.accounts.models import User, UserSession
from marketplace.core import clock
from marketplace.core.roles import Role
from marketplace.core.tokens import hash_token, new_token
from marketplace.extensions import db

TOKEN_KEY = "sid"  # noqa: S105 - the name of a session key, not a secret
LAST_SEEN_KEY = "seen"


def begin(user: User) -> UserSession:
    """Start a new session for `user` in this browser, replacing whatever the cookie held."""
    token, token_hash = new_token()
    record = UserSession(
        token_hash=token_hash,
        user_id=user.id,
        created_at=clock.now(),
        ip_address=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(record)
    session.clear()
    login_user(user)
    session[TOKEN_KEY] = token
    session[LAST_SEEN_KEY] = int(clock.now().timestamp())
    g.user_session = record
    return record


def end_current(reason: str) -> None:
    record = g.get("user_session")
    if record is not None and record.ended_at is None:
        record.ended_at = clock.now()
        record.end_reason = reason
    logout_user()
    _clear_keeping_csrf_token()


def end_all(user: User, reason: str) -> int:
    """End every open session of `user`, wherever the cookies are."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), end_reason=reason)
    )
    return result.rowcount or 0


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user behind this cookie, if its session is still good."""
    token = session.get(TOKEN_KEY)
    if not token:
        return None
    record = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if record is None or record.ended_at is not None or str(record.user_id) != str(user_id):
        return _refuse("ended")
    now = clock.now()
    config = current_app.config
    if now - record.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]:
        return _refuse("expired")
    user = record.user
    last_seen = session.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, int) or now.timestamp() - last_seen > idle_timeout(user).total_seconds():
        return _refuse("idle")
    if not user.is_active:
        return _refuse("ended")
    session[LAST_SEEN_KEY] = int(now.timestamp())
    g.user_session = record
    return user


def idle_timeout(user: User) -> timedelta:
    """People on the Virtual Campus use shared kiosks and in-cell laptops: they are signed out sooner."""
    config = current_app.config
    return config["CAMPUS_IDLE_TIMEOUT"] if user.role == Role.PERSON else config["SESSION_IDLE_TIMEOUT"]


def _refuse(reason: str) -> None:
    g.session_end_reason = reason
    _clear_keeping_csrf_token()
    return None


def _clear_keeping_csrf_token() -> None:
    """Forget who was signed in, but not the browser's CSRF token. A request still in flight from
    an ended session (an image, another tab) is answered with this cleared cookie, perhaps after
    the sign-in page handed out a form made with that token: clearing the token too made the
    sign-in that followed fail as a forged form. The token names no one; signing in (`begin`)
    still replaces it."""
    key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = session.get(key)
    session.clear()
    if token is not None:
        session[key] = token


def expiry_times() -> dict[str, int] | None:
    """Seconds until the current session ends through idleness and absolutely, for the timeout
    warning in the page (seconds remaining, so a wrong browser clock does not matter)."""
    record = g.get("user_session")
    if record is None:
        return None
    config = current_app.config
    absolute_end = record.created_at + config["SESSION_ABSOLUTE_TIMEOUT"]
    return {
        "idle_in": int(idle_timeout(record.user).total_seconds()),
        "absolute_in": max(0, int((absolute_end - clock.now()).total_seconds())),
        "warn_seconds": int(config["SESSION_WARNING_BEFORE"].total_seconds()),
    }
