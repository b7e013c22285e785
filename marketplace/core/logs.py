"""Structured logs: one JSON object per line, each with the request id, so a user's "quote this
reference" leads straight to the lines. Messages are written by our own code and never include
form data, so passwords and offence details cannot reach the log; a filter also masks any field
whose name says it is secret, as a second line of defence."""

from __future__ import annotations

import logging
import re
import sys

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

SECRET_WORDS = ("password", "token", "secret", "offence", "csrf")
# What a database error can quote back: PostgreSQL's "DETAIL: Key (email)=(...)" and SQLAlchemy's
# "[parameters: ...]" (the engine also runs with hide_parameters, see config.py).
DATABASE_ECHOES = re.compile(r"DETAIL:[^\n]*|\[parameters: .*?\](?=\n|$)", re.DOTALL)


# A path segment that is a link's secret (tokens are 43 characters of URL-safe base64): reset and
# invitation links, confirmation links. Logged as [token], in the app's logs and the access log.
TOKEN_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=/|$)")


def loggable_path(path: str) -> str:
    return TOKEN_SEGMENT.sub("[token]", path)


# A link in an email's text, up to the next space or closing punctuation.
LINK = re.compile(r"https?://[^\s<>\"')\]]+")
HIDDEN_LINK = "[a single-use link, hidden: only the person it was sent to can use it]"


def without_link_secrets(text: str) -> str:
    """An email's text with every link that carries a secret (a token path segment) replaced by a
    note saying so; other links are left as they are."""
    def hide(match: re.Match) -> str:
        link = match.group(0).rstrip(".,;:")
        kept = match.group(0)[len(link):]
        path = link.split("?", 1)[0].split("#", 1)[0]
        return (HIDDEN_LINK if TOKEN_SEGMENT.search(path) else link) + kept
    return LINK.sub(hide, text)


class ScrubbingJsonFormatter(JsonFormatter):
    """JSON lines whose tracebacks never quote back the values a failed statement carried."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return DATABASE_ECHOES.sub("[removed from the log]", super().formatException(ei))


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "")
            record.method = request.method
            record.path = loggable_path(request.path)
        for name in list(vars(record)):
            if any(word in name.lower() for word in SECRET_WORDS):
                setattr(record, name, "[masked]")
        return True


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr for the app's own loggers (gunicorn writes its access log the same way,
    see gunicorn.conf.py). Tests keep pytest's own log capture."""
    if app.config.get("TESTING"):
        return
    handler = logging.StreamHandler(sys.stderr)
    renamed = {"asctime": "time", "levelname": "level", "name": "logger"}
    handler.setFormatter(ScrubbingJsonFormatter("{asctime}{levelname}{name}{message}", style="{",
                                                rename_fields=renamed))
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("marketplace")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False
    # Alembic's fileConfig (migrations/env.py) disables every logger that exists when it runs; an
    # in-process `upgrade()` must not silence the error log.
    for name, existing in logging.root.manager.loggerDict.items():
        if name.startswith("marketplace.") and isinstance(existing, logging.Logger):
            existing.disabled = False
