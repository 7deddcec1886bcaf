"""BASELINE, frozen copy of bot/platform/privacy.py before issue 11 (the cue-word redactor); used only by
benchmarks/privacy_eval.py to print its figures beside the current engine's. Do not edit.

Removes patient identifiers from text people type, before it is stored, logged or echoed anywhere.

partnerbot's promise is that it never keeps protected health information. Every surface that takes free text
calls `redact()` first and keeps only `Redaction.text`; `Redaction.summary()` tells the person what was removed.

How it decides (documented because a hospital IT team will ask):
- Identifiers that are recognisable on their own are always removed: dashed SSNs (123-45-6789) and Medicare
  Beneficiary Identifiers (1EG4-TE5-MK73).
- Everything else needs a cue next to it: a label ("DOB", "MRN", "Medicaid #", "patient", "Mrs.", "name is") or
  words that make a phone, email or street address the *patient's* ("her cell", "call him at", "lives at",
  "pt phone", "su teléfono"). A pantry's own phone, website, email or street address has no such cue, so it is
  kept. Two context rules widen this: a "cell"/"home" detail in the same sentence right after a patient
  identifier is the patient's, and so are the contact fields of a pasted intake form ("Name: …\\nPhone: …")
  once one of its lines holds a patient identifier.
- Names: one to three name words after patient, pt, client, paciente, Mr., Mrs., Ms., Miss, Mx., Sr., Sra.,
  "name is", "named", "se llama", "her son", "Last name:". Lower-case names are taken after "name is"/"se llama"
  and, after patient/pt, when the first word is a common given name. Program words ("Patient Navigator
  program") are not names; all-caps "PT" is physical therapy, not "patient".
- Possessive names that head an organisation are kept: "Mrs. Smith's Soup Kitchen", "Martha's Kitchen",
  "Dr. Patel's Free Clinic". The rule: a cue-word name followed by 's and a capitalised run containing an
  organisation word (Kitchen, Pantry, Clinic, Shelter, ...) is a resource's name, not a person's; without the
  organisation word ("Mrs. Smith's daughter", "Mrs. Smith's Medicaid") the name is removed.
- Values are recognised as people type them and as Slack delivers them (<mailto:a@b.org|a@b.org>, <tel:…>).
- Text is normalised first (NFKC, zero-width characters dropped, unusual spaces made plain) so look-alike
  digits and hidden characters cannot smuggle an identifier past the patterns.

Every pattern is compiled once at import and uses only bounded repetition, so the work is linear in the length
of the text (no catastrophic backtracking on hostile input).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["KINDS", "Redaction", "redact"]

# Stable, human words: they appear in the summary shown to people and in tests.
NAME = "name"
DATE_OF_BIRTH = "date of birth"
SSN = "SSN"
RECORD_NUMBER = "record number"
INSURANCE_ID = "insurance ID"
PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"

KINDS: tuple[str, ...] = (NAME, DATE_OF_BIRTH, SSN, RECORD_NUMBER, INSURANCE_ID, PHONE, EMAIL, ADDRESS)

_PLURALS = {
    NAME: "names",
    DATE_OF_BIRTH: "dates of birth",
    SSN: "SSNs",
    RECORD_NUMBER: "record numbers",
    INSURANCE_ID: "insurance IDs",
    PHONE: "phones",
    EMAIL: "emails",
    ADDRESS: "addresses",
}


def _placeholder(kind: str) -> str:
    return f"[{kind} removed]"


@dataclass(frozen=True)
class Redaction:
    """The redacted text and how many identifiers of each kind were taken out of it."""

    text: str
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.removed)

    def summary(self) -> str:
        """ "Removed for privacy: 1 name, 2 phones", or "" when nothing was removed."""
        parts = []
        for kind in KINDS:
            count = self.removed.get(kind, 0)
            if count:
                parts.append(f"{count} {kind if count == 1 else _PLURALS[kind]}")
        return "Removed for privacy: " + ", ".join(parts) if parts else ""


# ---------------------------------------------------------------------------------------------------------------
# Normalisation

_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"), None
)
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _ODD_SPACES.sub(" ", text)


# ---------------------------------------------------------------------------------------------------------------
# Building blocks. Patterns are written as %-templates over these parts so each reads as one piece; every
# repetition is bounded ({0,3}, {1,64}, ...), which keeps matching linear even on hostile input.

# "apos" is an apostrophe (straight or curly); "q" and "dash" are the same characters for use inside [...].
_PARTS: dict[str, str] = {"apos": "['\u2019]", "q": "'\u2019", "dash": "\\-\u2013\u2014"}


def _part(name: str, template: str) -> str:
    _PARTS[name] = template % _PARTS
    return _PARTS[name]


def _compile(template: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    return re.compile(template % _PARTS, re.IGNORECASE if ignore_case else 0)


_part("digits9", r"\d(?:[\s.%(dash)s]{0,3}\d){8}(?!\d)")
_part(
    "phone",
    r"\+?(?:\(\s{0,2})?\d(?:[\s.%(dash)s()]{0,3}\d){6,14}(?!\d)(?:\s{0,2}(?:x|ext\.?)\s{0,2}\d{1,5})?",
)
_part(
    "email",
    # maria.lopez@gmail.com, or spelled out to dodge filters: "dana . k @ gmail . com", "ana (at) mail (dot) org".
    r"(?:[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,4}"
    r"|[\w+\-]{1,64}(?:\s{0,2}\.\s{0,2}[\w+\-]{1,30}){0,2}\s{0,2}(?:@|\(at\)|\[at\])\s{0,2}[\w\-]{1,63}"
    r"(?:\s{0,2}(?:\.|\(dot\)|\[dot\])\s{0,2}(?-i:[a-z]{2,24})(?!\w)){1,3})",
)
_part(
    "street_suffix",
    r"(?:st|street|ave|avenue|av|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pl|place|ter|terrace"
    r"|pkwy|parkway|hwy|highway|cir|circle|sq|square|trl|trail|loop|row|pike|route|rte)",
)
_part(
    "unit",
    r"(?:,?\s{0,2}(?:apt|apartment|unit|suite|ste|rm|room|lot|trlr|depto|dpto|#)\.?\s{0,2}#?\s{0,2}[\w\-]{1,6})?",
)
_part(
    "address",
    r"(?:\d{1,6}(?:[a-z]|-\d{1,4})?\s{1,3}(?:[nsew]\.?\s{1,3})?(?:[^\W_][\w%(q)s.\-]{0,25}\s{1,3}){0,3}?"
    r"%(street_suffix)s\b\.?%(unit)s(?:,?\s{0,2}\d{5}(?:-\d{4})?)?"
    # Spanish order: Calle Luna 123
    r"|(?:calle|c/|avenida|av\.|avda\.?|camino|carrera|paseo|callej[oó]n)\s{1,3}"
    r"(?:[^\W\d_][\w%(q)s.\-]{0,25}\s{1,3}){0,3}?(?:n[uú]m\.?\s{0,2}|#\s{0,2})?\d{1,6}%(unit)s"
    # A house number and one or two words; only ever tried after a cue such as "lives at".
    r"|\d{1,6}[a-z]?\s{1,3}[^\W\d_][\w%(q)s\-]{0,25}(?:\s{1,3}[^\W\d_][\w%(q)s\-]{0,25})?%(unit)s)",
)
_part(
    "month",
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre"
    r"|octubre|noviembre|diciembre|ene|abr|ago|dic)\b\.?",
)
_part("year", r"(?:1[89]\d\d|20\d\d)(?!\d)")
_part(
    "date",
    r"(?:\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"  # 1950-03-04
    r"|\d{1,2}\s{0,2}[/.%(dash)s]\s{0,2}\d{1,2}(?:\s{0,2}[/.%(dash)s]\s{0,2}\d{2,4})?(?!\d)"  # 3/4/1950, 03-04-50
    r"|\d{1,2}(?:st|nd|rd|th|o|º)?\s{0,3}(?:of\s{1,3}|de\s{1,3})?%(month)s(?:,?\s{0,3}(?:del?\s{1,3})?%(year)s)?"
    r"|%(month)s\s{0,3}\d{1,2}(?!\d)(?:st|nd|rd|th)?(?:,?\s{0,3}%(year)s)?"  # March 4th, 1950
    r"|%(month)s,?\s{0,3}(?:del?\s{1,3})?%(year)s"  # March 1950, marzo de 1950
    r"|%(year)s"  # 1950: only ever after a birth label
    r"|\d(?:[\s/.%(dash)s]{0,3}\d){3,9}(?!\d))",  # 0 3 / 0 4 / 1 9 5 0
)
# Words that may sit between a label and its value: "DOB is", "MRN: #", "her cell number is now".
_part(
    "filler",
    r"(?:[\s:=#%(dash)s,]{0,3}(?:(?:%(apos)ss|is|was|are|es|era|now|currently|number|num|no|of|on|in|at|al|el|en"
    r"|ending\s{1,3}in|ends\s{1,3}in|last\s{1,3}(?:4|four)(?:\s{1,3}digits)?)\b\.?)?){0,4}[\s:=#%(dash)s]{0,3}",
)

# ---------------------------------------------------------------------------------------------------------------
# Identifiers recognisable on their own

_BARE_SSN = _compile(r"(?<![\w\-])\d{3}\s{0,2}[%(dash)s]\s{0,2}\d{2}\s{0,2}[%(dash)s]\s{0,2}\d{4}(?![\w\-])")
# Medicare Beneficiary Identifier: 11 characters; its letters never include S, L, O, I, B or Z.
_part("mbi_letter", "[AC-HJKMNP-RT-Y]")
_BARE_MBI = _compile(
    r"(?<![\w\-])[1-9]%(mbi_letter)s(?:%(mbi_letter)s|\d)\d[\-\s]?%(mbi_letter)s(?:%(mbi_letter)s|\d)\d[\-\s]?"
    r"%(mbi_letter)s{2}\d{2}(?![\w\-])",
    ignore_case=False,
)

# ---------------------------------------------------------------------------------------------------------------
# Labelled identifiers

_SSN_LABELLED = _compile(
    r"(?<!\w)(?:s[\s.]{0,3}s[\s.]{0,3}n\b\.?|ss\s{0,2}#"
    r"|soc(?:ial)?\.?\s{0,2}sec(?:urity)?\.?(?:\s{0,3}(?:card|number|num|no\.?|#))?"
    r"|(?:n[uú]mero\s{1,3}del?\s{1,3})?seguro\s{1,3}social)%(filler)s"
    r"(?P<value>%(digits9)s|(?:x{3}|\*{3})[\s.\-]{0,2}(?:x{2}|\*{2})[\s.\-]{0,2}\d{4}(?!\d)|\d{4}(?!\d))"
)
_RECORD_LABELLED = _compile(
    r"(?<!\w)(?:m[\s.]{0,3}r[\s.]{0,3}n\b\.?|mr\s{0,2}#"
    r"|medical\s{1,3}rec(?:ord)?s?(?:\s{1,3}(?:number|num|no\.?|#|id))?"
    r"|rec(?:ord)?\s{0,3}(?:#|number|num|no\.?)|chart\s{0,3}(?:#|number|num|no\.?|id)"
    r"|acct\.?(?:\s{0,3}(?:#|number|num|no\.?))?|account\s{0,3}(?:#|number|num|no\.?)"
    r"|(?:encounter|case|visit|claim)\s{0,3}(?:#|number|num|no\.?|id)|fin\s{0,3}#|csn\b|fin\b|id\s{0,2}#"
    r"|(?:patient|pt\.?|client|paciente)\s{0,3}(?:id|#|number|no\.?|identifier)\b"
    r"|(?:her|his|their|pt%(apos)s?s|patient%(apos)s?s)\s{1,3}id\b"
    r"|(?:n[uú]mero\s{1,3}de\s{1,3})?(?:expediente|historia\s{1,3}cl[ií]nica)|nhc\b)%(filler)s"
    r"(?P<value>\d(?:[ \-]{0,2}\d){3,15}(?!\d)|(?=[a-z\-]{0,6}\d)[a-z0-9][a-z0-9\-]{2,24}(?![\w\-]))"
)
_INSURANCE_LABELLED = _compile(
    r"(?<!\w)(?P<label>medicaid|medicare|medi-?cal|mbi|hicn|chip|insurance|ins\.|member|subscriber|policy|group"
    r"|plan|seguro|p[oó]liza|afiliado|beneficiary|benefits?|ebt|snap|aetna|cigna|humana|molina|anthem|uhc"
    r"|unitedhealthcare|bcbs|blue\s{1,3}cross|kaiser|ambetter|wellcare|caresource|tricare)"
    r"(?P<marker>(?:[\s,:]{0,3}(?:(?:id|no|number|num|card|n[uú]mero|identification|ident)\b\.?#?|#)){1,2})?"
    r"%(filler)s(?P<value>\d(?:[ \-]{0,2}\d){5,19}(?!\d)|(?=[a-z\-]{0,8}\d)[a-z0-9][a-z0-9\-]{2,24}(?![\w\-]))"
)
# Generic words only count as an insurance label when a marker follows ("group #", "plan ID").
_INSURANCE_NEEDS_MARKER = frozenset({"group", "plan", "benefit", "benefits", "snap", "chip", "member"})
# A label then a phone number without a marker is a helpline ("Medicaid 555-0100"), not a member id.
_PHONE_SHAPED = _compile(r"(?:\+?1[\s.\-])?(?:\(?\d{3}\)?[\s.\-])?\d{3}[\s.\-]\d{4}")

_DOB_LABELLED = _compile(
    r"(?<!\w)(?:d[\s.]{0,3}o[\s.]{0,3}b\b\.?|date\s{1,3}of\s{1,3}birth|birth\s{0,2}date|birth\s{0,2}day"
    r"|born(?:\s{1,3}(?:on|in))?|b\.|fecha\s{1,3}de\s{1,3}nacimiento|f\.?\s{0,2}de\s{0,2}n\.|fdn\b|cumplea[nñ]os"
    r"|naci(?:ó|o|da|do)(?:\s{1,3}(?:el|en))?)%(filler)s(?P<value>%(date)s)"
)

# ---------------------------------------------------------------------------------------------------------------
# Contact details that are the patient's

_part(
    "relative",
    r"(?:daughter|son|mom|mother|dad|father|husband|wife|partner|sister|brother|caregiver|grandma"
    r"|grandmother|grandpa|grandfather|aunt|uncle|niece|nephew|guardian|spouse|boyfriend|girlfriend|family)",
)
_part(
    "patients",
    r"(?:the\s{1,3}patient%(apos)s?s|patient%(apos)s?s|pt\.?%(apos)s?s|client%(apos)s?s|member%(apos)s?s)",
)
_part(
    "possessor",
    r"(?:(?:(?:her|his|their|%(patients)s)\s{1,3})?%(relative)s%(apos)s?s|her|his|their|%(patients)s|su|sus"
    # "pt cell", "patient phone": the patient's, said without the possessive
    r"|pt\.?|patient|client|paciente)",
)
_part(
    "contact_noun",
    r"(?:(?:home|cell|mobile|personal|work|primary|new|best|contact|phone|email|mailing|current|old)\s{1,3}){0,2}"
    r"(?:cell(?:\s{0,2}phone)?|phone(?:\s{1,3}number|\s{0,2}#)?|mobile(?:\s{1,3}number)?|number|num|#|tel|own"
    r"|tel[eé]fono|celular|cel|n[uú]mero(?:\s{1,3}de\s{1,3}(?:tel[eé]fono|celular))?|contact(?:\s{1,3}(?:number|info))?"
    r"|info|landline|e-?mail(?:\s{1,3}address)?|correo(?:\s{1,3}electr[oó]nico)?|address|addr|direcci[oó]n"
    r"|domicilio|apartment|apt|place|casa)",
)
# A named person, then a detail only a person has: "Mr. Thompson's cell", "Maria's mobile", "Ana's home address".
_part(
    "named_persons_detail",
    r"(?:(?-i:Mrs|Mr|Ms|Mx|Miss|Sra|Sr)\.?\s{1,3})?(?-i:[A-Z])[^\W\d_]{1,30}(?:-[^\W\d_]{1,30})?%(apos)s"
    r"s\s{1,3}(?:cell(?:\s{0,2}phone)?|mobile|home\s{1,3}(?:phone|address|number)"
    r"|personal\s{1,3}(?:phone|email|cell)|private\s{1,3}(?:phone|email))",
)
_part(
    "contact_verb",
    r"(?:call|calling|text|texting|txt|reach|reached|contact|ring|e-?mail|message|phone)\s{1,3}"
    r"(?:her|him|the\s{1,3}patient|the\s{1,3}pt|patient|pt|mom|dad|the\s{1,3}family|the\s{1,3}client|client)"
    r"(?:\s{1,3}(?:back|directly|anytime|later|today|tomorrow))?\s{0,3}(?:at|on|via|@|:)?"
    # A caller's own number: "Mrs. Alvarez called from 555-778-1212".
    r"|(?:called|calling|texted|texting)\s{1,3}(?:us\s{1,3}|me\s{1,3})?from"
    r"|(?:ll[aá]mal[aoe]s?|llamarl[aoe]s?|marcarle|escr[ií]bele|escribirle|contactarl[aoe]|textearle)"
    r"\s{0,3}(?:al|a|en)?",
)
# Slack sends typed emails (and, from some clients, phone numbers) as links: <mailto:a@b.org|a@b.org>, <tel:…|…>.
_part("slack_email", r"<mailto:%(email)s(?:\|[^<>|\n]{0,120})?>")
_part("slack_tel", r"<tel:[^|<>\s]{1,40}(?:\|[^<>|\n]{0,60})?>")
_part(
    "contact_value",
    r"(?:(?P<email>%(slack_email)s|%(email)s)|(?P<phone>%(slack_tel)s|%(phone)s)|(?P<address>%(address)s))",
)
_PATIENT_CONTACT = _compile(
    r"(?<!\w)(?:%(possessor)s\s{1,3}%(contact_noun)s|%(named_persons_detail)s|%(contact_verb)s"
    # "phone number of the patient", "email for the client", "teléfono del paciente"
    r"|%(contact_noun)s\s{1,3}(?:(?:of|for)\s{1,3}(?:the\s{1,3})?(?:patient|pt|client)|de(?:l|\s{1,3}la)\s{1,3}paciente)\b)"
    r"%(filler)s%(contact_value)s"
)
_PATIENT_LOCATION = _compile(
    r"(?<!\w)(?:(?:lives|living|live|resides|residing|staying|stays|stay|sleeping|sleeps)\s{1,3}(?:at|on|in|@)"
    # "moved to" only with a person as subject: "Dr. Patel's Free Clinic moved to 300 Elm Ave" stays.
    r"|(?:she|he|they|pt|patient|client|family)\s{1,3}(?:just\s{1,3}|has\s{1,3}|is\s{1,3})?mov(?:ed|ing)\s{1,3}to"
    r"|home\s{1,3}address|mailing\s{1,3}address|vive\s{1,3}en|reside\s{1,3}en"
    r"|se\s{1,3}queda\s{1,3}en|se\s{1,3}est[aá]\s{1,3}quedando\s{1,3}en|est[aá]\s{1,3}viviendo\s{1,3}en"
    r"|direcci[oó]n\s{1,3}de\s{1,3}(?:casa|su\s{1,3}casa))%(filler)s(?P<address>%(address)s)"
)
# "…at 555-0199 or 555-0100": further values joined to a patient's contact detail are the patient's too.
_CONTINUATION = _compile(r"\s{0,3}(?:,|/|;|or|and|o|y)\s{0,3}%(contact_value)s")
# Right after a patient identifier, in the same sentence, a bare "cell 555-0116" is the patient's cell.
_CLAUSE_DETAIL = _compile(
    r"(?<!\w)(?:cell(?:\s{0,2}phone)?|mobile|cel|celular|home\s{1,3}(?:phone|address|number)|home"
    r"|personal\s{1,3}(?:phone|email|cell))%(filler)s%(contact_value)s"
)
# A pasted intake form ("Name: …\nDOB: …\nPhone: …"): once a line of it holds a patient identifier, its contact
# fields are the patient's too.
_FORM_LABEL = re.compile(
    r"[ \t>*\u2022\-]{0,4}[^\W\d_][^\W\d_ .'#/\-]{0,20}(?:[ .'#/\-]{1,2}[^\W\d_]{1,20}){0,2}[ \t]{0,3}:"
)
_FORM_CONTACT_FIELD = _compile(
    r"(?m)^[ \t>*\u2022\-]{0,4}(?:(?:home|cell|mobile|personal|contact)\s{1,3})?(?:phone|cell|tel[eé]fono|tel|mobile"
    r"|address|direcci[oó]n|domicilio|e-?mail|correo)(?:\s{1,3}(?:#|number|no\.?))?\s{0,3}:%(filler)s%(contact_value)s"
)
# "Pt John Smith (3/4/1950)": a full date right after a patient's name is theirs (a birth or visit date).
_DATE_AFTER_NAME = _compile(
    r"\s{0,2}[,(%(dash)s]?\s{0,2}(?P<value>\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"
    r"|\d{1,2}[/.%(dash)s]\d{1,2}[/.%(dash)s](?:\d{4}|\d{2})(?!\d)"
    r"|%(month)s\s{0,3}\d{1,2}(?!\d)(?:st|nd|rd|th)?,?\s{0,3}%(year)s"
    r"|\d{1,2}(?:st|nd|rd|th)?\s{0,3}(?:of\s{1,3}|de\s{1,3})?%(month)s,?\s{0,3}(?:del?\s{1,3})?%(year)s)"
)
# "Pt John Smith, 555-0199" / "(jsmith@mail.com)": a phone or email right after a patient's name is theirs.
_CONTACT_AFTER_NAME = _compile(
    r"\s{0,2}[,(%(dash)s:]?\s{0,2}(?:(?P<email>%(slack_email)s|%(email)s)|(?P<phone>%(slack_tel)s|%(phone)s))"
)
_NEWLINE = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
_CLAUSE_REACH = 100

# ---------------------------------------------------------------------------------------------------------------
# Names

_NAME_CUE = _compile(
    r"(?<!\w)(?:"
    r"(?P<strong>(?:patient|pt\.?|client)(?:%(apos)ss)?\s{1,3}name\b(?:\s{1,3}is|\s{0,2}:)?"
    r"|(?:first|last|full|sur)\s{0,2}name\s{0,2}:|apellidos?\s{0,2}:|nombre\s{1,3}completo\s{0,2}:?"
    r"|name\s{1,3}is|name%(apos)ss|named|name\s{0,2}:|nombre\s{1,3}es|nombre\s{0,2}:"
    r"|se\s{1,3}llama|llamad[oa]|goes\s{1,3}by)"
    r"|(?P<patient>patient|pt\.?|client|paciente)"
    # "her son Jayden", "pt's daughter Maria": relatives of the patient, capitalised names only.
    r"|(?P<relative>(?:her|his|their|%(patients)s)\s{1,3}%(relative)s)"
    r"|(?P<title>(?-i:Mrs|Mr|Ms|Mx|Miss|Srta|Sra|Sr|Señora|Señorita|Señor|Doña|MRS|MR|MS)\.?)"
    r")(?=(?P<window>(?s:.{0,120})))"
)
_NAME_START = re.compile(r"[\s:,(\-\u2013\u2014]{1,4}")
# "the pt, 67M, Juan Perez": an age and sex between the cue and the name.
_DEMOGRAPHIC = re.compile(
    r"\d{1,3}\s{0,2}(?:(?:y/?o|yo|yrs?|years?\s{1,3}old)\b[\s,]{0,3}(?:[MFmf]\b)?|[MFmf]\b)\.?[\s,;:()\-]{1,4}"
)
_NAME_TOKEN = _compile(r"(?P<initial>(?-i:[A-Z])\.)(?!\w)|[^\W\d_]{1,40}(?:[%(q)s\-][^\W\d_]{1,40}){0,3}")
_NAME_GAP = re.compile(r"[ \t]{1,3}")
_COMMA_GIVEN_NAME = re.compile(r",[ \t]{1,3}((?-i:[A-Z])[^\W\d_]{1,30})(?!\w)")
_POSSESSIVE_S = _compile(r"%(apos)ss$")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that end a name: function words, verbs that follow "patient", clinical and program words.
_STOP_WORDS = _word_set(
    """
    a an the and or but nor so yet at in on to for from of by with without about into onto over under after before
    who whom whose that this these those which what when where why how he she they her his their him them it its i
    we you me my our your is was are were be been being has have had do does did doesn't didn't don't isn't wasn't
    can can't cannot could won't would should might must shall not no yes also still just only here there
    today yesterday tomorrow tonight now then again already soon later please thanks thank ok okay hi hello hey
    said says say told tells asked asks ask wants wanted want needs needed need needing reports reported report
    lives lived living live came comes come went goes going go got gets get uses used using visited visits visit
    called calls call texted mentioned mentions mention requested requests request referred refer refers referral
    is's has's currently recently really very well lost losing left leaving moved moving staying stays stayed
    arrived arrives arriving missed misses discharged discharging admitted admits admitting seen seeing saw
    declined declines accepted accepts qualifies qualified eligible enrolled applied applying waiting waits
    speaks spoke speaking prefers preferred struggling struggles worried concerned interested
    dob mrn ssn id ids number name names info information record records chart notes note
    navigator navigators navigation portal advocate advocates advocacy assistance assist services service care
    caring education experience experiences financial finance transport transportation relations access safety
    rights support supports intake coordinator coordinators coordination liaison liaisons family families needs
    resource resources engagement outreach portal registration scheduling billing satisfaction representative
    reps rep population populations panel list lists census volume volumes flow load count counts
    dr doctor doctors nurse nurses rn md np pa lpn cna social worker workers team teams staff provider providers
    icu pcp gyn pt hiv aids copd chf ckd esrd snf ltc dme ekg mri
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec
    necesita necesitan tiene tienen vive viven dice dijo dicen está esta estaba es fue era que y o con sin en de del
    la el los las un una unos unas su sus no sí si también tambien ya quiere quieren pidió pidio pregunta preguntó
    habla hablan solo sólo llamó llamo vino va fue para por como pero muy
    """
)
# Words that make a capitalised run the name of an organisation rather than a person.
_ORG_WORDS = _word_set(
    """
    pantry pantries kitchen kitchens shelter shelters clinic clinics center centers centre centres house houses
    bank banks closet closets church churches ministry ministries program programs programme project projects
    network coalition foundation alliance fund outreach mission table tables place cafe café market markets
    cupboard society association council league club hall library hospital health housing food foods legal aid
    services service collective hub initiative inc llc corp org cooperative co-op community resources resource
    agency office department dept school academy institute university college ymca ywca salvation army united
    catholic charities habitat meals wheels daycare clothing furniture diaper diapers soup bread harvest garden
    gardens farm fridge store shop pharmacy dental medical wellness recovery transit shuttle rides hotline
    helpline lodge inn motel apartments village residence manor commons plaza station depot warehouse exchange
    partners partnership neighbors neighbours neighborhood kids youth seniors senior veterans women's refuge
    haven sanctuary home homes table closet boutique pharmacy laundry laundromat studio works
    despensa comedor refugio albergue clínica clinica centro iglesia parroquia fundación fundacion programa
    banco casa hogar ropero mercado
    """
)
_PARTICLES = frozenset(
    {"de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "di", "du", "dos", "le", "y"}
)
# Common given names, so that "pt maria lopez" (typed in lower case) is still recognised as a name. Names that
# are also everyday words (mark, grace, hope, may, will, rose, dolores) are left out on purpose.
_GIVEN_NAMES = _word_set(
    """
    maria mary josé jose juan ana luis carlos rosa carmen john james linda robert michael david william richard
    joseph thomas charles patricia jennifer elizabeth barbara susan jessica sarah karen nancy lisa betty margaret
    sandra ashley dorothy kimberly emily donna michelle carol amanda melissa deborah stephanie rebecca laura sharon
    cynthia kathleen amy angela shirley anna brenda pamela emma nicole helen samantha katherine christine debra
    rachel carolyn janet catherine ruth heather diane virginia julie joyce olivia kelly christina lauren joan
    evelyn judith megan cheryl andrea hannah martha jacqueline frances gloria ann anne teresa kathryn sara janice
    jean alice madison doris abigail julia judy denise amber marilyn beverly danielle theresa sophia marie diana
    brittany natalie isabella charlotte alexis kayla daniel matthew anthony donald steven paul andrew joshua
    kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen
    larry justin scott brandon benjamin samuel gregory alexander patrick raymond dennis jerry tyler aaron henry
    adam douglas nathan peter zachary kyle walter harold jeremy ethan carl keith roger gerald christian terry sean
    arthur austin noah lawrence jesse joe bryan billy jordan albert dylan bruce willie gabriel alan logan wayne
    ralph roy eugene randy vincent russell louis philip bobby johnny bradley tony tommy jimmy danny
    jesús jesus miguel pedro antonio francisco manuel alejandro jorge ricardo fernando roberto eduardo sergio
    javier rafael andrés andres diego pablo raúl raul óscar oscar héctor hector guadalupe lupe josefina elena
    sofía sofia lucía lucia isabel marta verónica veronica adriana alejandra claudia gabriela mónica monica silvia
    leticia yolanda beatriz alicia araceli maribel juana margarita francisca ramón ramon alberto armando arturo
    enrique ernesto felipe gerardo guillermo ignacio jaime joaquín joaquin julio lorenzo marco mario martín martin
    omar rubén ruben salvador santiago tomás tomas víctor victor luz xiomara yesenia jazmín jasmine
    mohammed muhammad mohamed ahmed fatima aisha omar hassan ibrahim yusuf amina wei mei ling linh minh anh thanh
    tran nguyen
    """
)
_MAX_NAME_WORDS = 3


def _is_acronym(word: str) -> bool:
    return len(word) <= 3 and word.isupper()


def _name_span(cue_kind: str, cue_text: str, window: str, window_start: int) -> tuple[int, int] | None:
    """Where the name after a cue is, or None when what follows is not a person's name."""
    if cue_kind == "patient" and cue_text == "PT":
        return None  # all-caps PT is physical therapy, not "patient"
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
        lower = bare.lower()
        if token.group("initial"):
            is_name = True
        elif words and lower in _PARTICLES and not possessive:
            pending_particles.append((token.start(), token.end(), text))
            pos = token.end()
            continue
        elif lower in _STOP_WORDS or lower in _ORG_WORDS or _is_acronym(bare):
            is_name = False
        elif bare[0].isupper():
            # "pt Maria Lopez Eastside Food Pantry": a capitalised word that starts an organisation's name ends
            # the person's name.
            is_name = possessive or not _next_word_is_organisation(window, token.end())
        elif cue_kind in ("title", "relative"):
            is_name = False  # "Miss the bus", "her son needs": these cues take capitalised names only
        elif not words:
            is_name = cue_kind == "strong" or lower in _GIVEN_NAMES
        else:
            # A lower-case surname may follow a lower-case given name ("pt maria lopez").
            is_name = not words[-1][2][0].isupper()
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
    if given and given.group(1).lower() in _GIVEN_NAMES:
        return window_start + words[0][0], window_start + given.end()
    if cue_kind != "patient" and _heads_organisation(window[pos : pos + 60]):
        return None
    return window_start + words[0][0], window_start + end


