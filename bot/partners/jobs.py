"""Agreement renewal reminders: planned 90 and 30 days before a renewal date, sent through the outbox."""

from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from bot.partners.views import renewal_reminder_blocks
from bot.platform import outbox
from bot.platform.clock import at_local_time, local_today, utcnow
from models.partners import AGREEMENT_KINDS, Agreement, Partner

RENEWAL_KIND = "partner_renewal"
PLANNER_SECONDS = 3600
RENEWAL_REMINDER_DAYS = (90, 30)  # to the partner's owner, before the renewal date
RENEWAL_REMINDER_LOCAL_TIME = time(9, 0)


def reminder_key(agreement: Agreement, days: int) -> str:
    return f"renewal:{agreement.id}:{days}:{agreement.renewal_date.isoformat()}:r{agreement.revision}"


def plan_agreement_reminders(session: Session, agreement: Agreement, partner: Partner, now: datetime) -> int:
    """Enqueues the reminders still ahead of us (idempotent; a reminder whose day has passed is not planned)."""
    if agreement.renewal_date is None:
        return 0
    planned = 0
    for days in RENEWAL_REMINDER_DAYS:
        due_at = at_local_time(
            agreement.renewal_date - timedelta(days=days), RENEWAL_REMINDER_LOCAL_TIME, partner.timezone
        )
        if due_at < now - timedelta(hours=1):
            continue
        planned += outbox.enqueue(
            session,
            team_id=partner.team_id,
            key=reminder_key(agreement, days),
            kind=RENEWAL_KIND,
            due_at=due_at,
            payload={
                "agreement_id": agreement.id,
                "revision": agreement.revision,
                "days": days,
                "owner_user_id": partner.owner_user_id,
                "description": f"the renewal reminder for {AGREEMENT_KINDS[agreement.kind]} with {partner.name}",
            },
        )
    return planned


def plan_renewal_reminders(db, now: datetime) -> None:
    """Catches agreements whose reminders are not planned yet (e.g. after an import or a restore)."""
    with db.session() as session:
        rows = session.exec(
            select(Agreement, Partner)
            .join(Partner, Partner.id == Agreement.partner_id)
            .where(
                Agreement.renewal_date.is_not(None),
                Agreement.renewal_date >= (now - timedelta(days=1)).date(),
            )
        ).all()
        for agreement, partner in rows:
            plan_agreement_reminders(session, agreement, partner, now)


def send_renewal_reminder(delivery: outbox.Delivery) -> None:

    with delivery.db.session() as session:
        agreement = session.get(Agreement, delivery.payload["agreement_id"])
        if agreement is None or agreement.revision != delivery.payload.get("revision"):
            return  # the agreement was removed or its date changed; its new reminders carry the new date
        partner = session.get(Partner, agreement.partner_id)
        days_left = (agreement.renewal_date - local_today(utcnow(), partner.timezone)).days
        text, blocks = renewal_reminder_blocks(
            partner_name=partner.name,
            partner_id=partner.id,
            agreement_label=AGREEMENT_KINDS[agreement.kind],
            renewal_date=agreement.renewal_date,
            days_left=days_left,
            late=delivery.late,
        )
        owner = partner.owner_user_id
    delivery.client.chat_postMessage(channel=owner, text=text, blocks=blocks)
