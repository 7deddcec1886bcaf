"""People's names, with a cue word before them and without one.

With a cue (any case): patient, pt, client, paciente; titles (Mr., mrs, Ms., Mx., Miss, Sr., Sra., Srta.) and
Spanish honorifics (don, doña, señor, señora, señorita); relatives of the patient ("her son", "pt's daughter",
"su hija", "mom of", and a bare relative word before a given name: "wife Gloria"); "name is", "named", "se llama", "Last name:". Lower-case name words count after a cue when the census
lists know them and they are not everyday words ("pt latoya jenkins", "mrs villanueva's gas"). Program words
("Patient Navigator program") are not names; all-caps "PT" is physical therapy, not "patient".

Without a cue: two or three capitalised words that read as given name and surname in the census lists (plus
the shipped supplements), at least one of them not an everyday word ("Lorena Castellanos needs food", "Marcus
Hill"). Never when the run of capitalised words holds an organisation or place word ("Mary's Place", "Casa
Esperanza", "Martin Luther King Jr. Center", "Marion County"), follows a saint's or doctor's title ("St. Vincent de
Paul", "Dr. Patel"), or is a single word after a place preposition ("a town called Marion", "in Marion").

A possessive name that heads an organisation is kept: "Mrs. Smith's Soup Kitchen", "Martha's Kitchen".
"""

from __future__ import annotations

import re
import unicodedata

import bot.platform.privacy.lexicon as lexicon
from bot.platform.privacy.rules import _compile, _part

_part(
    "relative_word",
    r"(?:(?:daughter|son|mother|father|sister|brother)-in-law|kiddo|(?-i:kids)"
    r"|daughter|son|mom|mother|dad|father|husband|wife|partner|sister|brother|caregiver|grandma|grandmother"
    r"|grandpa|grandfather|aunt|uncle|niece|nephew|guardian|spouse|boyfriend|girlfriend|cousin|grandson"
    r"|widow|widower|dtr|stepson|stepdaughter|stepmom|stepdad|fianc[eé]e?|neighbou?r|roommate|mum"
    r"|granddaughter|hija|hijo|madre|padre|mam[aá]|pap[aá]|esposo|esposa|marido|hermana|hermano|abuela|abuelo"
    r"|nieta|nieto|t[ií]a|t[ií]o|novio|novia|bro|sis"
    # Haitian Creole: sister, brother, mother, daughter, son, child, wife, husband
    r"|s[eè]|fr[eè]|manman|pitit\s{1,3}(?:fi|gason)|pitit|madanm|mari"
    # texting: boyfriend, girlfriend; Vietnamese: daughter, son, wife, husband
    r"|bf|gf|con\s{1,3}g[aá]i|con\s{1,3}trai|v[ợơ]|ch[ồô]ng|twins|triplets"
    # Portuguese and French: son, daughter, grandchild, mother, father, sibling, grandparent, wife
    r"|filh[oa]s?|net[oa]s?|m[ãa]e|irm[ãa]o?|av[óô]|fille|fils|m[èe]re|p[èe]re|s[œo]eur|fr[èe]re|femme"
    # Tagalog, Nepali and Korean: grandchild, child, spouse, elder brother; daughter-in-law, son, daughter, mother,
    # father, elder sister, brother, younger sister, grandparents; son, daughter, grandmother, grandfather, husband,
    # wife, mom, dad
    r"|apo|anak|asawa|kuya|buhari|chora|chori|aama|buwa|didi|bhai|bahini|hajurba|hajurama"
    r"|아들|딸|할머니|할아버지|남편|아내|엄마|아빠)",
)
NAME_CUE = _compile(
    r"(?<!\w)(?:"
    r"(?P<strong>(?:patient|pt\.?|client)(?:%(apos)ss)?\s{1,3}name\b(?:\s{1,3}is|\s{0,2}:)?"
    r"|(?:first|last|full|sur)\s{0,2}name\s{0,2}:|apellidos?\s{0,2}:|nombre\s{1,3}completo\s{0,2}:?"
    r"|name\s{1,3}is|name%(apos)ss|named|name\s{0,2}:|name(?=\s{1,3}(?-i:[A-Z])[^\W\d_])|nombre\s{1,3}es|nombre\s{0,2}:"
    r"|se\s{1,3}llama|llamad[oa]|goes\s{1,3}by|a\.?k\.?a\.?|also\s{1,3}known\s{1,3}as)"
    # "her son Jayden", "pt's daughter Keiko", "su hija María": tried before "pt" so the relative is seen.
    r"|(?P<relative>(?:her|his|their|su|sus|sa|ses|seu|sua|la|el|the|%(patients)s)\s{1,3}%(relative_word)s(?!\w)"
    r"|%(relative_word)s\s{1,3}(?:of|de|li)(?=\s))"  # Creole says whose after: "sè li" (his sister)
    # "wife Gloria called": a relative word alone; only a capitalised given name after it counts.
    r"|(?P<kin>%(relative_word)s)(?!\w)"
    r"|(?P<patient>patient|pt\.?|client|paciente|pasyan(?:\s{1,3}an)?(?:\s{1,3}se)?|пациент(?:ка|а)?|больн(?:ой|ая))"
    r"|(?P<title>(?:mrs|mr|ms|mx|srta|sra|sr|mme|mlle|se[ñn]ora|se[ñn]orita|se[ñn]or|do[ñn]a|don)\.?|(?-i:Miss|MISS"
    # Vietnamese: Mr (ông), Mrs (bà), Miss (cô), uncle (chú), elder sister (chị)
    r"|Madan|Msye|[ôÔ]ng|[bB]à|[cC]ô|[cC]hú|[cC]hị))"
    r")(?=(?P<window>(?s:.{0,120})))"
)
# "pt 'Big Mike'": a nickname in quotes; "mom is Precious Mbeki", "Mom = Hope …": the cue's word for "is".
_NAME_START = re.compile(r"(?:\s{1,3}(?:is|was|es|=)(?=\s))?[\s:=,(\-\u2013\u2014]{1,4}['\"\u2018\u201c]?")
# "the pt, 67M, Juan Perez": an age and sex between the cue and the name.
_DEMOGRAPHIC = re.compile(
    r"\d{1,3}\s{0,2}(?:(?:y/?o|yo|yrs?|years?\s{1,3}old)\b[\s,]{0,3}(?:[MFmf]\b)?|[MFmf]\b)\.?[\s,;:()\-]{1,4}"
)
_NAME_TOKEN = _compile(r"(?P<initial>(?-i:(?:[A-Z]\.\s?){1,3}))(?!\w)|[^\W\d_]{1,40}(?:[%(q)s\-][^\W\d_]{1,40}){0,3}")
_NAME_GAP = re.compile(r"[ \t]{1,3}")
_COMMA_GIVEN_NAME = re.compile(r",[ \t]{1,3}((?-i:[A-Z])[^\W\d_]{1,30})(?!\w)")
_POSSESSIVE_S = _compile(r"%(apos)ss$")
_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "di", "du", "dos", "le", "y", "bin", "al"}
)
_MAX_NAME_WORDS = 3
# Spanish honorifics are ordinary words in English too ("don a mask"): a capitalised or known name must follow.
_WEAK_TITLES = frozenset({"don", "dona", "doña", "sr", "ms", "miss", "ong", "ba", "co", "chu", "chi"})


