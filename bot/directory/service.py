"""The resource directory: every way of logging a resource ends in `log_resource`.

Privacy rule: whatever a person typed goes through bot.privacy.redact before anything else looks at it; only the
redacted, extracted public details of the resource are stored. The raw text is never persisted or logged.

Duplicates merge instead of piling up: same normalized name / organization / city, or a fuzzy name match
(rapidfuzz) confirmed by the same phone, website or city. A merge counts a mention and fills empty fields;
it never overwrites a saved value silently (the reply lists what differed and was kept).

Anyone adds. Editing someone else's entry, verifying, retiring and restoring are for stewards and the configured
admins (settings.admin_user_ids). Every change is recorded with bot.audit.record (field names only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.directory import hsds
from bot.directory.duplicates import _differs, _identity_taken, find_duplicate
from bot.directory.extract import extract_fields, organisation_names_in
from bot.directory.fields import (
    LIST_FIELDS,
    TEXT_FIELDS,
    ResourceFields,
    normalize,
    phone_digits,
    website_key,
)
from bot.platform import audit
from bot.platform.clock import utcnow
from bot.platform.privacy import Redaction, check_resource_name, organisation_names, redact
from models.directory import (
    Resource,
    ResourceCategory,
    ResourceLogEntry,
    ResourceSteward,
)

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4000
ENTITY = "resource"

USAGE = (
    "Tell me about a community resource and I'll add it to the shared directory, for example:\n"
    "`/resource add Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken`\n"
    "Or type `/resource` alone to fill in a form. Patient details are removed before anything is saved."
)
TOO_LONG = (
    f"That's more than {MAX_TEXT_LENGTH:,} characters, so I didn't save anything. "
    "Please send just the resource's name and public details."
)
NO_NAME = (
    "I couldn't tell the resource's name, so I didn't save anything. Start with the name, for example "
    "`/resource add Eastside Food Pantry, 555-0142`, or use the form (`/resource`)."
)


# --- results ------------------------------------------------------------------------------------------------


@dataclass
class LogResult:
    """What happened to one log attempt. `status`: created | merged | empty | too_long | no_name | invalid |
    retired (matches a retired resource)."""

    status: str
    resource: Resource | None = None
    log_entry_id: int | None = None
    privacy_note: str = ""  # "Removed for privacy: 1 name" or ""
    filled: list[str] = field(default_factory=list)  # fields a merge filled in
    kept: list[str] = field(default_factory=list)  # fields whose new value differed; the saved one was kept
    errors: list[str] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.status in ("created", "merged")

    @property
    def message(self) -> str:
        """The explanation for a log that saved nothing."""
        if self.status == "empty":
            return USAGE
        if self.status == "too_long":
            return TOO_LONG
        if self.status == "no_name":
            return NO_NAME
        if self.status == "retired":
            return "That resource was retired from the directory. A steward can bring it back with `/resource restore`."
        if self.status == "invalid":
            return "I couldn't save that: " + "; ".join(self.errors) + ". Nothing was saved."
        return ""


@dataclass
class ChangeResult:
    """Outcome of an edit, verify, retire, restore or undo. `status`: ok | unchanged | forbidden | not_found |
    invalid | conflict | already."""

    status: str
    resource: Resource | None = None
    changed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    privacy_note: str = ""
    verification_cleared: bool = False
    note: str = ""


# --- helpers ------------------------------------------------------------------------------------------------


def fields_of(resource: Resource) -> ResourceFields:
    """The public details of a stored resource."""
    return ResourceFields(
        **{name: getattr(resource, name) or "" for name in TEXT_FIELDS},
        categories=hsds.split_list(resource.categories),
        languages=hsds.split_list(resource.languages),
        populations=hsds.split_list(resource.populations),
    )


def _combine_summary(removed: dict[str, int]) -> str:
    return Redaction("", dict(removed)).summary() if removed else ""


def redact_fields(fields: ResourceFields) -> tuple[ResourceFields, dict[str, int]]:
    """Every typed value through the privacy filter; returns the clean copy and what was removed, by kind."""
    clean = fields.copy()
    removed: dict[str, int] = {}

    def scrub(value: str) -> str:
        if not value:
            return value
        result = redact(value)
        for kind, count in result.removed.items():
            removed[kind] = removed.get(kind, 0) + count
        return result.text.strip()

    for name in TEXT_FIELDS:
        setattr(clean, name, scrub(getattr(clean, name)))
    for name in LIST_FIELDS:
        setattr(clean, name, [v for v in (scrub(item) for item in getattr(clean, name)) if v])
    return clean, removed


def _apply(resource: Resource, fields: ResourceFields) -> None:
    """Copies fields onto the row and refreshes the derived comparison columns."""
    for name in TEXT_FIELDS:
        setattr(resource, name, getattr(fields, name))
    resource.categories = ";".join(fields.categories)
    resource.languages = ";".join(fields.languages)
    resource.populations = ";".join(fields.populations)
    _refresh_keys(resource)


def _refresh_keys(resource: Resource) -> None:
    resource.normalized_name = normalize(resource.name)[:200]
    resource.normalized_organization = normalize(resource.organization)[:200]
    resource.normalized_city = normalize(resource.city)[:100]
    resource.phone_key = phone_digits(resource.phone)
    resource.website_key = website_key(resource.website)[:300]


def _sync_categories(session: Session, resource: Resource) -> None:
    session.exec(delete(ResourceCategory).where(ResourceCategory.resource_id == resource.id))
    for category in hsds.split_list(resource.categories):
        session.add(ResourceCategory(resource_id=resource.id, category=category, team_id=resource.team_id))


def is_steward(session: Session, team_id: str, user_id: str, settings) -> bool:
    if user_id in getattr(settings, "admin_user_ids", frozenset()):
        return True
    return (
        session.exec(
            select(ResourceSteward.id).where(
                ResourceSteward.team_id == team_id, ResourceSteward.user_id == user_id
            )
        ).first()
        is not None
    )


def can_edit(session: Session, resource: Resource, user_id: str, settings) -> bool:
    return resource.created_by == user_id or is_steward(session, resource.team_id, user_id, settings)


# --- logging ------------------------------------------------------------------------------------------------


def log_resource(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    text: str | None = None,
    fields: ResourceFields | None = None,
    source: str = "slack",
) -> LogResult:
    """Logs a resource from free text (extracted) or from form fields; merges it into a known one if it is."""
    if fields is None:
        text = text or ""
        if not text.strip():
            return LogResult("empty")
        if len(text) > MAX_TEXT_LENGTH:
            return LogResult("too_long")
        redaction = redact(text)
        found = extract_fields(redaction.text)
        # Each field goes through the filter again on its own (well under a millisecond): a detail that the
        # whole-text pass let through in context is judged again in the field it landed in.
        found, removed = redact_fields(found)
        for kind, count in redaction.removed.items():
            removed[kind] = removed.get(kind, 0) + count
    else:
        found, removed = redact_fields(fields)
    privacy_note = _combine_summary(removed)
    if not found.name:
        return LogResult("no_name", privacy_note=privacy_note)
    if fields is None and not check_resource_name(found.name).ok and find_duplicate(session, team_id, found) is None:
        # The first candidate reads as a person, a sentence about a patient or a description ("seniors 60+"):
        # take an organisation's name from elsewhere in the text, or save nothing.
        others = [name for name in organisation_names_in(redaction.text) if check_resource_name(name).ok]
        others += organisation_names(redaction.text)
        if not others:
            return LogResult("no_name", privacy_note=privacy_note)
        found.name = others[0]
    errors = hsds.validate_fields(found)
    if errors:
        return LogResult("invalid", privacy_note=privacy_note, errors=errors)

    for _attempt in range(2):
        existing = find_duplicate(session, team_id, found)
        if existing is not None:
            if existing.retired_at is not None:
                return LogResult("retired", resource=existing, privacy_note=privacy_note)
            return _merge(session, existing, found, user_id=user_id, source=source, privacy_note=privacy_note)
        try:
            # A savepoint: if another replica inserted the same resource a moment ago, merge into theirs instead.
            with session.begin_nested():
                return _create(
                    session, team_id, found, user_id=user_id, source=source, privacy_note=privacy_note
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not save the resource after a concurrent insert")


def _create(
    session: Session, team_id: str, fields: ResourceFields, *, user_id: str, source: str, privacy_note: str
) -> LogResult:
    now = utcnow()
    resource = Resource(
        team_id=team_id,
        name="",
        normalized_name="",
        source=source,
        created_by=user_id,
        created_at=now,
        updated_at=now,
    )
    _apply(resource, fields)
    session.add(resource)
    session.flush()
    _sync_categories(session, resource)
    entry = ResourceLogEntry(
        team_id=team_id,
        resource_id=resource.id,
        user_id=user_id,
        created_resource=True,
        source=source,
        logged_at=now,
    )
    session.add(entry)
    _audit(session, resource, user_id, "create", fields.filled())
    session.flush()
    return LogResult("created", resource=resource, log_entry_id=entry.id, privacy_note=privacy_note)


def _merge(
    session: Session,
    resource: Resource,
    fields: ResourceFields,
    *,
    user_id: str,
    source: str,
    privacy_note: str,
) -> LogResult:
    saved = fields_of(resource)
    filled, kept = [], []
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        if name == "name":
            continue
        new, old = getattr(fields, name), getattr(saved, name)
        if not new:
            continue
        if not old:
            filled.append(name)
            setattr(saved, name, new)
        elif _differs(name, old, new):
            kept.append(name)
    if "city" in filled and _identity_taken(session, resource, city=saved.city):
        filled.remove("city")  # another entry already is "this name in that city"; leave both as they are
        saved.city = ""
    now = utcnow()
    if filled:
        _apply(resource, saved)
        resource.updated_at = now
    resource.mention_count = Resource.mention_count + 1  # in SQL, so concurrent mentions all count
    session.add(resource)
    session.flush()
    session.refresh(resource)
    if "categories" in filled:
        _sync_categories(session, resource)
    entry = ResourceLogEntry(
        team_id=resource.team_id,
        resource_id=resource.id,
        user_id=user_id,
        filled_fields=";".join(filled),
        source=source,
        logged_at=now,
    )
    session.add(entry)
    audit.record(
        session,
        team_id=resource.team_id,
        actor_user_id=user_id,
        entity=ENTITY,
        entity_id=resource.id,
        action="mention",
        fields=["mention_count", *filled],
    )
    session.flush()
    return LogResult(
        "merged",
        resource=resource,
        log_entry_id=entry.id,
        privacy_note=privacy_note,
        filled=filled,
        kept=kept,
    )


# --- undo, edit, verify, retire -----------------------------------------------------------------------------


def undo_log(session: Session, *, team_id: str, user_id: str, log_entry_id: int, settings) -> ChangeResult:
    """Takes back one log: deletes a resource it created (if nobody else logged it since) or reverses a merge."""
    entry = session.get(ResourceLogEntry, log_entry_id)
    if entry is None or entry.team_id != team_id:
        return ChangeResult("not_found")
    resource = session.get(Resource, entry.resource_id)
    if resource is None:
        return ChangeResult("not_found")
    if entry.user_id != user_id and not is_steward(session, team_id, user_id, settings):
        return ChangeResult("forbidden", resource=resource)
    if entry.undone_at is not None:
        return ChangeResult("already", resource=resource)
    entry.undone_at = utcnow()
    session.add(entry)
    others = session.exec(
        select(func.count(ResourceLogEntry.id)).where(
            ResourceLogEntry.resource_id == resource.id,
            ResourceLogEntry.id != entry.id,
            ResourceLogEntry.undone_at.is_(None),
        )
    ).one()
    if entry.created_resource and others == 0:
        _audit(session, resource, user_id, "delete", ["resource"])
        session.exec(delete(ResourceCategory).where(ResourceCategory.resource_id == resource.id))
        session.exec(delete(ResourceLogEntry).where(ResourceLogEntry.resource_id == resource.id))
        session.delete(resource)
        session.flush()
        return ChangeResult("ok", resource=resource, changed=["resource"], note="deleted")
    cleared = hsds.split_list(entry.filled_fields)
    if cleared:
        current = fields_of(resource)
        for name in cleared:
            setattr(current, name, [] if name in LIST_FIELDS else "")
        _apply(resource, current)
        resource.updated_at = utcnow()
    resource.mention_count = Resource.mention_count - 1
    session.add(resource)
    session.flush()
    session.refresh(resource)
    if "categories" in cleared:
        _sync_categories(session, resource)
    _audit(session, resource, user_id, "undo", ["mention_count", *cleared])
    return ChangeResult("ok", resource=resource, changed=["mention_count", *cleared], note="mention_removed")


def edit_resource(
    session: Session, *, team_id: str, user_id: str, resource_id: int, fields: ResourceFields, settings
) -> ChangeResult:
    """Saves the form's values. The entry's author, stewards and admins may edit; an edit by a non-steward
    clears a verification (the details are no longer what was verified)."""
    resource = session.get(Resource, resource_id)
    if resource is None or resource.team_id != team_id:
        return ChangeResult("not_found")
    steward = is_steward(session, team_id, user_id, settings)
    if resource.created_by != user_id and not steward:
        return ChangeResult("forbidden", resource=resource)
    clean, removed = redact_fields(fields)
    privacy_note = _combine_summary(removed)
    errors = hsds.validate_fields(clean)
    if errors:
        return ChangeResult("invalid", resource=resource, errors=errors, privacy_note=privacy_note)
    before = fields_of(resource)
    changed = [name for name in (*TEXT_FIELDS, *LIST_FIELDS) if getattr(before, name) != getattr(clean, name)]
    if not changed:
        return ChangeResult("unchanged", resource=resource, privacy_note=privacy_note)
    if _identity_taken(session, resource, name=clean.name, organization=clean.organization, city=clean.city):
        return ChangeResult(
            "conflict",
            resource=resource,
            errors=["another resource already has this name, organization and city"],
            privacy_note=privacy_note,
        )
    _apply(resource, clean)
    resource.updated_at = utcnow()
    cleared = False
    if resource.verified_at is not None and not steward:
        resource.verified_at = None
        resource.verified_by = None
        cleared = True
    session.add(resource)
    session.flush()
    if "categories" in changed:
        _sync_categories(session, resource)
    _audit(session, resource, user_id, "edit", changed + (["verified_at"] if cleared else []))
    return ChangeResult(
        "ok", resource=resource, changed=changed, privacy_note=privacy_note, verification_cleared=cleared
    )


def _steward_change(
    session: Session, resource: Resource | None, team_id: str, user_id: str, settings
) -> ChangeResult | None:
    if resource is None or resource.team_id != team_id:
        return ChangeResult("not_found")
    if not is_steward(session, team_id, user_id, settings):
        return ChangeResult("forbidden", resource=resource)
    return None


def _audit(session: Session, resource: Resource, user_id: str, action: str, fields: list[str]) -> None:
    audit.record(session, team_id=resource.team_id, actor_user_id=user_id, entity=ENTITY, entity_id=resource.id,
                 action=action, fields=fields)


def _stamp(session: Session, resource: Resource, *, user_id: str, action: str, values: dict) -> None:
    """Applies a steward's change to the stamp fields and records it in the audit trail."""
    for name, value in values.items():
        setattr(resource, name, value)
    session.add(resource)
    _audit(session, resource, user_id, action, list(values))
    session.flush()


