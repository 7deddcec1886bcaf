"""Requests shaped and signed exactly as Slack sends them: slash commands, events, button clicks, modal
submissions and shortcuts.

The offline console uses these to drive the real app, and tests use them to drive the real HTTP server. Typed
text is escaped as Slack escapes it (`&`, `<`, `>`, its own markup such as `<@U…>` and `<!here>` kept) in a slash
command's text, an event's text and a message shortcut's message; text already escaped is passed as it is. Form
inputs arrive as typed, as Slack sends them.
"""

import itertools
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.platform.slacktext import escape_as_slack_does

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_serial = itertools.count(1)


def signed_headers(signing_secret: str, body: str, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{body}` with the app's signing secret."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=stamp, body=body)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def _trigger_id() -> str:
    return f"{next(_serial)}.{int(time.time())}.{uuid.uuid4().hex[:16]}"


def message_ts() -> str:
    return f"{time.time():.6f}"


def slash_command(command: str, text: str, *, user: str, channel: str, team: str, response_url: str,
                  user_team: str | None = None, channel_name: str = "care-team") -> tuple[str, str]:
    fields = {
        "token": "legacy-verification-token", "team_id": team, "team_domain": "demo", "channel_id": channel,
        "channel_name": channel_name, "user_id": user, "user_name": user.lower(), "command": command, "text": escape_as_slack_does(text),
        "api_app_id": "APARTNERBOT", "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": _trigger_id(),
    }
    if user_team and user_team != team:
        fields["user_team_id"] = user_team  # Slack Connect: the person belongs to another organization
    return urlencode(fields), FORM


def event_callback(event: dict[str, Any], *, team: str, bot_user: str, event_id: str | None = None) -> tuple[str, str]:
    event = {"event_ts": message_ts(), **_escaped(event)}
    envelope = {
        "token": "legacy-verification-token", "team_id": team, "api_app_id": "APARTNERBOT", "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()), "event_context": f"4-{uuid.uuid4().hex[:12]}",
        "authorizations": [{"team_id": team, "user_id": bot_user, "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope), JSON


def _escaped(event: dict[str, Any]) -> dict[str, Any]:
    event = dict(event)
    if isinstance(event.get("text"), str):
        event["text"] = escape_as_slack_does(event["text"])
    for key in ("message", "previous_message"):
        if isinstance(event.get(key), dict) and isinstance(event[key].get("text"), str):
            event[key] = {**event[key], "text": escape_as_slack_does(event[key]["text"])}
    return event


def url_verification(challenge: str) -> tuple[str, str]:
    return json.dumps({"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"}), JSON


def _interactive(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), FORM


def _who(user: str, team: str, user_team: str | None) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": user_team or team}


def block_action(action_id: str, *, value: str | None, user: str, team: str, channel: str | None,
                 response_url: str | None, block_id: str = "actions", message: dict[str, Any] | None = None,
                 view: dict[str, Any] | None = None, selected_option: dict[str, Any] | None = None,
                 user_team: str | None = None) -> tuple[str, str]:
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": "button", "action_ts": message_ts()}
    if value is not None:
        action["value"] = value
    if selected_option is not None:
        action.update(type="static_select", selected_option=selected_option)
    payload: dict[str, Any] = {
        "type": "block_actions", "user": _who(user, team, user_team), "api_app_id": "APARTNERBOT",
        "token": "legacy-verification-token", "trigger_id": _trigger_id(), "team": {"id": team, "domain": "demo"},
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        payload["view"] = view
    else:
        ts = (message or {}).get("ts") or message_ts()
        payload["container"] = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False}
        payload["message"] = {"type": "message", "ts": ts, "text": "", **(message or {})}
    if channel:
        payload["channel"] = {"id": channel, "name": channel.lower()}
    if response_url:
        payload["response_url"] = response_url
    return _interactive(payload)


def view_submission(callback_id: str, values: dict[str, dict[str, Any]], *, user: str, team: str,
                    private_metadata: str = "", user_team: str | None = None) -> tuple[str, str]:
    """`values` maps block_id -> action_id -> a plain value (str, list of str, or a full Slack state dict)."""
    state: dict[str, dict[str, Any]] = {}
    for block_id, actions in values.items():
        state[block_id] = {action_id: _state_value(value) for action_id, value in actions.items()}
    payload = {
        "type": "view_submission", "team": {"id": team, "domain": "demo"}, "user": _who(user, team, user_team),
        "api_app_id": "APARTNERBOT", "token": "legacy-verification-token", "trigger_id": _trigger_id(),
        "view": {"id": f"V{next(_serial):08d}", "type": "modal", "callback_id": callback_id,
                 "private_metadata": private_metadata, "state": {"values": state}, "hash": "h"},
        "response_urls": [],
    }
    return _interactive(payload)


def _state_value(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {"type": "multi_static_select", "selected_options": [{"value": item} for item in value]}
    if value is None:
        return {"type": "plain_text_input", "value": None}
    return {"type": "plain_text_input", "value": str(value)}


def message_shortcut(callback_id: str, *, message_text: str, user: str, team: str, channel: str,
                     response_url: str, author: str = "U0AUTHOR") -> tuple[str, str]:
    ts = message_ts()
    payload = {
        "type": "message_action", "callback_id": callback_id, "trigger_id": _trigger_id(),
        "team": {"id": team, "domain": "demo"}, "user": _who(user, team, None), "api_app_id": "APARTNERBOT",
        "token": "legacy-verification-token", "channel": {"id": channel, "name": channel.lower()},
        "message": {"type": "message", "user": author, "text": escape_as_slack_does(message_text), "ts": ts}, "message_ts": ts,
        "response_url": response_url,
    }
    return _interactive(payload)


def global_shortcut(callback_id: str, *, user: str, team: str) -> tuple[str, str]:
    payload = {"type": "shortcut", "callback_id": callback_id, "trigger_id": _trigger_id(),
               "team": {"id": team, "domain": "demo"}, "user": _who(user, team, None), "token": "legacy",
               "action_ts": message_ts()}
    return _interactive(payload)
