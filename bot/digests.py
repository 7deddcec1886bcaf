"""Manager digests: what happened in a period, what is missing, what is next.

`DigestData` is the one set of figures behind every rendering (the Slack DM, `partnerbot report` in Markdown or
CSV, and the weekly chart), so a number means the same thing wherever a manager reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# How far back or ahead the standing sections look, counted from the end of the period.
QUIET_PARTNER_DAYS = 60
UPCOMING_CONFERENCE_DAYS = 14
STALE_RESOURCE_DAYS = 180
RENEWAL_WINDOW_DAYS = 90
DEMAND_WINDOW_DAYS = 30  # demand is compared with capacity per month
CHART_WEEKS = 8


@dataclass(frozen=True)
class Change:
    """A count for the period next to the same count for the period before it."""

    current: int
    previous: int

    @property
    def delta(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class ResourceActivity:
    added: Change
    verified: Change
    retired: Change

    @property
    def is_empty(self) -> bool:
        return not any((c.current or c.previous) for c in (self.added, self.verified, self.retired))


@dataclass(frozen=True)
class NeedDemand:
    """How often people asked about one need category."""

    category: str  # category id, or "" for questions no category matched
    label: str
    asked: Change


@dataclass(frozen=True)
class UnmetNeedLine:
    """A need nobody could answer: the seed of the next partnership."""

    phrase: str  # already redacted and normalized when it was stored
    category_label: str | None
    unanswered: Change  # unanswered questions about it in the period vs the period before
    total_asks: int  # since it was first asked
    first_asked_at: datetime
    last_asked_at: datetime


@dataclass(frozen=True)
class PartnerSuccesses:
    partner_name: str
    successes: Change


@dataclass(frozen=True)
class QuietPartner:
    """A partner nobody has celebrated a success with in QUIET_PARTNER_DAYS days."""

    partner_name: str
    last_recognized_at: datetime | None  # None: never recognized


@dataclass(frozen=True)
class UpcomingConference:
    title: str
    channel_id: str
    start_utc: datetime
    agenda_items: int
    going: int
    not_going: int


@dataclass(frozen=True)
class StaleResource:
    name: str
    organization: str
    last_verified_at: datetime | None  # None: never verified since it was logged
    created_at: datetime


@dataclass(frozen=True)
class RenewalDue:
    partner_name: str
    kind: str
    renewal_date: date


@dataclass(frozen=True)
class PartnerCapacity:
    partner_name: str
    capacity_per_month: int
    current_load: int | None
    demand: (
        int  # questions in the partner's service categories over the DEMAND_WINDOW_DAYS before the period end
    )

    @property
    def over_capacity(self) -> bool:
        load = self.current_load or 0
        return self.demand + load > self.capacity_per_month


@dataclass(frozen=True)
class WeekOfNeeds:
    week_start: datetime  # naive UTC, inclusive; the week ends 7 days later
    asked: int
    unmet: int


@dataclass(frozen=True)
class DigestData:
    """Every figure of one digest. Datetimes are naive UTC; `timezone` is only for showing them."""

    team_id: str
    period_start: datetime
    period_end: datetime  # exclusive
    previous_start: datetime
    timezone: str
    resources: ResourceActivity
    questions: Change
    unanswered_questions: Change
    top_needs: list[NeedDemand]
    unmet_needs: list[UnmetNeedLine]
    successes: Change
    successes_by_partner: list[PartnerSuccesses]
    quiet_partners: list[QuietPartner]
    quiet_partner_count: int
    upcoming_conferences: list[UpcomingConference]
    stale_resources: Change  # active resources unverified for STALE_RESOURCE_DAYS, at the end of each period
    oldest_stale_resources: list[StaleResource]
    renewals_due: list[RenewalDue]
    capacity: list[PartnerCapacity]
    weeks: list[WeekOfNeeds]
    # Sections whose data this installation does not have (a feature that is not installed).
    unavailable: frozenset[str] = field(default_factory=frozenset)

    @property
    def previous_end(self) -> datetime:
        return self.period_start

    @property
    def period_days(self) -> int:
        return max(1, round((self.period_end - self.period_start) / timedelta(days=1)))


# --- Periods ------------------------------------------------------------------------------------------------


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant (naive) at which `day` starts in `timezone`."""
    tz = ZoneInfo(timezone)
    local = datetime(day.year, day.month, day.day, tzinfo=tz)
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def to_local(moment: datetime, timezone: str) -> datetime:
    """A naive UTC datetime as a naive local one in `timezone` (for display only)."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def period_for(cadence: str, delivery_day: date, timezone: str) -> tuple[datetime, datetime]:
    """The whole local days a digest delivered on `delivery_day` covers: the day (daily) or the 7 days (weekly)
    before it, as naive UTC [start, end)."""
    days = 1 if cadence == "daily" else 7
    end = local_midnight_utc(delivery_day, timezone)
    start = local_midnight_utc(delivery_day - timedelta(days=days), timezone)
    return start, end
