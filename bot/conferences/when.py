"""The `/conference` text grammar, in the spirit of Slack's `/remind`.

    /conference #channel "Monthly case conference" every first Tuesday at 10am
    /conference #channel "Partner huddle" every other Thursday at 3pm in America/Chicago
    /conference #channel "Case review" every month on the last Friday at noon
    /conference #channel "Housing case review" on Dec 3 at 2pm
    /conference "Quick sync" tomorrow at 9am          (no channel: the channel the command was typed in)
    /conference "Test" in 10 minutes

Parsing is two steps. `parse_command` is purely syntactic and needs no clock or zone; `When.resolve(zone, now)`
turns the "when" part into a `Schedule` once the caller knows the zone (the text's `in <Zone>`, else the user's
Slack zone, else DEFAULT_TIMEZONE) and the current time.

Slack sends the command text escaped (the command is registered with should_escape), so a channel arrives as
`<#C123|name>` and a person as `<@U123|name>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.conferences import recurrence
from bot.conferences.recurrence import RecurrenceError, Schedule
from bot.platform import clock
from bot.platform.privacy import redact

MAX_TITLE_LENGTH = 150
MAX_RELATIVE = timedelta(days=366)

EXAMPLES = (
    '`/conference #case-conf "Monthly case conference" every first Tuesday at 10am`\n'
    '`/conference #case-conf "Partner huddle" every other Thursday at 3pm`\n'
    '`/conference #case-conf "Case review" every month on the last Friday at noon in America/Chicago`\n'
    '`/conference #case-conf "Housing case review" on Dec 3 at 2pm`\n'
    '`/conference "Quick sync" tomorrow at 9am` · `/conference "Test" in 10 minutes`'
)


class ParseError(ValueError):
    """Text that cannot be understood. The message is friendly, safe to show, and never echoes user text back
    beyond short fragments."""

    def __init__(self, problem: str, *, examples: bool = True):
        self.problem = problem
        self.show_examples = examples
        super().__init__(problem)

    def friendly(self) -> str:
        if not self.show_examples:
            return self.problem
        return f"{self.problem}\n\nFor example:\n{EXAMPLES}"


# --- words ------------------------------------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tues": 1, "tue": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1,
}  # fmt: skip
_UNITS = {
    "minute": timedelta(minutes=1), "min": timedelta(minutes=1),
    "hour": timedelta(hours=1), "hr": timedelta(hours=1),
    "day": timedelta(days=1), "week": timedelta(weeks=1),
}  # fmt: skip

_WEEKDAY = r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")s?"
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:" + "|".join(_ORDINALS) + r")"
_ORDINAL_LIST = rf"{_ORDINAL}(?:\s*(?:,|and|&)\s*{_ORDINAL})*"
_TIME = r"(?:noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY_NUMBER}(?:,?\s+\d{{4}})?"
    rf"|{_DAY_NUMBER}\s+{_MONTH}(?:,?\s+\d{{4}})?)"
)


def _weekday_number(word: str) -> int:
    word = word.lower()
    return _WEEKDAYS[word] if word in _WEEKDAYS else _WEEKDAYS[word.removesuffix("s")]


def _weekday_code(word: str) -> str:
    return recurrence.WEEKDAY_CODES[_weekday_number(word)]


def parse_time(text: str) -> time:
    """10am, 10:30 am, 3pm, 15:00, noon, midnight."""
    cleaned = text.strip().lower().replace(".", "")
    if cleaned == "noon":
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", cleaned)
    if not match:
        raise ParseError(f"I couldn't read the time `{redact(text).text[:20]}`. Try `10am`, `3:30pm`, `15:00` or `noon`.")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise ParseError(f"`{redact(text).text[:20]}` is not a time: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(f"`{redact(text).text[:20]}` is not a time of day.")
    return time(hour, minute)


@dataclass(frozen=True)
class DateText:
    """A calendar date as typed; `year` is None when left out (the next such date is meant)."""

    month: int
    day: int
    year: int | None = None

    def on_or_after(self, earliest: date) -> date:
        if self.year is not None:
            return self._make(self.year)
        for year in (
            earliest.year,
            earliest.year + 1,
            earliest.year + 2,
            earliest.year + 3,
            earliest.year + 4,
        ):
            try:
                candidate = date(year, self.month, self.day)
            except ValueError:
                continue  # Feb 29 outside leap years
            if candidate >= earliest:
                return candidate
        raise ParseError(f"{recurrence.MONTH_ABBREVIATIONS[self.month - 1]} {self.day} is not a date.")

    def _make(self, year: int) -> date:
        try:
            return date(year, self.month, self.day)
        except ValueError as error:
            raise ParseError(
                f"{recurrence.MONTH_ABBREVIATIONS[self.month - 1]} {self.day}, {year} is not a date."
            ) from error


def parse_date(text: str) -> DateText:
    """Dec 3, December 3rd, Thu Dec 3, 2026, 3 Dec, 2026-12-03."""
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    if iso:
        parsed = DateText(int(iso.group(2)), int(iso.group(3)), int(iso.group(1)))
        parsed._make(parsed.year)  # type: ignore[arg-type]
        return parsed
    cleaned = re.sub(rf"^{_WEEKDAY}\s+", "", cleaned)
    month_first = re.fullmatch(rf"({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(\d{{4}}))?", cleaned)
    day_first = re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})(?:\s+(\d{{4}}))?", cleaned)
    if month_first:
        month_word, day, year = month_first.group(1), month_first.group(2), month_first.group(3)
    elif day_first:
        day, month_word, year = day_first.group(1), day_first.group(2), day_first.group(3)
    else:
        raise ParseError(
            f"I couldn't read the date `{redact(text).text[:30]}`. Try `Dec 3`, `December 3, 2026` or `2026-12-03`."
        )
    parsed = DateText(_MONTHS[month_word.rstrip(".")], int(day), int(year) if year else None)
    if not 1 <= parsed.day <= 31:
        raise ParseError(f"`{redact(text).text[:30]}` is not a date.")
    if parsed.year is not None:
        parsed._make(parsed.year)
    return parsed


# --- the "when" part ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """The schedule exactly as typed, before a zone and a clock make it concrete."""

    rrule: str | None = None  # recurring: canonical RRULE without DTSTART
    at: time | None = None
    on_date: DateText | None = None  # "on Dec 3"
    day_offset: int | None = None  # today = 0, tomorrow = 1
    weekday: int | None = None  # "on Tuesday" / "next Tuesday": the next such day
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
        if self.on_date is not None:
            day = self.on_date.on_or_after(now_local.date())
            if self.on_date.year is None and datetime.combine(day, self.at) <= now_local:
                day = DateText(self.on_date.month, self.on_date.day, None).on_or_after(
                    day + timedelta(days=1)
                )
        elif self.day_offset is not None:
            day = now_local.date() + timedelta(days=self.day_offset)
        elif self.weekday is not None:
            ahead = (self.weekday - now_local.weekday()) % 7
            day = now_local.date() + timedelta(days=ahead)
            if datetime.combine(day, self.at) <= now_local:
                day += timedelta(days=7)
        else:  # pragma: no cover - parse_when always sets one of the above
            raise ParseError("I couldn't tell when that is.")
        start = datetime.combine(day, self.at)
        if start <= now_local:
            raise ParseError(
                f"{recurrence.format_when(start)} has already passed in {timezone}. Pick a time in the future.",
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


_TIME_CLAUSE = re.compile(rf"(?:^|\s)(?:at\s+)?({_TIME})$")
_AT_CLAUSE = re.compile(rf"(?:^|\s)at\s+({_TIME})(?=\s|$)")
_STARTING_CLAUSE = re.compile(rf"\s+(?:starting|beginning|from)\s+(?:on\s+)?({_DATE})$")


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
        raise ParseError(str(error), examples=False) from error


def _rule(freq: str, interval: int = 1, **parts: str) -> str:
    values = {"FREQ": freq, **({"INTERVAL": str(interval)} if interval != 1 else {}), **parts}
    return recurrence.format_rule_parts(values)


def _interval(word: str | None) -> int:
    if not word:
        return 1
    word = word.strip()
    if word == "other":
        return 2
    number = int(re.sub(r"(st|nd|rd|th)$", "", word))
    if not 1 <= number <= 52:
        raise ParseError("The repeat interval must be between 1 and 52.")
    return number


def _ordinal_weekdays(ordinals: str, weekday: str) -> str:
    """ "first and third", "Tuesday" -> "1TU,3TU" (last goes last, as in RFC 5545 examples)."""
    positions = []
    for word in re.split(r"\s*(?:,|\band\b|&)\s*", ordinals.strip()):
        if word and _ORDINALS[word] not in positions:
            positions.append(_ORDINALS[word])
    positions.sort(key=lambda p: (p < 0, p))
    return ",".join(f"{p}{_weekday_code(weekday)}" for p in positions)


def _weekday_codes(text: str) -> str:
    words = [w for w in re.split(r"\s*(?:,|\band\b|&)\s*", text.strip()) if w]
    codes = []
    for word in words:
        code = _weekday_code(word)
        if code not in codes:
            codes.append(code)
    codes.sort(key=recurrence.WEEKDAY_CODES.index)
    return ",".join(codes)


_WEEKDAY_LIST = rf"{_WEEKDAY}(?:\s*(?:,|and|&)\s*{_WEEKDAY})*"
_EVERY_N = r"(other|\d{1,2}(?:st|nd|rd|th)?)"
_OF_MONTH = r"(?:\s+(?:of\s+)?(?:the|each|every)\s+month|\s+monthly|\s+of\s+the\s+month)?"

_RECURRING_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"every\s+day|daily"), "daily"),
    (re.compile(rf"every\s+{_EVERY_N}\s+days?"), "daily_n"),
    (re.compile(r"every\s+weekday|weekdays|on\s+weekdays"), "weekdays"),
    # every first Tuesday / every last Friday of the month / monthly on the first tuesday
    (
        re.compile(rf"(?:every|each|on\s+the)\s+({_ORDINAL_LIST})\s+({_WEEKDAY}){_OF_MONTH}"),
        "monthly_ordinal",
    ),
    (re.compile(rf"monthly\s+on\s+the\s+({_ORDINAL_LIST})\s+({_WEEKDAY})"), "monthly_ordinal"),
    # every month on the last Friday / every other month on the first Tuesday / every 3 months on the 2nd Monday
    (
        re.compile(rf"every\s+(?:{_EVERY_N}\s+)?months?\s+on\s+the\s+({_ORDINAL_LIST})\s+({_WEEKDAY})"),
        "monthly_n_ordinal",
    ),
    # every month on the 15th / monthly on the 1st / every other month on the last day
    (
        re.compile(rf"every\s+(?:{_EVERY_N}\s+)?months?\s+on\s+the\s+(\d{{1,2}}(?:st|nd|rd|th)?|last\s+day)"),
        "monthly_day",
    ),
    (re.compile(r"monthly\s+on\s+the\s+(\d{1,2}(?:st|nd|rd|th)?|last\s+day)"), "monthly_day_1"),
    # every Tuesday / every other Thursday / every 2nd Tuesday is ambiguous, handled as an error below
    (re.compile(rf"every\s+(other\s+)?({_WEEKDAY_LIST})"), "weekly_days"),
    (re.compile(rf"every\s+(?:{_EVERY_N}\s+)?weeks?\s+on\s+({_WEEKDAY_LIST})"), "weekly_n_days"),
    (re.compile(rf"weekly\s+on\s+({_WEEKDAY_LIST})"), "weekly_on"),
]


def _recurring_rule(phrase: str) -> str | None:
    for pattern, kind in _RECURRING_PATTERNS:
        match = pattern.fullmatch(phrase)
        if not match:
            continue
        groups = match.groups()
        if kind == "daily":
            return _rule("DAILY")
        if kind == "daily_n":
            return _rule("DAILY", _interval(groups[0]))
        if kind == "weekdays":
            return _rule("WEEKLY", BYDAY="MO,TU,WE,TH,FR")
        if kind == "monthly_ordinal":
            return _rule("MONTHLY", BYDAY=_ordinal_weekdays(groups[0], groups[1]))
        if kind == "monthly_n_ordinal":
            return _rule("MONTHLY", _interval(groups[0]), BYDAY=_ordinal_weekdays(groups[1], groups[2]))
        if kind in ("monthly_day", "monthly_day_1"):
            interval = _interval(groups[0]) if kind == "monthly_day" else 1
            day_word = groups[-1]
            day = -1 if day_word.startswith("last") else int(re.sub(r"\D", "", day_word))
            if not (day == -1 or 1 <= day <= 31):
                raise ParseError("A day of the month goes from 1 to 31 (or `the last day`).")
            if day > 28:
                raise ParseError(
                    f"Not every month has a {day}th; use `every month on the last day` or a day up to the 28th."
                )
            return _rule("MONTHLY", interval, BYMONTHDAY=str(day))
        if kind == "weekly_days":
            return _rule("WEEKLY", 2 if groups[0] else 1, BYDAY=_weekday_codes(groups[1]))
        if kind == "weekly_n_days":
            return _rule("WEEKLY", _interval(groups[0]), BYDAY=_weekday_codes(groups[1]))
        if kind == "weekly_on":
            return _rule("WEEKLY", BYDAY=_weekday_codes(groups[0]))
    return None


def parse_when(text: str) -> tuple[When, str | None]:
    """The "when" part (with an optional trailing zone) -> (When, IANA zone or None)."""
    phrase = " ".join(text.strip().lower().replace("a.m.", "am").replace("p.m.", "pm").split()).rstrip(".")
    if not phrase:
        raise ParseError("Tell me when the conference meets.")
    phrase, zone = _strip_zone(phrase)

    relative = re.fullmatch(r"in\s+(\d{1,4}|an?|one)\s+(minute|min|hour|hr|day|week)s?", phrase)
    if relative:
        amount = 1 if relative.group(1) in ("a", "an", "one") else int(relative.group(1))
        delay = amount * _UNITS[relative.group(2)]
        if delay <= timedelta(0) or delay > MAX_RELATIVE:
            raise ParseError("Pick a time from 1 minute to a year from now.")
        return When(delay=delay), zone

    starting = None
    starting_match = _STARTING_CLAUSE.search(phrase)
    if starting_match:
        starting = parse_date(starting_match.group(1))
        phrase = phrase[: starting_match.start()]

    at = None
    at_match = _AT_CLAUSE.search(phrase)
    if at_match:
        at = parse_time(at_match.group(1))
        phrase = (phrase[: at_match.start()] + phrase[at_match.end() :]).strip()
    else:
        time_match = _TIME_CLAUSE.search(phrase)
        # A bare trailing "10am"/"15:00" counts; a bare number ("on Dec 3") does not.
        if time_match and re.search(r"am|pm|:|noon|midnight", time_match.group(1)):
            at = parse_time(time_match.group(1))
            phrase = phrase[: time_match.start()].strip()
    phrase = " ".join(phrase.split()).rstrip(",")

    rule = _recurring_rule(phrase)
    if rule is not None:
        if at is None:
            raise ParseError("Add a time, for example `every first Tuesday at 10am`.")
        return When(rrule=recurrence.validate_rule(rule), at=at, starting=starting), zone
    if re.fullmatch(rf"every\s+{_EVERY_N}\s+{_WEEKDAY}", phrase):
        raise ParseError(
            "Did you mean a weekday of the month (`every second Tuesday`) or every few weeks "
            "(`every 2 weeks on Tuesday`)?"
        )
    if phrase.startswith(("every", "each", "weekly", "monthly", "daily")):
        raise ParseError("I couldn't understand how often it repeats.")
    if starting is not None:
        raise ParseError(
            "`starting` goes with a repeating schedule, like `every other Thursday at 3pm starting Dec 10`."
        )

    single = _single_date(phrase)
    if single is None:
        raise ParseError("I couldn't tell when the conference meets.")
    if at is None:
        raise ParseError("Add a time, for example `on Dec 3 at 2pm` or `tomorrow at 9am`.")
    return When(at=at, **single), zone


def _single_date(phrase: str) -> dict | None:
    if phrase in ("today", "tonight"):
        return {"day_offset": 0}
    if phrase == "tomorrow":
        return {"day_offset": 1}
    weekday = re.fullmatch(rf"(?:on\s+|next\s+|this\s+)?({_WEEKDAY})", phrase)
    if weekday:
        return {"weekday": _weekday_number(weekday.group(1))}
    on_date = re.fullmatch(rf"(?:on\s+)?({_DATE})", phrase)
    if on_date:
        return {"on_date": parse_date(on_date.group(1))}
    return None
