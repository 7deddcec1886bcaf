"""The product's key promise, checked end to end: patient identifiers typed on any surface never reach the database,
the logs, or anything the bot sends back to Slack.

Every registered slash command, mentions, DMs, a watched channel, the message shortcut, every form the bot opens
and the scheduled deliveries are fed messages full of PHI from tests/data/phi_corpus.json over real signed HTTP.
Then every column of every table actually present in the database (the SQLModel tables plus search indexes such as
FTS5 shadow tables and tsvector columns), every log record captured at DEBUG and every recorded Slack call are
scanned for the corpus' forbidden substrings. Runs on SQLite and PostgreSQL.
"""

import datetime
import decimal
import functools
import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table in SQLModel.metadata)
from bot.directory.hsds import CSV_HEADERS
from bot.platform.clock import utcnow
from bot.platform.privacy import KINDS, redact
from bot.runtime import jobs
from bot.runtime.logs import CHATTY_LIBRARIES
from models.directory import Resource
from tests.registrations import registered

CORPUS = json.loads((Path(__file__).parent / "data" / "phi_corpus.json").read_text(encoding="utf-8"))["tune"]
PHI_CASES = [case for case in CORPUS if case["forbidden"]]
MAX_MESSAGE = 3_500  # below the bot's 4,000-character limit, so long messages are processed, not refused


def _bundle(cases: list[dict], limit: int) -> list[str]:
    """Corpus cases joined into as few messages as fit under `limit` characters, one case per line."""
    messages, current = [], ""
    for case in cases:
        if len(case["text"]) > limit:
            continue
        if current and len(current) + 1 + len(case["text"]) > limit:
            messages.append(current)
            current = ""
        current = f"{current}\n{case['text']}" if current else case["text"]
    return messages + ([current] if current else [])


# Every PHI case, bundled: what the commands, mentions and DMs receive.
BUNDLES = _bundle(PHI_CASES, MAX_MESSAGE)
# A few single realistic messages too, since one-line messages take different parsing paths than bundles.
SINGLES = [case["text"] for case in PHI_CASES[:6]] + [
    case["text"] for case in PHI_CASES if "paciente" in case["text"].lower()
][:2]
# Forms get shorter text: their fields have length limits.
FORM_TEXTS = [case["text"] for case in PHI_CASES if len(case["text"]) <= 150][:3]


def _forbidden_items(sent: list[str]) -> list[str]:
    """The forbidden substrings of every corpus case whose text was sent, except those that legitimately survive
    redaction elsewhere in what was sent (a forbidden "Juan" next to a kept "Despensa San Juan")."""
    survivors = " ".join(redact(message).text for message in sent)
    items = {
        item
        for case in PHI_CASES
        if any(case["text"] in message for message in sent)
        for item in case["forbidden"]
    }
    return sorted(item for item in items if not _contains(survivors, item))


@functools.cache
def _pattern(item: str) -> re.Pattern[str]:
    """The item, case-insensitive, as a whole token ("6789" is not found inside a Slack timestamp), with its
    spacing and punctuation free to differ ("03/04/1950" stored as "03041950" or "03 04 1950"). Colons are not
    allowed between its characters, so the digits of a clock time never spell out a phone number."""
    chars = [re.escape(char) for char in item.lower() if char.isalnum()]
    loose = r"[\s./,()\-\u2013\u2014]{0,3}".join(chars)
    return re.compile(r"(?<![0-9a-z])(?:" + re.escape(item.lower()) + "|" + loose + r")(?![0-9a-z])", re.I)


def _contains(value: str, item: str) -> bool:
    return bool(_pattern(item).search(value))


def _leaked(values: list[str], items: list[str]) -> list[str]:
    return [item for item in items if any(_contains(value, item) for value in values)]


