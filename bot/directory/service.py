"""The resource directory: logging (every way ends in `_log`), undo, editing and reading.

Each public function takes the handler's session and the actor and returns a dataclass; a refusal is a
FeatureError whose message is meant for the person. No Slack here: what needs Slack is the handler's.

Privacy rule: whatever a person typed goes through bot.platform.privacy.redact before anything else looks at it;
only the redacted, extracted public details of the resource are stored, and every reply that quotes what was
typed quotes the redacted text, with the "Removed for privacy" note. The raw text is never persisted or logged.

A name read from free text must read as a resource's name (bot.directory.names); when none does, nothing is
saved and the caller opens the form prefilled (`NeedsForm`). Duplicates merge instead of piling up
(bot.directory.duplicates): a merge counts a mention and fills empty fields, and never overwrites a saved value
silently (the reply lists what differed and was kept). Who may change what is in bot.directory.access. Every
change is recorded with bot.platform.audit (field names only).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.directory import access, doubts, hsds
from bot.directory.commands import (
    MAX_TEXT_LENGTH,
    AddResource,
    EditResource,
    ListResources,
    ShowResource,
    echo,
    with_privacy_note,
)
from bot.directory.duplicates import find_duplicate, identity_taken, merge_details
from bot.directory.extract import extract_fields
from bot.directory.fields import LIST_FIELDS, TEXT_FIELDS, ResourceFields, comparison_keys, normalize
from bot.directory.names import judge_name
from bot.platform import audit, review, vocabulary
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError
from bot.platform.privacy import Redaction, redact
from bot.platform.review import Review
from bot.platform.slacktext import safe
from models.directory import Resource, ResourceCategory, ResourceLogEntry

ENTITY = "resource"
GONE = "That resource is no longer in the directory."


# --- results --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    """A resource saved: created, or merged into a known one (`filled`: fields it filled in; `kept`: fields whose
    new value differed from the saved one, which was kept)."""

    resource: Resource
    status: str  # created | merged
    log_entry_id: int
    privacy_note: str = ""
    filled: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    review: tuple[Review, str] | None = None  # details saved without doubtful words: the question and its token


@dataclass(frozen=True)
class NeedsForm:
    """Nothing saved: no plausible resource name could be read. The form opens with what could be read."""

    prefill: ResourceFields
    privacy_note: str = ""


@dataclass(frozen=True)
class Edited:
    resource: Resource
    changed: tuple[str, ...]  # empty: nothing changed
    privacy_note: str = ""
    verification_cleared: bool = False


@dataclass(frozen=True)
class EditForm:
    """The form to open for editing a resource the actor may edit."""

    resource_id: int
    fields: ResourceFields


@dataclass(frozen=True)
class Undone:
    name: str
    deleted: bool  # the log had created the resource and it is gone; else one mention was taken back


@dataclass(frozen=True)
class Shown:
    resource: Resource
    can_edit: bool


@dataclass(frozen=True)
class Listing:
    resources: tuple[Resource, ...]
    total: int
    category_label: str | None = None


@dataclass(frozen=True)
class Found:
    resource: Resource | None
    suggestions: tuple[str, ...] = ()  # close names when nothing matched well enough


@dataclass(frozen=True)
class FormSubmission:
    """The form, submitted: a new resource (`resource_id` None) or an edit."""

    fields: ResourceFields
    resource_id: int | None = None


# --- rows and fields ------------------------------------------------------------------------------------------


def fields_of(resource: Resource) -> ResourceFields:
    """The public details of a stored resource."""
    return ResourceFields(
        **{name: getattr(resource, name) or "" for name in TEXT_FIELDS},
        **{name: hsds.split_list(getattr(resource, name)) for name in LIST_FIELDS},
    )


def apply_fields(resource: Resource, fields: ResourceFields) -> None:
    """Copies fields onto the row and refreshes the derived comparison columns."""
    for name in TEXT_FIELDS:
        setattr(resource, name, getattr(fields, name))
    for name in LIST_FIELDS:
        setattr(resource, name, ";".join(getattr(fields, name)))
    for column, value in comparison_keys(fields).items():
        setattr(resource, column, value)


def sync_categories(session: Session, resource: Resource) -> None:
    """The queryable copy of the resource's categories (ResourceCategory rows)."""
    session.exec(delete(ResourceCategory).where(ResourceCategory.resource_id == resource.id))
    for category in hsds.split_list(resource.categories):
        session.add(ResourceCategory(resource_id=resource.id, category=category, team_id=resource.team_id))


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


def privacy_summary(removed: dict[str, int]) -> str:
    return Redaction("", dict(removed)).summary() if removed else ""


