"""The materializer plans meetings and reminders idempotently, keeps local time across DST, and two schedulers
sharing PostgreSQL send each conference reminder exactly once."""

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot import conferences, outbox, scheduler
from bot.conferences import Reminders
from bot.db import Database
from bot.recurrence import Schedule
from bot.slack_client import build_client
from models.conferences import ConferenceOccurrence, ConferenceSeries
from models.core import OutboxMessage
from tests.conftest import settings_for


def rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def make_series(
    db, *, schedule, now, title="Case conference", facilitators=(), reminders=Reminders(), plan=True
):
    with db.session() as session:
        created = conferences.create_series(
            session,
            team_id="T1",
            owner_user_id="U1",
            channel_id="C1",
            title=title,
            schedule=schedule,
            now=now,
            facilitator_user_ids=facilitators,
            reminders=reminders,
        )
        return created.series


def test_materializer_is_registered_and_idempotent(db):
    assert "conferences.materialize" in {job.name for job in scheduler.periodic_jobs()}
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 24, 10), "UTC", "FREQ=WEEKLY;BYDAY=TU"), now=now)
    before = (len(rows(db, ConferenceOccurrence)), len(rows(db, OutboxMessage)))
    assert before[0] == 5  # five Tuesdays within the 35-day horizon
    assert conferences.materialize_due(db, now) == 0
    assert conferences.materialize_due(db, now + timedelta(hours=1)) == 0
    assert (len(rows(db, ConferenceOccurrence)), len(rows(db, OutboxMessage))) == before


def test_horizon_rolls_forward_and_rotation_continues(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(
        db,
        schedule=Schedule(datetime(2026, 11, 24, 10), "UTC", "FREQ=WEEKLY;BYDAY=TU"),
        now=now,
        facilitators=("UA", "UB", "UC"),
    )
    three_weeks_later = now + timedelta(days=21)
    created = conferences.materialize_due(db, three_weeks_later)
    assert created == 3
    occurrences = sorted(rows(db, ConferenceOccurrence), key=lambda o: o.start_utc)
    assert [o.facilitator_user_id for o in occurrences] == ["UA", "UB", "UC", "UA", "UB", "UC", "UA", "UB"]
    keys = {row.key for row in rows(db, OutboxMessage)}
    newest = occurrences[-1]
    assert f"conf:{newest.id}:day_before" in keys and f"conf:{newest.id}:agenda_call" in keys


def test_reminders_follow_local_time_across_the_dst_change(db):
    now = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    make_series(
        db, schedule=Schedule(datetime(2026, 3, 3, 10), "America/New_York", "FREQ=WEEKLY;BYDAY=TU"), now=now
    )
    starting = sorted(r.due_at for r in rows(db, OutboxMessage) if r.kind == conferences.KIND_STARTING)
    # 10:00 in New York is 15:00 UTC before March 8 and 14:00 UTC after it.
    assert [d.hour for d in starting] == [15, 14, 14, 14]
    assert {d.astimezone(UTC).weekday() for d in starting} == {1}


def test_reminders_already_past_at_planning_time_are_not_planned(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 23, 9), "UTC"), now=now)  # tomorrow, 21 hours away
    kinds = {row.kind for row in rows(db, OutboxMessage)}
    assert kinds == {conferences.KIND_STARTING, conferences.KIND_FOLLOWUP}


def test_lead_times_are_per_series(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    series = make_series(
        db,
        schedule=Schedule(datetime(2026, 12, 10, 9), "UTC"),
        now=now,
        reminders=Reminders(agenda_call_minutes=3 * 1440, day_before_minutes=120, start_notice=False,
                            followup_minutes=None),
    )  # fmt: skip
    due = {row.kind: row.due_at for row in rows(db, OutboxMessage)}
    start = datetime(2026, 12, 10, 9, tzinfo=UTC)
    assert due == {
        conferences.KIND_AGENDA_CALL: start - timedelta(days=3),
        conferences.KIND_DAY_BEFORE: start - timedelta(hours=2),
    }
    assert series.start_notice is False


def test_two_schedulers_on_postgresql_send_each_conference_reminder_once(db, fake_slack):
    if db.dialect != "postgresql":
        pytest.skip("row locks between processes are a PostgreSQL matter; SQLite runs one process")
    now = datetime.now(UTC).replace(microsecond=0)
    start = now + timedelta(minutes=30)
    series_count = 150
    with db.session() as session:
        for number in range(series_count):
            session.add(
                ConferenceSeries(
                    team_id="T1", channel_id=f"C{number % 7}", title=f"Conference {number}", owner_user_id="U1",
                    timezone="UTC", rrule=None, start_local=start.replace(tzinfo=None), agenda_call_minutes=None,
                    day_before_minutes=None, start_notice=True, followup_minutes=5, created_at=now, updated_at=now,
                )
            )  # fmt: skip
    workers = 2
    databases = [Database(db.url) for _ in range(workers)]
    clients = [build_client(settings_for(fake_slack, db)) for _ in range(workers)]
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            conferences.materialize_due(databases[index], now)
            barrier.wait()
            dispatcher = outbox.Dispatcher(databases[index], clients[index], worker_id=f"scheduler-{index}",
                                           batch_size=25)  # fmt: skip
            for seconds in range(0, 4):
                dispatcher.tick(start + timedelta(minutes=6, seconds=seconds))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for database in databases:
        database.dispose()
    assert errors == []
    assert len(rows(db, ConferenceOccurrence)) == series_count
    posts = Counter(call.args["text"] for call in fake_slack.calls("chat.postMessage"))
    assert len(posts) == 2 * series_count  # a "starting now" and a follow-up for each meeting
    assert max(posts.values()) == 1  # zero duplicates
    statuses = Counter(row.status for row in rows(db, OutboxMessage))
    assert statuses == {"sent": 2 * series_count}
