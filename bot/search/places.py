"""Where a question asks for help: a town ("near Eastport", "in Cedar Falls") or a ZIP, read out of its text.
Pure: the directory's own towns are checked by the search service (bot.search.gaps)."""

from __future__ import annotations

import re

from bot.platform import vocabulary

__all__ = ["ZIP", "take_place", "take_zip"]


def _words(text: str) -> list[str]:
    return text.split()


ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_PLACE_WORD = r"[A-Za-zÀ-ÿ][\w'.À-ÿ-]*"
# "near Eastport", "around 97201", "close to Lake City"; up to three words, stopping at the next cue.
_NEAR = re.compile(
    # "by" names a place only when one follows ("by Eastport", "by 55104"), not a person ("beaten by her husband").
    r"\b(?:(?i:near|around|close to|closest to|nearby|cerca de)\s+|(?i:by)\s+(?=\d{5}\b|[A-Z]))(\d{5}|"
    + _PLACE_WORD
    + r"(?:\s+"
    + _PLACE_WORD
    + r"){0,2})"
)
# "in Eastport" only when the place is capitalized (lower-case "in crisis" or "in recovery" is not a place).
_IN_PLACE = re.compile(r"\b(?:in|en)\s+(\d{5}|[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})")
_PLACE_STOP = re.compile(
    r"\s+\b(?:for|in|and|with|who|that|speaking|speaks|para|y|con)\b.*$|[?,.;!]+$", re.IGNORECASE | re.DOTALL
)
# Months, days and holidays: "in November" and "by Monday" are times, not towns.
_CALENDAR_WORDS = frozenset(_words("""january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun christmas thanksgiving easter enero febrero marzo abril mayo junio
    julio agosto septiembre octubre noviembre diciembre lunes martes miercoles jueves viernes sabado domingo"""))


def take_zip(text: str) -> tuple[str | None, str]:
    match = ZIP.search(text)
    if not match:
        return None, text
    return match.group(1), text[: match.start()] + " " + text[match.end() :]


def take_place(text: str, filler: frozenset[str]) -> tuple[str | None, str, str]:
    for cue, pattern in (("near", _NEAR), ("in", _IN_PLACE)):
        match = pattern.search(text)
        if not match:
            continue
        words = _PLACE_STOP.sub("", match.group(1)).strip(" ?.,;!").split()
        # "near Atlantis food": the place ends where a need begins.
        while words and vocabulary.detect_categories(" ".join(words)):
            words = words[:-1]
        place = " ".join(words).strip(" ?.,;!")
        if words and words[0].lower() in vocabulary.PERSONAL_PRONOUNS:
            continue  # "near her house", "close to his work": somebody's place, not a town
        if not place or vocabulary.normalize(place) in filler or vocabulary.detect_categories(place):
            continue  # "near me", "in crisis": not a place
        if words[0].lower().rstrip(".") in _CALENDAR_WORDS:
            continue  # "in November", "by Monday": a time, not a town
        end = match.start(1) + match.group(1).find(place) + len(place)
        return place, text[: match.start()] + " " + text[end:], cue
    return None, text, "near"