def fold(word: str) -> str:
    """Lower case without accents, as the census lists spell names."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def _is_acronym(word: str) -> bool:
    return len(word) <= 3 and word.isupper()


def _stop(lower: str) -> bool:
    return lower in lexicon.words("stop") or lexicon.is_org_word(lower)


def cued_name(cue_kind: str, cue_text: str, window: str, window_start: int) -> tuple[int, int] | None:
    """Where the name after a cue is, or None when what follows is not a person's name."""
    if cue_kind == "patient" and cue_text == "PT":
        return None  # all-caps PT is physical therapy, not "patient"
    lower_cue = fold(cue_text.rstrip("."))
    lead = _NAME_START.match(window)
    if not lead:
        return None
    pos = lead.end()
    if demographic := _DEMOGRAPHIC.match(window, pos):
        pos = demographic.end()
    words: list[tuple[int, int, str]] = []  # (start, end, word) relative to window
    pending_particles: list[tuple[int, int, str]] = []
    while len(words) < _MAX_NAME_WORDS:
        if words or pending_particles:
            gap = _NAME_GAP.match(window, pos)
            if not gap:
                break
            pos = gap.end()
        token = _NAME_TOKEN.match(window, pos)
        if not token:
            break
        text = token.group()
        possessive = bool(_POSSESSIVE_S.search(text))
        bare = text[:-2] if possessive else text
        lower = fold(bare)
        if token.group("initial"):
            is_name = True
        elif (words or cue_kind == "title") and lower in _PARTICLES and not possessive:
            # "mrs. de los santos": after a title, a surname may begin with its particles
            pending_particles.append((token.start(), token.end(), text))
            pos = token.end()
            continue
        elif _stop(lower) or _is_acronym(bare):
            is_name = False
        elif bare[0].isupper():
            # "pt Maria Lopez Eastside Food Pantry": a capitalised word that starts an organisation's name ends
            # the person's name.
            # Right after a patient or relative cue a census name is the person's even before an organisation word
            # ("pt Nguyen Van Minh": "Van" is also a vehicle).
            is_name = possessive or not _next_word_is_organisation(window, token.end()) or (
                not words and cue_kind in ("patient", "relative") and lexicon.name_strength(lower) == 2)
            if is_name and not words and lower_cue in _WEAK_TITLES and cue_text[0].islower():
                is_name = lexicon.name_strength(lower) > 0
        elif not words:
            is_name = _lower_name_after_cue(cue_kind, lower_cue, bare, window, token.end())
        else:
            # A lower-case surname may follow a lower-case given name ("pt maria lopez").
            is_name = not words[-1][2][0].isupper() and (
                lexicon.name_strength(lower) > 0 or not lexicon.is_known_word(lower)
            )
        if not is_name:
            break
        words.extend(pending_particles)
        pending_particles = []
        words.append((token.start(), token.end() - (2 if possessive else 0), bare))
        pos = token.end()
        if possessive:
            break
    if not any(w[2] not in _PARTICLES for w in words):
        return None
    end = words[-1][1]
    # "García, Juan": a given name after a comma completes a surname-first name.
    given = _COMMA_GIVEN_NAME.match(window, end)
    if given and lexicon.is_given_name(fold(given.group(1))) and lexicon.name_strength(given.group(1)) == 2:
        return window_start + words[0][0], window_start + given.end()
    if cue_kind != "patient" and heads_organisation(window[pos : pos + 60]):
        return None
    return window_start + words[0][0], window_start + end


