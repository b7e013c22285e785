"""Faults under load. Each scenario runs bench/load.py's mix against gunicorn and breaks something
in the middle:

1. workers: SIGKILL a gunicorn worker, then SIGKILL an index writer holding the index's write lock
   (a `search reindex` and a process inside the writer). Afterwards: no 5xx answered (a killed
   worker's in-flight request is a dropped connection, which the browser shows, never a silent
   loss), no referral, booking or gatemate request half-written (each status agrees with the last
   step in its history, each offer's places taken with its live bookings), and `search sync`
   brings the index back to the database.
2. database (PostgreSQL only): the database stops for a few seconds and starts again. A probe asks
   for a page every 0.2 s: while the database is down the answers are clean error pages (no stack
   trace), and once it is back they succeed, without restarting the app.

    .venv/bin/python -m bench.faults                     # scenario 1 on SQLite
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ops_bench .venv/bin/python -m bench.faults

Scenario 2 restarts a throwaway PostgreSQL cluster of its own (initdb in a temporary directory, on
a free port), so other users of the machine's server are not disturbed. FAULTS_RESTART_COMMAND
replaces that with a command of your own, e.g. the shared cluster's
`pg_ctlcluster --skip-systemctl-redirect 15 main restart` (then BENCH_DATABASE_URL must point there).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

from bench import load

ROOT = load.ROOT
PG_BIN = Path("/usr/lib/postgresql") / (sorted(os.listdir("/usr/lib/postgresql"))[-1]
                                        if Path("/usr/lib/postgresql").exists() else "15") / "bin"

HALF_WRITTEN = {
    "referrals whose status is not their last step's": """
        SELECT count(*) FROM referrals r WHERE r.status <> 'draft' AND r.status <> coalesce((
            SELECT e.to_status FROM referral_events e WHERE e.referral_id = r.id ORDER BY e.id DESC LIMIT 1), '')""",
    "gatemate requests whose status is not their last step's": """
        SELECT count(*) FROM gatemate_requests q WHERE EXISTS (
            SELECT 1 FROM gatemate_request_events e WHERE e.request_id = q.id) AND q.status <> (
            SELECT e.to_status FROM gatemate_request_events e WHERE e.request_id = q.id ORDER BY e.id DESC LIMIT 1)""",
    "offers whose places taken differ from their live bookings": """
        SELECT count(*) FROM alliance_offers o WHERE o.places_taken <> (
            SELECT count(*) FROM alliance_bookings b WHERE b.offer_id = o.id AND b.cancelled_at IS NULL)""",
    "referral events with no referral": """
        SELECT count(*) FROM referral_events e LEFT JOIN referrals r ON r.id = e.referral_id WHERE r.id IS NULL""",
}


def half_written(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {label: connection.scalar(text(query)) for label, query in HALF_WRITTEN.items()}
    finally:
        engine.dispose()


def flask(url: str, workdir: Path, *arguments: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = load.server_env(url, workdir, 0, 1)
    return subprocess.run([str(load.BIN / "flask"), "--app", "marketplace", *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def index_agrees(url: str, workdir: Path) -> tuple[bool, dict]:
    before = json.loads(flask(url, workdir, "search", "status", "--format", "json").stdout)
    print("index before `search sync`:", {name: {k: row[k] for k in ("database", "index", "pending")}
                                          for name, row in before.items()})
    synced = flask(url, workdir, "search", "sync")
    if synced.returncode != 0:
        return False, {"sync failed": synced.stderr[-2000:]}
    status = json.loads(flask(url, workdir, "search", "status", "--format", "json").stdout)
    agrees = all(row["index"] == row["database"] and row["pending"] == 0 for row in status.values())
    return agrees, status


def hold_index_writer(url: str, workdir: Path) -> subprocess.Popen:
    """A process that takes the index's write lock, writes half a batch, changes 50 opportunities in
    the database meanwhile (their index tasks cannot be applied: the lock is held), and waits to be
    killed. The index is then behind the database until `search sync`."""
    script = textwrap.dedent("""
        import sys, time
        from sqlalchemy import select
        from marketplace import create_app
        from marketplace.core.db import write_intent
        from marketplace.extensions import db
        from marketplace.opportunities.models import Opportunity
        from marketplace.opportunities.operations import touch
        from marketplace.search import index as store
        app = create_app()
        with app.app_context():
            write_intent()
            writer = store.open_index("opportunities").writer(timeout=30)
            writer.delete_by_term("kind", "vacancy")  # half a batch, never committed
            for opportunity in db.session.scalars(select(Opportunity).where(Opportunity.status == "open")
                                                  .order_by(Opportunity.id.desc()).limit(50)):
                opportunity.title = opportunity.title + " (changed under fault)"
                touch(opportunity)
            db.session.commit()
            print("holding", flush=True)
            time.sleep(600)
    """)
    process = subprocess.Popen([str(load.BIN / "python"), "-c", script], cwd=ROOT,
                               env=load.server_env(url, workdir, 0, 1), stdout=subprocess.PIPE, text=True)
    process.stdout.readline()
    return process


def workers_of(server: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(server.pid).children()


def scenario_workers(url: str, workdir: Path, seconds: int, users: int) -> bool:
    port = load.free_port()
    server = load.start_gunicorn(url, workdir, port, workers=2)
    ok = True
    try:
        locust = load.start_locust(f"http://127.0.0.1:{port}", seconds, users, workdir / "faults-workers")
        time.sleep(seconds * 0.25)
        victim = workers_of(server)[0]
        print(f"t={seconds * 0.25:.0f}s  SIGKILL gunicorn worker {victim.pid}", flush=True)
        victim.kill()
        time.sleep(seconds * 0.15)
        reindex = subprocess.Popen([str(load.BIN / "flask"), "--app", "marketplace", "search", "reindex"],
                                   cwd=ROOT, env=load.server_env(url, workdir, 0, 1), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(2)
        print(f"t={seconds * 0.4 + 2:.0f}s  SIGKILL `search reindex` {reindex.pid} while it builds", flush=True)
        reindex.kill()
        reindex.wait()
        holder = hold_index_writer(url, workdir)
        time.sleep(2)
        print(f"             SIGKILL index writer {holder.pid} holding the write lock mid-batch", flush=True)
        holder.kill()
        holder.wait()
        locust.wait(timeout=seconds + 120)
        rows = load.read_stats(workdir / "faults-workers")
        load.report(rows, seconds, f"Faults (workers and index writers) under load, {users} users")
        failures = load.failures(workdir / "faults-workers")
        server_errors = len(re.findall(r",\"?HTTPError\('5\d\d|\b5\d\d\b Server Error|^.*,5\d\d ", failures, re.M))
        dropped = sum(int(line.rsplit(",", 3)[1]) for line in failures.splitlines() if "dropped connection" in line)
        print(f"5xx answers: {server_errors}; dropped connections (the killed worker's requests): {dropped}")
        if failures.strip() and failures.count("\n") > 1:
            print(failures)
        other = sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated") - dropped
        ok &= server_errors == 0 and other <= 0
        alive = len(workers_of(server))
        print(f"gunicorn workers alive afterwards: {alive} (the master replaced the killed one)")
        ok &= alive == 2
    finally:
        load.stop(server)
    broken = half_written(url)
    print("half-written records:", broken)
    ok &= not any(broken.values())
    agrees, status = index_agrees(url, workdir)
    print(f"after `search sync` the index {'matches' if agrees else 'DOES NOT match'} the database: {status}")
    return ok and agrees


# Scenario 2 -------------------------------------------------------------------------------------------

class OwnPostgres:
    """A throwaway PostgreSQL cluster on a free port, owned by the postgres user, trust auth."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.port = load.free_port()
        shutil.chown(self.directory, "postgres")
        self.data = self.directory / "data"

    def _as_postgres(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if not self.data.exists():
            self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.directory / "log"),
                          "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def probe(base: str, cookie: str, until: float, samples: list) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        request = urllib.request.Request(f"{base}/search/?q=forklift", headers={"Cookie": cookie})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own server
                samples.append((started, response.status, ""))
        except urllib.error.HTTPError as error:
            samples.append((started, error.code, error.read().decode(errors="replace")))
        except OSError as error:
            samples.append((started, 0, str(error)))
        time.sleep(0.2)


