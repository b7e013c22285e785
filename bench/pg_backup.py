"""Back up and restore PostgreSQL as the README documents: pg_dump in its custom format, pg_restore
into an empty database, `search reindex` on the restored copy; then check every table has the same
number of rows and the rebuilt index matches the database. Prints how long each step took.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/ops_bench .venv/bin/python -m bench.pg_backup

The source is the 10x demo world of bench/load.py, built afresh in BENCH_DATABASE_URL; the copy is
restored into a database named after it with `_restored` (dropped and recreated).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from sqlalchemy import create_engine, func, make_url, select, text

from bench import load


def libpq(url) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def row_counts(url: str) -> dict[str, int]:
    from marketplace.extensions import db

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: connection.scalar(select(func.count()).select_from(table))
                    for table in db.metadata.sorted_tables}
    finally:
        engine.dispose()


def step(label: str, command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, timeout=1800, **kwargs)
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    arguments = parser.parse_args()
    source = os.environ.get("BENCH_DATABASE_URL", "")
    if not source.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL=postgresql+psycopg://... (SQLite uses `flask backup`, tested in tests/ops)")
    _app, workdir, url, _counts = load.prepare(arguments.scale)
    target = make_url(url).set(database=f"{make_url(url).database}_restored")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    dump = workdir / "marketplace.dump"
    step("pg_dump --format=custom", ["pg_dump", "--format=custom", f"--file={dump}", libpq(url)])
    print(f"dump size: {dump.stat().st_size / 1e6:.1f} MB")
    step("pg_restore --no-owner into an empty database",
         ["pg_restore", "--no-owner", f"--dbname={libpq(target)}", str(dump)])
    restored_url = target.render_as_string(hide_password=False)
    env = {**load.server_env(restored_url, workdir / "restored", 0, 1)}
    step("flask search reindex (restored copy)", [str(load.BIN / "flask"), "--app", "marketplace", "search",
                                                 "reindex"], cwd=load.ROOT, env=env, stdout=subprocess.DEVNULL)
    before, after = row_counts(url), row_counts(restored_url)
    status = json.loads(subprocess.run([str(load.BIN / "flask"), "--app", "marketplace", "search", "status",
                                        "--format", "json"], cwd=load.ROOT, env=env, capture_output=True,
                                       text=True, check=True).stdout)
    differing = {name: (before[name], after.get(name)) for name in before if before[name] != after.get(name)}
    index_ok = all(row["index"] == row["database"] for row in status.values())
    print(f"rows: {sum(before.values())} in {len(before)} tables; differing after restore: {differing or 'none'}")
    print(f"index of the restored copy: {status}")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()
    ok = not differing and index_ok
    print("backup and restore:", "every record and a working index" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
