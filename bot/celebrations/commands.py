"""What people type after /celebrate and submit in the celebrate form, read into typed requests, and the help.

`/celebrate @ana @ben with Eastside Food Bank and Casa Esperanza for getting a family housed in a week`
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.partners.names import echo, lookup
from bot.platform.dates import MONTHS
from bot.platform.errors import FeatureError
from bot.platform.forms import state_value
from bot.platform.slacktext import neutralize

MAX_TEXT_LENGTH = 1500
BUTTON_VALUE_LIMIT = 2000  # Slack's limit on a button's value

HELP = (
    "*Celebrate shared successes*\n"
    "`/celebrate @ana @ben with Eastside Food Bank for getting a family's groceries delivered the same day` "
    "thanks everyone in the channel (or the partner's channel) and adds it to the monthly recap; "
    "`with Eastside Food Bank and Casa Esperanza` credits both\n"
    "`/celebrate` opens a form · `/celebrate recap [month]` shows successes by partner · "
    "`/celebrate recap off` or `on` stops or restarts this partner channel's monthly recap\n"
    "React with the celebration emoji to a message in a partner channel and I'll offer to celebrate it.\n"
    "_No patient names or details: describe the win, not the person. Anything identifying is removed, and I tell "
    "you what was._"
)
SUMMARY = (
    "*Celebrate shared successes*\n"
    "`/celebrate @person [@person…] [with PARTNER] for WHAT` · `/celebrate recap [month]` · "
    "react with :tada: in a partner channel · `/celebrate help`"
)
GROUPS_NOT_CREDITED = "User groups aren't credited or notified; mention people individually to thank them."


# --------------------------------------------------------------------------------------------------------------
# The requests
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class OpenForm:
    pass


@dataclass(frozen=True)
class ShowRecap:
    month: str  # as typed: "", "last month", "march", "2026-03"


@dataclass(frozen=True)
class SetRecap:
    enabled: bool


@dataclass(frozen=True)
class Celebrate:
    """A celebration as typed or submitted. Partners are registered names or ids; `unknown_partners` are names
    after `with` that no registered partner answers to. `what` is plain text, not yet redacted."""

    user_ids: tuple[str, ...]
    what: str
    partner_names: tuple[str, ...] = ()
    partner_ids: tuple[int, ...] = ()
    unknown_partners: tuple[str, ...] = ()
    channel_id: str | None = None
    mentioned_groups: bool = False  # a user group was named among the people: only individuals are credited
    register_unknown: bool = False  # the person chose to register the unknown partners first
    removed: tuple[tuple[str, int], ...] = ()  # what redaction already took out of `what` (a confirmed draft)


CelebrationCommand = ShowHelp | OpenForm | ShowRecap | SetRecap | Celebrate


# --------------------------------------------------------------------------------------------------------------
# Reading `/celebrate @user [@user…] [with PARTNER [and PARTNER…]] for WHAT`
# --------------------------------------------------------------------------------------------------------------

_USER_TOKEN = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_TOKEN = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_MASS_TOKEN = re.compile(r"<!(?:subteam\^[A-Z0-9]+|channel|here|everyone)(?:\|[^>]*)?>", re.IGNORECASE)
_LINK_TOKEN = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
_BETWEEN_PEOPLE = re.compile(r"(?:\s|,|&|\+|\band\b)*", re.IGNORECASE)
_BETWEEN_PARTNERS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*\+\s*)", re.IGNORECASE)
_FOR = re.compile(r"\s+for\s+|\s+for$", re.IGNORECASE)
MENTION_OR_CHANNEL = re.compile(r"(<@[UW][A-Z0-9]+>|<#[CG][A-Z0-9]+>)")


def plain_what(text: str) -> str:
    """What people typed, made safe to keep: mass mentions and user groups neutralized, links readable, mention
    labels dropped (they carry display names and are re-rendered by Slack from the id)."""
    text = _USER_TOKEN.sub(lambda m: f"<@{m[1]}>", text)
    text = _CHANNEL_TOKEN.sub(lambda m: f"<#{m[1]}>", text)
    text = _LINK_TOKEN.sub(lambda m: f"{m[2]} ({m[1]})" if m[2] and m[2] != m[1] else m[1], text)
    # Lines are kept: a pasted intake form ("Name: …\nAddress: …") is recognized by its lines when redacted.
    return "\n".join(" ".join(line.split()) for line in neutralize(text).splitlines() if line.strip())


_WORD = re.compile(r"\w+|&")
_CLOSING = re.compile(r"[)\]\"'”’.]*")


class _NameIndex:
    """Registered names by their words, so the longest name at a position is found with a few dictionary lookups
    whatever the size of the registry. Punctuation between and after the words is free: "Eastside Food Bank
    (demo)", "Acme, Inc."."""

    def __init__(self, names: list[str]) -> None:
        self.by_words = {tuple(w.casefold() for w in _WORD.findall(name)): name for name in names}
        self.by_words.pop((), None)
        self.longest = max(map(len, self.by_words), default=0)

    def at(self, text: str, pos: int) -> tuple[str, int] | None:
        """(registered name, where it ends) for the longest name starting at `pos`."""
        words = []
        for match in _WORD.finditer(text, pos):
            if not words and match.start() != pos or len(words) == self.longest:
                break
            words.append(match)
        for count in range(len(words), 0, -1):
            name = self.by_words.get(tuple(w[0].casefold() for w in words[:count]))
            if name is not None:
                end = words[count - 1].end()
                return name, _CLOSING.match(text, end).end()
        return None


