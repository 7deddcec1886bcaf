"""Need categories: the shared vocabulary behind resource logging, imports and "who can help with X?".

The vocabulary lives in the package data file bot/platform/data/needs.json (data, not code, so it can be reviewed and
extended without touching logic). It is read once per process.

Matching rules, chosen so that free text typed in Slack finds its categories without inventing any:
- text is compared after accents, case and punctuation are removed ("Alzheimer's" == "alzheimers", "Guardería" ==
  "guarderia") and simple plurals are folded ("pantries" == "pantry");
- a multi-word term matches when its words appear close together in any order ("fridge is empty" == "empty
  fridge"); longer terms win, and words used by a longer term are not reused by a shorter one, so "substance
  abuse" means substance use and not also abuse (safety);
- abbreviations that are ordinary words when lower-case ("VA", "ICE") count only when typed in capitals;
- with fuzzy=True, a word of six letters or more that the vocabulary does not know is corrected to the closest
  vocabulary word with the same first letter ("pantrey" -> pantry, "suboxen" -> suboxone, "wheelchar ramp" ->
  wheelchair ramp). Resource logging leaves this off; search turns it on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.platform.folding import comparison_key

__all__ = [
    "Category",
    "TermMatch",
    "categories",
    "category_ids",
    "detect_categories",
    "expansion",
    "is_item",
    "find_terms",
    "find_terms_in_words",
    "get",
    "label",
    "gloss",
    "normalize",
    "original_tokens",
    "PERSONAL_PRONOUNS",
    "split_compound",
    "tokens",
]


def _word_list(text: str) -> list[str]:
    return text.split()


# Words that carry no need on their own: ignored inside multi-word terms and never typo-corrected.
STOPWORDS = frozenset(
    _word_list(
        """a an the to of on for with in at by from and or is are was be been my our their his her its your this that
    these those it i we they he she him them me us some any who what where can could would should will help helps need
    needs needed someone anyone somebody anybody looking look find get got has have having please thanks thank
    de la el los las del con en y o para por un una unos unas mi mis su sus que al se lo le"""
    )
)

# Common words of six letters or more that resemble a vocabulary word but are not one (e.g. "there" vs
# "therapy" is already too far apart; these are the near misses observed in practice).
_NEVER_FUZZY = frozenset(
    _word_list(
        """about after again around being below could doing every going great other place right since still their
    there these thing think those under until using where which while world would patient patients client
    clients family near spanish english speaking speaks local today tonight tomorrow morning evening weekend
    county north south east west center centre"""
    )
)

_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF_SHORT = 88.0  # words of 6 letters
_FUZZY_CUTOFF_LONG = 80.0
_LISTING = frozenset({"and", "or", "plus", "y", "o"})  # words that list separate things
_NEIGHBOURHOOD = 4  # extra words allowed between the words of a multi-word term
_SENSE_REACH = 12  # words either side that can show a word is meant in another sense


@dataclass(frozen=True)
class Category:
    id: str
    display_name: str
    description: str
    synonyms: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]  # (abbreviation, expansion)
    spanish: tuple[str, ...]
    ahc_hrsn: tuple[str, ...]  # CMS Accountable Health Communities HRSN domains
    open_eligibility: tuple[str, ...]  # Open Eligibility top-level categories

    def terms(self) -> tuple[str, ...]:
        """Every phrase that names this category: id, display name, synonyms, abbreviations, Spanish terms."""
        return (
            self.id,
            self.display_name,
            *self.synonyms,
            *(abbreviation for abbreviation, _ in self.abbreviations),
            *self.spanish,
        )


@dataclass(frozen=True)
class TermMatch:
    """One vocabulary term found in a text."""

    category: str
    term: str  # the vocabulary term as written in needs.json
    start: int  # first and last word positions covered in the text
    end: int
    fuzzy: bool = False
    positions: tuple[int, ...] = field(default=(), compare=False)

    @property
    def weight(self) -> float:
        words = len(self.positions) or 1
        return (0.6 if self.fuzzy else 1.0) + 0.5 * (words - 1)


@dataclass(frozen=True)
class _Term:
    category: str
    text: str
    words: tuple[str, ...]  # normalized, folded content words
    capitals_only: bool
    # A one-word term said with more words ("get to the doctor" -> doctor) means that word only in their company:
    # the other words (articles aside) that must be nearby, one alternative per way the vocabulary says it. Empty
    # when the word alone is a term.
    contexts: tuple[tuple[str, ...], ...] = ()
    # Words that, said nearby, give the word another sense: "vet" beside "cat" is an animal doctor, not a veteran.
    other_sense: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Vocabulary:
    categories: tuple[Category, ...]
    by_key: dict[str, Category]
    terms: tuple[_Term, ...]  # longest first
    terms_by_word: dict[str, tuple[_Term, ...]]
    fuzzy_words: dict[str, tuple[str, ...]]  # first letter -> vocabulary words, for typo tolerance
    all_words: dict[str, tuple[str, ...]]  # first letter -> every vocabulary word, for short typos
    glosses: dict[str, str]  # normalized Spanish term -> English words
    expansions: dict[str, str]  # normalized abbreviation -> what it stands for
    items: frozenset[str]  # normalized terms of things handed out or lent ("formula", "walker")
    # Services of their own within a broad need: (name, categories that ask for it, normalized words naming it)
    specific_services: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = ()


def normalize(text: str) -> str:
    """Case folded, accents folded, apostrophes dropped, other punctuation turned into spaces; words of every script
    kept (bot.platform.folding)."""
    return comparison_key(text, ampersand=" ")


# Plurals whose singular is another word: "goods" are things, "good" is how they are.
_NOT_PLURALS = frozenset({"goods"})


def fold(word: str) -> str:
    """A crude plural fold, applied identically to text and vocabulary, so only consistency matters."""
    if word in _NOT_PLURALS:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The normalized words of `text`."""
    return normalize(text).split()


