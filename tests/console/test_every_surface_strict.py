"""Every command, button and form, driven over signed HTTP with overlapping data, and not one call Slack would
refuse.

The run seeds data that collides on purpose (one resource answering several needs, a partner and a resource of
the same name, two conferences in one channel), sends every registered command with its usual verbs, mentions,
DMs, a watched channel, a reaction, the message shortcut and the Home tab, lets scheduled deliveries fall due,
then presses every button the bot showed and submits every form it opened, following what those open in turn.
The strict fake Slack refuses what Slack refuses (bot/console/slack_rules.py); the run must end with none.

Every public Block Kit builder in bot/*/views.py is watched while this runs: each result is checked the way Slack
checks it (block_id unique within the message or view, action_id unique within its block), and the builders the
run never reached are listed, so a new builder cannot hide from the check.
"""

import functools
import importlib
import inspect
import json
import pkgutil
import sys
from collections import Counter
from datetime import date, timedelta

import pytest

import bot
from bot.console import slack_rules
from bot.directory import views as directory_views
from bot.platform.clock import utcnow
from bot.runtime import jobs
from tests.factories import log_resource
from tests.registrations import registered

COMMAND_TEXTS = {
    "/partnerbot": ["", "help"],
    "/resource": ["", "help", "list", "list food", "show Eastside Community Center", "edit Eastside Community Center",
                  "edit Eastside Community Center phone 555-0143", "verify Eastside Community Center", "stewards", "watch on", "retire Hope Shelter",
                  "restore Hope Shelter", "add Eastside Community Center, food pantry, 555-0142, Eastport",
                  "add seniors 60+"],
    "/whohelps": ["", "help", "food and rides", "food and rides and housing for seniors in Spanish near Eastport",
                  "food", "tacos on the moon"],
    "/conference": ["", "help", "list", "facilitators 1 <@U2|ana> <@U3|raj>", "agenda 1",
                    "agenda 1 add Family needs housing after an eviction notice", "skip 1 2099-01-06", "move 1",
                    "ics 1", "show 1", "cancel 2"],
    "/partner": ["", "help", "list", "show Eastside Community Center", "edit Eastside Community Center",
                 "mou Eastside Community Center renews 2027-06-30",
                 "aim Eastside Community Center connect 50 shared clients to food by 2027-06-30",
                 "scorecard Eastside Community Center", "rename Eastside Community Center to Eastside CC",
                 "remove Hope Shelter"],
    "/celebrate": ["", "help", "<@U2|ana> with Eastside Community Center for rides to every dialysis session",
                   "<@U2|ana> with Northwind Mutual Aid for a family's first month of groceries", "recap"],
    "/refer": ["", "help", "Eastside CC for food a family of four needs groceries this week",
               "urgent Eastside CC for rides", "Nowhere Org for food", "list", "list open", "list mine",
               "list Eastside CC", "show R-ZZZZ"],
    "/digest": ["", "help", "subscribe every other friday at 4pm", "preview", "show", "unsubscribe"],
}
SEED = [
    ("/resource", "add Eastside Community Center, food pantry and free rides to appointments and rent help, "
                  "555-0142, 12 Main St Eastport, Spanish spoken, seniors"),
    ("/resource", "add Eastside Community Centre, groceries and rides, 555-0142, Eastport"),
    ("/resource", "add Hope Shelter, emergency housing and hot meals, 555-0101, Eastport"),
    ("/resource", "add Eastport Ride Line, free rides to dialysis for seniors, 555-0177, Eastport"),
    ("/partner", "add Eastside Community Center <#C1|care-team>"),
    ("/partner", "add Hope Shelter"),
    ("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am'),
    ("/conference", '<#C1|care-team> "Monthly case conference" every second Tuesday at 10am'),
] + [("/resource", f"add {place} Food Pantry, groceries and rides to appointments, 555-01{50 + n}, {place}")
     for n, place in enumerate(("Northside", "Southside", "Westport", "Lakeview", "Hillcrest", "Riverside"))]
NOT_CLICKED = {"help_dismiss"}  # deletes the message the next buttons live on; pressed once, last
TIMES_PER_BUTTON = 2
TIMES_PER_FORM = 2


def _view_modules():
    for info in pkgutil.iter_modules(bot.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"bot.{info.name}.views")
            except ModuleNotFoundError:
                continue


def _blocks_in(result):
    """The blocks a builder returned (a list of blocks, one block, a view, or a (text, blocks) pair), or None if it
    built something else."""
    if isinstance(result, tuple):
        found = [blocks for blocks in map(_blocks_in, result) if blocks is not None]
        return found[0] if found else None
    if isinstance(result, dict) and isinstance(result.get("blocks"), list):
        return result["blocks"]
    if isinstance(result, dict) and "type" in result and "block_id" in result:
        return [result]
    if isinstance(result, list) and result and all(isinstance(item, dict) and "type" in item for item in result):
        return result
    return None


@pytest.fixture
def watched_builders(monkeypatch):
    """Every public function of bot/*/views.py, wrapped: called names counted, results checked like Slack."""
    called: Counter = Counter()
    problems: list[str] = []
    names: set[str] = set()
    for module in _view_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            qualified = f"{module.__name__}.{name}"
            names.add(qualified)

            def watching(*args, _function=function, _name=qualified, **kwargs):
                result = _function(*args, **kwargs)
                called[_name] += 1
                blocks = _blocks_in(result)
                if blocks is not None:
                    try:
                        slack_rules.check_blocks(blocks)
                    except slack_rules.Refusal as refusal:
                        problems.append(f"{_name}: {refusal}")
                return result

            wrapped = functools.wraps(function)(watching)
            for holder in _modules_holding(function):  # `from bot.x.views import f` keeps its own reference
                for attribute, value in list(vars(holder).items()):
                    if value is function:
                        monkeypatch.setattr(holder, attribute, wrapped)
    return names, called, problems


def _modules_holding(function) -> list:
    return [module for name, module in list(sys.modules.items())
            if name.split(".")[0] in ("bot", "handlers") and module is not None
            and any(value is function for value in vars(module).values())]


def _submitted_state(element: dict) -> dict | None:
    kind = element.get("type")
    initial = next((value for key, value in element.items() if key.startswith("initial_")), None)
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    if kind == "plain_text_input":
        return {"type": kind, "value": initial or _typed_for(element.get("action_id", ""))}
    if kind in ("static_select", "radio_buttons"):
        return {"type": kind, "selected_option": initial or (options[0] if options else None)}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": initial or options[:2]}
    simple = {
        "users_select": ("selected_user", "U2"), "multi_users_select": ("selected_users", ["U2", "U3"]),
        "conversations_select": ("selected_conversation", "C1"), "channels_select": ("selected_channel", "C1"),
        "multi_conversations_select": ("selected_conversations", ["C1"]),
        "multi_channels_select": ("selected_channels", ["C1"]),
        "datepicker": ("selected_date", (utcnow() + timedelta(days=9)).date().isoformat()),
        "timepicker": ("selected_time", "10:00"), "number_input": ("value", "2"),
        "email_text_input": ("value", "help@example.org"), "url_text_input": ("value", "https://example.org"),
    }
    if kind in simple:
        key, default = simple[kind]
        return {"type": kind, key: initial if initial is not None else default}
    return None


def _typed_for(action_id: str) -> str:
    """What a care coordinator would type into a text field, judged by its name."""
    for hint, typed in (("phone", "555-0142"), ("email", "help@example.org"), ("web", "https://example.org"),
                        ("link", "https://meet.example.org/case"), ("timezone", "America/Chicago"),
                        ("interval", "1"), ("days", "5"), ("hours", "2"), ("city", "Eastport"),
                        ("address", "12 Main St"), ("name", "Eastside Community Center"), ("title", "Case huddle")):
        if hint in action_id:
            return typed
    return "food pantry and rides"


class Crawl:
    """Presses each button the bot shows and submits each form it opens, until nothing new appears."""

    def __init__(self, slack, fake_slack) -> None:
        self.slack, self.fake = slack, fake_slack
        self.looked_at = 0
        self.clicked: Counter = Counter()
        self.submitted: Counter = Counter()

    def run(self, rounds: int = 6) -> None:
        for _ in range(rounds):
            calls = self.fake.calls()[self.looked_at:]
            self.looked_at += len(calls)
            if not calls:
                return
            for call in calls:
                self._follow(call)

    def _follow(self, call) -> None:
        args = call.args
        if call.method in ("views.open", "views.push", "views.update", "views.publish"):
            view = args["view"] if isinstance(args["view"], dict) else json.loads(args["view"])
            self._press_all(view.get("blocks") or [], view=view)
            if view.get("type") == "modal" and view.get("callback_id") and view.get("submit"):
                self._submit(view)
        elif call.method in slack_rules.MESSAGE_METHODS:
            blocks = args.get("blocks") or []
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            channel = args.get("channel") or self.slack.channel
            if str(channel)[:1] in ("U", "W"):
                channel = "D" + str(channel).lstrip("UW")
            message = {"text": args.get("text", ""), "blocks": blocks, "user": self.fake.bot_user_id}
            self._press_all(blocks, channel=channel, message=message)

    def _press_all(self, blocks: list, **where) -> None:
        for block in blocks:
            elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
            if isinstance(block.get("accessory"), dict):
                elements.append(block["accessory"])
            for element in elements:
                action_id = element.get("action_id")
                if element.get("type") != "button" or not action_id or action_id in NOT_CLICKED:
                    continue
                if self.clicked[action_id] >= TIMES_PER_BUTTON:
                    continue
                self.clicked[action_id] += 1
                view = where.get("view")
                if view is not None:
                    view = {**view, "id": "VCRAWL", "hash": "h", "state": {"values": {}}}
                reply = self.slack.click(action_id, element.get("value"), block_id=block.get("block_id", "actions"),
                                         channel=where.get("channel"), message=where.get("message"), view=view)
                assert reply.status == 200, f"{action_id}: HTTP {reply.status}"

    def _submit(self, view: dict) -> None:
        callback_id = view["callback_id"]
        if self.submitted[callback_id] >= TIMES_PER_FORM:
            return
        self.submitted[callback_id] += 1
        values: dict[str, dict] = {}
        for block in view.get("blocks") or []:
            element = block.get("element") or {}
            if block.get("type") == "input" and element.get("action_id"):
                state = _submitted_state(element)
                if state is not None:
                    values.setdefault(block["block_id"], {})[element["action_id"]] = state
        reply = self.slack.submit(callback_id, values, private_metadata=view.get("private_metadata", ""))
        assert reply.status == 200, f"{callback_id}: HTTP {reply.status} {reply.body[:200]}"


def test_every_command_button_and_form_is_accepted_by_a_strict_slack(slack, fake_slack, db, watched_builders):
    names, called, problems = watched_builders
    commands = registered().commands
    assert set(COMMAND_TEXTS) >= commands, f"commands this sweep does not drive: {commands - set(COMMAND_TEXTS)}"
    for command, text in SEED:
        assert slack.command(command, text).status == 200
    slack.command("/resource", "steward add <@U2|ana>", user="UADMIN")  # flagged entries then go to a steward
    for command in sorted(commands):
        for text in COMMAND_TEXTS[command]:
            assert slack.command(command, text).status == 200, f"{command} {text}"
    slack.command("/resource", "watch on", channel="CWATCH")
    for wording in ("who can help with food and a ride to get there?", "help", "log resource: Northside Diaper Bank, "
                    "free diapers Sat 10am-1pm, 555-0122", "log resource: for seniors 60+, free rides", "thanks!"):
        slack.mention(wording)
        slack.dm(wording)
    slack.command("/resource", "show Eastside Community Center", user="UADMIN")
    slack.message("Eastside Community Center helped today", channel="CWATCH")
    slack.message("Try Westport Diaper Depot, free diapers Sat 10am-1pm, 555-0188, 9 Dock St Westport",
                  channel="CWATCH")
    slack.message("Thanks to Hope Shelter a family has a home this month :tada:", channel="C1", ts="1700000000.000100")
    slack.reaction("tada", item_ts="1700000000.000100", channel="C1")
    slack.shortcut("log_resource", message_text="Westport Diaper Depot, free diapers, 555-0188, Westport")
    slack.home_opened("U1")
    slack.home_opened("UADMIN")
    renewal = (date(2027, 6, 30) - utcnow().date()).days  # the MOU set above: its reminder falls due
    for days in (1, 8, 35, renewal - 30, renewal - 7, renewal):
        later = utcnow() + timedelta(days=days)
        jobs.plan(db, later)
        jobs.tick(db, slack.client, now=later, grace=timedelta(days=400))

    crawl = Crawl(slack, fake_slack)
    crawl.run()
    jobs.tick(db, slack.client, now=utcnow() + timedelta(minutes=5))  # what the clicks queued (a steward's DM)
    crawl.run()
    slack.click("help_dismiss", "dismiss", block_id="help_actions")

    refused = [f"{call}" for call in fake_slack.refusals()]
    assert refused == [], "Slack would refuse:\n" + "\n".join(refused)
    assert problems == [], "builders Slack would refuse:\n" + "\n".join(problems)
    # The run reached the bot's surfaces: its forms, its buttons and most of its builders.
    assert len(crawl.submitted) >= 6, f"forms submitted: {sorted(crawl.submitted)}"
    assert len(crawl.clicked) >= 20, f"buttons pressed: {sorted(crawl.clicked)}"
    without_fallback = sorted({call.method for call in fake_slack.warnings()})
    assert without_fallback == [], f"blocks without a text fallback in: {without_fallback}"
    unreached = sorted(names - set(called))
    print(f"builders reached: {len(names) - len(unreached)} of {len(names)}; forms: {len(crawl.submitted)}; "
          f"buttons: {len(crawl.clicked)}; Slack calls: {len(fake_slack.calls())}; unreached: {unreached}")
    assert len(unreached) <= len(names) // 5, f"builders this run never reached: {unreached}"


def test_the_steward_notice_the_sweep_does_not_reach_has_unique_ids(db):
    """A flagged resource's DM to its steward: the card's buttons plus "Mark verified" in one block."""
    logged = log_resource(db, "Eastside Community Center, food pantry and rides, 555-0142, 12 Main St Eastport")
    _, blocks = directory_views.outdated_notice(logged.resource, flagged_by="U2")
    slack_rules.check_blocks(blocks)
    assert any(element.get("action_id") == directory_views.VERIFY_ACTION
               for block in blocks for element in block.get("elements", []))
