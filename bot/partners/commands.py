"""What people type after /partner and submit in the partner form, read into typed requests, and the help.

Every request is a frozen dataclass; bad input raises FeatureError with a friendly message and changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz, process

from bot.partners.dates import EXAMPLES as DATE_EXAMPLES
from bot.partners.dates import read_date
from bot.partners.names import clean_name, echo, normalize_name
from bot.platform import vocabulary
from bot.platform.errors import FeatureError
from bot.platform.forms import state_value
from models.partners import AGREEMENT_KINDS, PARTNER_KINDS

AGREEMENT_LABELS = AGREEMENT_KINDS  # the digest reads agreement labels from here

HELP = (
    "*Partners*\n"
    "`/partner add Eastside Food Bank resource sharing #eastside-partners` registers a partner "
    "(types: strategic alliance, project partnership, resource sharing, advocacy coalition)\n"
    "`/partner list` · `/partner info NAME` · `/partner edit NAME` (services, contacts, capacity, eligibility, "
    "channels, agreements)\n"
    "`/partner rename NAME to NEW NAME` · `/partner remove NAME` (both ask you to confirm)\n"
    "`/partner mou NAME renews 2027-03-31` (or `next June`, `in 60 days`): the partner's owner is reminded 90 and "
    "30 days before\n"
    "`/partner aim NAME house 50 shared clients by June 30` (a shared aim; `aim NAME progress N` records a figure) · "
    "`/partner scorecard NAME` (referrals, answers, outcomes, aims)\n"
    "_Editing, renaming and removing a partner are for its owner, stewards and admins._"
)
SUMMARY = (
    "*Partners*\n"
    "`/partner add NAME [type] [#channel]` · `/partner list` · `/partner info NAME` · `/partner edit NAME` · "
    "`/partner rename NAME to NEW NAME` · `/partner remove NAME` · `/partner mou NAME renews DATE` · "
    "`/partner aim NAME TARGET by DATE` · `/partner scorecard NAME` · "
    "`/partner help`"
)
MEMBERS_ONLY = (
    "The partner registry is only available to members of this workspace. "
    "You can still `/celebrate` shared successes here."
)


# --------------------------------------------------------------------------------------------------------------
# The requests
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class AddPartner:
    name: str
    kind: str | None = None
    channel_ids: tuple[str, ...] = ()
    unrecognized_type: str | None = None  # type words that name no partnership type, kept out of the name


@dataclass(frozen=True)
class ListPartners:
    pass


@dataclass(frozen=True)
class ShowPartner:
    name: str


@dataclass(frozen=True)
class EditPartner:
    name: str


@dataclass(frozen=True)
class SetRenewal:
    name: str
    renewal: date


@dataclass(frozen=True)
class RemovePartner:
    name: str


@dataclass(frozen=True)
class RenamePartner:
    readings: tuple[tuple[str, str], ...]  # (current name, new name) for each " to " the text could split at


PartnerCommand = (
    ShowHelp
    | AddPartner
    | ListPartners
    | ShowPartner
    | EditPartner
    | SetRenewal
    | RemovePartner
    | RenamePartner
)


# --------------------------------------------------------------------------------------------------------------
# Reading /partner
# --------------------------------------------------------------------------------------------------------------

CHANNEL_REF = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
_BARE_CHANNEL = re.compile(r"(?<![\w<])#[\w-]+")
_KIND_SUFFIX = {
    kind: re.compile(
        r"(?:^|[\s,;(\-–])(?:as\s+(?:an?\s+)?)?" + label.lower().replace(" ", r"[\s_-]+") + r"\)?\s*$",
        re.IGNORECASE,
    )
    for kind, label in PARTNER_KINDS.items()
}
# Words people end a partnership type with. A run of them after the name is a type, even one we don't know
# ("Northwest Housing Alliance housing partnership"): it is kept out of the name and reported.
TYPE_WORDS = ("partnership", "partnerships", "partner", "alliance", "coalition", "sharing", "collaboration",
              "collaborative", "exchange", "relationship")  # fmt: skip
_MARKED_TYPE = re.compile(r"(?:,|\bas\s+(?:an?\s+)?|\(|\btype:?)\s*([\w\s-]{1,60}?)\s*\)?$", re.IGNORECASE)
_LOWER_WORD = re.compile(r"[a-z][a-z-]*")


def parse_kind(text: str) -> str | None:
    """A partnership type from its label or id, or a near spelling of one ("resource share"); None if unknown."""
    wanted = normalize_name(text.replace("_", " ").replace("-", " "))
    labels = {label.lower(): kind for kind, label in PARTNER_KINDS.items()}
    if wanted in labels:
        return labels[wanted]
    match = process.extractOne(wanted, list(labels), scorer=fuzz.ratio, score_cutoff=85)
    return labels[match[0]] if match else None


def _is_type_word(word: str) -> bool:
    return process.extractOne(word.lower(), TYPE_WORDS, scorer=fuzz.ratio, score_cutoff=85) is not None


def _type_tail(rest: str) -> tuple[int, str] | None:
    """Where trailing type words start, and the words, when the name ends with them."""
    marked = _MARKED_TYPE.search(rest)
    if marked and marked[1].split() and _is_type_word(marked[1].split()[-1]):
        return marked.start(), marked[
            1
        ]  # "Name, housing partnership", "Name (…)", "Name as a housing partnership"
    words = rest.split()
    lower = 0
    while lower < len(words) - 1 and _LOWER_WORD.fullmatch(words[-1 - lower]):
        lower += 1
    # A lowercase run after a capitalized name, ending in a type word: "Northwest Housing Alliance housing
    # partnership". A name typed all in lowercase is left whole.
    named = words[: len(words) - lower]
    if lower and _is_type_word(words[-1]) and not all(_LOWER_WORD.fullmatch(word) for word in named):
        cut = len(" ".join(named))
        return cut, rest[cut:]
    return None


def _split_type(rest: str) -> tuple[str, str | None, str | None]:
    """(name, kind, unrecognized type words) from "NAME [type]"."""
    for kind, pattern in _KIND_SUFFIX.items():
        if match := pattern.search(rest):
            return rest[: match.start()], kind, None
    tail = _type_tail(rest)
    if tail is None:
        return rest, None, None
    cut, phrase = tail
    phrase = " ".join(phrase.split())
    kind = parse_kind(phrase)
    return rest[:cut], kind, None if kind else phrase


def parse_add(text: str) -> AddPartner:
    """`NAME [type] [#channel]`: channels may appear anywhere, the type ends the name."""
    channel_ids = tuple(dict.fromkeys(CHANNEL_REF.findall(text)))
    rest = CHANNEL_REF.sub(" ", text)
    if _BARE_CHANNEL.search(rest):
        raise FeatureError(
            "I couldn't tell which channel that is. Pick it from the list Slack shows when you type `#`, "
            "so it turns into a link."
        )
    rest = " ".join(rest.split()).rstrip(" .,;")
    name, kind, unrecognized = _split_type(rest)
    return AddPartner(clean_name(name), kind, channel_ids, unrecognized)


def _needs_name(verb: str, rest: str) -> str:
    if not rest.strip():
        raise FeatureError(f"Which partner? For example: `/partner {verb} Eastside Food Bank`")
    return clean_name(rest)


def parse_renewal(text: str, today: date) -> SetRenewal:
    """`NAME renews DATE`."""
    match = re.fullmatch(r"(.+?)\s+renews?(?:\s+on)?\s+(.+)", " ".join(text.split()), re.IGNORECASE)
    if not match:
        raise FeatureError(
            "Tell me the partner and the renewal date, for example: "
            "`/partner mou Eastside Food Bank renews 2027-03-31`"
        )
    return SetRenewal(clean_name(match[1]), read_date(match[2], today))


def parse_rename(text: str) -> RenamePartner:
    """`NAME to NEW NAME`. A name may hold " to " itself ("Bridge to Home"), so every split is kept, first to
    last; the registry picks the one whose current name it knows."""
    text = " ".join(text.split())
    cuts = [m.start() for m in re.finditer(r"\s+to\s+", text, re.IGNORECASE)]
    readings = []
    for cut in cuts:
        current, new = text[:cut], re.sub(r"^\s+to\s+", "", text[cut:], flags=re.IGNORECASE)
        if current.strip() and new.strip():
            readings.append((clean_name(current.strip(" \"'“”")), clean_name(new.strip(" \"'“”"))))
    if not readings:
        raise FeatureError(
            "Tell me the partner and its new name, for example: "
            "`/partner rename Eastside Food Bank to Eastside Community Food Bank`"
        )
    return RenamePartner(tuple(readings))


def parse(text: str, today: date) -> PartnerCommand:
    """Reads `/partner …`. `today` is the person's local date, for relative dates ("in 60 days")."""
    verb, _, rest = text.strip().partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb in ("", "help"):
        return ShowHelp()
    if verb == "add":
        return parse_add(rest)
    if verb == "list":
        return ListPartners()
    if verb in ("info", "show"):
        return ShowPartner(_needs_name("info", rest))
    if verb == "edit":
        return EditPartner(_needs_name("edit", rest))
    if verb in ("remove", "delete"):
        return RemovePartner(_needs_name("remove", rest))
    if verb == "rename":
        return parse_rename(rest)
    if verb == "mou":
        return parse_renewal(rest, today)
    raise FeatureError(f"I don't know `/partner {echo(verb)}`.\n\n{HELP}")