def _distinctive_tokens(items: list[str], sent: list[str]) -> set[str]:
    """Single words of the forbidden items that appear nowhere in the redacted messages: a search index that keeps
    words one by one ('lopez':3 'maria':2) must not hold them either."""
    survivors = set(re.findall(r"\w+", " ".join(redact(message).text for message in sent).lower()))
    tokens = set()
    for item in items:
        for token in re.findall(r"\w+", item.lower()):
            if len(token) >= 5 and token not in survivors:
                tokens.add(token)
    return tokens


def test_the_sweep_covers_every_kind():
    """The messages sent to every surface below hold every kind the privacy engine knows, the ones added for text
    as care teams type it included (names without cue words, ages over 89, rooms and beds, bare ids, spelled-out
    emails, mentions of patients)."""
    removed = set()
    for message in BUNDLES:
        removed |= set(redact(message).removed)
    assert removed == set(KINDS), f"no case in the sweep holds: {set(KINDS) - removed}"


# -- what is stored, logged and sent -------------------------------------------------------------------------------


NOT_TEXT = (datetime.datetime, datetime.date, datetime.time, int, float, decimal.Decimal)


def _stored_values(db) -> dict[str, list[str]]:
    """`table.column` -> every non-null value as text, for every table in the database (not just the models)."""
    found: dict[str, list[str]] = {}
    inspector = inspect(db.engine)
    with db.engine.connect() as connection:
        for table in inspector.get_table_names():
            if table == "alembic_version":
                continue
            result = connection.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row, strict=True):
                    # Dates, times and numbers cannot carry typed text, and their digits would match by chance
                    # ("555-0199" squashed is inside a timestamp like 2026-11-22 17:55:50.199).
                    if value is None or isinstance(value, NOT_TEXT):
                        continue
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    found.setdefault(f"{table}.{column}", []).append(str(value))
    return found


@pytest.fixture
def replies(slack) -> list[str]:
    """The body of every HTTP response the bot gave (acks can carry text, e.g. form errors)."""
    bodies: list[str] = []
    transport = slack.transport

    def recording_transport(body, headers):
        reply = transport(body, headers)
        bodies.append(reply.body)
        return reply

    slack.transport = recording_transport
    return bodies


def _assert_nothing_leaked(db, fake_slack, caplog, sent: list[str], replies: list[str]) -> None:
    """`replies`: HTTP response bodies and anything else the bot produced (command output, exported files)."""
    items = _forbidden_items(sent)
    assert len(items) >= 5, "the sweep must look for a real set of identifiers"
    leaks = []

    stored = _stored_values(db)
    model_tables = {table.name for table in SQLModel.metadata.sorted_tables}
    present_tables = {name.split(".")[0] for name in stored} | set(inspect(db.engine).get_table_names())
    assert model_tables <= present_tables, (
        f"tables missing from the database: {model_tables - present_tables}"
    )
    tokens = _distinctive_tokens(items, sent)
    model_columns = {
        f"{table.name}.{column.name}" for table in SQLModel.metadata.sorted_tables for column in table.columns
    }
    for where, values in stored.items():
        leaks += [f"{where}: {item!r}" for item in _leaked(values, items)]
        if where not in model_columns:  # FTS5 tables, the tsvector column: indexes built by migrations
            # Search indexes keep words one by one ('lopez':3 'maria':2); check the words.
            words = set(re.findall(r"\w+", "\n".join(values).lower()))
            leaks += [f"{where}: word {token!r}" for token in tokens & words]

    logged = [caplog.text] + [record.getMessage() for record in caplog.records]
    leaks += [f"log: {item!r}" for item in _leaked(logged, items)]

    for reply in replies:
        leaks += [f"reply or output: {item!r} in {reply[:160]}" for item in _leaked([reply], items)]

    for call in fake_slack.calls():
        content = json.dumps(call.args, ensure_ascii=False, default=_readable)
        leaks += [f"Slack {call.method}: {item!r} in {content[:160]}" for item in _leaked([content], items)]

    assert not leaks, "patient identifiers leaked:\n" + "\n".join(sorted(set(leaks))[:60])


