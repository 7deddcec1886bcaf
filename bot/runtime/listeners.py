"""Acks first, work after, and nothing raised after the ack: how every listener is run, in one place.

Every listener the handlers register goes through `PartnerbotApp`, which adds two things without changing the
handlers:

- an admission step, in the request thread, right after bolt matched the listener: slash commands, button clicks,
  shortcuts and events are acknowledged at once, before any database or Slack work, and their listener is handed
  to the bounded work pool (bot.runtime.work). When every pool thread is busy the person is told "busy, answering in
  a moment" (for a slash command inside the ack itself, at no cost); when the queue is full too, they are told to
  try again and nothing runs. Forms (view submissions) are not pre-acked: they validate inside the ack, as Slack
  shows their errors from it, and they go to the front of the queue.
- a guard around the listener, in the pool thread: a failure is logged (what failed, never the payload) and turns
  into the polite message; it never reaches bolt, which would otherwise overwrite an ack it had not yet seen and
  answer Slack with a 404 after 3 s. An event is recorded as handled only once it was handled: a failed attempt
  removes its record so Slack's retry is handled, and a handled event's retries are dropped.
"""

import logging
import traceback
from collections.abc import Sequence
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.listener.custom_listener import CustomListener
from slack_bolt.middleware import Middleware

from bot.platform.clock import utcnow
from bot.platform.db import Database
from bot.runtime import event_log
from bot.runtime.work import Admission, NoticeLane, WorkPool

log = logging.getLogger(__name__)

FRIENDLY_ERROR = ":warning: Sorry, something went wrong on my side. Nothing was saved. Please try again in a minute."
BUSY = ":hourglass_flowing_sand: I'm busy with other requests; answering in a moment."
TOO_BUSY = ":hourglass: I'm too busy to answer right now, so I didn't act on that. Please try again in a minute."
FORM_ERROR = "Sorry, something went wrong on my side and nothing was saved. Please try again in a minute."
ACK_FIRST = ("command", "action", "event")
# Events a person is waiting on an answer to; others (reactions, Home opened) get no busy notice.
CONVERSATIONAL_EVENTS = ("message", "app_mention")


def request_kind(body: dict[str, Any]) -> str:
    kind = body.get("type")
    if body.get("command"):
        return "command"
    if kind in ("block_actions", "shortcut", "message_action", "interactive_message"):
        return "action"
    if kind == "event_callback":
        return "event"
    if kind in ("view_submission", "view_closed"):
        return "view"
    if kind in ("block_suggestion", "dialog_suggestion"):
        return "options"
    return "other"


def describe(body: dict[str, Any]) -> str:
    """What a request was, for the log: a command name or a payload type, never what was typed."""
    if body.get("type") == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return str(body.get("command") or body.get("type") or "request")


def log_failure(error: BaseException, body: dict[str, Any]) -> None:
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error("listener for %s failed with %s at %s", describe(body), type(error).__name__, where)


def tell_person(request: BoltRequest, text: str) -> None:
    """Shows `text` to the person behind a request, only to them: through the response_url when there is one,
    else ephemeral where they wrote, else by DM."""
    body, context = request.body, request.context
    if context.respond is not None and (body.get("response_url") or body.get("response_urls")):
        context.respond(text=text, response_type="ephemeral", replace_original=False)
        return
    event = body.get("event") or {}
    user, channel = context.user_id, context.channel_id or event.get("channel")
    if not user:
        return
    if event and channel:
        context.client.chat_postEphemeral(channel=channel, user=user, text=text, thread_ts=event.get("thread_ts"))
    else:
        context.client.chat_postMessage(channel=user, text=text)


class EarlyAck(Ack):
    """The request's ack, called by the admission step; a listener's own later ack() is then a no-op, except that
    content it carries (a slash command's text) is delivered through the response_url instead of being lost."""

    def __init__(self, respond: Any) -> None:
        super().__init__()
        self._respond = respond
        self._early = False

    def early(self, text: str = "") -> BoltResponse:
        response = super().__call__(text)
        self._early = True
        return response

    def __call__(self, text: str | dict = "", blocks: Sequence | None = None, *args: Any, **kwargs: Any) -> BoltResponse:
        if not self._early:
            return super().__call__(text, blocks, *args, **kwargs)
        if isinstance(text, str) and (text or blocks) and self._respond is not None:
            self._respond(text=text, blocks=blocks, response_type=kwargs.get("response_type") or "ephemeral",
                          replace_original=False)
        return self.response  # type: ignore[return-value]


