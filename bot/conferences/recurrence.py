"""Recurring meeting times: RFC 5545 rules expanded in local wall time, then placed on the UTC timeline.

A series is a local start (naive wall time), an IANA zone and an optional RRULE (`FREQ=MONTHLY;BYDAY=1TU`, no
DTSTART inside). Expansion happens in naive local time with python-dateutil, so "10:00 every first Tuesday" stays
10:00 on the wall clock across daylight-saving changes; only then is each instance converted to UTC with zoneinfo.

Local times that do not exist (the spring-forward gap) move forward by the length of the gap, the way wall clocks
do (02:30 becomes 03:30); ambiguous ones (the fall-back hour) take the first, earlier instant. Both get a warning
when a series is created.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rrulestr

from bot.platform import public_holidays
from bot.platform.clock import as_utc, local_to_utc, to_local
from bot.platform.dates import (
    ORDINAL_WORDS,
    WEEKDAY_CODES,
    WEEKDAY_NAMES,
    DateError,
    format_date,
    format_rule_parts,
    format_time,
    format_when,
    parse_rule_parts,
    quote,
)
from bot.platform.errors import FeatureError

# Meetings starting in these hours are usually a typo ("at 3" meant 3pm) or a time-zone mix-up.
EARLY_MORNING_END_HOUR = 4

# Common abbreviations people type; anything else must be a full IANA name such as America/Chicago.
ZONE_ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
}

_ALLOWED_RULE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}
_ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class RecurrenceError(FeatureError):
    """A rule or time zone that cannot be used; the message is safe to show to the user."""


@dataclass(frozen=True)
class Schedule:
    """When a series meets. `start_local` is the first meeting (RFC 5545 DTSTART) as naive local wall time."""

    start_local: datetime
    timezone: str
    rrule: str | None = None
    exdates: frozenset[datetime] = frozenset()  # original local starts that were skipped
    overrides: Mapping[datetime, datetime] = field(
        default_factory=dict
    )  # original local start -> moved start


@dataclass(frozen=True)
class Occurrence:
    original_local: datetime  # identifies the instance within its series, even after a move
    start_local: datetime
    start_utc: datetime  # aware, UTC
    moved: bool = False


# --- time zones -------------------------------------------------------------------------------------------------


@functools.cache
def _zone_names_by_lowercase() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def canonical_timezone(name: str) -> str:
    """The IANA name for what a person typed ("america/chicago", "CT", "UTC"), or RecurrenceError."""
    cleaned = name.strip()
    key = cleaned.lower()
    if key in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[key]
    canonical = _zone_names_by_lowercase().get(key)
    if canonical is None:
        raise RecurrenceError(
            f"I don't know the time zone `{quote(cleaned, 60)}`. Use a name like `America/Chicago`, `Europe/Berlin` or `UTC`."
        )
    return canonical


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RecurrenceError(f"I don't know the time zone `{quote(name, 60)}`.") from error


def is_nonexistent(local: datetime, timezone: str) -> bool:
    """True for wall times skipped by a spring-forward change (e.g. 02:30 on the changeover night)."""
    tz = zone(timezone)
    aware = local.replace(tzinfo=tz)
    round_trip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip != local


def is_ambiguous(local: datetime, timezone: str) -> bool:
    """True for wall times that happen twice because of a fall-back change (e.g. 01:30 on the changeover night)."""
    tz = zone(timezone)
    first = local.replace(tzinfo=tz, fold=0).utcoffset()
    second = local.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and not is_nonexistent(local, timezone)


def time_warnings(local: datetime, timezone: str) -> list[str]:
    """Friendly cautions about a start time; empty when it looks fine."""
    warnings = []
    if local.hour < EARLY_MORNING_END_HOUR:
        warnings.append(
            f"Heads up: {format_time(local.time())} is in the middle of the night in {timezone}. "
            'If you meant the afternoon, add "pm" (for example "at 3pm").'
        )
    if is_nonexistent(local, timezone):
        shifted = to_local(local_to_utc(local, timezone), timezone)
        warnings.append(
            f"{format_time(local.time())} does not exist on {format_date(local.date())} in {timezone} "
            f"(clocks spring forward); that meeting will start at {format_time(shifted.time())}."
        )
    elif is_ambiguous(local, timezone):
        warnings.append(
            f"{format_time(local.time())} happens twice on {format_date(local.date())} in {timezone} "
            "(clocks fall back); the meeting uses the first one."
        )
    return warnings


# --- rules ------------------------------------------------------------------------------------------------------


def validate_rule(rule: str) -> str:
    """Checks an RRULE is one partnerbot can expand and describe; returns it in canonical form."""
    try:
        parts = parse_rule_parts(rule)
    except DateError as error:
        raise RecurrenceError(error.problem) from error
    unknown = set(parts) - _ALLOWED_RULE_PARTS
    if unknown:
        raise RecurrenceError(f"Unsupported RRULE parts: {', '.join(sorted(unknown))}.")
    if parts.get("FREQ") not in _ALLOWED_FREQUENCIES:
        raise RecurrenceError("An RRULE needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= 52:
        raise RecurrenceError("The repeat interval must be a whole number from 1 to 52.")
    if interval == "1":
        parts.pop("INTERVAL", None)
    canonical = format_rule_parts(parts)
    try:
        _compiled_rule(canonical, datetime(2026, 1, 1, 10, 0))
    except (ValueError, TypeError) as error:
        raise RecurrenceError("That repeat rule is not valid.") from error
    return canonical


@functools.lru_cache(maxsize=4096)
def _compiled_rule(rule: str, start_local: datetime) -> rrule:
    text = f"DTSTART:{start_local:%Y%m%dT%H%M%S}\nRRULE:{rule}"
    return rrulestr(text)


def first_match(rule: str, candidate_start: datetime, not_before: datetime) -> datetime | None:
    """The first instance of `rule` (ignoring its INTERVAL) at or after `not_before`, at the time of day of
    `candidate_start`. Used to anchor a new series on a date that actually matches its rule, so DTSTART is the
    first meeting, as RFC 5545 expects."""
    parts = parse_rule_parts(rule)
    parts.pop("INTERVAL", None)
    parts.pop("COUNT", None)
    expanded = _compiled_rule(format_rule_parts(parts), candidate_start)
    return expanded.after(not_before, inc=True)


def _originals(schedule: Schedule, from_local: datetime) -> Iterator[datetime]:
    """Original local starts at or after `from_local`, in order (skips and moves not applied)."""
    if not schedule.rrule:
        if schedule.start_local >= from_local:
            yield schedule.start_local
        return
    yield from _compiled_rule(schedule.rrule, schedule.start_local).xafter(from_local, inc=True)


def _placed(schedule: Schedule, original: datetime) -> Occurrence | None:
    if original in schedule.exdates:
        return None
    moved_to = schedule.overrides.get(original)
    start_local = moved_to if moved_to is not None else original
    return Occurrence(
        original_local=original,
        start_local=start_local,
        start_utc=local_to_utc(start_local, schedule.timezone),
        moved=moved_to is not None,
    )


def occurrences_between(schedule: Schedule, after_utc: datetime, until_utc: datetime) -> list[Occurrence]:
    """Occurrences whose (possibly moved) start is in (after_utc, until_utc], ordered by start."""
    after_utc, until_utc = as_utc(after_utc), as_utc(until_utc)
    found = _moved_between(schedule, after_utc, until_utc)
    # A day of slack either side covers any UTC offset; the UTC filter below is exact.
    from_local = to_local(after_utc, schedule.timezone) - timedelta(days=1)
    until_local = to_local(until_utc, schedule.timezone) + timedelta(days=1)
    for original in _originals(schedule, from_local):
        if original > until_local:
            break
        if original in schedule.overrides:
            continue
        occurrence = _placed(schedule, original)
        if occurrence and after_utc < occurrence.start_utc <= until_utc:
            found.append(occurrence)
    return sorted(found, key=lambda o: o.start_utc)


def _moved_between(schedule: Schedule, after_utc: datetime, until_utc: datetime | None) -> list[Occurrence]:
    moved = []
    for original in schedule.overrides:
        occurrence = _placed(schedule, original)
        if (
            occurrence
            and occurrence.start_utc > after_utc
            and (until_utc is None or occurrence.start_utc <= until_utc)
        ):
            moved.append(occurrence)
    return moved


def next_occurrences(schedule: Schedule, n: int, after: datetime) -> list[Occurrence]:
    """The next `n` occurrences starting strictly after the instant `after`, skips and moves applied."""
    if n <= 0:
        return []
    after = as_utc(after)
    regular: list[Occurrence] = []
    from_local = to_local(after, schedule.timezone) - timedelta(days=1)
    for original in _originals(schedule, from_local):
        if original in schedule.overrides:
            continue
        occurrence = _placed(schedule, original)
        if occurrence and occurrence.start_utc > after:
            regular.append(occurrence)
            if len(regular) >= n:
                break
    merged = sorted(regular + _moved_between(schedule, after, None), key=lambda o: o.start_utc)
    return merged[:n]


# --- words ------------------------------------------------------------------------------------------------------


def _word_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _weekday_list(codes: Iterable[str]) -> str:
    return _word_list([WEEKDAY_NAMES[WEEKDAY_CODES.index(code)] for code in codes])


def _ordinal_day(day: int) -> str:
    if day == -1:
        return "last day"
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


_BYDAY_ITEM = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def _repeat_words(parts: Mapping[str, str], start_local: datetime) -> str | None:
    freq = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1"))
    every = "every" if interval == 1 else ("every other" if interval == 2 else f"every {interval}")
    byday = [item for item in parts.get("BYDAY", "").split(",") if item]
    matches = [_BYDAY_ITEM.match(item) for item in byday]
    if any(m is None for m in matches):
        return None
    if freq == "DAILY" and not byday:
        return "every day" if interval == 1 else f"{every} days" if interval > 2 else "every other day"
    if freq == "WEEKLY":
        codes = [m.group(2) for m in matches if m] or [WEEKDAY_CODES[start_local.weekday()]]
        if any(m.group(1) for m in matches if m):
            return None
        if codes == ["MO", "TU", "WE", "TH", "FR"] and interval == 1:
            return "every weekday"
        if interval <= 2:
            return f"{every} {_weekday_list(codes)}"
        return f"every {interval} weeks on {_weekday_list(codes)}"
    if freq == "MONTHLY":
        month_phrase = (
            "every month"
            if interval == 1
            else ("every other month" if interval == 2 else f"every {interval} months")
        )
        if byday and "BYMONTHDAY" not in parts:
            # "every first Tuesday", "every first and third Tuesday": one weekday, one or more positions.
            if any(not m or not m.group(1) for m in matches) or len({m.group(2) for m in matches if m}) != 1:
                return None
            positions = [int(m.group(1)) for m in matches if m]
            if any(p not in ORDINAL_WORDS for p in positions):
                return None
            weekday = WEEKDAY_NAMES[WEEKDAY_CODES.index(matches[0].group(2))]  # type: ignore[union-attr]
            ordinals = _word_list([ORDINAL_WORDS[p] for p in positions])
            if interval == 1:
                return f"every {ordinals} {weekday}"
            return f"{month_phrase} on the {ordinals} {weekday}"
        day_text = parts.get("BYMONTHDAY", str(start_local.day))
        if not byday and re.fullmatch(r"-?\d{1,2}", day_text):
            return f"{month_phrase} on the {_ordinal_day(int(day_text))}"
    return None


def describe(schedule: Schedule) -> str:
    """The schedule in words, phrased so the grammar reads it back to the same schedule, e.g.
    "every first Tuesday at 10am" or "on Thu Dec 3, 2026 at 2pm"."""
    at = format_time(schedule.start_local.time())
    if not schedule.rrule:
        return f"on {format_date(schedule.start_local.date())} at {at}"
    parts = parse_rule_parts(schedule.rrule)
    words = _repeat_words(parts, schedule.start_local)
    if words is None:
        return f"repeating by the rule {schedule.rrule}, from {format_when(schedule.start_local)}"
    text = f"{words} at {at}"
    if int(parts.get("INTERVAL", "1")) > 1:
        # Which week or month the series started in decides every later date, so say it.
        text += f" starting {format_date(schedule.start_local.date(), weekday=False)}"
    return text


# --- public holidays ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayClash:
    """A meeting that falls on a public holiday, and the working day it could move to (None: only skipping)."""

    occurrence: Occurrence
    holiday: str
    move_to: date | None


def holiday_clashes(schedule: Schedule, country: str | None, after_utc: datetime, until_utc: datetime,
                    *, limit: int) -> list[HolidayClash]:  # fmt: skip
    """The meetings in (after_utc, until_utc] on a public holiday of `country`, soonest first, at most `limit`.
    A suggested new day is never one the series already meets on, nor a day already past."""
    if not country:
        return []
    occurrences = occurrences_between(schedule, after_utc, until_utc)
    taken = {o.start_local.date() for o in occurrences}
    today = to_local(after_utc, schedule.timezone).date()
    clashes = []
    for occurrence in occurrences:
        day = occurrence.start_local.date()
        name = public_holidays.holiday_on(day, country)
        if name is None:
            continue
        move_to = public_holidays.nearest_working_day(day, country, not_before=today)
        clashes.append(HolidayClash(occurrence, name, None if move_to in taken else move_to))
        if len(clashes) >= limit:
            break
    return clashes
