"""Error pages. Every error gets a page in the house style with the request reference; none ever
shows a stack trace."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.core.logs import loggable_path
from marketplace.core.navigation import NAVIGATION_CONTEXT_KEY
from marketplace.extensions import db, login_manager

log = logging.getLogger(__name__)

PAGES = {
    400: ("There is a problem with your request", "errors/400.html"),
    401: ("Sign in to use this page", "errors/401.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("There is a problem with your request", "errors/400.html"),
    413: ("The file or form you sent is too large", "errors/413.html"),
    429: ("Too many requests", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/503.html"),
}


def _render(code: int, **context):
    title, template = PAGES.get(code, PAGES[500] if code >= 500 else PAGES[400])
    try:
        return render_template(template, title=title, request_id=g.get("request_id"), **context), code
    except Exception:  # noqa: BLE001 - the error page itself failed; fall back to plain text
        log.exception("error page %s failed to render", code)
        return f"{title}. Reference: {g.get('request_id', '')}", code, {"Content-Type": "text/plain; charset=utf-8"}


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return _render(error.code)


def handle_csrf_error(error: CSRFError):
    db.session.rollback()
    return _render(400, csrf=True)


def handle_unexpected_error(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    db.session.rollback()
    log.exception("unhandled error on %s %s (request %s)", request.method, loggable_path(request.path),
                  g.get("request_id"))
    return _render(500)


def handle_database_unavailable(error: OperationalError):
    """The database is down or restarting (or SQLite stayed locked): a clean 503 that says try
    again, not a fault in the code. The connection pool reconnects once it is back. Anything else
    that SQLite calls operational (a missing table) is a fault, handled as one."""
    lost = error.connection_invalidated or type(error.orig).__module__.startswith("psycopg") \
        or "database is locked" in str(error.orig)
    if not lost:
        return handle_unexpected_error(error)
    with contextlib.suppress(Exception):  # the connection may already be gone
        db.session.rollback()
    # The page must render without asking the database anything: whoever is signed in, its header
    # is the anonymous one (loading the user, or counting their notifications, would fail again).
    g._login_user = login_manager.anonymous_user()
    request.environ.pop(NAVIGATION_CONTEXT_KEY, None)
    log.warning("database unavailable on %s %s (request %s)", request.method, loggable_path(request.path),
                g.get("request_id"))
    return _render(503)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
