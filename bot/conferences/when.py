"""When a conference meets, as typed after `/conference`, in the spirit of Slack's `/remind`.

    /conference #channel "Monthly case conference" every first Tuesday at 10am
    /conference #channel "Partner huddle" every other Thursday at 3pm in America/Chicago
    /conference #channel "Case review" every month on the last Friday at noon
    /conference #channel "Housing case review" on Dec 3 at 2pm
    /conference "Quick sync" tomorrow at 9am          (no channel: the channel the command was typed in)
    /conference "Review" in 60 days at 10am · /conference "Test" in 10 minutes

Days, times and repeats are read by the shared grammar in bot.platform.dates; this module adds what only a
conference needs: a trailing time zone, `starting <date>` for a repeating series, and `in 10 minutes`.

Parsing is two steps. `parse_when` is purely syntactic and needs no clock or zone; `When.resolve(zone, now)`
turns it into a `Schedule` once the caller knows the zone (the text's `in <Zone>`, else the person's Slack zone,
else DEFAULT_TIMEZONE) and the current time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.conferences import recurrence
from bot.conferences.recurrence import RecurrenceError, Schedule
from bot.platform import clock, dates
from bot.platform.dates import DATE, DateError, DateText, DayPhrase
from bot.platform.errors import FeatureError

MAX_TITLE_LENGTH = 150
MAX_RELATIVE = timedelta(days=366)

EXAMPLES = (
    '`/conference #case-conf "Monthly case conference" every first Tuesday at 10am`\n'
    '`/conference #case-conf "Partner huddle" every other Thursday at 3pm`\n'
    '`/conference #case-conf "Case review" every month on the last Friday at noon in America/Chicago`\n'
    '`/conference #case-conf "Housing case review" on Dec 3 at 2pm`\n'
    '`/conference "Quick sync" tomorrow at 9am` · `/conference "Test" in 10 minutes`'
)


class ParseError(FeatureError):
    """Text that cannot be understood. `problem` is the short reason; `message`, what the person reads, adds
    examples when they help. Never echoes more than a few redacted characters of what was typed."""

    def __init__(self, problem: str, *, examples: bool = True):
        self.problem = problem
        self.show_examples = examples
        super().__init__(f"{problem}\n\nFor example:\n{EXAMPLES}" if examples else problem)

    @classmethod
    def from_date_error(cls, error: DateError, *, examples: bool = True) -> ParseError:
        return cls(error.problem, examples=examples)


@dataclass(frozen=True)
class When:
    """The schedule exactly as typed, before a zone and a clock make it concrete."""

    rrule: str | None = None  # recurring: canonical RRULE without DTSTART
    at: time | None = None
    day: DayPhrase | None = None  # a single meeting: on Dec 3, tomorrow, next Friday, in 60 days
    delay: timedelta | None = None  # "in 10 minutes"
    starting: DateText | None = None  # "starting Dec 10" for a recurring series

    def resolve(self, timezone: str, now_utc: datetime) -> Schedule:
        """The concrete schedule in `timezone`, given the current time. Raises ParseError for times in the past."""
        now_local = clock.to_local(now_utc, timezone).replace(microsecond=0)
        if self.delay is not None:
            start_utc = (clock.as_utc(now_utc) + self.delay).replace(microsecond=0)
            return Schedule(start_local=clock.to_local(start_utc, timezone), timezone=timezone)
        assert self.at is not None
        if self.rrule:
            return self._resolve_recurring(timezone, now_local)
        assert self.day is not None
        try:
            day = self.day.resolve(now_local.date())
            if datetime.combine(day, self.at) <= now_local:
                # "on Friday at 9am" on a Friday afternoon means next Friday; "Dec 3" without a year, next year's.
                day = self.day.later(day) or day
        except DateError as error:
            raise ParseError.from_date_error(error, examples=False) from error
        start = datetime.combine(day, self.at)
        if start <= now_local:
            raise ParseError(
                f"{dates.format_when(start)} has already passed in {timezone}. Pick a time in the future.",
                examples=False,
            )
        return Schedule(start_local=start, timezone=timezone)

    def _resolve_recurring(self, timezone: str, now_local: datetime) -> Schedule:
        assert self.rrule is not None and self.at is not None
        soon = now_local + timedelta(seconds=1)
        if self.starting is None:
            candidate = datetime.combine(now_local.date(), self.at)
            first = recurrence.first_match(self.rrule, candidate, max(candidate, soon))
        else:
            # "starting <date>" fixes the phase of every-other-week rules even when that date has passed: the
            # series is anchored there and starts at its first instance still to come.
            year_hint = (
                now_local.date() - timedelta(days=180) if self.starting.year is None else now_local.date()
            )
            anchor = datetime.combine(self.starting.on_or_after(year_hint), self.at)
            anchored = recurrence.first_match(self.rrule, anchor, anchor)
            first = None
            if anchored is not None:
                probe = Schedule(start_local=anchored, timezone=timezone, rrule=self.rrule)
                upcoming = recurrence.next_occurrences(probe, 1, clock.local_to_utc(now_local, timezone))
                first = upcoming[0].start_local if upcoming else None
        if first is None:
            raise ParseError("That repeat rule has no upcoming dates.", examples=False)
        return Schedule(start_local=first, timezone=timezone, rrule=self.rrule)


_STARTING_CLAUSE = re.compile(rf"\s+(?:starting|beginning|from)\s+(?:on\s+)?({DATE})$")
_DELAY = re.compile(r"in\s+(\d{1,4}|an?|one)\s+(minute|min|hour|hr|day|week)s?")
_UNITS = {
    "minute": timedelta(minutes=1), "min": timedelta(minutes=1),
    "hour": timedelta(hours=1), "hr": timedelta(hours=1),
    "day": timedelta(days=1), "week": timedelta(weeks=1),
}  # fmt: skip


def _strip_zone(text: str) -> tuple[str, str | None]:
    # "in America/Chicago", "(America/Chicago)", a bare "America/Chicago", or "in CT" / "(UTC)".
    match = re.search(
        r"\s+(?:in\s+|\(\s*)?([A-Za-z][A-Za-z_+\-]*(?:/[A-Za-z0-9_+\-]+)+)\)?$", text
    ) or re.search(r"\s+(?:in|\()\s*([A-Za-z][A-Za-z_+\-]*)\)?$", text)
    if not match:
        return text, None
    word = match.group(1)
    if "/" not in word and word.lower() not in recurrence.ZONE_ABBREVIATIONS:
        return text, None
    try:
        return text[: match.start()], recurrence.canonical_timezone(word)
    except RecurrenceError as error:
        raise ParseError(error.message, examples=False) from error


def parse_when(text: str) -> tuple[When, str | None]:
    """The "when" part (with an optional trailing zone) -> (When, IANA zone or None)."""
    phrase = " ".join(text.strip().lower().replace("a.m.", "am").replace("p.m.", "pm").split()).rstrip(".")
    if not phrase:
        raise ParseError("Tell me when the conference meets.")
    phrase, zone = _strip_zone(phrase)
    try:
        return _parse_when(phrase), zone
    except DateError as error:
        raise ParseError.from_date_error(error) from error


def _parse_when(phrase: str) -> When:
    relative = _DELAY.fullmatch(phrase)
    if relative:
        amount = 1 if relative.group(1) in ("a", "an", "one") else int(relative.group(1))
        delay = amount * _UNITS[relative.group(2)]
        if delay <= timedelta(0) or delay > MAX_RELATIVE:
            raise ParseError("Pick a time from 1 minute to a year from now.")
        return When(delay=delay)

    starting = None
    starting_match = _STARTING_CLAUSE.search(phrase)
    if starting_match:
        starting = dates.parse_date(starting_match.group(1))
        phrase = phrase[: starting_match.start()]

    phrase, at = dates.take_time(phrase)
    phrase = " ".join(phrase.split()).rstrip(",")

    repeat = dates.parse_repeat(phrase)
    if repeat is not None:
        if at is None:
            raise ParseError("Add a time, for example `every first Tuesday at 10am`.")
        return When(rrule=recurrence.validate_rule(repeat.rrule), at=at, starting=starting)
    if starting is not None:
        raise ParseError(
            "`starting` goes with a repeating schedule, like `every other Thursday at 3pm starting Dec 10`."
        )
    day = dates.match_day_phrase(phrase)
    if day is None:
        raise ParseError("I couldn't tell when the conference meets.")
    if at is None:
        raise ParseError("Add a time, for example `on Dec 3 at 2pm` or `tomorrow at 9am`.")
    return When(at=at, day=day)
