"""Near-duplicate resources: the same name give or take typos, confirmed by phone, website or city."""

from __future__ import annotations

import logging

from rapidfuzz import fuzz
from sqlalchemy import or_
from sqlmodel import Session, select

from bot.directory.fields import (
    LIST_FIELDS,
    ResourceFields,
    normalize,
    phone_digits,
    website_key,
)
from models.directory import (
    Resource,
)

log = logging.getLogger(__name__)
FUZZY_NAME_THRESHOLD = 85  # rapidfuzz token_sort_ratio on normalized names, 0-100


# --- finding duplicates -------------------------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return bool(a) and a == b


def name_similarity(a: str, b: str) -> float:
    """0-100 for two normalized names; word order and spacing ("East Side" / "Eastside") do not matter."""
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))


def find_duplicate(session: Session, team_id: str, fields: ResourceFields) -> Resource | None:
    """The resource `fields` describes if it is already known (retired ones included), else None."""
    name_key = normalize(fields.name)
    if not name_key:
        return None
    org_key, city_key = normalize(fields.organization), normalize(fields.city)
    phone_key, site_key = phone_digits(fields.phone), website_key(fields.website)

    # The same identity must merge (it is the unique key), however many other candidates there are.
    same_identity = session.exec(
        select(Resource).where(
            Resource.team_id == team_id,
            Resource.normalized_name == name_key,
            Resource.normalized_organization == org_key,
            Resource.normalized_city == city_key,
        )
    ).first()
    if same_identity is not None:
        return same_identity

    evidence = [Resource.normalized_name == name_key]
    if phone_key:
        evidence.append(Resource.phone_key == phone_key)
    if site_key:
        evidence.append(Resource.website_key == site_key)
    if city_key:
        evidence.append(Resource.normalized_city == city_key)
    # Only the comparison columns: a city can hold thousands of entries.
    candidates = session.exec(
        select(
            Resource.id,
            Resource.normalized_name,
            Resource.normalized_city,
            Resource.phone_key,
            Resource.website_key,
            Resource.retired_at,
        )
        .where(Resource.team_id == team_id, or_(*evidence))
        .limit(5000)
    ).all()

    best: tuple[float, int] | None = None
    for (
        resource_id,
        candidate_name,
        candidate_city,
        candidate_phone,
        candidate_site,
        retired_at,
    ) in candidates:
        confirmed = (
            _same(phone_key, candidate_phone)
            or _same(site_key, candidate_site)
            or _same(city_key, candidate_city)
        )
        exact_without_conflict = (
            candidate_name == name_key
            and not (city_key and candidate_city and city_key != candidate_city)
            and not (phone_key and candidate_phone and phone_key != candidate_phone)
        )
        if not (confirmed or exact_without_conflict):
            continue
        score = name_similarity(name_key, candidate_name)
        if (confirmed and score >= FUZZY_NAME_THRESHOLD) or exact_without_conflict:
            rank = score + (1 if retired_at is None else 0)
            if best is None or rank > best[0]:
                best = (rank, resource_id)
    return session.get(Resource, best[1]) if best else None


def _differs(name: str, old, new) -> bool:
    if name in LIST_FIELDS:
        return not set(new) <= set(old)
    if name == "phone":
        return phone_digits(old) != phone_digits(new)
    if name == "website":
        return website_key(old) != website_key(new)
    return normalize(old) != normalize(new)


def _identity_taken(
    session: Session,
    resource: Resource,
    *,
    name: str | None = None,
    organization: str | None = None,
    city: str | None = None,
) -> bool:
    key = (
        normalize(resource.name if name is None else name),
        normalize(resource.organization if organization is None else organization),
        normalize(resource.city if city is None else city),
    )
    other = session.exec(
        select(Resource.id).where(
            Resource.team_id == resource.team_id,
            Resource.normalized_name == key[0],
            Resource.normalized_organization == key[1],
            Resource.normalized_city == key[2],
            Resource.id != resource.id,
        )
    ).first()
    return other is not None
