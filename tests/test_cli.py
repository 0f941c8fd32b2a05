"""The command as a user meets it: help, init → check, usage and input errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hardening.events import planner
from support import EXAMPLES
from typer.testing import CliRunner

from planner.cli import app, exit_status

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


def installed(*args: str, tmp: Path) -> tuple[int, str, str]:
    """``planner ARGS`` as installed (exit code, stdout, stderr), its temporary files
    under ``tmp``."""
    tmp.mkdir(exist_ok=True)
    return planner(*args, env={"TMPDIR": str(tmp)})


def font_folders(tmp: Path) -> list[str]:
    """The typesetters' folders of font links left in ``tmp`` (Jinja2's cache stays)."""
    from planner.render.typeset import FONTS_PREFIX

    return [p.name for p in tmp.iterdir() if p.name.startswith(FONTS_PREFIX)]


def test_the_installed_command_leaves_at_once_with_its_work_done(tmp_path: Path) -> None:
    """``entry`` skips the tearing down of every module (os._exit) but not what a
    user relies on: the whole output flushed, every file written, the exit handlers
    run (the typesetter's folder of font links is gone)."""
    code, out, err = installed(
        "plan", str(EXAMPLES / "expo_day"), "--out", str(tmp_path / "o"), "--json",
        tmp=tmp_path / "tmp",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)  # whole
    assert report["ok"] and all(Path(f).is_file() for f in report["files"])
    assert len([f for f in report["files"] if f.endswith(".pdf")]) == 7
    assert font_folders(tmp_path / "tmp") == []


def test_an_impossible_event_still_closes_the_typesetter_it_started(tmp_path: Path) -> None:
    # plan starts Typst before it solves; an event that cannot be planned leaves
    # without taking it, and the exit handler must still close it
    event = shutil.copytree(EXAMPLES / "expo_day", tmp_path / "e")
    toml = event / "event.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("count = 3", "count = 99", 1))
    code, _, err = installed("plan", str(event), "--out", str(tmp_path / "o"), tmp=tmp_path / "tmp")
    assert code == 4, err
    assert "99" in err
    assert not (tmp_path / "o").exists()
    assert font_folders(tmp_path / "tmp") == []


TEARDOWN_PROBE = """
import atexit, sys
class Marker:
    def __del__(self):
        print("torn down", flush=True)
keep = Marker()  # freed only if the modules are torn down
atexit.register(lambda: print("exit handlers ran", flush=True))
sys.argv = ["planner", *sys.argv[1:]]
from planner.cli import {function}
{function}()
"""


@pytest.mark.parametrize(
    ("function", "torn_down"), [("entry", False), ("main", True)]
)  # main() in a process of one's own leaves as Python does: the probe's own check
def test_entry_runs_the_exit_handlers_but_tears_nothing_down(
    function: str, torn_down: bool
) -> None:
    code = TEARDOWN_PROBE.format(function=function)
    done = subprocess.run(
        [sys.executable, "-c", code, "--help"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "plan" in done.stdout and "exit handlers ran" in done.stdout
    assert ("torn down" in done.stdout) is torn_down


@pytest.mark.parametrize(
    ("code", "status", "printed"), [(None, 0, ""), (3, 3, ""), ("stopped", 1, "stopped\n")]
)
def test_exit_status_is_cpythons(code: object, status: int, printed: str, capsys) -> None:
    assert exit_status(code) == status
    assert capsys.readouterr().err == printed
