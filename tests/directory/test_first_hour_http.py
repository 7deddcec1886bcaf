"""What a care team hit in its first hour with the directory (issue 14), the mass mentions of issue 13 item 8 and
the echoes of issue 11 item 6, each over real signed HTTP against the fake Slack, on both databases."""

import json
from datetime import timedelta

from sqlmodel import select

from bot.directory import views
from bot.platform.clock import utcnow
from bot.runtime import jobs
from models.directory import Resource
from tests.factories import blocks_of, button, decoded, last_call, stored_resources


def _field(view, block_id):
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    element = block["element"]
    return element.get("initial_value") or [o["value"] for o in element.get("initial_options", [])]


def _everything_stored(db) -> str:
    return " ".join(str(v) for r in stored_resources(db) for v in r.model_dump().values())


# --- junk saved as resources: the form opens instead ----------------------------------------------------------


def test_a_note_about_a_patient_opens_the_form_instead_of_saving(slack, fake_slack, db):
    slack.command("/resource", "add SSN 123-45-6789 pt needs housing")
    assert stored_resources(db) == []
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert view["callback_id"] == views.MODAL_CALLBACK
    content = json.dumps(view)
    assert "couldn't tell the resource's name" in content and "Removed for privacy" in content
    assert "123-45-6789" not in content and "pt needs housing" not in content
    assert _field(view, "name") == [] and "housing" in _field(view, "categories")
    assert fake_slack.calls("response_url") == []  # the form is the answer


def test_who_it_is_for_is_never_taken_for_the_name(slack, fake_slack, db):
    slack.command("/resource", "add seniors 60+, rides to dialysis, 555-0100")
    assert stored_resources(db) == []
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert _field(view, "phone") == "555-0100" and "seniors" in _field(view, "populations")
    # In a longer note the organization is found further on, and the audience is not its name.
    slack.command("/resource", "add she got a free ride to dialysis from Rides4Health, call 503-555-0100, "
                               "seniors 60+")  # fmt: skip
    assert [r.name for r in stored_resources(db)] == ["Rides4Health"]
    assert "she got" not in _everything_stored(db)


def test_a_person_doing_something_is_not_a_resource(slack, fake_slack, db):
    slack.command("/resource", "add Lorena Castellanos needs food this week, sending her to Southside Food Shelf "
                               "555-0142")  # fmt: skip
    assert [r.name for r in stored_resources(db)] == ["Southside Food Shelf"]
    assert "Castellanos" not in _everything_stored(db)


def test_in_a_mention_the_reply_offers_the_form(slack, fake_slack, db):
    slack.mention("log resource: seniors 60+, 555-0100", channel="C5")
    reply = last_call(fake_slack, "chat.postEphemeral")
    assert "couldn't tell the resource's name" in reply["text"] and stored_resources(db) == []
    offer = button(blocks_of(reply), views.OPEN_MODAL_ACTION)
    slack.click(views.OPEN_MODAL_ACTION, value=offer["value"])
    view = decoded(last_call(fake_slack, "views.open")["view"])
    assert _field(view, "phone") == "555-0100" and _field(view, "name") == []
    values = {"name": {"value": "Eastport Senior Rides"}, "phone": {"value": "555-0100"}}
    slack.submit(views.MODAL_CALLBACK, values, private_metadata=view["private_metadata"])
    assert [r.name for r in stored_resources(db)] == ["Eastport Senior Rides"]


# --- mass mentions (issue 13 item 8) --------------------------------------------------------------------------


def test_a_leading_mass_mention_does_not_cut_the_name(slack, fake_slack, db):
    slack.command("/resource", "add Loud Pantry, 555-0999, food")
    slack.command("/resource", "add <!channel> Loud Pantry Two, 555-0998, food", user="U2")
    reply = json.dumps(last_call(fake_slack, "response_url"))
    assert "Saved to the directory" in reply and "<!channel>" not in reply
    assert sorted((r.name, r.phone) for r in stored_resources(db)) == [
        ("Loud Pantry", "555-0999"), ("Loud Pantry Two", "555-0998")]


def test_a_user_group_is_neither_split_nor_stored(slack, fake_slack, db):
    slack.command("/resource", "add <!subteam^S123|@nurses> Eastside Food Pantry, 555-0142, <!here>")
    [saved] = stored_resources(db)
    assert (saved.name, saved.phone) == ("Eastside Food Pantry", "555-0142")
    stored = _everything_stored(db)
    assert "subteam" not in stored and "nurses" not in stored and "<!" not in stored
    replies = " ".join(fake_slack.posted_texts())
    assert "<!subteam" not in replies and "<!here>" not in replies


# --- echoes (issue 11 item 6) ---------------------------------------------------------------------------------


def test_every_echo_is_redacted_and_says_what_was_removed(slack, fake_slack, db):
    for text in ("show pt John Smith DOB 03/04/1950", "list pt John Smith MRN 8812345", "123-45-6789 please",
                 "edit pt John Smith DOB 03/04/1950 phone 555-0100"):  # fmt: skip
        slack.command("/resource", text)
        reply = last_call(fake_slack, "response_url")["text"]
        assert "Removed for privacy" in reply, text
        assert not any(f in reply for f in ("John", "Smith", "1950", "8812345", "6789")), reply


