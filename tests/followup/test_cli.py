"""`planner followup ...` as a user meets it: exit codes 0/2/3, --json, the ledger's URL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followup.ledger_helpers import make_programme
from typer.testing import CliRunner

from planner.cli import app
from planner.followup.sheets import write_sheets

runner = CliRunner()


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, ["followup", *args], env=env)


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["followup", "--help"])
    assert result.exit_code == 0
    for command in ("init", "sync", "sheets", "import", "log", "due", "report", "remind"):
        assert command in result.output
    assert "followup" in runner.invoke(app, ["--help"]).output


def test_a_misspelt_followup_is_suggested() -> None:
    # the group is made only when named (planning never reads its parameters)
    result = runner.invoke(app, ["folowup", "due"])
    assert result.exit_code == 2
    assert "Did you mean 'followup'?" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("sheets").exit_code == 2
    assert _run("import", str(tmp_path)).exit_code == 2  # no FILE
    assert _run("due", str(tmp_path), "--as-of").exit_code == 2
    assert _run("log", str(tmp_path), "--solve", "abc").exit_code == 2


def test_sync_then_due_as_json(db_url: str, tmp_path: Path) -> None:
    folder = make_programme(tmp_path / "p")
    synced = _run("sync", str(folder), "--db", db_url, "--json", "--today", "2026-09-01")
    assert synced.exit_code == 0, synced.output
    assert json.loads(synced.stdout)["added"]["carer"] == 3
    due = _run("due", str(folder), "--db", db_url, "--as-of", "2026-10-15", "--json")
    assert due.exit_code == 0, due.output
    payload = json.loads(due.stdout)
    assert payload["as_of"] == "2026-10-15" and payload["programme"] == "hx-care"
    assert {"items", "summary", "uncovered"} <= set(payload)
    assert {i["status"] for i in payload["items"]} <= {"done", "due", "overdue"}


def test_first_use_syncs_and_says_so(db_url: str, tmp_path: Path) -> None:
    folder = make_programme(tmp_path / "p")
    result = _run(
        "due", str(folder), "--db", db_url, "--as-of", "2026-10-15", "--json", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    assert "never synced" in result.stderr
    json.loads(result.stdout)  # stdout is JSON only


def test_invalid_input_exits_3_with_json_problems(db_url: str, tmp_path: Path) -> None:
    folder = make_programme(
        tmp_path / "p", pairs=[["结对人编号", "儿童编号", "开始"], ["T9", "C1", "2026-09-01"]]
    )
    result = _run("sync", str(folder), "--db", db_url, "--json")
    assert result.exit_code == 3
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["error"] == "invalid_input"
    assert (
        payload["problems"][0]["row"] == 2
        and payload["problems"][0]["column"] == "结对人编号/carer"
    )
    bad_day = _run("due", str(folder), "--db", db_url, "--as-of", "someday")
    assert bad_day.exit_code == 3 and "--as-of" in bad_day.stderr


def test_import_good_and_bad_files(db_url: str, tmp_path: Path) -> None:
    from followup.ledger_helpers import fill

    from planner.followup.db import open_ledger
    from planner.followup.load import load_programme
    from planner.followup.sync import sync

    folder = make_programme(tmp_path / "p")
    loaded = load_programme(folder)
    engine = open_ledger(db_url)
    sync(engine, loaded)
    t1, t2, _ = write_sheets(engine, loaded.programme, tmp_path / "s", as_of=loaded.programme.start)
    engine.dispose()
    fill(t1, [dict(child_id="C1", kind="visit", on="2026-09-10")])
    fill(t2, [dict(child_id="C1", kind="visit", on="2026-09-10")])  # not T2's child
    result = _run(
        "import", str(folder), str(t1), str(t2), "--db", db_url, "--json", "--today", "2026-10-01"
    )
    assert result.exit_code == 3
    payload = json.loads(result.stdout)
    assert [(f["ok"], f["added"]) for f in payload["files"]] == [(True, 1), (False, 0)]
    assert (
        payload["problems"][0]["row"] == 3
        and payload["problems"][0]["column"] == "儿童编号/child_id"
    )
    again = _run(
        "import", str(folder), str(t1), "--db", db_url, "--today", "2026-10-01", "--lang", "en"
    )
    assert again.exit_code == 0 and "0 added" in again.stderr and "1 unchanged" in again.stderr


def test_import_takes_xlsx_only_and_says_so(db_url: str, tmp_path: Path) -> None:
    help_text = runner.invoke(app, ["followup", "import", "--help"]).output
    assert ".xlsx only" in help_text
    folder = make_programme(tmp_path / "p")
    old_excel = tmp_path / "T1.xls"
    old_excel.write_bytes(b"not read: the extension is refused first")
    result = _run("import", str(folder), str(old_excel), "--db", db_url, "--lang", "en")
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert f"{old_excel}: only .xlsx record sheets" in result.stderr and "not .xls" in result.stderr


def test_log_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    folder = make_programme(tmp_path / "p")
    args = ["log", str(folder), "--db", db_url, "--carer", "T1", "--child", "C1", "--kind", "visit",
            "--on", "2026-10-02", "--problems", "没有台灯", "--growth", "study=进步", "--json"]  # fmt: skip
    result = _run(*args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "added": 1, "updated": 0, "unchanged": 0}
    solved = _run("log", str(folder), "--db", db_url, "--solve", "1", "--how", "送了台灯", "--json")
    assert solved.exit_code == 0 and json.loads(solved.stdout)["changed"] is True
    missing = _run("log", str(folder), "--db", db_url, "--carer", "T1", "--json")
    assert missing.exit_code == 3
    assert {p["column"] for p in json.loads(missing.stdout)["problems"]} == {"--child", "--kind"}


def test_the_ledger_url_flag_env_and_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANNER_DB", raising=False)
    folder = make_programme(tmp_path / "p")
    assert _run("sync", str(folder)).exit_code == 0
    assert (folder / "ledger.sqlite3").stat().st_mode & 0o777 == 0o600
    other = tmp_path / "county.sqlite3"
    assert _run("sync", str(folder), env={"PLANNER_DB": f"sqlite:///{other}"}).exit_code == 0
    assert other.exists()
    bad = _run(
        "due", str(folder), "--db", "postgresql://bob:hunter2@127.0.0.1:1/care", "--lang", "en"
    )
    assert bad.exit_code == 3
    assert "hunter2" not in bad.output and "bob:***@127.0.0.1:1/care" in bad.stderr
    assert "Traceback" not in bad.output
    odd = _run("due", str(folder), "--db", "mysql://x/y", "--lang", "en", "--json")
    assert odd.exit_code == 3 and "SQLite or PostgreSQL" in odd.stdout


@pytest.mark.parametrize("command", ["report", "remind"])
def test_report_and_remind_write_files(command: str, db_url: str, tmp_path: Path) -> None:
    pytest.importorskip(f"planner.followup.{command}")
    folder = make_programme(tmp_path / "p")
    out = tmp_path / "out"
    result = _run(
        command, str(folder), "--db", db_url, "--out", str(out), "--as-of", "2026-12-20", "--json"
    )
    assert result.exit_code == 0, result.output
    files = json.loads(result.stdout)["files"]
    assert files and all(Path(f).exists() for f in files)
