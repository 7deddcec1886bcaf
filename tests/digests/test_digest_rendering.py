"""The digest's renderings (Block Kit, Markdown, CSV, chart) from hand-made figures: no database involved."""

import csv
import io
import json
import struct
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.digests.chart import ALT_TEXT_LIMIT, chart_alt_text, needs_chart_png
from bot.digests.contents import (
    Change,
    DigestData,
    NeedDemand,
    PartnerCapacity,
    PartnerSuccesses,
    QuietPartner,
    RenewalDue,
    ResourceActivity,
    ResourceChecks,
    StaleResource,
    UnmetNeedLine,
    UpcomingConference,
    WeekOfNeeds,
    period_for,
)
from bot.digests.report import render_csv, render_markdown
from bot.digests.views import change_text, digest_blocks, digest_fallback_text, period_text

TZ = "America/New_York"
# The week of Mon 9 Nov to Sun 15 Nov 2026 in New York (UTC-5 in November).
START = datetime(2026, 11, 9, 5, tzinfo=UTC)
END = datetime(2026, 11, 16, 5, tzinfo=UTC)


def empty_digest(**changes) -> DigestData:
    zero = Change(0, 0)
    data = DigestData(
        team_id="T1",
        period_start=START,
        period_end=END,
        previous_start=START - timedelta(days=7),
        timezone=TZ,
        resources=ResourceActivity(zero, zero, zero),
        needs_asked=zero,
        needs_unmet=zero,
        top_needs=[],
        unmet_needs=[],
        successes=zero,
        successes_by_partner=[],
        quiet_partners=[],
        quiet_partner_count=0,
        upcoming_conferences=[],
        checks=ResourceChecks(active=0, never_verified=0, stale=zero, oldest_stale=[]),
        renewals_due=[],
        capacity=[],
        weeks=[WeekOfNeeds(END - timedelta(weeks=8 - i), 0, 0) for i in range(8)],
    )
    return replace(data, **changes)


