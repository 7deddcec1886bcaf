"""Tables the whole product shares: handled Slack events, the delivery outbox and the audit trail."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["AuditEntry", "OutboxMessage", "ProcessedEvent"]


class ProcessedEvent(SQLModel, table=True):
    """An Events API delivery already handled. Slack retries a delivery it thinks failed; the unique
    event_id makes the second attempt a no-op across restarts and replicas."""

    __table_args__ = (UniqueConstraint("team_id", "event_id", name="uq_processed_event"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    event_id: str = Field(max_length=64)
    received_at: datetime = Field(index=True)


OUTBOX_STATUSES = ("pending", "claimed", "sent", "failed", "skipped", "cancelled")


class OutboxMessage(SQLModel, table=True):
    """One message the bot must send at a given time, exactly once.

    `key` names what the message is for (e.g. "conf:42:day_before"); UNIQUE (team_id, key) is what makes planning
    idempotent. Status moves pending -> claimed -> sent | failed | skipped, or pending -> cancelled.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_outbox_key"),
        CheckConstraint(
            "status IN ('pending', 'claimed', 'sent', 'failed', 'skipped', 'cancelled')", name="ck_outbox_status"
        ),
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
