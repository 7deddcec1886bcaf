"""The directory's exchange formats: CSV rows and Open Referral HSDS 3.x services, both ways. Pure functions.

CSV headers: name, organization, description, categories, phone, email, website, address, city, state,
postal_code, languages, eligibility, hours (categories and languages ";"-separated; categories by id or display
name, case-insensitively). Unknown categories are reported, never guessed.

HSDS: one resource is one service with a nested organization, a physical address under service_at_locations,
phones, schedules (free-text hours go in `description`), languages, and need categories as attributes whose
taxonomy term comes from the "partnerbot-needs" taxonomy (code = category id).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.directory.extract import LANGUAGES
from bot.directory.fields import CSV_HEADERS, LIST_FIELDS, MAX_LENGTHS, TEXT_FIELDS, ResourceFields
from bot.platform import vocabulary

TAXONOMY_NAME = "partnerbot-needs"
# Fixed namespace so the same resource always exports with the same ids (stable for downstream diffing).
_ID_NAMESPACE = uuid.UUID("6f1c2a52-4d3e-4b8e-9a57-6c1f3f0b9d21")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEBSITE = re.compile(
    r"^(?:https?://)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?(?:[/?#]\S*)?$", re.IGNORECASE
)
_PHONE_CHARS = re.compile(r"^[0-9+().\s/-]+(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)

ISO_LANGUAGE_CODES = {
    "English": "en",
    "Spanish": "es",
    "Vietnamese": "vi",
    "Chinese": "zh",
    "Mandarin": "zh",
    "Cantonese": "yue",
    "Russian": "ru",
    "Ukrainian": "uk",
    "Arabic": "ar",
    "Somali": "so",
    "Tagalog": "tl",
    "Korean": "ko",
    "French": "fr",
    "Haitian Creole": "ht",
    "Portuguese": "pt",
    "Hmong": "hmn",
    "Amharic": "am",
    "Farsi": "fa",
    "Dari": "prs",
    "Pashto": "ps",
    "Hindi": "hi",
    "Punjabi": "pa",
    "Urdu": "ur",
    "Bengali": "bn",
    "Nepali": "ne",
    "Burmese": "my",
    "Swahili": "sw",
    "Japanese": "ja",
    "Polish": "pl",
    "Romanian": "ro",
    "Tigrinya": "ti",
    "Oromo": "om",
    "Khmer": "km",
    "Lao": "lo",
    "Thai": "th",
    "Navajo": "nv",
    "German": "de",
    "Italian": "it",
    "ASL": "ase",
}
_LANGUAGE_BY_CODE = {code: name for name, code in ISO_LANGUAGE_CODES.items()}


@dataclass
class ParsedRecord:
    """One CSV row or HSDS service after validation: `fields` is None when `errors` says why it was rejected."""

    fields: ResourceFields | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- shared pieces ------------------------------------------------------------------------------------------


def split_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def resolve_categories(values: list[str]) -> tuple[list[str], list[str]]:
    """(category ids, the values that are not known categories). Ids or display names, any case."""
    ids: list[str] = []
    unknown: list[str] = []
    for value in values:
        category = vocabulary.get(value.strip())
        if category is None:
            unknown.append(value)
        elif category.id not in ids:
            ids.append(category.id)
    return ids, unknown


def normalize_language(value: str) -> str:
    """ "spanish" -> "Spanish", "es" -> "Spanish"; other names are kept with their first letter capitalized."""
    value = value.strip()
    known = LANGUAGES.get(value.lower()) or _LANGUAGE_BY_CODE.get(value.lower())
    if known:
        return known
    return value[:1].upper() + value[1:]


def validate_fields(fields: ResourceFields) -> list[str]:
    """Reasons the record cannot be saved (empty list when it can)."""
    errors = []
    if not fields.name.strip():
        errors.append("name is required")
    for name in TEXT_FIELDS:
        value = getattr(fields, name)
        if len(value) > MAX_LENGTHS[name]:
            errors.append(f"{name} is longer than {MAX_LENGTHS[name]} characters")
    for name in LIST_FIELDS:
        if len(";".join(getattr(fields, name))) > MAX_LENGTHS[name]:
            errors.append(f"{name} is longer than {MAX_LENGTHS[name]} characters")
    if fields.email and not _EMAIL.match(fields.email):
        errors.append("email is not an email address")
    if fields.website and not _WEBSITE.match(fields.website):
        errors.append("website is not a web address")
    if fields.phone and (not _PHONE_CHARS.match(fields.phone) or len(re.sub(r"\D", "", fields.phone)) < 3):
        errors.append("phone is not a phone number")
    return errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())


def _unknown_category_message(unknown: list[str]) -> str:
    known = ", ".join(vocabulary.category_ids())
    listed = ", ".join(f"'{u}'" for u in unknown)
    return f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {listed} (known: {known})"


# --- CSV ----------------------------------------------------------------------------------------------------


def header_key(header: str | None) -> str:
    """ "Postal Code", "postal-code" and "POSTAL_CODE" all mean postal_code."""
    return "_".join((header or "").strip().lower().replace("-", " ").split())


def check_csv_headers(headers: list[str] | None) -> tuple[list[str], list[str]]:
    """(errors that stop the import, warnings). Header names are matched case-insensitively."""
    if not headers:
        return ["the file is empty (expected a header row: " + ", ".join(CSV_HEADERS) + ")"], []
    normalized = [header_key(h) for h in headers]
    errors = [] if "name" in normalized else ["the header row has no 'name' column"]
    unknown = [h for h in normalized if h and h not in CSV_HEADERS]
    warnings = [f"ignored unknown column '{h}'" for h in unknown]
    return errors, warnings


def parse_csv_row(row: dict[str, str | None]) -> ParsedRecord:
    """Validates one CSV row (a csv.DictReader row; header names in any case)."""
    values = {header_key(key): _text(value) for key, value in row.items() if key is not None}
    if None in row and any(row[None] or []):
        return ParsedRecord(None, ["the row has more cells than the header"])
    categories, unknown = resolve_categories(split_list(values.get("categories", "")))
    fields = ResourceFields(
        **{name: values.get(name, "") for name in TEXT_FIELDS},
        categories=categories,
        languages=_unique(normalize_language(v) for v in split_list(values.get("languages", ""))),
    )
    errors = validate_fields(fields)
    if unknown:
        errors.append(_unknown_category_message(unknown))
    return ParsedRecord(None if errors else fields, errors)


def to_csv_row(fields: ResourceFields) -> dict[str, str]:
    row = {name: getattr(fields, name) for name in CSV_HEADERS if name not in ("categories", "languages")}
    row["categories"] = ";".join(fields.categories)
    row["languages"] = ";".join(fields.languages)
    return {name: row[name] for name in CSV_HEADERS}


def _unique(values) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


# --- HSDS ---------------------------------------------------------------------------------------------------


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "/".join(parts)))


def _uri(website: str) -> str:
    if not website:
        return ""
    return website if re.match(r"^[a-z][a-z0-9+.-]*://", website, re.IGNORECASE) else "https://" + website


def resource_to_service(
    fields: ResourceFields, *, key: str, last_modified: datetime | None = None, active: bool = True
) -> dict:
    """One HSDS 3.1 service for a resource. `key` (e.g. "T123/resource/42") seeds the stable ids."""
    service_id = stable_id(key, "service")
    service: dict = {
        "id": service_id,
        "name": fields.name,
        "status": "active" if active else "inactive",
    }
    if fields.description:
        service["description"] = fields.description
    if fields.website:
        service["url"] = _uri(fields.website)
    if fields.email:
        service["email"] = fields.email
    if fields.eligibility:
        service["eligibility_description"] = fields.eligibility
    if last_modified is not None:
        if last_modified.tzinfo is not None:
            last_modified = last_modified.astimezone(UTC)
        service["last_modified"] = last_modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    if fields.organization:
        organization_id = stable_id(key, "organization", fields.organization.lower())
        service["organization_id"] = organization_id
        service["organization"] = {"id": organization_id, "name": fields.organization, "description": ""}
    if fields.phone:
        service["phones"] = [
            {"id": stable_id(key, "phone"), "service_id": service_id, "number": fields.phone}
        ]
    if fields.hours:
        service["schedules"] = [
            {"id": stable_id(key, "schedule"), "service_id": service_id, "description": fields.hours}
        ]
    if fields.languages:
        service["languages"] = [
            {"id": stable_id(key, "language", name), "service_id": service_id, "name": name}
            | ({"code": ISO_LANGUAGE_CODES[name]} if name in ISO_LANGUAGE_CODES else {})
            for name in fields.languages
        ]
    if fields.address or fields.city:
        location_id = stable_id(key, "location")
        address = {
            "id": stable_id(key, "address"),
            "location_id": location_id,
            "address_1": fields.address,
            "city": fields.city,
            "state_province": fields.state,
            "postal_code": fields.postal_code,
            "country": "US",
            "address_type": "physical",
        }
        service["service_at_locations"] = [
            {
                "id": stable_id(key, "service_at_location"),
                "service_id": service_id,
                "location_id": location_id,
                "location": {"id": location_id, "location_type": "physical", "addresses": [address]},
            }
        ]
    attributes = []
    for category_id in fields.categories:
        category = vocabulary.get(category_id)
        if category is None:
            continue
        term_id = stable_id(TAXONOMY_NAME, category.id)
        attributes.append(
            {
                "id": stable_id(key, "attribute", category.id),
                "link_id": service_id,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term_id,
                "value": category.id,
                "label": category.display_name,
                "taxonomy_term": {
                    "id": term_id,
                    "code": category.id,
                    "name": category.display_name,
                    "description": category.description,
                    "taxonomy": TAXONOMY_NAME,
                },
            }
        )
    if attributes:
        service["attributes"] = attributes
    return service


def _first(items) -> dict:
    for item in items or []:
        if isinstance(item, dict):
            return item
    return {}


def _phone_number(phone: dict) -> str:
    number = _text(phone.get("number")).strip("\"' ")
    extension = phone.get("extension")
    if number and isinstance(extension, (int, float)) and not isinstance(extension, bool):
        number += f" x{int(extension)}"
    return number


def _addresses(service: dict):
    for sal in service.get("service_at_locations") or []:
        if isinstance(sal, dict):
            yield from (sal.get("location") or {}).get("addresses") or []
    yield from _organization_addresses(service.get("organization") or {})


def _organization_addresses(organization: dict):
    for location in organization.get("locations") or []:
        if isinstance(location, dict):
            yield from location.get("addresses") or []


def _schedule_text(schedule: dict) -> str:
    description = _text(schedule.get("description"))
    if description:
        return description
    days = _text(schedule.get("byday"))
    opens, closes = _text(schedule.get("opens_at"))[:5], _text(schedule.get("closes_at"))[:5]
    times = f"{opens}-{closes}" if opens and closes else opens
    return " ".join(part for part in (days.replace(",", "/"), times) if part)


def service_to_resource(service) -> ParsedRecord:
    """Validates one HSDS service (a dict) and maps it to resource fields; foreign taxonomy terms are reported."""
    if not isinstance(service, dict):
        return ParsedRecord(None, ["not an HSDS service object"])
    warnings: list[str] = []
    status = _text(service.get("status")) or "active"
    if status not in ("active", "temporarily closed"):
        return ParsedRecord(None, [f"status is '{status}', only active services are imported"])
    organization = service.get("organization") if isinstance(service.get("organization"), dict) else {}

    phone = _first(service.get("phones"))
    if not phone:
        for sal in service.get("service_at_locations") or []:
            phone = (
                phone
                or _first((sal or {}).get("phones"))
                or _first(((sal or {}).get("location") or {}).get("phones"))
            )
    phone = phone or _first(organization.get("phones"))

    addresses = [a for a in _addresses(service) if isinstance(a, dict)]
    address = next(
        (a for a in addresses if a.get("address_type") == "physical"), addresses[0] if addresses else {}
    )
    street = ", ".join(p for p in (_text(address.get("address_1")), _text(address.get("address_2"))) if p)

    schedules = list(service.get("schedules") or [])
    for sal in service.get("service_at_locations") or []:
        schedules += (sal or {}).get("schedules") or []
    hours = "; ".join(_unique(_schedule_text(s) for s in schedules if isinstance(s, dict)))

    languages = _unique(
        normalize_language(_text(lang.get("name")) or _text(lang.get("code")))
        for lang in service.get("languages") or []
        if isinstance(lang, dict)
    )

    categories: list[str] = []
    for attribute in service.get("attributes") or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        candidates = [_text(term.get("code")), _text(term.get("name")), _text((attribute or {}).get("value"))]
        category = next((vocabulary.get(c) for c in candidates if c and vocabulary.get(c)), None)
        if category is None:
            label = _text(term.get("name")) or _text((attribute or {}).get("label")) or "?"
            warnings.append(f"unknown category '{label}' ignored")
        elif category.id not in categories:
            categories.append(category.id)

    fields = ResourceFields(
        name=_text(service.get("name")),
        organization=_text(organization.get("name")),
        description=_text(service.get("description")),
        phone=_phone_number(phone) if phone else "",
        email=_text(service.get("email")) or _text(organization.get("email")),
        website=_text(service.get("url")) or _text(organization.get("website")),
        address=street,
        city=_text(address.get("city")),
        state=_text(address.get("state_province")),
        postal_code=_text(address.get("postal_code")),
        hours=hours,
        eligibility=_text(service.get("eligibility_description")),
        categories=categories,
        languages=languages,
    )
    errors = validate_fields(fields)
    return ParsedRecord(None if errors else fields, errors, warnings)


def services_in(document) -> list | None:
    """The services in an HSDS JSON document: a list of services, one service, or a paged list ("contents")."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        return document["contents"]
    if isinstance(document, dict) and "name" in document:
        return [document]
    return None
