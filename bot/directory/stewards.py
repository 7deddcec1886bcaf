"""Stewards' work: verifying, retiring and restoring resources, hearing about outdated info, and who the stewards
are. The permission rules themselves are in bot.directory.access.

"Info is outdated" (a button on search answers, counted by the search feature) calls `flag_outdated`: the
stewards are told by DM, through the outbox (bot.directory.jobs), once per resource until a steward verifies it
again; verifying clears the flags, so the card stops saying "flagged outdated".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.directory import access
from bot.directory.commands import ChangeSteward, ManageResource
from bot.directory.service import ENTITY, GONE, require_resource, resource_in_team
from bot.platform import audit, outbox
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError
from bot.platform.slacktext import safe
from models.directory import Resource, ResourceSteward

OUTDATED_NOTICE_KIND = "directory_outdated"


@dataclass(frozen=True)
class Managed:
    resource: Resource
    action: str  # verify | retire | restore
    flags_cleared: int = 0  # "Info is outdated" flags a verification cleared


@dataclass(frozen=True)
class OutdatedFlag:
    resource_id: int
    name: str
    notified: tuple[str, ...]  # stewards told now (empty when they already were, since the last verification)


@dataclass(frozen=True)
class StewardChanged:
    user_id: str
    added: bool


# --- verify, retire, restore ----------------------------------------------------------------------------------


def manage_resource(session: Session, actor: Actor, command: ManageResource) -> Managed:
    """`/resource verify|retire|restore NAME`."""
    access.require_member(actor)
    resource = require_resource(session, actor, command.name, include_retired=command.action == "restore")
    return _manage(session, actor, resource, command.action)


def verify_by_id(session: Session, actor: Actor, resource_id: int) -> Managed:
    """The "Mark verified" button on a steward's outdated-info notice."""
    access.require_member(actor)
    resource = resource_in_team(session, actor, resource_id)
    if resource.retired_at is not None:
        raise FeatureError(GONE)
    return _manage(session, actor, resource, "verify")


def _manage(session: Session, actor: Actor, resource: Resource, action: str) -> Managed:
    steward = access.is_steward(session, actor)
    name = safe(resource.name)
    if action == "verify" and not steward:
        raise FeatureError(access.STEWARDS_ONLY)
    if action == "retire" and not (steward or access.theirs_alone(session, actor, resource)):
        if resource.created_by == actor.user_id:
            raise FeatureError(f"Others rely on *{name}* now (someone else logged it, or a steward verified it), "
                               "so a steward or admin needs to retire it. Ask one of them.")
        raise FeatureError(access.STEWARDS_ONLY)
    if action == "restore" and not (steward or resource.retired_by == actor.user_id == resource.created_by):
        raise FeatureError(access.STEWARDS_ONLY)
    if action == "retire" and resource.retired_at is not None:
        raise FeatureError(f"*{name}* already is retired.")
    if action == "restore" and resource.retired_at is None:
        raise FeatureError(f"*{name}* already is active.")
    now = utcnow()
    flags = resource.outdated_count if action == "verify" else 0
    values = {
        "verify": {"verified_by": actor.user_id, "verified_at": now, "outdated_count": 0},
        "retire": {"retired_by": actor.user_id, "retired_at": now},
        "restore": {"retired_by": None, "retired_at": None},
    }[action]
    for column, value in values.items():
        setattr(resource, column, value)
    session.add(resource)
    audit.record(session, team_id=resource.team_id, actor_user_id=actor.user_id, entity=ENTITY,
                 entity_id=resource.id, action=action, fields=list(values))  # fmt: skip
    session.flush()
    return Managed(resource, action, flags)


# --- outdated info --------------------------------------------------------------------------------------------


def flag_outdated(session: Session, actor: Actor, resource_id: int, *, admins: Collection[str] = ()) -> OutdatedFlag:
    """Someone said a resource's info is outdated: its stewards are told (the admins when the workspace has no
    stewards, else whoever added it), by DM, once until a steward verifies it again. The person who flagged it is
    not told about their own flag. `admins` are the configured admin ids (settings.admin_user_ids)."""
    resource = resource_in_team(session, actor, resource_id)
    if resource.retired_at is not None:
        return OutdatedFlag(resource.id, resource.name, ())
    recipients = list_stewards(session, actor) or tuple(sorted(admins)) or (
        (resource.created_by,) if resource.created_by.startswith(("U", "W")) else ())
    since = resource.verified_at.isoformat() if resource.verified_at else "never-verified"
    now = utcnow()
    notified = []
    for user in recipients:
        if user == actor.user_id:
            continue
        # One notice per steward and resource until the next verification: the key makes a repeat a no-op.
        if outbox.enqueue(session, team_id=resource.team_id, key=f"directory-outdated:{resource.id}:{since}:{user}",
                          kind=OUTDATED_NOTICE_KIND, due_at=now,
                          payload={"resource_id": resource.id, "user_id": user, "flagged_by": actor.user_id,
                                   "flagged_at": now.isoformat()}):  # fmt: skip
            notified.append(user)
    return OutdatedFlag(resource.id, resource.name, tuple(notified))


# --- who the stewards are -------------------------------------------------------------------------------------


def change_steward(session: Session, actor: Actor, command: ChangeSteward) -> StewardChanged:
    """Admins add and remove stewards."""
    if not actor.is_admin:
        raise FeatureError("Only admins can change stewards.")
    user = command.user_id
    existing = session.exec(
        select(ResourceSteward).where(ResourceSteward.team_id == actor.team_id, ResourceSteward.user_id == user)
    ).first()
    if command.add and existing is not None:
        raise FeatureError(f"<@{user}> already is a steward.")
    if not command.add and existing is None:
        raise FeatureError(f"<@{user}> isn't a steward.")
    if command.add:
        session.add(ResourceSteward(team_id=actor.team_id, user_id=user, added_by=actor.user_id, added_at=utcnow()))
    else:
        session.exec(delete(ResourceSteward).where(ResourceSteward.id == existing.id))
    audit.record(session, team_id=actor.team_id, actor_user_id=actor.user_id, entity="resource_steward",
                 entity_id=user, action="add" if command.add else "remove", fields=["user_id"])  # fmt: skip
    session.flush()
    return StewardChanged(user, command.add)


def list_stewards(session: Session, actor: Actor) -> tuple[str, ...]:
    return tuple(
        session.exec(
            select(ResourceSteward.user_id)
            .where(ResourceSteward.team_id == actor.team_id)
            .order_by(ResourceSteward.added_at)
        ).all()
    )
