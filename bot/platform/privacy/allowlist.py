"""Keep only recognised words: for low-value stores (unmet-need phrases, question logs) where nobody needs the
rest. A word stays when it is a need term of `bot.platform.vocabulary`, a language, a population, a place word,
one of the caller's `extra` words (the workspace's towns, for example), or an everyday English or Spanish word
(Webster's dictionary or frequent in `wordfreq`) that is not a person's name. Numbers, names, identifiers,
placeholders and unknown words are dropped. The text is redacted first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import bot.platform.privacy.lexicon as lexicon
import bot.platform.privacy.names as names
from bot.platform import vocabulary
from bot.platform.privacy.engine import redact

_MAX_WORDS = 40
_PLACEHOLDER = re.compile(r"\[[^\[\]]{1,40}\]")


def keep_known_words(text: str, extra: Iterable[str] = ()) -> str:
    """The recognised words of `text`, in order, separated by single spaces, lower case ("" when none)."""
    clean = _PLACEHOLDER.sub(" ", redact(text or "").text)
    tokens = vocabulary.original_tokens(clean)
    terms = {
        position
        for match in vocabulary.find_terms_in_words(tokens)
        for position in (match.positions or range(match.start, match.end + 1))
    }
    allowed = {word.lower() for word in extra}
    listed = lexicon.words("language") | lexicon.words("population") | lexicon.words("place")
    kept: list[str] = []
    for index, token in enumerate(tokens):
        lower = token.lower()
        if token.isdigit() or not token.isalpha():
            continue
        if index in terms or lower in allowed or lower in listed:
            kept.append(lower)
        else:
            strength = lexicon.name_strength(names.fold(lower))
            # A capitalised name that is also a word ("Hill" mid-sentence) is more likely the name: dropped.
            if strength < 2 and lexicon.is_known_word(lower) and not (token[0].isupper() and index and strength):
                kept.append(lower)
        if len(kept) >= _MAX_WORDS:
            break
    return " ".join(kept)
