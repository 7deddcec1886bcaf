"""Tables for celebrations: shared successes, who and which partners they credit, and the reaction prompts."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["CelebrationPrompt", "Success", "SuccessPartner", "SuccessPerson"]


class Success(SQLModel, table=True):
    """A shared success someone celebrated. `text` is already redacted; no client is ever named here."""

    __table_args__ = (
        Index("ix_success_team_celebrated", "team_id", "celebrated_at"),
        Index("ix_success_team_author_celebrated", "team_id", "author_user_id", "celebrated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)  # where the celebration was posted
    message_ts: str | None = Field(default=None, max_length=32)
    author_user_id: str = Field(max_length=32)
    author_team_id: str = Field(max_length=32)
    text: str = Field(max_length=2000)
    category: str | None = Field(default=None, max_length=40)
    celebrated_at: datetime


class SuccessPerson(SQLModel, table=True):
    """A person credited for a success, under their own organization (their Slack team)."""

    success_id: int = Field(foreign_key="success.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(primary_key=True, max_length=32)
    user_team_id: str = Field(max_length=32)
    team_id: str = Field(index=True, max_length=32)


class SuccessPartner(SQLModel, table=True):
    """A partner organization credited for a success."""

    __table_args__ = (Index("ix_success_partner_team_partner", "team_id", "partner_id"),)

    success_id: int = Field(foreign_key="success.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, ondelete="CASCADE")
    team_id: str = Field(max_length=32)


class CelebrationPrompt(SQLModel, table=True):
    """A message someone reacted to with the celebration emoji; the UNIQUE key means we ask once per message."""

    __table_args__ = (UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_celebration_prompt"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    reactor_user_id: str = Field(max_length=32)
    message_user_id: str | None = Field(default=None, max_length=32)  # the message's author, to credit them
    prompted_at: datetime
