"""The actor: the owning workspace, the person, their time zone and whether they are a guest, looked up lazily."""

from bot.platform.actor import Actor
from bot.platform.people import People, Profile, profile_from_user


class CountingClient:
    def __init__(self, user: dict | None = None, fail: bool = False) -> None:
        self.user, self.fail, self.calls = user or {}, fail, 0

    def users_info(self, user: str):
        self.calls += 1
        if self.fail:
            raise OSError("network down")
        return {"ok": True, "user": {"id": user, **self.user}}


def test_nothing_is_looked_up_until_asked():
    looked_up = []
    actor = Actor(team_id="T1", user_id="U1", lookup=lambda: looked_up.append(1) or None)
    assert looked_up == []
    assert actor.timezone == "America/New_York"
    assert actor.timezone == "America/New_York"
    assert looked_up == [1]  # once per request


def test_time_zone_comes_from_slack_when_it_names_a_known_zone():
    assert Actor("T1", "U1", lookup=lambda: Profile("U1", "T1", None, "Asia/Tokyo")).timezone == "Asia/Tokyo"
    unknown = profile_from_user({"id": "U1", "team_id": "T1", "tz": "Mars/Olympus_Mons"})
    assert unknown.timezone is None
    assert Actor("T1", "U1", default_timezone="UTC", lookup=lambda: unknown).timezone == "UTC"


def test_a_member_of_another_organization_is_external():
    assert Actor("T1", "U1", user_team_id="T1").is_external is False
    assert Actor("T1", "W1", user_team_id="TPARTNER").is_external is True
    guest = Profile("U9", "TPARTNER", None, None)
    assert Actor("T1", "U9", lookup=lambda: guest).is_external is True


def test_colleagues_in_the_same_enterprise_grid_org_are_not_guests():
    colleague = Profile("W2", "T2", "E1", None)
    assert Actor("T1", "W2", enterprise_id="E1", lookup=lambda: colleague).is_external is False
    assert Actor("T1", "W2", enterprise_id="E9", lookup=lambda: colleague).is_external is True


def test_when_slack_cannot_say_the_person_is_treated_as_external():
    assert Actor("T1", "U1", lookup=lambda: None).is_external is True


def test_people_caches_lookups_and_survives_failures():
    people = People()
    client = CountingClient({"team_id": "T1", "tz": "Europe/Paris"})
    assert people.profile(client, "U1").timezone == "Europe/Paris"
    assert people.profile(client, "U1").team_id == "T1"
    assert client.calls == 1
    assert People().profile(CountingClient(fail=True), "U1") is None
