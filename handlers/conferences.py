"""Slack adapter for case conferences: the /conference command, its forms and the buttons on its messages.

Each listener acks, parses into a typed command, calls bot.conferences.service in one session, renders with
bot.conferences.views and replies; a FeatureError becomes an ephemeral reply. The workspace is always the actor's
(the installation's), never the team a Slack Connect guest's payload names; a button's row is checked against it
by the service. Nothing here logs what people typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.conferences import commands, views
from bot.conferences import service as conferences
from bot.conferences.commands import (
    AddAgenda,
    Cancel,
    Command,
    Create,
    FormErrors,
    Help,
    ListUpcoming,
    Move,
    OpenForm,
    SendCalendar,
    SetFacilitators,
    ShowAgenda,
    Skip,
)
from bot.platform import clock, review
from bot.platform.dates import format_when
from bot.platform.errors import FeatureError

log = logging.getLogger(__name__)
T = TypeVar("T")


def register(app: App) -> None:
    app.command("/conference")(conference_command)
    app.action(views.OPEN_MODAL)(open_form_button)
    app.view(views.CREATE_CALLBACK)(submit_create)
    app.action(views.UNDO)(undo_button)
    app.action(views.RSVP_GOING)(rsvp_button("going"))
    app.action(views.RSVP_NOT_GOING)(rsvp_button("not_going"))
    app.action(views.SWAP)(swap_button)
    app.action(views.ADD_CASE)(add_case_button)
    app.view(views.ADD_CASE_CALLBACK)(submit_add_case)
    app.action(views.HOLIDAY_SKIP)(holiday_button)
    app.action(views.HOLIDAY_MOVE)(holiday_button)
    app.action(views.JOIN)(_ack_only)  # a link button: Slack still sends the click
    for choice in review.CHOICES:
        app.action(review.action_id(conferences.AGENDA_SURFACE, choice))(agenda_review_button(choice))


def _reply(respond, message: str | dict[str, Any]) -> None:
    payload = {"text": message} if isinstance(message, str) else dict(message)
    respond(response_type="ephemeral", replace_original=False, **payload)


def _refuse(respond, error: FeatureError) -> None:
    _reply(respond, views.error_message(error.message))


def _channel_problem(client: Any, channel_id: str) -> list[str]:
    """Whether reminders can be posted in the channel, as a warning for the reply (empty when they can)."""
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        return views.channel_problem(channel_id, str(error.response.get("error") or "unknown_error"))
    return views.channel_problem(channel_id, "not_member" if channel.get("is_member") is False else None)


# --- /conference -------------------------------------------------------------------------------------------------------


def conference_command(ack, command, respond, client, context) -> None:
    ack()
    actor = context["actor"]
    try:
        parsed = commands.parse_command(command.get("text") or "")
        if isinstance(parsed, OpenForm):
            _open_form(client, command["trigger_id"], actor, command.get("channel_id"))
            return
        if isinstance(parsed, SendCalendar):
            _send_calendar(parsed, actor, client, respond, context)
            return
        with context["db"].session() as session:
            reply = _run(parsed, session, actor, context, command.get("channel_id"))
        if isinstance(parsed, Create):
            reply = _created_reply(reply, client)
    except FeatureError as error:
        _refuse(respond, error)
        return
    _reply(respond, reply)


def _run(parsed: Command, session, actor, context, here_channel_id: str | None) -> Any:
    """The service call for a typed command, rendered; a Create returns the service's result for the caller."""
    now, country = clock.utcnow(), context["settings"].holiday_country
    if isinstance(parsed, Help):
        return commands.HELP
    if isinstance(parsed, ListUpcoming):
        return views.list_message(conferences.list_upcoming(session, actor, now))
    if isinstance(parsed, Create):
        return conferences.create_from_text(session, actor, parsed, here_channel_id=here_channel_id, now=now,
                                            holiday_country=country)  # fmt: skip
    if isinstance(parsed, Skip):
        return views.skipped_message(conferences.skip_meeting(session, actor, parsed, now=now))
    if isinstance(parsed, Move):
        return views.moved_message(conferences.move_meeting(session, actor, parsed, now=now, holiday_country=country))
    if isinstance(parsed, Cancel):
        return views.cancelled_message(conferences.cancel_series(session, actor, parsed, now=now).title)
    if isinstance(parsed, SetFacilitators):
        return views.facilitators_message(conferences.set_facilitators(session, actor, parsed, now=now))
    if isinstance(parsed, AddAgenda):
        return views.agenda_added_message(conferences.add_agenda_item(session, actor, parsed, now=now))
    if isinstance(parsed, ShowAgenda):
        return views.agenda_message(conferences.show_agenda(session, actor, parsed, now=now))
    raise FeatureError(commands.HELP)  # pragma: no cover - parse_command returns one of the above


