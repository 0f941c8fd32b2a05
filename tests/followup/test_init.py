"""`followup init`: a blank starting folder, or one started from an event's plan."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from support import EXAMPLES
from typer.testing import CliRunner

from planner.cli import app
from planner.followup.load import load_programme
from planner.followup.model import Frequency
from planner.io import read_plan

runner = CliRunner()


def test_blank_folder_loads_and_syncs(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "care"
    result = runner.invoke(app, ["followup", "init", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "carers.xlsx",
        "children.xlsx",
        "pairs.xlsx",
        "programme.toml",
    ]
    text = (folder / "programme.toml").read_text(encoding="utf-8")
    assert text.startswith("#") and "家访" in text
    loaded = load_programme(folder)
    duties = {(d.who, d.what, d.every) for d in loaded.programme.duties}
    assert duties == {("teacher", "visit", Frequency.TERM), ("teacher", "help", Frequency.TERM),
                      ("teacher", "info_check", Frequency.TERM), ("volunteer", "contact", Frequency.MONTH)}  # fmt: skip
    assert len(loaded.programme.terms) == 2 and loaded.carers == ()
    synced = runner.invoke(app, ["followup", "sync", str(folder), "--db", db_url, "--json"])
    assert synced.exit_code == 0, synced.output


def test_the_children_template_documents_the_joined_column(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    folder = tmp_path / "care"
    assert runner.invoke(app, ["followup", "init", str(folder)]).exit_code == 0
    book = CalamineWorkbook.from_path(str(folder / "children.xlsx"))
    header = book.get_sheet_by_name("儿童 children").to_python()[0]
    assert header[-2:] == ["单位/unit", "加入日期/joined"]
    guide = {row[0]: row[2] for row in book.get_sheet_by_name("填写说明 help").to_python()}
    assert "中途加入" in guide["加入日期/joined"]
    assert "加入日期" in (folder / "programme.toml").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "care"
    assert runner.invoke(app, ["followup", "init", str(folder)]).exit_code == 0
    again = runner.invoke(app, ["followup", "init", str(folder), "--lang", "en"])
    assert again.exit_code == 3 and "--force" in again.output
    assert runner.invoke(app, ["followup", "init", str(folder), "--force"]).exit_code == 0


@pytest.fixture(scope="module")
def school_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "school_day"), "--out", str(out), "--no-render", "--json"]
    )
    assert result.exit_code == 0, result.output
    return out / "plan.json"


def test_from_plan_carries_the_pairs(db_url: str, school_plan: Path, tmp_path: Path) -> None:
    folder = tmp_path / "care"
    result = runner.invoke(app, ["followup", "init", str(folder), "--from-plan", str(school_plan)])
    assert result.exit_code == 0, result.output
    plan = read_plan(school_plan)
    loaded = load_programme(folder)
    p = loaded.programme
    assert (p.start, p.end) == (
        plan.event.date,
        date(plan.event.date.year + 1, plan.event.date.month, plan.event.date.day),
    )
    assert (p.organiser, p.timezone) == (plan.event.organiser, plan.event.timezone)
    assert [(d.who, d.what, d.every, d.times) for d in p.duties] == [
        ("volunteer", "contact", Frequency.MONTH, 1)
    ]
    assert {c.id for c in loaded.carers} == set(plan.volunteers_selected)
    assert {c.role for c in loaded.carers} == {"volunteer"}
    expected = {(pair.volunteer_id, cid) for pair in plan.pairs for cid in pair.child_ids}
    assert {(x.carer_id, x.child_id) for x in loaded.pairs} == expected
    assert {x.since for x in loaded.pairs} == {plan.event.date} and {
        x.until for x in loaded.pairs
    } == {None}
    assert {c.id for c in loaded.children} == {cid for _, cid in expected}
    by_id = {c.id: c for c in plan.people.children}
    some = loaded.children[0]
    assert some.name == by_id[some.id].name and some.guardian_phone == by_id[some.id].guardian.phone
    for name in ("carers.xlsx", "children.xlsx", "pairs.xlsx"):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600  # people's data: private
    synced = runner.invoke(app, ["followup", "sync", str(folder), "--db", db_url, "--json"])
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["added"]["pair"] == len(expected)


def test_from_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{}", encoding="utf-8")
    result = runner.invoke(
        app, ["followup", "init", str(tmp_path / "care"), "--from-plan", str(bad)]
    )
    assert result.exit_code == 3 and "plan.json" in result.output
    assert not (tmp_path / "care").exists()
