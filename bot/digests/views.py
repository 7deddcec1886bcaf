"""Block Kit for the manager digest and the replies to /digest. Pure functions of data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.digests.contents import (
    DEMAND_WINDOW_DAYS,
    QUIET_PARTNER_DAYS,
    RENEWAL_WINDOW_DAYS,
    STALE_RESOURCE_DAYS,
    UPCOMING_CONFERENCE_DAYS,
    Change,
    DigestData,
)
from bot.platform.clock import as_utc, to_local
from bot.platform.dates import format_when
from bot.platform.slacktext import safe
from bot.referrals.views import digest_section

SECTION_TEXT_LIMIT = 2900  # Slack allows 3000 characters in a section; keep room for the "and N more" line.

# Section keys, shared with the Markdown and CSV report so all three speak of the same things.
SECTION_TITLES = {
    "resources": "Resources",
    "needs": "Needs asked about most",
    "unmet": "Unmet needs",
    "successes": "Successes",
    "conferences": f"Case conferences in the next {UPCOMING_CONFERENCE_DAYS} days",
    "stale": f"Resources not verified in {STALE_RESOURCE_DAYS} days",
    "renewals": f"Agreements due for renewal in {RENEWAL_WINDOW_DAYS} days",
    "capacity": "Capacity against demand",
    "referrals": "Referrals and the loop closed",
}


# --- Wording shared by every rendering -----------------------------------------------------------------------


def period_noun(data: DigestData) -> str:
    days = data.period_days
    if days == 1:
        return "day"
    if days == 7:
        return "week"
    if days == 14:
        return "two weeks"
    return f"{days} days"


def this_period(noun: str) -> str:
    """ "this week", "these two weeks"."""
    return f"this {noun}" if noun in ("day", "week") else f"these {noun}"


def change_text(change: Change) -> str:
    """ "12 (up 3 from 9)": the change in words, readable aloud by a screen reader."""
    if change.delta > 0:
        return f"{change.current:,} (up {change.delta:,} from {change.previous:,})"
    if change.delta < 0:
        return f"{change.current:,} (down {-change.delta:,} from {change.previous:,})"
    return f"{change.current:,} (same as before)"


def day_text(day: date | datetime) -> str:
    return f"{day.day} {day:%b %Y}"


def local_day_text(moment: datetime, timezone: str) -> str:
    return day_text(to_local(moment, timezone))


def period_text(data: DigestData) -> str:
    """The local days the digest covers, e.g. "16 Nov 2026 to 22 Nov 2026" or "22 Nov 2026"."""
    first = to_local(data.period_start, data.timezone).date()
    last = (to_local(data.period_end, data.timezone) - timedelta(microseconds=1)).date()
    if first >= last:
        return day_text(first)
    return f"{day_text(first)} to {day_text(last)}"


def slack_date(moment: datetime, token: str, timezone: str) -> str:
    """A `<!date^…>` token, which Slack shows in each reader's own time zone; where it cannot, the fallback is the
    same moment in `timezone`, in the words the rest of partnerbot uses ("Tue Dec 1, 2026 at 4:05pm")."""
    fallback = f"{format_when(to_local(moment, timezone))} ({timezone})"
    return f"<!date^{int(as_utc(moment).timestamp())}^{token}|{fallback}>"


def _lines_text(lines: list[str], total: int | None = None) -> str:
    """Joins bullet lines, stopping before Slack's section limit and saying how many were left out."""
    total = len(lines) if total is None else total
    kept: list[str] = []
    length = 0
    for line in lines:
        if length + len(line) + 1 > SECTION_TEXT_LIMIT:
            break
        kept.append(line)
        length += len(line) + 1
    if total > len(kept):
        kept.append(f"_…and {total - len(kept)} more_")
    return "\n".join(kept)


# --- Blocks ----------------------------------------------------------------------------------------------------


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _titled(key: str, body: str) -> dict:
    return _section(f"*{SECTION_TITLES[key]}*\n{body}")


def _resources_body(data: DigestData, noun: str) -> str:
    if data.resources.is_empty:
        return f"No resources were added, verified or retired {this_period(noun)} or the {noun} before."
    r = data.resources
    return f"Added: {change_text(r.added)}\nVerified: {change_text(r.verified)}\nRetired: {change_text(r.retired)}"


