"""Text from Slack made plain once, where a payload enters: every listener reads what the person typed.

Slack escapes `&`, `<` and `>` in what people type (`&amp;`, `&lt;`, `&gt;`) and keeps its own markup (`<@U…>`,
`<#C…|name>`, `<!here>`, links). This middleware undoes the escaping in every field that carries typed text: a
slash command's text, an event's text (and an edited message's), a message shortcut's message, and the text
inputs of a submitted form. Handlers never unescape; what leaves is escaped once by bot.platform.slacktext.
"""

from typing import Any

from bot.platform.slacktext import unescape

UNESCAPED = "partnerbot_text_unescaped"


def unescape_typed_text(body: dict[str, Any], context, next) -> None:
    if not context.get(UNESCAPED):
        context[UNESCAPED] = True  # once per request, whatever runs the middleware chain again
        unescape_payload(body)
    next()


def unescape_payload(body: dict[str, Any]) -> None:
    """`body` changed in place, so every listener argument (command, event, message, view) sees the plain text."""
    if body.get("command") is not None:
        _plain(body, "text")
    event = body.get("event")
    if isinstance(event, dict):
        _plain(event, "text")
        for key in ("message", "previous_message"):
            if isinstance(event.get(key), dict):
                _plain(event[key], "text")
    if body.get("type") == "message_action" and isinstance(body.get("message"), dict):
        _plain(body["message"], "text")
    view = body.get("view")
    if body.get("type") in ("view_submission", "block_actions") and isinstance(view, dict):
        for actions in ((view.get("state") or {}).get("values") or {}).values():
            for state in (actions or {}).values():
                if isinstance(state, dict) and state.get("type") == "plain_text_input":
                    _plain(state, "value")


def _plain(holder: dict[str, Any], key: str) -> None:
    value = holder.get(key)
    if isinstance(value, str) and "&" in value:
        holder[key] = unescape(value)
