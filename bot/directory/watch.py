"""Watched channels: count mentions of known resources and offer, privately, to log what looks new."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, literal
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.directory import access
from bot.directory.commands import MAX_TEXT_LENGTH, Watch
from bot.directory.extract import looks_like_resource
from bot.directory.fields import ResourceFields, normalize
from bot.directory.service import ENTITY, read_text
from bot.platform import audit
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.privacy import redact
from models.directory import (
    Resource,
    WatchedChannel,
    WatchedMessage,
)

log = logging.getLogger(__name__)
SUGGESTIONS_PER_CHANNEL_PER_HOUR = 3
MIN_WATCHED_NAME_LENGTH = 6  # a known name must be at least this long to count as mentioned in chat


@dataclass(frozen=True)
class WatchOutcome:
    """What a message in a watched channel led to: a counted mention, or a suggestion to log a new resource."""

    kind: str  # mention | suggest
    resource: Resource | None = None
    prefill: ResourceFields | None = None  # what the form opens with (suggestions only; redacted)


@dataclass(frozen=True)
class WatchState:
    watched: bool
    changed: bool  # False: it already was that way (or the command only asked)


@dataclass(frozen=True)
class ChannelMessage:
    """A person's new message in a channel, as the handler read it from the event."""

    channel_id: str
    ts: str
    text: str


def watch_channel(session: Session, actor: Actor, command: Watch, channel_id: str) -> WatchState:
    """`/resource watch on|off` in a channel; without on/off, whether it is watched."""
    if command.on is None:
        return WatchState(is_watched(session, actor.team_id, channel_id), False)
    access.require_member(actor)
    changed = set_watch(session, team_id=actor.team_id, channel_id=channel_id, user_id=actor.user_id, on=command.on)
    return WatchState(command.on, changed)


def set_watch(session: Session, *, team_id: str, channel_id: str, user_id: str, on: bool) -> bool:
    """Turns watching a channel on or off; False when it already was that way."""
    existing = session.exec(
        select(WatchedChannel).where(
            WatchedChannel.team_id == team_id, WatchedChannel.channel_id == channel_id
        )
    ).first()
    if on == (existing is not None):
        return False
    if on:
        try:
            with session.begin_nested():
                session.add(
                    WatchedChannel(
                        team_id=team_id, channel_id=channel_id, enabled_by=user_id, enabled_at=utcnow()
                    )
                )
        except IntegrityError:
            return False
    else:
        session.delete(existing)
    audit.record(
        session,
        team_id=team_id,
        actor_user_id=user_id,
        entity="resource_watch",
        entity_id=channel_id,
        action="on" if on else "off",
        fields=["channel_id"],
    )
    session.flush()
    return True


def is_watched(session: Session, team_id: str, channel_id: str) -> bool:
    return (
        session.exec(
            select(WatchedChannel.id).where(
                WatchedChannel.team_id == team_id, WatchedChannel.channel_id == channel_id
            )
        ).first()
        is not None
    )


def _claim_message(
    session: Session, *, team_id: str, channel_id: str, message_ts: str, outcome: str, resource_id: int | None
) -> bool:
    try:
        with session.begin_nested():
            session.add(
                WatchedMessage(
                    team_id=team_id,
                    channel_id=channel_id,
                    message_ts=message_ts,
                    outcome=outcome,
                    resource_id=resource_id,
                    at=utcnow(),
                )
            )
        return True
    except IntegrityError:
        return False


def known_resource_in(session: Session, team_id: str, text: str) -> Resource | None:
    """The longest known resource name that appears, as whole words, in `text` (already redacted)."""
    padded = f" {normalize(text)} "
    if len(padded) < MIN_WATCHED_NAME_LENGTH + 2:
        return None
    pattern = literal("% ") + Resource.normalized_name + literal(" %")
    return session.exec(
        select(Resource)
        .where(
            Resource.team_id == team_id,
            Resource.retired_at.is_(None),
            func.length(Resource.normalized_name) >= MIN_WATCHED_NAME_LENGTH,
            literal(padded).like(pattern),
        )
        .order_by(func.length(Resource.normalized_name).desc())
        .limit(1)
    ).first()


def observe_watched_message(session: Session, actor: Actor, message: ChannelMessage) -> WatchOutcome | None:
    """A person's message in a watched channel: count a mention of a known resource silently, or offer (once per
    message, a few times an hour per channel) to log something that looks like a new resource. A guest from
    another organization is never offered to change this workspace's directory."""
    text, team_id, channel_id = message.text, actor.team_id, message.channel_id
    if not text or len(text) > MAX_TEXT_LENGTH:
        return None
    known = known_resource_in(session, team_id, redact(text).text)
    if known is not None:
        if not _claim_message(session, team_id=team_id, channel_id=channel_id, message_ts=message.ts,
                              outcome="mention", resource_id=known.id):  # fmt: skip
            return None
        known.mention_count = Resource.mention_count + 1
        session.add(known)
        session.flush()
        session.refresh(known)
        audit.record(session, team_id=team_id, actor_user_id=actor.user_id, entity=ENTITY, entity_id=known.id,
                     action="mention", fields=["mention_count"])  # fmt: skip
        return WatchOutcome("mention", resource=known)
    found, _note = read_text(text)
    if actor.is_external or not looks_like_resource(found):
        return None
    since = utcnow() - timedelta(hours=1)
    recent = session.exec(
        select(func.count(WatchedMessage.id)).where(
            WatchedMessage.team_id == team_id,
            WatchedMessage.channel_id == channel_id,
            WatchedMessage.outcome == "suggested",
            WatchedMessage.at >= since,
        )
    ).one()
    if recent >= SUGGESTIONS_PER_CHANNEL_PER_HOUR:
        return None
    if not _claim_message(session, team_id=team_id, channel_id=channel_id, message_ts=message.ts,
                          outcome="suggested", resource_id=None):  # fmt: skip
        return None
    return WatchOutcome("suggest", prefill=found)
