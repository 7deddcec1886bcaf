"""The app factory: one function builds the bolt App from settings, for every run mode and for tests."""

import logging
import traceback
from concurrent.futures import Executor
from functools import partial
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

import handlers
from bot.platform.actor import Actor
from bot.platform.clock import utcnow
from bot.platform.db import Database
from bot.platform.people import People
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client
from models.platform import ProcessedEvent

log = logging.getLogger(__name__)

FRIENDLY_ERROR = ":warning: Sorry, something went wrong on my side. Nothing was saved. Please try again in a minute."


def build_app(
    settings: Settings,
    db: Database,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    app = App(
        client=client or build_client(settings),
        signing_secret=settings.slack_signing_secret or None,
        process_before_response=process_before_response,
        listener_executor=listener_executor,
        logger=logging.getLogger("partnerbot.bolt"),
        # In Socket Mode there is no signing secret; Slack authenticates the socket itself.
        request_verification_enabled=not settings.socket_mode,
    )
    app.use(_services_middleware(settings, db, People()))
    app.use(_skip_redelivered_events(db))
    app.error(_handle_listener_error)
    handlers.register_all(app)
    return app


def _services_middleware(settings: Settings, db: Database, people: People):
    def inject_services(body, context, client, next) -> None:
        context["db"] = db
        context["settings"] = settings
        context["people"] = people  # users.info, cached: for the other people a request names
        context["actor"] = actor_for(body, context, client, settings, people)
        next()

    return inject_services


def owning_team(context) -> str:
    """The workspace whose data a request is about: the installation's (from auth.test for a single-workspace
    install), never the team of a Slack Connect guest who clicked or typed."""
    authorized = context.authorize_result
    return str((authorized.team_id if authorized is not None else None) or context.team_id or "")


def actor_for(body: dict[str, Any], context, client: WebClient, settings: Settings, people: People) -> Actor | None:
    """Who is asking, from documented fields only; what needs users.info is looked up later, and only if needed."""
    user_id = context.user_id
    if not user_id:
        return None
    event = body.get("event") or {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    # Events say `user_team`; interactions say `user.team_id`; for slash commands only users.info can tell.
    user_team = event.get("user_team") or user.get("team_id")
    return Actor(
        team_id=owning_team(context),
        user_id=user_id,
        is_admin=user_id in settings.admin_user_ids,
        default_timezone=settings.default_timezone,
        enterprise_id=(context.authorize_result.enterprise_id if context.authorize_result else None)
        or context.enterprise_id,
        user_team_id=user_team,
        lookup=partial(people.profile, client, user_id),
    )


def _skip_redelivered_events(db: Database):
    """Slack re-sends an event it thinks failed; the event_id, recorded in the database, makes that a no-op."""

    def skip_redelivered_events(body: dict[str, Any], next) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not event_id:
            return next()
        if _first_delivery(db, team_id=str(body.get("team_id") or ""), event_id=str(event_id)):
            return next()
        log.info("skipping redelivered event %s", event_id)
        return BoltResponse(status=200, body="")

    return skip_redelivered_events


def _first_delivery(db: Database, *, team_id: str, event_id: str) -> bool:
    table = ProcessedEvent.__table__
    insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(team_id=team_id, event_id=event_id, received_at=utcnow())
    with db.session() as session:
        inserted = statement.on_conflict_do_nothing(index_elements=["team_id", "event_id"]).returning(table.c.id)
        return session.execute(inserted).first() is not None


def _handle_listener_error(error: Exception, body: dict[str, Any], respond=None) -> None:
    # Log what failed, never the payload: it holds what people typed.
    kind = body.get("command") or body.get("type") or "request"
    if body.get("type") == "event_callback":
        kind = f"event {body.get('event', {}).get('type')}"
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error("listener for %s failed with %s at %s", kind, type(error).__name__, where)
    if respond is not None and body.get("response_url"):
        try:
            respond(text=FRIENDLY_ERROR, response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not tell the user about the failure")
