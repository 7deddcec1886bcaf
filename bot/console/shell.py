"""The offline console: talk to the real partnerbot app in a terminal, with no Slack workspace.

It runs the very same App and handlers against an in-process fake Slack and the configured database (the
embedded SQLite by default), seeded on first start with a small, clearly marked demo directory. Block Kit replies
are rendered as text with numbered buttons you can `click`.
"""

import logging
import re
import secrets
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.console.demo import DEMO_CHANNEL, DEMO_TEAM, DEMO_USER, seed_demo
from bot.console.fakeslack import Call, FakeSlack
from bot.console.simulator import SlackSimulator, in_process_transport
from bot.platform.db import Database
from bot.runtime import jobs
from bot.runtime.app import build_app
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client

CONSOLE_HELP = """\
Type as a care team member would in Slack:
  /whohelps food near Eastport      a slash command (/resource, /whohelps, /conference, /partner, /celebrate, /digest)
  @partnerbot who can help with rent?   mention the bot in the channel
  dm who can help with rides?       a direct message to the bot
  say <text>                        a plain message in the channel
  click N                           press button N from the last reply
  react <emoji>                     add a reaction to the last message in the channel
  as U123 / in C123                 act as another person / in another channel
  help                              what the bot can do;  quit (or Ctrl-D) leaves
"""


