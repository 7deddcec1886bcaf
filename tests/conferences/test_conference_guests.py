"""Slack Connect: a guest from a partner organization acts in a shared channel. Their payloads carry their own
workspace (`team.id`, `user.team_id`), but every conference row belongs to the workspace that installed partnerbot,
and a button that names a row of another workspace is refused. Driven over signed HTTP."""

import json

from sqlmodel import select

from bot.conferences import views
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from tests.factories import conference_form_values, make_conference

GUEST_TEAM = "T0GUEST"
GUEST = "W0GUEST"


def all_rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


def first_meeting(db, series_id):
    return min((o for o in all_rows(db, ConferenceOccurrence) if o.series_id == series_id), key=lambda o: o.start_utc)


def test_a_guest_submitting_the_form_schedules_it_in_the_home_workspace(slack, fake_slack):
    response = slack.submit(views.CREATE_CALLBACK, conference_form_values(), user=GUEST, team=GUEST_TEAM,
                            user_team=GUEST_TEAM)
    assert response.status == 200 and not response.body
    series = all_rows(slack.db, ConferenceSeries)
    assert [s.team_id for s in series] == ["T1"]
    assert {o.team_id for o in all_rows(slack.db, ConferenceOccurrence)} == {"T1"}
    # The home team's list shows it.
    slack.command("/conference", "list")
    assert "Partner case conference" in fake_slack.calls("response_url")[-1].args["text"]


def test_a_guest_adding_a_case_through_the_form_adds_it_to_the_home_workspaces_meeting(slack, fake_slack):
    series = make_conference(slack.db).series
    first = first_meeting(slack.db, series.id)
    slack.click(views.ADD_CASE, str(first.id), user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM,
                channel="C0SHARED")
    opened = fake_slack.calls("views.open")
    assert opened, "the guest's click opened no form"
    view = opened[-1].args["view"]
    slack.submit(views.ADD_CASE_CALLBACK, {"case": {"value": "Shared client needs a respite bed"}},
                 private_metadata=view["private_metadata"], user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM)
    items = all_rows(slack.db, AgendaItem)
    assert [(i.team_id, i.occurrence_id) for i in items] == [("T1", first.id)]


def test_a_guests_rsvp_and_swap_count_on_the_home_workspaces_meeting(slack, fake_slack):
    series = make_conference(slack.db, facilitators=(GUEST, "UB")).series
    first = first_meeting(slack.db, series.id)
    message = {"ts": "1700000000.000200", "blocks": []}
    slack.click(views.RSVP_GOING, str(first.id), user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM,
                channel="C0SHARED", message=message)
    assert [(r.user_id, r.response, r.team_id) for r in all_rows(slack.db, Rsvp)] == [(GUEST, "going", "T1")]
    assert fake_slack.calls("chat.update"), "the reminder was not refreshed"
    slack.click(views.SWAP, str(first.id), user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM, channel="C0SHARED")
    swapped = {o.id: o.facilitator_user_id for o in all_rows(slack.db, ConferenceOccurrence)}
    assert swapped[first.id] == "UB"


def test_undo_from_a_guest_who_set_it_up_works_in_the_home_workspace(slack, fake_slack):
    slack.submit(views.CREATE_CALLBACK, conference_form_values(), user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM)
    series = all_rows(slack.db, ConferenceSeries)[0]
    slack.click(views.UNDO, str(series.id), user=GUEST, team=GUEST_TEAM, user_team=GUEST_TEAM, channel="C0SHARED")
    assert all_rows(slack.db, ConferenceSeries)[0].cancelled_at is not None


def test_buttons_naming_another_workspaces_meeting_are_refused(slack, fake_slack):
    theirs = make_conference(slack.db, team_id="T2", owner="U2").series
    first = first_meeting(slack.db, theirs.id)
    for action in (views.RSVP_GOING, views.SWAP, views.ADD_CASE):
        slack.click(action, str(first.id), user="U2", team="T2", channel="C0SHARED")
        assert "couldn't find that meeting" in fake_slack.calls("response_url")[-1].args["text"]
    slack.click(views.UNDO, str(theirs.id), user="U2", team="T2", channel="C0SHARED")
    assert "couldn't find conference" in fake_slack.calls("response_url")[-1].args["text"]
    assert all_rows(slack.db, Rsvp) == [] and fake_slack.calls("views.open") == []
    assert all_rows(slack.db, ConferenceSeries)[0].cancelled_at is None
    assert json.dumps([c.args for c in fake_slack.calls("chat.update")]) == "[]"


def test_the_form_for_a_meeting_of_another_workspace_adds_nothing(slack, fake_slack):
    theirs = make_conference(slack.db, team_id="T2", owner="U2").series
    first = first_meeting(slack.db, theirs.id)
    metadata = json.dumps({"occurrence_id": first.id, "channel_id": "C0SHARED"})
    slack.submit(views.ADD_CASE_CALLBACK, {"case": {"value": "Housing barriers"}}, private_metadata=metadata,
                 user="U2", team="T2")
    assert all_rows(slack.db, AgendaItem) == []
