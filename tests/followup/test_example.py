"""The README's follow-up walk-through, run on a copy of examples/school_care (SQLite)."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "school_care"
runner = CliRunner()


def _run(*args: str | Path) -> str:
    result = runner.invoke(app, ["followup", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.stdout


TODAY = "2026-07-20"  # the spring term's sheets are all in


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the example, synced and with every record sheet imported."""
    folder = tmp_path_factory.mktemp("example") / "school_care"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("ledger.sqlite3*", "out"))
    db = f"sqlite:///{folder / 'ledger.sqlite3'}"
    synced = json.loads(_run("sync", folder, "--db", db, "--json", "--today", TODAY))
    assert synced["added"] == {"carer": 9, "child": 40, "pair": 45, "programme": 1, "unit": 2}
    return folder, db


def _import(folder: Path, db: str) -> list[dict]:
    sheets = sorted((folder / "records").glob("*.xlsx"))
    assert len(sheets) == 9
    done = json.loads(_run("import", folder, *sheets, "--db", db, "--json", "--today", TODAY))
    assert done["ok"] and all(f["ok"] and not f["problems"] for f in done["files"])
    return done["files"]


@pytest.fixture(scope="module")
def imported(example: tuple[Path, str]) -> tuple[Path, str]:
    folder, db = example
    first = _import(folder, db)
    assert sum(f["added"] for f in first) == 385
    again = _import(folder, db)  # the same sheets again: nothing new
    assert [(f["added"], f["updated"]) for f in again] == [(0, 0)] * 9
    assert sum(f["unchanged"] for f in again) == 385
    return folder, db


def test_due_on_20_july(imported: tuple[Path, str]) -> None:
    folder, db = imported
    due = json.loads(_run("due", folder, "--db", db, "--as-of", "2026-07-20", "--json"))
    total = due["summary"]
    assert {k: total[k] for k in ("items", "done", "late", "due", "overdue")} == {
        "items": 399, "done": 385, "late": 1, "due": 3, "overdue": 11,
    }  # fmt: skip
    assert total["done"] + total["due"] + total["overdue"] == total["items"] == len(due["items"])
    units = total["by_unit"]
    assert set(units) == {"SP", "XH"}
    for key in ("items", "done", "due", "overdue"):
        assert sum(u[key] for u in units.values()) == total[key]
    # C40 transferred in on 16 March (children.xlsx 加入日期): never uncovered from then on
    # (before that day only while due's coverage does not yet start at joined_on)
    assert {g["child_id"] for g in due["uncovered"]} <= {"C40"}
    assert all(g["to"] < "2026-03-16" for g in due["uncovered"])
    assert total["uncovered_children"] == len({g["child_id"] for g in due["uncovered"]})


def test_report_and_remind_write_private_files(imported: tuple[Path, str], tmp_path: Path) -> None:
    folder, db = imported
    report = json.loads(
        _run(
            "report",
            folder,
            "--db",
            db,
            "--as-of",
            "2026-07-20",
            "--out",
            tmp_path / "report",
            "--json",
        )
    )
    remind = json.loads(
        _run(
            "remind",
            folder,
            "--db",
            db,
            "--as-of",
            "2026-07-01",
            "--out",
            tmp_path / "out",
            "--json",
        )
    )
    assert report["files"] and remind["files"]
    for name in report["files"] + remind["files"]:
        path = Path(name)
        assert path.is_file() and path.stat().st_size > 0
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # the calendars land in OUT/reminders/, once (not reminders/reminders/)
    calendars = {Path(name) for name in remind["files"]}
    assert calendars == set((tmp_path / "out" / "reminders").glob("*.ics"))
    assert all(p.parent == tmp_path / "out" / "reminders" for p in calendars)


def test_remind_by_default_writes_into_reminders_here(
    imported: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, db = imported
    monkeypatch.chdir(tmp_path)
    files = json.loads(_run("remind", folder, "--db", db, "--as-of", "2026-07-01", "--json"))[
        "files"
    ]
    assert files and {Path(f).parent.resolve() for f in files} == {
        (tmp_path / "reminders").resolve()
    }
