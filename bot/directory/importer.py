"""`partnerbot import FILE`: load resources from CSV or Open Referral HSDS 3.x JSON into one workspace.

Every row is validated on its own: bad rows are reported with their line (CSV) or position (HSDS) and the reason,
and the rest are imported. Rows are upserted on (name, organization, city), compared in normalized form, so
importing the same file again changes nothing. Non-empty values in the file replace saved ones, except on verified
resources, whose differing values are kept and reported. A row that is a near-duplicate of a saved resource or of
an earlier row (bot.directory.duplicates: the same rule as a Slack log) is merged into it as a Slack log merges:
empty fields are filled, saved values kept, and the merge is reported. Imported rows belong to no person
(`created_by` is empty; the audit trail names "import"). The free-text fields (description, eligibility) go
through the privacy filter like anything typed in Slack.

The whole import is one transaction (all valid rows or nothing, should the process die half-way) and uses bulk
statements, so 50,000 rows take seconds, not minutes.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from tqdm import tqdm

from bot.directory import hsds
from bot.directory.duplicates import DuplicateIndex, Keys, merge_details
from bot.directory.fields import (
    LIST_FIELDS,
    TEXT_FIELDS,
    ResourceFields,
    comparison_keys,
    normalize,
    phone_digits,
    website_key,
)
from bot.platform import audit
from bot.platform.clock import utcnow
from bot.platform.db import Database
from bot.platform.privacy import Redaction, redact
from models.directory import Resource, ResourceCategory

ACTOR = "import"  # audit actor for changes made by the import command
REDACTED_FIELDS = ("description", "eligibility")
CHUNK = 2000
_COMPARED = (*TEXT_FIELDS, *LIST_FIELDS)


@dataclass
class Problem:
    where: str  # "line 7" or "service 3"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0  # rows merged into another entry: a near-duplicate, or the same resource again
    problems: list[Problem] = field(default_factory=list)  # rows not imported
    notes: list[Problem] = field(
        default_factory=list
    )  # imported, with something to say (privacy, kept values)
    fatal: str = ""  # the file as a whole could not be read

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged + self.merged


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, not CSV/HSDS, no header)."""


# --- reading ------------------------------------------------------------------------------------------------


def read_records(path: str | Path) -> Iterator[tuple[str, hsds.ParsedRecord]]:
    """(where, parsed record) for every row or service in the file, validated."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("the file is not UTF-8 text") from error
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        yield from _read_hsds(text)
    else:
        yield from _read_csv(text)


def _read_hsds(text: str) -> Iterator[tuple[str, hsds.ParsedRecord]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"not valid JSON (line {error.lineno}: {error.msg})") from error
    services = hsds.services_in(document)
    if services is None:
        raise ImportFileError("expected a JSON list of HSDS services (or one service, or a paged list)")
    for number, service in enumerate(services, start=1):
        yield f"service {number}", hsds.service_to_resource(service)


def _read_csv(text: str) -> Iterator[tuple[str, hsds.ParsedRecord]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    errors, warnings = hsds.check_csv_headers(reader.fieldnames)
    if errors:
        raise ImportFileError("; ".join(errors))
    for warning in warnings:
        yield "line 1", hsds.ParsedRecord(None, [], [warning])
    previous_end = reader.line_num
    try:
        for row in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not any((value or "").strip() for key, value in row.items() if key is not None):
                continue  # blank line
            yield f"line {start}", hsds.parse_csv_row(row)
    except csv.Error as error:
        raise ImportFileError(f"line {reader.line_num}: {error}") from error


def count_records(path: str | Path) -> int | None:
    """Rough row count for the progress bar (None if unknown, as for JSON)."""
    if Path(path).suffix.lower() == ".json":
        return None
    try:
        with Path(path).open("rb") as handle:
            return max(sum(1 for _ in handle) - 1, 0)
    except OSError:
        return None


# --- writing ------------------------------------------------------------------------------------------------


def _identity(fields: ResourceFields) -> tuple[str, str, str]:
    return normalize(fields.name)[:200], normalize(fields.organization)[:200], normalize(fields.city)[:100]


def _stored(fields: ResourceFields, name: str) -> str:
    value = getattr(fields, name)
    return ";".join(value) if name in LIST_FIELDS else value


def _columns(fields: ResourceFields) -> dict:
    return {name: _stored(fields, name) for name in _COMPARED} | comparison_keys(fields)


def _redact(fields: ResourceFields) -> dict[str, int]:
    removed: dict[str, int] = {}
    for name in REDACTED_FIELDS:
        value = getattr(fields, name)
        if value:
            result = redact(value)
            if result.changed:
                setattr(fields, name, result.text)
                for kind, count in result.removed.items():
                    removed[kind] = removed.get(kind, 0) + count
    return removed


_EXISTING_COLUMNS = (Resource.id, Resource.verified_at, Resource.retired_at,
                     *(getattr(Resource, name) for name in _COMPARED))  # fmt: skip


@dataclass
class _Entry:
    """One resource as the import sees it: saved (`id`) or new from the file, with its current details."""

    fields: ResourceFields
    id: int | None = None
    verified: bool = False
    retired: bool = False
    claimed_by: str = ""  # the row of this file that created or first updated it
    changed: set[str] = field(default_factory=set)
    position: int = -1
    identity: tuple[str, str, str] = ("", "", "")
    keys: Keys | None = None


def _lookup(fields: ResourceFields) -> tuple[tuple[str, str, str], Keys]:
    """A row's identity and near-duplicate keys, each normalized once."""
    identity = _identity(fields)
    keys = Keys(identity[0], identity[2], phone_digits(fields.phone), website_key(fields.website)[:300],
                typed_name=fields.name)  # fmt: skip
    return identity, keys


