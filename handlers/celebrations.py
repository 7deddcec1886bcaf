"""Slack adapter for celebrations: `/celebrate …`, the celebrate form, and the celebration-emoji prompt."""

import json
import logging
import re

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.celebrations import commands as core_commands
from bot.celebrations import recap as core_recap
from bot.celebrations import service as core_service
from bot.celebrations import views
from bot.celebrations.commands import CelebrationError
from bot.partners.service import partner_choices, partners_for_channel
from bot.platform.clock import local_today, utcnow
from handlers.partners import MEMBERS_ONLY, actor_team, state_value

log = logging.getLogger(__name__)

HELP_TEXT = (
    "*Celebrate shared successes*\n"
    "`/celebrate @ana @ben with Eastside Food Bank for getting a family's groceries delivered the same day` "
    "thanks everyone in the channel (or the partner's channel) and adds it to the monthly recap\n"
    "`/celebrate` opens a form · `/celebrate recap [month]` shows successes by partner · "
    "`/celebrate recap off|on` stops or restarts this partner channel's monthly recap\n"
    "React with the celebration emoji to a message in a partner channel and I'll offer to celebrate it.\n"
    "_No patient names or details: describe the win, not the person. Anything identifying is removed._"
)
GROUPS_NOT_CREDITED = "User groups aren't credited or notified; mention people individually to thank them."


def register(app: App) -> None:
    app.command("/celebrate")(celebrate_command)
    app.action(views.OPEN_CELEBRATE_ACTION)(open_celebrate_modal)
    app.action(views.PROMPT_YES_ACTION)(celebrate_reacted_message)
    app.action(views.PROMPT_NO_ACTION)(dismiss_prompt)
    app.view(views.CELEBRATE_CALLBACK)(submit_celebration)
    app.event("reaction_added")(on_reaction_added)


# -- /celebrate -------------------------------------------------------------------------------------------------------


def celebrate_command(ack, body, respond, client, context) -> None:
    ack()
    raw = (body.get("text") or "").strip()
    verb, _, rest = raw.partition(" ")
    verb = verb.lower()
    try:
        if not raw:
            _open_modal(client, context, body, body["trigger_id"], channel_id=body.get("channel_id"))
        elif verb == "help":
            respond(text=HELP_TEXT, response_type="ephemeral")
        elif verb == "recap":
            _recap(body, respond, context, core_commands.unescape_slack(rest).strip())
        else:
            _celebrate_from_text(body, respond, client, context, raw)
    except CelebrationError as error:
        respond(text=str(error), response_type="ephemeral")


def _celebrate_from_text(body, respond, client: WebClient, context, raw: str) -> None:
    db, settings, team_id = context["db"], context["settings"], context["team_id"]
    author_team = actor_team(body, team_id)
    with db.session() as session:
        names = core_service.known_partner_names(session, team_id)
    request = core_commands.parse_celebrate(raw, names, suggest=author_team == team_id)
    with db.session() as session:
        partner_ids = core_service.resolve_partner_names(session, team_id, request.partner_names)
    try:
        result = core_service.celebrate(
            db,
            client,
            team_id=team_id,
            author_user_id=body["user_id"],
            author_team_id=author_team,
            channel_id=body.get("channel_id"),
            user_ids=list(request.user_ids),
            partner_ids=partner_ids,
            what=request.what,
            daily_limit=settings.celebration_daily_limit,
            default_timezone=settings.default_timezone,
            emoji=settings.celebration_emoji,
        )
    except CelebrationError as error:
        if request.mentioned_groups and not request.user_ids:
            raise CelebrationError(f"{error}\n{GROUPS_NOT_CREDITED}") from None
        raise
    lines = [views.celebrated_confirmation(result.channel_id)]
    if result.removed_summary:
        lines.insert(0, views.privacy_notice(result.removed_summary))
    if request.mentioned_groups:
        lines.append(GROUPS_NOT_CREDITED)
    respond(text="\n".join(lines), response_type="ephemeral")


