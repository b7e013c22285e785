"""How fast search and matching are, at scale, beside what an engineer might pick instead.

Generates 100,000 opportunities and 10,000 participants of realistic text (bench/data.py), then
prints, in one run: the time `search reindex` takes to rebuild everything beside a plain
single-writer Whoosh build of the same opportunity texts (title and body, Whoosh's defaults) and
their ratio (the target is 2.5x at most); p50/p95 of a plain Whoosh query; p50/p95 of the product's
own search (filters, facet counts, highlights) and of `match`; p50/p95 of the same queries on SQLite
FTS5 over the same documents; and requests per second of the search page under gunicorn beside the
ceiling the plain query allows (cores / mean query time) and beside a trivial page.

Run: `python -m bench.search_speed [--opportunities N] [--participants N] [--reuse DIR] [--build-only]`
(or `make bench`). `--build-only` stops after the two builds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select

from bench import data
from bench.common import bench_app, percentile, summary_ms, timed

ROOT = Path(__file__).resolve().parent.parent
PORT = 5610
WORDS = ["chef", "kitchen porter", "forklift", "warehouse", "cleaner", "labourer", "cscs", "barista",
         "welder", "driver", "hgv class 2", "recycling", "retail", "customer service", "care", "security",
         "picking packing", "painter decorator", "grounds maintenance", "bike repair", "commis chef",
         "reach truck", "van driver", "caretaker", "data entry", "it support", "production operative"]


def generate(app, opportunities: int, participants: int) -> None:
    from marketplace.extensions import db
    from marketplace.opportunities import records as opportunity_records
    from marketplace.opportunities.models import Opportunity
    from marketplace.participants import records as participant_records
    from marketplace.participants.models import Participant
    from tests.factories import UserFactory, member_organisation

    rng = random.Random(2026)
    today = date.today()
    with app.app_context():
        employers = [member_organisation(3) for _ in range(50)]
        manager = UserFactory(role="case_manager")
        db.session.commit()
        now = __import__("marketplace.core.clock", fromlist=["now"]).now()
        rows = []
        for number in range(opportunities):
            details = opportunity_records.parse(data.opportunity(rng, number, today))
            values = dataclasses.asdict(details)
            values.update(organisation_id=employers[number % len(employers)].id, status="open", places_taken=0,
                          created_at=now, updated_at=now, published_at=now)
            rows.append({k: v for k, v in values.items() if k in Opportunity.__table__.columns})
            if len(rows) == 5000:
                db.session.execute(insert(Opportunity), rows)
                rows = []
        if rows:
            db.session.execute(insert(Opportunity), rows)
        people = []
        for number in range(participants):
            record = data.participant(rng, number, today)
            details, restrictions = participant_records.parse(record)
            values = {**dataclasses.asdict(details), **dataclasses.asdict(restrictions)}
            values["participant_number"] = values["participant_number"].upper()
            values.update(organisation_id=manager.organisation_id, case_manager_id=manager.id, status="active",
                          readiness="ready", readiness_tasks={}, created_at=now, updated_at=now)
            people.append(values)
        db.session.execute(insert(Participant), people)
        db.session.commit()


def queries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    from marketplace.reference import REGIONS

    return [(rng.choice(WORDS), rng.choice(REGIONS)) for _ in range(count)]


def measure(samples: list, run) -> list[float]:
    times = []
    for sample in samples:
        start = time.perf_counter()
        run(sample)
        times.append(time.perf_counter() - start)
    return times


def build_fts5(app, path: Path) -> sqlite3.Connection:
    from marketplace.extensions import db
    from marketplace.opportunities.models import Opportunity

    connection = sqlite3.connect(path)
    connection.execute("CREATE VIRTUAL TABLE fts USING fts5(title, description, criteria, region UNINDEXED, "
                       "kind UNINDEXED, sector UNINDEXED, tokenize='porter')")
    with app.app_context():
        rows = db.session.execute(select(Opportunity.id, Opportunity.title, Opportunity.description,
                                         Opportunity.essential_criteria, Opportunity.region, Opportunity.kind,
                                         Opportunity.sector)).all()
    start = time.perf_counter()
    connection.executemany("INSERT INTO fts(rowid, title, description, criteria, region, kind, sector) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    print(f"SQLite FTS5 build: {time.perf_counter() - start:.1f} s", flush=True)
    return connection


def plain_build(app, path: Path) -> float:
    """Seconds a plain single-writer Whoosh build of the opportunities' texts takes: a title and a
    body field with the stemming analyser and Whoosh's default writer, nothing else. The texts are
    read from the database first and are not part of the time."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    from marketplace.extensions import db
    from marketplace.opportunities.models import Opportunity

    with app.app_context():
        rows = db.session.execute(select(
            Opportunity.id, Opportunity.title, Opportunity.description, Opportunity.essential_criteria,
            Opportunity.desirable_criteria, Opportunity.sector).where(Opportunity.status == "open")
            .order_by(Opportunity.id)).all()
    texts = [(str(row.id), row.title, "\n".join(filter(None, row[1:]))) for row in rows]
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    schema = Schema(key=ID(unique=True, stored=True), title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
                    body=TEXT(analyzer=StemmingAnalyzer()))
    start = time.perf_counter()
    writer = whoosh_index.create_in(str(path), schema).writer()
    for key, title, body in texts:
        writer.add_document(key=key, title=title, body=body)
    writer.commit()
    elapsed = time.perf_counter() - start
    shutil.rmtree(path, ignore_errors=True)
    return elapsed


