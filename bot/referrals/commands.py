"""What people type after /refer and submit in the referral form, read into typed requests, and the help.

Every request is a frozen dataclass; bad input raises FeatureError with a friendly message and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.partners.names import clean_name, echo
from bot.platform import vocabulary
from bot.platform.errors import FeatureError
from bot.platform.forms import state_value
from models.referrals import DECLINE_REASONS, OUTCOME_REASONS, OUTCOMES, SHARE_BY, URGENCIES

EXAMPLE = "`/refer Harbor Housing for housing family of four, needs a unit by the 1st`"
HELP = (
    "*Referrals*\n"
    f"{EXAMPLE} sends a referral (no names or identifiers: write its code, e.g. `R-7F3K`, in the patient's "
    "record). Add `urgent` before the note when it is.\n"
    "`/refer` alone opens a form (partner, need, urgency, note, how details will be shared).\n"
    "`/refer list` (open ones) · `/refer list mine` · `/refer list PARTNER` · `/refer show R-7F3K`\n"
    "The partner answers on the card: *Accept*, *Can't take* or *Need more info*; you record the outcome."
)
SUMMARY = "*Referrals*\n`/refer PARTNER for NEED [note]` · `/refer list [open|mine|PARTNER]` · `/refer show CODE`"

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O or 1/I/L to misread in a chart
_CODE = re.compile(rf"^R-?([{CODE_ALPHABET}]{{4}})$")
_FOR = re.compile(r"\s+for\s+", re.IGNORECASE)
_URGENT = re.compile(r"^(urgent|asap|urgently)\b[\s,:;-]*", re.IGNORECASE)


@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class OpenForm:
    partner_name: str | None = None


@dataclass(frozen=True)
class SendReferral:
    partner_name: str
    need: str  # a need category id
    note: str = ""  # as typed: redacted by the service before anything else sees it
    urgency: str = "routine"
    share_by: str = "phone"


@dataclass(frozen=True)
class ListReferrals:
    scope: str = "open"  # open | mine | partner
    partner_name: str | None = None


@dataclass(frozen=True)
class ShowReferral:
    code: str


ReferCommand = ShowHelp | OpenForm | SendReferral | ListReferrals | ShowReferral


def read_code(text: str) -> str:
    """A typed code in its stored form ("r7f3k", "R-7F3K" -> "R-7F3K"); FeatureError when it cannot be one."""
    match = _CODE.match(text.strip().upper())
    if not match:
        raise FeatureError(f"“{echo(text)}” is not a referral code; codes look like `R-7F3K`.")
    return f"R-{match.group(1)}"


def read_need(text: str) -> tuple[str, str]:
    """The need category at the start of `text` (its id or name, or a word of the vocabulary) and the rest."""
    words = text.split()
    for size in range(min(len(words), 4), 0, -1):
        head = " ".join(words[:size]).strip(",:;.-")
        category = vocabulary.get(head)
        found = [category.id] if category else vocabulary.detect_categories(head) if size == 1 else []
        if found:
            return found[0], " ".join(words[size:]).lstrip(",:;- ")
    detected = vocabulary.detect_categories(text)
    if detected:
        return detected[0], text
    names = ", ".join(c.display_name.lower() for c in vocabulary.categories()[:8])
    raise FeatureError(f"For which need? Start with a need such as {names}. For example: {EXAMPLE}")


def parse_send(text: str) -> SendReferral:
    parts = _FOR.split(text, maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        raise FeatureError(f"Say which partner and which need. For example: {EXAMPLE}")
    name = clean_name(parts[0])
    need, note = read_need(parts[1].strip())
    urgency = "routine"
    if _URGENT.match(note):
        urgency, note = "urgent", _URGENT.sub("", note, count=1)
    return SendReferral(partner_name=name, need=need, note=note.strip(), urgency=urgency)


def parse(text: str) -> ReferCommand:
    """What someone typed after /refer (already unescaped)."""
    text = " ".join(text.split())
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    if verb in ("help", "?"):
        return ShowHelp()
    if not text or verb == "form":
        return OpenForm(rest or None)
    if verb == "list":
        scope = rest.lower()
        if scope in ("", "open"):
            return ListReferrals("open")
        if scope in ("mine", "my"):
            return ListReferrals("mine")
        return ListReferrals("partner", clean_name(rest))
    if verb == "show":
        return ShowReferral(read_code(rest))
    if _CODE.match(text.upper()):
        return ShowReferral(read_code(text))
    return parse_send(text)


# --------------------------------------------------------------------------------------------------------------
# Buttons and the form
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    referral_id: int
    kind: str  # accept | decline | info
    reason: str | None = None  # one of DECLINE_REASONS for a decline


@dataclass(frozen=True)
class Outcome:
    referral_id: int
    outcome: str  # one of OUTCOMES
    reason: str | None = None  # one of OUTCOME_REASONS when not connected


def _id_and_word(value: str | None) -> tuple[int, str]:
    referral_id, _, word = (value or "").partition(":")
    if not referral_id.isdigit():
        raise FeatureError("That button is out of date; `/refer show CODE` shows the referral.")
    return int(referral_id), word


def read_answer(value: str | None) -> Answer:
    """A card button's value: "ID:accept", "ID:info" or "ID:decline:capacity"."""
    referral_id, word = _id_and_word(value)
    kind, _, reason = word.partition(":")
    if kind not in ("accept", "decline", "info") or (kind == "decline" and reason not in DECLINE_REASONS):
        raise FeatureError("That button is out of date; `/refer show CODE` shows the referral.")
    return Answer(referral_id, kind, reason or None)


def read_outcome(value: str | None) -> Outcome:
    """An outcome button's value: "ID:connected", "ID:working" or "ID:not_connected:waitlisted"."""
    referral_id, word = _id_and_word(value)
    outcome, _, reason = word.partition(":")
    if outcome not in OUTCOMES or (outcome == "not_connected" and reason not in OUTCOME_REASONS):
        raise FeatureError("That button is out of date; `/refer show CODE` shows the referral.")
    return Outcome(referral_id, outcome, reason or None)


def read_referral_id(value: str | None) -> int:
    return _id_and_word(value)[0]


def read_form(view: dict, partner_names: dict[str, str]) -> tuple[SendReferral | None, dict[str, str]]:
    """The form's request, or the problems to show beside its fields. `partner_names`: picker value -> name."""
    partner = state_value(view, "partner")
    need = state_value(view, "need")
    urgency = state_value(view, "urgency") or "routine"
    share_by = state_value(view, "share_by") or "phone"
    note = state_value(view, "note") or ""
    problems = {}
    if partner not in partner_names:
        problems["partner"] = "Pick the partner to refer to."
    if not need or vocabulary.get(need) is None:
        problems["need"] = "Pick the need."
    if urgency not in URGENCIES:
        problems["urgency"] = "Pick how urgent it is."
    if share_by not in SHARE_BY:
        problems["share_by"] = "Pick how the client's details will be shared."
    if problems:
        return None, problems
    return SendReferral(partner_names[partner], need, note, urgency, share_by), {}
