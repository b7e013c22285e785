"""Structured logs: one JSON object per line, each with the request id, so a user's "quote this
reference" leads straight to the lines. Messages are written by our own code and never include
form data, so passwords and offence details cannot reach the log; a filter also masks any field
whose name says it is secret, as a second line of defence."""

from __future__ import annotations

import logging
import sys

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

SECRET_WORDS = ("password", "token", "secret", "offence", "csrf")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "")
            record.method = request.method
            record.path = request.path
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
    handler.setFormatter(JsonFormatter("{asctime}{levelname}{name}{message}", style="{",
                                       rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("marketplace")
    logger.handlers[:] = [handler]
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logger.propagate = False
