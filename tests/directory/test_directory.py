"""The directory core (bot.directory) on both databases: logging, merging, undo, edit, permissions, watching."""

from dataclasses import replace

import pytest
from sqlmodel import select

from bot.console import demo
from bot.directory import service as directory_service
from bot.directory import stewards as directory_stewards
from bot.directory import watch as directory_watch
from bot.directory.fields import ResourceFields
from bot.runtime.settings import Settings
from models.directory import Resource, ResourceCategory, ResourceLogEntry, WatchedMessage
from models.platform import AuditEntry

SETTINGS = replace(Settings(), admin_user_ids=frozenset({"UADMIN"}))
EXAMPLE = "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken"


def log(db, text, user="U1", team="T1"):
    with db.session() as session:
        return directory_service.log_resource(session, team_id=team, user_id=user, text=text)


def resources(db, team="T1"):
    with db.session() as session:
        return session.exec(select(Resource).where(Resource.team_id == team).order_by(Resource.id)).all()


def test_log_saves_extracted_fields_categories_and_audit(db):
    result = log(db, EXAMPLE)
    assert result.status == "created" and result.privacy_note == ""
    [saved] = resources(db)
    assert (saved.name, saved.phone, saved.city, saved.hours, saved.languages) == (
        "Eastside Food Pantry",
        "555-0142",
        "Eastport",
        "Tue/Thu 2-6pm",
        "Spanish",
    )
    assert saved.created_by == "U1" and saved.mention_count == 1 and saved.source == "slack"
    with db.session() as session:
        categories = session.exec(
            select(ResourceCategory.category).where(ResourceCategory.resource_id == saved.id)
        ).all()
        assert "food" in categories
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.entity == "resource")).all()
        assert entry.action == "create" and "phone" in entry.fields and entry.actor_user_id == "U1"


def test_patient_details_are_removed_and_reported(db):
    result = log(
        db, "Eastside Food Pantry, pt John Smith DOB 3/4/1950 told me, 555-0142, her cell 503-555-0199"
    )
    assert result.status == "created"
    assert result.privacy_note.startswith("Removed for privacy:") and "1 name" in result.privacy_note
    [saved] = resources(db)
    everything = " ".join(str(v) for v in saved.model_dump().values())
    for forbidden in ("John", "Smith", "1950", "0199"):
        assert forbidden not in everything
    assert saved.phone == "555-0142"


@pytest.mark.parametrize(
    "second",
    [
        "Eastside Food Pantry, 555-0142",  # same name, same phone
        "East Side Food Pantry, in Eastport",  # fuzzy name, confirmed by city
        "Eastside Food Pantry Inc, 555 0142",  # fuzzy name, confirmed by phone digits
        "eastside food pantry",  # same name, nothing contradicting
    ],
)
def test_near_duplicates_merge_and_fill_empty_fields(db, second):
    log(db, "Eastside Food Pantry, groceries, 555-0142, 12 Main St Eastport")
    result = log(db, second + ", https://eastside.example.org", user="U2")
    assert result.status == "merged"
    [saved] = resources(db)
    assert saved.mention_count == 2
    assert saved.website == "https://eastside.example.org" and "website" in result.filled
    assert saved.name == "Eastside Food Pantry"  # the saved name stays


def test_different_city_or_phone_is_a_different_resource(db):
    log(db, "Salvation Army Food Pantry, 12 Main St Eastport")
    assert log(db, "Salvation Army Food Pantry, 9 Oak Ave Westbrook").status == "created"
    assert log(db, "Eastport Pantry, 555-0100, in Eastport").status == "created"
    assert log(db, "Eastport Pantry, 555-0199, in Westbrook").status == "created"
    assert len(resources(db)) == 4
    # Name, organization and city are the identity: the same name with no city is the same entry, and a
    # different phone is reported, not saved over the known one.
    assert log(db, "Hope Shelter, 555-0100").status == "created"
    clash = log(db, "Hope Shelter, 555-0199")
    assert (clash.status, clash.kept) == ("merged", ["phone"])


def test_merge_never_overwrites_saved_values_and_says_so(db):
    first = log(db, "Hope Shelter, 555-0188, Westbrook")
    with db.session() as session:
        resource = session.get(Resource, first.resource.id)
        directory_service.verify_resource(
            session, team_id="T1", user_id="UADMIN", resource=resource, settings=SETTINGS
        )
    result = log(db, "Hope Shelter, 555-0188, open 24/7, hope@example.org", user="U2")
    assert result.status == "merged" and set(result.filled) == {"email", "hours"}
    result = log(db, "Hope Shelter, 555-0188, open 9am-5pm", user="U3")
    assert result.kept == ["hours"]
    [saved] = resources(db)
    assert saved.hours == "24/7" and saved.mention_count == 3 and saved.verified_by == "UADMIN"


