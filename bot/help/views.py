"""Block Kit for the help text."""

from bot.help.sections import PRIVACY_NOTE, SECTIONS


def help_blocks() -> list[dict]:
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "What partnerbot can do"}},
    ]
    for text in SECTIONS.values():
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": PRIVACY_NOTE}]})
    blocks.append({"type": "actions", "block_id": "help_actions", "elements": [
        {"type": "button", "action_id": "help_dismiss", "text": {"type": "plain_text", "text": "Got it"},
         "value": "dismiss"},
    ]})
    return blocks
