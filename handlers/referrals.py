"""Slack adapter for referrals: `/refer …`, the card's answer buttons, the outcome buttons, the offer to send to a
partner's contacts, and the form.

Each listener acks, reads the request, calls bot.referrals.service in one session, renders with
bot.referrals.views and answers; a FeatureError is answered privately with its message. The card is updated in
place (`chat.update`), each step is a reply in its thread, and the referrer is told by DM.
"""

import json

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.partners.details import partner_choices
from bot.platform import vocabulary
from bot.platform.errors import FeatureError
from bot.platform.replies import private
from bot.referrals import commands, service, views
from bot.referrals.commands import ListReferrals, OpenForm, SendReferral, ShowHelp, ShowReferral
from bot.referrals.jobs import NudgeRules


def register(app: App) -> None:
    app.command("/refer")(refer_command)
    for action in views.ANSWER_ACTIONS:
        app.action(action)(answer_clicked)
    for action in views.OUTCOME_ACTIONS:
        app.action(action)(outcome_clicked)
    app.action(views.SEND_TO_CONTACTS_ACTION)(send_to_contacts)
    app.action(views.OPEN_FORM_ACTION)(open_form_from_button)
    app.view(views.FORM_CALLBACK)(submit_form)


def rules(context) -> NudgeRules:
    settings = context["settings"]
    return NudgeRules(settings.referral_answer_days, settings.referral_outcome_days, settings.holiday_country)


def refer_command(ack, body, respond, client: WebClient, context) -> None:
    ack()
    actor, db = context["actor"], context["db"]
    try:
        command = commands.parse(body.get("text") or "")
        if isinstance(command, ShowHelp):
            private(respond, commands.HELP)
        elif isinstance(command, OpenForm):
            _open_form(client, context, body["trigger_id"], command.partner_name, body.get("channel_id"))
        elif isinstance(command, SendReferral):
            private(respond, *_send(client, context, command))
        elif isinstance(command, ListReferrals):
            with db.session() as session:
                infos = service.list_referrals(session, actor, command)
            title = {"open": "still open", "mine": "you sent that are open"}.get(
                command.scope, f"to {command.partner_name}")
            private(respond, *views.referral_list(infos, title))
        elif isinstance(command, ShowReferral):
            with db.session() as session:
                info = service.show(session, actor, command.code)
                mine = not actor.is_external and info.referrer_user_id == actor.user_id
            private(respond, *views.referral_detail(info, show_outcome=mine, show_note=True))
    except FeatureError as error:
        private(respond, error.message)


def _send(client: WebClient, context, command: SendReferral, *, to_contacts: bool = False) -> tuple[str, list]:
    """Sends a referral: the card in the partner's channel (or to its contacts), the referrer's reply."""
    actor, db = context["actor"], context["db"]
    with db.session() as session:
        draft = service.prepare(session, actor, command)
    channel_id = draft.channel_id
    if channel_id is None:
        if not to_contacts:
            value = json.dumps({"partner": draft.partner_name, "need": draft.need, "note": draft.note,
                                "urgency": draft.urgency, "share_by": draft.share_by})
            return views.no_channel_offer(draft, value)
        if not draft.contact_user_ids:
            raise FeatureError(f"{draft.partner_name} has no contacts on Slack; link a channel with `/partner edit`.")
        channel_id = client.conversations_open(users=",".join(draft.contact_user_ids))["channel"]["id"]
    with db.session() as session:
        info = service.create(session, actor, draft, rules=rules(context), channel_id=channel_id)
    text, blocks = views.referral_card(info)
    try:
        posted = client.chat_postMessage(channel=channel_id, text=text, blocks=blocks, unfurl_links=False)
    except SlackApiError as error:
        with db.session() as session:
            service.withdraw_unposted(session, actor, info.id)
        raise FeatureError(views.not_posted(channel_id, error.response.get("error") or "")) from None
    with db.session() as session:
        service.card_posted(session, actor, info.id, posted.get("channel") or channel_id, posted.get("ts"))
    return views.sent_message(info, removed_summary=draft.removed_summary, capacity=draft.capacity,
                              channel_id=draft.channel_id)