def _created_reply(created: conferences.Created, client: Any) -> dict[str, Any]:
    return views.created_message(created, warnings=_channel_problem(client, created.series.channel_id))


def _send_calendar(parsed: SendCalendar, actor, client, respond, context) -> None:
    with context["db"].session() as session:
        calendar = conferences.calendar_file(session, actor, parsed, now=clock.utcnow())
    dm_channel = client.conversations_open(users=actor.user_id)["channel"]["id"]
    # files_upload_v2 is Slack's external upload flow: getUploadURLExternal, the upload, completeUploadExternal.
    client.files_upload_v2(channel=dm_channel, content=calendar.content, filename=calendar.filename,
                           title=f"{calendar.series.title} (calendar)",
                           initial_comment=views.calendar_comment(calendar.series.title))  # fmt: skip
    _reply(respond, views.calendar_sent_message(calendar.series.title))


def _open_form(client: Any, trigger_id: str, actor, channel_id: str | None) -> None:
    today = clock.local_today(clock.utcnow(), actor.timezone).isoformat()
    channel = channel_id if channel_id and channel_id[:1] in ("C", "G") else None
    client.views_open(trigger_id=trigger_id,
                      view=views.create_modal(channel_id=channel, timezone=actor.timezone, today=today))  # fmt: skip


def open_form_button(ack, body, client, context) -> None:
    ack()
    _open_form(client, body["trigger_id"], context["actor"], (body.get("channel") or {}).get("id"))


def _acked_form(ack, parse: Callable[[], T]) -> T | None:
    """Reads a submitted form and acks it: with the errors to show next to each field (None), or closing it."""
    try:
        parsed = parse()
    except FormErrors as error:
        ack(response_action="errors", errors=error.errors)
        return None
    ack()
    return parsed


def submit_create(ack, body, client, context) -> None:
    actor = context["actor"]
    new = _acked_form(ack, lambda: commands.parse_create_form(body["view"]["state"]["values"], clock.utcnow()))
    if new is None:
        return
    try:
        with context["db"].session() as session:
            created = conferences.create_series(session, actor, new, now=clock.utcnow(),
                                                holiday_country=context["settings"].holiday_country)  # fmt: skip
    except FeatureError as error:
        client.chat_postMessage(channel=actor.user_id, text=views.error_message(error.message))
        return
    client.chat_postMessage(channel=actor.user_id, **_created_reply(created, client))


# --- buttons --------------------------------------------------------------------------------------------------------------


def _button_value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value") or "")


def undo_button(ack, body, respond, context) -> None:
    ack()
    try:
        series_id = commands.button_number(_button_value(body))
        with context["db"].session() as session:
            series = conferences.undo_create(session, context["actor"], series_id, now=clock.utcnow())
    except FeatureError as error:
        _refuse(respond, error)
        return
    respond(replace_original=True, text=views.undone_message(series.title))


def _refresh_reminder(client: Any, body: dict[str, Any], details: conferences.MeetingDetails) -> None:
    """Re-renders the day-before reminder the button sits on, so counts and facilitators stay current."""
    message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
    if channel and message.get("ts"):
        text, blocks = views.day_before_message(details)
        client.chat_update(channel=channel, ts=message["ts"], text=text, blocks=blocks)