def _lower_name_after_cue(cue_kind: str, lower_cue: str, bare: str, window: str, end: int) -> bool:
    """Whether `bare`, typed in lower case right after the cue and ending at `end`, begins a name: one the census
    lists know that is no everyday word, or what the kind of cue allows besides."""
    lower = fold(bare)
    if cue_kind == "strong" or lexicon.name_strength(lower) == 2:
        return True
    if cue_kind == "title":
        if lower_cue in _WEAK_TITLES:
            # "ms autumn green": after a weak title, a given name with a surname after it
            return lower_cue in ("ms", "miss") and lexicon.is_given_name(lower) and _surname_follows(window, end, weak=True)
        # "mrs villanueva", and after Mr. or Mrs. a surname that is also a word ("mrs. brown")
        return not lexicon.is_known_word(lower) or (lower_cue in ("mr", "mrs") and lexicon.name_strength(lower) > 0)
    # "pt chinedu eze", "husband dawit": a word of no dictionary; "pt hope santos": a given name before a surname
    # "my patient sissy mullins": a nickname the lists miss, before a surname they know
    return lexicon.reads_as_unknown_name(bare) or (cue_kind == "patient" and _surname_follows(window, end) and (
        lexicon.is_given_name(lower) or not lexicon.is_everyday(lower)))


def reads_as_lower_surname(word: str, *, weak: bool = False) -> bool:
    """A surname typed in lower case ("santos", "mendoza-ruiz"): no dictionary's word, or a surname of the lists
    each of whose parts is a name; `weak`: a surname that is also an everyday word will do ("green")."""
    parts = fold(word).split("-")
    return not any(map(_stop, parts)) and (lexicon.reads_as_unknown_name(word) or (
        any(lexicon.name_strength(part) >= (1 if weak else 2) for part in parts) and all(map(lexicon.name_strength, parts))))


def _surname_follows(window: str, pos: int, *, weak: bool = False) -> bool:
    """A lower-case surname right after the word that ends at `pos`."""
    following = _NAME_TOKEN.match(window, pos + 1) if window[pos : pos + 1] == " " else None
    return bool(following) and following.group().islower() and reads_as_lower_surname(following.group(), weak=weak)


def _next_word_is_organisation(window: str, pos: int) -> bool:
    following = window[pos : pos + 40].split()[:1]
    return bool(following) and following[0][0].isupper() and lexicon.is_org_word(following[0])


# "Sister Mary", "Brother Martin": capitalised, these are religious titles of staff, not a patient's relatives.
_RELIGIOUS = frozenset({"Sister", "Brother", "Father", "Mother"})

_VERB_OF_ABBREVIATION = re.compile(r"^[A-Z]{2,5}['\u2019]?(?:d|ed|ing|s)$")


