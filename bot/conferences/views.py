"""Block Kit for case conferences: replies, reminders and modals. Pure functions of data: no database, no Slack.

Stored text (titles, agenda items) was redacted before it was saved; it is still escaped here, with mass mentions
defused, because it was typed by people.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.conferences import recurrence
from bot.conferences.commands import holiday_button_value
from bot.conferences.recurrence import HolidayClash, Occurrence, Schedule
from bot.conferences.service import (
    AGENDA_SURFACE,
    Agenda,
    AgendaAdded,
    AgendaToReview,
    Created,
    Moved,
    Rotation,
    Skipped,
    Swapped,
)
from bot.platform import clock, review
from bot.platform.blocks import clip
from bot.platform.dates import MONTH_ABBREVIATIONS, WEEKDAY_CODES, WEEKDAY_NAMES, format_date, format_when
from bot.platform.slacktext import safe

# Action and callback ids shared with handlers/conferences.py.
OPEN_MODAL = "open_conference_modal"
UNDO = "conference_undo"
RSVP_GOING = "conference_rsvp_going"
RSVP_NOT_GOING = "conference_rsvp_not_going"
SWAP = "conference_swap"
ADD_CASE = "conference_add_case"
JOIN = "conference_join"
CELEBRATE = "open_celebrate_modal"
HOLIDAY_SKIP = "conference_holiday_skip"
HOLIDAY_MOVE = "conference_holiday_move"
CREATE_CALLBACK = "conference_create"
ADD_CASE_CALLBACK = "conference_add_case_submit"

REPEAT_OPTIONS = (("none", "Does not repeat"), ("weekly", "Weekly"), ("monthly", "Monthly"))
WEEK_OF_MONTH_OPTIONS = (("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last"),
                         ("day", "Same day of the month"))  # fmt: skip
LATE_NOTE = "_Sent late: partnerbot was offline when this reminder was due._"
PRIVACY_HINT = "De-identified summaries only: no names, record numbers, dates of birth or contact details."


def _text(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id,
                              "value": value}  # fmt: skip
    if style:
        button["style"] = style
    return button


def slack_time(start_utc: datetime, fallback: str) -> str:
    """A Slack date token, so each reader sees the meeting in their own time zone."""
    stamp = int(clock.as_utc(start_utc).timestamp())
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{fallback}>"


def meeting_time(start_local: datetime, start_utc: datetime, timezone: str) -> str:
    """The meeting's date and time once: Slack shows it in each reader's own zone; clients that cannot read the
    date token show the meeting's own local time and zone."""
    return slack_time(start_utc, f"{format_when(start_local)} ({timezone})")


def _title(title: str) -> str:
    return f"*{safe(title)}*"


# --- replies to commands -------------------------------------------------------------------------------------------------


def channel_problem(channel_id: str, problem: str | None) -> list[str]:
    """A warning when partnerbot cannot post in the reminder channel: `problem` is Slack's error code, "not_member",
    or None when all is well."""
    if problem is None:
        return []
    if problem == "not_member":
        return [f"I'm not in <#{channel_id}> yet. Invite me with `/invite @partnerbot` so reminders can be posted."]
    return [f"I can't see <#{channel_id}> (Slack said `{safe(problem)}`). Invite me with `/invite @partnerbot`."]


def _short_day(day: Any) -> str:
    return f"{MONTH_ABBREVIATIONS[day.month - 1]} {day.day}"


def holiday_blocks(series_id: int, clashes: Sequence[HolidayClash]) -> list[dict[str, Any]]:
    """One warning per meeting on a public holiday, each with Skip and (when a working day is near) Move."""
    blocks: list[dict[str, Any]] = []
    for index, clash in enumerate(clashes):
        day = clash.occurrence.start_local.date()
        text = f":palm_tree: {format_when(clash.occurrence.start_local)} is a public holiday: {safe(clash.holiday)}."
        elements = [_button(f"Skip {_short_day(day)}", HOLIDAY_SKIP, holiday_button_value(series_id, day))]
        if clash.move_to is not None:
            elements.append(_button(f"Move to {format_date(clash.move_to, weekday=True).rsplit(',', 1)[0]}",
                                    HOLIDAY_MOVE, holiday_button_value(series_id, day, clash.move_to)))  # fmt: skip
        blocks += [_text(text), {"type": "actions", "block_id": f"conference_holiday:{index}", "elements": elements}]
    return blocks


