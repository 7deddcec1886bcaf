"""CSV / HSDS mapping (bot/directory/hsds.py), the importer and the exporter."""

import json
import re
from pathlib import Path

import pytest

from bot.directory import hsds
from bot.directory.fields import ResourceFields

HSDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "hsds"


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


def test_header_names_are_forgiving():
    assert hsds.check_csv_headers(["Name", "Postal Code"]) == ([], [])
    assert hsds.parse_csv_row({"Name": "Hope Shelter", "Postal Code": "97201"}).fields.postal_code == "97201"


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


# --- importer and exporter on both databases ----------------------------------------------------------------

import csv  # noqa: E402
import io  # noqa: E402
from dataclasses import replace  # noqa: E402

from sqlmodel import select  # noqa: E402

from bot.directory import (  # noqa: E402
    exporter,
    importer,
    stewards,  # noqa: E402
)
from bot.directory.commands import ManageResource  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402
from models.directory import Resource, ResourceCategory  # noqa: E402
from models.platform import AuditEntry  # noqa: E402
from tests.factories import make_actor  # noqa: E402

HEADER = ",".join(hsds.CSV_HEADERS)
GOOD_AND_BAD = "\n".join(
    [
        HEADER,
        'Eastside Food Pantry,Eastside Community Services,"Groceries, produce",Food;goods,555-0142,'
        "pantry@eastside.example.org,https://eastside.example.org,12 Main St,Eastport,OR,97201,spanish;English,"
        "No ID required,Tue/Thu 2-6pm",
        ",No Name Org,,food,,,,,,,,,,",
        "Hope Shelter,,Beds,shelter;foodz,555-0188,,,,Westbrook,OR,,,,24/7",
        "Bright Lights,,Bills,utilities,555-0155,not-an-email,,,Westbrook,OR,,,,",
        '"Multi-line Clinic",,"Walk-ins welcome.',
        'Second line of the description",mental-health,555-0166,,,,Northfield,OR,,,,',
        "Martha's Kitchen,,Hot meals; pt Jane Doe MRN 4455667 eats here,food,555-0117,,,,Eastport,OR,,,,",
        "eastside food pantry,Eastside Community Services,dup,food,,,,,EASTPORT,,,,,",
    ]
)


def _settings(db):
    return replace(Settings(), database_url=db.url)


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def _all(db, model):
    with db.session() as session:
        return session.exec(select(model)).all()


def test_csv_import_reports_bad_rows_with_lines_and_imports_the_rest(db, tmp_path, capsys):
    path = _write(tmp_path, "directory.csv", GOOD_AND_BAD)
    assert importer.run_cli(str(path), "T1", _settings(db)) == 1
    captured = capsys.readouterr()
    assert "Imported 4 rows into T1: 3 new, 0 updated, 0 unchanged, 1 merged into a near-duplicate; 3 rows skipped." in (
        captured.out
    )
    assert "skipped line 3: name is required" in captured.err
    assert "skipped line 4: unknown category 'foodz'" in captured.err
    assert "skipped line 5: email is not an email address" in captured.err
    # The same resource twice in one file: the second row merges into the first (its other description is kept).
    assert "line 9: merged into line 2 (Eastside Food Pantry), the same resource; kept its description" in captured.err
    assert "line 8: removed for privacy: 1 name, 1 record number" in captured.err
    assert "Jane" not in captured.err + captured.out

    saved = {r.name: r for r in _all(db, Resource)}
    assert set(saved) == {"Eastside Food Pantry", "Multi-line Clinic", "Martha's Kitchen"}
    pantry = saved["Eastside Food Pantry"]
    assert (pantry.categories, pantry.languages, pantry.source) == ("food;goods", "Spanish;English", "import")
    assert "Second line" in saved["Multi-line Clinic"].description
    assert "Jane" not in saved["Martha's Kitchen"].description
    assert "4455667" not in saved["Martha's Kitchen"].description
    categories = {(c.resource_id, c.category) for c in _all(db, ResourceCategory)}
    assert (pantry.id, "goods") in categories and len(categories) == 4
    audits = [a for a in _all(db, AuditEntry) if a.action == "import"]
    assert len(audits) == 3 and all(a.actor_user_id == "import" for a in audits)


def test_reimporting_the_same_file_changes_nothing(db, tmp_path, capsys):
    path = _write(tmp_path, "directory.csv", GOOD_AND_BAD)
    importer.run_cli(str(path), "T1", _settings(db))
    before = {r.id: r.model_dump() for r in _all(db, Resource)}
    audits_before = len(_all(db, AuditEntry))
    capsys.readouterr()
    assert importer.run_cli(str(path), "T1", _settings(db)) == 1
    assert "0 new, 0 updated, 3 unchanged, 1 merged" in capsys.readouterr().out
    assert {r.id: r.model_dump() for r in _all(db, Resource)} == before
    assert len(_all(db, AuditEntry)) == audits_before


