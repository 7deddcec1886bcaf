"""Names that the details around them make a person's: a newborn charted by the mother's surname, a name before a
birth date, a name with a room, a bed or a relative of its own. Pure: no database."""

from __future__ import annotations

import re

import bot.platform.privacy.lexicon as lexicon
from bot.platform.privacy.names import (
    PERSON_SHAPED,
    fold,
    is_particle,
    is_stop_or_place,
    reads_as_lower_surname,
)
from bot.platform.privacy.rules import _compile

# "baby girl Ramirez-Ochoa", 'Baby boy "Mendoza"': a newborn is charted by the mother's surname.
_NEWBORN = _compile(rf"(?<!\w)baby\s{{1,3}}(?:girl|boy)\s{{1,3}}[\"'\u2018\u201c]?(?P<name>{PERSON_SHAPED})")
# "Pa Nhia Xiong b. 02/08/88", "Tomasz Zielinski DOB 3/4/1950": whoever was born on a date is a person.
# "Tran Van Minh (MRN 0093321)", "Ixchel (dob …)": so does whoever has a record number or a birth date in brackets.
_NAME_BEFORE_BIRTH = _compile(
    rf"(?<![\w%(q)s])(?P<name>{PERSON_SHAPED}(?:[ \t]{{1,2}}{PERSON_SHAPED}){{1,2}})\s{{0,2}}[,(]?\s{{0,2}}"
    r"(?:dob|d\.o\.b\.?|b\.|born)[\s:]{0,3}\d"
    rf"|(?<![\w%(q)s])(?P<bracketed>{PERSON_SHAPED}(?:[ \t]{{1,2}}{PERSON_SHAPED}){{0,2}})\s{{0,2}}\(\s{{0,2}}"
    r"(?:dob|d\.o\.b\.?|mrn|chart|acct|account|medicaid|ssn)\b"
)
# "Joy Castillo-Reyes (Room 512)", "Ana Ruiz, bed 4": whoever has a room, a bed or a relative is a person.
_NAME_THEN_ROOM = _compile(
    rf"(?<![\w%(q)s])(?P<name>{PERSON_SHAPED}(?:[ \t]{{1,2}}{PERSON_SHAPED}){{0,2}})\s{{0,2}}[(,]\s{{0,2}}"
    r"(?:(?:room|rm\.?|bed|cama|habitaci[oó]n)\s{0,2}#?\s{0,2}\d"
    # "Nadège Théodore (kids Junior and Bella)", "Park Min-seo (Joon-ho's wife)": a relative in brackets after it
    rf"|(?<=\()(?:{PERSON_SHAPED}%(apos)ss\s{{1,3}})?%(relative_word)s(?!\w))"
)
# "Dwayne Pettiford-Lee + his sister", "Ana Ruiz and her son": whoever comes with a relative of their own is a person.
_NAME_AND_RELATIVE = _compile(
    rf"(?<![\w%(q)s])(?P<name>{PERSON_SHAPED}(?:[ \t]{{1,2}}{PERSON_SHAPED}){{0,2}})\s{{1,3}}(?:\+|&|and|y)"
    r"\s{1,3}(?:(?:his|her|their|su|sus)\s{1,3}%(relative_word)s"
    # "Hope and her 3 kids": whoever comes with children of their own
    r"|(?:(?:his|her|their|su|sus)\s{1,3})?(?:\d|two|three|four|five|dos|tres)\s{1,3}(?:kids|children|grandkids|hijos))(?!\w)"
)
# "3 kids (Omar 9, Layla 6, Zain 2)": the children's names in brackets, each with an age.
_CHILDREN_LISTED = _compile(r"(?:kids|children|grandkids|grandchildren|hijos|ni[ñn]os|twins)\s{0,2}\((?P<inside>[^()\n]{3,120})\)")
# "the O'Briens (Aoife, 4, trach/vent)": a bracket that opens with a name and an age.
_BRACKET_OPENS_WITH_AGE = _compile(rf"\(\s{{0,2}}(?P<name>{PERSON_SHAPED}),\s{{0,2}}\d{{1,3}}\s{{0,2}}(?:y/?o|yrs?|mos?|[mf])?"
                                   r"\s{0,2}[,;)]")
_CHILD_WITH_AGE = _compile(rf"(?P<name>{PERSON_SHAPED})\s{{0,2}}[,(]?\s{{0,2}}\d{{1,2}}\s{{0,2}}(?:y/?o|yrs?|mos?|m|f)?(?!\w)")


def _a_word_not_a_name(word: str) -> bool:
    return lexicon.is_known_word(word) and not lexicon.is_given_name(word)


