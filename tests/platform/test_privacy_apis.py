"""The APIs other surfaces call: the resource-name check, contact classification, the allow-list reducer."""

import pytest

from bot.platform.privacy import (
    check_resource_name,
    classify_contacts,
    find_contacts,
    keep_known_words,
    redact,
)


@pytest.mark.parametrize(
    "name",
    [
        "Eastside Food Pantry",
        "Mary's Place",
        "Casa Esperanza",
        "St. Vincent de Paul",
        "Dr. Martin Luther King Jr. Center",
        "Puentes",
        "Home Again",
        "Rides4Health",
        "Meals on Wheels",
        "Dr. Rivera's Walk-In Vision Clinic",
    ],
)
def test_organisation_and_program_names_pass(name):
    assert check_resource_name(name).ok, check_resource_name(name)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Rosalind Whitfield", None),
        ("Keisha", "a person's name"),
        ("Rosalind Whitfield needs a food box", None),
        ("pt needs housing", "a sentence about a patient"),
        ("seniors 60+", "a description, not a name"),
        ("food", "a description, not a name"),
        ("", "empty"),
        ("[name removed] needs rides", None),
        ("SSN 412-55-9021", "it held patient details"),
    ],
)
def test_people_sentences_and_descriptions_fail(name, reason):
    check = check_resource_name(name)
    assert not check.ok
    if reason:
        assert check.reason == reason


def test_a_known_name_always_passes():
    assert not check_resource_name("seniors 60+").ok
    assert check_resource_name("seniors 60+", known_names=["Seniors 60+"]).ok


def test_contacts_are_parsed_and_given_an_owner():
    text = redact("She can be reached at 555-0192. Lakeview Shelter, 22 Pier Rd, intake (507) 555-0160").text
    resource, patient = classify_contacts(text)
    assert patient == []
    kinds = {contact.kind: contact for contact in resource}
    assert kinds["phone"].normalized == "+15075550160"
    assert kinds["address"].normalized == "22 Pier Rd"
    everything = find_contacts("her cell 555-0193, pantry line 555-0161")
    assert [(c.owner, c.text) for c in everything] == [("patient", "555-0193"), ("resource", "555-0161")]


def test_the_allow_list_keeps_need_words_and_drops_the_rest():
    kept = keep_known_words(
        "Rosalind Whitfield needs help with rent in Eastport, lost her job 3 weeks ago, MRN 4410293, habla español",
        extra=["Eastport"],
    )
    assert "rent" in kept and "eastport" in kept and "job" in kept and "weeks" in kept
    for gone in ("rosalind", "whitfield", "4410293", "3", "mrn"):
        assert gone not in kept.split()


def test_the_allow_list_drops_unknown_words_and_numbers():
    assert keep_known_words("zqxv 12345 wqpt") == ""
    assert keep_known_words("") == ""
