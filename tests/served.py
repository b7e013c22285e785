"""The running site, as users reach it: gunicorn with several workers on the test database.

    def test_something(served_site):            # fixture from tests/conftest.py (2 workers)
        user = UserFactory(...); db.session.commit()
        browser = served_site.signed_in(user)    # a requests.Session signed in through /sign-in
        served_site.post_form(browser, "/things/new", {...})
        for pid, page in served_site.every_worker(browser, "/things/").items():
            assert "Thing" in page.text          # every worker answers with the change

The site shares the test's database, search index and uploads folder, so records a test makes with
factories (and commits) are what the site serves; each test's tables are emptied afterwards as
usual. `every_worker` fetches a page from each worker process at once, holding one connection open per
worker (X-Served-By carries the worker's pid), so a worker holding stale state cannot hide behind another.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import requests
from flask import has_app_context
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from marketplace.extensions import db
from tests.helpers import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def end_test_transaction() -> None:
    """Commit what the test wrote and end its read snapshot before the site is asked anything.

    On SQLite (WAL) a test session that read before a worker wrote cannot then write itself
    (SQLITE_BUSY_SNAPSHOT, "database is locked" at once); on PostgreSQL the test would otherwise
    go on reading its old snapshot. Calling this before and after every request to the site keeps
    the test and the site taking turns, as two users would."""
    if has_app_context():
        db.session.commit()
        db.session.expire_all()


def as_requests_response(answer: http.client.HTTPResponse, url: str) -> requests.Response:
    """An http.client answer as the requests.Response the tests read (.status_code, .text, .headers)."""
    response = requests.Response()
    response.status_code = answer.status
    response.headers = CaseInsensitiveDict(answer.getheaders())
    response._content = answer.read()  # noqa: SLF001 - how requests itself fills a response
    response.encoding = get_encoding_from_headers(response.headers) or "utf-8"
    response.url = url
    return response


class ServedSite:
    def __init__(self, app, workers: int = 2, env: dict | None = None):
        self.app = app
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = app.config
        self.env = {
            **os.environ,
            "MARKETPLACE_ENV": "development",
            "SECRET_KEY": "served-site-test-key",
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"],
            "UPLOAD_DIR": config["UPLOAD_DIR"],
            "SESSION_COOKIE_SECURE": "0",
            "PUBLIC_URL": self.url,
            "SERVED_BY_HEADER": "1",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path = Path(config["UPLOAD_DIR"]).parent / f"gunicorn-{self.port}.log"

    def start(self) -> ServedSite:
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/cookies", timeout=5).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a busy machine
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in 60 s: {self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def session(self) -> requests.Session:
        return requests.Session()

    def csrf_token(self, browser: requests.Session, path: str = "/cookies") -> str:
        end_test_transaction()
        page = browser.get(self.url + path, timeout=30)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_form(self, browser: requests.Session, path: str, data: dict | None = None, files=None,
                  **kwargs) -> requests.Response:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(browser))
        end_test_transaction()
        try:
            headers = {"Referer": self.url + "/", **kwargs.pop("headers", {})}
            return browser.post(self.url + path, data=payload, files=files, timeout=60, headers=headers, **kwargs)
        finally:
            end_test_transaction()

    def signed_in(self, user, password: str = TEST_PASSWORD) -> requests.Session:
        email = user.email
        browser = self.session()
        answer = self.post_form(browser, "/sign-in", {"email": email, "password": password})
        assert answer.status_code == 200 and "Sign out" in answer.text, f"sign-in failed: {answer.status_code}"
        return browser

    def get(self, browser: requests.Session | None, path: str, **kwargs) -> requests.Response:
        end_test_transaction()
        try:
            return (browser or requests).get(self.url + path, timeout=60, **kwargs)
        finally:
            end_test_transaction()

    def every_worker(self, browser: requests.Session | None, path: str,
                     rounds: int = 40) -> dict[str, requests.Response]:
        """The page at `path` as each worker serves it now: {worker pid: response}.

        Left to itself the kernel may hand every new connection to the same worker (CI once saw
        200 in a row go to one), so each round holds every worker at once instead: it opens one
        connection per worker before sending anything. A sync worker that has accepted a
        connection waits on it alone, so the others must be accepted by other workers. Only then
        are the requests sent. A worker slow to accept (a busy machine) can still leave two
        connections to one worker, so rounds repeat, each waiting longer before it sends."""
        end_test_transaction()
        answers: dict[str, requests.Response] = {}
        cookies = browser.cookies if browser is not None else None
        cookie = "; ".join(f"{c.name}={c.value}" for c in cookies) if cookies is not None else ""
        headers = {"Connection": "close", **({"Cookie": cookie} if cookie else {})}
        for round_number in range(rounds):
            connections = [http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                           for _ in range(self.workers)]
            try:
                for connection in connections:
                    connection.connect()
                time.sleep(min(0.02 * 2 ** round_number, 2.0))  # let each worker accept its own
                for connection in connections:
                    connection.request("GET", path, headers=headers)
                for connection in connections:
                    response = as_requests_response(connection.getresponse(), self.url + path)
                    worker = response.headers["X-Served-By"]
                    if response.is_redirect and worker not in answers:
                        # The worker that answered decided where to send the person: follow it
                        # there, as a browser would (the next page may come from any worker).
                        response = requests.get(urljoin(response.url, response.headers["Location"]),
                                                cookies=cookies, timeout=60)
                    answers.setdefault(worker, response)
            finally:
                for connection in connections:
                    connection.close()
            if len(answers) == self.workers:
                end_test_transaction()
                return answers
        raise AssertionError(f"only {len(answers)} of {self.workers} workers answered {path} in {rounds} rounds")

    def warm_every_worker(self, browser: requests.Session | None, path: str) -> None:
        """Have every worker serve `path` once, so each holds whatever it caches for it."""
        self.every_worker(browser, path)
