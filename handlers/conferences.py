"""Slack adapter for case conferences: the /conference command, its modal and the buttons on its messages."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.conferences import jobs as conferences_jobs
from bot.conferences import planning as conferences_planning
from bot.conferences import recurrence, views
from bot.conferences import service as conferences_service
from bot.conferences.commands import parse_command
from bot.conferences.recurrence import RecurrenceError, Schedule
from bot.conferences.service import ConferenceError, Reminders
from bot.conferences.when import ParseError
from bot.platform import clock
from bot.platform.clock import utcnow

log = logging.getLogger(__name__)

HELP = (
    "*Case conferences*\n"
    '`/conference #channel "Monthly case conference" every first Tuesday at 10am` schedules one; also '
    "`every other Thursday at 3pm`, `every month on the last Friday at noon`, `on Dec 3 at 2pm`, "
    "`tomorrow at 9am`, `in 10 minutes`. Add `in America/Chicago` for another time zone (default: yours).\n"
    "`/conference` opens a form · `/conference list` shows upcoming ones with their numbers\n"
    "`/conference skip <n> <date>` · `/conference move <n> <date> to <date> at <time>` · `/conference cancel <n>`\n"
    "`/conference facilitators <n> @a @b @c` rotates who facilitates\n"
    "`/conference agenda <n> add <de-identified case summary>` · `/conference agenda <n>`\n"
    "`/conference ics <n>` sends you a calendar file\n"
    "Reminders: a call for cases 7 days before, the agenda with RSVPs the day before, and a note at the start."
)


def _is_admin(context: dict[str, Any], user_id: str) -> bool:
    return user_id in context["settings"].admin_user_ids


def user_timezone(client: Any, user_id: str, fallback: str) -> str:
    """The person's Slack time zone, else the workspace default."""
    try:
        tz = (client.users_info(user=user_id).get("user") or {}).get("tz")
        return recurrence.canonical_timezone(tz) if tz else fallback
    except (SlackApiError, RecurrenceError):
        return fallback


def _reply(respond, message: str | dict[str, Any]) -> None:
    payload = {"text": message} if isinstance(message, str) else dict(message)
    respond(response_type="ephemeral", replace_original=False, **payload)


# --- /conference -------------------------------------------------------------------------------------------------------


def handle_command(ack, body: dict[str, Any], respond, client, context) -> None:
    ack()
    user_id, team_id, channel_id = body["user_id"], body["team_id"], body.get("channel_id", "")
    try:
        command = parse_command(body.get("text") or "")
    except ParseError as error:
        _reply(respond, views.error_message(error.friendly()))
        return
    try:
        _dispatch(
            command, body, respond, client, context, user_id=user_id, team_id=team_id, channel_id=channel_id
        )
    except ParseError as error:
        _reply(respond, views.error_message(error.friendly()))
    except (ConferenceError, RecurrenceError) as error:
        _reply(respond, views.error_message(str(error)))