def read_text(text: str) -> tuple[ResourceFields, str]:
    """(the resource details in free text, the privacy note). Redacted first; then each field is judged again on
    its own (well under a millisecond), so a detail the whole-text pass let through in context is caught where it
    landed. A name that no longer reads as a resource's name after that is dropped."""
    redaction = redact(text)
    found, removed = redact_fields(extract_fields(redaction.text))
    for kind, count in redaction.removed.items():
        removed[kind] = removed.get(kind, 0) + count
    if found.name and not judge_name(found.name).plausible:
        found.name = ""
    return found, privacy_summary(removed)


def prefill(text: str) -> NeedsForm:
    """Form values read from a message (the shortcut, a suggestion's button); nothing is saved."""
    found, note = read_text(text[:MAX_TEXT_LENGTH])
    return NeedsForm(found, note)


def _audit(session: Session, resource: Resource, user_id: str, action: str, fields: list[str] | tuple) -> None:
    audit.record(session, team_id=resource.team_id, actor_user_id=user_id, entity=ENTITY, entity_id=resource.id,
                 action=action, fields=list(fields))


# --- logging --------------------------------------------------------------------------------------------------


def add_resource(session: Session, actor: Actor, command: AddResource, *, source: str = "slack"
                 ) -> Logged | NeedsForm:  # fmt: skip
    """Logs a resource described in free text, or says the form is needed (no plausible name)."""
    access.require_member(actor)
    found, note = read_text(command.text)
    if not found.name:
        return NeedsForm(found, note)
    aside = doubts.set_aside(found)
    logged = _log(session, actor, found, note, source)
    if aside is None or logged.status != "created":
        return logged
    return replace(logged, review=doubts.hold(session, actor, logged.resource.id, aside, note))


def answer_review(session: Session, actor: Actor, token: str, choice: str) -> Edited | EditForm | None:
    """The person's answer about details saved without their doubtful words: put them back as shown (Save), leave
    them out (Remove marked words: nothing to do), or the form (Edit)."""
    resource_id, shown = doubts.answer(session, actor, token)
    if choice == review.EDIT:
        return open_edit(session, actor, resource_id)
    if choice != review.SAVE:
        return None
    resource = _editable(session, actor, resource_in_team(session, actor, resource_id))
    fields = fields_of(resource)
    for name, value in shown.items():
        setattr(fields, name, value)
    return edit_resource(session, actor, resource_id, fields)


def save_form(session: Session, actor: Actor, form: FormSubmission) -> Logged | Edited:
    """The submitted form: a new resource (merged if known) or an edit of one."""
    if form.resource_id is not None:
        return edit_resource(session, actor, form.resource_id, form.fields)
    access.require_member(actor)
    found, removed = redact_fields(form.fields)
    note = privacy_summary(removed)
    if not found.name:
        raise FeatureError(with_privacy_note("Give the resource a name, then save.", note))
    return _log(session, actor, found, note, "slack")


def _log(session: Session, actor: Actor, found: ResourceFields, note: str, source: str) -> Logged:
    errors = hsds.validate_fields(found)
    if errors:
        raise FeatureError(with_privacy_note("I couldn't save that: " + "; ".join(errors) + ". Nothing was saved.",
                                             note))  # fmt: skip
    for _attempt in range(2):
        existing = find_duplicate(session, actor.team_id, found)
        if existing is not None:
            if existing.retired_at is not None:
                quoted = safe(existing.name)
                raise FeatureError(with_privacy_note(
                    f"*{quoted}* was retired from the directory, so I didn't save anything. A steward can bring it "
                    f"back with `/resource restore {quoted}`.", note))  # fmt: skip
            return _merge(session, actor, existing, found, source=source, note=note)
        try:
            # A savepoint: if another replica inserted the same resource a moment ago, merge into theirs instead.
            with session.begin_nested():
                return _create(session, actor, found, source=source, note=note)
        except IntegrityError:
            continue
    raise RuntimeError("could not save the resource after a concurrent insert")


def _create(session: Session, actor: Actor, fields: ResourceFields, *, source: str, note: str) -> Logged:
    now = utcnow()
    resource = Resource(team_id=actor.team_id, name="", normalized_name="", source=source,
                        created_by=actor.user_id, created_at=now, updated_at=now)  # fmt: skip
    apply_fields(resource, fields)
    session.add(resource)
    session.flush()
    sync_categories(session, resource)
    entry = ResourceLogEntry(team_id=actor.team_id, resource_id=resource.id, user_id=actor.user_id,
                             created_resource=True, source=source, logged_at=now)  # fmt: skip
    session.add(entry)
    _audit(session, resource, actor.user_id, "create", fields.filled())
    session.flush()
    return Logged(resource, "created", entry.id, note)


