"""`log`: one record from the command line, and problems marked solved."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

import pytest
from followup.ledger_helpers import TODAY, make_programme, synced
from sqlalchemy import select

from planner.errors import InvalidInput
from planner.followup import schema
from planner.followup.intake import log_record, solve_problem


def test_log_adds_once_and_updates_an_edit(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    entry = dict(carer_id="V1", child_id="C1", kind="联系", on="2026-10-03", done="电话聊了学习")
    first = log_record(engine, loaded.programme, **entry, today=TODAY)
    assert (first.added, first.unchanged) == (1, 0)
    again = log_record(engine, loaded.programme, **entry, today=TODAY)
    assert (again.added, again.unchanged) == (0, 1)
    edited = log_record(
        engine, loaded.programme, **entry, problems="想妈妈", reported=True, today=TODAY
    )
    assert edited.updated == 1
    with engine.connect() as conn:
        record = conn.execute(select(schema.record)).mappings().one()
        problem = conn.execute(select(schema.problem)).mappings().one()
    assert (record["kind"], record["on"], record["source"]) == ("contact", date(2026, 10, 3), "log")
    assert problem["text"] == "想妈妈" and problem["reported_on"] == date(2026, 10, 3)


def test_log_a_growth_record(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    log_record(engine, loaded.programme, carer_id="T1", child_id="C2", kind="growth_record",
               on=date(2026, 10, 1), growth={"thinking": "更自信", "shortfalls": "字迹潦草"}, today=TODAY)  # fmt: skip
    with engine.connect() as conn:
        row = conn.execute(select(schema.record)).mappings().one()
    assert (row["thinking"], row["shortfalls"], row["study"]) == ("更自信", "字迹潦草", None)


def test_every_bad_option_at_once(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    with pytest.raises(InvalidInput) as info:
        log_record(engine, loaded.programme, carer_id="T9", child_id="C3", kind="swim", on="2026-10-30",
                   growth={"mood": "好"}, today=TODAY)  # fmt: skip
    assert info.value.lines("en") == [
        "log::--carer: no carer with id 'T9'",
        "log::--growth: unknown growth field 'mood' (use: thinking, study, life, family_education, progress, shortfalls)",
        "log::--kind: unknown kind 'swim' (use one of: visit, help, info_check, contact, growth_record)",
        "log::--on: date 2026-10-30 is in the future (today is 2026-10-15)",
    ]
    with pytest.raises(InvalidInput) as info:
        log_record(
            engine,
            loaded.programme,
            carer_id="T1",
            child_id="C3",
            kind="visit",
            on="2026-10-01",
            today=TODAY,
        )
    assert info.value.lines("en") == ["log::--child: child C3 is not T1's on 2026-10-01"]
    with engine.connect() as conn:
        assert conn.execute(select(schema.record)).first() is None


def test_solve_a_problem(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    log_record(engine, loaded.programme, carer_id="T1", child_id="C1", kind="visit", on="2026-10-02",
               problems="没有台灯", today=TODAY)  # fmt: skip
    with engine.connect() as conn:
        pid = conn.execute(select(schema.problem.c.id)).scalar_one()
    with pytest.raises(InvalidInput, match="problem"):
        solve_problem(engine, loaded.programme, pid + 100, how="?", today=TODAY)
    with pytest.raises(InvalidInput) as info:
        solve_problem(engine, loaded.programme, pid, how="?", on=date(2026, 10, 1), today=TODAY)
    assert "before it was found" in info.value.lines("en")[0]
    assert solve_problem(
        engine, loaded.programme, pid, how="送了台灯", on=date(2026, 10, 9), today=TODAY
    )
    assert not solve_problem(engine, loaded.programme, pid, how="again", today=TODAY)
    with engine.connect() as conn:
        row = conn.execute(select(schema.problem)).mappings().one()
    assert (row["solved_on"], row["how"]) == (date(2026, 10, 9), "送了台灯")


def test_today_is_the_programmes_day_not_the_servers(db_url: str, tmp_path: Path) -> None:
    """On a UTC server at 23:30 it is already 07:30 the next morning in Beijing."""
    engine, loaded = synced(db_url, tmp_path / "p")
    programme = loaded.programme
    assert programme.timezone == "Asia/Shanghai"
    utc_evening = datetime(2026, 10, 14, 23, 30, tzinfo=UTC)
    assert programme.today(utc_evening) == date(2026, 10, 15)
    entry = dict(carer_id="V1", child_id="C1", kind="联系", done="早上打电话")
    done = log_record(engine, programme, **entry, on="2026-10-15", now=utc_evening)
    assert done.added == 1  # dated today in Beijing: not "in the future"
    with pytest.raises(InvalidInput) as info:
        log_record(engine, programme, **entry, on="2026-10-16", now=utc_evening)
    assert info.value.lines("en") == [
        "log::--on: date 2026-10-16 is in the future (today is 2026-10-15)"
    ]
    engine.dispose()


def test_the_cli_takes_today_in_the_programmes_timezone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.followup.model as model
    from planner.followup.cli import _day

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 10, 14, 23, 30, tzinfo=UTC).astimezone(tz)

    folder = make_programme(tmp_path / "p")
    monkeypatch.setattr(model, "datetime", Clock)
    assert _day(None, "--today", folder) == date(2026, 10, 15)
    assert _day("2026-10-01", "--today", folder) == date(2026, 10, 1)