def _recap(body, respond, context, argument: str) -> None:
    db, settings, team_id = context["db"], context["settings"], context["team_id"]
    channel_id = body.get("channel_id") or ""
    external = actor_team(body, team_id) != team_id
    if argument.lower() in ("on", "off"):
        if external:
            respond(text=MEMBERS_ONLY, response_type="ephemeral")
            return
        enabled = argument.lower() == "on"
        with db.session() as session:
            linked = core_service.set_monthly_recap(session, team_id, channel_id, enabled)
        if not linked:
            text = (
                "This channel isn't linked to a partner, so it has no monthly recap. "
                "Link it with `/partner edit <name>`."
            )
        elif enabled:
            text = f":trophy: <#{channel_id}> will get a recap of shared successes on the first working day of each month."
        else:
            text = f"Done: no more monthly recaps in <#{channel_id}>. `/celebrate recap on` brings them back."
        respond(text=text, response_type="ephemeral")
        return
    year, month = core_commands.parse_month(argument, local_today(utcnow(), settings.default_timezone))
    with db.session() as session:
        # People from other organizations only see what was already shared in this channel.
        recap = core_recap.build_recap(
            session,
            team_id,
            year,
            month,
            settings.default_timezone,
            channel_id=channel_id if external else None,
        )
    text, blocks = views.recap_blocks(recap)
    respond(text=text, blocks=blocks, response_type="ephemeral")


# -- the form ---------------------------------------------------------------------------------------------------------


def _open_modal(
    client: WebClient,
    context,
    body,
    trigger_id: str,
    *,
    channel_id: str | None,
    user_ids: list[str] = (),
    partner_ids: list[int] = (),
    what: str = "",
) -> None:
    team_id = context["team_id"]
    external = actor_team(body, team_id) != team_id
    with context["db"].session() as session:
        channel_partners = partners_for_channel(session, team_id, channel_id) if channel_id else []
        if external:  # someone from another organization sees only the partners of the channel they are in
            choices = [(p.id, p.name) for p in channel_partners]
        else:
            choices = partner_choices(session, team_id)
    if not partner_ids:
        partner_ids = [p.id for p in channel_partners]
    view = views.celebrate_modal(
        partners=choices,
        channel_id=channel_id,
        user_ids=list(user_ids),
        partner_ids=list(partner_ids),
        what=what,
        metadata={"channel": channel_id or ""},
    )
    client.views_open(trigger_id=trigger_id, view=view)


def open_celebrate_modal(ack, body, client, context) -> None:
    ack()
    value = ((body.get("actions") or [{}])[0].get("value") or "").strip()
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    _open_modal(
        client,
        context,
        body,
        body["trigger_id"],
        channel_id=channel_id,
        partner_ids=[int(value)] if value.isdigit() else [],
    )


def submit_celebration(ack, body, client, context) -> None:
    db, settings, team_id = context["db"], context["settings"], context["team_id"]
    view, user_id = body["view"], body["user"]["id"]
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    people = state_value(view, "people") or []
    partner_ids = [int(v) for v in state_value(view, "partners") or [] if str(v).isdigit()]
    what = core_commands.plain_what(state_value(view, "what") or "")  # typed in a form: raw text, not Slack-escaped
    channel_id = state_value(view, "channel") or metadata.get("channel") or None
    try:
        core_service.check_request(author_user_id=user_id, user_ids=people, partner_ids=partner_ids, what=what)
    except CelebrationError as error:
        block = "what" if not what.strip() or len(what) > core_commands.MAX_TEXT_LENGTH else "people"
        ack(response_action="errors", errors={block: _plain(str(error))})
        return
    if not channel_id and not partner_ids:
        ack(response_action="errors", errors={"channel": "Pick the channel to post in."})
        return
    try:
        with db.session() as session:
            core_service.check_daily_limit(
                session,
                team_id=team_id,
                author_user_id=user_id,
                timezone=settings.default_timezone,
                limit=settings.celebration_daily_limit,
                now=utcnow(),
            )
    except CelebrationError as error:
        ack(response_action="errors", errors={"what": _plain(str(error))})
        return
    ack()
    try:
        result = core_service.celebrate(
            db,
            client,
            team_id=team_id,
            author_user_id=user_id,
            author_team_id=actor_team(body, team_id),
            channel_id=channel_id,
            user_ids=people,
            partner_ids=partner_ids,
            what=what,
            daily_limit=settings.celebration_daily_limit,
            default_timezone=settings.default_timezone,
            emoji=settings.celebration_emoji,
        )
    except CelebrationError as error:
        client.chat_postMessage(channel=user_id, text=str(error))
        return
    lines = [views.celebrated_confirmation(result.channel_id)]
    if result.removed_summary:
        lines.insert(0, views.privacy_notice(result.removed_summary))
    try:
        client.chat_postEphemeral(channel=result.channel_id, user=user_id, text="\n".join(lines))
    except SlackApiError:
        client.chat_postMessage(channel=user_id, text="\n".join(lines))


