"""Whom a question is for: groups of people as stored on resources (Resource.populations), as people name them in
a question, by an age ("17 year old") and as a resource's own text says whom it serves. Pure: no database."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.platform import vocabulary

__all__ = ["POPULATIONS", "POPULATION_TEXT", "find_populations", "restricted_groups"]

# Population keys as stored on resources (Resource.populations) and how people say them in a question.
POPULATIONS: dict[str, str] = {
    "seniors": r"seniors?|elderly|elders?|older adults?|older people|aging adults|(?:55|60|62|65)\s?\+|"
    r"grand(?:pa|ma|father|mother|parents?)|abuel[oa]s?|adultos mayores|personas mayores|ancianos",
    "veterans": r"veterans?|vets|military families|veteranos?",
    "youth": r"youth|teens?|teenagers?|young adults?|adolescents?|young people|jovenes",
    "children": r"children|kids|infants?|toddlers?|babies|ninos",
    "families": r"famil(?:y|ies)|parents|familias",
    "women": r"women|mothers|moms|mujeres",
    "men": r"single men|men|males|hombres",
    "pregnant": r"pregnant|expecting|embarazadas?",
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
    "men": ("single men", " men's", " men ", "for men", "adult men", " males"),
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


# "17 year old", "a 70-year-old", "age 8", "de 80 anos", "she's 82": an age says which group of people is meant.
_AGE = re.compile(
    r"\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b|\b(\d{1,3})\s*(?:yo|y/o)\b|\baged?\s+(\d{1,3})\b|"
    r"\bde\s+(\d{1,3})\s+anos\b|"
    r"\b(?:she|he|pt|patient|client)(?:'s|\s+is)\s+(\d{1,3})\b(?![\s-]*(?:%|\$|dollars?|am\b|pm\b|min|hours?|"
    r"days?|weeks?|months?|times?|x\b|th\b|st\b|nd\b|rd\b))",
    re.IGNORECASE,
)


# A grown man or woman under 60 ("a 40 yo woman", "he's 32", "a man camping by the river"): no program for the young.
# Under 25 one may still be a "young adult", whom youth programs often serve.
_GROWN = re.compile(r"\b(?<!young\s)(?:man|men|guy|gentleman|woman|husband|adult|adults)\b", re.IGNORECASE)
# A parent with children ("mom and her two kids", "has 3 kids", "single dad"), unless the parent is someone
# else's ("her parents kicked her out", "pt's mom").
_PARENT = re.compile(
    r"\b(?:(?:single\s+)?(?:mom|mother|dad|father|parent)|(?:has|have|with)\s+(?:\w+\s+)?(?:kids|children))\b",
    re.IGNORECASE,
)
_SOMEONE_ELSES = re.compile(r"(?:\b(?:his|her|their|my|your|our)|'s)\s*$", re.IGNORECASE)


def says_a_grown_person(text: str) -> bool:
    """Whether the question speaks of a grown person under 60: an age from 25 to 59, a man or a woman, or a parent."""
    text = _without_accents(text)
    ages = [int(next(number for number in match.groups() if number)) for match in _AGE.finditer(text)]
    if any(25 <= age < 60 for age in ages):
        return True
    return not ages and (bool(_GROWN.search(text)) or any(
        not _SOMEONE_ELSES.search(text[: match.start()]) for match in _PARENT.finditer(text)))


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


# Groups narrow enough that a service only for them is wrong for someone of another group (a teen counseling line
# for a veteran, a children's meal program for a senior, a women's shelter for a man). Families and people with
# disabilities are left out: family shelters and paratransit serve most of the people who ask.
_GROUP_WORDS = {
    "seniors": r"seniors?|elders?|elderly|older adults?|aging|(?:55|60|62|65)\s?\+",
    "veterans": r"veterans?|military|service members",
    "youth": r"youth|teens?|teenagers?|young adults?|ages?\s*1[2-6]\s*-\s*(?:1[89]|2[0-4])",
    "children": r"child|children|kids|infants?|toddlers?|grades?\s*(?:k|\d)",
    "students": r"students?",
    "lgbtq": r"lgbtq?\+?|queer|transgender",
    "immigrants": r"immigrants?|refugees?|newcomers",
    "pregnant": r"pregnant|prenatal|postpartum|new moms?|new mothers?",
    "women": r"women'?s?|ladies",
    "men": r"men'?s?|males?",
}
# One pattern for all groups, each a named alternative, so a text is read once.
_ANY_GROUP = re.compile("|".join(rf"(?P<{key}>\b(?:{words}))" for key, words in _GROUP_WORDS.items()), re.IGNORECASE)
# Eligibility that opens the door to everyone, whatever groups it then mentions ("All ages", "Open to all").
_OPEN_TO_ALL = re.compile(r"\b(?:anyone|everyone|all ages|open to (?:all|the public|everyone)|any (?:age|one))\b",
                          re.IGNORECASE)
# Households and adults in general: a clause that names them serves everyone, with or without children.
_BROAD_HOUSEHOLDS = re.compile(r"\b(?:famil(?:y|ies)|households?|parents|adults\b(?!\s*(?:\d|older|age)))",
                               re.IGNORECASE)


def _groups_named(text: str) -> set[str]:
    return {match.lastgroup for match in _ANY_GROUP.finditer(text) if match.lastgroup}


@lru_cache(maxsize=16384)  # the same resources are candidates for question after question
def restricted_groups(name: str, eligibility: str) -> frozenset[str]:
    """The narrow groups a resource serves only: named in its name ("Teen Counseling", "Senior Food Box"), or in
    the first clause of its eligibility ("Veterans and their households.", "Youth ages 12-19 ..."), unless that
    clause opens the door to everyone or to households in general."""
    first_clause = re.sub(r"\([^)]*\)", " ", re.split(r"[.;:]\s", eligibility or "", maxsplit=1)[0])
    groups: set[str] = set()
    if not _OPEN_TO_ALL.search(first_clause):
        groups = _groups_named(first_clause)
        if _BROAD_HOUSEHOLDS.search(first_clause):
            groups -= {"children", "youth"}  # "Families with children", "Adults, teens and families"
    return frozenset(groups | _groups_named(name))
