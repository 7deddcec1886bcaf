"""Help (bot/help, handlers/help.py): one section per feature, within Slack's limits, and the answer to anything
addressed to the bot that no feature claimed."""

from bot.help.sections import PRIVACY_NOTE, SECTIONS, full_help
from bot.help.views import help_blocks

SECTION_TEXT_LIMIT = 3000  # Slack's limit on a section block's text


def test_every_section_and_the_privacy_note_are_in_the_text_and_the_blocks():
    texts = [block["text"]["text"] for block in help_blocks() if block["type"] == "section"]
    assert texts == list(SECTIONS.values())
    assert all(section in full_help() for section in SECTIONS.values()) and PRIVACY_NOTE in full_help()
    assert all(0 < len(text) <= SECTION_TEXT_LIMIT for text in texts)
    assert "{" not in full_help() and "TODO" not in full_help()  # no raw placeholders


def test_a_direct_message_no_feature_claims_gets_the_help(slack, fake_slack):
    slack.dm("the meeting moved to 3pm", user="U2")
    post = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D2"
    assert "/whohelps" in post.text_content() and "/conference" in post.text_content()