def created_message(created: Created, *, warnings: Sequence[str] = ()) -> dict[str, Any]:
    series, schedule, upcoming = created.series, created.schedule, created.upcoming
    words = recurrence.describe(schedule)
    dates = "\n".join(f"• {format_when(o.start_local)}" for o in upcoming)
    lines = [
        f":calendar: Scheduled {_title(series.title)} in <#{series.channel_id}>, {words} ({schedule.timezone}).",
        f"*Next {'dates' if len(upcoming) > 1 else 'date'}:*\n{dates}",
        f"Number *{series.id}*: use it with `/conference skip {series.id} DATE`, `move`, `facilitators`, "
        f"`agenda`, `ics` or `cancel`.",
    ]
    blocks = [_text("\n".join(lines[:2])), _context(lines[2])]
    notes = [f":warning: {w}" for w in [*created.warnings, *warnings]]
    notes += [f":lock: {created.privacy_note}"] if created.privacy_note else []
    if notes:
        blocks.insert(1, _text("\n".join(notes)))
    blocks += holiday_blocks(series.id, created.holidays)
    blocks.append({"type": "actions", "block_id": "conference_created",
                   "elements": [_button("Undo", UNDO, str(series.id), "danger")]})  # fmt: skip
    text = f"Scheduled {safe(series.title)} {words} ({schedule.timezone})."
    if created.holidays:
        text += f" {len(created.holidays)} of its dates fall on a public holiday."
    return {"text": text, "blocks": blocks}


def undone_message(title: str) -> str:
    return f":leftwards_arrow_with_hook: Undone: {_title(title)} is no longer scheduled and no reminders will be sent."


def list_message(entries: Sequence[tuple[Any, Sequence[Occurrence]]]) -> dict[str, Any]:
    if not entries:
        return {"text": "No case conferences are scheduled. "
                        'Set one up with `/conference #channel "Monthly case conference" every first Tuesday at 10am`.'}  # fmt: skip
    lines = []
    for series, upcoming in entries:
        schedule = Schedule(series.start_local, series.timezone, series.rrule)
        dates = ", ".join(format_when(o.start_local) + (" (moved)" if o.moved else "") for o in upcoming)
        lines.append(
            f"*{series.id}* · {_title(series.title)} in <#{series.channel_id}>: {recurrence.describe(schedule)} "
            f"({series.timezone})\n      next: {dates}"
        )
    text = "*Upcoming case conferences*\n" + "\n".join(lines)
    return {"text": text, "blocks": [_text(clip(text))]}


def skipped_message(skipped: Skipped) -> str:
    lines = [f":fast_forward: Skipped {_title(skipped.series.title)} on {format_when(skipped.occurrence.start_local)}."]
    if skipped.next_meeting is not None:
        lines[0] += f" The next one is {format_when(skipped.next_meeting.start_local)}."
    if skipped.carried and skipped.carried_to is not None:
        items = "1 agenda item" if skipped.carried == 1 else f"{skipped.carried} agenda items"
        lines.append(f":clipboard: Its {items} moved to the next meeting, {format_when(skipped.carried_to)}.")
    return "\n".join(lines)


def moved_message(moved: Moved) -> str:
    text = (f":arrow_right: Moved {_title(moved.series.title)} from {format_when(moved.occurrence.start_local)} "
            f"to {format_when(moved.new_start_local)}. Reminders follow the new time.")  # fmt: skip
    warnings = list(moved.warnings)
    if moved.holiday:
        warnings.append(f"{format_date(moved.new_start_local.date())} is a public holiday: {safe(moved.holiday)}.")
    return "\n".join([text, *(f":warning: {w}" for w in warnings)])


