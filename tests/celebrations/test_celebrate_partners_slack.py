"""`/celebrate … with …` over signed HTTP: several partners, partners nobody registered (register them or
celebrate without crediting, in one click), and replies that quote only redacted text."""

import json

from sqlmodel import select

from bot.celebrations import views
from bot.partners import details as registry_details
from models.celebrations import Success, SuccessPartner
from models.partners import Partner
from tests.factories import make_partner


def _partner(db, name, **kw) -> int:
    with db.session() as session:
        return make_partner(session, name, **kw).id


def _credited(db) -> list[list[int]]:
    with db.session() as session:
        return [
            sorted(session.exec(select(SuccessPartner.partner_id).where(SuccessPartner.success_id == s.id)))
            for s in session.exec(select(Success).order_by(Success.id))
        ]


def _buttons(call) -> dict[str, dict]:
    blocks = call.args.get("blocks") or []
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_with_two_registered_partners_credits_both(slack, fake_slack, db):
    casa = _partner(db, "Casa Esperanza")
    east = _partner(db, "Eastside Food Bank")
    slack.command(
        "/celebrate",
        "<@U2> with Casa Esperanza and Eastside Food Bank for the winter coat drive",
        channel="C0TEAM",
    )
    post = fake_slack.wait_for("chat.postMessage").text_content()
    assert "*Casa Esperanza*, and *Eastside Food Bank*" in post
    assert _credited(db) == [sorted([casa, east])]


def test_an_unregistered_partner_next_to_a_registered_one_is_named_alone(slack, fake_slack, db):
    east = _partner(db, "Eastside Food Bank")
    slack.command(
        "/celebrate", "<@U2> with Casa Esperanza and Eastside Food Bank for the coat drive", channel="C0TEAM"
    )
    offer = fake_slack.wait_for("response_url")
    assert "*Casa Esperanza* isn't a registered partner." in offer.text_content()
    assert "Eastside Food Bank* isn't" not in offer.text_content()
    assert fake_slack.calls("chat.postMessage") == [] and _credited(db) == []
    fake_slack.reset()
    slack.click(views.REGISTER_ACTION, _buttons(offer)[views.REGISTER_ACTION]["value"], channel="C0TEAM")
    fake_slack.wait_for("chat.postMessage")
    with db.session() as session:
        casa = registry_details.find_partner(session, "T1", "Casa Esperanza")
    assert casa.owner_user_id == "U1"  # the person who chose to register it
    assert _credited(db) == [sorted([casa.id, east])]


def test_an_unregistered_partner_is_offered_registration_in_one_click(slack, fake_slack, db):
    slack.command(
        "/celebrate", "<@U2> with Eastport Food Pantry for getting a family's groceries", channel="C0TEAM"
    )
    offer = fake_slack.wait_for("response_url")
    buttons = _buttons(offer)
    assert set(buttons) == {views.REGISTER_ACTION, views.WITHOUT_ACTION, views.CANCEL_ACTION}
    assert "Register Eastport Food Pantry and celebrate" in buttons[views.REGISTER_ACTION]["text"]["text"]
    fake_slack.reset()
    slack.click(views.REGISTER_ACTION, buttons[views.REGISTER_ACTION]["value"], channel="C0TEAM")
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0TEAM" and "*Eastport Food Pantry*" in post.text_content()
    done = fake_slack.wait_for("response_url")
    assert done.args["replace_original"] is True
    assert (
        "Registered *Eastport Food Pantry*" in done.text_content()
        and "Posted in <#C0TEAM>" in done.text_content()
    )
    with db.session() as session:
        (partner,) = session.exec(select(Partner)).all()
    assert partner.name == "Eastport Food Pantry" and _credited(db) == [[partner.id]]


def test_or_celebrated_without_crediting_it(slack, fake_slack, db):
    slack.command(
        "/celebrate", "<@U2> with Eastport Food Pantry for getting a family's groceries", channel="C0TEAM"
    )
    offer = fake_slack.wait_for("response_url")
    fake_slack.reset()
    slack.click(views.WITHOUT_ACTION, _buttons(offer)[views.WITHOUT_ACTION]["value"], channel="C0TEAM")
    post = fake_slack.wait_for("chat.postMessage").text_content()
    assert "Eastport" not in post and "Thank you <@U2>!" in post
    with db.session() as session:
        assert session.exec(select(Partner)).all() == []
    assert _credited(db) == [[]]


