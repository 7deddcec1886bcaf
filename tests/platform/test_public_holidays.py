"""Public holidays from the holidays package: the HOLIDAY_COUNTRY setting, names, and where a meeting could move."""

from datetime import date

import pytest

from bot.platform import public_holidays
from bot.runtime.settings import SettingsError, settings_from


def test_the_country_setting_is_checked_and_canonical():
    assert public_holidays.check_country("us") == "US"
    assert public_holidays.check_country(" us-ca ") == "US-CA"
    assert public_holidays.check_country("none") is None
    for bad in ("XX", "US-ZZ", "United States"):
        with pytest.raises(ValueError, match="HOLIDAY_COUNTRY"):
            public_holidays.check_country(bad)


def test_settings_default_to_the_united_states_and_say_how_to_fix_a_bad_value():
    assert settings_from({}).holiday_country == "US"
    assert settings_from({"HOLIDAY_COUNTRY": ""}).holiday_country == "US"
    assert settings_from({"HOLIDAY_COUNTRY": "de-by"}).holiday_country == "DE-BY"
    assert settings_from({"HOLIDAY_COUNTRY": "none"}).holiday_country is None
    with pytest.raises(SettingsError, match="HOLIDAY_COUNTRY must be an ISO 3166 country code"):
        settings_from({"HOLIDAY_COUNTRY": "Narnia"})


def test_holidays_by_country_and_subdivision():
    assert public_holidays.holiday_on(date(2026, 12, 25), "US") == "Christmas Day"
    assert public_holidays.holiday_on(date(2026, 7, 3), "US") == "Independence Day (observed)"
    assert public_holidays.holiday_on(date(2026, 12, 24), "US") is None
    assert public_holidays.holiday_on(date(2026, 12, 25), None) is None
    assert public_holidays.holiday_on(date(2026, 1, 6), "DE-BY") is not None  # Epiphany, in Bavaria only
    assert public_holidays.holiday_on(date(2026, 1, 6), "DE-BE") is None


def test_the_nearest_working_day_stays_in_the_same_week_when_it_can():
    friday, monday = date(2026, 12, 25), date(2027, 9, 6)
    assert public_holidays.nearest_working_day(friday, "US", not_before=date(2026, 12, 1)) == date(2026, 12, 24)
    assert public_holidays.nearest_working_day(monday, "US", not_before=date(2027, 9, 1)) == date(2027, 9, 7)
    # Never a day already past: the day before is today's yesterday, so the Monday after it is offered.
    assert public_holidays.nearest_working_day(friday, "US", not_before=date(2026, 12, 25)) == date(2026, 12, 28)
