"""Shared builders for tests: one way to make an actor, a resource, a partner or a conference, instead of private
copies in each test file."""

from datetime import date, datetime

from bot.partners.service import create_partner, set_agreement
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.people import Profile
from models.celebrations import Success, SuccessPartner, SuccessPerson


def make_actor(user_id: str = "U1", *, team_id: str = "T1", admin: bool = False, timezone: str | None = None,
               user_team_id: str | None = None, default_timezone: str = "America/New_York") -> Actor:
    """An actor as the middleware builds one; `timezone` is what users.info would say (None: Slack says none)."""
    profile = Profile(user_id=user_id, team_id=user_team_id or team_id, enterprise_id=None, timezone=timezone)
    return Actor(team_id=team_id, user_id=user_id, is_admin=admin, default_timezone=default_timezone,
                 user_team_id=user_team_id, lookup=lambda: profile)


def make_partner(session, name: str = "Eastside Food Bank", *, team_id: str = "T1", owner: str = "UOWNER",
                 kind: str | None = None, channel: str | None = None, shared: bool = False,
                 slack_team: str | None = None, renews: date | None = None, now: datetime | None = None):
    """A registered partner, optionally linked to one channel (shared with another organization or not) and with
    an MOU renewing on `renews` (its reminders planned as of `now`)."""
    partner = create_partner(session, team_id=team_id, owner_user_id=owner, name=name, kind=kind,
                             channels={channel: shared} if channel else {})
    if slack_team:
        partner.slack_team_id = slack_team
        session.add(partner)
    if renews:
        set_agreement(session, partner, "mou", start=None, review=None, renewal=renews, now=now or utcnow())
    session.flush()
    return partner


def make_success(session, *, text: str = "a win", people=("U1",), partners=(), channel: str = "C1", at=None,
                 team_id: str = "T1", author: str = "UAUTHOR") -> int:
    """A celebration as `record` stores it, crediting `people` (of the workspace) and `partners` (ids)."""
    success = Success(team_id=team_id, channel_id=channel, author_user_id=author, author_team_id=team_id, text=text,
                      celebrated_at=at or utcnow())
    session.add(success)
    session.flush()
    session.add_all(SuccessPerson(success_id=success.id, user_id=u, user_team_id=team_id, team_id=team_id)
                    for u in people)
    session.add_all(SuccessPartner(success_id=success.id, partner_id=p, team_id=team_id) for p in partners)
    session.flush()
    return success.id
