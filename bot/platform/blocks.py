"""Block Kit limits and small builders every feature's views share."""

import re

from bot.platform.slacktext import unescape

SECTION_LIMIT = 2900  # Slack allows 3,000 characters in a section's text; keep room for a closing mark


def clip(text: str, limit: int = SECTION_LIMIT) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def form_error(message: str) -> str:
    """A reply written in mrkdwn made fit for a form's field error, which Slack shows as plain text: emphasis,
    code marks, emoji codes and mentions dropped, escaped characters shown as themselves, within 300 characters."""
    text = re.sub(r":[a-z0-9_+-]+:\s?", "", message)
    text = re.sub(r"\s*\(?<[@#!][^>]*>\)?", "", text).replace("*", "").replace("`", "")
    return unescape(text)[:300]


def plain(text: str) -> dict:
    """A plain_text object."""
    return {"type": "plain_text", "text": text}


def input_block(block_id: str, label: str, element: dict, *, optional: bool = True, hint: str | None = None) -> dict:
    """A form input: `element` under `label`, with an optional hint."""
    block = {"type": "input", "block_id": block_id, "optional": optional, "element": element, "label": plain(label)}
    if hint:
        block["hint"] = plain(hint)
    return block
