"""gunicorn settings for a real deployment: `gunicorn wsgi:app` picks this file up.

Sync workers: the app is database- and CPU-bound, and sync workers keep each request's SQLite or
PostgreSQL connection and Whoosh searcher simple. Override any of these with environment variables.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from marketplace.core.logs import loggable_path

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two per core plus one is gunicorn's rule of thumb for sync workers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a request taking longer is a fault: the worker restarts
graceful_timeout = 30
# Workers' heartbeat files in memory: a slow or busy disk must not make the master think a worker hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's own advice
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Each worker opens its own database connections after the fork: never share them.
preload_app = False
# X-Forwarded-Proto and friends are believed only from a proxy the deployment says is there
# (TRUSTED_PROXY_COUNT, as the app's ProxyFix): with none, no address is trusted, 127.0.0.1 included.
_trusted_proxies = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1") if _trusted_proxies > 0 else ""
accesslog = "-"
errorlog = "-"
# gunicorn 27's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl), so every server
# on a host, the tests' own included, would share it; nothing here uses it.
control_socket_disable = True


class JsonAccessLogger(Logger):
    """The access log as JSON lines written by python-json-logger (never by a string template, so
    no path can break a line or forge another), with the request id the app put in X-Request-ID
    and the path without its query string and with any token in it replaced."""

    def access(self, resp, req, environ, request_time):
        headers = {name.lower(): value for name, value in (resp.headers or [])}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info("request", extra={
            "request_id": headers.get("x-request-id", ""),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": loggable_path(environ.get("PATH_INFO", "")),
            "status": int(status or 0),
            "bytes": getattr(resp, "sent", 0),
            "duration_ms": int(request_time.total_seconds() * 1000),
            "remote": environ.get("REMOTE_ADDR", ""),
        })


logger_class = JsonAccessLogger
# gunicorn's own messages (start, worker timeouts and restarts) as JSON lines too. gunicorn merges
# this over its defaults one key deep, so every handler and logger it needs is named here.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter", "fmt": "{asctime}{levelname}{name}{message}",
                 "style": "{", "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
    },
    "handlers": {
        "json_stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": ["json_stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json_stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
