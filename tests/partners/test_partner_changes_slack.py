"""Changing a partner over signed HTTP: who may (the owner, stewards, admins), renaming and removing with a
confirmation, and the first-hour trips of `/partner` (lookups, type words, mass mentions, dates people type)."""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.directory import stewards
from bot.directory.commands import ChangeSteward
from bot.partners import details as registry_details
from bot.platform.clock import local_today, utcnow
from models.celebrations import SuccessPartner
from models.partners import Agreement, Partner, PartnerChannel
from models.platform import AuditEntry, OutboxMessage
from tests.factories import make_actor, make_partner, make_success


def _answer(fake_slack) -> str:
    return fake_slack.wait_for("response_url").text_content()


def _partner(db, name="Eastside Food Bank") -> Partner | None:
    with db.session() as session:
        return registry_details.find_partner(session, "T1", name)


def _owned_partner(db, *, channel="C0EAST") -> int:
    """Eastside Food Bank, owned by UOWNER, linked to a channel, with an MOU renewing next year."""
    with db.session() as session:
        return make_partner(session, channel=channel, renews=date.today() + timedelta(days=300)).id


def _edit_values() -> dict:
    return {
        "owner": {"owner": {"type": "users_select", "selected_user": "U2"}},
        "channels": {"channels": {"type": "multi_conversations_select", "selected_conversations": []}},
    }


def _buttons(call) -> dict[str, dict]:
    blocks = call.args.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


# -- who may change a partner (issue 13, item 9) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "edit Eastside Food Bank",
        "mou Eastside Food Bank renews in 90 days",
        "remove Eastside Food Bank",
        "rename Eastside Food Bank to Westside Food Bank",
    ],
)
def test_a_member_who_does_not_own_the_partner_cannot_change_it(slack, fake_slack, db, text):
    _owned_partner(db)
    slack.command("/partner", text, user="U2")
    answer = _answer(fake_slack)
    assert "Only the owner of *Eastside Food Bank* (<@UOWNER>), stewards and admins" in answer
    assert fake_slack.calls("views.open") == [] and "partner_remove_confirmed" not in answer
    assert _partner(db).name == "Eastside Food Bank"
    with db.session() as session:
        assert session.exec(select(Agreement)).one().renewal_date == date.today() + timedelta(days=300)


def test_the_edit_button_and_the_form_refuse_a_member_who_does_not_own_it(slack, fake_slack, db):
    partner_id = _owned_partner(db)
    slack.click("open_partner_edit_modal", str(partner_id), user="U2")
    assert "Only the owner" in _answer(fake_slack) and fake_slack.calls("views.open") == []
    # A form opened earlier (or crafted): the submission is refused on the form, and nothing changes.
    reply = slack.submit(
        "partner_edit_modal",
        _edit_values(),
        private_metadata=json.dumps({"partner_id": partner_id}),
        user="U2",
    )
    assert "Only the owner of Eastside Food Bank, stewards and admins" in reply.json()["errors"]["kind"]
    partner = _partner(db)
    assert partner.owner_user_id == "UOWNER"
    with db.session() as session:
        assert [c.channel_id for c in session.exec(select(PartnerChannel))] == ["C0EAST"]


@pytest.mark.parametrize("who", ["UOWNER", "USTEWARD", "UADMIN"])
def test_the_owner_a_steward_and_an_admin_can_edit(slack, fake_slack, db, who):
    partner_id = _owned_partner(db)
    with db.session() as session:
        stewards.change_steward(session, make_actor("UADMIN", admin=True), ChangeSteward("USTEWARD", add=True))
    reply = slack.submit(
        "partner_edit_modal",
        _edit_values(),
        private_metadata=json.dumps({"partner_id": partner_id}),
        user=who,
    )
    assert reply.status == 200 and reply.body == ""
    assert "Saved your changes" in fake_slack.wait_for("chat.postMessage").args["text"]
    partner = _partner(db)
    assert partner.owner_user_id == "U2"
    with db.session() as session:
        assert session.exec(select(PartnerChannel)).all() == []
        last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (last.action, last.actor_user_id) == ("update", who)


def test_a_partner_of_another_workspace_is_out_of_reach(slack, fake_slack, db):
    with db.session() as session:
        other = make_partner(session, team_id="T2", owner="U1").id
    slack.click("open_partner_edit_modal", str(other))
    assert "no longer exists" in _answer(fake_slack)
    fake_slack.reset()
    slack.click("partner_remove_confirmed", str(other))
    assert "no longer exists" in _answer(fake_slack)
    with db.session() as session:
        assert session.get(Partner, other) is not None


# -- removing and renaming, with a confirmation -----------------------------------------------------------------------


def test_remove_asks_first_then_removes_the_partner_and_its_reminders(slack, fake_slack, db):
    partner_id = _owned_partner(db)
    with db.session() as session:
        make_success(session, text="coat drive", partners=[partner_id])
    slack.command("/partner", "remove eastside food bank", user="UOWNER")
    question = fake_slack.wait_for("response_url")
    assert "Remove *Eastside Food Bank*" in question.text_content()
    assert _partner(db) is not None  # nothing happens before the click
    fake_slack.reset()
    slack.click(
        "partner_remove_confirmed", _buttons(question)["partner_remove_confirmed"]["value"], user="UOWNER"
    )
    done = fake_slack.wait_for("response_url")
    assert done.args["replace_original"] is True and "Removed *Eastside Food Bank*" in done.text_content()
    assert _partner(db) is None
    with db.session() as session:
        assert (
            session.exec(select(PartnerChannel)).all() == [] and session.exec(select(Agreement)).all() == []
        )
        assert session.exec(select(SuccessPartner)).all() == []  # the success stays, without the credit
        reminders = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "partner_renewal")).all()
        assert reminders and {r.status for r in reminders} == {"cancelled"}
        assert (
            session.exec(select(AuditEntry).where(AuditEntry.action == "delete")).one().actor_user_id
            == "UOWNER"
        )


