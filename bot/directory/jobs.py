"""The directory's outbox sender: telling a steward, by DM, that someone flagged a resource's info as outdated.

The notices are enqueued by bot.directory.stewards.flag_outdated; bot/runtime/jobs.py lists this sender.
"""

from __future__ import annotations

from datetime import datetime

from bot.directory import views
from bot.directory.stewards import OUTDATED_NOTICE_KIND
from bot.platform import outbox
from bot.platform.clock import as_utc
from models.directory import Resource

__all__ = ["OUTDATED_NOTICE_KIND", "send_outdated_notice"]


def send_outdated_notice(delivery: outbox.Delivery) -> None:
    payload = delivery.payload
    with delivery.db.session() as session:
        resource = session.get(Resource, payload["resource_id"])
        if resource is None or resource.team_id != delivery.team_id or resource.retired_at is not None:
            return  # gone or retired meanwhile: nothing left to check
        flagged_at = as_utc(datetime.fromisoformat(payload["flagged_at"]))
        if resource.verified_at is not None and as_utc(resource.verified_at) >= flagged_at:
            return  # a steward checked it after the flag
        text, blocks = views.outdated_notice(resource, flagged_by=payload["flagged_by"])
    delivery.client.chat_postMessage(channel=payload["user_id"], text=text, blocks=blocks)
