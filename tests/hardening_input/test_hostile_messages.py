"""Ordinary trouble ends in a clear message and exit 3, never a traceback or exit 1.

Markup and control characters from the input reach the terminal as written;
thousands of problems are found in one pass and printed up to a cap; a file
nested thousands deep, an ``--out`` that is a file or cannot be written, and
``init`` onto a file are exit 3 naming the path; an unexpected bug under
``--json`` is still one JSON object.
"""

from __future__ import annotations

import copy
import errno
import json
import os
from pathlib import Path

import pytest
from support import VOLUNTEER_HEADER, VOLUNTEER_ROWS, write_csv
from typer.testing import CliRunner

from planner.cli import app
from planner.clikit import PRINTED_PROBLEMS

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result


def test_markup_in_names_and_ids_prints_as_written(tiny_event, tmp_path, guarded):
    toml = tiny_event / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name = "测试活动"', 'name = "活动[/b] :smile:"'),
        encoding="utf-8",
    )
    rows = copy.deepcopy(VOLUNTEER_ROWS)
    rows[0][1] = "李[/b]明[bold]"
    rows[1][0] = "V[/]02"
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    out = tmp_path / "out"
    g = guarded(tiny_event, out)
    checked = run("check", str(tiny_event))
    assert checked.exit_code == 0, checked.output
    assert "活动[/b] :smile:" in checked.output
    planned = run("plan", str(tiny_event), "--out", str(out))
    assert planned.exit_code == 0, planned.output
    assert "活动[/b] :smile:" in planned.output
    budget = run("budget", str(tiny_event))
    assert budget.exit_code == 0 and "活动[/b] :smile:" in budget.output
    g.inputs_untouched()
    assert "V[/]02" in json.loads((out / "plan.json").read_text())["volunteers_selected"]


def test_markup_in_a_bad_cell_is_quoted_as_written(tiny_event, guarded):
    rows = copy.deepcopy(VOLUNTEER_ROWS)
    rows[0][2] = "[/b]"  # gender
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    g = guarded(tiny_event, tiny_event.parent / "out")
    result = run("plan", str(tiny_event), "--out", str(g.out))
    assert result.exit_code == 3
    assert any(
        "volunteers.csv:2:性别/gender" in line and "[/b]" in line
        for line in result.output.splitlines()
    )
    g.inputs_untouched()
    g.output_unchanged()