def _merge(session: Session, actor: Actor, resource: Resource, fields: ResourceFields, *, source: str,
           note: str) -> Logged:  # fmt: skip
    saved, filled, kept = merge_details(fields_of(resource), fields)
    if "city" in filled and identity_taken(session, resource, city=saved.city):
        filled.remove("city")  # another entry already is "this name in that city"; leave both as they are
        saved.city = ""
    now = utcnow()
    if filled:
        apply_fields(resource, saved)
        resource.updated_at = now
    resource.mention_count = Resource.mention_count + 1  # in SQL, so concurrent mentions all count
    session.add(resource)
    session.flush()
    session.refresh(resource)
    if "categories" in filled:
        sync_categories(session, resource)
    entry = ResourceLogEntry(team_id=resource.team_id, resource_id=resource.id, user_id=actor.user_id,
                             filled_fields=";".join(filled), source=source, logged_at=now)  # fmt: skip
    session.add(entry)
    _audit(session, resource, actor.user_id, "mention", ["mention_count", *filled])
    session.flush()
    return Logged(resource, "merged", entry.id, note, tuple(filled), tuple(kept))


# --- undo -----------------------------------------------------------------------------------------------------


def undo(session: Session, actor: Actor, log_entry_id: int) -> Undone:
    """Takes back one log: deletes a resource it created (if nobody else logged it since) or reverses a merge."""
    entry = session.get(ResourceLogEntry, log_entry_id)
    resource = session.get(Resource, entry.resource_id) if entry is not None else None
    if entry is None or resource is None or entry.team_id != actor.team_id:
        raise FeatureError(GONE)
    if entry.user_id != actor.user_id and not access.is_steward(session, actor):
        raise FeatureError("Only the person who logged it, stewards and admins can undo this.")
    if entry.undone_at is not None:
        raise FeatureError("That was already undone.")
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
        _audit(session, resource, actor.user_id, "delete", ["resource"])
        session.exec(delete(ResourceCategory).where(ResourceCategory.resource_id == resource.id))
        session.exec(delete(ResourceLogEntry).where(ResourceLogEntry.resource_id == resource.id))
        session.delete(resource)
        session.flush()
        return Undone(resource.name, deleted=True)
    cleared = hsds.split_list(entry.filled_fields)
    if cleared:
        current = fields_of(resource)
        for name in cleared:
            setattr(current, name, [] if name in LIST_FIELDS else "")
        apply_fields(resource, current)
        resource.updated_at = utcnow()
    resource.mention_count = Resource.mention_count - 1
    session.add(resource)
    session.flush()
    session.refresh(resource)
    if "categories" in cleared:
        sync_categories(session, resource)
    _audit(session, resource, actor.user_id, "undo", ["mention_count", *cleared])
    return Undone(resource.name, deleted=False)


# --- editing --------------------------------------------------------------------------------------------------


def resource_in_team(session: Session, actor: Actor, resource_id: int) -> Resource:
    """The resource a button or form refers to, if it belongs to the actor's workspace."""
    resource = session.get(Resource, resource_id)
    if resource is None or resource.team_id != actor.team_id:
        raise FeatureError(GONE)
    return resource


def _editable(session: Session, actor: Actor, resource: Resource) -> Resource:
    access.require_member(actor)
    if not access.can_edit(session, actor, resource):
        raise FeatureError(access.NOT_YOURS)
    return resource


def open_edit(session: Session, actor: Actor, resource_id: int) -> EditForm:
    """The Edit button: the form prefilled with the resource's details, for those who may edit it."""
    resource = _editable(session, actor, resource_in_team(session, actor, resource_id))
    return EditForm(resource.id, fields_of(resource))


def edit_by_name(session: Session, actor: Actor, command: EditResource) -> EditForm | Edited:
    """`/resource edit NAME` opens the form; `/resource edit NAME FIELD VALUE` changes that detail at once."""
    chosen, resource = None, None
    for reading in command.readings:
        resource = _exact(session, actor.team_id, reading.name)
        if resource is not None:
            chosen = reading
            break
    if resource is None:
        chosen = command.readings[0]
        resource = _found_or_refuse(find_resource(session, actor.team_id, chosen.name), chosen.name)
    if chosen.problem:
        raise FeatureError(chosen.problem)
    _editable(session, actor, resource)
    if chosen.change is None:
        return EditForm(resource.id, fields_of(resource))
    fields = fields_of(resource)
    value = chosen.change.value
    setattr(fields, chosen.change.field, list(value) if isinstance(value, tuple) else value)
    return edit_resource(session, actor, resource.id, fields)


