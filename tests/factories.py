"""Shared builders for tests: one way to make an actor, a resource, a partner or a conference, instead of private
copies in each test file."""

from datetime import time

from bot.digests.commands import Schedule, Subscribe
from bot.digests.service import get_subscription, subscribe
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.people import Profile
from models.digests import DigestSubscription


def make_actor(user_id: str = "U1", *, team_id: str = "T1", admin: bool = False, timezone: str | None = None,
               user_team_id: str | None = None, default_timezone: str = "America/New_York") -> Actor:
    """An actor as the middleware builds one; `timezone` is what users.info would say (None: Slack says none)."""
    profile = Profile(user_id=user_id, team_id=user_team_id or team_id, enterprise_id=None, timezone=timezone)
    return Actor(team_id=team_id, user_id=user_id, is_admin=admin, default_timezone=default_timezone,
                 user_team_id=user_team_id, lookup=lambda: profile)


def subscribe_to_digest(session, user_id: str = "UMGR", *, schedule=None, timezone: str = "America/New_York",
                        team_id: str = "T1", now=None):
    """A digest subscription made the way /digest makes one (the service, as `user_id` in `timezone`); returns
    the stored subscription."""
    actor = make_actor(user_id, team_id=team_id, timezone=timezone)
    subscribe(session, actor, Subscribe(schedule or Schedule("weekly", 0, time(9, 0))), now=now or utcnow())
    return get_subscription(session, team_id, user_id)


def digest_subscription_row(set_at, *, cadence: str = "weekly", weekday: int | None = 0, at: time = time(9, 0),
                            user_id: str = "UMGR", timezone: str = "America/New_York",
                            team_id: str = "T1") -> DigestSubscription:
    """A subscription row as stored, its schedule set at `set_at`, for tests that add it without the service (a
    process that was down when it fell due, say)."""
    return DigestSubscription(team_id=team_id, user_id=user_id, cadence=cadence,
                              weekday=None if cadence == "daily" else weekday, local_time=at, timezone=timezone,
                              created_at=set_at, updated_at=set_at)
