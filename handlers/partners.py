"""Slack adapter for the partner registry: `/partner …`, the edit form and the buttons on cards and confirmations.

Each listener acks, reads the request, calls bot.partners.service in one session, renders with bot.partners.views
and answers; a FeatureError is answered privately with its message.
"""

from slack_bolt import App
from slack_sdk import WebClient

from bot.partners import commands, service, views
from bot.partners.commands import (
    AddPartner,
    EditPartner,
    ListPartners,
    RemovePartner,
    RenamePartner,
    SetRenewal,
    ShowHelp,
    ShowPartner,
)
from bot.platform import clock, review, vocabulary
from bot.platform.blocks import form_error
from bot.platform.channels import channel_facts
from bot.platform.errors import FeatureError
from bot.platform.replies import private
from bot.platform.slacktext import safe
from bot.referrals import aims
from bot.referrals import views as referral_views


def register(app: App) -> None:
    app.command("/partner")(partner_command)
    app.action(views.OPEN_EDIT_ACTION)(open_edit_from_button)
    for choice in review.CHOICES:
        app.action(review.action_id(views.NOTES_REVIEW_SURFACE, choice))(notes_review_button(choice))
    app.action(views.REMOVE_ACTION)(remove_confirmed)
    app.action(views.RENAME_ACTION)(rename_confirmed)
    app.action(views.CANCEL_ACTION)(change_cancelled)
    app.view(views.EDIT_CALLBACK)(save_edit)


def partner_command(ack, body, respond, client: WebClient, context) -> None:
    ack()
    actor, db = context["actor"], context["db"]
    try:
        today = clock.local_today(clock.utcnow(), actor.timezone)
        verb, _, rest = (body.get("text") or "").strip().partition(" ")
        if verb.lower() in ("aim", "scorecard"):
            with db.session() as session:
                private(respond, *_aim_or_scorecard(session, actor, verb.lower(), rest, today))
            return
        command = commands.parse(body.get("text") or "", today)
        if isinstance(command, ShowHelp):
            private(respond, commands.HELP)
            return
        if isinstance(command, EditPartner):
            with db.session() as session:
                details = service.open_edit(session, actor, command)
            _open_form(client, body["trigger_id"], details)
            return
        facts = {}
        if isinstance(command, AddPartner):
            service.require_member(actor)
            facts = {c: channel_facts(client, c, actor.team_id) for c in command.channel_ids}
        with db.session() as session:
            text, blocks = _answer(session, actor, command, facts, today)
        private(respond, text, blocks)
    except FeatureError as error:
        private(respond, error.message)


def _answer(session, actor, command, facts, today) -> tuple[str, list[dict] | None]:
    if isinstance(command, AddPartner):
        return views.added_message(
            service.add_partner(session, actor, command, facts), category_label=vocabulary.label
        )
    if isinstance(command, ListPartners):
        return views.partner_list(service.list_partners(session, actor), category_label=vocabulary.label)
    if isinstance(command, ShowPartner):
        details = service.show_partner(session, actor, command)
        return safe(details.name), views.partner_card(details, category_label=vocabulary.label, today=today)
    if isinstance(command, SetRenewal):
        return views.mou_saved(service.set_renewal(session, actor, command, now=clock.utcnow())), None
    if isinstance(command, RemovePartner):
        return views.confirm_remove(service.confirm_remove(session, actor, command))
    if isinstance(command, RenamePartner):
        return views.confirm_rename(service.confirm_rename(session, actor, command))
    raise AssertionError(f"unhandled {type(command).__name__}")


def _aim_or_scorecard(session, actor, verb: str, rest: str, today) -> tuple[str, list[dict] | None]:
    """`/partner aim …` and `/partner scorecard NAME`, which bot.referrals answers."""
    if verb == "aim":
        return referral_views.aim_saved(aims.set_aim(session, actor, aims.parse_aim(rest, today))), None
    if not rest.strip():
        raise FeatureError("Which partner? For example: `/partner scorecard Harbor Housing`")
    card = aims.scorecard_for(session, actor, rest.strip())
    return referral_views.partner_scorecard(card, internal=not actor.is_external)


def _open_form(client: WebClient, trigger_id: str, details) -> None:
    categories = [(c.id, c.display_name) for c in vocabulary.categories()]
    client.views_open(trigger_id=trigger_id, view=views.edit_modal(details, categories=categories))


# -- buttons ----------------------------------------------------------------------------------------------------------


def _value(body) -> str:
    return (body.get("actions") or [{}])[0].get("value") or ""


def open_edit_from_button(ack, body, client: WebClient, context, respond) -> None:
    ack()
    try:
        with context["db"].session() as session:
            details = service.open_edit(session, context["actor"], commands.read_partner_id(_value(body)))
        _open_form(client, body["trigger_id"], details)
    except FeatureError as error:
        private(respond, error.message, replace_original=False)


def remove_confirmed(ack, body, context, respond) -> None:
    ack()
    try:
        with context["db"].session() as session:
            name = service.remove_partner(session, context["actor"], commands.read_partner_id(_value(body)))
        private(respond, views.removed(name), replace_original=True)
    except FeatureError as error:
        private(respond, error.message, replace_original=True)


def rename_confirmed(ack, body, context, respond) -> None:
    ack()
    try:
        partner_id, new_name = commands.read_rename_value(_value(body))
        with context["db"].session() as session:
            rename = service.rename_partner(session, context["actor"], partner_id, new_name)
        private(respond, views.renamed(rename), replace_original=True)
    except FeatureError as error:
        private(respond, error.message, replace_original=True)


def change_cancelled(ack, respond) -> None:
    ack()
    respond(delete_original=True)


# -- the edit form ----------------------------------------------------------------------------------------------------


def save_edit(ack, body, client: WebClient, context) -> None:
    actor, view = context["actor"], body["view"]
    changes = commands.read_edit_form(view)
    problems = commands.form_problems(changes)
    try:
        partner_id = commands.form_partner_id(view)
        if not problems:
            with context["db"].session() as session:
                service.check_can_edit(session, actor, partner_id)
    except FeatureError as error:
        problems = {"kind": form_error(error.message)}
    if problems:
        ack(response_action="errors", errors=problems)
        return
    ack()
    # Slack Connect contacts keep their own organization; channels another organization reads are marked shared.
    profiles = {user_id: context["people"].profile(client, user_id) for user_id in changes.contacts}
    facts = [channel_facts(client, channel_id, actor.team_id) for channel_id in changes.channels]
    try:
        with context["db"].session() as session:
            result = service.update_partner(
                session,
                actor,
                partner_id,
                changes,
                contact_teams={user_id: p.team_id if p else None for user_id, p in profiles.items()},
                shared_channels={f.channel_id for f in facts if f.is_shared},
                now=clock.utcnow(),
            )
        message, blocks = views.edit_saved(result), views.notes_question(result)
    except FeatureError as error:
        message, blocks = error.message, None
    client.chat_postMessage(channel=actor.user_id, text=message, **({"blocks": blocks} if blocks else {}))


def notes_review_button(choice: str):
    """Save as shown / Remove marked words / Edit under partner notes saved without their doubtful words."""

    def answer(ack, body, client: WebClient, context, respond) -> None:
        ack()
        try:
            with context["db"].session() as session:
                details = service.answer_notes_review(session, context["actor"], _value(body), choice,
                                                      now=clock.utcnow())  # fmt: skip
            if choice == review.EDIT:
                _open_form(client, body["trigger_id"], details)
                return
            private(respond, views.notes_answered(details, choice), replace_original=False)
        except FeatureError as error:
            private(respond, error.message, replace_original=False)

    return answer
