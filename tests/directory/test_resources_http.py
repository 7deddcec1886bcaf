"""The resource directory over real signed HTTP against the fake Slack, on both databases."""

import json

from sqlmodel import select

from bot.console import demo
from bot.directory import views
from models.directory import ResourceLogEntry, WatchedChannel, WatchedMessage
from tests.factories import blocks_of, button, decoded, last_call, stored_resources

EXAMPLE = "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken"
PHI = "Eastside Food Pantry, pt John Smith DOB 03/04/1950 MRN 8812345 says they help, 555-0142, her cell 503-555-0199"
PHI_FRAGMENTS = ("John", "Smith", "1950", "8812345", "0199")


def test_resource_add_replies_with_the_saved_card_and_buttons(slack, fake_slack, db):
    response = slack.command("/resource", "add " + EXAMPLE)
    assert response.status == 200
    reply = last_call(fake_slack, "response_url")
    assert reply["response_type"] == "ephemeral"
    content = json.dumps(reply)
    assert "Saved to the directory" in content and "Eastside Food Pantry" in content and "555-0142" in content
    [saved] = stored_resources(db)
    assert (saved.city, saved.hours, saved.team_id, saved.created_by) == (
        "Eastport",
        "Tue/Thu 2-6pm",
        "T1",
        "U1",
    )
    assert button(blocks_of(reply), views.EDIT_ACTION)["value"] == str(saved.id)
    assert button(blocks_of(reply), views.UNDO_ACTION) is not None


def test_add_followed_by_a_line_break(slack, fake_slack, db):
    slack.command("/resource", "add\nHope Shelter\n555-0188")
    [saved] = stored_resources(db)
    assert (saved.name, saved.phone) == ("Hope Shelter", "555-0188")


def test_patient_details_are_removed_reported_and_never_echoed(slack, fake_slack, db):
    slack.command("/resource", "add " + PHI)
    reply = json.dumps(last_call(fake_slack, "response_url"))
    assert "Removed for privacy:" in reply
    for fragment in PHI_FRAGMENTS:
        assert fragment not in reply
        assert fragment not in " ".join(str(v) for v in stored_resources(db)[0].model_dump().values())


def test_a_second_mention_merges_and_undo_takes_it_back(slack, fake_slack, db):
    slack.command("/resource", "add Eastside Food Pantry, 555-0142")
    slack.command("/resource", "add East Side Food Pantry, 555-0142, https://eastside.example.org", user="U2")
    reply = last_call(fake_slack, "response_url")
    assert "Already in the directory" in json.dumps(reply) and "website" in json.dumps(reply)
    [saved] = stored_resources(db)
    assert saved.mention_count == 2 and saved.website == "https://eastside.example.org"

    undo = button(blocks_of(reply), views.UNDO_ACTION)["value"]
    slack.click(views.UNDO_ACTION, value=undo, user="U3")  # not theirs
    assert "Only the person who logged it" in json.dumps(last_call(fake_slack, "response_url"))
    slack.click(views.UNDO_ACTION, value=undo, user="U2")
    assert "taken back" in json.dumps(last_call(fake_slack, "response_url"))
    [saved] = stored_resources(db)
    assert (saved.mention_count, saved.website) == (1, "")


def test_undo_of_a_new_resource_removes_it(slack, fake_slack, db):
    slack.command("/resource", "add " + EXAMPLE)
    undo = button(blocks_of(last_call(fake_slack, "response_url")), views.UNDO_ACTION)["value"]
    slack.click(views.UNDO_ACTION, value=undo)
    assert "removed from the directory" in json.dumps(last_call(fake_slack, "response_url"))
    assert stored_resources(db) == []


def test_bad_input_gets_friendly_messages_and_saves_nothing(slack, fake_slack, db):
    slack.command("/resource", "add")
    assert "/resource add Eastside Food Pantry" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "add " + "Food Bank " * 500)
    assert "4,000 characters" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "add 555-0142")  # no name: the form opens with what could be read
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert "couldn't tell the resource's name" in json.dumps(view) and "555-0142" in json.dumps(view)
    slack.command("/resource", "frobnicate")
    assert "I don't know" in json.dumps(last_call(fake_slack, "response_url"))
    assert stored_resources(db) == []


