"""Patient identifiers against the product as care teams use it: how many reach a table, a log line or a bot post,
and how much of what had to be kept is kept.

    python benchmarks/privacy_eval.py [--sets dev,apart1,...,apart13,report,tune] [--cases FILE.jsonl] [--quick]

Sets (each case: surface, text, forbidden, keep):
- dev: ../shared/eval/phi_cases.jsonl, written apart from the code (skipped when the folder is absent);
- apart1 to apart11: tests/data/phi_written_apart_{1,...,11}.jsonl, 70, 70, 60, 60, 50, 50, 50, 50, 50, 50 and 50
  cases in the dev set's format, written apart from the code and tuned on after their first measurement (first
  figures over HTTP: 20/146, 28/162, 27/127, 27/209, 21/144, 18/155, 25/146, 46/207, 41/193, 26/191 and 26/173
  identifiers stored or posted, at fe3acec, 91f97a8, 00f3e39, bd9ad2a, 944925e, ac42918, 5e5e907 and, for the last
  four, af67353; apart5 was 26/144 with the code of bd9ad2a, apart9 39/193 with that of 797a159, apart10 23/191
  with that of 92fdd13, apart11 26/173 with that of d14e30d);
- apart12 and apart13: tests/data/phi_written_apart_{12,13}.jsonl, 50 cases each, written apart in two new voices
  (discharge planners pasting chart fragments; peer coaches and promotoras texting), first measured at cd3cbd1
  over HTTP: 29/230 and 51/276. apart12 was tuned on after that; apart13 is only reported, never read;
- report: the report-only part of tests/data/phi_corpus.json (never tuned on);
- tune: the part of tests/data/phi_corpus.json the engine was tuned on (function level only; no surfaces).

Three runs per set, each for the current engine and for the baseline in the same process (the cue-word
redactor as it was before issue 11, frozen in benchmarks/baselines/cueword_privacy.py):
1. `redact()` alone: forbidden items left in its output, keep items lost.
2. `bot.directory.service.add_resource` in-process (every case's text logged as a resource): the resource row.
3. Surfaces over signed HTTP with the real app and the fake Slack, the way the eval README's scoring rules say:
   resource_add = `/resource add <text>`, whohelps = `/whohelps <text>`, agenda = `/conference agenda 1 add
   <text>` after creating a conference, celebrate = `/celebrate <text>` after registering the partner it names,
   mention = an @mention. A fresh database per case; then every text column of every table, every log line
   (DEBUG, libraries at WARNING as in production) and every Slack call the bot made are scanned. Questions the
   bot asks before keeping something doubtful are left unanswered (the doubtful text is then held, redacted, in
   pending_text and shown in the question: both are scanned); with `--answer save` (the default) the engine's
   surfaces run once more with "Save as shown" clicked on every question, the worst case for leaks.

Forbidden items are matched case-insensitively, and items with seven digits or more also digits-only against
digit runs whose separators are removed. A keep item counts when it is in the record it belongs to (the resource
row, the agenda item, the celebration and its post); phones are compared digits-only.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import SimpleNamespace
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import models  # noqa: E402,F401
from benchmarks.baselines import cueword_privacy  # noqa: E402
from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.console.simulator import SlackSimulator, http_transport  # noqa: E402
from bot.directory import service as directory  # noqa: E402
from bot.directory.commands import AddResource  # noqa: E402
from bot.platform import privacy  # noqa: E402
from bot.platform.actor import Actor  # noqa: E402
from bot.platform.db import Database  # noqa: E402
from bot.runtime.app import build_app  # noqa: E402
from bot.runtime.logs import CHATTY_LIBRARIES  # noqa: E402
from bot.runtime.server import EVENTS_PATH, wsgi_app  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402
from bot.runtime.slack_client import build_client  # noqa: E402
from tests.conftest import TrackingExecutor  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "phi_cases.jsonl"
WRITTEN_APART = {"apart1": ROOT / "tests" / "data" / "phi_written_apart_1.jsonl",
                 "apart2": ROOT / "tests" / "data" / "phi_written_apart_2.jsonl",
                 "apart3": ROOT / "tests" / "data" / "phi_written_apart_3.jsonl",
                 "apart4": ROOT / "tests" / "data" / "phi_written_apart_4.jsonl",
                 "apart5": ROOT / "tests" / "data" / "phi_written_apart_5.jsonl",
                 "apart6": ROOT / "tests" / "data" / "phi_written_apart_6.jsonl",
                 "apart7": ROOT / "tests" / "data" / "phi_written_apart_7.jsonl",
                 "apart8": ROOT / "tests" / "data" / "phi_written_apart_8.jsonl",
                 "apart9": ROOT / "tests" / "data" / "phi_written_apart_9.jsonl",
                 "apart10": ROOT / "tests" / "data" / "phi_written_apart_10.jsonl",
                 "apart11": ROOT / "tests" / "data" / "phi_written_apart_11.jsonl",
                 "apart12": ROOT / "tests" / "data" / "phi_written_apart_12.jsonl",
                 "apart13": ROOT / "tests" / "data" / "phi_written_apart_13.jsonl"}  # fmt: skip
OWN_CORPUS = ROOT / "tests" / "data" / "phi_corpus.json"
SECRET = "privacy-eval-secret"
KEEP_TABLES = {
    "resource_add": ("resource",),
    "mention": ("resource",),
    "agenda": ("conference_agenda_item",),
    "celebrate": ("success",),
}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_sets(names: list[str], cases: Path | None = None) -> dict[str, list[dict]]:
    sets: dict[str, list[dict]] = {}
    if cases:
        sets[cases.name] = _jsonl(cases)
    if "dev" in names:
        if DEV_SET.exists():
            sets["dev"] = _jsonl(DEV_SET)
        else:
            print(f"(dev set skipped: {DEV_SET} is not present)")
    for name, path in WRITTEN_APART.items():
        if name in names:
            sets[name] = _jsonl(path)
    corpus = json.loads(OWN_CORPUS.read_text(encoding="utf-8"))
    for name in ("report", "tune"):
        if name in names:
            sets[name] = corpus[name]
    return sets


# -- matching ------------------------------------------------------------------------------------------------------

_JOINED_DIGITS = re.compile(r"(?<=\d)[\s.\-()/\u2013]{1,3}(?=\d)")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def leaked(item: str, haystack: str) -> bool:
    if item.lower() in haystack.lower():
        return True
    digits = _digits(item)
    return len(digits) >= 7 and digits in _JOINED_DIGITS.sub("", haystack)


def kept(item: str, haystack: str) -> bool:
    if item.lower() in haystack.lower():
        return True
    digits = _digits(item)
    return len(digits) >= 7 and len(digits) >= len(item.replace(" ", "")) - 4 and digits in _digits(haystack)


@dataclass
class Score:
    forbidden: int = 0
    found: int = 0
    keep: int = 0
    lost: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_kind_total: Counter = field(default_factory=Counter)
    by_surface: Counter = field(default_factory=Counter)
    by_surface_total: Counter = field(default_factory=Counter)
    where: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def line(self) -> str:
        keep_rate = (self.keep - self.lost) / self.keep if self.keep else 1.0
        share = self.found / self.forbidden if self.forbidden else 0.0
        where = ", ".join(f"{k} {v}" for k, v in sorted(self.where.items())) or "-"
        return (f"forbidden found {self.found}/{self.forbidden} ({share:.1%})  keep-rate "
                f"{self.keep - self.lost}/{self.keep} = {keep_rate:.3f}  [where: {where}]")


_KIND_HINTS = (
    ("email", re.compile(r"@|\bdot\b")),
    ("date", re.compile(r"^\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}\s*$|^[A-Za-z]+ \d{1,2}, \d{4}$")),
    ("ssn", re.compile(r"^\d{3}[ .\-]?\d{2}[ .\-]?\d{4}$")),
    ("phone", re.compile(r"^\(?\+?\d[\d\s().\-]{6,}\d$")),
    ("address", re.compile(r"^\d+\s+\w+.*\b(?:St|Ave|Rd|Ln|Dr|Ct|Way|Blvd|Lane|Street|Court|Drive|Road|Place)\b", re.I)),
    ("age", re.compile(r"^\d{2,3}\s*(?:yo|y/o|años|years?)", re.I)),
    ("room/bed", re.compile(r"^(?:room|rm|bed)\b", re.I)),
    ("id", re.compile(r"\d")),
    ("name", re.compile(r".")),
)


def kind_of(item: str) -> str:
    return next(kind for kind, pattern in _KIND_HINTS if pattern.search(item))


def score_case(score: Score, case: dict, stored: dict[str, str], keep_in: str) -> None:
    surface = case.get("surface", "text")
    for item in case["forbidden"]:
        kind = kind_of(item)
        score.forbidden += 1
        score.by_kind_total[kind] += 1
        score.by_surface_total[surface] += 1
        places = [where for where, text in stored.items() if leaked(item, text)]
        if places:
            score.found += 1
            score.by_kind[kind] += 1
            score.by_surface[surface] += 1
            for where in places:
                score.where[where] += 1
            score.examples.append(f"{case.get('id', '')} {item!r} in {places}")
    for item in case["keep"]:
        score.keep += 1
        if not kept(item, keep_in):
            score.lost += 1
            score.examples.append(f"{case.get('id', '')} lost {item!r}")


# -- engines -------------------------------------------------------------------------------------------------------

def _baseline(text: str, **_options) -> privacy.Redaction:
    """The cue-word redactor with the current result type (it finds no doubts, so nothing is asked)."""
    result = cueword_privacy.redact(text)
    return privacy.Redaction(result.text, dict(result.removed))


ENGINES = {"engine": privacy.redact, "baseline": _baseline}


@contextmanager
def engine(name: str):
    """Every module of the app that took `redact` from bot.platform.privacy gets the chosen one."""
    chosen = ENGINES[name]
    patched = []
    for module in list(sys.modules.values()):
        module_name = getattr(module, "__name__", "")
        if not module_name.startswith(("bot.", "handlers")) or module_name.startswith("bot.platform.privacy"):
            continue
        if getattr(module, "redact", None) is privacy.redact:
            patched.append((module, "redact", module.redact))
            module.redact = chosen
        if getattr(module, "privacy", None) is privacy:
            patched.append((module, "privacy", privacy))
            module.privacy = SimpleNamespace(**{**vars(privacy), "redact": chosen})
    try:
        yield chosen
    finally:
        for module, attribute, value in patched:
            setattr(module, attribute, value)


# -- runs ----------------------------------------------------------------------------------------------------------


def run_function(cases: list[dict], redact) -> Score:
    score = Score()
    for case in cases:
        text = redact(case["text"]).text
        score_case(score, case, {"redact() output": text}, text)
    return score


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a broken record must not stop the scan
            self.lines.append(str(record.msg))


def _tables(db: Database) -> dict[str, str]:
    from sqlalchemy import inspect, text

    found: dict[str, list[str]] = defaultdict(list)
    with db.engine.connect() as connection:
        for table in inspect(db.engine).get_table_names():
            if table == "alembic_version":
                continue
            result = connection.execute(text(f'SELECT * FROM "{table}"'))
            for row in result:
                for value in row:
                    if isinstance(value, str):
                        found[table].append(value)
                    elif isinstance(value, bytes | memoryview):
                        found[table].append(bytes(value).decode("utf-8", "ignore"))
    return {table: "\n".join(values) for table, values in found.items()}


def run_log_resource(cases: list[dict], template: Path, workdir: Path) -> Score:
    score = Score()
    for index, case in enumerate(cases):
        path = workdir / f"log-{index}.db"
        path.write_bytes(template.read_bytes())
        db = Database(f"sqlite:///{path}")
        with db.session() as session:
            directory.add_resource(session, Actor(team_id="T1", user_id="U1", user_team_id="T1"), AddResource(case["text"]))
        tables = _tables(db)
        db.dispose()
        resource = tables.get("resource", "")
        # Keep items belong to a resource only for the surfaces that log one.
        judged = case if case.get("surface", "resource_add") in KEEP_TABLES and case.get("surface") not in (
            "agenda", "celebrate") and not (case.get("surface") == "mention" and "log resource" not in case["text"]) \
            else {**case, "keep": []}
        score_case(score, judged, {"resource table": resource}, resource)
    return score


_PARTNER_IN_CELEBRATION = re.compile(r"\bwith\s+(.+?)\s+for\b")


def _send(slack: SlackSimulator, case: dict) -> None:
    text, surface = case["text"], case.get("surface", "resource_add")
    if surface == "resource_add":
        slack.command("/resource", "add " + text)
    elif surface == "whohelps":
        slack.command("/whohelps", text)
    elif surface == "agenda":
        slack.command("/conference", '<#C1|care-team> "Monthly case conference" every first Tuesday at 10am')
        slack.command("/conference", "agenda 1 add " + text)
    elif surface == "celebrate":
        partner = _PARTNER_IN_CELEBRATION.search(text)
        if partner:
            slack.command("/partner", "add " + partner.group(1))
        slack.command("/celebrate", text)
    elif surface == "mention":
        slack.mention(text)
    else:
        raise ValueError(f"unknown surface {surface!r}")


def _answer_questions(slack: SlackSimulator, fake: FakeSlack, choice: str) -> None:
    """Clicks `choice` (save | trim) on every "ask before keeping" question the bot sent, as the person would."""
    suffix = f"_review_{choice}"
    for call in list(fake.calls("response_url")):
        blocks = call.args.get("blocks") or []
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        for block in blocks:
            for element in block.get("elements", []) if isinstance(block, dict) else []:
                if str(element.get("action_id", "")).endswith(suffix):
                    slack.click(element["action_id"], element.get("value"))


def run_http(cases: list[dict], template: Path, workdir: Path, capture: _Capture, answer: str = "none") -> Score:
    score = Score()
    for index, case in enumerate(cases):
        path = workdir / f"http-{index}.db"
        path.write_bytes(template.read_bytes())
        db = Database(f"sqlite:///{path}")
        with FakeSlack() as fake:
            settings = replace(Settings(), slack_bot_token="xoxb-eval", slack_signing_secret=SECRET,
                               slack_api_url=fake.api_url, database_url=db.url,
                               default_timezone="America/Chicago")
            client = build_client(settings)
            executor = TrackingExecutor()
            app = build_app(settings, db, client=client, listener_executor=executor)
            server = make_server("127.0.0.1", 0, wsgi_app(app, db, SECRET), handler_class=_Quiet)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            slack = SlackSimulator(http_transport(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"),
                                   signing_secret=SECRET, response_url=fake.response_url,
                                   bot_user=fake.bot_user_id, after_send=executor.wait_idle)
            replies: list[str] = []
            slack.transport = _recording(slack.transport, replies)
            fake.reset()
            capture.lines.clear()
            _send(slack, case)
            if answer != "none":
                _answer_questions(slack, fake, answer)
            posts = "\n".join(json.dumps(call.args, ensure_ascii=False, default=str) for call in fake.calls())
            server.shutdown()
            server.server_close()
            executor.shutdown(wait=True)
        tables = _tables(db)
        db.dispose()
        stored = {f"table {name}": value for name, value in tables.items()}
        stored["log"] = "\n".join(capture.lines)
        stored["bot post"] = posts + "\n" + "\n".join(replies)
        keep_in = "\n".join(tables.get(name, "") for name in KEEP_TABLES.get(case.get("surface", ""), ()))
        if case.get("surface") == "celebrate":
            keep_in += "\n" + posts
        score_case(score, case, stored, keep_in)
    return score


def _recording(transport, replies: list[str]):
    def send(body, headers):
        reply = transport(body, headers)
        replies.append(reply.body)
        return reply

    return send


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _report(title: str, score: Score, verbose: bool) -> None:
    print(f"  {title:<34} {score.line()}")
    kinds = ", ".join(f"{kind} {score.by_kind[kind]}/{total}" for kind, total in sorted(score.by_kind_total.items()))
    print(f"  {'':<34} per kind: {kinds}")
    if len(score.by_surface_total) > 1 or "text" not in score.by_surface_total:
        surfaces = ", ".join(f"{s} {score.by_surface[s]}/{t}" for s, t in sorted(score.by_surface_total.items()))
        print(f"  {'':<34} per surface: {surfaces}")
    if verbose:
        for example in score.examples:
            print(f"  {'':<36}- {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="dev,apart1,apart2,apart3,apart4,apart5,apart6,apart7,apart8,apart9,apart10,apart11,apart12,apart13,report,tune")
    parser.add_argument("--cases", type=Path, help="also measure this file of cases (the dev set's format), "
                        "such as a new set written apart before anything is tuned on it")
    parser.add_argument("--quick", action="store_true", help="function level only (no database, no HTTP)")
    parser.add_argument("--verbose", action="store_true", help="print the items found or lost")
    parser.add_argument("--answer", choices=("none", "save", "trim"), default="save",
                        help="also run the surfaces clicking this choice on every ask-before-keeping question")
    args = parser.parse_args(argv)
    sets = load_sets([name for name in args.sets.split(",") if name], args.cases)
    privacy.warm()
    capture = _Capture()
    capture.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        template = workdir / "template.db"
        migrated = Database(f"sqlite:///{template}")
        migrated.upgrade()
        migrated.dispose()  # folds the WAL into the file, so a plain copy is complete
        for set_name, cases in sets.items():
            print(f"== {set_name}: {len(cases)} cases, {sum(len(c['forbidden']) for c in cases)} forbidden items, "
                  f"{sum(len(c['keep']) for c in cases)} keep items")
            for engine_name in ("engine", "baseline"):
                with engine(engine_name) as redact:
                    started = time.perf_counter()
                    _report(f"{engine_name}: redact()", run_function(cases, redact), args.verbose)
                    if not args.quick:
                        _report(f"{engine_name}: add_resource", run_log_resource(cases, template, workdir),
                                args.verbose)
                        if all("surface" in case for case in cases):
                            _report(f"{engine_name}: surfaces over HTTP",
                                    run_http(cases, template, workdir, capture), args.verbose)
                            if engine_name == "engine" and args.answer != "none":
                                _report(f"{engine_name}: HTTP, questions: {args.answer}",
                                        run_http(cases, template, workdir, capture, args.answer), args.verbose)
                    print(f"  {'':<34} ({time.perf_counter() - started:.1f} s)")
    root.removeHandler(capture)
    _speed([case["text"] for cases in sets.values() for case in cases])
    return 0


def _speed(texts: list[str]) -> None:
    """Time per message and on 100,000 characters of dense identifiers, engine beside baseline (no target: the
    bot refuses messages over 4,000 characters; this shows the cost and that it grows linearly)."""
    unit = "pt Rosalind Whitfield DOB 3/4/1944 SSN 412-55-9021 her cell 555-0194 97 yo bed 4 MRN4410293. "
    print("== speed")
    for name, redact in ENGINES.items():
        started = time.perf_counter()
        for text in texts:
            redact(text)
        per_message = (time.perf_counter() - started) / max(1, len(texts)) * 1000
        timings = []
        for size in (10_000, 100_000):
            long_text = (unit * (size // len(unit) + 1))[:size]
            started = time.perf_counter()
            redact(long_text)
            timings.append(f"{size:,} chars {time.perf_counter() - started:.2f} s")
        print(f"  {name:<10} {per_message:.1f} ms per message; " + "; ".join(timings))


if __name__ == "__main__":
    raise SystemExit(main())
