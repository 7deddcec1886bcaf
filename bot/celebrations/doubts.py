"""A celebration whose text still holds something like a person or an identifier after redaction is not posted
yet: the redacted text is held (bot.platform.pending) and shown to its author with the doubtful words marked
(bot.platform.review). Mentions of the people credited are never doubtful: only the text between them is judged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from bot.celebrations.commands import MENTION_OR_CHANNEL, Celebrate, decode_draft, encode_draft
from bot.platform import pending
from bot.platform.actor import Actor
from bot.platform.privacy import NAME, Redaction, placeholder, redact
from bot.platform.review import EDIT, Review

SURFACE = "celebrate"


def review_what(what: str) -> tuple[Review | None, dict[str, int]]:
    """(the question to ask, or None when nothing is doubtful; what redaction removed, by kind)."""
    texts, marked, trimmed = [], [], []
    removed: dict[str, int] = defaultdict(int)
    doubtful = False
    # A mention the whole text makes a patient ("<@U…> is our pt now") is no one credited: it goes as a name.
    whole = redact(what).text
    for piece in MENTION_OR_CHANNEL.split(what):
        if MENTION_OR_CHANNEL.fullmatch(piece) and piece not in whole:
            name = placeholder(NAME)
            texts.append(name), marked.append(name), trimmed.append(name)
            removed[NAME] += 1
            continue
        if MENTION_OR_CHANNEL.fullmatch(piece) or not piece.strip():
            texts.append(piece), marked.append(piece), trimmed.append(piece)
            continue
        result = redact(piece)
        doubtful = doubtful or bool(result.doubtful)
        texts.append(result.text), marked.append(result.marked()), trimmed.append(result.rebuild(lambda _s: ""))
        for kind, count in result.removed.items():
            removed[kind] += count
    if not doubtful:
        return None, dict(removed)
    joined = [" ".join("".join(parts).split()) for parts in (texts, marked, trimmed)]
    return Review(*joined, Redaction("", dict(removed)).summary()), dict(removed)


def hold(session: Session, actor: Actor, command: Celebrate, *, now: datetime) -> tuple[Review, str] | None:
    """Holds the celebration for review when its text is doubtful: (the question, its token); else None."""
    asked, removed = review_what(command.what)
    if asked is None:
        return None
    for kind, count in command.removed:
        removed[kind] = removed.get(kind, 0) + count
    draft = encode_draft(replace(command, what="", unknown_partners=()), removed)
    if draft is None:
        return None  # too many people for one question: posted as redacted, like any celebration
    token = pending.hold(session, team_id=actor.team_id, user_id=actor.user_id, surface=SURFACE, review=asked,
                         context={"draft": draft, "names": list(command.partner_names)}, now=now)  # fmt: skip
    return asked, token


def answered(session: Session, actor: Actor, token: str, choice: str, *, now: datetime) -> Celebrate:
    """The celebration to post for the author's choice (for Edit, the one to open in the form), with the text as
    shown or without the marked words. Redacted text only."""
    row = pending.take(session, team_id=actor.team_id, user_id=actor.user_id, surface=SURFACE, token=token, now=now)
    command = decode_draft(str(row.context.get("draft") or ""), register=False)
    text = row.text if choice == EDIT else pending.chosen_text(row, choice)
    return replace(command, what=text, partner_names=tuple(str(n) for n in row.context.get("names") or ()))
