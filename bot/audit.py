"""The audit trail: who changed which fields of what, and when (never the values)."""

from sqlmodel import Session

from bot.clock import utcnow
from models.core import AuditEntry


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
