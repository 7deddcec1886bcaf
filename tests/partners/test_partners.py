"""The partner registry's core: parsing what people type, the registry itself, matching for "who can help",
and renewal reminders planned through the outbox exactly once."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from bot.console import demo
from bot.partners import commands as registry_commands
from bot.partners import details as registry_details
from bot.partners import jobs as registry_jobs
from bot.partners import matching as registry_matching
from bot.partners import names
from bot.partners import service as registry_service
from bot.partners.commands import AddPartner, PartnerChanges, SetRenewal
from bot.partners.dates import read_date
from bot.platform.errors import FeatureError
from models.partners import Agreement, Partner, PartnerChannel, PartnerContact, PartnerService
from models.platform import OutboxMessage
from tests.factories import make_actor, make_partner

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


# -- parsing ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "kind", "channels"),
    [
        ("Eastside Food Bank", "Eastside Food Bank", None, ()),
        ("Eastside Food Bank resource sharing", "Eastside Food Bank", "resource_sharing", ()),
        (
            "Eastside Food Bank, Resource Sharing <#C0EAST|eastside>",
            "Eastside Food Bank",
            "resource_sharing",
            ("C0EAST",),
        ),
        (
            "<#C0EAST> Harbor Housing Coalition as an advocacy coalition",
            "Harbor Housing Coalition",
            "advocacy_coalition",
            ("C0EAST",),
        ),
        (
            "Riverside Rides project partnership <#C1|a> <#C2|b>",
            "Riverside Rides",
            "project_partnership",
            ("C1", "C2"),
        ),
        ("County Health strategic_alliance", "County Health", "strategic_alliance", ()),
        # A type word inside the name is part of the name.
        ("Resource Sharing Network of Ohio", "Resource Sharing Network of Ohio", None, ()),
        ("Harbor Housing advocacy coalitoin", "Harbor Housing", "advocacy_coalition", ()),
        # Mentions are never part of a name.
        ("<!here> Org <@U1|ana>", "Org", None, ()),
    ],
)
def test_partner_add_reads_name_type_and_channels(text, name, kind, channels):
    request = registry_commands.parse_add(text)
    assert (request.name, request.kind, request.channel_ids) == (name, kind, channels)


@pytest.mark.parametrize(
    ("text", "name", "unrecognized"),
    [
        (
            "Northwest Housing Alliance housing partnership",
            "Northwest Housing Alliance",
            "housing partnership",
        ),
        ("Casa Esperanza (food partnership)", "Casa Esperanza", "food partnership"),
        ("Casa Esperanza, health collaborative", "Casa Esperanza", "health collaborative"),
        # All lowercase: no telling the name from a type, so it stays whole.
        ("northwest housing alliance", "northwest housing alliance", None),
        ("Eastside Food Bank downtown", "Eastside Food Bank downtown", None),
    ],
)
def test_type_words_nobody_defined_are_kept_out_of_the_name(text, name, unrecognized):
    request = registry_commands.parse_add(text)
    assert (request.name, request.kind, request.unrecognized_type) == (name, None, unrecognized)


@pytest.mark.parametrize("text", ["", "resource sharing", "  ,  ", "<#C1|x>", "<!here>"])
def test_partner_add_without_a_name_asks_for_one(text):
    with pytest.raises(FeatureError, match="Which organization"):
        registry_commands.parse_add(text)


def test_partner_add_with_an_unlinked_channel_name_explains_how_to_pick_it():
    with pytest.raises(FeatureError, match="Pick it from the list"):
        registry_commands.parse_add("Eastside Food Bank #eastside")


def test_partner_add_refuses_an_overlong_name():
    with pytest.raises(FeatureError, match="longer than 200"):
        registry_commands.parse_add("x" * 201)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-31", date(2027, 3, 31)),
        ("3/31/2027", date(2027, 3, 31)),
        ("3/31/27", date(2027, 3, 31)),
        ("March 31, 2027", date(2027, 3, 31)),
        ("31 Mar 2027", date(2027, 3, 31)),
        ("march 31st", date(2027, 3, 31)),  # the next March 31
        ("December 1", date(2026, 12, 1)),  # later this year
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 23)),
        ("in 60 days", date(2027, 1, 21)),
        ("in 3 months", date(2027, 2, 22)),
        ("in a year", date(2027, 11, 22)),
        ("next June", date(2027, 6, 1)),  # the first of the next June
        ("June 2028", date(2028, 6, 1)),
        ("next month", date(2026, 12, 1)),
    ],
)
def test_dates_as_people_write_them(text, expected):
    assert read_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-30", "Feb 30, 2027 is not a date"),
        ("someday", "couldn't read the date `someday`"),
        ("in 9999 years", "within 10 years"),
        ("in many days", "couldn't read"),
    ],
)
def test_bad_dates_are_explained(text, message):
    with pytest.raises(FeatureError, match=message):
        read_date(text, TODAY)


def test_mou_command_reads_name_and_date():
    assert registry_commands.parse("mou Eastside Food Bank renews on 2027-03-31", TODAY) == SetRenewal(
        "Eastside Food Bank", date(2027, 3, 31)
    )
    with pytest.raises(FeatureError, match="renewal date"):
        registry_commands.parse("mou Eastside Food Bank 2027-03-31", TODAY)


def test_names_normalize_case_punctuation_and_spacing():
    assert names.normalize_name("Eastside  Food Bank, Inc.") == names.normalize_name("eastside food bank inc")
    assert names.normalize_name("Food & Friends") == names.normalize_name("food and friends") == "food and friends"
    assert names.normalize_name("Café Ñandú") == names.normalize_name("CAFE NANDU")
    assert names.normalize_name("Продуктовый банк") != names.normalize_name("食物银行")


def test_capacity_wording():
    assert registry_details.capacity_text(None, None) == ""
    assert registry_details.capacity_text(10, None) == "Can take 10 clients a month"
    assert registry_details.capacity_text(10, 7) == "Can take 10 clients a month · 7 now (3 open)"
    assert registry_details.capacity_text(1, 1) == "Can take 1 client a month · 1 now (full)"


# -- the registry ---------------------------------------------------------------------------------------------------


OWNER = make_actor("UOWNER")


def _edit(**changes) -> PartnerChanges:
    return PartnerChanges(owner_user_id="UOWNER", **changes)


def _update(session, partner_id, changes, *, actor=OWNER, contact_teams=None, shared=()):
    return registry_service.update_partner(
        session,
        actor,
        partner_id,
        changes,
        contact_teams=contact_teams or {},
        shared_channels=shared,
        now=NOW,
    )


def _add(db, name="Eastside Food Bank", **kw) -> int:
    with db.session() as session:
        return make_partner(session, name, **kw).id


def test_add_refuses_a_duplicate_whatever_the_spelling(db):
    _add(db, kind="resource_sharing", channel="C0EAST")
    with db.session() as session, pytest.raises(FeatureError, match="already registered"):
        registry_service.add_partner(session, make_actor("U2"), AddPartner("eastside food bank."))
    with db.session() as session:
        assert session.exec(select(Partner)).one().kind == "resource_sharing"
        assert [c.channel_id for c in session.exec(select(PartnerChannel))] == ["C0EAST"]


def test_same_name_in_another_workspace_is_a_different_partner(db):
    _add(db)
    with db.session() as session:
        registry_service.add_partner(
            session, make_actor("U9", team_id="T2"), AddPartner("Eastside Food Bank")
        )
        assert registry_details.find_partner(session, "T2", "EASTSIDE FOOD BANK").team_id == "T2"


def test_a_name_carrying_a_patients_details_is_refused(db):
    with db.session() as session, pytest.raises(FeatureError, match="person's details"):
        registry_service.add_partner(session, make_actor(), AddPartner("patient Maria Lopez DOB 01/02/1960"))
    with db.session() as session:
        assert session.exec(select(Partner)).all() == []


def test_unknown_partner_suggests_close_names(db):
    _add(db)
    with db.session() as session, pytest.raises(FeatureError, match=r"Did you mean \*Eastside Food Bank\*"):
        registry_details.require_partner(session, "T1", "Eastside Foods")


def test_edit_saves_every_field_and_redacts_free_text(db):
    partner_id = _add(db)
    edit = _edit(
        kind="resource_sharing",
        services=("food", "housing"),
        contacts=("U0STAFF", "W0EXTERNAL"),
        external_contacts=("Dana Reyes · 555-0100 front desk", "patient Maria Lopez · her cell 555-0199"),
        capacity_per_month=40,
        current_load=31,
        eligibility_notes="Adults 18+ on the east side. Last week patient John Smith was turned away.",
        channels=("C0EAST", "C0SHARED"),
        slack_team_id="T0PARTNER",
        agreements=(("mou", date(2026, 1, 1), date(2026, 12, 1), date(2027, 6, 30)),),
    )
    with db.session() as session:
        result = _update(
            session,
            partner_id,
            edit,
            contact_teams={"U0STAFF": "T1", "W0EXTERNAL": "T0PARTNER"},
            shared={"C0SHARED"},
        )
    assert "name" in result.removed_summary
    with db.session() as session:
        details = registry_details.partner_details(session, "T1", partner_id)
    assert details.services == ("food", "housing")
    assert details.capacity_text == "Can take 40 clients a month · 31 now (9 open)"
    assert "John Smith" not in details.eligibility_notes and "Adults 18+" in details.eligibility_notes
    assert [(c.user_id, c.user_team_id) for c in details.contacts if c.user_id] == [
        ("U0STAFF", "T1"),
        ("W0EXTERNAL", "T0PARTNER"),
    ]
    external = [f"{c.name} | {c.details}" for c in details.contacts if not c.user_id]
    assert external[0] == "Dana Reyes | 555-0100 front desk"  # staff contact details are kept
    assert "Maria" not in external[1] and "555-0199" not in external[1]
    assert [(c.channel_id, c.is_shared) for c in details.channels] == [("C0EAST", False), ("C0SHARED", True)]
    assert details.slack_team_id == "T0PARTNER"
    (mou,) = details.agreements
    assert (mou.kind, mou.renewal_date) == ("mou", date(2027, 6, 30))


def test_validation_names_each_bad_field():
    problems = registry_commands.form_problems(
        _edit(
            capacity_per_month=-1,
            services=("not-a-category",),
            slack_team_id="nope",
            agreements=(("mou", date(2027, 1, 1), None, date(2026, 1, 1)),),
        )
    )
    assert set(problems) == {"capacity", "services", "slack_team", "agreement_mou_renewal"}


def test_matching_partners_ranks_by_coverage_then_room(db):
    full = _add(db, name="Full Pantry")
    roomy = _add(db, name="Roomy Pantry")
    both = _add(db, name="Food And Housing Hub")
    _add(db, name="Legal Aid")
    with db.session() as session:
        _update(
            session,
            full,
            _edit(services=("food",), capacity_per_month=5, current_load=5, contacts=("U0FULL",)),
        )
        _update(
            session,
            roomy,
            _edit(services=("food",), capacity_per_month=5, current_load=1, channels=("C0ROOMY",)),
        )
        _update(session, both, _edit(services=("housing", "food")))
    with db.session() as session:
        matches = registry_matching.matching_partners(session, "T1", ["food", "housing"])
        assert [m.name for m in matches] == ["Food And Housing Hub", "Roomy Pantry", "Full Pantry"]
        assert matches[0].matched_categories == ["food", "housing"]
        assert matches[1].channel_ids == ["C0ROOMY"] and matches[1].has_room is True
        assert matches[2].contact_user_ids == ["U0FULL"] and matches[2].capacity.endswith("(full)")
        assert registry_matching.matching_partners(session, "T1", ["legal"]) == []
        assert registry_matching.matching_partners(session, "T2", ["food"]) == []
        assert registry_matching.matching_partners(session, "T1", []) == []


def test_seed_demo_adds_clearly_marked_partners_once(db):
    with db.session() as session:
        added = demo.seed_demo_partners(session, "TDEMO")
    with db.session() as session:
        assert demo.seed_demo_partners(session, "TDEMO") == 0
        partners = registry_service.list_partners(session, make_actor(demo.DEMO_USER, team_id="TDEMO"))
    assert len(partners) == added == 3
    assert all(p.is_demo and "(demo)" in p.name for p in partners)
    assert any(p.agreements for p in partners)
    with db.session() as session:
        assert (
            registry_matching.matching_partners(session, "TDEMO", ["food"])[0].name
            == "Eastside Food Bank (demo)"
        )


# -- renewal reminders ------------------------------------------------------------------------------------------------


def _outbox(db, prefix="renewal:") -> list[OutboxMessage]:
    with db.session() as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.key.startswith(prefix))).all()
        return sorted(rows, key=lambda r: r.due_at)


def test_mou_renewal_plans_reminders_90_and_30_days_before_at_nine_local(db):
    _add(db)
    with db.session() as session:
        registry_service.set_renewal(
            session, OWNER, SetRenewal("eastside food bank", date(2027, 6, 30)), now=NOW
        )
    rows = [r for r in _outbox(db) if r.status == "pending"]
    assert [r.payload["days"] for r in rows] == [90, 30]
    # 9:00 in New York (EDT, UTC-4) on April 1 and May 31.
    assert [r.due_at for r in rows] == [
        datetime(2027, 4, 1, 13, 0, tzinfo=UTC),
        datetime(2027, 5, 31, 13, 0, tzinfo=UTC),
    ]
    assert all(r.payload["owner_user_id"] == "UOWNER" for r in rows)
    # Planning again (the hourly planner) adds nothing.
    registry_jobs.plan_renewal_reminders(db, NOW + timedelta(hours=1))
    assert len(_outbox(db)) == 2


def test_changing_the_renewal_date_replaces_the_reminders(db):
    _add(db)
    for renewal in (date(2027, 6, 30), date(2027, 9, 30), date(2027, 6, 30)):
        with db.session() as session:
            registry_service.set_renewal(session, OWNER, SetRenewal("Eastside Food Bank", renewal), now=NOW)
    pending = [r for r in _outbox(db) if r.status == "pending"]
    assert len(pending) == 2 and all(r.key.endswith(":2027-06-30:r2") for r in pending)
    assert sum(r.status == "cancelled" for r in _outbox(db)) == 4


def test_a_reminder_whose_day_has_passed_is_not_planned(db):
    _add(db)
    with db.session() as session:
        registry_service.set_renewal(
            session, OWNER, SetRenewal("Eastside Food Bank", TODAY + timedelta(days=45)), now=NOW
        )
    assert [r.payload["days"] for r in _outbox(db)] == [30]


def test_mou_renewal_refuses_a_past_date_and_an_unknown_partner(db):
    _add(db)
    with db.session() as session, pytest.raises(FeatureError, match="already passed"):
        registry_service.set_renewal(
            session, OWNER, SetRenewal("Eastside Food Bank", TODAY - timedelta(days=1)), now=NOW
        )
    with db.session() as session, pytest.raises(FeatureError, match="don't know a partner"):
        registry_service.set_renewal(
            session, OWNER, SetRenewal("Westside", TODAY + timedelta(days=200)), now=NOW
        )
    with db.session() as session:
        assert session.exec(select(Agreement)).all() == []


def test_clearing_every_date_removes_the_agreement_and_its_reminders(db):
    partner_id = _add(db)
    with db.session() as session:
        registry_service.set_renewal(
            session, OWNER, SetRenewal("Eastside Food Bank", date(2027, 6, 30)), now=NOW
        )
    with db.session() as session:
        _update(session, partner_id, _edit(agreements=(("mou", None, None, None),)))
        assert session.exec(select(Agreement)).all() == []
        assert (
            session.exec(select(PartnerService)).all() == []
            and session.exec(select(PartnerContact)).all() == []
        )
    assert {r.status for r in _outbox(db)} == {"cancelled"}


# -- finding a partner from what people type ---------------------------------------------------------------------------

REGISTERED = ["Eastside Food Bank", "Westside Food Bank", "Harbor Housing Coalition", "Nope Org", "Café Luz"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("nope org", "Nope Org"),
        ("Nope Orgg", "Nope Org"),
        ("eastside fod bank", "Eastside Food Bank"),
        ("The Eastside Food Bank, Inc.", "Eastside Food Bank"),
        ("cafe luz", "Café Luz"),
        ("Harbor Housing", "Harbor Housing Coalition"),
        ("Eside Food Bank", None),  # as close to Westside as to Eastside: ask
        ("Food Bank", None),
        ("Northside Food Bank", None),  # another organization, however close the spelling
    ],
)
def test_lookup_forgives_spelling_never_the_organization(typed, found):
    assert names.lookup(REGISTERED, typed).name == found


def test_lookup_offers_the_closest_names_when_unsure():
    assert set(names.lookup(REGISTERED, "Eside Food Bank").suggestions) >= {
        "Eastside Food Bank",
        "Westside Food Bank",
    }
    assert names.lookup(REGISTERED, "Eside Food Bank", suggest=False).suggestions == ()


def test_rename_readings_split_at_every_to():
    command = registry_commands.parse("rename Bridge to Home to Bridge Home", TODAY)
    assert command.readings == (("Bridge", "Home to Bridge Home"), ("Bridge to Home", "Bridge Home"))
    with pytest.raises(FeatureError, match="new name"):
        registry_commands.parse("rename Bridge Home", TODAY)


def test_unknown_verbs_get_the_help_and_no_raw_placeholders():
    with pytest.raises(FeatureError) as error:
        registry_commands.parse("frobnicate", TODAY)
    assert "I don't know `/partner frobnicate`" in error.value.message
    for text in (registry_commands.HELP, registry_commands.SUMMARY, error.value.message):
        assert not re.search(r"<(?![#@!])[^>]*>", text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("remove", "Which partner"),
        ("rename Eastside Food Bank", "new name"),
        ("rename Eastside Food Bank to", "new name"),
        ("rename to Westside", "new name"),
        ("info   ", "Which partner"),
        ("mou Eastside Food Bank renews", "renewal date"),
        ("mou Eastside Food Bank renews someday", "couldn't read"),
    ],
)
def test_bad_partner_commands_are_explained(text, message):
    with pytest.raises(FeatureError, match=message):
        registry_commands.parse(text, TODAY)


@pytest.mark.parametrize(
    "value", ["", "not json", '{"id": "x", "name": "A"}', '{"id": 1}', '{"id": 1, "name": "<!here>"}']
)
def test_stale_or_forged_rename_buttons_are_refused(value):
    with pytest.raises(FeatureError):
        registry_commands.read_rename_value(value)


@pytest.mark.parametrize("value", [None, "", "abc", "-1", "1.5"])
def test_buttons_without_a_partner_id_say_it_is_gone(value):
    with pytest.raises(FeatureError, match="no longer exists"):
        registry_commands.read_partner_id(value)


def test_renaming_to_a_name_with_a_patients_details_is_refused(db):
    partner_id = _add(db)
    with db.session() as session, pytest.raises(FeatureError, match="person's details"):
        registry_service.rename_partner(session, OWNER, partner_id, "patient Maria Lopez DOB 01/02/1960")
    with db.session() as session:
        assert session.get(Partner, partner_id).name == "Eastside Food Bank"


def test_a_guest_from_another_organization_changes_nothing(db):
    partner_id = _add(db)
    guest = make_actor("UOWNER", user_team_id="T0GUEST")  # even with the owner's id, another organization
    with db.session() as session, pytest.raises(FeatureError, match="only available to members"):
        registry_service.remove_partner(session, guest, partner_id)
    with db.session() as session:
        assert session.get(Partner, partner_id) is not None
