"""`redact()`: every rule run over normalised text, the spans found merged, placeholders put in, doubts listed."""

from __future__ import annotations

import bisect
import datetime
import re

import bot.platform.privacy.contacts as contacts
import bot.platform.privacy.names as names
import bot.platform.privacy.person_details as person_details
import bot.platform.privacy.rules as rules
from bot.platform.privacy.normalize import normalize
from bot.platform.privacy.result import (
    ADDRESS,
    AGE,
    DATE_OF_BIRTH,
    DATE_OF_DEATH,
    EMAIL,
    HOSPITAL_DATE,
    INSURANCE_ID,
    KINDS,
    NAME,
    NAME_DOUBT,
    NUMBER_DOUBT,
    PERSONAL_PAGE,
    PHONE,
    PLATE,
    RECORD_NUMBER,
    ROOM,
    SSN,
    Doubt,
    Redaction,
    placeholder,
)

Span = tuple[int, int, str]

# A date this many years old or more is a birth date (events, deadlines and renewals are recent or coming).
_BIRTH_DATE_AGE_YEARS = 12
_KIND_OF_GROUP = ((EMAIL, "email"), (PHONE, "phone"), (ADDRESS, "address"))
_MONTHS = {name: index for index, names_ in enumerate(
    ("jan enero ene", "feb febrero", "mar marzo", "apr abril abr", "may mayo", "jun junio", "jul julio",
     "aug agosto ago", "sep sept septiembre setiembre", "oct octubre", "nov noviembre", "dec diciembre dic"),
    start=1) for name in names_.split()}
_SLACK_MENTION = re.compile(r"<@[UW][A-Z0-9]{1,20}>")
_MENTION_IS_PATIENT = re.compile(
    r"\s{0,3}(?:is|was|,|:|-)?\s{0,3}(?:now\s{1,3})?(?:(?:our|a|the|my|your|new)\s{1,3}){0,2}(?:pt|patient|client|paciente)"
    r"(?!\w)|(?:'s|\u2019s)\s{1,3}(?:dob|mrn|chart|ssn|address|phone|cell|email)",
    re.IGNORECASE,
)
_HAS_WORD = re.compile(r"[^\W\d_]{2}")
_PATIENT_BEFORE_MENTION = re.compile(r"(?:pt\.?|patient|client|paciente)\s{0,3}:?\s{0,3}$", re.IGNORECASE)


def _contact_span(match: re.Match[str]) -> Span:
    for kind, group in _KIND_OF_GROUP:
        if group in match.re.groupindex and match.group(group) is not None:
            return (*match.span(group), kind)
    raise AssertionError("contact pattern matched without a value")  # pragma: no cover


# "Medicaid Office 8005551234": a number after an office's name is where to call.
_OFFICE_WORDS = frozenset({"office", "offices", "helpline", "hotline", "line", "center", "centre", "desk", "dept",
                           "department", "clinic", "services", "customer", "support"})


