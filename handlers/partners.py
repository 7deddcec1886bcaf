"""Slack adapter for the partner registry: `/partner …`, the edit form and its buttons."""

import json
import logging
from datetime import date

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.celebrations.commands import unescape_slack
from bot.partners import commands as registry_commands
from bot.partners import service as registry_service
from bot.partners import views
from bot.partners.commands import PartnerError, echo
from bot.partners.service import PartnerEdit
from bot.platform import clock, vocabulary
from bot.platform.clock import utcnow
from bot.platform.slacktext import safe

log = logging.getLogger(__name__)

MEMBERS_ONLY = (
    "The partner registry is only available to members of this workspace. "
    "You can still `/celebrate` shared successes here."
)


def register(app: App) -> None:
    app.command("/partner")(partner_command)
    app.action(views.OPEN_EDIT_ACTION)(open_edit_from_button)
    app.view(views.EDIT_CALLBACK)(save_edit)


# -- helpers shared with handlers/celebrations.py ------------------------------------------------------------------


def actor_team(body: dict, team_id: str) -> str:
    """The organization of the person acting: in Slack Connect channels it can differ from the workspace."""
    return body.get("user_team_id") or (body.get("user") or {}).get("team_id") or team_id


def state_value(view: dict, block_id: str, action_id: str | None = None):
    """The submitted value of one input, whatever its element type (None when empty)."""
    block = (view.get("state") or {}).get("values", {}).get(block_id) or {}
    element = block.get(action_id or block_id) or (next(iter(block.values())) if block else None)
    if not element:
        return None
    for key in ("selected_users", "selected_conversations", "selected_channels"):
        if key in element:
            return list(element[key] or [])
    if "selected_options" in element:
        return [option["value"] for option in element["selected_options"] or []]
    if "selected_option" in element:
        return (element["selected_option"] or {}).get("value")
    for key in ("selected_user", "selected_conversation", "selected_channel", "selected_date"):
        if key in element:
            return element[key]
    value = element.get("value")
    return value if value not in ("", None) else None


