"""One source of "now", and every conversion between an instant and a person's local wall time.

Datetimes are timezone-aware UTC everywhere (sqlmodel's datetime columns refuse naive values and return UTC);
local wall time is naive and exists only for display and for schedules written in a person's zone. A local time
that does not exist (skipped by a daylight-saving change) moves forward by the gap; an ambiguous one takes the
earlier instant (fold=0).
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_local(moment: datetime, timezone: str) -> datetime:
    """An instant (aware, or naive UTC) as naive local wall time in `timezone`."""
    return as_utc(moment).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def local_to_utc(local: datetime, timezone: str) -> datetime:
    """Naive local wall time in `timezone` as an aware UTC instant."""
    return local.replace(tzinfo=ZoneInfo(timezone), fold=0).astimezone(UTC)


def at_local_time(day: date, moment: time, timezone: str) -> datetime:
    """The UTC instant of `moment` on `day` in `timezone`."""
    return local_to_utc(datetime.combine(day, moment), timezone)


def local_midnight_utc(day: date, timezone: str) -> datetime:
    """The UTC instant at which `day` starts in `timezone`."""
    return at_local_time(day, time(0), timezone)


def local_today(now: datetime, timezone: str) -> date:
    return to_local(now, timezone).date()


def start_of_local_day(now: datetime, timezone: str) -> datetime:
    """The UTC instant at which the local day containing `now` began."""
    return local_midnight_utc(local_today(now, timezone), timezone)
