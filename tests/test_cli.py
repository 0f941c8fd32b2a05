"""The command as a user meets it: help, init → check, usage and input errors."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "check", "plan", "export", "rematch", "budget"):
        assert command in result.output


def test_help_does_not_import_the_heavy_libraries():
    code = (
        "import sys, planner.cli\n"
        "heavy = [m for m in ('pandas', 'ortools', 'pydantic', 'planner.model') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_init_writes_a_folder_that_check_says_to_fill_in(tmp_path):
    folder = tmp_path / "new"
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "children.xlsx",
        "event.toml",
        "volunteers.xlsx",
    ]
    checked = runner.invoke(app, ["check", str(folder), "--lang", "en"])
    assert checked.exit_code == 3
    assert "no volunteers yet" in checked.output
    assert "template's example" in checked.output  # nothing else: the templates parse


def test_init_refuses_to_overwrite(tmp_path):
    folder = tmp_path / "new"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 3
    assert "--force" in result.output


def test_missing_event_folder_is_invalid_input(tmp_path):
    result = runner.invoke(app, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 3
    assert "event.toml" in result.output


def test_export_of_a_file_that_is_not_a_plan(tmp_path):
    bad = tmp_path / "plan.json"
    bad.write_text('{"event": 1}', encoding="utf-8")
    result = runner.invoke(app, ["export", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "plan.json" in result.output


def test_unknown_option_is_a_usage_error():
    assert runner.invoke(app, ["plan", "--nope"]).exit_code == 2
