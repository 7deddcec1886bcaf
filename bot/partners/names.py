"""Partner names: cleaning what people type before it is stored, the key that makes two spellings one
organization, finding a registered partner from a name typed with other case, punctuation or a typo, and quoting
typed text back safely.

Both `/partner` and `/celebrate … with …` look partners up here, so they agree on what "the same name" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.platform.errors import FeatureError
from bot.platform.folding import comparison_key, fold
from bot.platform.privacy import redact
from bot.platform.slacktext import safe

MAX_NAME_LENGTH = 200
ADD_EXAMPLE = "`/partner add Eastside Food Bank resource sharing #eastside`"

# Slack control sequences that are never part of an organization's name: mass mentions and user groups
# (<!here>, <!subteam^S1|@nurses>), people (<@U1|ana>) and channels (<#C1|name>).
_SLACK_TOKEN = re.compile(r"<[!@#][^>]*>")
_BARE_BROADCAST = re.compile(r"(?<![\w`])@\u200b?(?:channel|here|everyone)\b", re.IGNORECASE)
# Words that do not tell two organizations apart when people look one up ("the", "Inc.", the demo marker).
_FILLER = frozenset({"the", "inc", "incorporated", "llc", "ltd", "demo"})


def snippet(text: str, limit: int = 80) -> str:
    """What someone typed, shortened for quoting back in a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def echo(text: str) -> str:
    """What someone typed, safe to quote back to them: redacted, shortened, mass mentions defused, escaped."""
    return safe(snippet(redact(text).text))


def normalize_name(name: str) -> str:
    """The stored key (UNIQUE per workspace): case, accents, punctuation and spacing do not make a different
    organization ("Eastside Food Bank, Inc." is "eastside food bank inc"; "Food & Friends" is "food and friends")."""
    return comparison_key(name)[:200]


def match_key(name: str) -> str:
    """A looser key for finding what people typed: accents folded, `&` read as "and", filler words dropped."""
    folded = fold(name).replace("&", " and ")
    words = re.sub(r"[^\w\s]", " ", folded).split()
    return " ".join(word for word in words if word not in _FILLER) or " ".join(words)


def clean_name(raw: str) -> str:
    """A typed organization name made fit to store: Slack mentions and mass mentions dropped, spacing tidied.
    Raises FeatureError when nothing usable is left or the name is too long."""
    name = _BARE_BROADCAST.sub(" ", _SLACK_TOKEN.sub(" ", raw))
    name = " ".join(name.split()).strip(" ,;:-–\"'")
    if not name or not re.search(r"\w", name):
        raise FeatureError(f"Which organization? For example: {ADD_EXAMPLE}")
    if len(name) > MAX_NAME_LENGTH:
        raise FeatureError(f"That name is longer than {MAX_NAME_LENGTH} characters; please shorten it.")
    return name


@dataclass(frozen=True)
class Lookup:
    """What a typed name refers to: one registered name, or none and the closest ones to offer."""

    name: str | None
    suggestions: tuple[str, ...] = ()


def _close_word(typed: str, registered: str) -> bool:
    """One word typed with a slip of the finger: same first letter, at most one edit (two in long words)."""
    if typed == registered:
        return True
    longest = max(len(typed), len(registered))
    if typed[:1] != registered[:1] or longest < 4:
        return False
    return DamerauLevenshtein.distance(typed, registered) <= (2 if longest >= 8 else 1)


def _typo_of(typed: list[str], registered: list[str]) -> bool:
    return len(typed) == len(registered) and all(map(_close_word, typed, registered))


def _starts(typed: list[str], registered: list[str]) -> bool:
    return len(typed) < len(registered) and registered[: len(typed)] == typed


def lookup(names: list[str], typed: str, *, suggest: bool = True) -> Lookup:
    """Finds `typed` among registered `names`: the same name whatever the case, punctuation and accents; then a
    typo of exactly one name ("Nope Orgg"); then exactly one name that starts with the typed words ("Harbor
    Housing" for "Harbor Housing Coalition"). A different first letter is a different organization ("Eastside"
    never finds "Westside"). Unknown names come back with up to three close names to offer."""
    wanted = normalize_name(typed)
    exact = [name for name in names if normalize_name(name) == wanted]
    if exact:
        return Lookup(exact[0])
    key = match_key(typed)
    keys = {name: match_key(name) for name in names}
    for rule in (
        lambda k: k == key,
        lambda k: _typo_of(key.split(), k.split()),
        lambda k: _starts(key.split(), k.split()),
    ):
        found = [name for name, k in keys.items() if rule(k)]
        if len(found) == 1:
            return Lookup(found[0])
        if found:
            return Lookup(None, tuple(found[:3]) if suggest else ())
    return Lookup(None, tuple(similar_names(names, typed)) if suggest and key else ())


def similar_names(names: list[str], wanted: str, limit: int = 3) -> list[str]:
    """Registered names close to what was typed, for "did you mean" hints."""
    matches = process.extract(
        match_key(wanted), {n: match_key(n) for n in names}, scorer=fuzz.WRatio, limit=limit, score_cutoff=60
    )
    return [name for _, _, name in matches]
