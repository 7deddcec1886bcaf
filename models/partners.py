"""Tables for the partner registry: the organizations a care team works with, their contacts, channels and agreements."""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = [
    "Agreement",
    "Partner",
    "PartnerChannel",
    "PartnerContact",
    "PartnerService",
]

# The one home of partnership types and agreement kinds: id -> what people read. Parsing, the form, the cards and
# the digest all read these.
PARTNER_KINDS: dict[str, str] = {
    "strategic_alliance": "Strategic alliance",
    "project_partnership": "Project partnership",
    "resource_sharing": "Resource sharing",
    "advocacy_coalition": "Advocacy coalition",
}
AGREEMENT_KINDS: dict[str, str] = {
    "mou": "MOU",
    "data_sharing": "Data-sharing agreement",
    "service_exchange": "Service exchange",
}


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
