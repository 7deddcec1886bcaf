"""`partnerbot report --since DATE [--format md|csv]`: the digest's figures for quarterly partnership reviews.

The Markdown and CSV renderings use the same `DigestData` (and the same wording) as the Slack digest.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date, datetime
from typing import TextIO

from bot.digests.contents import (
    DEMAND_WINDOW_DAYS,
    QUIET_PARTNER_DAYS,
    STALE_RESOURCE_DAYS,
    DigestData,
    build_digest,
)
from bot.digests.views import SECTION_TITLES, change_text, day_text, local_day_text, period_text
from bot.platform import clock
from bot.platform.clock import local_midnight_utc, to_local
from bot.platform.dates import format_when
from bot.platform.db import Database
from bot.referrals.views import duration, percent

REPORT_LIST_LIMIT = 50  # a quarterly review reads longer lists than a DM
FORMATS = ("md", "csv")

_MARKDOWN_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """User-typed names as literal Markdown text."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)


def render_markdown(data: DigestData) -> str:
    tz = data.timezone
    days = data.period_days
    out: list[str] = [
        "# Partnership report",
        "",
        f"{period_text(data)} ({tz}), compared with the {days} days before.",
        "",
    ]

    def section(key: str, lines: list[str]) -> None:
        out.append(f"## {SECTION_TITLES[key]}")
        out.append("")
        out.extend(lines)
        out.append("")

    r = data.resources
    section(
        "resources",
        [
            f"- Added: {change_text(r.added)}",
            f"- Verified: {change_text(r.verified)}",
            f"- Retired: {change_text(r.retired)}",
        ],
    )

    needs = [
        f"- Needs asked about: {change_text(data.needs_asked)}",
        f"- Unmet: {change_text(data.needs_unmet)}",
    ]
    if data.top_needs:
        needs += ["", "| Need | Asked | Before |", "|---|---:|---:|"]
        needs += [f"| {_md(n.label)} | {n.asked.current} | {n.asked.previous} |" for n in data.top_needs]
    else:
        needs.append("- Nobody asked about a need in this period.")
    section("needs", needs)

    if data.unmet_needs:
        unmet = [
            "| Need | Category | Unanswered | Before | In all | First asked |",
            "|---|---|---:|---:|---:|---|",
        ]
        unmet += [
            f"| {_md(n.phrase)} | {_md(n.category_label or '')} | {n.unanswered.current} | {n.unanswered.previous} "
            f"| {n.total_asks} | {local_day_text(n.first_asked_at, tz)} |"
            for n in data.unmet_needs
        ]
    else:
        unmet = ["No unanswered questions in this period."]
    section("unmet", unmet)

    successes = [f"- Celebrated: {change_text(data.successes)}"]
    if data.successes_by_partner:
        successes += ["", "| Partner | Successes | Before |", "|---|---:|---:|"]
        successes += [
            f"| {_md(p.partner_name)} | {p.successes.current} | {p.successes.previous} |"
            for p in data.successes_by_partner
        ]
    if data.quiet_partners:
        successes += ["", f"Not recognized in {QUIET_PARTNER_DAYS} days ({data.quiet_partner_count}):", ""]
        successes += [
            f"- {_md(p.partner_name)}: "
            + (f"last {local_day_text(p.last_recognized_at, tz)}" if p.last_recognized_at else "never")
            for p in data.quiet_partners
        ]
    section("successes", successes)

    if data.upcoming_conferences:
        conferences = ["| When | Conference | Agenda items | Going | Not going |", "|---|---|---:|---:|---:|"]
        conferences += [
            f"| {format_when(to_local(c.start_utc, tz))} | {_md(c.title)} | {c.agenda_items} | {c.going} "
            f"| {c.not_going} |"
            for c in data.upcoming_conferences
        ]
    else:
        conferences = ["None scheduled."]
    section("conferences", conferences)

    checks = data.checks
    stale = [
        f"- Waiting for a check: {change_text(checks.stale)}",
        f"- Never verified: {checks.never_verified} of {checks.active} active resources",
    ]
    for resource in checks.oldest_stale:
        org = f" ({_md(resource.organization)})" if resource.organization else ""
        when = (
            f"last verified {local_day_text(resource.last_verified_at, tz)}"
            if resource.last_verified_at
            else f"never verified, logged {local_day_text(resource.created_at, tz)}"
        )
        stale.append(f"  - {_md(resource.name)}{org}: {when}")
    section("stale", stale)

    renewals = [
        f"- {_md(a.partner_name)}: {_md(a.kind) or 'agreement'} renews {day_text(a.renewal_date)}"
        for a in data.renewals_due
    ] or ["None due."]
    section("renewals", renewals)

    if data.capacity:
        capacity = [
            f"Questions in each partner's service areas over the last {DEMAND_WINDOW_DAYS} days.",
            "",
            "| Partner | Asked | Capacity per month | Current load | Over capacity |",
            "|---|---:|---:|---:|---|",
        ]
        capacity += [
            f"| {_md(p.partner_name)} | {p.demand} | {p.capacity_per_month} | "
            f"{'' if p.current_load is None else p.current_load} | {'yes' if p.over_capacity else 'no'} |"
            for p in data.capacity
        ]
    else:
        capacity = ["No partner has a monthly capacity on record."]
    section("capacity", capacity)
    section("referrals", _referral_rows(data))

    out.append("## Needs per week")
    out.append("")
    out += ["| Week starting | Asked | Unmet |", "|---|---:|---:|"]
    out += [f"| {local_day_text(w.week_start, tz)} | {w.asked} | {w.unmet} |" for w in data.weeks]
    return "\n".join(out) + "\n"


