"""Dates, times and repeats as people type them: one grammar every feature can call, and the words to say them back.

    parse_time("3:30pm")                      -> time(15, 30)      also 10am, 15:00, noon, midnight
    parse_day("next June", today)             -> June 1 of the next June to come
    parse_day("in 60 days", today)            -> today + 60 days   also today, tomorrow, next week, in 3 months
    parse_day("next month", today)            -> the first of next month
    parse_day_phrase("Dec 3")                 -> a DayPhrase, resolved later against the person's local "today"
    parse_repeat("every other friday")        -> Repeat(rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")
    take_time("every other friday at 9am")    -> ("every other friday", time(9, 0))
    format_time(time(16, 5))                  -> "4:05pm"          format_date / format_when likewise

Parsing needs no clock and no zone: a DayPhrase is resolved by the caller against the local date of the person it
is about. A phrase that names a month without a day ("next June", "June 2027") means the first of that month;
"June" and "next June" both mean the next June 1 still to come.

A failure is a DateError, a FeatureError whose message is safe to show: it quotes at most a few characters of what
was typed, redacted and escaped. This module knows no feature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from bot.platform.errors import FeatureError
from bot.platform.privacy import redact
from bot.platform.slacktext import safe

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
MAX_YEARS_AHEAD = 10


class DateError(FeatureError):
    """What was typed is not a date, time or repeat this grammar reads; `problem` says why, safe to show."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def quote(text: str, limit: int = 30) -> str:
    """A few characters of what someone typed, fit to echo: redacted first, then made safe for Slack. Only a
    window four times the quote's length is redacted, so an identifier that starts inside the quote is whole."""
    return safe(redact(text[: limit * 4]).text[:limit])


# --- words ------------------------------------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tues": 1, "tue": 1,
    "wednesday": 2, "weds": 2, "wed": 2,
    "thursday": 3, "thurs": 3, "thur": 3, "thu": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
MONTHS = {
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
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip

WEEKDAY = r"(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")s?"
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
ORDINAL = r"(?:" + "|".join(_ORDINALS) + r")"
TIME = r"(?:noon|midnight|\d{1,2}(?::\d{2})?\s*(?:am|pm)?)"
_DAY_NUMBER = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?"
    rf"|(?:{WEEKDAY},?\s+)?{MONTH}\s+{_DAY_NUMBER}(?:,?\s+\d{{4}})?|{_DAY_NUMBER}\s+{MONTH}(?:,?\s+\d{{4}})?)"
)
_COUNT = r"(?:\d{1,4}|" + "|".join(_COUNTS) + r")"
# The words that start a day phrase, for grammars that must find where one begins inside longer text.
DAY_START = rf"(?:today|tonight|tomorrow|next|this|on|in\s+{_COUNT}\s|{DATE})"


def weekday_number(word: str) -> int:
    word = word.lower()
    return _WEEKDAYS[word] if word in _WEEKDAYS else _WEEKDAYS[word.removesuffix("s")]


def _count(word: str) -> int:
    return _COUNTS[word] if word in _COUNTS else int(word)


# --- times ------------------------------------------------------------------------------------------------------


