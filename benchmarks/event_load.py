"""Acks under load: partnerbot against a bare bolt app on the same server settings, in one run.

    python benchmarks/event_load.py [--seconds 20] [--clients 32] [--rate 100] [--rate-seconds 60]

Starts `partnerbot run` (gunicorn, the production server, SQLite seeded with the demo directory) and a bare bolt app
with one `/ping` command that only acks, served by the same `bot.runtime.server.serve` with the same WEB_PROCESSES
and WEB_THREADS. Both are driven with the same slash commands signed exactly like Slack's (`/whohelps <question>`
for partnerbot, `/ping` for the bare app), from load processes separate from both servers:

1. saturation: `--clients` closed-loop clients for `--seconds`;
2. a fixed rate: `--rate` requests per second, open loop, for `--rate-seconds` (partnerbot only; the bare app posts
   no answer).

It prints ack p50/p95/p99 and throughput for each app and their ratio, and for partnerbot the answer latency from
ack to the post reaching the response_url (a busy notice inside the ack counts as an answer at the ack) and the
share answered. Targets (issue 15): at saturation ack p99 < 100 ms and >= 0.8x the bare app's throughput; at the
fixed rate >= 99% answered and p95 ack-to-post < 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.console.fakeslack import FakeSlack  # noqa: E402
from bot.console.slack_payloads import signed_headers  # noqa: E402

SIGNING_SECRET = "load-signing-secret"
QUESTIONS = ["food pantry", "housing for a family tonight", "spanish speaking counseling", "diapers and formula",
             "help paying the electric bill", "transport to dialysis", "legal help with eviction",
             "free dental care", "support group for caregivers", "winter coats for kids"]
LOAD_PROCESSES = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the bare app, served the same way -------------------------------------------------------------------------------

def run_bare(port: int, api_url: str, processes: int, threads: int) -> None:
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from bot.runtime.server import serve

    def build():
        app = App(token="xoxb-load", signing_secret=SIGNING_SECRET,
                  client=__import__("slack_sdk").WebClient(token="xoxb-load", base_url=api_url))
        app.command("/ping")(lambda ack: ack())
        handler = SlackRequestHandler(app, path="/slack/events")

        def application(environ, start_response):
            if environ.get("PATH_INFO") == "/healthz":
                start_response("200 OK", [("Content-Length", "2")])
                return [b"ok"]
            return handler(environ, start_response)

        return application, lambda: None

    serve(build, port=port, host="127.0.0.1", workers=processes, threads=threads)


# --- answers: where the response_urls point --------------------------------------------------------------------------

class Answers:
    """Records when each request's first answer reaches its response_url (/r/<id>)."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        lock = threading.Lock()
        answers = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with lock:
                    answers.at.setdefault(self.path.rsplit("/", 1)[-1], time.time())
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/r/"

    def stop(self) -> None:
        self.server.shutdown()


# --- load --------------------------------------------------------------------------------------------------------------

def _body(command: str, text: str, request_id: str, response_url: str) -> str:
    return urlencode({"token": "x", "team_id": "T1", "team_domain": "demo", "channel_id": "C1",
                      "channel_name": "care-team", "user_id": "U1", "user_name": "u1", "command": command,
                      "text": text, "api_app_id": "APARTNERBOT", "is_enterprise_install": "false",
                      "response_url": response_url + request_id, "trigger_id": f"1.{request_id}"})


def _load_worker(port: int, command: str, response_url: str, clients: int, seconds: float, rate: float,
                 tag: str, results: multiprocessing.Queue) -> None:
    """`clients` threads: closed loop when rate is 0, else each sends at rate/clients per second on a schedule."""
    samples: list[tuple[str, float, float, bool]] = []
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sent = 0
        interval = clients / rate if rate else 0.0
        start = time.time() + (interval * number / clients if rate else 0.0)
        while True:
            if rate:
                due = start + sent * interval
                if due >= stop_at:
                    break
                time.sleep(max(0.0, due - time.time()))
            elif time.time() >= stop_at:
                break
            request_id = f"{tag}-{number}-{sent}"
            body = _body(command, QUESTIONS[sent % len(QUESTIONS)], request_id, response_url)
            headers = signed_headers(SIGNING_SECRET, body, "application/x-www-form-urlencoded")
            began = time.time()
            try:
                connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
                reply = connection.getresponse()
                text = reply.read().decode(errors="replace")
                ok = reply.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                text, ok = "", False
            acked = time.time()
            with lock:
                # A busy notice inside the ack answers the person at once: "busy, answering in a moment" (the
                # answer follows) or "too busy, try again" (nothing follows).
                samples.append((request_id, began, acked, ok and "too busy" in text))
            sent += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(samples)


def drive(port: int, command: str, response_url: str, *, clients: int, seconds: float, rate: float,
          tag: str) -> list[tuple[str, float, float, bool]]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    per_process = max(1, clients // LOAD_PROCESSES)
    workers = [multiprocessing.Process(target=_load_worker, args=(
        port, command, response_url, per_process, seconds, rate / LOAD_PROCESSES, f"{tag}{n}", queue))
        for n in range(LOAD_PROCESSES)]
    for worker in workers:
        worker.start()
    samples = [sample for _ in workers for sample in queue.get(timeout=seconds + 120)]
    for worker in workers:
        worker.join()
    return samples


# --- servers -----------------------------------------------------------------------------------------------------------

def wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("a server exited during start-up")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("a server did not start within 60 s")


def start_partnerbot(folder: str, fake: FakeSlack, port: int, env_extra: dict[str, str]) -> subprocess.Popen:
    from bot.console.demo import seed_demo_directory
    from bot.platform.db import Database

    database_url = f"sqlite:///{folder}/partnerbot.db"
    db = Database(database_url)
    db.upgrade()
    with db.session() as session:
        seed_demo_directory(session, "T1")
    db.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SLACK_BOT_TOKEN": "xoxb-load", "SLACK_SIGNING_SECRET":
           SIGNING_SECRET, "SLACK_APP_TOKEN": "", "SLACK_API_URL": fake.api_url, "DATABASE_URL": database_url,
           "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "ERROR", **env_extra}
    process = subprocess.Popen([sys.executable, "-m", "bot.runtime.cli", "run"], cwd=folder, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}", process)
    return process


def start_bare(fake: FakeSlack, port: int, processes: int, threads: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--bare", str(port), fake.api_url,
                                str(processes), str(threads)], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}", process)
    return process


