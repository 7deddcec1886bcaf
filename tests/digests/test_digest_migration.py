"""Migration 0003: digests every other week, on both databases; on SQLite the table copy keeps ids unique."""

from datetime import UTC, datetime, time

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.platform.db import Database, alembic_config
from models.digests import DigestSubscription

NOW = datetime(2026, 11, 11, 17, tzinfo=UTC)


def add(connection, user: str, cadence: str = "weekly") -> int:
    connection.execute(DigestSubscription.__table__.insert().values(
        team_id="T1", user_id=user, cadence=cadence, weekday=4, local_time=time(9), timezone="UTC", created_at=NOW,
        updated_at=NOW))
    return connection.execute(text("SELECT max(id) FROM digest_subscription")).scalar_one()


def test_the_cadence_may_be_biweekly_but_nothing_else(db):
    with db.engine.begin() as connection:
        add(connection, "U1", "biweekly")
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        add(connection, "U2", "monthly")


def test_upgrading_an_sqlite_database_keeps_rows_and_never_reuses_an_id(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    command.upgrade(alembic_config(url), "0002")
    db = Database(url)
    with db.engine.begin() as connection:
        add(connection, "U1")
        gone = add(connection, "U2")
        connection.execute(text("DELETE FROM digest_subscription WHERE id = :id"), {"id": gone})
    db.upgrade()
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT user_id FROM digest_subscription")).scalars().all() == ["U1"]
        assert add(connection, "U3", "biweekly") > gone
    db.dispose()
