"""The fake Slack refuses what real Slack refuses, with Slack's error names, over real Web API calls.

Each rule has a call Slack accepts beside the one it refuses, so a rule that refused everything would fail too.
"""

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.console import slack_rules
from bot.console.fakeslack import FakeSlack
from tests.conftest import assert_slack_accepted_every_call


@pytest.fixture
def strict():
    with FakeSlack() as fake:
        yield fake, WebClient(token="xoxb-rules", base_url=fake.api_url)


def section(text: str = "hello", **extra) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(action_id: str, label: str = "Go", value: str = "1") -> dict:
    return {"type": "button", "action_id": action_id, "value": value, "text": {"type": "plain_text", "text": label}}


def modal(blocks: list, **extra) -> dict:
    return {"type": "modal", "callback_id": "form", "title": {"type": "plain_text", "text": "A form"},
            "submit": {"type": "plain_text", "text": "Save"}, "blocks": blocks, **extra}


def refused_with(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


def test_a_good_message_is_accepted_and_recorded_without_refusal(strict):
    fake, client = strict
    client.chat_postMessage(channel="C1", text="hi", blocks=[section(block_id="a"), section(block_id="b")])
    assert fake.refusals() == [] and fake.warnings() == []


def test_duplicate_block_id_in_a_message_is_invalid_blocks(strict):
    fake, client = strict
    blocks = [section(block_id="same"), section(block_id="same")]
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="hi", blocks=blocks)) == "invalid_blocks"
    [call] = fake.refusals()
    assert "same" in call.detail


def test_duplicate_block_id_in_a_view_is_invalid_blocks(strict):
    fake, client = strict
    blocks = [section(block_id="x"), {"type": "divider", "block_id": "x"}]
    assert refused_with(lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks})) == \
        "invalid_blocks"
    client.views_publish(user_id="U1", view={"type": "home", "blocks": blocks[:1]})
    assert len(fake.refusals()) == 1


def test_duplicate_action_id_within_a_block_is_invalid_blocks_but_across_blocks_is_fine(strict):
    fake, client = strict
    same_block = [{"type": "actions", "elements": [button("go"), button("go", "Again")]}]
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="t", blocks=same_block)) == \
        "invalid_blocks"
    across = [{"type": "actions", "block_id": "one", "elements": [button("go")]},
              {"type": "actions", "block_id": "two", "elements": [button("go")]}]
    client.chat_postMessage(channel="C1", text="t", blocks=across)
    accessory = [section(accessory=button("go"), block_id="s"), {"type": "actions", "elements": [button("go")]}]
    client.chat_postMessage(channel="C1", text="t", blocks=accessory)
    assert len(fake.refusals()) == 1


@pytest.mark.parametrize("block", [
    section("x" * 3001),  # section text limit
    {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}},
    {"type": "actions", "elements": [button(f"b{i}") for i in range(26)]},  # at most 25 elements
    {"type": "actions", "elements": [button("b", label="l" * 76)]},  # button text at most 75
    section(block_id="b" * 256),
    {"type": "section"},  # neither text nor fields
    {"type": "no_such_block"},
], ids=["section-text", "header-text", "actions-elements", "button-text", "block-id-length", "empty-section",
        "unknown-type"])
def test_block_kit_limits_are_checked_with_slack_sdk_models(strict, block):
    _, client = strict
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="t", blocks=[block])) == \
        "invalid_blocks"


def test_more_than_fifty_blocks_in_a_message_is_invalid_blocks(strict):
    _, client = strict
    blocks = [{"type": "divider"} for _ in range(51)]
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="t", blocks=blocks)) == "invalid_blocks"
    client.chat_postMessage(channel="C1", text="t", blocks=blocks[:50])


def test_post_ephemeral_needs_a_user(strict):
    _, client = strict
    assert refused_with(lambda: client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "t"})) == \
        "invalid_arguments"
    assert refused_with(lambda: client.chat_postEphemeral(channel="C1", user="C2", text="t")) == "user_not_found"
    client.chat_postEphemeral(channel="C1", user="W0GRID", text="t")


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_messages_need_a_channel_and_some_text(strict):
    _, client = strict
    assert refused_with(lambda: client.api_call("chat.postMessage", json={"text": "t"})) == "channel_not_found"
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="")) == "no_text"


def test_text_over_forty_thousand_characters_is_msg_too_long(strict):
    _, client = strict
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="a" * 40_001)) == "msg_too_long"
    client.chat_postMessage(channel="C1", text="a" * 40_000)


