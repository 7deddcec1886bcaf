"""`partnerbot run` as a real process in Socket Mode, against a local WebSocket server playing Slack.

The fake Slack's apps.connections.open hands the bot this server's address; the server says `hello`, then sends
envelopes for a slash command, an event (and Slack's retry of it), a button and a view submission, exactly as
Slack's Socket Mode does. Each must be acked with its envelope_id within Slack's 3 seconds, a form's errors ride in
the ack, a `disconnect` is followed by a new connection, a scheduled reminder is sent once across the reconnect,
and SIGTERM stops the process cleanly. Waits are generous and event-driven, so a loaded machine slows the test
down without failing it (the 3-second ack is Slack's own limit, measured from send to ack).
"""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

from bot.console import slack_payloads as payloads
from bot.platform import outbox
from bot.platform.clock import utcnow
from tests.runtime.test_end_to_end import free_port

ROOT = Path(__file__).resolve().parents[2]
ACK_LIMIT = 3.0  # Slack shows an error to the person when the app has not acked within 3 seconds
# The local server's frame-by-frame debug lines would outlive the test's log capture; they say nothing a test needs.
SERVER_LOG = logging.getLogger("tests.socket_mode_server")
SERVER_LOG.setLevel(logging.WARNING)
SERVER_LOG.propagate = False
PATIENCE = 60.0  # how long to wait for anything else: start-up, a reconnect, a post


class SocketModeSlack:
    """A WebSocket server speaking Slack's Socket Mode: hello, envelopes out, acks in."""

    def __init__(self) -> None:
        self._server = serve(self._serve, "127.0.0.1", 0, ping_interval=None, logger=SERVER_LOG)
        self._changed = threading.Condition()
        self._connections: list = []
        self._closed = 0
        self._acks: dict[str, tuple[float, dict]] = {}
        self.ack_seconds: list[float] = []
        self._thread = threading.Thread(target=self._server.serve_forever, name="socket-mode-slack", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test"

    def start(self) -> "SocketModeSlack":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _serve(self, connection) -> None:
        with self._changed:
            older = [old for old in self._connections if old is not connection]
            self._connections.append(connection)
            number = len(self._connections)
            self._changed.notify_all()
        for old in older:  # like Slack after a refresh: the new connection replaces the old one
            old.close()
        connection.send(json.dumps({"type": "hello", "num_connections": number,
                                    "debug_info": {"host": "applink-test", "approximate_connection_time": 18060},
                                    "connection_info": {"app_id": "APARTNERBOT"}}))
        try:
            for message in connection:
                received = time.monotonic()
                data = json.loads(message)
                if data.get("envelope_id"):
                    with self._changed:
                        self._acks[data["envelope_id"]] = (received, data)
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._closed += 1
                self._changed.notify_all()

    def wait_until(self, condition, what: str, timeout: float = PATIENCE, quiet: bool = False) -> None:
        with self._changed:
            if not self._changed.wait_for(condition, timeout) and not quiet:
                raise AssertionError(f"{what} within {timeout}s")

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._connections)

    def wait_for_connections(self, count: int) -> None:
        self.wait_until(lambda: len(self._connections) >= count, f"no connection number {count}")

    @property
    def open_connections(self) -> int:
        with self._changed:
            return len(self._connections) - self._closed

    def send(self, envelope: dict) -> float:
        """Sends an envelope on the newest connection; returns when it left."""
        with self._changed:
            connection = self._connections[-1]
        sent = time.monotonic()
        connection.send(json.dumps(envelope))
        return sent

    def deliver(self, envelope: dict) -> dict:
        """Sends an envelope and returns its ack, checking it came within Slack's limit."""
        sent = self.send(envelope)
        envelope_id = envelope["envelope_id"]
        self.wait_until(lambda: envelope_id in self._acks, f"no ack for {envelope['type']}")
        received, ack = self._acks[envelope_id]
        self.ack_seconds.append(received - sent)
        assert received - sent < ACK_LIMIT, f"{envelope['type']} acked after {received - sent:.2f}s"
        assert ack["envelope_id"] == envelope_id
        return ack


@pytest.fixture
def socket_slack(fake_slack):
    server = SocketModeSlack().start()
    fake_slack.socket_mode_url = server.url
    yield server
    server.stop()


