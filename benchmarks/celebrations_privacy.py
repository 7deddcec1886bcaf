"""Patient identifiers in celebrations, measured on text this code did not shape: the `celebrate` cases of
../shared/eval/phi_cases.jsonl (a development set written apart from the code; skipped when absent).

Each case is typed as `/celebrate <text>` into the real app (signed requests, in process, against the recording
fake Slack and a fresh SQLite database) in a channel; when partnerbot offers to register an unknown partner, the
offer is accepted with one click, as a person would. Printed, for every case together:

- forbidden: identifiers found in anything the bot sent (posts, replies, offers, buttons) or stored (every table);
- keep-rate: the words that had to survive found in the channel post or the stored celebration;
- removed-note: of the cases with something to remove, those where the author's reply said what was removed.

The baseline, in the same run on the same cases, is the same flow with redaction switched off: it shows what the
redaction keeps out, and that this harness would notice a leak.

    python benchmarks/celebrations_privacy.py
"""

import json
import secrets
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

import models  # noqa: E402,F401
from bot.celebrations import views  # noqa: E402
from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.console.simulator import SlackSimulator, in_process_transport  # noqa: E402
from bot.platform import privacy  # noqa: E402
from bot.platform.db import Database  # noqa: E402
from bot.runtime.app import build_app  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402
from bot.runtime.slack_client import build_client  # noqa: E402

CASES = Path(__file__).resolve().parents[2] / "shared" / "eval" / "phi_cases.jsonl"
TEAM, USER, CHANNEL = "TBENCH", "UBENCH", "CBENCHTEAM"
REDACTING_MODULES = ("bot.celebrations.service", "bot.partners.names", "bot.partners.service")


def no_redaction(value: str) -> privacy.Redaction:
    return privacy.Redaction(value, {})


def celebrate_cases() -> list[dict]:
    with CASES.open(encoding="utf-8") as handle:
        return [case for line in handle if (case := json.loads(line))["surface"] == "celebrate"]


def _everything_stored(db: Database) -> str:
    with db.engine.connect() as connection:
        names = [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        return json.dumps([[list(map(str, row)) for row in connection.execute(text(f'SELECT * FROM "{name}"'))]
                           for name in names if name != "alembic_version"], ensure_ascii=False)  # fmt: skip


def _register_button(call) -> dict | None:
    blocks = call.args.get("blocks") or []
    return next((e for b in blocks if b.get("type") == "actions" for e in b["elements"]
                 if e["action_id"] == views.REGISTER_ACTION), None)  # fmt: skip


def run_case(case: dict, folder: str) -> dict:
    with ExitStack() as stack:
        fake = stack.enter_context(FakeSlack(team_id=TEAM))
        secret = secrets.token_hex(8)
        settings = replace(Settings(), slack_api_url=fake.api_url, slack_bot_token="xoxb-bench", slack_signing_secret=secret,
                           database_url=f"sqlite:///{folder}/{case['id']}.db", celebration_daily_limit=100)  # fmt: skip
        db = Database(settings.database_url)
        stack.callback(db.dispose)
        db.upgrade()
        app = build_app(settings, db, client=build_client(settings), process_before_response=True)
        slack = SlackSimulator(in_process_transport(app), signing_secret=secret, response_url=fake.response_url,
                               team=TEAM, user=USER, channel=CHANNEL, bot_user=fake.bot_user_id)  # fmt: skip
        slack.command("/celebrate", case["text"])
        offer = next((c for c in fake.calls("response_url") if _register_button(c)), None)
        if offer is not None:
            slack.click(views.REGISTER_ACTION, _register_button(offer)["value"])
        sent = "\n".join(call.text_content() for call in fake.calls())
        stored = _everything_stored(db)
        posts = "\n".join(call.text_content() for call in fake.calls("chat.postMessage"))
        with db.engine.connect() as connection:
            kept_in = posts + json.dumps(connection.execute(text("SELECT text FROM success")).scalars().all())
        replies = "\n".join(call.text_content() for call in fake.calls("response_url"))
    everywhere = (sent + stored).casefold()
    return {
        "forbidden": len(case["forbidden"]),
        "leaked": sum(item.casefold() in everywhere for item in case["forbidden"]),
        "keep": len(case["keep"]),
        "kept": sum(item.casefold() in kept_in.casefold() for item in case["keep"]),
        "told": "Removed for privacy" in replies if case["forbidden"] else None,
    }


def measure(label: str, cases: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = [run_case(case, folder) for case in cases]
    forbidden = sum(r["forbidden"] for r in results)
    keep = sum(r["keep"] for r in results)
    print(
        f"{label:<28} forbidden found {sum(r['leaked'] for r in results):>3}/{forbidden}   "
        f"keep-rate {sum(r['kept'] for r in results) / keep:5.2f} ({sum(r['kept'] for r in results)}/{keep})   "
        f"removed-note {sum(bool(r['told']) for r in results)}/{sum(r['told'] is not None for r in results)} "
        "cases with something to remove"
    )


def main() -> None:
    if not CASES.exists():
        print(f"skipped: {CASES} is absent")
        return
    cases = celebrate_cases()
    measure(f"celebrate ({len(cases)} cases)", cases)
    with ExitStack() as stack:
        for module in REDACTING_MODULES:
            stack.enter_context(mock.patch(f"{module}.redact", no_redaction))
        measure("baseline: no redaction", cases)


if __name__ == "__main__":
    main()
