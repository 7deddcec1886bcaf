"""What real Slack refuses, checked on every Web API call the fake Slack receives.

Slack answers a call it will not carry out with `{"ok": false, "error": NAME}`; the fake answers the same way,
with the same names, so a test fails where Slack would refuse. Block Kit limits (text lengths, element counts,
option counts, view titles...) are checked with slack_sdk's own models; what they do not check is here:
block_id unique within a message or view, action_id unique within a block, the arguments a method cannot do
without, and the length of a message's text. A message with blocks but no `text` fallback is accepted with a
warning, as Slack does (the fallback is what notifications and screen readers show).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Slack truncates message text past 40,000 characters and refuses far longer text; partnerbot must stay under.
MESSAGE_TEXT_LIMIT = 40_000
MESSAGE_BLOCKS_LIMIT = 50
VIEW_BLOCKS_LIMIT = 100
BUTTON_TEXT_LIMIT = 75
MISSING_TEXT_FALLBACK = "missing_text_fallback"
MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage", "response_url")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")
TRIGGERED_METHODS = ("views.open", "views.push")
UPLOAD_METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")


@dataclass
class Verdict:
    """`error` is Slack's error name when the call is refused; `warnings` are accepted-but-wrong findings."""

    error: str | None = None
    detail: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.error is not None


class Refusal(Exception):
    def __init__(self, error: str, detail: str) -> None:
        super().__init__(f"{error}: {detail}")
        self.error, self.detail = error, detail


def check_call(method: str, args: dict[str, Any]) -> Verdict:
    """Slack's verdict on one call: refused (with Slack's error name) or accepted, with any warnings."""
    warnings: list[str] = []
    try:
        if method in MESSAGE_METHODS:
            _check_message(method, args, warnings)
        elif method in VIEW_METHODS:
            _check_view_call(method, args)
        elif method in UPLOAD_METHODS:
            _check_upload(method, args)
    except Refusal as refusal:
        return Verdict(refusal.error, refusal.detail, warnings)
    return Verdict(warnings=warnings)


# -- messages ---------------------------------------------------------------------------------------------------------


def _check_message(method: str, args: dict[str, Any], warnings: list[str]) -> None:
    is_reply = method == "response_url"
    if is_reply and (_truthy(args.get("delete_original"))):
        return
    if not is_reply and not args.get("channel"):
        raise Refusal("channel_not_found", f"{method} without a channel")
    if method == "chat.postEphemeral":
        user = str(args.get("user") or "")
        if not user:
            raise Refusal("invalid_arguments", "chat.postEphemeral needs `user`: whom the message is shown to")
        if user[:1] not in ("U", "W"):
            raise Refusal("user_not_found", f"chat.postEphemeral to {user!r}, which is not a user id")
    if method == "chat.update" and not args.get("ts"):
        raise Refusal("invalid_arguments", "chat.update needs `ts`: the message to change")
    if method == "chat.scheduleMessage" and not args.get("post_at"):
        raise Refusal("invalid_time", "chat.scheduleMessage needs `post_at`")
    _check_metadata(_decoded(args.get("metadata")))
    text = args.get("text")
    blocks = _decoded(args.get("blocks"))
    attachments = _decoded(args.get("attachments"))
    if not text and not blocks and not attachments:
        raise Refusal("no_text", f"{method} with neither text nor blocks")
    if text is not None and len(str(text)) > MESSAGE_TEXT_LIMIT:
        raise Refusal("msg_too_long", f"text of {len(str(text))} characters (limit {MESSAGE_TEXT_LIMIT})")
    if blocks:
        if not isinstance(blocks, list):
            raise Refusal("invalid_blocks_format", "blocks must be a list")
        if len(blocks) > MESSAGE_BLOCKS_LIMIT:
            raise Refusal("invalid_blocks", f"{len(blocks)} blocks in a message (limit {MESSAGE_BLOCKS_LIMIT})")
        check_blocks(blocks)
        if not text:
            warnings.append(MISSING_TEXT_FALLBACK)


def _check_metadata(metadata: Any) -> None:
    """Message metadata is an event_type (letters, digits, underscores) and an event_payload object."""
    if metadata is None:
        return
    if not isinstance(metadata, dict) or not isinstance(metadata.get("event_payload"), dict):
        raise Refusal("invalid_metadata_format", "metadata needs an event_payload object")
    event_type = str(metadata.get("event_type") or "")
    if not event_type or not all(char.isascii() and (char.isalnum() or char == "_") for char in event_type):
        raise Refusal("invalid_metadata_format", f"metadata event_type {event_type!r}")