@pytest.fixture
def socket_bot(db, fake_slack, socket_slack, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN="xoxb-socket", SLACK_APP_TOKEN="xapp-1-socket", SLACK_API_URL=fake_slack.api_url,
               DATABASE_URL=db.url, HOST="127.0.0.1", TICK_SECONDS="0.5", LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    log_path = tmp_path / "bot.log"
    for _attempt in range(3):  # the health port is picked free, but a parallel test can take it first
        process = _start(env | {"PORT": str(free_port())}, tmp_path, log_path)
        deadline = time.monotonic() + PATIENCE
        while process.poll() is None and time.monotonic() < deadline and not socket_slack.connections:
            socket_slack.wait_until(lambda: socket_slack.connections > 0, "", timeout=0.5, quiet=True)
        if socket_slack.connections:
            break
        if process.poll() is None:
            process.kill()
        process.wait()
        if "Address already in use" not in log_path.read_text():
            break
    if not socket_slack.connections:
        raise AssertionError("the bot did not connect:\n" + log_path.read_text()[-3000:])
    process.log_path = log_path
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


def _start(env: dict, cwd: Path, log_path: Path) -> subprocess.Popen:
    with open(log_path, "w") as log_file:
        return subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run"], cwd=cwd, env=env,
                                stdout=log_file, stderr=subprocess.STDOUT)


def _posts_to(fake_slack, channel: str) -> list:
    return [call for call in fake_slack.calls("chat.postMessage") if call.args.get("channel") == channel]


def _stays(condition, seconds: float) -> bool:
    """True if `condition` holds throughout `seconds` (checked often): for 'nothing more arrives'."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not condition():
            return False
        time.sleep(0.05)
    return condition()


def test_socket_mode_acks_every_envelope_and_survives_a_reconnect(socket_bot, socket_slack, fake_slack, db):
    response_url = fake_slack.response_url

    # A slash command: acked at once, the answer goes to its response_url.
    command = payloads.socket_mode_envelope(*payloads.slash_command(
        "/partnerbot", "help", user="U1", channel="C1", team="T1", response_url=response_url("socket-help")))
    socket_slack.deliver(command)
    assert "/whohelps" in fake_slack.wait_for("response_url", timeout=PATIENCE).text_content()

    # An event, then Slack's retry of it (same event_id): both acked, answered once.
    mention = {"type": "app_mention", "user": "U1", "text": "<@UPARTNERBOT> hello", "channel": "CSOCK",
               "ts": payloads.message_ts()}
    event_body = payloads.event_callback(mention, team="T1", bot_user=fake_slack.bot_user_id, event_id="EvSOCK1")
    socket_slack.deliver(payloads.socket_mode_envelope(*event_body))
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "CSOCK", timeout=PATIENCE)
    socket_slack.deliver(payloads.socket_mode_envelope(*event_body, retry_attempt=1, retry_reason="timeout"))

    # A button: acked, and its listener deletes the help card through response_url.
    click = payloads.block_action("help_dismiss", value="dismiss", user="U1", team="T1", channel="C1",
                                  response_url=response_url("socket-dismiss"), block_id="help_actions")
    socket_slack.deliver(payloads.socket_mode_envelope(*click))
    fake_slack.wait_for("response_url", where=lambda call: call.args.get("delete_original") is True,
                        timeout=PATIENCE)

    # A view submission with a problem: the form's errors ride in the ack, as Slack requires.
    submission = payloads.view_submission("search_modal", {"search_query": {"query": ""}}, user="U1", team="T1")
    ack = socket_slack.deliver(payloads.socket_mode_envelope(*submission))
    assert ack["payload"]["response_action"] == "errors"
    assert set(ack["payload"]["errors"]) == {"search_query"}

    # A reminder falls due while Slack asks the bot to reconnect; it is sent once.
    with db.session() as session:
        outbox.enqueue(session, team_id="T1", key="socket:notice", kind=outbox.FAILURE_NOTICE_KIND,
                       due_at=utcnow(), payload={"user_id": "USOCK", "text": "scheduled hello"})
    socket_slack.send({"type": "disconnect", "reason": "refresh_requested",
                       "debug_info": {"host": "applink-test"}})
    socket_slack.wait_for_connections(2)
    again = payloads.socket_mode_envelope(*payloads.slash_command(
        "/partnerbot", "help", user="U1", channel="C1", team="T1", response_url=response_url("after-reconnect")))
    answered = {id(call) for call in fake_slack.calls("response_url")}
    socket_slack.deliver(again)
    fake_slack.wait_for("response_url", where=lambda call: id(call) not in answered, timeout=PATIENCE)
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "USOCK", timeout=PATIENCE)
    assert _stays(lambda: len(_posts_to(fake_slack, "USOCK")) == 1, seconds=3), "the reminder was sent again"
    assert len(_posts_to(fake_slack, "CSOCK")) == 1, "Slack's retry of an answered event was answered again"

    # SIGTERM: the process closes the socket, stops its scheduler and exits 0.
    socket_bot.send_signal(signal.SIGTERM)
    assert socket_bot.wait(timeout=PATIENCE) == 0
    socket_slack.wait_until(lambda: socket_slack.open_connections == 0, "the socket was left open")
    log = socket_bot.log_path.read_text()
    assert "scheduler: stopped" in log
    assert "Traceback" not in log
    print(f"socket mode: {len(socket_slack.ack_seconds)} envelopes acked, slowest in "
          f"{max(socket_slack.ack_seconds) * 1000:.0f} ms")
