"""The scheduler: APScheduler drives a short outbox tick and the features' planners, nothing more.

What gets sent is decided by the outbox rows in the database, never by APScheduler's job store, so any number of
processes can run this scheduler against one database. The jobs themselves are listed in `bot.runtime.jobs`.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.platform import outbox
from bot.platform.clock import utcnow
from bot.platform.db import Database

log = logging.getLogger(__name__)

Planner = Callable[[Database, datetime], object]


@dataclass(frozen=True)
class PeriodicJob:
    """A planner `fn(db, now)` run every `seconds`; it must be idempotent, since several processes run it."""

    name: str
    seconds: float
    fn: Planner


def run_planners(db: Database, planners: Sequence[PeriodicJob], now: datetime | None = None) -> None:
    """Runs every planner once (start-up, tests and the offline console)."""
    for job in planners:
        _run_job(job, db, now or utcnow())


def _run_job(job: PeriodicJob, db: Database, now: datetime | None = None) -> None:
    try:
        job.fn(db, now or utcnow())
    except Exception as error:
        log.exception("scheduler: planner %s raised %s", job.name, type(error).__name__)


class Scheduler:
    def __init__(self, db: Database, client: WebClient, *, senders: outbox.Senders, planners: Sequence[PeriodicJob],
                 tick_seconds: float, grace_minutes: int, worker_id: str | None = None) -> None:
        self.db = db
        self.planners = tuple(planners)
        self.dispatcher = outbox.Dispatcher(db, client, senders, worker_id=worker_id,
                                            grace=timedelta(minutes=grace_minutes))
        self.tick_seconds = tick_seconds
        self._scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})

    def tick(self) -> None:
        try:
            self.dispatcher.tick()
        except Exception as error:  # the database may be briefly unreachable; the next tick tries again
            log.error("scheduler: outbox tick failed: %s", type(error).__name__)

    def start(self) -> None:
        first_run = datetime.now().astimezone()
        for job in self.planners:
            self._scheduler.add_job(_run_job, "interval", seconds=job.seconds, args=[job, self.db],
                                    id=f"planner:{job.name}", next_run_time=first_run)
        self._scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, id="outbox:tick",
                                next_run_time=first_run)
        self._scheduler.start()
        log.info("scheduler: started (%d planners, tick every %ss)", len(self.planners), self.tick_seconds)

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
            log.info("scheduler: stopped")