def test_message_metadata_needs_an_event_type_and_a_payload(strict):
    _, client = strict
    assert refused_with(lambda: client.chat_postMessage(channel="C1", text="t", metadata={"event_type": "x"})) == \
        "invalid_metadata_format"
    assert refused_with(lambda: client.chat_postMessage(
        channel="C1", text="t", metadata={"event_type": "not ok!", "event_payload": {}})) == "invalid_metadata_format"
    client.chat_postMessage(channel="C1", text="t", metadata={"event_type": "row_sent", "event_payload": {"k": 1}})


def test_file_uploads_need_a_name_a_length_and_the_files(strict):
    fake, client = strict
    assert refused_with(lambda: client.api_call("files.getUploadURLExternal", params={"filename": "a.ics"})) == \
        "invalid_arguments"
    assert refused_with(lambda: client.api_call("files.completeUploadExternal", json={"files": []})) == \
        "invalid_arguments"
    client.files_upload_v2(content="BEGIN:VCALENDAR", filename="meeting.ics", channel="C1")
    assert [call.method for call in fake.refusals()] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


def test_chat_update_needs_the_message_ts(strict):
    _, client = strict
    assert refused_with(lambda: client.api_call("chat.update", json={"channel": "C1", "text": "t"})) == \
        "invalid_arguments"
    client.chat_update(channel="C1", ts="1.000001", text="t")


def test_views_open_needs_a_trigger_used_once(strict):
    _, client = strict
    view = modal([section(block_id="s")])
    assert refused_with(lambda: client.api_call("views.open", json={"view": view})) == "invalid_arguments"
    client.views_open(trigger_id="1.2.abc", view=view)
    assert refused_with(lambda: client.views_open(trigger_id="1.2.abc", view=view)) == "exchanged_trigger_id"


def test_view_limits_are_checked_with_slack_sdk_models(strict):
    _, client = strict
    long_title = modal([section()], title={"type": "plain_text", "text": "t" * 25})
    assert refused_with(lambda: client.views_open(trigger_id="t1", view=long_title)) == "invalid_arguments"
    metadata = modal([section()], private_metadata="m" * 3001)
    assert refused_with(lambda: client.views_open(trigger_id="t2", view=metadata)) == "invalid_arguments"
    many = modal([{"type": "divider"} for _ in range(101)])
    assert refused_with(lambda: client.views_open(trigger_id="t3", view=many)) == "invalid_blocks"
    no_submit = {**modal([{"type": "input", "block_id": "i", "label": {"type": "plain_text", "text": "Name"},
                           "element": {"type": "plain_text_input", "action_id": "v"}}])}
    no_submit.pop("submit")
    assert refused_with(lambda: client.views_open(trigger_id="t4", view=no_submit)) == "invalid_arguments"


def test_views_update_and_publish_need_their_target(strict):
    _, client = strict
    view = modal([section()])
    assert refused_with(lambda: client.api_call("views.update", json={"view": view})) == "invalid_arguments"
    client.views_update(view_id="V1", view=view)
    home = {"type": "home", "blocks": [section()]}
    assert refused_with(lambda: client.api_call("views.publish", json={"view": home})) == "invalid_arguments"
    assert refused_with(lambda: client.views_publish(user_id="U1", view=view)) == "invalid_arguments"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_blocks_without_a_text_fallback_are_accepted_with_a_warning(strict):
    fake, client = strict
    client.chat_postMessage(channel="C1", blocks=[section()])
    [call] = fake.warnings()
    assert call.warnings == [slack_rules.MISSING_TEXT_FALLBACK] and not call.error


def test_a_refused_response_url_post_is_refused_and_recorded(strict):
    fake, _ = strict
    body = json.dumps({"text": "t", "blocks": [section(block_id="a"), section(block_id="a")]}).encode()
    request = urllib.request.Request(fake.response_url("x"), data=body, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 400 and raised.value.read() == b"invalid_blocks"
    assert [call.error for call in fake.refusals()] == ["invalid_blocks"]
    deleting = json.dumps({"delete_original": True}).encode()
    urllib.request.urlopen(urllib.request.Request(fake.response_url("x"), data=deleting,
                                                  headers={"Content-Type": "application/json"}), timeout=10)
    assert len(fake.refusals()) == 1


def test_the_fixture_check_fails_a_test_that_made_a_refused_call(strict):
    fake, client = strict
    assert_slack_accepted_every_call(fake)
    refused_with(lambda: client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "t"}))
    with pytest.raises(AssertionError, match="chat.postEphemeral refused with invalid_arguments"):
        assert_slack_accepted_every_call(fake)
