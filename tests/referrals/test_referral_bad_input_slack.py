"""What goes wrong when people type: unknown partners, no linked channel, codes that are not ours, notes full of
a patient's identifiers, and guests asking for another partner's figures."""

import json

from sqlmodel import select

from bot.referrals import views
from models.platform import OutboxMessage
from models.referrals import Referral
from tests.referrals.helpers import PARTNER_TEAM, PARTNER_USER, SHARED, buttons, harbor, referrals

IDENTIFIERS = "pt Maria Gonzalez DOB 03/14/1961 MRN 84736251 cell 503-555-0199, needs shelter tonight"


def _reply(fake_slack):
    return fake_slack.wait_for("response_url").text_content()


def test_an_unknown_partner_is_offered_the_closest_names(slack, fake_slack, db):
    harbor(db)
    slack.command("/refer", "Harbour Housng Coalition for housing", channel="C0TEAM")
    reply = _reply(fake_slack)
    assert "I don't know a partner called" in reply and "Harbor Housing" in reply
    assert referrals(db) == []


def test_a_partner_with_no_linked_channel_is_offered_its_contacts(slack, fake_slack, db):
    harbor(db, channel=None, slack_team=None, contacts=("UCASA",))
    slack.command("/refer", "Harbor Housing for housing a family of four", channel="C0TEAM")
    offer = fake_slack.wait_for("response_url")
    assert "no linked channel" in offer.text_content() and "/partner edit Harbor Housing" in offer.text_content()
    assert referrals(db) == [] and fake_slack.calls("chat.postMessage") == []
    fake_slack.reset()
    slack.click(views.SEND_TO_CONTACTS_ACTION, buttons(offer)[views.SEND_TO_CONTACTS_ACTION]["value"],
                channel="C0TEAM")
    card = fake_slack.wait_for("chat.postMessage")
    assert fake_slack.calls("conversations.open")[0].args["users"] == "UCASA"
    [referral] = referrals(db)
    assert card.args["channel"] == referral.card_channel_id == "DCASA" and referral.code in card.text_content()
    # the contact answers from the DM
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user="UCASA", channel="DCASA")
    assert referrals(db)[0].status == "accepted"


def test_codes_that_do_not_exist_or_belong_to_another_workspace(slack, fake_slack, db):
    harbor(db)
    with db.session() as session:
        other = harbor.__globals__["make_partner"](session, "Elsewhere Shelter", team_id="T9")
        session.add(Referral(team_id="T9", code="R-9XYZ", partner_id=other.id, need="housing",
                             referrer_user_id="UX", sent_at=other.created_at))
    for code in ("R-9XYZ", "R-2222"):
        fake_slack.reset()
        slack.command("/refer", f"show {code}", channel="C0TEAM")
        assert f"There is no referral {code} in this workspace" in _reply(fake_slack)
    fake_slack.reset()
    slack.command("/refer", "show banana", channel="C0TEAM")
    assert "is not a referral code" in _reply(fake_slack)


def test_a_note_full_of_identifiers_is_redacted_and_the_person_is_told(slack, fake_slack, db):
    harbor(db)
    slack.command("/refer", f"Harbor Housing for housing urgent {IDENTIFIERS}", channel="C0TEAM")
    card = fake_slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == SHARED)
    reply = _reply(fake_slack)
    assert "Removed for privacy" in reply
    [referral] = referrals(db)
    assert referral.urgency == "urgent" and "shelter tonight" in referral.note
    for leaked in ("Gonzalez", "1961", "84736251", "555-0199"):
        assert leaked not in referral.note and leaked not in card.text_content() and leaked not in reply


def test_a_guest_sees_only_their_own_partners_referrals_and_scorecard(slack, fake_slack, db):
    harbor(db)
    harbor(db, name="Casa Esperanza", channel="C0CASA", slack_team="T3", contacts=("UCASA",))
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    slack.command("/refer", "Casa Esperanza for housing private detail for the care team", channel="C0TEAM")
    with db.session() as session:
        casa_code = session.exec(select(Referral.code).order_by(Referral.id.desc())).first()
    fake_slack.reset()
    slack.command("/refer", "list", channel=SHARED, user=PARTNER_USER, user_team=PARTNER_TEAM)
    listing = _reply(fake_slack)
    assert "Harbor Housing" in listing and "Casa Esperanza" not in listing
    fake_slack.reset()
    slack.command("/refer", f"show {casa_code}", channel=SHARED, user=PARTNER_USER, user_team=PARTNER_TEAM)
    assert "no referral" in _reply(fake_slack)
    fake_slack.reset()
    slack.command("/partner", "scorecard Casa Esperanza", channel=SHARED, user=PARTNER_USER, user_team=PARTNER_TEAM)
    refusal = fake_slack.wait_for("response_url")
    assert "not other partners'" in refusal.text_content() and refusal.args["response_type"] == "ephemeral"
    fake_slack.reset()
    slack.command("/refer", "Casa Esperanza for food", channel=SHARED, user=PARTNER_USER, user_team=PARTNER_TEAM)
    assert "sent by the care team" in _reply(fake_slack)
    assert json.dumps([r.code for r in referrals(db)]).count("R-") == 2


def test_aims_count_connected_referrals_for_their_need(slack, fake_slack, db):
    harbor(db)
    slack.command("/partner", "aim Harbor Housing house 50 shared clients by next June", channel="C0TEAM")
    assert "Aim set with *Harbor Housing*" in _reply(fake_slack)
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    [referral] = referrals(db)
    slack.click(views.ACCEPT_ACTION, f"{referral.id}:accept", user=PARTNER_USER, user_team=PARTNER_TEAM,
                channel=SHARED)
    slack.click(views.CONNECTED_ACTION, f"{referral.id}:connected", channel="DU1")
    fake_slack.reset()
    slack.command("/partner", "scorecard Harbor Housing", channel="C0TEAM")
    assert "*1 of 50*" in _reply(fake_slack)
    fake_slack.reset()
    slack.command("/partner", "aim Harbor Housing progress 12", channel="C0TEAM")
    slack.command("/partner", "scorecard Harbor Housing", channel="C0TEAM")
    assert "*12 of 50* (recorded)" in fake_slack.wait_for(
        "response_url", lambda c: "Scorecard" in c.text_content()).text_content()


def test_a_card_that_cannot_be_posted_keeps_nothing(slack, fake_slack, db):
    harbor(db)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    assert "Invite me there" in _reply(fake_slack)
    assert referrals(db) == []
    with db.session() as session:
        statuses = list(session.exec(select(OutboxMessage.status)))
    assert statuses == ["cancelled"]


def test_a_partner_at_capacity_warns_and_names_others_with_room(slack, fake_slack, db):
    harbor(db, capacity=1)
    harbor(db, name="Casa Esperanza", channel="C0CASA", slack_team="T3", contacts=("UCASA",), capacity=5)
    harbor(db, name="Full House", channel="C0FULL", slack_team="T4", contacts=("UFULL",), capacity=0)
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    assert "at capacity" not in _reply(fake_slack)
    [first] = referrals(db)
    slack.click(views.ACCEPT_ACTION, f"{first.id}:accept", user=PARTNER_USER, user_team=PARTNER_TEAM, channel=SHARED)
    fake_slack.reset()
    slack.command("/refer", "Harbor Housing for housing", channel="C0TEAM")
    warning = _reply(fake_slack)
    assert "at capacity this month (1 of 1 taken)" in warning
    assert "Casa Esperanza" in warning and "Full House" not in warning
    assert len(referrals(db)) == 2  # warned, still sent: the care team decides
