"""/whohelps, @partnerbot who can help…, DMs, the search form and the answer's buttons, over real HTTP against the
fake Slack, on both databases."""

import json

from sqlmodel import func, select

from bot.platform import clock
from models.directory import Resource
from models.partners import Partner, PartnerContact, PartnerService
from models.search import QuestionLog, ResourceFeedback, UnmetNeed
from tests.search.test_search import add


def blocks_of(call) -> list[dict]:
    blocks = call.args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def buttons(call) -> list[dict]:
    return [e for b in blocks_of(call) if b.get("type") == "actions" for e in b["elements"]]


def seed(db) -> dict[str, int]:
    with db.session() as s:
        pantry = add(s, "Eastside Food Pantry", "food", description="groceries Tue/Thu", phone="555-0142",
                     website="https://eastside.example.org", address="12 Main St", city="Eastport",
                     hours="Tue/Thu 2-6pm", languages="English;Spanish", eligibility="Eastport residents",
                     verified_at=clock.utcnow(), verified_by="USTEWARD", created_by="ULOGGER")  # fmt: skip
        rides = add(s, "Kidney Care Transport", "transportation", description="rides to dialysis")
        for number in range(6):
            add(s, f"Pantry {number}", "food")
        return {"pantry": pantry.id, "rides": rides.id}


def test_whohelps_answers_privately_with_the_ranked_cards(slack, fake_slack, db):
    ids = seed(db)
    reply = slack.command("/whohelps", "fridge is empty in Spanish", user="U1", channel="C1")
    assert reply.status == 200
    answer = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    content = answer.text_content()
    for expected in ("Eastside Food Pantry", "555-0142", "https://eastside.example.org", "12 Main St",
                     "Tue/Thu 2-6pm", "Eastport residents", "Spanish", "Last verified", "<@USTEWARD>",
                     "logged by <@ULOGGER>", "speaks Spanish"):  # fmt: skip
        assert expected in content, expected
    cards = [
        b["text"]["text"] for b in blocks_of(answer) if b["type"] == "section" and "*1. " in b["text"]["text"]
    ]
    assert cards[0].startswith("*1. Eastside Food Pantry*")
    actions = {(b["action_id"], b.get("value")) for b in buttons(answer)}
    assert ("search_helped", str(ids["pantry"])) in actions
    actions = {action_id for action_id, _ in actions}
    assert "search_outdated" in actions and "search_show_more" in actions
    with db.session() as s:
        log = s.exec(select(QuestionLog)).one()
    assert (log.need_key, log.surface, log.result_count) == ("food", "slash", 5)


def test_whohelps_without_text_opens_the_search_form(slack, fake_slack):
    slack.command("/whohelps", "")
    view = fake_slack.wait_for("views.open").args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "search_modal"


def test_whohelps_help_shows_usage(slack, fake_slack):
    slack.command("/whohelps", "help")
    assert "/whohelps NEED" in fake_slack.wait_for("response_url").args["text"]


def test_mention_is_answered_in_a_thread(slack, fake_slack, db):
    seed(db)
    slack.mention("who can help with rides to dialysis?", channel="CCARE")
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "CCARE" and post.args.get("thread_ts")
    assert "Kidney Care Transport" in post.text_content()
    with db.session() as s:
        assert s.exec(select(QuestionLog.surface)).one() == "mention"


def test_direct_message_is_answered_in_the_dm(slack, fake_slack, db):
    seed(db)
    slack.dm("Who can help with groceries and a ride to get there?", user="U7")
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D7" and not post.args.get("thread_ts")
    content = post.text_content()
    assert "Eastside Food Pantry" in content and "Kidney Care Transport" in content
    with db.session() as s:
        assert sorted(s.exec(select(QuestionLog.need_key)).all()) == ["food", "transportation"]


def test_other_mentions_are_left_to_other_features(slack, fake_slack, db):
    slack.mention("help")
    card = fake_slack.wait_for("chat.postEphemeral")
    assert "Who can help with" not in card.text_content() and "What partnerbot can do" in card.text_content()
    assert fake_slack.calls("chat.postMessage") == []
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 0


def test_search_button_and_form(slack, fake_slack, db):
    seed(db)
    slack.click("open_search_modal", "search")
    assert fake_slack.wait_for("views.open")
    reply = slack.submit("search_modal", {"search_query": {"query": "pantrey near Eastport"}}, user="U9")
    assert reply.status == 200
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "U9"
    assert "Eastside Food Pantry" in post.text_content()
    with db.session() as s:
        assert s.exec(select(QuestionLog.surface)).one() == "modal"