def channel_facts(client: WebClient, channel_id: str, team_id: str) -> tuple[bool, bool, list[str]]:
    """(is shared with another organization, is the bot a member, other organizations' team ids)."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        log.info("conversations.info failed: %s", error.response.get("error"))
        return False, False, []
    teams = [
        t for t in (channel.get("connected_team_ids") or channel.get("shared_team_ids") or []) if t != team_id
    ]
    return bool(channel.get("is_ext_shared")), bool(channel.get("is_member", True)), teams


def user_team(client: WebClient, user_id: str, fallback: str) -> str:
    try:
        return client.users_info(user=user_id)["user"].get("team_id") or fallback
    except SlackApiError:
        return fallback


def user_timezone(client: WebClient, user_id: str, fallback: str) -> str:
    try:
        return client.users_info(user=user_id)["user"].get("tz") or fallback
    except SlackApiError:
        return fallback


# -- /partner -------------------------------------------------------------------------------------------------------


def partner_command(ack, body, respond, client, context) -> None:
    ack()
    team_id = context["team_id"]
    if actor_team(body, team_id) != team_id:
        respond(text=MEMBERS_ONLY, response_type="ephemeral")
        return
    text = unescape_slack(body.get("text") or "").strip()
    verb, _, rest = text.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    try:
        if verb in ("", "help"):
            respond(text=views.HELP_TEXT, response_type="ephemeral")
        elif verb == "add":
            _add(body, respond, client, context, rest)
        elif verb == "list":
            with context["db"].session() as session:
                partners = registry_service.list_partners(session, team_id)
            message, blocks = views.partner_list(partners, category_label=vocabulary.label)
            respond(text=message, blocks=blocks, response_type="ephemeral")
        elif verb in ("info", "show"):
            _info(respond, context, rest)
        elif verb == "edit":
            if not rest:
                raise PartnerError("Which partner? For example: `/partner edit Eastside Food Bank`")
            with context["db"].session() as session:
                partner = registry_service.require_partner(session, team_id, registry_commands.clean_name(rest))
            _open_edit(client, context, body["trigger_id"], partner.id)
        elif verb == "mou":
            _mou(body, respond, context, rest)
        else:
            respond(
                text=f"I don't know `/partner {echo(verb)}`.\n\n{views.HELP_TEXT}", response_type="ephemeral"
            )
    except PartnerError as error:
        respond(text=str(error), response_type="ephemeral")


def _add(body, respond, client: WebClient, context, rest: str) -> None:
    team_id, user_id, settings = context["team_id"], body["user_id"], context["settings"]
    request = registry_commands.parse_partner_add(rest)
    facts = {channel_id: channel_facts(client, channel_id, team_id) for channel_id in request.channel_ids}
    timezone = user_timezone(client, user_id, settings.default_timezone)
    with context["db"].session() as session:
        partner = registry_service.add_partner(
            session,
            team_id=team_id,
            owner_user_id=user_id,
            name=request.name,
            kind=request.kind,
            timezone=timezone,
            channels=[(channel_id, shared) for channel_id, (shared, _, _) in facts.items()],
        )
        # A Slack Connect channel with exactly one other organization tells us who the partner is on Slack.
        other_teams = {team for _, _, teams in facts.values() for team in teams}
        if len(other_teams) == 1:
            partner.slack_team_id = other_teams.pop()
            session.add(partner)
        details = registry_service.partner_details(session, team_id, partner.id)
    message, blocks = views.added_message(details, category_label=vocabulary.label)
    missing = [channel_id for channel_id, (_, member, _) in facts.items() if not member]
    if missing:
        note = ", ".join(f"<#{c}>" for c in missing)
        blocks.insert(
            1,
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f":information_source: Invite me to {note} with `/invite @partnerbot` so I can post "
                        "celebrations and monthly recaps there.",
                    }
                ],
            },
        )
    respond(text=message, blocks=blocks, response_type="ephemeral")


def _info(respond, context, rest: str) -> None:
    if not rest:
        raise PartnerError("Which partner? For example: `/partner info Eastside Food Bank`")
    team_id = context["team_id"]
    with context["db"].session() as session:
        partner = registry_service.require_partner(session, team_id, rest)
        details = registry_service.partner_details(session, team_id, partner.id)
    today = clock.local_today(utcnow(), context["settings"].default_timezone)
    blocks = views.partner_card(details, category_label=vocabulary.label, today=today)
    respond(text=f"{details.name}", blocks=blocks, response_type="ephemeral")


def _mou(body, respond, context, rest: str) -> None:
    now = utcnow()
    name, renewal = registry_commands.parse_mou(rest, clock.local_today(now, context["settings"].default_timezone))
    with context["db"].session() as session:
        partner, agreement = registry_service.set_mou_renewal(
            session, context["team_id"], name, renewal, actor_user_id=body["user_id"], now=now
        )
        days_left = (renewal - clock.local_today(now, partner.timezone)).days
        partner_name = partner.name
    respond(text=views.mou_saved(partner_name, renewal, days_left), response_type="ephemeral")


# -- the edit form --------------------------------------------------------------------------------------------------


def _open_edit(client: WebClient, context, trigger_id: str, partner_id: int) -> bool:
    with context["db"].session() as session:
        details = registry_service.partner_details(session, context["team_id"], partner_id)
    if details is None:
        return False
    categories = [(c.id, c.display_name) for c in vocabulary.categories()]
    client.views_open(trigger_id=trigger_id, view=views.edit_modal(details, categories=categories))
    return True


def open_edit_from_button(ack, body, client, context, respond) -> None:
    ack()
    team_id = context["team_id"]
    if actor_team(body, team_id) != team_id:
        respond(text=MEMBERS_ONLY, response_type="ephemeral", replace_original=False)
        return
    value = (body.get("actions") or [{}])[0].get("value") or ""
    if not (value.isdigit() and _open_edit(client, context, body["trigger_id"], int(value))):
        respond(text="That partner no longer exists.", response_type="ephemeral", replace_original=False)


def _int_or_none(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return -1  # validation names the field


def _date_or_none(value) -> date | None:
    return date.fromisoformat(value) if value else None


def edit_from_view(view: dict, team_id: str) -> PartnerEdit:
    agreements = {
        kind: tuple(
            _date_or_none(state_value(view, f"agreement_{kind}_{part}", "date"))
            for part in ("start", "review", "renewal")
        )
        for kind, _ in views.AGREEMENT_KINDS
    }
    external = state_value(view, "external") or ""
    return PartnerEdit(
        kind=state_value(view, "kind"),
        services=state_value(view, "services") or [],
        contacts=[(user_id, None) for user_id in state_value(view, "contacts") or []],
        external_contacts=[line.strip() for line in external.splitlines() if line.strip()],
        capacity_per_month=_int_or_none(state_value(view, "capacity")),
        current_load=_int_or_none(state_value(view, "load")),
        eligibility_notes=state_value(view, "eligibility") or "",
        channels=[(channel_id, False) for channel_id in state_value(view, "channels") or []],
        slack_team_id=(state_value(view, "slack_team") or "").strip().upper() or None,
        owner_user_id=state_value(view, "owner") or "",
        agreements=agreements,
    )


def save_edit(ack, body, client, context) -> None:
    view = body["view"]
    team_id, user_id = context["team_id"], body["user"]["id"]
    try:
        partner_id = int(json.loads(view.get("private_metadata") or "{}")["partner_id"])
    except (ValueError, KeyError, TypeError):
        ack(response_action="errors", errors={"kind": "This form is out of date; open it again."})
        return
    edit = edit_from_view(view, team_id)
    edit.owner_user_id = edit.owner_user_id or user_id
    problems = registry_service.validate_edit(edit)
    if actor_team(body, team_id) != team_id:
        problems = {"kind": MEMBERS_ONLY}
    if problems:
        ack(response_action="errors", errors=problems)
        return
    ack()
    # Slack Connect contacts keep their own organization; shared channels are marked as such.
    edit.contacts = [(contact, user_team(client, contact, team_id)) for contact, _ in edit.contacts]
    facts = {channel_id: channel_facts(client, channel_id, team_id) for channel_id, _ in edit.channels}
    edit.channels = [(channel_id, facts[channel_id][0]) for channel_id, _ in edit.channels]
    try:
        with context["db"].session() as session:
            result = registry_service.update_partner(
                session, team_id, partner_id, edit, actor_user_id=user_id, now=utcnow()
            )
            details = registry_service.partner_details(session, team_id, partner_id)
    except PartnerError as error:
        client.chat_postMessage(channel=user_id, text=str(error))
        return
    if result.changed_fields:
        message = f":white_check_mark: Saved your changes to *{safe(details.name)}*."
    else:
        message = f"Nothing changed for *{safe(details.name)}*."
    if result.removed_summary:
        message += f"\n:lock: {result.removed_summary}. Patient details are never saved."
    client.chat_postMessage(channel=user_id, text=message)