def cancelled_message(title: str) -> str:
    return f":x: Cancelled {_title(title)}. No more reminders will be sent."


def facilitators_message(rotation: Rotation) -> str:
    title, order = rotation.series.title, rotation.series.facilitator_user_ids
    if not order:
        return f"{_title(title)} has no facilitator rotation now."
    lines = [f":busts_in_silhouette: Facilitators for {_title(title)}, in turn: " + " → ".join(f"<@{u}>" for u in order)]
    for row in rotation.upcoming[:4]:
        who = f"<@{row.facilitator_user_id}>" if row.facilitator_user_id else "nobody yet"
        lines.append(f"• {format_when(row.start_local)}: {who}")
    return "\n".join(lines)


def swapped_message(user_id: str, swapped: Swapped) -> str:
    def who(user: str | None) -> str:
        return f"<@{user}>" if user else "nobody"

    this, following = swapped.this, swapped.following
    return (f":arrows_counterclockwise: <@{user_id}> swapped facilitators: {who(this.facilitator_user_id)} "
            f"leads {format_when(this.start_local)}, {who(following.facilitator_user_id)} "
            f"leads {format_when(following.start_local)}.")  # fmt: skip


def agenda_added_message(added: AgendaAdded | AgendaToReview) -> str | dict[str, Any]:
    """The confirmation quotes the text as stored, redacted, and says what was removed; an item held for review
    is the question instead (the marked redacted text and the three choices)."""
    if isinstance(added, AgendaToReview):
        where = f"on the agenda of {_title(added.series.title)} ({format_when(added.meeting_start_local)})"
        return {"text": review.review_text(added.review),
                "blocks": review.review_blocks(added.review, added.token, AGENDA_SURFACE, where=where)}
    lines = [
        f":memo: Added to the agenda of {_title(added.series.title)} on {format_when(added.meeting_start_local)}:",
        f">{safe(added.text)}",
    ]
    if added.privacy_note:
        lines.append(f":lock: {added.privacy_note}. Please keep case summaries de-identified.")
    return "\n".join(lines)


def agenda_edit_message(text: str) -> str:
    """Edit on a held agenda item: nothing was saved; the redacted text to copy, correct and send again."""
    return ("Nothing was saved. Here is the redacted text to correct and send again with "
            f"`/conference agenda ID add …`:\n>{safe(text)}")


def agenda_message(agenda: Agenda) -> str:
    head = f"*Agenda for {safe(agenda.series.title)}*, {format_when(agenda.start_local)}"
    if not agenda.items:
        return head + f"\nNo cases yet. Add one with `/conference agenda {agenda.series.id} add CASE` (de-identified)."
    return head + "\n" + "\n".join(f"{n}. {safe(item.text)}" for n, item in enumerate(agenda.items, 1))


def calendar_comment(title: str) -> str:
    return f"Add {_title(title)} to your calendar: open the attached file."


def calendar_sent_message(title: str) -> str:
    return f":calendar: I sent you the calendar file for {_title(title)} in a direct message."


# --- reminders ------------------------------------------------------------------------------------------------------


def _with_late(blocks: list[dict[str, Any]], late: bool) -> list[dict[str, Any]]:
    return [*blocks, _context(LATE_NOTE)] if late else blocks


def _agenda_lines(items: Sequence[Any]) -> str:
    if not items:
        return "_No cases on the agenda yet._"
    return "\n".join(f"{n}. {safe(item.text)}" for n, item in enumerate(items, 1))


