"""A small school-care programme folder for the ledger tests, built in tmp."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

PROGRAMME_TOML = """\
[programme]
id = "hx-care"
name = "红星小学关爱留守儿童"
organiser = "红星小学"
timezone = "Asia/Shanghai"
start = 2026-09-01
end = 2027-07-10

[[terms]]
id = "2026秋"
start = 2026-09-01
end = 2027-01-20

[[terms]]
id = "2027春"
start = 2027-02-20
end = 2027-07-10

[[units]]
id = "HX"
name = "红星小学"

[[units]]
id = "XC"
name = "新村小学"

[[duties]]
id = "visit"
who = "teacher"
what = "visit"
every = "term"

[[duties]]
id = "help"
who = "teacher"
what = "help"
every = "term"

[[duties]]
id = "contact"
who = "volunteer"
what = "contact"
every = "month"
remind_days = 5
"""

CARERS = [
    ["编号/id", "姓名/name", "角色/role", "单位/unit", "电话/phone"],
    ["T1", "李老师", "teacher", "HX", "13800000001"],
    ["T2", "张老师", "teacher", "XC", "13800000002"],
    ["V1", "赵志愿", "volunteer", "HX", ""],
]

CHILDREN = [
    [
        "编号",
        "姓名",
        "性别",
        "年龄",
        "类别",
        "监护人关系",
        "监护人姓名",
        "监护人电话",
        "村",
        "单位",
    ],
    ["C1", "王小明", "男", "9", "留守", "奶奶", "王奶奶甲", "13911110001", "上河村", "HX"],
    ["C2", "刘小红", "女", "10", "留守", "外公", "刘外公乙", "13911110002", "下河村", "HX"],
    ["C3", "陈小刚", "男", "8", "单亲", "父亲", "陈爸爸丙", "13911110003", "新村", "XC"],
]

PAIRS = [
    ["结对人编号", "儿童编号", "开始", "结束"],
    ["T1", "C1", "2026-09-01", ""],
    ["T1", "C2", "2026-09-01", ""],
    ["T2", "C3", "2026-09-01", ""],
    ["V1", "C1", "2026-09-01", ""],
]

START = date(2026, 9, 1)


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def make_programme(
    folder: Path,
    *,
    toml: str = PROGRAMME_TOML,
    carers: list[list[str]] | None = None,
    children: list[list[str]] | None = None,
    pairs: list[list[str]] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write programme.toml and the three sheets as CSV; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "programme.toml").write_text(toml, encoding="utf-8")
    write_csv(folder / "carers.csv", CARERS if carers is None else carers, encoding)
    write_csv(folder / "children.csv", CHILDREN if children is None else children, encoding)
    write_csv(folder / "pairs.csv", PAIRS if pairs is None else pairs, encoding)
    return folder


TODAY = date(2026, 10, 15)


def synced(db_url: str, folder: Path, **sheets: list[list[str]]):  # -> (Engine, LoadedProgramme)
    """A programme folder written, loaded and synced into the ledger at ``db_url``."""
    from planner.followup.db import open_ledger
    from planner.followup.load import load_programme
    from planner.followup.sync import sync

    loaded = load_programme(make_programme(folder, **sheets))
    engine = open_ledger(db_url)
    sync(engine, loaded, today=START)
    return engine, loaded


def fill(sheet: Path, rows: list[dict[str, object]], out: Path | None = None, *,
         solved: dict[int, tuple[str, str]] | None = None) -> Path:  # fmt: skip
    """Fill a carer's record sheet as a teacher would (row 3 on; row 2 is the example).

    ``rows`` map field names (child_id, kind, on, done, problems, solved, ...)
    to cell values; strings are written as text, exactly as typed.
    ``solved`` marks open problems: problem id -> (是/否, how).
    """
    from openpyxl import load_workbook

    from planner.followup.intake import PROBLEMS_SHEET, RECORD_COLUMNS, RECORDS_SHEET

    book = load_workbook(sheet)
    ws = book[RECORDS_SHEET]
    col = {c.field: i for i, c in enumerate(RECORD_COLUMNS, start=1)}
    for r, row in enumerate(rows, start=3):
        for field, value in row.items():
            cell = ws.cell(r, col[field], value)
            if isinstance(value, str):
                cell.data_type = "s"
    if solved:
        ps = book[PROBLEMS_SHEET]
        for r in range(2, ps.max_row + 1):
            pid = ps.cell(r, 1).value
            if pid in solved:
                ps.cell(r, 5, solved[pid][0])
                ps.cell(r, 6, solved[pid][1])
    target = out or sheet
    book.save(target)
    return target


@contextmanager
def pg_database(admin_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the server ``admin_url`` reaches
    (named ``prefix`` and a random suffix), dropped afterwards even while connected."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
