"""Slack adapter for the resource directory: /resource, the form, buttons, the message shortcut, mentions, DMs
and watched channels. Each listener acks, parses, calls bot.directory in a session, renders and responds; a
FeatureError is replied privately. Slack calls happen after the session is committed.

Nothing here logs what people typed; only outcomes are logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.directory import commands, service, stewards, views, watch
from bot.directory.commands import (
    AddResource,
    ChangeSteward,
    EditResource,
    ListResources,
    ManageResource,
    OpenForm,
    ShowHelp,
    ShowResource,
    Watch,
)
from bot.directory.fields import ResourceFields
from bot.directory.hsds import validate_fields
from bot.platform import review
from bot.platform.errors import FeatureError
from bot.platform.routing import addressed_to_bot, is_direct_message, is_from_a_person, text_for_bot
from bot.platform.slacktext import safe

log = logging.getLogger(__name__)

LOG_PHRASE = r"^(?:please\s+)?(?:log|add|save)\s+(?:a\s+|this\s+|new\s+)?(?:community\s+)?resource\b"
_LOG_PREFIX = re.compile(LOG_PHRASE + r"\s*[:\-–]?\s*", re.IGNORECASE)


def register(app: App) -> None:
    app.command("/resource")(resource_command)
    app.action(views.OPEN_MODAL_ACTION)(open_resource_modal)
    app.action(views.EDIT_ACTION)(edit_button)
    app.action(views.UNDO_ACTION)(undo_button)
    app.action(views.VERIFY_ACTION)(verify_button)
    app.view(views.MODAL_CALLBACK)(modal_submitted)
    app.shortcut("log_resource")(log_resource_shortcut)
    app.event("app_mention", matchers=[addressed_to_bot(LOG_PHRASE)])(log_from_conversation)
    app.event("message", matchers=[addressed_to_bot(LOG_PHRASE)])(log_from_conversation)
    app.event("message", matchers=[in_watched_channel])(watched_channel_message)
    for choice in review.CHOICES:
        app.action(review.action_id(views.REVIEW_SURFACE, choice))(review_button(choice))


def _open_form(client: WebClient, trigger_id: str, fields: ResourceFields, *, channel_id: str | None,
               resource_id: int | None = None, notice: str = "") -> None:  # fmt: skip
    view = views.resource_modal(fields, resource_id=resource_id, channel_id=channel_id, notice=notice)
    client.views_open(trigger_id=trigger_id, view=view)


# --- /resource ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    """A /resource answer that is a form to open rather than a message."""

    fields: ResourceFields
    resource_id: int | None = None
    notice: str = ""


def resource_command(ack, command, respond, client: WebClient, context) -> None:
    ack()
    actor, channel_id = context["actor"], command.get("channel_id")

    def reply(text: str, blocks: list[dict] | None = None) -> None:
        respond(text=text, blocks=blocks or views.text_blocks(text), response_type="ephemeral")

    try:
        parsed = commands.parse(command.get("text") or "")
        if isinstance(parsed, OpenForm | ShowHelp):
            answer = _Form(ResourceFields()) if isinstance(parsed, OpenForm) else (commands.HELP, None)
        else:
            with context["db"].session() as session:
                answer = _answer(session, actor, parsed, channel_id, context["settings"].admin_user_ids)
    except FeatureError as error:
        reply(error.message)
        return
    if isinstance(answer, _Form):
        _open_form(client, command["trigger_id"], answer.fields, channel_id=channel_id,
                   resource_id=answer.resource_id, notice=answer.notice)  # fmt: skip
    else:
        reply(*answer)


def _answer(session, actor, parsed, channel_id: str | None, admins) -> _Form | tuple[str, list[dict] | None]:
    """The service call for a /resource command, rendered: a reply (text, blocks) or a form to open."""
    if isinstance(parsed, AddResource):
        result = service.add_resource(session, actor, parsed)
        if isinstance(result, service.NeedsForm):
            return _Form(result.prefill, notice=views.needs_form_notice(result))
        log.info("resource %s %s by %s", result.resource.id, result.status, actor.user_id)
        return views.logged_reply(result)
    if isinstance(parsed, ListResources):
        return views.listing_blocks(service.list_resources(session, actor, parsed))
    if isinstance(parsed, ShowResource):
        shown = service.show_resource(session, actor, parsed)
        return safe(shown.resource.name), views.resource_card(shown.resource, can_edit=shown.can_edit)
    if isinstance(parsed, EditResource):
        result = service.edit_by_name(session, actor, parsed)
        if isinstance(result, service.EditForm):
            return _Form(result.fields, result.resource_id)
        return views.edited_reply(result)
    if isinstance(parsed, ManageResource):
        managed = stewards.manage_resource(session, actor, parsed)
        log.info("resource %s %s by %s", managed.resource.id, managed.action, actor.user_id)
        return views.managed_text(managed), None
    if isinstance(parsed, Watch):
        return views.watch_text(parsed.on, watch.watch_channel(session, actor, parsed, channel_id)), None
    if isinstance(parsed, ChangeSteward):
        return views.steward_changed_text(stewards.change_steward(session, actor, parsed)), None
    return views.stewards_text(stewards.list_stewards(session, actor), sorted(admins)), None


# --- buttons, form, shortcut ----------------------------------------------------------------------------------


def _clicked(body: dict) -> str:
    return ((body.get("actions") or [{}])[0].get("value") or "").strip()


def _clicked_id(body: dict) -> int | None:
    try:
        return int(_clicked(body))
    except ValueError:
        return None


def _private(respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def open_resource_modal(ack, body, client: WebClient) -> None:
    """Opens the form, prefilled when the button carries details (JSON) or text (redacted again anyway). Other
    features' buttons carry a one-word marker ("home") or nothing: the form opens empty."""
    ack()
    value = _clicked(body)
    fields, notice = ResourceFields(), ""
    packed = views.prefill_from_value(value) if value.startswith("{") else None
    if packed is not None:
        fields, notice = packed, views.prefill_notice(service.NeedsForm(packed))
    elif " " in value:
        read = service.prefill(value)
        fields, notice = read.prefill, views.prefill_notice(read)
    _open_form(client, body["trigger_id"], fields, channel_id=(body.get("channel") or {}).get("id"), notice=notice)