def original_tokens(text: str) -> list[str]:
    # Same word boundaries as tokens(), case kept, so capitals-only abbreviations can be checked.
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    without_apostrophes = re.sub(r"['\u2019`]", "", without_accents)
    return re.sub(r"[^0-9a-zA-Z]+", " ", without_apostrophes).split()


def _content_words(term: str) -> tuple[str, ...]:
    words = [fold(word) for word in tokens(term)]
    content = [word for word in words if word not in STOPWORDS]
    return tuple(content or words)


_ARTICLES = frozenset({"a", "an", "the", "un", "una", "el", "la", "los", "las"})


# Whoever a phrase is about: "hits me", "hits her" and "hits them" are one phrase.
_PERSON = "@person"
PERSONAL_PRONOUNS = frozenset(["me", "him", "her", "them", "us", "you", "my", "his", "their", "our", "your"])


def _as_context(word: str) -> str:
    return _PERSON if word in PERSONAL_PRONOUNS else fold(word)


def _context_words(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """The other words of a one-word term. A person is marked with its side of the word, "<" before or ">" after:
    whoever a verb is done to follows it ("threatens her"; "threatening shutoff" names no one)."""
    if len(words) != 1:
        return ()
    said = tokens(text)
    where = next((index for index, word in enumerate(said) if _content_words(word) == words), 0)
    others = []
    for index, word in enumerate(said):
        if index == where or word in _ARTICLES:
            continue
        context = _as_context(word)
        others.append((("<" if index < where else ">") + context) if context == _PERSON else context)
    return tuple(dict.fromkeys(others))


def _in_context(term: _Term, folded: list[str], positions: tuple[int, ...]) -> bool:
    start, end = positions[0], positions[-1]
    before = [_as_context(word) for word in folded[max(0, start - _NEIGHBOURHOOD - 2) : start]]
    after = [_as_context(word) for word in folded[end + 1 : end + _NEIGHBOURHOOD + 3]]
    near = set(before) | set(after)
    # Another sense is read from the whole sentence: "my dog is sick and I can't afford the vet".
    sentence = {_as_context(word) for word in folded[max(0, start - _SENSE_REACH) : end + _SENSE_REACH + 1]}
    if term.other_sense and not term.other_sense.isdisjoint(sentence):
        return False
    if not term.contexts:
        return True
    if _PERSON in before:
        near.add("<" + _PERSON)
    # Whoever a verb is done to follows it closely: "threatened to evict her" threatens an eviction, not her.
    if _PERSON in after[:2]:
        near.add(">" + _PERSON)
    return any(all(word in near for word in context) for context in term.contexts)


@cache
def _vocabulary() -> _Vocabulary:
    raw = json.loads(resources.files("bot.platform").joinpath("data/needs.json").read_text(encoding="utf-8"))
    capitals_only = frozenset(raw.get("case_sensitive_abbreviations", ()))
    other_senses = {fold(word): frozenset(fold(other) for other in others)
                    for word, others in raw.get("other_senses", {}).items()}  # fmt: skip
    loaded: list[Category] = []
    terms: dict[tuple[str, tuple[str, ...]], _Term] = {}
    for entry in raw["categories"]:
        category = Category(
            id=entry["id"],
            display_name=entry["display_name"],
            description=entry.get("description", ""),
            synonyms=tuple(entry.get("synonyms", ())),
            abbreviations=tuple(entry.get("abbreviations", {}).items()),
            spanish=tuple(entry.get("spanish", ())),
            ahc_hrsn=tuple(entry.get("ahc_hrsn", ())),
            open_eligibility=tuple(entry.get("open_eligibility", ())),
        )
        loaded.append(category)
        for text in category.terms():
            words = _content_words(text)
            if not words:
                continue
            context = _context_words(text, words)
            known = terms.get((category.id, words))
            if known is None:
                sense = other_senses.get(fold(text)) or (  # a phrase may have a sense of its own ("no beds")
                    other_senses.get(words[0], frozenset()) if len(words) == 1 else frozenset())
                terms[(category.id, words)] = _Term(category.id, text, words, text in capitals_only,
                                                    (context,) if context else (), sense)  # fmt: skip
            elif known.contexts and context:
                terms[(category.id, words)] = replace(known, contexts=(*known.contexts, context))
            elif known.contexts:
                terms[(category.id, words)] = replace(known, contexts=())

    by_key: dict[str, Category] = {}
    for category in loaded:
        for key in (category.id, category.display_name, category.id.replace("-", " ")):
            by_key[normalize(key)] = category

    ordered = tuple(sorted(terms.values(), key=lambda term: -len(term.words)))
    by_word: dict[str, list[_Term]] = {}
    fuzzy_words: dict[str, set[str]] = {}
    all_words: dict[str, set[str]] = {}
    for term in ordered:
        for word in set(term.words):
            by_word.setdefault(word, []).append(term)
            if not term.capitals_only and not word.isdigit():
                all_words.setdefault(word[0], set()).add(word)
            if not term.capitals_only and len(word) >= _FUZZY_MIN_LENGTH - 1 and not word.isdigit():
                fuzzy_words.setdefault(word[0], set()).add(word)
    return _Vocabulary(
        categories=tuple(loaded),
        by_key=by_key,
        terms=ordered,
        terms_by_word={word: tuple(found) for word, found in by_word.items()},
        fuzzy_words={letter: tuple(sorted(words)) for letter, words in fuzzy_words.items()},
        all_words={letter: tuple(sorted(words)) for letter, words in all_words.items()},
        glosses={normalize(term): english for entry in raw["categories"]
                 for key in ("english_for_spanish", "service_words")
                 for term, english in entry.get(key, {}).items()},
        expansions={normalize(abbreviation): expansion for category in loaded
                    for abbreviation, expansion in category.abbreviations},
        items=frozenset(normalize(item) for item in raw.get("items", ())),
        specific_services=tuple((name, frozenset(entry["needs"]), tuple(normalize(word) for word in entry["words"]))
                                for name, entry in raw.get("specific_services", {}).items() if name != "about"),
    )  # fmt: skip


def categories() -> list[Category]:
    """All need categories, in the vocabulary's order."""
    return list(_vocabulary().categories)


def category_ids() -> list[str]:
    return [category.id for category in _vocabulary().categories]


def get(id_or_display_name: str) -> Category | None:
    """The category with this id or display name (case, accents and punctuation ignored), or None."""
    if not id_or_display_name:
        return None
    return _vocabulary().by_key.get(normalize(id_or_display_name))


def label(category_id: str) -> str:
    """A category's display name, or the id itself when it is not one of the twenty."""
    category = get(category_id)
    return category.display_name if category else category_id


def _place(term: _Term, folded: list[str], used: list[bool]) -> tuple[int, ...] | None:
    """Word positions where `term` occurs in the text (nearby, any order, not already used), or None."""
    positions_of: dict[str, list[int]] = {}
    for index, word in enumerate(folded):
        if not used[index]:
            positions_of.setdefault(word, []).append(index)
    if any(word not in positions_of for word in term.words):
        return None
    window = len(term.words) + _NEIGHBOURHOOD
    for anchor in positions_of[term.words[0]]:
        chosen = [anchor]
        for word in term.words[1:]:
            candidates = [p for p in positions_of[word] if p not in chosen and abs(p - anchor) < window]
            if not candidates:
                break
            chosen.append(min(candidates, key=lambda p: abs(p - anchor)))
        else:
            return tuple(sorted(chosen))
    return None


def find_terms(text: str, *, fuzzy: bool = False) -> list[TermMatch]:
    """Vocabulary terms found in `text`, in text order."""
    return find_terms_in_words(original_tokens(text), fuzzy=fuzzy)


def _groups(words: list[str]) -> dict[tuple[str, ...], list[_Term]]:
    """Candidate terms for these words, grouped by their words: terms with the same words in several categories
    ("diapers": childcare and goods) match together."""
    groups: dict[tuple[str, ...], list[_Term]] = {}
    for word in set(words):
        for term in _vocabulary().terms_by_word.get(word, ()):
            group = groups.setdefault(term.words, [])
            if term not in group:
                group.append(term)
    return groups


def _place_all(
    words: list[str], original: list[str], used: list[bool], corrected: set[int]
) -> list[TermMatch]:
    groups = _groups(words)
    found: list[TermMatch] = []
    while groups:
        # Longest term first, then the most compact placement, so "cant pay electric" beats "cant pay bills". A
        # word of substance between a term's words qualifies the word after it and counts against the term: in
        # "cant pay the light bill", "light bill" beats "cant pay bills".
        placed = []
        for term_words, terms in groups.items():
            positions = _place(terms[0], words, used)
            if positions is not None:
                between = sum(1 for p in range(positions[0], positions[-1]) if p not in positions
                              and words[p] not in STOPWORDS)  # fmt: skip
                # Three words or more out of the term's order are weaker evidence: in "heating bill she can't pay",
                # "heating bill" is the need, not "can't pay bills" ("dialysis rides" is still "rides to dialysis").
                between += len(term_words) > 2 and tuple(words[p] for p in positions) != term_words
                if tuple(words[p] for p in positions) != term_words and not _LISTING.isdisjoint(
                        words[positions[0] : positions[-1]]):  # fmt: skip
                    continue  # out of order across "and": "food and dog grooming" is no "dog food"
                if between > 1 and tuple(words[p] for p in positions) != term_words:
                    continue  # far apart and out of order: "home oxygen whose power is getting" is no "getting home"
                placed.append((between - len(term_words), positions[-1] - positions[0], term_words, positions))
        if not placed:
            break
        _, _, term_words, positions = min(placed)
        fuzzy = any(p in corrected for p in positions)
        emitted = False
        for term in groups[term_words]:
            if term.capitals_only and not all(original[p].isupper() for p in positions):
                continue  # lower-case "va" in Spanish is "goes"
            if not _in_context(term, words, positions):
                continue  # "doctor" alone is not "get to the doctor"
            found.append(TermMatch(term.category, term.text, positions[0], positions[-1], fuzzy, positions))
            emitted = True
        if emitted:
            for p in positions:
                used[p] = True
        else:
            del groups[term_words]
    return found


def _correction(word: str, choices: tuple[str, ...]) -> str | None:
    if len(word) >= _FUZZY_MIN_LENGTH:
        # Typos rarely touch the first letter; short words need a closer match ("rental" is not "rent").
        cutoff = _FUZZY_CUTOFF_LONG if len(word) >= 7 else _FUZZY_CUTOFF_SHORT
        best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        # A longer word that starts with a term is another word ("rental"), not a typo.
        if best is not None and not (len(word) > len(best[0]) and word.startswith(best[0])):
            return best[0]
    # One slip: a letter dropped, doubled, mistyped or swapped with the next ("foood", "menal", "diapres",
    # "rigths", "medicaide"), same first letter. A dropped letter is the commonest slip, so of two words one slip
    # away the longer one is meant ("walkr" is "walker", not "walk"); "rnt" is too short to tell.
    near = [c for c in choices if abs(len(c) - len(word)) <= 1 and len(c) >= 4 and OSA.distance(word, c) <= 1]
    longer = [c for c in near if len(c) > len(word)]
    if len(near) == 1 or len(longer) == 1:
        return (near if len(near) == 1 else longer)[0]
    return None


# Past forms that no suffix rule reaches ("beaten" is "beat", "slept outside" is "sleeping outside").
_IRREGULAR = {
    "ate": "eat", "eaten": "eat", "beaten": "beat", "fell": "fall", "fallen": "fall", "drank": "drink",
    "drunk": "drink", "slept": "sleep", "broke": "break", "broken": "break", "stole": "steal", "stolen": "steal",
    "threw": "throw", "thrown": "throw", "fed": "feed", "lost": "lose", "left": "leave", "got": "get",
    "gotten": "get", "kept": "keep", "paid": "pay", "sold": "sell", "took": "take", "taken": "take",
    "went": "go", "gone": "go", "ran": "run", "hurt": "hurt", "quit": "quit", "felt": "feel", "froze": "freeze",
    "frozen": "freeze", "shut": "shut", "cut": "cut", "hit": "hit", "spent": "spend", "bit": "bite",
    "bitten": "bite", "fought": "fight", "bought": "buy", "caught": "catch", "owed": "owe",
}  # fmt: skip


def _base_form(word: str, known: dict[str, tuple]) -> str | None:
    """The vocabulary word an inflected word comes from ("falling" -> fall, "caring" -> care, "evicted" ->
    evict, "shopping" -> shop, "beaten" -> beat), or the vocabulary's -ing form of a plain or third-person verb
    ("drinks" -> drinking, "slept" -> sleeping), or None. Only forms the vocabulary has are produced, so nothing
    is invented."""
    irregular = _IRREGULAR.get(word)
    if irregular:
        word = irregular
    candidates: list[str] = []
    if len(word) >= 3 and not word.endswith(("ing", "ed")):
        doubled = word + word[-1] + "ing" if len(word) <= 4 and word[-1] not in "aeiouwxy" else ""
        candidates = [word + "ing", word[:-1] + "ing" if word.endswith("e") else "", doubled]
        found = next((candidate for candidate in candidates if candidate and candidate in known), None)
        if found or irregular:
            return found or word
        candidates = []
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        candidates = [stem + "e", stem] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
        candidates.append(stem + "s")  # "threatening" -> threatens
    elif len(word) > 4 and word.endswith("ed"):
        stem = word[:-2]
        candidates = [word[:-1], stem] + ([stem[:-1]] if len(stem) > 2 and stem[-1] == stem[-2] else [])
        candidates += [stem + "s", stem + "ing"]  # "threatened" -> threatens, "trafficked" -> trafficking
    elif len(word) > 4 and word.endswith("er"):
        candidates = [word[:-2], word[:-1]]
    elif len(word) > 6 and word.endswith("ly"):
        candidates = [word[:-2]]  # "sexually assaulted" -> sexual assault, "financially exploited"
    # A verb's form is never a thing handed out: "wiped out" is not "wipes", "walked" is not a walker.
    items = _vocabulary().items
    return next((candidate for candidate in candidates if candidate in known
                 and not all(normalize(term.text) in items for term in known[candidate])), None)


def split_compound(word: str, *, known_too: bool = False) -> tuple[str, str] | None:
    """ "foodbank" -> (food, bank) when both halves are vocabulary words and together they form a term. With
    known_too, also for words the vocabulary itself lists ("childcare", which is "child care" too)."""
    known = _vocabulary().terms_by_word
    word = fold(word.lower())
    if len(word) < 7 or (word in known and not known_too):
        return None
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], fold(word[cut:])
        if left in known and right in known and any(t.words == (left, right) for t in known[left]):
            return left, right
    return None


