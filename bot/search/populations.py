"""Whom a question is for: groups of people as stored on resources (Resource.populations), as people name them in
a question, by an age ("17 year old") and as a resource's own text says whom it serves. Pure: no database."""

from __future__ import annotations

import re
import unicodedata

from bot.platform import vocabulary

__all__ = ["POPULATIONS", "POPULATION_TEXT", "find_populations"]

# Population keys as stored on resources (Resource.populations) and how people say them in a question.
POPULATIONS: dict[str, str] = {
    "seniors": r"seniors?|elderly|elders?|older adults?|older people|aging adults|(?:55|60|62|65)\s?\+|"
    r"grand(?:pa|ma|father|mother|parents?)|abuel[oa]s?|adultos mayores|personas mayores|ancianos",
    "veterans": r"veterans?|vets|military families|veteranos?",
    "youth": r"youth|teens?|teenagers?|young adults?|adolescents?|young people|jovenes",
    "children": r"children|kids|infants?|toddlers?|babies|ninos",
    "families": r"famil(?:y|ies)|parents|familias",
    "women": r"women|mothers|moms|mujeres",
    "pregnant": r"pregnant|pregnancy|prenatal|postpartum|expecting|embarazadas?",
    "lgbtq": r"lgbtq\+?|lgbt|queer|transgender|trans",
    "immigrants": r"immigrants?|refugees?|newcomers|undocumented|no papers|without papers|sin papeles|"
    r"inmigrantes|indocumentados?",
    "homeless": r"homeless people|unhoused people|people experiencing homelessness",
    "disabilities": r"people with disabilities|disabled (?:adults|people|kids)|wheelchair users",
    "students": r"students?|estudiantes",
}
# How a resource's own text says whom it serves, for directories imported without a populations column.
POPULATION_TEXT: dict[str, tuple[str, ...]] = {
    "seniors": ("senior", "elder", "older adult", "aging", "55+", "60+", "62+", "65+"),
    "veterans": ("veteran", "military"),
    "youth": ("youth", "teen", "young adult", "young people"),
    "children": ("child", "kids", "infant", "toddler"),
    "families": ("famil", "parent"),
    "women": ("women", "mother", "moms"),
    "pregnant": ("pregnan", "prenatal", "postpartum"),
    "lgbtq": ("lgbt", "queer", "transgender"),
    "immigrants": ("immigra", "refugee", "undocumented", "newcomer"),
    "homeless": ("homeless", "unhoused"),
    "disabilities": ("disabilit", "disabled", "wheelchair"),
    "students": ("student",),
}
_POPULATION_PATTERNS = {
    key: re.compile(r"\b(?:for|serving|who are|para)?\s*\b(?:" + pattern + r")\b", re.IGNORECASE)
    for key, pattern in POPULATIONS.items()
}


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


# "17 year old", "a 70-year-old", "age 8", "de 80 anos": an age says which group of people is meant.
_AGE = re.compile(
    r"\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b|\b(\d{1,3})\s*(?:yo|y/o)\b|\baged?\s+(\d{1,3})\b|"
    r"\bde\s+(\d{1,3})\s+anos\b",
    re.IGNORECASE,
)


def _age_group(age: int) -> str | None:
    if age < 13:
        return "children"
    if age < 18:
        return "youth"
    return "seniors" if 60 <= age < 120 else None


def find_populations(text: str, filler: frozenset[str]) -> tuple[list[str], list[str], str]:
    """Population keys, the words that named them ("teen", "parents"; `filler` words left out) and the text
    without them."""
    found: list[str] = []
    words: list[str] = []
    text = _without_accents(text)
    for match in _AGE.finditer(text):
        group = _age_group(int(next(number for number in match.groups() if number)))
        if group and group not in found:
            found.append(group)
    text = _AGE.sub(" ", text)
    for key, pattern in _POPULATION_PATTERNS.items():
        for match in pattern.finditer(text):
            if key not in found:
                found.append(key)
            words.extend(w for w in vocabulary.tokens(match.group(0)) if w not in filler)
        text = pattern.sub(" ", text)
    if "children" in found and "families" not in found:
        found.append("families")  # "with two kids": a family, and programs for families fit
    return found, list(dict.fromkeys(words)), text