def test_broadcast_mentions_are_neutralized_in_replies(slack, fake_slack, db):
    slack.command("/resource", "add <!channel> Pantry <!here>, 555-0142, <!subteam^S123|@nurses> food")
    reply = json.dumps(last_call(fake_slack, "response_url"))
    assert "<!channel>" not in reply and "<!here>" not in reply and "<!subteam" not in reply
    [saved] = stored_resources(db)
    slack.command("/resource", "show " + saved.name)
    shown = last_call(fake_slack, "response_url")
    assert "Pantry" in shown["text"] and "<!channel>" not in json.dumps(shown)


def test_sql_looking_text_is_stored_literally(slack, fake_slack, db):
    slack.command("/resource", "add Robert'); DROP TABLE resource;-- Food Bank, 555-0100")
    [saved] = stored_resources(db)
    assert "DROP TABLE" in saved.name + saved.description


def test_resource_without_text_opens_the_form_and_submitting_saves(slack, fake_slack, db):
    slack.command("/resource", "", channel="C7")
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert view["callback_id"] == views.MODAL_CALLBACK
    block_ids = {b.get("block_id") for b in view["blocks"]}
    assert {
        "name",
        "organization",
        "description",
        "categories",
        "phone",
        "email",
        "website",
        "address",
        "city",
        "state",
        "postal_code",
        "hours",
        "languages",
        "eligibility",
        "populations",
    } <= block_ids

    values = {
        "name": {"value": "Hope Shelter"},
        "phone": {"value": "555-0188"},
        "description": {"value": "Beds tonight; pt Jane Doe MRN 4455667 stayed there"},
        "categories": {"value": ["shelter", "housing"]},
        "languages": {"value": "Spanish; Vietnamese"},
    }
    response = slack.submit(views.MODAL_CALLBACK, values, private_metadata=view["private_metadata"])
    assert response.status == 200
    [saved] = stored_resources(db)
    assert (saved.name, saved.categories, saved.languages) == (
        "Hope Shelter",
        "shelter;housing",
        "Spanish;Vietnamese",
    )
    assert "Jane" not in saved.description and "4455667" not in saved.description
    notice = last_call(fake_slack, "chat.postEphemeral")
    assert notice["channel"] == "C7" and notice["user"] == "U1"
    assert "Removed for privacy" in json.dumps(notice)


def test_form_errors_show_in_the_form_and_save_nothing(slack, fake_slack, db):
    response = slack.submit(
        views.MODAL_CALLBACK,
        {"name": {"value": "X Clinic"}, "email": {"value": "nope"}},
        private_metadata=json.dumps({"resource_id": None, "channel_id": "C1"}),
    )
    body = response.json()
    assert body["response_action"] == "errors" and "email" in body["errors"]
    assert stored_resources(db) == []


