"""Slack adapter for celebrations: `/celebrate …`, the celebrate form, the choice offered for partners nobody
registered, and the celebration-emoji prompt.

Each listener acks, reads the request, calls bot.celebrations.service, renders with bot.celebrations.views and
answers; a FeatureError is answered privately with its message. Posting the celebration is Slack work, so it is
done here, between the service's `prepare` and `record`.
"""

import logging
from dataclasses import replace

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.celebrations import commands, doubts, service, views
from bot.celebrations.commands import Celebrate, OpenForm, SetRecap, ShowHelp, ShowRecap
from bot.platform import review
from bot.platform.blocks import form_error
from bot.platform.channels import channel_facts, message_text
from bot.platform.clock import local_today, utcnow
from bot.platform.errors import FeatureError
from bot.platform.replies import private

log = logging.getLogger(__name__)
NOT_IN_CHANNEL_ERRORS = ("not_in_channel", "channel_not_found", "is_archived")


def register(app: App) -> None:
    app.command("/celebrate")(celebrate_command)
    app.action(views.OPEN_CELEBRATE_ACTION)(open_celebrate_modal)
    app.action(views.REGISTER_ACTION)(celebrate_from_offer)
    app.action(views.WITHOUT_ACTION)(celebrate_from_offer)
    app.action(views.CANCEL_ACTION)(dismiss)
    app.action(views.PROMPT_YES_ACTION)(celebrate_reacted_message)
    app.action(views.PROMPT_NO_ACTION)(dismiss)
    app.view(views.CELEBRATE_CALLBACK)(submit_celebration)
    app.event("reaction_added")(on_reaction_added)
    for choice in review.CHOICES:
        app.action(review.action_id(doubts.SURFACE, choice))(review_button(choice))


# -- /celebrate -------------------------------------------------------------------------------------------------------


def celebrate_command(ack, body, respond, client: WebClient, context) -> None:
    ack()
    actor, db = context["actor"], context["db"]
    channel_id = body.get("channel_id") or None
    try:
        with db.session() as session:
            known = service.known_partner_names(session, actor)
        command = commands.parse(body.get("text") or "", known, members_view=not actor.is_external)
        if isinstance(command, ShowHelp):
            private(respond, commands.HELP)
        elif isinstance(command, OpenForm):
            _open_modal(client, context, body["trigger_id"], channel_id=channel_id)
        elif isinstance(command, ShowRecap):
            year, month = commands.parse_month(command.month, local_today(utcnow(), actor.default_timezone))
            with db.session() as session:
                recap = service.recap(session, actor, year, month, channel_id)
            private(respond, *views.recap_blocks(recap))
        elif isinstance(command, SetRecap):
            with db.session() as session:
                linked = service.set_monthly_recap(session, actor, channel_id or "", command.enabled)
            private(respond, views.recap_setting(channel_id, linked=linked, enabled=command.enabled))
        elif command.unknown_partners:
            with db.session() as session:
                offer = service.offer_partners(session, actor, replace(command, channel_id=channel_id))
            value = commands.encode_draft(offer.draft, offer.removed)
            private(respond, *views.partner_offer(offer, value))
        else:
            command = replace(command, channel_id=channel_id)
            with db.session() as session:
                held = doubts.hold(session, actor, command, now=utcnow())
            if held is None:
                private(respond, _celebrate(client, context, command)[1])
            else:
                asked, token = held
                private(respond, review.review_text(asked),
                        review.review_blocks(asked, token, doubts.SURFACE, where="in the celebration post"))
    except FeatureError as error:
        private(respond, error.message)


def review_button(choice: str):
    """Save / Remove marked words / Edit on a celebration held for review (the button carries only a token)."""

    def answer(ack, body, respond, client: WebClient, context) -> None:
        ack()
        token = ((body.get("actions") or [{}])[0].get("value") or "").strip()
        try:
            with context["db"].session() as session:
                command = doubts.answered(session, context["actor"], token, choice, now=utcnow())
            if choice == review.EDIT:
                _open_modal(client, context, body["trigger_id"], channel_id=command.channel_id,
                            user_ids=command.user_ids, partner_ids=command.partner_ids, what=command.what)
                respond(delete_original=True)
                return
            private(respond, _celebrate(client, context, command)[1], replace_original=True)
        except FeatureError as error:
            private(respond, error.message, replace_original=False)

    return answer


def _celebrate(client: WebClient, context, command: Celebrate) -> tuple[str, str]:
    """Posts the celebration, adds the reaction and records it; (where it was posted, the private confirmation)."""
    actor, db, settings = context["actor"], context["db"], context["settings"]
    channel = command.channel_id if command.channel_id and command.channel_id[0] in "CG" else None
    facts = service.SlackFacts(
        people=tuple(_person(client, context, user_id) for user_id in command.user_ids),
        channel_maybe_shared=channel_facts(client, channel, actor.team_id).maybe_shared if channel else False,
    )
    with db.session() as session:
        plan = service.prepare(
            session, actor, command, facts, daily_limit=settings.celebration_daily_limit, now=utcnow()
        )
    text, blocks = views.celebration_blocks(plan.post)
    posted = _post_first(client, plan.channels, text, blocks)
    if posted is None:
        raise FeatureError(views.cannot_post(plan.channels[0], plan.registered))
    try:
        client.reactions_add(channel=posted[0], timestamp=posted[1], name=settings.celebration_emoji)
    except SlackApiError as error:  # the post is what matters; a missing reaction is not worth failing over
        log.warning("could not add the celebration reaction: %s", error.response.get("error"))
    with db.session() as session:
        result = service.record(session, actor, plan, *posted)
    note = commands.GROUPS_NOT_CREDITED if command.mentioned_groups else ""
    return result.channel_id, views.confirmation(result, groups_note=note)


