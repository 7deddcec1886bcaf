"""Case conferences: throughput of materializing and dispatching, the cost of the public-holiday check when a
series is created, and what the agenda surface keeps of the PHI cases of the evaluation set.

    python benchmarks/conferences_bench.py [--series 10000] [--reminders 1000] [--baseline-series 1000]
                                           [--creations 300]

Runs on SQLite (a temporary file) and, when TEST_DATABASE_URL (or --postgres URL) reaches a server, on a throwaway
PostgreSQL database. Baselines measured in the same run:
- materializing: the naive way, one transaction per series and one INSERT per meeting and per reminder
  (outbox.enqueue), on a sample of --baseline-series series; compared per 1,000 series;
- dispatching: the same number of bare chat.postMessage calls to the same fake Slack, with no database at all.
Duplicates are counted from what the fake Slack received.
- creating: --creations series typed as `/conference ... every Thursday at 10am` through the service with the
  holiday check on (HOLIDAY_COUNTRY=US, a year of dates) against the same creations with it off.
- agenda privacy (only when ../shared/eval is present): each `agenda` case of phi_cases.jsonl is typed as
  `/conference agenda 1 add ...` into the real app; forbidden items are looked for in every table, every log line
  and everything the bot sent, and kept items in the stored agenda. Baseline in the same run: privacy.redact()
  alone on the same texts, so the surface is shown to add no leak of its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlmodel import (  # noqa: E402
    SQLModel,  # noqa: E402
    func,
    select,
)

import models  # noqa: E402,F401
from bot.conferences import planning as conferences  # noqa: E402
from bot.conferences import recurrence  # noqa: E402
from bot.conferences import service as conference_service  # noqa: E402
from bot.conferences.commands import parse_request  # noqa: E402
from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.console.simulator import SlackSimulator, in_process_transport  # noqa: E402
from bot.platform import clock, outbox, privacy  # noqa: E402
from bot.platform.actor import Actor  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from bot.runtime import jobs  # noqa: E402
from bot.runtime.app import build_app  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402
from bot.runtime.slack_client import build_client  # noqa: E402
from models.conferences import ConferenceOccurrence, ConferenceSeries  # noqa: E402
from models.platform import OutboxMessage  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "phi_cases.jsonl"

RULES = [
    ("FREQ=MONTHLY;BYDAY=1TU", 10),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", 15),
    ("FREQ=MONTHLY;BYDAY=-1FR", 12),
    ("FREQ=WEEKLY;BYDAY=WE", 9),
    ("FREQ=MONTHLY;BYMONTHDAY=15", 14),
]
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/Berlin", "UTC"]


def add_series(db: Database, count: int, now: datetime, *, offset: int = 0) -> None:
    with db.session() as session:
        for number in range(offset, offset + count):
            rule, hour = RULES[number % len(RULES)]
            zone = ZONES[number % len(ZONES)]
            candidate = datetime.combine(
                clock.to_local(now, zone).date(), datetime.min.time()
            ).replace(hour=hour)
            start = recurrence.first_match(rule, candidate, candidate + timedelta(days=1))
            session.add(
                ConferenceSeries(
                    team_id="TBENCH", channel_id=f"C{number % 50:04d}", title=f"Conference {number}",
                    owner_user_id="UOWNER", timezone=zone, rrule=rule, start_local=start,
                    facilitator_user_ids=["UA", "UB", "UC"], agenda_call_minutes=7 * 1440,
                    day_before_minutes=1440, start_notice=True, followup_minutes=60, created_at=now, updated_at=now,
                )
            )  # fmt: skip


def counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        meetings = session.execute(select(func.count()).select_from(ConferenceOccurrence)).scalar_one()
        reminders = session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
    return meetings, reminders


def naive_materialize(db: Database, now: datetime) -> None:
    """The baseline: per series, its own transaction; per meeting and per reminder, its own INSERT."""
    with db.session() as session:
        ids = (
            session.execute(select(ConferenceSeries.id).where(ConferenceSeries.materialized_until.is_(None)))
            .scalars()
            .all()
        )
    for series_id in ids:
        with db.session() as session:
            series = session.get(ConferenceSeries, series_id)
            schedule = conferences.load_schedule(session, series)
            for number, occurrence in enumerate(
                recurrence.occurrences_between(schedule, now, now + conferences.HORIZON)
            ):
                row = ConferenceOccurrence(
                    team_id=series.team_id, series_id=series.id, original_local=occurrence.original_local,
                    start_local=occurrence.start_local, start_utc=occurrence.start_utc,
                    facilitator_user_id=series.facilitator_user_ids[number % 3], created_at=now,
                )  # fmt: skip
                session.add(row)
                session.flush()
                for kind, due_at in conferences.reminder_plan(series, occurrence.start_utc):
                    if due_at >= now:
                        outbox.enqueue(session, team_id=series.team_id, key=conferences.outbox_key(row.id, kind),
                                       kind=kind, due_at=due_at, payload={"occurrence_id": row.id})  # fmt: skip
            series.materialized_until = now + conferences.HORIZON
            session.add(series)


def bench_materialize(db: Database, series_count: int, baseline_count: int) -> dict[str, float]:
    now = datetime.now(UTC).replace(microsecond=0)
    add_series(db, series_count, now)
    started = time.perf_counter()
    created = conferences.materialize_due(db, now)
    batched = time.perf_counter() - started
    meetings, reminders = counts(db)
    again = conferences.materialize_due(db, now)  # idempotence: nothing new on a second pass
    assert again == 0 and counts(db) == (meetings, reminders), "second pass changed something"
    print(f"  materialize {series_count:,} series: {batched:.2f}s  ({created:,} meetings, {reminders:,} reminders"
          f" planned; second pass created {again})")  # fmt: skip

    wipe(db)
    add_series(db, baseline_count, now)
    started = time.perf_counter()
    naive_materialize(db, now)
    naive = time.perf_counter() - started
    naive_meetings, naive_reminders = counts(db)
    print(f"  baseline, naive per-row on {baseline_count:,} series: {naive:.2f}s  ({naive_meetings:,} meetings, "
          f"{naive_reminders:,} reminders)")  # fmt: skip
    per_thousand_batched = batched / series_count * 1000
    per_thousand_naive = naive / baseline_count * 1000
    print(f"  per 1,000 series: batched {per_thousand_batched:.3f}s vs naive {per_thousand_naive:.3f}s "
          f"-> {per_thousand_naive / per_thousand_batched:.1f}x faster")  # fmt: skip
    wipe(db)
    return {"batched": batched, "naive_per_1000": per_thousand_naive}


def bench_dispatch(db: Database, reminder_count: int, workers: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    start = now + timedelta(minutes=30)
    series_count = reminder_count // 2  # each single meeting sends "starting now" and a follow-up
    with db.session() as session:
        for number in range(series_count):
            session.add(
                ConferenceSeries(
                    team_id="TBENCH", channel_id=f"C{number % 50:04d}", title=f"Conference {number}",
                    owner_user_id="UOWNER", timezone="UTC", rrule=None, start_local=start.replace(tzinfo=None),
                    start_notice=True, followup_minutes=5, created_at=now, updated_at=now,
                )
            )  # fmt: skip
    conferences.materialize_due(db, now)
    with FakeSlack(team_id="TBENCH") as fake:
        settings = replace(Settings(), slack_bot_token="xoxb-bench", slack_api_url=fake.api_url)
        client = build_client(settings)
        dispatch_at = start + timedelta(minutes=6)

        def work(index: int) -> None:
            dispatcher = outbox.Dispatcher(databases[index], client, jobs.SENDERS, worker_id=f"bench-{index}")
            while dispatcher.tick(dispatch_at).sent:
                pass

        databases = [db] + [Database(db.url) for _ in range(workers - 1)]
        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        dispatched = time.perf_counter() - started
        for extra in databases[1:]:
            extra.dispose()
        posted = Counter(call.args["text"] for call in fake.calls("chat.postMessage"))
        duplicates = sum(n - 1 for n in posted.values())
        fake.reset()

        started = time.perf_counter()
        for number in range(reminder_count):
            client.chat_postMessage(channel=f"C{number % 50:04d}", text=f"raw {number}")
        raw = time.perf_counter() - started
    print(f"  dispatch {reminder_count:,} due reminders with {workers} scheduler(s): {dispatched:.2f}s, "
          f"{sum(posted.values()):,} posted, {duplicates} duplicates")  # fmt: skip
    print(f"  baseline, {reminder_count:,} bare chat.postMessage calls: {raw:.2f}s "
          f"-> outbox overhead {dispatched / raw:.2f}x the raw Slack calls")  # fmt: skip
    if duplicates or sum(posted.values()) != reminder_count:
        raise SystemExit("reminders were lost or duplicated")
    wipe(db)


def wipe(db: Database) -> None:
    with db.session() as session:
        for model in (OutboxMessage, ConferenceOccurrence, ConferenceSeries):
            session.execute(model.__table__.delete())



def bench_create(db: Database, creations: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    request = parse_request('<#C0BENCH|bench> "Huddle" every Thursday at 10am')
    timings, clashes = {}, 0
    for country in (None, "US", None, "US"):  # each measured twice, the second time warm; the warm run counts
        clashes = 0
        started = time.perf_counter()
        for number in range(creations):
            with db.session() as session:
                created = conference_service.create_from_text(
                    session, Actor("TBENCH", f"U{number}"), request, here_channel_id=None, now=now,
                    holiday_country=country)  # fmt: skip
                clashes += len(created.holidays)
        timings[country] = time.perf_counter() - started
        wipe(db)
    print(f"  create {creations} weekly series: {timings['US'] * 1000 / creations:.1f} ms each with the holiday "
          f"check ({clashes // creations} clashes found per series), {timings[None] * 1000 / creations:.1f} ms "
          f"without it (baseline)")  # fmt: skip


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def bench_agenda_privacy(folder: str) -> None:
    if not EVAL.exists():
        print("Agenda privacy: skipped (../shared/eval is not here)")
        return
    cases = [case for line in EVAL.read_text().splitlines() if line.strip()
             for case in [json.loads(line)] if case["surface"] == "agenda"]  # fmt: skip
    db = Database(f"sqlite:///{folder}/agenda.db")
    db.upgrade()
    lines = _Lines()
    root = logging.getLogger()
    root.addHandler(lines)
    previous_level, root.level = root.level, logging.DEBUG
    with FakeSlack() as fake:
        settings = replace(Settings(), slack_bot_token="xoxb-bench", slack_signing_secret="bench-secret",
                           slack_api_url=fake.api_url, database_url=db.url)  # fmt: skip
        app = build_app(settings, db, client=build_client(settings), process_before_response=True)
        slack = SlackSimulator(in_process_transport(app), signing_secret="bench-secret",
                               response_url=fake.response_url)  # fmt: skip
        slack.command("/conference", '<#C1|care-team> "Case conference" every first Tuesday at 10am')
        for case in cases:
            slack.command("/conference", f"agenda 1 add {case['text']}")
        posted = json.dumps([call.args for call in fake.calls()], ensure_ascii=False, default=str)
    root.removeHandler(lines)
    root.level = previous_level
    with db.session() as session:
        stored = json.dumps([[list(row) for row in session.execute(table.select())]
                             for table in SQLModel.metadata.sorted_tables], ensure_ascii=False, default=str)  # fmt: skip
        agenda = json.dumps([list(row) for row in session.execute(text("SELECT text FROM conference_agenda_item"))],
                            ensure_ascii=False)  # fmt: skip
    db.dispose()
    logs = "\n".join(lines.lines)
    forbidden = [item for case in cases for item in case["forbidden"]]
    kept = [item for case in cases for item in case["keep"]]
    found = {where: sum(item in haystack for item in forbidden)
             for where, haystack in (("tables", stored), ("logs", logs), ("posts", posted))}  # fmt: skip
    anywhere = sum(item in stored or item in logs or item in posted for item in forbidden)
    alone = sum(item in privacy.redact(case["text"]).text for case in cases for item in case["forbidden"])
    keep_rate = sum(item in agenda for item in kept) / max(len(kept), 1)
    print(f"Agenda privacy ({len(cases)} cases of ../shared/eval, {len(forbidden)} forbidden items, "
          f"{len(kept)} to keep)")
    print(f"  /conference agenda N add: {anywhere}/{len(forbidden)} forbidden items found anywhere "
          f"(tables {found['tables']}, logs {found['logs']}, bot posts {found['posts']}); keep-rate {keep_rate:.2f}")
    print(f"  baseline, privacy.redact() alone on the same texts: {alone}/{len(forbidden)} forbidden items left")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--baseline-series", type=int, default=1_000)
    parser.add_argument("--reminders", type=int, default=1_000)
    parser.add_argument("--creations", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for handler in logging.getLogger().handlers:
        handler.setLevel(logging.ERROR)  # the agenda check lowers the root level to read every log line

    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        db = Database(f"sqlite:///{folder}/bench.db")
        db.upgrade()
        bench_materialize(db, args.series, args.baseline_series)
        bench_dispatch(db, args.reminders, workers=1)
        bench_create(db, args.creations)
        db.dispose()
        bench_agenda_privacy(folder)

    if args.postgres:
        with ExitStack() as stack:
            try:
                url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
            except ScratchDatabaseUnavailable as error:
                print(f"PostgreSQL skipped: {error}")
                return
            print("PostgreSQL")
            db = Database(url)
            db.upgrade()
            bench_materialize(db, args.series, args.baseline_series)
            bench_dispatch(db, args.reminders, workers=1)
            bench_dispatch(db, args.reminders, workers=2)
            db.dispose()


if __name__ == "__main__":
    main()