def edit_button(ack, body, client: WebClient, respond, context) -> None:
    ack()
    resource_id = _clicked_id(body)
    if resource_id is None:
        return
    try:
        with context["db"].session() as session:
            form = service.open_edit(session, context["actor"], resource_id)
    except FeatureError as error:
        _private(respond, error.message)
        return
    _open_form(client, body["trigger_id"], form.fields, resource_id=form.resource_id,
               channel_id=(body.get("channel") or {}).get("id"))  # fmt: skip


def review_button(choice: str):
    """Save as shown / Remove marked words / Edit under a resource saved without its doubtful words."""

    def answer(ack, body, client: WebClient, respond, context) -> None:
        ack()
        try:
            with context["db"].session() as session:
                result = service.answer_review(session, context["actor"], _clicked(body), choice)
        except FeatureError as error:
            _private(respond, error.message)
            return
        if isinstance(result, service.EditForm):
            _open_form(client, body["trigger_id"], result.fields, resource_id=result.resource_id,
                       channel_id=(body.get("channel") or {}).get("id"))  # fmt: skip
            return
        text, blocks = views.edited_reply(result) if result else (views.review_answered_text(), None)
        respond(text=text, blocks=blocks or views.text_blocks(text), replace_original=False)

    return answer


def _replace_clicked_message(body, respond, context, act) -> None:
    """A button on a row: `act(session, actor, id)` returns the text that replaces the message it was on."""
    target = _clicked_id(body)
    if target is None:
        return
    try:
        with context["db"].session() as session:
            message = act(session, context["actor"], target)
    except FeatureError as error:
        _private(respond, error.message)
        return
    respond(text=message, blocks=views.text_blocks(message), replace_original=True)


def undo_button(ack, body, respond, context) -> None:
    ack()
    _replace_clicked_message(body, respond, context,
                             lambda session, actor, entry_id: views.undone_text(service.undo(session, actor, entry_id)))


def verify_button(ack, body, respond, context) -> None:
    """"Mark verified" on a steward's outdated-info notice."""
    ack()
    _replace_clicked_message(body, respond, context, lambda session, actor, resource_id: views.managed_text(
        stewards.verify_by_id(session, actor, resource_id)))  # fmt: skip


