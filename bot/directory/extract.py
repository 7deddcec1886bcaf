"""Pulls a community resource's public details out of free text a care team member typed.

The input is ALREADY redacted (bot.platform.privacy.redact runs first); this module only recognizes the
resource's own name, contact details, hours, languages, categories, populations and eligibility cues. It is pure:
no database, no Slack. Example:

    extract_fields("Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken")
    -> name="Eastside Food Pantry", phone="555-0142", address="12 Main St", city="Eastport",
       hours="Tue/Thu 2-6pm", languages=["Spanish"], categories=["food", ...], description="groceries"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.directory.fields import MAX_LENGTHS, TEXT_FIELDS, ResourceFields
from bot.directory.names import ORGANIZATION_WORD, ORGANIZATION_WORDS, judge_name
from bot.platform import vocabulary

# --- recognizers --------------------------------------------------------------------------------------------

# Placeholders the redactor leaves behind, e.g. "[name removed]" or "[REDACTED]"; never part of a resource field.
_PLACEHOLDER = re.compile(r"\[[^\[\]]{0,40}\]")
_PLACEHOLDER_WITH_CUE = re.compile(
    r"(?:\b(?:pt|patient|client|mr|mrs|ms|miss|dob|mrn|born|b|her|his|their|cell|phone|email|lives at|name is|ssn|"
    r"member|id|medicaid|medicare|insurance|#)\.?:?\s*){0,3}\[[^\[\]]{0,40}\]",
    re.IGNORECASE,
)

_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(
    r"\b(?:https?://[^\s,;<>()]+|www\.[^\s,;<>()]+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:org|com|net|gov|edu|us|info|io|co)(?:/[^\s,;<>()]*)?)(?=$|[\s,;<>()])",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?:\b(?:call|phone|tel|ph|text)\.?:?\s*)?(?<![\w/-])(?P<number>(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])?\d{3}[\s.-]\d{4}"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?)(?![\w/-])",
    re.IGNORECASE,
)
# Short community lines (211, 311, 988) only when the text says to call or text them.
_HOTLINE = re.compile(r"\b(?:call|dial|text)\s+(211|311|511|988)\b", re.IGNORECASE)

_STREET_SUFFIX = (
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Pkwy|Parkway|"
    r"Hwy|Highway|Ter|Terrace|Cir|Circle|Sq|Square|Loop|Trl|Trail|Pike|Row|Plaza|Broadway)"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West)\s+)?"
    r"(?:[A-Za-z0-9][\w.'-]*\s+){0,4}?" + _STREET_SUFFIX + r"\b\.?(?:\s+(?:NE|NW|SE|SW|[NSEW])\b\.?)?"
    # a numbered highway: "2190 Hwy 54"
    r"(?:(?:(?<=Hwy)|(?<=Highway))\s+\d{1,4}[A-Z]?\b)?"
    r"(?:\s*(?:,\s*)?(?:Suite|Ste\.?|Unit|Apt\.?|Room|Rm\.?|#)\s*[\w-]+)?"
)
# "P.O. Box 12" is an address too.
_PO_BOX = re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.IGNORECASE)

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "GU",
        "VI",
    ]
)

_DAY = (
    r"(?:mon(?:day)?s?|tue(?:s|sday)?s?|wed(?:nesday)?s?|thu(?:r|rs|rsday)?s?|fri(?:day)?s?|sat(?:urday)?s?|"
    r"sun(?:day)?s?|weekdays|weekends|daily|every\s?day|m-f|mon-fri|lunes|martes|mi[eé]rcoles|jueves|viernes|"
    r"s[aá]bados?|domingos?)"
)
# Between days: "Tue/Thu", "Mon-Fri", "Mon, Wed & Fri", "Mon Wed Fri", "lunes a viernes".
_DAY_SEPARATOR = r"(?:\s*(?:/|-|–|,|&|\band\b|\bto\b|\bthru\b|\bthrough\b|\ba\b|\by\b)\s*|\s+)"
# "10a-2p", "7:30a-5:30p": a or p right after the digits is am or pm.
_TIME = r"(?:\d{1,2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.)|[ap](?![a-z]))?|noon|midnight)"
_TIME_RANGE = _TIME + r"\s*(?:-|–|to|until)\s*" + _TIME
_HOURS = re.compile(
    r"(?:\b(?:open|hours)\s*:?\s+)?(?:\b" + _DAY + r"(?:" + _DAY_SEPARATOR + _DAY + r")*\.?\s*(?:from\s+)?)?"
    r"(?:\b" + _TIME_RANGE + r"(?!\d)|\b(?:24/7|24\s?hours?|open\s+24\s+hours))"
    r"|\b" + _DAY + r"(?:" + _DAY_SEPARATOR + _DAY + r")+\b",
    re.IGNORECASE,
)
# A time range must mention am/pm, a colon or a day to count as hours (so "ages 18-64" is not hours).
_CLOCKISH = re.compile(r"am|pm|a\.m\.|p\.m\.|\d[ap]\b|:|noon|midnight|24/7|24\s?hours?", re.IGNORECASE)

LANGUAGES = {
    "english": "English",
    "spanish": "Spanish",
    "espanol": "Spanish",
    "español": "Spanish",
    "vietnamese": "Vietnamese",
    "chinese": "Chinese",
    "mandarin": "Mandarin",
    "cantonese": "Cantonese",
    "russian": "Russian",
    "ukrainian": "Ukrainian",
    "arabic": "Arabic",
    "somali": "Somali",
    "tagalog": "Tagalog",
    "korean": "Korean",
    "french": "French",
    "haitian creole": "Haitian Creole",
    "creole": "Haitian Creole",
    "portuguese": "Portuguese",
    "hmong": "Hmong",
    "amharic": "Amharic",
    "farsi": "Farsi",
    "persian": "Farsi",
    "dari": "Dari",
    "pashto": "Pashto",
    "hindi": "Hindi",
    "punjabi": "Punjabi",
    "urdu": "Urdu",
    "bengali": "Bengali",
    "nepali": "Nepali",
    "burmese": "Burmese",
    "karen": "Karen",
    "swahili": "Swahili",
    "japanese": "Japanese",
    "polish": "Polish",
    "romanian": "Romanian",
    "tigrinya": "Tigrinya",
    "oromo": "Oromo",
    "khmer": "Khmer",
    "lao": "Lao",
    "thai": "Thai",
    "navajo": "Navajo",
    "german": "German",
    "italian": "Italian",
    "asl": "ASL",
    "american sign language": "ASL",
    "sign language": "ASL",
    "k'iche'": "K'iche'",
    "mam": "Mam",
}
_LANGUAGE_WORDS = re.compile(
    r"\b(" + "|".join(sorted((re.escape(k) for k in LANGUAGES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
# A language name only counts when the text says it is spoken or offered, or the segment is just a language list.
_LANGUAGE_CUE = re.compile(
    r"\b(spoken|speaks?|speaking|staff|interpret\w*|translat\w*|bilingual|habla|hablamos|language|languages|"
    r"available|services in|en)\b|-speaking",
    re.IGNORECASE,
)
_LANGUAGE_LIST_ONLY = re.compile(
    r"^(?:\s*(?:and|&|/|,|\+|or|y)?\s*(?:" + _LANGUAGE_WORDS.pattern[3:-3] + r"))+\s*$", re.IGNORECASE
)

POPULATIONS = {
    "seniors": r"seniors?|elderly|older adults?|aged? (?:55|60|62|65)\s?\+|(?:55|60|62|65)\+|over (?:55|60|62|65)",
    "veterans": r"veterans?|vets\b|military families",
    "youth": r"youth|teens?|teenagers?|young adults?|adolescents?",
    "children": r"children|kids|infants?|toddlers?|babies",
    "families": r"families|family|parents",
    "women": r"women|mothers|moms",
    "pregnant": r"pregnant|pregnancy|prenatal|postpartum|expecting",
    "lgbtq": r"lgbtq\+?|lgbt|queer|transgender|trans\b",
    "immigrants": r"immigrants?|refugees?|asylum|newcomers|undocumented",
    "homeless": r"homeless|unhoused|experiencing homelessness|unsheltered",
    "disabilities": r"disabilit\w*|disabled|wheelchair",
    "students": r"students?",
}
_POPULATION_PATTERNS = {
    key: re.compile(r"\b(?:" + pattern + r")", re.IGNORECASE) for key, pattern in POPULATIONS.items()
}

_ELIGIBILITY_CUE = re.compile(
    r"\b(?:eligib\w*|income|low-income|must|only|requires?d?|requirement|ID|no id|photo id|proof|residents? of|"
    r"resident|live in|ages?\s+\d+|under \d+|over \d+|referral|uninsured|no insurance|medicaid|medi-cal|"
    r"sliding scale|free|no cost|low cost|fee|walk-?ins?|appointment|appt|by appointment|snap|ebt|wic|"
    r"documentation|undocumented welcome|no questions asked|open to all|anyone)\b|\b\d+\s?\+",
    re.IGNORECASE,
)

# Capitalized words (case-sensitive) ending in an organization word (any case), e.g. "Dr. Patel's Free Clinic".
_ORG_NAME = re.compile(
    r"((?:[A-Z0-9][\w'’&.-]*)(?:\s+(?:(?:of|the|for|and|&|de|la|del|los|las|on|at|in)\s+)?"
    r"(?:[A-Z0-9][\w'’&.-]*))*\s+(?i:"
    + ORGANIZATION_WORDS
    + r")\b(?:\s+(?i:"
    + ORGANIZATION_WORDS
    + r")\b)*(?:\s+(?:of|for)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)?)"
)
# A run of two or more capitalized words at the start ("Meals on Wheels delivers ...").
_LEADING_PROPER = re.compile(
    r"^([A-Z][\w'’&.-]*(?:\s+(?:(?:of|on|the|for|and|&|de|la|del)\s+)?[A-Z0-9][\w'’&.-]*)+)"
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:log|add|new|save)\s+(?:a\s+|this\s+)?(?:community\s+)?resource\s*:?\s*|"
    r"(?:fyi|note|resource|tip)\s*:\s*)",
    re.IGNORECASE,
)
# Mass mentions and user groups people type (<!here>, <!subteam^S1|@nurses>, a bare @channel) belong to no field.
_MASS_MENTION = re.compile(
    r"<!(?:channel|here|everyone|subteam\^[A-Z0-9]+)(?:\|[^>]*)?>|(?<![\w`])@(?:channel|here|everyone)\b",
    re.IGNORECASE,
)
_AFTER_PREPOSITION = re.compile(
    r"\b(?:from|at|with|through|via|called|named|try|contact|call|to)\s+"
    r"([A-Z][\w'’&-]*(?:\s+(?:(?:of|on|the|for|and|&|de|la|del)\s+)?[A-Z0-9][\w'’&-]*){0,4})"
)
_BRAND_WORD = re.compile(r"^(?:[A-Za-z]+\d[\w-]*|[A-Z][a-z]+[A-Z]\w*|[A-Z]{3,})$")  # Rides4Health, FoodCorps, YMCA
# Sentence ends split segments too, but not after "Dr.", "St." or "Jr." inside a name.
_SEGMENT_SPLIT = re.compile(
    r"\s*(?:[,;\n|]|\s[–—-]\s|\s·\s|(?<!\bDr)(?<!\bSt)(?<!\bMt)(?<!\bFt)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bJr)(?<!\bSr)"
    r"\.\s+(?=[A-Z]))\s*"
)


_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]{2,80}?)\*(?![\w*])")
_DANGLING = re.compile(r"(?:\s+(?:at|on|in|to|from|through|by|with|and|or|the|a|an))+$", re.IGNORECASE)


def _clean(value: str) -> str:
    value = _PLACEHOLDER.sub(" ", value)
    value = " ".join(value.split()).strip(" ,;:.-–—()*`")
    # Words left hanging where a detail was cut out ("apply at [address]").
    value = _DANGLING.sub("", value).strip(" ,;:.-–—()*`")
    # "Maison d'Accueil (MAA)": a closing bracket stripped above closes what it opened.
    return value + ")" if value.count("(") > value.count(")") else value


@dataclass
class _Segment:
    text: str
    used: bool = False


def _take(pattern: re.Pattern, segments: list[_Segment], group: int | str = 0) -> str:
    """First match of `pattern` in any segment; the matched text is cut out of that segment."""
    for segment in segments:
        match = pattern.search(segment.text)
        if match:
            segment.text = (segment.text[: match.start()] + " " + segment.text[match.end() :]).strip()
            return match.group(group)
    return ""


def _extract_languages(segments: list[_Segment]) -> list[str]:
    found: list[str] = []
    for segment in segments:
        if not _LANGUAGE_WORDS.search(segment.text):
            continue
        if not (_LANGUAGE_CUE.search(segment.text) or _LANGUAGE_LIST_ONLY.match(segment.text)):
            continue
        for match in _LANGUAGE_WORDS.finditer(segment.text):
            language = LANGUAGES[match.group(1).lower()]
            if language not in found:
                found.append(language)
        segment.text = ""
        segment.used = True
    return found


def _extract_hours(segments: list[_Segment]) -> str:
    for segment in segments:
        for match in _HOURS.finditer(segment.text):
            span = match.group(0)
            if not (_CLOCKISH.search(span) or re.search(_DAY, span, re.IGNORECASE)):
                continue
            segment.text = (segment.text[: match.start()] + " " + segment.text[match.end() :]).strip()
            return _clean(re.sub(r"^(?:open|hours)\s*:?\s+", "", span, flags=re.IGNORECASE))
    return ""


def _extract_address(segments: list[_Segment]) -> tuple[str, str, str, str]:
    """(address, city, state, postal_code). The city is what follows the street in its segment, or the next one."""
    for index, segment in enumerate(segments):
        match = _ADDRESS.search(segment.text) or _PO_BOX.search(segment.text)
        if not match:
            continue
        address = _clean(match.group(0))
        rest = segment.text[match.end() :].strip(" ,")
        segment.text = segment.text[: match.start()].strip()
        following = [s for s in segments[index + 1 :] if s.text]
        if not rest and following and _looks_like_place(following[0].text):
            rest = following[0].text
            following[0].text = ""
        city, state, postal_code = _split_place(rest)
        following = [s for s in following if s.text]
        if not state and not postal_code and following:
            _, state, postal_code = _split_place(following[0].text)
            if (state or postal_code) and re.fullmatch(
                r"[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?|\d{5}(?:-\d{4})?", following[0].text.strip()
            ):
                following[0].text = ""
            else:
                state = postal_code = ""
        if rest and not city and not state and not postal_code:
            segment.text = (segment.text + " " + rest).strip()
        return address, city, state, postal_code
    return "", "", "", ""


_IN_CITY = re.compile(
    r"^(?:located\s+)?(?:in|en)\s+([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}?)(?:,?\s+([A-Z]{2}))?$"
)


def _take_city_cue(segments: list[_Segment]) -> tuple[str, str]:
    """A segment that is just "in Eastport" (or "in Eastport, OR") names the city."""
    for segment in segments:
        match = _IN_CITY.match(segment.text.strip())
        if match and (not match.group(2) or match.group(2) in US_STATES):
            segment.text = ""
            return match.group(1), match.group(2) or ""
    return "", ""


def _looks_like_place(text: str) -> bool:
    """ "Eastport" or "Eastport OR 97201": one to three capitalized words, optionally a state and ZIP."""
    return bool(
        re.fullmatch(r"(?:[A-Z][\w.'-]*\s?){1,3}(?:\s*,?\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?", text.strip())
    )


def _split_place(text: str) -> tuple[str, str, str]:
    text = text.strip(" ,")
    if not text:
        return "", "", ""
    state = postal_code = ""
    match = re.search(r"(?:,?\s*\b([A-Z]{2})\b)?(?:\s*,?\s*(\d{5}(?:-\d{4})?))?\s*$", text)
    if match and (match.group(1) or match.group(2)):
        if match.group(1) and match.group(1) not in US_STATES:
            return _city_only(text), "", ""
        state, postal_code = match.group(1) or "", match.group(2) or ""
        text = text[: match.start()].strip(" ,")
    return _city_only(text), state, postal_code


def _city_only(text: str) -> str:
    # A city is a few capitalized words; anything longer is not a city ("near the bus stop").
    words = text.split()
    if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
        return _clean(text)
    return ""


def _extract_populations(text: str) -> list[str]:
    return [key for key, pattern in _POPULATION_PATTERNS.items() if pattern.search(text)]


def _leading_names(candidate: str) -> list[tuple[str, str]]:
    """(name, what is left of the segment) read from the first segment, most likely first; none for a long
    sentence without an organization's name."""
    found = []
    head, colon, tail = candidate.partition(": ")
    if colon and len(head.split()) <= 6 and head[:1].isupper():
        found.append((_clean(head), tail))  # "Riverside Rent Relief: one-time rent help"
    # A short segment is the name as typed ("Eastside Food Pantry"); in a sentence, find the organization.
    short = len(candidate.split()) <= 6
    if short and (candidate[:1].isupper() or candidate[:1].isdigit()):
        found.append((candidate, ""))
    match = _ORG_NAME.search(candidate)
    if match and match.group(1)[:1].isupper():
        # Leading the segment, the name is cut off; inside a sentence, the sentence stays whole (reads better).
        found.append((_clean(match.group(1)), candidate[match.end() :].strip() if match.start() == 0 else candidate))
    match = _LEADING_PROPER.match(candidate)
    if match:
        found.append((_clean(match.group(1)), candidate[match.end() :].strip()))
    if short:
        found.append((candidate, ""))
    return found