def find_terms_in_words(
    original: list[str], *, fuzzy: bool = False, is_word: Callable[[str], bool] | None = None
) -> list[TermMatch]:
    """Like find_terms, for text already split by original_tokens() (case kept); positions index `original`.
    With `is_word`, words it accepts (a dictionary's) are never spelling-corrected ("driving" is not "drinking"),
    and shorter unknown words are corrected too ("foood")."""
    known = _vocabulary().terms_by_word
    folded = [fold(word.lower()) for word in original]
    for index, word in enumerate(folded):
        # A word no dictionary knows is a typo rather than an inflection: "lawer" is "lawyer", not "law" + "-er".
        typo = fuzzy and is_word is not None and not is_word(original[index].lower())
        if word not in known and word not in STOPWORDS and not typo:
            folded[index] = _base_form(word, known) or word
    used = [word in STOPWORDS for word in (w.lower() for w in original)]
    for index in range(len(folded) - 1):
        # "wheel chair", "day care": a term written as two words is that term, unless the two words are one too.
        joined = folded[index] + folded[index + 1]
        if (not used[index] and not used[index + 1] and len(joined) >= 7
                and any(term.words == (joined,) for term in known.get(joined, ()))
                and not any(term.words[:2] == (folded[index], folded[index + 1]) for term in known.get(folded[index], ()))):  # fmt: skip
            folded[index] = joined
            used[index + 1] = True
    corrected: set[int] = set()
    if fuzzy:
        # Words the vocabulary does not know are spelling-corrected against the vocabulary's words before terms
        # are looked for, so a typo inside a longer term still finds it ("wheelchar ramp" -> "wheelchair ramp").
        vocabulary = _vocabulary()
        for index, word in enumerate(folded):
            shortest = 4 if is_word else _FUZZY_MIN_LENGTH
            if (used[index] or len(word) < shortest or word.isdigit() or word in _NEVER_FUZZY
                    or word in vocabulary.terms_by_word):  # fmt: skip
                continue
            if is_word is not None and (is_word(word) or is_word(original[index].lower())):
                continue
            choices = vocabulary.all_words.get(word[0], ()) if len(word) < _FUZZY_MIN_LENGTH else \
                vocabulary.fuzzy_words.get(word[0], ())  # fmt: skip
            written = original[index].lower()
            # As written too: folding took a typo's last "s" for a plural ("dentis").
            best = _correction(word, choices) or (_correction(written, choices) if written != word else None)
            if best is None:
                continue
            folded[index] = best
            corrected.add(index)
    found = _place_all(folded, original, used, corrected)
    found.sort(key=lambda match: (match.start, match.end))
    return found


