"""Shared fixtures: both databases, the recording fake Slack, and the real app served over signed HTTP.

Every test that touches the database runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL; each
PostgreSQL test session works in a throwaway database of its own, so parallel runs never collide. With CI=true an
unreachable PostgreSQL fails the run instead of skipping.
"""

import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy import text

import models  # noqa: F401
from bot.console.fakeslack import FakeSlack
from bot.console.simulator import SlackSimulator, http_transport
from bot.platform.db import Database, ScratchDatabaseUnavailable, scratch_postgres_database
from bot.runtime.app import build_app
from bot.runtime.server import EVENTS_PATH, wsgi_app
from bot.runtime.settings import Settings
from bot.runtime.slack_client import build_client
from bot.runtime.work import WorkPool
from bot.search.gaps import forget_cached_directory_facts

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
IN_CI = os.environ.get("CI", "").lower() == "true"
SIGNING_SECRET = "test-signing-secret-" + uuid.uuid4().hex[:8]


NO_POSTGRES = "TEST_DATABASE_URL is not set"
POSTGRES_EXAMPLE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr or "")
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per reason for skipped tests (pyproject's -r leaves out a line per skipped test): a newcomer
    sees that the PostgreSQL copies did not run and how to run them."""
    reasons = Counter(_skip_reason(report) for report in terminalreporter.stats.get("skipped", []))
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        if reason == NO_POSTGRES:
            terminalreporter.write_line(
                f"{count} PostgreSQL tests skipped ({NO_POSTGRES}); to run them too: "
                f"TEST_DATABASE_URL={POSTGRES_EXAMPLE} make test"
            )
        else:
            terminalreporter.write_line(f"{count} skipped: {reason}")


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql))
    return params


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    if not TEST_DATABASE_URL:
        pytest.skip(NO_POSTGRES)
    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres_database(TEST_DATABASE_URL, "partnerbot_test"))
        except ScratchDatabaseUnavailable as error:
            if IN_CI:
                raise RuntimeError(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error}") from error
            pytest.skip(f"PostgreSQL unreachable: {error}")
        Database(url).upgrade()
        yield url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str:
    """A migrated SQLite file; each test gets a copy, so migrations run once per session."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()  # closing the last connection folds the WAL into the file, so a plain copy is complete
    return str(path)


def _empty_all_tables(db: Database) -> None:
    with db.engine.begin() as connection:
        names = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )).scalars().all()
        if names:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(params=_backends())
def db(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "partnerbot.db"
        path.write_bytes(Path(request.getfixturevalue("_sqlite_template")).read_bytes())
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_url"))
        _empty_all_tables(database)
    forget_cached_directory_facts()  # the same database URL, emptied: what was cached about it is gone
    yield database
    database.dispose()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The recording fake Slack; a test fails when the bot made a call that Slack would have refused."""
    with FakeSlack() as fake:
        yield fake
        assert_slack_accepted_every_call(fake)


def assert_slack_accepted_every_call(fake: FakeSlack) -> None:
    refused = fake.refusals()
    assert not refused, "Slack would refuse these calls:\n" + "\n".join(
        f"  {call}: {call.text_content()[:300]}" for call in refused)


class TrackingExecutor(WorkPool):
    """The app's work pool, plus a way to wait until every background listener has finished."""

    def __init__(self) -> None:
        super().__init__(threads=8, queue=256, name="listener")

    def wait_idle(self, timeout: float = 15) -> None:
        if not super().wait_idle(timeout):
            raise AssertionError("background listeners did not finish in time")


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def settings_for(fake_slack: FakeSlack, db: Database, **overrides) -> Settings:
    return replace(Settings(), slack_bot_token="xoxb-test", slack_signing_secret=SIGNING_SECRET,
                   slack_api_url=fake_slack.api_url, database_url=db.url, default_timezone="America/New_York",
                   admin_user_ids=frozenset({"UADMIN"}), **overrides)


@pytest.fixture
def slack(fake_slack: FakeSlack, db: Database) -> Iterator[SlackSimulator]:
    """The real app behind a real HTTP server (the same WSGI app gunicorn serves), driven like Slack drives it."""
    settings = settings_for(fake_slack, db)
    executor = TrackingExecutor()
    client = build_client(settings)
    app = build_app(settings, db, client=client, listener_executor=executor)
    server = make_server("127.0.0.1", 0, wsgi_app(app, db, SIGNING_SECRET), server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    simulator = SlackSimulator(
        http_transport(f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"), signing_secret=SIGNING_SECRET,
        response_url=fake_slack.response_url, bot_user=fake_slack.bot_user_id, after_send=executor.wait_idle)
    simulator.app_settings = settings
    simulator.app = app
    simulator.client = client
    simulator.db = db
    simulator.url = f"http://127.0.0.1:{server.server_port}"
    # app.__init__ called auth.test; tests assert on what the listeners do, so start from a clean record.
    fake_slack.reset()
    yield simulator
    server.shutdown()
    server.server_close()
    executor.shutdown(wait=True)