def fts_words(text: str) -> str:
    return " AND ".join(f'"{word}"' for word in re.findall(r"\w+", text))


def sign_in_cookie(base: str, email: str, password: str) -> str:
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf-token" content="([^"]+)"', page)
    body = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email, "password": password}).encode()
    opener.open(urllib.request.Request(f"{base}/sign-in", data=body,  # noqa: S310 - our own http server
                                       headers={"Referer": f"{base}/sign-in"}))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def wrk(url: str, seconds: int, cookie: str | None = None, script: Path | None = None) -> float:
    command = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  (!) {errors.group(1)} error responses", flush=True)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def page_throughput(app, workdir: Path, url: str, seconds: int) -> dict[str, float]:
    """Serve the benchmark's database with gunicorn (2 sync workers, as `make run`) and load it."""
    from marketplace.accounts.models import User
    from marketplace.extensions import db
    from tests.factories import UserFactory

    email = "bench@bench.example"
    with app.app_context():
        if db.session.scalar(select(User).where(User.email == email)) is None:  # a reused run made it already
            UserFactory(role="case_manager", email=email)
            db.session.commit()
    env = {**os.environ, "MARKETPLACE_ENV": "development", "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": url,
           "SEARCH_INDEX_DIR": str(workdir / "index"), "SECRET_KEY": "bench-secret-key-bench-secret-key"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/cookies", timeout=1)  # noqa: S310 - our own http server
                break
            except OSError:
                time.sleep(0.5)
        cookie = sign_in_cookie(base, email, "quartz-meadow-lantern-7")
        script = workdir / "search.lua"
        paths = [f"/search/?q={urllib.parse.quote(word)}&region={urllib.parse.quote(region)}"
                 for word, region in queries(random.Random(7), 200)]
        script.write_text("paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") +
                          "\nrequest = function()\n  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
        wrk(f"{base}/search/?q=warm+up", 3, cookie, script)
        return {"search page": wrk(f"{base}/search/", seconds, cookie, script),
                "trivial page": wrk(f"{base}/cookies", seconds)}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--reuse", type=Path, help="a directory to keep the generated data and index in; a "
                        "second run with the same directory skips generating them")
    parser.add_argument("--build-only", action="store_true", help="stop after timing the two index builds")
    arguments = parser.parse_args()

    fresh = not (arguments.reuse and (arguments.reuse / "fts.db").exists())
    app, workdir, url = bench_app("search", arguments.reuse, fresh)
    print(f"database: {url.split(':')[0]}; {arguments.opportunities:,} opportunities, "
          f"{arguments.participants:,} participants; {os.cpu_count()} cores; in {workdir}", flush=True)
    if fresh:
        with timed("generate and insert"):
            generate(app, arguments.opportunities, arguments.participants)
    else:
        print("reusing the data generated earlier", flush=True)
    builds: dict[str, float] = {}
    with app.app_context():
        from marketplace.search import index as store
        from marketplace.search import sync

        # Side by side, one after the other on the same data: the rebuild of everything (both
        # indexes, as `flask search reindex` does it) and the plain build of the opportunity texts.
        with timed("`search reindex` (opportunities and participants)", builds):
            counts = sync.reindex()
        size = sum(f.stat().st_size for f in store.current_generation().rglob("*") if f.is_file())
        print(f"  {counts}; {size / 1e6:.0f} MB on disk", flush=True)
    builds["plain"] = plain_build(app, workdir / "plain-index")
    print(f"plain single-writer Whoosh build of the opportunity texts: {builds['plain']:.1f} s", flush=True)
    ratio = builds["`search reindex` (opportunities and participants)"] / builds["plain"]
    print(f"rebuild ratio: {ratio:.2f}x the plain build (target <= 2.5x: {ratio <= 2.5})", flush=True)
    if arguments.build_only:
        return
    fts = build_fts5(app, workdir / "fts.db") if fresh else sqlite3.connect(workdir / "fts.db")
    rng = random.Random(42)
    sample = queries(rng, arguments.queries)
    with app.app_context():
        from whoosh import qparser
        from whoosh.query import And, Term

        from marketplace.core import clock
        from marketplace.extensions import db
        from marketplace.participants.models import Participant
        from marketplace.search import index as store
        from marketplace.search.matching import Seeker
        from marketplace.search.queries import SearchRequest, match_seeker, search_opportunities

        searcher = store.searcher("opportunities")
        plain_parser = qparser.MultifieldParser(["title", "body"], searcher.schema)

        def plain(item):
            text, region = item
            return list(searcher.search(plain_parser.parse(text), filter=And([Term("region", region)]), limit=20))

        def product(item):
            text, region = item
            return search_opportunities(SearchRequest(text=text, regions=[region]), clock.today())

        people = [Seeker.from_participant(p) for p in db.session.scalars(
            select(Participant).order_by(Participant.id).limit(arguments.queries))]

        def match(seeker):
            return match_seeker(seeker, clock.today(), limit=20)

        def fts_plain(item):
            text, region = item
            return fts.execute("SELECT rowid FROM fts WHERE fts MATCH ? AND region = ? ORDER BY rank LIMIT 20",
                               (fts_words(text), region)).fetchall()

        def fts_faceted(item):
            text, region = item
            words = fts_words(text)
            rows = fts.execute("SELECT rowid, snippet(fts, 1, '<mark>', '</mark>', '…', 12) FROM fts "
                               "WHERE fts MATCH ? AND region = ? ORDER BY rank LIMIT 20", (words, region)).fetchall()
            for column in ("kind", "sector", "region"):
                fts.execute(f"SELECT {column}, count(*) FROM fts WHERE fts MATCH ? GROUP BY {column}",  # noqa: S608
                            (words,)).fetchall()
            return rows

        measure(sample[:20], plain)
        measure(sample[:20], product)
        plain_times = measure(sample, plain)
        product_times = measure(sample, product)
        match_times = measure(people, match)
        fts_times = measure(sample, fts_plain)
        fts_facet_times = measure(sample, fts_faceted)
    print()
    print(f"plain Whoosh query (1-3 words, region filter)  {summary_ms(plain_times)}")
    print(f"product search (filters, facets, highlights)   {summary_ms(product_times)}")
    print(f"match (one participant, top 20 with reasons)   {summary_ms(match_times)}")
    print(f"SQLite FTS5, same query                        {summary_ms(fts_times)}")
    print(f"SQLite FTS5 with snippets and 3 facet counts   {summary_ms(fts_facet_times)}")
    ceiling = (os.cpu_count() or 1) / (sum(plain_times) / len(plain_times))
    rates = page_throughput(app, workdir, url, arguments.seconds)
    print()
    print(f"search page under gunicorn (2 sync workers)    {rates['search page']:8.1f} requests/s")
    print(f"ceiling the plain query allows (cores / mean)  {ceiling:8.1f} requests/s "
          f"({rates['search page'] / ceiling:.0%} reached)")
    print(f"trivial page (/cookies)                        {rates['trivial page']:8.1f} requests/s")
    print()
    print(f"targets: rebuild <= 2.5 x plain build: {ratio:.2f}x, {ratio <= 2.5}; match p95 <= 2 x plain p95: "
          f"{percentile(match_times, .95) <= 2 * percentile(plain_times, .95)}; "
          f"product p95 <= 2 x FTS5 (with facets) p95: "
          f"{percentile(product_times, .95) <= 2 * percentile(fts_facet_times, .95)}; "
          f"search page >= 70% of ceiling: {rates['search page'] >= 0.7 * ceiling}")


if __name__ == "__main__":
    sys.exit(main())
