"""Tables for "who can help with X?": what was asked (without the words), needs nobody could meet, and feedback.

No table here holds what a person typed: questions are logged as a need category or a redacted, normalized phrase.
The full-text index over resources (FTS5 on SQLite, a tsvector column on PostgreSQL) is created by the hand-written
migration 0002_search_index, not by these models.
"""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["QuestionLog", "ResourceFeedback", "SearchThread", "UnmetNeed"]

SURFACES = ("slash", "mention", "dm", "modal", "console", "thread")
FEEDBACK_KINDS = ("helped", "outdated")


class QuestionLog(SQLModel, table=True):
    """One row per need per question: the demand signal behind digests. Holds no words typed by the asker."""

    # (team_id, asked_at) lookups use ix_questionlog_digest (end of this module), which starts with those columns.

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    asked_at: datetime
    # The category id when the need was recognized, otherwise the redacted, normalized phrase (same key as UnmetNeed).
    need_key: str = Field(max_length=200)
    category: str | None = Field(default=None, max_length=40)
    result_count: int = Field(default=0)  # resources plus partners shown; 0 means nobody could help
    surface: str = Field(default="slash", max_length=20)  # slash | mention | dm | modal | console | thread


class UnmetNeed(SQLModel, table=True):
    """A need nobody in the directory or among the partners could meet, counted each time it is asked."""

    __table_args__ = (UniqueConstraint("team_id", "need_key", name="uq_unmetneed_team_key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    need_key: str = Field(max_length=200)
    category: str | None = Field(default=None, max_length=40)
    phrase: str = Field(max_length=200)  # redacted and normalized; safe to show in digests
    ask_count: int = Field(default=1)
    first_asked_at: datetime
    last_asked_at: datetime


class ResourceFeedback(SQLModel, table=True):
    """A care team member's "This helped" or "Info is outdated" on a search result."""

    __table_args__ = (Index("ix_resourcefeedback_resource", "team_id", "resource_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    resource_id: int = Field(foreign_key="resource.id", ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    kind: str = Field(max_length=20)  # helped | outdated
    at: datetime


# Covering for the digest: every per-period question figure (counts by week, category and need) reads only this.
Index(
    "ix_questionlog_digest",
    QuestionLog.team_id,
    QuestionLog.asked_at,
    QuestionLog.result_count,
    QuestionLog.category,
    QuestionLog.need_key,
)


class SearchThread(SQLModel, table=True):
    """The parsed question behind an answer posted in a conversation, so a reply in its thread ("only in
    Eastport", "more") refines it. Holds the recognized needs and modifiers (redacted, normalized), never the text."""

    __table_args__ = (UniqueConstraint("team_id", "channel_id", "thread_ts", name="uq_searchthread_thread"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    channel_id: str = Field(max_length=32)
    thread_ts: str = Field(max_length=32)  # the thread the answer lives in (its root message)
    parsed: str = Field(max_length=4000)  # JSON of bot.search.query.ParsedQuery without its text
    shown: int = Field(default=5)  # results shown so far per need, where "more" continues
    created_at: datetime
