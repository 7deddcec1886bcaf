"""The pattern rules: identifiers recognisable on their own, identifiers after a label, and contact details made
the patient's by the words around them. Each rule is documented where it lives.

Patterns are written as %-templates over named parts so each reads as one piece; every repetition is bounded
({0,3}, {1,64}, ...), which keeps matching linear even on hostile input.
"""

from __future__ import annotations

import re

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
# "12 N Main St Apt 4", "2200 Peachtree Rd NW": a house number, a street and its suffix.
_part(
    "street_address",
    r"\d{1,6}(?:[a-z]|-\d{1,4})?\s{1,3}(?:[nsew]\.?\s{1,3})?(?:[^\W_][\w%(q)s.\-]{0,25}\s{1,3}){0,3}?"
    r"%(street_suffix)s\b\.?(?:\s{1,3}(?-i:[NSEW]{1,2})\b\.?)?%(unit)s",
)
_part(
    "address",
    r"(?:%(street_address)s(?:,?\s{0,2}\d{5}(?:-\d{4})?)?"
    # Spanish order: Calle Luna 123
    r"|(?:calle|c/|avenida|av\.|avda\.?|camino|carrera|paseo|callej[oó]n)\s{1,3}"
    r"(?:[^\W\d_][\w%(q)s.\-]{0,25}\s{1,3}){0,3}?(?:n[uú]m\.?\s{0,2}|#\s{0,2})?\d{1,6}%(unit)s"
    # A rural route or a post-office box: "RR 2 Box 117", "PO Box 410, Round Rock"
    r"|(?:rr|rural\s{1,3}route|hc)\s{0,2}\d{1,4}\s{1,3}box\s{0,2}\d{1,5}[a-z]?(?:,?\s{1,3}(?-i:[A-Z])[^\W\d_]{1,20})?"
    r"|p\.?\s{0,2}o\.?\s{0,2}box\s{0,2}\d{1,6}(?:,?\s{1,3}(?-i:[A-Z])[^\W\d_]{1,20}(?:\s(?-i:[A-Z])[^\W\d_]{1,20})?)?"
    # A house number and one or two words; only ever tried after a cue such as "lives at".
    r"|\d{1,6}[a-z]?\s{1,3}[^\W\d_][\w%(q)s\-]{0,25}(?:\s{1,3}[^\W\d_][\w%(q)s\-]{0,25})?%(unit)s)",
)
_part(
    "month",
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre"
    r"|octubre|noviembre|diciembre|ene|abr|ago|dic"
    # French and Haitian Creole, Portuguese
    r"|janvier|janvye|f[ée]vrier|fevriye|mars|avril|avri|mai|me|juin|jen|juillet|jiy[eè]|ao[uû]t|out"
    r"|septembre|s[eè]ptanm|octobre|okt[oò]b|novembre|novanm|d[ée]cembre|desanm"
    r"|janeiro|fevereiro|mar[cç]o|maio|junho|julho|setembro|outubro|novembro|dezembro)\b\.?",
)
_part("year", r"(?:1[89]\d\d|20\d\d)(?!\d)")
_part(
    "date",
    r"(?:\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"  # 1950-03-04
    r"|\d{1,2}\s{0,2}[/.%(dash)s]\s{0,2}\d{1,2}(?:\s{0,2}[/.%(dash)s]\s{0,2}\d{2,4})?(?!\d)"  # 3/4/1950, 03-04-50
    r"|\d{1,2}(?:st|nd|rd|th|o|º)?\s{0,3}(?:of\s{1,3}|de\s{1,3})?%(month)s(?:,?\s{0,3}(?:del?\s{1,3})?%(year)s)?"
    r"|%(month)s\s{0,3}\d{1,2}(?!\d)(?:st|nd|rd|th)?(?:,?\s{0,3}%(year)s)?"  # March 4th, 1950
    r"|%(month)s,?\s{0,3}(?:del?\s{1,3}|of\s{1,3})?(?:%(year)s|[%(q)s]\d\d(?!\d))"  # March 1950, marzo de 1950, march of '49
    r"|%(year)s"  # 1950: only ever after a birth label
    r"|[%(q)s]\d\d(?!\d)"  # '58: only ever after a birth label
    r"|\d(?:[\s/.%(dash)s]{0,3}\d){3,9}(?!\d))",  # 0 3 / 0 4 / 1 9 5 0
)
# Words that may sit between a label and its value: "DOB is", "MRN: #", "her cell number is now".
_part(
    "filler",
    r"(?:[\s:=#%(dash)s,|]{0,3}(?:(?:%(apos)ss|is|was|are|es|era|now|currently|number|num|no|of|on|in|at|al|el|en"
    r"|ending(?:\s{1,3}in)?|ends(?:\s{1,3}in)?|last\s{0,3}(?:4|four)(?:\s{1,3}digits)?"
    r"|[uú]lt(?:imos?)?\.?\s{0,2}4(?:\s{1,3}d[ií]gitos)?)\b\.?)?){0,4}"
    r"[\s:=#%(dash)s|]{0,3}",
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
    r"|rec(?:ord)?\s{0,3}(?:#|number|num|no\.?)|chart\s{0,3}(?:#|number|num|no\.?|id)|chart(?=\s{1,3}\d)"
    r"|acct\.?(?:\s{0,3}(?:#|number|num|no\.?))?|account\s{0,3}(?:#|number|num|no\.?)"
    r"|(?:encounter|case|caso|visit|claim|citizen|census|enrollment|tribal)\s{0,3}(?:#|number|num|no\.?|id)"
    r"|enc\b\.?\s{0,2}#?|fin\s{0,3}#|csn\b|fin\b|id\s{0,2}#"
    r"|(?:patient|pt\.?|client|paciente)\s{0,3}(?:id|#|number|no\.?|identifier)\b"
    r"|(?:her|his|their|pt%(apos)s?s|patient%(apos)s?s)\s{1,3}id\b"
    r"|(?:n[uú]mero\s{1,3}de\s{1,3})?(?:expediente|historia\s{1,3}cl[ií]nica)|nhc\b)%(filler)s"
    r"(?P<value>\d(?:[ \-]{0,2}\d){3,15}(?!\d)|(?=[a-z\-]{0,6}\d)[a-z0-9][a-z0-9\-]{2,24}(?![\w\-]))"
)
_INSURANCE_LABELLED = _compile(
    r"(?<!\w)(?P<label>medicaid|medicare|medi-?cal|mbi|hicn|chip|insurance|ins\.|ins(?=\s{0,2}:)|member|subscriber"
    r"|policy|group"
    r"|plan|seguro|p[oó]liza|afiliado|beneficiary|benefits?|ebt|snap|aetna|cigna|humana|molina|anthem|uhc"
    r"|unitedhealthcare|bcbs|blue\s{1,3}cross|kaiser|ambetter|wellcare|caresource|tricare)"
    r"(?P<marker>(?:[\s,:]{0,3}(?:(?:id|no|number|num|card|n[uú]mero|identification|ident)\b\.?#?|#)){1,2})?"
    r"%(filler)s(?P<value>\d(?:[ \-]{0,2}\d){5,19}(?!\d)|(?-i:[A-Z]){1,3}\s\d[\d\-]{5,20}\d(?![\w\-])"
    r"|(?=[a-z\-]{0,8}\d)[a-z0-9][a-z0-9\-]{2,24}(?![\w\-]))"
)
# "Ins: BMC HealthNet 8830021945": the plan's name may stand between the label and a long number.
INSURANCE_PLAN_NUMBER = _compile(
    r"(?<!\w)(?:medicaid|medicare|insurance|ins\.|ins(?=\s{0,2}:)|seguro|coverage)[\s:\-]{1,4}"
    r"(?P<plan>(?:(?-i:[A-Z])[\w&\-]{1,20}[ \t]{1,3}){1,3})(?P<value>\d{7,20})(?![\w\-])"
)
# Any program's member ID, named or not ("Vital ID 0034567812", "state ID 88123400"), unless the number is an
# organisation's own (a tax, employer, provider or grant number).
ANY_ID = _compile(
    r"(?<![\w\-])(?!(?:tax|employer|provider|npi|grant|license|lic|federal|ein|fein|vendor|site|program)\b)"
    r"[^\W\d_]{2,20}\s{1,2}(?-i:ID)\s{0,2}(?:#|no\.?)?\s{0,2}[:#]?\s{0,2}(?P<value>\d[\d\-]{5,19}\d)(?![\w\-])"
)
# Generic words only count as an insurance label when a marker follows ("group #", "plan ID").
_INSURANCE_NEEDS_MARKER = frozenset({"group", "plan", "benefit", "benefits", "snap", "chip", "member"})
# A label then a phone number without a marker is a helpline ("Medicaid 555-0100"), not a member id.
_PHONE_SHAPED = _compile(r"(?:\+?1[\s.\-])?(?:\(?\d{3}\)?[\s.\-])?\d{3}[\s.\-]\d{4}")

