"""Bad input over real signed HTTP: forged or stale requests, malformed bodies, missing fields, over-long text,
mass mentions and SQL-looking text. Each is refused or handled with a clear message and changes nothing it
should not. Runs on SQLite and PostgreSQL.
"""

import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from bot.console import slack_payloads
from bot.platform.clock import utcnow
from bot.runtime import jobs
from tests.registrations import registered

LONG_TEXT = "Eastside Food Pantry has groceries on Tuesdays. " * 90  # about 4,400 characters
assert len(LONG_TEXT) > 4_000
BROADCASTS = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@team>")
# A raw broadcast token, or a bare @channel/@here/@everyone that Slack would turn into a notification.
RAW_BROADCAST = re.compile(
    r"<!(?:channel|here|everyone|subteam)|(?<![\w`\u200b])@(?:channel|here|everyone)\b", re.I
)
SQL = "'); DROP TABLE resource;--"
# A refusal that says what the limit is (each feature sets its own, at most 4,000 characters).
LIMIT_MESSAGE = re.compile(r"\d[\d,]*\s+characters|too long", re.I)


def _registered_commands() -> set[str]:
    return registered().commands


COMMANDS = ("/resource", "/whohelps", "/celebrate", "/conference", "/partner", "/digest")


def _need(command: str) -> None:
    if command not in _registered_commands():
        pytest.skip(f"{command} is not registered yet")


