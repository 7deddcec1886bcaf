"""The offline console: the real app against a pretend Slack, driven from a pipe or a script."""

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.conferences.planning import KIND_DAY_BEFORE
from bot.console.shell import Console, emoji_text, escape_like_slack, render_mrkdwn
from bot.digests.jobs import DIGEST_KIND
from bot.platform.clock import utcnow
from bot.runtime.settings import Settings
from models.platform import OutboxMessage

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
    assert escape_like_slack("@ana with #food-partners for rides, Apt #5, a@b.org, @here") == (
        "<@UANA|ana> with <#CFOODPARTNERS|food-partners> for rides, Apt #5, a@b.org, <!here>"
    )
    assert escape_like_slack("<@U1|x> in <#C1|y>") == "<@U1|x> in <#C1|y>"


def test_slack_date_tokens_show_in_the_configured_zone():
    token = "<!date^1764601200^{date_short_pretty} at {time}|2025-12-01 15:00 UTC>"
    assert render_mrkdwn(token, ZoneInfo("America/New_York")) == "Mon Dec 1, 2025 at 10am"
    # Times read 4:05pm, as everywhere else in partnerbot, not 16:05.
    late = "<!date^1764623100^{date_short} {time}|x>"
    assert render_mrkdwn(late) == "Dec 1, 2025 9:05pm"
    assert render_mrkdwn(late, ZoneInfo("America/New_York")) == "Dec 1, 2025 4:05pm"


