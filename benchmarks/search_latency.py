"""Latency of "who can help with X?" at 10,000 and 100,000 resources, on SQLite and PostgreSQL, in-process.

    python benchmarks/search_latency.py [--sizes 10000,100000] [--postgres URL] [--sqlite-only] [--queries 300]

Each run bulk-loads synthetic resources (executemany on SQLite, COPY on PostgreSQL; the full-text index is kept
by the same triggers / generated column as in production), then times bot.search.who_can_help for the
evaluation set's questions (tests/search/eval: colloquial, abbreviations, typos, Spanish, modifiers, several needs,
unanswerable), one session per question, nothing recorded. The baseline, measured in the same run on the same
data, is a plain full-text query: the question's words OR-ed, top 5 by bm25 (SQLite) or ts_rank (PostgreSQL).
Target: p95 under 20 ms at 100,000 resources on both databases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

import tests.search.eval as evaluation  # noqa: E402
from bot.platform import vocabulary  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from bot.search.service import who_can_help  # noqa: E402
from models.directory import Resource, ResourceCategory  # noqa: E402

TEAM = "TBENCH"
CITIES = ["Eastport", "Westbrook", "Millbrook", "Lakeview", "Cedar Falls", "Harbor City", "Pine Ridge", "Fairhaven",
          "Oak Grove", "Riverside", "Stonebridge", "Maple Hill", "Clearwater", "Brookfield", "Summit", "Ashford"]  # fmt: skip
LANGUAGES = ["English", "English;Spanish", "English;Vietnamese", "Spanish", "English;Somali", "English;Russian",
             "English;Spanish;Vietnamese", "English;ASL"]  # fmt: skip
POPULATIONS = [
    "",
    "",
    "",
    "seniors",
    "families",
    "youth",
    "veterans",
    "immigrants",
    "homeless",
    "disabilities",
]
FILLER = ["community", "program", "offering", "free", "confidential", "support", "services", "for", "residents",
          "call", "ahead", "walk", "in", "appointments", "available", "staff", "volunteers", "neighborhood",
          "county", "weekly", "monthly"]  # fmt: skip
ORG_WORDS = ["Community", "Neighborhood", "County", "United", "Hope", "Unity", "Open Door", "Bridge", "Harbor",
             "Friends", "Circle", "Pathways", "New Start", "Helping Hands", "Beacon", "Cornerstone"]  # fmt: skip


def synthetic_rows(count: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    categories = vocabulary.categories()
    now = datetime.now(UTC)
    resources, links = [], []
    for resource_id in range(1, count + 1):
        picked = rng.sample(categories, 1 if rng.random() < 0.7 else 2)
        words = [rng.choice(c.synonyms) for c in picked for _ in range(3)]
        name = f"{rng.choice(ORG_WORDS)} {picked[0].display_name} {rng.choice(['Center', 'Program', 'Project', 'Services', 'Network'])} {resource_id}"
        city = rng.choice(CITIES)
        verified = rng.random() < 0.6
        resources.append({
            "id": resource_id, "team_id": TEAM, "name": name, "normalized_name": vocabulary.normalize(name),
            "organization": f"{rng.choice(ORG_WORDS)} Alliance", "normalized_organization": "",
            "description": " ".join(words + rng.sample(FILLER, 6)),
            "categories": ";".join(c.id for c in picked), "phone": f"555-{resource_id % 10000:04d}", "email": "",
            "website": f"https://example.org/{resource_id}", "address": f"{resource_id % 900 + 100} Main St",
            "city": city, "normalized_city": vocabulary.normalize(city), "state": "OR",
            "postal_code": f"978{CITIES.index(city):02d}", "hours": "Mon-Fri 9am-5pm",
            "languages": rng.choice(LANGUAGES), "eligibility": "Residents of the county",
            "populations": rng.choice(POPULATIONS), "mention_count": rng.randint(1, 12),
            "helped_count": rng.randint(0, 4), "outdated_count": 0, "source": "import", "created_by": "UBENCH",
            "created_at": now, "updated_at": now, "verified_by": "UBENCH" if verified else None,
            "verified_at": now - timedelta(days=rng.randint(0, 700)) if verified else None,
            "retired_by": None, "retired_at": now if rng.random() < 0.03 else None,
        })  # fmt: skip
        links.extend({"resource_id": resource_id, "category": c.id, "team_id": TEAM} for c in picked)
    # Columns other features add to the resource table get their model defaults (COPY needs every value).
    defaults = {
        column.name: column.default.arg
        if column.default is not None and not callable(column.default.arg)
        else None
        for column in Resource.__table__.columns
    }
    resources = [{**defaults, **row} for row in resources]
    return resources, links


def load_sqlite(db: Database, resources: list[dict], links: list[dict]) -> None:
    with db.engine.begin() as connection:
        for start in range(0, len(resources), 5000):
            connection.execute(insert(Resource.__table__), resources[start : start + 5000])
        connection.execute(insert(ResourceCategory.__table__), links)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _copy_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def load_postgres(db: Database, resources: list[dict], links: list[dict]) -> None:
    columns = list(resources[0])
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY resource ({', '.join(columns)}) FROM STDIN") as copy:
                for row in resources:
                    copy.write_row([_copy_value(row[c]) for c in columns])
            with cursor.copy("COPY resourcecategory (resource_id, category, team_id) FROM STDIN") as copy:
                for link in links:
                    copy.write_row([link["resource_id"], link["category"], link["team_id"]])
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('resource', 'id'), (SELECT max(id) FROM resource))"
            )
        connection.commit()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE resource")
            cursor.execute("ANALYZE resourcecategory")
        connection.commit()
    finally:
        raw.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_calls(db: Database, questions: list[str], fn) -> list[float]:
    for question in questions[:20]:  # warm caches and connections
        with db.session() as session:
            fn(session, question)
    timings = []
    for question in questions:
        started = time.perf_counter()
        with db.session() as session:
            fn(session, question)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def ours(session, question: str) -> None:
    who_can_help(session, TEAM, question, record=False)


def baseline(session, question: str) -> None:
    evaluation.run_plain_bm25(session, TEAM, question)


def run(label: str, db: Database, size: int, questions: list[str], loader) -> None:
    resources, links = synthetic_rows(size)
    started = time.perf_counter()
    loader(db, resources, links)
    load_seconds = time.perf_counter() - started
    search = time_calls(db, questions, ours)
    plain = time_calls(db, questions, baseline)
    p50, p95 = statistics.median(search), percentile(search, 0.95)
    b50, b95 = statistics.median(plain), percentile(plain, 0.95)
    print(f"{label:<11}{size:>8,}  load {load_seconds:5.1f}s  who_can_help p50 {p50:6.2f} ms  p95 {p95:6.2f} ms"
          f"   plain full-text p50 {b50:5.2f} ms  p95 {b95:5.2f} ms   ratio p95 {p95 / b95:4.1f}x"
          f"   {'OK' if p95 < 20 else 'over 20 ms'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--queries", type=int, default=350)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    texts = [query["text"] for query in evaluation.queries()]
    questions = [texts[i % len(texts)] for i in range(args.queries)]
    print(
        f"{len(questions)} timed questions per run ({len(texts)} distinct), one session each, nothing recorded"
    )

    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/latency.db")
            db.upgrade()
            run("SQLite", db, size, questions, load_sqlite)
            db.dispose()

    if args.sqlite_only:
        return 0
    for size in sizes:
        with ExitStack() as stack:
            try:
                url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
            except ScratchDatabaseUnavailable as error:
                print(f"PostgreSQL skipped: {error}")
                return 0
            db = Database(url)
            try:
                db.upgrade()
                run("PostgreSQL", db, size, questions, load_postgres)
            finally:
                db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
