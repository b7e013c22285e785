"""Security defaults applied to every request and response, errors included."""

from __future__ import annotations

import os
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from marketplace.core.forms import MAX_RECORD_ID

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def safe_next_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Refuses absolute and scheme-relative URLs (`//evil.example`), backslashes (browsers read `/\\evil`
    as `//evil`), `javascript:` and other schemes, and control characters.
    """
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def start_request() -> None:
    supplied = request.headers.get("X-Request-ID", "")
    g.request_id = supplied if REQUEST_ID_PATTERN.match(supplied) else secrets.token_hex(8)
    g.csp_nonce = secrets.token_urlsafe(16)
    # A NUL character in the address reaches queries that PostgreSQL refuses; no link carries one.
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)


def add_security_headers(response):
    nonce = g.get("csp_nonce") or secrets.token_urlsafe(16)
    headers = response.headers
    headers["Content-Security-Policy"] = _content_security_policy(nonce)
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if g.get("request_id"):
        headers["X-Request-ID"] = g.request_id
    # Which worker process answered: lets an operator (and tests/served.py) see that every worker
    # of a multi-worker deployment serves the same truth. Off unless SERVED_BY_HEADER is set.
    if current_app.config.get("SERVED_BY_HEADER"):
        headers["X-Served-By"] = str(os.getpid())
    # Pages for signed-in people hold personal data: keep them out of shared and back-button caches.
    if request.endpoint != "static" and _signed_in():
        headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - headers must still be added if the user cannot be loaded
        return False


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in a route: an id too large for the database (an edited address) matches no route,
    so it is a 404 rather than a query the database refuses."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_RECORD_ID)
        super().__init__(url_map, *args, **kwargs)


def register_security(app: Flask) -> None:
    # Before the blueprints add their routes, which look their converters up when they are added.
    app.url_map.converters["int"] = RecordIdConverter
    app.before_request(start_request)
    app.after_request(add_security_headers)
