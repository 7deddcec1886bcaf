"""Whether a name read from free text can be a resource's name (bot.directory.names), and the seam where the
privacy engine's person check plugs in."""

import csv
from pathlib import Path

import pytest

from bot.directory import names
from bot.directory.extract import extract_fields
from bot.directory.names import judge_name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("seniors 60+", "audience"),
        ("Seniors 60+", "audience"),
        ("families with kids", "audience"),
        ("pt needs housing", "patient"),
        ("her daughter's clinic", "patient"),
        ("Pt went to the ER", "patient"),
        ("Lorena Castellanos needs food this week", "person"),
        ("needs a ride to dialysis", "phrase"),
        ("food for seniors", "need"),
        ("Housing", "need"),
        ("[name removed] Pantry", "empty"),
        ("555-0142", "empty"),
        ("", "empty"),
    ],
)
def test_what_is_not_a_resource_name_and_why(name, reason):
    assert judge_name(name).reason == reason


@pytest.mark.parametrize(
    "name",
    ["Eastside Food Pantry", "Rides4Health", "Eastside PT & Rehab Clinic", "Meals on Wheels", "Hope Is Here Pantry", "988 Suicide & Crisis Lifeline",
     "eastside food pantry", "YWCA", "Martha's Kitchen", "Patient Advocacy Center", "Clínica Hispana"],
)
def test_resource_names_pass(name):
    assert judge_name(name).plausible


def test_the_person_check_plugs_in_at_one_seam(monkeypatch):
    assert judge_name("Dana Whitfield").plausible  # the shape alone cannot tell a person's name
    monkeypatch.setattr(names, "PERSON_CHECK", lambda text: text == "Dana Whitfield")
    assert judge_name("Dana Whitfield").reason == "person"
    assert extract_fields("Dana Whitfield, 555-0100").name == ""  # extraction asks the same seam
    assert judge_name("Dana Whitfield", person_check=lambda _t: False).plausible


def test_every_name_in_the_realistic_corpus_still_passes():
    """The forty texts care teams typed (tests/data/resource_texts.csv): the check refuses none of their names."""
    rows = list(csv.DictReader((Path(__file__).parents[1] / "data" / "resource_texts.csv").open(encoding="utf-8")))
    refused = [(row["name"], judge_name(row["name"]).reason) for row in rows if not judge_name(row["name"]).plausible]
    assert refused == []
