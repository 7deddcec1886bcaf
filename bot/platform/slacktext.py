"""Making user-typed text safe to echo in Slack messages."""

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
    """Slack's escaping of `&`, `<` and `>` undone, for text read back from the Web API (conversations.history)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape(text: str) -> str:
    """Escapes the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe(text: str) -> str:
    """User text made safe to show: mass mentions defused, then control characters escaped."""
    return escape(neutralize(text))
