"""Does a string read as the name of an organisation or program, rather than a person or a sentence about a
patient? Used before a resource is saved under that name.

In order: an empty string, one that held patient details (redaction changes it or it carries a placeholder), or
a sentence (patient words, verbs, more than eight words) is not a name. A known resource or partner name of the
workspace is. A person's full name (see `names`) is not, unless an organisation word makes it one ("Martha's
Kitchen", "Dr. Martin Luther King Jr. Center"). Words that only say who or what ("seniors 60+", "food",
"Spanish") are a description, not a name. Anything else with a capital letter is (a program's own name: "Puentes",
"Home Again", "Rides4Health").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import bot.platform.privacy.lexicon as lexicon
import bot.platform.privacy.names as names
import bot.platform.privacy.rules as rules
from bot.platform import vocabulary
from bot.platform.privacy.engine import redact

_MAX_WORDS = 8
_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,40}\]")
_WORDS = re.compile(r"[^\W\d_][\w'\u2019\-]*")
# Verbs that make a string a sentence about someone ("needs food", "got a ride", "is staying").
_SENTENCE_VERBS = frozenset(
    ["needs", "need", "needed", "wants", "wanted", "has", "had", "is", "was", "are", "were", "will", "would", "can", "could", "missed", "got", "gets", "lives", "lived", "called", "said", "asked", "stays", "stayed", "staying", "going", "went", "came", "needing", "necesita", "quiere", "tiene", "vive", "está", "fue"]
)


# Two to seven capitalised words (joined by of/the/de/la/...), the shape of an organisation's or program's name.
_CAPITALISED_RUN = re.compile(
    r"(?<![\w'\u2019])(?:St\.[ \t]|Dr\.[ \t])?(?-i:[A-Z0-9])[\w'\u2019&\-]{1,30}"
    r"(?:[ \t]{1,2}(?:(?:of|the|for|and|on|de|del|la|las|los|y)[ \t]{1,2})?(?-i:[A-Z0-9])[\w'\u2019&\-]{0,30}){1,6}"
)


@dataclass(frozen=True)
class NameCheck:
    ok: bool
    reason: str  # in words, for the person: "a person's name", "a sentence about a patient", ...


def _key(text: str) -> str:
    return " ".join(vocabulary.normalize(text).split())


def check_resource_name(name: str, known_names: Iterable[str] = ()) -> NameCheck:
    """Whether `name` may be saved as a resource's (or partner's) name. `known_names`: the workspace's resources
    and partners, which always pass."""
    text = " ".join((name or "").split())
    if not text or not _WORDS.search(text):
        return NameCheck(False, "empty")
    if _PLACEHOLDER.search(text) or redact(text).changed:
        return NameCheck(False, "it held patient details")
    key = _key(text)
    if any(key == _key(known) for known in known_names if known):
        return NameCheck(True, "a known resource or partner")
    words = _WORDS.findall(text)
    lowered = [names.fold(word) for word in words]
    has_org_word = any(lexicon.is_org_word(word) for word in lowered)
    if rules.PATIENT_WORDS.search(text) or any(word in _SENTENCE_VERBS for word in lowered):
        return NameCheck(False, "a sentence about a patient")
    if len(words) > _MAX_WORDS:
        return NameCheck(False, "a sentence, not a name")
    found, _single = names.uncued_names(text)
    lone_name = (
        len(words) == 1
        and lexicon.name_strength(lowered[0]) == 2
        and lexicon.is_given_name(lowered[0])
        and not lexicon.is_known_word(lowered[0], min_zipf=4.0)
    )
    if not has_org_word and (found or lone_name):
        return NameCheck(False, "a person's name")
    descriptive = lexicon.words("population") | lexicon.words("language") | lexicon.words("stop")
    tokens = vocabulary.original_tokens(text)
    term_positions = {
        position
        for match in vocabulary.find_terms_in_words(tokens)
        for position in (match.positions or range(match.start, match.end + 1))
    }
    capitalised = sum(1 for word in words if word[0].isupper())
    if capitalised < 2 and all(
        index in term_positions or token.lower() in descriptive or token.isdigit()
        for index, token in enumerate(tokens)
    ):
        return NameCheck(False, "a description, not a name")
    if has_org_word:
        return NameCheck(True, "an organisation word")
    if not any(word[0].isupper() for word in words):
        return NameCheck(False, "a description, not a name")
    return NameCheck(True, "reads as a program's name")


def organisation_names(text: str, known_names: Iterable[str] = ()) -> list[str]:
    """Runs of capitalised words in `text` (already redacted) that pass `check_resource_name`, in order: where to
    look for a resource's name when the first candidate was a person or a sentence."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        candidate = match.group().strip()
        if check_resource_name(candidate, known_names).ok and candidate not in found:
            found.append(candidate)
        if len(found) >= 10:
            break
    return found
