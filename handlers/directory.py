"""Slack adapter for the resource directory: /resource, the form, buttons, the message shortcut, mentions, DMs
and watched channels. Every path that saves ends in bot.directory.log_resource (redaction happens there).

Nothing here logs what people typed; only outcomes are logged.
"""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.directory import service as directory_service
from bot.directory import stewards as directory_stewards
from bot.directory import views
from bot.directory import watch as directory_watch
from bot.directory.extract import extract_fields
from bot.directory.fields import ResourceFields
from bot.directory.hsds import validate_fields
from bot.platform import vocabulary
from bot.platform.privacy import redact
from bot.platform.routing import addressed_to_bot, is_direct_message, is_from_a_person, text_for_bot
from bot.platform.slacktext import safe

log = logging.getLogger(__name__)

LOG_PHRASE = r"^(?:please\s+)?(?:log|add|save)\s+(?:a\s+|this\s+|new\s+)?(?:community\s+)?resource\b"
_LOG_PREFIX = re.compile(LOG_PHRASE + r"\s*[:\-–]?\s*", re.IGNORECASE)
_USER_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")

NOT_ALLOWED = "Only stewards and admins can do that. Ask one of them, or an admin can make you a steward."
MEMBERS_ONLY = (
    "Only members of this workspace can change its resource directory. "
    "You can still look things up with `/resource list` and `/resource show`."
)
READ_ONLY_VERBS = ("list", "show", "info", "find", "help", "?")


def _from_another_organization(team_id: str | None, user_team: str | None) -> bool:
    """A Slack Connect guest from a partner organization (their own team id differs from this workspace's)."""
    return bool(user_team) and bool(team_id) and user_team != team_id


def register(app: App) -> None:
    app.command("/resource")(resource_command)
    app.action(views.OPEN_MODAL_ACTION)(open_resource_modal)
    app.action(views.EDIT_ACTION)(edit_button)
    app.action(views.UNDO_ACTION)(undo_button)
    app.view(views.MODAL_CALLBACK)(modal_submitted)
    app.shortcut("log_resource")(log_resource_shortcut)
    app.event("app_mention", matchers=[addressed_to_bot(LOG_PHRASE)])(log_from_conversation)
    app.event("message", matchers=[addressed_to_bot(LOG_PHRASE)])(log_from_conversation)
    app.event("message", matchers=[in_watched_channel])(watched_channel_message)


# --- shared pieces ------------------------------------------------------------------------------------------


def _card_for(session, result: directory_service.LogResult, user_id: str, settings) -> tuple[str, list[dict]]:
    resource = result.resource
    blocks = views.resource_card(
        resource,
        headline=views.log_headline(result.status, result.filled, result.kept),
        privacy_note=result.privacy_note,
        log_entry_id=result.log_entry_id,
        can_edit=directory_service.can_edit(session, resource, user_id, settings),
    )
    text = views.logged_text(result.status, resource)
    if result.privacy_note:
        text += " " + result.privacy_note
    return text, blocks


def _log_and_render(db, settings, *, team_id: str, user_id: str, text: str) -> tuple[str, list[dict]]:
    """Logs free text and returns the reply (text, blocks); a refusal comes back as a plain message."""
    with db.session() as session:
        result = directory_service.log_resource(session, team_id=team_id, user_id=user_id, text=text, source="slack")
        if not result.saved:
            message = result.message
            if result.privacy_note:
                message += "\n" + result.privacy_note
            return message, views.text_blocks(message)
        log.info("resource %s %s by %s", result.resource.id, result.status, user_id)
        return _card_for(session, result, user_id, settings)


def _prefill_from_text(text: str) -> tuple[ResourceFields, str]:
    """Form values from typed text, redacted first; and the notice telling what was removed."""
    redaction = redact(text[: directory_service.MAX_TEXT_LENGTH])
    fields = extract_fields(redaction.text)
    notice = "Prefilled from the message. Check the details before saving."
    if redaction.changed:
        notice += " :lock: " + redaction.summary()
    return fields, notice


def _open_modal(client: WebClient, trigger_id: str, view: dict) -> None:
    client.views_open(trigger_id=trigger_id, view=view)


# --- /resource ----------------------------------------------------------------------------------------------


