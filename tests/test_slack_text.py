"""Text as Slack sends it and as Slack shows it, over signed HTTP: typed `&`, `<` and `>` arrive escaped
(`&amp;`, `&lt;`, `&gt;`) and are unescaped once where the payload enters, stored as typed, and escaped once where
they leave; names in any script are compared in one folded form; mass mentions are never echoed; no reply carries
a raw `<placeholder>`, which Slack would read as markup."""

import json
import random
import re
from pathlib import Path

import pytest
from sqlmodel import select

from bot.console import slack_payloads
from bot.directory import views as directory_views
from bot.platform.folding import comparison_key, fold
from bot.platform.slacktext import escape_as_slack_does, plain_safe, safe, unescape
from models.conferences import AgendaItem, ConferenceSeries
from models.partners import Partner
from models.search import UnmetNeed
from tests.factories import decoded, last_call, stored_resources

CHANNEL = "<#C0CASES|case-conf>"
# Slack's own markup: mentions, channels, broadcasts, dates and links. Anything else in angle brackets is raw.
RAW_ANGLE = re.compile(r"<(?![@#!]|https?:|mailto:|tel:)[^<>\n]{1,40}>")


def _reply(fake_slack) -> str:
    return fake_slack.calls("response_url")[-1].text_content()


def _rows(db, model):
    with db.session() as session:
        return list(session.exec(select(model)))


# --- the helpers ------------------------------------------------------------------------------------------------


def test_slack_escaping_keeps_its_own_markup_and_is_not_applied_twice():
    typed = "Food & Housing <script> <@U1|ana> <!here> <https://x.org/?a=1&b=2|x>"
    escaped = escape_as_slack_does(typed)
    assert escaped == ("Food &amp; Housing &lt;script&gt; <@U1|ana> <!here> <https://x.org/?a=1&amp;b=2|x>")
    assert escape_as_slack_does(escaped) == escaped
    assert unescape(escaped) == typed
    assert safe("A & B <!channel>") == "A &amp; B @\u200bchannel"
    assert plain_safe("A & B <!here>") == "A & B @\u200bhere"


def test_the_payload_builders_escape_typed_text_like_slack():
    body, _ = slack_payloads.slash_command("/resource", "add Food & Friends <3", user="U1", channel="C1", team="T1",
                                           response_url="http://x")
    assert "Food+%26amp%3B+Friends+%26lt%3B3" in body
    event, _ = slack_payloads.event_callback({"type": "message", "text": "A & B <@U2>"}, team="T1", bot_user="UB")
    assert json.loads(event)["event"]["text"] == "A &amp; B <@U2>"


@pytest.mark.parametrize(
    ("first", "second"),
    [("Café Ñandú", "cafe nandu"), ("Straße", "STRASSE"), ("St. Mary's", "st marys"), ("ﬁsh", "fish")],
)
def test_names_fold_case_and_accents(first, second):
    assert comparison_key(first) == comparison_key(second)


def test_every_script_keeps_its_words():
    assert comparison_key("Продуктовый банк") == "продуктовыи банк"
    assert comparison_key("食物银行") == "食物银行"
    assert comparison_key("क़िताब घर") == "क़िताब घर"  # vowel signs are part of the word
    assert comparison_key("ガス") != comparison_key("カス")  # a voicing mark makes another word
    assert comparison_key("a_b%c") == "a b c"  # safe inside LIKE


# --- typed text over HTTP ---------------------------------------------------------------------------------------


def test_an_ampersand_in_a_resource_name_is_stored_as_typed_and_escaped_once(slack, fake_slack, db):
    slack.command("/resource", "add Hope Shelter &amp; Housing, 555-0199, 4 Elm St Eastport")
    assert [r.name for r in stored_resources(db)] == ["Hope Shelter & Housing"]
    reply = _reply(fake_slack)
    assert "Hope Shelter &amp; Housing" in reply and "&amp;amp;" not in reply
    slack.command("/resource", "show Hope Shelter & Housing")  # typed: the builder escapes it as Slack would
    assert "Hope Shelter &amp; Housing" in _reply(fake_slack)


