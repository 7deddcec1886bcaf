"""What people type after /celebrate, read into a typed request: people, partners and what was achieved."""

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.partners.commands import _MONTHS, echo, normalize_name
from bot.partners.service import similar_names
from bot.platform.slacktext import neutralize, safe

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 1500


class CelebrationError(Exception):
    """The celebration cannot go ahead; str(error) is the kind, specific message to show its author."""


# --------------------------------------------------------------------------------------------------------------
# Reading `/celebrate @user [@user…] [with <Partner Org>] for <what>`
# --------------------------------------------------------------------------------------------------------------

_USER_TOKEN = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_TOKEN = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_MASS_TOKEN = re.compile(r"<!(?:subteam\^[A-Z0-9]+|channel|here|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
_LINK_TOKEN = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
_BETWEEN_PEOPLE = re.compile(r"(?:\s|,|&|\+|\band\b)*", re.IGNORECASE)
_BETWEEN_PARTNERS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*\+\s*)", re.IGNORECASE)
_MENTION_OR_CHANNEL = re.compile(r"(<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>)")


@dataclass(frozen=True)
class CelebrateRequest:
    user_ids: tuple[str, ...]
    partner_names: tuple[str, ...]  # registered names, as stored
    what: str  # plain text, mass mentions neutralized, mentions as <@U…>; not yet redacted
    # A user group was named among the people; only individuals are credited (and groups are never pinged).
    mentioned_groups: bool = False


def unescape_slack(text: str) -> str:
    """Slack escapes &, < and > in what people type; tokens such as <@U1> arrive unescaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_what(text: str) -> str:
    """What people typed, made safe to keep: mass mentions and user groups neutralized, links readable, mention
    labels dropped (they carry display names and are re-rendered by Slack from the id)."""
    text = _USER_TOKEN.sub(lambda m: f"<@{m[1]}>", text)
    text = _CHANNEL_TOKEN.sub(lambda m: f"<#{m[1]}>", text)
    text = _LINK_TOKEN.sub(lambda m: f"{m[2]} ({m[1]})" if m[2] and m[2] != m[1] else m[1], text)
    return " ".join(neutralize(text).split())


def _partner_pattern(name: str) -> re.Pattern:
    words = normalize_name(name).split()
    # Punctuation between and after the words is free: "Eastside Food Bank (demo)", "Acme, Inc."
    return re.compile(
        r"[^\w&]+".join(re.escape(word) for word in words) + r"(?![\w&])[)\]\"'”’.]*", re.IGNORECASE
    )


def _match_partner(text: str, pos: int, patterns: list[tuple[str, re.Pattern]]) -> tuple[str, int] | None:
    for name, pattern in patterns:
        match = pattern.match(text, pos)
        if match:
            return name, match.end()
    return None


def parse_celebrate(text: str, known_partners: list[str], *, suggest: bool = True) -> CelebrateRequest:
    """Reads the people (leading mentions), the partner organizations (after "with"; only registered names, the
    longest that fits, so "Center for Food Justice" survives the "for") and what is being celebrated.
    `suggest=False` leaves registered names out of error messages (for people from other organizations)."""
    text = unescape_slack(text).strip()
    people: list[str] = []
    groups = False
    pos = 0
    while True:
        gap = _BETWEEN_PEOPLE.match(text, pos).end()
        if match := _USER_TOKEN.match(text, gap):
            people.append(match[1])
        elif match := _MASS_TOKEN.match(text, gap):
            groups = True
        else:
            break
        pos = match.end()
    rest = text[pos:].lstrip(" ,:;-")

    partners: list[str] = []
    if with_clause := re.match(r"with\s+", rest, re.IGNORECASE):
        # Longest names first so a partner whose name contains another's wins.
        patterns = [
            (name, _partner_pattern(name))
            for name in sorted(known_partners, key=len, reverse=True)
            if normalize_name(name)
        ]
        pos = with_clause.end()
        while found := _match_partner(rest, pos, patterns):
            partners.append(found[0])
            pos = found[1]
            separator = _BETWEEN_PARTNERS.match(rest, pos)
            if not separator or not _match_partner(rest, separator.end(), patterns):
                break
            pos = separator.end()
        if not partners:
            typed = re.split(r"\s+for\s+", rest[with_clause.end() :], maxsplit=1, flags=re.IGNORECASE)[0]
            typed = typed.strip(" .,;:") or rest[with_clause.end() :]
            hints = similar_names(known_partners, typed) if suggest else []
            hint = (
                f" Did you mean {' or '.join(f'*{safe(h)}*' for h in hints)}?"
                if hints
                else " Add it first with `/partner add <name>`, or leave out the `with …` part."
            )
            raise CelebrationError(f"I don't know a partner called “{echo(typed)}”.{hint}")
        rest = rest[pos:]

    rest = re.sub(r"^[\s,:;-]*(?:for\b)?", "", rest, flags=re.IGNORECASE)
    return CelebrateRequest(
        tuple(dict.fromkeys(people)), tuple(dict.fromkeys(partners)), plain_what(rest), groups
    )


def parse_month(text: str, today: date) -> tuple[int, int]:
    """ "", "this month", "last month", "march", "march 2026", "2026-03" -> (year, month). A month name alone
    means the most recent one (this month or earlier)."""

    raw = " ".join(text.lower().replace(",", " ").split())
    if raw in ("", "this month", "current"):
        return today.year, today.month
    if raw in ("last month", "previous month"):
        first = today.replace(day=1) - timedelta(days=1)
        return first.year, first.month
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
        year, month = int(m[1]), int(m[2])
    elif (m := re.fullmatch(r"([a-z]+)\.?(?: (\d{4}))?", raw)) and m[1] in _MONTHS:
        month = _MONTHS[m[1]]
        year = int(m[2]) if m[2] else (today.year if month <= today.month else today.year - 1)
    else:
        raise CelebrationError(
            f"I couldn't read “{echo(text)}” as a month. Try `/celebrate recap march` or "
            "`/celebrate recap 2026-03`."
        )
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise CelebrationError("That month doesn't exist. Try `/celebrate recap 2026-03`.")
    return year, month
