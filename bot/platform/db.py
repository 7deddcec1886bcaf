"""The database: one engine from DATABASE_URL, sessions, migrations and a health check.

SQLite (the embedded default) runs in WAL mode with foreign keys on; PostgreSQL goes through psycopg 3.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 0x70617274  # any constant shared by every replica

# Full-text search objects come from hand-written migrations; comparing models to the schema must skip them.
_HAND_MADE_PREFIXES = ("fts_",)
_HAND_MADE_COLUMNS = ("search_vector",)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: everything but the hand-made full-text search objects."""
    if name and name.startswith(_HAND_MADE_PREFIXES):
        return False
    return not (type_ == "column" and name in _HAND_MADE_COLUMNS)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            # We issue BEGIN ourselves (below) instead of the driver's implicit, deferred one.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_as_writer(connection) -> None:
            # A deferred transaction that reads, then writes while another connection has committed, fails at
            # once with "database is locked" (the busy timeout cannot help a stale snapshot). Starting every
            # transaction as the writer makes concurrent units of work queue up instead; WAL keeps reads cheap.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block finishes, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def upgrade(self) -> None:
        """Applies every pending migration (used at start-up and by `partnerbot db upgrade`)."""
        config = alembic_config(self.url)
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                # Replicas starting together take turns; the later ones find nothing left to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")

    def current_revisions(self) -> set[str]:
        with self.engine.connect() as connection:
            try:
                return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}
            except Exception:
                return set()

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()


class ScratchDatabaseUnavailable(Exception):
    """The PostgreSQL server for a scratch database could not be reached."""


@contextmanager
def scratch_postgres_database(server_url: str, prefix: str = "partnerbot_scratch") -> Iterator[str]:
    """An empty PostgreSQL database on `server_url`'s server, made for tests and benchmarks and dropped after.

    Each caller gets its own database, so parallel runs never collide. Raises ScratchDatabaseUnavailable when the
    server cannot be reached.
    """
    server = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        raise ScratchDatabaseUnavailable(f"{type(error).__name__} at {server.host}:{server.port}") from error
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
