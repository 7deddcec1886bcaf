"""The offline console: talk to the real partnerbot app in a terminal, with no Slack workspace.

It runs the very same App and handlers against an in-process fake Slack and the configured database (the
embedded SQLite by default), seeded on first start with a small, clearly marked demo directory. Replies are
rendered as text: buttons are numbered for `click`, forms list their fields for `fill` and `submit`, the App Home
opens with `home`, and reminders and digests are printed as they fire. Typed lines get readline editing and
history when the console reads a terminal.
"""

import contextlib
import logging
import re
import secrets
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import emoji

from bot.console.demo import (
    DEMO_CHANNEL,
    DEMO_PARTNER_TEAM,
    DEMO_PARTNER_USER,
    DEMO_TEAM,
    DEMO_USER,
    seed_demo,
)
from bot.console.fakeslack import Call, FakeSlack
from bot.console.forms import Form, channel_id_for, user_id_for
from bot.console.simulator import Response, SlackSimulator, in_process_transport
from bot.platform.dates import format_date, format_time
from bot.platform.db import Database
from bot.runtime import jobs
from bot.runtime.app import build_app
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client

COMMANDS = ("/partnerbot", "/resource", "/whohelps", "/conference", "/partner", "/refer", "/celebrate", "/digest")
# The demo workspace's channels by name (the demo partners' channels are CDEMOFOOD and CDEMOHOUSING).
DEMO_CHANNEL_NAMES = {DEMO_CHANNEL: "care-team", "CDEMOFOOD": "demo-food", "CDEMOHOUSING": "demo-housing"}
TICK_SECONDS = 1.0
HISTORY_FILE = ".partnerbot_console_history"  # in the home folder
HISTORY_LENGTH = 1000
MAX_WAIT_SECONDS = 300

CONSOLE_HELP = """\
Type as a care team member would in Slack (you are @care1, an admin; `as @ana` to be a regular member):
  /whohelps food near Eastport      a slash command (/resource, /whohelps, /conference, /partner, /refer, /celebrate,
                                    /digest)
  @partnerbot who can help with rent?   mention the bot in the channel
  dm who can help with rides?       a direct message to the bot
  say <text>                        a plain message in the channel (each one a new message)
  react <emoji>                     react to the last message said in the channel
  shortcut [text]                   "Log community resource" on the last message said (or on this text)
  click N  /  click <label>         press button [N], or the latest one labelled so (`click Info is outdated`)
  fill N <value>  /  submit  /  cancel   fill field (N) of the open form, send it, or close it
  home                              open partnerbot's App Home tab
  as @ana / in #food-partners       act as another person / in another channel
                                    (`as @dana`: Harbor Housing's staff, from its own workspace)
  wait N                            let N seconds pass (reminders and digests print when they are due)
  help                              what the bot can do;  quit (or Ctrl-D) leaves
"""