def test_mentions_shortcuts_and_forms_read_the_text_as_typed(slack, fake_slack, db):
    slack.mention("log resource: Food & Friends Pantry, 555-0111, 2 Oak St Eastport", channel="C5")
    assert [r.name for r in stored_resources(db)] == ["Food & Friends Pantry"]
    assert "&amp;amp;" not in last_call(fake_slack, "chat.postEphemeral")["blocks"]
    slack.shortcut("log_resource", message_text="Kids & Teens Closet, 555-0112, 3 Elm St Eastport")
    view = decoded(last_call(fake_slack, "views.open")["view"])
    name = next(b for b in view["blocks"] if b.get("block_id") == "name")
    assert name["element"]["initial_value"] == "Kids & Teens Closet"
    values = {block: {"value": value} for block, value in (("name", "Kids & Teens Closet"), ("phone", "555-0112"))}
    slack.submit(directory_views.MODAL_CALLBACK, values, private_metadata=view["private_metadata"])
    assert "Kids & Teens Closet" in [r.name for r in stored_resources(db)]


def test_conference_titles_and_agenda_items_keep_their_ampersands(slack, fake_slack, db):
    slack.command("/conference", f'{CHANNEL} "Food &amp; Housing huddle" every first Tuesday at 10am')
    series = _rows(db, ConferenceSeries)
    assert [s.title for s in series] == ["Food & Housing huddle"]
    assert "&amp;amp;" not in _reply(fake_slack)
    slack.command("/conference", f"agenda {series[0].id} add Rides &amp; meals after discharge")
    assert [item.text for item in _rows(db, AgendaItem)] == ["Rides & meals after discharge"]
    slack.command("/conference", "list")
    listing = _reply(fake_slack)
    assert "Food &amp; Housing huddle" in listing and "&amp;amp;" not in listing
    slack.command("/conference", f"agenda {series[0].id}")
    agenda = _reply(fake_slack)
    assert "Rides &amp; meals" in agenda and "&amp;amp;" not in agenda


def test_escaped_angle_brackets_are_not_needs(slack, fake_slack, db):
    slack.command("/whohelps", "xyzzy &lt;script&gt;")
    reply = _reply(fake_slack)
    assert "Lt" not in reply and "Script*" not in reply
    phrases = " ".join(need.phrase for need in _rows(db, UnmetNeed)).lower()
    assert "lt" not in phrases.split() and "gt" not in phrases.split()


def test_names_in_other_scripts_are_saved_and_found(slack, fake_slack, db):
    slack.command("/resource", "add Продуктовый банк, 555-0105")
    slack.command("/resource", "add 食物银行, 555-0106")
    assert "went wrong" not in _reply(fake_slack)
    assert [r.name for r in stored_resources(db)] == ["Продуктовый банк", "食物银行"]
    assert [r.normalized_name for r in stored_resources(db)] == ["продуктовыи банк", "食物银行"]
    slack.command("/resource", "show 食物银行")
    assert "555-0106" in _reply(fake_slack)


# --- mass mentions ----------------------------------------------------------------------------------------------


