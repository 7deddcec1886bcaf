"""What a message addressed to the bot is: a need to answer, a greeting, thanks, a request for help, or a reply
refining an answer. Pure: no database, no Slack. The text is redacted before it is read.

    classify("need food for a family of 4") -> "search"      classify("thanks!") -> "thanks"
    classify("help") -> "help"                                classify("asdkjhasd") -> "unplaceable"
    refine(previous, "only in Eastport") -> the previous needs, near Eastport
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import replace

from wordfreq import zipf_frequency

from bot.platform.privacy import redact
from bot.platform.privacy.allowlist import keep_known_words
from bot.search.emergency import is_medical_emergency
from bot.search.query import Modifiers, Need, ParsedQuery, asks_for_something, parse_query, take_populations

__all__ = ["classify", "from_json", "refine", "to_json"]

_HELP = re.compile(r"^\s*(?:help|\?|ayuda|what can you do\??|how does this work\??|commands?)\s*[?!.]*\s*$", re.I)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|hiya|howdy|yo|hola|buenos d[ií]as|buenas(?: tardes| noches)?|good (?:morning|afternoon|"
    r"evening)|morning|what'?s up|sup)\b[\s!.,]*(?:there|team|partnerbot|bot|all|everyone|friend)?[\s!.,:)]*$",
    re.I,
)
_THANKS = re.compile(
    r"^\s*(?:thanks?|thank you|thx|ty|tysm|gracias|muchas gracias|cheers|great|perfect|awesome|got it|ok(?:ay)?|"
    r"cool|nice|sounds good|will do|that helps?|that helped|this helped)\b[\s!.,]*(?:so much|a lot|again|"
    r"very much|partnerbot|bot|everyone|all)?[\s!.,:)]*$",
    re.I,
)

# Gratitude anywhere in a message that asks for nothing.
_THANKING = re.compile(r"\b(?:thanks|thank you|thank u|thx|ty|tysm|gracias|appreciate (?:it|you|that|this))\b", re.I)


_SHORT_PHRASE = 8  # words: longer messages that ask for nothing are chatter
_SPECIFIC_ZIPF = 4.5  # a word rarer than this (under ~30 per million) names a thing, not small talk


def _names_a_thing(parsed: ParsedQuery) -> bool:
    """A short phrase of real words with an uncommon one among them ("pet grooming", "piano lessons for adults"),
    not small talk ("see you tomorrow", "will follow up")."""
    words = [word for need in parsed.needs for word in keep_known_words(need.phrase).split()]
    return 0 < len(words) <= _SHORT_PHRASE and any(zipf_frequency(word, "en") < _SPECIFIC_ZIPF for word in words)


def classify(text: str) -> str:
    """ "search", "greeting", "thanks", "help" or "unplaceable" (which gets the help card)."""
    text = (text or "").strip()
    if not text or _HELP.match(text):
        return "help"
    if _GREETING.match(text):
        return "greeting"
    if _THANKS.match(text):
        return "thanks"
    redacted = redact(text).text
    if is_medical_emergency(redacted):
        return "search"  # answered at once with 911, never with the help card
    parsed = parse_query(redacted)
    if any(need.categories for need in parsed.needs):
        return "search"
    # No need the vocabulary knows, but worded as a request: answered honestly ("nobody covers this"), unless
    # the words are not words at all.
    asking = asks_for_something(redacted) or not parsed.modifiers.is_empty
    if parsed.needs and asking and any(keep_known_words(need.phrase) for need in parsed.needs):
        return "search"
    if not parsed.needs and redacted != text and asks_for_something(redacted):
        return "search"  # only patient details and a request: the answer asks for the need
    if parsed.needs and not _THANKING.search(text) and _names_a_thing(parsed):
        return "search"  # "pet grooming", "tattoo removal": a thing nobody may offer, answered honestly
    if _THANKING.search(text):
        return "thanks"  # "thanks so much, that worked!": no need in it, and gratitude is not a question
    return "unplaceable"


# ---------------------------------------------------------------------------------------------------------------
# Threads: the parsed question kept with an answer, and replies that refine it

_MORE = re.compile(r"^\s*(?:more|show more|more please|any more|anything else|others?|m[aá]s)\b[\s?!.]*$", re.I)


def _known_words_only(need: Need) -> Need:
    """The need with only the words the allow-list keeps: a name redaction missed ("for 'Pops' Jenkins") is not
    stored with the thread."""
    kept = set(keep_known_words(need.phrase, extra=need.term_words).split())
    return replace(need, phrase=" ".join(word for word in need.phrase.split() if word in kept),
                   extra_words=tuple(word for word in need.extra_words if word in kept),
                   qualifiers=tuple(word for word in need.qualifiers if word in kept))  # fmt: skip


def to_json(parsed: ParsedQuery) -> str:
    """Needs and modifiers, without the question's text, and only the need words the allow-list keeps."""
    modifiers = replace(parsed.modifiers, unknown_place=None, unknown_languages=())  # only ever echoed, never kept
    data = {
        "needs": [dataclasses.asdict(_known_words_only(need)) for need in parsed.needs],
        "modifiers": dataclasses.asdict(modifiers),
    }
    return json.dumps(data, separators=(",", ":"))[:4000]


def from_json(value: str) -> ParsedQuery | None:
    try:
        data = json.loads(value)
        needs = tuple(Need(**{k: tuple(v) if isinstance(v, list) else v for k, v in need.items()})
                      for need in data["needs"])  # fmt: skip
        modifiers = Modifiers(**{k: tuple(v) if isinstance(v, list) else v for k, v in data["modifiers"].items()})
    except (ValueError, KeyError, TypeError):
        return None
    return ParsedQuery(text="", needs=needs, modifiers=modifiers)


def refine(previous: ParsedQuery, reply: str) -> tuple[ParsedQuery, bool] | None:
    """The question a thread reply asks, given the one answered above it, and whether it asks for more of the
    same; None when the reply is not about the search (thanks, chatter)."""
    if _MORE.match(reply or ""):
        return previous, True
    # "what about for seniors?": in a reply, a group of people narrows the answer; it is not a new need.
    populations, words, rest = take_populations(redact(reply or "").text)
    parsed = parse_query(rest)
    new = replace(parsed.modifiers, populations=tuple(populations), population_words=tuple(words))
    old = previous.modifiers
    modifiers = Modifiers(
        place=new.place or (None if new.zip_code else old.place),
        zip_code=new.zip_code or (None if new.place else old.zip_code),
        place_cue=new.place_cue if (new.place or new.zip_code) else old.place_cue,
        languages=new.languages or old.languages,
        unknown_languages=new.unknown_languages,
        populations=tuple(dict.fromkeys(old.populations + new.populations)),
        population_words=tuple(dict.fromkeys(old.population_words + new.population_words)),
        asked_in_spanish=old.asked_in_spanish or new.asked_in_spanish,
        grown=old.grown or new.grown,
    )
    needs = tuple(need for need in parsed.needs if need.categories)
    if not needs and new.is_empty and not new.unknown_languages:
        return None
    return ParsedQuery(text="", needs=needs or previous.needs, modifiers=modifiers), False

