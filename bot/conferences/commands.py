"""What people type after /conference, fill in on its forms, or click: read into typed, frozen commands, plus
the feature's help. A mistake raises a FeatureError (ParseError, FormErrors) whose message says how to fix it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from bot.conferences import recurrence
from bot.conferences.recurrence import RecurrenceError, Schedule
from bot.conferences.when import MAX_TITLE_LENGTH, ParseError, When, parse_when
from bot.platform import clock, dates
from bot.platform.dates import DAY_START, DateError, DateText, DayPhrase
from bot.platform.errors import FeatureError

DEFAULT_TITLE = "Case conference"

HELP = (
    "*Case conferences*\n"
    '`/conference #channel "Monthly case conference" every first Tuesday at 10am` schedules one (the title is '
    "optional); also `every other Thursday at 3pm`, `every month on the last Friday at noon`, `on Dec 3 at 2pm`, "
    "`tomorrow at 9am`, `in 60 days at 10am`, `in 10 minutes`. Add `in America/Chicago` for another time zone "
    "(default: yours).\n"
    "`/conference` opens a form · `/conference list` shows upcoming ones with their numbers\n"
    "`/conference skip N DATE` · `/conference move N DATE to DATE at TIME` · `/conference cancel N`\n"
    "`/conference facilitators N @a @b @c` rotates who facilitates\n"
    "`/conference agenda N add CASE` (a de-identified summary) · `/conference agenda N`\n"
    "`/conference ics N` sends you a calendar file\n"
    "N is the conference's number from `/conference list`; a DATE is `Dec 3`, `2026-12-03`, `today`, "
    "`next Friday` or `in 2 weeks`.\n"
    "Reminders: a call for cases 7 days before, the agenda with RSVPs the day before, and a note at the start; "
    "a meeting set up at shorter notice still gets the agenda and RSVPs. Agenda items of a skipped meeting move "
    "to the next one. Dates on a public holiday are flagged, with Skip and Move buttons."
)

SUMMARY = (
    "*Case conferences*\n"
    '`/conference #channel "Monthly case conference" every first Tuesday at 10am` (or `every other Thursday '
    "at 3pm`, `on Dec 3 at 2pm`, `in America/Chicago`) · `/conference` opens a form · `/conference list` · "
    "`skip`, `move`, `cancel`, `facilitators`, `agenda N add CASE` (de-identified), `ics` · "
    "`/conference help`"
)

USAGE = {
    "skip": "`/conference skip N DATE` (or `next`), for example `/conference skip 12 Dec 1`",
    "move": "`/conference move N DATE to DATE at TIME`, for example `/conference move 12 Dec 1 to Dec 2 at 3pm`",
    "cancel": "`/conference cancel N`",
    "facilitators": "`/conference facilitators N @a @b @c`",
    "agenda": "`/conference agenda N add CASE` (a de-identified summary) or `/conference agenda N`",
    "ics": "`/conference ics N`",
}


# --- the commands -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminders:
    """Reminder lead times for a series; None turns a reminder off."""

    agenda_call_minutes: int | None = 7 * 24 * 60
    day_before_minutes: int | None = 24 * 60
    start_notice: bool = True
    followup_minutes: int | None = 60


@dataclass(frozen=True)
class NewSeries:
    """A series ready to be saved: a concrete schedule and everything the form or the text said about it."""

    title: str
    channel_id: str
    schedule: Schedule
    video_link: str = ""
    facilitator_user_ids: tuple[str, ...] = ()
    reminders: Reminders = Reminders()
    duration_minutes: int = 60


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class ListUpcoming:
    pass


@dataclass(frozen=True)
class OpenForm:
    pass


@dataclass(frozen=True)
class Create:
    """A new series as typed: where, what, when, and the zone if the text named one."""

    title: str
    when: When
    timezone: str | None = None
    channel_id: str | None = None  # None: the channel the command was typed in
    channel_name: str | None = None

    def schedule(self, fallback_timezone: str, now_utc: datetime) -> Schedule:
        return self.when.resolve(self.timezone or fallback_timezone, now_utc)


@dataclass(frozen=True)
class MoveTarget:
    """Where a meeting goes: another day, another time, or both; what is left out stays as it was."""

    day: DayPhrase | None = None
    at: time | None = None


@dataclass(frozen=True)
class Skip:
    series_id: int
    day: DayPhrase | None = None  # which meeting; None: the next one


@dataclass(frozen=True)
class Move:
    series_id: int
    day: DayPhrase | None
    target: MoveTarget


@dataclass(frozen=True)
class Cancel:
    series_id: int


@dataclass(frozen=True)
class SetFacilitators:
    series_id: int
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class ShowAgenda:
    series_id: int


@dataclass(frozen=True)
class AddAgenda:
    """A case summary for the next meeting of a series (or, from a button's form, for one meeting). The text is
    still unredacted here: the service redacts it before any use."""

    text: str
    series_id: int | None = None
    occurrence_id: int | None = None


@dataclass(frozen=True)
class SendCalendar:
    series_id: int


Command = (
    Help | ListUpcoming | OpenForm | Create | Skip | Move | Cancel | SetFacilitators | ShowAgenda | AddAgenda
    | SendCalendar
)


# --- /conference text -------------------------------------------------------------------------------------------

_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>\s*")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_QUOTED_TITLE = re.compile(r'^["“”]([^"“”]*)["“”]\s*')
_WHEN_WORDS = rf"(?:every|each|daily|weekly|monthly|weekdays|in\s+(?:\d|an?\s|one\s)|at\s|{DAY_START})"
_WHEN_START = re.compile(rf"\s(?={_WHEN_WORDS})", re.IGNORECASE)


def parse_request(text: str) -> Create:
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
        if not title:
            raise ParseError("Give the conference a title.")
    else:
        title, when_text = _split_title(rest)
    if len(title) > MAX_TITLE_LENGTH:
        raise ParseError(f"Keep the title under {MAX_TITLE_LENGTH} characters.", examples=False)
    when, zone = parse_when(when_text)
    return Create(title=title, when=when, timezone=zone, channel_id=channel_id, channel_name=channel_name)


def _split_title(rest: str) -> tuple[str, str]:
    """Without quotes the title runs up to the first word that starts a time ("every", "on", "tomorrow"...); text
    that starts with the time has no title, and the series is called "Case conference"."""
    if re.match(_WHEN_WORDS, rest, re.IGNORECASE):
        try:
            parse_when(rest)
            return DEFAULT_TITLE, rest
        except ParseError:
            pass  # "Monthly case review every first Tuesday at 10am": the title starts with a time word
    split = next((m for m in _WHEN_START.finditer(" " + rest) if m.start() > 0), None)
    if split is None:
        raise ParseError("Put the conference title in quotes, then when it meets.")
    return rest[: split.start() - 1].strip(), rest[split.start() :]


def _series_id(word: str | None, action: str) -> int:
    cleaned = (word or "").lstrip("#").lower().removeprefix("c")
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise ParseError(f"Which conference? Use its number from `/conference list`: {USAGE[action]}", examples=False)
    return int(cleaned)


def _usage_error(error: DateError, action: str) -> ParseError:
    return ParseError(f"{error.problem}\nUsage: {USAGE[action]}", examples=False)


def _meeting_day(text: str, action: str) -> DayPhrase | None:
    """Which meeting: a day, or the next one (`next`, or nothing for skip)."""
    cleaned = text.strip().lower()
    if cleaned in ("next", "the next one", "next one", "next meeting", "the next meeting", ""):
        if not cleaned and action == "move":
            raise ParseError(f"Which meeting? {USAGE[action]}", examples=False)
        return None
    try:
        return dates.parse_day_phrase(cleaned)
    except DateError as error:
        raise _usage_error(error, action) from error


def parse_move_target(text: str) -> MoveTarget:
    phrase, at = dates.take_time(" ".join(text.strip().lower().split()))
    if not phrase:
        return MoveTarget(at=at)
    return MoveTarget(day=dates.parse_day_phrase(phrase), at=at)


def parse_command(text: str) -> Command:
    stripped = " ".join((text or "").split())
    if not stripped:
        return OpenForm()
    head, _, tail = stripped.partition(" ")
    action = head.lower()
    if action in ("help", "?"):
        return Help()
    if action in ("list", "ls", "upcoming"):
        return ListUpcoming()
    action = {"facilitator": "facilitators", "calendar": "ics"}.get(action, action)
    if action not in USAGE:
        return parse_request(stripped)
    id_word, _, rest = tail.partition(" ")
    series_id = _series_id(id_word, action)
    if action == "skip" or (action == "cancel" and rest.strip()):
        return Skip(series_id, _meeting_day(rest, "skip"))
    if action == "cancel":
        return Cancel(series_id)
    if action == "move":
        source, sep, target = rest.partition(" to ")
        if not sep or not target.strip():
            raise ParseError(f"Say where to move it. Usage: {USAGE['move']}", examples=False)
        try:
            new_when = parse_move_target(target)
        except DateError as error:
            raise _usage_error(error, "move") from error
        return Move(series_id, _meeting_day(source, "move"), new_when)
    if action == "facilitators":
        users = tuple(dict.fromkeys(_USER.findall(rest)))
        leftover = _USER.sub("", rest).replace(",", " ").replace("and", " ").strip()
        if leftover and leftover.lower() not in ("clear", "none"):
            raise ParseError(f"Mention each facilitator with @. Usage: {USAGE['facilitators']}", examples=False)
        return SetFacilitators(series_id, users)
    if action == "agenda":
        sub, _, agenda_text = rest.partition(" ")
        if not sub:
            return ShowAgenda(series_id)
        if sub.lower() != "add" or not agenda_text.strip():
            raise ParseError(f"Usage: {USAGE['agenda']}", examples=False)
        return AddAgenda(agenda_text.strip(), series_id=series_id)
    return SendCalendar(series_id)


# --- buttons ------------------------------------------------------------------------------------------------------

STALE_BUTTON = "That button is out of date. Use `/conference list` to see what is scheduled now."


def button_number(value: str) -> int:
    """The conference or meeting number a button carries."""
    cleaned = (value or "").strip()
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise FeatureError(STALE_BUTTON)
    return int(cleaned)


def holiday_button_value(series_id: int, day: date, move_to: date | None = None) -> str:
    """What a Skip or Move button on a holiday warning carries: the series, the meeting's day and the new day."""
    return json.dumps({"series": series_id, "day": day.isoformat(), **({"to": move_to.isoformat()} if move_to else {})})


def parse_holiday_button(value: str) -> Skip | Move:
    """The one-click answer to a holiday warning: skip that meeting, or move it to the suggested day."""
    try:
        data = json.loads(value or "")
        series_id = int(data["series"])
        day = date.fromisoformat(data["day"])
        move_to = date.fromisoformat(data["to"]) if data.get("to") else None
    except (ValueError, KeyError, TypeError) as error:
        raise FeatureError(STALE_BUTTON) from error
    meeting = DayPhrase(on=DateText(day.month, day.day, day.year))
    if move_to is None:
        return Skip(series_id, meeting)
    return Move(series_id, meeting, MoveTarget(day=DayPhrase(on=DateText(move_to.month, move_to.day, move_to.year))))


# --- the forms ----------------------------------------------------------------------------------------------------


class FormErrors(FeatureError):
    """Per-field problems in a submitted form, shown next to each field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Please check the form: " + " ".join(errors.values()))
        self.errors = errors


def state_value(values: dict[str, Any], block_id: str) -> Any:
    """The value of the input `block_id` in a submitted view's state, whatever the element."""
    element = (values.get(block_id) or {}).get("value") or {}
    for key in ("selected_conversation", "selected_date", "selected_time", "selected_users", "selected_option",
                "value"):  # fmt: skip
        if element.get(key) is not None:
            value = element[key]
            return value.get("value") if key == "selected_option" else value
    return None


def _whole_number(raw: Any, block_id: str, errors: dict[str, str], low: int, high: int) -> int | None:
    if raw in (None, ""):
        return None
    try:
        number = int(str(raw).strip())
    except ValueError:
        errors[block_id] = "Enter a whole number."
        return None
    if not low <= number <= high:
        errors[block_id] = f"Enter a number from {low} to {high}."
        return None
    return number


def schedule_from_form(values: dict[str, Any], now: datetime) -> tuple[Schedule | None, dict[str, str]]:
    """The schedule a submitted form describes, or the per-field errors to show."""
    errors: dict[str, str] = {}
    try:
        timezone = recurrence.canonical_timezone(str(state_value(values, "timezone") or ""))
    except RecurrenceError as error:
        errors["timezone"] = error.message[:150].replace("`", "")
        timezone = "UTC"
    try:
        day = datetime.strptime(str(state_value(values, "start_date")), "%Y-%m-%d").date()
    except ValueError:
        errors["start_date"] = "Pick the date of the first meeting."
        return None, errors
    try:
        at = datetime.strptime(str(state_value(values, "start_time")), "%H:%M").time()
    except ValueError:
        errors["start_time"] = "Pick a time."
        return None, errors
    start = datetime.combine(day, at)
    repeat = state_value(values, "repeat") or "none"
    interval = _whole_number(state_value(values, "interval"), "interval", errors, 1, 52) or 1
    weekday = state_value(values, "weekday") or dates.WEEKDAY_CODES[day.weekday()]
    if weekday not in dates.WEEKDAY_CODES:
        errors["weekday"] = "Pick a weekday."
    rule = None
    if repeat == "weekly":
        rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday}"
    elif repeat == "monthly":
        week = state_value(values, "week_of_month") or "1"
        if week == "day":
            if day.day > 28:
                errors["start_date"] = "Not every month has this day; pick the 28th or earlier, or a week of the month."
            rule = f"FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={day.day}"
        elif week in ("1", "2", "3", "4", "-1"):
            rule = f"FREQ=MONTHLY;INTERVAL={interval};BYDAY={week}{weekday}"
        else:
            errors["week_of_month"] = "Pick a week of the month."
    if errors:
        return None, errors
    if rule:
        rule = recurrence.validate_rule(rule)
        first = recurrence.first_match(rule, start, start)
        if first is None:
            return None, {"start_date": "That rule has no dates after the first meeting."}
        start = first
    if clock.local_to_utc(start, timezone) <= now:
        field = "start_date" if start.date() < clock.to_local(now, timezone).date() else "start_time"
        return None, {field: "That time has already passed."}
    return Schedule(start_local=start, timezone=timezone, rrule=rule), {}


