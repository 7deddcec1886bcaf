"""Ask before keeping what is uncertain, over signed HTTP: free text in which something still looks like a person
or an identifier after redaction is held (redacted) and shown back with the doubtful words marked; Save, Remove
marked words and Edit decide what is stored. Nothing unredacted is shown, held or stored."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.directory import doubts as directory_doubts
from bot.directory import views as directory_views
from bot.partners import service as partner_service
from bot.partners import views as partner_views
from bot.platform import pending, review
from bot.platform.clock import utcnow
from bot.platform.errors import FeatureError
from bot.platform.privacy import redact
from bot.runtime import jobs
from models.celebrations import Success
from models.conferences import AgendaItem, ConferenceSeries
from models.directory import Resource
from models.partners import Partner
from models.platform import PendingText
from tests.factories import blocks_of, button

CHANNEL = "<#C0CASES|case-conf>"
DOUBTFUL = "housing barriers after discharge, ask Winifred; pt Rosalind Whitfield DOB 3/4/1944"


def rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def _ask(slack, fake_slack):
    slack.command("/conference", f'{CHANNEL} "Weekly huddle" every Tuesday at 10am')
    series = rows(slack.db, ConferenceSeries)[-1]
    slack.command("/conference", f"agenda {series.id} add {DOUBTFUL}")
    return fake_slack.calls("response_url")[-1].args


def test_pure_review_marks_doubts_and_offers_three_choices():
    asked = review.review_of(redact(DOUBTFUL))
    assert asked is not None and "‹Winifred›" in asked.marked and "Winifred" not in asked.trimmed
    assert "Whitfield" not in asked.marked and "1944" not in asked.marked and "Removed for privacy" in asked.note
    blocks = review.review_blocks(asked, "tok", "agenda")
    ids = [element["action_id"] for element in blocks[-1]["elements"]]
    assert ids == [review.action_id("agenda", choice) for choice in review.CHOICES]
    assert {element["value"] for element in blocks[-1]["elements"]} == {"tok"}
    assert review.review_of(redact("food shelf hours changed")) is None


def test_agenda_item_with_a_doubtful_word_is_held_redacted_and_saved_without_it(slack, fake_slack):
    reply = _ask(slack, fake_slack)
    shown = json.dumps(reply, ensure_ascii=False)
    assert "‹Winifred›" in shown and "Whitfield" not in shown and "1944" not in shown
    assert rows(slack.db, AgendaItem) == []
    held = rows(slack.db, PendingText)
    assert len(held) == 1 and "Whitfield" not in held[0].text + held[0].trimmed
    trim = button(blocks_of(reply), review.action_id("agenda", review.TRIM))
    slack.click(trim["action_id"], trim["value"])
    items = rows(slack.db, AgendaItem)
    assert len(items) == 1 and "Winifred" not in items[0].text and "housing barriers" in items[0].text
    assert rows(slack.db, PendingText) == []
    # A second click finds nothing to save.
    slack.click(trim["action_id"], trim["value"])
    assert "expired" in fake_slack.calls("response_url")[-1].args["text"]
    assert len(rows(slack.db, AgendaItem)) == 1


def test_save_keeps_the_text_as_shown_and_edit_stores_nothing(slack, fake_slack):
    reply = _ask(slack, fake_slack)
    save = button(blocks_of(reply), review.action_id("agenda", review.SAVE))
    slack.click(save["action_id"], save["value"], user="U0OTHER")
    assert rows(slack.db, AgendaItem) == []  # only the author can answer
    slack.click(save["action_id"], save["value"])
    (item,) = rows(slack.db, AgendaItem)
    assert "Winifred" in item.text and "Whitfield" not in item.text
    reply = _ask(slack, fake_slack)
    edit = button(blocks_of(reply), review.action_id("agenda", review.EDIT))
    slack.click(edit["action_id"], edit["value"])
    answer = fake_slack.calls("response_url")[-1].args["text"]
    assert "Nothing was saved" in answer and "Whitfield" not in answer
    assert len(rows(slack.db, AgendaItem)) == 1 and rows(slack.db, PendingText) == []


def test_unanswered_questions_are_deleted_after_an_hour(db):
    asked = review.review_of(redact(DOUBTFUL))
    now = utcnow()
    with db.session() as session:
        pending.hold(session, team_id="T1", user_id="U1", surface="agenda", review=asked, now=now - timedelta(hours=2))
        pending.hold(session, team_id="T2", user_id="U1", surface="agenda", review=asked, now=now)
    assert "prune_pending_text" in {job.name for job in jobs.PLANNERS}
    pending.prune_expired(db, now)
    assert [row.team_id for row in rows(db, PendingText)] == ["T2"]


def test_held_text_expires(db):
    asked = review.review_of(redact(DOUBTFUL))
    now = utcnow()
    with db.session() as session:
        token = pending.hold(session, team_id="T1", user_id="U1", surface="agenda", review=asked, now=now)
    with pytest.raises(FeatureError, match="expired"), db.session() as session:
        pending.take(session, team_id="T1", user_id="U1", surface="agenda", token=token,
                     now=now + pending.PENDING_FOR * 2)


# -- /celebrate: the post is public, so a doubtful word is asked about before anything is posted ------------------

CELEBRATION = "<@U2|ana> for a month of rides to dialysis, and Winifred drove; pt Rosalind Whitfield is thrilled"


def test_a_doubtful_celebration_is_asked_about_and_posted_without_the_marked_words(slack, fake_slack):
    slack.command("/celebrate", CELEBRATION, channel="C0TEAM")
    reply = fake_slack.wait_for("response_url").args
    shown = json.dumps(reply, ensure_ascii=False)
    assert "‹Winifred›" in shown and "Whitfield" not in shown
    assert fake_slack.calls("chat.postMessage") == [] and rows(slack.db, Success) == []
    trim = button(blocks_of(reply), review.action_id("celebrate", review.TRIM))
    slack.click(trim["action_id"], trim["value"], channel="C0TEAM")
    post = fake_slack.wait_for("chat.postMessage")
    text = post.text_content()
    assert "rides to dialysis" in text and "<@U2>" in text and "Winifred" not in text and "Whitfield" not in text
    (success,) = rows(slack.db, Success)
    assert "Winifred" not in success.text and "Whitfield" not in success.text
    assert rows(slack.db, PendingText) == []


def test_a_mention_of_a_patient_in_a_doubtful_celebration_is_held_as_a_name_not_as_its_id(slack, fake_slack):
    slack.command("/celebrate", "<@U2|ana> for the ramp; <@U09PT77|james.w> is our pt now, and Winifred helped",
                  channel="C0TEAM")  # fmt: skip
    shown = json.dumps(fake_slack.wait_for("response_url").args, ensure_ascii=False)
    assert "‹Winifred›" in shown and "U09PT77" not in shown and "james.w" not in shown
    (held,) = rows(slack.db, PendingText)
    assert "U09PT77" not in held.text + held.trimmed and "[name removed]" in held.text


def test_edit_on_a_celebration_opens_the_form_with_the_redacted_text(slack, fake_slack):
    slack.command("/celebrate", CELEBRATION, channel="C0TEAM")
    reply = fake_slack.wait_for("response_url").args
    edit = button(blocks_of(reply), review.action_id("celebrate", review.EDIT))
    slack.click(edit["action_id"], edit["value"], channel="C0TEAM")
    view = json.dumps(fake_slack.wait_for("views.open").args, ensure_ascii=False)
    assert "rides to dialysis" in view and "Whitfield" not in view
    assert fake_slack.calls("chat.postMessage") == [] and rows(slack.db, Success) == []


# -- /resource add: the resource is saved; a word like a name in its description waits for the person ---------

ASK_FOR = "Maple Street Senior Center, free lunch weekdays, ask for Winifred at the desk, 555-0188"


def _logged(slack, fake_slack, text=ASK_FOR):
    slack.command("/resource", "add " + text)
    reply = fake_slack.calls("response_url")[-1].args
    return reply, rows(slack.db, Resource)[-1]


def test_a_resource_is_saved_without_the_doubtful_word_and_save_as_shown_puts_it_back(slack, fake_slack):
    reply, resource = _logged(slack, fake_slack)
    assert resource.name == "Maple Street Senior Center" and "Winifred" not in resource.description
    assert resource.phone and "ask for" in resource.description
    assert "‹Winifred›" in json.dumps(reply, ensure_ascii=False)
    assert directory_views.REVIEW_SURFACE == directory_doubts.SURFACE
    save = button(blocks_of(reply), review.action_id("resource", review.SAVE))
    slack.click(save["action_id"], save["value"])
    (resource,) = rows(slack.db, Resource)
    assert "Winifred" in resource.description and rows(slack.db, PendingText) == []


def test_remove_marked_words_leaves_the_resource_as_saved_and_edit_opens_its_form(slack, fake_slack):
    reply, _resource = _logged(slack, fake_slack)
    trim = button(blocks_of(reply), review.action_id("resource", review.TRIM))
    slack.click(trim["action_id"], trim["value"])
    assert "Winifred" not in rows(slack.db, Resource)[0].description and rows(slack.db, PendingText) == []
    reply, _resource = _logged(slack, fake_slack, "Oak Hill Food Shelf, Saturdays, ask for Winifred, 555-0187")
    edit = button(blocks_of(reply), review.action_id("resource", review.EDIT))
    slack.click(edit["action_id"], edit["value"])
    view = json.dumps(fake_slack.wait_for("views.open").args, ensure_ascii=False)
    assert "Oak Hill Food Shelf" in view and "Winifred" not in view


def test_a_licence_number_in_a_resources_details_is_the_resources_own(slack, fake_slack):
    reply, resource = _logged(slack, fake_slack, "Sunflower Preschool Center, state license #2231874, 555-0199")
    assert "#2231874" in resource.description and rows(slack.db, PendingText) == []
    assert button(blocks_of(reply), review.action_id("resource", review.SAVE)) is None


# -- partner notes: saved without a word like a name; the person is asked in a DM ------------------------------


def _notes_form(text: str) -> dict:
    return {
        "kind": {"kind": {"type": "static_select", "selected_option": {"value": "resource_sharing"}}},
        "eligibility": {"eligibility": text},
        "owner": {"owner": {"type": "users_select", "selected_user": "U1"}},
    }


def test_partner_notes_with_a_doubtful_word_are_saved_without_it_and_save_as_shown_puts_it_back(slack, fake_slack):
    slack.command("/partner", "add Eastside Food Bank")
    (partner,) = rows(slack.db, Partner)
    fake_slack.reset()
    slack.submit("partner_edit_modal", _notes_form("Adults on the east side; ask Winifred. Patient Rosalind "
                 "Whitfield was helped."), private_metadata=json.dumps({"partner_id": partner.id}))
    message = fake_slack.wait_for("chat.postMessage").args
    shown = json.dumps(message, ensure_ascii=False)
    assert "‹Winifred›" in shown and "Whitfield" not in shown
    (partner,) = rows(slack.db, Partner)
    assert "Winifred" not in partner.eligibility_notes and "east side" in partner.eligibility_notes
    save = button(blocks_of(message), review.action_id(partner_views.NOTES_REVIEW_SURFACE, review.SAVE))
    assert partner_views.NOTES_REVIEW_SURFACE == partner_service.NOTES_SURFACE
    slack.click(save["action_id"], save["value"], channel="D0U1")
    (partner,) = rows(slack.db, Partner)
    assert "Winifred" in partner.eligibility_notes and "Whitfield" not in partner.eligibility_notes
    assert rows(slack.db, PendingText) == []
