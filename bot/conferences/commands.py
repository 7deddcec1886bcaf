"""What people type after /conference, read into typed commands."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from bot.conferences.recurrence import Schedule
from bot.conferences.when import (
    _DATE,
    _TIME,
    MAX_TITLE_LENGTH,
    DateText,
    ParseError,
    When,
    parse_date,
    parse_time,
    parse_when,
)

# --- whole commands -------------------------------------------------------------------------------------------------

_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>\s*")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_QUOTED_TITLE = re.compile(r'^["“”]([^"“”]*)["“”]\s*')
_WHEN_START = re.compile(
    rf"\s(?=(?:every|each|on|today|tonight|tomorrow|next|this|daily|weekly|monthly|weekdays|in\s+(?:\d|an?\s|one\s)"
    rf"|at\s|{_DATE}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ConferenceRequest:
    """A new series as typed: where, what, when, and the zone if the text named one."""

    title: str
    when: When
    timezone: str | None = None
    channel_id: str | None = None  # None: the channel the command was typed in
    channel_name: str | None = None

    def schedule(self, fallback_timezone: str, now_utc: datetime) -> Schedule:
        return self.when.resolve(self.timezone or fallback_timezone, now_utc)


def parse_request(text: str) -> ConferenceRequest:
    rest = " ".join(text.split())
    channel_id = channel_name = None
    channel = _CHANNEL.match(rest)
    if channel:
        channel_id, channel_name = channel.group(1), channel.group(2) or None
        rest = rest[channel.end() :]
    elif rest.startswith("#"):
        raise ParseError(
            "I couldn't find that channel. Pick it from Slack's autocomplete when you type `#`, "
            "and make sure it exists.",
        )
    quoted = _QUOTED_TITLE.match(rest)
    if quoted:
        title, when_text = quoted.group(1).strip(), rest[quoted.end() :]
    else:
        # Without quotes the title runs up to the first word that starts a time ("every", "on", "tomorrow"...).
        split = next((m for m in _WHEN_START.finditer(" " + rest) if m.start() > 0), None)
        if split is None:
            raise ParseError("Put the conference title in quotes, then when it meets.")
        title, when_text = rest[: split.start() - 1].strip(), rest[split.start() :]
    if not title:
        raise ParseError("Give the conference a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise ParseError(f"Keep the title under {MAX_TITLE_LENGTH} characters.", examples=False)
    when, zone = parse_when(when_text)
    return ConferenceRequest(
        title=title, when=when, timezone=zone, channel_id=channel_id, channel_name=channel_name
    )


@dataclass(frozen=True)
class Command:
    """A parsed `/conference` invocation. `action` is one of: help, list, create, skip, move, cancel,
    facilitators, agenda_show, agenda_add, ics, modal."""

    action: str
    series_id: int | None = None
    request: ConferenceRequest | None = None
    date: DateText | None = None  # skip/move: which meeting ("next" leaves it None)
    new_when: MoveTarget | None = None
    user_ids: tuple[str, ...] = ()
    text: str = ""  # agenda text, still unredacted: the caller must redact it before any use


@dataclass(frozen=True)
class MoveTarget:
    on_date: DateText | None = None
    day_offset: int | None = None
    at: time | None = None


SUBCOMMAND_USAGE = {
    "skip": "`/conference skip <id> <date>` (or `next`), for example `/conference skip 12 Dec 1`",
    "move": "`/conference move <id> <date> to <date> at <time>`, for example `/conference move 12 Dec 1 to Dec 2 at 3pm`",
    "cancel": "`/conference cancel <id>`",
    "facilitators": "`/conference facilitators <id> @a @b @c`",
    "agenda": "`/conference agenda <id> add <de-identified case summary>` or `/conference agenda <id>`",
    "ics": "`/conference ics <id>`",
}


def _series_id(word: str | None, action: str) -> int:
    cleaned = (word or "").lstrip("#").lower().removeprefix("c")
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise ParseError(
            f"Which conference? Use its number from `/conference list`: {SUBCOMMAND_USAGE[action]}",
            examples=False,
        )
    return int(cleaned)


def _meeting_date(text: str, action: str) -> DateText | None:
    cleaned = text.strip().lower()
    if cleaned in ("next", "the next one", "next one", ""):
        if not cleaned and action == "move":
            raise ParseError(f"Which meeting? {SUBCOMMAND_USAGE[action]}", examples=False)
        return None
    try:
        return parse_date(cleaned.removeprefix("on "))
    except ParseError as error:
        raise ParseError(f"{error.problem}\nUsage: {SUBCOMMAND_USAGE[action]}", examples=False) from error


def parse_move_target(text: str) -> MoveTarget:
    phrase = " ".join(text.strip().lower().split())
    at = None
    at_match = re.search(rf"(?:^|\s)(?:at\s+)?({_TIME})$", phrase)
    if at_match and (re.search(r"am|pm|:|noon|midnight", at_match.group(1)) or "at " in phrase):
        at = parse_time(at_match.group(1))
        phrase = phrase[: at_match.start()].strip()
    if not phrase:
        return MoveTarget(at=at)
    if phrase == "today":
        return MoveTarget(day_offset=0, at=at)
    if phrase == "tomorrow":
        return MoveTarget(day_offset=1, at=at)
    return MoveTarget(on_date=parse_date(phrase.removeprefix("on ")), at=at)


def parse_command(text: str) -> Command:
    stripped = " ".join((text or "").split())
    if not stripped:
        return Command("modal")
    head, _, tail = stripped.partition(" ")
    action = head.lower()
    if action in ("help", "?"):
        return Command("help")
    if action in ("list", "ls", "upcoming"):
        return Command("list")
    if action in ("skip", "move", "cancel", "facilitators", "facilitator", "agenda", "ics", "calendar"):
        action = {"facilitator": "facilitators", "calendar": "ics"}.get(action, action)
        id_word, _, rest = tail.partition(" ")
        series_id = _series_id(id_word, action)
        if action == "skip":
            return Command("skip", series_id, date=_meeting_date(rest, "skip"))
        if action == "cancel":
            if rest.strip():
                return Command("skip", series_id, date=_meeting_date(rest, "skip"))
            return Command("cancel", series_id)
        if action == "move":
            source, sep, target = rest.partition(" to ")
            if not sep or not target.strip():
                raise ParseError(f"Say where to move it. Usage: {SUBCOMMAND_USAGE['move']}", examples=False)
            try:
                new_when = parse_move_target(target)
            except ParseError as error:
                raise ParseError(
                    f"{error.problem}\nUsage: {SUBCOMMAND_USAGE['move']}", examples=False
                ) from error
            return Command("move", series_id, date=_meeting_date(source, "move"), new_when=new_when)
        if action == "facilitators":
            users = tuple(dict.fromkeys(_USER.findall(rest)))
            leftover = _USER.sub("", rest).replace(",", " ").replace("and", " ").strip()
            if leftover and leftover.lower() not in ("clear", "none"):
                raise ParseError(
                    f"Mention each facilitator with @. Usage: {SUBCOMMAND_USAGE['facilitators']}",
                    examples=False,
                )
            return Command("facilitators", series_id, user_ids=users)
        if action == "agenda":
            sub, _, agenda_text = rest.partition(" ")
            if not sub:
                return Command("agenda_show", series_id)
            if sub.lower() != "add" or not agenda_text.strip():
                raise ParseError(f"Usage: {SUBCOMMAND_USAGE['agenda']}", examples=False)
            return Command("agenda_add", series_id, text=agenda_text.strip())
        return Command("ics", series_id)
    return Command("create", request=parse_request(stripped))
