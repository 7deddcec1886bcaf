"""What a resource says it does not do. Directories state exclusions ("No dental or eye care.", "Does not provide
eyeglasses, hearing aids or oxygen.", "Repairs only; does not help buy vehicles"), and a word said only there is no
offer of the service: a clinic that says "no dental" is not the county's dentist."""

from __future__ import annotations

import re

# A clause ends at a sentence's end, a semicolon or a colon, or where "but" turns it ("no walk-ins, but dental…").
_CLAUSES = re.compile(r"[.;:!?\n]+|\bbut\b|\bhowever\b|\bexcept\b", re.IGNORECASE)
# What denies the words after it within its clause.
_DENIAL = re.compile(
    r"\b(?:no|not|never|nor|cannot|can't|cant|doesn't|doesnt|don't|dont|won't|isn't|aren't|without|excludes?|"
    r"excluding)\b", re.IGNORECASE)  # fmt: skip
# Words that end the denied list: past them, the clause speaks of something else ("no insurance needed for dental",
# "no cost to patients who need dental").
_ENDS_THE_DENIED = frozenset({
    "for", "to", "with", "at", "in", "on", "by", "from", "of", "who", "that", "which", "needed", "required",
    "necessary", "is", "are", "was", "be", "so", "if", "when", "while", "we", "you", "they", "it",
})  # fmt: skip
# Said right after "no", what is waived, not what is denied: "no cost dental cleanings", "no one turned away".
_WAIVED = frozenset({
    "cost", "charge", "fee", "fees", "copay", "copays", "appointment", "appointments", "referral", "referrals", "wait",
    "waiting", "questions", "paperwork", "one", "matter",
})  # fmt: skip
_WORD = re.compile(r"[\w'’-]+")
_DENIED_REACH = 8  # words after the denial that it can still reach


def denied_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of `text` that a denial covers: from the denying word to the end of its list."""
    spans = []
    start = 0
    for boundary in [*_CLAUSES.finditer(text), None]:
        end = boundary.start() if boundary else len(text)
        clause_start = start
        for denial in _DENIAL.finditer(text, clause_start, end):
            reach = denial.end()
            for count, word in enumerate(_WORD.finditer(text, denial.end(), end)):
                folded = word.group().lower()
                if count == 0 and folded in _WAIVED:
                    break
                if count >= _DENIED_REACH or folded in _ENDS_THE_DENIED:
                    break
                reach = word.end()
            spans.append((denial.start(), reach))
        start = boundary.end() if boundary else len(text)
    return spans


def _forms(word: str) -> re.Pattern:
    # A word in any of its forms, as the search index's stemming takes it ("glasses", "glass").
    return re.compile(r"\b" + re.escape(word.rstrip("s")) + r"\w*", re.IGNORECASE)


def only_denied(text: str, words: list[str]) -> bool:
    """Whether `text` says some of `words` and every time within a denial ("No dental or eye care" for "dental").
    False when it says one of them outside a denial, or says none of them as written (the index found them in
    another form, which is not read here: a mention is kept rather than lost)."""
    spans = denied_spans(text)
    said = False
    for word in words:
        for match in _forms(word).finditer(text):
            said = True
            if not any(start <= match.start() < end for start, end in spans):
                return False
    return said