_DOB_LABELLED = _compile(
    r"(?<!\w)(?:d[\s.]{0,3}o[\s.]{0,3}b\b\.?(?:\s{1,3}(?:of|for)\s{1,3}(?:the\s{1,3})?(?:kid|child|baby|son|daughter|pt"
    r"|patient|client|mom|dad|mother|father))?|date\s{1,3}of\s{1,3}birth|birth\s{0,2}date|birth\s{0,2}day"
    r"|born(?:\s{1,3}(?:on|in))?|b\.|fecha\s{1,3}de\s{1,3}nacimiento|f\.?\s{0,2}de\s{0,2}n\.|fdn\b|cumplea[nñ]os"
    r"|naci(?:ó|o|da|do)(?:\s{1,3}(?:el|en))?)%(filler)s(?P<value>%(date)s)"
)

# ---------------------------------------------------------------------------------------------------------------
# Contact details that are the patient's

_part(
    "relative",
    r"(?:daughter|son|mom|mother|dad|father|husband|wife|partner|sister|brother|caregiver|grandma"
    r"|grandmother|grandpa|grandfather|grandson|granddaughter|grandchild|aunt|uncle|niece|nephew|guardian|spouse"
    r"|neighbou?r|roommate"
    r"|boyfriend|girlfriend|family)",
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
    r"s\s{1,3}(?:cell(?:\s{0,2}phone)?|mobile|phone|number|#|home\s{1,3}(?:phone|address|number)"
    r"|personal\s{1,3}(?:phone|email|cell)|private\s{1,3}(?:phone|email))",
)
_part(
    "contact_verb",
    r"(?:call|calling|text|texting|txt|reach|reached|contact|ring|e-?mail|message|phone)\s{1,3}"
    r"(?:her|him|the\s{1,3}patient|the\s{1,3}pt|patient|pt|mom|dad|the\s{1,3}family|the\s{1,3}client|client)"
    r"(?:\s{1,3}(?:back|directly|anytime|later|today|tomorrow))?\s{0,3}(?:at|on|via|@|:)?"
    # A caller's own number: "Mrs. Alvarez called from 555-778-1212".
    r"|(?:calls|called|calling|texts|texted|texting)(?:\s{1,3}[\w/]{1,12}){0,3}?\s{1,3}from"
    # a home line is a person's, whoever's it is
    r"|home\s{1,3}(?:phone|number|tel|line)(?:\s{1,3}(?:is|at))?"
    # "grandson is best contact at", "daughter reachable at": a relative's line is the family's
    r"|%(relative)s\s{1,3}(?:is\s{1,3})?(?:the\s{1,3})?(?:best\s{1,3})?(?:contact|reachable|reached)"
    r"(?:\s{1,3}(?:at|on|via))?"
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
# "763-555-0145 is the granddaughter", "555-0193 = her son": a number said to be a relative's.
PHONE_OF_RELATIVE = _compile(
    r"(?<![\w\-])(?P<phone>%(phone)s)\s{0,3}(?:is|=|[:%(dash)s])\s{0,3}(?:(?:the|her|his|their|%(patients)s)\s{1,3})?"
    r"(?!family)%(relative)s(?!\w)(?!\s{1,3}(?:agency|agencies|org|organi[sz]ation|line|office|program|site))"
)
_PATIENT_LOCATION = _compile(
    r"(?<!\w)(?:(?:lives|living)(?=\s{1,3}(?:rr|rural\s{1,3}route|p\.?\s{0,2}o\.?\s{0,2}box)\b)"
    r"|(?:lives|living|live|resides|residing|staying|stays|stay|sleeping|sleeps)"
    # "lives alone at", "lives with her son at"
    r"(?:\s{1,3}(?:alone|together|now|currently|still|by\s{1,3}(?:herself|himself|themselves)"
    r"|with\s{1,3}(?:(?:her|his|their|a|an)\s{1,3})?[^\W\d_]{1,15}))?\s{1,3}(?:at|on|in|@)"
    # "moved to" only with a person as subject: "Dr. Patel's Free Clinic moved to 300 Elm Ave" stays.
    r"|(?:she|he|they|pt|patient|client|family)\s{1,3}(?:just\s{1,3}|has\s{1,3}|is\s{1,3})?mov(?:ed|ing)\s{1,3}to"
    r"|home\s{1,3}address|mailing\s{1,3}address|vive\s{1,3}en|reside\s{1,3}en"
    r"|(?:going|went|sent|goes|discharged|discharging)\s{1,3}(?:back\s{1,3})?home\s{1,3}to"
    # "the ramp at Dot Fairweather's place, 1912 Old Mill Rd": someone's own home (lower case: "Mary's Place" is not)
    r"|[^\W\d_]{2,30}%(apos)ss\s{1,3}(?-i:place|house|home|apartment|apt|trailer)(?:\s{1,3}(?:at|on))?\s{0,2}[,:]?"
    # "fight eviction from 19 Birch Ln", "lives out on RR 2 Box 117", "gets her mail at PO Box 4"
    r"|evict(?:ion|ed)\s{1,3}(?:from|at)|lives\s{1,3}out\s{1,3}on|(?:her|his|their)\s{1,3}mail\s{1,3}(?:at|to)"
    r"|se\s{1,3}queda\s{1,3}en|se\s{1,3}est[aá]\s{1,3}quedando\s{1,3}en|est[aá]\s{1,3}viviendo\s{1,3}en"
    # Haitian Creole "lakay li" (his or her home), Portuguese "mora na/no/em" (lives at)
    r"|lakay\s{1,3}(?:li|yo)|mora\s{1,3}(?:na|no|em)"
    r"|direcci[oó]n\s{1,3}de\s{1,3}(?:casa|su\s{1,3}casa))%(filler)s(?P<address>%(address)s)"
)
# "lives alone 3rd fl walkup 2941 N Kostner Ave", "lives out at RR 2 Box 17", "lives Lot 31 Pine Hollow MHP": a few
# words may sit between "lives" and a home that cannot be anything else (a street, a rural box, a lot).
_part("rural_box", r"(?:rr|rural\s{1,3}route|hc)\s{0,2}\d{1,4}\s{1,3}box\s{0,2}\d{1,5}[a-z]?"
                   r"(?:,?\s{1,3}(?-i:[A-Z])[^\W\d_]{1,20}){0,2}")
_part("home_lot", r"lot\s{0,2}#?\s{0,2}\d{1,4}[a-z]?,?(?:\s{1,3}[\w%(q)s\-]{1,25}){0,4}?\s{1,3}"
                  r"(?:mhp|mobile\s{1,3}home\s{1,3}(?:park|court|community)|trailer\s{1,3}(?:park|court)|rv\s{1,3}park)")
# "lives lot 14 at shady acres", "lives upstairs in apt 5F": after "lives", a lot or a flat is the home.
_part("lived_in_unit", r"(?:lot|apt|apartment|unit|trailer)\.?\s{0,2}#?\s{0,2}\d{1,4}[a-z]?(?![\w\-])"
                       r"(?:\s{1,3}(?:at|in)\s{1,3}[\w%(q)s\-]{2,25}(?:\s{1,3}[\w%(q)s\-]{2,25}){0,1})?")
LIVES_SOMEWHERE = _compile(
    r"(?<!\w)(?:lives|living|resides|residing|walk-?up,?)(?:\s{1,3}[\w%(q)s/]{1,15}){0,5}?\s{1,3}(?:(?:at|on|in|@)\s{1,3})?"
    r"(?P<address>%(street_address)s|%(rural_box)s|%(home_lot)s|%(lived_in_unit)s)"
)
# A street address with an apartment in it is a home wherever it is said ("4417 Cedar Ave S Apt 2B"); a suite or
# a unit may be an office.
APARTMENT = _compile(r"(?<![\w\-])(?P<address>%(street_address)s)")
IS_APARTMENT = _compile(r"(?<!\w)(?:apt|apartment|depto|dpto|departamento)(?!\w)")
# A rural box or a mobile home's lot is a home wherever it is said.
# A flat said without its street, after a word for where someone is ("the appeal for apt 14C"), is a home too.
HOME_ANYWHERE = _compile(r"(?<!\w)(?P<address>%(rural_box)s|%(home_lot)s)"
                         r"|(?<!\w)(?:in|for|at|from|to)\s{1,3}(?P<unit>(?:apt|apartment)\.?\s{0,2}#?\s{0,2}\d{1,4}[a-z]?)(?![\w\-])")
# A home told by the way there ("lives out past the second cattle guard off N-9", "the blue trailer past the Dollar
# General on 421", "his place on Sugar Camp Rd"): from the home word to the end of the clause.
DIRECTIONS_HOME = _compile(
    r"(?<!\w)(?:(?:lives|living|stays|staying|home\s{1,3}is|family\s{1,3}lives)(?:\s{1,3}(?:way|out|up|down|over|back))*"
    r"|(?:(?:the|a)(?:\s{1,3}[^\W\d_]{2,12}){0,2}?|(?:her|his|their)(?:\s{1,3}[^\W\d_]{2,12}){0,2}?)\s{1,3}"
    r"(?:trailer|singlewide|doublewide|single-wide|double-wide|farmhouse|cabin|camper|shack|mobile\s{1,3}home"
    r"|(?<=(?:her|his|eir)\s)(?:house|place|farm|home)))"
    r"(?P<address>\s{1,3}(?:(?:just|right|way|about|\d{1,2}|a|two|three)\s{1,3}(?:miles?\s{1,3})?)?"
    r"(?:past|behind|beyond|across\s{1,3}from|off(?:\s{1,3}of)?|up\s{1,3}from|down\s{1,3}from"
    r"|(?:north|south|east|west)\s{1,3}of|(?:up|down|out)\s{1,3}(?:on|past))\s{1,3}"
    r"(?:(?!\s[%(dash)s]\s|\s(?:and|ask|but|so)\s)[^,.;!?\n()]){3,60}"
    r"|\s{1,3}(?:on|off)\s{1,3}(?:(?-i:[A-Z])[^\W\d_]{1,20}\s{1,3}){1,3}(?:rd|road|ln|lane|hwy|highway|pike|creek|hollow"
    r"|holler|branch|trail|route|rte)\b\.?)"
)
# Said of someone just before "the blue trailer past …": only then is it a home.
SOMEONES_HOME_BEFORE = _compile(r"\b(?:lives|living|stays|staying|home\s+is|moved|she|he|they|pt|patient|family|mom|dad"
                                r"|mama|her|his|their)\b[^.;!?\n]{0,30}$")
# "300 Walnut St, Lowell MA 01852", "Viejo San Juan 00901": words between a street and a ZIP are a town.
STREET_BEFORE_TOWN = _compile(r"(?:%(street_suffix)s\.?(?:\s{1,2}(?:rear|front|upper|lower|bldg\.?\s{0,2}\w{1,3}))?"
                              r"|\d{1,6}|(?:suite|ste|apt|unit|#)\.?\s{0,2}[\w\-]{1,6})"
                              r"(?:\s{1,2}(?:[nsew]|ne|nw|se|sw))?\s{0,2},?\s{0,2}$")
TOWN_BEFORE_ZIP = re.compile(r"(?:[ \t]{1,2}[A-Z][^\W\d_]{1,20}){0,3},?[ \t]{1,2}(?:[A-Z]{2}[ \t]{1,2})?\d{5}(?:-\d{4})?"
                             r"(?![\d/\-])")
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
_part("numeric_date", r"(?:\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2}))")
_DATE_ANYWHERE = _compile(r"(?<![\w/.\-])(?P<value>%(numeric_date)s)(?![\w/]|[.\-]\d)")
# "Pt John Smith, 555-0199" / "(jsmith@mail.com)": a phone or email right after a patient's name is theirs.
_CONTACT_AFTER_NAME = _compile(
    r"\s{0,2}[,(%(dash)s:]?\s{0,2}(?:(?P<email>%(slack_email)s|%(email)s)|(?P<phone>%(slack_tel)s|%(phone)s)"
    # "Ms. Hatfield on RR 1 Box 23A": where the person is
    r"|(?:on|at|from)\s{1,3}(?P<address>%(address)s))"
)
# "husband Ernesto (91)", "Dot, 93,": an age over 89 right after a person's name.
AGE_AFTER_NAME = _compile(r"\s{0,2}[,(]\s{0,2}(?P<value>(?:9\d|1[01]\d)(?:\s{0,2}(?:y/?o|yo))?)\s{0,2}(?=[),;])")
_NEWLINE = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
_CLAUSE_REACH = 100


# ---------------------------------------------------------------------------------------------------------------
# Kinds added for text as care teams type it (issue 11): no label needed.

# SSNs typed with spaces or dots ("531 22 0194", "531.22.0194") or as nine bare digits ("531220193"). A nine-digit
# run is never a US phone (ten digits) nor a ZIP (five, or five and four with a dash).
BARE_SSN_LOOSE = _compile(
    r"(?<![\w\-./])(?:\d{3}(?P<sep>[ .])\d{2}(?P=sep)\d{4}|\d{9})(?![\w\-]|\.\d|/\d)"
)
_part(
    "age_words",
    r"(?:(?:ninety|noventa)(?:[\s%(dash)s]{1,2}(?:y\s{1,3})?(?:one|two|three|four|five|six|seven|eight|nine|uno|un"
    r"|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)(?!\w))?|(?:one|a)\s{1,3}hundred|cien(?:to)?)",
)
# Ages over 89 (a HIPAA Safe Harbor identifier): "92 yo", "91 años", "age 93", "a 95-year-old", "(96F)".
AGE_OVER_89 = _compile(
    r"(?<![\w.\-/])(?P<value>(?:9\d|1[01]\d)(?!\d)\s{0,2}(?:[%(dash)s]\s{0,2})?"
    r"(?:y\.?\s{0,2}/?\s{0,2}o\b\.?|yrs?\b\.?|years?(?:[\s%(dash)s]{1,2}old)?\b|a[ñn]os\b(?:\s{1,3}de\s{1,3}edad)?"
    r"|(?-i:[MF])\b|(?-i:yo)(?-i:[MF])?\b))"
    r"|(?<!\w)(?:age[ds]?|edad(?:\s{1,3}de)?|turned|turning|cumpli[oó]|cumple|she%(apos)ss|he%(apos)ss"
    r"|(?:she|he|pt|patient|who)\s{1,3}is)\s{0,3}[:=]?\s{0,3}"
    r"(?P<value2>(?:9\d|1[01]\d))(?!\d|/|-\d|\.\d|\+|%%|\s{0,2}(?:[%(dash)s]|to\b|and\b|or\b|\+|%%|percent|lbs?\b|pounds"
    r"|min|minutes|days|mg|kg|dollars))"
    # In words, with an age around it: "she is ninety-two", "turned a hundred", "noventa y un años".
    r"|(?<!\w)(?:is|she%(apos)ss|he%(apos)ss|aged?|turned|turning|tiene|cumpli[oó]|cumple)\s{1,3}"
    r"(?P<value3>%(age_words)s)(?![\w%(dash)s])"
    r"|(?<!\w)(?P<value4>%(age_words)s)(?=\s{0,2}[%(dash)s]?\s{0,2}(?:years?[\s%(dash)s]{1,2}old|yo|y/o|a[ñn]os)\b)"
    # "93rd bday", "his 100th birthday", "sus 95 años": the birthday an age over 89 makes
    r"|(?<![\w.\-/])(?P<value5>(?:9\d|1[01]\d)(?:st|nd|rd|th)|(?<=(?:her|his|sus)\s)(?:9\d|1[01]\d))"
    r"(?=\s{1,3}(?:b-?day|birthday|cumplea[ñn]os)\b)"
)
# "passed 9/28/24", "the night he passed (10/3)", "expired 11/19 @ 0340", "DOD 3/2/26": when someone died.
DEATH_DATE = _compile(
    r"(?<!\w)(?:passed(?:\s{1,3}away)?|died|expired|deceased|death|d\.?o\.?d\.?|fallecid[oa]|muri[oó])"
    r"(?:\s{1,3}(?:on|at|date|el))?\s{0,3}[:(]?\s{0,2}(?P<value>\d{1,2}[/.\-]\d{1,2}(?:[/.\-](?:\d{4}|\d{2}))?"
    r"(?:\s{0,3}(?:@|at)\s{0,3}\d{3,4}(?!\d))?)(?![\w/])"
)
# "d/c'd 11/2", "admitted 1/22", "discharged home w/ hospice on 9/14", "ADMIT DATE ... WAS 02/11/2024": the day a
# patient came into or left a hospital (a HIPAA date), a few words after the word for it.
STAY_DATE = _compile(
    r"(?<!\w)(?:d/c%(apos)s?d|d/c(?:%(apos)s?ing)?|dc%(apos)s?d|dc%(apos)s?ing|discharged|discharging|admitted|admit"
    r"|(?:discharge|admission|admit|d/c)\s{1,3}date|(?:discharge|d/c)\s{1,3}planned|planned\s{1,3}discharge|re-?admitted|readmit|transferred"
    r"|hospitali[sz]ed"
    r"|(?:fecha\s{1,3}de\s{1,3})?(?:alta|ingreso)|dad[oa]\s{1,3}de\s{1,3}alta|ingres[oó]|inpatient\s{1,3}since"
    # a chart's "Adm:"/"Disch:", and "went home 2/27", "in since 11/2"
    r"|adm\.?|disch\.?|(?:went|sent)\s{1,3}home|(?:been\s{1,3})?in\s{1,3}since|here\s{1,3}since"
    # a surgery's day ("s/p CABG 6/2"), a baby's due date ("EDD 9/14"), the patient's own appointment ("cita el
    # 14 de marzo", "her appt 3/9")
    r"|s/p|status\s{1,3}post|edd|lmp|due\s{1,3}date|fecha\s{1,3}(?:probable\s{1,3})?de\s{1,3}parto|cita(?!%(apos)s)"
    r"|(?:her|his|their|pt%(apos)ss|patient%(apos)ss)(?:\s{1,3}[^\W\d_]{2,20}){0,2}?\s{1,3}(?:appt|appointment|surgery"
    r"|procedure)(?:\s{1,3}is)?"
    # "f/u on 6/14", "her c-section on the 3rd", "start chemo on the 3rd of may"
    r"|f/u|follow[\s%(dash)s]?up|c-section|chemo(?:therapy)?|surgery|dialysis\s{1,3}start"
    # "next appt 3/29", "pt's court date is 4/17/24", "SW note 03/14/24", "exp 10/14" (a death), "died 2/3"
    r"|next\s{1,3}(?:appt|appointment|visit)|(?:pt|patient)%(apos)ss(?:\s{1,3}[^\W\d_]{2,20}){0,2}?\s{1,3}date"
    r"|note(?:\s{1,3}dated)?|exp\.?|expired|died|passed\s{1,3}away"
    # "after his accident 9/22", "OD'd 3/4": the day something happened to the person
    r"|(?:his|her|their|the|a)\s{1,3}(?:car\s{1,3})?(?:accident|crash|wreck|fall|injury|stroke|seizure|overdose|od)"
    r"|fell|injured|overdosed|od%(apos)s?d|got\s{1,3}hurt)(?![\w/])"
    r"[^.;!?\n\d]{0,40}?(?<![\w/])"
    r"(?P<value>(?:\d{1,2}[/.\-]\d{1,2}(?:[/.\-](?:\d{4}|\d{2}))?|%(month)s\s{0,2}\d{1,2}(?:st|nd|rd|th)?"
    r"|\d{1,2}\s{1,3}de\s{1,3}%(month)s|\d{1,2}(?:st|nd|rd|th)\s{1,3}of\s{1,3}%(month)s"
    r"|(?<=on\s)the\s{1,3}\d{1,2}(?:st|nd|rd|th)(?:\s{1,3}of\s{1,3}%(month)s)?))"
    r"(?![\w/]|[.\-]\d)"
)
# "the 3/9 admit", "her 2/28 fall": a date said right before the patient's hospital event.
DATE_BEFORE_EVENT = _compile(
    r"(?<![\w/])(?P<value>\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?)\s{1,3}(?:admit|admission|adm|d/c|discharge|surgery"
    r"|delivery|fall|od|overdose|ed\s{1,3}visit|er\s{1,3}visit|ed\s{1,3}admit|readmit"
    # "all night on 10/14 after his surgery"
    r"|(?:[^\W\d_]{1,20}\s{1,3}){0,2}?(?:after|before|for|from)\s{1,3}(?:his|her|their)\s{1,3}(?:surgery|accident"
    r"|procedure|fall|stroke|delivery|c-section|overdose|injury))(?![\w/])"
)
# A bed is the patient's; a room is when a patient is the subject of its clause (checked by the engine):
# "patient in room 318" goes, "Room 104, 2nd floor of the library" stays.
BED = _compile(r"(?<!\w)(?P<value>(?:bed|cama)\s{0,2}#?\s{0,2}(?:\d{1,2}\s{0,2}[%(dash)s]\s{0,2}(?:north|south|east|west)"
               r"\s{0,2}[%(dash)s]?\s{0,2}\d{1,4}|\d{1,4}[a-z]?|(?-i:[A-D])))(?![\w\-])")
# "mrs. brown in 5B-14", "bill long in 412B": a code of digits and letters right after a name is where they lie.
ROOM_AFTER_NAME = _compile(r"\s{1,2}(?:in|on)\s{1,2}(?P<value>(?=[a-z0-9%(dash)s]{0,8}\d)(?=[a-z0-9%(dash)s]{0,8}[a-z])"
                           r"[a-z0-9][a-z0-9%(dash)s]{1,7})(?![\w%(dash)s])")
ROOM = _compile(
    # "rooms 210 & 211": several rooms at once
    r"(?<!\w)(?P<value>(?:rooms\s{0,2}\d{1,5}[a-z]?(?:\s{0,2}(?:&|and|y|,)\s{0,2}\d{1,5}[a-z]?)+"
    r"|(?:room|rm\.?|habitaci[oó]n|cuarto)\s{0,2}#?\s{0,2}(?:\d{1,5}[a-z]?"
    # a room on a named unit: "6-North 14", "5W-12"
    r"|(?P<unit>\d{1,2}\s{0,2}[%(dash)s]?\s{0,2}(?:north|south|east|west|[nsew])\s{0,2}[%(dash)s]?\s{0,2}\d{1,4}))"
    r"(?:\s{0,2}[%(dash)s,]?\s{0,2}(?:bed\s{0,2})?[a-d])?))(?![\w\-])"
)
# A room on a named ward, said ward first: "4 North rm 22", "5W, rm 519" (always a patient's).
WARD_ROOM = _compile(
    r"(?<!\w)(?P<value>\d{1,2}\s{0,2}(?:north|south|east|west|[nsew])(?!\w)[,\s]{1,3}(?:rm\.?|room)\s{0,2}#?\s{0,2}"
    r"\d{1,5}[a-z]?)(?![\w\-])"
)
# "the pt in 5W-12", "patient on 4B-07": a code of digits and letters right after a patient is where they lie.
PATIENT_ROOM_CODE = _compile(
    r"(?<!\w)(?:pt\.?|patient|client)\s{1,3}(?:(?:is|was|still)\s{1,3})?(?:in|on|at)\s{1,3}(?P<value>(?=[a-z0-9%(dash)s]{0,8}\d)"
    r"(?=[a-z0-9%(dash)s]{0,8}[a-z%(dash)s])[a-z0-9][a-z0-9%(dash)s]{1,7})(?![\w%(dash)s])"
)
# An id made of letters and digits with five digits or more ("RB88123441", "AB12345C", "91234567A",
# "MRN4471066", "A-99812-0043"), whatever label (if any) stands before it.
MIXED_ID = _compile(
    r"(?<![\w\-@#|/:<])(?!\d{4}-\d\d-\d\dt)(?=[a-z0-9\-]{0,30}[a-z])(?=(?:[a-z\-]{0,8}\d){5})[a-z0-9][a-z0-9\-]{4,28}[a-z0-9](?![\w\-])"
)
# Digits alone, seven or eight, or eleven to sixteen (nine is an SSN; ten is a phone number and is judged as one).
LONG_NUMBER = _compile(r"(?<![\w\-./,$#])#?\s{0,1}(?P<value>\d{7,8}|\d{11,16})(?![\w\-]|[.,/]\d)")
# A number that is a resource's own public record, kept: "state license #1084432", "EIN 12-3456789".
PUBLIC_NUMBER_LABEL = _compile(
    r"(?:licen[cs]e|lic\.?|permit|ein|npi|tax\s{1,3}id|registration|reg\.?|cert(?:ificate)?|provider|vendor"
    r"|contract|grant|ticket|invoice|order|po|room|suite|ste|route|bus|extension|ext|zip|cp|c\.p\.)\s{0,3}"
    r"(?:number|num|no\.?|#)?\s{0,3}[:#]?\s{0,3}$"
)
# Email addresses spelled out to get past filters ("chantel dot w at webmail dot example"): nobody spells out an
# organisation's public address, so these always go.
SPELLED_EMAIL = _compile(
    r"(?<!\w)[\w+\-]{1,64}(?:\s{1,3}(?:dot|punto)\s{1,3}[\w+\-]{1,30}){0,3}\s{1,3}(?:at|arroba)\s{1,3}"
    r"[\w\-]{1,63}(?:\s{1,3}(?:dot|punto)\s{1,3}(?-i:[a-z]{2,24})(?!\w)){1,3}"
)
# A page about one person: a fundraiser, a care journal, a payment handle ("gofundme.com/f/help-darnell-recover").
# The bare site ("gofundme.com") names nobody and stays; social pages stay, as organisations have them too.
PERSONAL_PAGE = _compile(
    r"(?<![\w.@/])(?:https?://)?(?:www\.|m\.)?(?:gofundme\.com|caringbridge\.org|mealtrain\.com|givesendgo\.com"
    r"|lotsahelpinghands\.com|venmo\.com|cash\.app|paypal\.me)/[\w\-./%%@$~+]{2,200}"
)
# A person's own social account ("her insta is @tmlovesboba_", "his IG: @big.mike"); an organisation's stays.
SOCIAL_HANDLE = _compile(
    r"(?<!\w)(?:her|his|their|%(patients)s|su|sus)\s{1,3}(?:insta(?:gram)?|ig|snap(?:chat)?|tik\s?tok|twitter|fb"
    r"|facebook|handle|socials?)\s{0,3}(?:handle\s{0,3})?(?:is|=|:|-)?\s{0,3}(?P<value>@[\w.]{2,30}\w)"
)
# Any handle or social profile page; whose it is is decided as for a phone (bot.platform.privacy.contacts).
SOCIAL_PAGE = _compile(r"(?<![\w<@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])"
                       r"|(?<![\w/.])(?:www\.)?(?:facebook|fb|instagram|tiktok|twitter|x)\.com/[\w.\-/]{2,60}")
# A vehicle's plate (a HIPAA identifier): "plate IL 7KX-229", "(plate 8HJK442)", "license plate: ABC 1234", "placa".
PLATE = _compile(
    r"(?<!\w)(?:licen[cs]e\s{1,3}plates?|plates?|placas?)\s{0,3}(?:#|no\.?|number)?\s{0,3}[:#]?\s{0,3}"
    r"(?:(?:is|was|es)\s{1,3})?(?P<value>(?:(?-i:[A-Z]{2})\s{1,2})?"
    r"(?:(?=[a-z0-9%(dash)s]{0,9}\d)(?=[a-z0-9%(dash)s]{0,9}[a-z])[a-z0-9]{1,4}(?:[%(dash)s]?[a-z0-9]{1,5})?"
    r"|(?-i:[A-Z]{2,4})\s\d{3,4}|(?-i:[A-Z]{2})\s{1,2}\d{1,3}[%(dash)s\s]?\d{3,4}))(?![\w%(dash)s])"
)
# A full date as people type it: 3/14/57, 03-14-1957, March 14, 1957, 14 de marzo de 1957. Old ones are birth dates.
FULL_DATE = _compile(
    r"(?<![\w/.\-])(?:(?P<m2>\d{1,2})\s{0,2}[/.\-]\s{0,2}(?P<d2>\d{1,2})\s{0,2}[/.\-]\s{0,2}(?P<y2>\d{4}|\d{2})"
    r"|(?P<mn3>%(month)s)\s{0,3}\d{1,2}(?:st|nd|rd|th)?,?\s{0,3}(?P<y3>\d{4})"
    r"|\d{1,2}(?:st|nd|rd|th|o|º)?\s{0,3}(?:of\s{1,3}|de\s{1,3})?(?P<mn4>%(month)s),?\s{0,3}(?:del?\s{1,3})?(?P<y4>\d{4}))"
    r"(?![\w/]|[.\-]\d)"
)
# (ISO dates, 1957-03-14, are what machines write: they count as birth dates only after a label.)
# Words that make an old date a resource's history, not a birth date: "founded 3/1/1998", "since 6/1/2001".
FOUNDING_CUE = _compile(
    r"(?:founded|established|est\.?|since|opened|serving|incorporated|anniversary|fundad[oa]|desde|abri[oó])"
    r"(?:\s{1,3}(?:on|in|el|en))?\s{0,3}$"
)
# Initials: "K.T.", "J. R.", "KT" (only next to a date, an age or a patient word, checked by the engine).
INITIALS_BEFORE = _compile(
    r"(?<![\w.])(?P<initials>(?-i:(?:[A-Z]\.\s?){1,2}[A-Z]\.|(?!ID|NO|DT|BD|FN|DN)[A-Z]{2}))\s{0,2}[,(:\-]?\s{0,3}$"
)
# Who a clause is about: the words that make a detail in it the patient's.
PATIENT_WORDS = _compile(
    r"(?<!\w)(?:pt\.?|pts|patient|client|paciente|she|he|her|his|him|they|them|their|mom|mother|dad"
    r"|father|son|daughter|husband|wife|caregiver|family(?!\s{1,3}(?:child|shelter|service|support|resource|center|program"
    r"|medicine|practice|planning|care|housing|court|law|friendly|members?|literacy|day|night|meal|fun|event|style))|grandma|grandpa|sister|brother|ella|[eé]l|su|sus"
    r"|hija|hijo|madre|padre|esposa|esposo|lives|vive|viven|admitted|inpatient|discharged|resident|\[name removed\])(?!\w)"
)
CLAUSE_BREAK = re.compile(r"[.;!?\n|]\s|[\u2013\u2014]|\s-\s|\s\u2022\s|$")