def gloss(term: str) -> str:
    """English words for a Spanish vocabulary term ("ropa" -> "clothing"), an abbreviation's expansion ("NEMT"
    -> "Non-Emergency Medical Transportation") or the service that an everyday phrase asks for ("behind on rent"
    -> "rental assistance"), "" if there is none."""
    vocabulary = _vocabulary()
    key = normalize(term)
    return vocabulary.glosses.get(key, "") or vocabulary.expansions.get(key, "")


def expansion(term: str) -> str:
    """What an abbreviation stands for ("SNAP" -> "Supplemental Nutrition Assistance Program"), "" for any other
    term."""
    return _vocabulary().expansions.get(normalize(term), "")


def is_item(term: str) -> bool:
    """Whether a term names a thing handed out or lent ("formula", "walker"), not a kind of service."""
    return normalize(term) in _vocabulary().items


@dataclass(frozen=True)
class SpecificService:
    name: str  # "dental care"
    filed_under: tuple[str, ...]  # the categories a resource giving it is filed under
    words: tuple[str, ...]  # how a resource names it
    named_by_terms: bool  # asked for by the need's vocabulary terms, not only by its other words


def specific_service(category: str | None, said: Iterable[str], phrase: str = "") -> SpecificService | None:
    """The service of its own ("dental care") that a need of `category` (None: a need no category places), named
    by the terms and glosses `said`, asks for. The need's other words (`phrase`) ask for it by a phrase or a long
    word only ("criminal defense", "transmission"). None for the broad need itself."""
    text = f" {' '.join(normalize(phrase) for phrase in said)} "
    own = f" {normalize(phrase)} "
    for name, needs, words in _vocabulary().specific_services:
        if category is not None and category not in needs:
            continue
        by_terms = any(f" {word} " in text for word in words)
        if by_terms or any((" " in word or len(word) >= 7) and f" {word} " in own for word in words):
            return SpecificService(name, tuple(sorted(needs)), words, by_terms)
    return None


def rank_categories(matches: Iterable[TermMatch]) -> list[str]:
    """Category ids from matches, strongest evidence first (ties: the one mentioned first)."""
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    for match in matches:
        score[match.category] = score.get(match.category, 0.0) + match.weight
        first.setdefault(match.category, match.start)
        first[match.category] = min(first[match.category], match.start)
    return sorted(score, key=lambda category: (-score[category], first[category]))


def detect_categories(text: str, *, fuzzy: bool = False) -> list[str]:
    """Need category ids mentioned in `text`, best first. Empty when none is recognized."""
    if not text:
        return []
    return rank_categories(find_terms(text, fuzzy=fuzzy))
