"""Understanding a "who can help with X?" question. Pure: no database, no Slack.

    parse_query("who can help with food and a ride to get there near 97201 in Spanish for seniors")
    -> needs: [food], [transportation]; place: ZIP 97201; languages: Spanish; populations: seniors

The text given here must already be redacted (bot.search does that first); this module never logs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from bot.platform import vocabulary
from bot.platform.privacy.allowlist import keep_known_words
from bot.platform.privacy.lexicon import is_known_word
from bot.search import story
from bot.search.hours import OPEN_WHEN_LABELS, take_open_when
from bot.search.places import ZIP, take_place, take_zip
from bot.search.populations import POPULATION_TEXT, find_populations, says_a_grown_person

__all__ = [
    "POPULATION_TEXT", "Modifiers", "Need", "ParsedQuery", "asks_for_something", "looks_like_search", "parse_query",
    "take_populations",
]  # fmt: skip

MAX_QUERY_LENGTH = 500

# Language names as people type them -> the display name stored on resources (Resource.languages).
LANGUAGES: dict[str, str] = {
    "english": "English", "spanish": "Spanish", "espanol": "Spanish", "vietnamese": "Vietnamese",
    "chinese": "Chinese", "mandarin": "Mandarin", "cantonese": "Cantonese", "russian": "Russian",
    "ukrainian": "Ukrainian", "arabic": "Arabic", "somali": "Somali", "tagalog": "Tagalog", "korean": "Korean",
    "french": "French", "haitian creole": "Haitian Creole", "creole": "Haitian Creole", "portuguese": "Portuguese",
    "hmong": "Hmong", "amharic": "Amharic", "farsi": "Farsi", "persian": "Farsi", "dari": "Dari", "pashto": "Pashto",
    "hindi": "Hindi", "punjabi": "Punjabi", "urdu": "Urdu", "bengali": "Bengali", "nepali": "Nepali",
    "burmese": "Burmese", "karen": "Karen", "swahili": "Swahili", "japanese": "Japanese", "polish": "Polish",
    "romanian": "Romanian", "tigrinya": "Tigrinya", "oromo": "Oromo", "khmer": "Khmer", "lao": "Lao", "thai": "Thai",
    "navajo": "Navajo", "german": "German", "italian": "Italian", "asl": "ASL", "american sign language": "ASL",
    "sign language": "ASL",
}  # fmt: skip
# Names that are also ordinary words, people's names or part of a need ("English classes", "Thai food"): they
# only count as a language with a cue ("in Thai", "Thai-speaking", "speaks Thai").
_LANGUAGES_NEEDING_A_CUE = frozenset(
    {"english", "karen", "polish", "thai", "german", "french", "italian", "lao"}
)

_LANGUAGE_NAMES = "|".join(
    sorted((re.escape(name) for name in [*LANGUAGES, "español"]), key=len, reverse=True)
)
_LANGUAGE_WITH_CUE = re.compile(
    r"\b(?:in|en|speaks?|speaking|habla|hablan|que hable)\s+(" + _LANGUAGE_NAMES + r")\b"
    r"|\b(" + _LANGUAGE_NAMES + r")(?:[\s-]+(?:speaking|speaker|speakers|spoken|language|hablante))\b",
    re.IGNORECASE,
)
# "speaking Klingon", "Klingon-speaking": a language cue before or after a word that is no language we know.
_UNKNOWN_LANGUAGE = (
    re.compile(r"\b(?:speaks?|speaking|habla|hablan|que hable)\s+([A-Za-z][a-z]+)\b", re.IGNORECASE),
    re.compile(r"\b([A-Za-z][a-z]+)[\s-]+(?:speaking|speaker|speakers|spoken|language)\b", re.IGNORECASE),
)
_LANGUAGE_BARE = re.compile(r"\b(" + _LANGUAGE_NAMES + r")\b", re.IGNORECASE)

# How people open the question; removed before looking for needs.
_ASKING = re.compile(
    r"^\s*(?:/?whohelps\b|who\s+(?:can|could|might|would|will)?\s*(?:help|helps|assist)s?(?:\s+(?:with|for|me|us|"
    r"someone|a patient|a client|people|families))*|who\s+(?:does|do|has|offers|provides|handles|knows)\b|"
    r"(?:does\s+)?any\s*(?:one|body)\s+(?:know|knows)(?:\s+(?:who|where|of|about|any))*|where\s+(?:can|could|do|does|"
    r"to)\b(?:\s+(?:i|we|someone|they|he|she|my patient|a patient|a client|people))?(?:\s+(?:get|find|go|send|refer))?|"
    r"(?:i\s+)?(?:need|looking for|searching for|know of|know any)\b|quien\s+(?:puede\s+)?ayuda(?:r)?\b(?:\s+con)?|"
    r"quién\s+(?:puede\s+)?ayuda(?:r)?\b(?:\s+con)?|d[oó]nde\s+(?:puedo|puede|hay)\b)",
    re.IGNORECASE,
)


def _split_words(text: str) -> list[str]:
    return text.split()


# Words that only frame the question; they never make a need, nor a search word.
_FILLER = frozenset(
    vocabulary.STOPWORDS
    | set(
        _split_words(
            """who whohelps assist assistance helping program programs service services resource resources place places
        option options org orgs organization organizations agency agencies provider providers support know knows
        knew send refer referral referrals patient patients pt pts client clients member members person people
        family's someone's he's she's they're im i'm ive they've do does did doing don't dont cant can't not just
        also very really right now today tonight asap urgent urgently something anything things thing stuff area
        local locally nearby free low cost cheap help? there here get getting going go gets give given want wants
        wanting like would should might ok okay hi hello hey any anyone's everyone ayuda ayudar necesita necesito
        busca buscando donde hay alguien quien puede puedo algo para por favor mi paciente pacientes cliente
        dob mrn ssn born birthdate redacted removed about what how only just which ones one"""
        )
    )
)

_PROGRAMS = frozenset({"medicaid", "medicare"})  # programs whose members carry a number
_IDENTIFIER_LABELS = frozenset({"id", "number", "no", "num", "member", "account", "acct"})
_CONJUNCTIONS = frozenset({"and", "plus", "also", "y", "e", "or", "as", "well", "then"})
# Verbs that make words a clause about the person rather than the name of something needed.
_CLAUSE_VERBS = frozenset(_split_words("""is are was were be been being am has have had says said keeps kept got
    gets does did do will would could should can cant wont isnt wasnt hasnt doesnt didnt its hes shes theyre"""))
_SPLIT_PUNCTUATION = re.compile(r"[,;&+/]|\bas well as\b")


@dataclass(frozen=True)
class Need:
    """One need in a question: its categories (best first) and the words that describe it."""

    categories: tuple[str, ...]
    term_words: tuple[str, ...]  # normalized words of the vocabulary terms that named it ("rent", "eviction")
    extra_words: tuple[str, ...]  # other meaningful words ("dialysis"), searched in the resources' text
    matched_terms: tuple[str, ...]  # vocabulary terms as written, for "why it matched"
    phrase: str  # normalized words of this need, for unmet-need records (text already redacted)
    fuzzy: bool = False  # at least one term was recognized through a spelling correction
    # A word of no substance stood between the phrase's first two words: "reverse an overdose" is a thing done to
    # the need, "massage therapy" (said together) a kind of it.
    said_apart: bool = False
    # Words the vocabulary does not know, said right before the need's first term ("art" therapy, "criminal
    # defense" lawyer): they may name a kind of it nobody offers.
    qualifiers: tuple[str, ...] = ()

    @property
    def category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def label(self) -> str:
        if self.category:
            found = vocabulary.get(self.category)
            return found.display_name if found else self.category
        known = keep_known_words(self.phrase)  # never a word redaction could not place (a name, an ID)
        return known[:1].upper() + known[1:]


# Words that make a need a matter of paying for it ("can't pay the light bill", "behind on rent").
_PAYING = frozenset({"pay", "paying", "pagar", "afford", "bill", "bills", "rent", "renta", "due", "behind", "owe",
                     "owes", "owed", "debt", "debts", "deuda", "deudas", "copay", "copays", "deposit", "cuenta",
                     "factura", "recibo"})  # fmt: skip


def asks_to_pay(need: Need) -> bool:
    """Whether the need is paying for something (rent, a bill, medicine), which emergency funds also help with."""
    return "money" not in need.categories and bool(_PAYING.intersection(need.phrase.split()))


@dataclass(frozen=True)
class Modifiers:
    place: str | None = None  # a place name as typed ("Eastport"), or None
    zip_code: str | None = None
    zip_town: str | None = None  # the directory's town of that ZIP (set by bot.search once it has looked)
    place_cue: str = "near"  # "near" or "in": "in Klingon" may have meant a language
    unknown_place: str | None = None  # named, but no resource is there (set by bot.search once it has looked)
    languages: tuple[str, ...] = ()
    unknown_languages: tuple[str, ...] = ()  # "speaking Klingon": named back, never searched
    populations: tuple[str, ...] = ()
    population_words: tuple[
        str, ...
    ] = ()  # how the question said it ("teen", "parents"); searched as text too
    asked_in_spanish: bool = False  # the question itself was in Spanish: prefer Spanish-speaking resources
    open_when: tuple[str, ...] = ()  # "sat", "sun", "evening", "overnight": when it should be open
    grown: bool = False  # the question speaks of a grown person under 60: not shown, it only ranks

    @property
    def is_empty(self) -> bool:
        return not (self.place or self.zip_code or self.languages or self.populations)

    def describe(self) -> str:
        """ "near Eastport · in Spanish · for seniors" (empty when there are no modifiers)."""
        parts = []
        if self.place or self.zip_code:
            parts.append(f"near {self.place or self.zip_code}")
        if self.languages:
            parts.append("in " + " or ".join(self.languages))
        if self.populations:
            parts.append("for " + " and ".join(self.populations))
        if self.open_when:
            parts.append("open " + " or ".join(OPEN_WHEN_LABELS[key] for key in self.open_when))
        return " · ".join(parts)


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    needs: tuple[Need, ...]
    modifiers: Modifiers = field(default_factory=Modifiers)

    @property
    def is_empty(self) -> bool:
        return not self.needs


# Wording that asks for something, in a message that names no need the vocabulary knows ("is there somewhere
# that does equine therapy?"): worth an honest answer rather than the help card.
_REQUEST_CUE = re.compile(
    r"\b(?:need|needs|needing|needed|looking for|look for|searching|search for|where|who|anyone|anybody|any|"
    r"is there|are there|help with|help for|help finding|find|get|got|recommend|know of|somewhere|someplace|"
    r"resources? for|programs? for|services? for|necesit\w*|busc\w*|d[oó]nde|hay|ayuda con|alguien)\b",
    re.IGNORECASE,
)


def asks_for_something(text: str) -> bool:
    return bool(_REQUEST_CUE.search(text or ""))


def looks_like_search(text: str) -> bool:
    """True when an @mention or DM asks who can help ("who can help with rent?", "¿quién ayuda con comida?")."""
    return bool(SEARCH_REQUEST.search(text or ""))


SEARCH_REQUEST = re.compile(
    r"^\s*[¿¡]?\s*(?:who\s+(?:can|could|might|would|will)?\s*(?:help|helps|assist)|who\s+(?:does|offers|provides|"
    r"has)\b|whohelps\b|(?:does\s+)?any\s*(?:one|body)\s+knows?\s+(?:who|where|of|a|an|any)\b|where\s+(?:can|could)"
    r"\s+\S+(?:\s+\S+)?\s+(?:get|find)\b|qui[eé]n\s+(?:puede\s+)?ayuda)",
    re.IGNORECASE,
)


def _strip_placeholders(text: str) -> str:
    # Redaction leaves markers such as "[name removed]"; Slack adds markup for mentions (<@U1>, <!channel>,
    # <#C1|name>) and links (<https://…|label>). None of it describes what the patient needs.
    text = re.sub(r"<(?:https?://|mailto:)[^>|]*\|([^>]*)>", r" \1 ", text)
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    return re.sub(r"\[[^\]]{0,40}\]", " ", text)


def _plain_wording(text: str) -> str:
    """Contractions and idioms said as what they mean: "heat's off" is "heat is off" (not a possessive, as in
    "grandma's check"), "she'll" is no "shell", and "falling behind on rent" is behind on it, not a fall."""
    text = _WILL_CONTRACTED.sub(r"\1 will", text)
    return _FALLING_BEHIND.sub("behind", _IS_CONTRACTED.sub(" is ", text))


_WILL_CONTRACTED = re.compile(r"\b(she|he|they|you|we|i|it)['\u2019]ll\b", re.IGNORECASE)
_FALLING_BEHIND = re.compile(r"\b(?:falling|fell|fallen|falls?)\s+behind\b", re.IGNORECASE)
_IS_CONTRACTED = re.compile(r"(?<=[a-z])['\u2019]s\s+(?=(?:off|out|gone|broken|empty|dead|down|behind|been|getting|going|"
                            r"not|no|about|still|really|so|too|always|never)\b)", re.IGNORECASE)


def _take_languages(text: str) -> tuple[list[str], str]:
    found: list[str] = []

    def keep(name: str) -> None:
        language = LANGUAGES[vocabulary.normalize(name)]
        if language not in found:
            found.append(language)

    def with_cue(match: re.Match) -> str:
        if story.learning_it(match.string, match.start()):
            return match.group(0)  # "wants to learn to speak English": a class is the need, not a language
        keep(match.group(1) or match.group(2))
        return " "

    text = _LANGUAGE_WITH_CUE.sub(with_cue, text)

    def bare(match: re.Match) -> str:
        name = vocabulary.normalize(match.group(1))
        if name in _LANGUAGES_NEEDING_A_CUE or story.learning_it(match.string, match.start()):
            return match.group(0)
        keep(name)
        return " "

    text = _LANGUAGE_BARE.sub(bare, text)
    return found, text


def _take_unknown_languages(text: str) -> tuple[list[str], str]:
    unknown: list[str] = []

    def named(match: re.Match) -> str:
        name = match.group(1)
        if (vocabulary.normalize(name) in _FILLER or vocabulary.detect_categories(name)
                or vocabulary.normalize(name) in LANGUAGES):  # fmt: skip
            return match.group(0)  # a language kept above because it is being learned
        unknown.append(name[:1].upper() + name[1:].lower())
        return " "

    for pattern in _UNKNOWN_LANGUAGE:
        text = pattern.sub(named, text)
    return unknown, text


def take_populations(text: str) -> tuple[list[str], list[str], str]:
    """Population keys, the words that named them ("teen", "parents") and the text without them."""
    return find_populations(text, _FILLER)


def _segments(words: list[str], matches: list[vocabulary.TermMatch]) -> list[tuple[int, int]]:
    """Word ranges [start, end) separated by "and"/"y"/commas, never splitting inside a vocabulary term."""
    inside = set()
    for match in matches:
        inside.update(range(match.start, match.end + 1))
    ranges, start = [], 0
    for index, word in enumerate(words):
        if (word == "," or word in _CONJUNCTIONS) and index not in inside:
            ranges.append((start, index))
            start = index + 1
    ranges.append((start, len(words)))
    return [(a, b) for a, b in ranges if b > a]


def _english_for(term: str) -> str:
    """English for a Spanish term, word by word when the term as a whole has none ("comida gratis" -> "food"):
    directories are written in English, so a term searched in Spanish alone finds nothing."""
    return vocabulary.gloss(term) or " ".join(
        vocabulary.gloss(word) for word in vocabulary.tokens(term) if not vocabulary.expansion(word))


def _need_from(
    original: list[str], start: int, end: int, matches: list[vocabulary.TermMatch], used: set[int]
) -> Need | None:
    words = [word.lower() for word in original]
    inside = [m for m in matches if start <= m.start < end]
    # People name the need first and qualify it after ("furniture for a new apartment", "lawyer for an
    # eviction"), so the first category mentioned leads.
    order: dict[str, int] = {}
    for match in sorted(inside, key=lambda m: m.start):
        order.setdefault(match.category, len(order))
    categories = list(order)
    term_words: list[str] = []
    for match in inside:
        # The vocabulary's spelling ("pantrey" searches for "pantry"), and English for Spanish terms.
        for word in [*_telling_words(match.term), *vocabulary.tokens(_english_for(match.term))]:
            if word not in term_words and word not in _FILLER:
                term_words.append(word)
    # Compounds of a term's words in the same category ("glasses" -> "eyeglasses"), and a compound's two words
    # ("childcare" -> "child care", searched as a phrase): directories write both.
    for word in list(term_words):
        halves = vocabulary.split_compound(word, known_too=True)
        if halves and " ".join(halves) not in term_words:
            term_words.append(" ".join(halves))
        for compound in _compounds_of(word, tuple(dict.fromkeys(m.category for m in inside))):
            if compound not in term_words:
                term_words.append(compound)
    extra = [
        word
        for index, word in enumerate(words[start:end], start)
        if index not in used and word != "," and word not in _FILLER and not word.isdigit() and len(word) > 1
    ]
    if not categories and not extra:
        return None
    # The phrase may be stored as an unmet need: leave out numbers and capitalized words (likely names that
    # redaction could not recognize without a cue); vocabulary terms are kept whatever their case.
    phrase_at = [
        index
        for index in range(start, end)
        if words[index] != ","
        and words[index] not in _FILLER
        and not any(ch.isdigit() for ch in words[index])
        and (index in used or not original[index][:1].isupper() or original[index].isupper())
    ]
    phrase_words = [words[index] for index in phrase_at]
    qualifiers: list[str] = []
    first = min((m.start for m in inside), default=end)
    for index in range(first - 1, start - 1, -1):
        # A capitalized word inside the question is perhaps a name; the question's first word is capitalized anyway.
        capitalized = index > 0 and original[index][:1].isupper() and not original[index].isupper()
        if (index in used or words[index] in _FILLER or not words[index].isalpha() or capitalized
                or len(qualifiers) == 3):  # fmt: skip
            break
        qualifiers.insert(0, words[index])
    return Need(
        categories=tuple(categories),
        term_words=tuple(term_words),
        extra_words=tuple(dict.fromkeys(extra)),
        matched_terms=tuple(dict.fromkeys(m.term for m in inside)),
        phrase=" ".join(phrase_words)[:120],
        fuzzy=any(m.fuzzy for m in inside),
        said_apart=len(phrase_at) > 1 and phrase_at[1] - phrase_at[0] > 1,
        qualifiers=tuple(qualifiers),
    )


EVERYDAY_WORD_ZIPF = 6.0  # "out", "much", "new", "time": about a thousand per million words and more


@cache
def _telling_words(term: str) -> tuple[str, ...]:
    """A term's words without the everyday ones of a colloquial phrase ("drinking too much", "kicked out"): a
    resource's description never says them about its service, so searching them only finds noise."""
    words = vocabulary.tokens(term)
    telling = [word for word in words if zipf_frequency(word, "en") < EVERYDAY_WORD_ZIPF]
    return tuple(telling or words)