def test_edit_through_the_form_respects_permissions(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelter, 555-0188", user="U1")
    [saved] = stored_resources(db)
    slack.click(views.EDIT_ACTION, value=str(saved.id), user="U2")
    assert "Only the person who added it" in json.dumps(last_call(fake_slack, "response_url"))
    assert fake_slack.calls("views.open") == []

    slack.click(views.EDIT_ACTION, value=str(saved.id), user="U1")
    view = decoded(last_call(fake_slack, "views.open")["view"])
    name_block = next(b for b in view["blocks"] if b.get("block_id") == "name")
    assert name_block["element"]["initial_value"] == "Hope Shelter"
    metadata = view["private_metadata"]
    changed = {
        "name": {"value": "Hope Shelter"},
        "phone": {"value": "555-0189"},
        "city": {"value": "Westbrook"},
    }
    forbidden = slack.submit(views.MODAL_CALLBACK, changed, private_metadata=metadata, user="U2").json()
    assert forbidden["response_action"] == "errors"
    assert slack.submit(views.MODAL_CALLBACK, changed, private_metadata=metadata, user="U1").status == 200
    [saved] = stored_resources(db)
    assert (saved.phone, saved.city) == ("555-0189", "Westbrook")


def test_message_shortcut_prefills_the_form_after_redaction(slack, fake_slack, db):
    slack.shortcut("log_resource", message_text=PHI)
    view = decoded(last_call(fake_slack, "views.open")["view"])
    content = json.dumps(view)
    assert "Eastside Food Pantry" in content and "555-0142" in content and "Removed for privacy" in content
    for fragment in PHI_FRAGMENTS:
        assert fragment not in content
    assert stored_resources(db) == []  # nothing saved until the form is submitted


def test_open_resource_modal_button_prefills_from_its_value(slack, fake_slack, db):
    slack.click(views.OPEN_MODAL_ACTION, value="Hope Shelter, 555-0188")
    view = decoded(last_call(fake_slack, "views.open")["view"])
    phone = next(b for b in view["blocks"] if b.get("block_id") == "phone")
    assert phone["element"]["initial_value"] == "555-0188"
    slack.click(views.OPEN_MODAL_ACTION, value="home")  # the App Home's button
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert "initial_value" not in next(b for b in view["blocks"] if b.get("block_id") == "name")["element"]


def test_mention_and_dm_log_a_resource(slack, fake_slack, db):
    slack.mention("log resource: " + EXAMPLE, channel="C5")
    answer = last_call(fake_slack, "chat.postEphemeral")
    assert (
        answer["channel"] == "C5" and answer["user"] == "U1" and "Eastside Food Pantry" in json.dumps(answer)
    )
    slack.dm("log resource: Hope Shelter, 555-0188", user="U2")
    dm = last_call(fake_slack, "chat.postMessage")
    assert dm["channel"] == "D2" and "Hope Shelter" in json.dumps(dm)
    assert [r.name for r in stored_resources(db)] == ["Eastside Food Pantry", "Hope Shelter"]


def test_watched_channels_count_mentions_and_suggest_once(slack, fake_slack, db):
    slack.command("/resource", "add Eastside Food Pantry, 555-0142")
    slack.message("Try the Eastside Food Pantry on Tuesday", channel="C9")  # not watched yet
    assert stored_resources(db)[0].mention_count == 1

    slack.command("/resource", "watch on", channel="C9")
    assert "Watching this channel now" in json.dumps(last_call(fake_slack, "response_url"))
    slack.message("pt went to the Eastside Food Pantry on Tuesday", channel="C9", ts="100.1")
    assert stored_resources(db)[0].mention_count == 2
    assert fake_slack.calls("chat.postEphemeral") == []  # silently

    new = "Westside Diaper Bank has free diapers Sat 10am-2pm, 555-0166, 3 Pine St Westbrook"
    slack.message(new, channel="C9", ts="100.2", user="U4")
    suggestion = last_call(fake_slack, "chat.postEphemeral")
    assert suggestion["user"] == "U4" and "Log this resource?" in suggestion["text"]
    assert "Westside Diaper Bank" in button(blocks_of(suggestion), views.OPEN_MODAL_ACTION)["value"]
    slack.message(new, channel="C9", ts="100.2", user="U4")  # the same message again
    assert len(fake_slack.calls("chat.postEphemeral")) == 1

    # "@partnerbot log resource: …" in a watched channel arrives twice (app_mention and message): one mention.
    text = "log resource: Eastside Food Pantry, 555-0142"
    slack.mention(text, channel="C9")
    slack.message(f"<@{fake_slack.bot_user_id}> {text}", channel="C9", ts="100.3")
    assert stored_resources(db)[0].mention_count == 3

    slack.command("/resource", "watch off", channel="C9")
    with db.session() as session:
        assert session.exec(select(WatchedChannel)).all() == []


def test_list_show_verify_retire_and_help(slack, fake_slack, db):
    with db.session() as session:
        demo.seed_demo_directory(session, "T1")
    slack.command("/resource", "list food")
    listing = json.dumps(last_call(fake_slack, "response_url"))
    assert "Eastside Food Pantry" in listing and "Martha" in listing and "Hope Shelter" not in listing
    slack.command("/resource", "list foodz")
    assert "isn't a category I know" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "show hope shelter")
    assert "555-0188" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "show nothing like it")
    assert "couldn't find" in json.dumps(last_call(fake_slack, "response_url"))

    slack.command("/resource", "verify Hope Shelter", user="U1")
    assert "Only stewards and admins" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "verify Hope Shelter", user="UADMIN")
    assert "Verified" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "steward add <@U7|u7>", user="UADMIN")
    slack.command("/resource", "retire Hope Shelter", user="U7")
    assert "Retired" in json.dumps(last_call(fake_slack, "response_url"))
    hope = next(r for r in stored_resources(db) if r.name == "Hope Shelter")
    assert (hope.verified_by, hope.retired_by) == ("UADMIN", "U7")
    slack.command("/resource", "help")
    assert "/resource watch on" in json.dumps(last_call(fake_slack, "response_url"))
    with db.session() as session:
        assert session.exec(select(ResourceLogEntry)).all() == []  # managing logs nothing new