def _next_word_is_organisation(window: str, pos: int) -> bool:
    following = window[pos : pos + 40].split()[:1]
    return (
        bool(following)
        and following[0][0].isupper()
        and following[0].strip(".,;:!?()\"'").lower() in _ORG_WORDS
    )


def _heads_organisation(following: str) -> bool:
    """Whether the capitalised words right after a name make it an organisation: "Hope House", "Mrs. Smith's Soup
    Kitchen". Only titles and "named"-style cues get this benefit of the doubt; after "patient" a name is a name."""
    for word in following.split()[:3]:
        clean = word.strip(".,;:!?()\"'").lower()
        if not clean or not word[0].isupper():
            return False
        if clean in _ORG_WORDS:
            return True
    return False


# ---------------------------------------------------------------------------------------------------------------


def _collect_spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    for match in _BARE_SSN.finditer(text):
        spans.append((match.start(), match.end(), SSN))
    for match in _BARE_MBI.finditer(text):
        spans.append((match.start(), match.end(), INSURANCE_ID))
    for match in _SSN_LABELLED.finditer(text):
        spans.append((*match.span("value"), SSN))
    for match in _RECORD_LABELLED.finditer(text):
        spans.append((*match.span("value"), RECORD_NUMBER))
    for match in _INSURANCE_LABELLED.finditer(text):
        value = match.group("value")
        has_marker = bool(match.group("marker"))
        label = match.group("label").lower()
        if not has_marker and (
            label in _INSURANCE_NEEDS_MARKER or len(value) < 5 or _PHONE_SHAPED.fullmatch(value)
        ):
            continue
        spans.append((*match.span("value"), INSURANCE_ID))
    for match in _DOB_LABELLED.finditer(text):
        spans.append((*match.span("value"), DATE_OF_BIRTH))

    for match in _NAME_CUE.finditer(text):
        cue_kind = next(k for k in ("strong", "patient", "title", "relative") if match.group(k))
        span = _name_span(cue_kind, match.group(cue_kind), match.group("window"), match.end())
        if span:
            spans.append((*span, NAME))

    for _start, end, kind in list(spans):
        spans.extend(_details_in_same_clause(text, end))
        if kind == NAME and (date := _DATE_AFTER_NAME.match(text, end)):
            spans.append((*date.span("value"), DATE_OF_BIRTH))
        elif kind == NAME and (contact := _CONTACT_AFTER_NAME.match(text, end)):
            spans.append(_contact_span(contact))
    if _in_intake_form(text, spans):
        spans.extend(_contact_span(match) for match in _FORM_CONTACT_FIELD.finditer(text))

    for pattern in (_PATIENT_CONTACT, _PATIENT_LOCATION):
        for match in pattern.finditer(text):
            spans.append(_contact_span(match))
            end = match.end()
            for _ in range(3):
                more = _CONTINUATION.match(text, end)
                if not more:
                    break
                spans.append(_contact_span(more))
                end = more.end()
    return spans