def _dispatch(
    command, body, respond, client, context, *, user_id: str, team_id: str, channel_id: str
) -> None:
    db, settings = context["db"], context["settings"]
    now = utcnow()
    admin = _is_admin(context, user_id)
    if command.action == "help":
        _reply(respond, HELP)
    elif command.action == "modal":
        _open_create_modal(client, body["trigger_id"], user_id, channel_id, settings.default_timezone)
    elif command.action == "list":
        with db.session() as session:
            _reply(respond, views.list_message(conferences_service.list_upcoming(session, team_id, now)))
    elif command.action == "create":
        _create_from_text(command.request, respond, client, db, settings, user_id, team_id, channel_id, now)
    elif command.action == "skip":
        with db.session() as session:
            changed = conferences_service.skip_meeting(session, team_id=team_id, series_id=command.series_id,
                                               when=command.date, user_id=user_id, is_admin=admin, now=now)  # fmt: skip
            upcoming = recurrence.next_occurrences(conferences_planning.load_schedule(session, changed.series), 1, now)
        _reply(respond, views.skipped_message(changed.series.title, changed.occurrence, upcoming))
    elif command.action == "move":
        with db.session() as session:
            changed = conferences_service.move_meeting(session, team_id=team_id, series_id=command.series_id,
                                               when=command.date, target=command.new_when, user_id=user_id,
                                               is_admin=admin, now=now)  # fmt: skip
        _reply(respond, views.moved_message(changed.series.title, changed.occurrence, changed.new_start_local,
                                            changed.warnings))  # fmt: skip
    elif command.action == "cancel":
        with db.session() as session:
            series = conferences_service.cancel_series(session, team_id=team_id, series_id=command.series_id,
                                               user_id=user_id, is_admin=admin, now=now)  # fmt: skip
        _reply(respond, views.cancelled_message(series.title))
    elif command.action == "facilitators":
        with db.session() as session:
            series, upcoming = conferences_service.set_facilitators(session, team_id=team_id, series_id=command.series_id,
                                                            user_ids=command.user_ids, user_id=user_id,
                                                            is_admin=admin, now=now)  # fmt: skip
        _reply(respond, views.facilitators_message(series.title, series.facilitator_user_ids, upcoming))
    elif command.action == "agenda_add":
        with db.session() as session:
            item, occurrence, redaction = conferences_service.add_agenda_item(
                session,
                team_id=team_id,
                user_id=user_id,
                text=command.text,
                now=now,
                series_id=command.series_id,
            )
            series = conferences_service.get_series(session, team_id, occurrence.series_id)
        _reply(
            respond,
            views.agenda_added_message(series.title, occurrence.start_local, item.text, redaction.summary()),
        )
    elif command.action == "agenda_show":
        with db.session() as session:
            series = conferences_service.get_series(session, team_id, command.series_id)
            occurrence = conferences_service.next_occurrence_row(session, series, now)
            items = conferences_service.agenda_of(session, occurrence.id)
        _reply(respond, views.agenda_message(series.title, occurrence.start_local, items))
    elif command.action == "ics":
        with db.session() as session:
            filename, content, series = conferences_service.calendar_file(session, team_id=team_id,
                                                                  series_id=command.series_id, now=now)  # fmt: skip
        dm_channel = client.conversations_open(users=user_id)["channel"]["id"]
        conferences_jobs.upload_calendar(
            client, channel_id=dm_channel, series=series, filename=filename, content=content
        )
        _reply(respond, views.calendar_sent_message(series.title))


def _create_from_text(
    request, respond, client, db, settings, user_id, team_id, channel_id, now: datetime
) -> None:
    target_channel = request.channel_id or channel_id
    if not target_channel or target_channel.startswith("D"):
        raise ParseError(
            "Which channel should the reminders go to? Start with the channel, like `#case-conf`."
        )
    timezone = request.timezone or user_timezone(client, user_id, settings.default_timezone)
    schedule = request.schedule(timezone, now)
    with db.session() as session:
        created = conferences_service.create_series(session, team_id=team_id, owner_user_id=user_id,
                                            channel_id=target_channel, title=request.title, schedule=schedule,
                                            now=now)  # fmt: skip
    warnings = created.warnings + _membership_warning(client, target_channel)
    _reply(respond, views.created_message(series_id=created.series.id, title=created.series.title,
                                          channel_id=target_channel, schedule=schedule, upcoming=created.upcoming,
                                          warnings=warnings, privacy_note=created.privacy_note))  # fmt: skip


def _membership_warning(client: Any, channel_id: str) -> list[str]:
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        code = error.response.get("error")
        return [f"I can't see <#{channel_id}> (Slack said `{code}`). Invite me with `/invite @partnerbot`."]
    if channel.get("is_member") is False:
        return [
            f"I'm not in <#{channel_id}> yet. Invite me with `/invite @partnerbot` so reminders can be posted."
        ]
    return []


# --- the modal ----------------------------------------------------------------------------------------------------------


def _open_create_modal(
    client: Any, trigger_id: str, user_id: str, channel_id: str | None, default_tz: str
) -> None:
    timezone = user_timezone(client, user_id, default_tz)
    today = clock.to_local(utcnow(), timezone).date().isoformat()
    channel = channel_id if channel_id and channel_id[:1] in ("C", "G") else None
    client.views_open(
        trigger_id=trigger_id, view=views.create_modal(channel_id=channel, timezone=timezone, today=today)
    )


def open_modal_action(ack, body: dict[str, Any], client, context) -> None:
    ack()
    channel_id = (body.get("channel") or {}).get("id")
    _open_create_modal(
        client, body["trigger_id"], body["user"]["id"], channel_id, context["settings"].default_timezone
    )


def _state_value(values: dict[str, Any], block_id: str) -> Any:
    element = (values.get(block_id) or {}).get("value") or {}
    for key in (
        "selected_conversation",
        "selected_date",
        "selected_time",
        "selected_users",
        "selected_option",
        "value",
    ):
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


