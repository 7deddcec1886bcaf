"""The `partnerbot` command: run the bot, the offline console, migrations, import, export and reports."""

import argparse
import csv
import logging
import os
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.console import shell
from bot.console.demo import DEMO_TEAM
from bot.digests import report as digest_report
from bot.directory import exporter as resource_exporter
from bot.directory import hsds
from bot.directory import importer as resource_importer
from bot.platform.db import Database
from bot.runtime import jobs as scheduled
from bot.runtime import logs
from bot.runtime.app import build_app
from bot.runtime.scheduler import Scheduler
from bot.runtime.server import bind_address, health_app, serve, wsgi_app
from bot.runtime.settings import Settings, SettingsError, load_settings
from bot.runtime.slack_client import build_client

log = logging.getLogger("partnerbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbot", description="partnerbot: who can help, for care teams.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="connect to Slack (Socket Mode or HTTP); offline console when no tokens are set")
    console = commands.add_parser("console", help="talk to the bot in this terminal, no Slack needed")
    console.add_argument("--script", type=argparse.FileType("r"), help="read lines from FILE instead of the keyboard")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade", "current"], help="upgrade: apply migrations; current: show revision")
    importer = commands.add_parser("import", help="import resources from CSV or Open Referral HSDS JSON")
    importer.add_argument("file")
    importer.add_argument("--team", help="Slack workspace id (default: the bot's own, or the console's demo)")
    exporter = commands.add_parser("export", help="export the directory as CSV or HSDS 3.1 JSON")
    exporter.add_argument("--format", choices=["csv", "hsds"], default="csv")
    exporter.add_argument("--out", help="file to write (default: standard output)")
    exporter.add_argument("--team")
    report = commands.add_parser("report", help="partnership figures since a date, for quarterly reviews")
    report.add_argument("--since", required=True, type=_day, metavar="YYYY-MM-DD",
                        help="the first day the report covers, in DEFAULT_TIMEZONE")
    report.add_argument("--format", choices=["md", "csv"], default="md")
    report.add_argument("--team")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write the day as YYYY-MM-DD, for example --since 2026-07-01"
        ) from None


def warn_about_missing_categories(path: str) -> None:
    """A CSV whose rows name no need categories imports, but /whohelps finds resources by category first: say so
    before importing, and how to fix it."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            if handle.read(1) in ("[", "{", ""):
                return  # HSDS JSON (it carries its own taxonomy) or an empty file (the importer explains)
            handle.seek(0)
            reader = csv.DictReader(handle)
            column = next((h for h in reader.fieldnames or [] if hsds.header_key(h) == "categories"), None)
            rows = [bool((row.get(column) or "").strip()) if column else False for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error):
        return  # the importer reports an unreadable file
    missing = rows.count(False)
    if missing:
        where = "the file has no 'categories' column" if column is None else "their 'categories' cell is empty"
        print(
            f"partnerbot import: warning: {missing} of {len(rows)} rows have no need categories ({where}). "
            "/whohelps finds resources by category first, so these will rarely come up; add a 'categories' "
            "column with values such as food;housing (see README, 'Importing a directory').",
            file=sys.stderr,
        )


def resolve_team(settings: Settings, team: str | None) -> str:
    """--team, else the workspace the bot token belongs to, else the offline console's demo workspace."""
    if team:
        return team
    if settings.has_slack_credentials:

        return build_client(settings).auth_test()["team_id"]

    return DEMO_TEAM


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(Path(".env"))
        logs.configure(settings.log_level)
        return _dispatch(args, settings)
    except SettingsError as problem:
        print(f"partnerbot: {problem}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left early (`partnerbot export | head`): stop quietly, as other command-line tools do. Standard
        # output now points at /dev/null so the flush at exit cannot fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command == "console":

        return shell.run(settings, script=args.script)
    if command == "run":
        return _run(settings)
    if command == "db":

        db = Database(settings.database_url)
        try:
            if args.action == "upgrade":
                db.upgrade()
            revisions = db.current_revisions() if db.ping() else None
        except (SQLAlchemyError, OSError) as error:
            print(f"partnerbot: {database_problem(settings.database_url, error)}", file=sys.stderr)
            return 2
        if revisions is None:
            print(f"partnerbot: {database_problem(settings.database_url, ConnectionError('no answer'))}",
                  file=sys.stderr)
            return 2
        print("database at revision " + (", ".join(sorted(revisions)) or "(none)"))
        return 0
    if command == "import":
        warn_about_missing_categories(args.file)
        return resource_importer.run_cli(args.file, resolve_team(settings, args.team), settings)
    if command == "export":
        return resource_exporter.run_cli(args.format, args.out, resolve_team(settings, args.team), settings)
    if command == "report":
        return digest_report.run_cli(args.since, args.format, resolve_team(settings, args.team), settings)
    raise AssertionError(command)


def _run(settings: Settings) -> int:
    if not (settings.slack_bot_token or settings.slack_app_token or settings.slack_signing_secret):
        print("No Slack tokens in .env: starting the offline console (see README, 'Connect to Slack').",
              file=sys.stderr)
        return shell.run(settings)
    settings.require_slack()
    problem = startup_problem(settings)
    if problem:
        print(f"partnerbot: {problem}", file=sys.stderr)
        return 2
    if settings.socket_mode:
        return _run_socket_mode(settings)
    return _run_http(settings)


def startup_problem(settings: Settings) -> str | None:
    """Migrates the database (once, before any worker starts) and checks the bot token with Slack; one line that
    says what to fix when either cannot be reached, instead of a traceback."""
    try:
        Database(settings.database_url).upgrade()
    except (SQLAlchemyError, OSError) as error:
        return database_problem(settings.database_url, error)
    try:
        # No retries and no library log lines: one attempt, and one line of ours if it fails.
        quiet = logging.getLogger("partnerbot.startup.slack")
        quiet.disabled = True
        WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[],
                  logger=quiet).auth_test()
    except SlackApiError as error:
        code = error.response.get("error") or error.response.status_code
        return (f"Slack refused SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token again from your app's "
                "OAuth & Permissions page.")
    except (SlackClientError, OSError) as error:
        return (f"cannot reach Slack at {settings.slack_api_url} ({_reason(error)}): check the network or proxy, "
                "and SLACK_API_URL.")
    return None


