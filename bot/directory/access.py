"""Who may change which resource. The rules, as the README states them for care teams:

- Any member of the workspace adds resources; a guest from another organization (Slack Connect) only looks.
- A resource is editable by whoever logged it (added it, or logged it again and so merged into it), by the
  stewards and by the admins. An edit by someone who is not a steward clears the verification.
- The person who added a resource may retire it (a mistaken entry) while it is still theirs alone: no steward
  has verified it and nobody else has logged it. They may restore what they retired. Otherwise retiring,
  restoring and verifying are for stewards and admins.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot.platform.actor import Actor
from bot.platform.errors import FeatureError
from models.directory import Resource, ResourceLogEntry, ResourceSteward

MEMBERS_ONLY = (
    "Only members of this workspace can change its resource directory. "
    "You can still look things up with `/resource list` and `/resource show`."
)
STEWARDS_ONLY = "Only stewards and admins can do that. Ask one of them, or an admin can make you a steward."
NOT_YOURS = (
    "Only the person who added it or logged it, stewards and admins can edit this resource. "
    "A steward can make the change for you."
)


def require_member(actor: Actor) -> None:
    if actor.is_external:
        raise FeatureError(MEMBERS_ONLY)


def is_steward(session: Session, actor: Actor) -> bool:
    """Stewards of the actor's workspace, and the configured admins."""
    if actor.is_admin:
        return True
    return session.exec(
        select(ResourceSteward.id).where(ResourceSteward.team_id == actor.team_id,
                                         ResourceSteward.user_id == actor.user_id)
    ).first() is not None  # fmt: skip


def logged_it(session: Session, resource: Resource, user_id: str) -> bool:
    """Whether the person added the resource or has a standing (not undone) log of it."""
    if resource.created_by == user_id:
        return True
    return session.exec(
        select(ResourceLogEntry.id).where(ResourceLogEntry.resource_id == resource.id,
                                          ResourceLogEntry.user_id == user_id,
                                          ResourceLogEntry.undone_at.is_(None))
    ).first() is not None  # fmt: skip


def can_edit(session: Session, actor: Actor, resource: Resource) -> bool:
    if actor.is_external or resource.team_id != actor.team_id:
        return False
    return logged_it(session, resource, actor.user_id) or is_steward(session, actor)


def theirs_alone(session: Session, actor: Actor, resource: Resource) -> bool:
    """The person added it, no steward verified it, and nobody else has logged it: a mistake they may take back."""
    if resource.created_by != actor.user_id or resource.verified_at is not None:
        return False
    others = session.exec(
        select(ResourceLogEntry.id).where(ResourceLogEntry.resource_id == resource.id,
                                          ResourceLogEntry.user_id != actor.user_id,
                                          ResourceLogEntry.undone_at.is_(None))
    ).first()  # fmt: skip
    return others is None
