"""Record sheets: one per carer, only their children, nothing a carer does not need."""

from __future__ import annotations

import html
import os
import stat
import zipfile
from pathlib import Path

from followup.ledger_helpers import CHILDREN, TODAY, fill, synced
from openpyxl import load_workbook
from sqlalchemy import select

from planner.followup import schema
from planner.followup.intake import (
    ABOUT_SHEET,
    DUTIES_SHEET,
    LISTS_SHEET,
    PROBLEMS_SHEET,
    RECORDS_SHEET,
    import_files,
)
from planner.followup.sheets import write_sheets

#: What no carer's sheet may carry: guardians' names and phones, home villages.
PRIVATE = ("王奶奶甲", "13911110001", "刘外公乙", "13911110002", "陈爸爸丙", "13911110003",
           "上河村", "下河村")  # fmt: skip


def _parts(path: Path) -> str:
    """Every part of the workbook as text, XML character references resolved
    (openpyxl writes non-ASCII as &#NNNNN; when lxml is installed)."""
    with zipfile.ZipFile(path) as z:
        return html.unescape(
            "".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
        )


def test_one_private_sheet_per_carer_with_only_their_children(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    written = write_sheets(engine, loaded.programme, tmp_path / "out", as_of=TODAY)
    assert [p.name for p in written] == ["T1.xlsx", "T2.xlsx", "V1.xlsx"]
    assert stat.S_IMODE(os.stat(tmp_path / "out").st_mode) == 0o700
    for path in written:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    kids = {}
    for path in written:
        book = load_workbook(path)
        assert book.sheetnames == [
            RECORDS_SHEET,
            LISTS_SHEET,
            DUTIES_SHEET,
            PROBLEMS_SHEET,
            ABOUT_SHEET,
        ]
        kids[path.stem] = [
            row[0]
            for row in book[LISTS_SHEET].iter_rows(min_col=3, max_col=3, values_only=True)
            if row[0]
        ]
        about = {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True)}
        assert about["结对人编号 carer"] == path.stem and about["项目编号 programme"] == "hx-care"
        duties = {row[0] for row in book[DUTIES_SHEET].iter_rows(min_row=2, values_only=True)}
        assert duties <= set(kids[path.stem])
    assert kids == {"T1": ["C1", "C2"], "T2": ["C3"], "V1": ["C1"]}
    t2 = _parts(tmp_path / "out" / "T2.xlsx")
    assert "王小明" not in t2 and "陈小刚" in t2  # another carer's child never shows


def test_no_guardian_data_in_any_part_of_any_sheet(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    with engine.connect() as conn:  # the ledger does hold them (so the check below means something)
        held = {r.guardian_name for r in conn.execute(select(schema.child.c.guardian_name))}
    assert {"王奶奶甲", "刘外公乙", "陈爸爸丙"} <= held
    for path in write_sheets(engine, loaded.programme, tmp_path / "out", as_of=TODAY):
        text = _parts(path)  # every part: shared or inline strings, all five sheets
        assert {"T1": "王小明", "T2": "陈小刚", "V1": "王小明"}[path.stem] in text
        for marker in PRIVATE:
            assert marker not in text, (path.name, marker)


def test_drop_downs_for_kind_yes_no_and_the_carers_children(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    (path,) = write_sheets(engine, loaded.programme, tmp_path / "out", as_of=TODAY, carers=["T1"])
    records = load_workbook(path)[RECORDS_SHEET]
    rules = {str(dv.sqref): dv.formula1 for dv in records.data_validations.dataValidation}
    assert rules["B3:B501"].startswith("'lists'!$A$1")  # kind
    assert rules["A3:A501"] == "'lists'!$C$1:$C$2"  # T1's two children
    assert rules["F3:F501"] == rules["G3:G501"] == "'lists'!$B$1:$B$2"  # 是/否
    lists = load_workbook(path)[LISTS_SHEET]
    assert [lists.cell(r, 1).value for r in (1, 2)] == ["家访", "帮扶"]  # the teacher's kinds first
    assert lists.sheet_state == "hidden"
    assert records.cell(2, 1).value == "示例/example"


def test_the_same_ledger_gives_the_same_bytes(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    a = write_sheets(engine, loaded.programme, tmp_path / "a", as_of=TODAY)
    b = write_sheets(engine, loaded.programme, tmp_path / "b", as_of=TODAY)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_input_is_written_as_text_never_a_formula(db_url: str, tmp_path: Path) -> None:
    children = [row[:] for row in CHILDREN]
    children[1][1] = '=HYPERLINK("http://x","a")'
    engine, loaded = synced(db_url, tmp_path / "p", children=children)
    (path,) = write_sheets(engine, loaded.programme, tmp_path / "out", as_of=TODAY, carers=["T1"])
    text = _parts(path)
    assert "<f>" not in text and "HYPERLINK" in text
    # an open problem typed as a formula comes back as text on the problems tab
    fill(path, [dict(child_id="C1", kind="家访", on="2026-10-01", problems="=1+1")])
    assert import_files(engine, loaded.programme, [path], today=TODAY)[0].added == 1
    (again,) = write_sheets(engine, loaded.programme, tmp_path / "out2", as_of=TODAY, carers=["T1"])
    assert "<f>" not in _parts(again)
    assert load_workbook(again)[PROBLEMS_SHEET].cell(2, 4).value == "=1+1"


def test_an_unfilled_sheet_imports_nothing(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    written = write_sheets(engine, loaded.programme, tmp_path / "out", as_of=TODAY)
    results = import_files(engine, loaded.programme, written, today=TODAY)
    assert [(r.ok, r.added) for r in results] == [(True, 0)] * 3  # the example row is skipped
