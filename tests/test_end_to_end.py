"""Both examples, end to end through the command, as an organiser runs them."""

from __future__ import annotations

import json

import pytest
from support import EXAMPLES
from typer.testing import CliRunner

from planner.check import check_plan
from planner.cli import app
from planner.io import read_plan
from planner.load import load_event
from planner.model import Plan

runner = CliRunner()


def _plan(name: str, out):
    result = runner.invoke(app, ["plan", str(EXAMPLES / name), "--out", str(out), "--no-render"])
    assert result.exit_code == 0, result.output
    return name, out


@pytest.fixture(scope="module", params=["expo_day", "school_day"])
def planned(request, tmp_path_factory):
    return _plan(request.param, tmp_path_factory.mktemp(request.param))


def test_plan_json_loads_back_unchanged(planned):
    _, out = planned
    text = (out / "plan.json").read_text(encoding="utf-8")
    plan = Plan.model_validate_json(text)
    assert plan.to_json() == text
    rebuilt = plan.event_model().model_dump(mode="json")
    assert rebuilt == load_event(EXAMPLES / planned[0]).model_dump(mode="json")


def test_plan_json_keeps_the_contract(planned):
    data = json.loads((planned[1] / "plan.json").read_text(encoding="utf-8"))
    for key in ("event", "volunteers_selected", "volunteers_rejected", "pairs", "groups", "timeline",
                "buses", "meals", "tickets", "budget", "warnings"):  # fmt: skip
        assert key in data
    assert set(data["event"]) >= {"id", "name", "date", "timezone"}
    assert all(set(p) >= {"volunteer_id", "child_ids", "score", "reasons"} for p in data["pairs"])
    assert all(item["start"].endswith("+08:00") for item in data["timeline"])
    assert isinstance(data["budget"]["total"], str)


def test_the_checker_finds_nothing_wrong(planned):
    name, out = planned
    plan = read_plan(out / "plan.json")
    assert check_plan(load_event(EXAMPLES / name), plan) == []


def test_same_input_same_plan_byte_for_byte(planned, tmp_path):
    name, out = planned
    again = runner.invoke(
        app, ["plan", str(EXAMPLES / name), "--out", str(tmp_path), "--no-render"]
    )
    assert again.exit_code == 0
    assert (tmp_path / "plan.json").read_bytes() == (out / "plan.json").read_bytes()


def test_expo_day_numbers_from_the_brief(tmp_path):
    _, out = _plan("expo_day", tmp_path)
    plan = read_plan(out / "plan.json")
    assert len(plan.volunteers_selected) == 15
    assert sorted(len(p.child_ids) for p in plan.pairs) == [2] * 15
    assert plan.tickets["child"] + plan.tickets["volunteer"] == 45
    assert plan.timeline[0].kind == "travel_out"
    assert plan.timeline[-1].kind == "travel_back"


def test_school_day_numbers_from_the_brief(tmp_path):
    _, out = _plan("school_day", tmp_path)
    plan = read_plan(out / "plan.json")
    assert len(plan.pairs) == 30 and all(len(p.child_ids) == 1 for p in plan.pairs)
    assert sorted(len(g.volunteer_ids) for g in plan.groups) == [15, 15]
    assert str(plan.budget.total) == "2360.00"
    kept = next(p for p in plan.pairs if p.locked)  # last year's long-term pair goes on
    assert (kept.volunteer_id, kept.child_ids) == ("V08", ["C11"])


def test_json_mode_writes_only_json(tmp_path):
    result = runner.invoke(
        app, ["plan", str(EXAMPLES / "school_day"), "--out", str(tmp_path), "--json", "--no-render"]
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] and payload["pairs"] == 30


def test_a_pairing_programme_without_activities_plans(tiny_event, tmp_path):
    """A long-term pairing (大手拉小手) has no day to schedule: pairs, no timeline."""
    result = runner.invoke(app, ["plan", str(tiny_event), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    plan = read_plan(tmp_path / "plan.json")
    assert plan.timeline == [] and plan.buses == []
    assert sorted(c for p in plan.pairs for c in p.child_ids) == ["C01", "C02"]
    assert (tmp_path / "print" / "cards.html").exists()