def _in_intake_form(text: str, spans: list[tuple[int, int, str]]) -> bool:
    """Whether any identifier found so far sits on a "Label: value" line."""
    line_starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]
    for start in sorted({start for start, _end, _kind in spans}):
        if _FORM_LABEL.match(text, line_starts[bisect.bisect_right(line_starts, start) - 1]):
            return True
    return False


def _details_in_same_clause(text: str, after: int) -> list[tuple[int, int, str]]:
    """Contact details labelled "cell", "home", ... shortly after a patient identifier, before the sentence ends."""
    sentence_end = _SENTENCE_END.search(text, after, after + _CLAUSE_REACH)
    limit = sentence_end.start() if sentence_end else after + _CLAUSE_REACH
    found = []
    pos = after
    # Search a little past the limit so a value that starts inside the clause is matched whole.
    while (match := _CLAUSE_DETAIL.search(text, pos, limit + 200)) and match.start() < limit:
        found.append(_contact_span(match))
        pos = match.end()
    return found


def _contact_span(match: re.Match[str]) -> tuple[int, int, str]:
    for kind, group in ((EMAIL, "email"), (PHONE, "phone"), (ADDRESS, "address")):
        if group in match.re.groupindex and match.group(group) is not None:
            return (*match.span(group), kind)
    raise AssertionError("contact pattern matched without a value")  # pragma: no cover


