"""Slack's escaping, in one place: text from Slack is unescaped once where it enters (the app factory's
middleware), and text the bot sends is escaped once where it leaves (`safe` for mrkdwn, `plain_safe` for
plain_text, which Slack shows as typed)."""

import re

# <!channel>, <!here>, <!everyone> (optionally with a |label) and user groups <!subteam^S123|@team>.
_BROADCAST = re.compile(r"<!(channel|here|everyone|subteam\^[A-Z0-9]+)(\|[^>]*)?>", re.IGNORECASE)
_BARE_BROADCAST = re.compile(r"(?<![\w`])@(channel|here|everyone)\b", re.IGNORECASE)


def neutralize(text: str) -> str:
    """Turns mass mentions typed by a user into plain words so echoing them notifies nobody."""

    def plain(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.lower().startswith("subteam"):
            return (label or "|@group")[1:]
        return "@\u200b" + target.lower()

    text = _BROADCAST.sub(plain, text)
    # A zero-width space after "@" stops Slack from treating a bare @here as a mention.
    return _BARE_BROADCAST.sub(lambda m: "@\u200b" + m.group(1), text)


def unescape(text: str) -> str:
    """Slack's escaping of `&`, `<` and `>` undone: what a person typed, with Slack's own markup (`<@U…>`,
    `<#C…|name>`, `<!here>`, links) left as it is."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# Slack's own markup in message text: mentions, channels, broadcasts, dates and links; anything else in angle
# brackets was typed.
_SLACK_MARKUP = re.compile(r"<(?:[@#!][^<>\s][^<>]*|(?:https?|mailto|tel):[^<>\s][^<>]*)>")
_TYPED_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")


def escape_as_slack_does(text: str) -> str:
    """What Slack does to text a person typed before sending it to an app: `&`, `<` and `>` escaped, its own markup
    kept. Text already escaped stays as it is, so a caller may pass either."""
    parts, last = [], 0
    for match in _SLACK_MARKUP.finditer(text):
        parts.append(_escape_typed(text[last:match.start()]))
        parts.append(_TYPED_ENTITY.sub("&amp;", match.group(0)))
        last = match.end()
    parts.append(_escape_typed(text[last:]))
    return "".join(parts)


def _escape_typed(text: str) -> str:
    return _TYPED_ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Escapes the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe(text: str) -> str:
    """User text made safe to show in mrkdwn: mass mentions defused, then control characters escaped."""
    return escape(neutralize(text))


def plain_safe(text: str) -> str:
    """User text made safe to show in a plain_text object (headers, buttons, labels): mass mentions defused; no
    escaping, as Slack shows plain_text as it is."""
    return neutralize(text)