def scenario_database(seconds: int, users: int, scale: int) -> bool:
    custom = os.environ.get("FAULTS_RESTART_COMMAND")
    own = None if custom else OwnPostgres()
    if own:
        own.start()
        os.environ["BENCH_DATABASE_URL"] = own.url
    try:
        _app, workdir, url, _counts = load.prepare(scale)
        port = load.free_port()
        server = load.start_gunicorn(url, workdir, port, workers=2)
        base = f"http://127.0.0.1:{port}"
        try:
            from bench.search_speed import sign_in_cookie

            cookie = sign_in_cookie(base, "case.manager@fairchance.example", "lantern-harbour-cobalt")
            locust = load.start_locust(base, seconds, users, workdir / "faults-database")
            samples: list = []
            watcher = threading.Thread(target=probe, args=(base, cookie, time.monotonic() + seconds, samples))
            watcher.start()
            time.sleep(seconds * 0.3)
            down_at = time.monotonic()
            if own:
                print(f"t={seconds * 0.3:.0f}s  PostgreSQL stops for 5 s", flush=True)
                own.stop()
                time.sleep(5)
                own.start()
            else:
                print(f"t={seconds * 0.3:.0f}s  {custom}", flush=True)
                subprocess.run(custom, shell=True, check=True, timeout=120)  # noqa: S602 - the operator's command
            up_at = time.monotonic()
            print(f"             back after {up_at - down_at:.1f} s", flush=True)
            watcher.join()
            locust.wait(timeout=seconds + 120)
            load.report(load.read_stats(workdir / "faults-database"), seconds,
                        f"Database restart under load, {users} users (errors expected only while it is down)")
        finally:
            load.stop(server)
    finally:
        if own:
            own.remove()
    before = [s for s in samples if s[0] < down_at - 0.5]
    during = [s for s in samples if down_at <= s[0] < up_at]
    after = [s for s in samples if s[0] >= up_at + 2]
    unclean = [s for s in during if "Traceback" in s[2] or (s[1] and s[1] < 500 and s[1] != 200)]
    print(f"probe: before {summarise(before)}; while down {summarise(during)}; after {summarise(after)}")
    ok = all(s[1] == 200 for s in before) and all(s[1] == 200 for s in after) and after and not unclean
    print("database restart:", "requests failed cleanly and recovered" if ok else "FAILED")
    return bool(ok)


def summarise(samples: list) -> str:
    counts: dict = {}
    for _at, status, _body in samples:
        counts[status or "no answer"] = counts.get(status or "no answer", 0) + 1
    return ", ".join(f"{count}x {status}" for status, count in sorted(counts.items(), key=str)) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--users", type=int, default=6)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--only", choices=["workers", "database"], default=None)
    arguments = parser.parse_args()
    ok = True
    postgres = (os.environ.get("BENCH_DATABASE_URL") or "").startswith("postgresql")
    if arguments.only in (None, "workers"):
        _app, workdir, url, _counts = load.prepare(arguments.scale)
        ok &= scenario_workers(url, workdir, arguments.seconds, arguments.users)
    if arguments.only == "database" or (arguments.only is None and postgres):
        ok &= scenario_database(arguments.seconds, arguments.users, arguments.scale)
    print("\nfaults:", "all passed" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