class Console:
    def __init__(self, settings: Settings, out: TextIO = sys.stdout) -> None:
        self.out = out
        self.zone = ZoneInfo(settings.default_timezone)
        self.fake = FakeSlack(team_id=DEMO_TEAM).start()
        self.settings = replace(settings, slack_api_url=self.fake.api_url, slack_bot_token="xoxb-offline-console",
                                slack_signing_secret=secrets.token_hex(16), slack_app_token="")
        self.db = Database(self.settings.database_url)
        self.db.upgrade()
        self.client = build_client(self.settings)
        # process_before_response: each reply is complete when dispatch returns, so the console reads in order.
        self.app = build_app(self.settings, self.db, client=self.client, process_before_response=True)
        self.slack = SlackSimulator(in_process_transport(self.app), signing_secret=self.settings.slack_signing_secret,
                                    response_url=self.fake.response_url, team=DEMO_TEAM, user=DEMO_USER,
                                    channel=DEMO_CHANNEL, bot_user=self.fake.bot_user_id)
        self.buttons: list[dict[str, Any]] = []
        self.last_channel_ts: str | None = None
        self.seen = len(self.fake.calls())
        self.seeded = seed_demo(self.db)

    def close(self) -> None:
        self.fake.stop()
        self.db.dispose()

    # -- input --------------------------------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Handles one line; returns False when the person wants to leave."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        word, _, rest = line.partition(" ")
        lowered = word.lower()
        rest = escape_like_slack(rest)
        if lowered in ("quit", "exit", "bye"):
            return False
        if lowered in ("help", "?"):
            self.out.write(CONSOLE_HELP + "\n")
            self.slack.command("/partnerbot", "help")
        elif word.startswith("/"):
            reply = self.slack.command(word, rest)
            self._show_ack(reply.body)
        elif lowered.startswith("@partnerbot") or lowered.startswith("@bot"):
            self.slack.mention(rest)
        elif lowered == "dm":
            self.slack.dm(rest)
        elif lowered == "say":
            ts = f"{len(self.fake.calls()) + 1}.000100"
            self.last_channel_ts = ts
            self.slack.message(rest, ts=ts)
        elif lowered == "click":
            self._click(rest)
        elif lowered == "react":
            if not self.last_channel_ts:
                self.out.write("(say something in the channel first, then react to it)\n")
            else:
                self.slack.reaction(rest.strip(": ") or "tada", item_ts=self.last_channel_ts)
        elif lowered == "as" and rest:
            self.slack.user = rest.strip()
            self.out.write(f"(you are now {self.slack.user})\n")
        elif lowered == "in" and rest:
            self.slack.channel = rest.strip().lstrip("#")
            self.out.write(f"(you are now in #{self.slack.channel})\n")
        else:
            self.out.write("(not sure what that is; type `help`)\n")
        self._deliver_due()
        self._render_new_calls()
        return True

    def _click(self, rest: str) -> None:
        try:
            button = self.buttons[int(rest) - 1]
        except (ValueError, IndexError):
            self.out.write(f"(no button {rest!r}; the last reply had {len(self.buttons)})\n")
            return
        self.slack.click(button["action_id"], button.get("value"), block_id=button.get("block_id", "actions"),
                         message=button.get("message"))

    def _deliver_due(self) -> None:
        jobs.plan(self.db)
        jobs.tick(self.db, self.client)

    def _show_ack(self, body: str) -> None:
        if body and body.strip() and not body.strip().startswith("{"):
            self.out.write(self._mrkdwn(body) + "\n")

    # -- output -------------------------------------------------------------------------------------------------------
    def _render_new_calls(self) -> None:
        calls = self.fake.calls()
        new, self.seen = calls[self.seen:], len(calls)
        previous_buttons, self.buttons = self.buttons, []
        rendered = [text for text in (self._render_call(call) for call in new) if text]
        if not rendered:
            self.buttons = previous_buttons  # nothing new on screen: the old buttons are still clickable
        else:
            self.out.write("\n".join(rendered) + "\n")

    def _render_call(self, call: Call) -> str | None:
        args = call.args
        if call.method in ("chat.postMessage", "chat.update"):
            where = _channel_name(str(args.get("channel", "")))
            if call.method == "chat.postMessage" and str(args.get("channel", "")) == self.slack.channel:
                self.last_channel_ts = None
            return f"partnerbot → {where}:\n" + self._render_message(args)
        if call.method == "chat.postEphemeral":
            return "partnerbot (only you can see this):\n" + self._render_message(args)
        if call.method == "response_url":
            visible = "everyone" if args.get("response_type") == "in_channel" else "only you can see this"
            if args.get("delete_original"):
                return "(partnerbot removed its earlier message)"
            return f"partnerbot ({visible}):\n" + self._render_message(args)
        if call.method in ("views.open", "views.push", "views.update"):
            view = args.get("view") or {}
            title = (view.get("title") or {}).get("text", "form")
            return f"[a form opened: {title}] (the console shows forms; fill them in Slack)\n" + self._render_blocks(
                view.get("blocks") or [], message=None)
        if call.method == "views.publish":
            return "[App Home updated]\n" + self._render_blocks((args.get("view") or {}).get("blocks") or [], None)
        if call.method == "files.completeUploadExternal":
            files = args.get("files") or []
            titles = ", ".join(str(item.get("title")) for item in files if isinstance(item, dict))
            return f"partnerbot shared a file: {titles}"
        if call.method == "reactions.add":
            return f"(partnerbot reacted :{args.get('name')}:)"
        return None

    def _render_message(self, args: dict[str, Any]) -> str:
        blocks = args.get("blocks")
        if blocks:
            return self._render_blocks(blocks, message={"ts": args.get("ts"), "blocks": blocks, "text": args.get("text")})
        return indent(self._mrkdwn(str(args.get("text", ""))))

    def _render_blocks(self, blocks: list[dict[str, Any]], message: dict[str, Any] | None) -> str:
        lines: list[str] = []
        for block in blocks:
            kind = block.get("type")
            if kind == "header":
                lines.append(f"== {self._mrkdwn(block.get('text', {}).get('text', ''))} ==")
            elif kind == "section":
                if block.get("text"):
                    lines.append(self._mrkdwn(block["text"].get("text", "")))
                for field in block.get("fields") or []:
                    lines.append("  " + self._mrkdwn(field.get("text", "")))
                accessory = block.get("accessory")
                if accessory and accessory.get("type") == "button":
                    lines.append(self._button(accessory, block, message))
            elif kind == "context":
                lines.append("  " + " ".join(self._mrkdwn(el.get("text", "")) for el in block.get("elements", [])
                                             if isinstance(el, dict) and "text" in el))
            elif kind == "divider":
                lines.append("  ---")
            elif kind == "actions":
                buttons = [self._button(el, block, message) for el in block.get("elements", [])
                           if el.get("type") == "button"]
                if buttons:
                    lines.append("  " + "  ".join(buttons))
            elif kind == "input":
                label = (block.get("label") or {}).get("text", "")
                lines.append(f"  ▸ {label}{'' if block.get('optional') else ' (required)'}")
            elif kind == "image":
                lines.append(f"  [image: {block.get('alt_text', '')}]")
        return indent("\n".join(line for line in lines if line is not None))

    def _mrkdwn(self, text: str) -> str:
        return render_mrkdwn(text, self.zone)

    def _button(self, element: dict[str, Any], block: dict[str, Any], message: dict[str, Any] | None) -> str:
        self.buttons.append({"action_id": element.get("action_id"), "value": element.get("value"),
                             "block_id": block.get("block_id", "actions"), "message": message})
        label = (element.get("text") or {}).get("text", "button")
        return f"[{len(self.buttons)}] {label}"


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
        return f"<@U{re.sub(r'[^A-Z0-9]', '', name.upper())}|{name}>"

    def channel(match: re.Match) -> str:
        return f"<#C{re.sub(r'[^A-Z0-9]', '', match.group(1).upper())}|{match.group(1)}>"

    return _TYPED_CHANNEL.sub(channel, _TYPED_USER.sub(user, text))


