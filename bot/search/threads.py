"""Search threads: the parsed question kept with an answer posted in a conversation, so that a reply in its
thread refines it. Stores needs and modifiers (redacted, normalized), never what was typed."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.platform import clock
from bot.search.conversation import to_json
from bot.search.query import ParsedQuery
from models.search import SearchThread

__all__ = ["find", "remember"]


def find(session: Session, team_id: str, channel_id: str, thread_ts: str | None) -> SearchThread | None:
    if not thread_ts:
        return None
    return session.exec(
        select(SearchThread).where(
            SearchThread.team_id == team_id,
            SearchThread.channel_id == channel_id,
            SearchThread.thread_ts == thread_ts,
        )
    ).first()


def remember(
    session: Session, team_id: str, channel_id: str, thread_ts: str, parsed: ParsedQuery, shown: int
) -> None:
    """Keeps (or replaces) the question answered in this thread, and how many results were shown."""
    saved = find(session, team_id, channel_id, thread_ts)
    if saved is None:
        saved = SearchThread(team_id=team_id, channel_id=channel_id, thread_ts=thread_ts, parsed="", shown=0,
                             created_at=clock.utcnow())  # fmt: skip
    saved.parsed = to_json(parsed)
    saved.shown = shown
    session.add(saved)
    session.flush()