def names_beside_details(text: str) -> list[tuple[int, int]]:
    """The spans of the names that a newborn's charting, a birth date, a room, a bed or a relative mark."""
    spans = [match.span("name") for match in _NEWBORN.finditer(text) if not is_stop_or_place(match.group("name"))]
    for match in _NAME_BEFORE_BIRTH.finditer(text):
        group = "bracketed" if match.group("bracketed") else "name"
        # Words before the name ("Patient Maria Lopez DOB …") are not part of it.
        parts = list(re.finditer(r"\S+", match.group(group)))
        while len(parts) > 1 and _a_word_not_a_name(fold(parts[0].group())):
            parts.pop(0)
        # A short given name may be a stop word ("Pa Nhia Xiong"); the surname may not, nor any word an
        # organisation's or a place's.
        if not is_stop_or_place(parts[-1].group()) and not any(
                (lexicon.is_org_word(fold(part.group())) and not is_particle(part.group()))
                or lexicon.is_place_word(fold(part.group())) for part in parts):
            spans.append((match.start(group) + parts[0].start(), match.end(group)))
    for match in (*_NAME_AND_RELATIVE.finditer(text), *_NAME_THEN_ROOM.finditer(text)):
        words = [fold(word) for word in re.split(r"[\s\-]+", match.group("name"))]
        # A given name among them, or words that are no words at all.
        named = any(map(lexicon.is_given_name, words)) or not any(lexicon.is_known_word(word) for word in words)
        if named and not any(map(is_stop_or_place, words)):
            spans.append(match.span("name"))
    for match in _BRACKET_OPENS_WITH_AGE.finditer(text):
        word = match.group("name")
        if (lexicon.is_given_name(fold(word)) or lexicon.reads_as_unknown_name(word)) and not is_stop_or_place(word):
            spans.append(match.span("name"))
    for listed in _CHILDREN_LISTED.finditer(text):
        offset = listed.start("inside")
        spans += [(offset + child.start("name"), offset + child.end("name"))
                  for child in _CHILD_WITH_AGE.finditer(listed.group("inside"))
                  if not is_stop_or_place(child.group("name"))]  # fmt: skip
    return spans


# Lower case: "the tsosie family", "the whole cruz family"; a list: "the Vang, Her and Moua households".
_LOWER_HOUSEHOLD = _compile(
    r"(?<!\w)the\s{1,3}(?:whole\s{1,3}|entire\s{1,3})?(?P<name>(?-i:[a-z])[^\W\d_]{1,30})\s{1,3}"
    r"(?:family|household|fam|kids|children)(?!\w)"
)
_HOUSEHOLD_LIST = _compile(
    rf"(?<!\w)the\s{{1,3}}(?P<names>{PERSON_SHAPED}(?:\s{{0,2}},\s{{1,3}}{PERSON_SHAPED}){{0,6}},?\s{{1,3}}(?:and|&)"
    rf"\s{{1,3}}{PERSON_SHAPED})\s{{1,3}}(?-i:families|households|kids|children)(?!\w)"
)


# "陈伟 (Chen Wei)", "김순자 (Kim Soon-ja)", "陳美玲 Chen Mei-Ling", "Halyna (Галина Петренко)": a name in its own
# script beside its spelling in Latin letters.
_SCRIPT = r"[\u4e00-\u9fff\uac00-\ud7a3\u0400-\u04ff\u0600-\u06ff]{2,12}(?:[ \t][\u4e00-\u9fff\uac00-\ud7a3\u0400-\u04ff\u0600-\u06ff]{2,12}){0,2}"
_LATIN = r"[A-Z][\w'\u2019]{1,20}(?:[ \t\-][A-Za-z][\w'\u2019]{1,20}){0,3}"
_SCRIPT_NAME = re.compile(rf"(?<![\w])(?P<name>{_SCRIPT})(?:\s{{0,2}}\((?P<latin>{_LATIN})\)|[ \t](?P<bare>{_LATIN})(?=[,.;:)]|\s{{0,2}}$))"
                          rf"|(?<![\w])(?P<before>{_LATIN})\s{{0,2}}\((?P<after>{_SCRIPT})\)")


def names_in_two_scripts(text: str) -> list[tuple[int, int]]:
    """A name written in another script beside its spelling in Latin letters: both are the person's."""
    found = []
    for match in _SCRIPT_NAME.finditer(text):
        script, latin = ("name", "latin" if match["latin"] else "bare") if match["name"] else ("after", "before")
        # "中文 (Chinese)", "한인회 (Korean Association)": a language or an organisation, not a person.
        words = re.split(r"[\s\-]+", match[latin])
        if latin != "latin" and not all(word[0].isupper() and (lexicon.is_given_name(fold(word)) or not (
                lexicon.is_everyday(fold(word)))) for word in words):
            continue  # unbracketed, or before the other script, only words that read as names: not "Free meals"
        if not any(lexicon.is_org_word(word) or word.lower() in lexicon.words("language")
                   or lexicon.is_place_word(word.lower()) for word in words):
            found += [match.span(script), match.span(latin)]
    return found


