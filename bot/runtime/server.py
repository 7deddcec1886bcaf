"""HTTP mode: bolt behind gunicorn (threaded workers), with a health check and a graceful stop; and the health
check alone for Socket Mode.

POST /slack/events takes events, slash commands, interactivity and shortcuts; GET /healthz answers 200 when the
database answers (and, in Socket Mode, when the socket to Slack is connected). On SIGTERM gunicorn stops
accepting, lets in-flight requests finish, then each worker stops its scheduler before it exits. The server binds
HOST:PORT with WEB_PROCESSES worker processes of WEB_THREADS request threads each.
"""

import io
import json
import logging
import sys
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.platform.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


SWITCH_INTERVAL_SECONDS = 0.001
MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; anything bigger is not from Slack


def _reply(start_response: Callable[..., Any], status: str, text: str) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _is_well_formed(body: bytes, content_type: str) -> bool:
    """Bolt assumes a well-formed body; a malformed one must get a 400, not an exception."""
    try:
        text = body.decode("utf-8")
        if "json" in content_type:
            data = json.loads(text)
            return isinstance(data, dict) and isinstance(data.get("event", {}), dict)
        fields = parse_qs(text, keep_blank_values=True)
        if "payload" in fields:
            return isinstance(json.loads(fields["payload"][0]), dict)
        return bool(fields)
    except (UnicodeDecodeError, ValueError):
        return False


def health(db: Database, slack_connected: Callable[[], bool] | None = None) -> tuple[bool, bytes]:
    """(healthy, JSON body): the database answers and, when given, the Socket Mode connection is up."""
    report = {"database": "ok" if db.ping() else "unreachable"}
    if slack_connected is not None:
        report["slack"] = "connected" if slack_connected() else "disconnected"
    healthy = all(value in ("ok", "connected") for value in report.values())
    return healthy, json.dumps({"ok": healthy, **report}).encode()


def _health_reply(db: Database, slack_connected: Callable[[], bool] | None,
                  start_response: Callable[..., Any]) -> list[bytes]:
    healthy, body = health(db, slack_connected)
    start_response("200 OK" if healthy else "503 Service Unavailable",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def health_app(db: Database, slack_connected: Callable[[], bool]) -> Callable[..., Iterable[bytes]]:
    """Socket Mode has no inbound Slack traffic; this answers GET /healthz for the orchestrator."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health_reply(db, slack_connected, start_response)
        return _reply(start_response, "404 Not Found", "Not Found")

    return application


def wsgi_app(app: App, db: Database, signing_secret: str) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret)

    def slack_events(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            return _reply(start_response, "413 Payload Too Large", "Payload too large")
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {"x-slack-request-timestamp": environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""),
                   "x-slack-signature": environ.get("HTTP_X_SLACK_SIGNATURE", "")}
        # Check the signature before looking inside the body, so unsigned junk is never parsed.
        try:
            valid = verifier.is_valid_request(body, headers)
        except ValueError:  # a missing or non-numeric timestamp
            valid = False
        if not valid:
            return _reply(start_response, "401 Unauthorized", "Invalid request signature")
        if not _is_well_formed(body, environ.get("CONTENT_TYPE", "")):
            return _reply(start_response, "400 Bad Request", "Malformed Slack payload")
        environ["wsgi.input"] = io.BytesIO(body)
        return slack(environ, start_response)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health_reply(db, None, start_response)
        if path == EVENTS_PATH and method == "POST":
            return slack_events(environ, start_response)
        return _reply(start_response, "404 Not Found", "Not Found")

    return application


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve(build: Callable[[], tuple[Callable[..., Iterable[bytes]], Callable[[], None]]], *, port: int,
          host: str = "0.0.0.0", workers: int = 1, threads: int = 8, graceful_seconds: int = 20) -> None:
    """Runs gunicorn in this process. `build()` runs in each worker and returns (wsgi app, stop function)."""
    from gunicorn.app.base import BaseApplication

    stops: list[Callable[[], None]] = []

    class PartnerbotServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": bind_address(host, port), "workers": workers, "worker_class": "gthread", "threads": threads,
                "graceful_timeout": graceful_seconds, "timeout": 60, "accesslog": None, "errorlog": "-",
                "proc_name": "partnerbot", "worker_exit": lambda server, worker: [stop() for stop in stops],
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Iterable[bytes]]:
            # Request threads wait for the GIL behind busy work threads; a shorter switch interval (default 5 ms)
            # hands it over sooner, so acks stay fast while the work pool is busy.
            sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
            application, stop = build()
            stops.append(stop)
            return application

    PartnerbotServer().run()