def verify_resource(
    session: Session, *, team_id: str, user_id: str, resource: Resource | None, settings
) -> ChangeResult:
    """Records that a steward checked the details (who and when)."""
    refused = _steward_change(session, resource, team_id, user_id, settings)
    if refused:
        return refused
    _stamp(session, resource, user_id=user_id, action="verify",
           values={"verified_by": user_id, "verified_at": utcnow()})
    return ChangeResult("ok", resource=resource, changed=["verified_by", "verified_at"])


def retire_resource(
    session: Session, *, team_id: str, user_id: str, resource: Resource | None, settings
) -> ChangeResult:
    """Takes a closed or wrong resource out of lists and answers; the row stays for the record."""
    refused = _steward_change(session, resource, team_id, user_id, settings)
    if refused:
        return refused
    if resource.retired_at is not None:
        return ChangeResult("already", resource=resource)
    _stamp(session, resource, user_id=user_id, action="retire",
           values={"retired_by": user_id, "retired_at": utcnow()})
    return ChangeResult("ok", resource=resource, changed=["retired_at"])


def restore_resource(
    session: Session, *, team_id: str, user_id: str, resource: Resource | None, settings
) -> ChangeResult:
    """Brings a retired resource back into lists and answers."""
    refused = _steward_change(session, resource, team_id, user_id, settings)
    if refused:
        return refused
    if resource.retired_at is None:
        return ChangeResult("already", resource=resource)
    _stamp(session, resource, user_id=user_id, action="restore", values={"retired_by": None, "retired_at": None})
    return ChangeResult("ok", resource=resource, changed=["retired_at"])


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class Found:
    resource: Resource | None
    suggestions: list[str] = field(default_factory=list)  # close names when nothing matched well enough