def households(text: str) -> list[tuple[int, int]]:
    """Surnames that name households: in lower case ("the bahati family") or listed ("the Thao and Lee families")."""
    spans = []
    for match in _LOWER_HOUSEHOLD.finditer(text):
        word = match.group("name")
        if lexicon.name_strength(fold(word)) == 2 or lexicon.reads_as_unknown_name(word):
            spans.append(match.span("name"))
    for match in _HOUSEHOLD_LIST.finditer(text):
        offset = match.start("names")
        spans.extend((offset + word.start(), offset + word.end())
                     for word in re.finditer(r"[^\W\d_][^\s,&]*", match.group("names")) if word.group() != "and")
    return spans


# A nickname in quotes right after a name, and the surname after it: 'pt darnell "dee" washington'.
_NICKNAME_AFTER = re.compile(r"[ \t]{1,2}(?P<nick>[\"\u201c'\u2018][^\"\u201d'\u2019\n]{1,20}[\"\u201d'\u2019])"
                             r"(?P<rest>(?:[ \t]{1,2}[^\W\d_][^\s,;:.()]{0,30}){0,2})")


def nicknames_after(text: str, name_ends: list[int]) -> list[tuple[int, int]]:
    """A nickname in quotes right after a name found, and the surname after the nickname."""
    spans = []
    for end in name_ends:
        quoted = _NICKNAME_AFTER.match(text, end)
        if not quoted:
            continue
        spans.append(quoted.span("nick"))
        offset = quoted.start("rest")
        for word in re.finditer(r"\S+", quoted.group("rest")):
            lower = fold(word.group())
            if is_stop_or_place(lower) or lexicon.is_org_word(lower) or not (
                    is_particle(lower) or lower == "dela" or lexicon.name_strength(lower) == 2
                    or lexicon.reads_as_unknown_name(word.group())):
                break
            spans.append((offset + word.start(), offset + word.end()))
    return spans


# A word right before or after a name found ("Ladan <surname>'s daughter", "familia <name> Xoc", "pt <given>
# mendoza-ruiz", "mom is destiny <surname>").
_WORD_BEFORE = re.compile(r"(?<![\w'\u2019.@#/])(?P<word>[^\W\d_]{2,30})[ \t]$")
_WORD_AFTER = re.compile(r"[ \t](?P<word>[^\W\d_]{2,30}(?:-[^\W\d_]{2,30})?)(?![\w@'\u2019-])")


def _reads_as_name(word: str, *, before: bool) -> bool:
    lower = fold(word)
    if is_stop_or_place(lower) or lexicon.is_org_word(lower) or lexicon.words("honorific") & {lower, lower + "."}:
        return False
    if word[0].isupper():
        return any(lexicon.is_given_name(part) or lexicon.name_strength(part) == 2 or lexicon.reads_as_unknown_name(part)
                   for part in lower.split("-"))
    # In lower case only what reads as nothing but a name: a given name before, a surname after.
    if before:
        return lexicon.is_given_name(lower) and not lexicon.is_known_word(lower, min_zipf=4.0)
    return reads_as_lower_surname(word)