class Console:
    def __init__(self, settings: Settings, out: TextIO = sys.stdout) -> None:
        self.out = out
        self.zone = ZoneInfo(settings.default_timezone)
        self.fake = FakeSlack(team_id=DEMO_TEAM).start()
        # The console's person is an admin, so stewards' actions can be tried too; `as @ana` is a regular member.
        self.settings = replace(settings, slack_api_url=self.fake.api_url, slack_bot_token="xoxb-offline-console",
                                slack_signing_secret=secrets.token_hex(16), slack_app_token="",
                                admin_user_ids=settings.admin_user_ids | {DEMO_USER})
        self.db = Database(self.settings.database_url)
        self.db.upgrade()
        self.client = build_client(self.settings)
        # process_before_response: each reply is complete when dispatch returns, so the console reads in order.
        self.app = build_app(self.settings, self.db, client=self.client, process_before_response=True)
        self.slack = SlackSimulator(in_process_transport(self.app), signing_secret=self.settings.slack_signing_secret,
                                    response_url=self.fake.response_url, team=DEMO_TEAM, user=DEMO_USER,
                                    channel=DEMO_CHANNEL, bot_user=self.fake.bot_user_id)
        self.channel_names = dict(DEMO_CHANNEL_NAMES)
        self.user_names = {DEMO_USER: "care1", DEMO_PARTNER_USER: "dana"}
        # @dana works for Harbor Housing, in its own workspace: users.info says so, as Slack does for Slack Connect.
        self.fake.users[DEMO_PARTNER_USER] = {"team_id": DEMO_PARTNER_TEAM}
        self.buttons: dict[int, dict[str, Any]] = {}
        self.form: Form | None = None
        self.said: dict[str, tuple[str, str]] = {}  # channel -> (ts, text) of the last message said there
        self._last_ts = 0.0
        self.lock = threading.RLock()  # one line or one tick at a time
        self.on_async_output = None  # set by run(): how to print while the person is typing
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()
        self.seen = len(self.fake.calls())
        self.seeded = seed_demo(self.db)

    def close(self) -> None:
        self._stopping.set()
        if self._ticker is not None:
            self._ticker.join(timeout=10)
        self.fake.stop()
        self.db.dispose()

    # -- time passing -------------------------------------------------------------------------------------------------
    def start_ticker(self, seconds: float = TICK_SECONDS) -> None:
        """Delivers due reminders and digests in the background and prints them as they fire."""

        def loop() -> None:
            while not self._stopping.wait(seconds):
                with self.lock:
                    try:
                        self._deliver_due()
                        text = self._render_new_calls()
                    except Exception:  # a failed tick must not end the console; the next one tries again
                        logging.getLogger(__name__).exception("console: delivering due messages failed")
                        continue
                if text:
                    (self.on_async_output or self._write)(text)

        self._ticker = threading.Thread(target=loop, name="console-ticker", daemon=True)
        self._ticker.start()

    def next_ts(self) -> str:
        """A message timestamp no other message in this console, or in an earlier run of it, has."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    # -- input --------------------------------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Handles one line; returns False when the person wants to leave."""
        with self.lock:
            keep_going = self._handle(line)
            self._deliver_due()
            self._write(self._render_new_calls())
        return keep_going

    def _handle(self, line: str) -> bool:
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        lowered = word.lower()
        rest = rest.strip()
        if lowered in ("quit", "exit", "bye"):
            return False
        if lowered in ("help", "?"):
            self._write(CONSOLE_HELP)
            self.slack.command("/partnerbot", "help")
        elif word.startswith("/"):
            self._command(word, self.escape(rest))
        elif lowered.startswith("@partnerbot") or lowered.startswith("@bot"):
            self.slack.mention(self.escape(rest))
        elif lowered == "dm":
            self.slack.dm(self.escape(rest))
        elif lowered == "say":
            ts = self.next_ts()
            self.said[self.slack.channel] = (ts, self.escape(rest))
            self.slack.message(self.escape(rest), ts=ts)
        elif lowered == "react":
            self._react(rest)
        elif lowered == "shortcut":
            self._shortcut(rest)
        elif lowered == "click":
            self._click(rest)
        elif lowered in ("fill", "submit", "cancel"):
            self._form_line(lowered, rest)
        elif lowered == "home":
            self.slack.home_opened()
        elif lowered == "wait":
            self._wait(rest)
        elif lowered == "as" and rest:
            name = rest.lstrip("@")
            self.slack.user = user_id_for(name)
            if self.slack.user != name:
                self.user_names[self.slack.user] = name
            self.slack.user_team = (self.fake.users.get(self.slack.user) or {}).get("team_id")
            admin = " (an admin)" if self.slack.user in self.settings.admin_user_ids else ""
            guest = " (of Harbor Housing's own workspace, via Slack Connect)" if self.slack.user_team else ""
            self._write(f"(you are now {self._user(self.slack.user)}{admin}{guest})")
        elif lowered == "in" and rest:
            name = rest.lstrip("#")
            self.slack.channel = channel_id_for(name)
            if self.slack.channel != name:
                self.channel_names[self.slack.channel] = name
            self._write(f"(you are now in {self._channel(self.slack.channel)})")
        else:
            self._write("(not sure what that is; type `help`)")
        return True

    def escape(self, text: str) -> str:
        """`escape_like_slack`, remembering the names typed so replies can show them again."""
        for match in _TYPED_CHANNEL.finditer(text):
            self.channel_names.setdefault(channel_id_for(match.group(1)), match.group(1))
        for match in _TYPED_USER.finditer(text):
            if match.group(1).lower() not in _BROADCASTS:
                self.user_names.setdefault(user_id_for(match.group(1)), match.group(1))
        return escape_like_slack(text)

    def _command(self, command: str, text: str) -> None:
        reply = self.slack.command(command, text)
        if reply.status == 404:
            # Slack itself answers a command no app declares; partnerbot never sees it.
            self._write(f"({command} is not a command here. partnerbot's commands: {', '.join(COMMANDS)}; "
                        "type `help`.)")
            return
        body = reply.body.strip()
        if body and not body.startswith("{"):
            self._write(self._mrkdwn(body))

    def _react(self, name: str) -> None:
        last = self.said.get(self.slack.channel)
        if last is None:
            self._write("(say something in the channel first, then react to it)")
            return
        self.slack.reaction(name.strip(": ") or "tada", item_ts=last[0], item_user=self.slack.user)

    def _shortcut(self, text: str) -> None:
        last = self.said.get(self.slack.channel)
        if not text and last is None:
            self._write("(say something in the channel first, or write the message: `shortcut Hope Shelter, 555-0100`)")
            return
        self.slack.shortcut("log_resource", message_text=self.escape(text) if text else last[1])

    def _click(self, rest: str) -> None:
        """`click 3` presses button [3]; `click Info is outdated` the latest button whose label starts so, which
        keeps a script right when an answer above it shows a button more or less."""
        wanted = rest.strip().lower()
        if wanted.isdigit():
            button = self.buttons.get(int(wanted))
        else:
            labelled = [n for n, b in self.buttons.items() if wanted and b["label"].lower().startswith(wanted)]
            button = self.buttons[max(labelled)] if labelled else None
        if button is None:
            self._write(f"(no button {rest!r} on screen; press one shown as [N], or name its label)")
            return
        self.slack.click(button["action_id"], button.get("value"), block_id=button["block_id"],
                         message=button.get("message"), channel=button.get("channel"), view=button.get("view"))

    def _wait(self, rest: str) -> None:
        try:
            seconds = float(rest or "1")
        except ValueError:
            self._write("(wait how long? for example `wait 5`)")
            return
        time.sleep(min(max(seconds, 0), MAX_WAIT_SECONDS))

    # -- forms --------------------------------------------------------------------------------------------------------
    def _form_line(self, verb: str, rest: str) -> None:
        form = self.form
        if form is None:
            self._write("(no form is open; commands such as `/resource` open one)")
            return
        if verb == "cancel":
            self.form = None
            self._write(f"(closed the form: {form.title})")
            return
        if verb == "fill":
            number, _, value = rest.partition(" ")
            if not number.isdigit() or not 1 <= int(number) <= len(form.inputs):
                self._write(f"(the form has fields (1) to ({len(form.inputs)}): `fill 1 some text`)")
                return
            form.typed[int(number)] = value.strip()
            self._write(f"({form.label(int(number))}: {value.strip() or 'cleared'})")
            return
        reply = self.slack.submit(form.view.get("callback_id", ""), form.values(),
                                  private_metadata=form.view.get("private_metadata", ""))
        self._after_submit(form, reply)

    def _after_submit(self, form: Form, reply: Response) -> None:
        answer = reply.json() if reply.body.strip().startswith("{") else None
        action = (answer or {}).get("response_action")
        if action == "errors":
            labels = form.labels_by_block()
            for block_id, error in (answer.get("errors") or {}).items():
                self._write(f"  ⚠ {labels.get(block_id) or block_id}: {self._mrkdwn(str(error))}")
            self._write("(fix the fields with `fill N …`, then `submit` again)")
            return
        if action in ("update", "push"):
            self.form = Form.of(answer.get("view") or {})
            self._write(self._render_form())
            return
        self.form = None
        if reply.status >= 400:
            self._write("(the form could not be sent)")

    def _render_form(self) -> str:
        return self.form.describe(lambda block: self._render_blocks([block], None, view=self.form.view), self._mrkdwn)

    # -- output -------------------------------------------------------------------------------------------------------
    def _write(self, text: str | None) -> None:
        if text:
            self.out.write(text.rstrip("\n") + "\n")
            self.out.flush()

    def _deliver_due(self) -> None:
        jobs.plan(self.db)
        jobs.tick(self.db, self.client)

    def _render_new_calls(self) -> str:
        calls = self.fake.calls()
        new, self.seen = calls[self.seen:], len(calls)
        return "\n".join(text for text in (self._render_call(call) for call in new) if text)

    def _render_call(self, call: Call) -> str | None:
        args = call.args
        channel = str(args.get("channel", "") or args.get("channel_id", ""))
        if call.method == "chat.postMessage":
            return f"partnerbot → {self._channel(channel)}:\n" + self._render_message(args, channel)
        if call.method == "chat.update":
            return f"partnerbot updated its message in {self._channel(channel)}:\n" + self._render_message(args, channel)
        if call.method == "chat.postEphemeral":
            return "partnerbot (only you can see this):\n" + self._render_message(args, channel)
        if call.method == "response_url":
            if args.get("delete_original"):
                return "(partnerbot removed its earlier message)"
            visible = "everyone" if args.get("response_type") == "in_channel" else "only you can see this"
            return f"partnerbot ({visible}):\n" + self._render_message(args, self.slack.channel)
        if call.method in ("views.open", "views.push", "views.update"):
            view = args.get("view") or {}
            if view.get("type", "modal") == "modal":
                self.form = Form.of(view)
                return self._render_form()
        if call.method == "views.publish":
            view = args.get("view") or {}
            return "[partnerbot's App Home]\n" + self._render_blocks(view.get("blocks") or [], None,
                                                                     view={"id": "VHOME", **view})
        if call.method == "files.completeUploadExternal":
            files = args.get("files") or []
            titles = ", ".join(str(item.get("title")) for item in files if isinstance(item, dict))
            return f"partnerbot shared a file in {self._channel(channel)}: {titles}"
        if call.method == "reactions.add":
            return f"(partnerbot reacted {self._mrkdwn(':' + str(args.get('name')) + ':')})"
        return None

    def _render_message(self, args: dict[str, Any], channel: str) -> str:
        blocks = args.get("blocks")
        if blocks:
            # The message's own ts, so a button on it can update it in place (as RSVP and Swap do).
            message = {"ts": args.get("ts") or self.next_ts(), "blocks": blocks, "text": args.get("text")}
            return self._render_blocks(blocks, message, channel=channel)
        return indent(self._mrkdwn(str(args.get("text", ""))))

    def _render_blocks(self, blocks: list[dict[str, Any]], message: dict[str, Any] | None, *, channel: str = "",
                       view: dict[str, Any] | None = None) -> str:
        where = {"message": message, "channel": channel or None, "view": view}
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"== {self._mrkdwn(block.get('text', {}).get('text', ''))} ==")
            elif kind == "section":
                if block.get("text"):
                    lines.append(self._mrkdwn(block["text"].get("text", "")))
                for item in block.get("fields") or []:
                    lines.append("  " + self._mrkdwn(item.get("text", "")))
                accessory = block.get("accessory")
                if accessory and accessory.get("type") == "button":
                    lines.append(self._button(accessory, block, where))
            elif kind == "context":
                lines.append("  " + " ".join(self._mrkdwn(el.get("text", "")) for el in block.get("elements", [])
                                             if isinstance(el, dict) and "text" in el))
            elif kind == "divider":
                lines.append("  ---")
            elif kind == "actions":
                buttons = [self._button(el, block, where) for el in block.get("elements", [])
                           if el.get("type") == "button"]
                if buttons:
                    lines.append("  " + "  ".join(buttons))
            elif kind == "image":
                lines.append(f"  [image: {block.get('alt_text', '')}]")
        return indent("\n".join(lines))

    def _mrkdwn(self, text: str) -> str:
        return render_mrkdwn(text, self.zone, channels=self.channel_names, users=self.user_names)

    def _channel(self, channel: str) -> str:
        if channel.startswith(("U", "W")) and channel != self.slack.user:  # a DM to someone else: a steward's notice
            return f"{self._user(channel)}'s DMs"
        if channel.startswith(("D", "U", "W")):
            return "your DMs"
        return f"#{self.channel_names.get(channel, channel)}"

    def _user(self, user: str) -> str:
        return f"@{self.user_names.get(user, user)}"

    def _button(self, element: dict[str, Any], block: dict[str, Any], where: dict[str, Any]) -> str:
        number = max(self.buttons, default=0) + 1
        label = self._mrkdwn((element.get("text") or {}).get("text", "button"))
        self.buttons[number] = {"action_id": element.get("action_id"), "value": element.get("value"),
                                "block_id": block.get("block_id", "actions"), "label": label, **where}
        return f"[{number}] {label}"