def edit_resource(session: Session, actor: Actor, resource_id: int, fields: ResourceFields) -> Edited:
    """Saves new values for a resource. An edit by someone who is not a steward clears a verification (the
    details are no longer what was verified)."""
    resource = _editable(session, actor, resource_in_team(session, actor, resource_id))
    clean, removed = redact_fields(fields)
    note = privacy_summary(removed)
    errors = hsds.validate_fields(clean)
    if errors:
        raise FeatureError(with_privacy_note("I couldn't save that: " + "; ".join(errors) + ". Nothing changed.",
                                             note))  # fmt: skip
    before = fields_of(resource)
    changed = tuple(name for name in (*TEXT_FIELDS, *LIST_FIELDS) if getattr(before, name) != getattr(clean, name))
    if not changed:
        return Edited(resource, (), note)
    if identity_taken(session, resource, name=clean.name, organization=clean.organization, city=clean.city):
        raise FeatureError(with_privacy_note(
            "Another resource already has this name, organization and city. Nothing changed.", note))
    apply_fields(resource, clean)
    resource.updated_at = utcnow()
    cleared = resource.verified_at is not None and not access.is_steward(session, actor)
    if cleared:
        resource.verified_at = None
        resource.verified_by = None
    session.add(resource)
    session.flush()
    if "categories" in changed:
        sync_categories(session, resource)
    _audit(session, resource, actor.user_id, "edit", [*changed, *(["verified_at"] if cleared else [])])
    return Edited(resource, changed, note, cleared)


# --- reading --------------------------------------------------------------------------------------------------


def _exact(session: Session, team_id: str, name: str, *, include_retired: bool = False) -> Resource | None:
    key = normalize(name)
    if not key:
        return None
    query = select(Resource).where(Resource.team_id == team_id, Resource.normalized_name == key)
    if not include_retired:
        query = query.where(Resource.retired_at.is_(None))
    return session.exec(query.order_by(Resource.mention_count.desc())).first()


def find_resource(session: Session, team_id: str, name: str, *, include_retired: bool = False) -> Found:
    """The resource a person means by `name`: exact normalized name first, then the best fuzzy match."""
    exact = _exact(session, team_id, name, include_retired=include_retired)
    if exact is not None or not normalize(name):
        return Found(exact)
    columns = select(Resource.id, Resource.normalized_name, Resource.name).where(Resource.team_id == team_id)
    if not include_retired:
        columns = columns.where(Resource.retired_at.is_(None))
    rows = session.exec(columns).all()
    choices = {row[0]: row[1] for row in rows}
    names = {row[0]: row[2] for row in rows}
    matches = process.extract(normalize(name), choices, scorer=fuzz.WRatio, limit=3)
    if matches and matches[0][1] >= 90 and (len(matches) == 1 or matches[0][1] - matches[1][1] >= 3):
        return Found(session.get(Resource, matches[0][2]))
    return Found(None, tuple(names[m[2]] for m in matches if m[1] >= 60))


def _found_or_refuse(found: Found, name: str) -> Resource:
    if found.resource is not None:
        return found.resource
    quoted, note = echo(name)
    message = f"I couldn't find “{quoted}” in the directory."
    if found.suggestions:
        message += " Did you mean " + " or ".join(f"*{safe(s)}*" for s in found.suggestions) + "?"
    raise FeatureError(with_privacy_note(message, note))


def require_resource(session: Session, actor: Actor, name: str, *, include_retired: bool = False) -> Resource:
    """The resource `name` means, or a FeatureError quoting the (redacted) name with close suggestions."""
    return _found_or_refuse(find_resource(session, actor.team_id, name, include_retired=include_retired), name)


def show_resource(session: Session, actor: Actor, command: ShowResource) -> Shown:
    resource = require_resource(session, actor, command.name)
    return Shown(resource, access.can_edit(session, actor, resource))


def list_resources(session: Session, actor: Actor, command: ListResources, *, limit: int = 20,
                   offset: int = 0) -> Listing:  # fmt: skip
    """Active resources, most mentioned first."""
    query = select(Resource).where(Resource.team_id == actor.team_id, Resource.retired_at.is_(None))
    if command.category_id:
        query = query.join(ResourceCategory, ResourceCategory.resource_id == Resource.id).where(
            ResourceCategory.team_id == actor.team_id, ResourceCategory.category == command.category_id
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    page = session.exec(
        query.order_by(Resource.mention_count.desc(), Resource.normalized_name).offset(offset).limit(limit)
    ).all()
    label = vocabulary.label(command.category_id) if command.category_id else None
    return Listing(tuple(page), total, label)
