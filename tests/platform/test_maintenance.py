"""Housekeeping keeps the event-id memory and the outbox from growing forever."""

from datetime import timedelta

from sqlmodel import select

from bot.platform import maintenance, outbox
from bot.platform.clock import utcnow
from models.platform import OutboxMessage, ProcessedEvent


def test_old_event_ids_and_finished_messages_are_pruned(db):
    now = utcnow()
    with db.session() as session:
        session.add(ProcessedEvent(team_id="T1", event_id="EvOLD", received_at=now - timedelta(days=2)))
        session.add(ProcessedEvent(team_id="T1", event_id="EvNEW", received_at=now - timedelta(hours=2)))
        outbox.enqueue(session, team_id="T1", key="old-sent", kind="x", due_at=now - timedelta(days=500))
        outbox.enqueue(session, team_id="T1", key="old-pending", kind="x", due_at=now - timedelta(days=500))
        session.flush()
        session.exec(select(OutboxMessage).where(OutboxMessage.key == "old-sent")).one().status = "sent"
    maintenance.prune_processed_events(db, now)
    maintenance.prune_finished_outbox(db, now)
    with db.session() as session:
        assert [row.event_id for row in session.exec(select(ProcessedEvent))] == ["EvNEW"]
        assert [row.key for row in session.exec(select(OutboxMessage))] == ["old-pending"]