def test_mass_mentions_are_never_echoed(slack, fake_slack, db):
    slack.command("/conference", f'{CHANNEL} "Weekly huddle" every Tuesday at 10am')
    series_id = _rows(db, ConferenceSeries)[0].id
    fake_slack.reset()
    slack.command("/conference", f"skip {series_id} <!channel>")
    slack.command("/resource", "add <!subteam^S123|@nurses> Northside Pantry, 555-0107, 9 Oak St Eastport")
    slack.command("/partner", "add <!here> Harbor Housing")
    slack.command("/partner", "add @here")
    slack.command("/whohelps", "<!everyone> food")
    for command, text in [("/resource", "show <!here>"), ("/resource", "edit <!channel> phone 555-0101"),
                          ("/partner", "info <!channel>"), ("/partner", "mou <!here> renews <!channel>"),
                          ("/conference", "agenda <!here>"), ("/conference", f"move {series_id} <!here> to <!channel>"),
                          ("/digest", "<!channel>"), ("/celebrate", "recap <!here>"), ("/partnerbot", "<!everyone>"),
                          ("/resource", "list <!subteam^S123|@nurses>")]:
        slack.command(command, text)
    slack.mention("log resource: <!channel> <!here>")
    slack.dm("who can help with <!here> food")
    for text in fake_slack.posted_texts():
        for raw in ("<!channel>", "<!here>", "<!everyone>", "<!subteam", "@here", "@channel", "@everyone"):
            assert raw not in text
    assert all("subteam" not in r.name and "<" not in r.name for r in stored_resources(db))
    assert [p.name for p in _rows(db, Partner)] == ["Harbor Housing"]


# --- placeholders -----------------------------------------------------------------------------------------------

BROAD_RUN = [
    ("/partnerbot", "help"), ("/partnerbot", "nonsense"),
    ("/resource", "help"), ("/resource", "show"), ("/resource", "edit"), ("/resource", "steward add"),
    ("/resource", "watch maybe"), ("/resource", "list nothing-like-this"), ("/resource", "verify Nowhere"),
    ("/whohelps", ""), ("/whohelps", "help"),
    ("/conference", "help"), ("/conference", "skip"), ("/conference", "skip 1"), ("/conference", "move 1"),
    ("/conference", "agenda"), ("/conference", "facilitators"), ("/conference", "cancel x"),
    ("/conference", "ics"), ("/conference", "every blue moon"),
    ("/partner", "help"), ("/partner", "info"), ("/partner", "mou"), ("/partner", "mou Nobody renews soon"),
    ("/partner", "rename"), ("/partner", "frobnicate"),
    ("/celebrate", "help"), ("/celebrate", ""), ("/celebrate", "recap maybe"),
    ("/digest", "help"), ("/digest", "sometimes"), ("/digest", "weekly at 25:00"),
]


def test_no_message_carries_a_raw_placeholder(slack, fake_slack):
    for command, text in BROAD_RUN:
        slack.command(command, text)
    slack.mention("help")
    slack.dm("help")
    texts = fake_slack.posted_texts()
    assert len(texts) >= len(BROAD_RUN)
    raw = sorted({match for text in texts for match in RAW_ANGLE.findall(text)})
    assert raw == []


# --- one place in, one place out --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
# Where Slack's escaping is undone: the middleware for payloads, the Web API reader, and form errors (bot text
# turned plain); the console shows Slack's text in a terminal.
UNESCAPE_ALLOWED = {"bot/platform/slacktext.py", "bot/runtime/incoming.py", "bot/platform/channels.py",
                    "bot/platform/blocks.py", "bot/console/shell.py"}


