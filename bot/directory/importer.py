"""`partnerbot import FILE`: load resources from CSV or Open Referral HSDS 3.x JSON into one workspace.

Every row is validated on its own: bad rows are reported with their line (CSV) or position (HSDS) and the reason,
and the rest are imported. Rows are upserted on (name, organization, city), compared in normalized form, so
importing the same file again changes nothing. Non-empty values in the file replace saved ones, except on verified
resources, whose differing values are kept and reported. The free-text fields (description, eligibility) go
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
    problems: list[Problem] = field(default_factory=list)  # rows not imported
    notes: list[Problem] = field(
        default_factory=list
    )  # imported, with something to say (privacy, kept values)
    fatal: str = ""  # the file as a whole could not be read

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


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


def _columns(fields: ResourceFields, identity: tuple[str, str, str] | None = None) -> dict:
    values = {name: getattr(fields, name) for name in TEXT_FIELDS}
    values.update({name: ";".join(getattr(fields, name)) for name in LIST_FIELDS})
    name_key, org_key, city_key = identity or _identity(fields)
    values.update(
        normalized_name=name_key,
        normalized_organization=org_key,
        normalized_city=city_key,
        phone_key=phone_digits(fields.phone),
        website_key=website_key(fields.website)[:300],
    )
    return values


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


_EXISTING_COLUMNS = (
    Resource.id,
    Resource.normalized_name,
    Resource.normalized_organization,
    Resource.normalized_city,
    Resource.verified_at,
    *(getattr(Resource, name) for name in _COMPARED),
)


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
        existing: dict[tuple[str, str, str], dict] = {}
        for row in session.execute(select(*_EXISTING_COLUMNS).where(Resource.team_id == team_id)).mappings():
            key = (row["normalized_name"], row["normalized_organization"], row["normalized_city"])
            existing[key] = dict(row)

        seen: dict[tuple[str, str, str], str] = {}
        to_insert: list[dict] = []
        to_update: list[dict] = []
        changed_fields: dict[int, list[str]] = {}
        for where, parsed in records:
            if progress is not None:
                progress.update(1)
            if parsed.fields is None:
                if parsed.errors:
                    report.problems.append(Problem(where, "; ".join(parsed.errors)))
                report.notes.extend(Problem(where, w) for w in parsed.warnings)
                continue
            fields = parsed.fields
            report.notes.extend(Problem(where, w) for w in parsed.warnings)
            removed = _redact(fields)
            if removed:
                report.notes.append(Problem(where, Redaction("", removed).summary().lower()))
            key = _identity(fields)
            if key in seen:
                report.problems.append(
                    Problem(where, f"the same resource as {seen[key]} (name, organization, city)")
                )
                continue
            seen[key] = where
            saved = existing.get(key)
            if saved is None:
                to_insert.append(
                    _columns(fields, key)
                    | {
                        "team_id": team_id,
                        "source": source,
                        "created_by": ACTOR,
                        "created_at": now,
                        "updated_at": now,
                        "mention_count": 1,
                        "helped_count": 0,
                        "outdated_count": 0,
                    }
                )
                continue
            changes, kept = _changes(saved, fields)
            if kept:
                report.notes.append(Problem(where, "kept the verified " + ", ".join(kept)))
            if not changes:
                report.unchanged += 1
                continue
            merged = ResourceFields(
                **{n: changes.get(n, saved[n]) for n in TEXT_FIELDS},
                **{n: hsds.split_list(changes.get(n, saved[n])) for n in LIST_FIELDS},
            )
            to_update.append(_columns(merged) | {"id": saved["id"], "updated_at": now})
            changed_fields[saved["id"]] = sorted(changes)

        _insert(session, to_insert, team_id)
        _update(session, to_update, changed_fields, team_id)
        report.created, report.updated = len(to_insert), len(to_update)
    return report


def _changes(saved: dict, fields: ResourceFields) -> tuple[dict, list[str]]:
    """(column -> new stored value for what the file changes, fields kept because the resource is verified)."""
    changes: dict = {}
    kept: list[str] = []
    for name in _COMPARED:
        value = getattr(fields, name)
        stored = ";".join(value) if name in LIST_FIELDS else value
        if not stored or stored == (saved[name] or ""):
            continue
        if saved["verified_at"] is not None and saved[name]:
            kept.append(name)
            continue
        changes[name] = stored
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
    print(
        f"Imported {report.imported} resource{'s' if report.imported != 1 else ''} into {team_id}: "
        f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged; "
        f"{len(report.problems)} row{'s' if len(report.problems) != 1 else ''} skipped."
    )
    return 1 if report.problems else 0