def _plain(message: str) -> str:
    """Modal errors are plain text: drop mrkdwn emphasis and emoji codes."""
    return re.sub(r":[a-z0-9_+-]+:\s?", "", message).replace("*", "").replace("`", "")[:300]


# -- the celebration emoji --------------------------------------------------------------------------------------------


def on_reaction_added(event, client, context) -> None:
    settings, team_id = context["settings"], context["team_id"]
    item = event.get("item") or {}
    if item.get("type") != "message" or not core_service.is_celebration_reaction(
        event.get("reaction", ""), settings.celebration_emoji
    ):
        return
    reactor, bot_user = event.get("user"), context.get("bot_user_id")
    # The bot adds the emoji to its own celebration posts; neither that nor its own messages need a prompt.
    if not reactor or reactor == bot_user or event.get("item_user") == bot_user:
        return
    channel_id, message_ts = item.get("channel"), item.get("ts")
    with context["db"].session() as session:
        if not partners_for_channel(session, team_id, channel_id):
            return
        if not core_service.claim_prompt(
            session,
            team_id=team_id,
            channel_id=channel_id,
            message_ts=message_ts,
            reactor_user_id=reactor,
            message_user_id=event.get("item_user"),
            now=utcnow(),
        ):
            return  # already asked about this message
    text, blocks = views.prompt_blocks(channel_id, message_ts)
    client.chat_postEphemeral(channel=channel_id, user=reactor, text=text, blocks=blocks)


def _message_text(client: WebClient, channel_id: str, message_ts: str) -> str:
    """The reacted-to message's text (for the form, redacted), or "" when Slack does not give it to us."""
    try:
        response = client.conversations_history(
            channel=channel_id, latest=message_ts, oldest=message_ts, inclusive=True, limit=1
        )
        messages = response.get("messages") or []
        if not messages:
            messages = (
                client.conversations_replies(
                    channel=channel_id, ts=message_ts, oldest=message_ts, inclusive=True, limit=2
                ).get("messages")
                or []
            )
    except SlackApiError as error:
        log.info("could not read the reacted message: %s", error.response.get("error"))
        return ""
    message = next((m for m in messages if m.get("ts") == message_ts), None)
    if not message:
        return ""
    text, _ = core_service.redact_what(core_commands.plain_what(core_commands.unescape_slack(message.get("text") or "")))
    return text


def celebrate_reacted_message(ack, body, client, context, respond) -> None:
    ack()
    team_id = context["team_id"]
    try:
        value = json.loads((body.get("actions") or [{}])[0].get("value") or "{}")
        channel_id, message_ts = value["channel"], value["ts"]
    except (ValueError, KeyError, TypeError):
        respond(text="That prompt is out of date.", response_type="ephemeral", replace_original=True)
        return
    with context["db"].session() as session:
        author = core_service.prompted_message_author(session, team_id, channel_id, message_ts)
    what = _message_text(client, channel_id, message_ts)
    _open_modal(
        client,
        context,
        body,
        body["trigger_id"],
        channel_id=channel_id,
        user_ids=[author] if author else [],
        what=what,
    )
    respond(delete_original=True)


def dismiss_prompt(ack, respond) -> None:
    ack()
    respond(delete_original=True)