def test_no_handler_or_feature_unescapes_on_its_own():
    offenders = []
    for path in sorted([*ROOT.glob("handlers/*.py"), *ROOT.glob("bot/**/*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if relative in UNESCAPE_ALLOWED or "/migrations/" in relative:  # 0006 fixes text stored escaped
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"\bunescape\b|&amp;|html\.unescape", source):
            offenders.append(relative)
    assert offenders == []


def test_a_dm_with_a_file_attached_is_answered(slack, fake_slack):
    slack.event({"type": "message", "subtype": "file_share", "channel_type": "im", "user": "U1", "text": "help",
                 "ts": slack_payloads.message_ts(), "channel": "DU1",
                 "files": [{"id": "F1", "name": "flyer.pdf", "mimetype": "application/pdf"}]})
    assert fake_slack.calls("chat.postMessage"), "the DM got no answer"


# --- the owning workspace ---------------------------------------------------------------------------------------


def test_a_guests_search_and_feedback_use_the_home_workspaces_directory(slack, fake_slack, db):
    slack.command("/resource", "add Eastside Food Pantry, groceries Tue 2-6pm, 555-0142, 12 Main St Eastport")
    pantry = stored_resources(db)[0]
    fake_slack.users["U0GUEST"] = {"team_id": "T0EAST"}
    slack.command("/whohelps", "food", user="U0GUEST", team="T0EAST")
    assert "Eastside Food Pantry" in _reply(fake_slack)
    slack.click("search_helped", str(pantry.id), user="U0GUEST", team="T0EAST", user_team="T0EAST")
    assert "helped" in _reply(fake_slack)
    assert stored_resources(db)[0].helped_count == 1


def test_guest_detection_asks_users_info_never_a_commands_user_team_id(slack, fake_slack, db):
    # Slack documents no user_team_id for slash commands: a payload carrying one decides nothing.
    fake_slack.users["U0HOME"] = {"team_id": "T1"}
    slack.command("/resource", "add Westside Pantry, 555-0131, 5 Pine St Eastport", user="U0HOME",
                  user_team="T0OTHER")
    assert [r.name for r in stored_resources(db)] == ["Westside Pantry"]
    fake_slack.users["U0GUEST"] = {"team_id": "T0OTHER"}
    slack.command("/resource", "add Guest Pantry, 555-0132", user="U0GUEST")
    assert "Only members of this workspace" in _reply(fake_slack)
    assert [r.name for r in stored_resources(db)] == ["Westside Pantry"]


# --- escaped once, everywhere -----------------------------------------------------------------------------------

RAW_IN_MRKDWN = re.compile(r"&(?!amp;|lt;|gt;)|<(?![@#!]|https?:|mailto:|tel:)")


def _text_objects(value, kind="mrkdwn"):
    """(kind, text) of every text a message or view holds; a message's `text` fallback is mrkdwn."""
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value["type"], value["text"]
        for key, item in value.items():
            if key == "text" and isinstance(item, str) and "type" not in value:
                yield kind, item
            elif key not in ("private_metadata", "value", "initial_value", "url") and not isinstance(item, str):
                yield from _text_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _text_objects(item)


def test_text_with_ampersands_is_escaped_exactly_once_in_every_message(slack, fake_slack, db):
    slack.command("/resource", "add Food & Friends Pantry, groceries Mon 1-3pm, 555-0141, 1 Main St Eastport")
    slack.command("/partner", "add Food & Friends Network")
    slack.command("/conference", f'{CHANNEL} "Rent & Food huddle" every Tuesday at 10am')
    slack.command("/celebrate", "<@U2> for rides & meals with Food & Friends Network")
    for command, text in [("/resource", "list"), ("/resource", "show Food & Friends Pantry"), ("/partner", "list"),
                          ("/partner", "info Food & Friends Network"), ("/conference", "list"),
                          ("/whohelps", "food & rides"), ("/digest", "preview")]:
        slack.command(command, text)
    slack.home_opened()
    slack.click("open_partner_edit_modal", str(_rows(db, Partner)[0].id))
    checked = 0
    for call in fake_slack.calls():
        args = {key: decoded(value) if key in ("blocks", "view") else value for key, value in call.args.items()}
        for kind, text in _text_objects(args):
            checked += 1
            assert "&amp;amp;" not in text and "&amp;lt;" not in text, (call.method, text)
            if kind == "plain_text":
                assert "&amp;" not in text and "&lt;" not in text, (call.method, text)
            else:
                assert not RAW_IN_MRKDWN.search(text.replace("```", "")), (call.method, text)
    assert checked > 50


def test_plain_ascii_takes_the_short_way_to_the_same_comparison_key():
    alphabet = "abcXYZ019 -_.,;:'&/()+!?@#\t\n`"
    draw = random.Random(7)
    for _ in range(2000):
        text = "".join(draw.choice(alphabet) for _ in range(draw.randint(0, 30)))
        # An accented letter sends the same text down the Unicode path; it folds to "e".
        assert comparison_key(text + " é") == (comparison_key(text) + " e").strip()
        assert fold(text + "é") == fold(text) + "e"