def test_bad_input_saves_nothing(db):
    assert log(db, "   ").status == "empty"
    assert "/resource add" in log(db, "").message
    too_long = log(db, "Food Bank " + "x" * 4000)
    assert too_long.status == "too_long" and "4,000" in too_long.message
    assert log(db, "555-0142").status == "no_name"
    assert log(db, "Bad Email Pantry, contact me@").status in ("created",)  # an unparseable email is ignored
    sql = log(db, "Robert'); DROP TABLE resource;-- Pantry, 555-0100")
    assert sql.status == "created" and "DROP TABLE" in sql.resource.name + sql.resource.description
    names = [r.name for r in resources(db)]
    assert len(names) == 2


def test_form_fields_are_redacted_and_validated(db):
    with db.session() as session:
        invalid = directory_service.log_resource(
            session, team_id="T1", user_id="U1", fields=ResourceFields(name="X Clinic", email="nope")
        )
        assert invalid.status == "invalid" and "email is not an email address" in invalid.message
        ok = directory_service.log_resource(
            session,
            team_id="T1",
            user_id="U1",
            fields=ResourceFields(
                name="X Clinic", description="pt Jane Doe MRN 4455667 loves it", categories=["food"]
            ),
        )
    assert (
        ok.status == "created"
        and "Jane" not in ok.resource.description
        and "4455667" not in ok.resource.description
    )
    assert ok.privacy_note


def test_undo_deletes_a_new_resource_and_reverses_a_merge(db):
    created = log(db, "Hope Shelter, 555-0188")
    merged = log(db, "Hope Shelter, 555-0188, in Westbrook, hope@example.org", user="U2")
    with db.session() as session:
        assert (
            directory_service.undo_log(
                session, team_id="T1", user_id="U3", log_entry_id=merged.log_entry_id, settings=SETTINGS
            ).status
            == "forbidden"
        )
        # The first log cannot delete it while another person's log stands.
        result = directory_service.undo_log(
            session, team_id="T1", user_id="U2", log_entry_id=merged.log_entry_id, settings=SETTINGS
        )
        assert result.status == "ok" and set(result.changed) == {"mention_count", "city", "email"}
    [saved] = resources(db)
    assert (saved.mention_count, saved.city, saved.email) == (1, "", "")
    with db.session() as session:
        again = directory_service.undo_log(
            session, team_id="T1", user_id="U2", log_entry_id=merged.log_entry_id, settings=SETTINGS
        )
        assert again.status == "already"
        gone = directory_service.undo_log(
            session, team_id="T1", user_id="U1", log_entry_id=created.log_entry_id, settings=SETTINGS
        )
        assert gone.note == "deleted"
    assert resources(db) == []
    with db.session() as session:
        assert session.exec(select(ResourceCategory)).all() == []
        assert session.exec(select(ResourceLogEntry)).all() == []


def test_edit_permissions_and_verification(db):
    created = log(db, "Hope Shelter, 555-0188")
    rid = created.resource.id
    new = ResourceFields(name="Hope Shelter", phone="555-0189", city="Westbrook", categories=["shelter"])
    with db.session() as session:
        assert (
            directory_service.edit_resource(
                session, team_id="T1", user_id="U2", resource_id=rid, fields=new, settings=SETTINGS
            ).status
            == "forbidden"
        )
        resource = session.get(Resource, rid)
        assert (
            directory_service.verify_resource(
                session, team_id="T1", user_id="U1", resource=resource, settings=SETTINGS
            ).status
            == "forbidden"
        )
        directory_stewards.add_steward(
            session, team_id="T1", actor_user_id="UADMIN", user_id="USTEW", settings=SETTINGS
        )
        assert (
            directory_service.verify_resource(
                session, team_id="T1", user_id="USTEW", resource=resource, settings=SETTINGS
            ).status
            == "ok"
        )
    with db.session() as session:
        # The author may still edit their own entry; it then needs verifying again.
        result = directory_service.edit_resource(
            session, team_id="T1", user_id="U1", resource_id=rid, fields=new, settings=SETTINGS
        )
        assert result.status == "ok" and result.verification_cleared
        assert set(result.changed) == {"phone", "city"}
    [saved] = resources(db)
    assert (saved.phone, saved.phone_key, saved.normalized_city, saved.verified_at) == (
        "555-0189",
        "5550189",
        "westbrook",
        None,
    )
    with db.session() as session:
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.entity == "resource")).all()
        assert actions == ["create", "verify", "edit"]


