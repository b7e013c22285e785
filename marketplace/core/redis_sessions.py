"""Server-side Flask sessions in Redis, used when REDIS_URL is set (several hosts behind a proxy).

Without Redis the Flask session is a signed cookie: readable by whoever holds it, and it can carry
flash messages that name a participant. With Redis the cookie carries only a random key, signed with
SECRET_KEY; the session's contents stay on the server, shared by every worker on every host, and
expire with PERMANENT_SESSION_LIFETIME. Sign-in revocation still lives in the database
(accounts/sessions.py): this only moves where the cookie's contents are kept.

The key is replaced whenever the session is cleared (at sign-in and sign-out), so a key seen before
sign-in is worth nothing after it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin, session_json_serializer
from itsdangerous import BadSignature, Signer
from werkzeug.datastructures import CallbackDict

KEY_PREFIX = "fcw:session:"


class RedisSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, key: str | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.key = key
        self.previous_key: str | None = None
        self.modified = False

    def clear(self) -> None:
        # A cleared session gets a new key: nothing learnt about the old cookie carries over.
        if self.key is not None and self.previous_key is None:
            self.previous_key = self.key
        self.key = None
        super().clear()


class RedisSessionInterface(SessionInterface):
    serializer = session_json_serializer

    def __init__(self, client):
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisSessionInterface:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5))

    def _signer(self, app: Flask) -> Signer:
        return Signer(app.secret_key, salt="fcw-redis-session")

    def open_session(self, app: Flask, request: Request) -> RedisSession:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return RedisSession()
        try:
            key = self._signer(app).unsign(cookie).decode()
        except (BadSignature, UnicodeDecodeError):
            return RedisSession()
        stored = self.client.get(KEY_PREFIX + key)
        if stored is None:
            return RedisSession()
        try:
            data = self.serializer.loads(stored.decode())
        except ValueError:
            return RedisSession()
        return RedisSession(data, key=key)

    def save_session(self, app: Flask, session: RedisSession, response: Response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.previous_key:
            self.client.delete(KEY_PREFIX + session.previous_key)
        if not session:
            if session.modified or session.previous_key:
                if session.key:
                    self.client.delete(KEY_PREFIX + session.key)
                response.delete_cookie(name, domain=domain, path=path, secure=self.get_cookie_secure(app),
                                       httponly=self.get_cookie_httponly(app),
                                       samesite=self.get_cookie_samesite(app))
            return
        if session.accessed:
            response.vary.add("Cookie")
        if not (session.modified or session.key is None or self.should_set_cookie(app, session)):
            return
        if session.key is None:
            session.key = secrets.token_urlsafe(32)
        lifetime: timedelta = app.permanent_session_lifetime
        self.client.set(KEY_PREFIX + session.key, self.serializer.dumps(dict(session)),
                        ex=int(lifetime.total_seconds()))
        response.set_cookie(name, self._signer(app).sign(session.key).decode(),
                            expires=self.get_expiration_time(app, session), httponly=self.get_cookie_httponly(app),
                            domain=domain, path=path, secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app))


def configure(app: Flask) -> None:
    """Keep sessions in Redis when REDIS_URL is set; otherwise Flask's signed cookie."""
    url = app.config.get("REDIS_URL")
    if url:
        app.session_interface = RedisSessionInterface.from_url(url)