def find_resource(session: Session, team_id: str, name: str, *, include_retired: bool = False) -> Found:
    """The resource a person means by `name`: exact normalized name first, then the best fuzzy match."""
    key = normalize(name)
    if not key:
        return Found(None)
    query = select(Resource).where(Resource.team_id == team_id)
    if not include_retired:
        query = query.where(Resource.retired_at.is_(None))
    exact = session.exec(
        query.where(Resource.normalized_name == key).order_by(Resource.mention_count.desc())
    ).first()
    if exact is not None:
        return Found(exact)
    columns = select(Resource.id, Resource.normalized_name, Resource.name).where(Resource.team_id == team_id)
    if not include_retired:
        columns = columns.where(Resource.retired_at.is_(None))
    rows = session.exec(columns).all()
    choices = {row[0]: row[1] for row in rows}
    names = {row[0]: row[2] for row in rows}
    matches = process.extract(key, choices, scorer=fuzz.WRatio, limit=3)
    if matches and matches[0][1] >= 90 and (len(matches) == 1 or matches[0][1] - matches[1][1] >= 3):
        return Found(session.get(Resource, matches[0][2]))
    return Found(None, [names[m[2]] for m in matches if m[1] >= 60])


def list_resources(
    session: Session, team_id: str, *, category: str | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[Resource], int]:
    """Active resources, most mentioned first; (page, total)."""
    query = select(Resource).where(Resource.team_id == team_id, Resource.retired_at.is_(None))
    if category:
        query = query.join(ResourceCategory, ResourceCategory.resource_id == Resource.id).where(
            ResourceCategory.team_id == team_id, ResourceCategory.category == category
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = session.exec(
        query.order_by(Resource.mention_count.desc(), Resource.normalized_name).offset(offset).limit(limit)
    ).all()
    return list(page), total