_TYPED_USER = re.compile(r"(?<![<\w])@([a-z][\w.-]*)", re.IGNORECASE)
_TYPED_CHANNEL = re.compile(r"(?<![<\w&])#([a-z][\w-]*)", re.IGNORECASE)
_BROADCASTS = ("here", "channel", "everyone")


def escape_like_slack(text: str) -> str:
    """What Slack does to typed text: `@ana` becomes `<@UANA|ana>`, `#food` becomes `<#CFOOD|food>`, and
    `@here` becomes `<!here>` (commands are declared with should_escape)."""

    def user(match: re.Match) -> str:
        name = match.group(1)
        if name.lower() in _BROADCASTS:
            return f"<!{name.lower()}>"
        return f"<@{user_id_for(name)}|{name}>"

    def channel(match: re.Match) -> str:
        return f"<#{channel_id_for(match.group(1))}|{match.group(1)}>"

    return _TYPED_CHANNEL.sub(channel, _TYPED_USER.sub(user, text))


# Slack emoji names the emoji library spells differently.
SLACK_EMOJI = {"large_green_circle": "🟢", "large_blue_circle": "🔵", "red_circle": "🔴", "skin-tone-2": ""}
_EMOJI_CODE = re.compile(r":([a-z0-9_+-]+):")