def script(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "script.txt"
    path.write_text(text)
    result = run_console(tmp_path, "", "console", "--script", str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


def after(output: str, line: str) -> str:
    """What the console printed in answer to one typed line (up to the next one)."""
    return output.split(f"you> {line}\n", 1)[1].split("you> ", 1)[0]


def test_an_unknown_command_gets_a_friendly_line_not_bolts_developer_advice(tmp_path):
    result = script(tmp_path, "/nonexistentcommand do things\n")
    answer = after(result.stdout, "/nonexistentcommand do things")
    assert "/nonexistentcommand is not a command here" in answer and "/whohelps" in answer
    assert "Suggestion" not in result.stdout + result.stderr
    assert "@app.command" not in result.stdout + result.stderr


def test_emoji_show_as_the_characters_slack_draws(tmp_path):
    assert emoji_text(":thinking_face: :white_check_mark: :spiral_calendar_pad: :large_green_circle:") == (
        "🤔 ✅ 🗓️ 🟢"
    )
    assert emoji_text("at 10:30: :not_an_emoji_name:") == "at 10:30: :not_an_emoji_name:"
    result = script(tmp_path, "/resource add Hope Shelter Two, beds nightly, 555-0177\n")
    assert "✅" in result.stdout and ":white_check_mark:" not in result.stdout


def test_every_emoji_partnerbot_writes_is_drawn():
    codes = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/*.py")]:
        if "console" not in path.parts:
            codes |= set(re.findall(r"(?<![\w:<!])(:[a-z0-9_+]+:)(?![\w])", path.read_text(encoding="utf-8")))
    codes -= {":channel:", ":text:"}  # parts of format strings and Slack tokens, not emoji
    assert codes, "no emoji found: the pattern above is wrong"
    assert [code for code in sorted(codes) if emoji_text(code) == code] == []


def test_each_say_is_a_new_message_in_a_run_and_across_restarts(tmp_path):
    """A watched channel ignores a message it has seen: two lines in a row, or a restarted console, must not
    reuse one timestamp."""
    # The first message mentions a resource already in the directory: counted quietly, nothing printed.
    first = script(tmp_path, "/resource watch on\nsay Hope Shelter had beds last night\n"
                             "say Northside Diaper Bank, 555-0122, diapers for families\n")
    assert "Log this resource?" in after(first.stdout, "say Northside Diaper Bank, 555-0122, diapers for families")
    again = script(tmp_path, "say Westside Legal Clinic, 555-0133, free eviction help\n")
    assert "Log this resource?" in after(again.stdout, "say Westside Legal Clinic, 555-0133, free eviction help")


def test_in_a_channel_and_a_typed_channel_are_the_same_channel(tmp_path):
    result = script(tmp_path, "/partner add Eastside Food Bank resource sharing #food-partners\n"
                              "in #food-partners\n"
                              "say We got the family groceries for the week thanks to the pantry\n"
                              "react tada\n")
    assert "(you are now in #food-partners)" in result.stdout
    # Only a partner channel offers to celebrate a reaction: the partner was linked to this very channel.
    assert "Want to celebrate this message" in after(result.stdout, "react tada")
    assert "#CFOODPARTNERS" not in result.stdout


def test_forms_can_be_filled_and_sent(tmp_path):
    result = script(tmp_path, "/resource\nsubmit\nfill 1 Hope Shelter Two\nfill 4 Housing, shelter\n"
                              "fill 5 555-0177\nsubmit\n/resource show Hope Shelter Two\n")
    opened = after(result.stdout, "/resource")
    assert "[a form opened: Log a resource]" in opened and "(1) Name (required)" in opened
    assert "fix the fields" in after(result.stdout, "submit")  # the name is required
    saved = result.stdout.split("you> fill 5 555-0177\n", 1)[1]
    assert "Saved to the directory" in saved and "Hope Shelter Two" in saved
    shown = after(result.stdout, "/resource show Hope Shelter Two")
    assert "555-0177" in shown and "Housing" in shown and "Shelter" in shown


@pytest.fixture
def console(tmp_path):
    """The console in this process, writing to a buffer, on its own database."""
    out = io.StringIO()
    settings = replace(Settings(), database_url=f"sqlite:///{tmp_path}/console.db", log_level="WARNING")
    console = Console(settings, out=out)
    console.out_text = out.getvalue
    yield console
    console.close()


def make_due_now(console, kind: str) -> None:
    with console.db.session() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.kind == kind).values(due_at=utcnow()))


def test_rsvp_and_swap_clicks_show_their_result(console):
    console.handle('/conference #food-partners "Food huddle" every Tuesday at 10am')
    console.handle("/conference facilitators 1 @ana @raj")
    make_due_now(console, KIND_DAY_BEFORE)
    start = len(console.out_text())
    console.handle("# time passes")
    reminder = console.out_text()[start:]
    assert "partnerbot → #food-partners:" in reminder and "Reminder: *Food huddle*" in reminder
    going = re.search(r"\[(\d+)\] Going \(0\)", reminder).group(1)
    swap = re.search(r"\[(\d+)\] Swap facilitator", reminder).group(1)
    start = len(console.out_text())
    console.handle(f"click {going}")
    answer = console.out_text()[start:]
    assert "partnerbot updated its message in #food-partners:" in answer and "Going (1): @care1" in answer
    console.handle("as @ana")
    start = len(console.out_text())
    console.handle(f"click {swap}")
    assert "swapped facilitators" in console.out_text()[start:]


def test_reminders_print_as_they_fire_without_another_line(console):
    console.handle("/digest subscribe daily")
    make_due_now(console, DIGEST_KIND)
    start = len(console.out_text())
    console.start_ticker(0.2)  # nothing more is typed
    deadline = time.monotonic() + 20
    while "Partnership digest" not in console.out_text()[start:] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "partnerbot → your DMs:" in console.out_text()[start:]
    assert "Partnership digest" in console.out_text()[start:]


def test_home_tab_and_message_shortcut_are_reachable(tmp_path):
    result = script(tmp_path, "home\nsay Eastport Rides, 555-0144, free rides to dialysis\nshortcut\n")
    home = after(result.stdout, "home")
    assert "[partnerbot's App Home]" in home and "Your recently logged resources" in home
    assert "[1] Log a resource" in home
    form = after(result.stdout, "shortcut")
    assert "[a form opened: Log a resource]" in form and "555-0144" in form
    opened = script(tmp_path, "home\nclick 1\n")
    assert "[a form opened: Log a resource]" in after(opened.stdout, "click 1")


def test_typed_lines_can_be_edited_and_recalled_with_the_arrow_keys(tmp_path):
    """In a terminal: Left arrow moves back to fix a typo, Up arrow brings the last line back, and the history
    is kept for the next session."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path}/console.db", HOME=str(tmp_path),
               TERM="xterm")
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the console, reading a terminal
        os.chdir(tmp_path)
        os.execve(sys.executable, [sys.executable, "-m", "bot.runtime.cli", "console"], env)
    seen = b""

    def read_until(text: bytes, count: int = 1, timeout: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while seen.count(text) < count and time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.2)[0]:
                try:
                    seen += os.read(terminal, 65536)
                except OSError:
                    break
        assert seen.count(text) >= count, seen.decode(errors="replace")[-3000:]

    try:
        read_until(b"Type `help`")
        os.write(terminal, b"/digest hlp\x1b[D\x1b[De\r")  # typed "hlp", back two, "e": "/digest help"
        read_until(b"every other friday")
        os.write(terminal, b"\x1b[A\r")  # Up: the same line again
        read_until(b"every other friday", count=2)
        os.write(terminal, b"quit\r")
        read_until(b"bye")
    finally:
        os.close(terminal)
        os.waitpid(pid, 0)
    assert b"not sure what that is" not in seen
    assert "/digest help" in (tmp_path / ".partnerbot_console_history").read_text()


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory) -> str:
    """demo.txt run once in the console for every test of it below."""
    result = run_console(tmp_path_factory.mktemp("demo"), "", "console", "--script", str(ROOT / "demo.txt"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def demo_answers(out: str, expected: dict[str, str]) -> dict[str, str]:
    """What followed each typed line (the first that starts so), checked to hold its expected answer."""
    answers = {}
    for typed, answer in expected.items():
        line = next(line for line in out.splitlines() if line.startswith(f"you> {typed}"))
        answers[typed] = after(out, line.removeprefix("you> "))
        assert answer in answers[typed], typed
    return answers


def test_the_demo_script_walks_the_whole_product(demo_output):
    """demo.txt, which the README names and CI runs: every part answers, and nothing fails."""
    out = demo_output
    expected = {
        "/resource add Northside Diaper Bank": "Saved to the directory",
        "/resource add Eastport Tenant Hotline": "Removed for privacy: 1 name, 1 date of birth",
        "/whohelps food near Eastport": "Who can help with Food",
        "@partnerbot who can help with rent?": "Riverside Rent Relief",
        "/whohelps ayuda con la renta": "Who can help with Housing",
        '/conference #care-team "Monthly case conference"': "Scheduled *Monthly case conference*",
        "/conference agenda 1 add": "Added to the agenda",
        "/partner add Eastport Senior Center": "Added *Eastport Senior Center*",
        "/celebrate @ana @raj": "A shared success!",
        "react tada": "Want to celebrate this message",
        "submit": "Saved to the directory",
        "/digest subscribe every other friday": "every other Friday at 4pm",
        "/digest preview": "Partnership digest",
        "home": "[partnerbot's App Home]",
    }
    answers = demo_answers(out, expected)
    assert "John Smith" not in answers["/resource add Eastport Tenant Hotline"]


def test_the_demo_script_walks_the_first_hour(demo_output):
    """The demo's first-hour part: each line is one a new care team tripped over, answered as it should be."""
    first_hour = demo_output[demo_output.index("# === The first hour"):]
    answers = demo_answers(first_hour, {
        "/resource add SSN 123-45-6789 pt needs housing": "[a form opened: Log a resource]",
        "/resource edit Northside Diaper Bank phone 555-0123": "Saved your changes* (phone)",
        "/resource add Northside Diaper Bank, diapers": "Already in the directory",
        "/resource retire Eastport Bike Kitchen": "Retired *Eastport Bike Kitchen*",
        "click Info is outdated": "is flagged as outdated; the directory stewards will check it",
        "click Mark verified": "flag was cleared",
        "say Tip: Westbrook Mobile Pantry": "Log this resource?",
        "shortcut": "(1) Name (required): Westbrook Mobile Pantry",
        "/conference #case-conf every first Tuesday at 10am": "Scheduled *Case conference*",
        '/conference #care-team "Year-end review"': "is a public holiday: Christmas Day",
        "click Skip Dec 25": "Skipped *Year-end review* on Fri Dec 25",
        "/conference skip 1 Dec 1": "Its 1 agenda item moved to the next meeting",
        "/conference agenda 1": "Tue Jan 5, 2027 at 10am",
        "/conference move 1 Jan 5 to Jan 6 11am": "to Wed Jan 6, 2027 at 11am",
        "/conference ics 1": "calendar file",
        "/partner add Northwest Housing Alliance housing partnership": "Added *Northwest Housing Alliance*",
        "/partner info northwest housing aliance": "== Northwest Housing Alliance ==",
        "/partner mou Northwest Housing Alliance renews next June": "renews on Jun 1,",
        "click Rename": "is now *NW Housing Alliance*",
        "click Remove": "Removed *NW Housing Alliance*",
        "/celebrate @ana with Eastport Senior Center and Eastport Food Pantry": "isn't a registered partner",
        "click Register Eastport Food Pantry": "Registered *Eastport Food Pantry* as a partner",
        "/celebrate recap": "*Eastport Food Pantry* · 1 success",
    })  # fmt: skip
    assert "Mentioned 2 times" in answers["/resource add Northside Diaper Bank, diapers"]
    assert "[a form opened" not in answers["/resource edit Northside Diaper Bank phone 555-0123"]
    assert "(1) Name (required)\n" in answers["/resource add SSN 123-45-6789 pt needs housing"] + "\n"
    assert "123-45-6789" not in answers["/resource add SSN 123-45-6789 pt needs housing"]
    assert "partnerbot → @raj's DMs:\n  🚩 @ana says the info for *Northside Diaper Bank* is outdated" in first_hour
    assert "(no button" not in first_hour and "not sure what that is" not in first_hour
