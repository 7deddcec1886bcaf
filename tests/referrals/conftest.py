"""The partner's people belong to the partner's own workspace, as users.info says for Slack Connect users."""

import pytest

from tests.referrals.helpers import CONTACT, PARTNER_TEAM, PARTNER_USER


@pytest.fixture(autouse=True)
def partner_people(request):
    if "fake_slack" in request.fixturenames:
        fake = request.getfixturevalue("fake_slack")
        for user_id in (PARTNER_USER, CONTACT):
            fake.users[user_id] = {"team_id": PARTNER_TEAM}
        fake.users["UOTHERORG"] = {"team_id": "T9"}