def _needs_body(data: DigestData, noun: str) -> str:
    totals = f"Needs asked about: {change_text(data.needs_asked)} · unmet: {change_text(data.needs_unmet)}"
    if not data.top_needs:
        return f"Nobody asked partnerbot about a need {this_period(noun)}.\n{totals}"
    lines = [f"• {safe(need.label)}: {change_text(need.asked)}" for need in data.top_needs]
    return totals + "\n" + _lines_text(lines)


def _unmet_body(data: DigestData, noun: str) -> str:
    if not data.unmet_needs:
        if data.needs_asked.current:
            return f"Every question {this_period(noun)} found at least one resource. :tada:"
        return f"No unanswered questions {this_period(noun)}."
    lines = []
    for need in data.unmet_needs:
        # A recognized category is its own phrase; name the category only when it adds something.
        same = (need.category_label or "").lower() == need.phrase.lower()
        category = f" ({safe(need.category_label)})" if need.category_label and not same else ""
        lines.append(
            f"• “{safe(need.phrase)}”{category}: {change_text(need.unanswered)} {this_period(noun)}, "
            f"{need.total_asks:,} in all, first asked {local_day_text(need.first_asked_at, data.timezone)}"
        )
    return (
        "_Questions no resource answered, most asked first: the seed of the next partnership._\n"
        + _lines_text(lines)
    )


def _successes_body(data: DigestData, noun: str) -> str:
    parts = []
    if data.successes.current or data.successes.previous:
        parts.append(f"Celebrated: {change_text(data.successes)}")
        lines = [f"• {safe(p.partner_name)}: {change_text(p.successes)}" for p in data.successes_by_partner]
        if lines:
            parts.append(_lines_text(lines))
    else:
        parts.append(
            f"No successes were celebrated {this_period(noun)} or the {noun} before. `/celebrate` recognizes a partner."
        )
    if data.quiet_partners:
        names = []
        for partner in data.quiet_partners:
            when = (
                f"last {local_day_text(partner.last_recognized_at, data.timezone)}"
                if partner.last_recognized_at
                else "never"
            )
            names.append(f"{safe(partner.partner_name)} ({when})")
        more = data.quiet_partner_count - len(data.quiet_partners)
        tail = f" and {more} more" if more > 0 else ""
        parts.append(f"Not recognized in {QUIET_PARTNER_DAYS} days: " + ", ".join(names) + tail)
    return "\n".join(parts)


def _conferences_body(data: DigestData) -> str:
    if not data.upcoming_conferences:
        return f"No case conferences are scheduled in the next {UPCOMING_CONFERENCE_DAYS} days."
    lines = []
    for conf in data.upcoming_conferences:
        when = slack_date(conf.start_utc, "{date_short_pretty} at {time}", data.timezone)
        agenda = (
            "no agenda items yet"
            if not conf.agenda_items
            else f"{conf.agenda_items} agenda item" + ("s" if conf.agenda_items != 1 else "")
        )
        lines.append(
            f"• {when} *{safe(conf.title)}* in <#{conf.channel_id}>: {agenda}, "
            f"{conf.going} going, {conf.not_going} not going"
        )
    return _lines_text(lines)


def _never_verified_text(data: DigestData) -> str:
    checks = data.checks
    if not checks.never_verified:
        return f"Every one of the {checks.active:,} active resources has been verified at least once."
    if checks.never_verified == checks.active:
        return f"None of the {checks.active:,} active resources has ever been verified."
    return f"{checks.never_verified:,} of the {checks.active:,} active resources have never been verified."


def _stale_body(data: DigestData) -> str:
    checks = data.checks
    if not checks.active:
        return "The directory has no active resources yet."
    if not checks.stale.current:
        lines = [
            f"None is overdue: each active resource was logged or verified in the last {STALE_RESOURCE_DAYS} "
            f"days. {_never_verified_text(data)}"
        ]
    else:
        lines = [f"Waiting for a check: {change_text(checks.stale)}. {_never_verified_text(data)}"]
    if checks.oldest_stale:
        lines.append("Longest unchecked:")
    for resource in checks.oldest_stale:
        org = f" ({safe(resource.organization)})" if resource.organization else ""
        if resource.last_verified_at:
            when = f"last verified {local_day_text(resource.last_verified_at, data.timezone)}"
        else:
            when = f"never verified, logged {local_day_text(resource.created_at, data.timezone)}"
        lines.append(f"• {safe(resource.name)}{org}: {when}")
    return _lines_text(lines, total=len(lines))


