"""Matchers that route messages addressed to the bot (an @mention, or any message in a DM) by their text.

Bolt runs the first listener whose matchers accept an event, so each feature claims its own phrasing and the help
fallback, registered last, takes the rest.
"""

import re
from collections.abc import Callable

_BOT_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def text_for_bot(event: dict) -> str:
    """The message text with mentions of the bot removed and whitespace collapsed."""
    return " ".join(_BOT_MENTION.sub(" ", event.get("text") or "").split())


def is_direct_message(event: dict) -> bool:
    return event.get("channel_type") == "im"


# Subtypes that are still a person's new message: with a file attached, a thread reply also sent to the channel,
# a /me message.
PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast", "me_message"})


def is_from_a_person(event: dict) -> bool:
    # Edits, deletions, joins and other bots' posts carry another subtype or a bot_id; people's new messages count.
    return event.get("subtype") in (None, *PERSON_SUBTYPES) and not event.get("bot_id") and bool(event.get("user"))


def addressed_to_bot(pattern: str) -> Callable[[dict], bool]:
    """A bolt matcher: an app_mention, or a person's DM, whose text matches `pattern` (case-insensitive)."""
    compiled = re.compile(pattern, re.IGNORECASE)

    def matches(event: dict) -> bool:
        if event.get("type") == "message" and not (is_direct_message(event) and is_from_a_person(event)):
            return False
        return bool(compiled.search(text_for_bot(event)))

    return matches