def test_guests_from_partner_organizations_can_look_but_not_change(slack, fake_slack, db):
    with db.session() as session:
        demo.seed_demo_directory(session, "T1")
    before = len(stored_resources(db))
    # A slash command does not say which organization the person belongs to; users.info does (issue 13, item 3).
    fake_slack.users["UEXT"] = {"team_id": "TPARTNER"}
    slack.command("/resource", "add Guest Pantry, 555-0100", user="UEXT")
    assert "Only members of this workspace" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "add Guest Pantry, 555-0100", user="UEXT", user_team="TPARTNER")
    assert "Only members of this workspace" in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/resource", "show hope shelter", user="UEXT", user_team="TPARTNER")
    assert "555-0188" in json.dumps(last_call(fake_slack, "response_url"))
    refused = slack.submit(
        views.MODAL_CALLBACK,
        {"name": {"value": "Guest Pantry"}},
        user="UEXT",
        user_team="TPARTNER",
        private_metadata=json.dumps({"resource_id": None}),
    ).json()
    assert refused["response_action"] == "errors"
    slack.command("/resource", "watch on", channel="C9")
    slack.message(
        "Westside Diaper Bank, free diapers Sat 10am-2pm, 555-0166, 3 Pine St Westbrook",
        channel="C9",
        user="UEXT",
        user_team="TPARTNER",
    )
    assert fake_slack.calls("chat.postEphemeral") == []
    with db.session() as session:
        assert (
            session.exec(select(WatchedMessage)).all() == []
        )  # the channel's suggestion budget is untouched
    assert len(stored_resources(db)) == before


def test_resource_edit_by_name_opens_the_prefilled_form_for_those_allowed(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelter, 555-0188", user="U1")
    slack.command("/resource", "edit hope shelter", user="U2")
    assert "Only the person who added it" in json.dumps(last_call(fake_slack, "response_url"))
    assert fake_slack.calls("views.open") == []
    slack.command("/resource", "edit hope shelter", user="UADMIN")  # admins may edit anyone's entry
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert json.loads(view["private_metadata"])["resource_id"] == stored_resources(db)[0].id
    slack.command("/resource", "edit Nothing Like It", user="U1")
    assert "couldn't find" in json.dumps(last_call(fake_slack, "response_url"))


def test_lookups_never_quote_patient_details_back(slack, fake_slack, db):
    slack.command("/resource", "show pt John Smith DOB 03/04/1950")
    slack.command("/resource", "list pt John Smith MRN 8812345")
    slack.command("/resource", "verify pt John Smith DOB 03/04/1950", user="UADMIN")
    echoed = " ".join(fake_slack.posted_texts())
    assert "couldn't find" in echoed and "isn't a category" in echoed
    assert [f for f in PHI_FRAGMENTS if f in echoed] == []


def test_form_result_falls_back_to_a_dm_when_the_bot_is_not_in_the_channel(slack, fake_slack, db):
    fake_slack.fail_next("chat.postEphemeral", error="not_in_channel")
    metadata = json.dumps({"resource_id": None, "channel_id": "CNOTIN"})
    slack.submit(views.MODAL_CALLBACK, {"name": {"value": "Hope Shelter"}}, private_metadata=metadata)
    dm = last_call(fake_slack, "chat.postMessage")
    assert dm["channel"] == "U1" and "Hope Shelter" in json.dumps(dm)
    assert [r.name for r in stored_resources(db)] == ["Hope Shelter"]
