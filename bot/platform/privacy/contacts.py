"""Whose phone, email or street address is this: the resource's public one, or the patient's?

Phones are found and parsed with `phonenumbers` (Google's libphonenumber: every US way of writing a number,
extensions, +1, dots, brackets), street addresses with a pattern and then parsed with `usaddress` (house number,
street, type, unit), emails with a pattern.

A detail is the patient's when the clause it sits in (back to the last sentence end, semicolon, dash or line
break) names the patient or a relative before it ("pt", "patient", "she", "his", "her son", "family",
"[name removed]") and no organisation word stands between that word and the detail ("She can be reached at …"
is the patient's; "… Lakeview Shelter intake line is …" is the shelter's). A personal webmail address
(gmail, yahoo, a "webmail" domain, ...) is the patient's when a patient word is in the same sentence; a small
pantry's own webmail address with no patient near it stays. Everything else is the resource's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
import usaddress

import bot.platform.privacy.lexicon as lexicon
from bot.platform.privacy.rules import CLAUSE_BREAK, PATIENT_WORDS, _compile

PATIENT, RESOURCE = "patient", "resource"
PHONE_KIND, EMAIL_KIND, ADDRESS_KIND = "phone", "email", "address"

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,4}")
_STREET_ADDRESS = _compile(
    r"(?<![\w\-/])\d{1,6}(?:[a-z]|-\d{1,4})?\s{1,3}(?:[nsew]\.?\s{1,3})?(?:[^\W_][\w%(q)s.\-]{0,25}\s{1,3}){0,3}?"
    r"%(street_suffix)s\b\.?(?:,?\s{0,2}(?:apt|apartment|unit|suite|ste|lot|trlr|#)\.?\s{0,2}#?\s{0,2}[\w\-]{1,6})?"
)
_NOT_A_PHONE = re.compile(r"^\d{5}\s?[\-\u2013]\s?\d{5}$|^\d{3}[ .\-]\d{2}[ .\-]\d{4}$|^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$")
_WEBMAIL = re.compile(
    r"@(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|proton(?:mail)?|pm|gmx|mail"
    r"|comcast|att|sbcglobal|verizon|cox|charter|frontier|earthlink|zoho|yandex|webmail)\.",
    re.IGNORECASE,
)
_ROLE_MAILBOX = re.compile(
    r"^(?:info|contact|hello|office|admin|intake|help|support|frontdesk|reception|team|volunteer|volunteers"
    r"|programs?|services?|director|staff|referrals?|pantry|clinic|shelter|church)\b",
    re.IGNORECASE,
)
# Words that make the detail after them an organisation's: "intake line", "main number", "the pantry's email".
_ORG_MARKER = re.compile(
    r"(?<!\w)(?:line|intake|main|office|front\s{1,3}desk|hotline|helpline|switchboard|fax|website|reception"
    r"|their\s{1,3}(?:number|phone|email)|org|agency)(?!\w)",
    re.IGNORECASE,
)
_CLAUSE_REACH = 90
_PATIENT_WORD_REACH = 5  # words between "she"/"pt" and the detail: "She can be reached at 555-…"
_NAME_REACH = 2  # words between a patient's name and the detail: "Luis Paredes, 612-555-…"
_SENTENCE_REACH = 120


@dataclass(frozen=True)
class Contact:
    """One phone, email or street address found in a text, and whose it is."""

    kind: str  # "phone" | "email" | "address"
    text: str  # as written
    start: int
    end: int
    owner: str  # "resource" | "patient"
    reason: str  # why the owner was chosen, in words
    normalized: str  # E.164 for phones ("+15075550121"), lower case for emails, "77 Birch Lane Unit 2B" for addresses


def _clause_before(text: str, start: int) -> str:
    window_start = max(0, start - _CLAUSE_REACH)
    window = text[window_start:start]
    cut = 0
    for match in CLAUSE_BREAK.finditer(window):
        if match.end() < len(window):
            cut = match.end()
    return window[cut:]


_CAPITAL_RUN = re.compile(
    r"(?<![\w'\u2019])(?-i:[A-Z][a-z\u00e0-\u00ff'\u2019])[\w'\u2019&\-]{0,30}"
    r"(?:[ \t]{1,2}(?:(?:of|the|for|and|de|la|del)[ \t]{1,2})?(?-i:[A-Z][a-z\u00e0-\u00ff'\u2019])[\w'\u2019&\-]{0,30}){0,6}"
)
# Organisation words that are everyday words too count only when capitalised ("pt's home: …" is the patient's).
_WEAK_ORG_WORDS = frozenset(
    ["home", "homes", "house", "houses", "place", "table", "tables", "hall", "care", "health", "food", "foods", "housing", "services", "service", "resources", "resource", "community", "line", "aid", "meals", "kids", "youth", "seniors", "senior", "women's", "works", "store", "shop", "market"]
)
_EVENT_AFTER = re.compile(r"\s{1,3}(?:dates?|appts?|appointments?|hearings?|visits?)\b", re.IGNORECASE)
_ANY_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]{1,30}")
# "her", "his", "their" make a detail the patient's only when the detail is theirs: "her cell", "his home".
_POSSESSIVE_PRONOUN = re.compile(r"(?<!\w)(?:her|his|their|su|sus)\s{1,3}(?:\w+\s{1,3}){0,2}?"
                                 r"(?:cell|phone|number|mobile|email|e-mail|address|home|place|apartment|apt|"
                                 r"tel[eé]fono|celular|correo|direcci[oó]n|casa|contact|info|line"
                                 r"|ig|insta(?:gram)?|fb|facebook|tik\s?tok|snap(?:chat)?|twitter|socials?|handle)"
                                 # Haitian Creole says whose after: "nimewo li" (his number), "adrès li"
                                 r"|(?<!\w)(?:nimewo|telef[oò]n|adr[eè]s|kay)\s{1,3}li(?!\w)", re.IGNORECASE)
# "her", "him", "them" as objects count only when the detail follows as where to reach them: "reach her at".
_OBJECT_PRONOUN = re.compile(r"(?<!\w)(?:her|him|them)\s{0,3}(?:directly\s{1,3})?(?:at|on|via|@|:)\s{0,3}$",
                             re.IGNORECASE)
_WORD = re.compile(r"\w+")
# The label between two identifiers of the patient: "bday [removed], ph 508-…", "DOB …, cell …".
_ASIDE = re.compile(r"\([^()]{0,60}\)")
_CONTACT_LABEL = re.compile(r"(?<!\w)(?:ph|phone|cell|cel|mobile|tel|number|no|num|contact|whatsapp|kakao|email"
                            r"|ig|insta|instagram|fb|facebook|snap|snapchat|tiktok)(?!\w)",
                            re.IGNORECASE)
_PRONOUNS = frozenset({"her", "his", "their", "him", "them", "su", "sus"})


def _org_at(clause: str, name_ends: frozenset[int] = frozenset()) -> int:
    """Position just after the last organisation in `clause` (an organisation word, or two or more capitalised
    words in a row), or -1."""
    last = -1
    for match in _CAPITAL_RUN.finditer(clause):
        words = match.group().split()
        if match.end() in name_ends:
            continue  # a patient's name found earlier, not an organisation
        if len(words) >= 2 and not any(w.strip(".,").lower() in _PRONOUNS for w in words):
            last = max(last, match.end())
    for match in _ANY_WORD.finditer(clause):
        word = match.group()
        if _EVENT_AFTER.match(clause, match.end()):
            continue  # "pt's court date", "clinic appt": the organisation names when, not who
        if lexicon.is_org_word(word) and (word[0].isupper() or word.lower() not in _WEAK_ORG_WORDS):
            last = max(last, match.end())
    marker = max((m.end() for m in _ORG_MARKER.finditer(clause)), default=-1)
    return max(last, marker)


def _words_between(clause: str, position: int) -> int:
    # An aside in brackets and the label of the detail are no distance: "Ana Ruiz (no relation), IG @…"
    return len(_WORD.findall(_CONTACT_LABEL.sub(" ", _ASIDE.sub(" ", clause[position:]))))


def _patient_at(clause: str) -> int:
    """Position just after the last word in `clause` that makes what follows the patient's, or -1: a patient
    word at most a few words before the detail ("She can be reached at", "pt wants info emailed to"), or a
    possessive with a contact word ("her cell", "su teléfono") anywhere in the clause."""
    last = -1
    for match in PATIENT_WORDS.finditer(clause):
        if match.group().lower() in _PRONOUNS or _words_between(clause, match.end()) > _PATIENT_WORD_REACH:
            continue
        last = match.end()
    for match in _POSSESSIVE_PRONOUN.finditer(clause):
        last = max(last, match.end())
    if match := _OBJECT_PRONOUN.search(clause):
        last = max(last, match.end())
    return last


_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[\u2022\u25e6*\-]|\d{1,2}[.)])[ \t]{1,3}")
_LIST_NAME_REACH = 40


def _patients_list_item(text: str, start: int, patient_marks: Sequence[int]) -> bool:
    """Whether the detail is on a list item ("• Kowalski, Stan — 72M — CHF — 555-…") that begins with a name found
    and names no organisation before the detail."""
    line_start = text.rfind("\n", 0, start) + 1
    item = _LIST_ITEM.match(text, line_start)
    if not item:
        return False
    first = bisect.bisect_left(patient_marks, item.end())
    return (first < len(patient_marks) and patient_marks[first] <= min(start, item.end() + _LIST_NAME_REACH)
            and _org_at(text[item.end() : start]) < 0)  # fmt: skip


def owner_of(
    text: str, start: int, end: int, kind: str, patient_marks: Sequence[int] = (), adjacent_marks: Sequence[int] = ()
) -> tuple[str, str]:
    """(owner, reason) for the detail at text[start:end]. `patient_marks`: where names already found end;
    `adjacent_marks`: where other identifiers end (a detail right after one, "…, 4/5/1966, 612-…", is the
    patient's). Both sorted."""
    clause = _clause_before(text, start)
    clause_start = start - len(clause)
    first_mark = bisect.bisect_left(patient_marks, clause_start)
    name_ends = frozenset(mark - clause_start for mark in patient_marks[first_mark : first_mark + 8] if mark <= start)
    org_at = _org_at(clause, name_ends)
    previous = bisect.bisect_right(adjacent_marks, start) - 1
    if previous >= 0 and org_at < 0 and not _WORD.search(_CONTACT_LABEL.sub(" ", text[adjacent_marks[previous]:start])):
        return PATIENT, "it follows another identifier of the patient, with no organisation before"
    if org_at < 0 and _patients_list_item(text, start, patient_marks):
        return PATIENT, "it is on a list item that begins with the patient's name"
    patient_at = _patient_at(clause)
    # The last name that ends inside the clause, if any.
    last_mark = bisect.bisect_right(patient_marks, start) - 1
    if (
        last_mark >= 0
        and patient_marks[last_mark] >= clause_start
        and _words_between(clause, patient_marks[last_mark] - clause_start) <= _NAME_REACH
    ):
        # A name found earlier reads as capitalised words too: at the same place, the name wins.
        patient_at = max(patient_at, patient_marks[last_mark] - clause_start + 1)
    if patient_at >= 0 and patient_at > org_at:
        return PATIENT, "a patient word comes before it in the same clause"
    if kind == EMAIL_KIND:
        value = text[start:end]
        if _WEBMAIL.search(value) and not _ROLE_MAILBOX.match(value):
            around = text[max(0, start - _SENTENCE_REACH) : min(len(text), end + _SENTENCE_REACH)]
            if PATIENT_WORDS.search(around) and org_at < 0:
                return PATIENT, "a personal webmail address next to a patient"
    if org_at >= 0:
        return RESOURCE, "an organisation comes before it"
    return RESOURCE, "no patient word near it"


def _phones(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=phonenumbers.Leniency.POSSIBLE):
        if _NOT_A_PHONE.match(match.raw_string.strip()):
            continue
        number = match.number
        normalized = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if len(str(number.national_number)) == 7:
            normalized = str(number.national_number)
        found.append((match.start, match.end, normalized))
    return found


def _address_normalized(value: str) -> str | None:
    try:
        parts, kind = usaddress.tag(value)
    except usaddress.RepeatedLabelError:
        return None
    if kind != "Street Address" or "AddressNumber" not in parts or "StreetName" not in parts:
        return None
    order = ("AddressNumber", "StreetNamePreDirectional", "StreetName", "StreetNamePostType",
             "StreetNamePostDirectional", "OccupancyType", "OccupancyIdentifier")
    return " ".join(parts[key] for key in order if key in parts).strip(" ,")


def find_contacts(
    text: str, patient_marks: Sequence[int] = (), adjacent_marks: Sequence[int] = ()
) -> list[Contact]:
    """Every phone, email and street address in `text`, each with its owner. `patient_marks`: offsets where a
    patient's name (already found) ends; they count as patient words."""
    patient_marks, adjacent_marks = sorted(patient_marks), sorted(adjacent_marks)
    found: list[Contact] = []
    emails = list(_EMAIL.finditer(text))
    taken = [(m.start(), m.end()) for m in emails]
    for match in emails:
        owner, reason = owner_of(text, match.start(), match.end(), EMAIL_KIND, patient_marks, adjacent_marks)
        found.append(Contact(EMAIL_KIND, match.group(), match.start(), match.end(), owner, reason,
                             match.group().lower()))
    for start, end, normalized in _phones(text):
        if any(s <= start < e for s, e in taken):
            continue
        owner, reason = owner_of(text, start, end, PHONE_KIND, patient_marks, adjacent_marks)
        found.append(Contact(PHONE_KIND, text[start:end], start, end, owner, reason, normalized))
    for match in _STREET_ADDRESS.finditer(text):
        normalized = _address_normalized(match.group())
        if normalized is None:
            continue
        owner, reason = owner_of(text, match.start(), match.end(), ADDRESS_KIND, patient_marks, adjacent_marks)
        found.append(Contact(ADDRESS_KIND, match.group(), match.start(), match.end(), owner, reason, normalized))
    return sorted(found, key=lambda contact: contact.start)


def classify_contacts(redacted_text: str) -> tuple[list[Contact], list[Contact]]:
    """(the resource's public contacts, the patient's) in text that went through `redact()` first. On redacted
    text the patient's list is normally empty; callers store only the first list."""
    contacts = find_contacts(redacted_text)
    return ([c for c in contacts if c.owner == RESOURCE], [c for c in contacts if c.owner == PATIENT])