def _readable(value) -> str:
    return bytes(value).decode("utf-8", "ignore") if isinstance(value, bytes | bytearray) else str(value)


@pytest.fixture
def sweep_logs(caplog):
    """Everything logged at DEBUG, with libraries held at WARNING as bot.logs does in production (they log raw
    request bodies at DEBUG by design; partnerbot's own loggers, including bolt's, stay at DEBUG)."""
    caplog.set_level(logging.DEBUG)
    for name in CHATTY_LIBRARIES:
        caplog.set_level(logging.WARNING, logger=name)
    return caplog


def _registered_commands() -> set[str]:
    return registered().commands


def _count(db, table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()


# -- surfaces ------------------------------------------------------------------------------------------------------


def test_every_slash_command(slack, fake_slack, db, sweep_logs, replies):
    commands = _registered_commands()
    assert {"/resource", "/whohelps"} <= commands
    sent = BUNDLES + SINGLES
    # Partners and a conference first, so the PHI below reaches the storing paths, not only the error messages.
    if "/partner" in commands:
        slack.command("/partner", "add Eastside Food Pantry")
    if "/conference" in commands:
        slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
    for message in sent:
        # Any command, however it parses its text: the whole text, and as the argument of the usual verbs.
        for command in sorted(commands):
            for verb in ("", "add ", "show ", "help "):
                slack.command(command, verb + message)
        slack.command("/resource", "list " + message)
        slack.command("/celebrate", f"<@U2|ana> with Eastside Food Pantry for {message}")
        slack.command("/conference", f'<#C1|care-team> "{message[:150]}" every first Tuesday at 10am')
        slack.command("/conference", f"agenda 1 add {message}")
        slack.command("/digest", f"subscribe weekly on monday at 9am {message}")
    # The PHI really went through the storing paths (and was redacted there), not just into error replies.
    assert _count(db, "resource") > 0
    if "/celebrate" in commands:
        assert _count(db, "success") > 0
    if "/conference" in commands:
        assert _count(db, "conference_agenda_item") > 0
    assert any("removed]" in value for values in _stored_values(db).values() for value in values)
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def _click_every_question(slack, fake_slack, choice: str) -> int:
    """Clicks `choice` on every "ask before keeping" question the bot sent (the buttons carry only a token)."""
    clicked = 0
    for call in list(fake_slack.calls("response_url")):
        blocks = call.args.get("blocks") or []
        for block in json.loads(blocks) if isinstance(blocks, str) else blocks:
            for element in block.get("elements", []):
                if str(element.get("action_id", "")).endswith(f"_review_{choice}"):
                    slack.click(element["action_id"], element.get("value"), channel="C1")
                    clicked += 1
    return clicked


@pytest.mark.parametrize("choice", ["save", "trim"])
def test_answers_to_ask_before_keeping_store_no_phi(slack, fake_slack, db, sweep_logs, replies, choice):
    """Free text in which something still looks like a person is held and asked about; whatever the person
    answers, what is then stored, posted and logged holds no identifier (the question itself is swept too)."""
    slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
    doubtful = "and Winifred helped"  # a lone given name: kept, but asked about
    sent = SINGLES + [case["text"] for case in PHI_CASES[-5:]]
    for message in sent:
        slack.command("/conference", f"agenda 1 add {message} {doubtful}")
        slack.command("/celebrate", f"<@U2|ana> for {message} {doubtful}", channel="C1")
        slack.command("/resource", f"add Maple Street Senior Center, {message}, ask for Winifred, 555-0188")
    assert _count(db, "pending_text") > 0
    assert _click_every_question(slack, fake_slack, choice) >= len(sent)
    assert _count(db, "pending_text") == 0 and _count(db, "conference_agenda_item") > 0 and _count(db, "success")
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def test_referral_notes(slack, fake_slack, db, sweep_logs, replies):
    """A referral's note is redacted before it is stored, posted on the partner's card, quoted in lists and
    lookups, or sent in a nudge."""
    slack.command("/partner", "add Eastside Food Pantry <#C0PANTRY|pantry>")
    sent = BUNDLES + SINGLES
    for message in sent:
        slack.command("/refer", f"Eastside Food Pantry for food {message}")
        slack.command("/refer", f"Eastside Food Pantry for food urgent {message[:900]}")
        slack.command("/refer", f"Eastside Food Pantry for {message}")
    assert _count(db, "referral") > 0
    slack.command("/refer", "list")
    slack.command("/refer", "list Eastside Food Pantry")
    slack.command("/partner", "scorecard Eastside Food Pantry")
    later = utcnow() + timedelta(days=30)
    jobs.tick(db, slack.client, now=later, grace=timedelta(days=400))
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


# Every subcommand word the bot's commands know; a verb a command does not know gets its "I don't know" reply,
# which must not quote patient details either.
SUBCOMMANDS = (
    "list",
    "show",
    "info",
    "edit",
    "verify",
    "retire",
    "watch",
    "steward",
    "recap",
    "agenda 1",
    "agenda 1 add",
    "skip 1",
    "move 1",
    "cancel",
    "facilitators 1",
    "ics",
    "subscribe",
    "unsubscribe",
    "preview",
    "mou",
)


def test_every_subcommand(slack, fake_slack, db, sweep_logs, replies):
    commands = _registered_commands()
    _setup = {"/partner": "add Eastside Food Pantry", "/resource": "add Eastside Food Pantry, 555-0142"}
    for command, text_ in _setup.items():
        if command in commands:
            slack.command(command, text_)
    if "/conference" in commands:
        slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
    sent = SINGLES[:2]
    for message in sent:
        for command in sorted(commands):
            for verb in SUBCOMMANDS:
                slack.command(command, f"{verb} {message}")
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def test_mentions_and_direct_messages(slack, fake_slack, db, sweep_logs, replies):
    sent = BUNDLES + SINGLES
    for message in sent:
        for wording in ("log resource: {}", "who can help with {}", "{}", "help {}"):
            slack.mention(wording.format(message), channel="C1")
            slack.dm(wording.format(message))
    assert _count(db, "resource") > 0
    assert _count(db, "questionlog") > 0
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def test_watched_channel_messages(slack, fake_slack, db, sweep_logs, replies):
    slack.command("/resource", "add Eastside Food Pantry, 555-0142, 12 Main St Eastport")
    slack.command("/resource", "watch on", channel="CWATCH")
    sent = BUNDLES + SINGLES + [f"Eastside Food Pantry helped today. {text}" for text in SINGLES]
    for index, message in enumerate(sent):
        slack.message(message, channel="CWATCH", user=f"U{index % 3 + 1}")
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def _options(element: dict) -> list[dict]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    return options


def _state(element: dict, typed: str | None) -> dict | None:
    """A submitted value for one form element: `typed` in free-text inputs, a plausible choice elsewhere."""
    kind = element.get("type")
    if kind == "plain_text_input":
        if typed is None:
            return {"type": kind, "value": element.get("initial_value")}
        return {"type": kind, "value": typed[: element.get("max_length", 3000)]}
    options = _options(element)
    if kind in ("static_select", "radio_buttons"):
        return {
            "type": kind,
            "selected_option": element.get("initial_option") or (options[0] if options else None),
        }
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": element.get("initial_options") or options[:1]}
    simple = {
        "users_select": ("selected_user", "U2"),
        "multi_users_select": ("selected_users", ["U2"]),
        "conversations_select": ("selected_conversation", "C1"),
        "channels_select": ("selected_channel", "C1"),
        "multi_conversations_select": ("selected_conversations", ["C1"]),
        "multi_channels_select": ("selected_channels", ["C1"]),
        "datepicker": ("selected_date", (utcnow() + timedelta(days=9)).date().isoformat()),
        "timepicker": ("selected_time", "10:00"),
        "number_input": ("value", "3"),
    }
    if kind in simple:
        key, default = simple[kind]
        initial = next((v for k, v in element.items() if k.startswith("initial_")), None)
        return {"type": kind, key: initial if initial is not None else default}
    return None  # email/url inputs take a resource's public details; nothing patient-shaped to type there


def _fill_and_submit(slack, view: dict, typed_in: str | None, message: str) -> None:
    """Submits `view` with `message` typed into the input block `typed_in` (every text input when None)."""
    values: dict[str, dict] = {}
    for block in view.get("blocks", []):
        element = block.get("element") or {}
        if block.get("type") != "input" or "action_id" not in element:
            continue
        typed = message if typed_in in (None, block["block_id"]) else None
        state = _state(element, typed)
        if state is not None:
            values.setdefault(block["block_id"], {})[element["action_id"]] = state
    slack.submit(view["callback_id"], values, private_metadata=view.get("private_metadata", ""))


def _buttons(calls) -> list[tuple[str, str | None, str]]:
    """(action_id, value, block_id) of every distinct non-link button in the recorded calls."""
    found: dict[tuple, None] = {}

    def visit(node, block_id: str) -> None:
        if isinstance(node, dict):
            block_id = node.get("block_id", block_id)
            if node.get("type") == "button" and node.get("action_id") and not node.get("url"):
                found[(node["action_id"], node.get("value"), block_id)] = None
            for value in node.values():
                visit(value, block_id)
        elif isinstance(node, list):
            for item in node:
                visit(item, block_id)

    for call in calls:
        for key in ("blocks", "view"):
            content = call.args.get(key)
            visit(json.loads(content) if isinstance(content, str) else content, "actions")
    return list(found)


def _opened_views(fake_slack, since: int) -> list[dict]:
    views = []
    for call in fake_slack.calls()[since:]:
        if call.method in ("views.open", "views.push"):
            view = call.args["view"]
            views.append(json.loads(view) if isinstance(view, str) else view)
    return views


def test_every_form_the_bot_opens(slack, fake_slack, db, sweep_logs, replies):
    commands = _registered_commands()
    slack.command("/partner", "add Eastside Food Pantry")
    slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
    opened_from = len(fake_slack.calls())
    for command in sorted(commands):
        slack.command(command, "")  # a bare command opens its form, where there is one
    slack.command("/conference", "agenda 1")
    slack.command("/resource", "add Eastside Food Pantry, 555-0142")
    slack.command("/partner", "show Eastside Food Pantry")
    slack.home_opened("U1")
    for message in FORM_TEXTS:
        slack.shortcut("log_resource", message_text=message)
    later = utcnow() + timedelta(days=30)  # the conference's call for cases, with its "Add a case" button
    jobs.plan(db, later)
    jobs.tick(db, slack.client, now=later, grace=timedelta(days=400))
    # Every button the bot has shown so far (Edit, Add a case, Celebrate, Log it, ...), for the forms they open.
    for action_id, value, block_id in _buttons(fake_slack.calls()[:]):
        if action_id not in {"help_dismiss"}:
            slack.click(action_id, value, block_id=block_id)
    views = [view for view in _opened_views(fake_slack, opened_from) if view.get("callback_id")]
    callbacks = {view["callback_id"] for view in views}
    assert len(callbacks) >= 5, f"expected the bot's forms, saw {callbacks}"
    for view in views:
        text_inputs = [
            block["block_id"]
            for block in view.get("blocks", [])
            if block.get("type") == "input" and (block.get("element") or {}).get("type") == "plain_text_input"
        ]
        for message in FORM_TEXTS:
            _fill_and_submit(slack, view, None, message)
            for block_id in text_inputs:  # one field at a time, so the other fields keep valid values
                _fill_and_submit(slack, view, block_id, message)
    assert _count(db, "resource") > 0
    _assert_nothing_leaked(db, fake_slack, sweep_logs, FORM_TEXTS + SINGLES, replies)


def test_scheduled_deliveries_carry_no_phi(slack, fake_slack, db, sweep_logs, replies):
    """Text stored redacted and later delivered by the outbox (celebrations, agendas, reminders, digests)."""
    slack.command("/partner", "add Eastside Food Pantry <#C1|care-team>")
    slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
    sent = SINGLES + BUNDLES[:1]
    for message in sent:
        slack.command("/celebrate", f"<@U2|ana> with Eastside Food Pantry for {message}")
        slack.command("/conference", f"agenda 1 add {message}")
        slack.command("/resource", "add " + message)
        slack.command("/whohelps", message)
    slack.command("/digest", "subscribe weekly on monday at 9am")
    later = utcnow()
    for days in (1, 8, 35, 100):
        later = utcnow() + timedelta(days=days)
        jobs.plan(db, later)
        jobs.tick(db, slack.client, now=later, grace=timedelta(days=400))
    assert fake_slack.calls("chat.postMessage"), "the outbox delivered nothing"
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, replies)