def test_cancel_leaves_the_partner_alone(slack, fake_slack, db):
    _owned_partner(db)
    slack.command("/partner", "remove Eastside Food Bank", user="UOWNER")
    fake_slack.wait_for("response_url")
    fake_slack.reset()
    slack.click("partner_change_cancelled", "cancel", user="UOWNER")
    assert fake_slack.wait_for("response_url").args.get("delete_original") is True
    assert _partner(db) is not None


def test_rename_asks_first_then_renames(slack, fake_slack, db):
    _owned_partner(db)
    slack.command("/partner", "rename Eastside Food Bank to Eastside Community Food Bank", user="UOWNER")
    question = fake_slack.wait_for("response_url")
    assert "Rename *Eastside Food Bank* to *Eastside Community Food Bank*?" in question.text_content()
    assert _partner(db) is not None
    fake_slack.reset()
    slack.click(
        "partner_rename_confirmed", _buttons(question)["partner_rename_confirmed"]["value"], user="UOWNER"
    )
    assert "is now *Eastside Community Food Bank*" in _answer(fake_slack)
    assert _partner(db) is None and _partner(db, "eastside community food bank").owner_user_id == "UOWNER"


def test_rename_reads_a_name_holding_to_and_refuses_a_taken_name(slack, fake_slack, db):
    with db.session() as session:
        make_partner(session, "Bridge to Home", owner="U1")
        make_partner(session, "Harbor Housing", owner="U1")
    slack.command("/partner", "rename Bridge to Home to Bridge Home Partners")
    assert "Rename *Bridge to Home* to *Bridge Home Partners*?" in _answer(fake_slack)
    fake_slack.reset()
    slack.command("/partner", "rename Bridge to Home to harbor housing")
    assert "*Harbor Housing* is already registered" in _answer(fake_slack)


# -- the first hour (issue 14) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["nope org", "NOPE ORG.", "Nope-Org", "Nope Orgg", "the nope org"])
def test_lookups_forgive_case_punctuation_and_typos(slack, fake_slack, db, typed):
    with db.session() as session:
        make_partner(session, "Nope Org")
    slack.command("/partner", f"info {typed}")
    answer = fake_slack.wait_for("response_url")
    assert answer.args["text"] == "Nope Org"


def test_accents_and_a_leading_part_of_the_name_find_it(slack, fake_slack, db):
    with db.session() as session:
        make_partner(session, "Café Esperanza Housing Coalition")
    for typed in ("cafe esperanza housing coalition", "Café Esperanza"):
        fake_slack.reset()
        slack.command("/partner", f"info {typed}")
        assert fake_slack.wait_for("response_url").args["text"] == "Café Esperanza Housing Coalition"


def test_an_unknown_name_offers_the_closest_never_a_different_organization(slack, fake_slack, db):
    with db.session() as session:
        make_partner(session, "Westside Food Bank")
    slack.command("/partner", "info Eastside Food Bank")
    answer = _answer(fake_slack)
    assert "don't know a partner called “Eastside Food Bank”" in answer
    assert "Did you mean *Westside Food Bank*" in answer


def test_type_words_the_parser_does_not_know_stay_out_of_the_name(slack, fake_slack, db):
    slack.command("/partner", "add Northwest Housing Alliance housing partnership")
    answer = _answer(fake_slack)
    assert "Added *Northwest Housing Alliance*" in answer
    assert "“housing partnership” isn't a partnership type I know" in answer
    partner = _partner(db, "Northwest Housing Alliance")
    assert (partner.name, partner.kind) == ("Northwest Housing Alliance", None)


def test_a_known_type_with_a_typo_is_still_the_type(slack, fake_slack, db):
    slack.command("/partner", "add Harbor Housing advocacy coalitoin")
    _answer(fake_slack)
    assert _partner(db, "Harbor Housing").kind == "advocacy_coalition"


def test_a_mass_mention_never_becomes_a_partner_name(slack, fake_slack, db):
    slack.command("/partner", "add <!here> Org")
    answer = fake_slack.wait_for("response_url")
    assert "Added *Org*" in answer.text_content()
    assert "@here" not in answer.text_content() and "<!here>" not in answer.text_content()
    fake_slack.reset()
    slack.command("/partner", "add <!channel> <!subteam^S1|@nurses>")
    assert "Which organization?" in _answer(fake_slack)
    with db.session() as session:
        assert [p.name for p in session.exec(select(Partner))] == ["Org"]


def _renewal(db) -> date:
    with db.session() as session:
        return session.exec(select(Agreement)).one().renewal_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("in 60 days", lambda today: today + timedelta(days=60)),
        ("today", lambda today: today),
        ("next June", lambda today: date(today.year + (today.month >= 6), 6, 1)),
    ],
)
def test_mou_dates_people_type(slack, fake_slack, db, typed, expected):
    slack.command("/partner", "add Eastside Food Bank")
    fake_slack.reset()
    slack.command("/partner", f"mou Eastside Food Bank renews {typed}")
    answer = _answer(fake_slack)
    assert "Saved: the MOU with *Eastside Food Bank*" in answer
    assert _renewal(db) == expected(local_today(utcnow(), "America/New_York"))
    if typed == "today":
        assert "That's today" in answer


def test_help_has_no_raw_placeholders(slack, fake_slack):
    slack.command("/partner", "help")
    text = _answer(fake_slack)
    assert "/partner rename" in text and "/partner remove" in text
    assert "<name>" not in text and "<date>" not in text