def rsvp_button(response: str) -> Callable[..., None]:
    def rsvp(ack, body, respond, client, context) -> None:
        ack()
        try:
            occurrence_id = commands.button_number(_button_value(body))
            with context["db"].session() as session:
                details = conferences.record_rsvp(session, context["actor"], occurrence_id, response,
                                                  now=clock.utcnow())  # fmt: skip
        except FeatureError as error:
            _refuse(respond, error)
            return
        _refresh_reminder(client, body, details)

    rsvp.__name__ = f"rsvp_{response}"
    return rsvp


def swap_button(ack, body, respond, client, context) -> None:
    ack()
    actor = context["actor"]
    try:
        occurrence_id = commands.button_number(_button_value(body))
        with context["db"].session() as session:
            swapped = conferences.swap_facilitator(session, actor, occurrence_id, now=clock.utcnow())
            details = conferences.meeting_for(session, actor, occurrence_id)
    except FeatureError as error:
        _refuse(respond, error)
        return
    _refresh_reminder(client, body, details)
    respond(response_type="in_channel", replace_original=False, text=views.swapped_message(actor.user_id, swapped))


def add_case_button(ack, body, respond, client, context) -> None:
    ack()
    try:
        occurrence_id = commands.button_number(_button_value(body))
        with context["db"].session() as session:
            details = conferences.meeting_for(session, context["actor"], occurrence_id)
    except FeatureError as error:
        _refuse(respond, error)
        return
    view = views.add_case_modal(occurrence_id=occurrence_id, title=details.series.title,
                                when=format_when(details.occurrence.start_local),
                                channel_id=(body.get("channel") or {}).get("id"))  # fmt: skip
    client.views_open(trigger_id=body["trigger_id"], view=view)


def submit_add_case(ack, body, client, context) -> None:
    actor = context["actor"]
    form = _acked_form(ack, lambda: commands.parse_add_case_form(body["view"]["state"]["values"],
                                                                 body["view"].get("private_metadata") or ""))  # fmt: skip
    if form is None:
        return
    parsed, channel_id = form
    try:
        with context["db"].session() as session:
            message = views.agenda_added_message(conferences.add_agenda_item(session, actor, parsed, now=clock.utcnow()))
    except FeatureError as error:
        message = views.error_message(error.message)
    payload = {"text": message} if isinstance(message, str) else dict(message)
    try:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=actor.user_id, **payload)
            return
    except SlackApiError:
        log.info("conferences: could not confirm an agenda item in the channel; confirming by DM")
    client.chat_postMessage(channel=actor.user_id, **payload)


def agenda_review_button(choice: str) -> Callable[..., None]:
    """Save / Remove marked words / Edit on an agenda item held for review; the button carries only a token."""

    def answer(ack, body, respond, context) -> None:
        ack()
        try:
            with context["db"].session() as session:
                result = conferences.add_reviewed_agenda_item(session, context["actor"], _button_value(body), choice,
                                                              now=clock.utcnow())  # fmt: skip
        except FeatureError as error:
            _refuse(respond, error)
            return
        message = views.agenda_edit_message(result) if isinstance(result, str) else views.agenda_added_message(result)
        respond(response_type="ephemeral", replace_original=True,
                **({"text": message} if isinstance(message, str) else message))

    return answer


def holiday_button(ack, body, respond, context) -> None:
    """Skip or Move on a public-holiday warning: the same change as typing `/conference skip` or `move`."""
    ack()
    actor, now = context["actor"], clock.utcnow()
    try:
        parsed = commands.parse_holiday_button(_button_value(body))
        with context["db"].session() as session:
            if isinstance(parsed, Skip):
                reply = views.skipped_message(conferences.skip_meeting(session, actor, parsed, now=now))
            else:
                reply = views.moved_message(conferences.move_meeting(session, actor, parsed, now=now,
                                                                     holiday_country=context["settings"].holiday_country))  # fmt: skip
    except FeatureError as error:
        _refuse(respond, error)
        return
    _reply(respond, reply)


def _ack_only(ack) -> None:
    ack()