def _brand(text: str) -> str:
    """ "from Rides4Health", "with Catholic Charities": a proper name after a preposition, when it reads as an
    organization (an organization word, or a word like "Rides4Health", "FoodCorps", "YMCA"); never a plain
    "Maria Lopez" or a town."""
    for match in _AFTER_PREPOSITION.finditer(text):
        name = match.group(1)
        words = name.split()
        if ORGANIZATION_WORD.search(name) or any(_BRAND_WORD.search(w) for w in words):
            return _clean(name)
    return ""


def _extract_name(segments: list[_Segment]) -> str:
    """The resource's name: leading the first segment, else an organization's name anywhere, else a brand after
    a preposition. Every candidate must pass `judge_name`; a segment about a person is dropped altogether."""
    for segment in segments:
        candidate = _clean(segment.text)
        if not candidate:
            continue
        # Typed in bold ("mentioned *Asian Pacific Senior Svcs*"), the name is marked as such.
        bold = _BOLD.search(segment.text)
        leading = _leading_names(candidate)
        if bold:
            leading.insert(0, (_clean(bold.group(1)), _clean(segment.text[: bold.start()] + " " + segment.text[bold.end() :])))
        for name, rest in leading:
            verdict = judge_name(name)
            if verdict.plausible:
                segment.text = rest
                return verdict.name
            if verdict.about_a_person:
                segment.text = ""  # "Lorena Castellanos needs food this week" is kept nowhere
                break
        break
    for segment in segments:
        for match in _ORG_NAME.finditer(segment.text):
            name = _clean(match.group(1))
            if name[:1].isupper() and judge_name(name).plausible:
                return name
    for segment in segments:
        name = _brand(segment.text)
        if name and judge_name(name).plausible:
            return name
    return ""


