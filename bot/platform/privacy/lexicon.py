"""The word lists the privacy engine decides with, loaded once, offline, from installed packages and package data.

- Given names and surnames: the US Census Bureau's 1990 lists (4,275 female and 1,219 male given names, 88,799
  surnames, with frequencies) shipped by the `names` package, plus `bot/platform/data/given_names.txt` and
  `surnames.txt` for common given names and surnames of the communities care teams serve (Spanish-speaking,
  Somali, Vietnamese, Hmong, ...) that the 1990 lists miss.
- Everyday English words: the lower-case entries of Webster's Second (web2) from the `english-words` package.
  Its lower-case entries hold no proper names, so "hill", "grace" or "will" count as everyday words and "jenkins"
  or "castellanos" do not.
- Word frequencies in English and Spanish from `wordfreq` (Zipf scale: 3 is about once per million words), used
  by the allow-list reducer to tell everyday words from rare ones.
- Organisation, place and honorific words: `bot/platform/data/privacy_words.json`.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import names as census_names
from english_words import get_english_words_set
from wordfreq import zipf_frequency

_DATA = resources.files("bot.platform") / "data"
# Given names this common in the census lists are names first, even when they are also words ("Mary", "Grace").
_COMMON_GIVEN_RANK = 250
# ... unless the word is very frequent as an ordinary word ("Will", "May", "June", "Hope", "Mark").
_EVERYDAY_ZIPF = 5.0


@dataclass(frozen=True)
class _Lists:
    given: frozenset[str]
    common_given: frozenset[str]
    surnames: frozenset[str]
    everyday: frozenset[str]
    org_words: frozenset[str]
    place_words: frozenset[str]
    words: dict[str, frozenset[str]]


def _census(file_name: str, limit: int | None = None) -> list[str]:
    path = Path(census_names.__file__).parent / file_name
    found = []
    with path.open(encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if parts:
                found.append(parts[0].lower())
            if limit and len(found) >= limit:
                break
    return found


def _data_words(file_name: str) -> list[str]:
    text = (_DATA / file_name).read_text(encoding="utf-8")
    return [w.lower() for line in text.splitlines() if not line.startswith("#") for w in line.split()]


@functools.cache
def lists() -> _Lists:
    female, male = _census("dist.female.first"), _census("dist.male.first")
    given = set(female) | set(male) | set(_data_words("given_names.txt"))
    common_given = set(female[:_COMMON_GIVEN_RANK]) | set(male[:_COMMON_GIVEN_RANK])
    surnames = set(_census("dist.all.last")) | set(_data_words("surnames.txt"))
    everyday = frozenset(get_english_words_set(["web2"], lower=False, alpha=True))
    words = json.loads((_DATA / "privacy_words.json").read_text(encoding="utf-8"))
    word_sets = {key: frozenset(w.lower() for w in value.split()) for key, value in words["words"].items()}
    return _Lists(
        given=frozenset(given),
        common_given=frozenset(common_given),
        surnames=frozenset(surnames),
        everyday=everyday,
        org_words=word_sets["organisation"],
        place_words=word_sets["place"],
        words=word_sets,
    )


def words(key: str) -> frozenset[str]:
    """A word set from privacy_words.json ("organisation", "place", "relative", "stop", ...)."""
    return lists().words[key]


@functools.cache
def zipf(word: str, language: str = "en") -> float:
    return zipf_frequency(word, language)


def is_everyday(word: str) -> bool:
    """An ordinary lower-case English word ("hill", "grace", "weeks"), whether or not it is also a name."""
    lower = word.lower()
    everyday = lists().everyday
    if lower in everyday:
        return True
    return len(lower) > 3 and lower.endswith("s") and (lower[:-1] in everyday or (lower.endswith("es") and lower[:-2] in everyday))


def name_strength(word: str) -> int:
    """2: reads as a person's name (a given name or surname that is not an everyday word, or a very common given
    name that is not a very common word); 1: a name that is also an everyday word ("Hill", "Will"); 0: no name."""
    lower = word.lower()
    data = lists()
    in_lists = lower in data.given or lower in data.surnames
    if not in_lists or len(lower) < 2:
        return 0
    if lower in data.org_words or lower in data.place_words or lower in data.words["stop"]:
        return 0
    if not is_everyday(lower):
        return 2
    if lower in data.common_given and zipf(lower) < _EVERYDAY_ZIPF:
        return 2
    return 1


def is_given_name(word: str) -> bool:
    return word.lower() in lists().given


def is_org_word(word: str) -> bool:
    return word.lower().strip(".,;:!?()\"'") in lists().org_words


def is_place_word(word: str) -> bool:
    return word.lower() in lists().place_words


def is_known_word(word: str, *, min_zipf: float = 3.0) -> bool:
    """An everyday word in English or Spanish (the allow-list): in the dictionary or frequent enough."""
    lower = word.lower()
    if lower in lists().everyday and zipf(lower) >= 2.0:
        return True
    return zipf(lower, "en") >= min_zipf or zipf(lower, "es") >= min_zipf


# A name in Latin letters has a vowel; clinical shorthand often has none ("htn", "hx", "pcp").
_HAS_VOWEL = re.compile(r"[aeiouy\u00e0-\u00ff]", re.IGNORECASE)


def reads_as_unknown_name(word: str) -> bool:
    """A word in no English or Spanish dictionary, shaped like a name: "chinedu", "tigist", "jun-jun", "김순자"."""
    parts = ["".join(c for c in unicodedata.normalize("NFD", part.lower()) if unicodedata.category(c) != "Mn")
             for part in word.split("-") if part]  # fmt: skip
    data = lists()
    return bool(parts) and all(
        len(part) >= 2 and (_HAS_VOWEL.search(part) or not part.isascii()) and part.isalpha()
        and part not in data.words["stop"] and part not in data.words["clinical"] and not is_org_word(part)
        and not is_place_word(part) and not is_known_word(part, min_zipf=2.5) and not is_everyday(part)
        for part in parts)


def warm() -> None:
    """Loads every list now (about a second), so the first message of the day does not pay for it."""
    lists()
    zipf("food")
    zipf("comida", "es")