def parse_create_form(values: dict[str, Any], now: datetime) -> NewSeries:
    """The series a submitted form describes; FormErrors lists what to fix, field by field."""
    schedule, errors = schedule_from_form(values, now)
    title = str(state_value(values, "title") or "").strip()
    channel_id = state_value(values, "channel")
    if not title:
        errors["title"] = "Give the conference a title."
    if not channel_id:
        errors["channel"] = "Pick the channel for reminders."
    agenda_days = _whole_number(state_value(values, "agenda_call_days"), "agenda_call_days", errors, 0, 30)
    reminder_hours = _whole_number(state_value(values, "reminder_hours"), "reminder_hours", errors, 0, 240)
    link = str(state_value(values, "video_link") or "").strip()
    if link and not link.lower().startswith(("https://", "http://")):
        errors["video_link"] = "Use a web address starting with https://"
    if errors or schedule is None:
        raise FormErrors(errors)
    reminders = Reminders(
        agenda_call_minutes=None if agenda_days is None else agenda_days * 24 * 60,
        day_before_minutes=None if reminder_hours is None else reminder_hours * 60,
    )
    return NewSeries(title=title, channel_id=str(channel_id), schedule=schedule, video_link=link,
                     facilitator_user_ids=tuple(state_value(values, "facilitators") or ()), reminders=reminders)  # fmt: skip


def parse_add_case_form(values: dict[str, Any], private_metadata: str) -> tuple[AddAgenda, str | None]:
    """A case from the "Add a case" form, and the channel to confirm it in (None: by DM)."""
    text = str(state_value(values, "case") or "").strip()
    if not text:
        raise FormErrors({"case": "Add a short, de-identified summary of the case."})
    try:
        metadata = json.loads(private_metadata or "{}")
        occurrence_id = int(metadata["occurrence_id"])
    except (ValueError, KeyError, TypeError) as error:
        raise FormErrors({"case": "This form is out of date; click Add a case again."}) from error
    channel_id = metadata.get("channel_id")
    return AddAgenda(text, occurrence_id=occurrence_id), channel_id if isinstance(channel_id, str) else None
