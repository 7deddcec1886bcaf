"""An iCalendar (.ics, RFC 5545) file for a conference series, so people can add it to their own calendars.

One VEVENT carries the rule (RRULE) with skipped meetings as EXDATE; each moved meeting is an extra VEVENT with the
same UID and a RECURRENCE-ID naming the meeting it replaces. Times are local with a TZID and a matching VTIMEZONE,
so calendar apps keep 10:00 at 10:00 across daylight-saving changes. The UID depends only on the series, so
importing the file again updates the same calendar entry instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur

from bot.conferences.recurrence import Schedule, parse_rule_parts, zone
from bot.platform.clock import as_utc

PRODUCT_ID = "-//partnerbot//case conferences//EN"


@dataclass(frozen=True)
class CalendarSeries:
    """What the file needs to know about a series; built from the database by bot.conferences."""

    team_id: str
    series_id: int
    title: str  # already redacted when stored
    schedule: Schedule
    duration_minutes: int = 60
    video_link: str | None = None
    cancelled: bool = False
    sequence: int = 0  # bump on every change so calendar apps take the update


def series_uid(team_id: str, series_id: int) -> str:
    return f"conference-{series_id}-{team_id.lower()}@partnerbot"


def file_name(title: str, series_id: int) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "conference"
    return f"{slug}-{series_id}.ics"


def _aware(local: datetime, timezone: str) -> datetime:
    return local.replace(tzinfo=zone(timezone))


def _event(series: CalendarSeries, start_local: datetime, stamp: datetime) -> Event:
    tz = series.schedule.timezone
    event = Event()
    event.add("uid", series_uid(series.team_id, series.series_id))
    event.add("dtstamp", stamp)
    event.add("sequence", series.sequence)
    event.add("summary", series.title)
    event.add("dtstart", _aware(start_local, tz))
    event.add("dtend", _aware(start_local + timedelta(minutes=series.duration_minutes), tz))
    if series.video_link:
        event.add("location", series.video_link)
        event.add("url", series.video_link)
        event.add("description", f"Join: {series.video_link}")
    event.add("status", "CANCELLED" if series.cancelled else "CONFIRMED")
    return event


def build_calendar(series: CalendarSeries, *, now_utc: datetime) -> bytes:
    schedule = series.schedule
    tz = schedule.timezone
    stamp = as_utc(now_utc)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", series.title)

    if not schedule.rrule:
        # A one-off meeting: moving it moves the event itself; skipping it cancels it.
        start = schedule.overrides.get(schedule.start_local, schedule.start_local)
        single = CalendarSeries(
            **{**series.__dict__, "cancelled": series.cancelled or start in schedule.exdates}
        )
        calendar.add_component(_event(single, start, stamp))
        return _finish(calendar, start)

    main = _event(series, schedule.start_local, stamp)
    if schedule.rrule:
        main.add(
            "rrule",
            vRecur.from_ical(";".join(f"{k}={v}" for k, v in parse_rule_parts(schedule.rrule).items())),
        )
        for skipped in sorted(schedule.exdates):
            main.add("exdate", _aware(skipped, tz))
    calendar.add_component(main)

    for original, moved_to in sorted(schedule.overrides.items()):
        if original in schedule.exdates:
            continue
        moved = _event(series, moved_to, stamp)
        moved.add("recurrence-id", _aware(original, tz))
        calendar.add_component(moved)
    return _finish(calendar, schedule.start_local)


def _finish(calendar: Calendar, first_local: datetime) -> bytes:
    # VTIMEZONE transitions from the first meeting's year for the next decade keep the file small.
    first = first_local.date().replace(month=1, day=1)
    calendar.add_missing_timezones(first_date=first, last_date=first.replace(year=first.year + 10))
    return calendar.to_ical()
