"""build_digest against a known history, on both databases: every section, changes and empty states."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.digests.contents import build_digest, period_for, week_starts
from bot.platform.clock import to_local
from models.celebrations import Success, SuccessPartner
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from models.directory import Resource
from models.partners import Agreement, Partner, PartnerService
from models.search import QuestionLog, UnmetNeed

TZ = "America/New_York"
TEAM = "T1"
# The digest delivered Monday 16 Nov 2026 covers Mon 9 to Sun 15 Nov (New York); the week before starts 2 Nov.
START, END = period_for("weekly", date(2026, 11, 16), TZ)
PREVIOUS = START - timedelta(days=7)


def at(year, month, day, hour=15) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def resource(session, name, created, *, verified=None, retired=None, team=TEAM, organization=""):
    session.add(
        Resource(
            team_id=team,
            name=name,
            normalized_name=name.lower(),
            organization=organization,
            normalized_organization=organization.lower(),
            created_at=created,
            updated_at=created,
            verified_at=verified,
            retired_at=retired,
        )
    )


def question(session, asked, need_key, category, result_count, team=TEAM):
    session.add(
        QuestionLog(
            team_id=team, asked_at=asked, need_key=need_key, category=category, result_count=result_count
        )
    )


def partner(session, name, *, created=at(2026, 1, 1), capacity=None, load=None, services=()) -> Partner:
    row = Partner(
        team_id=TEAM,
        name=name,
        normalized_name=name.lower(),
        capacity_per_month=capacity,
        current_load=load,
        owner_user_id="UOWNER",
        created_at=created,
        updated_at=created,
    )
    session.add(row)
    session.flush()
    for category in services:
        session.add(PartnerService(partner_id=row.id, category=category, team_id=TEAM))
    return row


def success(session, celebrated, partners=()):
    row = Success(
        team_id=TEAM,
        channel_id="C1",
        author_user_id="U1",
        author_team_id=TEAM,
        text="Housed a family",
        celebrated_at=celebrated,
    )
    session.add(row)
    session.flush()
    for p in partners:
        session.add(SuccessPartner(success_id=row.id, partner_id=p.id, team_id=TEAM))


def series(session, title, channel, *, cancelled=None) -> ConferenceSeries:
    row = ConferenceSeries(
        team_id=TEAM,
        channel_id=channel,
        title=title,
        owner_user_id="UOWNER",
        timezone=TZ,
        start_local=datetime(2026, 1, 6, 10),
        created_at=at(2026, 1, 1),
        updated_at=at(2026, 1, 1),
        cancelled_at=cancelled,
    )
    session.add(row)
    session.flush()
    return row


def meeting(session, parent, start, *, status="scheduled", agenda=0, going=0, not_going=0):
    local = start.replace(tzinfo=None)
    row = ConferenceOccurrence(
        team_id=TEAM,
        series_id=parent.id,
        original_local=local,
        start_local=local,
        start_utc=start,
        status=status,
        created_at=at(2026, 1, 1),
    )
    session.add(row)
    session.flush()
    for i in range(agenda):
        session.add(
            AgendaItem(team_id=TEAM, occurrence_id=row.id, text=f"case {i}", added_by="U1", added_at=start)
        )
    for i in range(going):
        session.add(
            Rsvp(team_id=TEAM, occurrence_id=row.id, user_id=f"UG{i}", response="going", updated_at=start)
        )
    for i in range(not_going):
        session.add(
            Rsvp(team_id=TEAM, occurrence_id=row.id, user_id=f"UN{i}", response="not_going", updated_at=start)
        )


@pytest.fixture
def history(db):
    with db.session() as s:
        # Resources: 2 added this week (1 the week before), 2 verified (1), 1 retired (0).
        resource(s, "R1 added and verified", at(2026, 11, 10), verified=at(2026, 11, 11))
        resource(s, "R2 added", at(2026, 11, 12))
        resource(s, "R3 added the week before", at(2026, 11, 3))
        resource(s, "R4 verified the week before", at(2026, 1, 1), verified=at(2026, 11, 5))
        resource(s, "R5 never verified", at(2026, 2, 1), organization="County")
        resource(s, "R6 retired", at(2025, 3, 1), verified=at(2026, 4, 1), retired=at(2026, 11, 13))
        resource(s, "R7 became overdue", at(2025, 1, 1), verified=at(2026, 5, 15))
        resource(s, "R8 checked this week", at(2024, 1, 1), verified=at(2026, 11, 10))
        resource(s, "Other workspace", at(2026, 11, 10), team="T2")

        # Needs: 7 asked this week (5 before), 3 unmet (4 before); 2 more three weeks back.
        for day in (9, 10, 11):
            question(s, at(2026, 11, day), "food", "food", 2)
        question(s, at(2026, 11, 12), "housing", "housing", 0)
        question(s, at(2026, 11, 12), "housing", "housing", 3)
        question(s, at(2026, 11, 13), "dental care", None, 0)
        question(s, at(2026, 11, 14), "dental care", None, 0)
        question(s, at(2026, 11, 3), "food", "food", 1)
        for day in (3, 4, 5):
            question(s, at(2026, 11, day), "housing", "housing", 0)
        question(s, at(2026, 11, 6), "dental care", None, 0)
        question(s, at(2026, 10, 27), "food", "food", 4)
        question(s, at(2026, 10, 28), "food", "food", 4)
        question(s, at(2026, 11, 10), "food", "food", 0, team="T2")
        s.add(
            UnmetNeed(
                team_id=TEAM,
                need_key="housing",
                category="housing",
                phrase="housing",
                ask_count=10,
                first_asked_at=at(2026, 9, 1),
                last_asked_at=at(2026, 11, 12),
            )
        )
        s.add(
            UnmetNeed(
                team_id=TEAM,
                need_key="dental care",
                category=None,
                phrase="dental care",
                ask_count=3,
                first_asked_at=at(2026, 11, 1),
                last_asked_at=at(2026, 11, 14),
            )
        )
        s.add(
            UnmetNeed(
                team_id=TEAM,
                need_key="old need",
                category=None,
                phrase="old need",
                ask_count=4,
                first_asked_at=at(2026, 6, 1),
                last_asked_at=at(2026, 8, 1),
            )
        )

        # Partners and successes: 3 this week (1 before).
        pantry = partner(s, "Eastside Pantry", capacity=30, load=12, services=("food", "housing"))
        legal = partner(s, "Legal Aid")
        shelter = partner(s, "Shelter Co")
        partner(s, "New Partner", created=at(2026, 11, 10))
        clinic = partner(s, "Clinic", capacity=5, load=6, services=("mental-health",))
        success(s, at(2026, 11, 10), [pantry])
        success(s, at(2026, 11, 11), [pantry, clinic])
        success(s, at(2026, 11, 12))
        success(s, at(2026, 11, 4), [pantry])
        success(s, at(2026, 8, 1), [shelter])

        # Conferences: one meeting in the next 14 days counts; cancelled, far, past and cancelled-series do not.
        monthly = series(s, "Monthly case conference", "C1")
        meeting(s, monthly, END + timedelta(days=2), agenda=2, going=2, not_going=1)
        meeting(s, monthly, END + timedelta(days=20), agenda=1)
        meeting(s, monthly, END + timedelta(days=3), status="cancelled")
        meeting(s, monthly, START + timedelta(days=1), agenda=5)
        gone = series(s, "Retired huddle", "C2", cancelled=at(2026, 10, 1))
        meeting(s, gone, END + timedelta(days=1))

        # Agreements: one renewal inside 90 days; one later, one already past.
        s.add(
            Agreement(
                partner_id=pantry.id,
                team_id=TEAM,
                kind="mou",
                renewal_date=date(2026, 12, 31),
                updated_at=at(2026, 1, 1),
            )
        )
        s.add(
            Agreement(
                partner_id=shelter.id,
                team_id=TEAM,
                kind="data_sharing",
                renewal_date=date(2027, 3, 1),
                updated_at=at(2026, 1, 1),
            )
        )
        s.add(
            Agreement(
                partner_id=legal.id,
                team_id=TEAM,
                kind="service_exchange",
                renewal_date=date(2026, 11, 1),
                updated_at=at(2026, 1, 1),
            )
        )
    return db


def figures(change):
    return (change.current, change.previous)


def test_resource_activity_and_stale_resources(history):
    with history.session() as s:
        data = build_digest(s, TEAM, START, END, timezone=TZ)
    assert figures(data.resources.added) == (2, 1)
    assert figures(data.resources.verified) == (2, 1)
    assert figures(data.resources.retired) == (1, 0)
    # Overdue now: R5 and R7 (its 180 days ran out this week). Then: R5, R6 (since retired) and R8 (checked since).
    assert figures(data.checks.stale) == (2, 3)
    assert [r.name for r in data.checks.oldest_stale] == ["R5 never verified", "R7 became overdue"]
    assert data.checks.oldest_stale[0].last_verified_at is None
    assert data.checks.oldest_stale[0].organization == "County"
    # Active at the end of the week: all but R6 (retired); never verified: R2, R3 and R5.
    assert (data.checks.active, data.checks.never_verified) == (7, 3)


def test_needs_unmet_needs_and_weekly_chart_figures(history):
    with history.session() as s:
        data = build_digest(s, TEAM, START, END, timezone=TZ)
    assert figures(data.needs_asked) == (7, 5)
    assert figures(data.needs_unmet) == (3, 4)
    assert [(n.category, n.label, figures(n.asked)) for n in data.top_needs] == [
        ("food", "Food", (3, 1)),
        ("housing", "Housing", (2, 3)),
        ("", "Other (no category matched)", (2, 1)),
    ]
    unmet = [(u.phrase, u.category_label, figures(u.unanswered), u.total_asks) for u in data.unmet_needs]
    assert unmet == [("dental care", None, (2, 1), 3), ("housing", "Housing", (1, 3), 10)]
    assert data.unmet_needs[1].first_asked_at == at(2026, 9, 1)
    assert [(w.asked, w.unmet) for w in data.weeks] == [(0, 0)] * 5 + [(2, 0), (5, 4), (7, 3)]
    # Week boundaries stay on New York midnight across the end of daylight saving time (1 Nov 2026).
    assert data.weeks[5].week_start == datetime(2026, 10, 26, 4, tzinfo=UTC)
    assert data.weeks[6].week_start == PREVIOUS == datetime(2026, 11, 2, 5, tzinfo=UTC)


def test_successes_and_quiet_partners(history):
    with history.session() as s:
        data = build_digest(s, TEAM, START, END, timezone=TZ)
    assert figures(data.successes) == (3, 1)
    assert [(p.partner_name, figures(p.successes)) for p in data.successes_by_partner] == [
        ("Eastside Pantry", (2, 1)),
        ("Clinic", (1, 0)),
    ]
    assert [(p.partner_name, p.last_recognized_at) for p in data.quiet_partners] == [
        ("Legal Aid", None),
        ("Shelter Co", at(2026, 8, 1)),
    ]
    assert data.quiet_partner_count == 2


def test_conferences_renewals_and_capacity(history):
    with history.session() as s:
        data = build_digest(s, TEAM, START, END, timezone=TZ)
    assert [
        (c.title, c.channel_id, c.start_utc, c.agenda_items, c.going, c.not_going)
        for c in data.upcoming_conferences
    ] == [("Monthly case conference", "C1", END + timedelta(days=2), 2, 2, 1)]
    assert [(r.partner_name, r.kind, r.renewal_date) for r in data.renewals_due] == [
        ("Eastside Pantry", "MOU", date(2026, 12, 31))
    ]
    # Demand: food and housing asked 11 times in the 30 days before the end; nobody asked about mental health.
    assert [
        (p.partner_name, p.demand, p.capacity_per_month, p.current_load, p.over_capacity)
        for p in data.capacity
    ] == [
        ("Clinic", 0, 5, 6, True),
        ("Eastside Pantry", 11, 30, 12, False),
    ]


def test_list_limit_and_quiet_count(history):
    with history.session() as s:
        data = build_digest(s, TEAM, START, END, timezone=TZ, list_limit=1)
    assert len(data.top_needs) == len(data.unmet_needs) == len(data.quiet_partners) == 1
    assert data.quiet_partner_count == 2


def test_empty_workspace_has_zero_figures_and_empty_lists(history):
    with history.session() as s:
        data = build_digest(s, "TEMPTY", START, END, timezone=TZ)
    for change in (
        data.resources.added,
        data.resources.verified,
        data.resources.retired,
        data.needs_asked,
        data.needs_unmet,
        data.successes,
        data.checks.stale,
    ):
        assert figures(change) == (0, 0)
    assert not any(
        [
            data.top_needs,
            data.unmet_needs,
            data.successes_by_partner,
            data.quiet_partners,
            data.upcoming_conferences,
            data.checks.oldest_stale,
            data.renewals_due,
            data.capacity,
        ]
    )
    assert [(w.asked, w.unmet) for w in data.weeks] == [(0, 0)] * 8


def test_a_daily_digest_compares_with_the_day_before(history):
    day_start, day_end = period_for("daily", date(2026, 11, 13), TZ)  # covers Thu 12 Nov
    with history.session() as s:
        data = build_digest(s, TEAM, day_start, day_end, timezone=TZ)
    assert figures(data.resources.added) == (1, 0)  # R2 on the 12th; nothing on the 11th
    assert figures(data.needs_asked) == (2, 1)
    assert figures(data.needs_unmet) == (1, 0)


def test_week_starts_are_local_midnights():
    starts = week_starts(END, TZ, weeks=4)  # spans the end of daylight saving time on 1 Nov
    local = [to_local(start, TZ) for start in starts]
    assert all(moment.time() == time(0, 0) for moment in local)
    assert [moment.date() for moment in local] == [
        date(2026, 10, 19),
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
    ]
    assert starts[-1] == START
    assert starts[2] - starts[1] == timedelta(days=7, hours=1)  # the week with the extra hour


def test_period_must_end_after_it_starts(db):
    with db.session() as s, pytest.raises(ValueError):
        build_digest(s, TEAM, END, START)
