"""Stewards: the members who may verify, retire and edit any resource."""

from __future__ import annotations

import logging

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.directory.service import ChangeResult, is_steward
from bot.platform import audit
from bot.platform.clock import utcnow
from models.directory import (
    ResourceSteward,
)

log = logging.getLogger(__name__)

__all__ = ["add_steward", "is_steward", "list_stewards", "remove_steward"]


# --- stewards and watched channels --------------------------------------------------------------------------


def add_steward(
    session: Session, *, team_id: str, actor_user_id: str, user_id: str, settings
) -> ChangeResult:
    if actor_user_id not in settings.admin_user_ids:
        return ChangeResult("forbidden")
    if session.exec(
        select(ResourceSteward).where(ResourceSteward.team_id == team_id, ResourceSteward.user_id == user_id)
    ).first():
        return ChangeResult("already")
    session.add(ResourceSteward(team_id=team_id, user_id=user_id, added_by=actor_user_id, added_at=utcnow()))
    audit.record(
        session,
        team_id=team_id,
        actor_user_id=actor_user_id,
        entity="resource_steward",
        entity_id=user_id,
        action="add",
        fields=["user_id"],
    )
    session.flush()
    return ChangeResult("ok")


def remove_steward(
    session: Session, *, team_id: str, actor_user_id: str, user_id: str, settings
) -> ChangeResult:
    if actor_user_id not in settings.admin_user_ids:
        return ChangeResult("forbidden")
    removed = session.exec(
        delete(ResourceSteward).where(ResourceSteward.team_id == team_id, ResourceSteward.user_id == user_id)
    ).rowcount
    if not removed:
        return ChangeResult("not_found")
    audit.record(
        session,
        team_id=team_id,
        actor_user_id=actor_user_id,
        entity="resource_steward",
        entity_id=user_id,
        action="remove",
        fields=["user_id"],
    )
    return ChangeResult("ok")


def list_stewards(session: Session, team_id: str) -> list[str]:
    return list(
        session.exec(
            select(ResourceSteward.user_id)
            .where(ResourceSteward.team_id == team_id)
            .order_by(ResourceSteward.added_at)
        ).all()
    )
