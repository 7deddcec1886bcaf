"""HTTP mode: bolt behind gunicorn (threaded worker), with a health check and a graceful stop.

POST /slack/events takes events, slash commands, interactivity and shortcuts; GET /healthz answers 200 when the
database answers. On SIGTERM gunicorn stops accepting, lets in-flight requests finish, then the worker stops the
scheduler before it exits.
"""

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def wsgi_app(app: App, db: Database) -> Callable[..., Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method in ("GET", "HEAD"):
            healthy = db.ping()
            body = json.dumps({"ok": healthy, "database": "ok" if healthy else "unreachable"}).encode()
            start_response("200 OK" if healthy else "503 Service Unavailable",
                           [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path == EVENTS_PATH and method == "POST":
            return slack(environ, start_response)
        body = b"Not Found"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return application


def serve(build: Callable[[], tuple[Callable[..., Iterable[bytes]], Callable[[], None]]], *, port: int,
          host: str = "0.0.0.0", threads: int = 8, graceful_seconds: int = 20) -> None:
    """Runs gunicorn in this process. `build()` runs in the worker and returns (wsgi app, stop function)."""
    from gunicorn.app.base import BaseApplication

    stops: list[Callable[[], None]] = []

    class PartnerbotServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread", "threads": threads,
                "graceful_timeout": graceful_seconds, "timeout": 60, "accesslog": None, "errorlog": "-",
                "proc_name": "partnerbot", "worker_exit": lambda server, worker: [stop() for stop in stops],
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Iterable[bytes]]:
            application, stop = build()
            stops.append(stop)
            return application

    PartnerbotServer().run()
