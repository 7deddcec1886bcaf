"""What people type after /resource, read into typed commands (bot.directory.commands): pure, no database."""

import re

import pytest

from bot.directory import commands
from bot.directory.commands import (
    AddResource,
    ChangeSteward,
    EditReading,
    FieldChange,
    ListResources,
    ListStewards,
    ManageResource,
    OpenForm,
    ShowHelp,
    ShowResource,
    Watch,
)
from bot.help.sections import SECTIONS, full_help
from bot.platform.errors import FeatureError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", OpenForm()),
        ("add Hope Shelter, 555-0188", AddResource("Hope Shelter, 555-0188")),
        ("ADD\nHope Shelter\n555-0188", AddResource("Hope Shelter\n555-0188")),
        ("help", ShowHelp()),
        ("list", ListResources()),
        ("list Food", ListResources("food")),
        ("show  hope   shelter", ShowResource("hope shelter")),
        ("info Hope Shelter", ShowResource("Hope Shelter")),
        ("verify Hope Shelter", ManageResource("verify", "Hope Shelter")),
        ("retire Hope Shelter", ManageResource("retire", "Hope Shelter")),
        ("watch on", Watch(True)),
        ("watch OFF", Watch(False)),
        ("watch", Watch(None)),
        ("steward add <@U7|u7>", ChangeSteward("U7", add=True)),
        ("steward remove <@W7>", ChangeSteward("W7", add=False)),
        ("stewards", ListStewards()),
    ],
)
def test_commands_parse_into_typed_requests(text, expected):
    assert commands.parse(text) == expected


def test_edit_reads_a_field_and_value_and_keeps_other_readings():
    parsed = commands.parse("edit Hope Shelter phone 555-0303")
    assert parsed.readings == (
        EditReading("Hope Shelter", FieldChange("phone", "555-0303")),
        EditReading("Hope Shelter phone 555-0303"),
    )
    assert commands.parse("edit Hope Shelter zip code: 97201").readings[0].change == FieldChange("postal_code", "97201")
    assert commands.parse("edit Hope Shelter email none").readings[0].change == FieldChange("email", "")
    assert commands.parse("edit Hope Shelter hours to Mon-Fri 9-5").readings[0].change == FieldChange("hours", "Mon-Fri 9-5")
    assert commands.parse("edit X categories Food; shelter").readings[0].change == FieldChange("categories", ("food", "shelter"))
    assert commands.parse("edit X languages spanish, es and Somali").readings[0].change == FieldChange(
        "languages", ("Spanish", "Somali"))
    assert commands.parse("edit X populations seniors").readings[0].change == FieldChange("populations", ("seniors",))
    # "Hours of Hope": a field word inside the name is one more reading, not an error.
    hours = commands.parse("edit Hours of Hope Pantry phone 555-0112").readings
    assert EditReading("Hours of Hope Pantry", FieldChange("phone", "555-0112")) in hours
    # A field with nothing after it is a problem only if that is what was meant (the service decides).
    crisis = commands.parse("edit Crisis Phone").readings
    assert crisis[0].problem.startswith("What should the phone be?") and crisis[-1] == EditReading("Crisis Phone")
    assert "isn't a category I know" in commands.parse("edit X categories foodz").readings[0].problem


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("add", "/resource add Eastside Food Pantry"),
        ("add " + "Food Bank " * 500, "4,000 characters"),
        ("show", "Which resource?"),
        ("edit", "Which resource?"),
        ("verify ", "Which resource?"),
        ("list foodz", "isn't a category I know"),
        ("steward add someone", "Mention the person"),
        ("frobnicate", "I don't know `/resource frobnicate`"),
    ],
)
def test_bad_input_is_a_friendly_error(text, says):
    with pytest.raises(FeatureError) as caught:
        commands.parse(text)
    assert says in caught.value.message


def test_echoes_quote_only_redacted_text_and_say_what_was_removed():
    for text in ("list pt John Smith MRN 8812345", "123-45-6789"):
        with pytest.raises(FeatureError) as caught:
            commands.parse(text)
        message = caught.value.message
        assert "Removed for privacy" in message and "8812345" not in message and "123-45" not in message
        assert "John" not in message
    quoted, note = commands.echo("<!channel> pantry & more")
    assert "<!channel>" not in quoted and "&amp;" in quoted and note == ""


def test_help_is_written_once_and_has_no_raw_placeholders():
    assert SECTIONS["resources"] is commands.SUMMARY and commands.SUMMARY in full_help()
    for text in (commands.HELP, commands.SUMMARY, commands.USAGE):
        # Slack reads <…> as a control sequence, even in backticks.
        assert not re.search(r"<(?![@#!])[^>]*>", text), text
    assert commands.parse("help") == ShowHelp() and "/resource edit NAME phone 555-0303" in commands.HELP