def _typed_name_at(text: str, pos: int) -> tuple[str, int]:
    """A name nobody registered, from `pos` to the next separator or `for` (or the end)."""
    ends = [m.start() for m in (_BETWEEN_PARTNERS.search(text, pos), _FOR.search(text, pos)) if m]
    end = min(ends) if ends else len(text)
    return text[pos:end].strip(" .,;:"), end


def _read_partners(rest: str, known: list[str], *, fuzzy: bool) -> tuple[list[str], list[str], int]:
    """(registered names, unknown names, where the partners end) from the text after `with`. Registered names are
    matched longest first, so "Center for Food Justice" survives its "for"; a name typed otherwise runs to the
    next "and", comma or "for" and is then looked up, typos forgiven (`fuzzy`, for members only)."""
    index = _NameIndex(known)
    registered: list[str] = []
    unknown: list[str] = []
    pos = 0
    while pos < len(rest):
        if found := index.at(rest, pos):
            registered.append(found[0])
            pos = found[1]
        else:
            typed, pos = _typed_name_at(rest, pos)
            if typed:
                match = lookup(known, typed, suggest=False).name if fuzzy else None
                (registered if match else unknown).append(match or typed)
        separator = _BETWEEN_PARTNERS.match(rest, pos)
        if not separator or separator.end() == pos or _FOR.match(rest, pos):
            break
        pos = separator.end()
    return registered, unknown, pos


def parse_celebrate(text: str, known_partners: list[str], *, members_view: bool = True) -> Celebrate:
    """Reads the people (leading mentions), the partner organizations (after "with") and what is being
    celebrated. `members_view=False` (someone from another organization) matches registered names exactly only."""
    text = text.strip()
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

    registered: list[str] = []
    unknown: list[str] = []
    if with_clause := re.match(r"with\s+", rest, re.IGNORECASE):
        registered, unknown, end = _read_partners(
            rest[with_clause.end() :], known_partners, fuzzy=members_view
        )
        rest = rest[with_clause.end() + end :]
    rest = re.sub(r"^[\s,:;-]*(?:for\b)?", "", rest, flags=re.IGNORECASE)
    return Celebrate(
        user_ids=tuple(dict.fromkeys(people)),
        what=plain_what(rest),
        partner_names=tuple(dict.fromkeys(registered)),
        unknown_partners=tuple(dict.fromkeys(unknown)),
        mentioned_groups=groups,
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
    elif (m := re.fullmatch(r"([a-z]+)\.?(?: (\d{4}))?", raw)) and m[1] in MONTHS:
        month = MONTHS[m[1]]
        year = int(m[2]) if m[2] else (today.year if month <= today.month else today.year - 1)
    else:
        raise FeatureError(
            f"I couldn't read “{echo(text)}” as a month. Try `/celebrate recap march` or `/celebrate recap 2026-03`."
        )
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise FeatureError("That month doesn't exist. Try `/celebrate recap 2026-03`.")
    return year, month


def parse(text: str, known_partners: list[str], *, members_view: bool = True) -> CelebrationCommand:
    raw = text.strip()
    verb, _, rest = raw.partition(" ")
    if not raw:
        return OpenForm()
    if verb.lower() == "help":
        return ShowHelp()
    if verb.lower() == "recap":
        if rest.strip().lower() in ("on", "off"):
            return SetRecap(rest.strip().lower() == "on")
        return ShowRecap(rest.strip())
    return parse_celebrate(raw, known_partners, members_view=members_view)


# --------------------------------------------------------------------------------------------------------------
# The form, and the choice offered when a partner is not registered
# --------------------------------------------------------------------------------------------------------------


def read_form(view: dict) -> Celebrate:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    return Celebrate(
        user_ids=tuple(dict.fromkeys(state_value(view, "people") or [])),
        partner_ids=tuple(int(v) for v in state_value(view, "partners") or [] if str(v).isdigit()),
        what=plain_what(state_value(view, "what") or ""),
        channel_id=state_value(view, "channel") or metadata.get("channel") or None,
    )


def encode_draft(request: Celebrate, removed: dict[str, int]) -> str | None:
    """The button value that carries a draft (`request.what` redacted), or None when it is over Slack's limit."""
    value = json.dumps(
        {
            "u": request.user_ids,
            "p": request.partner_ids,
            "n": request.unknown_partners,
            "w": request.what,
            "c": request.channel_id,
            "g": request.mentioned_groups,
            "r": removed,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return value if len(value) <= BUTTON_VALUE_LIMIT else None


def decode_draft(value: str, *, register: bool) -> Celebrate:
    """The celebration a Register/Without-crediting button carries: with the unknown partners to register first,
    or with them left out."""
    try:
        data = json.loads(value)
        return Celebrate(
            user_ids=tuple(str(u) for u in data["u"]),
            what=str(data["w"]),
            partner_ids=tuple(int(p) for p in data["p"]),
            unknown_partners=tuple(str(n) for n in data["n"]) if register else (),
            channel_id=data.get("c") or None,
            mentioned_groups=bool(data.get("g")),
            register_unknown=register,
            removed=tuple((str(k), int(v)) for k, v in (data.get("r") or {}).items()),
        )
    except (ValueError, KeyError, TypeError):
        raise FeatureError("That button is out of date. Run `/celebrate` again, please.") from None


def read_reacted_message(value: str) -> tuple[str, str]:
    """(channel, message ts) from the "Celebrate it" button."""
    try:
        data = json.loads(value or "{}")
        return str(data["channel"]), str(data["ts"])
    except (ValueError, KeyError, TypeError):
        raise FeatureError("That prompt is out of date.") from None