def resource_command(ack, command, respond, client: WebClient, context) -> None:
    ack()
    db, settings = context["db"], context["settings"]
    team_id, user_id, channel_id = (
        context.team_id or command.get("team_id"),
        command["user_id"],
        command.get("channel_id"),
    )
    text = (command.get("text") or "").strip()
    verb, rest = (text.split(None, 1) + ["", ""])[:2]  # any whitespace, a line break too, ends the verb
    verb, rest = verb.lower(), rest.strip()

    def reply(message: str, blocks: list[dict] | None = None) -> None:
        respond(text=message, blocks=blocks or views.text_blocks(message), response_type="ephemeral")

    if verb not in READ_ONLY_VERBS and _from_another_organization(team_id, command.get("user_team_id")):
        reply(MEMBERS_ONLY)
    elif not text:
        _open_modal(
            client, command["trigger_id"], views.resource_modal(ResourceFields(), channel_id=channel_id)
        )
    elif verb == "add":
        reply(*_log_and_render(db, settings, team_id=team_id, user_id=user_id, text=rest))
    elif verb in ("help", "?"):
        reply(views.HELP_TEXT)
    elif verb == "list":
        _list(db, team_id, rest, reply)
    elif verb in ("show", "info", "find"):
        _show(db, settings, team_id, user_id, rest, reply)
    elif verb == "edit":
        _edit_by_name(db, settings, client, command, team_id, user_id, rest, reply)
    elif verb in ("verify", "retire", "restore"):
        _steward_action(db, settings, verb, team_id, user_id, rest, reply)
    elif verb == "watch":
        _watch(db, team_id, user_id, channel_id, rest.lower(), reply)
    elif verb in ("steward", "stewards"):
        _stewards(db, settings, team_id, user_id, rest, reply)
    else:
        reply(
            f"I don't know `/resource {safe(verb)}`. To save a resource, start with `add`:\n"
            "`/resource add Eastside Food Pantry, 555-0142`\n\n" + views.HELP_TEXT
        )


def _list(db, team_id: str, rest: str, reply) -> None:
    category = None
    if rest:
        found = vocabulary.get(rest)
        if found is None:
            known = ", ".join(f"`{c.id}`" for c in vocabulary.categories())
            reply(f"“{safe(redact(rest).text)}” isn't a category I know. Categories: {known}")
            return
        category = found
    with db.session() as session:
        page, total = directory_service.list_resources(session, team_id, category=category.id if category else None)
        blocks = views.list_blocks(page, total, category_label=category.display_name if category else None)
    reply(f"{total} resource{'s' if total != 1 else ''} in the directory.", blocks)


def _not_found(name: str, found: directory_service.Found) -> str:
    message = f"I couldn't find “{safe(redact(name).text)}” in the directory."
    if found.suggestions:
        message += " Did you mean " + " or ".join(f"*{safe(s)}*" for s in found.suggestions) + "?"
    return message


def _show(db, settings, team_id: str, user_id: str, name: str, reply) -> None:
    if not name:
        reply("Which resource? For example `/resource show Eastside Food Pantry`.")
        return
    with db.session() as session:
        found = directory_service.find_resource(session, team_id, name)
        if found.resource is None:
            reply(_not_found(name, found))
            return
        resource = found.resource
        blocks = views.resource_card(
            resource, can_edit=directory_service.can_edit(session, resource, user_id, settings)
        )
    reply(safe(resource.name), blocks)


def _edit_by_name(db, settings, client, command, team_id, user_id, name, reply) -> None:
    with db.session() as session:
        found = directory_service.find_resource(session, team_id, name) if name else directory_service.Found(None)
        if found.resource is None:
            reply(
                _not_found(name, found)
                if name
                else "Which resource? For example `/resource edit Hope Shelter`."
            )
            return
        if not directory_service.can_edit(session, found.resource, user_id, settings):
            reply("Only the person who added it, stewards and admins can edit this resource.")
            return
        fields = directory_service.fields_of(found.resource)
        resource_id = found.resource.id
    _open_modal(
        client,
        command["trigger_id"],
        views.resource_modal(fields, resource_id=resource_id, channel_id=command.get("channel_id")),
    )


def _steward_action(db, settings, verb: str, team_id: str, user_id: str, name: str, reply) -> None:
    if not name:
        reply(f"Which resource? For example `/resource {verb} Eastside Food Pantry`.")
        return
    action = {
        "verify": directory_service.verify_resource,
        "retire": directory_service.retire_resource,
        "restore": directory_service.restore_resource,
    }[verb]
    with db.session() as session:
        found = directory_service.find_resource(session, team_id, name, include_retired=verb == "restore")
        if found.resource is None:
            reply(_not_found(name, found))
            return
        result = action(session, team_id=team_id, user_id=user_id, resource=found.resource, settings=settings)
        resource_name = found.resource.name
    if result.status == "forbidden":
        reply(NOT_ALLOWED)
    elif result.status == "already":
        reply(f"*{safe(resource_name)}* already is {'active' if verb == 'restore' else 'retired'}.")
    else:
        done = {"verify": "Verified", "retire": "Retired", "restore": "Restored"}[verb]
        log.info("resource %s %s by %s", found.resource.id, verb, user_id)
        reply(
            f"{done} *{safe(resource_name)}*." + (" Thank you for checking it." if verb == "verify" else "")
        )


