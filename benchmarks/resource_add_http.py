"""`/resource add` end to end through the real server (target: p95 under 200 ms on this 2-core machine).

    python benchmarks/resource_add_http.py [--requests 200] [--postgres URL]

Starts `partnerbot run` (gunicorn, the production HTTP server) in a subprocess against a fake Slack Web API, then
sends slash commands signed exactly like Slack's. One measurement is the time from sending the request until the
reply (the saved card, posted to the response_url) reaches the fake Slack: HTTP, signature check, bolt, redaction,
extraction, duplicate lookup, the database transaction and the reply.

Baseline, measured in the same run and interleaved request by request: `/partnerbot help`, a command that touches
no database, through the same server, signature check, bolt and response_url path.

A third line shows the core alone (bot.directory.service.add_resource in-process on the same database), to tell
the feature's own cost from the transport's.

Runs on SQLite (a temporary file) and, when TEST_DATABASE_URL (or --postgres) reaches a server, on a throwaway
PostgreSQL database.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.console.simulator import SlackSimulator, http_transport  # noqa: E402
from bot.platform.db import ScratchDatabaseUnavailable, scratch_postgres_database  # noqa: E402
from bot.runtime.server import EVENTS_PATH  # noqa: E402

TARGET_P95_MS = 200.0
SIGNING_SECRET = "bench-signing-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(database_url: str, fake: FakeSlack, folder: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": "",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.runtime.cli", "run"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not become healthy within 60 s")


def _timed(simulator: SlackSimulator, fake: FakeSlack, seen: set[int], command: str, text_: str) -> float:
    started = time.perf_counter()
    response = simulator.command(command, text_)
    assert response.status == 200, response.status
    call = fake.wait_for("response_url", where=lambda c: id(c) not in seen, timeout=10)
    elapsed = time.perf_counter() - started
    seen.add(id(call))
    return elapsed * 1000


def _core_only(database_url: str, requests: int) -> list[float]:
    """The directory's service alone (`add_resource`), in this process, on the same database the server just
    filled."""
    from bot.directory import service as directory
    from bot.directory.commands import AddResource
    from bot.platform.actor import Actor
    from bot.platform.db import Database

    db = Database(database_url)
    actor = Actor(team_id="TBENCH", user_id="UBENCH", user_team_id="TBENCH")
    samples = []
    try:
        for i in range(requests):
            text_ = (
                f"Core Pantry {i}, groceries Tue/Thu 2-6pm, 555-{i % 10000:04d}, {i} Oak Ave Westbrook, "
                "pt John Smith DOB 1/2/1950 goes there"
            )
            started = time.perf_counter()
            with db.session() as session:
                directory.add_resource(session, actor, AddResource(text_))
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        db.engine.dispose()
    return samples


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def measure(label: str, database_url: str, requests: int, warmup: int) -> None:
    with tempfile.TemporaryDirectory() as folder, FakeSlack(team_id="TBENCH") as fake:
        server, url = _start_server(database_url, fake, folder)
        try:
            simulator = SlackSimulator(
                http_transport(url + EVENTS_PATH),
                signing_secret=SIGNING_SECRET,
                response_url=fake.response_url,
                team="TBENCH",
                user="UBENCH",
                bot_user=fake.bot_user_id,
            )
            seen: set[int] = set()
            adds, baseline = [], []
            for i in range(warmup + requests):
                add = _timed(
                    simulator,
                    fake,
                    seen,
                    "/resource",
                    f"add Bench Pantry {i}, groceries Tue/Thu 2-6pm, 555-{i % 10000:04d}, "
                    f"{i} Main St Eastport, Spanish spoken, pt John Smith DOB 1/2/1950 goes there",
                )
                noop = _timed(simulator, fake, seen, "/partnerbot", "help")
                if i >= warmup:
                    adds.append(add)
                    baseline.append(noop)
            replies = [c for c in fake.calls("response_url") if "Bench Pantry" in c.text_content()]
            assert len(replies) == warmup + requests and all("John" not in c.text_content() for c in replies)
        finally:
            server.terminate()
            server.wait(timeout=30)
    core = _core_only(database_url, requests)
    add_p50, add_p95 = _percentiles(adds)
    base_p50, base_p95 = _percentiles(baseline)
    verdict = "OK" if add_p95 < TARGET_P95_MS else "OVER"
    print(
        f"{label:<11} /resource add ({requests} requests): p50 {add_p50:6.1f} ms  p95 {add_p95:6.1f} ms  "
        f"{verdict} target p95 < {TARGET_P95_MS:.0f} ms"
    )
    print(
        f"{'':<11} baseline /partnerbot help:        p50 {base_p50:6.1f} ms  p95 {base_p95:6.1f} ms  "
        f"-> /resource add costs {add_p50 / base_p50:.2f}x the baseline at p50, {add_p95 / base_p95:.2f}x at p95"
    )
    core_p50, core_p95 = _percentiles(core)
    print(
        f"{'':<11} of which the core (redact, extract, merge, commit): p50 {core_p50:5.1f} ms  p95 {core_p95:5.1f} ms "
        "(add_resource in-process, same database)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", args.requests, args.warmup)

    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres_database(args.postgres, "partnerbot_bench"))
        except ScratchDatabaseUnavailable as error:  # no server: SQLite figures only
            print(f"PostgreSQL skipped: {error}")
            return 0
        measure("PostgreSQL", url, args.requests, args.warmup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