def modal_submitted(ack, body, view, client: WebClient, context) -> None:
    actor = context["actor"]
    fields = views.fields_from_state(view["state"]["values"])
    resource_id, channel_id = views.form_metadata(view)
    errors = validate_fields(fields)
    if errors:
        ack(response_action="errors", errors=views.form_errors(errors))
        return
    # The save is quick, so it happens before the acknowledgement: a refusal (permission, a name already
    # taken) can then be shown in the form itself instead of in a separate message.
    try:
        with context["db"].session() as session:
            result = service.save_form(session, actor, service.FormSubmission(fields, resource_id))
            text, blocks = (views.edited_reply(result) if isinstance(result, service.Edited)
                            else views.logged_reply(result))  # fmt: skip
    except FeatureError as error:
        ack(response_action="errors", errors={"name": error.message})
        return
    ack()
    _notify(client, channel_id, actor.user_id, text, blocks)


def _notify(client: WebClient, channel_id: str | None, user_id: str, text: str, blocks: list[dict]) -> None:
    """Shows the result to the person only: ephemeral in the channel the form came from, else in a DM."""
    if channel_id and not channel_id.startswith("D"):
        try:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)
            return
        except SlackApiError as error:
            # The form may come from a channel the bot is not in; the person still gets the result, in a DM.
            log.info("ephemeral reply failed (%s); sending a DM instead", error.response.get("error"))
    client.chat_postMessage(channel=user_id, text=text, blocks=blocks)


def log_resource_shortcut(ack, shortcut, client: WebClient) -> None:
    """Message shortcut "Log community resource": the form, prefilled from the message after redaction."""
    ack()
    read = service.prefill((shortcut.get("message") or {}).get("text") or "")
    _open_form(client, shortcut["trigger_id"], read.prefill, channel_id=(shortcut.get("channel") or {}).get("id"),
               notice=views.prefill_notice(read))  # fmt: skip


# --- mentions, DMs and watched channels -----------------------------------------------------------------------


def log_from_conversation(event, client: WebClient, context) -> None:
    """`@partnerbot log resource: …` in a channel (answered privately) or `log resource: …` in a DM."""
    actor = context["actor"]
    try:
        command = commands.parse_add(_LOG_PREFIX.sub("", text_for_bot(event), count=1))
        with context["db"].session() as session:
            result = service.add_resource(session, actor, command)
            if isinstance(result, service.NeedsForm):
                text, blocks = views.needs_form_blocks(result)
            else:
                log.info("resource %s %s by %s", result.resource.id, result.status, actor.user_id)
                text, blocks = views.logged_reply(result)
    except FeatureError as error:
        text, blocks = error.message, views.text_blocks(error.message)
    if is_direct_message(event):
        client.chat_postMessage(channel=event["channel"], text=text, blocks=blocks)
    else:
        client.chat_postEphemeral(channel=event["channel"], user=actor.user_id, text=text, blocks=blocks)


def in_watched_channel(event, context) -> bool:
    """Matcher: a person's new message in a channel that opted in with `/resource watch on`."""
    if event.get("type") != "message" or is_direct_message(event) or not is_from_a_person(event):
        return False
    if not event.get("channel") or not event.get("text") or context.get("actor") is None:
        return False
    # A message that @mentions the bot also arrives as an app_mention, which answers it; counting it here too
    # would count the same mention twice.
    if context.bot_user_id and f"<@{context.bot_user_id}" in event["text"]:
        return False
    with context["db"].session() as session:
        return watch.is_watched(session, context["actor"].team_id, event["channel"])


def watched_channel_message(event, client: WebClient, context) -> None:
    actor = context["actor"]
    message = watch.ChannelMessage(event["channel"], event.get("ts") or "", event.get("text") or "")
    with context["db"].session() as session:
        outcome = watch.observe_watched_message(session, actor, message)
    if outcome is None or outcome.kind != "suggest":
        return
    client.chat_postEphemeral(
        channel=event["channel"],
        user=actor.user_id,
        text="Log this resource? It looks like a community resource that isn't in the directory yet.",
        blocks=views.suggestion_blocks(outcome.prefill),
    )