def _channel_name(channel: str) -> str:
    if channel.startswith("D") or channel.startswith("U"):
        return "your DMs"
    return f"#{channel}"


# The emoji codes partnerbot's messages use, shown as the characters Slack would draw.
EMOJI = {
    "mag": "🔍", "telephone_receiver": "📞", "round_pushpin": "📍", "clock3": "🕒", "label": "🏷", "repeat": "🔁",
    "speech_balloon": "💬", "ballot_box_with_check": "☑", "lock": "🔒", "warning": "⚠", "tada": "🎉",
    "white_check_mark": "✅", "calendar": "📅", "spiral_calendar_pad": "🗓", "busts_in_silhouette": "👥",
    "memo": "📝", "handshake": "🤝", "bar_chart": "📊", "star": "⭐", "sparkles": "✨", "link": "🔗",
    "bulb": "💡", "x": "❌", "heavy_check_mark": "✔", "raised_hands": "🙌", "clipboard": "📋", "bell": "🔔",
    "inbox_tray": "📥", "wave": "👋", "seedling": "🌱", "hourglass_flowing_sand": "⏳", "pushpin": "📌",
}


def _local_date(seconds: str, zone: ZoneInfo) -> str:
    moment = datetime.fromtimestamp(int(seconds), zone)
    return f"{moment:%a %b} {moment.day}, {moment:%Y} {moment:%H:%M}"


def render_mrkdwn(text: str, zone: ZoneInfo = ZoneInfo("UTC")) -> str:
    """Slack mrkdwn made readable in a terminal; dates Slack would show in the reader's zone are shown in `zone`."""
    text = re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    text = re.sub(r"<@([A-Z0-9]+)(?:\|([^>]+))?>", lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = re.sub(r"<!subteam\^[A-Z0-9]+(?:\|([^>]+))?>", lambda m: m.group(1) or "@group", text)
    text = re.sub(r"<!(here|channel|everyone)(?:\|[^>]*)?>", r"@\1", text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"<!date\^(\d+)\^[^|>]*\|[^>]+>", lambda m: _local_date(m.group(1), zone), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("\u200b", "")


def indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


def run(settings: Settings, *, script: TextIO | None = None, out: TextIO = sys.stdout) -> int:
    source = script or sys.stdin
    if settings.log_level != "DEBUG":
        # Keep the conversation readable: only problems are logged to the terminal.
        logging.getLogger().setLevel(logging.WARNING)
    interactive = script is None and sys.stdin.isatty()
    console = Console(settings, out=out)
    try:
        out.write("partnerbot offline console — the real bot, a pretend Slack, your local database.\n")
        if console.seeded:
            out.write("Loaded a small DEMO directory (fictional resources and partners, marked as demo).\n")
        out.write("Type `help` to see what you can do, `quit` to leave.\n\n")
        while True:
            if interactive:
                out.write("you> ")
                out.flush()
            line = source.readline()
            if not line:
                break
            if not interactive:
                out.write(f"you> {line.rstrip()}\n")
            if not console.handle(line):
                break
            out.flush()
    except KeyboardInterrupt:
        out.write("\n")
    finally:
        console.close()
    out.write("bye\n")
    return 0