class AdmitAfterAck(Middleware):
    """The admission step (see the module docstring); runs in the request thread once bolt matched a listener."""

    def __init__(self, pool: WorkPool, notices: NoticeLane) -> None:
        self.pool = pool
        self.notices = notices

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Any) -> BoltResponse | None:
        kind = request_kind(req.body)
        if kind in ("view", "options"):
            self.pool.next_submit_is_urgent()
            next()
            return resp
        if kind not in ACK_FIRST:
            next()
            return resp
        admission = self.pool.admission()
        ack = EarlyAck(req.context.respond)
        req.context["ack"] = ack
        notice = {Admission.QUEUED: BUSY, Admission.REFUSED: TOO_BUSY}.get(admission)
        if notice is None:
            ack.early()
        elif kind == "command":
            ack.early(notice)  # Slack shows an ack's text to the person at once
        else:
            ack.early()
            event_type = (req.body.get("event") or {}).get("type")
            if kind == "action" or event_type in CONVERSATIONAL_EVENTS:
                self.notices.send(partial(tell_person, req, notice))
        if admission is Admission.REFUSED:
            log.warning("work pool full (%d waiting): refused %s", self.pool.queue_limit, describe(req.body))
            return ack.response  # the listener does not run
        next()
        return resp


class GuardedListener(CustomListener):
    """A listener whose failures become the polite message, and whose events are recorded once handled."""

    db: Database

    def run_ack_function(self, *, request: BoltRequest, response: BoltResponse) -> BoltResponse | None:
        body = request.body
        event_id = str(body.get("event_id") or "") if request_kind(body) == "event" else ""
        team_id = str(body.get("team_id") or "")
        if event_id and not self._begin(team_id, event_id, request):
            return None
        try:
            returned = super().run_ack_function(request=request, response=response)
        except Exception as error:
            log_failure(error, body)
            if event_id:
                self._quietly(event_log.forget, team_id, event_id)  # Slack's retry, if any, is handled afresh
            self._apologize(request)
            return None
        if event_id:
            self._quietly(event_log.mark_handled, team_id, event_id, utcnow())
        return returned

    def _begin(self, team_id: str, event_id: str, request: BoltRequest) -> bool:
        try:
            first = event_log.begin(self.db, team_id, event_id, utcnow())
        except Exception as error:  # the database is down: the listener would fail the same way
            log_failure(error, request.body)
            self._apologize(request)
            return False
        if not first:
            log.info("skipping redelivered event %s", event_id)
        return first

    def _quietly(self, step: Any, *args: Any) -> None:
        try:
            step(self.db, *args)
        except Exception as error:
            log.warning("could not record event handling: %s", type(error).__name__)

    def _apologize(self, request: BoltRequest) -> None:
        ack = request.context.ack
        try:
            if ack.response is None and request_kind(request.body) == "view":
                # Not acknowledged yet: keep the form open and show the apology on its first field.
                blocks = ((request.body.get("view") or {}).get("blocks")) or []
                field = next((b.get("block_id") for b in blocks if b.get("type") == "input" and b.get("block_id")),
                             None)
                if field:
                    ack(response_action="errors", errors={field: FORM_ERROR})
                    return
            if ack.response is None:
                ack()
            tell_person(request, FRIENDLY_ERROR)
        except Exception as error:
            log.warning("could not tell the person about a failure: %s", type(error).__name__)


class PartnerbotApp(App):
    """bolt's App, with every listener admitted after an early ack and guarded (see the module docstring)."""

    def __init__(self, *, db: Database, pool: WorkPool, notices: NoticeLane, **kwargs: Any) -> None:
        self.partnerbot_db = db
        self.work_pool = pool
        self.notices = notices
        self._admit = AdmitAfterAck(pool, notices)
        super().__init__(listener_executor=pool, **kwargs)

    def _register_listener(self, functions, primary_matcher, matchers, middleware, auto_acknowledgement=False,
                           ack_timeout=3):
        registered = super()._register_listener(functions, primary_matcher, matchers,
                                                [self._admit, *(middleware or [])], auto_acknowledgement, ack_timeout)
        plain = self._listeners[-1]
        guarded = GuardedListener(
            app_name=plain.app_name, ack_function=plain.ack_function, lazy_functions=plain.lazy_functions,
            matchers=plain.matchers, middleware=plain.middleware, auto_acknowledgement=plain.auto_acknowledgement,
            ack_timeout=plain.ack_timeout, base_logger=self._base_logger)
        guarded.db = self.partnerbot_db
        self._listeners[-1] = guarded
        return registered