def _labelled(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in rules._BARE_SSN.finditer(text):
        spans.append((match.start(), match.end(), SSN))
    for match in rules.BARE_SSN_LOOSE.finditer(text):
        spans.append((match.start(), match.end(), SSN))
    for match in rules._BARE_MBI.finditer(text):
        spans.append((match.start(), match.end(), INSURANCE_ID))
    for match in rules._SSN_LABELLED.finditer(text):
        spans.append((*match.span("value"), SSN))
    for match in rules._RECORD_LABELLED.finditer(text):
        spans.append((*match.span("value"), RECORD_NUMBER))
    for match in rules._INSURANCE_LABELLED.finditer(text):
        value = match.group("value")
        has_marker = bool(match.group("marker"))
        label = match.group("label").lower()
        if not has_marker and (
            label in rules._INSURANCE_NEEDS_MARKER or len(value) < 5 or rules._PHONE_SHAPED.fullmatch(value)
        ):
            continue
        spans.append((*match.span("value"), INSURANCE_ID))
    for match in rules.INSURANCE_PLAN_NUMBER.finditer(text):
        # The plan goes with its member's number: its words are no one's name.
        if not _OFFICE_WORDS.intersection(match.group("plan").lower().split()):
            spans.append((match.start("plan"), match.end("value"), INSURANCE_ID))
    for match in rules._DOB_LABELLED.finditer(text):
        spans.append((*match.span("value"), DATE_OF_BIRTH))
    spans.extend((*match.span("value"), INSURANCE_ID) for match in rules.ANY_ID.finditer(text))
    return spans


def _public_label_before(text: str, start: int) -> bool:
    return bool(rules.PUBLIC_NUMBER_LABEL.search(text[max(0, start - 30) : start]))


def _patient_in_clause(text: str, start: int) -> bool:
    clause = contacts._clause_before(text, start)
    return bool(rules.PATIENT_WORDS.search(clause))


def _year(match: re.Match[str]) -> int | None:
    raw = next(match.group(g) for g in ("y2", "y3", "y4") if match.group(g))
    month, day = match.group("m2"), match.group("d2")
    if month and int(month) > 12:
        month, day = day, month  # day first, as most of the world writes it: 15/08/1972
    if month and not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    year = int(raw)
    if len(raw) == 2:
        this_year = datetime.date.today().year
        year += 2000 if year <= this_year % 100 else 1900
    return year if 1880 <= year <= 2100 else None


def _unlabelled(text: str) -> list[Span]:
    """The kinds that need no label: ages over 89, beds and patients' rooms, ids, long numbers, spelled-out
    emails, old dates (birth dates), initials next to a birth date, mentions of patients."""
    spans: list[Span] = []
    for match in rules.AGE_OVER_89.finditer(text):
        group = next(name for name in ("value", "value2", "value3", "value4", "value5") if match.group(name))
        spans.append((*match.span(group), AGE))
    for match in rules.BED.finditer(text):
        spans.append((*match.span("value"), ROOM))
    for match in rules.ROOM.finditer(text):
        # A room with a bed in it is a patient's wherever it is said ("rm 412 bed B").
        # So is a room on a ward ("6-North 14").
        if "bed" in match.group("value").lower() or match.group("unit") or _patient_in_clause(text, match.start()):
            spans.append((*match.span("value"), ROOM))
    for match in rules.WARD_ROOM.finditer(text):
        spans.append((*match.span("value"), ROOM))
    for match in rules.PATIENT_ROOM_CODE.finditer(text):
        spans.append((*match.span("value"), ROOM))
    # Only in running text: a value that is just a number came from a field whose meaning its caller knows.
    if _HAS_WORD.search(text):
        for match in rules.MIXED_ID.finditer(text):
            if not _public_label_before(text, match.start()):
                spans.append((match.start(), match.end(), RECORD_NUMBER))
        for match in rules.LONG_NUMBER.finditer(text):
            if not _public_label_before(text, match.start()):
                spans.append((*match.span("value"), RECORD_NUMBER))
    spans.extend((*match.span("value"), DATE_OF_DEATH) for match in rules.DEATH_DATE.finditer(text))
    for pattern in (rules.STAY_DATE, rules.DATE_BEFORE_EVENT):
        spans.extend((*match.span("value"), HOSPITAL_DATE) for match in pattern.finditer(text))
    # "the blue trailer past …" is a home only when said of someone ("family lives in", "she's in"); "the pantry
    # trailer behind the church" is a program's.
    spans.extend((match.end("address") - len(match.group("address").lstrip()), match.end("address"), ADDRESS)
                 for match in rules.DIRECTIONS_HOME.finditer(text)
                 if not re.match(r"(?i)(?:the|a)\s", match.group()) or rules.SOMEONES_HOME_BEFORE.search(
                     text, max(0, match.start() - 40), match.start()))
    for pattern in (rules.LIVES_SOMEWHERE, rules.HOME_ANYWHERE):
        spans.extend((*match.span("address" if match.group("address") else "unit"), ADDRESS)
                     for match in pattern.finditer(text))
    spans.extend((*match.span("address"), ADDRESS) for match in rules.APARTMENT.finditer(text)
                 if rules.IS_APARTMENT.search(match.group("address")))
    spans.extend((match.start(), match.end(), PERSONAL_PAGE) for match in rules.PERSONAL_PAGE.finditer(text))
    spans.extend((*match.span("value"), PERSONAL_PAGE) for match in rules.SOCIAL_HANDLE.finditer(text))
    spans.extend((*match.span("value"), PLATE) for match in rules.PLATE.finditer(text))
    for match in rules.SPELLED_EMAIL.finditer(text):
        spans.append((match.start(), match.end(), EMAIL))
    this_year = datetime.date.today().year
    for match in rules.FULL_DATE.finditer(text):
        year = _year(match)
        if year is None or this_year - year < _BIRTH_DATE_AGE_YEARS:
            continue
        if rules.FOUNDING_CUE.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        spans.append((match.start(), match.end(), DATE_OF_BIRTH))
    for match in _SLACK_MENTION.finditer(text):
        if _MENTION_IS_PATIENT.match(text, match.end()) or _PATIENT_BEFORE_MENTION.search(
            text[max(0, match.start() - 15) : match.start()]
        ):
            spans.append((match.start(), match.end(), NAME))
    return spans


# "Sadie Yazzie-Tsinajinnie (chart 881-20-445)", "Eleanor, DOB 3/4/1931": a name right before a label and its value.
_ID_LABEL = (r"(?:(?:mrn|chart|dob|d\.o\.b\.|born|b\.|acct|account|member\s{1,2}id|id|medicare|medicaid|ssn|insurance"
             r"|claim|case(?:\s{1,2}file)?|encounter|enc|fin|policy|subscriber|record|rec|expediente|visit)"
             r"\s{0,2}(?:#|no\.?|number)?\s{0,2}[#:.]?\s{0,2})?")
_GIVEN_NAME_BEFORE = re.compile(r"(?<![\w'\u2019])(?!(?:patient|pt|client|paciente|mrs?|ms|dr|the|for)\b)"
                                r"(?P<name>(?-i:[A-Z])[^\W\d_]{1,30})(?P<surname>(?:\s(?-i:[A-Z])[^\W\d_]{1,30}"
                                r"(?:-[A-Z][^\W\d_]{1,30})?){1,2})?\s{0,2}[,(:\-]?\s{0,3}" + _ID_LABEL + "$",
                                re.IGNORECASE)
# "okafor, rosalind; dob …": a surname and a given name, in any case, right before a birth date's label.
_NAME_BEFORE_LABEL = re.compile(r"(?<![\w'\u2019])(?P<surname>[^\W\d_]{2,30}),\s{1,2}(?P<given>[^\W\d_]{2,30}"
                                r"(?:\s[^\W\d_]{2,30})?)"
                                r"\s{0,2}[;,:]?\s{0,3}(?:d\.?o\.?b\.?|born|b\.)?\s{0,3}[:#]?\s{0,2}$", re.IGNORECASE)
_GIVEN_NAME_AFTER = re.compile(r"\s{0,2}[,(:\-]?\s{0,2}(?P<name>[A-Z][^\W\d_]{1,30})(?![\w'\u2019])")


def _initials_and_ages(text: str, spans: list[Span]) -> list[Span]:
    """Initials right before a birth date, an age over 89, a bed or a record number are the patient's ("K.T.,
    2/9/1957", "JT (bed 22)"), and so is a given name right beside one ("bed 3B (Eleanor)")."""
    found = []
    for start, end, kind in spans:
        if kind not in (DATE_OF_BIRTH, AGE, ROOM, RECORD_NUMBER, INSURANCE_ID):
            continue
        window_start = max(0, start - 12)
        initials = rules.INITIALS_BEFORE.search(text[window_start:start])
        if initials:
            found.append((window_start + initials.start("initials"), window_start + initials.end("initials"), NAME))
        before = _NAME_BEFORE_LABEL.search(text[max(0, start - 50) : start]) if kind == DATE_OF_BIRTH else None
        if before and names.is_plain_given_name(before.group("given").split()[-1]) and names.reads_as_surname(
                before.group("surname")):
            offset = max(0, start - 50)
            found.append((offset + before.start("surname"), offset + before.end("given"), NAME))
        for name in (_GIVEN_NAME_BEFORE.search(text[max(0, start - 60) : start]), _GIVEN_NAME_AFTER.match(text, end)):
            if not name or not name.group("name")[0].isupper():
                continue
            offset = max(0, start - 60) if name.re is _GIVEN_NAME_BEFORE else 0
            surnames = (name.group("surname") or "").split() if name.re is _GIVEN_NAME_BEFORE else []
            given = names.is_plain_given_name(name.group("name").title())
            # "Wilner Jean-Baptiste (MRN …)", "ALEKSANDR VOLKOV, Medicare # …": a given name the lists miss counts
            # when every word reads as a name.
            if surnames and all(names.reads_as_surname(word.title()) or names.is_particle(word) for word in surnames) and (
                    given or names.reads_as_surname(name.group("name").title())
                    or not names.is_everyday_or_stop(name.group("name"))):
                found.append((offset + name.start("name"), offset + name.end("surname"), NAME))
            elif given:
                found.append((offset + name.start("name"), offset + name.end("name"), NAME))
    return found


# "J.R. (72yo F s/p fall)", "KT, 45F": initials right before an age and a sex are a patient's.
_INITIALS_WITH_AGE = re.compile(
    r"(?<![\w.])(?P<initials>(?:[A-Z]\.\s?){1,2}[A-Z]\.|(?!ED|ER|PT|OT|MD|RN|NP|DV|VA|ID|NO)[A-Z]{2})\s{0,2}[,(]\s{0,2}"
    r"\d{1,3}\s{0,2}(?:y/?o|yo|yrs?|years?\s{1,3}old)?\s{0,2}[MF]\b")
# "Rich (Richard Young, …)": a capitalised word right before a bracket that opens with a name found is what that
# person is called, when it is a given name or the start of the name in the bracket.
_CALLED_BEFORE_BRACKET = re.compile(r"(?<![\w'\u2019])(?P<called>[A-Z][^\W\d_]{2,20})\s{0,2}\($")


def _what_the_person_is_called(text: str, spans: list[Span]) -> list[Span]:
    found: list[Span] = [(*match.span("initials"), NAME) for match in _INITIALS_WITH_AGE.finditer(text)]
    for start, end, kind in spans:
        before = _CALLED_BEFORE_BRACKET.search(text[max(0, start - 24) : start]) if kind == NAME else None
        if not before:
            continue
        called = before.group("called")
        if (text[start:end].lower().startswith(called.lower()) or names.is_plain_given_name(called)) and not (
                names.is_everyday_or_stop(called) and not text[start:end].lower().startswith(called.lower())):
            offset = max(0, start - 24)
            found.append((offset + before.start("called"), offset + before.end("called"), NAME))
    return found


# "Ti Jean (Jean-Robert Pierre-Louis, 1958-09-17)": a bracket holding a name and a date gives a person and their
# birth date, and the capitalised words right before it are what the person is called.
_NAME_AND_DATE_IN_BRACKETS = rules._compile(
    r"(?P<before>(?:(?<![\w%(q)s])(?-i:[A-Z])[^\W\d_]{1,20}[ \t]){1,2})?\((?P<inside>[^()\n,]{2,60}),\s{0,2}"
    r"(?:(?:dob|born|b\.)\s{0,2}:?\s{0,2})?(?P<date>%(numeric_date)s)\s{0,2}\)")


def _names_with_dates_in_brackets(text: str) -> list[Span]:
    found: list[Span] = []
    for match in _NAME_AND_DATE_IN_BRACKETS.finditer(text):
        inside = match.group("inside").split()
        if not all(person_details.is_alias_word(word) for word in inside):
            continue
        found += [(*match.span("inside"), NAME), (*match.span("date"), DATE_OF_BIRTH)]
        before = match.group("before") or ""
        if before and not any(names.is_stop_or_place(word) for word in before.split()):
            found.append((match.start("before"), match.end("before") - 1, NAME))
    return found


def _after_names(text: str, spans: list[Span]) -> list[Span]:
    found: list[Span] = []
    for _start, end, kind in list(spans):
        found.extend(_details_in_same_clause(text, end))
        if kind in (NAME, ROOM):
            found.extend((*alias, NAME) for alias in person_details.bracketed_aliases(text, end))
        if kind == NAME:
            found.extend(_dates_in_brackets(text, end))
        if kind == NAME and (room := rules.ROOM_AFTER_NAME.match(text, end)):
            found.append((*room.span("value"), ROOM))
        if kind == NAME and (age := rules.AGE_AFTER_NAME.match(text, end)):
            found.append((*age.span("value"), AGE))
        if kind == NAME and (date := rules._DATE_AFTER_NAME.match(text, end)):
            found.append((*date.span("value"), DATE_OF_BIRTH))
        elif kind == NAME and (contact := rules._CONTACT_AFTER_NAME.match(text, end)):
            found.append(_contact_span(contact))
    if _in_intake_form(text, spans + found):
        found.extend(_contact_span(match) for match in rules._FORM_CONTACT_FIELD.finditer(text))
    found.extend((*match.span("phone"), PHONE) for match in rules.PHONE_OF_RELATIVE.finditer(text))
    for pattern in (rules._PATIENT_CONTACT, rules._PATIENT_LOCATION):
        for match in pattern.finditer(text):
            found.append(_contact_span(match))
            end = match.end()
            for _ in range(3):
                more = rules._CONTINUATION.match(text, end)
                if not more:
                    break
                found.append(_contact_span(more))
                end = more.end()
    return found


_BRACKET = re.compile(r"\s{0,2}\([^()\n]{0,80}\)")


def _dates_in_brackets(text: str, end: int) -> list[Span]:
    """A date in the brackets right after a person is their birth date: "Mr. Baptiste (Jean-Robert, 1958-09-17)"."""
    bracket = _BRACKET.match(text, end)
    if not bracket:
        return []
    return [(end + date.start("value"), end + date.end("value"), DATE_OF_BIRTH)
            for date in rules._DATE_ANYWHERE.finditer(text[end : bracket.end()])]


def _in_intake_form(text: str, spans: list[Span]) -> bool:
    """Whether any identifier found so far sits on a "Label: value" line."""
    line_starts = [0] + [match.end() for match in rules._NEWLINE.finditer(text)]
    for start in sorted({start for start, _end, _kind in spans}):
        if rules._FORM_LABEL.match(text, line_starts[bisect.bisect_right(line_starts, start) - 1]):
            return True
    return False


def _details_in_same_clause(text: str, after: int) -> list[Span]:
    """Contact details labelled "cell", "home", ... shortly after a patient identifier, before the sentence ends."""
    sentence_end = rules._SENTENCE_END.search(text, after, after + rules._CLAUSE_REACH)
    limit = sentence_end.start() if sentence_end else after + rules._CLAUSE_REACH
    found = []
    pos = after
    # Search a little past the limit so a value that starts inside the clause is matched whole.
    while (match := rules._CLAUSE_DETAIL.search(text, pos, limit + 200)) and match.start() < limit:
        found.append(_contact_span(match))
        pos = match.end()
    # A room or a bed in that clause is the patient's too: "getting Mr. Ortiz (rm 412) discharged".
    found.extend((*match.span("value"), ROOM) for match in rules.ROOM.finditer(text, after, limit))
    return found


_KIND_OF_CONTACT = {contacts.PHONE_KIND: PHONE, contacts.EMAIL_KIND: EMAIL, contacts.ADDRESS_KIND: ADDRESS}


def _patients_contacts(text: str, spans: list[Span]) -> list[Span]:
    # A name found once counts wherever it is said again: "… su hija Yesenia) … Yesenia cel 617-…".
    said = {text[start:end] for start, end, kind in spans if kind == NAME and end - start >= 3}
    again = [match.end() for name in said for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    name_ends = sorted({*(end for _start, end, kind in spans if kind == NAME), *again})
    other_ends = sorted(end for _start, end, kind in spans
                        if kind in (DATE_OF_BIRTH, SSN, RECORD_NUMBER, INSURANCE_ID, AGE))  # fmt: skip
    found = [
        (contact.start, contact.end, _KIND_OF_CONTACT[contact.kind])
        for contact in contacts.find_contacts(text, patient_marks=name_ends, adjacent_marks=other_ends)
        if contact.owner == contacts.PATIENT
    ]
    # A social handle or profile page is a person's when the clause it sits in is about the patient, as a phone is
    # ("pt … IG @tunde_og_", "fb: facebook.com/…"); a program's own "IG @babatundecuts" before any patient stays.
    for match in rules.SOCIAL_PAGE.finditer(text):
        owner, _reason = contacts.owner_of(text, match.start(), match.end(), "handle", name_ends, other_ends)
        if owner == contacts.PATIENT:
            found.append((match.start(), match.end(), PERSONAL_PAGE))
    return found



_WORD = re.compile(r"\w+")
_REPEAT_MIN_LENGTH = 6  # shorter values ("Ann", "1950") are too likely to be part of something else
_SURNAME_MIN_LENGTH = 4  # a family name said again ("Vang"), capitalised; "Lee" is too likely something else
_SURNAME = "surname"  # a copy's kind while it is looked for
_REPEAT_CANDIDATES = 20  # per first word; bounds the work on hostile input


def _repeats(text: str, spans: list[Span]) -> list[Span]:
    """Other copies of an identifier already found: "Maria Lopez ... Maria Lopez said". Found by first word, in
    one pass."""
    by_first_word: dict[str, dict[str, str]] = {}
    for start, end, kind in spans:
        value = text[start:end]
        first = _WORD.search(value)
        if first is None:
            continue
        value = value[first.start() :].rstrip(".,;:!?)\"' ")
        if len(value) >= _REPEAT_MIN_LENGTH:
            candidates = by_first_word.setdefault(first.group().lower(), {})
            if len(candidates) < _REPEAT_CANDIDATES:
                candidates[value.lower()] = kind
        surname = value.split()[-1] if kind == NAME and value else ""
        if len(surname) >= _SURNAME_MIN_LENGTH and surname[0].isupper() and surname.isalpha():
            # "the Vang kids (Pa Vang, Tou Vang)": the family's name said again goes too.
            candidates = by_first_word.setdefault(surname.lower(), {})
            if len(candidates) < _REPEAT_CANDIDATES:
                candidates.setdefault(surname.lower(), _SURNAME)
    if not by_first_word:
        return []
    found = []
    for word in _WORD.finditer(text):
        for value, kind in by_first_word.get(word.group().lower(), {}).items():
            end = word.start() + len(value)
            if text[word.start() : end].lower() == value and not (end < len(text) and text[end].isalnum()):
                if kind in (NAME, _SURNAME) and names.STREET_AFTER.match(text, end):
                    continue  # "Mr. Chavez; … the Cesar Chavez Ave fire station": a street named like the person
                after = re.sub(r"^['\u2019]s\b", "", text[end : end + 60])
                if kind == _SURNAME and (not word.group()[0].isupper() or names.heads_organisation(after)):
                    continue  # a capitalised copy only, and not an organisation's name ("Vang Family Foundation")
                found.append((word.start(), end, NAME if kind == _SURNAME else kind))
    return found


_EMAIL = re.compile(r"(?<![\w.+\-])(?P<local>[\w.+\-]{1,64})@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,4}")
_NAME_IN_EMAIL_MIN_LENGTH = 4  # "ann" or "lee" inside an address is too likely to be something else


def _addresses_naming_a_patient(text: str, spans: list[Span]) -> list[Span]:
    """An email address, a handle or a page made of a name already removed is that person's ("Tran Van Minh …
    minhtran58@…", "Tanisha … facebook.com/tanisha.bell.77")."""
    first_said: dict[str, int] = {}
    for start, end, kind in spans:
        if kind == NAME:
            for word in _WORD.findall(text[start:end]):
                if len(word) >= _NAME_IN_EMAIL_MIN_LENGTH:
                    first_said[word.lower()] = min(start, first_said.get(word.lower(), start))
    if not first_said:
        return []
    found = [(match.start(), match.end(), EMAIL) for match in _EMAIL.finditer(text)
             if any(name in match.group("local").lower() for name in first_said)]  # fmt: skip
    # A handle said before the person is a namesake's ("Baba Tunde's Barbershop, IG @babatundecuts. pt babatunde …").
    return found + [(match.start(), match.end(), PERSONAL_PAGE) for match in rules.SOCIAL_PAGE.finditer(text)
                    if any(name in match.group().lower() and said < match.start()
                           for name, said in first_said.items())]  # fmt: skip


def collect_spans(text: str, *, staff_contact: bool = False) -> list[Span]:
    """Every identifier found in normalised `text`, possibly overlapping."""
    spans = _labelled(text) + _unlabelled(text)
    spans += [(start, end, NAME) for start, end in
              names.cued_names(text) + names.contextual_names(text) + person_details.names_beside_details(text)
              + person_details.households(text) + person_details.names_in_two_scripts(text)
              + person_details.lower_case_names(text) + person_details.names_in_capitals(text)]
    if not staff_contact:
        uncued, _doubtful = names.uncued_names(text)
        spans += [(start, end, NAME) for start, end in uncued]
    spans += _names_with_dates_in_brackets(text)
    spans += _initials_and_ages(text, spans)
    spans += [(start, end, NAME) for start, end in
              names.given_names_joined(text, [start for start, _end, kind in spans if kind == NAME])]  # fmt: skip
    spans += [(start, end, NAME) for start, end in
              names.given_names_after(text, [end for _start, end, kind in spans if kind == NAME])]  # fmt: skip
    spans += [(start, end, NAME) for start, end in
              person_details.nicknames_after(text, [end for _start, end, kind in spans if kind == NAME])]  # fmt: skip
    spans += [(start, end, NAME) for start, end in person_details.names_beside_names(
        text, [(start, end) for start, end, kind in spans if kind == NAME])]
    # "300 Walnut St, Lowell MA 01852", "Viejo San Juan 00901": a name right before a ZIP is a town.
    spans = [span for span in spans if span[2] != NAME or not rules.TOWN_BEFORE_ZIP.match(text, span[1]) or not (
        rules.STREET_BEFORE_TOWN.search(text, max(0, span[0] - 60), span[0]) or text[span[0] : span[1]].isupper()
        and span[1] - span[0] == 2)]
    spans += _after_names(text, spans)
    spans += _patients_contacts(text, spans)
    return spans



def _merge(text: str, spans: list[Span]) -> tuple[str, dict[str, int]]:
    spans = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    pieces: list[str] = []
    removed: dict[str, int] = {}
    cursor = 0
    for start, end, kind in spans:
        if start < cursor:
            # Overlaps a span already removed (an SSN that also sits after "her number"): remove the union, so no
            # tail of either identifier survives.
            cursor = max(cursor, end)
            continue
        pieces.append(text[cursor:start])
        pieces.append(placeholder(kind))
        removed[kind] = removed.get(kind, 0) + 1
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), {kind: removed[kind] for kind in KINDS if kind in removed}


def doubts(text: str) -> tuple[Doubt, ...]:
    """What still looks like a person or an identifier in already-redacted `text`."""
    found = []
    full, single = names.uncued_names(text)
    found += [Doubt(start, end, NAME_DOUBT) for start, end in full + single]
    for pattern in (rules.LONG_NUMBER, rules.MIXED_ID):
        for match in pattern.finditer(text):
            found.append(Doubt(match.start(), match.end(), NUMBER_DOUBT))
    return tuple(sorted(found, key=lambda d: d.start))


def redact(text: str, *, staff_contact: bool = False) -> Redaction:
    """Return `text` with patient identifiers replaced by "[kind removed]", a count of each kind removed, and the
    stretches that still look doubtful.

    `staff_contact=True` is for a field that names an organisation's own staff (a partner's contact list): full
    names without a cue word are kept there and listed as doubtful; every other rule applies as usual."""
    if not text:
        return Redaction(text or "", {})
    text = normalize(text)
    spans = collect_spans(text, staff_contact=staff_contact)
    spans += _repeats(text, spans)
    spans += _addresses_naming_a_patient(text, spans)
    spans += _what_the_person_is_called(text, spans)
    clean, removed = _merge(text, spans)
    return Redaction(clean, removed, doubts(clean))