# --- retiring one's own mistake, editing one detail, Edit on a merged card ------------------------------------


def test_the_author_retires_their_own_mistaken_entry(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelterr, 555-0188", user="U1")
    slack.command("/resource", "retire Hope Shelterr", user="U1")
    assert "Retired *Hope Shelterr*" in last_call(fake_slack, "response_url")["text"]
    assert stored_resources(db)[0].retired_by == "U1"
    slack.command("/resource", "add Hope Shelter, 555-0189", user="U1")
    slack.command("/resource", "add Hope Shelter, 555-0189", user="U2")  # someone else relies on it now
    slack.command("/resource", "retire Hope Shelter", user="U1")
    assert "a steward or admin needs to retire it" in last_call(fake_slack, "response_url")["text"]
    assert stored_resources(db)[1].retired_at is None


def test_resource_edit_with_a_field_and_value_applies_the_change(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelter, 555-0188")
    slack.command("/resource", "edit Hope Shelter phone 555-0303")
    reply = json.dumps(last_call(fake_slack, "response_url"))
    assert "Saved your changes" in reply and "555-0303" in reply
    assert fake_slack.calls("views.open") == []
    assert stored_resources(db)[0].phone == "555-0303"


def test_a_merged_card_offers_edit_and_it_works(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelter, 555-0188", user="U1")
    slack.command("/resource", "add Hope Shelter, 555-0199", user="U2")
    reply = last_call(fake_slack, "response_url")
    assert "use Edit if it changed" in json.dumps(reply)
    edit = button(blocks_of(reply), views.EDIT_ACTION)
    assert edit is not None
    slack.click(views.EDIT_ACTION, value=edit["value"], user="U2")
    view = decoded(last_call(fake_slack, "views.open")["view"])
    values = {"name": {"value": "Hope Shelter"}, "phone": {"value": "555-0199"}}
    slack.submit(views.MODAL_CALLBACK, values, private_metadata=view["private_metadata"], user="U2")
    assert stored_resources(db)[0].phone == "555-0199"


# --- imported rows, outdated flags ----------------------------------------------------------------------------


def test_imported_rows_are_logged_by_nobody(slack, fake_slack, db, tmp_path):
    from dataclasses import replace

    from bot.directory import importer
    from bot.runtime.settings import Settings

    path = tmp_path / "in.csv"
    path.write_text("name,categories,phone,city\nNorthgate Food Shelf,food,555-0111,Northgate\n", encoding="utf-8")
    assert importer.run_cli(str(path), "T1", replace(Settings(), database_url=db.url)) == 0
    assert stored_resources(db)[0].created_by == ""
    slack.command("/whohelps", "food")
    answer = json.dumps(last_call(fake_slack, "response_url"))
    assert "Northgate Food Shelf" in answer and "<@import>" not in answer
    slack.command("/resource", "show Northgate Food Shelf")
    assert "imported" in json.dumps(last_call(fake_slack, "response_url"))


def test_verifying_clears_the_outdated_flag(slack, fake_slack, db):
    slack.command("/resource", "add Eastside Food Pantry, food, 555-0142")
    [saved] = stored_resources(db)
    slack.click("search_outdated", str(saved.id), user="U2")  # "Info is outdated" on a search answer
    slack.command("/resource", "show Eastside Food Pantry")
    assert "flagged outdated 1×" in json.dumps(last_call(fake_slack, "response_url"), ensure_ascii=False)
    slack.command("/resource", "verify Eastside Food Pantry", user="UADMIN")
    assert "flag was cleared" in last_call(fake_slack, "response_url")["text"]
    slack.command("/resource", "show Eastside Food Pantry")
    assert "flagged outdated" not in json.dumps(last_call(fake_slack, "response_url"))
    slack.command("/whohelps", "food")
    assert "flagged outdated" not in json.dumps(last_call(fake_slack, "response_url"))


def test_stewards_are_told_about_outdated_info_and_verify_from_the_notice(slack, fake_slack, db):
    slack.command("/resource", "steward add <@USTEW|stew>", user="UADMIN")
    slack.command("/resource", "add Eastside Food Pantry, food, 555-0142")
    [saved] = stored_resources(db)
    for user in ("U2", "U3", "U3"):  # "Info is outdated" on a search answer, U3 twice
        slack.click("search_outdated", str(saved.id), user=user)
    jobs.tick(db, slack.client, now=utcnow() + timedelta(seconds=1))
    [notice] = [c.args for c in fake_slack.calls("chat.postMessage") if c.args.get("channel") == "USTEW"]
    assert "flagged Eastside Food Pantry as outdated" in notice["text"]  # once, for two flags
    verify = button(blocks_of(notice), views.VERIFY_ACTION)
    slack.click(views.VERIFY_ACTION, value=verify["value"], user="U2")  # not a steward
    assert "Only stewards and admins" in last_call(fake_slack, "response_url")["text"]
    slack.click(views.VERIFY_ACTION, value=verify["value"], user="USTEW")
    assert "Verified *Eastside Food Pantry*" in last_call(fake_slack, "response_url")["text"]
    with db.session() as session:
        assert session.exec(select(Resource.verified_by)).one() == "USTEW"
