"""After logging PHI-laden resource texts through every Slack surface, no patient identifier is anywhere in the
database: every text column of every table is scanned."""

import json

from sqlalchemy import JSON, String, Text, select
from sqlmodel import SQLModel

from bot.directory import service as directory
from bot.directory import views
from models.directory import Resource

# (what a care team member types, identifiers that must never be stored)
CASES = [
    ("Eastside Food Pantry, pt John Smith DOB 03/04/1950, 555-0142", ["John Smith", "03/04/1950", "1950"]),
    ("Hope Shelter 555-0188 - patient Maria Gonzalez MRN 88123456 stayed 2 nights", ["Gonzalez", "88123456"]),
    ("Riverside Rent Relief, 555-0100, client SSN 123-45-6789 got help", ["123-45-6789", "6789"]),
    (
        "Safe Rides Program 555-0177, Mrs. Okafor uses it, her cell 503-555-0123",
        ["Okafor", "503-555-0123", "0123"],
    ),
    (
        "Dr. Patel's Free Clinic, Mr. Nguyen born 1/2/1961, Medicaid ID XQ77812345",
        ["Nguyen", "1961", "XQ77812345"],
    ),
    ("Martha's Kitchen, 555-0117, pt lives at 44 Birch Lane Apt 3", ["44 Birch Lane"]),
    (
        "Northside Counseling Collective, patient name is Aiyana Redcloud, her email aiyana.r@gmail.com",
        ["Aiyana", "Redcloud", "aiyana.r@gmail.com"],
    ),
    (
        "Legal Aid Tenant Line 555-0133, Ms. Kowalski member id MBR-99812, date of birth 12/12/1948",
        ["Kowalski", "MBR-99812", "12/12/1948"],
    ),
]
FORBIDDEN = [fragment for _, fragments in CASES for fragment in fragments]


# Columns that hold only identifiers Slack generates (random letters and digits, never typed text): a "1977" in an
# event id is chance, not a leak.
SLACK_GENERATED = {("processedevent", "event_id")}


def _text_values(db) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text-like value in every table, but Slack's own generated ids."""
    found = []
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            # sqlmodel wraps types (AutoString is a TypeDecorator over String): look at what is stored.
            columns = [
                c for c in table.columns if isinstance(getattr(c.type, "impl", c.type), String | Text | JSON)
                and (table.name, c.name) not in SLACK_GENERATED
            ]
            if not columns:
                continue
            for row in connection.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        found.append(
                            (table.name, column.name, value if isinstance(value, str) else json.dumps(value))
                        )
    return found


def test_no_patient_identifier_reaches_any_text_column(slack, fake_slack, db):
    slack.command("/resource", "watch on", channel="CW")
    for number, (text, _) in enumerate(CASES):
        surface = number % 4
        if surface == 0:
            slack.command("/resource", "add " + text)
        elif surface == 1:
            slack.mention("log resource: " + text)
        elif surface == 2:
            slack.dm("log resource: " + text)
        else:
            # The shortcut prefills the form from the message; the person submits what they see.
            slack.shortcut("log_resource", message_text=text)
            view = fake_slack.calls("views.open")[-1].args["view"]
            view = json.loads(view) if isinstance(view, str) else view
            values = {}
            for block in view["blocks"]:
                element = block.get("element") or {}
                if element.get("type") == "plain_text_input" and element.get("initial_value"):
                    values[block["block_id"]] = {"value": element["initial_value"]}
            # ...and adds a note of their own with more patient detail.
            values["eligibility"] = {"value": "pt Jane Roe DOB 5/6/1977 was eligible"}
            slack.submit(views.MODAL_CALLBACK, values, private_metadata=view["private_metadata"])
        slack.message(text, channel="CW", ts=f"500.{number}")  # the same text in a watched channel

    # An edit through the form with patient details in it.
    with db.session() as session:
        first = session.execute(select(Resource).order_by(Resource.id)).scalars().first()
    # The form comes prefilled with the saved details; the person adds a note to the description.
    edit = {
        key: {"value": value}
        for key, value in directory.fields_of(first).as_dict().items()
        if value and not isinstance(value, list)
    }
    edit["description"] = {"value": "pt Jane Roe DOB 5/6/1977 liked it"}
    slack.submit(
        views.MODAL_CALLBACK,
        edit,
        user=first.created_by,
        private_metadata=json.dumps({"resource_id": first.id, "channel_id": "C1"}),
    )
    with db.session() as session:
        edited = session.get(Resource, first.id).description
        assert "liked it" in edited and "Jane" not in edited and "1977" not in edited
        assert len(session.exec(select(Resource)).all()) == len(CASES)
    values = _text_values(db)
    scanned = {(table, column) for table, column, _ in values}
    assert {
        ("resource", "name"),
        ("resource", "description"),
        ("resource", "eligibility"),
        ("auditentry", "fields"),
    } <= scanned
    leaks = [
        (t, c, f) for t, c, v in values for f in [*FORBIDDEN, "Jane Roe", "1977"] if f.lower() in v.lower()
    ]
    assert leaks == []
    # The public details survive: every resource's phone is stored.
    stored = " ".join(v for _, _, v in values)
    for phone in ("555-0142", "555-0188", "555-0100", "555-0177", "555-0117", "555-0133"):
        assert phone in stored
    # And nothing typed was echoed back with the identifiers either.
    echoed = " ".join(fake_slack.posted_texts())
    assert [f for f in FORBIDDEN if f in echoed] == []