def parse_time(text: str) -> time:
    """10am, 10:30 am, 3pm, 15:00, noon, midnight."""
    cleaned = text.strip().lower().replace(".", "")
    if cleaned == "noon":
        return time(12, 0)
    if cleaned == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", cleaned)
    if not match:
        raise DateError(f"I couldn't read the time `{quote(text, 20)}`. Try `10am`, `3:30pm`, `15:00` or `noon`.")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise DateError(f"`{quote(text, 20)}` is not a time: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DateError(f"`{quote(text, 20)}` is not a time of day.")
    return time(hour, minute)


_AT_CLAUSE = re.compile(rf"(?:^|\s)at\s+({TIME})(?=\s|$)")
_TRAILING_TIME = re.compile(rf"(?:^|\s)({TIME})$")


def take_time(phrase: str) -> tuple[str, time | None]:
    """Pulls the time out of a phrase: `at 10am` anywhere, or a trailing `10am`, `15:00` or `noon` (a bare
    trailing number, as in "Dec 3", is not a time). Returns the rest of the phrase and the time, or None."""
    at_match = _AT_CLAUSE.search(phrase)
    if at_match:
        rest = phrase[: at_match.start()] + phrase[at_match.end() :]
        return " ".join(rest.split()), parse_time(at_match.group(1))
    trailing = _TRAILING_TIME.search(phrase)
    if trailing and re.search(r"am|pm|:|noon|midnight", trailing.group(1)):
        return phrase[: trailing.start()].strip(), parse_time(trailing.group(1))
    return phrase, None


# --- days -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateText:
    """A calendar date as typed; `year` is None when left out (the next such date is meant)."""

    month: int
    day: int
    year: int | None = None

    def on_or_after(self, earliest: date) -> date:
        if self.year is not None:
            return self.exact(self.year)
        for year in range(earliest.year, earliest.year + 5):
            try:
                candidate = date(year, self.month, self.day)
            except ValueError:
                continue  # Feb 29 outside leap years
            if candidate >= earliest:
                return candidate
        raise DateError(f"{MONTH_ABBREVIATIONS[self.month - 1]} {self.day} is not a date.")

    def exact(self, year: int) -> date:
        try:
            return date(year, self.month, self.day)
        except ValueError as error:
            raise DateError(f"{MONTH_ABBREVIATIONS[self.month - 1]} {self.day}, {year} is not a date.") from error


def _year(word: str) -> int:
    year = int(word)
    return 2000 + year if year < 100 else year


def parse_date(text: str) -> DateText:
    """A calendar date: Dec 3, December 3rd, Thu Dec 3, 2026, 3 Dec, 2026-12-03, 12/3, 12/3/2026 (month first)."""
    cleaned = " ".join(text.strip().lower().replace(",", " ").split())
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", cleaned)
    slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", cleaned)
    cleaned = re.sub(rf"^{WEEKDAY}\s+", "", cleaned)
    month_first = re.fullmatch(rf"({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(\d{{4}}))?", cleaned)
    day_first = re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH})(?:\s+(\d{{4}}))?", cleaned)
    if iso:
        month, day, year = int(iso.group(2)), int(iso.group(3)), int(iso.group(1))
    elif slashed:
        month, day = int(slashed.group(1)), int(slashed.group(2))
        year = _year(slashed.group(3)) if slashed.group(3) else None
    elif month_first or day_first:
        if month_first:
            month_word, day_word, year_word = month_first.groups()
        else:
            day_word, month_word, year_word = day_first.groups()  # type: ignore[union-attr]
        month, day, year = MONTHS[month_word.rstrip(".")], int(day_word), int(year_word) if year_word else None
    else:
        raise DateError(
            f"I couldn't read the date `{quote(text)}`. Try `Dec 3`, `December 3, 2026` or `2026-12-03`."
        )
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise DateError(f"`{quote(text)}` is not a date.")
    parsed = DateText(month, day, year)
    if year is not None:
        parsed.exact(year)
    return parsed


@dataclass(frozen=True)
class DayPhrase:
    """A day as typed, before a "today" makes it concrete. Exactly one way of naming the day is set."""

    on: DateText | None = None  # a calendar date: the next such date when the year is left out
    days: int | None = None  # today + days: today (0), tomorrow (1), in 60 days, in 2 weeks
    months: int | None = None  # today + months: in 3 months, in a year
    month_start: bool = False  # with `months`: the first of that month (next month)
    weekday: int | None = None  # the next such weekday: today included (Friday), or not ("next Friday")
    not_today: bool = False
    month: int | None = None  # the first of a month: the next one to come, or in `year`
    year: int | None = None  # with `month`: June 2027

    def resolve(self, today: date) -> date:
        if self.on is not None:
            return self.on.on_or_after(today)
        if self.days is not None:
            return today + timedelta(days=self.days)
        if self.months is not None:
            return (today.replace(day=1) if self.month_start else today) + relativedelta(months=self.months)
        if self.weekday is not None:
            ahead = (self.weekday - today.weekday()) % 7
            return today + timedelta(days=7 if ahead == 0 and self.not_today else ahead)
        if self.month is not None:
            if self.year is not None:
                return date(self.year, self.month, 1)
            first = date(today.year, self.month, 1)
            return first if first > today else date(today.year + 1, self.month, 1)
        raise DateError("I couldn't tell which day that is.")  # pragma: no cover - every parse sets one field

    def later(self, day: date) -> date | None:
        """For a phrase that names a recurring day (a weekday, a date without its year), the next day it could
        mean after `day`; None for a phrase that names one day only (tomorrow, in 60 days, Dec 3, 2026)."""
        if self.weekday is not None:
            return day + timedelta(days=7)
        if self.on is not None and self.on.year is None:
            return self.on.on_or_after(day + timedelta(days=1))
        return None


