"""Importing 50,000 CSV rows into the resource directory, on SQLite and PostgreSQL (target: under 30 s each).

    python benchmarks/directory_import.py [--rows 50000] [--baseline-rows 1000] [--postgres URL]

Runs on SQLite (a temporary file) and, when TEST_DATABASE_URL (or --postgres, default 127.0.0.1:5432/test)
reaches a server, in a throwaway PostgreSQL database. For each database, in the same run:
- bulk: `bot.importer.import_file` on the whole file (validation, privacy filter, upsert, categories, audit);
- re-import: the same file again (everything must come back "unchanged");
- baseline: the obvious way, the directory's own service once per row in one transaction (duplicate lookup
  and ORM inserts row by row), on a sample of --baseline-rows rows, extrapolated to the full file.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

import models  # noqa: E402,F401
from bot.directory import (
    hsds,  # noqa: E402
    importer,  # noqa: E402
)
from bot.directory import service as directory_service  # noqa: E402
from bot.platform.actor import Actor  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from models.directory import Resource  # noqa: E402

TEAM = "TBENCH"
TARGET_SECONDS = 30.0
KINDS = [
    "Food Pantry",
    "Shelter",
    "Free Clinic",
    "Legal Aid",
    "Counseling Center",
    "Rent Relief",
    "Job Center",
    "Ride Program",
    "Utility Assistance",
    "Senior Center",
    "Diaper Bank",
    "Community Kitchen",
]
CATEGORIES = {
    "Food Pantry": "food",
    "Shelter": "shelter;housing",
    "Free Clinic": "health-coverage",
    "Legal Aid": "legal",
    "Counseling Center": "mental-health",
    "Rent Relief": "housing;money",
    "Job Center": "employment;education",
    "Ride Program": "transportation",
    "Utility Assistance": "utilities",
    "Senior Center": "aging-disability;social-connection",
    "Diaper Bank": "goods;childcare",
    "Community Kitchen": "food",
}
PLACES = ["Eastport", "Westbrook", "Riverside", "Northfield", "Lakeview", "Hillcrest", "Fairview", "Oakdale"]
STREETS = ["Main St", "Oak Ave", "Elm Street", "River Rd", "Harbor Blvd", "Market St", "Cedar Ave", "Park Pl"]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(hsds.CSV_HEADERS)
        for i in range(rows):
            kind = rng.choice(KINDS)
            city = rng.choice(PLACES)
            writer.writerow(
                [
                    f"{rng.choice(['Eastside', 'Westside', 'Hope', 'Unity', 'Bright', 'Neighbors'])} {kind} {i}",
                    f"Community Services {i % 700}",
                    f"{kind} open to the community; walk-ins welcome. Serves about {rng.randint(20, 400)} people a week.",
                    CATEGORIES[kind],
                    f"555-{i % 10000:04d}",
                    f"info{i}@example.org" if i % 3 else "",
                    f"https://r{i}.example.org" if i % 2 else "",
                    f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
                    city,
                    "OR",
                    f"97{rng.randint(100, 399)}",
                    rng.choice(["English", "English;Spanish", "English;Vietnamese;Spanish", "Spanish"]),
                    rng.choice(
                        ["", "No ID required", "Residents of the county; income under 200% FPL", "Adults 18+"]
                    ),
                    rng.choice(["Mon-Fri 9am-5pm", "Tue/Thu 2-6pm", "24/7", "Sat 10am-2pm", ""]),
                ]
            )


def baseline(db: Database, path: Path, sample: int) -> float:
    """Seconds per row for the service once per row (`save_form`, one transaction), over the first `sample` rows."""
    records = []
    for _where, parsed in importer.read_records(path):
        if parsed.fields is not None:
            records.append(parsed.fields)
        if len(records) == sample:
            break
    actor = Actor(team_id=TEAM + "BASE", user_id="UBENCH", user_team_id=TEAM + "BASE")
    started = time.perf_counter()
    with db.session() as session:
        for fields in records:
            directory_service.save_form(session, actor, directory_service.FormSubmission(fields))
    return (time.perf_counter() - started) / len(records)


def measure(label: str, db: Database, path: Path, rows: int, sample: int) -> dict:
    db.upgrade()
    started = time.perf_counter()
    report = importer.import_file(db, path, TEAM, show_progress=False)
    bulk = time.perf_counter() - started
    assert report.created == rows and not report.problems, (report.created, report.problems[:3])
    started = time.perf_counter()
    again = importer.import_file(db, path, TEAM, show_progress=False)
    reimport = time.perf_counter() - started
    assert again.unchanged == rows and again.created == again.updated == 0
    with db.session() as session:
        stored = session.execute(select(func.count(Resource.id)).where(Resource.team_id == TEAM)).scalar_one()
    assert stored == rows
    per_row = baseline(db, path, sample)
    extrapolated = per_row * rows
    print(
        f"{label:<11} bulk import {rows:,} rows: {bulk:6.1f} s ({rows / bulk:,.0f} rows/s)  "
        f"{'OK' if bulk < TARGET_SECONDS else 'OVER'} target {TARGET_SECONDS:.0f} s"
    )
    print(f"{'':<11} re-import (all unchanged): {reimport:6.1f} s")
    print(
        f"{'':<11} baseline, the service per row ({sample:,}-row sample): {per_row * 1000:.2f} ms/row "
        f"-> {extrapolated:,.0f} s for {rows:,} rows; bulk is {extrapolated / bulk:.1f}x faster"
    )
    return {"bulk": bulk, "baseline": extrapolated}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=1_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "directory.csv"
        write_csv(path, args.rows)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB of CSV; {os.cpu_count()} CPUs")
        sqlite = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        measure("SQLite", sqlite, path, args.rows, args.baseline_rows)
        sqlite.engine.dispose()

        with ExitStack() as stack:
            try:
                url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
            except ScratchDatabaseUnavailable as error:  # no server: SQLite figures only
                print(f"PostgreSQL skipped: {error}")
                return 0
            postgres = Database(url)
            measure("PostgreSQL", postgres, path, args.rows, args.baseline_rows)
            postgres.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
