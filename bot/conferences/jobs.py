"""Sending case-conference reminders from the outbox: call for cases, the day before, starting, follow-up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.conferences import views
from bot.conferences.service import MeetingDetails, meeting_details
from bot.platform import outbox

log = logging.getLogger(__name__)


# --- reminders --------------------------------------------------------------------------------------------------------


def _details_for_delivery(delivery: outbox.Delivery) -> MeetingDetails | None:
    """The meeting a reminder is about, or None when it should no longer be sent (skipped, cancelled, moved)."""
    with delivery.db.session() as session:
        details = meeting_details(session, int(delivery.payload["occurrence_id"]))
    if details is None:
        log.info("conferences: %s is about a meeting that no longer exists", delivery.key)
        return None
    if details.series.cancelled_at is not None or details.occurrence.status != "scheduled":
        log.info("conferences: %s not sent, the meeting was called off", delivery.key)
        return None
    if details.occurrence.revision != int(delivery.payload.get("revision", 0)):
        log.info("conferences: %s not sent, the meeting was moved", delivery.key)
        return None
    return details


def _post(delivery: outbox.Delivery, render: Callable[..., tuple[str, list[dict[str, Any]]]]) -> None:
    details = _details_for_delivery(delivery)
    if details is None:
        return
    text, blocks = render(details, late=delivery.late)
    delivery.client.chat_postMessage(channel=details.series.channel_id, text=text, blocks=blocks)


def send_agenda_call(delivery: outbox.Delivery) -> None:
    _post(delivery, views.agenda_call_message)


def send_day_before(delivery: outbox.Delivery) -> None:
    _post(delivery, views.day_before_message)


def send_starting(delivery: outbox.Delivery) -> None:
    _post(delivery, views.starting_message)


def send_followup(delivery: outbox.Delivery) -> None:
    _post(delivery, views.followup_message)
