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
from urllib.parse import parse_qsl, urlencode

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


def socket_mode_envelope(body: str, content_type: str, *, retry_attempt: int = 0,
                         retry_reason: str = "") -> dict[str, Any]:
    """The same request as Socket Mode delivers it: a JSON envelope with an envelope_id the app must ack."""
    envelope: dict[str, Any] = {"envelope_id": str(uuid.uuid4())}
    if content_type == JSON:
        payload = json.loads(body)
        envelope.update(type="events_api", payload=payload, accepts_response_payload=False,
                        retry_attempt=retry_attempt, retry_reason=retry_reason)
        return envelope
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields:
        payload = json.loads(fields["payload"])
        envelope.update(type="interactive", payload=payload,
                        accepts_response_payload=payload.get("type") in ("view_submission", "block_suggestion"))
        return envelope
    envelope.update(type="slash_commands", payload=fields, accepts_response_payload=True)
    return envelope


# -- Slack Connect, Enterprise Grid and message subtypes, in the shapes Slack documents -----------------------------


def _with_payload(body: str, change: Any) -> tuple[str, str]:
    """An interactive request with its payload changed by `change(payload)`."""
    payload = json.loads(dict(parse_qsl(body))["payload"])
    change(payload)
    return _interactive(payload)


def shared_channel_event(event: dict[str, Any], *, home_team: str, guest_team: str, bot_user: str,
                         event_id: str | None = None) -> tuple[str, str]:
    """An event in a Slack Connect channel, sent by a person of `guest_team`: the envelope says where it happened,
    `authorizations` names the installation it is delivered to (the home team)."""
    event = {"team": guest_team, "user_team": guest_team, "source_team": guest_team, **event}
    envelope = json.loads(event_callback(event, team=guest_team, bot_user=bot_user, event_id=event_id)[0])
    envelope["authorizations"] = [{"enterprise_id": None, "team_id": home_team, "user_id": bot_user,
                                   "is_bot": True, "is_enterprise_install": False}]
    envelope["is_ext_shared_channel"] = True
    return json.dumps(envelope), JSON


def guest_view_submission(callback_id: str, values: dict[str, dict[str, Any]], *, user: str, home_team: str,
                          guest_team: str, private_metadata: str = "") -> tuple[str, str]:
    """A form submitted by a Slack Connect guest: `team` and `user.team_id` are the guest's organization; only
    the view says which workspace installed the app."""
    def guest(payload: dict[str, Any]) -> None:
        payload["team"] = {"id": guest_team, "domain": "partner-org"}
        payload["is_enterprise_install"] = False
        payload["enterprise"] = None
        payload["view"].update(team_id=home_team, app_id="APARTNERBOT", app_installed_team_id=home_team,
                               bot_id="BPARTNERBOT", root_view_id=payload["view"]["id"], previous_view_id=None)
    body, _ = view_submission(callback_id, values, user=user, team=guest_team, private_metadata=private_metadata,
                              user_team=guest_team)
    return _with_payload(body, guest)


def guest_block_action(action_id: str, *, value: str | None, user: str, guest_team: str,
                       channel: str, response_url: str, block_id: str = "actions",
                       message: dict[str, Any] | None = None) -> tuple[str, str]:
    """A button pressed by a Slack Connect guest in a shared channel: `team.id` is the guest's organization and
    nothing names the installation (the app knows its own)."""
    def guest(payload: dict[str, Any]) -> None:
        payload["team"] = {"id": guest_team, "domain": "partner-org"}
        payload["is_enterprise_install"] = False
        payload["enterprise"] = None
        payload["channel"]["is_ext_shared"] = True
    body, _ = block_action(action_id, value=value, user=user, team=guest_team, channel=channel,
                           response_url=response_url, block_id=block_id, message=message, user_team=guest_team)
    return _with_payload(body, guest)


def grid_slash_command(command: str, text: str, *, user: str, channel: str, team: str, enterprise: str,
                       response_url: str) -> tuple[str, str]:
    """A slash command in a workspace of an Enterprise Grid organization (W… users, enterprise_id)."""
    body, kind = slash_command(command, text, user=user, channel=channel, team=team, response_url=response_url)
    fields = dict(parse_qsl(body))
    fields.update(enterprise_id=enterprise, enterprise_name="Regional Health", is_enterprise_install="false")
    return urlencode(fields), kind


def grid_view_submission(callback_id: str, values: dict[str, dict[str, Any]], *, user: str, team: str,
                         enterprise: str, private_metadata: str = "") -> tuple[str, str]:
    """A form submitted in an Enterprise Grid workspace: the team and an enterprise object name the organization."""
    def grid(payload: dict[str, Any]) -> None:
        payload["team"].update(enterprise_id=enterprise, enterprise_name="Regional Health")
        payload["enterprise"] = {"id": enterprise, "name": "Regional Health"}
        payload["is_enterprise_install"] = False
        payload["view"].update(team_id=team, app_installed_team_id=team)
    body, _ = view_submission(callback_id, values, user=user, team=team, private_metadata=private_metadata)
    return _with_payload(body, grid)


def grid_event(event: dict[str, Any], *, team: str, enterprise: str, bot_user: str,
               event_id: str | None = None) -> tuple[str, str]:
    envelope = json.loads(event_callback(event, team=team, bot_user=bot_user, event_id=event_id)[0])
    envelope["enterprise_id"] = enterprise
    envelope["context_team_id"], envelope["context_enterprise_id"] = team, enterprise
    envelope["authorizations"][0]["enterprise_id"] = enterprise
    return json.dumps(envelope), JSON


def bot_message(text: str, *, channel: str, bot_id: str = "BOTHERAPP") -> dict[str, Any]:
    """Another app's post: subtype bot_message, a bot_id and no user."""
    return {"type": "message", "subtype": "bot_message", "bot_id": bot_id, "username": "Other app", "text": text,
            "channel": channel, "channel_type": "channel", "ts": message_ts()}


def message_changed(text: str, *, user: str, channel: str, previous_text: str,
                    channel_type: str = "channel") -> dict[str, Any]:
    """An edit: the new message rides inside, the event itself has no user and is hidden."""
    ts = message_ts()
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
            "channel_type": channel_type, "ts": message_ts(),
            "message": {"type": "message", "user": user, "text": text, "ts": ts,
                        "edited": {"user": user, "ts": message_ts()}},
            "previous_message": {"type": "message", "user": user, "text": previous_text, "ts": ts}}


def file_share(text: str, *, user: str, channel: str, channel_type: str = "im") -> dict[str, Any]:
    """A message with a file attached: subtype file_share, the text beside the file."""
    return {"type": "message", "subtype": "file_share", "user": user, "text": text, "channel": channel,
            "channel_type": channel_type, "ts": message_ts(), "upload": False, "display_as_bot": False,
            "files": [{"id": "F0SCAN", "name": "flyer.pdf", "title": "flyer.pdf", "mimetype": "application/pdf",
                       "filetype": "pdf", "user": user}]}


def thread_reply(text: str, *, user: str, channel: str, thread_ts: str, parent_user: str,
                 channel_type: str = "im") -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "channel": channel, "channel_type": channel_type,
            "ts": message_ts(), "thread_ts": thread_ts, "parent_user_id": parent_user}
