"""Reading what people type after /refer and /partner aim."""

from datetime import date

import pytest

from bot.platform.errors import FeatureError
from bot.referrals import aims, commands
from bot.referrals.commands import ListReferrals, OpenForm, SendReferral, ShowHelp, ShowReferral


def test_a_referral_names_the_partner_the_need_and_a_note():
    assert commands.parse("Harbor Housing for housing family of four, needs a unit") == SendReferral(
        "Harbor Housing", "housing", "family of four, needs a unit")
    urgent = commands.parse("Casa Esperanza for food urgent: no groceries since Monday")
    assert (urgent.partner_name, urgent.need, urgent.urgency, urgent.note) == (
        "Casa Esperanza", "food", "urgent", "no groceries since Monday")
    # "for" inside the note does not move the split
    assert commands.parse("Riverside Rides for transportation for a dialysis appointment").partner_name == \
        "Riverside Rides"


def test_lists_codes_help_and_the_form():
    assert commands.parse("") == OpenForm()
    assert commands.parse("help") == ShowHelp()
    assert commands.parse("list") == ListReferrals("open")
    assert commands.parse("list mine") == ListReferrals("mine")
    assert commands.parse("list Harbor Housing") == ListReferrals("partner", "Harbor Housing")
    assert commands.parse("show r7f3k") == ShowReferral("R-7F3K")
    assert commands.parse("R-7F3K") == ShowReferral("R-7F3K")


@pytest.mark.parametrize("text", ["Harbor Housing", "Harbor Housing for", "show R-1234", "show banana",
                                  "Harbor Housing for zzzqx"])
def test_what_cannot_be_a_referral_is_explained(text):
    with pytest.raises(FeatureError):
        commands.parse(text)


def test_buttons_carry_what_they_answer():
    assert commands.read_answer("12:decline:capacity") == commands.Answer(12, "decline", "capacity")
    assert commands.read_outcome("12:not_connected:waitlisted") == commands.Outcome(12, "not_connected", "waitlisted")
    for stale in ("12:decline:bored", "x:accept", "12:teleport"):
        with pytest.raises(FeatureError):
            commands.read_answer(stale)


def test_aims_need_a_number_and_a_date_ahead():
    today = date(2026, 11, 30)
    assert aims.parse_aim("Harbor Housing house 50 shared clients by June 30", today) == aims.SetAim(
        "Harbor Housing house 50 shared clients", date(2027, 6, 30))
    assert aims.parse_aim("Harbor Housing progress 12", today) == aims.SetProgress("Harbor Housing", 12)
    for bad in ("Harbor Housing house clients by June 30", "Harbor Housing house 50 clients",
                "Harbor Housing house 50 clients by 2020-01-01"):
        with pytest.raises(FeatureError):
            aims.parse_aim(bad, today)