def agenda_call_message(details: Any, *, late: bool = False) -> tuple[str, list[dict[str, Any]]]:
    series, occurrence = details.series, details.occurrence
    when = meeting_time(occurrence.start_local, occurrence.start_utc, series.timezone)
    text = (f":clipboard: {_title(series.title)} meets {when}. Have a case to bring? "
            f"Add a short summary to the agenda.")  # fmt: skip
    blocks = [
        _text(text),
        _context(f"{PRIVACY_HINT} {len(details.agenda)} on the agenda so far."),
        {"type": "actions", "block_id": f"conference_agenda_call:{occurrence.id}",
         "elements": [_button("Add a case", ADD_CASE, str(occurrence.id), "primary")]},
    ]  # fmt: skip
    return f"{safe(series.title)}: call for agenda items", _with_late(blocks, late)


def day_before_message(details: Any, *, late: bool = False) -> tuple[str, list[dict[str, Any]]]:
    series, occurrence = details.series, details.occurrence
    when = meeting_time(occurrence.start_local, occurrence.start_utc, series.timezone)
    facilitator = f"<@{occurrence.facilitator_user_id}>" if occurrence.facilitator_user_id else "_not set_"
    lines = [
        f":spiral_calendar_pad: Reminder: {_title(series.title)} is {when}.",
        f"*Facilitator:* {facilitator}",
    ]
    if details.next_facilitator:
        lines[-1] += f" (next time: <@{details.next_facilitator}>)"
    if series.video_link:
        lines.append(f"*Join:* {series.video_link}")
    blocks = [_text("\n".join(lines)), _text(f"*Agenda*\n{_agenda_lines(details.agenda)}")]
    blocks.append(_context(rsvp_summary(details.going, details.not_going)))
    elements = [
        _button(f"Going ({len(details.going)})", RSVP_GOING, str(occurrence.id), "primary"),
        _button(f"Can't make it ({len(details.not_going)})", RSVP_NOT_GOING, str(occurrence.id)),
        _button("Add a case", ADD_CASE, str(occurrence.id)),
    ]
    if occurrence.facilitator_user_id:
        elements.append(_button("Swap facilitator", SWAP, str(occurrence.id)))
    blocks.append(
        {"type": "actions", "block_id": f"conference_day_before:{occurrence.id}", "elements": elements}
    )
    return f"Reminder: {safe(series.title)} is {format_when(occurrence.start_local)}", _with_late(
        blocks, late
    )


def rsvp_summary(going: Sequence[str], not_going: Sequence[str]) -> str:
    if not going and not not_going:
        return "No RSVPs yet."
    parts = []
    if going:
        parts.append(f"Going ({len(going)}): " + ", ".join(f"<@{u}>" for u in going[:15]))
    if not_going:
        parts.append(f"Can't make it ({len(not_going)})")
    return " · ".join(parts)


def starting_message(details: Any, *, late: bool = False) -> tuple[str, list[dict[str, Any]]]:
    series, occurrence = details.series, details.occurrence
    facilitator = (
        f" Facilitator: <@{occurrence.facilitator_user_id}>." if occurrence.facilitator_user_id else ""
    )
    text = f":large_green_circle: {_title(series.title)} is starting now.{facilitator}"
    blocks = [_text(text + (f"\n*Join:* {series.video_link}" if series.video_link else ""))]
    if series.video_link:
        blocks.append({"type": "actions", "block_id": f"conference_start:{occurrence.id}", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Join"}, "url": series.video_link,
             "action_id": JOIN, "style": "primary"}]})  # fmt: skip
    return f"{safe(series.title)} is starting now", _with_late(blocks, late)


def followup_message(details: Any, *, late: bool = False) -> tuple[str, list[dict[str, Any]]]:
    series, occurrence = details.series, details.occurrence
    text = (f":sparkles: Thanks for joining {_title(series.title)}. Record what you agreed for each case "
            f"(de-identified) in this thread, and celebrate the wins with your partners: "
            f"`/celebrate @someone with PARTNER for WHAT WENT WELL`.")  # fmt: skip
    blocks = [
        _text(text),
        {"type": "actions", "block_id": f"conference_followup:{occurrence.id}",
         "elements": [_button("Celebrate a success", CELEBRATE, "")]},
    ]  # fmt: skip
    return f"{safe(series.title)}: record outcomes and celebrate successes", _with_late(blocks, late)


