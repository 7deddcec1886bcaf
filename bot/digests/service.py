"""Digest subscriptions: who gets a digest, how often and at what local time."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.digests.commands import Schedule
from bot.digests.jobs import _key_prefix, plan_subscription
from bot.platform import outbox
from models.digests import DigestSubscription
from models.platform import OutboxMessage

log = logging.getLogger(__name__)


def get_subscription(session: Session, team_id: str, user_id: str) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.user_id == user_id
        )
    ).first()


def subscribe(
    session: Session, *, team_id: str, user_id: str, schedule: Schedule, timezone: str, now: datetime
) -> tuple[DigestSubscription, bool]:
    """Creates or changes a person's subscription and plans its next digest. Returns (subscription, created)."""
    ZoneInfo(timezone)  # an unknown zone is a bug in the caller, not something to store
    created = False
    subscription = get_subscription(session, team_id, user_id)
    if subscription is None:
        # ON CONFLICT DO NOTHING: if the same person subscribes on two replicas at once, one row wins and the other
        # request updates it instead of failing on the unique key.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = {
            "team_id": team_id,
            "user_id": user_id,
            "cadence": schedule.cadence,
            "weekday": schedule.weekday,
            "local_time": schedule.local_time,
            "timezone": timezone,
            "created_at": now,
            "updated_at": now,
        }
        statement = insert(DigestSubscription.__table__).values(**values)
        created = (
            session.execute(statement.on_conflict_do_nothing(index_elements=["team_id", "user_id"])).rowcount
            == 1
        )
        subscription = get_subscription(session, team_id, user_id)
    if not created and (
        subscription.cadence,
        subscription.weekday,
        subscription.local_time,
        subscription.timezone,
    ) != (
        schedule.cadence,
        schedule.weekday,
        schedule.local_time,
        timezone,
    ):
        subscription.cadence, subscription.weekday = schedule.cadence, schedule.weekday
        subscription.local_time, subscription.timezone = schedule.local_time, timezone
        subscription.updated_at = now
        session.add(subscription)
        # Forget deliveries planned for the old time (not yet claimed), so the planner plans the new one; a digest
        # already sent for a period stays the only one for that period.
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.status == "pending",
                OutboxMessage.key.startswith(_key_prefix(subscription.id), autoescape=True),
            )
        )
        session.flush()
    plan_subscription(session, subscription, now)
    return subscription, created


def unsubscribe(session: Session, *, team_id: str, user_id: str) -> bool:
    subscription = get_subscription(session, team_id, user_id)
    if subscription is None:
        return False
    outbox.cancel_pending(session, team_id, _key_prefix(subscription.id))
    session.delete(subscription)
    return True