def test_escape_sequences_from_the_event_file_do_not_reach_the_terminal(tiny_event, guarded):
    toml = tiny_event / "event.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("select = 2", 'select = "\\u001b[31m2"'), encoding="utf-8")
    g = guarded(tiny_event, tiny_event.parent / "out")
    result = run("check", str(tiny_event))
    assert result.exit_code == 3
    assert "\x1b" not in result.output
    assert "event.toml:13:screening.select" in result.output
    g.inputs_untouched()


def _many_problems(folder: Path, count: int) -> None:
    extra = "".join(
        f'\n[[budget.lines]]\nitem = "项目{i}"\ncolour{i} = "red"\n' for i in range(count)
    )
    with open(folder / "event.toml", "a", encoding="utf-8") as fh:
        fh.write(extra)


def test_ten_thousand_problems_are_all_located_and_the_printed_list_is_cut(tiny_event, guarded):
    base = len((tiny_event / "event.toml").read_text(encoding="utf-8").splitlines())
    _many_problems(tiny_event, 10_000)
    g = guarded(tiny_event, tiny_event.parent / "out")
    printed = run("check", str(tiny_event))
    assert printed.exit_code == 3
    listed = [
        line
        for line in printed.output.splitlines()
        if line.startswith("  ") and "event.toml:" in line
    ]
    assert len(listed) == PRINTED_PROBLEMS
    assert f"另有 {10_000 - PRINTED_PROBLEMS} 处问题未列出" in printed.output
    as_json = run("check", str(tiny_event), "--json")
    assert as_json.exit_code == 3
    problems = json.loads(as_json.stdout)["problems"]
    assert len(problems) == 10_000
    # each unknown key is named at its own line: 4 lines per [[budget.lines]], after the base file
    by_column = {p["column"]: p["row"] for p in problems}
    for i in (0, 4_999, 9_999):
        assert by_column[f"budget.lines.{i}.colour{i}"] == base + 4 * i + 4
    g.inputs_untouched()


def test_toml_nested_thousands_deep_is_bad_input(tiny_event, guarded):
    with open(tiny_event / "event.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[deep]\nx = " + "[" * 5000 + "1" + "]" * 5000 + "\n")
    line = len((tiny_event / "event.toml").read_text(encoding="utf-8").splitlines())
    g = guarded(tiny_event, tiny_event.parent / "out")
    result = run("plan", str(tiny_event), "--out", str(g.out))
    assert result.exit_code == 3
    assert f"event.toml:{line}: 表或数组嵌套超过 100 层" in result.output
    g.inputs_untouched()
    g.output_unchanged()


def test_out_that_is_a_file(tiny_event, tmp_path, guarded):
    out = tmp_path / "out"
    out.write_text("my notes", encoding="utf-8")
    g = guarded(tiny_event, out)
    for args in (("--lang", "zh"), ("--json",)):
        result = run("plan", str(tiny_event), "--out", str(out), *args)
        assert result.exit_code == 3, result.output
        assert str(out) in result.output
    assert json.loads(result.stdout)["error"] == "invalid_input"
    assert out.read_text(encoding="utf-8") == "my notes"
    g.inputs_untouched()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_out_that_cannot_be_written(tiny_event, tmp_path, guarded, monkeypatch, code, words):
    """Root can write anywhere and a tmpfs needs root to mount: the failure is
    made by the rename that puts each finished file in place."""
    out = tmp_path / "out"
    g = guarded(tiny_event, out)

    def refuse(src, dst, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    result = run("plan", str(tiny_event), "--out", str(out), "--lang", "en")
    assert result.exit_code == 3, result.output
    assert f"{out}" in result.output and words in result.output
    g.inputs_untouched()
    g.output_unchanged()


def test_init_onto_a_file(tmp_path):
    target = tmp_path / "event"
    target.write_text("not a folder", encoding="utf-8")
    result = run("init", str(target), "--lang", "en")
    assert result.exit_code == 3
    assert f"{target}: cannot read or write: a file of that name exists" in result.output
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_init_onto_an_existing_event_refuses_without_force(tiny_event, guarded):
    g = guarded(tiny_event, tiny_event.parent / "out")
    result = run("init", str(tiny_event))
    assert result.exit_code == 3
    assert "event.toml" in result.output and "--force" in result.output
    g.inputs_untouched()


def test_an_unexpected_bug_is_exit_1_and_one_json_object(tiny_event, monkeypatch):
    import planner.pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(planner.pipeline, "build_plan", broken)
    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    out = tiny_event.parent / "out"
    result = runner.invoke(app, ["plan", str(tiny_event), "--out", str(out), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["error"] == "internal"
    assert "ZeroDivisionError: a bug" in payload["messages"][0]
    assert "Traceback" not in result.output
    plain = runner.invoke(app, ["plan", str(tiny_event), "--out", str(out)])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (["check", "--json", "--bogus"], 2, "usage"),
        (["check", "--json"], 2, "usage"),
        (["followup", "due", "--json", "--bogus"], 2, "usage"),
    ],
)
def test_usage_errors_under_json_are_json(args, code, error, capsys):
    """`planner` as installed (``main``): Typer's own usage errors become a JSON object."""
    from planner.clikit import run_app

    with pytest.raises(SystemExit) as exited:
        run_app(app, args)
    assert exited.value.code == code
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["error"] == error and payload["messages"]


def test_every_exit_code_under_json_is_one_json_object(tiny_event, capsys):
    from planner.clikit import run_app

    codes = []
    for args in (
        ["check", str(tiny_event), "--json"],
        ["check", str(tiny_event / "nope"), "--json"],
    ):
        with pytest.raises(SystemExit) as exited:
            run_app(app, args)
        codes.append(exited.value.code)
        assert "ok" in json.loads(capsys.readouterr().out)
    assert codes == [0, 3]
