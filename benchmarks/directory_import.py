"""Importing 50,000 CSV rows into the resource directory, on SQLite and PostgreSQL (target: under 30 s each), and
how well the import merges near-duplicates.

    python benchmarks/directory_import.py [--rows 50000] [--baseline-rows 1000] [--postgres URL]

Runs on SQLite (a temporary file) and, when TEST_DATABASE_URL (or --postgres, default 127.0.0.1:5432/test)
reaches a server, in a throwaway PostgreSQL database. For each database, in the same run:
- bulk: `bot.directory.importer.import_file` on the whole file (validation, privacy filter, near-duplicate
  merging, upsert, categories, audit);
- re-import: the same file again (everything must come back "unchanged");
- baseline: the obvious way, the directory's own service once per row in one transaction (duplicate lookup and ORM
  inserts row by row), on a sample of --baseline-rows rows, extrapolated to the full file.
The synthetic names carry a number each, so every name is its own block for the near-duplicate search; a second
file of the same size whose names carry no number (thousands of similar names per town) shows the worst case.

Near-duplicates, when ../shared/eval/ is present (skipped otherwise): its directory.csv (165 rows, 5 planted
near-duplicate pairs listed in duplicates.csv, written apart from the code) is imported, and the figures are the
pairs merged into one entry, the distinct resources merged by mistake, and, for comparison, the same with the
previous rule (one entry per exact name, organization and city).
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
from bot.directory import hsds, importer  # noqa: E402
from bot.directory import service as directory_service  # noqa: E402
from bot.directory.fields import normalize  # noqa: E402
from bot.platform.actor import Actor  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from models.directory import Resource  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"

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


WORDS = ["Hope", "Unity", "Bright", "Harbor", "Cedar", "Maple", "River", "Summit", "Grace", "Open Door", "Lighthouse",
         "Good Neighbor", "New Day", "Oak", "Pine", "Willow", "Sunrise", "Beacon", "Haven", "Bridge", "Crossroads"]


def _name(rng: random.Random, kind: str, i: int, numbered: bool) -> str:
    if numbered:
        return f"{rng.choice(['Eastside', 'Westside', 'Hope', 'Unity', 'Bright', 'Neighbors'])} {kind} {i}"
    # No number: a word pair per name, so a town holds thousands of similar names (and a few real repeats).
    return f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(['', 'Community ', 'Family '])}{kind}"


def write_csv(path: Path, rows: int, *, numbered: bool = True) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(hsds.CSV_HEADERS)
        for i in range(rows):
            kind = rng.choice(KINDS)
            city = rng.choice(PLACES)
            writer.writerow(
                [
                    _name(rng, kind, i, numbered),
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


def measure_unnumbered(label: str, db: Database, path: Path, rows: int) -> None:
    """The worst case for the near-duplicate search: names without numbers, thousands per town."""
    started = time.perf_counter()
    report = importer.import_file(db, path, TEAM + "WORDS", show_progress=False)
    elapsed = time.perf_counter() - started
    print(
        f"{'':<11} names without numbers ({rows:,} rows): {elapsed:6.1f} s ({rows / elapsed:,.0f} rows/s), "
        f"{report.created:,} entries, {report.merged:,} rows merged (repeats of a word pair and kind in a town)  "
        f"{'OK' if elapsed < TARGET_SECONDS else 'OVER'} target {TARGET_SECONDS:.0f} s"
    )


def measure_duplicates(folder: Path) -> None:
    """The planted near-duplicates of ../shared/eval/directory.csv: merged, and nothing else merged."""
    directory, pairs_file = EVAL / "directory.csv", EVAL / "duplicates.csv"
    if not (directory.exists() and pairs_file.exists()):
        print(f"near-duplicates: skipped ({EVAL} is absent)")
        return
    rows = list(csv.DictReader(directory.open(encoding="utf-8")))
    pairs = [(row["name_a"], row["name_b"]) for row in csv.DictReader(pairs_file.open(encoding="utf-8"))]
    db = Database(f"sqlite:///{folder / 'duplicates.db'}")
    db.upgrade()
    report = importer.import_file(db, directory, "TEVAL", show_progress=False)
    with db.session() as session:
        entries = session.execute(select(Resource.name).where(Resource.team_id == "TEVAL")).scalars().all()
    db.engine.dispose()
    kept = set(entries)
    merged = sum(1 for a, b in pairs if (a in kept) != (b in kept))
    planted = {name for pair in pairs for name in pair}
    distinct = len({row["name"] for row in rows} - planted) + len(pairs)
    wrongly = distinct + (len(pairs) - merged) - len(entries)  # entries missing beyond the merged pairs
    identity = {(normalize(r["name"]), normalize(r["organization"]), normalize(r["city"])) for r in rows}
    print(
        f"near-duplicates ({len(rows)} rows of ../shared/eval/directory.csv, {len(pairs)} planted pairs): "
        f"{merged}/{len(pairs)} pairs merged, {wrongly} distinct resources merged by mistake; "
        f"{len(entries)} entries ({report.merged} rows merged, {len(report.problems)} skipped)"
    )
    print(
        f"{'':<11} baseline, one entry per exact name/organization/city (the previous import): "
        f"0/{len(pairs)} pairs merged, {len(identity)} entries"
    )


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
        measure_duplicates(Path(folder))
        path = Path(folder) / "directory.csv"
        write_csv(path, args.rows)
        words = Path(folder) / "words.csv"
        write_csv(words, args.rows, numbered=False)
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB of CSV; {os.cpu_count()} CPUs; "
              f"load average {os.getloadavg()[0]:.2f}")
        sqlite = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        measure("SQLite", sqlite, path, args.rows, args.baseline_rows)
        measure_unnumbered("SQLite", sqlite, words, args.rows)
        sqlite.engine.dispose()

        with ExitStack() as stack:
            try:
                url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
            except ScratchDatabaseUnavailable as error:  # no server: SQLite figures only
                print(f"PostgreSQL skipped: {error}")
                return 0
            postgres = Database(url)
            measure("PostgreSQL", postgres, path, args.rows, args.baseline_rows)
            measure_unnumbered("PostgreSQL", postgres, words, args.rows)
            postgres.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
