"""`/celebrate`, the celebrate form, the celebration-emoji prompt and the monthly recap over real HTTP against the
fake Slack, on both databases."""

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.celebrations import jobs as core_jobs
from bot.celebrations import service as core_service
from bot.celebrations.commands import plain_what
from bot.console import demo
from bot.platform import clock
from bot.platform.channels import message_text
from bot.platform.clock import utcnow
from bot.platform.privacy import redact
from bot.runtime import jobs
from models.celebrations import CelebrationPrompt, Success, SuccessPartner, SuccessPerson
from models.partners import Partner, PartnerChannel
from models.platform import OutboxMessage
from tests.factories import make_partner, make_success


def _partner(db, name="Eastside Food Bank", *, channel=None, shared=False, slack_team=None) -> int:
    with db.session() as session:
        return make_partner(session, name, channel=channel, shared=shared, slack_team=slack_team).id


def _successes(db) -> list[tuple[Success, list[tuple[str, str]], list[int]]]:
    with db.session() as session:
        result = []
        for success in session.exec(select(Success).order_by(Success.id)):
            people = [
                (p.user_id, p.user_team_id)
                for p in session.exec(select(SuccessPerson).where(SuccessPerson.success_id == success.id))
            ]
            partners = [
                p.partner_id
                for p in session.exec(select(SuccessPartner).where(SuccessPartner.success_id == success.id))
            ]
            result.append((success, sorted(people), sorted(partners)))
        return result


def _answer(fake_slack) -> str:
    return fake_slack.wait_for("response_url").text_content()


def _view(call) -> dict:
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def test_celebrate_posts_reacts_records_and_confirms_privately(slack, fake_slack, db):
    east = _partner(db)
    slack.command(
        "/celebrate",
        "<@U2|ana> <@U3|ben> with Eastside Food Bank for getting a family's groceries delivered the same day",
        channel="C0TEAM",
    )
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0TEAM"
    text = post.text_content()
    assert "Thank you <@U2>, <@U3>, and *Eastside Food Bank*!" in text
    assert "groceries delivered the same day" in text and "Celebrated by <@U1>" in text
    reaction = fake_slack.wait_for("reactions.add")
    assert reaction.args["name"] == "tada" and reaction.args["channel"] == "C0TEAM"
    confirmation = fake_slack.wait_for("response_url")
    assert confirmation.args["response_type"] == "ephemeral"
    assert "Posted in <#C0TEAM>" in confirmation.text_content()
    ((success, people, partners),) = _successes(db)
    assert success.message_ts == reaction.args["timestamp"]
    assert (success.team_id, success.channel_id, success.author_user_id, success.category) == (
        "T1",
        "C0TEAM",
        "U1",
        "food",
    )
    assert people == [("U2", "T1"), ("U3", "T1")] and partners == [east]


def test_patient_details_are_removed_and_the_author_is_told(slack, fake_slack, db):
    slack.command("/celebrate", "<@U2> for getting patient Maria Lopez DOB 03/04/1950 into housing")
    post = fake_slack.wait_for("chat.postMessage").text_content()
    assert "Maria" not in post and "1950" not in post and "into housing" in post
    private = _answer(fake_slack)
    assert "Removed for privacy: 1 name, 1 date of birth" in private
    ((success, _, _),) = _successes(db)
    assert "Maria" not in success.text and "1950" not in success.text


def test_mass_mentions_and_user_groups_are_neutralized(slack, fake_slack, db):
    slack.command("/celebrate", "<!subteam^S1|@care-team> <@U2> for telling <!channel> and <!everyone> @here")
    post = fake_slack.wait_for("chat.postMessage")
    raw = json.dumps(post.args)
    for token in ("<!channel>", "<!everyone>", "<!subteam", "<!here"):
        assert token not in raw
    assert "@here" not in post.text_content().replace("@\u200bhere", "")
    assert "User groups aren't credited" in _answer(fake_slack)


def test_only_yourself_is_refused_kindly_and_nothing_happens(slack, fake_slack, db):
    slack.command("/celebrate", "<@U1> for finishing my paperwork")
    assert "shared wins" in _answer(fake_slack)
    assert fake_slack.calls("chat.postMessage") == [] and _successes(db) == []


def test_nothing_to_celebrate_and_nobody_to_thank(slack, fake_slack, db):
    slack.command("/celebrate", "<@U2>")
    assert "What are we celebrating?" in _answer(fake_slack)
    fake_slack.reset()
    slack.command("/celebrate", "<!subteam^S1|@care-team> for the fair")
    text = _answer(fake_slack)
    assert "Who should we celebrate?" in text and "mention people individually" in text
    assert fake_slack.calls("chat.postMessage") == []


