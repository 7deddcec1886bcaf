"""What in a message is the story rather than the need asked: the need asked after the story ("…, SSDI denied
last month - who can help with the appeal?"), what the person has just left, is already on or is at ("just got out
of detox and has nowhere to sleep"), where the person is and for how long ("hospitalized for 3 weeks"), what the
person is not or refuses ("never in the military", "doesn't want meds") and a language being learned ("wants to
learn English"). Pure: no database."""

from __future__ import annotations

import re
from typing import Protocol, TypeVar

from bot.platform import vocabulary


class _Need(Protocol):
    categories: tuple[str, ...]
    term_words: tuple[str, ...]
    phrase: str


N = TypeVar("N", bound=_Need)

__all__ = ["asked_first", "learning_it", "only_circumstances"]

# Where the person is and for how long ("hospitalized for 3 weeks", "after her admission"): never a need alone.
_CIRCUMSTANCE_WORDS = frozenset((
    "hospitalized", "hospitalised", "hospital", "admitted", "admission", "admissions", "inpatient", "icu",
    "discharge", "discharged", "surgery", "stay", "staying", "week", "weeks", "day", "days", "month", "months",
    "night", "nights", "until", "after", "before", "during", "while", "since", "long", "next", "few", "couple",
))

_ASKED_LATER = re.compile(r"(?:[,.;:!?]|\s-|\band|\bso)\s*(?:who\s+(?:can|could)\s+help|can\s+(?:someone|anyone|you)\s+"
                          r"help|is\s+there\s+(?:anyone|anybody|anything|anywhere|somewhere|someone|a\s+place|any\s+\w+)"
                          r"|where\s+(?:can|could|do|does|should)\s+(?:she|he|they|i|we|someone|the\s+\w+)"
                          r"|(?:does|do)\s+(?:anyone|anybody|someone|you)\s+(?:do|offer|have|know|help)"
                          r"|any\s+(?:place|program|agency|one)s?\s+(?:that|who|to))\b"
                          r"|\b(?:asking|asked|asks|wants\s+to\s+know)\s+about\b", re.IGNORECASE)
# "just got out of detox and has nowhere to sleep", "going home on oxygen", "a student at the tech college": what
# the person has just left, is already on or is at is the story, not the need.
_STORY_BEFORE = re.compile(
    r"\b(?:since(?:\s+(?:her|his|their|the))?(?:\s+\w+)?"
    r"|(?:got|just|came|getting|gets)\s+out\s+of|(?:moved|back|discharged)\s+(?:out\s+of|from)"
    r"|(?:is|s|hes|shes|was|been|home|already|currently|still|now)\s+on"
    r"|(?:student|works|working|staying|stays|lives|living|enrolled)\s+at)$"
)
# "not a domestic violence situation", "never in the military": said right before a need, it is not one.
_NOT_BEFORE = re.compile(r"\b(?:(?:not|isnt|wasnt|arent)\s+(?:really\s+)?(?:a|an)|never(?:\s+been)?(?:\s+in\s+the)?"
                         r"|never\s+served\s+in\s+the|(?:(?:doesnt|dont|didnt|wont)\s+(?:want|take)|refuses|refused|declined"
                         r"|declines)(?:\s+(?:a|an|any|the|to\s+take|to\s+go\s+to))?)$")


# "lives alone, needs meals delivered": what the person needs, wants or asks for leads the circumstances.
_ASKED_FOR = re.compile(r"\b(?:needs?|wants?|asking\s+for|looking\s+for|requesting)(?:\s+(?:a|an|some|help\s+with|to\s+get))?$")


def _said_before(text: str, need: _Need) -> str:
    """The few words right before the need's first term, lower case, without apostrophes."""
    # A term's word as said, in any form ("overdosed" for "overdose").
    first = [word for word in need.phrase.split() if word in need.term_words
             or any(len(term) >= 4 and word.startswith(term) for term in need.term_words)][:1]
    if not (said := re.search(rf"\b{re.escape(first[0])}", text, re.IGNORECASE) if first else None):
        return ""
    return text[max(0, said.start() - 30) : said.start()].lower().replace("'", "").replace("\u2019", "").strip()


def _told_as_story(text: str, need: _Need) -> bool:
    before = re.sub(r"\b(?:(?:the|a|an|his|her|their)\s+)?(?:tech|community|local)?\s*$", "",
                    _said_before(text, need) + " ")
    return bool(_STORY_BEFORE.search(before.strip()))


_LEARNING = re.compile(r"\b(?:learn|learning|study|practice|improve)(?:\s+(?:to|his|her|their))?"
                       r"(?:\s+(?:speak|read|write))?\s*$", re.IGNORECASE)


def learning_it(text: str, position: int) -> bool:
    """Whether the language named at `position` is one being learned ("learn to speak English")."""
    return bool(_LEARNING.search(text[max(0, position - 40) : position]))


def asked_first(needs: list[N], working: str, without_populations: str) -> list[N]:
    """The needs with the one asked first and the story after it; a group the person is not in is no need."""
    asked = _ASKED_LATER.search(without_populations)
    if asked and len(needs) > 1:
        # "..., unhoused, SSDI denied last month - who can help with the appeal?": what the question asks leads,
        # the story before it follows.
        later = set(vocabulary.tokens(without_populations[asked.end() :]))
        needs = sorted(needs, key=lambda need: not set(need.phrase.split()) & later)
    elif len(needs) > 1:
        asked_for = [bool(_ASKED_FOR.search(_said_before(working, need))) for need in needs]
        order = {id(need): (_told_as_story(working, need), any(asked_for) and not wanted) for need, wanted in
                 zip(needs, asked_for, strict=True)}  # fmt: skip
        needs = sorted(needs, key=lambda need: order[id(need)])
    # What the person is not names no need; lacking a thing is one ("no food", "doesn't have insurance").
    kept = [need for need in needs if not _NOT_BEFORE.search(_said_before(working, need))]
    return kept or needs


def only_circumstances(words: tuple[str, ...]) -> bool:
    """Whether a need of unplaced words says only where the person is and for how long."""
    return bool(words) and all(word in _CIRCUMSTANCE_WORDS or word in vocabulary.STOPWORDS or word.isdigit()
                               for word in words)
