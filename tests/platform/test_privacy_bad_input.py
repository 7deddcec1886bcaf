"""Hostile input: very long text, hidden and look-alike characters, Slack markup. Nothing leaks, and every call
returns (patterns use bounded repetition; a catastrophic pattern would hang these tests, not slow them)."""

import pytest

from bot.platform.privacy import check_resource_name, find_contacts, keep_known_words, redact

ZWSP = "\u200b"


def test_hundred_thousand_characters_of_identifiers():
    unit = "pt Rosalind Whitfield DOB 3/4/1944 SSN 412-55-9021 her cell 555-0194 97 yo bed 4 MRN4410293. "
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    result = redact(text)
    for item in ("Whitfield", "3/4/1944", "412-55-9021", "555-0194", "97 yo", "4410293"):
        assert item not in result.text


@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "a" * 100_000,
        "-" * 100_000,
        "Aa " * 33_000,
        "pt " * 33_000,
        "Mr. " * 25_000,
        "5-" * 50_000,
        "x@" * 50_000,
        "dot at " * 14_000,
        "<@U1|" * 20_000,
        "<mailto:" * 12_000,
        ("Maria Lopez " * 9_000),
        "9" * 50 + " yo " * 20_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_degenerate_long_input_returns(text):
    result = redact(text)
    assert isinstance(result.text, str)
    keep_known_words(text[:5_000])
    find_contacts(text[:20_000])
    check_resource_name(text[:2_000])


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        (f"SSN 412{ZWSP}-55-{ZWSP}9021", "9021"),
        ("pt Rosalind Whit\u00adfield needs rides", "Whitfield"),
        ("pt R\u043esalind Whitfield (Cyrillic o)", "Whitfield"),
        ("DOB \uff13/\uff14/\uff11\uff19\uff14\uff14", "1944"),  # full-width digits
        ("DOB \u0663/\u0664/\u0661\u0669\u0664\u0664", "1944"),  # Arabic-Indic digits
        ("her email <mailto:rw@gmail.com|rw@gmail.com>", "rw@gmail.com"),
        ("call her at <tel:5550195|555-0195>", "0195"),
        ("<@U0Z9Y8X7W|rosalind.whitfield> is our pt", "rosalind"),
        ("<@U0Z9Y8X7W|rosalind.whitfield> is our pt", "U0Z9Y8X7W"),
        # letters typed for digits inside a number
        ("pt DOB O7/l2/l938 needs rides", "1938"),
        ("SSN 4l2-55-9O21 on file", "9021"),
    ],
)
def test_hidden_and_look_alike_characters_and_slack_markup(text, forbidden):
    result = redact(text)
    folded = result.text.replace("-", "").replace(" ", "")
    assert forbidden.lower() not in result.text.lower() and forbidden not in folded, result.text


def test_a_workmates_mention_stays_without_its_label():
    result = redact("<@U0CHW1234|dana.k> found a ride for the family")
    assert result.text == "<@U0CHW1234> found a ride for the family"
    assert not result.changed


def test_letters_for_digits_leave_words_and_short_numbers_alone():
    for text in ("Room l04 at the Oil Depot, open 2024", "I-94 exit 12", "lOl"):
        assert redact(text).text == text
