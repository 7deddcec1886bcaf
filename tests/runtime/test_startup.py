"""Starting up (issue 13 item 10): an unreachable database or Slack prints one line, not a traceback; the bind host
is a setting; Socket Mode answers GET /healthz."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.runtime import cli
from bot.runtime.settings import Settings, SettingsError, settings_from

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def partnerbot(tmp_path, **env: str) -> subprocess.Popen:
    variables = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_"))}
    variables.update({"PYTHONPATH": str(ROOT), "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/partnerbot.db", **env})
    return subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run"], cwd=tmp_path, env=variables,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def one_line_failure(process: subprocess.Popen) -> str:
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:1/partnerbot",
                                 "sqlite:////nonexistent-folder/partnerbot.db"])
def test_an_unreachable_database_is_one_line(tmp_path, url):
    line = one_line_failure(partnerbot(tmp_path, DATABASE_URL=url))
    assert line.startswith("partnerbot: cannot reach the database in DATABASE_URL") and "fix DATABASE_URL" in line
    assert "postgres@" not in line  # no credentials echoed


def test_an_unreachable_slack_is_one_line(tmp_path):
    line = one_line_failure(partnerbot(tmp_path, SLACK_API_URL="http://127.0.0.1:9/api/"))
    assert line.startswith("partnerbot: cannot reach Slack at http://127.0.0.1:9/api/") and "SLACK_API_URL" in line


def test_a_refused_token_is_one_line(tmp_path, fake_slack):
    fake_slack.fail_next("auth.test", error="invalid_auth")
    line = one_line_failure(partnerbot(tmp_path, SLACK_API_URL=fake_slack.api_url))
    assert "SLACK_BOT_TOKEN" in line and "invalid_auth" in line


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_http_mode_binds_the_host_setting(tmp_path, fake_slack):
    port = free_port()
    process = partnerbot(tmp_path, SLACK_API_URL=fake_slack.api_url, HOST="127.0.0.2", PORT=str(port))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"http://127.0.0.2:{port}/healthz") == (200, {"ok": True, "database": "ok"})
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline and process.poll() is None, process.stderr.read()
                time.sleep(0.2)
        with pytest.raises(urllib.error.URLError):  # not on every interface: only where HOST says
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


class _FakeSocketModeHandler:
    connected = True

    def __init__(self, app, app_token) -> None:
        self.client = self

    def is_connected(self) -> bool:
        return _FakeSocketModeHandler.connected

    def connect(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_socket_mode_answers_health_checks(db, fake_slack):
    from tests.conftest import settings_for

    port = free_port()
    settings = settings_for(fake_slack, db, slack_app_token="xapp-test", host="127.0.0.1", port=port)
    stopping = threading.Event()
    runner = threading.Thread(target=cli._run_socket_mode, args=(settings,),
                              kwargs={"handler_class": _FakeSocketModeHandler, "stopping": stopping})
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                status, report = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except urllib.error.URLError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert (status, report) == (200, {"ok": True, "database": "ok", "slack": "connected"})
        _FakeSocketModeHandler.connected = False
        assert _get(f"http://127.0.0.1:{port}/healthz") == (
            503, {"ok": False, "database": "ok", "slack": "disconnected"})
    finally:
        _FakeSocketModeHandler.connected = True
        stopping.set()
        runner.join(30)


def test_server_settings_have_safe_defaults_and_clear_errors():
    settings = settings_from({})
    assert settings.host == "0.0.0.0" and settings.web_processes == 1 and settings.web_threads == 8
    assert 4 <= settings.work_threads <= 16 and settings.work_queue == 8 * settings.work_threads
    assert settings_from({"HOST": "[::1]"}).host == "::1"
    assert settings_from({"DATABASE_URL": "postgresql://u@db/p", "WEB_PROCESSES": "3"}).web_processes == 3
    for env, variable in [({"HOST": "every interface"}, "HOST"), ({"WEB_PROCESSES": "2"}, "WEB_PROCESSES"),
                          ({"WORK_THREADS": "0"}, "WORK_THREADS"), ({"WORK_QUEUE": "lots"}, "WORK_QUEUE")]:
        with pytest.raises(SettingsError, match=variable):
            settings_from(env)
    assert Settings(work_threads=3).work_queue == 24