def _renewals_body(data: DigestData) -> str:
    if not data.renewals_due:
        return f"No agreements are due for renewal in the next {RENEWAL_WINDOW_DAYS} days."
    today = to_local(data.period_end, data.timezone).date()
    lines = []
    for renewal in data.renewals_due:
        days = (renewal.renewal_date - today).days
        left = "today" if days == 0 else ("tomorrow" if days == 1 else f"in {days} days")
        kind = f" {safe(renewal.kind)}" if renewal.kind else " agreement"
        lines.append(
            f"• {safe(renewal.partner_name)}:{kind} renews {day_text(renewal.renewal_date)} ({left})"
        )
    return _lines_text(lines)


def _capacity_body(data: DigestData) -> str:
    if not data.capacity:
        return "No partner has a monthly capacity on record."
    lines = [f"_Questions in each partner's service areas over the last {DEMAND_WINDOW_DAYS} days._"]
    for partner in data.capacity:
        load = f", current load {partner.current_load}" if partner.current_load is not None else ""
        flag = " :warning: over capacity" if partner.over_capacity else ""
        lines.append(
            f"• {safe(partner.partner_name)}: {partner.demand:,} asked, capacity {partner.capacity_per_month:,}/month"
            f"{load}{flag}"
        )
    return _lines_text(lines)


def digest_blocks(data: DigestData, *, late_note: str | None = None) -> list[dict]:
    """The digest as a DM. `late_note` says the digest arrived after its scheduled time."""
    noun = period_noun(data)
    context = f"{period_text(data)} ({data.timezone}), compared with the {noun} before"
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Partnership digest"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
    ]
    if late_note:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f":hourglass: {late_note}"}]}
        )

    bodies = {
        "resources": lambda: _resources_body(data, noun),
        "needs": lambda: _needs_body(data, noun),
        "unmet": lambda: _unmet_body(data, noun),
        "successes": lambda: _successes_body(data, noun),
        "conferences": lambda: _conferences_body(data),
        "stale": lambda: _stale_body(data),
        "renewals": lambda: _renewals_body(data),
        "capacity": lambda: _capacity_body(data),
        "referrals": lambda: digest_section(data.referrals) if data.referrals else "No referrals sent this period.",
    }
    for key, body in bodies.items():
        blocks.append({"type": "divider"})
        blocks.append(_titled(key, body()))
    return blocks


def digest_fallback_text(data: DigestData) -> str:
    """The notification text (and what screen readers announce first)."""
    return (
        f"Partnership digest for {period_text(data)}: {data.needs_asked.current} needs asked about, "
        f"{data.needs_unmet.current} unmet, {data.successes.current} successes."
    )


# --- Replies to /digest -------------------------------------------------------------------------------------


def subscribed_text(schedule_text: str, created: bool) -> str:
    verb = "You're subscribed" if created else "Your digest schedule is updated"
    return (
        f":white_check_mark: {verb}: I'll DM you the partnership digest {schedule_text}. "
        "`/digest preview` shows one now; `/digest unsubscribe` stops it."
    )


def status_text(schedule_text: str | None) -> str:
    if schedule_text is None:
        return "You don't get a digest yet. Try `/digest subscribe weekly on monday at 9am`, or `/digest help`."
    return f"You get the partnership digest {schedule_text}. `/digest unsubscribe` stops it."


def unsubscribed_text(was_subscribed: bool) -> str:
    if was_subscribed:
        return "Done: no more digests. `/digest subscribe` starts them again."
    return "You weren't subscribed, so nothing changed."


def preview_sent_text(data: DigestData) -> str:
    """Where the preview went: a direct message from partnerbot (a DM has no #name to point at)."""
    return f"I sent you a preview of the digest for the last {period_noun(data)} as a direct message from me."
