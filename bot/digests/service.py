"""Digest subscriptions and previews: who gets a digest, how often and at what local time.

Every function takes the session the handler opened and the actor; a refusal is a `FeatureError`. Delivery (the
DM and its chart) is Slack's part and happens in `bot.digests.jobs`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.digests.commands import CADENCE_DAYS, Subscribe, describe_schedule
from bot.digests.contents import DigestData, build_digest
from bot.digests.jobs import key_prefix, plan_subscription
from bot.platform import outbox
from bot.platform.actor import Actor
from bot.platform.errors import FeatureError
from models.digests import DigestSubscription
from models.platform import OutboxMessage

log = logging.getLogger(__name__)

MEMBERS_ONLY = (
    "Digests carry this workspace's own figures, so they are for its members. "
    "Ask someone in the workspace to share what you need."
)


@dataclass(frozen=True)
class Subscribed:
    schedule_text: str
    created: bool  # False: an existing schedule was changed (or confirmed)


@dataclass(frozen=True)
class Unsubscribed:
    was_subscribed: bool


@dataclass(frozen=True)
class Status:
    schedule_text: str | None  # None: no digest


def get_subscription(session: Session, team_id: str, user_id: str) -> DigestSubscription | None:
    return session.exec(
        select(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.user_id == user_id
        )
    ).first()


def schedule_text(subscription: DigestSubscription | None) -> str | None:
    """ "every Friday at 4pm (America/Los_Angeles)", or None without a subscription."""
    if subscription is None:
        return None
    return describe_schedule(
        subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
    )


def _members_only(actor: Actor) -> None:
    if actor.is_external:
        raise FeatureError(MEMBERS_ONLY)


def subscribe(session: Session, actor: Actor, command: Subscribe, *, now: datetime) -> Subscribed:
    """Creates or changes the person's subscription, in their Slack time zone, and plans its next digest."""
    _members_only(actor)
    team_id, user_id, schedule, timezone = actor.team_id, actor.user_id, command.schedule, actor.timezone
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
    wanted = (schedule.cadence, schedule.weekday, schedule.local_time, timezone)
    if not created and (
        subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone
    ) != wanted:
        subscription.cadence, subscription.weekday, subscription.local_time, subscription.timezone = wanted
        subscription.updated_at = now
        session.add(subscription)
        # Forget deliveries planned for the old time (not yet claimed), so the planner plans the new one; a digest
        # already sent for a period stays the only one for that period.
        session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.team_id == team_id,
                OutboxMessage.status == "pending",
                OutboxMessage.key.startswith(key_prefix(subscription.id), autoescape=True),
            )
        )
        session.flush()
    plan_subscription(session, subscription, now)
    return Subscribed(schedule_text(subscription), created)


def unsubscribe(session: Session, actor: Actor) -> Unsubscribed:
    subscription = get_subscription(session, actor.team_id, actor.user_id)
    if subscription is None:
        return Unsubscribed(False)
    outbox.cancel_pending(session, actor.team_id, key_prefix(subscription.id))
    session.delete(subscription)
    return Unsubscribed(True)


def status(session: Session, actor: Actor) -> Status:
    return Status(schedule_text(get_subscription(session, actor.team_id, actor.user_id)))


def preview(session: Session, actor: Actor, *, now: datetime) -> DigestData:
    """The digest for the span the person's own digest covers (a week without a subscription), up to now, in their
    time zone."""
    _members_only(actor)
    subscription = get_subscription(session, actor.team_id, actor.user_id)
    days = CADENCE_DAYS[subscription.cadence if subscription else "weekly"]
    return build_digest(session, actor.team_id, now - timedelta(days=days), now, timezone=actor.timezone)
