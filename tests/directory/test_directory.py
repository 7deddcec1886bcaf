"""The directory's services (bot.directory) on both databases: logging, merging, undo, edit, permissions,
watching. Each is called as the handler calls it: a session, an actor (tests/factories.make_actor), a command."""

import pytest
from sqlmodel import select

from bot.console import demo
from bot.directory import service as directory_service
from bot.directory import stewards as directory_stewards
from bot.directory import watch as directory_watch
from bot.directory.access import is_steward
from bot.directory.commands import ChangeSteward, ListResources, ManageResource, Watch, parse
from bot.directory.fields import ResourceFields
from bot.platform.errors import FeatureError
from models.directory import ResourceCategory, ResourceLogEntry, WatchedMessage
from models.platform import AuditEntry
from tests.factories import log_resource as log
from tests.factories import make_actor
from tests.factories import stored_resources as resources

EXAMPLE = "Eastside Food Pantry, groceries Tue/Thu 2-6pm, 555-0142, 12 Main St Eastport, Spanish spoken"
ADMIN = make_actor("UADMIN", admin=True)


def manage(db, action, name, user="UADMIN"):
    with db.session() as session:
        return directory_stewards.manage_resource(
            session, make_actor(user, admin=user == "UADMIN"), ManageResource(action, name)
        )


def refused(call, *args) -> str:
    with pytest.raises(FeatureError) as caught:
        call(*args)
    return caught.value.message


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
    assert (clash.status, clash.kept) == ("merged", ("phone",))


def test_merge_never_overwrites_saved_values_and_says_so(db):
    log(db, "Hope Shelter, 555-0188, Westbrook")
    manage(db, "verify", "Hope Shelter")
    result = log(db, "Hope Shelter, 555-0188, open 24/7, hope@example.org", user="U2")
    assert result.status == "merged" and set(result.filled) == {"email", "hours"}
    result = log(db, "Hope Shelter, 555-0188, open 9am-5pm", user="U3")
    assert result.kept == ("hours",)
    [saved] = resources(db)
    assert saved.hours == "24/7" and saved.mention_count == 3 and saved.verified_by == "UADMIN"


def test_bad_input_saves_nothing(db):
    # Empty and overlong text never reach the service: /resource add parses them (tests/directory/test_commands.py).
    assert isinstance(log(db, "555-0142"), directory_service.NeedsForm)  # no name: the form opens instead
    assert log(db, "Bad Email Pantry, contact me@").status == "created"  # an unparseable email is ignored
    sql = log(db, "Robert'); DROP TABLE resource;-- Pantry, 555-0100")
    assert sql.status == "created" and "DROP TABLE" in sql.resource.name + sql.resource.description
    assert len(resources(db)) == 2


def test_form_fields_are_redacted_and_validated(db):
    form = directory_service.FormSubmission
    with db.session() as session:
        message = refused(directory_service.save_form, session, make_actor(),
                          form(ResourceFields(name="X Clinic", email="nope")))  # fmt: skip
        assert "email is not an email address" in message
        ok = directory_service.save_form(session, make_actor(), form(ResourceFields(
            name="X Clinic", description="pt Jane Doe MRN 4455667 loves it", categories=["food"])))  # fmt: skip
    assert ok.status == "created" and "Jane" not in ok.resource.description and "4455667" not in ok.resource.description
    assert ok.privacy_note


def test_undo_deletes_a_new_resource_and_reverses_a_merge(db):
    created = log(db, "Hope Shelter, 555-0188")
    merged = log(db, "Hope Shelter, 555-0188, in Westbrook, hope@example.org", user="U2")
    with db.session() as session:
        message = refused(directory_service.undo, session, make_actor("U3"), merged.log_entry_id)
        assert "Only the person who logged it" in message
        # The first log cannot delete it while another person's log stands.
        result = directory_service.undo(session, make_actor("U2"), merged.log_entry_id)
        assert not result.deleted
    [saved] = resources(db)
    assert (saved.mention_count, saved.city, saved.email) == (1, "", "")
    with db.session() as session:
        assert refused(directory_service.undo, session, make_actor("U2"), merged.log_entry_id) == (
            "That was already undone."
        )
        assert refused(directory_service.undo, session, make_actor("U2", team_id="T2"), created.log_entry_id) == (
            directory_service.GONE
        )  # another workspace's button
        assert directory_service.undo(session, make_actor("U1"), created.log_entry_id).deleted
    assert resources(db) == []
    with db.session() as session:
        assert session.exec(select(ResourceCategory)).all() == []
        assert session.exec(select(ResourceLogEntry)).all() == []