class _Directory:
    """The workspace's directory in memory while a file is read: saved entries, then the file's new ones. Rows
    find their entry by identity (name, organization, city) or as a near-duplicate (bot.directory.duplicates)."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self._by_identity: dict[tuple[str, str, str], int] = {}
        self._near = DuplicateIndex()

    def add(self, entry: _Entry) -> None:
        entry.position = len(self.entries)
        self.entries.append(entry)
        self._file(entry)

    def _file(self, entry: _Entry) -> None:
        if entry.keys is None:
            entry.identity, entry.keys = _lookup(entry.fields)
        self._by_identity[entry.identity] = entry.position
        self._near.add(entry.position, entry.keys, active=not entry.retired)

    def change(self, entry: _Entry, fields: ResourceFields, names: list[str]) -> None:
        """Takes `names` from `fields` into the entry, re-filed under its new identity and keys."""
        if not names:
            return
        self._by_identity.pop(entry.identity, None)
        for name in names:
            setattr(entry.fields, name, getattr(fields, name))
        entry.changed.update(names)
        entry.keys = None
        self._file(entry)

    def find(self, identity: tuple[str, str, str], keys: Keys) -> tuple[_Entry | None, bool]:
        """(the entry a row is, whether by identity); (None, False) for a new resource."""
        position = self._by_identity.get(identity)
        if position is not None:
            return self.entries[position], True
        position = self._near.find(keys)
        return (self.entries[position] if position is not None else None), False

    def fill(self, entry: _Entry, fields: ResourceFields) -> tuple[list[str], list[str]]:
        """Merges a near-duplicate row as a Slack log merges: empty fields are filled, saved values kept.
        Returns (filled, kept)."""
        merged, filled, kept = merge_details(entry.fields, fields)
        if "city" in filled and _identity(merged) in self._by_identity:
            filled.remove("city")  # another entry already is "this name in that city"
            merged.city = ""
        self.change(entry, merged, filled)
        return filled, kept


def import_records(
    db: Database,
    records: Iterable[tuple[str, hsds.ParsedRecord]],
    team_id: str,
    *,
    source: str = "import",
    progress: tqdm | None = None,
) -> ImportReport:
    """Validates, de-duplicates and upserts the records in one transaction; returns what happened."""
    report = ImportReport()
    now = utcnow()
    with db.session() as session:
        directory = _Directory()
        for row in session.execute(select(*_EXISTING_COLUMNS).where(Resource.team_id == team_id)).mappings():
            saved = ResourceFields(
                **{n: row[n] or "" for n in TEXT_FIELDS}, **{n: hsds.split_list(row[n]) for n in LIST_FIELDS}
            )
            directory.add(_Entry(saved, id=row["id"], verified=row["verified_at"] is not None,
                                 retired=row["retired_at"] is not None))  # fmt: skip
        for where, parsed in records:
            if progress is not None:
                progress.update(1)
            report.notes.extend(Problem(where, w) for w in parsed.warnings)
            if parsed.fields is None:
                if parsed.errors:
                    report.problems.append(Problem(where, "; ".join(parsed.errors)))
                continue
            fields = parsed.fields
            removed = _redact(fields)
            if removed:
                report.notes.append(Problem(where, Redaction("", removed).summary().lower()))
            _import_row(directory, where, fields, report)
        new = [entry for entry in directory.entries if entry.id is None]
        updated = [entry for entry in directory.entries if entry.id is not None and entry.changed]
        _insert(session, [_columns(entry.fields) | {"team_id": team_id, "source": source, "created_by": "",
                                                    "created_at": now, "updated_at": now, "mention_count": 1,
                                                    "helped_count": 0, "outdated_count": 0} for entry in new],
                team_id)  # fmt: skip
        _update(session, [_columns(entry.fields) | {"id": entry.id, "updated_at": now} for entry in updated],
                {entry.id: sorted(entry.changed) for entry in updated}, team_id)  # fmt: skip
        report.created = len(new)
    return report


def _import_row(directory: _Directory, where: str, fields: ResourceFields, report: ImportReport) -> None:
    identity, keys = _lookup(fields)
    entry, by_identity = directory.find(identity, keys)
    if entry is None:
        directory.add(_Entry(fields, claimed_by=where, identity=identity, keys=keys))
        return
    if entry.claimed_by or not by_identity:
        # A near-duplicate, or a second row for the same resource: merged as a Slack log merges.
        filled, kept = directory.fill(entry, fields)
        report.merged += 1
        into = f"{entry.claimed_by} ({entry.fields.name})" if entry.claimed_by else f"the saved {entry.fields.name}"
        detail = "; added " + ", ".join(filled) if filled else ""
        detail += "; kept its " + ", ".join(kept) if kept else ""
        report.notes.append(Problem(where, f"merged into {into}, the same resource{detail}"))
        entry.claimed_by = entry.claimed_by or where
        return
    entry.claimed_by = where
    changes, kept = _changes(entry, fields)
    if kept:
        report.notes.append(Problem(where, "kept the verified " + ", ".join(kept)))
    if not changes:
        report.unchanged += 1
        return
    directory.change(entry, fields, changes)
    report.updated += 1


def _changes(entry: _Entry, fields: ResourceFields) -> tuple[list[str], list[str]]:
    """(fields the file changes, fields kept because the resource is verified). Non-empty values in the file
    replace saved ones, except a verified resource's."""
    changes: list[str] = []
    kept: list[str] = []
    for name in _COMPARED:
        stored = _stored(fields, name)
        saved = _stored(entry.fields, name)
        if not stored or stored == saved:
            continue
        if entry.verified and saved:
            kept.append(name)
            continue
        changes.append(name)
    return changes, kept


