"""`partnerbot report` against a known history, on both databases."""

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.digests import report
from bot.runtime import cli
from bot.runtime.settings import Settings
from models.celebrations import Success, SuccessPartner
from models.directory import Resource
from models.partners import Partner
from models.search import QuestionLog, UnmetNeed

TZ = "America/New_York"
NOW = datetime(2026, 10, 1, 16, tzinfo=UTC)  # noon in New York on 1 Oct, the day after the quarter ends
SINCE = date(2026, 7, 1)  # the quarter: 1 Jul .. 30 Sep; compared with the 92 days before


def settings(db) -> Settings:
    return replace(Settings(), database_url=db.url, default_timezone=TZ)


def at(month, day) -> datetime:
    return datetime(2026, month, day, 15, tzinfo=UTC)


def seed(db):
    with db.session() as s:
        for month, day in ((7, 2), (8, 3), (9, 29), (5, 1)):
            name = f"Pantry {month}-{day}"
            s.add(
                Resource(
                    team_id="T1",
                    name=name,
                    normalized_name=name.lower(),
                    created_at=at(month, day),
                    updated_at=at(month, day),
                )
            )
        for month, day, count in ((7, 5, 0), (8, 6, 0), (9, 7, 2), (6, 1, 0)):
            s.add(
                QuestionLog(
                    team_id="T1",
                    asked_at=at(month, day),
                    need_key="dental care",
                    category=None,
                    result_count=count,
                )
            )
        s.add(
            UnmetNeed(
                team_id="T1",
                need_key="dental care",
                phrase="dental care",
                ask_count=3,
                first_asked_at=at(6, 1),
                last_asked_at=at(8, 6),
            )
        )
        partner = Partner(
            team_id="T1",
            name='=HYPERLINK("x") Clinic',
            normalized_name="clinic",
            owner_user_id="U1",
            created_at=at(1, 1),
            updated_at=at(1, 1),
        )
        s.add(partner)
        s.flush()
        success = Success(
            team_id="T1",
            channel_id="C1",
            author_user_id="U1",
            author_team_id="T1",
            text="ok",
            celebrated_at=at(8, 20),
        )
        s.add(success)
        s.flush()
        s.add(SuccessPartner(success_id=success.id, partner_id=partner.id, team_id="T1"))


def test_markdown_report_for_a_quarter(db):
    seed(db)
    out = io.StringIO()
    assert report.run_cli(SINCE, "md", "T1", settings(db), now=NOW, out=out) == 0
    text = out.getvalue()
    assert text.startswith("# Partnership report\n")
    assert "1 Jul 2026 to 1 Oct 2026 (America/New_York)" in text
    assert "- Added: 3 (up 2 from 1)" in text
    assert "- Needs asked about: 3 (up 2 from 1)" in text
    assert "- Unmet: 2 (up 1 from 1)" in text
    assert "| dental care |  | 2 | 1 | 3 | 1 Jun 2026 |" in text
    assert '| =HYPERLINK("x") Clinic | 1 | 0 |' in text


def test_csv_report_for_a_quarter(db):
    seed(db)
    out = io.StringIO()
    assert report.run_cli(SINCE, "csv", "T1", settings(db), now=NOW, out=out) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    by_item = {(row["section"], row["item"]): row for row in rows}
    assert by_item[("resources", "added")]["value"] == "3"
    assert by_item[("resources", "added")]["previous_value"] == "1"
    assert by_item[("period", "start")]["date"] == "2026-07-01"
    # A partner name that looks like a formula stays text in a spreadsheet.
    assert ("successes_by_partner", '\'=HYPERLINK("x") Clinic') in by_item


def test_report_rejects_a_future_date_and_an_unknown_format(db, capsys):
    assert report.run_cli(date(2026, 10, 2), "md", "T1", settings(db), now=NOW, out=io.StringIO()) == 2
    assert "--since must be a day in the past" in capsys.readouterr().err
    assert report.run_cli(SINCE, "pdf", "T1", settings(db), now=NOW, out=io.StringIO()) == 2
    assert "--format must be md or csv" in capsys.readouterr().err


def test_report_on_a_database_without_tables_says_what_to_do(tmp_path, capsys):
    empty = replace(Settings(), database_url=f"sqlite:///{tmp_path}/new.db", default_timezone=TZ)
    assert report.run_cli(SINCE, "md", "T1", empty, now=NOW, out=io.StringIO()) == 1
    assert "partnerbot db upgrade" in capsys.readouterr().err


def test_cli_parses_report_arguments(db, monkeypatch, capsys):
    seed(db)
    monkeypatch.setattr(cli, "load_settings", lambda _path: settings(db))
    assert cli.main(["report", "--since", "2026-07-01", "--format", "csv", "--team", "T1"]) == 0
    assert capsys.readouterr().out.startswith("section,item,value,previous_value,change,date,note")


@pytest.mark.parametrize("since", ["blursday", "2026-13-01", "last quarter"])
def test_cli_says_how_to_write_the_day_when_it_cannot_read_it(since, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["report", "--since", since])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"{since!r} is not a date; write the day as YYYY-MM-DD, for example --since 2026-07-01" in err
    assert "fromisoformat" not in err