def match_day_phrase(text: str) -> DayPhrase | None:
    """The day `text` names, or None when it is not a day phrase at all. A phrase that reads as a date but is not
    one (Feb 30) raises DateError."""
    phrase = " ".join(text.strip().lower().replace(",", " ").split()).rstrip(".")
    if phrase in ("today", "tonight"):
        return DayPhrase(days=0)
    if phrase == "tomorrow":
        return DayPhrase(days=1)
    if phrase in ("the day after tomorrow", "day after tomorrow"):
        return DayPhrase(days=2)
    if phrase == "next week":
        return DayPhrase(days=7)
    if phrase == "next month":  # like "next June": the first of the month
        return DayPhrase(months=1, month_start=True)
    relative = re.fullmatch(rf"in\s+({_COUNT})\s+(day|week|month|year)s?", phrase)
    if relative:
        amount, unit = _count(relative.group(1)), relative.group(2)
        if unit in ("day", "week"):
            days = amount * (7 if unit == "week" else 1)
            if days > 366 * MAX_YEARS_AHEAD:
                raise DateError(f"Pick a day within {MAX_YEARS_AHEAD} years.")
            return DayPhrase(days=days)
        months = amount * (12 if unit == "year" else 1)
        if months > 12 * MAX_YEARS_AHEAD:
            raise DateError(f"Pick a day within {MAX_YEARS_AHEAD} years.")
        return DayPhrase(months=months)
    weekday = re.fullmatch(rf"(on\s+|next\s+|this\s+|coming\s+|this\s+coming\s+)?({WEEKDAY})", phrase)
    if weekday:
        return DayPhrase(weekday=weekday_number(weekday.group(2)), not_today=weekday.group(1) == "next ")
    month = re.fullmatch(rf"(?:in\s+|next\s+|this\s+|coming\s+)?({MONTH})(?:\s+(\d{{4}}))?", phrase)
    if month:
        year = int(month.group(2)) if month.group(2) else None
        return DayPhrase(month=MONTHS[month.group(1).rstrip(".")], year=year)
    on_date = re.fullmatch(rf"(?:on\s+|next\s+|this\s+)?({DATE})", phrase)
    if on_date:
        return DayPhrase(on=parse_date(on_date.group(1)))
    return None


def parse_day_phrase(text: str) -> DayPhrase:
    """Like match_day_phrase, but anything that is not a day raises DateError with examples."""
    found = match_day_phrase(text)
    if found is None:
        raise DateError(
            f"I couldn't read the date `{quote(text)}`. Try `Dec 3`, `2026-12-03`, `tomorrow`, `next Friday` "
            "or `in 2 weeks`."
        )
    return found


def parse_day(text: str, today: date) -> date:
    """The day `text` names, counted from `today` (the person's local date)."""
    return parse_day_phrase(text).resolve(today)


# --- repeats ------------------------------------------------------------------------------------------------------