def emoji_text(text: str) -> str:
    """`:thinking_face:` as 🤔, the way Slack draws it; a code nobody knows stays as typed."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in SLACK_EMOJI:
            return SLACK_EMOJI[name]
        return emoji.emojize(match.group(0), language="alias")

    return _EMOJI_CODE.sub(one, text)


_DATE_TOKEN = re.compile(r"<!date\^(\d+)\^([^|>^]*)(?:\^[^|>]*)?\|[^>]*>")


def _local_date(seconds: str, token: str, zone: ZoneInfo) -> str:
    """A Slack date token in `zone`, in the words partnerbot uses elsewhere ("Tue Dec 1, 2026 at 4:05pm")."""
    moment = datetime.fromtimestamp(int(seconds), zone)
    words = {"{date_short_pretty}": format_date(moment.date()), "{date_pretty}": format_date(moment.date()),
             "{date_short}": format_date(moment.date(), weekday=False),
             "{date}": format_date(moment.date(), weekday=False), "{date_long}": format_date(moment.date()),
             "{date_long_pretty}": format_date(moment.date()), "{date_num}": moment.date().isoformat(),
             "{time}": format_time(moment.time()), "{time_secs}": f"{moment:%H:%M:%S}"}
    return re.sub(r"\{[a-z_]+\}", lambda m: words.get(m.group(0), m.group(0)), token)


def render_mrkdwn(text: str, zone: ZoneInfo = ZoneInfo("UTC"), *, channels: dict[str, str] | None = None,
                  users: dict[str, str] | None = None) -> str:
    """Slack mrkdwn made readable in a terminal; dates Slack would show in the reader's zone are shown in `zone`."""
    channels, users = channels or {}, users or {}
    text = emoji_text(text)
    text = re.sub(r"<@([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "@" + (m.group(2) or users.get(m.group(1), m.group(1))),
                  text)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>",
                  lambda m: "#" + (m.group(2) or channels.get(m.group(1), m.group(1))), text)
    text = re.sub(r"<!subteam\^[A-Z0-9]+(?:\|([^>]+))?>", lambda m: m.group(1) or "@group", text)
    text = re.sub(r"<!(here|channel|everyone)(?:\|[^>]*)?>", r"@\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = _DATE_TOKEN.sub(lambda m: _local_date(m.group(1), m.group(2), zone), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("\u200b", "")


def indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


# -- the terminal ----------------------------------------------------------------------------------------------------


class _Quiet(logging.Filter):
    """Bolt's advice to developers about a request no listener handles is not for the console's reader."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unhandled request")


def _history_file() -> Path | None:
    try:
        return Path.home() / HISTORY_FILE
    except RuntimeError:  # no home folder to keep it in
        return None


def _readline():
    """The readline module with the console's history loaded, or None where Python has none (Windows)."""
    try:
        import readline
    except ImportError:
        return None
    history = _history_file()
    if history is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
    readline.set_history_length(HISTORY_LENGTH)
    return readline


PROMPT = "you> "


def run(settings: Settings, *, script: TextIO | None = None, out: TextIO = sys.stdout) -> int:
    source = script or sys.stdin
    if settings.log_level != "DEBUG":
        # Keep the conversation readable: only problems are logged to the terminal.
        logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("partnerbot.bolt").addFilter(_Quiet())
    interactive = script is None and sys.stdin.isatty()
    console = Console(settings, out=out)
    editing = _readline() if interactive else None
    if interactive:

        def show_while_typing(text: str) -> None:
            # Printed above the line being typed, which is then drawn again as it was.
            typed = editing.get_line_buffer() if editing else ""
            out.write("\r\x1b[K" + text.rstrip("\n") + "\n" + PROMPT + typed)
            out.flush()

        console.on_async_output = show_while_typing
        console.start_ticker()
    try:
        out.write("partnerbot offline console — the real bot, a pretend Slack, your local database.\n")
        if console.seeded:
            out.write("Loaded a small DEMO directory (fictional resources and partners, marked as demo).\n")
        out.write("You are @care1 (an admin) in #care-team. Type `help` to see what you can do, `quit` to leave.\n\n")
        while True:
            if interactive:
                try:
                    line = input(PROMPT) + "\n"
                except EOFError:
                    line = ""
            else:
                line = source.readline()
                if line.strip() and not line.lstrip().startswith("#"):
                    out.write(f"{PROMPT}{line.rstrip()}\n")
                elif line:
                    out.write(line.rstrip() + "\n")  # a script's notes and blank lines, as written
            if not line:
                break
            if not console.handle(line):
                break
    except KeyboardInterrupt:
        out.write("\n")
    finally:
        console.close()
        if editing is not None and (history := _history_file()) is not None:
            with contextlib.suppress(OSError):
                editing.write_history_file(history)
    out.write("bye\n")
    return 0
