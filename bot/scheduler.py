"""The scheduler: APScheduler drives a short outbox tick and the features' planners, nothing more.

What gets sent is decided by the outbox rows in the database, never by APScheduler's job store, so any number of
processes can run this scheduler against one database.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot import outbox
from bot.clock import utcnow
from bot.db import Database

log = logging.getLogger(__name__)

Planner = Callable[[Database, datetime], None]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    seconds: float
    fn: Planner


_PERIODIC: dict[str, PeriodicJob] = {}


def periodic(name: str, seconds: float) -> Callable[[Planner], Planner]:
    """Registers a planner `fn(db, now)` run every `seconds` (it must be idempotent: several processes run it)."""

    def register(fn: Planner) -> Planner:
        _PERIODIC[name] = PeriodicJob(name, seconds, fn)
        return fn

    return register


def periodic_jobs() -> list[PeriodicJob]:
    return list(_PERIODIC.values())


def run_planners(db: Database, now: datetime | None = None) -> None:
    """Runs every planner once (start-up, tests and the offline console)."""
    for job in periodic_jobs():
        _run_job(job, db, now or utcnow())


def _run_job(job: PeriodicJob, db: Database, now: datetime | None = None) -> None:
    try:
        job.fn(db, now or utcnow())
    except Exception as error:
        log.exception("scheduler: planner %s raised %s", job.name, type(error).__name__)


class Scheduler:
    def __init__(self, db: Database, client: WebClient, *, tick_seconds: float, grace_minutes: int,
                 worker_id: str | None = None) -> None:
        self.db = db
        self.dispatcher = outbox.Dispatcher(db, client, worker_id=worker_id, grace=timedelta(minutes=grace_minutes))
        self.tick_seconds = tick_seconds
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})

    def tick(self) -> None:
        try:
            self.dispatcher.tick()
        except Exception as error:  # the database may be briefly unreachable; the next tick tries again
            log.error("scheduler: outbox tick failed: %s", type(error).__name__)

    def start(self) -> None:
        first_run = datetime.now().astimezone()
        for job in periodic_jobs():
            self._scheduler.add_job(_run_job, "interval", seconds=job.seconds, args=[job, self.db],
                                    id=f"planner:{job.name}", next_run_time=first_run)
        self._scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, id="outbox:tick",
                                next_run_time=first_run)
        self._scheduler.start()
        log.info("scheduler: started (%d planners, tick every %ss)", len(_PERIODIC), self.tick_seconds)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
            log.info("scheduler: stopped")
