"""The fields of a resource, in one place: their names, limits, CSV headers, form labels and the words people use
for them; and the keys that tell two resources apart.

Everything that shows, stores or exchanges a resource reads this spec: the table (`models/directory.py`), the
extractor, the CSV/HSDS mapping, the form and `/resource edit NAME FIELD VALUE`. A new field is one line here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from bot.platform.folding import comparison_key


@dataclass(frozen=True)
class FieldSpec:
    """One public detail of a resource. `words` are what people type for it in `/resource edit` (the name itself
    always works); `placeholder` is the form's example; `multiline` fields keep their line breaks."""

    name: str
    max_length: int
    label: str
    placeholder: str = ""
    multiline: bool = False
    is_list: bool = False
    in_csv: bool = True
    words: tuple[str, ...] = ()


# In CSV order, which is also the form's order.
SPEC: tuple[FieldSpec, ...] = (
    FieldSpec("name", 200, "Name", "Eastside Food Pantry"),
    FieldSpec("organization", 200, "Organization", "Eastside Community Services", words=("org",)),
    FieldSpec("description", 2000, "What they offer", "Groceries and fresh produce", multiline=True),
    FieldSpec("categories", 500, "Needs it helps with", "Food, housing, …", is_list=True, words=("category",)),
    FieldSpec("phone", 40, "Phone", "555-0142", words=("telephone", "tel", "phone number")),
    FieldSpec("email", 200, "Email", "pantry@example.org", words=("e-mail",)),
    FieldSpec("website", 300, "Website", "https://example.org", words=("web site", "url")),
    FieldSpec("address", 300, "Street address", "12 Main St", words=("street address",)),
    FieldSpec("city", 100, "City", "Eastport"),
    FieldSpec("state", 50, "State", "OR"),
    FieldSpec("postal_code", 20, "ZIP code", "97201", words=("zip", "zip code", "zipcode", "postal code")),
    FieldSpec("languages", 300, "Languages (separate with ;)", "English; Spanish", is_list=True,
              words=("language",)),
    FieldSpec("eligibility", 1000, "Who can use it", "Residents of Eastport; no ID required", multiline=True),
    FieldSpec("hours", 300, "Hours", "Tue/Thu 2-6pm"),
    FieldSpec("populations", 300, "Especially for", "Seniors, families, …", is_list=True, in_csv=False,
              words=("population",)),
)
SPEC_BY_NAME = {spec.name: spec for spec in SPEC}

# Field names in display order; the same names as the Resource columns and the CSV headers.
TEXT_FIELDS = tuple(spec.name for spec in SPEC if not spec.is_list)
LIST_FIELDS = tuple(spec.name for spec in SPEC if spec.is_list)
MAX_LENGTHS = {spec.name: spec.max_length for spec in SPEC}
CSV_HEADERS = tuple(spec.name for spec in SPEC if spec.in_csv)


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

def normalize(text: str) -> str:
    """The comparison form of names, organizations and cities (bot.platform.folding): folded words of any script,
    `&` read as "and". Only letters, digits and spaces survive, so it is safe inside SQL LIKE patterns."""
    return comparison_key(text)


def comparison_keys(fields: ResourceFields) -> dict[str, str]:
    """The stored comparison columns of a resource's details: what duplicate detection and lookups compare."""
    return {
        "normalized_name": normalize(fields.name)[:200],
        "normalized_organization": normalize(fields.organization)[:200],
        "normalized_city": normalize(fields.city)[:100],
        "phone_key": phone_digits(fields.phone),
        "website_key": website_key(fields.website)[:300],
    }


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
