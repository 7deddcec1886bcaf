"""The bot on requests in the shapes Slack really sends, over signed HTTP: Slack Connect guests (their own
team on forms and buttons, `user_team` and `authorizations` naming the home team on events), Enterprise Grid
(enterprise_id, W… users), message subtypes (another app's posts, edits, files, thread replies) and people
whose profile has no time zone. Every call the bot makes goes through the strict fake Slack."""

from sqlmodel import select

from bot.console import slack_payloads as payloads
from models.conferences import ConferenceSeries
from models.digests import DigestSubscription
from models.search import QuestionLog, ResourceFeedback
from tests.factories import conference_form_values, log_resource

HOME, GUEST, GRID = "T1", "TPARTNER", "E0REGION"


def _rows(db, model, *where):
    with db.session() as session:
        return list(session.exec(select(model).where(*where)).all())


def _teams(db, model) -> set[str]:
    with db.session() as session:
        return set(session.exec(select(model.team_id)).all())


def test_a_guests_form_in_a_shared_channel_is_saved_for_the_home_workspace(slack, fake_slack, db):
    body = payloads.guest_view_submission("conference_create", conference_form_values(), user="U0GUEST",
                                          home_team=HOME, guest_team=GUEST)
    assert slack.send(*body).status == 200
    assert _teams(db, ConferenceSeries) == {HOME}


def test_a_guests_button_in_a_shared_channel_acts_on_the_home_workspace(slack, fake_slack, db):
    logged = log_resource(db, "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport")
    resource_id = logged.resource.id
    body = payloads.guest_block_action("search_helped", value=str(resource_id), user="U0GUEST", guest_team=GUEST,
                                       channel="C0SHARED", response_url=fake_slack.response_url("guest"),
                                       block_id=f"search_hit_0_{resource_id}")
    assert slack.send(*body).status == 200
    assert [(row.team_id, row.resource_id) for row in _rows(db, ResourceFeedback)] == [(HOME, resource_id)]


def test_a_guests_question_in_a_shared_channel_is_answered_and_counted_for_the_home_workspace(slack, fake_slack,
                                                                                               db):
    log_resource(db, "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport")
    event = {"type": "app_mention", "user": "U0GUEST", "channel": "C0SHARED", "ts": payloads.message_ts(),
             "text": "<@UPARTNERBOT> who can help with food?"}
    body = payloads.shared_channel_event(event, home_team=HOME, guest_team=GUEST, bot_user=fake_slack.bot_user_id)
    assert slack.send(*body).status == 200
    answer = fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "C0SHARED")
    assert "Eastside Food Pantry" in answer.text_content()
    assert _teams(db, QuestionLog) == {HOME}


def test_enterprise_grid_commands_and_events_from_w_users(slack, fake_slack, db):
    log_resource(db, "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport")
    command = payloads.grid_slash_command("/whohelps", "food", user="W0NURSE", channel="C1", team=HOME,
                                          enterprise=GRID, response_url=fake_slack.response_url("grid"))
    assert slack.send(*command).status == 200
    assert "Eastside Food Pantry" in fake_slack.wait_for("response_url").text_content()
    mention = {"type": "app_mention", "user": "W0NURSE", "channel": "C1", "ts": payloads.message_ts(),
               "text": "<@UPARTNERBOT> hello"}
    assert slack.send(*payloads.grid_event(mention, team=HOME, enterprise=GRID,
                                           bot_user=fake_slack.bot_user_id)).status == 200
    fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] == "C1")
    form = payloads.grid_view_submission("search_modal", {"search_query": {"query": "food"}}, user="W0NURSE",
                                         team=HOME, enterprise=GRID)
    assert slack.send(*form).status == 200
    assert _teams(db, QuestionLog) == {HOME}
    assert len(_rows(db, QuestionLog)) == 2


def test_other_apps_posts_and_edits_get_no_answer(slack, fake_slack, db):
    slack.command("/resource", "watch on", channel="CWATCH")
    fake_slack.reset()
    slack.event(payloads.bot_message("who can help with food? Try Northside Diaper Bank, 555-0122",
                                     channel="CWATCH"))
    slack.event(payloads.message_changed("who can help with food?", user="U1", channel="D1", channel_type="im",
                                         previous_text="who can help with fod?"))
    slack.event(payloads.bot_message("who can help with food?", channel="D1") | {"channel_type": "im"})
    assert fake_slack.calls("chat.postMessage") == [] and fake_slack.calls("chat.postEphemeral") == []


def test_a_direct_message_with_a_file_and_a_thread_reply_are_answered(slack, fake_slack, db):
    log_resource(db, "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport")
    slack.event(payloads.file_share("who can help with food?", user="U1", channel="D1"))
    first = fake_slack.wait_for("chat.postMessage", where=lambda call: call.args["channel"] in ("D1", "U1"))
    assert "Eastside Food Pantry" in first.text_content()
    parent = first.args.get("ts") or "1700000000.000200"
    slack.event(payloads.thread_reply("who can help with food?", user="U1", channel="D1", thread_ts=parent,
                                      parent_user=fake_slack.bot_user_id))
    assert len([call for call in fake_slack.calls("chat.postMessage") if call.args["channel"] in ("D1", "U1")]) == 2


def test_people_whose_profile_has_no_time_zone_get_the_workspace_default(slack, fake_slack, db):
    fake_slack.users["U0NOTZ"] = {"tz": None, "tz_label": None, "tz_offset": None}
    zone = slack.app_settings.default_timezone
    assert slack.command("/conference", "", user="U0NOTZ").status == 200
    form = fake_slack.wait_for("views.open").args["view"]
    [field] = [block for block in form["blocks"] if block.get("block_id") == "timezone"]
    assert field["element"]["initial_value"] == zone
    created = slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am',
                            user="U0NOTZ")
    assert created.status == 200
    assert slack.command("/digest", "subscribe weekly on monday at 9am", user="U0NOTZ").status == 200
    assert {row.timezone for row in _rows(db, ConferenceSeries)} == {zone}
    assert {row.timezone for row in _rows(db, DigestSubscription)} == {zone}
    assert "users.info" in {call.method for call in fake_slack.calls()}