def extract_fields(text: str) -> ResourceFields:
    """The resource details found in `text` (already redacted). Fields not found are left empty."""
    text = _LEADING_FILLER.sub("", _MASS_MENTION.sub(" ", text or "").strip())
    segments = []
    for index, part in enumerate(p for p in _SEGMENT_SPLIT.split(text) if p.strip()):
        if _PLACEHOLDER.search(part):
            # A segment the redactor took something out of is about the patient ("pt [name removed] DOB ..."):
            # keep only the first segment (it usually starts with the resource's name), without the cue words.
            # Later segments keep only their sentences that held nothing removed ("… 555-0139. pt's home: [...]").
            if index > 0:
                segments.extend(
                    _Segment(sentence)
                    for sentence in _SENTENCE_END.split(part)
                    if sentence.strip() and not _PLACEHOLDER.search(sentence)
                )
                continue
            part = _PLACEHOLDER_WITH_CUE.sub(" ", part)
        segments.append(_Segment(part))
    text = _PLACEHOLDER.sub(" ", text)
    result = ResourceFields()

    result.email = _take(_EMAIL, segments)
    website = _take(_URL, segments)
    result.website = website.rstrip(".")
    phone = _take(_PHONE, segments, group="number")
    if not phone:
        phone = _take(_HOTLINE, segments, group=1)
    result.phone = phone.strip()
    result.hours = _extract_hours(segments)
    result.address, result.city, result.state, result.postal_code = _extract_address(segments)
    result.languages = _extract_languages(segments)
    if not result.city:
        result.city, state = _take_city_cue(segments)
        result.state = result.state or state

    result.name = _extract_name(segments)
    for segment in segments:
        if segment.text and judge_name(segment.text).reason == "patient":
            segment.text = ""  # "she got a free ride …": about the patient, not the resource
    eligibility_parts = []
    for segment in segments:
        if segment.text and _ELIGIBILITY_CUE.search(segment.text) and not _ORG_NAME.fullmatch(segment.text):
            eligibility_parts.append(_clean(segment.text))
            segment.text = ""
    result.eligibility = "; ".join(p for p in eligibility_parts if p)

    remaining = [_clean(s.text) for s in segments if _clean(s.text)]
    result.description = ", ".join(remaining)

    result.categories = vocabulary.detect_categories(text)
    result.populations = _extract_populations(text)
    return truncate(result)


def truncate(result: ResourceFields) -> ResourceFields:
    """Cut every field to its column's length (on a word boundary where possible)."""
    for name in TEXT_FIELDS:
        value = getattr(result, name)
        limit = MAX_LENGTHS[name]
        if len(value) > limit:
            cut = value[:limit].rsplit(" ", 1)[0] if " " in value[:limit] else value[:limit]
            setattr(result, name, cut.rstrip(" ,;"))
    return result


def looks_like_resource(found: ResourceFields) -> bool:
    """Heuristic for watched channels: a name plus a way to reach it (phone, website, email or address) and a
    need category. Chat about a resource without contact details does not qualify."""
    reachable = bool(found.phone or found.website or found.email or found.address)
    named = bool(found.name) and bool(_ORG_NAME.search(found.name) or found.categories)
    return reachable and named and bool(found.categories)