def test_edit_permissions_and_verification(db):
    created = log(db, "Hope Shelter, 555-0188")
    rid = created.resource.id
    new = ResourceFields(name="Hope Shelter", phone="555-0189", city="Westbrook", categories=["shelter"])
    with db.session() as session:
        assert "Only the person who added it" in refused(
            directory_service.edit_resource, session, make_actor("U2"), rid, new
        )
        assert "Only stewards and admins" in refused(
            directory_stewards.manage_resource, session, make_actor("U1"), ManageResource("verify", "Hope Shelter")
        )
        directory_stewards.change_steward(session, ADMIN, ChangeSteward("USTEW", add=True))
        steward = directory_stewards.manage_resource(
            session, make_actor("USTEW"), ManageResource("verify", "Hope Shelter")
        )
        assert steward.action == "verify"
    with db.session() as session:
        # The author may still edit their own entry; it then needs verifying again.
        result = directory_service.edit_resource(session, make_actor("U1"), rid, new)
        assert result.verification_cleared and set(result.changed) == {"phone", "city"}
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


def test_whoever_logged_a_resource_may_edit_it(db):
    """A merge makes the person a contributor: the merged card's Edit button works for them."""
    created = log(db, "Hope Shelter, 555-0188")
    log(db, "Hope Shelter, 555-0199", user="U2")  # a different phone: kept, and the card says "use Edit"
    with db.session() as session:
        form = directory_service.open_edit(session, make_actor("U2"), created.resource.id)
        assert form.fields.phone == "555-0188"
        form.fields.phone = "555-0199"
        edited = directory_service.edit_resource(session, make_actor("U2"), created.resource.id, form.fields)
        assert edited.changed == ("phone",)
        assert "Only the person who added it" in refused(
            directory_service.open_edit, session, make_actor("U3"), created.resource.id
        )
        guest = make_actor("UEXT", user_team_id="TPARTNER")
        assert "Only members of this workspace" in refused(
            directory_service.open_edit, session, guest, created.resource.id
        )


def test_edit_one_detail_by_name(db):
    log(db, "Hope Shelter, 555-0188")
    log(db, "Hours of Hope Pantry, 555-0111")

    def edit(text, user="U1"):
        with db.session() as session:
            return directory_service.edit_by_name(session, make_actor(user), parse(text))

    assert edit("edit Hope Shelter phone 555-0303").changed == ("phone",)
    assert edit("edit hope shelter zip code: 97201").changed == ("postal_code",)
    assert edit("edit Hope Shelter categories shelter, housing").changed == ("categories",)
    assert edit("edit Hours of Hope Pantry phone 555-0112").changed == ("phone",)  # "Hours" is in its name
    assert isinstance(edit("edit Hope Shelter"), directory_service.EditForm)
    saved = {r.name: r for r in resources(db)}
    assert (saved["Hope Shelter"].phone, saved["Hope Shelter"].postal_code) == ("555-0303", "97201")
    assert saved["Hope Shelter"].categories == "shelter;housing"
    assert saved["Hours of Hope Pantry"].phone == "555-0112"
    with db.session() as session:
        categories = session.exec(select(ResourceCategory.category).where(
            ResourceCategory.resource_id == saved["Hope Shelter"].id)).all()  # fmt: skip
        assert set(categories) == {"shelter", "housing"}
    for bad, why in [
        ("edit Hope Shelter phone", "What should the phone be?"),
        ("edit Hope Shelter phone call us", "phone is not a phone number"),
        ("edit Hope Shelter email nope", "email is not an email address"),
        ("edit Hope Shelter name none", "name is required"),
        ("edit Nothing Like It phone 555-0100", "couldn't find"),
    ]:
        with pytest.raises(FeatureError, match=why):
            edit(bad)
    with pytest.raises(FeatureError, match="Only the person who added it"):
        edit("edit Hope Shelter phone 555-0304", user="U2")
    assert {r.name: r.phone for r in resources(db)}["Hope Shelter"] == "555-0303"  # refusals changed nothing


def test_retire_hides_and_restore_brings_back(db):
    created = log(db, "Hope Shelter, 555-0188")
    log(db, "Hope Shelter, 555-0188", user="U2")  # no longer the author's alone
    assert "a steward or admin needs to retire it" in refused(manage, db, "retire", "Hope Shelter", "U1")
    assert "Only stewards and admins" in refused(manage, db, "retire", "Hope Shelter", "U2")
    assert manage(db, "retire", "Hope Shelter").action == "retire"
    with db.session() as session:
        assert directory_service.list_resources(session, make_actor(), ListResources()).total == 0
        assert directory_service.find_resource(session, "T1", "hope shelter").resource is None
    assert "was retired" in refused(log, db, "Hope Shelter, 555-0188")
    manage(db, "restore", created.resource.name)
    with db.session() as session:
        assert directory_service.list_resources(session, make_actor(), ListResources()).total == 1