def test_import_updates_changed_rows_but_keeps_verified_values(db, tmp_path, capsys):
    first = (
        HEADER
        + "\nHope Shelter,,Beds,shelter,555-0188,,,,Westbrook,OR,,,,24/7\nSafe Rides,,,transportation,555-0177,,,,,,,,,"
    )
    importer.run_cli(str(_write(tmp_path, "a.csv", first)), "T1", _settings(db))
    with db.session() as session:
        stewards.manage_resource(session, make_actor("UADMIN", admin=True), ManageResource("verify", "Hope Shelter"))
    second = (
        HEADER + "\nHope Shelter,,Beds,shelter;housing,555-0199,,,,Westbrook,OR,,,,24/7"
        "\nSafe Rides,,Free rides,transportation,555-0177,,,,,,,,,Mon-Fri 8am-4pm"
    )
    capsys.readouterr()
    assert importer.run_cli(str(_write(tmp_path, "b.csv", second)), "T1", _settings(db)) == 0
    out = capsys.readouterr()
    assert "0 new, 1 updated, 1 unchanged" in out.out
    assert "kept the verified phone, categories" in out.err
    saved = {r.name: r for r in _all(db, Resource)}
    assert (saved["Hope Shelter"].phone, saved["Hope Shelter"].categories) == ("555-0188", "shelter")
    assert (saved["Safe Rides"].description, saved["Safe Rides"].hours) == ("Free rides", "Mon-Fri 8am-4pm")


def test_unreadable_files_import_nothing(db, tmp_path, capsys):
    assert importer.run_cli(str(tmp_path / "missing.csv"), "T1", _settings(db)) == 2
    assert (
        importer.run_cli(str(_write(tmp_path, "x.csv", "organization,city\nA,B")), "T1", _settings(db)) == 2
    )
    assert importer.run_cli(str(_write(tmp_path, "x.json", "{not json")), "T1", _settings(db)) == 2
    assert importer.run_cli(str(_write(tmp_path, "y.json", '{"unexpected": 1}')), "T1", _settings(db)) == 2
    assert "Nothing was imported" in capsys.readouterr().err
    assert _all(db, Resource) == []


def test_the_specification_examples_import(db, tmp_path, capsys):
    full = _example("example_service_full.json")
    listed = _example("example_service_list.json")
    path = _write(tmp_path, "services.json", json.dumps([full]))
    assert importer.run_cli(str(path), "T1", _settings(db)) == 0
    assert "unknown category 'name' ignored" in capsys.readouterr().err
    path = _write(tmp_path, "page.json", json.dumps(listed))
    assert importer.run_cli(str(path), "T1", _settings(db)) == 0
    # The list example is the same service without a location: the same name with nothing contradicting it
    # merges into the first (as a Slack log would), so one entry.
    assert "merged into the saved Community Counselling" in capsys.readouterr().err
    saved = sorted((r.name, r.organization, r.city, r.phone) for r in _all(db, Resource))
    assert saved == [("Community Counselling", "Example Organization Inc.", "MyCity", "+44 1234 234567 x100")]
    assert importer.run_cli(str(path), "T1", _settings(db)) == 0  # again: nothing new
    assert len(_all(db, Resource)) == 1


def test_export_csv_round_trips_and_skips_retired(db, tmp_path, capsys):
    importer.run_cli(str(_write(tmp_path, "in.csv", GOOD_AND_BAD)), "T1", _settings(db))
    with db.session() as session:
        stewards.manage_resource(session, make_actor("UADMIN", admin=True), ManageResource("retire", "Martha's Kitchen"))
    out = tmp_path / "out.csv"
    assert exporter.run_cli("csv", str(out), "T1", _settings(db)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["name"] for r in rows] == ["Eastside Food Pantry", "Multi-line Clinic"]
    assert rows[0]["categories"] == "food;goods" and rows[0]["languages"] == "Spanish;English"
    # Exported CSV imports into another workspace unchanged.
    assert importer.run_cli(str(out), "T2", _settings(db)) == 0
    assert exporter.run_cli("csv", str(tmp_path / "again.csv"), "T2", _settings(db)) == 0
    assert (tmp_path / "again.csv").read_text() == out.read_text()
    assert exporter.run_cli("xml", None, "T1", _settings(db)) == 2