def _insert(session, rows: list[dict], team_id: str) -> None:
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        ids = _insert_with_copy(session, rows)
    else:
        ids = _insert_returning_ids(session, rows)
    categories = [
        {"resource_id": resource_id, "category": category, "team_id": team_id}
        for resource_id, row in zip(ids, rows, strict=True)
        for category in hsds.split_list(row["categories"])
    ]
    for start in range(0, len(categories), CHUNK * 4):
        session.execute(insert(ResourceCategory.__table__), categories[start : start + CHUNK * 4])
    _audit_bulk(
        session,
        [
            (resource_id, [k for k, v in row.items() if v and k in _COMPARED])
            for resource_id, row in zip(ids, rows, strict=True)
        ],
        team_id,
    )


def _insert_returning_ids(session, rows: list[dict]) -> list[int]:
    """SQLite: the first row's INSERT takes the database's write lock (held until commit, so no other writer can
    insert meanwhile) and returns its id; the remaining rows get the following ids explicitly and go in with one
    executemany, instead of one INSERT ... RETURNING per row."""
    table = Resource.__table__
    first_id = session.execute(insert(table).returning(table.c.id), rows[0]).scalar_one()
    ids = list(range(first_id, first_id + len(rows)))
    rest = [row | {"id": resource_id} for resource_id, row in zip(ids[1:], rows[1:], strict=True)]
    for start in range(0, len(rest), CHUNK * 5):
        session.execute(insert(table), rest[start : start + CHUNK * 5])
    return ids