def _snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table, as text, so "nothing changed" can be asserted exactly."""
    tables = {}
    with db.engine.connect() as connection:
        for table in sorted(inspect(db.engine).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            tables[table] = sorted(tuple(str(value) for value in row) for row in rows)
    return tables


# Keys whose strings Slack shows as typed, never parsing mentions in them.
_LITERAL_KEYS = {
    "value",
    "initial_value",
    "action_id",
    "block_id",
    "callback_id",
    "private_metadata",
    "url",
    "placeholder",
    "channel",
    "user",
    "ts",
    "trigger_id",
    "content",
}


def _rendered_strings(node) -> list[str]:
    """Strings of a Slack call that Slack renders as mrkdwn (where <!here> would notify people); plain_text
    objects and input values are shown literally, so a typed <!here> there is harmless."""
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            return []
        if node.get("mrkdwn") is False and "text" in node:
            node = {key: value for key, value in node.items() if key != "text"}
        return [
            s for key, value in node.items() if key not in _LITERAL_KEYS for s in _rendered_strings(value)
        ]
    if isinstance(node, list):
        return [s for item in node for s in _rendered_strings(item)]
    if isinstance(node, str):
        if node[:1] in "[{":
            try:
                return _rendered_strings(json.loads(node))
            except ValueError:
                pass
        return [node]
    return []


def _replies(fake_slack) -> str:
    return "\n".join(fake_slack.posted_texts())


def _setup_partner_and_conference(slack) -> None:
    """A partner and a case conference, so later commands reach the paths that store text."""
    commands = _registered_commands()
    if "/partner" in commands:
        slack.command("/partner", "add Eastside Food Pantry <#C1|care-team>")
    if "/conference" in commands:
        slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')


# -- forged, stale and malformed requests -----------------------------------------------------------------------


def _command_body(fake_slack, command: str, text_: str) -> tuple[str, str]:
    return slack_payloads.slash_command(
        command, text_, user="U1", channel="C1", team="T1", response_url=fake_slack.response_url()
    )


def _forgeries(fake_slack) -> list[tuple[str, str]]:
    bodies = [
        _command_body(fake_slack, command, "add Eastside Food Pantry, 555-0142") for command in COMMANDS
    ]
    bodies.append(
        slack_payloads.event_callback(
            {
                "type": "app_mention",
                "user": "U1",
                "text": "<@UPARTNERBOT> log resource: Eastside Food Pantry",
                "channel": "C1",
                "ts": "1.1",
            },
            team="T1",
            bot_user="UPARTNERBOT",
        )
    )
    bodies.append(
        slack_payloads.view_submission(
            "resource_modal",
            {"name": {"value": "Eastside Food Pantry"}},
            user="U1",
            team="T1",
            private_metadata='{"resource_id": null, "channel_id": "C1"}',
        )
    )
    return bodies


@pytest.mark.parametrize(
    "forgery",
    ["wrong secret", "stale timestamp", "future timestamp", "body changed after signing", "no signature"],
)
def test_forged_or_replayed_requests_get_401_and_change_nothing(slack, fake_slack, db, forgery):
    before = _snapshot(db)
    for body, kind in _forgeries(fake_slack):
        if forgery == "wrong secret":
            reply = slack.send(body, kind, sign_with="not-the-signing-secret")
        elif forgery == "stale timestamp":
            reply = slack.send(body, kind, timestamp=int(time.time()) - 6 * 60)
        elif forgery == "future timestamp":
            reply = slack.send(body, kind, timestamp=int(time.time()) + 6 * 60)
        elif forgery == "body changed after signing":
            headers = slack_payloads.signed_headers(slack.signing_secret, body, kind)
            reply = slack.transport(body.replace("Eastside", "Westside"), headers)
        else:
            reply = slack.transport(body, {"Content-Type": kind})
        assert reply.status == 401, (forgery, body[:80])
    assert fake_slack.calls() == []
    assert _snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ('"just a string"', "application/json"),
        ('{"type": "event_callback"}', "application/json"),
        ('{"type": "event_callback", "team_id": "T1", "event": "not an object"}', "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ("payload=%5B%5D", "application/x-www-form-urlencoded"),
        ("payload=" + json.dumps({"type": "block_actions"}), "application/x-www-form-urlencoded"),
        ("command=%2Fresource", "application/x-www-form-urlencoded"),
        ("text=add+Eastside+Food+Pantry&user_id=U1", "application/x-www-form-urlencoded"),
        ("\u00ff\u00fe garbage \u0000", "application/x-www-form-urlencoded"),
        ("", "application/json"),
        ("", "application/x-www-form-urlencoded"),
    ],
    ids=lambda value: value[:30],
)
def test_malformed_or_incomplete_bodies_are_refused_without_a_crash(slack, fake_slack, db, body, kind):
    before = _snapshot(db)
    reply = slack.send(body, kind)
    assert reply.status < 500, reply.body[:200]
    assert "Traceback" not in reply.body
    assert _snapshot(db) == before
    assert not [call for call in fake_slack.calls() if call.method != "auth.test"]


@pytest.mark.parametrize("command", COMMANDS)
def test_slash_command_missing_its_fields_is_handled(slack, fake_slack, db, command):
    _need(command)
    body, kind = _command_body(fake_slack, command, "add Eastside Food Pantry, 555-0142")
    fields = dict(pair.split("=", 1) for pair in body.split("&"))

    def without(missing: str) -> str:
        return "&".join(f"{key}={value}" for key, value in fields.items() if key != missing)

    before = _snapshot(db)
    # No text: usage help or a form, nothing saved.
    reply = slack.send(without("text"), kind)
    assert reply.status < 500, reply.body[:200]
    after = _snapshot(db)
    assert {table for table in after if after[table] != before.get(table)} <= {"processedevent"}
    # Slack always sends these; if one is ever missing the command answers or explains, and never crashes.
    for missing in ("user_id", "team_id", "channel_id", "trigger_id", "response_url"):
        reply = slack.send(without(missing), kind)
        assert reply.status < 500, (missing, reply.body[:200])
        assert "Traceback" not in reply.body


def test_events_missing_their_fields_are_handled(slack, fake_slack, db):
    before = _snapshot(db)
    for event in (
        {"type": "app_mention"},
        {"type": "app_mention", "user": "U1", "channel": "C1"},
        {"type": "message", "channel_type": "im", "channel": "D1"},
        {"type": "message", "channel_type": "im", "user": "U1", "text": None, "channel": "D1", "ts": "1.2"},
        {"type": "reaction_added", "user": "U1"},
        {"type": "app_home_opened"},
        {"type": "something_new", "user": "U1"},
    ):
        reply = slack.event(event)
        assert reply.status < 500, (event, reply.body[:200])
    after = _snapshot(db)
    changed = {table for table in after if after[table] != before.get(table)}
    assert changed <= {"processedevent"}, changed


# -- over-long text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "template"),
    [
        ("/resource", "add {}"),
        ("/whohelps", "{}"),
        ("/celebrate", "<@U2|ana> with Eastside Food Pantry for {}"),
        ("/conference", "agenda 1 add {}"),
        ("/partner", "add {}"),
        ("/digest", "subscribe {}"),
    ],
)
def test_text_over_4000_characters_is_refused_politely(slack, fake_slack, db, command, template):
    _need(command)
    _setup_partner_and_conference(slack)
    before = _snapshot(db)
    fake_slack.reset()
    reply = slack.command(command, template.format(LONG_TEXT))
    assert reply.status == 200
    answer = _replies(fake_slack) + reply.body
    if command == "/digest":
        assert answer.strip()  # a schedule, not free text: any over-long text is simply not understood
    else:
        assert LIMIT_MESSAGE.search(answer), answer[:300]
    assert LONG_TEXT[:200] not in answer  # refused, not echoed back whole
    after = _snapshot(db)
    changed = {table for table in after if after[table] != before.get(table)} - {
        "processedevent",
        "auditentry",
    }
    assert not changed, f"{command} saved something from an over-long message: {changed}"


@pytest.mark.parametrize("surface", ["mention", "dm"])
def test_over_long_mentions_and_direct_messages_store_nothing(slack, fake_slack, db, surface):
    before = _snapshot(db)
    send = slack.mention if surface == "mention" else slack.dm
    for wording in ("log resource: {}", "who can help with {}"):
        reply = send(wording.format(LONG_TEXT))
        assert reply.status == 200
    after = _snapshot(db)
    changed = {table for table in after if after[table] != before.get(table)} - {"processedevent"}
    assert not changed & {"resource", "questionlog", "unmetneed"}, changed
    assert LIMIT_MESSAGE.search(_replies(fake_slack))


# -- mass mentions ----------------------------------------------------------------------------------------------


def test_mass_mentions_typed_by_people_are_never_echoed_raw(slack, fake_slack, db):
    _setup_partner_and_conference(slack)
    commands = _registered_commands()
    loud = " ".join(BROADCASTS)
    sends = [
        ("/resource", f"add {loud} Pantry {loud}, 555-0142, food {loud}"),
        ("/resource", f"show {loud}"),
        ("/resource", f"list {loud}"),
        ("/resource", f"{loud}"),
        ("/whohelps", f"food {loud}"),
        ("/celebrate", f"<@U2|ana> with Eastside Food Pantry for {loud} getting groceries delivered"),
        ("/celebrate", f"{loud} with {loud} for {loud}"),
        ("/conference", f'<#C1|care-team> "{loud} case review" every first Tuesday at 10am'),
        ("/conference", f"agenda 1 add {loud} housing case"),
        ("/conference", f"{loud}"),
        ("/partner", f"add {loud} Neighbors Pantry"),
        ("/partner", f"show {loud}"),
        ("/digest", f"{loud}"),
        ("/partnerbot", f"{loud}"),
    ]
    for command, text_ in sends:
        if command in commands:
            slack.command(command, text_)
    for wording in ("log resource: {} Pantry, 555-0100", "who can help with food {}", "{}"):
        slack.mention(wording.format(loud))
        slack.dm(wording.format(loud))
    # What was stored comes back in lists, the App Home and scheduled messages: none of it may be loud either.
    for command, text_ in [
        ("/resource", "list"),
        ("/partner", "list"),
        ("/conference", "list"),
        ("/conference", "agenda 1"),
        ("/celebrate", "recap"),
    ]:
        if command in commands:
            slack.command(command, text_)
    slack.home_opened("U1")
    for days in (1, 8, 35):
        later = utcnow() + timedelta(days=days)
        jobs.plan(db, later)
        jobs.tick(db, slack.client, now=later, grace=timedelta(days=400))
    assert len(fake_slack.calls()) >= len(sends)
    loud_calls = [
        f"{call.method}: {found.group()!r} in {rendered[:200]}"
        for call in fake_slack.calls()
        for rendered in _rendered_strings(call.args)
        if (found := RAW_BROADCAST.search(rendered))
    ]
    assert not loud_calls, "\n".join(loud_calls[:20])


# -- SQL-looking text -------------------------------------------------------------------------------------------


def _all_values(db) -> str:
    return "\n".join(value for rows in _snapshot(db).values() for row in rows for value in row)


def test_sql_looking_text_is_stored_literally_and_harmlessly(slack, fake_slack, db):
    _setup_partner_and_conference(slack)
    commands = _registered_commands()
    tables_before = set(inspect(db.engine).get_table_names())
    slack.command("/resource", f"add Robert{SQL} Food Bank, 555-0100")
    slack.command("/resource", f"show {SQL}")
    slack.command("/resource", "list ' OR '1'='1")
    slack.command("/whohelps", f"food {SQL}")
    slack.mention("who can help with rent'; DELETE FROM questionlog;--")
    if "/partner" in commands:
        slack.command("/partner", "add Robert'); DROP TABLE partner;-- Pantry")
        slack.command("/partner", "show ' OR 1=1 --")
    if "/conference" in commands:
        slack.command("/conference", f"agenda 1 add housing case {SQL}")
    if "/celebrate" in commands:
        slack.command("/celebrate", f"<@U2|ana> with Eastside Food Pantry for groceries {SQL}")

    assert set(inspect(db.engine).get_table_names()) == tables_before
    stored = _all_values(db)
    assert "DROP TABLE resource;--" in stored  # kept as typed, not executed
    with db.engine.connect() as connection:
        names = connection.execute(text("SELECT name FROM resource")).scalars().all()
    assert any(name.startswith("Robert") for name in names), names
    if "/partner" in commands:
        assert "DROP TABLE partner;--" in stored
    assert "Traceback" not in _replies(fake_slack)


def test_wildcards_are_searched_as_text(slack, fake_slack, db):
    slack.command("/resource", "add Eastside Food Pantry, 555-0142")
    for pattern in ("%", "_", "' OR '1'='1", "*"):
        fake_slack.reset()
        slack.command("/resource", f"show {pattern}")
        answer = _replies(fake_slack)
        assert answer, pattern
        assert "555-0142" not in answer, f"show {pattern!r} matched a resource as if it were a pattern"