def _person(client: WebClient, context, user_id: str) -> service.Person:
    profile = context["people"].profile(client, user_id)
    if profile is None:
        return service.Person(user_id, context["actor"].team_id)
    return service.Person(user_id, profile.team_id or context["actor"].team_id, profile.is_bot)


def _post_first(
    client: WebClient, channels: tuple[str, ...], text: str, blocks: list[dict]
) -> tuple[str, str] | None:
    """Posts in the first channel that takes it; (channel, ts), or None when the bot is in none of them."""
    for channel in channels:
        try:
            response = client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as error:
            if error.response.get("error") in NOT_IN_CHANNEL_ERRORS:
                continue
            raise
        return response["channel"], response["ts"]
    return None


def celebrate_from_offer(ack, body, client: WebClient, context, respond) -> None:
    """Register the partners and celebrate, or celebrate without crediting them: one click."""
    ack()
    action = (body.get("actions") or [{}])[0]
    try:
        command = commands.decode_draft(
            action.get("value") or "", register=action.get("action_id") == views.REGISTER_ACTION
        )
        private(respond, _celebrate(client, context, command)[1], replace_original=True)
    except FeatureError as error:
        private(respond, error.message, replace_original=False)


def dismiss(ack, respond) -> None:
    ack()
    respond(delete_original=True)


# -- the form ---------------------------------------------------------------------------------------------------------


def _open_modal(
    client: WebClient,
    context,
    trigger_id: str,
    *,
    channel_id: str | None,
    user_ids=(),
    partner_ids=(),
    what: str = "",
    removed_summary: str = "",
) -> None:
    with context["db"].session() as session:
        choices, channel_partners = service.form_choices(session, context["actor"], channel_id)
    view = views.celebrate_modal(
        partners=choices,
        channel_id=channel_id,
        user_ids=list(user_ids),
        partner_ids=list(partner_ids or channel_partners),
        what=what,
        removed_summary=removed_summary,
        metadata={"channel": channel_id or ""},
    )
    client.views_open(trigger_id=trigger_id, view=view)


def open_celebrate_modal(ack, body, client: WebClient, context) -> None:
    ack()
    value = ((body.get("actions") or [{}])[0].get("value") or "").strip()
    channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    _open_modal(
        client,
        context,
        body["trigger_id"],
        channel_id=channel_id,
        partner_ids=[int(value)] if value.isdigit() else [],
    )


def _form_errors(context, command: Celebrate) -> dict[str, str]:
    """What the form gets wrong, by field, checked before the ack (no Slack call: the workspace's zone for the
    daily limit)."""
    actor = context["actor"]
    try:
        service.check_request(actor, command, partners=len(command.partner_ids))
    except FeatureError as error:
        too_long = len(command.what) > commands.MAX_TEXT_LENGTH
        return {"what" if not command.what.strip() or too_long else "people": form_error(error.message)}
    if not command.channel_id and not command.partner_ids:
        return {"channel": "Pick the channel to post in."}
    try:
        with context["db"].session() as session:
            service.check_daily_limit(
                session,
                actor,
                limit=context["settings"].celebration_daily_limit,
                timezone=actor.default_timezone,
                now=utcnow(),
            )
    except FeatureError as error:
        return {"what": form_error(error.message)}
    return {}


def submit_celebration(ack, body, client: WebClient, context) -> None:
    command = commands.read_form(body["view"])  # typed in a form: plain text, never Slack-escaped
    if errors := _form_errors(context, command):
        ack(response_action="errors", errors=errors)
        return
    ack()
    user_id = context["actor"].user_id
    try:
        channel_id, message = _celebrate(client, context, command)
    except FeatureError as error:
        client.chat_postMessage(channel=user_id, text=error.message)
        return
    try:
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=message)
    except SlackApiError:
        client.chat_postMessage(channel=user_id, text=message)


# -- the celebration emoji --------------------------------------------------------------------------------------------


def on_reaction_added(event, client: WebClient, context) -> None:
    item = event.get("item") or {}
    if item.get("type") != "message" or not service.is_celebration_reaction(
        event.get("reaction", ""), context["settings"].celebration_emoji
    ):
        return
    reactor, bot_user = event.get("user"), context.get("bot_user_id")
    # The bot adds the emoji to its own celebration posts; neither that nor its own messages need a prompt.
    if not reactor or reactor == bot_user or event.get("item_user") == bot_user or context["actor"] is None:
        return
    channel_id, message_ts = item.get("channel"), item.get("ts")
    with context["db"].session() as session:
        first = service.claim_prompt(
            session,
            context["actor"],
            channel_id=channel_id,
            message_ts=message_ts,
            message_user_id=event.get("item_user"),
            now=utcnow(),
        )
    if first:
        text, blocks = views.prompt_blocks(channel_id, message_ts)
        client.chat_postEphemeral(channel=channel_id, user=reactor, text=text, blocks=blocks)


def celebrate_reacted_message(ack, body, client: WebClient, context, respond) -> None:
    ack()
    try:
        channel_id, message_ts = commands.read_reacted_message((body.get("actions") or [{}])[0].get("value"))
    except FeatureError as error:
        private(respond, error.message, replace_original=True)
        return
    with context["db"].session() as session:
        author = service.prompted_message_author(session, context["actor"], channel_id, message_ts)
    what, removed = service.redact_what(commands.plain_what(message_text(client, channel_id, message_ts)))
    _open_modal(
        client,
        context,
        body["trigger_id"],
        channel_id=channel_id,
        user_ids=[author] if author else [],
        what=what,
        removed_summary=service.privacy_summary(removed),
    )
    respond(delete_original=True)
