"""Outbox soak: N reminders through real scheduler processes while Slack throttles, fails and replicas are killed.

    python benchmarks/outbox_soak.py [--reminders 1000] [--kills 3] [--window 60] [--shape both|postgresql|sqlite]

Each replica is a separate process running the production scheduler (`bot.runtime.scheduler.Scheduler`, the
default TICK_SECONDS) against one database and a fake Slack Web API: two replicas on PostgreSQL, one process on
SQLite. The reminders fall due evenly over `--window` seconds in 20 channels. While they go out, the benchmark
injects 429s (Retry-After 1-3 s) and 500s on calls to chat.postMessage and conversations.history as they go out, and kills a random
replica with SIGKILL at random moments (`--kills` times), restarting it a second later.

Then it reads every channel's history back (with message metadata, as the outbox itself does) and prints, per
shape: scheduled / sent once / lost / doubled, lateness p50 and max (from due time to the recorded send), and the
faults injected. Targets (issue 15): 0 lost, 0 doubled, lateness max under 60 s, with >= 3 SIGKILLs.

Baseline, measured in the same run: the same shape with no faults and no kills (a tenth of the reminders), whose
lateness is what the tick interval alone costs.
PostgreSQL comes from TEST_DATABASE_URL (or --postgres); without it only SQLite runs.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

import models  # noqa: E402, F401
from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.platform import outbox  # noqa: E402
from bot.platform.clock import utcnow  # noqa: E402
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402
from bot.runtime.slack_client import build_client  # noqa: E402
from models.platform import OutboxMessage  # noqa: E402

KIND = "soak_reminder"
FAULT_LIFETIME = 1.0  # seconds an armed fault waits for a call before it lapses
CHANNELS = [f"CSOAK{number:02d}" for number in range(20)]
TARGET_LATENESS_SECONDS = 60.0


def send_reminder(delivery: outbox.Delivery) -> None:
    delivery.client.chat_postMessage(channel=delivery.payload["channel"], text=f"Reminder {delivery.key}")


# --- a replica ----------------------------------------------------------------------------------------------------

def run_replica(database_url: str, api_url: str) -> None:
    from bot.runtime.scheduler import Scheduler

    settings = Settings(slack_bot_token="xoxb-soak", slack_api_url=api_url, database_url=database_url)
    db = Database(database_url)
    scheduler = Scheduler(db, build_client(settings), senders={KIND: send_reminder}, planners=(),
                          tick_seconds=settings.tick_seconds, grace_minutes=settings.reminder_grace_minutes)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    scheduler.start()
    stopping.wait()
    scheduler.shutdown()


class Replicas:
    def __init__(self, count: int, database_url: str, api_url: str) -> None:
        self.command = [sys.executable, str(Path(__file__).resolve()), "--replica", database_url, api_url]
        self.processes = [self._start() for _ in range(count)]
        self.kills = 0

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(self.command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def kill_one(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.processes))
        self.processes[index].send_signal(signal.SIGKILL)
        self.processes[index].wait()
        self.kills += 1
        time.sleep(1.0)
        self.processes[index] = self._start()

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# --- one soak -----------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    shape: str
    scheduled: int
    sent_once: int
    lost: int
    doubled: int
    lateness: list[float]
    slowest: list[str]
    kills: int
    rate_limits: int
    errors: int
    seconds: float


def plan(db: Database, reminders: int, window: float) -> dict[str, str]:
    start = utcnow() + timedelta(seconds=5)
    channel_of = {}
    with db.session() as session:
        rows = []
        for number in range(reminders):
            key = f"soak:{number}"
            channel_of[key] = CHANNELS[number % len(CHANNELS)]
            rows.append({"team_id": "T1", "key": key, "kind": KIND, "payload": {"channel": channel_of[key]},
                         "due_at": start + timedelta(seconds=window * number / max(reminders, 1))})
        outbox.enqueue_many(session, rows)
    return channel_of


def inject_faults(fake: FakeSlack, stop: threading.Event, rng: random.Random, counts: Counter,
                  budget: dict[str, int], window: float) -> None:
    """Spreads the 429s and 500s over the traffic: a fault is armed a moment after calls were seen and lapses if no
    call comes within FAULT_LIFETIME, so faults hit calls in the middle of a tick as well as the first one, and
    never pile up on the oldest row while nothing is being sent. The printed counts are the faults that hit."""
    kinds = ["rate_limits"] * budget["rate_limits"] + ["errors"] * budget["errors"]
    rng.shuffle(kinds)
    seen = 0
    window_ends = time.monotonic() + 5 + window  # faults land while reminders fall due, never on the tail alone
    for kind in kinds:
        if time.monotonic() > window_ends:
            return
        while len(fake.calls()) <= seen:
            if stop.wait(0.05):
                return
        if stop.wait(rng.uniform(0, 0.1)):
            return
        seen = len(fake.calls())
        method = "conversations.history" if rng.random() < 0.1 else "chat.postMessage"
        fault = ArmedFault(time.monotonic() + FAULT_LIFETIME, counts, kind)
        if kind == "rate_limits":
            fake.fail_next(method, status=429, retry_after=rng.randint(1, 3), where=fault)
        else:
            fake.fail_next(method, status=500, error="internal_error", where=fault)


class ArmedFault:
    """A fault that hits the first matching call within its lifetime, and is counted when it does. Without a
    lifetime, a fault armed between two ticks would wait for the next call, which is always the oldest row's:
    every fault would land on the same few rows instead of on the traffic."""

    def __init__(self, expires: float, counts: Counter, kind: str) -> None:
        self.expires, self.counts, self.kind = expires, counts, kind

    def __call__(self, args: dict) -> bool:
        if time.monotonic() > self.expires:
            return False
        self.counts[self.kind] += 1
        return True


def posted_counts(fake: FakeSlack) -> Counter:
    client = outbox.dispatch_client(build_client(Settings(slack_bot_token="xoxb-soak", slack_api_url=fake.api_url)))
    counts: Counter = Counter()
    for channel in CHANNELS:
        cursor = None
        while True:
            page = client.conversations_history(channel=channel, limit=1000, include_all_metadata=True,
                                                cursor=cursor)
            for message in page["messages"]:
                key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key")
                if key:
                    counts[key] += 1
            cursor = page["response_metadata"]["next_cursor"]
            if not cursor:
                break
    return counts


def soak(shape: str, database_url: str, *, reminders: int, replicas: int, kills: int, window: float,
         rate_limits: int, errors: int, seed: int) -> Outcome:
    rng = random.Random(seed)
    db = Database(database_url)
    db.upgrade()
    started = time.monotonic()
    with FakeSlack() as fake:
        keys = plan(db, reminders, window)
        fleet = Replicas(replicas, database_url, fake.api_url)
        stop = threading.Event()
        counts: Counter = Counter()
        faults = threading.Thread(target=inject_faults, args=(fake, stop, rng, counts,
                                                             {"rate_limits": rate_limits, "errors": errors}, window))
        faults.start()
        try:
            moments = sorted(rng.uniform(5, 5 + window) for _ in range(kills))
            for moment in moments:
                time.sleep(max(0.0, started + moment - time.monotonic()))
                fleet.kill_one(rng)
            deadline = time.monotonic() + window + 240
            while time.monotonic() < deadline:
                with db.session() as session:
                    open_rows = session.exec(select(func.count()).select_from(OutboxMessage).where(
                        OutboxMessage.status.in_(("pending", "claimed", "sending")))).one()
                if open_rows == 0 and time.monotonic() > started + 5 + window:
                    break
                time.sleep(1.0)
        finally:
            stop.set()
            faults.join()
            fleet.stop()
        posts = posted_counts(fake)
    with db.session() as session:
        rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == KIND)).all())
        lateness = [(row.sent_at - row.due_at).total_seconds() for row in rows if row.sent_at is not None]
        rows.sort(key=lambda row: (row.sent_at - row.due_at) if row.sent_at else timedelta(days=1), reverse=True)
        slowest = [f"{row.key} {((row.sent_at - row.due_at).total_seconds() if row.sent_at else -1):.1f} s, "
                   f"{row.attempts} failed attempts, last error {row.last_error}" for row in rows[:3]]
    db.dispose()
    return Outcome(
        shape=shape, scheduled=len(keys), sent_once=sum(1 for key in keys if posts[key] == 1),
        lost=sum(1 for key in keys if posts[key] == 0), doubled=sum(1 for key in keys if posts[key] > 1),
        lateness=lateness, slowest=slowest, kills=fleet.kills, rate_limits=counts["rate_limits"], errors=counts["errors"],
        seconds=time.monotonic() - started,
    )


def report(outcome: Outcome, label: str) -> bool:
    late = sorted(outcome.lateness) or [float("nan")]
    p50, worst = statistics.median(late), late[-1]
    ok = outcome.lost == 0 and outcome.doubled == 0 and worst < TARGET_LATENESS_SECONDS
    print(f"{label:<34} scheduled {outcome.scheduled:>5}  sent once {outcome.sent_once:>5}  lost {outcome.lost:>3}  "
          f"doubled {outcome.doubled:>3}  lateness p50 {p50:5.1f} s max {worst:5.1f} s  | SIGKILLs {outcome.kills}, "
          f"429s {outcome.rate_limits}, 500s {outcome.errors}, {outcome.seconds:.0f} s")
    if worst >= TARGET_LATENESS_SECONDS or "-v" in sys.argv:
        for line in outcome.slowest:
            print(f"    slowest: {line}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the reminders fall due")
    parser.add_argument("--rate-limits", type=int, default=100)
    parser.add_argument("--errors", type=int, default=50)
    parser.add_argument("--shape", choices=["both", "postgresql", "sqlite"], default="both")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("-v", action="store_true", help="show the slowest rows")
    args = parser.parse_args()

    shapes = []
    with ExitStack() as stack:
        if args.shape in ("both", "sqlite"):
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            shapes.append(("SQLite, one process", lambda name, f=folder: f"sqlite:///{f}/{name}.db", 1))
        if args.shape in ("both", "postgresql"):
            if not args.postgres:
                print("PostgreSQL: skipped (set TEST_DATABASE_URL or --postgres)")
            else:
                def postgres(_name, server=args.postgres):
                    return stack.enter_context(scratch_postgres_database(server, "partnerbot_soak"))
                try:
                    postgres("probe")
                    shapes.append(("PostgreSQL, two replicas", postgres, 2))
                except ScratchDatabaseUnavailable as error:
                    print(f"PostgreSQL: skipped ({error})")
        all_ok = True
        for label, database_for, replicas in shapes:
            if not args.no_baseline:
                baseline = soak(label, database_for("baseline"), reminders=max(args.reminders // 10, 10),
                                replicas=replicas, kills=0, window=args.window / 4, rate_limits=0, errors=0,
                                seed=args.seed)
                report(baseline, f"{label}, baseline (no faults)")
            outcome = soak(label, database_for("soak"), reminders=args.reminders, replicas=replicas,
                           kills=args.kills, window=args.window, rate_limits=args.rate_limits, errors=args.errors,
                           seed=args.seed)
            all_ok &= report(outcome, f"{label}, faults and SIGKILLs")
        print("targets: 0 lost, 0 doubled, lateness max < 60 s:", "met" if all_ok else "NOT met")
    return 0 if all_ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--replica":
        run_replica(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