def schedule_from_modal(values: dict[str, Any], now: datetime) -> tuple[Schedule | None, dict[str, str]]:
    """The schedule a submitted form describes, or the per-field errors to show."""
    errors: dict[str, str] = {}
    try:
        timezone = recurrence.canonical_timezone(str(_state_value(values, "timezone") or ""))
    except RecurrenceError as error:
        errors["timezone"] = str(error)[:150].replace("`", "")
        timezone = "UTC"
    try:
        day = datetime.strptime(str(_state_value(values, "start_date")), "%Y-%m-%d").date()
    except ValueError:
        errors["start_date"] = "Pick the date of the first meeting."
        return None, errors
    try:
        at = datetime.strptime(str(_state_value(values, "start_time")), "%H:%M").time()
    except ValueError:
        errors["start_time"] = "Pick a time."
        return None, errors
    start = datetime.combine(day, at)
    repeat = _state_value(values, "repeat") or "none"
    interval = _whole_number(_state_value(values, "interval"), "interval", errors, 1, 52) or 1
    weekday = _state_value(values, "weekday") or recurrence.WEEKDAY_CODES[day.weekday()]
    if weekday not in recurrence.WEEKDAY_CODES:
        errors["weekday"] = "Pick a weekday."
    rule = None
    if repeat == "weekly":
        rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekday}"
    elif repeat == "monthly":
        week = _state_value(values, "week_of_month") or "1"
        if week == "day":
            if day.day > 28:
                errors["start_date"] = (
                    "Not every month has this day; pick the 28th or earlier, or a week of the month."
                )
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
            errors["start_date"] = "That rule has no dates after the first meeting."
            return None, errors
        start = first
    if clock.local_to_utc(start, timezone) <= now:
        errors[
            "start_date" if start.date() < clock.to_local(now, timezone).date() else "start_time"
        ] = "That time has already passed."
        return None, errors
    return Schedule(start_local=start, timezone=timezone, rrule=rule), {}


def submit_create(ack, body: dict[str, Any], client, context) -> None:
    values = body["view"]["state"]["values"]
    now = utcnow()
    schedule, errors = schedule_from_modal(values, now)
    title = str(_state_value(values, "title") or "").strip()
    channel_id = _state_value(values, "channel")
    if not title:
        errors["title"] = "Give the conference a title."
    if not channel_id:
        errors["channel"] = "Pick the channel for reminders."
    agenda_days = _whole_number(_state_value(values, "agenda_call_days"), "agenda_call_days", errors, 0, 30)
    reminder_hours = _whole_number(_state_value(values, "reminder_hours"), "reminder_hours", errors, 0, 240)
    link = str(_state_value(values, "video_link") or "").strip()
    if link and not link.lower().startswith(("https://", "http://")):
        errors["video_link"] = "Use a web address starting with https://"
    if errors or schedule is None:
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    reminders = Reminders(
        agenda_call_minutes=None if agenda_days is None else agenda_days * 24 * 60,
        day_before_minutes=None if reminder_hours is None else reminder_hours * 60,
    )
    facilitators = _state_value(values, "facilitators") or []
    try:
        with context["db"].session() as session:
            created = conferences_service.create_series(session, team_id=team_id, owner_user_id=user_id,
                                                channel_id=channel_id, title=title, schedule=schedule, now=now,
                                                video_link=link, facilitator_user_ids=facilitators,
                                                reminders=reminders)  # fmt: skip
    except (ConferenceError, RecurrenceError) as error:
        client.chat_postMessage(channel=user_id, text=views.error_message(str(error)))
        return
    message = views.created_message(series_id=created.series.id, title=created.series.title, channel_id=channel_id,
                                    schedule=schedule, upcoming=created.upcoming,
                                    warnings=created.warnings + _membership_warning(client, channel_id),
                                    privacy_note=created.privacy_note)  # fmt: skip
    client.chat_postMessage(channel=user_id, **message)


# --- buttons --------------------------------------------------------------------------------------------------------------


def _action_value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def undo_action(ack, body: dict[str, Any], respond, context) -> None:
    ack()
    try:
        with context["db"].session() as session:
            series = conferences_service.undo_create(session, team_id=body["team"]["id"], series_id=int(_action_value(body)),
                                             user_id=body["user"]["id"], now=utcnow())  # fmt: skip
    except (ConferenceError, ValueError) as error:
        _reply(
            respond,
            views.error_message(
                str(error) if isinstance(error, ConferenceError) else "That button is stale."
            ),
        )
        return
    respond(replace_original=True, text=views.undone_message(series.title))