def test_without_anyone_left_to_thank_only_registering_is_offered(slack, fake_slack, db):
    slack.command("/celebrate", "with Eastport Food Pantry for the fair", channel="C0TEAM")
    assert set(_buttons(fake_slack.wait_for("response_url"))) == {views.REGISTER_ACTION, views.CANCEL_ACTION}


def test_the_offer_suggests_a_close_registered_name(slack, fake_slack, db):
    _partner(db, "Eastside Food Bank")
    slack.command("/celebrate", "<@U2> with Eastside Foods for the fair")
    assert "Did you mean *Eastside Food Bank*" in fake_slack.wait_for("response_url").text_content()
    assert fake_slack.calls("chat.postMessage") == []


def test_a_typo_in_a_registered_name_is_forgiven(slack, fake_slack, db):
    east = _partner(db, "Eastside Food Bank")
    slack.command("/celebrate", "<@U2> with eastside fod bank for the fair", channel="C0TEAM")
    assert "*Eastside Food Bank*" in fake_slack.wait_for("chat.postMessage").text_content()
    assert _credited(db) == [[east]]


def test_the_offer_quotes_only_redacted_text_and_says_what_was_removed(slack, fake_slack, db):
    slack.command(
        "/celebrate",
        "<@U2> with Eastport Food Pantry for getting patient Maria Lopez DOB 03/04/1950 her groceries",
        channel="C0TEAM",
    )
    offer = fake_slack.wait_for("response_url")
    everything = offer.text_content()
    assert "Maria" not in everything and "1950" not in everything  # neither in the text nor in the buttons
    assert "Removed for privacy: 1 name, 1 date of birth" in everything and "her groceries" in everything
    fake_slack.reset()
    slack.click(views.WITHOUT_ACTION, _buttons(offer)[views.WITHOUT_ACTION]["value"], channel="C0TEAM")
    assert "Maria" not in fake_slack.wait_for("chat.postMessage").text_content()
    assert (
        "Removed for privacy: 1 name, 1 date of birth" in fake_slack.wait_for("response_url").text_content()
    )
    with db.session() as session:
        assert "Maria" not in session.exec(select(Success)).one().text


def test_a_partner_name_carrying_a_patients_details_is_never_offered_for_registration(slack, fake_slack, db):
    slack.command("/celebrate", "<@U2> with patient Maria Lopez for the fair", channel="C0TEAM")
    offer = fake_slack.wait_for("response_url")
    assert "Maria" not in offer.text_content()
    assert set(_buttons(offer)) == {views.WITHOUT_ACTION, views.CANCEL_ACTION}


def test_someone_from_another_organization_cannot_register_and_gets_no_suggestions(slack, fake_slack, db):
    _partner(db, "Eastside Food Bank", channel="C0SHARED", shared=True, slack_team="T0EAST")
    fake_slack.users["W0EAST"] = {"team_id": "T0EAST"}
    slack.command(
        "/celebrate",
        "<@U2> with Eastside Foods for the fair",
        channel="C0SHARED",
        user="W0EAST",
        user_team="T0EAST",
    )
    offer = fake_slack.wait_for("response_url")
    assert "Did you mean" not in offer.text_content()
    assert set(_buttons(offer)) == {views.WITHOUT_ACTION, views.CANCEL_ACTION}


def test_a_stale_button_is_explained(slack, fake_slack, db):
    slack.click(views.REGISTER_ACTION, "not a draft", channel="C0TEAM")
    assert "out of date" in fake_slack.wait_for("response_url").text_content()
    assert fake_slack.calls("chat.postMessage") == []


def test_the_reacted_message_form_says_what_was_removed():
    view = views.celebrate_modal(
        partners=[], what="Got patient [name removed] a ride", removed_summary="Removed for privacy: 1 name"
    )
    assert "Removed for privacy: 1 name" in json.dumps(view)
