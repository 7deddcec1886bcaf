"""Slack adapter for "who can help with X?": /whohelps, @partnerbot who can help…, DMs, the search form and the
buttons on answers. Parses payloads, calls bot.search, renders with bot.views.search.

Nothing here logs what people typed; the core redacts the question before it is used for anything.
"""

from __future__ import annotations

from slack_bolt import App

from bot.directory import stewards
from bot.platform.routing import addressed_to_bot, is_direct_message, text_for_bot
from bot.search import service as search
from bot.search import views
from bot.search.query import SEARCH_REQUEST


def register(app: App) -> None:
    app.command("/whohelps")(whohelps_command)
    matcher = addressed_to_bot(SEARCH_REQUEST.pattern)
    app.event("app_mention", matchers=[matcher])(answer_mention)
    app.event("message", matchers=[matcher])(answer_mention)
    app.action(views.OPEN_MODAL_ACTION)(open_search_modal)
    app.view(views.MODAL_CALLBACK)(submit_search_modal)
    app.action(views.HELPED_ACTION)(feedback_helped)
    app.action(views.OUTDATED_ACTION)(feedback_outdated)
    app.action(views.SHOW_MORE_ACTION)(show_more)


def _team(context) -> str:
    """The workspace whose directory is searched: the installation's (the actor's), never the team of a Slack
    Connect guest who typed or clicked."""
    actor = context.get("actor")
    return actor.team_id if actor is not None else ""


def _answer(context, team_id: str, question: str, surface: str) -> search.SearchAnswer:
    with context["db"].session() as session:
        return search.who_can_help(session, team_id, question, surface=surface)


def whohelps_command(ack, body, command, context, respond, client) -> None:
    ack()
    question = (command.get("text") or "").strip()
    if not question:
        client.views_open(trigger_id=body["trigger_id"], view=views.search_modal())
        return
    if question.lower() in ("help", "?", "-h", "--help"):
        respond(text=views.USAGE, response_type="ephemeral")
        return
    answer = _answer(context, _team(context), question, "slash")
    respond(text=views.answer_text(answer), blocks=views.answer_blocks(answer), response_type="ephemeral")


def answer_mention(event, body, context, say) -> None:
    question = text_for_bot(event)
    surface = "dm" if is_direct_message(event) else "mention"
    answer = _answer(context, _team(context), question, surface)
    # In a channel the answer goes in a thread under the question, so the channel is not flooded.
    thread = None if is_direct_message(event) else (event.get("thread_ts") or event.get("ts"))
    say(text=views.answer_text(answer), blocks=views.answer_blocks(answer), thread_ts=thread)


def open_search_modal(ack, body, client) -> None:
    ack()
    client.views_open(trigger_id=body["trigger_id"], view=views.search_modal())


def submit_search_modal(ack, body, view, context, client) -> None:
    values = view.get("state", {}).get("values", {})
    question = ((values.get(views.QUERY_BLOCK) or {}).get(views.QUERY_ACTION) or {}).get("value") or ""
    question = question.strip()
    if not question:
        ack(response_action="errors", errors={views.QUERY_BLOCK: "Tell me what the person needs."})
        return
    if len(question) > search.MAX_QUESTION_LENGTH:
        ack(response_action="errors", errors={views.QUERY_BLOCK: views.PROBLEMS["too_long"]})
        return
    ack()
    user_id = body["user"]["id"]
    answer = _answer(context, _team(context), question, "modal")
    # The answer arrives in the person's DM with the bot, where only they see it.
    client.chat_postMessage(
        channel=user_id, text=views.answer_text(answer), blocks=views.answer_blocks(answer)
    )


def _feedback(kind: str, ack, body, context, respond) -> None:
    ack()
    try:
        resource_id = int(body["actions"][0]["value"])
    except (KeyError, IndexError, TypeError, ValueError):
        respond(
            text="I couldn't tell which resource that was.", response_type="ephemeral", replace_original=False
        )
        return
    with context["db"].session() as session:
        outcome, name = search.record_feedback(
            session, _team(context), resource_id, body["user"]["id"], kind
        )
        if kind == "outdated" and outcome == "recorded":  # the directory's stewards are told, once per verification
            stewards.flag_outdated(session, context["actor"], resource_id, admins=context["settings"].admin_user_ids)
    respond(text=views.feedback_text(kind, outcome, name), response_type="ephemeral", replace_original=False)


def feedback_helped(ack, body, context, respond) -> None:
    _feedback("helped", ack, body, context, respond)


def feedback_outdated(ack, body, context, respond) -> None:
    _feedback("outdated", ack, body, context, respond)


def show_more(ack, body, context, respond) -> None:
    ack()
    parsed = views.parse_show_more_value((body.get("actions") or [{}])[0].get("value") or "")
    if parsed is None:
        respond(
            text="That button has expired; please ask again.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    question, need_index, offset = parsed
    with context["db"].session() as session:
        # The value holds the already-redacted question; searching again is not a new question, so not recorded.
        answer = search.who_can_help(session, _team(context), question, offset=offset, record=False)
    if answer.problem or need_index >= len(answer.needs):
        respond(
            text="That button has expired; please ask again.",
            response_type="ephemeral",
            replace_original=False,
        )
        return
    respond(
        text=views.answer_text(answer),
        blocks=views.answer_blocks(answer, only_need=need_index),
        response_type="ephemeral",
        replace_original=False,
    )
