"""The one Unicode-aware comparison form of names, organizations, cities and search words.

Case folded (`casefold`: "ß" is "ss"), compatibility forms unified ("ﬁ" is "fi", full-width letters are letters),
accents folded on Latin, Greek and Cyrillic letters ("Café" is "cafe"), apostrophes dropped, any other punctuation
a space; letters and digits of every script are kept, so "Продуктовый банк" and "食物银行" have keys of their own.
Marks that are part of a letter elsewhere (Devanagari vowel signs, Japanese voicing marks) are kept: dropping them
would make different words equal.

The result holds only letters, digits and single spaces (no `%` or `_`), so it is safe inside SQL LIKE patterns.
"""

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_FOLDED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


_NOT_ASCII_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """`text` case-folded with accents folded, punctuation kept."""
    if (text or "").isascii():
        return (text or "").lower()  # most text: no accents, no compatibility forms, no case beyond ASCII
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and _accent_folds(kept[-1]):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def comparison_key(text: str, *, ampersand: str = " and ") -> str:
    """Folded words separated by single spaces; `&` reads as `ampersand` (" and " for names)."""
    folded = _APOSTROPHES.sub("", fold(text).replace("&", ampersand))
    if folded.isascii():
        return _NOT_ASCII_WORD.sub(" ", folded).strip()
    return " ".join("".join(char if _is_word(char) else " " for char in folded).split())


def _is_word(char: str) -> bool:
    """Letters, digits and marks (a Devanagari vowel sign is part of its word) of any script."""
    return unicodedata.category(char)[0] in "LNM"


@lru_cache(maxsize=4096)
def _accent_folds(base: str) -> bool:
    return unicodedata.name(base, "").startswith(_FOLDED_SCRIPTS)