def test_unknown_partner_is_refused_with_a_suggestion(slack, fake_slack, db):
    _partner(db)
    slack.command("/celebrate", "<@U2> with Eastside Foods for the fair")
    assert "Did you mean *Eastside Food Bank*" in _answer(fake_slack)
    assert _successes(db) == []


def test_the_daily_limit_is_clear_and_resets_the_next_day(slack, fake_slack, db):
    limit = slack.app_settings.celebration_daily_limit
    now = utcnow()
    with db.session() as session:
        # All just now: minutes apart, they would straddle midnight in New York when the test runs just after it.
        for i in range(limit - 1):
            make_success(session, author="U1", people=(), at=now - timedelta(microseconds=i))
        # Yesterday's celebrations (in New York) do not count.
        yesterday = clock.start_of_local_day(now, "America/New_York") - timedelta(minutes=1)
        make_success(session, author="U1", people=(), at=yesterday)
        # Nor do other people's.
        make_success(session, author="U9", people=(), at=now)
    slack.command("/celebrate", "<@U2> for number ten")
    assert "Posted in" in _answer(fake_slack)
    fake_slack.reset()
    slack.command("/celebrate", "<@U2> for number eleven")
    assert f"You've shared {limit} celebrations today" in _answer(fake_slack)
    assert fake_slack.calls("chat.postMessage") == []


def test_from_a_dm_it_goes_to_the_partners_channel(slack, fake_slack, db):
    _partner(db, channel="C0EAST")
    slack.command("/celebrate", "<@U2> with Eastside Food Bank for the coat drive", channel="D0U1")
    assert fake_slack.wait_for("chat.postMessage").args["channel"] == "C0EAST"


def test_a_shared_channel_never_hears_about_another_partner(slack, fake_slack, db):
    _partner(db, channel="C0EASTSHARED", shared=True)
    _partner(db, "Harbor Housing")
    slack.command(
        "/celebrate", "<@U2> with Eastside Food Bank and Harbor Housing for the fair", channel="D0U1"
    )
    assert "Where should I post it?" in _answer(fake_slack)
    assert fake_slack.calls("chat.postMessage") == []
    fake_slack.reset()
    slack.command("/celebrate", "<@U2> with Eastside Food Bank for the fair", channel="D0U1")
    assert fake_slack.wait_for("chat.postMessage").args["channel"] == "C0EASTSHARED"


def test_no_post_about_another_partner_in_a_shared_channel(slack, fake_slack, db):
    _partner(db, channel="C0EASTSHARED", shared=True)
    _partner(db, "Harbor Housing")
    fake_slack.channels["C0UNLINKED"] = {"is_ext_shared": True}  # shared, but not linked to any partner
    for channel in ("C0EASTSHARED", "C0UNLINKED"):
        fake_slack.reset()
        slack.command("/celebrate", "<@U2> with Harbor Housing for the fair", channel=channel)
        assert "shared with another organization" in _answer(fake_slack) and "*Harbor Housing*" in _answer(
            fake_slack
        )
        assert fake_slack.calls("chat.postMessage") == []
    fake_slack.reset()
    slack.command("/celebrate", "<@U2> with Eastside Food Bank for the fair", channel="C0EASTSHARED")
    assert fake_slack.wait_for("chat.postMessage").args["channel"] == "C0EASTSHARED"
    assert len(_successes(db)) == 1


