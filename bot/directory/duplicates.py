"""Near-duplicate resources: the same name give or take typos, confirmed by the same phone, website or city.

One rule for every way a resource comes in (`/resource add`, the form, `partnerbot import`):

- The same normalized name merges unless something contradicts it (another city, another phone).
- A similar name (rapidfuzz, `FUZZY_NAME_THRESHOLD`) merges when the phone, website or city confirms it.
- Names are compared in a comparison form: parenthesized acronyms, "Inc." and "the" dropped, common
  abbreviations spelled out ("Asst" -> "assistance", "Saint" -> "st"), number words as digits ("Second" -> 2).
- Two names are never the same resource when their numbers differ ("Site 2" / "Site 3", "Loud Pantry" /
  "Loud Pantry Two") or when one has a word the other lacks that is not a typo or a split of its words ("Area
  Food Shelf" / "Pet Food Shelf", "Hope Shelter" / "Hope Shelter West").

`find_duplicate` asks the database for candidates (one Slack log); `DuplicateIndex` holds a whole directory in
memory for the importer, in blocks that only names able to match share, so a 50,000-row file takes seconds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process
from sqlalchemy import or_
from sqlmodel import Session, select

from bot.directory.fields import (
    LIST_FIELDS,
    TEXT_FIELDS,
    ResourceFields,
    normalize,
    phone_digits,
    website_key,
)
from models.directory import Resource

FUZZY_NAME_THRESHOLD = 85  # rapidfuzz similarity of the comparison forms, 0-100
TYPO_THRESHOLD = 80  # a word within this rapidfuzz ratio of a word on the other side is a typo of it
MAX_CANDIDATES = 5000

_SPELLED_OUT = {
    "asst": "assistance", "assist": "assistance", "assn": "association", "ctr": "center", "cntr": "center",
    "centre": "center", "svcs": "services", "svc": "service", "dept": "department", "hosp": "hospital",
    "prog": "program", "comm": "community", "cmty": "community", "natl": "national", "intl": "international",
    "saint": "st", "mount": "mt", "fort": "ft", "and": "", "the": "", "of": "", "inc": "", "llc": "",
    "incorporated": "", "corp": "", "co": "",
}  # fmt: skip
_NUMBER_WORDS = {
    word: str(number)
    for number, words in enumerate(
        [("one", "first"), ("two", "second"), ("three", "third"), ("four", "fourth"), ("five", "fifth"),
         ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"), ("nine", "ninth"), ("ten", "tenth")],
        start=1,
    )
    for word in words
}  # fmt: skip
_PARENTHESIZED = re.compile(r"\([^()]*\)")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class NameForm:
    """A name as the duplicate rule compares it."""

    words: tuple[str, ...]
    numbers: frozenset[str]

    @property
    def spaced(self) -> str:
        return " ".join(sorted(self.words))

    @property
    def compact(self) -> str:
        return "".join(self.words)


def name_form(name: str) -> NameForm:
    words: list[str] = []
    letters: list[str] = []  # "Y W C A" -> "ywca"
    for word in normalize(_PARENTHESIZED.sub(" ", name or "")).split():
        if len(word) == 1 and word.isalpha():
            letters.append(word)
            continue
        if letters:
            words.append("".join(letters))
            letters = []
        word = _NUMBER_WORDS.get(word, word)
        word = _ORDINAL.sub(r"\1", word)
        word = _SPELLED_OUT.get(word, word)
        if word:
            words.append(word)
    if letters:
        words.append("".join(letters))
    return NameForm(tuple(words), frozenset(w for w in words if w.isdigit()))


def _explained(word: str, others: tuple[str, ...]) -> bool:
    """A word is no real difference when it is a typo of a word on the other side (same first letter: "Eastside"
    is not a typo of "Westside"), or two or three of them written together ("eastside" / "east side")."""
    if len(word) > 3 and any(other[0] == word[0] and len(other) > 3 and fuzz.ratio(word, other) >= TYPO_THRESHOLD
                             for other in others):  # fmt: skip
        return True
    return any(
        "".join(others[start:start + size]) == word
        for size in (2, 3) for start in range(len(others) - size + 1)
    )  # fmt: skip


def name_similarity(a: NameForm, b: NameForm) -> float:
    """0-100: how alike two names are as the duplicate rule sees them (0 when a number or a word differs)."""
    if a.numbers != b.numbers or not a.words or not b.words:
        return 0.0
    if a.compact == b.compact:
        return 100.0
    score = max(fuzz.ratio(a.spaced, b.spaced), fuzz.ratio(a.compact, b.compact))
    if score < FUZZY_NAME_THRESHOLD:
        return score
    only_a = tuple(w for w in a.words if w not in b.words)
    only_b = tuple(w for w in b.words if w not in a.words)
    # A word added, dropped or swapped for an unrelated one names something else.
    if not all(_explained(w, b.words) for w in only_a) or not all(_explained(w, a.words) for w in only_b):
        return 0.0
    return score


@dataclass(frozen=True)
class Keys:
    """What the rule compares: the normalized name (and, when needed, its comparison form) and the confirming
    details, as stored in the normalized_name, normalized_city, phone_key and website_key columns."""

    name: str
    city: str
    phone: str
    website: str
    typed_name: str = field(default="", compare=False)

    @cached_property
    def form(self) -> NameForm:
        return name_form(self.typed_name or self.name)


def keys_of(fields: ResourceFields) -> Keys:
    return Keys(
        name=normalize(fields.name)[:200],
        city=normalize(fields.city)[:100],
        phone=phone_digits(fields.phone),
        website=website_key(fields.website)[:300],
        typed_name=fields.name,
    )


def _same(a: str, b: str) -> bool:
    return bool(a) and a == b


def match_score(new: Keys, saved: Keys) -> float | None:
    """How strongly `saved` is the resource `new` describes (higher is better), or None when it is not."""
    confirmed = _same(new.phone, saved.phone) or _same(new.website, saved.website) or _same(new.city, saved.city)
    exact_without_conflict = (
        new.name == saved.name
        and not (new.city and saved.city and new.city != saved.city)
        and not (new.phone and saved.phone and new.phone != saved.phone)
    )
    if exact_without_conflict:
        return 100.0
    if not confirmed:
        return None
    score = name_similarity(new.form, saved.form)
    return score if score >= FUZZY_NAME_THRESHOLD else None


def best_match(new: Keys, candidates) -> int | None:
    """The id of the best match among (id, Keys, active) candidates; an active resource wins a tie."""
    best: tuple[float, int] | None = None
    for candidate_id, keys, active in candidates:
        score = match_score(new, keys)
        if score is not None:
            rank = score + (1 if active else 0)
            if best is None or rank > best[0]:
                best = (rank, candidate_id)
    return best[1] if best else None


# --- in the database (one log at a time) --------------------------------------------------------------------


def find_duplicate(session: Session, team_id: str, fields: ResourceFields) -> Resource | None:
    """The resource `fields` describes if it is already known (retired ones included), else None."""
    new = keys_of(fields)
    if not new.name:
        return None
    org_key = normalize(fields.organization)[:200]
    # The same identity must merge (it is the unique key), however many other candidates there are.
    same_identity = session.exec(
        select(Resource).where(
            Resource.team_id == team_id,
            Resource.normalized_name == new.name,
            Resource.normalized_organization == org_key,
            Resource.normalized_city == new.city,
        )
    ).first()
    if same_identity is not None:
        return same_identity

    evidence = [Resource.normalized_name == new.name]
    if new.phone:
        evidence.append(Resource.phone_key == new.phone)
    if new.website:
        evidence.append(Resource.website_key == new.website)
    if new.city:
        evidence.append(Resource.normalized_city == new.city)
    # Only the comparison columns: a city can hold thousands of entries.
    rows = session.exec(
        select(
            Resource.id, Resource.name, Resource.normalized_name, Resource.normalized_city, Resource.phone_key,
            Resource.website_key, Resource.retired_at,
        )
        .where(Resource.team_id == team_id, or_(*evidence))
        .limit(MAX_CANDIDATES)
    ).all()
    candidates = ((row[0], Keys(row[2], row[3], row[4], row[5], typed_name=row[1]), row[6] is None) for row in rows)
    found = best_match(new, candidates)
    return session.get(Resource, found) if found is not None else None


def merge_details(saved: ResourceFields, new: ResourceFields) -> tuple[ResourceFields, list[str], list[str]]:
    """How a log or an import row merges into the resource it duplicates: its empty fields are filled, saved
    values are kept, the name never changes. Returns (the merged details, fields filled, fields that differed and
    were kept)."""
    merged = saved.copy()
    filled, kept = [], []
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        value, old = getattr(new, name), getattr(merged, name)
        if name == "name" or not value:
            continue
        if not old:
            filled.append(name)
            setattr(merged, name, value)
        elif differs(name, old, value):
            kept.append(name)
    return merged, filled, kept


def differs(name: str, old, new) -> bool:
    """Whether a newly typed value says something other than the saved one (not just other spelling)."""
    if name in LIST_FIELDS:
        return not set(new) <= set(old)
    if name == "phone":
        return phone_digits(old) != phone_digits(new)
    if name == "website":
        return website_key(old) != website_key(new)
    return normalize(old) != normalize(new)


def identity_taken(session: Session, resource: Resource, *, name: str | None = None,
                   organization: str | None = None, city: str | None = None) -> bool:
    """Whether another resource already is "this name, organization and city" (the unique identity)."""
    key = (
        normalize(resource.name if name is None else name)[:200],
        normalize(resource.organization if organization is None else organization)[:200],
        normalize(resource.city if city is None else city)[:100],
    )
    other = session.exec(
        select(Resource.id).where(
            Resource.team_id == resource.team_id,
            Resource.normalized_name == key[0],
            Resource.normalized_organization == key[1],
            Resource.normalized_city == key[2],
            Resource.id != resource.id,
        )
    ).first()
    return other is not None


# --- in memory (a whole import) -----------------------------------------------------------------------------


class DuplicateIndex:
    """A directory's comparison keys in memory, for `best_match` without a query per row.

    Phone, website and exact name are dictionary lookups. A name confirmed only by the city can match in two
    ways (see `name_similarity`): the same letters run together ("East Port" / "Eastport"), a dictionary lookup
    too; or a similar name whose numbers are the same and whose every word has a counterpart with the same first
    letter on the other side. So names are kept in blocks of (city, numbers, first letters), and rapidfuzz's C
    loop picks, within the block, the few names similar enough to be judged by the full rule: a town with
    thousands of entries costs a handful of comparisons per row, with no near-duplicate lost.
    """

    def __init__(self) -> None:
        self._keys: dict[int, tuple[Keys, bool]] = {}
        self._exact: dict[tuple[str, str], list[int]] = defaultdict(list)  # (kind, value) -> ids
        self._blocks: dict[tuple, tuple[list[int], list[str], list[str]]] = {}

    @staticmethod
    def _block(keys: Keys) -> tuple:
        return keys.city, keys.form.numbers, frozenset(word[0] for word in keys.form.words)

    def add(self, entry_id: int, keys: Keys, *, active: bool = True) -> None:
        """Adds an entry, or re-files it after its details changed (a merge filled its city, say)."""
        previous = self._keys.get(entry_id)
        self._keys[entry_id] = (keys, active)
        if previous is not None and previous[0] == keys:
            return
        exact = [("phone", keys.phone), ("website", keys.website), ("name", keys.name)]
        if keys.city:
            exact.append(("compact", f"{keys.city}|{keys.form.compact}"))
        for key in exact:
            if key[1] and entry_id not in self._exact[key]:
                self._exact[key].append(entry_id)
        if keys.city and (previous is None or self._block(previous[0]) != self._block(keys)):
            ids, spaced, compact = self._blocks.setdefault(self._block(keys), ([], [], []))
            ids.append(entry_id)
            spaced.append(keys.form.spaced)
            compact.append(keys.form.compact)

    def find(self, new: Keys) -> int | None:
        """The id of the entry `new` duplicates, or None."""
        ids: set[int] = set()
        exact = [("phone", new.phone), ("website", new.website), ("name", new.name)]
        if new.city:
            exact.append(("compact", f"{new.city}|{new.form.compact}"))
        for key in exact:
            if key[1]:
                ids.update(self._exact.get(key, ()))
        block = self._blocks.get(self._block(new)) if new.city else None
        if block:
            block_ids, spaced, compact = block
            for query, choices in ((new.form.spaced, spaced), (new.form.compact, compact)):
                for _choice, _score, position in process.extract(
                    query, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_NAME_THRESHOLD, limit=None
                ):
                    ids.add(block_ids[position])
        return best_match(new, ((i, *self._keys[i]) for i in sorted(ids)))