def test_retire_hides_and_restore_brings_back(db):
    created = log(db, "Hope Shelter, 555-0188")
    with db.session() as session:
        resource = session.get(Resource, created.resource.id)
        assert (
            directory_service.retire_resource(
                session, team_id="T1", user_id="U1", resource=resource, settings=SETTINGS
            ).status
            == "forbidden"
        )
        assert (
            directory_service.retire_resource(
                session, team_id="T1", user_id="UADMIN", resource=resource, settings=SETTINGS
            ).status
            == "ok"
        )
        assert directory_service.list_resources(session, "T1") == ([], 0)
        assert directory_service.find_resource(session, "T1", "hope shelter").resource is None
    assert log(db, "Hope Shelter, 555-0188").status == "retired"
    with db.session() as session:
        resource = session.get(Resource, created.resource.id)
        directory_service.restore_resource(
            session, team_id="T1", user_id="UADMIN", resource=resource, settings=SETTINGS
        )
        assert directory_service.list_resources(session, "T1")[1] == 1


def test_find_and_list_by_category(db):
    with db.session() as session:
        assert demo.seed_demo_directory(session, "T1") == 10
        assert demo.seed_demo_directory(session, "T1") == 0  # only once
        assert directory_service.find_resource(session, "T1", "marthas kitchen").resource.name == "Martha's Kitchen"
        assert directory_service.find_resource(session, "T1", "Hope Shelterr").resource.name == "Hope Shelter"
        assert directory_service.find_resource(session, "T1", "hope").resource.name == "Hope Shelter"  # the only one
        unclear = directory_service.find_resource(session, "T1", "Rent help")
        assert unclear.resource is None and unclear.suggestions == ["Riverside Rent Relief"]
        assert directory_service.find_resource(session, "T1", "xyz") == directory_service.Found(None, [])
        food, total = directory_service.list_resources(session, "T1", category="food")
        assert total == 2 and {r.name for r in food} == {"Eastside Food Pantry", "Martha's Kitchen"}
        assert all(r.source == "demo" for r in food)
        assert directory_service.list_resources(session, "T2") == ([], 0)  # other workspaces see nothing


def test_watched_channel_counts_mentions_once_and_rate_limits_suggestions(db):
    log(db, "Eastside Food Pantry, 555-0142")
    with db.session() as session:
        assert directory_watch.set_watch(session, team_id="T1", channel_id="C1", user_id="U1", on=True)
        assert not directory_watch.set_watch(session, team_id="T1", channel_id="C1", user_id="U1", on=True)
        assert directory_watch.is_watched(session, "T1", "C1")

    def observe(ts, text):
        with db.session() as session:
            return directory_watch.observe_watched_message(
                session, team_id="T1", channel_id="C1", message_ts=ts, user_id="U2", text=text
            )

    assert observe("1.1", "pt Jane went to the eastside food pantry yesterday").kind == "mention"
    assert observe("1.1", "pt Jane went to the eastside food pantry yesterday") is None  # same message
    assert observe("1.2", "nothing to see here") is None
    new = "Westside Diaper Bank, free diapers Sat 10am-2pm, 555-0166, 3 Pine St Westbrook"
    outcomes = [observe(f"2.{i}", new) for i in range(5)]
    assert [o.kind if o else None for o in outcomes] == ["suggest"] * 3 + [None] * 2
    assert "Westside Diaper Bank" in outcomes[0].prefill
    [saved] = resources(db)
    assert saved.mention_count == 2
    with db.session() as session:
        assert len(session.exec(select(WatchedMessage)).all()) == 4
        assert directory_watch.set_watch(session, team_id="T1", channel_id="C1", user_id="U1", on=False)
        assert not directory_watch.is_watched(session, "T1", "C1")


def test_stewards_are_managed_by_admins(db):
    with db.session() as session:
        assert (
            directory_stewards.add_steward(
                session, team_id="T1", actor_user_id="U1", user_id="U2", settings=SETTINGS
            ).status
            == "forbidden"
        )
        assert (
            directory_stewards.add_steward(
                session, team_id="T1", actor_user_id="UADMIN", user_id="U2", settings=SETTINGS
            ).status
            == "ok"
        )
        assert directory_stewards.list_stewards(session, "T1") == ["U2"]
        assert directory_service.is_steward(session, "T1", "U2", SETTINGS)
        assert not directory_service.is_steward(session, "T2", "U2", SETTINGS)
        assert (
            directory_stewards.remove_steward(
                session, team_id="T1", actor_user_id="UADMIN", user_id="U2", settings=SETTINGS
            ).status
            == "ok"
        )
        assert directory_stewards.list_stewards(session, "T1") == []


def test_simultaneous_logs_of_the_same_resource_make_one_entry(db):
    import threading

    barrier = threading.Barrier(4)
    outcomes, failures = [], []

    def worker(user):
        try:
            barrier.wait()
            outcomes.append(log(db, "Eastside Food Pantry, 555-0142, 12 Main St Eastport", user=user).status)
        except Exception as error:  # collected, so the assertion below shows it
            failures.append(repr(error))

    threads = [threading.Thread(target=worker, args=(f"U{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(outcomes) == ["created", "merged", "merged", "merged"]
    [saved] = resources(db)
    assert saved.mention_count == 4