def _given_name_at(text: str, start: int) -> bool:
    """Whether a capitalised given name of the census lists starts at `start` ("wife Gloria", not "son rise")."""
    word = _NAME_TOKEN.match(text, start)
    if not word or not word.group()[0].isupper():
        return False
    bare = _bare(word.group())
    lower = fold(bare)
    if lexicon.is_given_name(lower) or (lexicon.name_strength(lower) == 2 and not lexicon.is_everyday(lower)):
        return True
    # A given name the lists miss ("wife Bożena", "son Tiago") is still no everyday word, and no abbreviation or
    # verb made of one ("son OD'd last night").
    return not (lexicon.is_known_word(lower) or lexicon.is_everyday(lower) or _stop(lower)
                or lexicon.is_place_word(lower) or _VERB_OF_ABBREVIATION.search(bare) or bare[1:].isupper())


def heads_organisation(following: str) -> bool:
    """Whether the capitalised words right after a name make it an organisation: "Hope House", "Mrs. Smith's Soup
    Kitchen". Only titles and "named"-style cues get this benefit of the doubt; after "patient" a name is a name."""
    for word in following.split()[:3]:
        clean = word.strip(".,;:!?()\"'")
        if not clean or not word[0].isupper():
            return False
        if lexicon.is_org_word(clean):
            return True
    return False


# "Tyrone (pt) missed his appointment", "Bubba (the pt who sleeps at the station)": capitalised words right before
# a patient mark in brackets.
_BEFORE_PATIENT_MARK = _compile(
    r"(?<![\w.])(?P<name>(?-i:[A-Z])[^\W\d_]{1,30}(?:[ \t](?-i:[A-Z])[^\W\d_]{1,30}){0,2})"
    r"\s{0,2}[(\[]\s{0,2}(?:(?:the|our|my|a|el|la)\s{1,3})?(?:pt|patient|client|paciente)(?!\w)"
)


# "faith (pt, DOB …)": in lower case, one given name right before the bracket.
_LOWER_BEFORE_PATIENT_MARK = _compile(
    r"(?<![\w.%(q)s])(?P<name>(?-i:[a-z])[^\W\d_]{1,30})\s{0,2}[(\[]\s{0,2}(?:pt|patient|client|paciente)(?!\w)"
)


