"""The near-duplicate rule (bot.directory.duplicates), pure: names compared in their comparison form, confirmed
by phone, website or city; and the in-memory index the importer uses gives the same answers."""

import pytest

from bot.directory.duplicates import DuplicateIndex, keys_of, match_score, name_form, name_similarity
from bot.directory.fields import ResourceFields


def similar(a: str, b: str) -> float:
    return name_similarity(name_form(a), name_form(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Eastside Food Pantry", "East Side Food Pantry"),
        ("Eastside Food Pantry", "Eastside Food Pantrey"),
        ("Eastside Food Pantry", "Eastside Food Pantry, Inc."),
        ("St. Vincent de Paul Pantry", "Saint Vincent de Paul Pantry"),
        ("Third Street Clinic", "3rd Street Clinic"),
        ("Northside Utility Asst Program (NUAP)", "Northside Utility Assistance Program"),
        ("Y.W.C.A. Shelter", "YWCA Shelter"),
        ("Harbor Work Force Center", "Harbor Workforce Center"),
        ("Martha's Kitchen", "Marthas Kitchen"),
    ],
)
def test_the_same_name_written_differently(a, b):
    assert similar(a, b) >= 85


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Loud Pantry", "Loud Pantry Two"),  # a number added
        ("Community Pantry 1", "Community Pantry 12"),
        ("Riverside Area Food Shelf", "Riverside Pet Food Shelf"),  # a word swapped for an unrelated one
        ("Hope Shelter", "Hope Shelter West"),  # a word added
        ("Eastside Food Pantry", "Westside Food Pantry"),
        ("Salvation Army Food Pantry", "Salvation Army Pantry"),
    ],
)
def test_different_resources_with_similar_names(a, b):
    assert similar(a, b) < 85


def fields(name, phone="", city="", website=""):
    return ResourceFields(name=name, phone=phone, city=city, website=website)


def test_a_similar_name_needs_a_confirming_detail():
    saved = keys_of(fields("Eastside Food Pantry", "555-0142", "Eastport"))
    assert match_score(keys_of(fields("East Side Food Pantry", city="Eastport")), saved)  # city
    assert match_score(keys_of(fields("East Side Food Pantry", "555-0142")), saved)  # phone
    assert match_score(keys_of(fields("East Side Food Pantry")), saved) is None  # nothing confirms
    assert match_score(keys_of(fields("eastside food pantry")), saved) == 100  # the same name, nothing contradicts
    assert match_score(keys_of(fields("Eastside Food Pantry", city="Westbrook")), saved) is None  # contradicted


def test_the_index_finds_what_the_rule_finds():
    index = DuplicateIndex()
    saved = [
        fields("Eastside Food Pantry", "555-0142", "Eastport"),
        fields("Westside Food Pantry", "555-0143", "Eastport"),
        fields("Hope Shelter", "", "Westbrook", "hope.example.org"),
        *(fields(f"Community Pantry {i}", "555-0100", "Eastport") for i in range(50)),
    ]
    for position, item in enumerate(saved):
        index.add(position, keys_of(item))
    assert index.find(keys_of(fields("East Side Food Pantry", city="Eastport"))) == 0
    assert index.find(keys_of(fields("Hope Shelter Inc", website="https://www.hope.example.org/"))) == 2
    assert index.find(keys_of(fields("Community Pantry 7", "555-0100", "Eastport"))) == 3 + 7
    assert index.find(keys_of(fields("Community Pantry 70", "555-0100", "Eastport"))) is None
    assert index.find(keys_of(fields("Northside Food Pantry", city="Eastport"))) is None
    # A merge that fills the city re-files the entry under it.
    index.add(2, keys_of(fields("Hope Shelter", "", "Eastport", "hope.example.org")))
    assert index.find(keys_of(fields("Hope Shelterr", city="Eastport"))) == 2