def _value(body) -> str:
    action = (body.get("actions") or [{}])[0]
    return (action.get("selected_option") or {}).get("value") or action.get("value") or ""


def send_to_contacts(ack, body, client: WebClient, context, respond) -> None:
    ack()
    try:
        saved = json.loads(_value(body) or "{}")
        command = SendReferral(saved["partner"], saved["need"], saved.get("note", ""),
                               saved.get("urgency", "routine"), saved.get("share_by", "phone"))
        private(respond, *_send(client, context, command, to_contacts=True), replace_original=True)
    except (ValueError, KeyError):
        private(respond, "That offer is out of date; send the referral again.", replace_original=True)
    except FeatureError as error:
        private(respond, error.message, replace_original=False)


def answer_clicked(ack, body, client: WebClient, context, respond) -> None:
    """Accept, Can't take or Need more info on the card; only the partner's people may answer."""
    ack()
    try:
        command = commands.read_answer(_value(body))
        with context["db"].session() as session:
            answered = service.answer(session, context["actor"], command, rules=rules(context))
    except FeatureError as error:
        private(respond, error.message, replace_original=False)
        return
    _after_step(client, answered.referral, answered.kind)
    text, blocks = views.referrer_told(answered.referral, answered.kind)
    client.chat_postMessage(channel=answered.referral.referrer_user_id, text=text, blocks=blocks)


def _after_step(client: WebClient, info, kind: str) -> None:
    """The card redrawn in place and the step told in its thread."""
    if not (info.card_channel_id and info.card_ts):
        return
    text, blocks = views.referral_card(info)
    client.chat_update(channel=info.card_channel_id, ts=info.card_ts, text=text, blocks=blocks)
    client.chat_postMessage(channel=info.card_channel_id, thread_ts=info.card_ts, text=views.thread_step(info, kind))


def outcome_clicked(ack, body, client: WebClient, context, respond) -> None:
    ack()
    try:
        command = commands.read_outcome(_value(body))
        with context["db"].session() as session:
            info = service.record_outcome(session, context["actor"], command)
    except FeatureError as error:
        private(respond, error.message, replace_original=False)
        return
    _after_step(client, info, "outcome")
    private(respond, views.outcome_recorded(info), replace_original=True)


# -- the form -----------------------------------------------------------------------------------------------------


def _open_form(client: WebClient, context, trigger_id: str, partner_name: str | None, channel_id: str | None) -> None:
    actor = context["actor"]
    if actor.is_external:
        raise FeatureError("Referrals are sent by the care team; you can answer the ones sent to you here.")
    with context["db"].session() as session:
        partners = partner_choices(session, actor.team_id)
        chosen = service.find_partner_id(session, actor.team_id, partner_name) if partner_name else None
    if not partners:
        raise FeatureError("Register a partner first: `/partner add NAME #channel`.")
    categories = [(c.id, c.display_name) for c in vocabulary.categories()]
    client.views_open(trigger_id=trigger_id, view=views.form(partners, categories, partner_id=chosen,
                                                             channel_id=channel_id))


def open_form_from_button(ack, body, client: WebClient, context, respond) -> None:
    ack()
    try:
        partner_name = _value(body)  # the Home's button says "home"; a partner's own button names the partner
        _open_form(client, context, body["trigger_id"], None if partner_name == "home" else partner_name or None, None)
    except FeatureError as error:
        private(respond, error.message, replace_original=False)


def submit_form(ack, body, client: WebClient, context) -> None:
    actor = context["actor"]
    with context["db"].session() as session:
        names = {str(i): name for i, name in partner_choices(session, actor.team_id)}
    command, problems = commands.read_form(body["view"], names)
    if problems:
        ack(response_action="errors", errors=problems)
        return
    ack()
    try:
        text, blocks = _send(client, context, command)
    except FeatureError as error:
        text, blocks = error.message, None
    client.chat_postMessage(channel=actor.user_id, text=text, blocks=blocks or [])