def full_digest() -> DigestData:
    return empty_digest(
        resources=ResourceActivity(Change(12, 9), Change(4, 6), Change(1, 1)),
        needs_asked=Change(40, 30),
        needs_unmet=Change(7, 9),
        top_needs=[
            NeedDemand("food", "Food", Change(20, 11)),
            NeedDemand("housing", "Housing", Change(8, 10)),
        ],
        unmet_needs=[
            UnmetNeedLine(
                "dental care for adults",
                "Health care",
                Change(5, 2),
                31,
                datetime(2026, 10, 3, 15, tzinfo=UTC),
                END,
            ),
            UnmetNeedLine(
                "<!channel> diapers", None, Change(2, 0), 2, datetime(2026, 11, 10, 14, tzinfo=UTC), END
            ),
        ],
        successes=Change(3, 1),
        successes_by_partner=[
            PartnerSuccesses("Eastside Pantry", Change(2, 1)),
            PartnerSuccesses("=Clinic", Change(1, 0)),
        ],
        quiet_partners=[
            QuietPartner("Legal Aid", datetime(2026, 8, 2, 15, tzinfo=UTC)),
            QuietPartner("Shelter & Co", None),
        ],
        quiet_partner_count=5,
        upcoming_conferences=[
            UpcomingConference(
                "Monthly case conference", "C123", datetime(2026, 11, 17, 15, tzinfo=UTC), 4, 6, 1
            )
        ],
        checks=ResourceChecks(
            active=40,
            never_verified=15,
            stale=Change(23, 20),
            oldest_stale=[
                StaleResource(
                    "Rent Help", "County", datetime(2026, 1, 3, 15, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
                ),
                StaleResource("Bus passes", "", None, datetime(2025, 2, 1, 15, tzinfo=UTC)),
            ],
        ),
        renewals_due=[RenewalDue("Eastside Pantry", "MOU", date(2026, 12, 31))],
        capacity=[
            PartnerCapacity("Eastside Pantry", 30, 12, 25),
            PartnerCapacity("Legal Aid", 50, None, 10),
        ],
        weeks=[WeekOfNeeds(END - timedelta(weeks=8 - i), 10 + i, i) for i in range(8)],
    )


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def section_text(blocks: list[dict], title: str) -> str:
    for block in blocks:
        if block["type"] == "section" and block["text"]["text"].startswith(f"*{title}"):
            return block["text"]["text"]
    raise AssertionError(f"no section titled {title!r}")


def test_change_text_says_the_direction_in_words():
    assert change_text(Change(12, 9)) == "12 (up 3 from 9)"
    assert change_text(Change(4, 6)) == "4 (down 2 from 6)"
    assert change_text(Change(5, 5)) == "5 (same as before)"
    assert change_text(Change(12345, 9)) == "12,345 (up 12,336 from 9)"


def test_renewal_tomorrow_and_a_category_named_like_its_phrase():
    blocks = digest_blocks(
        empty_digest(
            renewals_due=[RenewalDue("Legal Aid", "MOU", date(2026, 11, 17))],
            unmet_needs=[UnmetNeedLine("food", "Food", Change(3, 1), 1200, START, END)],
        )
    )
    assert "Legal Aid: MOU renews 17 Nov 2026 (tomorrow)" in section_text(blocks, "Agreements due")
    assert "• “food”: 3 (up 2 from 1) this week, 1,200 in all" in section_text(blocks, "Unmet needs")


def test_period_for_weekly_and_daily_uses_whole_local_days():
    # Delivered Monday 16 Nov in New York: the week before, midnight to midnight local time.
    assert period_for("weekly", date(2026, 11, 16), TZ) == (START, END)
    assert period_for("daily", date(2026, 11, 16), TZ) == (datetime(2026, 11, 15, 5, tzinfo=UTC), END)
    # Across the end of daylight saving time (1 Nov 2026) the local week is 169 hours long.
    start, end = period_for("weekly", date(2026, 11, 2), TZ)
    assert (start, end) == (datetime(2026, 10, 26, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC))
    # Every other week: the two weeks before.
    assert period_for("biweekly", date(2026, 11, 16), TZ) == (START - timedelta(days=7), END)


def test_full_digest_blocks_show_every_section_with_changes():
    data = full_digest()
    blocks = digest_blocks(data)
    assert blocks[0]["type"] == "header"
    assert "9 Nov 2026 to 15 Nov 2026" in blocks[1]["elements"][0]["text"]
    assert len(blocks) <= 50
    assert section_text(blocks, "Resources") == (
        "*Resources*\nAdded: 12 (up 3 from 9)\nVerified: 4 (down 2 from 6)\nRetired: 1 (same as before)"
    )
    needs = section_text(blocks, "Needs asked about most")
    assert "Needs asked about: 40 (up 10 from 30) · unmet: 7 (down 2 from 9)" in needs
    assert "• Food: 20 (up 9 from 11)" in needs
    unmet = section_text(blocks, "Unmet needs")
    assert "dental care for adults" in unmet and "first asked 3 Oct 2026" in unmet and "31 in all" in unmet
    # Text users typed is echoed without pinging the channel.
    assert "<!channel>" not in unmet and "@\u200bchannel diapers" in unmet
    successes = section_text(blocks, "Successes")
    assert "Eastside Pantry: 2 (up 1 from 1)" in successes
    assert "Legal Aid (last 2 Aug 2026), Shelter &amp; Co (never) and 3 more" in successes
    conferences = section_text(blocks, "Case conferences")
    assert "<#C123>" in conferences and "4 agenda items, 6 going, 1 not going" in conferences
    assert "<!date^" in conferences  # shown in each reader's own time zone
    # Where Slack cannot, the same moment in the digest's zone, in the words the rest of partnerbot uses.
    assert "|Tue Nov 17, 2026 at 10am (America/New_York)>" in conferences
    stale = section_text(blocks, "Resources not verified")
    assert "23 (up 3 from 20)" in stale and "Bus passes: never verified, logged 1 Feb 2025" in stale
    assert "15 of the 40 active resources have never been verified" in stale
    renewals = section_text(blocks, "Agreements due")
    assert "Eastside Pantry: MOU renews 31 Dec 2026 (in 45 days)" in renewals
    capacity = section_text(blocks, "Capacity against demand")
    assert "Eastside Pantry: 25 asked, capacity 30/month, current load 12 :warning: over capacity" in capacity
    assert "Legal Aid: 10 asked, capacity 50/month" in capacity and capacity.count(":warning:") == 1


def test_empty_digest_says_so_in_every_section():
    blocks = digest_blocks(empty_digest())
    assert "No resources were added, verified or retired this week" in section_text(blocks, "Resources")
    assert "Nobody asked partnerbot about a need this week" in section_text(blocks, "Needs asked about most")
    assert "No unanswered questions this week" in section_text(blocks, "Unmet needs")
    assert "No successes were celebrated" in section_text(blocks, "Successes")
    assert "No case conferences are scheduled" in section_text(blocks, "Case conferences")
    assert "The directory has no active resources yet" in section_text(blocks, "Resources not verified")
    assert "No agreements are due" in section_text(blocks, "Agreements due")
    assert "No partner has a monthly capacity" in section_text(blocks, "Capacity against demand")


def test_nothing_overdue_is_not_read_as_everything_verified():
    """16 resources logged lately, 15 never verified: none is overdue, but they were not all verified."""
    checks = ResourceChecks(active=16, never_verified=15, stale=Change(0, 0), oldest_stale=[])
    stale = section_text(digest_blocks(empty_digest(checks=checks)), "Resources not verified")
    assert "Every active resource was verified" not in stale
    assert "None is overdue: each active resource was logged or verified in the last 180 days." in stale
    assert "15 of the 16 active resources have never been verified." in stale
    everyone = replace(checks, never_verified=0)
    assert "Every one of the 16 active resources has been verified at least once." in section_text(
        digest_blocks(empty_digest(checks=everyone)), "Resources not verified"
    )
    nobody = replace(checks, never_verified=16)
    assert "None of the 16 active resources has ever been verified." in section_text(
        digest_blocks(empty_digest(checks=nobody)), "Resources not verified"
    )
    assert "- Never verified: 15 of 16 active resources" in render_markdown(empty_digest(checks=checks))


def test_all_questions_answered_is_celebrated_not_reported_as_empty():
    blocks = digest_blocks(empty_digest(needs_asked=Change(5, 0)))
    assert "Every question this week found at least one resource" in section_text(blocks, "Unmet needs")


def test_late_note_and_fallback_text():
    data = full_digest()
    blocks = digest_blocks(data, late_note="This digest was due at 9:00 and is late.")
    assert any(":hourglass:" in json.dumps(b) for b in blocks)
    assert digest_fallback_text(data) == (
        "Partnership digest for 9 Nov 2026 to 15 Nov 2026: 40 needs asked about, 7 unmet, 3 successes."
    )


def test_long_lists_are_cut_to_fit_a_section_and_say_how_many_more():
    needs = [NeedDemand(f"n{i}", "x" * 100 + str(i), Change(i, 0)) for i in range(60)]
    blocks = digest_blocks(empty_digest(top_needs=needs, needs_asked=Change(60, 0)))
    text = section_text(blocks, "Needs asked about most")
    assert len(text) <= 3000
    assert "more_" in text


def test_biweekly_digest_speaks_of_two_weeks():
    data = empty_digest(period_start=END - timedelta(days=14), previous_start=END - timedelta(days=28))
    assert period_text(data) == "2 Nov 2026 to 15 Nov 2026"
    assert "compared with the two weeks before" in all_text(digest_blocks(data))
    assert "No unanswered questions these two weeks." in all_text(digest_blocks(data))


def test_daily_period_text():
    data = empty_digest(period_start=END - timedelta(days=1), previous_start=END - timedelta(days=2))
    assert period_text(data) == "15 Nov 2026"
    assert "No resources were added, verified or retired this day" in all_text(digest_blocks(data))


def test_markdown_report_has_every_section_and_escapes_names():
    text = render_markdown(full_digest())
    for heading in (
        "## Resources",
        "## Needs asked about most",
        "## Unmet needs",
        "## Successes",
        "## Case conferences in the next 14 days",
        "## Resources not verified in 180 days",
        "## Agreements due for renewal in 90 days",
        "## Capacity against demand",
        "## Needs per week",
    ):
        assert heading in text
    assert "- Added: 12 (up 3 from 9)" in text
    assert "| dental care for adults | Health care | 5 | 2 | 31 | 3 Oct 2026 |" in text
    assert "| Eastside Pantry | 25 | 30 | 12 | yes |" in text
    assert "| Tue Nov 17, 2026 at 10am | Monthly case conference | 4 | 6 | 1 |" in text  # local time
    assert "\\<!channel\\> diapers" in text


def test_csv_report_rows_carry_figures_and_defuse_formulas():
    rows = list(csv.DictReader(io.StringIO(render_csv(full_digest()))))
    by_item = {(r["section"], r["item"]): r for r in rows}
    added = by_item[("resources", "added")]
    assert (added["value"], added["previous_value"], added["change"]) == ("12", "9", "3")
    unanswered = by_item[("needs", "unmet")]
    assert unanswered["change"] == "-2"
    dental = by_item[("unmet_needs", "dental care for adults")]
    assert dental["date"] == "2026-10-03" and dental["value"] == "5"
    # A partner named "=Clinic" must not become a spreadsheet formula.
    assert ("successes_by_partner", "'=Clinic") in by_item
    weekly = [r for r in rows if r["section"] == "weekly_needs" and r["item"] == "asked"]
    assert [int(r["value"]) for r in weekly] == [10, 11, 12, 13, 14, 15, 16, 17]


def test_empty_csv_has_header_and_zero_figures():
    rows = list(csv.DictReader(io.StringIO(render_csv(empty_digest()))))
    assert {r["section"] for r in rows} >= {
        "period",
        "resources",
        "needs",
        "successes",
        "stale_resources",
    }
    assert all(r["value"] in ("", "0") for r in rows if r["section"] != "period")


def test_chart_is_a_png_and_alt_text_lists_every_week():
    weeks = full_digest().weeks
    png = needs_chart_png(weeks, TZ)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (800, 400)
    alt = chart_alt_text(weeks, TZ)
    assert "8 weeks" in alt
    assert "In all 108 asked and 28 unmet" in alt
    assert "week of 21 Sep: 10 asked, 0 unmet" in alt and "week of 9 Nov: 17 asked, 7 unmet" in alt


def test_chart_alt_text_stays_within_slack_limit():
    weeks = [WeekOfNeeds(START + timedelta(weeks=i), 10**9, 10**9) for i in range(40)]
    assert len(chart_alt_text(weeks, TZ)) <= ALT_TEXT_LIMIT
    assert chart_alt_text([], TZ).endswith("no weeks to show.")