def names_beside_names(text: str, name_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A given name or surname right beside a name found belongs to the same person."""
    spans = []
    for start, end in name_spans:
        before = _WORD_BEFORE.search(text, max(0, start - 32), start)
        if before and _reads_as_name(before.group("word"), before=True):
            spans.append(before.span("word"))
        after = _WORD_AFTER.match(text, end)
        if after and _reads_as_name(after.group("word"), before=False) and not lexicon.is_org_word(
                (text[after.end() : after.end() + 40].split() or [""])[0]):
            spans.append(after.span("word"))
    return spans


# "Mrs. Alves (Fernanda)", "bed 14 (Kateryna Bondarenko)", "Hodan (sp? maybe Xoodan)", "the Nowak family (Krzysztof +
# Agnieszka, …)": brackets right after a person or a bed hold the same person's other names.
_BRACKET_AFTER = re.compile(r"(?:\s{1,2}(?:family|fam|household|kids|children|twins|familia))?\s{0,2}\((?P<inside>[^()\n]{1,80})\)",
                            re.IGNORECASE)
_BRACKET_WORD = _compile(r"[^\W\d_]{2,30}(?:[%(q)s\-][^\W\d_]{1,30}){0,2}")
_BRACKET_WORDS_MAX = 8


_PROGRAM_WORD = re.compile(r"medi-?ca(?:id|l)|medicare|mbi|chip|snap|ebt|wic|ssi|ssdi|mrn|dob|ssn", re.IGNORECASE)


def is_alias_word(word: str) -> bool:
    """A word that reads as a name inside such brackets: a given name, or no word of a dictionary."""
    if (word[0].islower() and not word.islower()) or _PROGRAM_WORD.fullmatch(word):
        return False
    parts = [fold(part) for part in re.split(r"[-'\u2019]", word) if part]
    if any(map(is_stop_or_place, parts)):
        return False
    if word[0].isupper():
        return not word.isupper() and any(
            lexicon.is_given_name(part) or not (lexicon.is_known_word(part) or lexicon.is_everyday(part))
            for part in parts)
    return any(lexicon.is_given_name(part) for part in parts)


def bracketed_aliases(text: str, end: int) -> list[tuple[int, int]]:
    """The names in brackets right after position `end` (the end of a name or a bed found)."""
    match = _BRACKET_AFTER.match(text, end)
    if not match:
        return []
    words = list(_BRACKET_WORD.finditer(text, match.start("inside"), match.end("inside")))
    if len(words) > _BRACKET_WORDS_MAX:
        return []
    if len(words) == 1 and match.group("inside").strip() == words[0].group() and _lone_nickname(words[0].group()):
        return [words[0].span()]  # "Mr. Fitzgerald (Fitz)", "maria jose (mj)"
    return [word.span() for word in words if is_alias_word(word.group())]


def _lone_nickname(word: str) -> bool:
    """A word alone in brackets after a name is what the person is called, unless it is an everyday word, a
    language, a place or an organisation's ("(Spanish)", "(deceased)", "(Chelsea)"), or a pair of initials that
    could be a program's ("(SSI)")."""
    lower = fold(word)
    if _PROGRAM_WORD.fullmatch(word) or is_stop_or_place(lower) or lexicon.is_org_word(lower):
        return False
    if lower in lexicon.words("language") or lexicon.is_everyday(lower):
        return False
    if word.islower():
        return len(word) <= 3 and not lexicon.is_known_word(lower)
    return word[0].isupper() and not word.isupper()


# Two words in lower case: "roberto quinones", "keisha okafor".
_LOWER_PAIR = re.compile(r"(?<![\w'\u2019@./#-])(?P<given>[a-z][^\W\d_A-Z]{2,20}) (?P<surname>[a-z][^\W\d_A-Z]{2,25}"
                         r"(?:-[a-z][^\W\d_A-Z]{1,20})?)(?![\w'\u2019@.-]|\.\w)")


def lower_case_names(text: str) -> list[tuple[int, int]]:
    """A full name typed in lower case: a given name that is no everyday word, then a surname no dictionary
    holds or one the lists know that is no everyday word either."""
    spans = []
    for match in _LOWER_PAIR.finditer(text):
        given = fold(match.group("given"))
        if (lexicon.is_given_name(given) and lexicon.name_strength(given) == 2 and not lexicon.is_everyday(given)
                and not is_stop_or_place(given) and not lexicon.is_everyday(fold(match.group("surname")))
                and reads_as_lower_surname(match.group("surname"))):
            spans.append(match.span())
    return spans


# "for getting LATOYA JENKINS-BELL a job", "ABDULLAH BIN RASHID": a name in capitals inside ordinary text.
_CAPS_NAME = re.compile(r"(?<![\w'\u2019])(?P<name>[A-Z]{2,20}(?:-[A-Z]{2,20})?(?:\s(?:BIN|BINT|DE|DEL|DA|VAN|VON|LA)"
                        r"?\s?[A-Z]{2,20}(?:-[A-Z]{2,20})?){1,3})(?![\w'\u2019])")


def _caps_word_reading(word: str) -> int:
    """0: no name ("HELP", "PANTRY"); 1: could be one ("JENKINS", "ALEKSANDR"); 2: reads as one ("LATOYA")."""
    parts = [fold(part) for part in word.split("-")]
    if any(len(part) < 2 or is_stop_or_place(part) or lexicon.is_org_word(part) for part in parts):
        return 0
    # An unknown word of three letters is more likely an acronym ("VFW") than a name.
    if any(lexicon.is_given_name(part) or lexicon.name_strength(part) == 2
           or (len(part) > 3 and not lexicon.is_known_word(part)) for part in parts):
        return 2
    return int(any(lexicon.name_strength(part) > 0 or not lexicon.is_everyday(part) for part in parts))


def names_in_capitals(text: str) -> list[tuple[int, int]]:
    """Full names typed in capitals inside text that is not."""
    if not re.search(r"[a-z]{3}", text):
        return []  # a message in capitals throughout says nothing by its case
    spans = []
    for match in _CAPS_NAME.finditer(text):
        words = [word for word in match.group("name").split() if not is_particle(word) and fold(word) != "bint"]
        readings = [_caps_word_reading(word) for word in words]
        if len(words) >= 2 and min(readings) > 0 and max(readings) == 2:
            spans.append(match.span("name"))
    return spans
