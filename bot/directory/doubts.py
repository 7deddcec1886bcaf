"""Ask before keeping what is uncertain, for a resource logged from free text: the resource is saved with its
details, but a free-text detail (description, eligibility, hours) that still holds something like a person or an
identifier after redaction is saved without the words that look like a name; the person is shown those details with the words
marked and may put them back (Save as shown), confirm (Remove marked words) or open the form (Edit). The details
as shown wait in bot.platform.pending, redacted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.directory.fields import ResourceFields
from bot.platform import pending
from bot.platform.actor import Actor
from bot.platform.privacy import NAME_DOUBT, redact
from bot.platform.review import Review

SURFACE = "resource"
FREE_TEXT_FIELDS = ("description", "eligibility", "hours")


@dataclass(frozen=True)
class SetAside:
    """The free-text details that held doubtful words: as shown (marked words kept) and as saved (without)."""

    shown: dict[str, str]
    marked: dict[str, str]
    saved: dict[str, str]


def set_aside(fields: ResourceFields) -> SetAside | None:
    """Takes the doubtful words out of `fields`' free-text details (already redacted), in place; what was taken
    out, or None when nothing was doubtful."""
    shown, marked, saved = {}, {}, {}
    for name in FREE_TEXT_FIELDS:
        result = redact(getattr(fields, name))
        # A number the rules kept in a resource's own details is labelled as its licence, permit or EIN: the
        # resource's. Only words that look like a person's name are asked about here.
        result = replace(result, doubtful=tuple(d for d in result.doubtful if d.reason == NAME_DOUBT))
        if result.doubtful:
            shown[name], marked[name], saved[name] = result.text, result.marked(), result.without_doubtful()
            setattr(fields, name, saved[name])
    return SetAside(shown, marked, saved) if shown else None


def hold(session: Session, actor: Actor, resource_id: int, aside: SetAside, note: str, *,
         now: datetime | None = None) -> tuple[Review, str]:  # fmt: skip
    """Keeps the details as shown for the person's answer; (the question, its token)."""
    def joined(values: dict[str, str]) -> str:
        return " · ".join(values[name] for name in FREE_TEXT_FIELDS if name in values)

    asked = Review(joined(aside.shown), joined(aside.marked), joined(aside.saved), note)
    token = pending.hold(session, team_id=actor.team_id, user_id=actor.user_id, surface=SURFACE, review=asked,
                         context={"resource_id": resource_id, "shown": aside.shown}, now=now)  # fmt: skip
    return asked, token


def answer(session: Session, actor: Actor, token: str) -> tuple[int, dict[str, str]]:
    """(the resource, the details as shown) for the person's click; the question is gone after it."""
    row = pending.take(session, team_id=actor.team_id, user_id=actor.user_id, surface=SURFACE, token=token)
    shown = {name: str(value) for name, value in (row.context.get("shown") or {}).items() if name in FREE_TEXT_FIELDS}
    return int(row.context.get("resource_id") or 0), shown