# --------------------------------------------------------------------------------------------------------------
# The edit form
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerChanges:
    """What the edit form submits. Free text is redacted by the registry when it is saved, not here."""

    kind: str | None = None
    services: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()  # Slack user ids
    external_contacts: tuple[str, ...] = ()  # one line each: "Name · phone or email"
    capacity_per_month: int | None = None
    current_load: int | None = None
    eligibility_notes: str = ""
    channels: tuple[str, ...] = ()  # channel ids
    slack_team_id: str | None = None
    owner_user_id: str | None = None
    agreements: tuple[
        tuple[str, date | None, date | None, date | None], ...
    ] = ()  # (kind, start, review, renewal)


def form_partner_id(view: dict) -> int:
    try:
        return int(json.loads(view.get("private_metadata") or "{}")["partner_id"])
    except (ValueError, KeyError, TypeError):
        raise FeatureError("This form is out of date; open it again.") from None


def _int_or_none(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return -1  # out of range: the check names the field


def _date_or_none(value) -> date | None:
    return date.fromisoformat(value) if value else None


def read_edit_form(view: dict) -> PartnerChanges:
    external = state_value(view, "external") or ""
    return PartnerChanges(
        kind=state_value(view, "kind"),
        services=tuple(state_value(view, "services") or []),
        contacts=tuple(dict.fromkeys(state_value(view, "contacts") or [])),
        external_contacts=tuple(line.strip() for line in external.splitlines() if line.strip()),
        capacity_per_month=_int_or_none(state_value(view, "capacity")),
        current_load=_int_or_none(state_value(view, "load")),
        eligibility_notes=state_value(view, "eligibility") or "",
        channels=tuple(dict.fromkeys(state_value(view, "channels") or [])),
        slack_team_id=(state_value(view, "slack_team") or "").strip().upper() or None,
        owner_user_id=state_value(view, "owner") or None,
        agreements=tuple(
            (
                kind,
                *(
                    _date_or_none(state_value(view, f"agreement_{kind}_{part}", "date"))
                    for part in ("start", "review", "renewal")
                ),
            )
            for kind in AGREEMENT_KINDS
        ),
    )


def form_problems(changes: PartnerChanges) -> dict[str, str]:
    """Field problems as {block id: message}; empty when the changes can be saved."""
    problems = {}
    for field_name, value in (("capacity", changes.capacity_per_month), ("load", changes.current_load)):
        if value is not None and not 0 <= value <= 100_000:
            problems[field_name] = "Use a whole number from 0 to 100,000."
    if changes.kind is not None and changes.kind not in PARTNER_KINDS:
        problems["kind"] = "Pick a type from the list."
    if any(vocabulary.get(c) is None for c in changes.services):
        problems["services"] = "Pick services from the list."
    if changes.slack_team_id and not re.fullmatch(r"[TE][A-Z0-9]{2,30}", changes.slack_team_id):
        problems["slack_team"] = "A Slack team id looks like T0123ABCD (leave it empty if you don't know it)."
    if len(changes.eligibility_notes) > 1000:
        problems["eligibility"] = "Please keep eligibility notes under 1,000 characters."
    for kind, start, review, renewal in changes.agreements:
        if start and renewal and renewal < start:
            problems[f"agreement_{kind}_renewal"] = "The renewal date is before the start date."
        if start and review and review < start:
            problems[f"agreement_{kind}_review"] = "The review date is before the start date."
    return problems


def read_rename_value(value: str) -> tuple[int, str]:
    """(partner id, new name) from a Rename button."""
    try:
        data = json.loads(value)
        return int(data["id"]), clean_name(str(data["name"]))
    except (ValueError, KeyError, TypeError):
        raise FeatureError("That button is out of date. Run `/partner rename` again.") from None


def read_partner_id(value: str | None) -> int:
    if not (value or "").isdigit():
        raise FeatureError("That partner no longer exists.")
    return int(value)


__all__ = ["AGREEMENT_LABELS", "DATE_EXAMPLES"]
