"""The audit trail: who changed which fields of what, and when (never the values)."""

from sqlalchemy import insert
from sqlmodel import Session

from bot.platform.clock import utcnow
from models.platform import AuditEntry


def record(
    session: Session,
    *,
    team_id: str,
    actor_user_id: str,
    entity: str,
    entity_id: int | str,
    action: str,
    fields: list[str] | tuple[str, ...] = (),
) -> AuditEntry:
    entry = AuditEntry(
        team_id=team_id,
        actor_user_id=actor_user_id,
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        fields=sorted(set(fields)),
        at=utcnow(),
    )
    session.add(entry)
    return entry


def record_many(
    session: Session,
    *,
    team_id: str,
    actor_user_id: str,
    entity: str,
    action: str,
    changes: list[tuple[int | str, list[str]]],
    batch_size: int = 2000,
) -> None:
    """`record` for many entities at once (bulk imports): one entry per (entity_id, field names)."""
    at = utcnow()
    rows = [
        {"team_id": team_id, "actor_user_id": actor_user_id, "entity": entity, "entity_id": str(entity_id),
         "action": action, "fields": sorted(set(fields)), "at": at}
        for entity_id, fields in changes
    ]
    for start in range(0, len(rows), batch_size):
        session.execute(insert(AuditEntry.__table__), rows[start : start + batch_size])
