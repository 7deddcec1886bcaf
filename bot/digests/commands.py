"""What people type after /digest, read into a typed command and schedule."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import time

log = logging.getLogger(__name__)


# --- Subscriptions and the /digest command ---------------------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower()[:3]: i for i, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_LOCAL_TIME = time(9, 0)
SUBCOMMANDS = ("subscribe", "unsubscribe", "preview", "help", "status")
EXAMPLE = "`/digest subscribe weekly on monday at 9am`"

_CADENCE = re.compile(r"\b(daily|weekly|every\s+day|each\s+day|every\s+week|each\s+week)\b")
_DAY = re.compile(
    r"\b(?:on\s+|every\s+|each\s+)?(" + "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True)) + r")s?\b"
)
_TIME = re.compile(
    r"(?:\bat\s+)(noon|midnight|\d{1,2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.))?)(?![\w:])"
    r"|\b(\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2})(?![\w:])"
)


class DigestCommandError(Exception):
    """What someone typed cannot be done; str(error) is the friendly message (already safe to show)."""


@dataclass(frozen=True)
class Schedule:
    cadence: str  # "daily" | "weekly"
    weekday: int | None  # 0 = Monday; weekly only
    local_time: time


@dataclass(frozen=True)
class DigestCommand:
    action: str  # one of SUBCOMMANDS
    schedule: Schedule | None = None


def _parse_time(raw: str) -> time:
    text = raw.replace(".", "").replace(" ", "")
    if text == "noon":
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", text)
    if not match:
        raise DigestCommandError(f"I couldn't read the time. Try {EXAMPLE} or `at 16:30`.")
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            raise DigestCommandError("With am or pm the hour must be between 1 and 12, for example `at 9am`.")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DigestCommandError(
            "That isn't a time of day. Use something like `at 9am`, `at 9:30` or `at 16:30`."
        )
    return time(hour, minute)


def parse_schedule(text: str) -> Schedule:
    """`[daily|weekly] [on <day>] [at <time>]` in any order; weekly on Monday at 9:00 when left out."""
    rest = " " + " ".join(text.lower().split()) + " "
    cadence = day = moment = None

    def take(pattern: re.Pattern) -> re.Match | None:
        nonlocal rest
        match = pattern.search(rest)
        if match:
            rest = rest[: match.start()] + " " + rest[match.end() :]
        return match

    if found := take(_CADENCE):
        cadence = "weekly" if "week" in found.group(1) else "daily"
    if found := take(_DAY):
        day = _WEEKDAY_WORDS[found.group(1)]
    if found := take(_TIME):
        moment = _parse_time(found.group(1) or found.group(2))
    leftover = " ".join(rest.split())
    if leftover:
        # Not echoed back: what someone types could hold a patient's details.
        raise DigestCommandError(
            f"I didn't understand that schedule. Try {EXAMPLE}, `/digest subscribe daily at 8am` or `/digest help`."
        )
    if cadence == "daily" and day is not None:
        raise DigestCommandError(
            f"A daily digest comes every day, so it can't also be on {WEEKDAY_NAMES[day]}. "
            f"Say `daily` or `weekly on {WEEKDAY_NAMES[day].lower()}`."
        )
    cadence = cadence or "weekly"
    weekday = (DEFAULT_WEEKDAY if day is None else day) if cadence == "weekly" else None
    return Schedule(cadence, weekday, moment or DEFAULT_LOCAL_TIME)


def parse_command(text: str) -> DigestCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return DigestCommand("status")
    action = words[0].lower()
    if action in ("stop", "cancel"):
        action = "unsubscribe"
    if action == "subscribe":
        return DigestCommand("subscribe", parse_schedule(words[1] if len(words) > 1 else ""))
    if action in SUBCOMMANDS and len(words) == 1:
        return DigestCommand(action)
    raise DigestCommandError(
        "I know `/digest subscribe`, `/digest unsubscribe`, `/digest preview` and `/digest help`."
    )


def time_text(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def describe_schedule(cadence: str, weekday: int | None, local_time: time, timezone: str) -> str:
    when = "every day" if cadence == "daily" else f"every {WEEKDAY_NAMES[weekday or 0]}"
    return f"{when} at {time_text(local_time)} ({timezone})"
