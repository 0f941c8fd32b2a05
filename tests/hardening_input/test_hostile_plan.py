"""A hand-edited plan.json is not rendered: `export` and `rematch` (and
`followup init --from-plan`) refuse it with exit 3 naming the file, the key
and the broken rule, and write nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.model import SCHEMA_VERSION

runner = CliRunner()


@pytest.fixture
def planned(tiny_event: Path) -> Path:
    out = tiny_event.parent / "planned"
    result = runner.invoke(app, ["plan", str(tiny_event), "--out", str(out), "--no-render"])
    assert result.exit_code == 0, result.output
    return out / "plan.json"


def _dangling(p: dict) -> None:
    p["pairs"][0]["volunteer_id"] = "V99"


def _child_twice(p: dict) -> None:
    p["pairs"][1]["child_ids"] = list(p["pairs"][0]["child_ids"])


def _newer(p: dict) -> None:
    p["schema_version"] = SCHEMA_VERSION + 1


def _version(p: dict) -> None:
    p["schema_version"] = "2"


def _no_settings(p: dict) -> None:
    del p["settings"]


def _absurd_setting(p: dict) -> None:
    p["settings"]["matching"]["max_children"] = 1000


def _absurd_revision(p: dict) -> None:
    p["revision"] = -1


def _volunteer_not_chosen(p: dict) -> None:
    p["volunteers_selected"] = p["volunteers_selected"][:1]


CASES: list[tuple[str, Callable[[dict], None], str, str]] = [
    ("dangling id", _dangling, "pairs.0.volunteer_id", "volunteer V99 is not on the plan.json's own lists"),
    ("child in two pairs", _child_twice, "every_child_gets_one_volunteer", "the plan breaks the hard rule 'every_child_gets_one_volunteer'"),
    ("newer schema_version", _newer, "schema_version", f"written by a newer planner (schema {SCHEMA_VERSION + 1}); this planner reads up to {SCHEMA_VERSION} — upgrade"),
    ("unknown schema_version", _version, "schema_version", f"unknown schema_version '2' (this planner reads 1 to {SCHEMA_VERSION})"),
    ("no settings", _no_settings, "settings", "plan.json has no settings"),
    ("absurd setting", _absurd_setting, "settings.matching.max_children", "less than or equal to 2"),
    ("absurd revision", _absurd_revision, "revision", "greater than or equal to 0"),
    ("pair with an unscreened volunteer", _volunteer_not_chosen, "only_screened_volunteers", "paired but not screened"),
]  # fmt: skip


def _edited(planned: Path, edit: Callable[[dict], None]) -> Path:
    data = json.loads(planned.read_text(encoding="utf-8"))
    edit(data)
    path = planned.parent / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "edit", "key", "words"), CASES, ids=[c[0] for c in CASES])
def test_export_and_rematch_refuse_an_edited_plan(planned, guarded, name, edit, key, words):
    edited = _edited(planned, edit)
    before = edited.read_bytes()
    out = planned.parent.parent / "out"
    g = guarded(planned.parent, out)
    for args in (
        ["export", str(edited), "--out", str(out)],
        ["rematch", str(edited), "--absent", "C02", "--out", str(out)],
    ):
        result = runner.invoke(app, [*args, "--lang", "en"])
        assert result.exit_code == 3, (args, result.output)
        assert "Traceback" not in result.output
        assert f"{edited}::{key}: " in result.output and words in result.output, result.output
        as_json = runner.invoke(app, [*args, "--json"])
        assert as_json.exit_code == 3
        assert any(p["column"] == key for p in json.loads(as_json.stdout)["problems"])
    assert edited.read_bytes() == before
    g.inputs_untouched()
    g.output_unchanged()


def test_the_plan_as_written_is_trusted(planned, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["export", str(planned), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["rematch", str(planned), "--absent", "C02", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_json_nested_thousands_deep(planned, guarded):
    path = planned.parent / "deep.json"
    path.write_text('{"schema_version": 1, "event": ' + "[" * 5000 + "]" * 5000 + "}")
    out = planned.parent.parent / "out"
    g = guarded(planned.parent, out)
    result = runner.invoke(app, ["export", str(path), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 3, result.output
    assert f"{path}:1: not valid JSON: recursion limit exceeded" in result.output
    g.inputs_untouched()
    g.output_unchanged()


def test_followup_from_an_edited_plan_is_refused(planned, tmp_path):
    edited = _edited(planned, _child_twice)
    folder = tmp_path / "programme"
    result = runner.invoke(
        app, ["followup", "init", str(folder), "--from-plan", str(edited), "--lang", "en"]
    )
    assert result.exit_code == 3, result.output
    assert "every_child_gets_one_volunteer" in result.output
