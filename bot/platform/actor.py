"""Who is asking, built once per request: the workspace that owns the data, the person, and what they may do.

The owning workspace is the installation's, never the team of a guest clicking in a Slack Connect channel. What
needs Slack (the person's time zone, whether they belong to another organization) is looked up lazily, after the
ack, and cached; a payload that already says (an event's `user_team`) spares the lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from bot.platform.people import Profile


@dataclass(frozen=True)
class Actor:
    team_id: str  # the workspace whose data this is: the installation's
    user_id: str
    is_admin: bool = False
    default_timezone: str = "America/New_York"
    enterprise_id: str | None = None  # the installation's Enterprise Grid organization, if any
    user_team_id: str | None = None  # the person's own workspace, when the payload says
    lookup: Callable[[], Profile | None] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def profile(self) -> Profile | None:
        return self.lookup() if self.lookup else None

    @cached_property
    def timezone(self) -> str:
        """The person's Slack time zone, else the workspace default."""
        profile = self.profile
        return (profile.timezone if profile else None) or self.default_timezone

    @cached_property
    def is_external(self) -> bool:
        """A member of another organization (a Slack Connect guest). People of another workspace in the same
        Enterprise Grid organization are colleagues, not guests. When Slack cannot say, the answer is yes: changing
        a workspace's data is refused rather than risked."""
        own_team = self.user_team_id
        enterprise = None
        if own_team is None:
            profile = self.profile
            if profile is None:
                return True
            own_team, enterprise = profile.team_id, profile.enterprise_id
        if not own_team or own_team == self.team_id:
            return False
        return not (self.enterprise_id and enterprise == self.enterprise_id)
