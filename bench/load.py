"""Load test: the demo world scaled up (10x its opportunities and participants by default), served
by gunicorn with gunicorn.conf.py on 127.0.0.1, driven by Locust for a bounded time with the mix in
bench/locustfile.py. Prints throughput, p50/p95/p99 per page and the error count, and exits 1 if
there was any error.

    .venv/bin/python -m bench.load --seconds 60 --users 10
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ops_bench .venv/bin/python -m bench.load

The database is built afresh each run (SQLite in a temporary directory, or the PostgreSQL database
named by BENCH_DATABASE_URL, whose schema is dropped and recreated).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select

from bench import data
from bench.common import bench_app, timed

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SECRET = "bench-secret-key-bench-secret-key-0123456789"  # noqa: S105 - a throwaway benchmark instance


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(scale: int) -> tuple:
    """A fresh database with the demo world, its opportunities and participants multiplied by
    `scale`, and an index of it all. Returns (app, workdir, database url, counts)."""
    from marketplace import demo
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from marketplace.opportunities import records as opportunity_records
    from marketplace.opportunities.models import Opportunity
    from marketplace.participants import records as participant_records
    from marketplace.participants.models import Participant
    from marketplace.search import sync

    app, workdir, url = bench_app("load")
    with app.app_context():
        with timed("seed the demo world"):
            demo.seed(2026)
            db.session.commit()
        demo_opportunities = db.session.scalar(select(func.count()).select_from(Opportunity))
        demo_participants = db.session.scalar(select(func.count()).select_from(Participant))
        organisations = db.session.scalars(select(Opportunity.organisation_id).distinct()).all()
        managers = db.session.execute(select(User.id, User.organisation_id).where(User.role == "case_manager")
                                      .order_by(User.id)).all()
        rng, today, now = random.Random(2026), date.today(), __import__("marketplace.core.clock").core.clock.now()
        with timed(f"scale to {scale}x"):
            rows = []
            for number in range(demo_opportunities * (scale - 1)):
                details = opportunity_records.parse(data.opportunity(rng, 10_000 + number, today))
                values = dataclasses.asdict(details)
                values.update(organisation_id=organisations[number % len(organisations)], status="open",
                              places_taken=0, created_at=now, updated_at=now, published_at=now)
                rows.append({k: v for k, v in values.items() if k in Opportunity.__table__.columns})
            if rows:
                db.session.execute(insert(Opportunity), rows)
            people = []
            for number in range(demo_participants * (scale - 1)):
                manager_id, organisation_id = managers[number % len(managers)]
                details, restrictions = participant_records.parse(data.participant(rng, 10_000 + number, today))
                values = {**dataclasses.asdict(details), **dataclasses.asdict(restrictions)}
                values["participant_number"] = f"LOAD{number:06d}"
                values.update(organisation_id=organisation_id, case_manager_id=manager_id, status="active",
                              readiness="ready", readiness_tasks={}, created_at=now, updated_at=now)
                people.append(values)
            if people:
                db.session.execute(insert(Participant), people)
            db.session.commit()
        with timed("index"):
            sync.reindex()
        with timed("referrals to work on"):
            made, spare = make_referrals(workdir)
        print(f"referrals: {made} submitted to the demo employer, {spare} more pairs for case managers to refer",
              flush=True)
        counts = {"opportunities": db.session.scalar(select(func.count()).select_from(Opportunity)),
                  "participants": db.session.scalar(select(func.count()).select_from(Participant)),
                  "demo opportunities": demo_opportunities, "demo participants": demo_participants}
        db.session.remove()
        db.engine.dispose()
    print(f"data: {counts}", flush=True)
    return app, workdir, url, counts


def make_referrals(workdir: Path, submitted: int = 80, spare: int = 400) -> tuple[int, int]:
    """The demo has no referrals: put `submitted` forward to the demo employer through the real
    operation (so employers have an inbox to work), and write `spare` more eligible (participant,
    opportunity) pairs to workdir/referral_pairs.json for the case managers to refer under load."""
    import json

    from marketplace.accounts.models import User
    from marketplace.core.db import write_intent
    from marketplace.core.exceptions import Refused
    from marketplace.extensions import db
    from marketplace.opportunities.models import Opportunity
    from marketplace.participants.models import Participant
    from marketplace.referrals import operations

    write_intent()
    manager = db.session.scalar(select(User).where(User.email == "case.manager@fairchance.example"))
    employer = db.session.scalar(select(User).where(User.email == "employer@fairchance.example"))
    people = db.session.scalars(select(Participant).where(Participant.organisation_id == manager.organisation_id,
                                                          Participant.status == "active")
                                .order_by(Participant.id)).all()
    own = db.session.scalars(select(Opportunity).where(Opportunity.organisation_id == employer.organisation_id,
                                                       Opportunity.status == "open")).all()
    others = db.session.scalars(select(Opportunity).where(Opportunity.status == "open")
                                .order_by(Opportunity.id).limit(300)).all()
    made, pairs, checks = 0, [], 0
    for opportunities, wanted in ((own, "submit"), (others, "spare")):
        for opportunity in opportunities:
            for person in people:
                if checks > 20_000 or (wanted == "submit" and made >= submitted) or len(pairs) >= spare:
                    break
                checks += 1
                try:
                    operations.check_can_refer(person, opportunity, manager)
                except Refused:
                    continue
                if wanted == "submit":
                    operations.create_referral(person, opportunity, manager,
                                               operations.Sharing(name=person.full_name, parts=["skills"]),
                                               consent_confirmed=True, requirements_confirmed=list(
                                                   opportunity.minimum_requirements or []))
                    db.session.commit()
                    made += 1
                else:
                    pairs.append((person.id, opportunity.id))
    random.Random(7).shuffle(pairs)
    (workdir / "referral_pairs.json").write_text(json.dumps(pairs))
    return made, len(pairs)


def server_env(url: str, workdir: Path, port: int, workers: int) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SEARCH_INDEX_DIR": str(workdir / "index"),
            "UPLOAD_DIR": str(workdir / "uploads"), "SECRET_KEY": SECRET, "MARKETPLACE_ENV": "production",
            "SESSION_COOKIE_SECURE": "0", "PUBLIC_URL": f"http://127.0.0.1:{port}", "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers)}


def start_gunicorn(url: str, workdir: Path, port: int, workers: int = 2) -> subprocess.Popen:
    """gunicorn with the deployment's gunicorn.conf.py; its JSON-lines log goes to workdir/gunicorn.log."""
    log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115 - lives as long as the server
    server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=server_env(url, workdir, port, workers), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn did not become healthy; see {workdir / 'gunicorn.log'}")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def start_locust(base: str, seconds: int, users: int, csv_prefix: Path) -> subprocess.Popen:
    env = {**os.environ, "LOAD_REFERRAL_PAIRS": str(csv_prefix.parent / "referral_pairs.json")}
    return subprocess.Popen([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                             "--host", base, "--users", str(users), "--spawn-rate", str(max(1, users // 2)),
                             "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(csv_prefix),
                             "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(f"{csv_prefix}.log", "wb"))  # noqa: SIM115


def read_stats(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def report(rows: list[dict], seconds: float, title: str) -> int:
    """Print the table; return the error count."""
    print(f"\n{title}")
    print(f"{'page':<48} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>6}")
    errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL PAGES"
        print(f"{(row['Type'] + ' ' + name).strip()[:48]:<48} {row['Request Count']:>8} {row['Failure Count']:>6} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {float(row['Requests/s']):>6.1f}")
        if row["Name"] == "Aggregated":
            errors = int(row["Failure Count"])
    print(f"errors: {errors}   ({seconds:.0f} s, load average {os.getloadavg()[0]:.2f} at the end)")
    return errors


def failures(csv_prefix: Path) -> str:
    path = Path(f"{csv_prefix}_failures.csv")
    return path.read_text() if path.exists() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    _app, workdir, url, _counts = prepare(arguments.scale)
    port = free_port()
    server = start_gunicorn(url, workdir, port, arguments.workers)
    try:
        print(f"load average before: {os.getloadavg()}", flush=True)
        started = time.monotonic()
        locust = start_locust(f"http://127.0.0.1:{port}", arguments.seconds, arguments.users, workdir / "load")
        locust.wait(timeout=arguments.seconds + 120)
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        errors = report(read_stats(workdir / "load"), time.monotonic() - started,
                        f"Load on {database}: {arguments.users} users, {arguments.workers} gunicorn workers, "
                        f"{arguments.scale}x demo data")
    finally:
        stop(server)
    if errors:
        print(failures(workdir / "load"))
        sys.exit(1)


if __name__ == "__main__":
    main()
