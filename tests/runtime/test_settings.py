"""Settings: sensible defaults, and one clear fix-it line for each bad value."""

import subprocess
import sys

import pytest

from bot.runtime.settings import DEFAULT_DATABASE_URL, SettingsError, settings_from


def test_defaults_need_nothing():
    settings = settings_from({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.port == 3000 and not settings.has_slack_credentials


def test_values_are_read_and_normalized():
    settings = settings_from({
        "SLACK_API_URL": "http://127.0.0.1:9999/api", "DATABASE_URL": "postgresql://u@db/partnerbot",
        "PORT": "8080", "DEFAULT_TIMEZONE": "America/Chicago", "LOG_LEVEL": "debug",
        "ADMIN_USER_IDS": "U0123ABCD, W0456EFGH", "CELEBRATION_EMOJI": ":raised_hands:",
    })
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.database_url == "postgresql+psycopg://u@db/partnerbot"
    assert settings.port == 8080 and settings.log_level == "DEBUG"
    assert settings.admin_user_ids == {"U0123ABCD", "W0456EFGH"}
    assert settings.celebration_emoji == "raised_hands"


@pytest.mark.parametrize("name, value", [
    ("PORT", "eighty"), ("PORT", "70000"), ("DEFAULT_TIMEZONE", "Mars/Olympus"), ("LOG_LEVEL", "LOUD"),
    ("DATABASE_URL", "mysql://root@localhost/x"), ("SLACK_API_URL", "slack.com/api"),
    ("ADMIN_USER_IDS", "alice"), ("REMINDER_GRACE_MINUTES", "-5"), ("TICK_SECONDS", "often"),
])
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError) as problem:
        settings_from({name: value})
    assert str(problem.value).startswith(name)


def test_slack_mode_requires_matching_tokens():
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        settings_from({"SLACK_BOT_TOKEN": "xoxb-1"}).require_slack()
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        settings_from({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}).require_slack()
    settings_from({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).require_slack()


def test_a_bad_setting_stops_start_up_with_one_line_and_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.runtime.cli", "db", "current"], cwd=tmp_path, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "DEFAULT_TIMEZONE": "Nowhere/Land",
                                            "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[2])})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "partnerbot: DEFAULT_TIMEZONE must be an IANA time zone name such as America/Chicago (got 'Nowhere/Land')."
    ]


def test_env_file_is_read_but_the_real_environment_wins(tmp_path, monkeypatch):
    from bot.runtime.settings import load_settings

    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nDEFAULT_TIMEZONE=America/Denver\n")
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.delenv("DEFAULT_TIMEZONE", raising=False)
    settings = load_settings(env_file)
    assert settings.port == 5000 and settings.default_timezone == "America/Denver"
