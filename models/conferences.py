"""Tables for case conferences: recurring series, their materialized meetings, agendas and RSVPs.

Instants are aware UTC like everywhere else. The `*_local` columns are the exception: naive wall-clock times in
the series' own `timezone` (the RFC 5545 DTSTART/EXDATE/RECURRENCE-ID values), because a 10:00 meeting must stay
at 10:00 local across daylight-saving changes. They are never compared with instants.
"""

from datetime import datetime

from pydantic import NaiveDatetime
from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["AgendaItem", "ConferenceOccurrence", "ConferenceOverride", "ConferenceSeries", "Rsvp"]


class ConferenceSeries(SQLModel, table=True):
    """A case conference that meets once or on a repeating rule, posted to one channel."""

    __tablename__ = "conference_series"
    __table_args__ = (
        Index("ix_conference_series_team_active", "team_id", "cancelled_at"),
        # The materializer looks for live series whose planned horizon is running out.
        Index("ix_conference_series_materialize", "cancelled_at", "materialized_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    channel_id: str = Field(max_length=32)
    title: str = Field(max_length=200)  # redacted before it is stored
    owner_user_id: str = Field(max_length=32)
    timezone: str = Field(max_length=64)  # IANA name
    rrule: str | None = Field(
        default=None, max_length=200
    )  # RFC 5545 RRULE without DTSTART; None: one meeting
    start_local: NaiveDatetime  # DTSTART: the first meeting, local wall time in `timezone`
    duration_minutes: int = Field(default=60)
    video_link: str = Field(default="", max_length=500)
    # Facilitator rotation, in order; each new meeting takes the next person after the previous meeting's.
    facilitator_user_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Reminder lead times in minutes before the start; None turns that reminder off. No column defaults on
    # purpose: SQLAlchemy would apply a default in place of an explicit None. bot.conferences.Reminders holds them.
    agenda_call_minutes: int | None = None
    day_before_minutes: int | None = None
    start_notice: bool = Field(default=True)
    followup_minutes: int | None = None  # after the start
    sequence: int = Field(default=0)  # bumped on every change, for calendar apps (.ics SEQUENCE)
    materialized_until: datetime | None = None  # UTC: meetings up to here exist as ConferenceOccurrence rows
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None = None


class ConferenceOverride(SQLModel, table=True):
    """One meeting of a series that was skipped (new_start_local is None: an RFC 5545 EXDATE) or moved (an
    override with RECURRENCE-ID = original_local)."""

    __tablename__ = "conference_override"
    __table_args__ = (UniqueConstraint("series_id", "original_local", name="uq_conference_override"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    series_id: int = Field(foreign_key="conference_series.id", index=True)
    original_local: NaiveDatetime
    new_start_local: NaiveDatetime | None = None
    changed_by: str = Field(max_length=32)
    changed_at: datetime


class ConferenceOccurrence(SQLModel, table=True):
    """One meeting, materialized a few weeks ahead so reminders, agenda items and RSVPs can point at it."""

    __tablename__ = "conference_occurrence"
    __table_args__ = (
        UniqueConstraint("series_id", "original_local", name="uq_conference_occurrence"),
        CheckConstraint(
            "status IN ('scheduled', 'skipped', 'cancelled')", name="ck_conference_occurrence_status"
        ),
        Index("ix_conference_occurrence_team_start", "team_id", "start_utc"),
        Index("ix_conference_occurrence_series_start", "series_id", "start_utc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    series_id: int = Field(foreign_key="conference_series.id")
    original_local: NaiveDatetime  # which instance of the rule this is, even after a move
    start_local: NaiveDatetime
    start_utc: datetime
    status: str = Field(default="scheduled", max_length=20)
    facilitator_user_id: str | None = Field(default=None, max_length=32)
    revision: int = Field(default=0)  # bumped by a move so re-planned reminders get fresh outbox keys
    created_at: datetime


class AgendaItem(SQLModel, table=True):
    """A de-identified case summary someone wants to discuss; redacted before it is stored."""

    __tablename__ = "conference_agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    occurrence_id: int = Field(foreign_key="conference_occurrence.id", index=True)
    text: str = Field(max_length=1000)
    added_by: str = Field(max_length=32)
    added_at: datetime


class Rsvp(SQLModel, table=True):
    """Whether someone is coming to a meeting; one row per person per meeting, the latest answer wins."""

    __tablename__ = "conference_rsvp"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id", name="uq_conference_rsvp"),
        CheckConstraint("response IN ('going', 'not_going')", name="ck_conference_rsvp_response"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    occurrence_id: int = Field(foreign_key="conference_occurrence.id", index=True)
    user_id: str = Field(max_length=32)
    response: str = Field(max_length=20)
    updated_at: datetime
