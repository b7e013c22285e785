"""A throwaway instance of the service for benchmarks: its own SQLite database (or PostgreSQL from
BENCH_DATABASE_URL), its own index directory, migrated like production."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> str:
    return (f"p50 {percentile(samples, 0.5) * 1000:7.1f} ms   p95 {percentile(samples, 0.95) * 1000:7.1f} ms   "
            f"mean {statistics.fmean(samples) * 1000:7.1f} ms   (n={len(samples)})")


@contextmanager
def timed(label: str, results: dict | None = None):
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.1f} s", flush=True)
    if results is not None:
        results[label] = elapsed


def bench_app(name: str, reuse: Path | None = None, fresh: bool = True):
    """Create the app against a fresh database and index for one benchmark run, or against the
    database and index an earlier run left in `reuse` (generating 100,000 records takes minutes)."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.config import TestConfig

    workdir = reuse or Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if fresh:  # whatever an interrupted run left behind
        for leftover in [*workdir.glob("bench.db*"), *workdir.glob("fts.db*")]:
            leftover.unlink()
        shutil.rmtree(workdir / "index", ignore_errors=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    if url.startswith("postgresql") and fresh:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    config = type("BenchConfig", (TestConfig,), {
        "TESTING": False, "SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(workdir / "index"),
        "UPLOAD_DIR": str(workdir / "uploads"), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app, workdir, url