@cache
def _words_of_category(category_id: str) -> tuple[str, ...]:
    category = vocabulary.get(category_id)
    return tuple(dict.fromkeys(word for term in (category.terms() if category else ()) for word in vocabulary.tokens(term)))


@cache
def _compounds_of(word: str, categories: tuple[str, ...]) -> tuple[str, ...]:
    if len(word) < 4:
        return ()
    words = {candidate for category_id in categories for candidate in _words_of_category(category_id)}
    # A compound's first part is a word of the same needs ("eye" + "glasses"); "medicare" and "preschool" are
    # not kinds of care or school.
    found = [candidate for candidate in sorted(words) if candidate != word and len(candidate) > len(word) + 2
             and candidate.endswith(word) and candidate[: -len(word)] in words]  # fmt: skip
    return tuple(found)


def _needs(text: str) -> list[Need]:
    # Words with case kept (capitals-only abbreviations need it) and "," where the question lists needs.
    original: list[str] = []
    for piece in _SPLIT_PUNCTUATION.sub(" , ", text).split():
        for word in [","] if piece == "," else vocabulary.original_tokens(piece):
            original.extend(vocabulary.split_compound(word) or [word])  # "foodbank": food bank
    flat = [word if word == "," else word.lower() for word in original]
    positions = [index for index, word in enumerate(flat) if word != ","]
    matches = vocabulary.find_terms_in_words(
        [original[index] for index in positions], fuzzy=True, is_word=is_known_word
    )
    remapped = [
        vocabulary.TermMatch(
            m.category,
            m.term,
            positions[m.start],
            positions[m.end],
            m.fuzzy,
            tuple(positions[p] for p in m.positions),
        )
        for m in matches
    ]
    # "Medicaid ID [removed]", "SNAP number": a program named as the label of an identifier is not a need. A
    # label word right before a need of its own is no label: "dentist no insurance".
    in_terms = {m.positions[0] for m in remapped if len(m.positions) > 1 and m.positions[1] == m.positions[0] + 1}
    remapped = [m for m in remapped if not (m.end + 1 < len(flat) and flat[m.end + 1] in _IDENTIFIER_LABELS
                                            and m.end + 1 not in in_terms and _names_a_program(m, flat))]  # fmt: skip
    used = {p for m in remapped for p in m.positions}
    needs: list[Need] = []
    listed: list[bool] = []  # whether the segment was listed with "and" (a need) rather than set off by commas
    for start, end in _segments(flat, remapped):
        need = _need_from(original, start, end, remapped, used)
        if need is None:
            continue
        if not need.categories and needs and needs[-1].categories and len(need.extra_words) == 1:
            # "rides to dialysis and back": a lone leftover word refines the need before it.
            last = needs[-1]
            needs[-1] = Need(
                last.categories, last.term_words, last.extra_words + need.extra_words, last.matched_terms,
                f"{last.phrase} {need.phrase}".strip(), last.fuzzy,
            )  # fmt: skip
            continue
        needs.append(need)
        # Listed with "and", a clause ("and payday is a week away") tells the story; a thing names a need.
        listed.append(start > 0 and flat[start - 1] in _CONJUNCTIONS and _CLAUSE_VERBS.isdisjoint(flat[start:end]))
    if any(need.categories for need in needs):
        # Around a recognized need, words set off by commas are context ("pt lives at …, age 6"), not a need.
        needs = [need for need, was_listed in zip(needs, listed, strict=True) if need.categories or was_listed]
    return _merge_same_category(needs)


