"""How long a monthly recap takes over 10,000 successes, on SQLite and PostgreSQL; and how long reading
`/celebrate … with …` takes against a registry of 100 to 5,000 partners.

The recap (bot.celebrations.build_recap) uses aggregate queries plus a window function for the highlights. The
baseline, measured in the same run on the same data, is the obvious implementation: load the month's successes,
then ask the database for each one's partners and people (one query per success and table) and count in Python.
Both must agree on every count before any figure is printed.

Reading `with` finds registered names with a word index (a few dictionary lookups per position). The baseline,
in the same run on the same names, is the obvious implementation the index replaced: one compiled pattern per
registered name, tried longest first at each position (Python's pattern cache holds 512, so large registries
recompile on every message). Both must read every message alike before any figure is printed.

    python benchmarks/celebrations_bench.py            # PostgreSQL from TEST_DATABASE_URL, or 127.0.0.1:5432/test
"""

import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import select  # noqa: E402

import models  # noqa: E402,F401
from bot.celebrations.commands import parse_celebrate  # noqa: E402
from bot.celebrations.recap import build_recap, month_bounds  # noqa: E402
from bot.partners.names import normalize_name  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from models.celebrations import Success, SuccessPartner, SuccessPerson  # noqa: E402
from models.partners import Partner  # noqa: E402

SUCCESSES = 10_000
PARTNERS = 40
TEAM = "TBENCH"
TIMEZONE = "America/New_York"
YEAR, MONTH = 2026, 11
RUNS = 5


def seed(db: Database) -> None:
    rng = random.Random(42)
    now = datetime.now(UTC)
    start, _ = month_bounds(YEAR, MONTH, TIMEZONE)
    with db.engine.begin() as connection:
        connection.execute(
            insert(Partner.__table__),
            [
                {
                    "id": i,
                    "team_id": TEAM,
                    "name": f"Partner {i}",
                    "normalized_name": f"partner {i}",
                    "eligibility_notes": "",
                    "owner_user_id": "UOWNER",
                    "timezone": TIMEZONE,
                    "source": "demo",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, PARTNERS + 1)
            ],
        )
        successes, people, partners = [], [], []
        for success_id in range(1, SUCCESSES + 1):
            successes.append(
                {
                    "id": success_id,
                    "team_id": TEAM,
                    "channel_id": f"C{rng.randrange(20)}",
                    "author_user_id": "UAUTHOR",
                    "author_team_id": TEAM,
                    "text": f"shared success number {success_id}",
                    "category": "food",
                    "celebrated_at": start + timedelta(minutes=rng.randrange(29 * 24 * 60)),
                }
            )
            for user in rng.sample(range(300), rng.randint(1, 3)):
                people.append(
                    {"success_id": success_id, "user_id": f"U{user}", "user_team_id": TEAM, "team_id": TEAM}
                )
            if rng.random() < 0.9:  # a few successes have no partner organization
                for partner in rng.sample(range(1, PARTNERS + 1), rng.randint(1, 2)):
                    partners.append({"success_id": success_id, "partner_id": partner, "team_id": TEAM})
        connection.execute(insert(Success.__table__), successes)
        connection.execute(insert(SuccessPerson.__table__), people)
        connection.execute(insert(SuccessPartner.__table__), partners)
    if db.dialect == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def naive_recap(db: Database) -> dict:
    """The baseline: one query for the month, then one per success for its partners and one for its people."""
    start, end = month_bounds(YEAR, MONTH, TIMEZONE)
    counts: dict = defaultdict(lambda: [0, set()])
    with db.session() as session:
        month = session.exec(
            select(Success).where(
                Success.team_id == TEAM, Success.celebrated_at >= start, Success.celebrated_at < end
            )
        ).all()
        for success in month:
            partner_ids = session.exec(
                select(SuccessPartner.partner_id).where(SuccessPartner.success_id == success.id)
            ).all() or [None]
            user_ids = session.exec(
                select(SuccessPerson.user_id).where(SuccessPerson.success_id == success.id)
            ).all()
            for partner_id in partner_ids:
                counts[partner_id][0] += 1
                counts[partner_id][1].update(user_ids)
    return {pid: (n, len(users)) for pid, (n, users) in counts.items()}


