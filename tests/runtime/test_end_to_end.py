"""`partnerbot run` as a real process in HTTP mode (gunicorn), against the fake Slack and both databases."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.console import slack_payloads
from bot.console.simulator import SlackSimulator, http_transport
from bot.platform import outbox
from bot.platform.clock import utcnow

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-signing-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def running_bot(db, fake_slack, tmp_path):
    port = free_port()
    processes = 1 if db.dialect == "sqlite" else 2
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(SLACK_BOT_TOKEN="xoxb-e2e", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake_slack.api_url,
               DATABASE_URL=db.url, PORT=str(port), TICK_SECONDS="0.5", LOG_LEVEL="INFO",
               WEB_PROCESSES=str(processes),
               PYTHONPATH=str(ROOT))
    log_path = tmp_path / "bot.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run"], cwd=tmp_path, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("bot did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    # /healthz answers once one worker is up; the others may still be checking the token with Slack. Wait for
    # every auth.test (the startup check, then one per worker) so that none lands among a test's calls.
    while len(fake_slack.calls("auth.test")) < 1 + processes:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("not every worker started:\n" + log_path.read_text()[-3000:])
        time.sleep(0.1)
    fake_slack.reset()
    simulator = SlackSimulator(http_transport(base + "/slack/events"), signing_secret=SECRET,
                               response_url=fake_slack.response_url, bot_user=fake_slack.bot_user_id)
    simulator.process, simulator.base, simulator.log_path = process, base, log_path
    yield simulator
    if process.poll() is None:
        process.kill()
        process.wait()


def test_the_bot_process_serves_slack_end_to_end(running_bot, fake_slack, db):
    slack = running_bot
    body, kind = slack_payloads.url_verification("challenge-e2e")
    assert json.loads(slack.send(body, kind).body)["challenge"] == "challenge-e2e"

    assert slack.command("/partnerbot", "help").status == 200
    assert "/whohelps" in fake_slack.wait_for("response_url", timeout=10).text_content()

    event = {"type": "app_mention", "user": "U1", "text": "<@UPARTNERBOT> hello", "channel": "CE2E", "ts": "9.9"}
    assert slack.event(event, event_id="EvE2E1").status == 200
    assert slack.event(event, event_id="EvE2E1", headers={"X-Slack-Retry-Num": "1"}).status == 200
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "CE2E", timeout=10)

    assert slack.click("help_dismiss", "dismiss", block_id="help_actions").status == 200
    fake_slack.wait_for("response_url", where=lambda call: call.args.get("delete_original") is True, timeout=10)

    calls_before = len(fake_slack.calls())
    forged = slack.send(*slack_payloads.slash_command("/partnerbot", "help", user="U1", channel="C1", team="T1",
                                                      response_url=fake_slack.response_url("forged")),
                        sign_with="forged-secret")
    stale = slack.send(*slack_payloads.slash_command("/partnerbot", "help", user="U1", channel="C1", team="T1",
                                                     response_url=fake_slack.response_url("stale")),
                       timestamp=int(time.time()) - 3600)
    assert (forged.status, stale.status) == (401, 401)
    time.sleep(0.5)
    assert len(fake_slack.calls()) == calls_before, [call.method for call in fake_slack.calls()[calls_before:]]

    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1, where=lambda a: a["channel"] == "C429")
    slack.mention("hello", channel="C429")
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "C429", timeout=10)
    deadline = time.monotonic() + 10
    while len([c for c in fake_slack.calls("chat.postMessage") if c.args["channel"] == "C429"]) < 2:
        assert time.monotonic() < deadline, "the rate-limited post was not retried"
        time.sleep(0.1)

    # The process's scheduler delivers what is due in the outbox, once.
    with db.session() as session:
        outbox.enqueue(session, team_id="T1", key="e2e:notice", kind=outbox.FAILURE_NOTICE_KIND, due_at=utcnow(),
                       payload={"user_id": "UE2E", "text": "scheduled hello"})
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "UE2E", timeout=15)
    time.sleep(2)  # several more ticks: none may send it again
    assert len([c for c in fake_slack.calls("chat.postMessage") if c.args["channel"] == "CE2E"]) == 1
    assert len([c for c in fake_slack.calls("chat.postMessage") if c.args["channel"] == "UE2E"]) == 1


def test_sigterm_stops_cleanly(running_bot):
    process = running_bot.process
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    log = running_bot.log_path.read_text()
    assert "scheduler: stopped" in log
    assert "Traceback" not in log