def cued_names(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _BEFORE_PATIENT_MARK.finditer(text):
        words = [fold(word) for word in match.group("name").split()]
        if not any(_stop(word) or lexicon.is_place_word(word) for word in words):
            spans.append(match.span("name"))
    for match in _LOWER_BEFORE_PATIENT_MARK.finditer(text):
        word = match.group("name")
        if lexicon.is_given_name(word) or lexicon.reads_as_unknown_name(word):
            spans.append(match.span("name"))
    for match in NAME_CUE.finditer(text):
        cue_kind = next(k for k in ("strong", "relative", "kin", "patient", "title") if match.group(k))
        span = cued_name(cue_kind, match.group(cue_kind), match.group("window"), match.end())
        if span and cue_kind == "kin" and (not _given_name_at(text, span[0]) or match.group("kin") in _RELIGIOUS):
            # In lower case, a given name of the lists that is no word, or a word of no dictionary ("husband dawit").
            word = text[span[0] : span[1]].split()[0]
            if not word.islower() or match.group("kin") in _RELIGIOUS or not (
                    lexicon.reads_as_unknown_name(word) or (lexicon.is_given_name(word) and _strong_name(word))):
                continue
        if span:
            spans.append(span)
    return spans


# ---------------------------------------------------------------------------------------------------------------
# Without a cue

# A capitalised word (or an all-caps one), possibly possessive or hyphenated; "Jr."/"Sr." may sit inside a run.
_CAP_WORD = re.compile(r"(?<![\w@.#/])(?-i:[A-Z])[^\W\d_]{0,30}(?:[\-'\u2019][^\W\d_]{1,30}){0,2}(?![\w@])")
# A nickname in quotes between given name and surname stays inside the name: "Gerald 'Gerry' Nash".
_RUN_GAP = re.compile(r"(?:[ \t]{1,2}(?:(?:de|del|la|las|los|van|von|der|den|da|di|du|dos|y)[ \t]{1,2}){0,2}"
                      r"|\.[ \t]{1,2}(?=(?-i:[A-Z]))"
                      r"|[ \t]{1,2}['\"\u2018\u201c]|['\"\u2019\u201d][ \t]{1,2})")
_SAINT_OR_DOCTOR = re.compile(r"(?:\b(?:st|ste|saint|san|santa|santo|dr|doctor|mt|mount|fort|ft)\.?[ \t]{1,2})$",
                              re.IGNORECASE)
_PLACE_PREPOSITION = re.compile(r"(?:\b(?:in|near|from|at|of|en|cerca\s+de|called|named|town|city"
                                # "to" a place only after a way of getting there: "rides to Marion", not
                                # "glasses to Gabriel"
                                r"|(?:ride|rides|drive|drives|go|goes|get|bus|trip|move|moved|way|back|out)\s{1,2}to)"
                                r"[ \t]{1,2})$", re.IGNORECASE)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_SAINTS = frozenset({"saint", "san", "santa", "santo", "sao"})


def _runs(text: str) -> list[list[tuple[int, int, str]]]:
    """Runs of capitalised words separated by single spaces (or name particles)."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    last_end = -1
    for match in _CAP_WORD.finditer(text):
        if current:
            gap = _RUN_GAP.fullmatch(text, last_end, match.start())
            if gap is None:
                runs.append(current)
                current = []
        current.append((match.start(), match.end(), match.group()))
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def _unlisted_surname_after(given: str, given_strength: int, word: str) -> bool:
    """ "Svetlana Morozova": a word no dictionary knows after a given name is a surname the census lists lack."""
    lower = fold(word)
    return given_strength == 2 and lexicon.is_given_name(given) and len(lower) > 3 and lexicon.reads_as_unknown_name(lower)


def _bare(word: str) -> str:
    return re.sub(r"['\u2019]s$", "", word)


def _strength(word: str) -> int:
    # "O'Neill", "D'Angelo": the census lists spell them without the apostrophe.
    plain = word.replace("'", "").replace("\u2019", "")
    return max(lexicon.name_strength(word), lexicon.name_strength(plain) if plain != word else 0)


def uncued_names(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(names, doubtful): full names found without a cue, and single capitalised words that read as names but
    are kept (shown as doubtful where a person is asked)."""
    found: list[tuple[int, int]] = []
    doubtful: list[tuple[int, int]] = []
    for run in _runs(text):
        bare = [_bare(word) for _s, _e, word in run]
        folded = [fold(word.rstrip(".")) for word in bare]
        following = [fold(w) for w in text[run[-1][1] : run[-1][1] + 30].split()[:1] if bare[-1] == run[-1][2]]
        if any(lexicon.is_org_word(w) or lexicon.is_place_word(w) for w in folded) or any(map(lexicon.is_org_word, following)):
            continue
        before = text[max(0, run[0][0] - 12) : run[0][0]]
        if _SAINT_OR_DOCTOR.search(before) or folded[0] in _SAINTS:
            continue  # "Saint Vincent de Paul", "Dr. Ana Ruiz": a saint's name is a parish's, a doctor is staff
        if folded[-1] in _SUFFIXES and heads_organisation(text[run[-1][1] : run[-1][1] + 60].lstrip(". ")):
            continue  # "Martin Luther King Jr. Center": a run cut at "Jr." names an organisation
        # The longest stretch of name words inside the run.
        strengths = [0 if word in _SUFFIXES else _strength(word) for word in folded]
        # Where the given name opens the run ("Vivienda Justa Eastport" is an organisation's name)
        if len(run) > 1 and strengths[1] == 0 and _unlisted_surname_after(folded[0], strengths[0], bare[1]):
            strengths[1] = 1
        elif 1 < len(run) < 4 and strengths[:2] == [0, 2] and bare[0][1:].islower() and len(folded[0]) > 3 and len(
                folded[1]) > 3 and lexicon.reads_as_unknown_name(bare[0]) and not lexicon.is_known_word(folded[1]):
            strengths[0] = 2  # "Chukwuemeka Adeyemi": a given name no list holds, before a surname they do
        best: tuple[int, int] | None = None
        index = 0
        while index < len(run):
            if strengths[index] == 0:
                index += 1
                continue
            end = index
            while end + 1 < len(run) and strengths[end + 1] > 0:
                end += 1
            if best is None or end - index > best[1] - best[0]:
                best = (index, end)
            index = end + 1
        if best is None:
            continue
        first, last = best
        stretch = strengths[first : last + 1]
        possessive_end = bare[last] != run[last][2]
        if last > first and 2 in stretch and (lexicon.is_given_name(folded[first]) or stretch.count(2) >= 2):
            end = run[last][1] - (2 if possessive_end else 0)
            found.append((run[first][0], end))
        elif (
            last == first
            and stretch[0] == 2
            and len(run) == 1
            and not _PLACE_PREPOSITION.search(before)
            and lexicon.is_given_name(folded[first])
            and run[0][0] > 0
        ):
            doubtful.append((run[first][0], run[first][1] - (2 if possessive_end else 0)))
    return found, doubtful


# ---------------------------------------------------------------------------------------------------------------
# Names that the words around them make a person's

PERSON_SHAPED = r"(?-i:[A-Z])[^\W\d_]{1,30}(?:[%(q)s\-](?-i:[A-Z])?[^\W\d_]{1,30})?"
# "Ana's daughter", "Tom's wife": whoever has a relative is a person.
_POSSESSOR_OF_RELATIVE = _compile(
    rf"(?<![\w%(q)s])(?P<name>{PERSON_SHAPED})%(apos)ss\s{{1,3}}(?:(?:little|big|baby|older|younger|oldest|youngest"
    rf"|twin|ex)\s{{1,3}})?%(relative_word)s(?!\w)"
)
# "darnell's wife": a given name typed in lower case, with a relative of its own.
_LOWER_POSSESSOR_OF_RELATIVE = _compile(
    r"(?<![\w%(q)s])(?P<name>(?-i:[a-z])[^\W\d_]{2,30})%(apos)ss\s{1,3}%(relative_word)s(?!\w)"
)
# "Ana's # 555-0196", "Tom's cell": whoever has a phone of their own is a person.
_POSSESSOR_OF_CONTACT = _compile(
    rf"(?<![\w%(q)s])(?P<name>{PERSON_SHAPED}|(?-i:[a-z])[^\W\d_]{{2,30}})%(apos)ss\s{{1,3}}(?:(?:cell|mobile|phone|number|#"
    r"|e-?mail|address|medicaid|medicare|mrn|dob|ssn|chart|insurance|member\s{1,3}id|acct|account)(?!\w)"
    # "Rosemary Stone's Tufts Health Plan member ID": a plan's name may stand before its ID.
    r"|(?:(?-i:[A-Z])[\w&\-]{1,20}[ \t]{1,3}){1,3}?(?:member[ \t]{1,3}id|id|policy|insurance\s{1,3}card)(?!\w))"
)
# "the Hendersons'", "the Szymańskis": a surname in the plural names a household too.
_PLURAL_HOUSEHOLD = _compile(
    r"(?<!\w)the\s{1,3}(?P<name>(?:(?-i:[A-Z])%(apos)s)?(?-i:[A-Z])[^\W\d_]{2,30}?)(?:e?s)(?:%(apos)s|(?!\w))(?!\s{1,3}(?-i:[A-Z]))"
)
# "la familia Treviño", "family of Ruth Park"
_FAMILY_OF = _compile(r"(?<!\w)(?:familia|family\s{1,3}of)\s{1,3}(?:los\s{1,3})?(?P<name>(?-i:[A-Z])[^\W\d_]{1,30})")
# Dotted initials, in either case ("for j.b.", "placed B.M. there"), unless an everyday abbreviation.
_DOTTED_INITIALS = re.compile(r"(?<![\w.])(?P<name>[A-Za-z]\.\s?[A-Za-z]\.)(?![\w]|\s?[A-Za-z]\.)")
_ABBREVIATIONS = frozenset({"am", "pm", "eg", "ie", "us", "po", "dc", "md", "rn", "na", "aa", "uk", "er", "ok", "ft",
                            "st", "jr", "sr", "vs", "nd", "ed", "bs", "ba", "ma", "ms", "mr", "dr", "pt", "ot", "np",
                            "pa", "lp", "rx", "tx", "hr"})  # fmt: skip
# A given name and one initial: "Wilma K", "Noah A.'s", "tasha w."
_GIVEN_AND_INITIAL = re.compile(
    r"(?<![\w'\u2019])(?P<name>(?P<given>[A-Za-z][^\W\d_]{1,30})\s(?:[A-Z]\.?|[a-z]\.))(?![\w])"  # "y", "a": words
)
# A given name (and its surnames) then an age: "delia, 84,", "Kev (… , 41)", "Mark Delacroix-Baptiste, 67M,"
_NAME_THEN_AGE = re.compile(
    r"(?<![\w'\u2019])(?P<name>(?P<given>[A-Za-z][^\W\d_]{1,30})(?:[ \t]{1,2}[A-Z][^\W\d_]{1,30}"
    r"(?:-[A-Z][^\W\d_]{1,30})?){0,2}),\s{0,2}\d{1,3}\s{0,2}(?:y/?o|yo|[MF])?\s{0,2}[,;)]"
)
# A surname opening the message, then what the person needs or is: "Ramírez needs a notary".
_SURNAME_OPENING = re.compile(
    r"^\s{0,3}(?P<name>[A-Z][^\W\d_]{1,30})\s{1,3}(?:needs|is|has|wants|was|lives|can'?t|cannot|got|missed|called)\b"
)

# "the Nguyen family", "the Kaminski household": a surname that names a household.
_HOUSEHOLD = _compile(
    rf"(?<!\w)(?:the|los|las)\s{{1,3}}(?P<name>{PERSON_SHAPED})\s{{1,3}}"
    # lower case: "The Smith Family Foundation" is an organisation
    r"(?-i:family|household|kids|children|boys|girls|twins|familia|fam)(?!\w)"
    # "Xiong fam still in the car": texting's word for a family names one without "the".
    rf"|(?<![\w%(q)s])(?P<texted>{PERSON_SHAPED})\s{{1,3}}(?-i:fam)(?:%(apos)ss)?(?!\w)"
    r"(?!\s{1,3}(?:services?|centers?|programs?|resources?|support|night|day|event))"
)
# "R. Okonkwo", "J. Morales'": an initial and a surname ("W. Washington Ave" is a street, "A. Philip Randolph
# Institute" an organisation).
_INITIAL_AND_SURNAME = _compile(rf"(?<![\w.])(?P<name>(?-i:[A-Z])\.\s?{PERSON_SHAPED})(?=(?P<after>.{{0,40}}))")
# A street suffix right after a name: "W. Washington Ave", "the Cesar Chavez Ave fire station".
STREET_AFTER = _compile(r"\s{1,3}%(street_suffix)s\b")
# "Betty & Frank Olsen": a given name joined to a full name already found shares its surname.
_GIVEN_AND = _compile(r"(?<![\w%(q)s])(?P<name>(?-i:[A-Z])[^\W\d_]{1,30})\s{1,3}(?:&|and|y)\s{1,3}$")


def reads_as_surname(word: str) -> bool:
    lower = fold(_bare(word).replace("\u2019", "'"))
    if _stop(lower) or lexicon.is_place_word(lower):
        return False
    parts = [part for part in re.split(r"[-']", lower) if part]  # "Pierre-Louis", "Nowak-Lewandowska"
    if len(parts) > 1:
        return any(lexicon.name_strength(part) > 0 for part in parts) or not any(
            lexicon.is_everyday(part) for part in parts)
    return lexicon.name_strength(lower) > 0 or lexicon.name_strength(lower.replace("'", "")) > 0 or (
        not lexicon.is_known_word(lower) and not lexicon.is_everyday(lower))


# "Jean-Baptiste, Wilner", "FERREIRA, JOÃO", "McCarthy, Padraig": a surname, a comma, a given name.
_SURNAME_COMMA_GIVEN = re.compile(
    r"(?<![\w'\u2019])(?P<name>(?P<surname>[A-Z][^\W\d_]{0,30}(?:[-'\u2019][A-Za-z][^\W\d_]{1,30})?),\s{1,2}"
    # a chart's "NGUYEN, thi": after a surname in capitals, the given name may be in lower case
    r"(?P<given>[A-Z][^\W\d_]{1,30}|(?<=[A-Z]{2},\s)[a-z][^\W\d_]{1,30}(?:-[a-z]{2,20})?))(?![\w'\u2019])"
    r"(?!\s{0,2}(?:,|and\b|&|or\b|y\b)\s{0,2}[A-Z])"  # not a list
)


def is_everyday_or_stop(word: str) -> bool:
    lower = fold(word)
    return lexicon.is_everyday(lower) or _stop(lower) or lexicon.is_place_word(lower)


def is_particle(word: str) -> bool:
    """ "Van", "de", "bin": a word inside a full name that is no name on its own."""
    return fold(word) in _PARTICLES


def is_stop_or_place(word: str) -> bool:
    lower = fold(word)
    return _stop(lower) or lexicon.is_place_word(lower)


def contextual_names(text: str) -> list[tuple[int, int]]:
    """Names that read as a person's only from the words around them: a possessor of a relative, a household's
    surname, an initial and a surname."""
    spans = []
    for pattern in (_POSSESSOR_OF_RELATIVE, _POSSESSOR_OF_CONTACT, _HOUSEHOLD, _FAMILY_OF):
        for match in pattern.finditer(text):
            group = "texted" if "texted" in pattern.groupindex and match.group("texted") else "name"
            if reads_as_surname(match.group(group)):
                spans.append(match.span(group))
    for match in _LOWER_POSSESSOR_OF_RELATIVE.finditer(text):
        if is_plain_given_name(match.group("name")):
            spans.append(match.span("name"))
    for match in _PLURAL_HOUSEHOLD.finditer(text):
        if _strong_name(match.group("name")):
            spans.append((match.start("name"), match.end()))
    for match in _DOTTED_INITIALS.finditer(text):
        if re.sub(r"[\s.]", "", match.group("name")).lower() not in _ABBREVIATIONS:
            spans.append(match.span("name"))
    for pattern in (_GIVEN_AND_INITIAL, _NAME_THEN_AGE):
        for match in pattern.finditer(text):
            others = [fold(word) for word in re.split(r"[\s\-]+", match.group("name"))[1:]]
            given = fold(match.group("given"))
            # With a surname and an age after it, a given name that is also a word is a name ("Mark …, 67M").
            plain = is_plain_given_name(given) or (others and lexicon.is_given_name(given) and not _stop(given))
            if plain and not any(
                    lexicon.is_org_word(word) or lexicon.is_place_word(word) for word in others):
                spans.append(match.span("name"))
    for match in _SURNAME_COMMA_GIVEN.finditer(text):
        given, surname = fold(match.group("given")), fold(match.group("surname"))
        # The surname is one the lists know (or half of a double one); the given name is, or is no word at all.
        known_surname = any(lexicon.name_strength(part) > 0 for part in
                            [*re.split(r"[-'\u2019]", surname), re.sub(r"['\u2019]", "", surname)] if len(part) > 1)
        # "NGUYEN, thi", "WU, mei-ling", "FERREIRA, JOÃO": a chart's surname in capitals
        charted = match.group("surname").isupper() and not match.group("given").istitle()
        plausible_given = lexicon.is_given_name(given) or (charted and not all(
            lexicon.is_everyday(part) or _stop(part) for part in given.split("-"))) or not (
            lexicon.is_known_word(given) or lexicon.is_everyday(given)
            or (match.group("given").isupper() and not match.group("surname").isupper())  # "Lopez, HICN"
            or heads_organisation(text[match.end() : match.end() + 60]))  # "…, Eastport Senior Center"
        if (known_surname and plausible_given and not _stop(given) and not _stop(surname)
                and not lexicon.is_place_word(given) and not lexicon.is_place_word(surname)):  # fmt: skip
            spans.append(match.span("name"))
    opening = _SURNAME_OPENING.match(text)
    if opening and _strong_name(opening.group("name")) and not lexicon.is_everyday(fold(opening.group("name"))):
        spans.append(opening.span("name"))
    for match in _INITIAL_AND_SURNAME.finditer(text):
        surname = match.group("name")[2:].strip()
        after = match.group("after")
        if STREET_AFTER.match(after) or heads_organisation(after) or not reads_as_surname(surname):
            continue
        spans.append((match.start("name"), match.end("name") - (2 if _POSSESSIVE_S.search(surname) else 0)))
    return spans


def given_names_joined(text: str, name_starts: list[int]) -> list[tuple[int, int]]:
    """ "Betty & Frank Olsen": the given name joined by "&", "and" or "y" to a name found."""
    spans = []
    for start in name_starts:
        joined = _GIVEN_AND.search(text[max(0, start - 40) : start])
        if joined and lexicon.is_given_name(fold(joined.group("name"))) and not _stop(fold(joined.group("name"))):
            offset = max(0, start - 40)
            spans.append((offset + joined.start("name"), offset + joined.end("name")))
    return spans


_AND_GIVEN = _compile(r"\s{1,3}(?:&|and|y|\+)\s{1,3}(?P<name>(?-i:[A-Z])[^\W\d_]{1,30})(?![\w%(q)s])")


def given_names_after(text: str, name_ends: list[int]) -> list[tuple[int, int]]:
    """ "kids Tariq & Zola": a given name joined by "&", "and" or "y" after a name found."""
    spans = []
    for end in name_ends:
        joined = _AND_GIVEN.match(text, end)
        if joined and _given_name_at(text, joined.start("name")) and not heads_organisation(text[joined.end() :
                                                                                                 joined.end() + 60]):
            spans.append(joined.span("name"))
    return spans


def _strong_name(word: str) -> bool:
    lower = fold(word)
    return _strength(lower) == 2 and not _stop(lower) and not lexicon.is_place_word(lower)


def is_plain_given_name(word: str) -> bool:
    """A capitalised word that reads as a given name and as nothing else ("Eleanor", not "Grace Lutheran"'s
    "Grace" nor "Hope")."""
    lower = fold(word)
    return lexicon.is_given_name(lower) and lexicon.name_strength(lower) == 2 and not _stop(lower) and not (
        lexicon.is_place_word(lower))
