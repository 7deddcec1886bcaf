"""The app factory: one function builds the bolt App from settings, for every run mode and for tests.

Listeners are acknowledged first and run in a bounded work pool, guarded so that nothing raises after the ack
(bot.runtime.listeners); the pool is sized by WORK_THREADS and WORK_QUEUE (bot.runtime.settings).
"""

import logging
from functools import partial
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

import handlers
from bot.platform.actor import Actor
from bot.platform.db import Database
from bot.platform.people import People
from bot.runtime.incoming import unescape_typed_text
from bot.runtime.listeners import FRIENDLY_ERROR, PartnerbotApp, log_failure
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client
from bot.runtime.work import NoticeLane, WorkPool

log = logging.getLogger(__name__)

__all__ = ["FRIENDLY_ERROR", "build_app", "owning_team", "actor_for"]


def build_app(
    settings: Settings,
    db: Database,
    *,
    client: WebClient | None = None,
    process_before_response: bool = False,
    listener_executor: WorkPool | None = None,
) -> App:
    """`listener_executor`: the work pool (default: WORK_THREADS threads with room for WORK_QUEUE waiting)."""
    app = PartnerbotApp(
        db=db,
        pool=listener_executor or WorkPool(settings.work_threads, settings.work_queue),
        notices=NoticeLane(),
        client=client or build_client(settings),
        signing_secret=settings.slack_signing_secret or None,
        process_before_response=process_before_response,
        logger=logging.getLogger("partnerbot.bolt"),
        # In Socket Mode there is no signing secret; Slack authenticates the socket itself.
        request_verification_enabled=not settings.socket_mode,
    )
    app.use(unescape_typed_text)  # once, where a payload enters
    app.use(_services_middleware(settings, db, People()))
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


def _handle_listener_error(error: Exception, body: dict[str, Any], respond=None) -> None:
    """Bolt's own error path (the listener guard catches listener failures before bolt sees them)."""
    log_failure(error, body)
    if respond is not None and body.get("response_url"):
        try:
            respond(text=FRIENDLY_ERROR, response_type="ephemeral", replace_original=False)
        except Exception:
            log.warning("could not tell the user about the failure")
