"""The App Home over signed HTTP: published on app_home_opened with the person's own data, on both databases."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.digests import commands as digests_commands
from bot.home.service import HomeData, HomeSuccess
from bot.home.views import home_view
from models.celebrations import Success, SuccessPartner, SuccessPerson
from models.conferences import AgendaItem, ConferenceOccurrence, ConferenceSeries, Rsvp
from models.directory import Resource
from models.partners import Partner
from tests.factories import subscribe_to_digest


@pytest.fixture
def memberships(fake_slack):
    """users.conversations answers from this dict (user id -> channel ids), in pages of 2 to exercise paging."""
    channels: dict[str, list[str]] = {}
    answer = fake_slack._answer

    def answer_with_memberships(method, args):
        if method != "users.conversations":
            return answer(method, args)
        mine = channels.get(args.get("user", ""), [])
        start = int(args.get("cursor") or 0)
        page = mine[start : start + 2]
        more = str(start + 2) if start + 2 < len(mine) else ""
        return {"ok": True, "channels": [{"id": c} for c in page], "response_metadata": {"next_cursor": more}}

    fake_slack._answer = answer_with_memberships
    return channels


def now() -> datetime:
    return datetime.now(UTC)


def published(fake_slack, user="U1") -> dict:
    call = fake_slack.calls("views.publish")[-1]
    assert call.args["user_id"] == user
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def section_after(view: dict, title: str) -> str:
    blocks = view["blocks"]
    for i, block in enumerate(blocks):
        if block["type"] == "section" and block["text"]["text"] == f"*{title}*":
            return blocks[i + 1]["text"]["text"]
    raise AssertionError(f"no section {title!r}")


def seed(db):
    t = now()
    with db.session() as s:
        for i, (name, by) in enumerate([("Old pantry", "U1"), ("Bus passes", "U1"), ("Not mine", "U2")]):
            s.add(
                Resource(
                    team_id="T1",
                    name=name,
                    normalized_name=name.lower(),
                    organization="Metro",
                    categories="food;transportation",
                    created_by=by,
                    created_at=t - timedelta(days=10 - i),
                    updated_at=t,
                )
            )
        s.add(
            Resource(
                team_id="T1",
                name="Retired one",
                normalized_name="retired one",
                created_by="U1",
                created_at=t,
                updated_at=t,
                retired_at=t,
            )
        )

        def series(title, channel, owner="UOWNER"):
            row = ConferenceSeries(
                team_id="T1",
                channel_id=channel,
                title=title,
                owner_user_id=owner,
                timezone="America/New_York",
                start_local=datetime(2026, 1, 6, 10),
                created_at=t,
                updated_at=t,
            )
            s.add(row)
            s.flush()
            return row

        def meeting(parent, start):
            row = ConferenceOccurrence(
                team_id="T1",
                series_id=parent.id,
                original_local=start.replace(tzinfo=None),
                start_local=start.replace(tzinfo=None),
                start_utc=start,
                created_at=t,
            )
            s.add(row)
            s.flush()
            return row

        in_my_channel = meeting(series("Complex care huddle", "CMINE"), t + timedelta(days=2))
        s.add(
            AgendaItem(team_id="T1", occurrence_id=in_my_channel.id, text="case", added_by="U2", added_at=t)
        )
        s.add(
            Rsvp(team_id="T1", occurrence_id=in_my_channel.id, user_id="U1", response="going", updated_at=t)
        )
        meeting(series("Elsewhere, not invited", "COTHER"), t + timedelta(days=1))
        meeting(series("I run this one", "COTHER", owner="U1"), t + timedelta(days=3))
        meeting(series("Too far ahead", "CMINE"), t + timedelta(days=30))

        pantry = Partner(
            team_id="T1",
            name="Eastside Pantry",
            normalized_name="eastside pantry",
            owner_user_id="U9",
            created_at=t,
            updated_at=t,
        )
        s.add(pantry)
        s.flush()

        def success(text, channel, author="U2", days_ago=1, credit=None):
            row = Success(
                team_id="T1",
                channel_id=channel,
                author_user_id=author,
                author_team_id="T1",
                text=text,
                celebrated_at=t - timedelta(days=days_ago),
            )
            s.add(row)
            s.flush()
            s.add(SuccessPartner(success_id=row.id, partner_id=pantry.id, team_id="T1"))
            if credit:
                s.add(SuccessPerson(success_id=row.id, user_id=credit, user_team_id="T1", team_id="T1"))

        success("Family housed <!here>", "CMINE")
        success("Private channel news", "CPRIVATE")
        success("Credited to me", "CPRIVATE", days_ago=2, credit="U1")
        success("Ancient history", "CMINE", days_ago=200)


def test_home_shows_my_resources_conferences_and_successes(slack, fake_slack, db, memberships):
    memberships["U1"] = ["CA", "CB", "CMINE"]
    seed(db)
    with db.session() as session:
        subscribe_to_digest(session, "U1", schedule=digests_commands.Schedule("weekly", 0, time(9)), now=now())
    response = slack.home_opened("U1")
    assert response.status == 200
    assert len(fake_slack.calls("users.conversations")) == 2  # followed the cursor to the second page
    view = published(fake_slack)
    assert view["type"] == "home"

    actions = next(block for block in view["blocks"] if block["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "open_resource_modal",
        "open_search_modal",
        "open_conference_modal",
        "open_celebrate_modal",
        "referral_open_form",
    ]
    assert [e["text"]["text"] for e in actions["elements"]] == [
        "Log a resource",
        "Who can help",
        "Schedule a conference",
        "Celebrate",
        "Send a referral",
    ]

    resources = section_after(view, "Your recently logged resources")
    assert resources.index("Bus passes") < resources.index("Old pantry")  # newest first
    assert "Metro · Food, Transportation" in resources
    assert "Not mine" not in resources and "Retired one" not in resources

    conferences = section_after(view, "Upcoming case conferences in your channels")
    assert "Complex care huddle* in <#CMINE> · 1 agenda item · 1 going · you're going" in conferences
    assert "I run this one" in conferences
    assert "Elsewhere" not in conferences and "Too far ahead" not in conferences

    successes = section_after(view, "Recent successes")
    assert "<@U2> with Eastside Pantry in <#CMINE>: Family housed @\u200bhere" in successes
    assert "Credited to me" in successes
    assert "Private channel news" not in successes and "Ancient history" not in successes

    footer = json.dumps(view["blocks"][-2])
    assert "every Monday at 9am (America/New_York)" in footer


def test_home_for_a_newcomer_shows_empty_states(slack, fake_slack, db, memberships):
    seed(db)
    slack.home_opened("UNEW")
    view = published(fake_slack, "UNEW")
    assert "You haven't logged a resource yet" in section_after(view, "Your recently logged resources")
    assert "No case conferences in your channels" in section_after(
        view, "Upcoming case conferences in your channels"
    )
    assert "No successes celebrated in your channels lately" in section_after(view, "Recent successes")
    assert "`/digest subscribe`" in json.dumps(view["blocks"][-2])


def test_home_still_publishes_when_slack_refuses_the_channel_list(slack, fake_slack, db):
    seed(db)
    fake_slack.fail_next("users.conversations", error="missing_scope")
    slack.home_opened("U1")
    view = published(fake_slack)
    # Without channels, it shows what the person runs, answered, wrote or was credited in.
    conferences = section_after(view, "Upcoming case conferences in your channels")
    assert "Complex care huddle" in conferences and "I run this one" in conferences
    assert "Credited to me" in section_after(view, "Recent successes")


def test_messages_tab_does_not_publish(slack, fake_slack, db):
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "messages"})
    assert fake_slack.calls("views.publish") == []


def test_home_keeps_people_mentions_in_success_text_but_defuses_broadcasts():
    success = HomeSuccess(text="Thanks <@U2> for the rides <!channel>", channel_id="C1", author_user_id="U1",
                          celebrated_at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC), partner_names=[])
    rendered = json.dumps(home_view(HomeData("U1", "America/New_York", [], [], [success], None)))
    assert "<@U2>" in rendered
    assert "<!channel>" not in rendered