def _referral_rows(data: DigestData) -> list[str]:
    card = data.referrals
    if card is None or not card.by_partner:
        return ["No referrals sent this period."]
    rows = ["| Partner | Sent | Accepted | Median first answer | Loop closed | Connected |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, f in [("All partners", card.total), *card.by_partner]:
        rows.append(f"| {_md(name)} | {f.sent} | {percent(f.acceptance_rate)} | {duration(f.median_answer_seconds)} | "
                    f"{percent(f.closure_rate)} | {percent(f.connected_rate)} |")
    return rows


CSV_COLUMNS = ("section", "item", "value", "previous_value", "change", "date", "note")


def _cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula (names come from users)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)  # figures, negative changes included, stay numbers
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _iso(moment: datetime | date | None, tz: str) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return to_local(moment, tz).date().isoformat()
    return moment.isoformat()


def csv_rows(data: DigestData) -> list[tuple]:
    tz = data.timezone
    rows: list[tuple] = []

    def change(section: str, item: str, c, moment=None, note: str = "") -> None:
        rows.append((section, item, c.current, c.previous, c.delta, _iso(moment, tz), note))

    def fact(section: str, item: str, value="", moment=None, note: str = "") -> None:
        rows.append((section, item, value, "", "", _iso(moment, tz), note))

    fact("period", "start", moment=data.period_start, note=tz)
    fact("period", "end", moment=data.period_end, note="exclusive")
    change("resources", "added", data.resources.added)
    change("resources", "verified", data.resources.verified)
    change("resources", "retired", data.resources.retired)
    change("needs", "asked", data.needs_asked)
    change("needs", "unmet", data.needs_unmet)
    for need in data.top_needs:
        change("needs", need.label, need.asked, note=need.category or "uncategorized")
    for need in data.unmet_needs:
        change(
            "unmet_needs",
            need.phrase,
            need.unanswered,
            moment=need.first_asked_at,
            note=f"{need.total_asks} in all; category {need.category_label or 'none'}",
        )
    change("successes", "celebrated", data.successes)
    for partner in data.successes_by_partner:
        change("successes_by_partner", partner.partner_name, partner.successes)
    for partner in data.quiet_partners:
        fact(
            "partners_not_recognized",
            partner.partner_name,
            moment=partner.last_recognized_at,
            note="" if partner.last_recognized_at else "never recognized",
        )
    for conf in data.upcoming_conferences:
        fact(
            "upcoming_conferences",
            conf.title,
            conf.agenda_items,
            moment=conf.start_utc,
            note=f"{conf.going} going, {conf.not_going} not going; channel {conf.channel_id}",
        )
    fact("resources", "active", data.checks.active)
    fact("resources", "never verified", data.checks.never_verified)
    change("stale_resources", f"not verified in {STALE_RESOURCE_DAYS} days", data.checks.stale)
    for resource in data.checks.oldest_stale:
        fact(
            "stale_resources",
            resource.name,
            moment=resource.last_verified_at or resource.created_at,
            note=("last verified" if resource.last_verified_at else "never verified; logged")
            + (f"; {resource.organization}" if resource.organization else ""),
        )
    for renewal in data.renewals_due:
        fact("renewals_due", renewal.partner_name, moment=renewal.renewal_date, note=renewal.kind)
    for partner in data.capacity:
        fact(
            "capacity",
            partner.partner_name,
            partner.demand,
            note=f"capacity {partner.capacity_per_month}/month; current load "
            f"{'' if partner.current_load is None else partner.current_load}"
            + ("; over capacity" if partner.over_capacity else ""),
        )
    for week in data.weeks:
        fact("weekly_needs", "asked", week.asked, moment=week.week_start)
        fact("weekly_needs", "unmet", week.unmet, moment=week.week_start)
    return rows


def render_csv(data: DigestData) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(data):
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def render(data: DigestData, fmt: str) -> str:
    return render_csv(data) if fmt == "csv" else render_markdown(data)


def run_cli(
    since: date, fmt: str, team_id: str, settings, *, now: datetime | None = None, out: TextIO | None = None
) -> int:
    """Prints the report from the start of `since` (in the default time zone) until now. Returns an exit code."""

    out = out or sys.stdout
    if fmt not in FORMATS:
        print(f"partnerbot: --format must be md or csv (got {fmt!r}).", file=sys.stderr)
        return 2
    now = now or clock.utcnow()
    period_start = local_midnight_utc(since, settings.default_timezone)
    if period_start >= now:
        print(f"partnerbot: --since must be a day in the past (got {since.isoformat()}).", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        if not db.current_revisions():
            print(
                "partnerbot: the database has no partnerbot tables yet; run `partnerbot db upgrade` first.",
                file=sys.stderr,
            )
            return 1
        with db.session() as session:
            data = build_digest(
                session,
                team_id,
                period_start,
                now,
                timezone=settings.default_timezone,
                list_limit=REPORT_LIST_LIMIT,
            )
    finally:
        db.dispose()
    out.write(render(data, fmt))
    return 0