def aggregate_recap(db: Database) -> dict:
    with db.session() as session:
        recap = build_recap(session, TEAM, YEAR, MONTH, TIMEZONE)
    return {group.partner_id: (group.success_count, group.people_count) for group in recap.groups}


def timed(fn, db: Database, runs: int) -> tuple[float, dict]:
    durations, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn(db)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def measure(label: str, db: Database) -> None:
    db.upgrade()
    seed(db)
    aggregate_recap(db)  # warm caches and statement preparation for both approaches alike
    naive_recap(db)
    fast, fast_result = timed(aggregate_recap, db, RUNS)
    slow, slow_result = timed(naive_recap, db, 1)
    if fast_result != slow_result:
        raise SystemExit(f"{label}: the recap and the baseline disagree; not reporting figures")
    print(
        f"{label:<11} recap of {SUCCESSES:,} successes, {len(fast_result)} groups: "
        f"aggregate {fast * 1000:8.1f} ms (median of {RUNS})   per-success baseline {slow * 1000:8.1f} ms   "
        f"{slow / fast:6.1f}x faster"
    )


WORDS = ["east", "west", "north", "south", "river", "harbor", "valley", "community", "food", "bank", "housing",
         "coalition", "pantry", "center", "health", "rides", "legal", "aid", "family", "youth", "senior", "hope",
         "casa", "esperanza", "clinic"]  # fmt: skip
SEPARATOR = re.compile(r"\s+and\s+")


def _pattern_reader(known: list[str]):
    """The baseline: one pattern per registered name, tried longest first at each position."""

    def pattern(name: str) -> re.Pattern:
        words = normalize_name(name).split()
        return re.compile(r"[^\w&]+".join(map(re.escape, words)) + r"(?![\w&])[)\]\"'”’.]*", re.IGNORECASE)

    longest_first = sorted(known, key=len, reverse=True)

    def registered_at(rest: str, pos: int) -> tuple[str, int] | None:
        for name in longest_first:
            if match := pattern(name).match(rest, pos):
                return name, match.end()
        return None

    def read(text: str) -> tuple[str, ...]:
        rest, found, pos = text.split(" with ", 1)[1], [], 0
        while (hit := registered_at(rest, pos)) is not None:
            found.append(hit[0])
            separator = SEPARATOR.match(rest, hit[1])
            if not separator:
                break
            pos = separator.end()
        return tuple(found)

    return read


def measure_with_clause() -> None:
    rng = random.Random(7)
    for size in (100, 1_000, 5_000):
        known = list(dict.fromkeys(" ".join(rng.sample(WORDS, 3)).title() for _ in range(size * 3)))[:size]
        messages = [f"<@U2> with {rng.choice(known)} and {rng.choice(known)} for the coat drive" for _ in range(20)]
        baseline = _pattern_reader(known)
        started = time.perf_counter()
        expected = [baseline(m) for m in messages]
        slow = (time.perf_counter() - started) / len(messages)
        started = time.perf_counter()
        got = [parse_celebrate(m, known).partner_names for m in messages]
        fast = (time.perf_counter() - started) / len(messages)
        if [tuple(dict.fromkeys(e)) for e in expected] != got:
            raise SystemExit(f"{size} partners: the word index and the baseline disagree; not reporting figures")
        print(
            f"with-clause {size:>5,} partners: word index {fast * 1000:7.2f} ms per message   "
            f"per-name patterns {slow * 1000:8.2f} ms   {slow / fast:6.1f}x faster"
        )


def postgres_url() -> str:
    return (
        os.environ.get("TEST_DATABASE_URL", "").strip() or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


def main() -> None:
    measure_with_clause()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.db")
        try:
            measure("SQLite", db)
        finally:
            db.dispose()

    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres_database(postgres_url(), "partnerbot_bench"))
        except ScratchDatabaseUnavailable as error:
            print(f"PostgreSQL  skipped: {error}")
            return
        db = Database(url)
        try:
            measure("PostgreSQL", db)
        finally:
            db.dispose()


if __name__ == "__main__":
    main()
