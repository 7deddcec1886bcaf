"""Tables the whole product shares: handled Slack events, the delivery outbox, the audit trail and free text
waiting for its author's review."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["AuditEntry", "OutboxMessage", "PendingText", "ProcessedEvent"]


class ProcessedEvent(SQLModel, table=True):
    """An Events API delivery being handled (`handled_at` empty) or handled. Slack retries a delivery it thinks
    failed; the unique event_id makes a retry of a handled event a no-op across restarts and replicas. A failed
    attempt removes its row, so Slack's retry is handled; a row left empty by a process that died is taken over
    once it is older than the handling lease."""

    __table_args__ = (UniqueConstraint("team_id", "event_id", name="uq_processed_event"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    received_at: datetime = Field(index=True)
    handled_at: datetime | None = None


OUTBOX_STATUSES = ("pending", "claimed", "sending", "sent", "failed", "skipped", "cancelled")
OUTBOX_STATUS_CHECK = "status IN (" + ", ".join(f"'{status}'" for status in OUTBOX_STATUSES) + ")"


class OutboxMessage(SQLModel, table=True):
    """One message the bot must send at a given time, exactly once.

    `key` names what the message is for (e.g. "conf:42:day_before"); UNIQUE (team_id, key) is what makes planning
    idempotent. Status moves pending -> claimed -> sending -> sent, or ends failed | skipped | cancelled; a claim
    or a send whose process died goes back to being due when its lease runs out (see bot.platform.outbox).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_outbox_key"),
        CheckConstraint(OUTBOX_STATUS_CHECK, name="ck_outbox_status"),
        Index("ix_outbox_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=200)
    kind: str = Field(max_length=50)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_at: datetime
    status: str = Field(default="pending", max_length=20)
    attempts: int = Field(default=0)
    # Set after a rate limit or a passing network error; the row is not claimed again before then.
    next_attempt_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = None
    # The claim holds until then; a live process renews it, so only a dead process's claim runs out.
    lease_until: datetime | None = None
    # When the Slack call started and where it went. Set means "may have been posted": whoever sends the row next
    # first looks for it in that channel. Cleared only when Slack said it posted nothing.
    sending_at: datetime | None = None
    target: str | None = Field(default=None, max_length=100)
    slack_ts: str | None = Field(default=None, max_length=32)
    sent_at: datetime | None = None
    sent_late: bool = Field(default=False)
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime


class AuditEntry(SQLModel, table=True):
    """Who changed what and when. Holds field names only, never values, so no patient data can land here."""

    __table_args__ = (Index("ix_audit_entity", "team_id", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    actor_user_id: str = Field(max_length=32)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    action: str = Field(max_length=40)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(index=True)


class PendingText(SQLModel, table=True):
    """Free text a person typed, already redacted, waiting for them to choose Save, Remove marked words or Edit
    because something in it still looks like a person or an identifier. Never the raw text. The token travels in
    the buttons' value; a row is deleted when it is answered and expires unanswered (see bot.platform.pending)."""

    __tablename__ = "pending_text"
    __table_args__ = (UniqueConstraint("token", name="uq_pending_text_token"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    token: str = Field(max_length=64)
    surface: str = Field(max_length=40)
    text: str = Field(max_length=4000)  # redacted, as shown
    trimmed: str = Field(max_length=4000)  # redacted, without the marked words
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime
    expires_at: datetime = Field(index=True)
