"""The materializer plans meetings and reminders idempotently, keeps local time across DST, and two scheduler
processes sharing PostgreSQL send each conference reminder exactly once."""

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.conferences import planning as conferences_planning
from bot.conferences.commands import Reminders
from bot.conferences.recurrence import Schedule
from bot.platform.errors import FeatureError
from bot.runtime import jobs
from models.conferences import ConferenceOccurrence, ConferenceSeries
from models.platform import OutboxMessage
from tests.factories import make_conference


def rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def make_series(db, *, schedule, now, facilitators=(), reminders=Reminders()):
    return make_conference(db, schedule=schedule, now=now, title="Case conference", channel_id="C1",
                           facilitators=facilitators, reminders=reminders).series


def test_materializer_is_registered_and_idempotent(db):
    assert "conferences.materialize" in {job.name for job in jobs.PLANNERS}
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 24, 10), "UTC", "FREQ=WEEKLY;BYDAY=TU"), now=now)
    before = (len(rows(db, ConferenceOccurrence)), len(rows(db, OutboxMessage)))
    assert before[0] == 5  # five Tuesdays within the 35-day horizon
    assert conferences_planning.materialize_due(db, now) == 0
    assert conferences_planning.materialize_due(db, now + timedelta(hours=1)) == 0
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
    created = conferences_planning.materialize_due(db, three_weeks_later)
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
    starting = sorted(r.due_at for r in rows(db, OutboxMessage) if r.kind == conferences_planning.KIND_STARTING)
    # 10:00 in New York is 15:00 UTC before March 8 and 14:00 UTC after it.
    assert [d.hour for d in starting] == [15, 14, 14, 14]
    assert {d.astimezone(UTC).weekday() for d in starting} == {1}


def test_a_meeting_set_up_at_short_notice_still_gets_its_agenda_and_rsvp_reminder_at_once(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 23, 9), "UTC"), now=now)  # tomorrow, 21 hours away
    due = {row.kind: row.due_at for row in rows(db, OutboxMessage)}
    # The call for cases (7 days before) and the day-before reminder (24 hours before) are both late: the day-before
    # reminder, which carries the agenda, the RSVP buttons and "Add a case", goes out now; the call is dropped.
    assert due == {
        conferences_planning.KIND_DAY_BEFORE: now,
        conferences_planning.KIND_STARTING: datetime(2026, 11, 23, 9, tzinfo=UTC),
        conferences_planning.KIND_FOLLOWUP: datetime(2026, 11, 23, 10, tzinfo=UTC),
    }


def test_only_a_late_call_for_cases_is_sent_at_once_when_the_day_before_reminder_is_still_ahead(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 25, 9), "UTC"), now=now)  # three days away
    due = {row.kind: row.due_at for row in rows(db, OutboxMessage)}
    assert due[conferences_planning.KIND_AGENDA_CALL] == now
    assert due[conferences_planning.KIND_DAY_BEFORE] == datetime(2026, 11, 24, 9, tzinfo=UTC)


def test_a_meeting_less_than_an_hour_away_gets_no_catch_up_reminder(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    make_series(db, schedule=Schedule(datetime(2026, 11, 22, 12, 40), "UTC"), now=now)
    kinds = {row.kind for row in rows(db, OutboxMessage)}
    assert kinds == {conferences_planning.KIND_STARTING, conferences_planning.KIND_FOLLOWUP}


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
        conferences_planning.KIND_AGENDA_CALL: start - timedelta(days=3),
        conferences_planning.KIND_DAY_BEFORE: start - timedelta(hours=2),
    }
    assert series.start_notice is False


# One scheduler process: materialize, then tick until several ticks in a row send nothing.
SCHEDULER_PROCESS = """
import json, os, sys, time
from dataclasses import replace
from datetime import datetime
import models
from bot.conferences import planning as conferences_planning
from bot.platform import outbox
from bot.platform.db import Database
from bot.runtime import jobs
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client
url, api_url, worker, plan_at, send_at, go_file = sys.argv[1:]
db = Database(url)
client = build_client(replace(Settings(), slack_bot_token="xoxb-test", slack_api_url=api_url))
while not os.path.exists(go_file):
    time.sleep(0.01)
conferences_planning.materialize_due(db, datetime.fromisoformat(plan_at))
dispatcher = outbox.Dispatcher(db, client, jobs.SENDERS, worker_id=worker, max_batch=20)
sent, idle = 0, 0
while idle < 5:
    result = dispatcher.tick(datetime.fromisoformat(send_at))
    sent += result.sent
    idle = 0 if result.sent else idle + 1
    time.sleep(0.05)
print(json.dumps({"sent": sent}))
"""


def test_two_scheduler_processes_on_postgresql_send_each_conference_reminder_once(db, fake_slack, tmp_path):
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
    go_file = tmp_path / "go"
    send_at = start + timedelta(minutes=6)  # both the "starting now" and the follow-up are due
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCHEDULER_PROCESS, db.url, fake_slack.api_url, f"scheduler-{index}",
             now.isoformat(), send_at.isoformat(), str(go_file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
        )
        for index in range(2)
    ]  # fmt: skip
    go_file.touch()
    outputs = [process.communicate(timeout=180) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err[-2000:] for _, err in outputs]
    sent_by = [json.loads(out.strip().splitlines()[-1])["sent"] for out, _ in outputs]
    assert sum(sent_by) == 2 * series_count
    assert len(rows(db, ConferenceOccurrence)) == series_count
    posts = Counter(call.args["text"] for call in fake_slack.calls("chat.postMessage"))
    assert len(posts) == 2 * series_count  # a "starting now" and a follow-up for each meeting
    assert max(posts.values()) == 1  # zero duplicates
    statuses = Counter(row.status for row in rows(db, OutboxMessage))
    assert statuses == {"sent": 2 * series_count}
    workers = Counter(row.claimed_by.split("#")[0] for row in rows(db, OutboxMessage))  # worker#claim
    assert set(workers) <= {"scheduler-0", "scheduler-1"}


def test_video_links_carrying_identifiers_are_refused(db):
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    schedule = Schedule(datetime(2026, 12, 10, 9), "UTC")
    with pytest.raises(FeatureError, match="personal details"):
        make_conference(db, schedule=schedule, now=now, title="Review", video_link="https://meet.example.org/?mrn=4482913")
    with pytest.raises(FeatureError, match="https://"):
        make_conference(db, schedule=schedule, now=now, title="Review", video_link="javascript:alert(1)")
    assert rows(db, ConferenceSeries) == []
    series = make_series(db, schedule=schedule, now=now)
    assert series.video_link == ""
