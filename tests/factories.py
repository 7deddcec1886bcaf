"""Shared builders for tests: one way to make an actor, a resource, a partner or a conference, instead of private
copies in each test file."""

import json

from sqlmodel import select

from bot.directory import service as directory_service
from bot.directory.commands import AddResource
from bot.platform.actor import Actor
from bot.platform.people import Profile
from models.directory import Resource


def make_actor(user_id: str = "U1", *, team_id: str = "T1", admin: bool = False, timezone: str | None = None,
               user_team_id: str | None = None, default_timezone: str = "America/New_York") -> Actor:
    """An actor as the middleware builds one; `timezone` is what users.info would say (None: Slack says none)."""
    profile = Profile(user_id=user_id, team_id=user_team_id or team_id, enterprise_id=None, timezone=timezone)
    return Actor(team_id=team_id, user_id=user_id, is_admin=admin, default_timezone=default_timezone,
                 user_team_id=user_team_id, lookup=lambda: profile)


# --- the resource directory ---------------------------------------------------------------------------------------


def log_resource(db, text: str, *, user: str = "U1", team: str = "T1", admin: bool = False):
    """`/resource add TEXT` through the directory's service, as `user`: a `Logged` or a `NeedsForm`."""
    with db.session() as session:
        return directory_service.add_resource(session, make_actor(user, team_id=team, admin=admin),
                                              AddResource(text))


def stored_resources(db, team: str = "T1") -> list[Resource]:
    """Every resource row of a workspace, oldest first."""
    with db.session() as session:
        return list(session.exec(select(Resource).where(Resource.team_id == team).order_by(Resource.id)).all())


# --- what the bot sent to the fake Slack --------------------------------------------------------------------------


def last_call(fake_slack, method: str) -> dict:
    """The arguments of the last call of `method` the bot made ("response_url" for replies to a response URL)."""
    calls = fake_slack.calls(method)
    assert calls, f"no {method} call (saw {[c.method for c in fake_slack.calls()]})"
    return calls[-1].args


def decoded(value):
    """A view or blocks argument, whether the client sent it as JSON text or as a structure."""
    return json.loads(value) if isinstance(value, str) else value


def blocks_of(args: dict) -> list:
    """The blocks of a message the bot sent."""
    return decoded(args.get("blocks") or [])


def button(blocks: list, action_id: str) -> dict | None:
    """The first button with `action_id` in a message's or view's blocks."""
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    return None
