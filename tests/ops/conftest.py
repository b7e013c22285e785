"""A real Redis for the multi-host tests: Debian's redis-server (`.ci/run` installs it), started on a
free local port for the test session. (fakeredis was tried as a stand-in: its TCP server cannot run
the Lua scripts of the `limits` library's moving window, so the tests skip instead when there is no
redis-server.)"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    for _ in range(100):
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"Redis did not start on port {port}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """(url, kind) of a Redis that lives for the test session."""
    port = _free_port()
    server = shutil.which("redis-server")
    if server:  # the port probe above leaves a tiny race with other processes; a clash fails loudly
        directory = tmp_path_factory.mktemp("redis")
        process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", str(directory)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port)
            yield f"redis://127.0.0.1:{port}/0", "redis-server"
        finally:
            process.terminate()
            process.wait(timeout=10)
        return
    pytest.skip("redis-server is not installed (apt-get install redis-server)")


@pytest.fixture
def redis_url(redis_server):
    import redis

    url, _kind = redis_server
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def keep_log_setup():
    """An app built with TESTING off configures the `marketplace` logger for production; put it
    back afterwards so later tests' log capture still works."""
    import logging

    logger = logging.getLogger("marketplace")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved
