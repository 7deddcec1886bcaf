"""The closed loop over signed HTTP, with a partner's person from another workspace in a shared channel:
refer -> answer on the card -> outcome, and what each step shows and to whom."""

import json
from datetime import timedelta

from bot.digests.contents import build_digest
from bot.digests.report import render_markdown
from bot.digests.views import digest_blocks
from bot.platform.clock import utcnow
from bot.referrals import views
from tests.referrals.helpers import (
    CONTACT,
    PARTNER_TEAM,
    PARTNER_USER,
    SHARED,
    buttons,
    harbor,
    option,
    referrals,
)


def _refer(slack, fake_slack, text="Harbor Housing for housing family of four, needs a unit by the 1st",
           card_channel=SHARED):
    slack.command("/refer", text, channel="C0TEAM")
    return fake_slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == card_channel)


def test_refer_accept_outcome_end_to_end(slack, fake_slack, db):
    harbor(db)
    card = _refer(slack, fake_slack)
    [referral] = referrals(db)
    assert referral.code in card.text_content() and f"<@{CONTACT}>" in card.text_content()
    assert referral.card_channel_id == SHARED and referral.card_ts == card.args.get("ts") or referral.card_ts
    reply = fake_slack.wait_for("response_url").text_content()
    assert referral.code in reply and "patient's record" in reply
    assert set(buttons(card)) == set(views.ANSWER_ACTIONS)

    fake_slack.reset()
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user=PARTNER_USER, user_team=PARTNER_TEAM,
                channel=SHARED, team="T1")
    update = fake_slack.wait_for("chat.update")
    assert update.args["channel"] == SHARED and update.args["ts"] == referral.card_ts
    assert not set(buttons(update)) & set(views.ANSWER_ACTIONS) and "Accepted" in update.text_content()
    thread = fake_slack.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == referral.card_ts)
    assert "accepted" in thread.text_content()
    told = fake_slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1")
    assert set(buttons(told)) == set(views.OUTCOME_ACTIONS)
    [accepted] = referrals(db)
    assert accepted.status == "accepted" and accepted.answered_by_user_id == PARTNER_USER
    assert accepted.first_answer_seconds is not None and accepted.team_id == "T1"

    fake_slack.reset()
    slack.click(views.CONNECTED_ACTION, buttons(told)[views.CONNECTED_ACTION]["value"], channel="DU1")
    assert "Connected" in fake_slack.wait_for("response_url").text_content()
    assert "Connected" in fake_slack.wait_for("chat.update").text_content()
    [closed] = referrals(db)
    assert closed.outcome == "connected" and closed.outcome_at is not None

    # the figures count it: the partner's scorecard, asked by the care team and by the partner's own person...
    fake_slack.reset()
    slack.command("/partner", "scorecard Harbor Housing", channel="C0TEAM")
    card = fake_slack.wait_for("response_url").text_content()
    assert "1 sent · 100% accepted" in card and "loop closed 100% · 100% connected" in card
    fake_slack.reset()
    slack.command("/partner", "scorecard harbor housing", channel=SHARED, user=PARTNER_USER, user_team=PARTNER_TEAM)
    assert "1 sent · 100% accepted" in fake_slack.wait_for("response_url").text_content()
    # ...and the manager digest
    with db.session() as session:
        data = build_digest(session, "T1", closed.sent_at - timedelta(days=1), utcnow() + timedelta(minutes=1))
    assert (data.referrals.total.sent, data.referrals.total.connected) == (1, 1)
    assert data.referrals.by_partner[0][0] == "Harbor Housing"
    assert sum(w.referrals_connected for w in data.weeks) == 1
    assert "Referrals and the loop closed" in json.dumps(digest_blocks(data))
    assert "| Harbor Housing | 1 | 100% |" in render_markdown(data)


def test_someone_else_in_the_shared_channel_is_refused_privately(slack, fake_slack, db):
    harbor(db)
    _refer(slack, fake_slack)
    [referral] = referrals(db)
    fake_slack.reset()
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user="UOTHERORG", user_team="T9", channel=SHARED)
    refusal = fake_slack.wait_for("response_url")
    assert "Only Harbor Housing's staff can answer" in refusal.text_content()
    assert refusal.args.get("response_type") == "ephemeral"
    assert fake_slack.calls("chat.update") == [] and referrals(db)[0].status == "sent"
    # a care team member (the referrer's own workspace) is not the partner either
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user="U1", channel=SHARED)
    assert referrals(db)[0].status == "sent"


