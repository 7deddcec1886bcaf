"""Tables for the resource directory: community resources care teams log, and who can change them."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["Resource", "ResourceCategory"]


class Resource(SQLModel, table=True):
    """A community resource (program or service). Holds only public details of the resource, never a patient's."""

    __table_args__ = (
        # Import upserts on (name, organization, city); normalized forms keep case and punctuation out of it.
        UniqueConstraint("team_id", "normalized_name", "normalized_organization", "normalized_city",
                         name="uq_resource_identity"),
        Index("ix_resource_team_retired", "team_id", "retired_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=200)
    normalized_name: str = Field(max_length=200)
    organization: str = Field(default="", max_length=200)
    normalized_organization: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)
    # Need category ids from bot/data/needs.json, ";"-joined in display order; ResourceCategory is the queryable copy.
    categories: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=100)
    normalized_city: str = Field(default="", max_length=100)
    state: str = Field(default="", max_length=50)
    postal_code: str = Field(default="", max_length=20)
    hours: str = Field(default="", max_length=300)
    languages: str = Field(default="", max_length=300)  # ";"-joined language names
    eligibility: str = Field(default="", max_length=1000)
    populations: str = Field(default="", max_length=300)  # ";"-joined: seniors, veterans, youth, families, ...
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