def _watch(db, team_id: str, user_id: str, channel_id: str, setting: str, reply) -> None:
    if setting not in ("on", "off"):
        with db.session() as session:
            watched = directory_watch.is_watched(session, team_id, channel_id)
        reply(
            f"Watching is *{'on' if watched else 'off'}* in this channel. Use `/resource watch on` or `off`."
        )
        return
    with db.session() as session:
        changed = directory_watch.set_watch(
            session, team_id=team_id, channel_id=channel_id, user_id=user_id, on=setting == "on"
        )
    if setting == "on":
        reply(
            ("Watching this channel now." if changed else "I was already watching this channel.")
            + " When someone mentions a resource in the directory I count it quietly; when a message looks like a "
            "new resource, I offer its author (only them) to log it. Invite me to the channel if I'm not in it. "
            "`/resource watch off` stops."
        )
    else:
        reply("Stopped watching this channel." if changed else "I wasn't watching this channel.")


def _stewards(db, settings, team_id: str, user_id: str, rest: str, reply) -> None:
    action, _, who = rest.partition(" ")
    if action.lower() in ("add", "remove"):
        match = _USER_MENTION.match(who.strip())
        if not match:
            reply(f"Mention the person: `/resource steward {action.lower()} @someone`.")
            return
        function = directory_stewards.add_steward if action.lower() == "add" else directory_stewards.remove_steward
        with db.session() as session:
            result = function(
                session, team_id=team_id, actor_user_id=user_id, user_id=match.group(1), settings=settings
            )
        messages = {
            "forbidden": "Only admins can change stewards.",
            "already": f"<@{match.group(1)}> already is a steward.",
            "not_found": f"<@{match.group(1)}> isn't a steward.",
            "ok": f"<@{match.group(1)}> {'is now a steward' if action.lower() == 'add' else 'is no longer a steward'}.",
        }
        reply(messages[result.status])
        return
    with db.session() as session:
        stewards = directory_stewards.list_stewards(session, team_id)
    admins = sorted(settings.admin_user_ids)
    text = "*Stewards:* " + (", ".join(f"<@{u}>" for u in stewards) or "none yet")
    text += "\n*Admins:* " + (", ".join(f"<@{u}>" for u in admins) or "none configured")
    reply(text)


# --- buttons, form, shortcut --------------------------------------------------------------------------------


def open_resource_modal(ack, body, client: WebClient) -> None:
    """Opens the form, prefilled when the button carries text (already redacted; redacted again anyway)."""
    ack()
    value = ((body.get("actions") or [{}])[0].get("value") or "").strip()
    channel_id = (body.get("channel") or {}).get("id")
    # Other features' buttons may carry a one-word marker ("home") rather than text to prefill.
    if " " in value:
        fields, notice = _prefill_from_text(value)
    else:
        fields, notice = ResourceFields(), ""
    _open_modal(
        client, body["trigger_id"], views.resource_modal(fields, channel_id=channel_id, notice=notice)
    )


