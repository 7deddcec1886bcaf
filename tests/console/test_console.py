"""The offline console: the real app against a pretend Slack, driven from a pipe or a script."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_console(tmp_path: Path, lines: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/console.db")
    return subprocess.run([sys.executable, "-m", "bot.runtime.cli", *args], input=lines, capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)


def test_help_from_a_pipe_prints_what_the_bot_can_do(tmp_path):
    result = run_console(tmp_path, "help\n", "console")
    assert result.returncode == 0, result.stderr[-2000:]
    for command in ("/resource", "/whohelps", "/conference", "/partner", "/celebrate", "/digest"):
        assert command in result.stdout
    assert "Traceback" not in result.stderr


def test_run_without_tokens_starts_the_console(tmp_path):
    result = run_console(tmp_path, "@partnerbot help\n", "run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "offline console" in result.stderr
    assert "/whohelps" in result.stdout


def test_script_file_and_clickable_buttons(tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text("/partnerbot help\nclick 1\nclick 9\nsomething odd\nquit\n")
    result = run_console(tmp_path, "", "console", "--script", str(script))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[1] Got it" in result.stdout
    assert "removed its earlier message" in result.stdout
    assert "no button '9'" in result.stdout
    assert "type `help`" in result.stdout


def test_typed_mentions_and_channels_are_escaped_like_slack_escapes_them():
    from bot.console.shell import escape_like_slack

    assert escape_like_slack("@ana with #food-partners for rides, Apt #5, a@b.org, @here") == (
        "<@UANA|ana> with <#CFOODPARTNERS|food-partners> for rides, Apt #5, a@b.org, <!here>"
    )
    assert escape_like_slack("<@U1|x> in <#C1|y>") == "<@U1|x> in <#C1|y>"


def test_slack_date_tokens_show_in_the_configured_zone():
    from zoneinfo import ZoneInfo

    from bot.console.shell import render_mrkdwn

    token = "<!date^1764601200^{date_short_pretty} {time}|2025-12-01 15:00 UTC>"
    assert render_mrkdwn(token, ZoneInfo("America/New_York")) == "Mon Dec 1, 2025 10:00"
    assert render_mrkdwn(token) == "Mon Dec 1, 2025 15:00"
