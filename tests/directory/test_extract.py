"""Free-text extraction of a resource's public details (bot.directory.extract)."""

import pytest

from bot.directory.extract import extract_fields, looks_like_resource
from bot.directory.fields import normalize, phone_digits, website_key


def test_the_issue_example_is_fully_understood():
    found = extract_fields(
        "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken"
    )
    assert found.name == "Eastside Food Pantry"
    assert found.phone == "555-0142"
    assert found.address == "12 Main St"
    assert found.city == "Eastport"
    assert found.hours == "Tue/Thu 2-6pm"
    assert found.languages == ["Spanish"]
    assert "food" in found.categories
    assert found.description == "groceries"


def test_a_direction_after_the_street_is_the_streets_not_a_town():
    found = extract_fields("Lakeside Pantry, 1820 Lake St E, Eastport, 555-0142")
    assert (found.address, found.city) == ("1820 Lake St E", "Eastport")
    found = extract_fields("Northgate Clinic 555-0101, 2200 Peachtree Rd NW, Atlanta")
    assert (found.address, found.city) == ("2200 Peachtree Rd NW", "Atlanta")


def test_contact_details_website_and_email():
    found = extract_fields(
        "Martha's Kitchen; hot meals daily 11:30-1pm; 400 N Oak Ave, Springfield, IL 62701; info@marthaskitchen.org; "
        "https://marthaskitchen.org/meals"
    )
    assert found.name == "Martha's Kitchen"
    assert found.email == "info@marthaskitchen.org"
    assert found.website == "https://marthaskitchen.org/meals"
    assert (found.address, found.city, found.state, found.postal_code) == (
        "400 N Oak Ave",
        "Springfield",
        "IL",
        "62701",
    )
    assert found.hours == "daily 11:30-1pm"
    assert "food" in found.categories


def test_names_with_titles_survive_sentence_splitting():
    found = extract_fields(
        "Dr. Patel's Free Clinic - walk-ins Mon-Fri 9am-5pm, (503) 555-0199, www.patelclinic.org"
    )
    assert found.name == "Dr. Patel's Free Clinic"
    assert found.phone == "(503) 555-0199"
    assert found.website == "www.patelclinic.org"
    assert found.hours == "Mon-Fri 9am-5pm"
    assert "walk-ins" in found.eligibility
    named = extract_fields("Martin Luther King Jr. Community Health Center 555-0144. Same-day appointments")
    assert named.name == "Martin Luther King Jr. Community Health Center" and named.phone == "555-0144"


def test_name_found_inside_a_sentence_and_eligibility_cues():
    found = extract_fields(
        "They said the Riverside Housing Authority has emergency rent help, call 503-555-0100, "
        "ages 18+ residents of Clark County only"
    )
    assert found.name == "Riverside Housing Authority"
    assert found.phone == "503-555-0100"
    assert "residents of Clark County" in found.eligibility
    assert "housing" in found.categories


def test_languages_need_a_cue_and_populations_are_recognized():
    found = extract_fields(
        "Safe Rides Program 555-0177 free rides to appointments for seniors 65+, Vietnamese and Spanish"
    )
    assert found.name == "Safe Rides Program"
    assert found.languages == ["Vietnamese", "Spanish"]
    assert "seniors" in found.populations
    assert "transportation" in found.categories
    # "English classes" is a service, not a language the staff speak.
    assert extract_fields("Lincoln Adult School, English classes, 555-0100").languages == []
    assert extract_fields("Hope Center, se habla español, 555-0100").languages == ["Spanish"]


def test_city_state_zip_on_one_segment_and_suite():
    found = extract_fields("Hope Shelter, 24/7, 99 Elm Street Suite 4, Portland OR 97201")
    assert found.hours == "24/7"
    assert found.address == "99 Elm Street Suite 4"
    assert (found.city, found.state, found.postal_code) == ("Portland", "OR", "97201")


def test_a_name_in_bold_a_numbered_highway_and_a_closed_bracket():
    bold = extract_fields("saw *Riverside Senior Svcs* - meals + rides, 40 Elm St, Eastport")
    assert bold.name == "Riverside Senior Svcs" and bold.address == "40 Elm St"
    highway = extract_fields("Pastoral Latino, 2190 Hwy 54, Jupiter FL 33458, 561-555-0110")
    assert highway.address == "2190 Hwy 54" and highway.phone == "561-555-0110"
    assert extract_fields("Casa Amiga (CAS) - 12 Main St").name == "Casa Amiga (CAS)"