def edit_button(ack, body, client: WebClient, respond, context) -> None:
    ack()
    db, settings = context["db"], context["settings"]
    user_id = body["user"]["id"]
    try:
        resource_id = int(body["actions"][0]["value"])
    except (KeyError, ValueError, IndexError):
        return
    with db.session() as session:
        resource = session.get(directory_service.Resource, resource_id)
        if resource is None or resource.team_id != context.team_id:
            respond(
                text="That resource is no longer in the directory.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        if not directory_service.can_edit(session, resource, user_id, settings):
            respond(
                text="Only the person who added it, stewards and admins can edit this resource.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        fields = directory_service.fields_of(resource)
    channel_id = (body.get("channel") or {}).get("id")
    _open_modal(
        client,
        body["trigger_id"],
        views.resource_modal(fields, resource_id=resource_id, channel_id=channel_id),
    )


def undo_button(ack, body, respond, context) -> None:
    ack()
    db, settings = context["db"], context["settings"]
    try:
        entry_id = int(body["actions"][0]["value"])
    except (KeyError, ValueError, IndexError):
        return
    with db.session() as session:
        result = directory_service.undo_log(
            session,
            team_id=context.team_id,
            user_id=body["user"]["id"],
            log_entry_id=entry_id,
            settings=settings,
        )
    if result.status == "forbidden":
        respond(
            text="Only the person who logged it, stewards and admins can undo this.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    if result.status == "ok":
        name = safe(result.resource.name)
        message = (
            f"Undone: *{name}* was removed from the directory."
            if result.note == "deleted"
            else f"Undone: your mention of *{name}* was taken back."
        )
    elif result.status == "already":
        message = "That was already undone."
    else:
        message = "That resource is no longer in the directory."
    respond(text=message, blocks=views.text_blocks(message), replace_original=True)


def modal_submitted(ack, body, view, client: WebClient, context) -> None:
    db, settings = context["db"], context["settings"]
    user_id = body["user"]["id"]
    team_id = context.team_id
    fields = views.fields_from_state(view["state"]["values"])
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    if _from_another_organization(team_id, body["user"].get("team_id")):
        ack(response_action="errors", errors={"name": MEMBERS_ONLY})
        return
    errors = validate_fields(fields)
    if errors:
        ack(response_action="errors", errors=views.form_errors(errors))
        return
    # The save is quick, so it happens before the acknowledgement: a refusal (permission, a name already
    # taken) can then be shown in the form itself instead of in a separate message.
    resource_id = metadata.get("resource_id")
    with db.session() as session:
        if resource_id:
            change = directory_service.edit_resource(
                session,
                team_id=team_id,
                user_id=user_id,
                resource_id=int(resource_id),
                fields=fields,
                settings=settings,
            )
            if change.status in ("forbidden", "conflict", "invalid", "not_found"):
                message = {
                    "forbidden": "Only the person who added it, stewards and admins can edit this resource.",
                    "not_found": "That resource is no longer in the directory.",
                }.get(change.status) or "; ".join(change.errors)
                ack(response_action="errors", errors={"name": message})
                return
            ack()
            resource = change.resource
            headline = ":pencil2: *Saved your changes.*" if change.status == "ok" else "Nothing changed."
            notes = (
                ["Verification cleared: a steward can verify it again."]
                if change.verification_cleared
                else []
            )
            blocks = views.resource_card(
                resource, headline=headline, privacy_note=change.privacy_note, notes=notes
            )
            text = f"Saved your changes to {safe(resource.name)}."
        else:
            result = directory_service.log_resource(
                session, team_id=team_id, user_id=user_id, fields=fields, source="slack"
            )
            if not result.saved:
                ack(response_action="errors", errors={"name": result.message})
                return
            ack()
            text, blocks = _card_for(session, result, user_id, settings)
    _notify(client, metadata.get("channel_id"), user_id, text, blocks)


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
    text = (shortcut.get("message") or {}).get("text") or ""
    fields, notice = _prefill_from_text(text)
    channel_id = (shortcut.get("channel") or {}).get("id")
    _open_modal(
        client, shortcut["trigger_id"], views.resource_modal(fields, channel_id=channel_id, notice=notice)
    )


# --- mentions, DMs and watched channels ---------------------------------------------------------------------


def log_from_conversation(event, client: WebClient, context) -> None:
    """`@partnerbot log resource: …` in a channel (answered privately) or `log resource: …` in a DM."""
    db, settings = context["db"], context["settings"]
    user_id = event.get("user")
    if _from_another_organization(context.team_id, event.get("user_team")):
        message, blocks = MEMBERS_ONLY, views.text_blocks(MEMBERS_ONLY)
    else:
        text = _LOG_PREFIX.sub("", text_for_bot(event), count=1)
        message, blocks = _log_and_render(db, settings, team_id=context.team_id, user_id=user_id, text=text)
    if is_direct_message(event):
        client.chat_postMessage(channel=event["channel"], text=message, blocks=blocks)
    else:
        client.chat_postEphemeral(channel=event["channel"], user=user_id, text=message, blocks=blocks)


def in_watched_channel(event, context) -> bool:
    """Matcher: a person's new message in a channel that opted in with `/resource watch on`."""
    if event.get("type") != "message" or is_direct_message(event) or not is_from_a_person(event):
        return False
    if not event.get("channel") or not event.get("text"):
        return False
    # A message that @mentions the bot also arrives as an app_mention, which answers it; counting it here too
    # would count the same mention twice.
    if context.bot_user_id and f"<@{context.bot_user_id}" in event["text"]:
        return False
    with context["db"].session() as session:
        return directory_watch.is_watched(session, context.team_id, event["channel"])


def watched_channel_message(event, client: WebClient, context) -> None:
    with context["db"].session() as session:
        outcome = directory_watch.observe_watched_message(
            session,
            team_id=context.team_id,
            channel_id=event["channel"],
            message_ts=event.get("ts") or "",
            user_id=event["user"],
            text=event.get("text") or "",
            # A partner organization's guest is not offered to change this workspace's directory.
            may_suggest=not _from_another_organization(context.team_id, event.get("user_team")),
        )
    if outcome is None or outcome.kind != "suggest":
        return
    client.chat_postEphemeral(
        channel=event["channel"],
        user=event["user"],
        text="Log this resource? It looks like a community resource that isn't in the directory yet.",
        blocks=views.suggestion_blocks(outcome.prefill),
    )