def _names_a_program(match: vocabulary.TermMatch, flat: list[str]) -> bool:
    # "no" labels an identifier only after a program ("Medicaid no."): "no ride no bed" lists what is missing.
    return flat[match.end + 1] != "no" or bool(vocabulary.expansion(match.term)) or match.term.lower() in _PROGRAMS


def _merge_same_category(needs: list[Need]) -> list[Need]:
    """ "food pantry and groceries" asks for one thing; keep one need per leading category."""
    merged: list[Need] = []
    for need in needs:
        twin = next((n for n in merged if n.category and n.category == need.category), None)
        if twin is None:
            merged.append(need)
            continue
        index = merged.index(twin)
        merged[index] = Need(
            tuple(dict.fromkeys(twin.categories + need.categories)),
            tuple(dict.fromkeys(twin.term_words + need.term_words)),
            tuple(dict.fromkeys(twin.extra_words + need.extra_words)),
            tuple(dict.fromkeys(twin.matched_terms + need.matched_terms)),
            f"{twin.phrase} {need.phrase}".strip(),
            twin.fuzzy or need.fuzzy,
        )
    return merged


@cache
def _spanish_only_terms() -> frozenset[str]:
    spanish = {
        vocabulary.normalize(term) for category in vocabulary.categories() for term in category.spanish
    }
    english = {
        vocabulary.normalize(term) for category in vocabulary.categories() for term in category.synonyms
    }
    return frozenset(spanish - english)


