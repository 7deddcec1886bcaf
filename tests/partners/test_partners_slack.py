"""`/partner` over real HTTP against the fake Slack, on both databases."""

import json
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.partners import details as registry_details
from bot.partners import jobs as registry_jobs
from bot.runtime import jobs
from models.partners import Agreement, Partner, PartnerChannel, PartnerContact
from models.platform import AuditEntry, OutboxMessage
from tests.factories import make_partner


def _answer(fake_slack) -> str:
    return fake_slack.wait_for("response_url").text_content()


def _partner(db, name="Eastside Food Bank") -> Partner:
    with db.session() as session:
        return registry_details.find_partner(session, "T1", name)


def test_help_lists_every_partner_command(slack, fake_slack):
    slack.command("/partner", "help")
    text = _answer(fake_slack)
    for command in ("/partner add", "/partner list", "/partner info", "/partner edit", "/partner mou"):
        assert command in text


def test_add_with_type_and_channels_marks_a_shared_channel_and_learns_the_partner_team(slack, fake_slack, db):
    fake_slack.channels["C0SHARED"] = {"is_ext_shared": True, "connected_team_ids": ["T1", "T0EAST"]}
    fake_slack.channels["C0INTERNAL"] = {"is_member": False}
    slack.command(
        "/partner", "add Eastside Food Bank resource sharing <#C0SHARED|eastside-shared> <#C0INTERNAL>"
    )
    answer = fake_slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    text = answer.text_content()
    assert "Added *Eastside Food Bank*" in text
    assert "Invite me to <#C0INTERNAL>" in text  # the bot is not a member there yet
    partner = _partner(db)
    assert (partner.kind, partner.owner_user_id, partner.slack_team_id) == (
        "resource_sharing",
        "U1",
        "T0EAST",
    )
    with db.session() as session:
        links = {c.channel_id: c.is_shared for c in session.exec(select(PartnerChannel))}
        audit = session.exec(select(AuditEntry)).one()
    assert links == {"C0SHARED": True, "C0INTERNAL": False}
    assert (audit.entity, audit.action, audit.actor_user_id) == ("partner", "create", "U1")


def test_add_unescapes_what_slack_escaped_and_escapes_it_again_when_shown(slack, fake_slack, db):
    slack.command("/partner", "add Food &amp; Friends &lt;West&gt;")
    assert "*Food &amp; Friends &lt;West&gt;*" in _answer(fake_slack)
    assert _partner(db, "Food & Friends <West>").name == "Food & Friends <West>"


