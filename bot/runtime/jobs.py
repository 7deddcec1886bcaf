"""Every scheduled job in one list: which function sends each kind of outbox row, and which planners run when.

Adding a feature's job means adding it here; nothing registers itself by being imported.
"""

from datetime import datetime, timedelta

from slack_sdk import WebClient

from bot.celebrations import jobs as celebration_jobs
from bot.conferences import jobs as conference_jobs
from bot.conferences import planning as conference_planning
from bot.digests import jobs as digest_jobs
from bot.directory import jobs as directory_jobs
from bot.partners import jobs as partner_jobs
from bot.platform import maintenance, outbox, pending
from bot.platform.db import Database
from bot.referrals import jobs as referral_jobs
from bot.runtime.scheduler import PeriodicJob, run_planners

SENDERS: dict[str, outbox.Sender] = {
    conference_planning.KIND_AGENDA_CALL: conference_jobs.send_agenda_call,
    conference_planning.KIND_DAY_BEFORE: conference_jobs.send_day_before,
    conference_planning.KIND_STARTING: conference_jobs.send_starting,
    conference_planning.KIND_FOLLOWUP: conference_jobs.send_followup,
    partner_jobs.RENEWAL_KIND: partner_jobs.send_renewal_reminder,
    celebration_jobs.RECAP_KIND: celebration_jobs.send_monthly_recap,
    digest_jobs.DIGEST_KIND: digest_jobs.send_digest,
    digest_jobs.CHART_KIND: digest_jobs.send_digest_chart,
    directory_jobs.OUTDATED_NOTICE_KIND: directory_jobs.send_outdated_notice,
    referral_jobs.ANSWER_NUDGE_KIND: referral_jobs.send_answer_nudge,
    referral_jobs.OUTCOME_NUDGE_KIND: referral_jobs.send_outcome_nudge,
}

PLANNERS: tuple[PeriodicJob, ...] = (
    PeriodicJob("conferences.materialize", conference_planning.PLANNER_SECONDS, conference_planning.materialize_due),
    PeriodicJob("partner_renewals", partner_jobs.PLANNER_SECONDS, partner_jobs.plan_renewal_reminders),
    PeriodicJob("celebration_recaps", celebration_jobs.PLANNER_SECONDS, celebration_jobs.plan_monthly_recaps),
    PeriodicJob("digests", digest_jobs.PLANNER_SECONDS, digest_jobs.plan_digests),
    PeriodicJob("prune_processed_events", maintenance.PRUNE_EVENTS_SECONDS, maintenance.prune_processed_events),
    PeriodicJob("prune_finished_outbox", maintenance.PRUNE_OUTBOX_SECONDS, maintenance.prune_finished_outbox),
    PeriodicJob("prune_pending_text", pending.PRUNE_SECONDS, pending.prune_expired),
)


def tick(db: Database, client: WebClient, *, now: datetime | None = None, grace: timedelta = timedelta(hours=1),
         worker_id: str | None = None) -> outbox.TickResult:
    """One pass of the outbox with every feature's senders (the scheduler's tick, the console and tests)."""
    return outbox.tick(db, client, SENDERS, now=now, grace=grace, worker_id=worker_id)


def plan(db: Database, now: datetime | None = None) -> None:
    """Runs every planner once."""
    run_planners(db, PLANNERS, now)
