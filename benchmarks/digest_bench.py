"""How long a manager digest takes for a workspace with a year of activity, on SQLite and PostgreSQL.

    python benchmarks/digest_bench.py [--scale 1.0] [--runs 5] [--skip-postgres]

Loads 50,000 resources, 500,000 questions, 10,000 successes and 500 conference series (with a year of meetings,
agenda items and RSVPs) in bulk (executemany on SQLite, COPY on PostgreSQL), then times `build_digest` for the last
week. The baseline, measured in the same run, computes the same figures the obvious way: load the workspace's rows
into Python and count there. Both must agree, figure for figure. Target: under 1 s per digest.

PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql+psycopg://postgres@127.0.0.1:5432/test
(a throwaway database is created next to it and dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402

import models  # noqa: E402,F401
from bot.digests.contents import STALE_RESOURCE_DAYS, build_digest, period_for, week_starts
from bot.home.service import home_data
from bot.platform import vocabulary  # noqa: E402
from bot.platform.actor import Actor
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from models.celebrations import Success, SuccessPartner  # noqa: E402
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp  # noqa: E402
from models.directory import Resource  # noqa: E402
from models.partners import Agreement, Partner, PartnerService  # noqa: E402
from models.search import QuestionLog, UnmetNeed  # noqa: E402

TEAM = "TBENCH"
TZ = "America/New_York"
DELIVERY_DAY = date(2026, 11, 16)  # a Monday: the digest covers the week before
START, END = period_for("weekly", DELIVERY_DAY, TZ)
YEAR_AGO = END - timedelta(days=365)
CHUNK = 20_000


# --- Data ------------------------------------------------------------------------------------------------------


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def generate(scale: float, seed: int = 7) -> dict:
    """A year of activity for one workspace, as rows per table (ids assigned here so links need no lookups)."""
    rng = random.Random(seed)
    categories = vocabulary.category_ids()
    n = {
        "resources": int(50_000 * scale),
        "questions": int(500_000 * scale),
        "successes": int(10_000 * scale),
        "series": max(1, int(500 * scale)),
        "partners": max(2, int(300 * scale)),
        "unmet": max(1, int(2_000 * scale)),
    }
    tables: dict = defaultdict(list)

    for i in range(1, n["resources"] + 1):
        created = _moment(rng, END - timedelta(days=3 * 365), END)
        verified = _moment(rng, created, END) if rng.random() < 0.6 else None
        retired = _moment(rng, created, END) if rng.random() < 0.05 else None
        picked = rng.sample(categories, rng.randint(1, 3))
        tables[Resource].append(
            {
                "id": i,
                "team_id": TEAM,
                "name": f"Resource {i}",
                "normalized_name": f"resource {i}",
                "organization": f"Org {i % 997}",
                "normalized_organization": f"org {i % 997}",
                "description": "Groceries and meals",
                "categories": ";".join(picked),
                "created_by": f"U{i % 400}",
                "created_at": created,
                "updated_at": created,
                "verified_at": verified,
                "retired_at": retired,
            }
        )

    phrases = [f"unmet need {i}" for i in range(n["unmet"])]
    unmet_stats: dict[str, list] = {}
    for i in range(1, n["questions"] + 1):
        asked = _moment(rng, YEAR_AGO, END)
        if rng.random() < 0.1:
            need_key, category, results = rng.choice(phrases), None, 0
        else:
            category = rng.choice(categories)
            need_key, results = category, (0 if rng.random() < 0.05 else rng.randint(1, 9))
        if results == 0:
            stats = unmet_stats.setdefault(need_key, [0, asked, asked, category])
            stats[0] += 1
            stats[1], stats[2] = min(stats[1], asked), max(stats[2], asked)
        tables[QuestionLog].append(
            {
                "id": i,
                "team_id": TEAM,
                "asked_at": asked,
                "need_key": need_key,
                "category": category,
                "result_count": results,
                "surface": "slash",
            }
        )
    for i, (need_key, (count, first, last, category)) in enumerate(sorted(unmet_stats.items()), start=1):
        tables[UnmetNeed].append(
            {
                "id": i,
                "team_id": TEAM,
                "need_key": need_key,
                "category": category,
                "phrase": need_key,
                "ask_count": count,
                "first_asked_at": first,
                "last_asked_at": last,
            }
        )

    for i in range(1, n["partners"] + 1):
        created = _moment(rng, END - timedelta(days=2 * 365), END)
        has_capacity = rng.random() < 0.5
        tables[Partner].append(
            {
                "id": i,
                "team_id": TEAM,
                "name": f"Partner {i}",
                "normalized_name": f"partner {i}",
                "capacity_per_month": rng.randint(10, 400) if has_capacity else None,
                "current_load": rng.randint(0, 200) if has_capacity else None,
                "eligibility_notes": "",
                "owner_user_id": "UOWNER",
                "timezone": TZ,
                "source": "slack",
                "created_at": created,
                "updated_at": created,
            }
        )
        for category in rng.sample(categories, rng.randint(1, 4)):
            tables[PartnerService].append({"partner_id": i, "category": category, "team_id": TEAM})
        tables[Agreement].append(
            {
                "id": i,
                "partner_id": i,
                "team_id": TEAM,
                "kind": "mou",
                "start_date": None,
                "review_date": None,
                "renewal_date": END.date() + timedelta(days=rng.randint(-100, 700)),
                "revision": 0,
                "updated_at": created,
            }
        )

    for i in range(1, n["successes"] + 1):
        tables[Success].append(
            {
                "id": i,
                "team_id": TEAM,
                "channel_id": f"C{i % 50}",
                "author_user_id": f"U{i % 400}",
                "author_team_id": TEAM,
                "text": "Housed a family",
                "category": None,
                "celebrated_at": _moment(rng, YEAR_AGO, END),
            }
        )
        # Successes credit the busiest partners most; a few partners go quiet.
        credited = {min(int(rng.paretovariate(1.2)), n["partners"]) for _ in range(rng.randint(1, 2))}
        for partner_id in credited:
            tables[SuccessPartner].append({"success_id": i, "partner_id": partner_id, "team_id": TEAM})

    occurrence_id = agenda_id = rsvp_id = 0
    for i in range(1, n["series"] + 1):
        first = YEAR_AGO + timedelta(days=rng.randrange(28), hours=14)
        step = timedelta(days=rng.choice((7, 14, 28)))
        tables[ConferenceSeries].append(
            {
                "id": i,
                "team_id": TEAM,
                "channel_id": f"C{i % 50}",
                "title": f"Case conference {i}",
                "owner_user_id": "UOWNER",
                "timezone": TZ,
                "rrule": "FREQ=WEEKLY",
                "start_local": first.replace(tzinfo=None),
                "duration_minutes": 60,
                "video_link": "",
                "facilitator_user_ids": [],
                "agenda_call_minutes": None,
                "day_before_minutes": None,
                "start_notice": False,
                "followup_minutes": None,
                "sequence": 0,
                "materialized_until": END + timedelta(days=28),
                "created_at": YEAR_AGO,
                "updated_at": YEAR_AGO,
                "cancelled_at": END - timedelta(days=30) if rng.random() < 0.05 else None,
            }
        )
        start = first
        while start < END + timedelta(days=28):
            occurrence_id += 1
            tables[ConferenceOccurrence].append(
                {
                    "id": occurrence_id,
                    "team_id": TEAM,
                    "series_id": i,
                    "original_local": start.replace(tzinfo=None),
                    "start_local": start.replace(tzinfo=None),
                    "start_utc": start,
                    "status": "cancelled" if rng.random() < 0.03 else "scheduled",
                    "facilitator_user_id": None,
                    "revision": 0,
                    "created_at": YEAR_AGO,
                }
            )
            for _ in range(rng.randint(0, 4)):
                agenda_id += 1
                tables[AgendaItem].append(
                    {
                        "id": agenda_id,
                        "team_id": TEAM,
                        "occurrence_id": occurrence_id,
                        "text": "A case",
                        "added_by": "U1",
                        "added_at": start - timedelta(days=2),
                    }
                )
            for person in rng.sample(range(400), rng.randint(0, 6)):
                rsvp_id += 1
                tables[Rsvp].append(
                    {
                        "id": rsvp_id,
                        "team_id": TEAM,
                        "occurrence_id": occurrence_id,
                        "user_id": f"U{person}",
                        "response": "going" if rng.random() < 0.8 else "not_going",
                        "updated_at": start,
                    }
                )
            start += step
    return tables


def bulk_load(db: Database, tables: dict) -> None:
    """executemany in chunks on SQLite; COPY on PostgreSQL."""
    for model, rows in tables.items():
        table = model.__table__
        if not rows:
            continue
        if db.dialect == "postgresql":
            # COPY applies no Python-side defaults, so fill them in like an ORM insert would.
            defaults = {
                c.name: c.default.arg for c in table.columns if c.default is not None and c.default.is_scalar
            }
            columns = [c.name for c in table.columns if c.name in rows[0] or c.name in defaults]
            names = ", ".join(f'"{name}"' for name in columns)
            raw = db.engine.raw_connection()
            try:
                with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        values = [row.get(name, defaults.get(name)) for name in columns]
                        copy.write_row([json.dumps(v) if isinstance(v, list | dict) else v for v in values])
                raw.commit()
            finally:
                raw.close()
        else:
            with db.engine.begin() as connection:
                for i in range(0, len(rows), CHUNK):
                    connection.execute(table.insert(), rows[i : i + CHUNK])
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


# --- The baseline: the same figures from rows loaded into Python ------------------------------------------------


def python_figures(db: Database) -> dict:
    previous = START - (END - START)
    stale_now = END - timedelta(days=STALE_RESOURCE_DAYS)
    figures: dict = {}
    with db.session() as s:
        resources = s.execute(
            select(Resource.created_at, Resource.verified_at, Resource.retired_at).where(
                Resource.team_id == TEAM
            )
        ).all()
        for index, name in enumerate(("added", "verified", "retired")):
            moments = [row[index] for row in resources if row[index] is not None]
            figures[name] = (
                sum(START <= m < END for m in moments),
                sum(previous <= m < START for m in moments),
            )
        figures["stale_now"] = sum(
            1
            for created, verified, retired in resources
            if retired is None and (verified or created) < stale_now
        )

        questions = s.execute(
            select(
                QuestionLog.asked_at, QuestionLog.category, QuestionLog.need_key, QuestionLog.result_count
            ).where(QuestionLog.team_id == TEAM)
        ).all()
        current = [q for q in questions if START <= q.asked_at < END]
        before = [q for q in questions if previous <= q.asked_at < START]
        figures["needs_asked"] = (len(current), len(before))
        figures["needs_unmet"] = (
            sum(q.result_count == 0 for q in current),
            sum(q.result_count == 0 for q in before),
        )
        figures["top_need"] = Counter(q.category for q in current).most_common(1)[0]
        unmet = Counter(q.need_key for q in current if q.result_count == 0)
        figures["top_unmet_count"] = unmet.most_common(1)[0][1]
        bounds = [*week_starts(END, TZ), END]
        figures["weeks"] = [
            (
                sum(lo <= q.asked_at < hi for q in questions),
                sum(lo <= q.asked_at < hi and not q.result_count for q in questions),
            )
            for lo, hi in zip(bounds, bounds[1:], strict=False)
        ]

        successes = s.execute(select(Success.id, Success.celebrated_at).where(Success.team_id == TEAM)).all()
        figures["successes"] = (
            sum(START <= m < END for _, m in successes),
            sum(previous <= m < START for _, m in successes),
        )
        when = {success_id: moment for success_id, moment in successes}
        links = s.execute(
            select(SuccessPartner.success_id, SuccessPartner.partner_id).where(SuccessPartner.team_id == TEAM)
        ).all()
        per_partner = Counter(p for sid, p in links if START <= when[sid] < END)
        figures["top_partner_successes"] = per_partner.most_common(1)[0][1] if per_partner else 0
        last_seen: dict[int, datetime] = {}
        for sid, partner_id in links:
            if when[sid] < END:
                last_seen[partner_id] = max(last_seen.get(partner_id, when[sid]), when[sid])
        cutoff = END - timedelta(days=60)
        partners = s.execute(select(Partner.id, Partner.created_at).where(Partner.team_id == TEAM)).all()
        figures["quiet_partners"] = sum(
            1
            for pid, created in partners
            if created < cutoff and (pid not in last_seen or last_seen[pid] < cutoff)
        )

        occurrences = s.execute(
            select(
                ConferenceOccurrence.id,
                ConferenceOccurrence.start_utc,
                ConferenceOccurrence.status,
                ConferenceSeries.cancelled_at,
            )
            .join(ConferenceSeries, ConferenceSeries.id == ConferenceOccurrence.series_id)
            .where(ConferenceOccurrence.team_id == TEAM)
        ).all()
        upcoming = sorted(
            (
                o
                for o in occurrences
                if END <= o.start_utc < END + timedelta(days=14)
                and o.status == "scheduled"
                and o.cancelled_at is None
            ),
            key=lambda o: (o.start_utc, o.id),
        )
        first = upcoming[0].id
        agenda = s.execute(select(AgendaItem.occurrence_id).where(AgendaItem.team_id == TEAM)).scalars().all()
        figures["first_conference_agenda"] = sum(1 for occurrence in agenda if occurrence == first)
    return figures


def sql_figures(data) -> dict:
    def pair(change):
        return (change.current, change.previous)

    return {
        "added": pair(data.resources.added),
        "verified": pair(data.resources.verified),
        "retired": pair(data.resources.retired),
        "stale_now": data.checks.stale.current,
        "needs_asked": pair(data.needs_asked),
        "needs_unmet": pair(data.needs_unmet),
        "top_need": (data.top_needs[0].category or None, data.top_needs[0].asked.current),
        "top_unmet_count": data.unmet_needs[0].unanswered.current,
        "weeks": [(w.asked, w.unmet) for w in data.weeks],
        "successes": pair(data.successes),
        "top_partner_successes": data.successes_by_partner[0].successes.current
        if data.successes_by_partner
        else 0,
        "quiet_partners": data.quiet_partner_count,
        "first_conference_agenda": data.upcoming_conferences[0].agenda_items,
    }


# --- Running -----------------------------------------------------------------------------------------------------


def timed(fn, runs: int) -> tuple[float, float, object]:
    """(first run, median of the rest) in seconds, and the last result."""
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return times[0], statistics.median(times[1:] or times), result


def bench(name: str, db: Database, tables: dict, runs: int) -> bool:
    began = time.perf_counter()
    db.upgrade()
    bulk_load(db, tables)
    print(
        f"{name}: loaded {sum(len(rows) for rows in tables.values()):,} rows in {time.perf_counter() - began:.1f} s"
    )

    def digest():
        with db.session() as session:
            return build_digest(session, TEAM, START, END, timezone=TZ)

    first, median, data = timed(digest, runs)

    def home():
        with db.session() as session:
            actor = Actor(team_id=TEAM, user_id="U1", default_timezone=TZ)
            return home_data(session, actor, [f"C{i}" for i in range(0, 50, 5)], now=END)

    home_first, home_median, _ = timed(home, runs)
    base_first, base_median, baseline = timed(lambda: python_figures(db), max(2, runs // 2))
    agree = sql_figures(data) == baseline
    print(
        f"{name}: build_digest first {first * 1000:.0f} ms, median {median * 1000:.0f} ms over {runs} runs "
        f"(target < 1000 ms: {'met' if median < 1 else 'MISSED'})"
    )
    print(
        f"{name}: baseline (rows loaded into Python) first {base_first * 1000:.0f} ms, "
        f"median {base_median * 1000:.0f} ms; ratio {base_median / median:.0f}x faster"
    )
    print(f"{name}: figures agree with the baseline: {'yes' if agree else 'NO'}")
    print(
        f"{name}: App Home data for one person: first {home_first * 1000:.0f} ms, median {home_median * 1000:.0f} ms"
    )
    if not agree:
        for key, value in sql_figures(data).items():
            if baseline[key] != value:
                print(f"  {key}: digest {value} vs baseline {baseline[key]}")
    return agree and median < 1


def on_both_databases(run: Callable[[str, Database], bool], skip_postgres: bool = False) -> bool:
    """Runs `run(name, db)` on a fresh SQLite file, then on a scratch PostgreSQL database (BENCH_DATABASE_URL,
    TEST_DATABASE_URL or the local server), which is skipped with a line when unreachable. True if all passed."""
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.db")
        try:
            ok &= run("sqlite", db)
        finally:
            db.dispose()
    if skip_postgres:
        return ok
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    with ExitStack() as stack:
        try:
            scratch_url = stack.enter_context(scratch_postgres_database(url, "partnerbot_bench"))
        except ScratchDatabaseUnavailable as error:
            print(f"postgresql: skipped, unreachable ({error})")
            return ok
        db = Database(scratch_url)
        try:
            ok &= run("postgresql", db)
        finally:
            db.dispose()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of the full data set (default 1.0)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    began = time.perf_counter()
    tables = generate(args.scale)
    print(
        f"generated a year of activity in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{len(rows):,} {model.__tablename__}" for model, rows in tables.items())
    )
    ok = on_both_databases(lambda name, db: bench(name, db, tables, args.runs), args.skip_postgres)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