def database_problem(url: str, error: BaseException) -> str:
    where = make_url(url)
    place = where.database if where.get_backend_name() == "sqlite" else f"{where.host}:{where.port or 5432}"
    return (f"cannot reach the database in DATABASE_URL ({where.get_backend_name()} at {place}: {_reason(error)}): "
            "start it or fix DATABASE_URL, then run again.")


def _reason(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or getattr(error, "reason", None) or error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return text[:160]


def _start_services(settings: Settings):
    db = Database(settings.database_url)
    client = build_client(settings)
    app = build_app(settings, db, client=client)
    jobs = Scheduler(db, client, senders=scheduled.SENDERS, planners=scheduled.PLANNERS,
                     tick_seconds=settings.tick_seconds, grace_minutes=settings.reminder_grace_minutes)
    jobs.start()

    def stop() -> None:
        jobs.shutdown()
        app.work_pool.shutdown(wait=True)
        app.notices.shutdown()
        db.dispose()

    return app, db, stop


def _run_http(settings: Settings) -> int:
    def build():
        app, db, stop = _start_services(settings)
        log.info("partnerbot listening for Slack on %s (POST /slack/events, GET /healthz)",
                 bind_address(settings.host, settings.port))
        return wsgi_app(app, db, settings.slack_signing_secret), stop

    serve(build, port=settings.port, host=settings.host, workers=settings.web_processes,
          threads=settings.web_threads)
    return 0


def _stop_on_signals() -> threading.Event:
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    return stopping


def _run_socket_mode(settings: Settings, *, handler_class=None, stopping: threading.Event | None = None) -> int:
    """Socket Mode: no inbound port for Slack; GET /healthz on HOST:PORT says whether the socket is connected."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app, db, stop = _start_services(settings)
    handler = (handler_class or SocketModeHandler)(app, settings.slack_app_token)
    stopping = stopping or _stop_on_signals()
    health = make_server(settings.host, settings.port, health_app(db, handler.client.is_connected),
                         server_class=_HealthServer, handler_class=_QuietHandler)
    threading.Thread(target=health.serve_forever, name="healthz", daemon=True).start()
    try:
        handler.connect()
    except (SlackApiError, SlackClientError, OSError) as error:
        print(f"partnerbot: cannot open the Socket Mode connection ({_reason(error)}): check SLACK_APP_TOKEN "
              "(an xapp- token with connections:write) and the network.", file=sys.stderr)
        health.shutdown()
        stop()
        return 2
    log.info("partnerbot connected to Slack over Socket Mode (GET /healthz on %s)",
             bind_address(settings.host, settings.port))
    stopping.wait()
    log.info("partnerbot stopping")
    handler.close()
    health.shutdown()
    health.server_close()
    stop()
    return 0


class _HealthServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    sys.exit(main())
