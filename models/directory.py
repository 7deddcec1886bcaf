"""Tables for the resource directory: community resources care teams log, and who can change them. The public
details' lengths come from the one field spec, bot/directory/fields.py."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.directory.fields import MAX_LENGTHS

__all__ = [
    "Resource",
    "ResourceCategory",
    "ResourceLogEntry",
    "ResourceSteward",
    "WatchedChannel",
    "WatchedMessage",
]


class Resource(SQLModel, table=True):
    """A community resource (program or service). Holds only public details of the resource, never a patient's."""

    __table_args__ = (
        # Import upserts on (name, organization, city); normalized forms keep case and punctuation out of it.
        UniqueConstraint(
            "team_id",
            "normalized_name",
            "normalized_organization",
            "normalized_city",
            name="uq_resource_identity",
        ),
        # (team_id, retired_at) lookups use ix_resource_digest_staleness (end of this module), which starts with them.
        # Duplicate detection looks candidates up by phone digits and website.
        Index("ix_resource_team_phone_key", "team_id", "phone_key"),
        Index("ix_resource_team_website_key", "team_id", "website_key"),
        Index("ix_resource_team_city", "team_id", "normalized_city"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=MAX_LENGTHS["name"])
    normalized_name: str = Field(max_length=200)
    organization: str = Field(default="", max_length=MAX_LENGTHS["organization"])
    normalized_organization: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=MAX_LENGTHS["description"])
    # Need category ids (bot/platform/data/needs.json), ";"-joined in display order;
    # ResourceCategory is the queryable copy.
    categories: str = Field(default="", max_length=MAX_LENGTHS["categories"])
    phone: str = Field(default="", max_length=MAX_LENGTHS["phone"])
    phone_key: str = Field(default="", max_length=10)  # last ten digits of phone, for duplicate detection
    email: str = Field(default="", max_length=MAX_LENGTHS["email"])
    website: str = Field(default="", max_length=MAX_LENGTHS["website"])
    website_key: str = Field(default="", max_length=300)  # website without scheme, www. and trailing slash
    address: str = Field(default="", max_length=MAX_LENGTHS["address"])
    city: str = Field(default="", max_length=MAX_LENGTHS["city"])
    normalized_city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=MAX_LENGTHS["state"])
    postal_code: str = Field(default="", max_length=MAX_LENGTHS["postal_code"])
    hours: str = Field(default="", max_length=MAX_LENGTHS["hours"])
    languages: str = Field(default="", max_length=MAX_LENGTHS["languages"])  # ";"-joined language names
    eligibility: str = Field(default="", max_length=MAX_LENGTHS["eligibility"])
    populations: str = Field(default="", max_length=MAX_LENGTHS["populations"])  # ";"-joined: seniors, veterans, …
    mention_count: int = Field(default=1)
    helped_count: int = Field(default=0)
    outdated_count: int = Field(default=0)
    source: str = Field(default="slack", max_length=20)  # slack | import | demo
    created_by: str = Field(default="", max_length=32)
    created_at: datetime
    updated_at: datetime
    verified_by: str | None = Field(default=None, max_length=32)
    verified_at: datetime | None = None
    retired_by: str | None = Field(default=None, max_length=32)
    retired_at: datetime | None = None


class ResourceCategory(SQLModel, table=True):
    """One row per (resource, need category), so "who helps with food" is an indexed lookup."""

    __table_args__ = (Index("ix_resource_category_team_category", "team_id", "category"),)

    resource_id: int = Field(foreign_key="resource.id", primary_key=True, ondelete="CASCADE")
    category: str = Field(primary_key=True, max_length=40)
    team_id: str = Field(max_length=32)


class ResourceLogEntry(SQLModel, table=True):
    """One time someone logged a resource (new or merged into a known one): what Undo reverses.

    `filled_fields` names the fields the log filled in (they were empty before), so undoing a merge empties them
    again and takes the mention back. Only field names are kept, never values.
    """

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    resource_id: int = Field(foreign_key="resource.id", index=True, ondelete="CASCADE")
    user_id: str = Field(max_length=32)
    created_resource: bool = False
    filled_fields: str = Field(default="", max_length=300)  # ";"-joined field names
    source: str = Field(default="slack", max_length=20)
    logged_at: datetime
    undone_at: datetime | None = None


class ResourceSteward(SQLModel, table=True):
    """Someone trusted to edit others' entries, verify and retire resources (besides the configured admins)."""

    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_resource_steward"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    user_id: str = Field(max_length=32)
    added_by: str = Field(max_length=32)
    added_at: datetime


class WatchedChannel(SQLModel, table=True):
    """A channel that opted in with `/resource watch on`: its messages count mentions and suggest new resources."""

    __table_args__ = (UniqueConstraint("team_id", "channel_id", name="uq_watched_channel"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)
    enabled_by: str = Field(max_length=32)
    enabled_at: datetime


class WatchedMessage(SQLModel, table=True):
    """A message in a watched channel the bot acted on. UNIQUE per message, so each message counts one mention or
    gets one suggestion at most, even with redelivered events or several replicas. Holds no message text."""

    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts", name="uq_watched_message"),
        Index("ix_watched_message_channel_outcome", "team_id", "channel_id", "outcome", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)
    message_ts: str = Field(max_length=32)
    outcome: str = Field(max_length=20)  # mention | suggested
    resource_id: int | None = Field(default=None, foreign_key="resource.id", ondelete="SET NULL")
    at: datetime


# Indexes for the digest and App Home queries over resources (an Index built from columns attaches to its table).
Index("ix_resource_team_created", Resource.team_id, Resource.created_at)
Index("ix_resource_team_verified", Resource.team_id, Resource.verified_at)
# Covering for "not verified in 180 days": active resources and both dates, without reading the table.
Index(
    "ix_resource_digest_staleness",
    Resource.team_id,
    Resource.retired_at,
    Resource.verified_at,
    Resource.created_at,
)
# The App Home's "your recently logged resources".
Index("ix_resource_team_creator", Resource.team_id, Resource.created_by, Resource.created_at)
