"""Which Events API deliveries were handled, so Slack's retries of a handled event are dropped across replicas.

A row is written when an attempt starts (`handled_at` empty) and stamped when it succeeds. A failed attempt
deletes its row, so Slack's retry of it is handled; a retry arriving while the first attempt is still working is
dropped; an attempt whose process died is taken over once it is older than HANDLING_LEASE.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.platform.db import Database
from models.platform import ProcessedEvent

HANDLING_LEASE = timedelta(minutes=1)

_table = ProcessedEvent.__table__


def _this(team_id: str, event_id: str):
    return (_table.c.team_id == team_id, _table.c.event_id == event_id)


def begin(db: Database, team_id: str, event_id: str, now: datetime) -> bool:
    """True when this attempt should handle the event: it is new, or an earlier attempt died mid-way."""
    insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
    with db.session() as session:
        inserted = session.execute(
            insert(_table).values(team_id=team_id, event_id=event_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["team_id", "event_id"]).returning(_table.c.id)
        ).first()
        if inserted is not None:
            return True
        return session.execute(
            update(_table).where(*_this(team_id, event_id), _table.c.handled_at.is_(None),
                                 _table.c.received_at < now - HANDLING_LEASE)
            .values(received_at=now).returning(_table.c.id)
        ).first() is not None


def mark_handled(db: Database, team_id: str, event_id: str, now: datetime) -> None:
    with db.session() as session:
        session.execute(update(_table).where(*_this(team_id, event_id)).values(handled_at=now))


def forget(db: Database, team_id: str, event_id: str) -> None:
    with db.session() as session:
        session.execute(delete(_table).where(*_this(team_id, event_id), _table.c.handled_at.is_(None)))