def parse_rule_parts(rule: str) -> dict[str, str]:
    """`FREQ=WEEKLY;BYDAY=TU` -> {"FREQ": "WEEKLY", "BYDAY": "TU"}."""
    parts: dict[str, str] = {}
    for piece in rule.strip().removeprefix("RRULE:").split(";"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        if not sep:
            raise DateError(f"`{quote(piece, 40)}` is not a valid RRULE part.")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def format_rule_parts(parts: Mapping[str, str]) -> str:
    order = ["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST", "COUNT", "UNTIL"]
    ordered = [name for name in order if name in parts] + sorted(set(parts) - set(order))
    return ";".join(f"{name}={parts[name]}" for name in ordered)


@dataclass(frozen=True)
class Repeat:
    """How often something repeats, as an RFC 5545 RRULE without DTSTART, e.g. `FREQ=WEEKLY;INTERVAL=2;BYDAY=FR`."""

    rrule: str

    @property
    def frequency(self) -> str:
        """DAILY, WEEKLY or MONTHLY."""
        return parse_rule_parts(self.rrule)["FREQ"]

    @property
    def interval(self) -> int:
        return int(parse_rule_parts(self.rrule).get("INTERVAL", "1"))

    @property
    def weekdays(self) -> tuple[int, ...]:
        """The weekdays it falls on (0 = Monday), in order; empty when the rule names none."""
        days = re.findall(r"(MO|TU|WE|TH|FR|SA|SU)", parse_rule_parts(self.rrule).get("BYDAY", ""))
        return tuple(sorted({WEEKDAY_CODES.index(code) for code in days}))


def _rule(freq: str, interval: int = 1, **parts: str) -> str:
    values = {"FREQ": freq, **({"INTERVAL": str(interval)} if interval != 1 else {}), **parts}
    return format_rule_parts(values)


def _interval(word: str | None) -> int:
    if not word:
        return 1
    word = word.strip()
    if word == "other":
        return 2
    number = int(re.sub(r"(st|nd|rd|th)$", "", word))
    if not 1 <= number <= 52:
        raise DateError("The repeat interval must be between 1 and 52.")
    return number


def _ordinal_weekdays(ordinals: str, weekday: str) -> str:
    """ "first and third", "Tuesday" -> "1TU,3TU" (last goes last, as in RFC 5545 examples)."""
    positions = []
    for word in re.split(r"\s*(?:,|\band\b|&)\s*", ordinals.strip()):
        if word and _ORDINALS[word] not in positions:
            positions.append(_ORDINALS[word])
    positions.sort(key=lambda p: (p < 0, p))
    return ",".join(f"{p}{WEEKDAY_CODES[weekday_number(weekday)]}" for p in positions)


def _weekday_codes(text: str) -> str:
    codes = {WEEKDAY_CODES[weekday_number(word)] for word in re.split(r"\s*(?:,|\band\b|&)\s*", text.strip()) if word}
    return ",".join(sorted(codes, key=WEEKDAY_CODES.index))


def _month_day(word: str) -> int:
    day = -1 if word.startswith("last") else int(re.sub(r"\D", "", word))
    if not (day == -1 or 1 <= day <= 31):
        raise DateError("A day of the month goes from 1 to 31 (or `the last day`).")
    if day > 28:
        raise DateError(f"Not every month has a {day}th; use `every month on the last day` or a day up to the 28th.")
    return day


_ORDINAL_LIST = rf"{ORDINAL}(?:\s*(?:,|and|&)\s*{ORDINAL})*"
_WEEKDAY_LIST = rf"{WEEKDAY}(?:\s*(?:,|and|&)\s*{WEEKDAY})*"
_EVERY_N = r"(other|\d{1,2}(?:st|nd|rd|th)?)"
_OF_MONTH = r"(?:\s+(?:of\s+)?(?:the|each|every)\s+month|\s+monthly|\s+of\s+the\s+month)?"
_MONTH_DAY = r"(\d{1,2}(?:st|nd|rd|th)?|last\s+day)"

_REPEATS = [
    (re.compile(r"(?:every|each)\s+day|daily"), lambda g: _rule("DAILY")),
    (re.compile(rf"every\s+{_EVERY_N}\s+days?"), lambda g: _rule("DAILY", _interval(g[0]))),
    (re.compile(r"(?:every|each)\s+weekday|weekdays|on\s+weekdays"), lambda g: _rule("WEEKLY", BYDAY="MO,TU,WE,TH,FR")),
    # every first Tuesday / every last Friday of the month / monthly on the first tuesday
    (re.compile(rf"(?:every|each|on\s+the)\s+({_ORDINAL_LIST})\s+({WEEKDAY}){_OF_MONTH}"),
     lambda g: _rule("MONTHLY", BYDAY=_ordinal_weekdays(g[0], g[1]))),
    (re.compile(rf"monthly\s+on\s+the\s+({_ORDINAL_LIST})\s+({WEEKDAY})"),
     lambda g: _rule("MONTHLY", BYDAY=_ordinal_weekdays(g[0], g[1]))),
    # every month on the last Friday / every other month on the first Tuesday / every 3 months on the 2nd Monday
    (re.compile(rf"every\s+(?:{_EVERY_N}\s+)?months?\s+on\s+the\s+({_ORDINAL_LIST})\s+({WEEKDAY})"),
     lambda g: _rule("MONTHLY", _interval(g[0]), BYDAY=_ordinal_weekdays(g[1], g[2]))),
    # every month on the 15th / every other month on the last day / monthly on the 1st
    (re.compile(rf"every\s+(?:{_EVERY_N}\s+)?months?\s+on\s+the\s+{_MONTH_DAY}"),
     lambda g: _rule("MONTHLY", _interval(g[0]), BYMONTHDAY=str(_month_day(g[1])))),
    (re.compile(rf"monthly\s+on\s+the\s+{_MONTH_DAY}"), lambda g: _rule("MONTHLY", BYMONTHDAY=str(_month_day(g[0])))),
    # every Tuesday / every other Thursday / each Monday and Wednesday
    (re.compile(rf"(?:every|each)\s+(other\s+)?({_WEEKDAY_LIST})"),
     lambda g: _rule("WEEKLY", 2 if g[0] else 1, BYDAY=_weekday_codes(g[1]))),
    (re.compile(rf"every\s+(?:{_EVERY_N}\s+)?weeks?\s+on\s+({_WEEKDAY_LIST})"),
     lambda g: _rule("WEEKLY", _interval(g[0]), BYDAY=_weekday_codes(g[1]))),
    (re.compile(rf"weekly\s+on\s+({_WEEKDAY_LIST})"), lambda g: _rule("WEEKLY", BYDAY=_weekday_codes(g[0]))),
]  # fmt: skip
_REPEAT_WORDS = ("every", "each", "weekly", "monthly", "daily", "weekdays")


def parse_repeat(text: str) -> Repeat | None:
    """The repeat `text` describes (without a time: see take_time), or None when it describes none. Wording that
    starts like a repeat but cannot be read raises DateError."""
    phrase = " ".join(text.strip().lower().split()).rstrip(".,")
    for pattern, build in _REPEATS:
        match = pattern.fullmatch(phrase)
        if match:
            return Repeat(build(match.groups()))
    if re.fullmatch(rf"every\s+{_EVERY_N}\s+{WEEKDAY}", phrase):
        raise DateError(
            "Did you mean a weekday of the month (`every second Tuesday`) or every few weeks "
            "(`every 2 weeks on Tuesday`)?"
        )
    if phrase.startswith(_REPEAT_WORDS):
        raise DateError("I couldn't understand how often it repeats.")
    return None


# --- saying them back ---------------------------------------------------------------------------------------------


def format_time(value: time) -> str:
    """10am, 3:30pm, noon, midnight: the same words the grammar reads."""
    if value.hour == 12 and value.minute == 0:
        return "noon"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    suffix = "am" if value.hour < 12 else "pm"
    hour = value.hour % 12 or 12
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def format_date(value: date, *, weekday: bool = True) -> str:
    """Tue Dec 1, 2026."""
    text = f"{MONTH_ABBREVIATIONS[value.month - 1]} {value.day}, {value.year}"
    return f"{WEEKDAY_NAMES[value.weekday()][:3]} {text}" if weekday else text


def format_when(local: datetime) -> str:
    """Tue Dec 1, 2026 at 10am."""
    return f"{format_date(local.date())} at {format_time(local.time())}"
