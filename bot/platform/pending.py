"""Redacted free text waiting for its author's choice (bot.platform.review): kept server-side, keyed by a random
token that travels in the buttons, answered once, gone after `PENDING_FOR`.

Only redacted text is held here: the raw text a person typed is never written to this table.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from bot.platform.clock import as_utc, utcnow
from bot.platform.db import Database
from bot.platform.errors import FeatureError
from bot.platform.review import EDIT, SAVE, TRIM, Review
from models.platform import PendingText

PENDING_FOR = timedelta(hours=1)
PRUNE_SECONDS = 600  # how often unanswered questions past PENDING_FOR are deleted (bot.runtime.jobs)
EXPIRED = "That question has expired or was already answered, so nothing was saved. Please type it again."


def hold(session: Session, *, team_id: str, user_id: str, surface: str, review: Review,
         context: dict[str, Any] | None = None, now: datetime | None = None) -> str:  # fmt: skip
    """Keeps the redacted text of `review` for its author and returns the token for the buttons. Expired rows of
    the workspace are dropped on the way."""
    now = now or utcnow()
    session.execute(delete(PendingText).where(PendingText.team_id == team_id, PendingText.expires_at < now))
    token = secrets.token_hex(16)  # no '-' or '_': a token never reads as a date or a number split by dashes
    session.add(PendingText(team_id=team_id, user_id=user_id, token=token, surface=surface, text=review.text[:4000],
                            trimmed=review.trimmed[:4000], context=dict(context or {}), created_at=now,
                            expires_at=now + PENDING_FOR))  # fmt: skip
    session.flush()
    return token


def take(session: Session, *, team_id: str, user_id: str, surface: str, token: str,
         now: datetime | None = None) -> PendingText:  # fmt: skip
    """The waiting row for this person's click, removed from the table (a second click finds nothing). Someone
    else's, another workspace's, another surface's or an expired row raises FeatureError."""
    now = now or utcnow()
    row = session.execute(select(PendingText).where(
        PendingText.token == token, PendingText.team_id == team_id, PendingText.user_id == user_id,
        PendingText.surface == surface)).scalar_one_or_none()  # fmt: skip
    if row is None:
        raise FeatureError(EXPIRED)
    session.delete(row)
    session.flush()
    if as_utc(row.expires_at) < now:
        raise FeatureError(EXPIRED)
    return row


def chosen_text(row: PendingText, choice: str) -> str:
    """The text to store for a choice: as shown (Save) or without the marked words (Remove); Edit stores none."""
    if choice == SAVE:
        return row.text
    if choice == TRIM:
        return row.trimmed
    if choice == EDIT:
        return ""
    raise ValueError(f"unknown choice {choice!r}")


def prune_expired(db: Database, now: datetime) -> None:
    """Deletes every question nobody answered within PENDING_FOR, in every workspace."""
    with db.session() as session:
        session.execute(delete(PendingText).where(PendingText.expires_at < now))
