"""A dispatcher process killed with SIGKILL at any point loses nothing and doubles nothing.

A real process claims and sends; it dies right after claiming, right after moving a row to `sending`, right after
Slack took the post (or the file) but before the row was marked sent. Another dispatcher then finishes the job:
every row is posted exactly once, on SQLite and PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.platform import outbox
from bot.platform.clock import utcnow
from bot.runtime.slack_client import build_client
from models.platform import OutboxMessage
from tests.conftest import settings_for
from tests.platform import outbox_crash_worker as worker

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1.0
ROWS = 5


def run_doomed_dispatcher(db, fake_slack, point: str) -> int:
    process = subprocess.run(
        [sys.executable, "-m", "tests.platform.outbox_crash_worker", db.url, fake_slack.api_url, point,
         str(LEASE_SECONDS)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60,
    )
    return process.returncode


def posted(fake_slack) -> Counter:
    texts = [call.args.get("text") for call in fake_slack.calls("chat.postMessage")]
    files = [call.args.get("files") for call in fake_slack.calls("files.completeUploadExternal")]
    titles = [item["title"] for shared in files for item in (shared or [])]
    return Counter(texts + titles)


@pytest.mark.parametrize("point", ["after_claim", "after_sending_mark", "after_slack_call", "after_upload"])
def test_a_killed_dispatcher_loses_nothing_and_doubles_nothing(db, fake_slack, point):
    kind = worker.FILE_KIND if point == "after_upload" else worker.NOTE_KIND
    prefix = "file" if kind == worker.FILE_KIND else "note"
    now = utcnow()
    with db.session() as session:
        for number in range(ROWS):
            outbox.enqueue(session, team_id="T1", key=f"crash:{number}", kind=kind,
                           due_at=now - timedelta(seconds=ROWS - number), payload={"channel": "C1"})
    assert run_doomed_dispatcher(db, fake_slack, point) == -signal.SIGKILL
    with db.session() as session:
        left = Counter(row.status for row in session.exec(select(OutboxMessage)))
    assert left["sent"] < ROWS  # the process really died mid-way
    time.sleep(LEASE_SECONDS + 0.2)  # the dead process's lease runs out
    client = build_client(settings_for(fake_slack, db))
    # The doomed process's calls have all been answered, so its sends are over: no need to wait out SEND_BOUND.
    outbox.Dispatcher(db, client, worker.SENDERS, worker_id="survivor", send_bound=timedelta(0)).tick()
    with db.session() as session:
        statuses = {row.key: row.status for row in session.exec(select(OutboxMessage))}
    assert set(statuses.values()) == {"sent"}
    counts = posted(fake_slack)
    assert {f"{prefix} crash:{number}": 1 for number in range(ROWS)} == {
        text: count for text, count in counts.items() if text and text.startswith(f"{prefix} crash:")}
