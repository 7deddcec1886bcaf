"""Whether a name read from free text can be a resource's name, before anything is saved under it.

Free text is how people log resources ("/resource add …", "log resource: …"), and the first words are not always a
name: "seniors 60+" (who it is for), "pt needs housing" (a note about a patient), "Lorena Castellanos needs food
this week" (a person). Saved, such a "resource" shows up in every answer for its need. So a name read from text
must pass `judge_name`; when none does, the form opens prefilled and the person names the resource themselves.
A name typed into the form's Name field is the person's explicit choice and is not judged here.

The rules here read the shape of the words; telling a person's name from an organization's is the privacy engine's
job, asked through `PERSON_CHECK`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.platform import vocabulary
from bot.platform.privacy import check_resource_name

PersonCheck = Callable[[str], bool]  # True when the text reads as a person's name rather than an organization's


def reads_as_person(name: str) -> bool:
    """The privacy engine's person-versus-organization check: census name lists, everyday words and organization
    words ("Marcus Hill" is a person, "Mary's Place" and "Casa Esperanza" are not)."""
    return check_resource_name(name).reason == "a person's name"


# The person check every name read from free text goes through (tests may swap it for a stub).
PERSON_CHECK: PersonCheck = reads_as_person

# Words that make a text about a patient, not a resource ("pt needs housing", "her son's clinic").
_PATIENT_WORDS = {"pt", "pts", "pt's", "patient", "patients", "patient's", "client", "client's", "clients"}
_LEADING_PERSON = {
    "my", "her", "his", "their", "she", "he", "they", "mr", "mrs", "ms", "miss", "mom", "dad", "son",
    "daughter", "husband", "wife", "grandma", "grandpa", "sister", "brother",
}  # fmt: skip
# Verbs that make a phrase a sentence about someone ("needs food", "went to", "was seen").
_SENTENCE_VERBS = {
    "needs", "need", "needed", "got", "gets", "went", "goes", "going", "is", "was", "were", "are", "has", "had",
    "have", "wants", "wanted", "called", "calls", "sent", "sending", "lives", "living", "says", "said", "told",
    "will", "can't", "cannot", "couldn't", "didn't", "doesn't", "don't", "won't", "missed", "stayed", "moved",
    "asked", "picked", "took", "takes", "uses", "used", "gave", "came", "left",
}  # fmt: skip
# Who a resource is for, and words of eligibility: a name made only of these names no resource ("seniors 60+").
_AUDIENCE = re.compile(
    r"^(?:seniors?|elderly|older|adults?|veterans?|vets|youth|teens?|teenagers?|young|children|kids|infants?|"
    r"toddlers?|babies|families|family|parents|women|men|mothers|moms|pregnant|lgbtq\+?|lgbt|immigrants?|"
    r"refugees?|homeless|unhoused|disabled|students?|ages?|aged|over|under|and|or|only|for|all|everyone|anyone|"
    r"welcome|free|low|income|low-income|help|needed|with|\d+\+?|\d+-\d+|\+)$",
    re.IGNORECASE,
)
# Words that end the name of an organization or program ("Eastside Food Pantry", "Martha's Kitchen").
ORGANIZATION_WORDS = (
    "pantry|pantries|kitchen|clinic|clinics|center|centre|centers|shelter|shelters|house|services|service|program|"
    "programs|project|network|alliance|coalition|ministries|ministry|church|foundation|bank|society|association|"
    "collective|coop|co-op|cooperative|mission|housing|authority|agency|office|department|library|ymca|ywca|"
    "fund|council|partnership|initiative|outreach|hotline|line|helpline|table|closet|cupboard|market|garden|"
    "school|academy|institute|hospital|health|care|legal aid|aid|trust|league|club|hub|place|home|homes|"
    "exchange|pharmacy|connection|connections|works|resources|cafe|café|army|villa|lodge|ranch|farm|bus|transit|"
    "ride|rides|meals|food|relief|rescue|recovery|support|group|groups|circle|friends|neighbors|corps|union|"
    "shelf|shelves|lifeline|charities|charity"
)
ORGANIZATION_WORD = re.compile(r"\b(?:" + ORGANIZATION_WORDS + r")\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_WORD = re.compile(r"[^\s,;:()]+")


@dataclass(frozen=True)
class NameCheck:
    """`reason` says why a name is not plausible: "" (it is), "empty", "patient", "person", "phrase",
    "audience" or "need". `about_a_person` marks text that must not be kept anywhere else either."""

    name: str
    reason: str = ""

    @property
    def plausible(self) -> bool:
        return not self.reason

    @property
    def about_a_person(self) -> bool:
        return self.reason in ("patient", "person")


def _title_case(words: list[str]) -> bool:
    small = {"of", "on", "the", "for", "and", "&", "de", "la", "del", "los", "las", "at", "in", "a", "y"}
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in small for w in words)


def judge_name(name: str, *, person_check: PersonCheck | None = None) -> NameCheck:
    """Whether `name` (read from free text, already redacted) can be a resource's name, and if not, why."""
    text = " ".join((name or "").split())
    words = _WORD.findall(text)
    if not words or not any(ch.isalpha() for ch in text) or _PLACEHOLDER.search(text):
        return NameCheck(text, "empty")
    lowered = [w.lower().strip(".'’") for w in words]
    typed_lower = [low for low, raw in zip(lowered, words, strict=True) if raw[:1].islower()]
    # "her son's clinic", not "My Sister's House"; "pt" or "Pt", not "PT" (physical therapy, as in "Eastside PT").
    about_someone = lowered[0] in _LEADING_PERSON and not _title_case(words)
    patient_cue = any(low in ("pt", "pts", "pt's") and not raw.isupper() for low, raw in zip(lowered, words, strict=True))
    if about_someone or patient_cue or _PATIENT_WORDS & set(typed_lower):
        return NameCheck(text, "patient")
    if _SENTENCE_VERBS & set(typed_lower) and not _title_case(words):
        # "Lorena Castellanos needs food this week": a capitalized subject doing something, with no organization
        # word ("Westside Diaper Bank has diapers" is a phrase with a name in it), is a person.
        subject = []
        for word in words:
            if not (word[:1].isupper() or word[:1].isdigit()):
                break
            subject.append(word)
        person = bool(subject) and not ORGANIZATION_WORD.search(" ".join(subject))
        return NameCheck(text, "person" if person else "phrase")
    if all(_AUDIENCE.match(w) for w in words):
        return NameCheck(text, "audience")
    if all(vocabulary.get(w) is not None or _AUDIENCE.match(w) for w in words):
        return NameCheck(text, "need")  # "Housing", "food help", "food for seniors"
    if len(typed_lower) == len(words) and not ORGANIZATION_WORD.search(text):
        return NameCheck(text, "phrase")  # "food for seniors"; "eastside food pantry" is fine
    if (person_check or PERSON_CHECK)(text):
        return NameCheck(text, "person")
    return NameCheck(text)
