"""`partnerbot export --format csv|hsds [--out FILE]`: the workspace's active resources as CSV (the import
format) or as a JSON list of Open Referral HSDS 3.1 services (validates against the compiled service schema)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from sqlmodel import select

from bot.directory import hsds
from bot.directory.service import fields_of
from bot.platform.db import Database
from models.directory import Resource

FORMATS = ("csv", "hsds")


def active_resources(db: Database, team_id: str) -> list[Resource]:
    with db.session() as session:
        return list(
            session.exec(
                select(Resource)
                .where(Resource.team_id == team_id, Resource.retired_at.is_(None))
                .order_by(Resource.id)
            ).all()
        )


def services(resources: list[Resource], team_id: str) -> list[dict]:
    return [
        hsds.resource_to_service(fields_of(r), key=f"{team_id}/resource/{r.id}", last_modified=r.updated_at)
        for r in resources
    ]


def write_csv(resources: list[Resource], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=hsds.CSV_HEADERS, lineterminator="\n")
    writer.writeheader()
    for resource in resources:
        writer.writerow(hsds.to_csv_row(fields_of(resource)))


def write_hsds(resources: list[Resource], team_id: str, out: TextIO) -> None:
    json.dump(services(resources, team_id), out, ensure_ascii=False, indent=2)
    out.write("\n")


@contextmanager
def _open(out: str | None) -> Iterator[TextIO]:
    if not out or out == "-":
        yield sys.stdout
        return
    with open(out, "w", encoding="utf-8", newline="") as handle:
        yield handle


def run_cli(fmt: str, out: str | None, team_id: str, settings) -> int:
    if fmt not in FORMATS:
        print(f"partnerbot export: unknown format '{fmt}' (use csv or hsds)", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        db.upgrade()
        resources = active_resources(db, team_id)
    finally:
        db.engine.dispose()
    try:
        with _open(out) as handle:
            if fmt == "csv":
                write_csv(resources, handle)
            else:
                write_hsds(resources, team_id, handle)
    except BrokenPipeError:
        raise  # the reader of standard output left early; the command line ends quietly
    except OSError as error:
        print(f"partnerbot export: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 2
    where = out if out and out != "-" else "standard output"
    print(
        f"Exported {len(resources)} resource{'s' if len(resources) != 1 else ''} ({fmt}) to {where}.",
        file=sys.stderr,
    )
    return 0
