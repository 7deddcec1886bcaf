"""Housekeeping planners that keep the shared tables small."""

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.platform.db import Database
from models.platform import OutboxMessage, ProcessedEvent

# Slack stops retrying an event after about an hour; a day's memory of event ids is plenty.
EVENT_MEMORY = timedelta(days=1)
# Finished outbox rows are kept a while for troubleshooting and reports, then dropped.
OUTBOX_MEMORY = timedelta(days=400)


PRUNE_EVENTS_SECONDS = 3600
PRUNE_OUTBOX_SECONDS = 6 * 3600


def prune_processed_events(db: Database, now: datetime) -> None:
    with db.session() as session:
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - EVENT_MEMORY))


def prune_finished_outbox(db: Database, now: datetime) -> None:
    finished = OutboxMessage.status.in_(("sent", "failed", "skipped", "cancelled"))
    with db.session() as session:
        session.execute(delete(OutboxMessage).where(finished, OutboxMessage.due_at < now - OUTBOX_MEMORY))
