"""CSV / HSDS mapping (bot.hsds), the importer and the exporter."""

import json
from pathlib import Path

import pytest

from bot import hsds
from bot.extract import ResourceFields

HSDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "hsds"


def _schema_validator():
    if not (HSDS_DIR / "service.json").exists():
        pytest.skip("the HSDS schema folder ../shared/hsds is absent")
    import jsonschema

    schema = json.loads((HSDS_DIR / "service.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _example(name: str):
    path = HSDS_DIR / name
    if not path.exists():
        pytest.skip("the HSDS examples folder ../shared/hsds is absent")
    return json.loads(path.read_text())


FULL = ResourceFields(
    name="Eastside Food Pantry",
    organization="Eastside Community Services",
    description="Groceries for anyone who needs them",
    phone="555-0142",
    email="pantry@eastside.example.org",
    website="eastside.example.org/pantry",
    address="12 Main St",
    city="Eastport",
    state="OR",
    postal_code="97201",
    hours="Tue/Thu 2-6pm",
    eligibility="Residents of Eastport",
    categories=["food", "goods"],
    languages=["Spanish", "Vietnamese"],
)


def test_csv_row_accepts_display_names_in_any_case_and_reports_unknown_categories():
    parsed = hsds.parse_csv_row(
        {
            "Name": " Eastside Food Pantry ",
            "categories": "FOOD; Mental Health;food",
            "languages": "spanish; es; Tigrinya",
        }
    )
    assert parsed.errors == []
    assert parsed.fields.categories == ["food", "mental-health"]
    assert parsed.fields.languages == ["Spanish", "Tigrinya"]

    rejected = hsds.parse_csv_row({"name": "X", "categories": "food; foodz"})
    assert rejected.fields is None
    assert "unknown category 'foodz'" in rejected.errors[0]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"name": ""}, "name is required"),
        ({"name": "A", "email": "not-an-email"}, "email is not an email address"),
        ({"name": "A", "website": "not a site"}, "website is not a web address"),
        ({"name": "A", "phone": "call us"}, "phone is not a phone number"),
        ({"name": "A" * 201}, "name is longer than 200 characters"),
    ],
)
def test_csv_row_rejections_say_why(row, reason):
    parsed = hsds.parse_csv_row(row)
    assert parsed.fields is None
    assert reason in parsed.errors


def test_csv_headers_are_checked():
    assert hsds.check_csv_headers(None)[0]
    assert hsds.check_csv_headers(["organization", "city"])[0] == ["the header row has no 'name' column"]
    errors, warnings = hsds.check_csv_headers(["NAME", "City", "fax"])
    assert errors == [] and warnings == ["ignored unknown column 'fax'"]


def test_hsds_round_trip_keeps_every_field():
    service = hsds.resource_to_service(FULL, key="T1/resource/1")
    back = hsds.service_to_resource(service)
    assert back.errors == [] and back.warnings == []
    expected = FULL.copy()
    expected.website = "https://eastside.example.org/pantry"
    assert back.fields == expected


def test_hsds_export_validates_against_the_compiled_schema():
    validator = _schema_validator()
    for fields in (FULL, ResourceFields(name="Bare Minimum")):
        service = hsds.resource_to_service(fields, key="T1/resource/9")
        errors = sorted(validator.iter_errors(service), key=str)
        assert errors == [], [e.message for e in errors]
    # A broken service is caught, so the check above can fail.
    broken = hsds.resource_to_service(FULL, key="T1/resource/9") | {"status": "open"}
    assert list(validator.iter_errors(broken))


def test_ids_are_stable_per_resource():
    first = hsds.resource_to_service(FULL, key="T1/resource/1")
    assert first == hsds.resource_to_service(FULL, key="T1/resource/1")
    assert first["id"] != hsds.resource_to_service(FULL, key="T1/resource/2")["id"]


def test_the_specification_examples_map_to_resources():
    full = hsds.service_to_resource(_example("example_service_full.json"))
    assert full.errors == []
    assert full.fields.name == "Community Counselling"
    assert full.fields.organization == "Example Organization Inc."
    assert full.fields.phone == "+44 1234 234567 x100"
    assert full.fields.city == "MyCity"
    assert full.fields.address == "1-30 Main Street, MyVillage"
    assert full.fields.languages == ["Urdu"]
    assert full.fields.hours.startswith("The service is available from 10 am")
    # Its taxonomy term is not one of ours: reported, not guessed.
    assert full.fields.categories == []
    assert full.warnings == ["unknown category 'name' ignored"]

    listed = hsds.services_in(_example("example_service_list.json"))
    assert [hsds.service_to_resource(s).fields.name for s in listed] == ["Community Counselling"]


def test_hsds_rejects_what_it_cannot_use():
    assert hsds.service_to_resource("nope").errors == ["not an HSDS service object"]
    assert hsds.service_to_resource({"id": "x", "name": ""}).errors == ["name is required"]
    assert "only active services" in hsds.service_to_resource({"name": "Old", "status": "defunct"}).errors[0]
    assert hsds.services_in({"unexpected": 1}) is None