def test_empty_form_is_refused_inline(slack, fake_slack, db):
    reply = slack.submit("search_modal", {"search_query": {"query": "  "}})
    assert reply.status == 200 and reply.json()["response_action"] == "errors"
    assert fake_slack.calls("chat.postMessage") == []


def test_this_helped_and_info_is_outdated(slack, fake_slack, db):
    ids = seed(db)
    slack.click("search_helped", str(ids["pantry"]), user="U1")
    assert "helped" in fake_slack.wait_for("response_url").args["text"]
    slack.click("search_helped", str(ids["pantry"]), user="U1")
    slack.click("search_outdated", str(ids["pantry"]), user="U2")
    texts = [c.args["text"] for c in fake_slack.calls("response_url")]
    assert "already" in texts[1] and "stewards" in texts[2]
    with db.session() as s:
        resource = s.get(Resource, ids["pantry"])
        assert (resource.helped_count, resource.outdated_count) == (1, 1)
        assert s.exec(select(func.count()).select_from(ResourceFeedback)).one() == 2
    slack.click("search_helped", "not-a-number")
    assert "couldn't tell" in fake_slack.calls("response_url")[-1].args["text"]


def test_show_more_brings_the_next_results(slack, fake_slack, db):
    seed(db)
    slack.command("/whohelps", "food")
    first = fake_slack.wait_for("response_url")
    more = next(b for b in buttons(first) if b["action_id"] == "search_show_more")
    fake_slack.reset()
    slack.click("search_show_more", more["value"])
    second = fake_slack.wait_for("response_url")
    assert second.args["replace_original"] is False
    assert "*6." in json.dumps(blocks_of(second))
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 1
    slack.click("search_show_more", "{broken")
    assert "expired" in fake_slack.calls("response_url")[-1].args["text"]


def test_partners_appear_with_their_slack_contact(slack, fake_slack, db):
    now = clock.utcnow()
    with db.session() as s:
        partner = Partner(team_id="T1", name="Riverbend Food Bank", normalized_name="riverbend food bank",
                          owner_user_id="UOWNER", created_at=now, updated_at=now)  # fmt: skip
        s.add(partner)
        s.flush()
        s.add(PartnerService(partner_id=partner.id, category="food", team_id="T1"))
        s.add(PartnerContact(partner_id=partner.id, team_id="T1", user_id="UPARTNER"))
    slack.command("/whohelps", "food")
    content = fake_slack.wait_for("response_url").text_content()
    assert "Riverbend Food Bank" in content and "ask <@UPARTNER>" in content


def test_nothing_found_offers_to_log_a_resource_and_never_echoes_patient_details(slack, fake_slack, db):
    slack.command("/whohelps", "pt John Miller DOB 3/14/1958 needs dog grooming <!channel>")
    answer = fake_slack.wait_for("response_url")
    content = answer.text_content()
    for forbidden in ("John", "Miller", "3/14/1958", "<!channel>"):
        assert forbidden not in content
    assert "Removed for privacy" in content
    assert "open_resource_modal" in [b["action_id"] for b in buttons(answer)]
    with db.session() as s:
        unmet = s.exec(select(UnmetNeed)).one()
    assert unmet.need_key == "dog grooming" and "John" not in unmet.phrase


def test_too_long_and_empty_questions_get_a_friendly_message(slack, fake_slack, db):
    slack.command("/whohelps", "food " * 200)
    assert "too long" in fake_slack.wait_for("response_url").args["text"]
    fake_slack.reset()
    slack.command("/whohelps", "who can help?")
    assert "couldn't tell" in fake_slack.wait_for("response_url").args["text"]
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(QuestionLog)).one() == 0


def test_a_dm_in_everyday_words_is_answered_and_the_refused_thing_is_no_need(slack, fake_slack, db):
    seed(db)
    with db.session() as s:
        add(s, "Keep Warm Fund", "utilities", description="help with heating and electric bills")
    slack.dm("her heat's off and it's january. she doesn't want a ride, just the bill paid", user="U7")
    post = fake_slack.wait_for("chat.postMessage")
    content = post.text_content()
    assert "Keep Warm Fund" in content and "Kidney Care Transport" not in content
    assert "What partnerbot can do" not in content
    with db.session() as s:
        assert s.exec(select(QuestionLog.need_key)).all() == ["utilities"]
