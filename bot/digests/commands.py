"""What people type after /digest, read into one typed command per subcommand, and the feature's help.

`/digest subscribe [daily | weekly on DAY | every other DAY] [at TIME]`, `unsubscribe` (or `stop`), `preview`,
`help`, and `/digest` alone for the person's schedule. A refusal is a `FeatureError` whose message never echoes
what was typed (it could hold a patient's details).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.platform.dates import WEEKDAY_NAMES, DateError, format_time, parse_time
from bot.platform.errors import FeatureError

_WEEKDAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name.lower()[:3]: i for i, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
CADENCE_DAYS = {"daily": 1, "weekly": 7, "biweekly": 14}  # the span a digest covers and the step between two
DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_LOCAL_TIME = time(9, 0)
EXAMPLE = "`/digest subscribe weekly on monday at 9am`"

HELP = (
    "*Manager digests*: what happened with your partnerships, what is missing and what is coming up, sent to you "
    "by DM with a chart of needs asked against needs unmet.\n"
    "• `/digest subscribe` weekly on Monday at 9am in your Slack time zone\n"
    "• `/digest subscribe weekly on friday at 4pm` · `/digest subscribe daily at 8am` · "
    "`/digest subscribe every other friday`\n"
    "• `/digest preview` sends you the digest for the last week right now\n"
    "• `/digest unsubscribe` stops it · `/digest` shows your schedule\n"
    "Each figure is compared with the period before. `partnerbot report --since 2026-07-01` prints the same "
    "figures for quarterly reviews."
)

SUMMARY = (
    "*Manager digests*\n"
    "`/digest subscribe [daily | weekly on DAY | every other DAY] [at TIME]` (your time zone) · "
    "`/digest unsubscribe` · `/digest preview` sends one now · `/digest help` · the Home tab shows your recent "
    "activity"
)

_BIWEEKLY = re.compile(
    r"\b(?:every\s+(?:other|second|2nd)(?:\s+week)?|every\s+(?:2|two)\s+weeks|bi-?weekly|fortnightly)\b"
)
_CADENCE = re.compile(r"\b(daily|weekly|every\s+day|each\s+day|every\s+week|each\s+week)\b")
_DAY = re.compile(
    r"\b(?:on\s+|every\s+|each\s+)?(" + "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True)) + r")s?\b"
)
_TIME = re.compile(
    r"(?:\bat\s+)(noon|midnight|\d{1,2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.))?)(?![\w:])"
    r"|\b(\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2})(?![\w:])"
)


@dataclass(frozen=True)
class Schedule:
    cadence: str  # a key of CADENCE_DAYS
    weekday: int | None  # 0 = Monday; weekly and biweekly only
    local_time: time


@dataclass(frozen=True)
class Subscribe:
    schedule: Schedule


@dataclass(frozen=True)
class Unsubscribe:
    pass


@dataclass(frozen=True)
class Preview:
    pass


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ShowStatus:
    pass


DigestCommand = Subscribe | Unsubscribe | Preview | ShowHelp | ShowStatus

_BARE = {"unsubscribe": Unsubscribe, "stop": Unsubscribe, "cancel": Unsubscribe, "preview": Preview,
         "help": ShowHelp, "?": ShowHelp, "status": ShowStatus}


def _parse_time(raw: str) -> time:
    """The conferences' reading of a time of day (10am, 3:30pm, 16:30, noon), one definition for both features."""
    try:
        return parse_time(raw)
    except DateError as error:
        raise FeatureError(f"{error.message} Try {EXAMPLE} or `at 16:30`.") from None


def parse_schedule(text: str) -> Schedule:
    """`[daily | weekly | every other week] [on DAY] [at TIME]` in any order; weekly on Monday at 9am when left
    out. "every other friday" is a digest every two weeks, on Fridays."""
    rest = " " + " ".join(text.lower().split()) + " "
    cadence = day = moment = None

    def take(pattern: re.Pattern) -> re.Match | None:
        nonlocal rest
        match = pattern.search(rest)
        if match:
            rest = rest[: match.start()] + " " + rest[match.end() :]
        return match

    if take(_BIWEEKLY):
        cadence = "biweekly"
    elif found := take(_CADENCE):
        cadence = "weekly" if "week" in found.group(1) else "daily"
    if found := take(_DAY):
        day = _WEEKDAY_WORDS[found.group(1)]
    if found := take(_TIME):
        moment = _parse_time(found.group(1) or found.group(2))
    if " ".join(rest.split()):
        # Not echoed back: what someone types could hold a patient's details.
        raise FeatureError(
            f"I didn't understand that schedule. Try {EXAMPLE}, `/digest subscribe daily at 8am`, "
            "`/digest subscribe every other friday` or `/digest help`: a digest comes daily, weekly or every other week."
        )
    if cadence == "daily" and day is not None:
        raise FeatureError(
            f"A daily digest comes every day, so it can't also be on {WEEKDAY_NAMES[day]}. "
            f"Say `daily` or `weekly on {WEEKDAY_NAMES[day].lower()}`."
        )
    cadence = cadence or "weekly"
    weekday = None if cadence == "daily" else (DEFAULT_WEEKDAY if day is None else day)
    return Schedule(cadence, weekday, moment or DEFAULT_LOCAL_TIME)


def parse_command(text: str) -> DigestCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return ShowStatus()
    action = words[0].lower()
    if action == "subscribe":
        return Subscribe(parse_schedule(words[1] if len(words) > 1 else ""))
    if action in _BARE and len(words) == 1:
        return _BARE[action]()
    raise FeatureError(
        "I know `/digest subscribe`, `/digest unsubscribe`, `/digest preview` and `/digest help`."
    )


def describe_schedule(cadence: str, weekday: int | None, local_time: time, timezone: str) -> str:
    """ "every Friday at 4pm (America/Los_Angeles)", in the words the parser reads."""
    day = WEEKDAY_NAMES[weekday or 0]
    when = {"daily": "every day", "weekly": f"every {day}", "biweekly": f"every other {day}"}[cadence]
    return f"{when} at {format_time(local_time)} ({timezone})"
