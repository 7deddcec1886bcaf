"""Block Kit for search answers (bot.search.views): pure functions, no Slack, no database."""

import json
from datetime import UTC, datetime

from bot.partners.matching import PartnerMatch
from bot.search import views
from bot.search.query import Modifiers, parse_query
from bot.search.service import NeedAnswer, ResourceHit, SearchAnswer


def hit(number: int, **fields) -> ResourceHit:
    values = dict(resource_id=number, name=f"Pantry {number}", organization="", description="", phone="555-0100",
                  website="https://pantry.example.org", email="", address="1 Main St", city="Eastport", state="OR",
                  postal_code="97201", hours="Mon 9-5", eligibility="Anyone", languages="English;Spanish",
                  categories="food", created_by="ULOG", verified_by=None, verified_at=None, helped_count=0,
                  outdated_count=0, score=1.0, reasons=("Food",))  # fmt: skip
    values.update(fields)
    return ResourceHit(**values)


def answer_for(question: str, hits_per_need: int = 5, partners: int = 0) -> SearchAnswer:
    parsed = parse_query(question)
    needs = [
        NeedAnswer(need, [hit(i * 10 + n) for n in range(hits_per_need)],
                   [PartnerMatch(p, f"Partner {p}", None, "", ["UP"], [], [], "", "") for p in range(partners)],
                   has_more=True)
        for i, need in enumerate(parsed.needs)
    ]  # fmt: skip
    return SearchAnswer(parsed.text, "", parsed.modifiers, needs)


def test_a_long_multi_need_answer_stays_within_slack_limits():
    answer = answer_for("food, rides, rent, childcare and a lawyer", partners=5)
    blocks = views.answer_blocks(answer)
    assert len(answer.needs) == 5
    assert len(blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks)
    assert "first 3 needs" in json.dumps(blocks)


def test_user_typed_resource_fields_are_escaped_and_never_broadcast():
    shown = hit(1, name="<!channel> *Free* food", website="javascript:alert(1)", hours="<@U123> 9-5")
    answer = SearchAnswer("food", "", Modifiers(), [NeedAnswer(parse_query("food").needs[0], [shown])])
    text = json.dumps(views.answer_blocks(answer))
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "<javascript:" not in text


def test_a_card_shows_every_detail_and_who_verified_it():
    verified = datetime(2026, 11, 2, 15, tzinfo=UTC)
    card = views._hit_text(1, hit(7, organization="Eastport Community Action", verified_at=verified,
                                  verified_by="USTEWARD", reasons=("Food", "speaks Spanish")))  # fmt: skip
    for expected in ("*1. Pantry 7* · Eastport Community Action", "_Why: Food, speaks Spanish_", "555-0100",
                     "<https://pantry.example.org|pantry.example.org>", "1 Main St, Eastport, OR, 97201",
                     "Mon 9-5", "*Eligibility:* Anyone", "*Languages:* English, Spanish", "by <@USTEWARD>",
                     "logged by <@ULOG>", "Nov 2, 2026"):  # fmt: skip
        assert expected in card, expected


def test_nothing_found_offers_to_log_a_resource():
    parsed = parse_query("dog grooming")
    answer = SearchAnswer(parsed.text, "", parsed.modifiers, [NeedAnswer(parsed.needs[0])])
    blocks = views.answer_blocks(answer)
    assert "nobody in the directory" in json.dumps(blocks)
    assert [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]] == [
        "open_resource_modal"]  # fmt: skip


def test_show_more_value_round_trips_and_rejects_garbage():
    value = views.show_more_value("rides to dialysis", 0, 5)
    assert views.parse_show_more_value(value) == ("rides to dialysis", 0, 5)
    for bad in ("", "{", "[]", '{"q": "x"}', '{"q": "x", "n": "a", "o": 1}'):
        assert views.parse_show_more_value(bad) is None


def test_problems_have_friendly_messages():
    for problem in ("empty", "too_long", "no_need"):
        blocks = views.answer_blocks(SearchAnswer("", "", Modifiers(), [], problem=problem))
        assert blocks[0]["text"]["text"] == views.PROBLEMS[problem]


def _slack_checks(blocks: list[dict]) -> None:
    """What Slack checks before accepting a message or view: block_id unique within it, action_id within a block."""
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert len(block_ids) == len(set(block_ids)), block_ids
    for block in blocks:
        action_ids = [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
        assert len(action_ids) == len(set(action_ids)), action_ids


def test_every_builder_keeps_ids_unique_with_overlapping_data():
    parsed = parse_query("food and rides and rent")
    shared = hit(7)  # one resource answering every need
    needs = [NeedAnswer(need, [shared, hit(8), hit(9)], [PartnerMatch(1, "Partner 1", None, "", ["UP"], [], [], "",
                                                                      "")], has_more=True)
             for need in parsed.needs]  # fmt: skip
    needs.append(NeedAnswer(parsed.needs[0]))  # nobody covers it
    needs.append(NeedAnswer(parsed.needs[1], uncovered="equine therapy"))
    answer = SearchAnswer("food and rides and rent", "Removed for privacy: a name", parsed.modifiers, needs)
    assert views.MAX_NEEDS_SHOWN >= 3
    rendered = [views.answer_blocks(answer), views.search_modal()["blocks"]]
    rendered += [views.answer_blocks(answer, only_need=index) for index in range(len(needs))]
    rendered += [views.need_blocks(answer, index, need) for index, need in enumerate(needs)]
    rendered.append([block for index, need in enumerate(needs) for block in views.need_blocks(answer, index, need)])
    for blocks in rendered:
        _slack_checks(blocks)
    text = json.dumps(views.answer_blocks(answer))
    assert text.count('"search_hit_') == 3 * 3
    assert text.count('_7"') == 3  # the shared resource appears under each need shown, with its own ids
