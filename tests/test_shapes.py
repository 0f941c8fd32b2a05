"""The event's ``shape`` decides what is planned and printed."""

from __future__ import annotations

import json
from pathlib import Path

from support import CHILD_HEADER, CHILD_ROWS, EVENT_TOML, write_csv
from typer.testing import CliRunner

from planner.cli import app
from planner.io import read_plan
from planner.render.labels import Labels
from planner.render.paper import checkpoints, volunteer_sheets_html
from planner.render.view import PlanView

runner = CliRunner()

GAMES = """
[groups]
count = 1

[[activities]]
id = "games"
title = "游戏"
kind = "games"
duration = 60
"""


def _plan(folder: Path, out: Path):
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out), "--no-render", "--json"])
    assert result.exit_code == 0, result.output
    return read_plan(out / "plan.json")


def _with_shape(folder: Path, shape: str, extra: str = "") -> None:
    toml = EVENT_TOML.replace('shape = "school_day"', f'shape = "{shape}"') + extra
    (folder / "event.toml").write_text(toml, encoding="utf-8")


def test_a_pairing_programme_plans_pairs_and_no_day(tiny_event, tmp_path):
    _with_shape(tiny_event, "pairing", GAMES)
    plan = _plan(tiny_event, tmp_path / "out")
    assert plan.pairs and not plan.timeline and not plan.groups and not plan.buses
    view = PlanView(plan)
    assert checkpoints(view) == []  # no tick boxes for transfers that do not happen
    sheet = volunteer_sheets_html(view, Labels("en"), list(plan.people.volunteers))
    assert "after the event" not in sheet and "when the pairing ends" in sheet


def test_a_school_day_plans_its_day(tiny_event, tmp_path):
    _with_shape(tiny_event, "school_day", GAMES)
    plan = _plan(tiny_event, tmp_path / "out")
    assert [t.id for t in plan.timeline] == ["games-G1"] and len(plan.groups) == 1
    assert checkpoints(PlanView(plan)) == ["arrival", "departure"]


def _no_consent_for_the_youngest(folder: Path) -> None:
    rows = [list(r) for r in CHILD_ROWS]
    rows[0][8] = "否"  # born 2015: under 14 on the day
    write_csv(folder / "children.csv", CHILD_HEADER, rows)


def test_outing_consent_is_needed_only_for_an_outing(tiny_event):
    _no_consent_for_the_youngest(tiny_event)
    _with_shape(tiny_event, "school_day")
    assert runner.invoke(app, ["check", str(tiny_event)]).exit_code == 0
    _with_shape(tiny_event, "day_trip")
    result = runner.invoke(app, ["check", str(tiny_event), "--json"])
    assert result.exit_code == 3
    assert any("outing_consent" in p["column"] for p in json.loads(result.stdout)["problems"])