def _check_upload(method: str, args: dict[str, Any]) -> None:
    if method == "files.getUploadURLExternal":
        if not args.get("filename") or not str(args.get("length") or "").isdigit():
            raise Refusal("invalid_arguments", "files.getUploadURLExternal needs `filename` and `length`")
        return
    files = _decoded(args.get("files"))
    if not isinstance(files, list) or not files or not all(isinstance(item, dict) and item.get("id")
                                                            for item in files):
        raise Refusal("invalid_arguments", "files.completeUploadExternal needs `files`, each with an id")


# -- views ------------------------------------------------------------------------------------------------------------


def _check_view_call(method: str, args: dict[str, Any]) -> None:
    if method in TRIGGERED_METHODS and not (args.get("trigger_id") or args.get("interactivity_pointer")):
        raise Refusal("invalid_arguments", f"{method} needs `trigger_id` (from the interaction that opens it)")
    if method == "views.update" and not (args.get("view_id") or args.get("external_id")):
        raise Refusal("invalid_arguments", "views.update needs `view_id` or `external_id`")
    if method == "views.publish" and not args.get("user_id"):
        raise Refusal("invalid_arguments", "views.publish needs `user_id`")
    view = _decoded(args.get("view"))
    if not isinstance(view, dict):
        raise Refusal("invalid_arguments", f"{method} without a view")
    if method == "views.publish" and view.get("type") != "home":
        raise Refusal("invalid_arguments", "views.publish takes a view of type home")
    if method != "views.publish" and view.get("type") != "modal":
        raise Refusal("invalid_arguments", f"{method} takes a view of type modal")
    check_view(view)


def check_view(view: dict[str, Any]) -> None:
    """A modal or Home tab as Slack checks it: the view's own limits, then its blocks."""
    blocks = view.get("blocks") or []
    limit = VIEW_BLOCKS_LIMIT
    if len(blocks) > limit:
        raise Refusal("invalid_blocks", f"{len(blocks)} blocks in a view (limit {limit})")
    if view.get("type") == "modal" and not view.get("title"):
        raise Refusal("invalid_arguments", "a modal needs a title")
    has_input = any(block.get("type") == "input" for block in blocks if isinstance(block, dict))
    if view.get("type") == "modal" and has_input and not view.get("submit"):
        raise Refusal("invalid_arguments", "a modal with input blocks needs a submit button")
    try:
        View(**{key: value for key, value in view.items() if key not in ("id", "hash")}).validate_json()
    except (SlackObjectFormationError, TypeError) as error:
        raise Refusal("invalid_arguments", f"view: {error}") from error
    check_blocks(blocks)


# -- blocks -----------------------------------------------------------------------------------------------------------


def check_blocks(blocks: list[Any]) -> None:
    """Each block valid by slack_sdk's models, block_ids unique among these blocks, action_ids unique per block."""
    seen_block_ids: set[str] = set()
    for position, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            raise Refusal("invalid_blocks", f"block {position} has no type")
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen_block_ids:
                raise Refusal("invalid_blocks", f"block_id {block_id!r} is used twice (block {position})")
            seen_block_ids.add(block_id)
        action_ids = list(_action_ids(block))
        repeated = sorted({action_id for action_id in action_ids if action_ids.count(action_id) > 1})
        if repeated:
            raise Refusal("invalid_blocks", f"action_id {repeated[0]!r} is used twice in block {position}")
        _check_button_texts(block, position)
        try:
            parsed = Block.parse(block)
            if parsed is None:
                raise Refusal("invalid_blocks", f"block {position} has an unknown type {block['type']!r}")
            parsed.validate_json()
        except (SlackObjectFormationError, TypeError, KeyError, AttributeError) as error:
            raise Refusal("invalid_blocks", f"block {position} ({block['type']}): {error}") from error


def _check_button_texts(block: dict[str, Any], position: int) -> None:
    """slack_sdk's ButtonElement knows its 75-character text limit but does not check it; Slack does."""
    for element in _elements(block):
        text = (element.get("text") or {}).get("text", "") if element.get("type") == "button" else ""
        if len(text) > BUTTON_TEXT_LIMIT:
            raise Refusal("invalid_blocks", f"button text of {len(text)} characters in block {position}")


def _elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    elements = list(block.get("elements") or []) if block.get("type") in ("actions", "context_actions") else []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            elements.append(block[key])
    return [element for element in elements if isinstance(element, dict)]


def _action_ids(block: dict[str, Any]) -> Iterable[str]:
    for element in _elements(block):
        if element.get("action_id"):
            yield element["action_id"]


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError as error:
            raise Refusal("invalid_blocks_format", f"not JSON: {error}") from error
    return value


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")
