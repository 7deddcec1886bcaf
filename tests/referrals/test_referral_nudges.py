"""Referral nudges through the outbox: the partner after N business days without an answer (holidays skipped),
the referrer when an accepted referral has no outcome after M days; each sent exactly once, across a restart."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.referrals import views
from bot.referrals.jobs import ANSWER_NUDGE_KIND, OUTCOME_NUDGE_KIND, after_business_days
from bot.runtime import jobs
from bot.runtime.app import build_app
from bot.runtime.slack_client import build_client
from models.platform import OutboxMessage
from tests.referrals.helpers import CONTACT, PARTNER_TEAM, SHARED, harbor, referrals


def _row(db, kind):
    with db.session() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).one()
        session.expunge(row)
        return row


def test_business_days_skip_weekends_and_public_holidays():
    # Sent Wednesday before Thanksgiving (US) at 3 pm New York: Thursday is a holiday, then a weekend.
    sent = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)
    assert after_business_days(sent, 2, "America/New_York", "US") == datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    assert after_business_days(sent, 2, "America/New_York", None) == datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def test_the_partner_is_nudged_once_even_after_a_restart(slack, fake_slack, db):
    harbor(db)
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    [referral] = referrals(db)
    due = _row(db, ANSWER_NUDGE_KIND).due_at
    assert due - referral.sent_at >= timedelta(days=2)
    fake_slack.reset()
    assert jobs.tick(db, slack.client, now=due - timedelta(minutes=1), worker_id="a").sent == 0
    assert jobs.tick(db, slack.client, now=due + timedelta(minutes=1), worker_id="a").sent == 1
    # A restarted process: a new app and client, the same database.
    restarted = build_app(slack.app_settings, db, client=build_client(slack.app_settings))
    assert jobs.tick(db, restarted.client, now=due + timedelta(minutes=2), worker_id="b").sent == 0
    [nudge] = fake_slack.calls("chat.postMessage")
    assert nudge.args["channel"] == SHARED and referral.code in nudge.text_content()
    assert f"<@{CONTACT}>" in nudge.text_content()


def test_an_answered_referral_is_not_nudged_and_the_referrer_is_asked_for_the_outcome(slack, fake_slack, db):
    harbor(db)
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    [referral] = referrals(db)
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user=CONTACT, user_team=PARTNER_TEAM, channel=SHARED)
    answer_due, outcome_due = _row(db, ANSWER_NUDGE_KIND).due_at, _row(db, OUTCOME_NUDGE_KIND).due_at
    assert outcome_due - referrals(db)[0].accepted_at == timedelta(days=14)
    fake_slack.reset()
    jobs.tick(db, slack.client, now=answer_due + timedelta(minutes=1))
    assert fake_slack.calls("chat.postMessage") == []
    assert jobs.tick(db, slack.client, now=outcome_due + timedelta(minutes=1)).sent == 1
    assert jobs.tick(db, slack.client, now=outcome_due + timedelta(minutes=5)).sent == 0
    [nudge] = fake_slack.calls("chat.postMessage")
    assert nudge.args["channel"] == "U1" and referral.code in nudge.text_content()
    assert views.CONNECTED_ACTION in nudge.text_content()
