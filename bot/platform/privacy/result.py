"""What redaction returns: the kinds of identifier, the frozen `Redaction`, and the `Doubt`s left in it."""

from __future__ import annotations

from dataclasses import dataclass, field

# Stable, human words: they appear in the summary shown to people and in tests.
NAME = "name"
DATE_OF_BIRTH = "date of birth"
DATE_OF_DEATH = "date of death"
HOSPITAL_DATE = "hospital date"
AGE = "age over 89"
SSN = "SSN"
RECORD_NUMBER = "record number"
INSURANCE_ID = "insurance ID"
PHONE = "phone"
EMAIL = "email"
ADDRESS = "address"
PERSONAL_PAGE = "personal web page"
PLATE = "license plate"
ROOM = "room or bed"

KINDS: tuple[str, ...] = (
    NAME,
    DATE_OF_BIRTH,
    DATE_OF_DEATH,
    HOSPITAL_DATE,
    SSN,
    RECORD_NUMBER,
    INSURANCE_ID,
    PHONE,
    EMAIL,
    ADDRESS,
    PERSONAL_PAGE,
    PLATE,
    AGE,
    ROOM,
)

_PLURALS = {
    NAME: "names",
    DATE_OF_BIRTH: "dates of birth",
    DATE_OF_DEATH: "dates of death",
    HOSPITAL_DATE: "hospital dates",
    AGE: "ages over 89",
    SSN: "SSNs",
    RECORD_NUMBER: "record numbers",
    INSURANCE_ID: "insurance IDs",
    PHONE: "phones",
    EMAIL: "emails",
    ADDRESS: "addresses",
    PERSONAL_PAGE: "personal web pages",
    PLATE: "license plates",
    ROOM: "room or bed numbers",
}

# The reasons a Doubt gives.
NAME_DOUBT, NUMBER_DOUBT = "looks like a name", "long number"

# Marks put around doubtful words when they are shown to the person before saving ("ask before keeping").
MARK_OPEN, MARK_CLOSE = "\u2039", "\u203a"  # ‹ ›


def placeholder(kind: str) -> str:
    return f"[{kind} removed]"


@dataclass(frozen=True)
class Doubt:
    """A stretch of the *redacted* text that still looks like a person or an identifier: `reason` is a short
    human phrase ("looks like a name", "long number")."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Redaction:
    """The redacted text, how many identifiers of each kind were taken out of it, and what still looks doubtful.

    `doubtful` spans index `text`. Nothing in `text` is raw: the doubts are words the engine chose to keep but
    would rather a person confirmed (the "ask before keeping" flow)."""

    text: str
    removed: dict[str, int] = field(default_factory=dict)
    doubtful: tuple[Doubt, ...] = ()

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

    def marked(self) -> str:
        """The redacted text with each doubtful stretch between ‹ ›, to show the person before saving."""
        return self.rebuild(lambda piece: f"{MARK_OPEN}{piece}{MARK_CLOSE}")

    def without_doubtful(self) -> str:
        """The redacted text with the doubtful stretches taken out too (the "Remove marked words" choice)."""
        return " ".join(self.rebuild(lambda _piece: "").split())

    def rebuild(self, replace) -> str:
        """The redacted text with each doubtful stretch replaced by `replace(stretch)`; spacing left as it is."""
        pieces, cursor = [], 0
        for doubt in sorted(self.doubtful, key=lambda d: d.start):
            if doubt.start < cursor:
                continue
            pieces += [self.text[cursor : doubt.start], replace(self.text[doubt.start : doubt.end])]
            cursor = doubt.end
        pieces.append(self.text[cursor:])
        return "".join(pieces)
