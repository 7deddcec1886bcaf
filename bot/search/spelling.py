"""Typos the vocabulary cannot fix, fixed against the directory's own words: "mamogram rides" finds the ride
service that says "mammograms", "expungment" the clinic that says "expungement". Only a word no dictionary knows is
respelled, so a rare real word ("equine") keeps its meaning and may still name a kind nobody offers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from rapidfuzz.distance import OSA
from sqlalchemy import text
from sqlmodel import Session
from wordfreq import zipf_frequency

from bot.platform import clock, vocabulary
from bot.search.query import Need

SHORTEST_RESPELLED = 5  # "rnt" or "fod" is too short to tell which word was meant
KNOWN_WORD_ZIPF = 1.0  # about one in 100 million words: rarer is no word a dictionary knows
UNCOMMON_WORD_ZIPF = 3.0  # about one in a million words: rarer names a program more than it says anything
WORDS_READ_FROM = 5000  # newest resources whose names and descriptions give the directory's words
_WORDS_TTL = timedelta(minutes=10)

# (database, team) -> (until, {first letter: {word: how many resources say it}})
_words: dict[tuple[str, str], tuple[datetime, dict[str, Counter]]] = {}


def forget_directory_words() -> None:
    _words.clear()


def is_dictionary_word(word: str) -> bool:
    return max(zipf_frequency(word, "en"), zipf_frequency(word, "es")) >= KNOWN_WORD_ZIPF


def _directory_words(session: Session, team_id: str) -> dict[str, Counter]:
    """The words of the newest resources' names and descriptions, by first letter, read at most every few minutes
    (a bounded read: WORDS_READ_FROM rows whatever the directory's size)."""
    key = (str(session.get_bind().engine.url), team_id)
    now = clock.utcnow()
    cached = _words.get(key)
    if cached and cached[0] > now:
        return cached[1]
    rows = session.execute(
        text("SELECT name, description FROM resource WHERE team_id = :team AND retired_at IS NULL "
             "ORDER BY id DESC LIMIT :limit"),
        {"team": team_id, "limit": WORDS_READ_FROM},
    ).all()  # fmt: skip
    by_letter: dict[str, Counter] = {}
    for name, description in rows:
        for word in set(vocabulary.tokens(f"{name} {description or ''}")):
            if len(word) >= SHORTEST_RESPELLED - 1 and word.isalpha():
                by_letter.setdefault(word[0], Counter())[word] += 1
    if len(_words) > 1000:
        _words.clear()
    _words[key] = (now + _WORDS_TTL, by_letter)
    return by_letter


def directory_words_in(session: Session, team_id: str, words: tuple[str, ...]) -> list[str]:
    """The uncommon words of `words` that the directory itself says: a program's own name or acronym ("OSAR",
    "MCOT") is worth searching for even when the vocabulary does not place it."""
    said = _directory_words(session, team_id)
    return [word for word in words if word.isalpha() and len(word) >= SHORTEST_RESPELLED - 1
            and word in said.get(word[0], ())
            and max(zipf_frequency(word, "en"), zipf_frequency(word, "es")) < UNCOMMON_WORD_ZIPF]  # fmt: skip


def _closest(word: str, said: Counter) -> str | None:
    """The directory word one slip away (two for words of eight letters or more), the one most resources say."""
    allowed = 1 if len(word) < 8 else 2
    near = [(OSA.distance(word, candidate, score_cutoff=allowed), -count, candidate)
            for candidate, count in said.items() if abs(len(candidate) - len(word)) <= allowed]  # fmt: skip
    near = [entry for entry in near if entry[0] <= allowed]
    return min(near)[2] if near else None


def respelled(session: Session, team_id: str, need: Need) -> Need:
    """The need with its words that are no word at all replaced by the directory's word they misspell."""
    fixes: dict[str, str] = {}
    for word in [*need.extra_words, *need.phrase.split()]:
        if word in fixes or len(word) < SHORTEST_RESPELLED or not word.isalpha() or is_dictionary_word(word):
            continue
        said = _directory_words(session, team_id).get(word[0], Counter())
        if word in said:
            continue
        fixed = _closest(word, said)
        if fixed:
            fixes[word] = fixed
    if not fixes:
        return need
    return replace(
        need,
        extra_words=tuple(dict.fromkeys(fixes.get(word, word) for word in need.extra_words)),
        phrase=" ".join(fixes.get(word, word) for word in need.phrase.split()),
        fuzzy=True,
    )
