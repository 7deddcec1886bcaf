"""Ask before keeping what is uncertain: the pure part.

When free text is about to be stored and something in it still looks like a person or an identifier after
redaction (`Redaction.doubtful`), the person is shown the redacted text that would be saved, with the doubtful
words marked, and chooses Save (as shown), Remove marked words, or Edit. Only redacted text is ever shown or
offered. The text waits in bot.platform.pending meanwhile; the buttons carry only its token.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.platform.blocks import clip
from bot.platform.privacy import Redaction
from bot.platform.slacktext import safe

SAVE, TRIM, EDIT = "save", "trim", "edit"
CHOICES = (SAVE, TRIM, EDIT)
QUESTION = "Something here still looks like a person or an identifier. This is what I would save:"


@dataclass(frozen=True)
class Review:
    """What the person is asked about: the redacted `text`, the same with the doubtful words between ‹ ›
    (`marked`), without them (`trimmed`), and the privacy note ("Removed for privacy: …", may be empty)."""

    text: str
    marked: str
    trimmed: str
    note: str


def review_of(redaction: Redaction) -> Review | None:
    """A Review when the redacted text still holds doubtful words, else None (store it as it is)."""
    if not redaction.doubtful:
        return None
    return Review(" ".join(redaction.text.split()), " ".join(redaction.marked().split()),
                  redaction.without_doubtful(), redaction.summary())  # fmt: skip


def action_id(prefix: str, choice: str) -> str:
    """The action id of one of the three buttons of a feature (`prefix` is the feature's, e.g. "agenda")."""
    return f"{prefix}_review_{choice}"


def review_blocks(review: Review, token: str, prefix: str, *, where: str = "", question: str = QUESTION
                  ) -> list[dict]:  # fmt: skip
    """The question: the marked redacted text, the privacy note, and Save / Remove marked words / Edit."""
    head = question if not where else f"{question[:-1]} {where}:"
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(f"{head}\n>{safe(review.marked)}")}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(
            "Marked words are between ‹ ›. Nothing is saved until you choose."
            + (f" {review.note}." if review.note else ""), 3000)}]},  # fmt: skip
    ]
    labels = {SAVE: "Save as shown", TRIM: "Remove marked words", EDIT: "Edit"}
    buttons = [
        {"type": "button", "action_id": action_id(prefix, choice), "value": token, "text": {
            "type": "plain_text", "text": labels[choice]}, **({"style": "primary"} if choice == TRIM else {})}
        for choice in CHOICES
    ]
    blocks.append({"type": "actions", "block_id": f"{prefix}_review", "elements": buttons})
    return blocks


def review_text(review: Review, question: str = QUESTION) -> str:
    """The notification text of the question (shown where blocks are not)."""
    return f"{question} {review.marked}"
