"""manifest.json declares exactly what the code registers, and every scope the code's Web API calls need."""

import json
import re
from pathlib import Path

from tests.registrations import registered

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads((ROOT / "manifest.json").read_text())

# Which bot event subscriptions a registered event type needs.
EVENT_SUBSCRIPTIONS = {"message": {"message.channels", "message.groups", "message.im"}}
EVENT_SCOPES = {
    "app_mention": {"app_mentions:read"}, "message.channels": {"channels:history"},
    "message.groups": {"groups:history"}, "message.im": {"im:history"}, "reaction_added": {"reactions:read"},
    "app_home_opened": set(),
}
# Web API methods the code calls (as WebClient method names) and the bot scopes they need.
METHOD_SCOPES = {
    "chat_postMessage": {"chat:write"}, "chat_postEphemeral": {"chat:write"}, "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"}, "chat_getPermalink": set(), "reactions_add": {"reactions:write"},
    "users_info": {"users:read"}, "conversations_open": {"im:write"},
    "conversations_info": {"channels:read", "groups:read"}, "files_upload_v2": {"files:write"},
    "files_getUploadURLExternal": {"files:write"}, "files_completeUploadExternal": {"files:write"},
    "views_open": set(), "views_push": set(), "views_update": set(), "views_publish": set(), "auth_test": set(),
    "conversations_members": {"channels:read", "groups:read"}, "conversations_join": {"channels:join"},
    "conversations_history": {"channels:history", "groups:history"},
    "conversations_replies": {"channels:history", "groups:history"},
    "users_conversations": {"channels:read", "groups:read"},
}


def test_every_registered_command_is_declared_and_vice_versa():
    declared = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
    assert registered().commands == declared


def test_commands_escape_mentions_so_handlers_get_ids():
    assert all(command["should_escape"] for command in MANIFEST["features"]["slash_commands"])


def test_every_registered_shortcut_is_declared_and_vice_versa():
    declared = {shortcut["callback_id"] for shortcut in MANIFEST["features"].get("shortcuts", [])}
    assert registered().shortcuts == declared


def test_every_registered_event_is_subscribed_and_vice_versa():
    needed: set[str] = set()
    for event in registered().events:
        needed |= EVENT_SUBSCRIPTIONS.get(event, {event})
    assert needed == set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def test_scopes_are_exactly_what_the_code_needs():
    used_methods: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in ("fakeslack.py",):
                continue
            used_methods |= set(re.findall(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(", path.read_text()))
    unknown = used_methods - METHOD_SCOPES.keys()
    assert not unknown, f"add these Web API methods to METHOD_SCOPES: {sorted(unknown)}"
    needed = {"commands"}
    for method in used_methods:
        needed |= METHOD_SCOPES[method]
    for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]:
        needed |= EVENT_SCOPES[event]
    declared = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert needed == declared, f"missing: {sorted(needed - declared)}, unused: {sorted(declared - needed)}"