def test_duplicate_add_is_refused_and_changes_nothing(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    slack.command("/partner", "add eastside food bank advocacy coalition")
    assert "already registered" in _answer(fake_slack)
    assert _partner(db).kind is None


def test_people_from_other_organizations_cannot_use_the_registry(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    fake_slack.users["W0GUEST"] = {"team_id": "T0EAST"}  # users.info says which organization they belong to
    slack.command("/partner", "list", user="W0GUEST", user_team="T0EAST")
    text = _answer(fake_slack)
    assert "only available to members of this workspace" in text
    assert "Eastside" not in text


def test_list_and_info(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank resource sharing")
    slack.command("/partner", "add Harbor Housing Coalition advocacy coalition")
    fake_slack.reset()
    slack.command("/partner", "list")
    text = _answer(fake_slack)
    assert text.index("Eastside Food Bank") < text.index("Harbor Housing Coalition")
    assert "Partners (2)" in text
    fake_slack.reset()
    slack.command("/partner", "info harbor housing coalition")
    text = _answer(fake_slack)
    assert "Advocacy coalition" in text and "owner <@U1>" in text
    fake_slack.reset()
    slack.command("/partner", "info Harbour Housing")
    assert "Did you mean *Harbor Housing Coalition*" in _answer(fake_slack)


def test_unknown_subcommand_is_echoed_safely(slack, fake_slack):
    slack.command("/partner", "<!channel> please")
    text = _answer(fake_slack)
    assert "<!channel>" not in text and "I don't know" in text


def test_mou_renews_saves_the_date_and_plans_two_reminders(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    renewal = date.today() + timedelta(days=200)
    slack.command("/partner", f"mou Eastside Food Bank renews {renewal.isoformat()}")
    assert "remind the partner's owner 90 and 30 days before" in _answer(fake_slack)
    with db.session() as session:
        agreement = session.exec(select(Agreement)).one()
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "partner_renewal")).all()
    assert (agreement.kind, agreement.renewal_date) == ("mou", renewal)
    assert sorted(r.payload["days"] for r in rows) == [30, 90]


def test_mou_with_a_bad_date_explains_and_saves_nothing(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    slack.command("/partner", "mou Eastside Food Bank renews next-ish")
    assert "couldn't read" in _answer(fake_slack)
    with db.session() as session:
        assert session.exec(select(Agreement)).all() == []


def test_renewal_reminders_are_sent_once_each_to_the_owner(slack, fake_slack, db):
    with db.session() as session:
        make_partner(session, renews=date(2027, 6, 30), now=datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    ninety_days_before = datetime(2027, 4, 1, 13, 0, tzinfo=UTC)
    # Two replicas ticking at the same moment, and the planner running again: one DM.
    registry_jobs.plan_renewal_reminders(db, ninety_days_before)
    first = jobs.tick(db, slack.client, now=ninety_days_before)
    second = jobs.tick(db, slack.client, now=ninety_days_before)
    assert (first.sent, second.sent) == (1, 0)
    dms = fake_slack.calls("chat.postMessage")
    assert len(dms) == 1 and dms[0].args["channel"] == "UOWNER"
    assert "MOU" in dms[0].text_content() and "Eastside Food Bank" in dms[0].text_content()
    assert "late" not in dms[0].args["text"]
    # Thirty days before, sent 20 minutes late (after a restart): still sent, and it says so.
    late = datetime(2027, 5, 31, 13, 20, tzinfo=UTC)
    registry_jobs.plan_renewal_reminders(db, late)
    assert jobs.tick(db, slack.client, now=late).sent_late == 1
    assert jobs.tick(db, slack.client, now=late + timedelta(days=1)).sent == 0
    dms = fake_slack.calls("chat.postMessage")
    assert len(dms) == 2 and "This reminder is late" in dms[1].args["text"]


def test_a_reminder_for_a_changed_date_is_not_sent(slack, fake_slack, db):
    with db.session() as session:
        make_partner(session, renews=date(2027, 6, 30), now=datetime(2026, 11, 22, 15, 0, tzinfo=UTC))
    with db.session() as session:
        # A restored backup or a racing edit: the date changed but the old row was not cancelled.
        agreement = session.exec(select(Agreement)).one()
        agreement.revision += 1
        session.add(agreement)
    assert jobs.tick(db, slack.client, now=datetime(2027, 4, 1, 13, 0, tzinfo=UTC)).sent == 1
    assert fake_slack.calls("chat.postMessage") == []


def _edit_values(**overrides) -> dict:
    values = {
        "kind": {"kind": {"type": "static_select", "selected_option": {"value": "resource_sharing"}}},
        "services": {"services": ["food", "housing"]},
        "capacity": {"capacity": "40"},
        "load": {"load": "31"},
        "eligibility": {"eligibility": "Adults on the east side. Patient Maria Lopez was helped last week."},
        "contacts": {"contacts": {"type": "multi_users_select", "selected_users": ["U0STAFF", "W0EAST"]}},
        "external": {"external": "Dana Reyes · 555-0100"},
        "channels": {
            "channels": {"type": "multi_conversations_select", "selected_conversations": ["C0SHARED"]}
        },
        "slack_team": {"slack_team": "t0east"},
        "owner": {"owner": {"type": "users_select", "selected_user": "U2"}},
        "agreement_data_sharing_start": {"date": {"type": "datepicker", "selected_date": "2026-01-01"}},
        "agreement_data_sharing_renewal": {"date": {"type": "datepicker", "selected_date": "2027-12-31"}},
    }
    values.update(overrides)
    return values


def test_edit_command_opens_the_form_prefilled(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank resource sharing <#C0EAST>")
    slack.command("/partner", "edit Eastside Food Bank")
    view = fake_slack.wait_for("views.open").args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "partner_edit_modal"
    assert json.loads(view["private_metadata"]) == {"partner_id": _partner(db).id}
    kind = next(b for b in view["blocks"] if b.get("block_id") == "kind")
    assert kind["element"]["initial_option"]["value"] == "resource_sharing"
    channels = next(b for b in view["blocks"] if b.get("block_id") == "channels")
    assert channels["element"]["initial_conversations"] == ["C0EAST"]


def test_submitting_the_form_saves_everything_and_reports_redactions(slack, fake_slack, db):
    fake_slack.users["W0EAST"] = {"team_id": "T0EAST"}
    fake_slack.channels["C0SHARED"] = {"is_ext_shared": True}
    slack.command("/partner", "add Eastside Food Bank")
    partner_id = _partner(db).id
    fake_slack.reset()
    reply = slack.submit(
        "partner_edit_modal", _edit_values(), private_metadata=json.dumps({"partner_id": partner_id})
    )
    assert reply.status == 200 and reply.body == ""
    confirmation = fake_slack.wait_for("chat.postMessage")
    assert confirmation.args["channel"] == "U1"
    assert (
        "Saved your changes" in confirmation.args["text"]
        and "Removed for privacy: 1 name" in confirmation.args["text"]
    )
    with db.session() as session:
        details = registry_details.partner_details(session, "T1", partner_id)
        contacts = session.exec(select(PartnerContact).where(PartnerContact.user_id.is_not(None))).all()
    assert details.kind == "resource_sharing" and details.services == ("food", "housing")
    assert (details.capacity_per_month, details.current_load, details.owner_user_id) == (40, 31, "U2")
    assert "Maria" not in details.eligibility_notes
    assert {c.user_id: c.user_team_id for c in contacts} == {"U0STAFF": "T1", "W0EAST": "T0EAST"}
    assert [(c.channel_id, c.is_shared) for c in details.channels] == [("C0SHARED", True)]
    assert details.slack_team_id == "T0EAST"
    (agreement,) = details.agreements
    assert (agreement.kind, agreement.start_date, agreement.renewal_date) == (
        "data_sharing",
        date(2026, 1, 1),
        date(2027, 12, 31),
    )


def test_form_errors_are_shown_on_their_fields_and_nothing_is_saved(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    partner_id = _partner(db).id
    values = _edit_values(
        capacity={"capacity": "-3"},
        slack_team={"slack_team": "not a team"},
        agreement_data_sharing_renewal={"date": {"type": "datepicker", "selected_date": "2025-01-01"}},
    )
    reply = slack.submit(
        "partner_edit_modal", values, private_metadata=json.dumps({"partner_id": partner_id})
    )
    errors = reply.json()["errors"]
    assert set(errors) == {"capacity", "slack_team", "agreement_data_sharing_renewal"}
    assert _partner(db).capacity_per_month is None


def test_edit_button_on_a_card_opens_the_form(slack, fake_slack, db):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    slack.click("open_partner_edit_modal", str(_partner(db).id))
    assert fake_slack.wait_for("views.open")
    fake_slack.reset()
    slack.click("open_partner_edit_modal", "99999")
    assert "no longer exists" in _answer(fake_slack)


def test_what_is_echoed_back_is_redacted_and_short(slack, fake_slack, db):
    slack.command("/partner", "info patient Maria Lopez DOB 03/04/1950")
    text = _answer(fake_slack)
    assert "don't know a partner" in text and "Maria" not in text and "1950" not in text
    fake_slack.reset()
    slack.command("/partner", "info " + "very long name " * 40)
    assert len(_answer(fake_slack)) < 400
