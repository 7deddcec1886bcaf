"""Tables for manager digests: who gets one, how often and when (in their own time zone)."""

from datetime import datetime, time

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["DigestSubscription"]

DIGEST_CADENCES = ("daily", "weekly", "biweekly")
DIGEST_CADENCE_CHECK = "cadence IN (" + ", ".join(f"'{cadence}'" for cadence in DIGEST_CADENCES) + ")"


class DigestSubscription(SQLModel, table=True):
    """One person's digest schedule; at most one per person per workspace.

    A biweekly digest ("every other Friday") comes first on the first delivery day after the schedule was set
    (`updated_at`), then every 14 days; subscribing again with the same schedule keeps that rhythm.

    Outbox keys name the subscription id, so ids are never reused (sqlite_autoincrement): a new subscription after
    an unsubscribe must not collide with the old one's cancelled deliveries.
    """

    __tablename__ = "digest_subscription"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_digest_subscription_user"),
        CheckConstraint(DIGEST_CADENCE_CHECK, name="ck_digest_subscription_cadence"),
        CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)", name="ck_digest_subscription_weekday"
        ),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    user_id: str = Field(max_length=32)
    cadence: str = Field(max_length=10)  # one of DIGEST_CADENCES
    weekday: int | None = None  # 0 = Monday … 6 = Sunday; weekly and biweekly only
    local_time: time  # delivery time of day in `timezone`
    timezone: str = Field(max_length=64)  # IANA zone: the subscriber's Slack zone when they subscribed
    created_at: datetime
    updated_at: datetime