def test_hotline_numbers_only_when_called():
    assert extract_fields("United Way helpline, call 211 for rent help").phone == "211"
    assert extract_fields("Open 9am-5pm at 211 Oak Street").phone == ""


def test_ages_are_not_hours():
    found = extract_fields("Youth Drop-in Center, ages 12-24, 555-0111")
    assert found.hours == ""
    assert "ages 12-24" in found.eligibility


def test_redaction_placeholders_never_become_fields():
    found = extract_fields("Eastside Food Pantry [NAME] told me, [PHONE] her cell, 555-0142")
    assert "[" not in found.name and "[" not in found.description
    assert found.phone == "555-0142"


def test_leading_command_words_are_ignored():
    assert extract_fields("log resource: Hope Shelter, 555-0100").name == "Hope Shelter"


def test_overlong_values_are_cut_to_their_column():
    found = extract_fields("Food Bank, " + "very " * 800)
    assert len(found.description) <= 2000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Eastside Food Pantry, Tue 2-6pm, 555-0142, 12 Main St", True),
        ("the food pantry was closed today", False),  # no way to reach it
        ("call me at 555-0100 tomorrow", False),  # no resource
    ],
)
def test_looks_like_resource(text, expected):
    assert looks_like_resource(extract_fields(text)) is expected


def test_comparison_keys():
    assert normalize("  St. Mary's  Food-Bank & Café ") == "st marys food bank and cafe"
    assert phone_digits("+1 (503) 555-0142") == phone_digits("503.555.0142") == "5035550142"
    assert website_key("HTTPS://www.Example.org/") == website_key("example.org") == "example.org"


def test_a_city_named_with_in():
    found = extract_fields("Eastside Food Pantry, in Eastport OR")
    assert (found.city, found.state) == ("Eastport", "OR")
    assert extract_fields("Eastside Food Pantry, in the back of the church").city == ""


@pytest.mark.parametrize(
    ("text", "name", "hours"),
    [
        ("Meals on Wheels delivers to seniors 60+, call 555-0105", "Meals on Wheels", ""),
        (
            "St. Vincent de Paul food pantry, open Mon Wed Fri 10-2, 555-0101",
            "St. Vincent de Paul food pantry",
            "Mon Wed Fri 10-2",
        ),
        ("Clínica Hispana, lunes a viernes 9am-5pm, 555-0106", "Clínica Hispana", "lunes a viernes 9am-5pm"),
        ("988 Suicide & Crisis Lifeline, call 988, 24/7", "988 Suicide & Crisis Lifeline", "24/7"),
    ],
)
def test_more_name_and_hours_shapes(text, name, hours):
    found = extract_fields(text)
    assert (found.name, found.hours) == (name, hours)


def test_words_left_hanging_by_a_cut_detail_are_dropped():
    found = extract_fields("LIHEAP help through Community Action, apply at 200 Harbor Blvd, 555-0107")
    assert found.address == "200 Harbor Blvd" and found.description == "apply"


def test_names_and_phones_from_a_corpus_of_realistic_texts():
    """Forty texts as care teams type them: the phone must always be right, the name nearly always."""
    import csv
    from pathlib import Path

    rows = list(
        csv.DictReader((Path(__file__).parents[1] / "data" / "resource_texts.csv").open(encoding="utf-8"))
    )
    assert len(rows) >= 40
    wrong_names, wrong_phones = [], []
    for row in rows:
        found = extract_fields(row["text"])
        if found.name != row["name"]:
            wrong_names.append((row["text"], found.name))
        if found.phone != row["phone"]:
            wrong_phones.append((row["text"], found.phone))
    assert wrong_phones == []
    assert len(wrong_names) <= len(rows) * 0.05, wrong_names


def test_hours_written_with_a_and_p_are_hours_and_a_count_is_not():
    assert extract_fields("Harbor Adult Day, 1200 Commonwealth Ave, M-F 7:30a-5:30p, 617-555-0147").hours == (
        "M-F 7:30a-5:30p"
    )
    assert extract_fields("Eastside Pantry, Tues/Thurs 10a-2p, no ID needed").hours == "Tues/Thurs 10a-2p"
    assert extract_fields("Eastside Pantry, visits 2-3 a week, 555-0101").hours == ""