# --- figures -----------------------------------------------------------------------------------------------------------

def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ack_figures(samples, seconds: float) -> tuple[list[float], float]:
    acks = [(acked - began) * 1000 for _id, began, acked, _refused in samples]
    return acks, len(samples) / seconds


def answer_figures(samples, answers: Answers, settle: float = 10.0) -> tuple[list[float], float, int]:
    deadline = time.time() + settle
    while time.time() < deadline and sum(1 for s in samples if s[0] in answers.at or s[3]) < len(samples):
        time.sleep(0.2)
    delays = []
    for request_id, _began, acked, refused in samples:
        if refused:
            delays.append(0.0)
        elif request_id in answers.at:
            delays.append(max(0.0, (answers.at[request_id] - acked) * 1000))
    refused = sum(1 for s in samples if s[3])
    return delays, len(delays) / max(len(samples), 1), refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--rate-seconds", type=float, default=60.0)
    args = parser.parse_args()
    processes, threads = 1, 8  # the SQLite shape: one process, the default WEB_THREADS

    answers = Answers()
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as fake:
        bot_port, bare_port = free_port(), free_port()
        partnerbot = start_partnerbot(folder, fake, bot_port, {"WEB_THREADS": str(threads)})
        bare = start_bare(fake, bare_port, processes, threads)
        try:
            drive(bare_port, "/ping", answers.url, clients=args.clients, seconds=2, rate=0, tag="warm-bare")
            drive(bot_port, "/whohelps", answers.url, clients=4, seconds=2, rate=0, tag="warm-bot")
            bare_samples = drive(bare_port, "/ping", answers.url, clients=args.clients, seconds=args.seconds,
                                 rate=0, tag="bare")
            bot_samples = drive(bot_port, "/whohelps", answers.url, clients=args.clients, seconds=args.seconds,
                                rate=0, tag="sat")
            bare_acks, bare_rps = ack_figures(bare_samples, args.seconds)
            bot_acks, bot_rps = ack_figures(bot_samples, args.seconds)
            sat_delays, sat_answered, sat_busy = answer_figures(bot_samples, answers)
            time.sleep(5)  # let the queue drain before the fixed-rate run
            rate_samples = drive(bot_port, "/whohelps", answers.url, clients=16, seconds=args.rate_seconds,
                                 rate=args.rate, tag="rate")
            rate_acks, rate_rps = ack_figures(rate_samples, args.rate_seconds)
            rate_delays, rate_answered, rate_busy = answer_figures(rate_samples, answers)
        finally:
            for process in (partnerbot, bare):
                process.terminate()
                process.wait(timeout=30)
            answers.stop()

    print(f"server: {processes} process x {threads} request threads; load: {args.clients} closed-loop clients "
          f"for {args.seconds:.0f} s, then {args.rate:.0f} req/s open loop for {args.rate_seconds:.0f} s")
    print(f"{'':<34}{'ack p50':>9}{'p95':>8}{'p99':>8}{'req/s':>9}   answer (ack to post)")
    print(f"{'bare bolt /ping, saturation':<34}{pct(bare_acks, 50):8.1f} {pct(bare_acks, 95):7.1f} "
          f"{pct(bare_acks, 99):7.1f} {bare_rps:8.0f}   -")
    print(f"{'partnerbot /whohelps, saturation':<34}{pct(bot_acks, 50):8.1f} {pct(bot_acks, 95):7.1f} "
          f"{pct(bot_acks, 99):7.1f} {bot_rps:8.0f}   p50 {pct(sat_delays, 50):.0f} ms, p95 "
          f"{pct(sat_delays, 95):.0f} ms; answered {sat_answered:.1%} ({sat_busy} of {len(bot_samples)} "
          "refused as too busy)")
    print(f"{'partnerbot /whohelps, fixed rate':<34}{pct(rate_acks, 50):8.1f} {pct(rate_acks, 95):7.1f} "
          f"{pct(rate_acks, 99):7.1f} {rate_rps:8.0f}   p50 {pct(rate_delays, 50):.0f} ms, p95 "
          f"{pct(rate_delays, 95):.0f} ms; answered {rate_answered:.1%} ({rate_busy} of {len(rate_samples)} "
          "refused as too busy)")
    ratio = bot_rps / bare_rps if bare_rps else float("nan")
    met = (pct(bot_acks, 99) < 100 and ratio >= 0.8 and rate_answered >= 0.99 and pct(rate_delays, 95) < 1000)
    print(f"throughput ratio partnerbot / bare: {ratio:.2f}")
    print("targets (saturation: ack p99 < 100 ms, ratio >= 0.8; fixed rate: >= 99% answered, p95 < 1 s):",
          "met" if met else "NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--bare":
        run_bare(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(main())
