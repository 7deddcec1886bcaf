"""Acks first (issue 15) and nothing raised after the ack (issue 13, items 5 and 6), over signed HTTP.

Slash commands, button clicks and events are acknowledged before any database or Slack work, and their work runs in
a bounded pool apart from the request threads; when the pool is busy the person hears so at once. A failure after
the ack becomes the polite message and a 200, never a 404 after 3 s; an event counts as handled only once handled.
"""

import threading
import time
from collections.abc import Iterator
from wsgiref.simple_server import make_server

import pytest
from sqlmodel import select

from bot.console.simulator import SlackSimulator, http_transport
from bot.platform.db import make_engine
from bot.runtime.app import build_app
from bot.runtime.listeners import BUSY, FRIENDLY_ERROR, TOO_BUSY
from bot.runtime.server import EVENTS_PATH, wsgi_app
from bot.runtime.slack_client import build_client
from bot.runtime.work import WorkPool
from models.platform import ProcessedEvent
from tests.conftest import SIGNING_SECRET, _QuietHandler, _ThreadingWSGIServer, settings_for


@pytest.fixture
def narrow(fake_slack, db) -> Iterator[SlackSimulator]:
    """The real app over HTTP with a work pool of one thread and room for one waiting job."""
    settings = settings_for(fake_slack, db)
    pool = WorkPool(threads=1, queue=1)
    app = build_app(settings, db, client=build_client(settings), listener_executor=pool)
    server = make_server("127.0.0.1", 0, wsgi_app(app, db, SIGNING_SECRET), server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    simulator = SlackSimulator(http_transport(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"),
                               signing_secret=SIGNING_SECRET, response_url=fake_slack.response_url,
                               bot_user=fake_slack.bot_user_id)
    simulator.app, simulator.pool = app, pool
    fake_slack.reset()
    yield simulator
    server.shutdown()
    server.server_close()
    pool.shutdown(wait=True)


def _holding_listeners(app, release: threading.Event, runs: list[str]) -> None:
    """A command, a button and an event whose work waits until `release` (like a slow database)."""

    def hold(ack, body):
        ack()
        runs.append(body.get("command") or body.get("type"))
        release.wait(10)

    app.command("/hold")(hold)
    app.action("hold_button")(hold)
    app.event("channel_rename")(lambda body: (runs.append("event"), release.wait(10)))


def timed(send) -> tuple[float, object]:
    started = time.monotonic()
    reply = send()
    return time.monotonic() - started, reply


def test_commands_clicks_and_events_are_acknowledged_before_their_work(slack, fake_slack):
    release, runs = threading.Event(), []
    _holding_listeners(slack.app, release, runs)
    slack.after_send = lambda: None  # do not wait for the work: it is blocked on purpose
    try:
        for send in (lambda: slack.command("/hold", "x"), lambda: slack.click("hold_button", "1"),
                     lambda: slack.event({"type": "channel_rename", "channel": {"id": "C1", "name": "x"}})):
            seconds, reply = timed(send)
            assert reply.status == 200 and seconds < 1.0
        deadline = time.monotonic() + 5
        while len(runs) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(runs) == ["/hold", "block_actions", "event"]  # all three still working, all three acked
    finally:
        release.set()


def test_a_form_is_still_validated_inside_the_ack(slack):
    from bot.search import views

    reply = slack.submit(views.MODAL_CALLBACK, {views.QUERY_BLOCK: {views.QUERY_ACTION: "   "}})
    assert reply.status == 200 and reply.json()["response_action"] == "errors"


def test_a_busy_pool_tells_the_person_at_once_and_a_full_one_refuses(narrow, fake_slack):
    release, runs = threading.Event(), []
    _holding_listeners(narrow.app, release, runs)
    try:
        first = narrow.command("/hold", "first")  # takes the only thread
        deadline = time.monotonic() + 5
        while not runs and time.monotonic() < deadline:
            time.sleep(0.01)
        second = narrow.command("/hold", "second")  # waits for it
        third_seconds, third = timed(lambda: narrow.command("/hold", "third"))  # no room left
        assert first.status == second.status == third.status == 200
        assert first.body == "" and second.body == BUSY and third.body == TOO_BUSY  # Slack shows an ack's text
        assert third_seconds < 1.0
        narrow.click("hold_button", "1")  # a click has no ack text: the notice comes through its response_url
        notice = fake_slack.wait_for("response_url", lambda call: call.args.get("text") == TOO_BUSY)
        assert notice.args["response_type"] == "ephemeral"
    finally:
        release.set()
    assert narrow.pool.wait_idle(10)
    assert runs == ["/hold", "/hold"]  # the first and the queued second; the refused ones never ran


def test_a_failure_right_after_the_ack_is_a_polite_200_never_a_404(slack, fake_slack):
    @slack.app.view("explodes")
    def explode_after_ack(ack):
        ack()
        raise RuntimeError("late failure")

    @slack.app.command("/explodes")
    def explode_command(ack):
        ack()
        raise RuntimeError("late failure")

    for _ in range(5):
        seconds, reply = timed(lambda: slack.submit("explodes", {}))
        assert reply.status == 200 and seconds < 2.0
        seconds, reply = timed(lambda: slack.command("/explodes"))
        assert reply.status == 200 and seconds < 2.0
    apologies = [call for call in fake_slack.calls("response_url") if call.args.get("text") == FRIENDLY_ERROR]
    assert len(apologies) == 5
    dms = [call for call in fake_slack.calls("chat.postMessage") if call.args.get("text") == FRIENDLY_ERROR]
    assert len(dms) == 5  # a form has no response_url: the apology comes by DM


def test_with_the_database_down_the_person_gets_the_polite_message_fast(slack, fake_slack, tmp_path):
    slack.db.engine = make_engine(f"sqlite:///{tmp_path}/missing-folder/partnerbot.db")
    seconds, reply = timed(lambda: slack.command("/whohelps", "food pantry"))
    assert reply.status == 200 and seconds < 2.0
    assert fake_slack.wait_for("response_url").args["text"] == FRIENDLY_ERROR
    seconds, reply = timed(lambda: slack.mention("who can help with food?"))  # an event: acked, not a 500
    assert reply.status == 200 and seconds < 2.0
    assert fake_slack.wait_for("chat.postEphemeral").args["text"] == FRIENDLY_ERROR


def test_a_failed_event_lets_slacks_retry_through(slack, fake_slack, db):
    fake_slack.fail_next("chat.postMessage", error="fatal_error")  # the first attempt's answer fails
    event = {"type": "app_mention", "user": "U1", "text": "<@UPARTNERBOT> hello", "channel": "C1", "ts": "3.3"}
    assert slack.event(event, event_id="Ev0FAILSONCE").status == 200
    assert fake_slack.wait_for("chat.postEphemeral").args["text"] == FRIENDLY_ERROR
    with db.session() as session:
        assert session.exec(select(ProcessedEvent)).all() == []  # not recorded: it was not handled
    retry = slack.event(event, event_id="Ev0FAILSONCE", headers={"X-Slack-Retry-Num": "1",
                                                                 "X-Slack-Retry-Reason": "http_error"})
    assert retry.status == 200
    assert len(fake_slack.calls("chat.postMessage")) == 2  # the failed answer, then the retry's
    again = slack.event(event, event_id="Ev0FAILSONCE", headers={"X-Slack-Retry-Num": "2",
                                                                 "X-Slack-Retry-Reason": "http_timeout"})
    assert again.status == 200 and len(fake_slack.calls("chat.postMessage")) == 2  # handled: dropped now
    with db.session() as session:
        [row] = session.exec(select(ProcessedEvent)).all()
        assert row.handled_at is not None