def test_the_sweep_catches_a_planted_leak(db, fake_slack, caplog):
    """The checks above can fail: raw PHI written to a table and a log line is found, search indexes included."""
    planted = PHI_CASES[0]["text"] + "\n" + PHI_CASES[1]["text"]
    now = utcnow()
    with db.session() as session:
        session.add(
            Resource(
                team_id="T1",
                name="Eastside Food Pantry",
                normalized_name="eastside food pantry",
                description=planted,
                created_at=now,
                updated_at=now,
            )
        )
    caplog.set_level(logging.INFO)
    logging.getLogger("partnerbot.test").info("raw text: %s", planted)
    with pytest.raises(AssertionError) as caught:
        _assert_nothing_leaked(db, fake_slack, caplog, [planted], [])
    report = str(caught.value)
    assert "resource.description" in report and "log:" in report
    if db.dialect == "postgresql":
        assert "resource.search_vector: word" in report
    else:
        assert "fts_resource" in report




def test_import_and_export_files(db, fake_slack, sweep_logs, tmp_path, capsys):
    """`partnerbot import` of a file whose free-text columns (description, eligibility: where people put notes)
    are full of patient details, and whose bad values are too; then `partnerbot export`. Nothing identifying in
    the database, the log, what the commands print, or the exported files. (Name, organization, address and
    hours columns are a directory's public details and are imported as given.)"""
    import csv
    from dataclasses import replace

    from bot.directory import exporter, importer
    from bot.runtime.settings import Settings

    settings = replace(Settings(), database_url=db.url)
    sent = [case["text"] for case in PHI_CASES if len(case["text"]) <= 300][:40]
    path = tmp_path / "resources.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_HEADERS)
        writer.writeheader()
        for index, message in enumerate(sent):
            writer.writerow(
                {
                    "name": f"Community Pantry {index}",
                    "organization": "Eastport Community Services",
                    "description": message,
                    "categories": "food",
                    # Half the rows have patient text where a value is expected: rejections must not echo it.
                    "phone": message[:60] if index % 6 == 0 else "555-0142",
                    "email": message[:60] if index % 6 == 1 else "info@pantry.example.org",
                    "website": message[:60] if index % 6 == 2 else "https://pantry.example.org",
                    "address": "12 Main St",
                    "city": "Eastport",
                    "state": "ME",
                    "postal_code": "04011",
                    "languages": "English;Spanish",
                    "eligibility": message,
                    "hours": "Tue/Thu 2-6pm",
                }
            )
    importer.run_cli(str(path), "T1", settings)
    assert _count(db, "resource") > 0
    outputs = []
    for fmt in ("csv", "hsds"):
        out = tmp_path / f"export.{fmt}"
        assert exporter.run_cli(fmt, str(out), "T1", settings) == 0
        outputs.append(out.read_text(encoding="utf-8"))
    printed = capsys.readouterr()
    assert "skipped" in printed.err  # rows with bad values were rejected, with a reason
    _assert_nothing_leaked(db, fake_slack, sweep_logs, sent, [printed.out, printed.err, *outputs])
