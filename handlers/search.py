"""Slack adapter for "who can help with X?": /whohelps, mentions and DMs that ask for something in any wording,
replies in the thread of an answer that refine it, the search form and the buttons on answers. Parses payloads,
calls bot.search, renders with bot.search.views.

Nothing here logs what people typed; the core redacts the question before it is used for anything. Messages the
bot cannot place (and `help`) are left to the help feature, registered last.
"""

from __future__ import annotations

from slack_bolt import App

from bot.directory import stewards
from bot.platform.routing import is_direct_message, is_from_a_person, text_for_bot
from bot.search import conversation, threads, views
from bot.search import service as search


def register(app: App) -> None:
    app.command("/whohelps")(whohelps_command)
    app.event("app_mention", matchers=[_refines_an_answer])(refine_in_thread)
    app.event("message", matchers=[_refines_an_answer])(refine_in_thread)
    app.event("app_mention", matchers=[_placeable])(answer_mention)
    app.event("message", matchers=[_placeable])(answer_mention)
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


def _addressed(event: dict) -> bool:
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and is_direct_message(event) and is_from_a_person(event)


def _placeable(event: dict) -> bool:
    """A mention or DM the search answers: a need in any wording, a greeting or thanks. The rest is help's."""
    return _addressed(event) and conversation.classify(text_for_bot(event)) in ("search", "greeting", "thanks")


def _thread_key(event: dict) -> str | None:
    thread = event.get("thread_ts")
    return thread if thread and thread != event.get("ts") else None


def _refines_an_answer(event: dict, body: dict, context) -> bool:
    """A person's reply in the thread of a search answer (threads of other bot posts are left alone)."""
    if not _thread_key(event) or not is_from_a_person(event) or event.get("type") not in ("message", "app_mention"):
        return False
    bot_user = context.get("bot_user_id")
    if event.get("type") == "message" and bot_user and f"<@{bot_user}" in (event.get("text") or ""):
        return False  # the same words arrive as an app_mention, answered there
    with context["db"].session() as session:
        return threads.find(session, _team(context), event.get("channel", ""), _thread_key(event)) is not None


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


def _remember(context, team_id: str, channel: str, thread_ts: str | None, answer: search.SearchAnswer,
              shown: int) -> None:  # fmt: skip
    if thread_ts and answer.parsed is not None and not answer.problem:
        with context["db"].session() as session:
            threads.remember(session, team_id, channel, thread_ts, answer.parsed, shown)


def answer_mention(event, body, context, say) -> None:
    text = text_for_bot(event)
    kind = conversation.classify(text)
    direct = is_direct_message(event)
    # In a channel the answer goes in a thread under the question, so the channel is not flooded.
    thread = None if direct else (event.get("thread_ts") or event.get("ts"))
    if kind != "search":
        say(text=views.SMALL_TALK[kind], thread_ts=thread)
        return
    team_id = _team(context)
    answer = _answer(context, team_id, text, "dm" if direct else "mention")
    posted = say(text=views.answer_text(answer), blocks=views.answer_blocks(answer), thread_ts=thread)
    # A DM answer starts its own thread; a channel answer lives in the question's thread.
    key = thread if not direct else ((posted or {}).get("ts") if hasattr(posted, "get") else None)
    _remember(context, team_id, event.get("channel", ""), key, answer,
              max((len(n.hits) for n in answer.needs), default=0))  # fmt: skip


def refine_in_thread(event, body, context, say) -> None:
    team_id, channel, thread = _team(context), event.get("channel", ""), _thread_key(event)
    text = text_for_bot(event)
    with context["db"].session() as session:
        saved = threads.find(session, team_id, channel, thread)
        previous = conversation.from_json(saved.parsed) if saved else None
        shown = saved.shown if saved else 0
        refined = conversation.refine(previous, text) if previous else None
        if refined is None:
            kind = conversation.classify(text)
            if kind in ("greeting", "thanks"):
                say(text=views.SMALL_TALK[kind], thread_ts=thread)
                return
            answer = search.who_can_help(session, team_id, text, surface="thread") if kind == "search" else None
        else:
            parsed, more = refined
            answer = search.answer_parsed(session, team_id, parsed, offset=shown if more else 0,
                                          surface="thread", record=not more)  # fmt: skip
        if answer is None:
            return  # people talking among themselves in the thread ("ok, calling them now")
        if answer.parsed is not None and not answer.problem:
            more = refined is not None and refined[1]
            threads.remember(session, team_id, channel, thread, answer.parsed,
                             (shown if more else 0) + max((len(n.hits) for n in answer.needs), default=0))  # fmt: skip
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