def _refresh_reminder(client: Any, body: dict[str, Any], db, occurrence_id: int) -> None:
    """Re-renders the day-before reminder the button sits on, so counts and facilitators stay current."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    if not channel or not message.get("ts"):
        return
    with db.session() as session:
        details = conferences_service.meeting_details(session, occurrence_id)
    if details is None:
        return
    text, blocks = views.day_before_message(details)
    client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=blocks)


def _rsvp(response: str):
    def answer(ack, body: dict[str, Any], respond, client, context) -> None:
        ack()
        try:
            occurrence_id = int(_action_value(body))
            with context["db"].session() as session:
                conferences_service.record_rsvp(session, team_id=body["team"]["id"], occurrence_id=occurrence_id,
                                        user_id=body["user"]["id"], response=response, now=utcnow())  # fmt: skip
        except (ConferenceError, ValueError):
            _reply(respond, views.error_message("I couldn't find that meeting anymore."))
            return
        _refresh_reminder(client, body, context["db"], occurrence_id)

    answer.__name__ = f"rsvp_{response}"
    return answer


def swap_action(ack, body: dict[str, Any], respond, client, context) -> None:
    ack()
    user_id = body["user"]["id"]
    try:
        occurrence_id = int(_action_value(body))
        with context["db"].session() as session:
            this, following = conferences_service.swap_facilitator(session, team_id=body["team"]["id"],
                                                           occurrence_id=occurrence_id, user_id=user_id,
                                                           is_admin=_is_admin(context, user_id), now=utcnow())  # fmt: skip
    except ConferenceError as error:
        _reply(respond, views.error_message(str(error)))
        return
    except ValueError:
        _reply(respond, views.error_message("That button is stale."))
        return
    _refresh_reminder(client, body, context["db"], occurrence_id)

    def who(user: str | None) -> str:
        return f"<@{user}>" if user else "nobody"

    respond(response_type="in_channel", replace_original=False,
            text=(f":arrows_counterclockwise: <@{user_id}> swapped facilitators: {who(this.facilitator_user_id)} "
                  f"leads {recurrence.format_when(this.start_local)}, {who(following.facilitator_user_id)} "
                  f"leads {recurrence.format_when(following.start_local)}."))  # fmt: skip


def add_case_action(ack, body: dict[str, Any], respond, client, context) -> None:
    ack()
    try:
        occurrence_id = int(_action_value(body))
        with context["db"].session() as session:
            details = conferences_service.meeting_details(session, occurrence_id)
    except ValueError:
        details = None
    if details is None or details.series.team_id != body["team"]["id"]:
        _reply(respond, views.error_message("I couldn't find that meeting anymore."))
        return
    when = recurrence.format_when(details.occurrence.start_local)
    channel_id = (body.get("channel") or {}).get("id")
    client.views_open(trigger_id=body["trigger_id"], view=views.add_case_modal(
        occurrence_id=occurrence_id, title=details.series.title, when=when, channel_id=channel_id))  # fmt: skip


def submit_add_case(ack, body: dict[str, Any], client, context) -> None:
    text = str(_state_value(body["view"]["state"]["values"], "case") or "").strip()
    if not text:
        ack(response_action="errors", errors={"case": "Add a short, de-identified summary of the case."})
        return
    try:
        metadata = json.loads(body["view"].get("private_metadata") or "{}")
        occurrence_id = int(metadata["occurrence_id"])
    except (ValueError, KeyError, TypeError):
        ack(response_action="errors", errors={"case": "This form is out of date; click Add a case again."})
        return
    ack()
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    try:
        with context["db"].session() as session:
            item, occurrence, redaction = conferences_service.add_agenda_item(session, team_id=team_id, user_id=user_id,
                                                                      text=text, now=utcnow(),
                                                                      occurrence_id=occurrence_id)  # fmt: skip
            series = conferences_service.get_series(session, team_id, occurrence.series_id)
        message = views.agenda_added_message(
            series.title, occurrence.start_local, item.text, redaction.summary()
        )
    except ConferenceError as error:
        message = views.error_message(str(error))
    channel_id = metadata.get("channel_id")
    try:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=message)
            return
    except SlackApiError:
        log.info("conferences: could not confirm an agenda item in the channel; confirming by DM")
    client.chat_postMessage(channel=user_id, text=message)


def _ack_only(ack) -> None:
    ack()


def register(app: App) -> None:
    app.command("/conference")(handle_command)
    app.action(views.OPEN_MODAL)(open_modal_action)
    app.view(views.CREATE_CALLBACK)(submit_create)
    app.action(views.UNDO)(undo_action)
    app.action(views.RSVP_GOING)(_rsvp("going"))
    app.action(views.RSVP_NOT_GOING)(_rsvp("not_going"))
    app.action(views.SWAP)(swap_action)
    app.action(views.ADD_CASE)(add_case_action)
    app.view(views.ADD_CASE_CALLBACK)(submit_add_case)
    app.action(views.JOIN)(_ack_only)  # a link button: Slack still sends the click