def _insert_with_copy(session, rows: list[dict]) -> list[int]:
    """PostgreSQL: ids drawn from the table's own sequence (safe beside a running bot), rows sent with COPY,
    which is many times faster than multi-row INSERT statements."""
    ids = list(
        session.execute(
            text("SELECT nextval(pg_get_serial_sequence('resource', 'id')) FROM generate_series(1, :n)"),
            {"n": len(rows)},
        ).scalars()
    )
    columns = [*rows[0].keys(), "id"]
    driver_connection = session.connection().connection.driver_connection
    with (
        driver_connection.cursor() as cursor,
        cursor.copy(f"COPY resource ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for resource_id, row in zip(ids, rows, strict=True):
            copy.write_row([*row.values(), resource_id])
    return ids


def _audit_bulk(session, changes: list[tuple[int, list[str]]], team_id: str) -> None:
    audit.record_many(session, team_id=team_id, actor_user_id=ACTOR, entity="resource", action="import",
                      changes=changes)


def _update(session, rows: list[dict], changed_fields: dict[int, list[str]], team_id: str) -> None:
    table = Resource.__table__
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        columns = [c for c in chunk[0] if c != "id"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam("_" + c) for c in columns})
        )
        session.execute(statement, [{"_" + k: v for k, v in row.items()} for row in chunk])
        for row in chunk:
            fields = changed_fields[row["id"]]
            if "categories" in fields:
                session.execute(
                    ResourceCategory.__table__.delete().where(ResourceCategory.resource_id == row["id"])
                )
                categories = [
                    {"resource_id": row["id"], "category": c, "team_id": team_id}
                    for c in hsds.split_list(row["categories"])
                ]
                if categories:
                    session.execute(insert(ResourceCategory.__table__), categories)
        _audit_bulk(session, [(row["id"], changed_fields[row["id"]]) for row in chunk], team_id)


# --- command line -------------------------------------------------------------------------------------------


def import_file(
    db: Database, path: str | Path, team_id: str, *, show_progress: bool | None = None
) -> ImportReport:
    if show_progress is None:
        show_progress = sys.stderr.isatty()
    with tqdm(
        total=count_records(path), file=sys.stderr, disable=not show_progress, unit="rows", desc="Importing"
    ) as progress:
        try:
            return import_records(db, read_records(path), team_id, progress=progress)
        except ImportFileError as error:
            return ImportReport(fatal=str(error))
        except IntegrityError:
            # Someone added one of these resources in Slack while the file was being read; the transaction
            # was rolled back as a whole, so running the import again is safe.
            return ImportReport(fatal="the directory changed during the import (run it again)")


def run_cli(path: str, team_id: str, settings) -> int:
    """Exit code 0: everything imported; 1: some rows were rejected (the rest imported); 2: nothing imported."""
    db = Database(settings.database_url)
    try:
        db.upgrade()
        report = import_file(db, path, team_id)
    finally:
        db.engine.dispose()
    if report.fatal:
        print(f"partnerbot import: {report.fatal}. Nothing was imported.", file=sys.stderr)
        return 2
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    rows = report.imported
    print(
        f"Imported {rows} row{'s' if rows != 1 else ''} into {team_id}: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.merged} merged into a near-duplicate; "
        f"{len(report.problems)} row{'s' if len(report.problems) != 1 else ''} skipped."
    )
    return 1 if report.problems else 0
