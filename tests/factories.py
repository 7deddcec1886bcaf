"""Shared builders for tests: one way to make an actor, a resource, a partner or a conference, instead of private
copies in each test file."""

import json
from datetime import date, datetime, time, timedelta

from sqlmodel import select

from bot.conferences import service as conferences_service
from bot.conferences.commands import NewSeries, Reminders
from bot.conferences.recurrence import Schedule
from bot.digests.commands import Schedule as DigestSchedule
from bot.digests.commands import Subscribe
from bot.digests.service import get_subscription, subscribe
from bot.directory import service as directory_service
from bot.directory.commands import AddResource
from bot.partners.service import create_partner, set_agreement
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.dates import WEEKDAY_CODES
from bot.platform.people import Profile
from models.celebrations import Success, SuccessPartner, SuccessPerson
from models.digests import DigestSubscription
from models.directory import Resource


def make_actor(user_id: str = "U1", *, team_id: str = "T1", admin: bool = False, timezone: str | None = None,
               user_team_id: str | None = None, default_timezone: str = "America/New_York") -> Actor:
    """An actor as the middleware builds one; `timezone` is what users.info would say (None: Slack says none)."""
    profile = Profile(user_id=user_id, team_id=user_team_id or team_id, enterprise_id=None, timezone=timezone)
    return Actor(team_id=team_id, user_id=user_id, is_admin=admin, default_timezone=default_timezone,
                 user_team_id=user_team_id, lookup=lambda: profile)


# --- case conferences ---------------------------------------------------------------------------------------------


def weekly_from(now: datetime, *, days_ahead: int = 2, hour: int = 10, timezone: str = "UTC") -> Schedule:
    """A weekly schedule whose first meeting is `days_ahead` days after `now`, at `hour` o'clock."""
    start = datetime.combine((now + timedelta(days=days_ahead)).date(), datetime.min.time()).replace(hour=hour)
    return Schedule(start, timezone, f"FREQ=WEEKLY;BYDAY={WEEKDAY_CODES[start.weekday()]}")


def make_conference(db, *, team_id: str = "T1", owner: str = "U1", schedule: Schedule | None = None,
                    now: datetime | None = None, title: str = "Weekly huddle", channel_id: str = "C0CASES",
                    facilitators=(), reminders: Reminders = Reminders(), video_link: str = "",
                    holiday_country: str | None = None) -> conferences_service.Created:
    """A saved series (weekly, two days out, unless `schedule` says otherwise) with its meetings planned."""
    now = now or utcnow()
    new = NewSeries(title=title, channel_id=channel_id, schedule=schedule or weekly_from(now), video_link=video_link,
                    facilitator_user_ids=tuple(facilitators), reminders=reminders)
    with db.session() as session:
        return conferences_service.create_series(session, make_actor(owner, team_id=team_id), new, now=now,
                                                 holiday_country=holiday_country)


def conference_form_values(**changes) -> dict:
    """What the conference form sends when filled in: a monthly meeting on the last Friday, ten days out."""
    start = (utcnow() + timedelta(days=10)).date().isoformat()
    values = {
        "title": {"value": "Partner case conference"},
        "channel": {"value": {"type": "conversations_select", "selected_conversation": "C0CASES"}},
        "start_date": {"value": {"type": "datepicker", "selected_date": start}},
        "start_time": {"value": {"type": "timepicker", "selected_time": "10:00"}},
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": "monthly"}}},
        "interval": {"value": "1"},
        "week_of_month": {"value": {"type": "static_select", "selected_option": {"value": "-1"}}},
        "weekday": {"value": {"type": "static_select", "selected_option": {"value": "FR"}}},
        "timezone": {"value": "America/Chicago"},
        "video_link": {"value": "https://meet.example.org/case-conf"},
        "facilitators": {"value": {"type": "multi_users_select", "selected_users": ["UA", "UB"]}},
        "agenda_call_days": {"value": "5"},
        "reminder_hours": {"value": "2"},
    }
    values.update(changes)
    return values


# --- partners and celebrations ---------------------------------------------------------------------------------


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


# --- digests -----------------------------------------------------------------------------------------------------


def subscribe_to_digest(session, user_id: str = "UMGR", *, schedule=None, timezone: str = "America/New_York",
                        team_id: str = "T1", now=None):
    """A digest subscription made the way /digest makes one (the service, as `user_id` in `timezone`); returns
    the stored subscription."""
    actor = make_actor(user_id, team_id=team_id, timezone=timezone)
    subscribe(session, actor, Subscribe(schedule or DigestSchedule("weekly", 0, time(9, 0))), now=now or utcnow())
    return get_subscription(session, team_id, user_id)


def digest_subscription_row(set_at, *, cadence: str = "weekly", weekday: int | None = 0, at: time = time(9, 0),
                            user_id: str = "UMGR", timezone: str = "America/New_York",
                            team_id: str = "T1") -> DigestSubscription:
    """A subscription row as stored, its schedule set at `set_at`, for tests that add it without the service (a
    process that was down when it fell due, say)."""
    return DigestSubscription(team_id=team_id, user_id=user_id, cadence=cadence,
                              weekday=None if cadence == "daily" else weekday, local_time=at, timezone=timezone,
                              created_at=set_at, updated_at=set_at)
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
