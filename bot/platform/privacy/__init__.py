"""Keeps patient identifiers out of everything partnerbot stores, logs or echoes: detect, remove, and store only
what is known to be safe.

partnerbot's promise is that it never keeps protected health information. Every surface that takes free text calls
`redact()` first and keeps only `Redaction.text`; `Redaction.summary()` tells the person what was removed.

The APIs (all pure, offline, no imports from features):

- `redact(text) -> Redaction`: `text` with identifiers replaced by "[kind removed]", `removed` (count per kind),
  `summary()` ("Removed for privacy: 1 name, 1 age over 89"), and `doubtful`: stretches of the redacted text
  that still look like a person or an identifier (a lone given name, a long number kept because a licence label
  stood before it). The "ask before keeping" flow (bot.platform.review builds the question, bot.platform.pending
  holds the redacted text meanwhile) shows `marked()` (doubts between ‹ ›) and offers Save (`text`), Remove
  marked words (`without_doubtful()`) or Edit. Nothing unredacted is ever offered.
- `check_resource_name(name, known_names=()) -> NameCheck(ok, reason)`: whether a string reads as an
  organisation's or program's name rather than a person ("Lorena Castellanos"), a sentence about a patient ("pt
  needs housing") or a description ("seniors 60+"). Pass the workspace's resource and partner names.
  `organisation_names(redacted_text)` lists the capitalised runs of a text that pass it (where else to look).
- `classify_contacts(redacted_text) -> (resource's, patient's)`: the phones (parsed with `phonenumbers`), emails
  and street addresses (parsed with `usaddress`) of a text, each a `Contact` with its owner and a normalised
  value; store only the first list. `find_contacts(text)` gives them all in text order.
- `keep_known_words(text, extra=()) -> str`: the allow-list reducer for low-value stores (unmet-need phrases,
  question logs): need terms, languages, populations, places, `extra` words and everyday dictionary words stay;
  names, numbers, identifiers and unknown words go.
- `warm()`: load the word lists now (about a second) instead of on the first message.

What is detected (a hospital's privacy officer can check each in the module named):
- `rules`: SSNs with dashes, spaces, dots or none; Medicare MBIs; record, chart, account, member, Medicaid, CIN,
  subscriber and insurance ids with or without a label (any id mixing letters with five digits or more, any run
  of 7-8 or 11-16 digits, except numbers labelled as a licence, permit, EIN, suite or route); dates of birth after
  any label (DOB, born, bday, fecha de nacimiento, nació) and any full date twelve years old or more unless it
  is a founding date; ages over 89 in any wording ("92 yo", "91 años", "age 93", "96F", "she is ninety-two"); bed numbers, and room
  numbers in a clause about the patient; email addresses spelled out ("ana dot b at mail dot com").
- `names`: names after a cue (patient, pt, titles and Spanish honorifics in any case, relatives such as "her
  son", "su hija", "mom of" or "wife Gloria", "name is"), a name right before "(pt)", names without a cue (given name and surname from the census lists), initials
  next to a birth date, Slack mentions of a patient (`<@U…> is our pt`).
- `contacts`: a phone, email or address is the patient's when a patient word precedes it in its clause with no
  organisation word between, or when it is personal webmail next to a patient; a resource's own stay.
- `normalize`: zero-width characters, look-alike letters and digits, and Slack markup cannot hide an identifier.

Organisations and places named after people stay: a run of capitalised words holding an organisation or place
word ("Mary's Place", "Casa Esperanza", "Martin Luther King Jr. Center"), a saint's name ("St. Vincent de Paul"),
a single name after a place word ("a town called Marion").

Every pattern uses bounded repetition and every pass is a linear scan: 100,000 characters of hostile input are
handled in linear time (see tests/platform/test_privacy_bad_input.py).
"""

from bot.platform.privacy.allowlist import keep_known_words
from bot.platform.privacy.contacts import Contact, classify_contacts, find_contacts
from bot.platform.privacy.engine import redact
from bot.platform.privacy.lexicon import warm
from bot.platform.privacy.resource_names import NameCheck, check_resource_name, organisation_names
from bot.platform.privacy.result import KINDS, NAME, NAME_DOUBT, NUMBER_DOUBT, Doubt, Redaction, placeholder

__all__ = [
    "KINDS",
    "NAME",
    "NAME_DOUBT",
    "NUMBER_DOUBT",
    "Contact",
    "Doubt",
    "NameCheck",
    "Redaction",
    "check_resource_name",
    "classify_contacts",
    "find_contacts",
    "keep_known_words",
    "organisation_names",
    "placeholder",
    "redact",
    "warm",
]