# --- modals ---------------------------------------------------------------------------------------------------------


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:  # fmt: skip
    block = {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
             "element": element, "optional": optional}  # fmt: skip
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def _options(pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": {"type": "plain_text", "text": label}, "value": value} for value, label in pairs]


def _option(pairs: Sequence[tuple[str, str]], value: str) -> dict[str, Any]:
    return next(o for o in _options(pairs) if o["value"] == value)


def create_modal(*, channel_id: str | None, timezone: str, today: str) -> dict[str, Any]:
    weekdays = [
        (code, name) for code, name in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True)
    ]
    channel_element: dict[str, Any] = {"type": "conversations_select", "action_id": "value",
                                       "filter": {"include": ["public", "private"], "exclude_bot_users": True}}  # fmt: skip
    if channel_id:
        channel_element["initial_conversation"] = channel_id
    blocks = [
        _input("title", "Title", {"type": "plain_text_input", "action_id": "value", "max_length": 150,
                                  "placeholder": {"type": "plain_text", "text": "Monthly case conference"}}),
        _input("channel", "Channel for reminders", channel_element),
        _input("start_date", "First meeting", {"type": "datepicker", "action_id": "value", "initial_date": today}),
        _input("start_time", "Time", {"type": "timepicker", "action_id": "value", "initial_time": "10:00"}),
        _input("repeat", "Repeats", {"type": "static_select", "action_id": "value", "options": _options(REPEAT_OPTIONS),
                                     "initial_option": _option(REPEAT_OPTIONS, "monthly")}),
        _input("interval", "Every how many weeks or months", {"type": "number_input", "action_id": "value",
               "is_decimal_allowed": False, "min_value": "1", "max_value": "52", "initial_value": "1"}),
        _input("week_of_month", "Week of the month (monthly)", {"type": "static_select", "action_id": "value",
               "options": _options(WEEK_OF_MONTH_OPTIONS), "initial_option": _option(WEEK_OF_MONTH_OPTIONS, "1")},
               optional=True),
        _input("weekday", "Weekday", {"type": "static_select", "action_id": "value", "options": _options(weekdays)},
               optional=True, hint="Leave empty to use the weekday of the first meeting."),
        _input("timezone", "Time zone", {"type": "plain_text_input", "action_id": "value", "initial_value": timezone},
               hint="An IANA name such as America/Chicago or Europe/Berlin."),
        _input("video_link", "Video link", {"type": "url_text_input", "action_id": "value"}, optional=True),
        _input("facilitators", "Facilitators, in rotation order", {"type": "multi_users_select", "action_id": "value"},
               optional=True),
        _input("agenda_call_days", "Call for agenda items: days before", {"type": "number_input", "action_id": "value",
               "is_decimal_allowed": False, "min_value": "0", "max_value": "30", "initial_value": "7"},
               optional=True, hint="Leave empty for no call for agenda items."),
        _input("reminder_hours", "Reminder with agenda and RSVP: hours before", {"type": "number_input",
               "action_id": "value", "is_decimal_allowed": False, "min_value": "0", "max_value": "240",
               "initial_value": "24"}, optional=True, hint="Leave empty for no reminder."),
    ]  # fmt: skip
    return {
        "type": "modal",
        "callback_id": CREATE_CALLBACK,
        "title": {"type": "plain_text", "text": "Case conference"},
        "submit": {"type": "plain_text", "text": "Schedule"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def add_case_modal(*, occurrence_id: int, title: str, when: str, channel_id: str | None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ADD_CASE_CALLBACK,
        "private_metadata": json.dumps({"occurrence_id": occurrence_id, "channel_id": channel_id}),
        "title": {"type": "plain_text", "text": "Add a case"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _context(f"{_title(title)}, {when}"),
            _input(
                "case",
                "Case summary",
                {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 600},
                hint=PRIVACY_HINT,
            ),  # fmt: skip
        ],
    }


def error_message(problem: str) -> str:
    return f":thinking_face: {problem}"
