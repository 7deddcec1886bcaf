"""Celebrations without Slack: reading `/celebrate`, the redaction around mentions, the Block Kit, recap queries
and the monthly recap planner."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.celebrations import commands as core_commands
from bot.celebrations import jobs as core_jobs
from bot.celebrations import recap as core_recap
from bot.celebrations import service as core_service
from bot.celebrations import views
from bot.celebrations.commands import Celebrate
from bot.celebrations.service import CelebrationPost, CreditGroup
from bot.platform.errors import FeatureError
from models.platform import OutboxMessage
from tests.factories import make_actor, make_partner, make_success

KNOWN = ["Eastside Food Bank", "Center for Food Justice", "Food & Friends", "Center"]


# -- reading /celebrate -----------------------------------------------------------------------------------------------


def test_people_partner_and_what():
    request = core_commands.parse_celebrate(
        "<@U1|ana> <@U2|ben> with Eastside Food Bank for getting a family's groceries delivered", KNOWN
    )
    assert request.user_ids == ("U1", "U2")
    assert request.partner_names == ("Eastside Food Bank",)
    assert request.what == "getting a family's groceries delivered"


def test_people_joined_by_commas_and_and():
    request = core_commands.parse_celebrate("<@U1>, <@U2> and <@U3> & <@U4> for the housing fair", KNOWN)
    assert request.user_ids == ("U1", "U2", "U3", "U4")
    assert request.what == "the housing fair"


def test_the_longest_registered_name_wins_even_with_for_inside_it():
    request = core_commands.parse_celebrate(
        "<@U1> with center for food justice for a full week of meals", KNOWN
    )
    assert request.partner_names == ("Center for Food Justice",)
    assert request.what == "a full week of meals"


def test_punctuation_around_a_registered_name_belongs_to_it():
    request = core_commands.parse_celebrate(
        "<@U1> with Eastside Food Bank (demo) for lunch", ["Eastside Food Bank (demo)"]
    )
    assert request.partner_names == ("Eastside Food Bank (demo)",) and request.what == "lunch"


def test_several_partners_and_ampersands():
    request = core_commands.parse_celebrate(
        "<@U1> with Eastside Food Bank and Food & Friends, Center for the winter coat drive", KNOWN
    )
    assert request.partner_names == ("Eastside Food Bank", "Food & Friends", "Center")
    assert request.what == "the winter coat drive"


def test_for_is_optional():
    assert (
        core_commands.parse_celebrate("<@U1> closing the referral loop", KNOWN).what
        == "closing the referral loop"
    )


def test_an_unknown_partner_is_kept_apart_for_the_person_to_decide():
    request = core_commands.parse_celebrate("<@U1> with Eastside Foods for lunch", KNOWN)
    assert (request.partner_names, request.unknown_partners, request.what) == (
        (),
        ("Eastside Foods",),
        "lunch",
    )


def test_people_from_other_organizations_get_exact_names_only():
    typo = "<@U1> with Eastside Fod Bank for lunch"
    assert core_commands.parse_celebrate(typo, KNOWN).partner_names == ("Eastside Food Bank",)
    assert core_commands.parse_celebrate(typo, KNOWN, members_view=False).unknown_partners == (
        "Eastside Fod Bank",
    )


def test_mass_mentions_and_user_groups_are_neutralized():
    request = core_commands.parse_celebrate(
        "<!subteam^S1|@care-team> <@U1> for telling <!channel> and <!here|here> about it @everyone", KNOWN
    )
    assert request.mentioned_groups and request.user_ids == ("U1",)
    for token in ("<!channel>", "<!here", "<!subteam", "@everyone"):
        assert token not in request.what
    assert "@\u200bchannel" in request.what


def test_mentions_lose_their_labels_and_links_stay_readable():
    request = core_commands.parse_celebrate(
        "<@U1> for helping <@U2|bob> at <https://example.org/fair|the fair> in <#C9|general>", KNOWN
    )
    assert request.what == "helping <@U2> at the fair (https://example.org/fair) in <#C9>"


def test_redaction_keeps_mentions_and_reports_what_it_removed():
    text, removed = core_service.redact_what("<@U2> got patient Maria Lopez DOB 03/04/1950 housed")
    assert text.startswith("<@U2> got") and "Maria" not in text and "1950" not in text
    assert core_service.privacy_summary(removed) == "Removed for privacy: 1 name, 1 date of birth"
    assert core_service.redact_what("the coat drive") == ("the coat drive", {})


ME = make_actor("UME")


@pytest.mark.parametrize(
    ("user_ids", "partner_ids", "what", "message"),
    [
        (["UME"], [], "did it", "shared wins"),
        ([], [], "did it", "Who should we celebrate"),
        (["U2"], [], "   ", "What are we celebrating"),
        (["U2"], [], "x" * 1501, "under 1,500"),
    ],
)
def test_requests_that_cannot_go_ahead(user_ids, partner_ids, what, message):
    with pytest.raises(FeatureError, match=message):
        core_service.check_request(ME, Celebrate(tuple(user_ids), what), partners=len(partner_ids))


def test_yourself_with_a_partner_or_with_teammates_is_fine():
    core_service.check_request(ME, Celebrate(("UME",), "x"), partners=1)
    core_service.check_request(ME, Celebrate(("UME", "U2"), "x"), partners=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (2026, 11)),
        ("last month", (2026, 10)),
        ("march", (2026, 3)),
        ("december", (2025, 12)),
        ("march 2025", (2025, 3)),
        ("2026-07", (2026, 7)),
    ],
)
def test_recap_months(text, expected):
    assert core_commands.parse_month(text, date(2026, 11, 22)) == expected


def test_bad_months_are_explained_safely():
    with pytest.raises(FeatureError, match="couldn't read") as error:
        core_commands.parse_month("<!channel>", date(2026, 11, 22))
    assert "<!channel>" not in error.value.message
    with pytest.raises(FeatureError, match="doesn't exist"):
        core_commands.parse_month("2026-13", date(2026, 11, 22))


def test_first_working_day():
    assert core_jobs.first_working_day(2026, 11) == date(2026, 11, 2)  # Nov 1 2026 is a Sunday
    assert core_jobs.first_working_day(2026, 8) == date(2026, 8, 3)  # Saturday the 1st
    assert core_jobs.first_working_day(2026, 12) == date(2026, 12, 1)


# -- Block Kit ----------------------------------------------------------------------------------------------------------


def _post(**changes) -> CelebrationPost:
    values = dict(
        author_user_id="UAUTHOR",
        groups=(
            CreditGroup("Our team", ("U1", "U2"), is_home=True),
            CreditGroup("Eastside <Food> & Co", ("W9",), partner_id=1),
            CreditGroup("Harbor Housing", (), partner_id=2),
        ),
        text="<@U3> helped *a lot* with <!here> & <b>",
        category_label="Food",
        celebrated_on=date(2026, 11, 22),
    )
    values.update(changes)
    return CelebrationPost(**values)


def test_celebration_post_credits_every_person_and_organization():
    fallback, blocks = views.celebration_blocks(_post())
    rendered = str(blocks)
    assert blocks[0]["type"] == "header" and ":tada:" in blocks[0]["text"]["text"]
    thanks = blocks[1]["text"]["text"]
    assert thanks.startswith(
        "Thank you <@U1>, <@U2>, <@W9>, *Eastside &lt;Food&gt; &amp; Co*, and *Harbor Housing*! :sparkles:"
    )
    fields = [f["text"] for f in blocks[2]["fields"]]
    assert fields[0].endswith("*Our team*\n<@U1> <@U2>")
    assert fields[1].endswith("*Eastside &lt;Food&gt; &amp; Co*\n<@W9>")
    assert fields[2].endswith("*Harbor Housing*\n_the whole team_")
    assert (
        "Celebrated by <@UAUTHOR>" in rendered
        and ":label: Food" in rendered
        and "November 22, 2026" in rendered
    )
    assert "<@U1>" in fallback and "Harbor Housing" in fallback


def test_celebration_text_keeps_mentions_and_escapes_the_rest():
    _, blocks = views.celebration_blocks(_post())
    body = blocks[1]["text"]["text"]
    assert "> <@U3> helped *a lot* with @\u200bhere &amp; &lt;b&gt;" in body
    assert "<!here>" not in body and "<b>" not in body


def test_many_groups_stay_within_slack_limits():
    groups = tuple(CreditGroup(f"Partner {i}", (f"W{i}",), partner_id=i) for i in range(15))
    _, blocks = views.celebration_blocks(_post(groups=groups, text="x" * 1500))
    assert all(len(b.get("fields", [])) <= 10 for b in blocks)
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks if b["type"] == "section")


def test_prompt_buttons_carry_the_message_not_its_text():
    text, blocks = views.prompt_blocks("C1", "123.456")
    buttons = blocks[1]["elements"]
    assert [b["action_id"] for b in buttons] == ["celebrate_reacted_message", "dismiss_celebration_prompt"]
    assert buttons[0]["value"] == '{"channel": "C1", "ts": "123.456"}'


def test_celebrate_modal_prefills():
    view = views.celebrate_modal(
        partners=[(1, "Eastside"), (2, "Harbor")],
        channel_id="C1",
        user_ids=["U9"],
        partner_ids=[2],
        what="the fair",
    )
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["people"]["element"]["initial_users"] == ["U9"]
    assert [o["value"] for o in blocks["partners"]["element"]["initial_options"]] == ["2"]
    assert blocks["what"]["element"]["initial_value"] == "the fair"
    assert blocks["channel"]["element"]["initial_conversation"] == "C1"


# -- recaps from the database -------------------------------------------------------------------------------------------

NOV = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


def _partner(db, name, *, channel=None, shared=False) -> int:
    with db.session() as session:
        return make_partner(session, name, channel=channel, shared=shared).id


def _success(db, *, text="a win", people=("U1",), partners=(), channel="C1", at=NOV, team="T1") -> int:
    with db.session() as session:
        return make_success(
            session, text=text, people=people, partners=partners, channel=channel, at=at, team_id=team
        )


def test_recap_groups_successes_by_partner_with_the_latest_highlights(db):
    east = _partner(db, "Eastside Food Bank")
    harbor = _partner(db, "Harbor Housing")
    for day in range(1, 6):
        _success(
            db,
            text=f"east {day}",
            people=("U1", f"U{day + 10}"),
            partners=[east],
            at=datetime(2026, 11, day, 15, tzinfo=UTC),
        )
    _success(
        db, text="both", people=("U1",), partners=[east, harbor], at=datetime(2026, 11, 20, 15, tzinfo=UTC)
    )
    _success(db, text="no partner", people=("U2",))
    _success(db, text="october", partners=[east], at=datetime(2026, 10, 31, 12, tzinfo=UTC))
    # 00:30 on December 1 in New York (05:30 UTC) belongs to December.
    _success(db, text="december", partners=[east], at=datetime(2026, 12, 1, 5, 30, tzinfo=UTC))
    _success(db, text="other workspace", partners=[], team="T2")
    with db.session() as session:
        recap = core_recap.build_recap(session, "T1", 2026, 11, "America/New_York")
    assert (recap.total_successes, recap.total_people) == (7, 7)
    assert [(g.partner_name, g.success_count, g.people_count) for g in recap.groups] == [
        ("Eastside Food Bank", 6, 6),
        ("Harbor Housing", 1, 1),
        ("", 1, 1),
    ]
    east_group = recap.groups[0]
    assert [h.text for h in east_group.highlights] == ["both", "east 5", "east 4"]
    assert east_group.highlights[1].user_ids == ("U1", "U15")
    _, blocks = views.recap_blocks(recap)
    rendered = str(blocks)
    assert "*Eastside Food Bank* · 6 successes, 6 people" in rendered and "…and 3 more" in rendered
    assert "Without a partner organization" in rendered and "Nov 20: both" in rendered


def test_recap_month_edges_follow_the_timezone(db):
    east = _partner(db, "Eastside Food Bank")
    _success(
        db, text="late on Oct 31 in New York", partners=[east], at=datetime(2026, 11, 1, 3, 30, tzinfo=UTC)
    )
    with db.session() as session:
        october = core_recap.build_recap(session, "T1", 2026, 10, "America/New_York")
        november = core_recap.build_recap(session, "T1", 2026, 11, "America/New_York")
    assert (october.total_successes, november.total_successes) == (1, 0)


def test_recap_for_a_shared_channel_holds_only_what_was_shared_there(db):
    east = _partner(db, "Eastside Food Bank", channel="C0SHARED", shared=True)
    harbor = _partner(db, "Harbor Housing", channel="C0HARBOR")
    _success(db, text="shared there", partners=[east], channel="C0SHARED")
    _success(db, text="internal only", partners=[east], channel="C0INTERNAL")
    _success(db, text="harbor news", partners=[harbor], channel="C0HARBOR")
    with db.session() as session:
        shared = core_recap.recap_for_channel(session, "T1", "C0SHARED", 2026, 11)
        internal = core_recap.recap_for_channel(session, "T1", "C0HARBOR", 2026, 11)
    assert [h.text for g in shared.groups for h in g.highlights] == ["shared there"]
    assert shared.channel_only == "C0SHARED"
    assert [h.text for g in internal.groups for h in g.highlights] == ["harbor news"]


def test_an_empty_month(db):
    with db.session() as session:
        recap = core_recap.build_recap(session, "T1", 2026, 11, "America/New_York")
    assert recap.total_successes == 0 and recap.groups == ()
    text, _ = views.recap_blocks(recap)
    assert "No shared successes" in text


def _recap_rows(db) -> list[OutboxMessage]:
    with db.session() as session:
        return sorted(
            session.exec(select(OutboxMessage).where(OutboxMessage.kind == "celebration_recap")).all(),
            key=lambda r: r.due_at,
        )


def test_monthly_recaps_are_planned_once_per_channel_and_month(db):
    _partner(db, "Eastside Food Bank", channel="C0EAST")
    _partner(db, "Harbor Housing", channel="C0EAST")  # two partners, one channel: one recap
    now = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    core_jobs.plan_monthly_recaps(db, now)
    core_jobs.plan_monthly_recaps(db, now + timedelta(hours=1))
    rows = _recap_rows(db)
    # November 2's recap is past, so only December 1st's (covering November) is planned, at 9:00 New York time.
    assert [(r.key, r.due_at) for r in rows] == [
        ("recap:C0EAST:2026-11", datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    ]
    assert rows[0].payload["owner_user_id"] == "UOWNER"


def test_turning_the_recap_off_plans_nothing(db):
    _partner(db, "Eastside Food Bank", channel="C0EAST")
    with db.session() as session:
        assert core_service.set_monthly_recap(session, make_actor(), "C0EAST", False) == 1
        assert core_service.set_monthly_recap(session, make_actor(), "C0NOPE", False) == 0
    core_jobs.plan_monthly_recaps(db, datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    assert _recap_rows(db) == []


# -- the draft a Register / Without-crediting button carries -----------------------------------------------------------


def test_a_draft_round_trips_through_its_button():
    request = Celebrate(("U2",), "the [name removed] fair", partner_ids=(4,), unknown_partners=("Casa Luz",),
                        channel_id="C0TEAM", mentioned_groups=True)  # fmt: skip
    value = core_commands.encode_draft(request, {"name": 1})
    registering = core_commands.decode_draft(value, register=True)
    assert (registering.user_ids, registering.partner_ids, registering.unknown_partners) == (
        ("U2",),
        (4,),
        ("Casa Luz",),
    )
    assert (
        registering.register_unknown
        and registering.removed == (("name", 1),)
        and registering.mentioned_groups
    )
    assert core_commands.decode_draft(value, register=False).unknown_partners == ()


def test_a_draft_too_long_for_a_button_is_not_offered_as_one():
    request = Celebrate(("U2",), "x" * 1500, unknown_partners=("y" * 200, "z" * 200, "w" * 200))
    assert core_commands.encode_draft(request, {}) is None
    offer = core_service.PartnerOffer(
        (core_service.UnknownPartner("y" * 200, (), True),), request, {}, can_skip=True
    )
    _, blocks = views.partner_offer(offer, None)
    assert not [b for b in blocks if b["type"] == "actions"]
    assert "/partner add NAME" in str(blocks)


@pytest.mark.parametrize("value", ["", "[]", "{}", '{"u": "U2"}', '{"u": [], "w": "x", "p": ["a"], "n": []}'])
def test_stale_or_forged_drafts_are_refused(value):
    with pytest.raises(FeatureError, match="out of date"):
        core_commands.decode_draft(value, register=True)
