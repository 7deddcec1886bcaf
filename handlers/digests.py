"""Slack adapter for /digest: subscribe, unsubscribe, preview, help and the person's schedule."""

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.digests import commands, views
from bot.digests import jobs as digests_jobs
from bot.digests import service as digests_service
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError

log = logging.getLogger(__name__)

PREVIEW_NOTE = "Preview: the figures up to now."


def register(app: App) -> None:
    app.command("/digest")(digest_command)


def digest_command(ack, command, respond, client: WebClient, context) -> None:
    ack()
    actor = context["actor"]

    def reply(text: str) -> None:
        respond(text=text, response_type="ephemeral")

    try:
        parsed = commands.parse_command(command.get("text") or "")
        if isinstance(parsed, commands.ShowHelp):
            reply(commands.HELP)
            return
        with context["db"].session() as session:
            if isinstance(parsed, commands.Subscribe):
                done = digests_service.subscribe(session, actor, parsed, now=utcnow())
                text = views.subscribed_text(done.schedule_text, done.created)
            elif isinstance(parsed, commands.Unsubscribe):
                text = views.unsubscribed_text(digests_service.unsubscribe(session, actor).was_subscribed)
            elif isinstance(parsed, commands.Preview):
                data = digests_service.preview(session, actor, now=utcnow())
                text = views.preview_sent_text(data)
            else:
                text = views.status_text(digests_service.status(session, actor).schedule_text)
    except FeatureError as error:
        reply(error.message)
        return
    if isinstance(parsed, commands.Preview):
        digests_jobs.post_digest_now(client, actor.user_id, data, note=PREVIEW_NOTE)
        log.info("digests: preview sent")
    reply(text)
