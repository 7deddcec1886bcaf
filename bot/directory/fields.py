"""The fields of a resource, their limits, and the keys that tell two resources apart."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields, replace

# Field names in display order; the same names as the Resource columns and the CSV headers.
TEXT_FIELDS = (
    "name",
    "organization",
    "description",
    "phone",
    "email",
    "website",
    "address",
    "city",
    "state",
    "postal_code",
    "hours",
    "eligibility",
)
LIST_FIELDS = ("categories", "languages", "populations")

MAX_LENGTHS = {
    "name": 200,
    "organization": 200,
    "description": 2000,
    "phone": 40,
    "email": 200,
    "website": 300,
    "address": 300,
    "city": 100,
    "state": 50,
    "postal_code": 20,
    "hours": 300,
    "eligibility": 1000,
    "categories": 500,
    "languages": 300,
    "populations": 300,
}


@dataclass
class ResourceFields:
    """The public details of one resource, as typed, imported or extracted. Lists hold ids / names in order."""

    name: str = ""
    organization: str = ""
    description: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    hours: str = ""
    eligibility: str = ""
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)

    def filled(self) -> list[str]:
        """Names of the fields that have a value."""
        return [f.name for f in fields(self) if getattr(self, f.name)]

    def as_dict(self) -> dict:
        return {
            f.name: (list(v) if isinstance(v := getattr(self, f.name), list) else v) for f in fields(self)
        }

    def copy(self) -> ResourceFields:
        return replace(
            self,
            categories=list(self.categories),
            languages=list(self.languages),
            populations=list(self.populations),
        )


# --- normalization ------------------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: the comparison form of names, organizations and cities.

    Only [a-z0-9 ] survive, so the result is safe inside SQL LIKE patterns without escaping.
    """
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(_NON_ALNUM.sub(" ", folded).split())


def phone_digits(phone: str) -> str:
    """The last ten digits of a phone number (country code dropped), for duplicate detection."""
    digits = re.sub(r"\D", "", phone or "")
    return digits[-10:]


def website_key(website: str) -> str:
    """A website without scheme, "www." or trailing slash, lowercased: http://www.X.org/ == x.org."""
    key = (website or "").strip().lower()
    key = re.sub(r"^[a-z][a-z0-9+.-]*://", "", key)
    key = re.sub(r"^www\.", "", key)
    return key.rstrip("/")