def test_export_hsds_validates_and_reimports(db, tmp_path, capsys):
    importer.run_cli(str(_write(tmp_path, "in.csv", GOOD_AND_BAD)), "T1", _settings(db))
    out = tmp_path / "services.json"
    assert exporter.run_cli("hsds", str(out), "T1", _settings(db)) == 0
    services = json.loads(out.read_text())
    assert len(services) == 3
    validator = _schema_validator()
    for service in services:
        assert list(validator.iter_errors(service)) == []
    pantry = next(s for s in services if s["name"] == "Eastside Food Pantry")
    # RFC 3339 date-time (the schema's "date-time" format; jsonschema only checks it with an extra package).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", pantry["last_modified"])
    assert {a["taxonomy_term"]["code"] for a in pantry["attributes"]} == {"food", "goods"}
    assert pantry["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Eastport"
    assert importer.run_cli(str(out), "T2", _settings(db)) == 0
    assert {r.name for r in _all(db, Resource) if r.team_id == "T2"} == {s["name"] for s in services}


def test_the_partnerbot_command_line_imports_and_exports(db, tmp_path, monkeypatch, capsys):
    from bot.runtime import cli

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DATABASE_URL", db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    path = _write(tmp_path, "in.csv", GOOD_AND_BAD)
    assert cli.main(["import", str(path), "--team", "T9"]) == 1
    assert cli.main(["export", "--format", "hsds", "--out", str(tmp_path / "out.json"), "--team", "T9"]) == 0
    assert len(json.loads((tmp_path / "out.json").read_text())) == 3
    assert "Exported 3 resources (hsds)" in capsys.readouterr().err


def test_a_progress_bar_when_asked(db, tmp_path, capsys):
    path = _write(tmp_path, "in.csv", GOOD_AND_BAD)
    report = importer.import_file(db, path, "T1", show_progress=True)
    assert report.created == 3
    assert "Importing" in capsys.readouterr().err
    importer.import_file(db, path, "T1", show_progress=False)
    assert "Importing" not in capsys.readouterr().err


def test_hsds_import_reports_bad_services_by_position(db, tmp_path, capsys):
    good = hsds.resource_to_service(FULL, key="X/resource/1")
    services = [
        good,
        {"id": "x", "name": "", "status": "active"},
        {"name": "Closed Place", "status": "defunct"},
        7,
    ]
    path = _write(tmp_path, "services.json", json.dumps(services))
    assert importer.run_cli(str(path), "T1", _settings(db)) == 1
    err = capsys.readouterr().err
    assert "skipped service 2: name is required" in err
    assert "skipped service 3: status is 'defunct'" in err
    assert "skipped service 4: not an HSDS service object" in err
    [saved] = _all(db, Resource)
    assert (saved.name, saved.categories, saved.city) == ("Eastside Food Pantry", "food;goods", "Eastport")


def test_import_merges_near_duplicates_like_a_slack_log(db, tmp_path, capsys):
    """Two files naming the same pantry (same phone, other spelling) make one entry, as `/resource add` would;
    similar names that are different places stay apart."""
    first = HEADER + "\nNorthgate Food Shelf,,Groceries,food,555-0111,,,12 Main St,Northgate,OR,,,,"
    second = "\n".join([
        HEADER,
        "North Gate Food Shelf,,Food shelf,food,(503) 555-0111,shelf@northgate.example.org,,,Northgate,OR,,,,Tue 2-6pm",
        "Northgate Pet Food Shelf,,Pet food,food,555-0112,,,,Northgate,OR,,,,",  # another word: another place
        "Northgate Food Shelf 2,,Second site,food,555-0111,,,,Northgate,OR,,,,",  # another number: another site
        "Northgate Food Shelff,,,food,,,,,Northgate,OR,97301,,,",  # a typo, confirmed by the city
    ])  # fmt: skip
    assert importer.run_cli(str(_write(tmp_path, "a.csv", first)), "T1", _settings(db)) == 0
    capsys.readouterr()
    assert importer.run_cli(str(_write(tmp_path, "b.csv", second)), "T1", _settings(db)) == 0
    out = capsys.readouterr()
    assert "2 new, 0 updated, 0 unchanged, 2 merged into a near-duplicate" in out.out
    assert "line 2: merged into the saved Northgate Food Shelf, the same resource; added email, hours" in out.err
    assert "kept its description" in out.err
    saved = {r.name: r for r in _all(db, Resource)}
    assert set(saved) == {"Northgate Food Shelf", "Northgate Pet Food Shelf", "Northgate Food Shelf 2"}
    shelf = saved["Northgate Food Shelf"]
    assert (shelf.description, shelf.email, shelf.hours, shelf.postal_code, shelf.created_by) == (
        "Groceries", "shelf@northgate.example.org", "Tue 2-6pm", "97301", "")
    capsys.readouterr()
    assert importer.run_cli(str(_write(tmp_path, "b.csv", second)), "T1", _settings(db)) == 0  # again
    assert "0 new, 0 updated, 2 unchanged, 2 merged" in capsys.readouterr().out
    assert len(_all(db, Resource)) == 3


def test_near_duplicates_within_one_file_merge_into_the_first(db, tmp_path, capsys):
    rows = "\n".join([
        HEADER,
        "Riverside Rent Relief,,One-time rent help,housing,555-0120,,,,Riverside,OR,,,,",
        "Riverside Rent Releif,,,housing,,rent@riverside.example.org,,,Riverside,OR,,,,",
    ])  # fmt: skip
    assert importer.run_cli(str(_write(tmp_path, "a.csv", rows)), "T1", _settings(db)) == 0
    assert "line 3: merged into line 2 (Riverside Rent Relief), the same resource; added email" in (
        capsys.readouterr().err
    )
    [saved] = _all(db, Resource)
    assert (saved.name, saved.email, saved.phone) == ("Riverside Rent Relief", "rent@riverside.example.org", "555-0120")