def test_not_in_the_channel_falls_back_to_the_partner_channel_or_explains(slack, fake_slack, db):
    _partner(db, channel="C0EAST")
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    slack.command("/celebrate", "<@U2> with Eastside Food Bank for the fair", channel="C0TEAM")
    posts = fake_slack.calls("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["C0TEAM", "C0EAST"]
    assert _successes(db)[0][0].channel_id == "C0EAST"
    fake_slack.reset()
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    slack.command("/celebrate", "<@U2> for the fair", channel="C0TEAM")
    assert "Invite me with `/invite @partnerbot`" in _answer(fake_slack)
    assert len(_successes(db)) == 1


def test_slack_connect_people_are_credited_under_their_own_organization(slack, fake_slack, db):
    east = _partner(db, channel="C0SHARED", shared=True, slack_team="T0EAST")
    fake_slack.users["W0EAST"] = {"team_id": "T0EAST"}
    fake_slack.users["W0OTHER"] = {"team_id": "T0OTHER"}
    slack.command("/celebrate", "<@U2> <@W0EAST> <@W0OTHER> for the joint intake day", channel="C0SHARED")
    post = fake_slack.wait_for("chat.postMessage")
    fields = [f["text"] for b in post.args["blocks"] if b["type"] == "section" for f in b.get("fields", [])]
    assert any(f.endswith("*Our team*\n<@U2>") for f in fields)
    assert any(f.endswith("*Eastside Food Bank*\n<@W0EAST>") for f in fields)
    assert any(f.endswith("*Partner organization*\n<@W0OTHER>") for f in fields)
    ((_, people, partners),) = _successes(db)
    assert people == [("U2", "T1"), ("W0EAST", "T0EAST"), ("W0OTHER", "T0OTHER")]
    assert partners == [east]


def test_a_partner_staff_member_can_celebrate_and_is_recorded_as_such(slack, fake_slack, db):
    _partner(db, channel="C0SHARED", shared=True, slack_team="T0EAST")
    fake_slack.users["W0EAST"] = {"team_id": "T0EAST"}
    slack.command(
        "/celebrate",
        "<@U2> for calling back within the hour",
        channel="C0SHARED",
        user="W0EAST",
        user_team="T0EAST",
    )
    assert fake_slack.wait_for("chat.postMessage").args["channel"] == "C0SHARED"
    ((success, _, _),) = _successes(db)
    assert (success.author_user_id, success.author_team_id, success.team_id) == ("W0EAST", "T0EAST", "T1")


def test_help_and_the_empty_command(slack, fake_slack, db):
    slack.command("/celebrate", "help")
    assert "/celebrate recap" in _answer(fake_slack)
    _partner(db, channel="C0EAST")
    slack.command("/celebrate", "", channel="C0EAST")
    view = _view(fake_slack.wait_for("views.open"))
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert view["callback_id"] == "celebrate_modal"
    assert [o["text"]["text"] for o in blocks["partners"]["element"]["initial_options"]] == [
        "Eastside Food Bank"
    ]


# -- the form -------------------------------------------------------------------------------------------------------


def _form(people=("U2",), partners=(), what="the health fair", channel="C0TEAM") -> dict:
    values = {
        "people": {"people": {"type": "multi_users_select", "selected_users": list(people)}},
        "what": {"what": what},
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": channel}},
    }
    if partners:
        values["partners"] = {"partners": [str(p) for p in partners]}
    return values


def test_submitting_the_form_celebrates(slack, fake_slack, db):
    east = _partner(db)
    reply = slack.submit(
        "celebrate_modal", _form(partners=[east], what="Patient Maria Lopez got <her> ride @channel")
    )
    assert reply.status == 200 and reply.body == ""
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0TEAM"
    raw = json.dumps(post.args)
    assert "Maria" not in raw and "<her>" not in raw and "&lt;her&gt;" in raw and "@channel" not in raw
    notice = fake_slack.wait_for("chat.postEphemeral")
    assert notice.args["user"] == "U1" and "Removed for privacy: 1 name" in notice.args["text"]
    ((_, people, partners),) = _successes(db)
    assert people == [("U2", "T1")] and partners == [east]


def test_form_errors_appear_on_the_right_field(slack, fake_slack, db):
    errors = slack.submit("celebrate_modal", _form(people=["U1"])).json()["errors"]
    assert "people" in errors and "shared wins" in errors["people"]
    errors = slack.submit("celebrate_modal", _form(what="  ")).json()["errors"]
    assert "What are we celebrating" in errors["what"] and "`" not in errors["what"]
    assert fake_slack.calls("chat.postMessage") == [] and _successes(db) == []


def test_the_form_needs_somewhere_to_post(slack, fake_slack, db):
    values = _form()
    values["channel"] = {"channel": {"type": "conversations_select", "selected_conversation": None}}
    assert "channel" in slack.submit("celebrate_modal", values).json()["errors"]
    assert _successes(db) == []


def test_the_reacted_message_prefills_the_form_redacted():
    class History:
        def conversations_history(self, **kwargs):
            return {
                "messages": [
                    {"ts": kwargs["latest"], "text": "Got patient Maria Lopez &amp; kids <@U7|dana> a ride"}
                ]
            }

    text = plain_what(message_text(History(), "C1", "1.1"))
    assert (
        text == "Got patient Maria Lopez & kids <@U7> a ride"
    )  # the Web API's escaping undone, labels dropped
    assert core_service.redact_what(text) == ("Got patient [name removed] & kids <@U7> a ride", {"name": 1})

    class ThreadReply(History):
        def conversations_history(self, **kwargs):
            return {"messages": []}

        def conversations_replies(self, **kwargs):
            return {"messages": [{"ts": "1.0", "text": "parent"}, {"ts": "1.1", "text": "the reply"}]}

    assert message_text(ThreadReply(), "C1", "1.1") == "the reply"


def test_celebrate_button_opens_the_form_for_that_partner(slack, fake_slack, db):
    east = _partner(db)
    _partner(db, "Harbor Housing")
    slack.click("open_celebrate_modal", str(east))
    blocks = {b["block_id"]: b for b in _view(fake_slack.wait_for("views.open"))["blocks"]}
    assert [o["value"] for o in blocks["partners"]["element"]["initial_options"]] == [str(east)]
    assert len(blocks["partners"]["element"]["options"]) == 2


# -- the celebration emoji ------------------------------------------------------------------------------------------


def test_the_emoji_in_a_partner_channel_asks_once_per_message(slack, fake_slack, db):
    _partner(db, channel="C0EAST")
    slack.reaction("tada", item_ts="1700000000.000100", channel="C0EAST", user="U2", item_user="U7")
    prompt = fake_slack.wait_for("chat.postEphemeral")
    assert (prompt.args["channel"], prompt.args["user"]) == ("C0EAST", "U2")
    assert "celebrate this message" in prompt.text_content()
    slack.reaction("tada", item_ts="1700000000.000100", channel="C0EAST", user="U3", item_user="U7")
    slack.reaction(
        "tada::skin-tone-3", item_ts="1700000000.000100", channel="C0EAST", user="U2", item_user="U7"
    )
    assert len(fake_slack.calls("chat.postEphemeral")) == 1
    with db.session() as session:
        assert len(session.exec(select(CelebrationPrompt)).all()) == 1
    slack.reaction(
        "tada::skin-tone-3", item_ts="1700000000.000200", channel="C0EAST", user="U2", item_user="U7"
    )
    assert len(fake_slack.calls("chat.postEphemeral")) == 2


def test_the_emoji_is_ignored_elsewhere(slack, fake_slack, db):
    _partner(db, channel="C0EAST")
    slack.reaction("tada", item_ts="1.1", channel="C0RANDOM", user="U2")  # not a partner channel
    slack.reaction("thumbsup", item_ts="1.2", channel="C0EAST", user="U2")  # another emoji
    slack.reaction(
        "tada", item_ts="1.3", channel="C0EAST", user=fake_slack.bot_user_id
    )  # the bot's own reaction
    slack.reaction("tada", item_ts="1.4", channel="C0EAST", user="U2", item_user=fake_slack.bot_user_id)
    assert fake_slack.calls("chat.postEphemeral") == []


def test_celebrate_it_opens_the_form_prefilled_and_removes_the_prompt(slack, fake_slack, db):
    east = _partner(db, channel="C0EAST")
    slack.reaction("tada", item_ts="1700000000.000100", channel="C0EAST", user="U2", item_user="U7")
    value = fake_slack.wait_for("chat.postEphemeral").args["blocks"]
    value = json.loads(value) if isinstance(value, str) else value
    button = value[1]["elements"][0]["value"]
    slack.click("celebrate_reacted_message", button, user="U2", channel="C0EAST")
    blocks = {b["block_id"]: b for b in _view(fake_slack.wait_for("views.open"))["blocks"]}
    assert blocks["people"]["element"]["initial_users"] == ["U7"]
    assert [o["value"] for o in blocks["partners"]["element"]["initial_options"]] == [str(east)]
    assert blocks["channel"]["element"]["initial_conversation"] == "C0EAST"
    assert fake_slack.wait_for("response_url").args.get("delete_original") is True


def test_not_now_removes_the_prompt(slack, fake_slack):
    slack.click("dismiss_celebration_prompt", '{"channel": "C0EAST", "ts": "1.1"}')
    assert fake_slack.wait_for("response_url").args.get("delete_original") is True
    assert fake_slack.calls("views.open") == []


# -- recaps ---------------------------------------------------------------------------------------------------------


def _record(db, *, text, partners=(), people=("U2",), channel="C0TEAM", at=None) -> None:
    with db.session() as session:
        make_success(
            session, text=text, partners=partners, people=people, channel=channel, at=at, author="U1"
        )


def test_recap_command_shows_successes_by_partner(slack, fake_slack, db):
    east = _partner(db)
    harbor = _partner(db, "Harbor Housing")
    _record(db, text="coat drive", partners=[east], people=("U2", "U3"))
    _record(db, text="rent help", partners=[east, harbor])
    _record(db, text="<@U4> found a ride")
    slack.command("/celebrate", "recap")
    answer = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    text = answer.text_content()
    assert "*3* shared successes thanking *2* people" in text
    assert text.index("*Eastside Food Bank* · 2 successes, 2 people") < text.index(
        "*Harbor Housing* · 1 success"
    )
    assert "coat drive (<@U2> <@U3>)" in text and "<@U4> found a ride" in text
    fake_slack.reset()
    slack.command("/celebrate", "recap 2019-01")
    assert "No shared successes" in _answer(fake_slack)


def test_recap_for_someone_from_another_organization_holds_only_this_channel(slack, fake_slack, db):
    east = _partner(db, channel="C0SHARED", shared=True, slack_team="T0EAST")
    harbor = _partner(db, "Harbor Housing")
    _record(db, text="shared win", partners=[east], channel="C0SHARED")
    _record(db, text="internal win", partners=[harbor], channel="C0TEAM")
    fake_slack.users["W0EAST"] = {"team_id": "T0EAST"}
    slack.command("/celebrate", "recap", channel="C0SHARED", user="W0EAST", user_team="T0EAST")
    text = _answer(fake_slack)
    assert "shared win" in text and "internal win" not in text and "Harbor" not in text


def test_recap_off_and_on_in_a_partner_channel(slack, fake_slack, db):
    _partner(db, channel="C0EAST")
    slack.command("/celebrate", "recap off", channel="C0EAST")
    assert "no more monthly recaps" in _answer(fake_slack)
    with db.session() as session:
        assert all(not p.monthly_recap for p in session.exec(select(PartnerChannel)))
    fake_slack.reset()
    slack.command("/celebrate", "recap on", channel="C0TEAM")
    assert "isn't linked to a partner" in _answer(fake_slack)


def test_the_monthly_recap_is_posted_once_on_the_first_working_day(slack, fake_slack, db):
    east = _partner(db, channel="C0EAST")
    quiet = _partner(db, "Harbor Housing", channel="C0HARBOR")
    assert quiet
    _record(db, text="coat drive", partners=[east], at=datetime(2026, 11, 12, 15, tzinfo=UTC))
    _record(db, text="other partner", partners=[], at=datetime(2026, 11, 13, 15, tzinfo=UTC))
    before = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
    core_jobs.plan_monthly_recaps(db, before)
    assert jobs.tick(db, slack.client, now=before).sent == 0  # not due yet
    due = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tuesday Dec 1, 9:00 in New York
    core_jobs.plan_monthly_recaps(db, due)
    jobs.tick(db, slack.client, now=due)
    jobs.tick(db, slack.client, now=due + timedelta(minutes=5))
    core_jobs.plan_monthly_recaps(db, due + timedelta(hours=2))
    jobs.tick(db, slack.client, now=due + timedelta(hours=2))
    posts = fake_slack.calls("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["C0EAST"]  # the quiet partner gets no empty recap
    text = posts[0].text_content()
    assert "Shared successes · November 2026" in text and "coat drive" in text and "other partner" not in text
    with db.session() as session:
        keys = {r.key: r.status for r in session.exec(select(OutboxMessage))}
    assert keys["recap:C0EAST:2026-11"] == "sent"


def test_a_recap_turned_off_after_planning_is_not_posted(slack, fake_slack, db):
    east = _partner(db, channel="C0EAST")
    _record(db, text="coat drive", partners=[east], at=datetime(2026, 11, 12, 15, tzinfo=UTC))
    core_jobs.plan_monthly_recaps(db, datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    slack.command("/celebrate", "recap off", channel="C0EAST")
    jobs.tick(db, slack.client, now=datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    assert fake_slack.calls("chat.postMessage") == []


def test_seeded_demo_partners_work_with_celebrate(slack, fake_slack, db):
    with db.session() as session:
        demo.seed_demo_partners(session, "T1")
        demo_partner = session.exec(select(Partner).where(Partner.name == "Eastside Food Bank (demo)")).one()
    slack.command("/celebrate", "<@U2> with Eastside Food Bank (demo) for the demo", channel="D0U1")
    assert fake_slack.wait_for("chat.postMessage").args["channel"] == "CDEMOFOOD"
    assert _successes(db)[0][2] == [demo_partner.id]


def test_what_keeps_its_lines_so_a_pasted_form_is_redacted_as_a_form():
    what = plain_what("housed!\nName: Tom Okafor\nAddress:   12 Birch St")
    assert what == "housed!\nName: Tom Okafor\nAddress: 12 Birch St"
    assert "12 Birch St" not in redact(what).text