_SPANISH_CUES = frozenset(
    {"ayuda", "necesita", "necesito", "quien", "donde", "para", "con", "una", "hay", "puede"}
)


def _spanish_share(text: str) -> bool:
    """Whether the question is in Spanish: a Spanish-only need term plus a Spanish word, or mostly such terms."""
    normalized = vocabulary.normalize(text)
    words = set(normalized.split())
    padded = f" {normalized} "
    hits = sum(
        1 for term in _spanish_only_terms() if (term in words if " " not in term else f" {term} " in padded)
    )
    return hits > 0 and (bool(words & _SPANISH_CUES) or hits >= len(words) / 2)


_MODIFIER_WORDS = tuple(sorted({*LANGUAGES, "seniors", "elderly", "veterans", "youth", "teens", "children", "kids",
                                 "families", "family", "parents", "women", "mothers", "pregnant", "immigrants",
                                 "refugees", "students", "disabilities", "homeless"}))  # fmt: skip


def _respell_modifiers(text: str) -> str:
    """ "sheltor for famlies in Spansh": a misspelled language or group of people, corrected before it is read
    (words of a dictionary are left alone)."""
    def fix(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        if len(lower) < 5 or lower in _MODIFIER_WORDS or is_known_word(lower):
            return word
        best = process.extractOne(lower, _MODIFIER_WORDS, scorer=fuzz.ratio, score_cutoff=85)
        return best[0] if best and best[0][0] == lower[0] else word

    return re.sub(r"[A-Za-z]+", fix, text)


def _lost(text: str, shorter: str, what: str) -> set[str]:
    """The terms (what="term") or needs (what="category") the vocabulary finds in `text` but not in `shorter`."""
    if text == shorter:
        return set()
    return ({getattr(m, what) for m in vocabulary.find_terms(text)}
            - {getattr(m, what) for m in vocabulary.find_terms(shorter)})  # fmt: skip


def _without_opening(text: str) -> str:
    """The question without how it opens ("who can help with"), unless the opening starts a need's words
    ("looking for work"; but "help with a tax audit" is not "tax help")."""
    stripped = _ASKING.sub(" ", text, count=1)
    words = vocabulary.tokens(text)
    if stripped == text or not words:
        return stripped
    first = vocabulary.fold(words[0])
    opens_a_term = any(vocabulary.fold(vocabulary.tokens(term)[0]) == first for term in _lost(text, stripped, "term"))
    return text if opens_a_term else stripped


def parse_query(text: str) -> ParsedQuery:
    """Needs and modifiers in a (redacted) question. An empty `needs` means nothing searchable was asked."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    working = _respell_modifiers(_plain_wording(_strip_placeholders(text)))
    working = _without_opening(working)
    languages, working = _take_languages(working)
    unknown_languages, working = _take_unknown_languages(working)
    open_when, without_times = take_open_when(working)
    # A time inside the only words that name a need stays in them: "a bed tonight" is shelter, asked for tonight.
    working = working if _lost(working, without_times, "category") else without_times
    place, working, place_cue = take_place(working, _FILLER)
    zip_code, working = take_zip(working)
    if place and ZIP.fullmatch(place):
        zip_code, place = place, None
    without_populations = working
    populations, population_words, without_populations = take_populations(without_populations)
    needs = _needs(without_populations)
    if populations and not any(need.categories for need in needs):
        # "who helps veterans?" / "anything for seniors": the population is the need itself.
        needs = _needs(working)
        populations = [p for p in populations if not any(_population_is_need(p, need) for need in needs)]
    needs = story.asked_first(needs, working, without_populations)
    modifiers = Modifiers(
        place=place,
        zip_code=zip_code,
        place_cue=place_cue,
        languages=tuple(languages),
        unknown_languages=tuple(unknown_languages),
        populations=tuple(populations),
        population_words=tuple(population_words) if populations else (),
        asked_in_spanish=_spanish_share(text),
        open_when=tuple(open_when),
        grown=says_a_grown_person(text),
    )
    return ParsedQuery(text=text, needs=tuple(needs), modifiers=modifiers)


_POPULATION_CATEGORY = {"seniors": "aging-disability", "veterans": "veterans", "disabilities": "aging-disability",
                        "homeless": "shelter", "children": "childcare"}  # fmt: skip


def _population_is_need(population: str, need: Need) -> bool:
    return _POPULATION_CATEGORY.get(population) in need.categories