def test_the_author_may_retire_a_mistaken_entry_of_their_own(db):
    log(db, "Hope Shelter, 555-0188", user="U1")
    assert manage(db, "retire", "Hope Shelter", user="U1").action == "retire"
    assert manage(db, "restore", "Hope Shelter", user="U1").action == "restore"  # what they retired themselves
    manage(db, "verify", "Hope Shelter")
    assert "a steward or admin needs to retire it" in refused(manage, db, "retire", "Hope Shelter", "U1")
    log(db, "Westside Clinic, 555-0100", user="U1")
    manage(db, "retire", "Westside Clinic")  # a steward retired it
    assert "Only stewards and admins" in refused(manage, db, "restore", "Westside Clinic", "U1")


def test_find_and_list_by_category(db):
    with db.session() as session:
        assert demo.seed_demo_directory(session, "T1") == 10
        assert demo.seed_demo_directory(session, "T1") == 0  # only once
        assert directory_service.find_resource(session, "T1", "marthas kitchen").resource.name == "Martha's Kitchen"
        assert directory_service.find_resource(session, "T1", "Hope Shelterr").resource.name == "Hope Shelter"
        assert directory_service.find_resource(session, "T1", "hope").resource.name == "Hope Shelter"  # the only one
        unclear = directory_service.find_resource(session, "T1", "Rent help")
        assert unclear.resource is None and unclear.suggestions == ("Riverside Rent Relief",)
        assert directory_service.find_resource(session, "T1", "xyz") == directory_service.Found(None)
        food = directory_service.list_resources(session, make_actor(), ListResources("food"))
        assert food.total == 2 and {r.name for r in food.resources} == {"Eastside Food Pantry", "Martha's Kitchen"}
        assert all(r.source == "demo" for r in food.resources) and food.category_label
        other_team = directory_service.list_resources(session, make_actor(team_id="T2"), ListResources())
        assert (other_team.resources, other_team.total) == ((), 0)  # other workspaces see nothing


def test_watched_channel_counts_mentions_once_and_rate_limits_suggestions(db):
    log(db, "Eastside Food Pantry, 555-0142")
    with db.session() as session:
        assert directory_watch.watch_channel(session, make_actor(), Watch(True), "C1").changed
        assert not directory_watch.watch_channel(session, make_actor(), Watch(True), "C1").changed
        assert directory_watch.watch_channel(session, make_actor(), Watch(None), "C1").watched

    def observe(ts, text, actor=None):
        with db.session() as session:
            return directory_watch.observe_watched_message(
                session, actor or make_actor("U2"), directory_watch.ChannelMessage("C1", ts, text)
            )

    assert observe("1.1", "pt Jane went to the eastside food pantry yesterday").kind == "mention"
    assert observe("1.1", "pt Jane went to the eastside food pantry yesterday") is None  # same message
    assert observe("1.2", "nothing to see here") is None
    new = "Westside Diaper Bank, free diapers Sat 10am-2pm, 555-0166, 3 Pine St Westbrook"
    assert observe("1.3", new, make_actor("UEXT", user_team_id="TPARTNER")) is None  # a guest is not offered
    outcomes = [observe(f"2.{i}", new) for i in range(5)]
    assert [o.kind if o else None for o in outcomes] == ["suggest"] * 3 + [None] * 2
    assert outcomes[0].prefill.name == "Westside Diaper Bank"
    [saved] = resources(db)
    assert saved.mention_count == 2
    with db.session() as session:
        assert len(session.exec(select(WatchedMessage)).all()) == 4
        assert directory_watch.watch_channel(session, make_actor(), Watch(False), "C1").changed
        assert not directory_watch.is_watched(session, "T1", "C1")


def test_stewards_are_managed_by_admins(db):
    with db.session() as session:
        assert "Only admins" in refused(
            directory_stewards.change_steward, session, make_actor("U1"), ChangeSteward("U2", add=True)
        )
        directory_stewards.change_steward(session, ADMIN, ChangeSteward("U2", add=True))
        assert "already is a steward" in refused(
            directory_stewards.change_steward, session, ADMIN, ChangeSteward("U2", add=True)
        )
        assert directory_stewards.list_stewards(session, make_actor()) == ("U2",)
        assert is_steward(session, make_actor("U2"))
        assert not is_steward(session, make_actor("U2", team_id="T2"))
        directory_stewards.change_steward(session, ADMIN, ChangeSteward("U2", add=False))
        assert directory_stewards.list_stewards(session, make_actor()) == ()
        assert "isn't a steward" in refused(
            directory_stewards.change_steward, session, ADMIN, ChangeSteward("U2", add=False)
        )


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
