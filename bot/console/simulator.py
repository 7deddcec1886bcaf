"""Plays the part of Slack towards the bot: builds, signs and delivers requests as a given person in a given
channel. The offline console drives the app in-process with it; tests drive the real HTTP server.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltRequest

from bot.console import slack_payloads as payloads


@dataclass
class Response:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Transport = Callable[[str, dict[str, str]], Response]


def http_transport(url: str, timeout: float = 30) -> Transport:
    def send(body: str, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return Response(reply.status, reply.read().decode(), dict(reply.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), dict(error.headers))

    return send


def in_process_transport(app: Any) -> Transport:
    def send(body: str, headers: dict[str, str]) -> Response:
        reply = app.dispatch(BoltRequest(body=body, headers={k.lower(): [v] for k, v in headers.items()}))
        body_text = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        return Response(reply.status, body_text or "", {k: v[0] for k, v in reply.headers.items()})

    return send


class SlackSimulator:
    def __init__(self, transport: Transport, *, signing_secret: str, response_url: Callable[[str], str],
                 team: str = "T1", user: str = "U1", channel: str = "C1", bot_user: str = "UPARTNERBOT",
                 after_send: Callable[[], None] | None = None) -> None:
        self.transport = transport
        self.signing_secret = signing_secret
        self.response_url = response_url
        self.team, self.user, self.channel, self.bot_user = team, user, channel, bot_user
        self.user_team: str | None = None  # the current person's own workspace, when it is another organization's
        self.after_send = after_send or (lambda: None)

    def send(self, body: str, content_type: str, *, timestamp: int | None = None,
             headers: dict[str, str] | None = None, sign_with: str | None = None) -> Response:
        signed = payloads.signed_headers(sign_with or self.signing_secret, body, content_type, timestamp)
        reply = self.transport(body, {**signed, **(headers or {})})
        self.after_send()
        return reply

    # -- what a person does in Slack -----------------------------------------------------------------------------------
    def command(self, command: str, text: str = "", *, user: str | None = None, channel: str | None = None,
                team: str | None = None, user_team: str | None = None) -> Response:
        body, kind = payloads.slash_command(command, text, user=user or self.user, channel=channel or self.channel,
                                            team=team or self.team, response_url=self.response_url(command.strip("/")),
                                            user_team=user_team or self.user_team)
        return self.send(body, kind)

    def event(self, event: dict[str, Any], *, team: str | None = None, event_id: str | None = None,
              headers: dict[str, str] | None = None) -> Response:
        body, kind = payloads.event_callback(event, team=team or self.team, bot_user=self.bot_user, event_id=event_id)
        return self.send(body, kind, headers=headers)

    def mention(self, text: str, *, user: str | None = None, channel: str | None = None, **kw: Any) -> Response:
        return self.event({"type": "app_mention", "user": user or self.user, "text": f"<@{self.bot_user}> {text}",
                           "ts": payloads.message_ts(), "channel": channel or self.channel}, **kw)

    def dm(self, text: str, *, user: str | None = None, **kw: Any) -> Response:
        user = user or self.user
        return self.event({"type": "message", "channel_type": "im", "user": user, "text": text,
                           "ts": payloads.message_ts(), "channel": "D" + user.lstrip("UW")}, **kw)

    def message(self, text: str, *, user: str | None = None, channel: str | None = None, ts: str | None = None,
                user_team: str | None = None, **kw: Any) -> Response:
        event = {"type": "message", "channel_type": "channel", "user": user or self.user, "text": text,
                 "ts": ts or payloads.message_ts(), "channel": channel or self.channel}
        if user_team:
            event["user_team"] = user_team
        return self.event(event, **kw)

    def reaction(self, name: str, *, item_ts: str, channel: str | None = None, user: str | None = None,
                 item_user: str = "U0AUTHOR", **kw: Any) -> Response:
        return self.event({"type": "reaction_added", "user": user or self.user, "reaction": name,
                           "item_user": item_user,
                           "item": {"type": "message", "channel": channel or self.channel, "ts": item_ts}}, **kw)

    def home_opened(self, user: str | None = None, **kw: Any) -> Response:
        user = user or self.user
        return self.event({"type": "app_home_opened", "user": user, "channel": "D" + user.lstrip("UW"),
                           "tab": "home"}, **kw)

    def click(self, action_id: str, value: str | None = None, *, user: str | None = None,
              channel: str | None = None, block_id: str = "actions", message: dict[str, Any] | None = None,
              view: dict[str, Any] | None = None, selected_option: dict[str, Any] | None = None,
              user_team: str | None = None, team: str | None = None) -> Response:
        body, kind = payloads.block_action(
            action_id, value=value, user=user or self.user, team=team or self.team,
            channel=None if view is not None else (channel or self.channel),
            response_url=None if view is not None else self.response_url(action_id), block_id=block_id,
            message=message, view=view, selected_option=selected_option, user_team=user_team or self.user_team)
        return self.send(body, kind)

    def submit(self, callback_id: str, values: dict[str, dict[str, Any]], *, private_metadata: str = "",
               user: str | None = None, team: str | None = None, user_team: str | None = None) -> Response:
        body, kind = payloads.view_submission(callback_id, values, user=user or self.user, team=team or self.team,
                                              private_metadata=private_metadata,
                                              user_team=user_team or self.user_team)
        return self.send(body, kind)

    def shortcut(self, callback_id: str, *, message_text: str, user: str | None = None,
                 channel: str | None = None, author: str = "U0AUTHOR") -> Response:
        body, kind = payloads.message_shortcut(callback_id, message_text=message_text, user=user or self.user,
                                               team=self.team, channel=channel or self.channel,
                                               response_url=self.response_url(callback_id), author=author)
        return self.send(body, kind)