def test_a_second_answer_is_refused_and_changes_nothing(slack, fake_slack, db):
    harbor(db)
    _refer(slack, fake_slack)
    [referral] = referrals(db)
    decline = option(buttons(fake_slack.calls("chat.postMessage")[0])[views.DECLINE_ACTION], ":capacity")
    slack.click(views.DECLINE_ACTION, selected_option=decline, user=CONTACT, user_team=PARTNER_TEAM, channel=SHARED)
    assert referrals(db)[0].status == "declined" and referrals(db)[0].decline_reason == "capacity"
    fake_slack.reset()
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user=PARTNER_USER, user_team=PARTNER_TEAM,
                channel=SHARED)
    assert "already answered" in fake_slack.wait_for("response_url").text_content()
    assert referrals(db)[0].status == "declined" and fake_slack.calls("chat.update") == []


def test_need_more_info_then_accept(slack, fake_slack, db):
    harbor(db)
    _refer(slack, fake_slack)
    [referral] = referrals(db)
    slack.click(views.INFO_ACTION, f"{referral.id}:info", user=CONTACT, user_team=PARTNER_TEAM, channel=SHARED)
    first = referrals(db)[0]
    assert first.status == "info_requested" and first.first_answer_at is not None
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user=CONTACT, user_team=PARTNER_TEAM, channel=SHARED)
    second = referrals(db)[0]
    assert second.status == "accepted" and second.first_answer_at == first.first_answer_at


def test_a_partner_without_a_workspace_is_answered_by_contacts_and_stewards(slack, fake_slack, db):
    harbor(db, slack_team=None, channel="C0PRIVATE", contacts=("UCASA",))
    _refer(slack, fake_slack, "Harbor Housing for housing", card_channel="C0PRIVATE")
    [referral] = referrals(db)
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user="UNOBODY", channel="C0PRIVATE")
    assert referrals(db)[0].status == "sent"
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user="UADMIN", channel="C0PRIVATE")
    assert referrals(db)[0].status == "accepted"


def test_the_home_tab_lists_the_persons_open_referrals_and_opens_the_form(slack, fake_slack, db):
    harbor(db)
    _refer(slack, fake_slack)
    [referral] = referrals(db)
    fake_slack.reset()
    slack.home_opened("U1")
    home = fake_slack.wait_for("views.publish").text_content()
    assert referral.code in home and "Your open referrals" in home
    fake_slack.reset()
    slack.click(views.OPEN_FORM_ACTION, "home", channel=None)
    form = fake_slack.wait_for("views.open").args["view"]
    form = json.loads(form) if isinstance(form, str) else form
    assert form["callback_id"] == views.FORM_CALLBACK
    partner_option = form["blocks"][0]["element"]["options"][0]
    slack.submit(views.FORM_CALLBACK, {
        "partner": {"partner": {"type": "static_select", "selected_option": partner_option}},
        "need": {"need": {"type": "static_select", "selected_option": {"value": "housing"}}},
        "urgency": {"urgency": {"type": "static_select", "selected_option": {"value": "urgent"}}},
        "share_by": {"share_by": {"type": "static_select", "selected_option": {"value": "fax"}}},
        "note": {"note": {"type": "plain_text_input", "value": "needs a two-bedroom"}},
    })
    fake_slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == "U1")
    second = referrals(db)[1]
    assert (second.urgency, second.share_by, second.note) == ("urgent", "fax", "needs a two-bedroom")


def test_a_partner_in_a_who_can_help_answer_can_be_referred_to(slack, fake_slack, db):
    partner_id = harbor(db)
    slack.command("/whohelps", "housing", channel="C0TEAM")
    answer = fake_slack.wait_for("response_url")
    select = next(e for b in answer.args["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == views.OPEN_FORM_ACTION)
    fake_slack.reset()
    slack.click(views.OPEN_FORM_ACTION, selected_option=select["options"][0], channel="C0TEAM")
    form = fake_slack.wait_for("views.open").args["view"]
    form = json.loads(form) if isinstance(form, str) else form
    assert form["blocks"][0]["element"]["initial_option"]["value"] == str(partner_id)