_WORD = re.compile(r"\w+")
_REPEAT_MIN_LENGTH = 6  # shorter values ("Ann", "1950") are too likely to be part of something else
_REPEAT_CANDIDATES = 20  # per first word; bounds the work on hostile input


def _repeats(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Other copies of an identifier already found: "Maria Lopez ... Maria Lopez said", or the
    "keisha@mail.com (mailto:keisha@mail.com)" a link can turn into. Found by first word, in one pass."""
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
    if not by_first_word:
        return []
    found = []
    for word in _WORD.finditer(text):
        for value, kind in by_first_word.get(word.group().lower(), {}).items():
            end = word.start() + len(value)
            if text[word.start() : end].lower() == value and not (end < len(text) and text[end].isalnum()):
                found.append((word.start(), end, kind))
    return found


def redact(text: str) -> Redaction:
    """Return `text` with patient identifiers replaced by "[kind removed]", and a count of each kind removed."""
    if not text:
        return Redaction(text or "", {})
    text = _normalize(text)
    spans = _collect_spans(text)
    spans += _repeats(text, spans)
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
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
        pieces.append(_placeholder(kind))
        removed[kind] = removed.get(kind, 0) + 1
        cursor = end
    if not removed:
        return Redaction(text, {})
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), {kind: removed[kind] for kind in KINDS if kind in removed})
