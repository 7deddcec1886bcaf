"""Tables for the partner registry (organizations a care team works with) and the successes shared with them."""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = [
    "Agreement",
    "CelebrationPrompt",
    "Partner",
    "PartnerChannel",
    "PartnerContact",
    "PartnerService",
    "Success",
    "SuccessPartner",
    "SuccessPerson",
]

PARTNER_KINDS = ("strategic_alliance", "project_partnership", "resource_sharing", "advocacy_coalition")
AGREEMENT_KINDS = ("mou", "data_sharing", "service_exchange")


class Partner(SQLModel, table=True):
    """A partner organization. Holds only organizational details, never a client's."""

    __table_args__ = (UniqueConstraint("team_id", "normalized_name", name="uq_partner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=200)
    normalized_name: str = Field(max_length=200)
    kind: str | None = Field(default=None, max_length=40)  # one of PARTNER_KINDS
    capacity_per_month: int | None = None  # clients a month they can take
    current_load: int | None = None  # clients they are serving this month, if known
    eligibility_notes: str = Field(default="", max_length=1000)
    owner_user_id: str = Field(max_length=32)  # gets renewal reminders and delivery failures
    slack_team_id: str | None = Field(default=None, max_length=32)  # their workspace, when on Slack Connect
    # IANA zone for reminders and recaps (the owner's zone when the partner was added); planners have no Settings.
    timezone: str = Field(default="America/New_York", max_length=64)
    source: str = Field(default="slack", max_length=20)  # slack | demo
    created_at: datetime
    updated_at: datetime


class PartnerService(SQLModel, table=True):
    """One row per (partner, need category) so "who can help with housing" is an indexed lookup."""

    __table_args__ = (Index("ix_partner_service_team_category", "team_id", "category"),)

    partner_id: int = Field(foreign_key="partner.id", primary_key=True, ondelete="CASCADE")
    category: str = Field(primary_key=True, max_length=40)
    team_id: str = Field(index=True, max_length=32)


class PartnerContact(SQLModel, table=True):
    """A person to reach at the partner: a Slack user (possibly from their own workspace) or an external contact."""

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    team_id: str = Field(index=True, max_length=32)
    user_id: str | None = Field(default=None, max_length=32)
    user_team_id: str | None = Field(
        default=None, max_length=32
    )  # differs from team_id for Slack Connect users
    # External contacts (staff at the partner, not clients): free text, redacted before it is stored.
    name: str = Field(default="", max_length=200)
    details: str = Field(default="", max_length=300)


class PartnerChannel(SQLModel, table=True):
    """A channel where the team works with a partner; `is_shared` marks a Slack Connect channel."""

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "partner_id", name="uq_partner_channel"),
        Index("ix_partner_channel_team_channel", "team_id", "channel_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)
    is_shared: bool = Field(default=False)
    monthly_recap: bool = Field(default=True)


class Agreement(SQLModel, table=True):
    """A written agreement with a partner; at most one of each kind, kept current by renewal reminders."""

    __table_args__ = (UniqueConstraint("partner_id", "kind", name="uq_agreement_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    team_id: str = Field(index=True, max_length=32)
    kind: str = Field(max_length=40)  # one of AGREEMENT_KINDS
    start_date: date | None = None
    review_date: date | None = None
    renewal_date: date | None = None
    # Bumped whenever the renewal date changes; part of the reminder keys, so a date changed back and forth
    # still gets fresh reminders while re-planning the same date never duplicates one.
    revision: int = Field(default=0)
    updated_at: datetime


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
