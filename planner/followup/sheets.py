"""One record sheet per carer (``planner followup sheets``): what teachers fill in.

Each ``<carer id>.xlsx`` holds only that carer's children and nothing a
carer does not need (no guardian names, phones or addresses): a records tab
with drop-downs (kind, 是/否, the carer's child ids) and one example row,
clearly marked, that import skips; the duties still open this period per
child; the open problems to mark solved; an about tab naming the programme
and the carer, which import reads back. Cells that came from anyone's input
are written as text, never as formulas. Files are private (0600) and
byte-stable: the same ledger on the same day gives the same bytes.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from msgspec import Struct
from sqlalchemy import Connection, Engine, and_, or_, select

from planner.followup import schema
from planner.followup.intake import (
    ABOUT_CARER,
    ABOUT_PROGRAMME,
    ABOUT_SHEET,
    DUTIES_SHEET,
    EXAMPLE_MARK,
    LISTS_SHEET,
    PROBLEM_COLUMNS,
    PROBLEMS_SHEET,
    RECORD_COLUMNS,
    RECORDS_SHEET,
)
from planner.followup.model import Duty, Period, Programme, period_of
from planner.io import stable_zip, write_bytes

__all__ = ["CarerSheet", "carer_sheets", "write_sheets"]

#: Rows of the records tab that carry drop-downs.
FILL_ROWS = 500
YES_NO = ("是", "否")
FORMULA_START = ("=", "+", "-", "@")


class OpenDuty(Struct, frozen=True):
    child_id: str
    duty: Duty
    period: Period
    count: int


class CarerSheet(Struct, frozen=True):
    """Everything one carer's workbook shows."""

    carer_id: str
    carer_name: str
    role: str
    children: tuple[tuple[str, str], ...]  # (id, name)
    open_duties: tuple[OpenDuty, ...]
    open_problems: tuple[tuple[int, str, date, str], ...]  # (id, child, found on, text)


def carer_sheets(engine: Engine, programme: Programme, as_of: date) -> list[CarerSheet]:
    """What each carer still in the programme on ``as_of`` gets on their sheet."""
    pid = programme.id
    with engine.connect() as conn:
        carers = conn.execute(
            select(schema.carer.c.id, schema.carer.c.name, schema.carer.c.role)
            .where(
                schema.carer.c.programme_id == pid,
                or_(schema.carer.c.left_on.is_(None), schema.carer.c.left_on > as_of),
            )
            .order_by(schema.carer.c.id)
        ).all()
        names: dict[str, str] = {
            r.id: r.name
            for r in conn.execute(
                select(schema.child.c.id, schema.child.c.name).where(
                    schema.child.c.programme_id == pid
                )
            )
        }
        pairs: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
        p = schema.pair
        for row in conn.execute(
            select(p.c.carer_id, p.c.child_id, p.c.since, p.c.until).where(p.c.programme_id == pid)
        ):
            pairs[row.carer_id].append((row.child_id, row.since, row.until))
        out = []
        for carer in carers:
            duties = [d for d in programme.duties if d.who == carer.role]
            current = [(d, period_of(programme, d.every, as_of)) for d in duties]
            window = min((per.start for _, per in current if per), default=as_of)
            kids = sorted(
                {
                    c
                    for c, since, until in pairs[carer.id]
                    if since <= as_of and (until is None or until >= window)
                }
            )
            out.append(
                CarerSheet(
                    carer_id=carer.id,
                    carer_name=carer.name,
                    role=carer.role,
                    children=tuple((k, names.get(k, "")) for k in kids),
                    open_duties=tuple(_open_duties(conn, pid, carer.role, kids, current)),
                    open_problems=tuple(_open_problems(conn, pid, kids)),
                )
            )
    return out


def _open_duties(
    conn: Connection,
    pid: str,
    role: str,
    kids: list[str],
    current: list[tuple[Duty, Period | None]],
) -> list[OpenDuty]:
    spans = [(d, per) for d, per in current if per is not None]
    if not kids or not spans:
        return []
    rec, car = schema.record, schema.carer
    counted: dict[tuple[str, str, str], int] = defaultdict(int)
    kinds = {d.what for d, _ in spans}
    rows = conn.execute(
        select(rec.c.child_id, rec.c.kind, rec.c.on, rec.c.for_period)
        .join(car, and_(car.c.programme_id == rec.c.programme_id, car.c.id == rec.c.carer_id))
        .where(
            rec.c.programme_id == pid,
            rec.c.child_id.in_(kids),
            rec.c.kind.in_(kinds),
            car.c.role == role,
        )
    ).all()
    for duty, per in spans:
        for row in rows:
            if row.kind != duty.what:
                continue
            if (row.for_period == per.id) if row.for_period else per.contains(row.on):
                counted[(row.child_id, duty.id, per.id)] += 1
    out = []
    for kid in kids:
        for duty, per in spans:
            n = counted[(kid, duty.id, per.id)]
            if n < duty.times:
                out.append(OpenDuty(kid, duty, per, n))
    return out


def _open_problems(conn: Connection, pid: str, kids: list[str]) -> list[tuple[int, str, date, str]]:
    if not kids:
        return []
    prob = schema.problem
    rows = conn.execute(
        select(prob.c.id, prob.c.child_id, prob.c.found_on, prob.c.text)
        .where(prob.c.programme_id == pid, prob.c.child_id.in_(kids), prob.c.solved_on.is_(None))
        .order_by(prob.c.found_on, prob.c.id)
    ).all()
    return [(r.id, r.child_id, r.found_on, r.text) for r in rows]


def write_sheets(
    engine: Engine,
    programme: Programme,
    out: Path,
    *,
    as_of: date,
    carers: list[str] | None = None,
) -> list[Path]:
    """Write ``<carer id>.xlsx`` for every carer (or the ones named) into ``out``."""
    written = []
    for sheet in carer_sheets(engine, programme, as_of):
        if carers and sheet.carer_id not in carers:
            continue
        data = workbook_bytes(programme, sheet, as_of)
        written.append(write_bytes(Path(out) / f"{_safe(sheet.carer_id)}.xlsx", data, private=True))
    return written


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name).lstrip(".") or "_"


def _put(ws: Any, row: int, col: int, value: object) -> Any:
    """Write a cell; text from anyone's input stays text, never a formula."""
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


def workbook_bytes(programme: Programme, sheet: CarerSheet, as_of: date) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped, unused-ignore]

    labels = programme.kind_labels()
    book: Any = Workbook()  # typed or not (types-openpyxl), cells are written loosely
    records = book.active
    records.title = RECORDS_SHEET
    for i, col in enumerate(RECORD_COLUMNS, start=1):
        _put(records, 1, i, col.label).font = Font(bold=True)
        records.column_dimensions[records.cell(1, i).column_letter].width = 14
    records.freeze_panes = "A2"
    field_col = {c.field: i for i, c in enumerate(RECORD_COLUMNS, start=1)}
    duty_kinds = [d.what for d in programme.duties if d.who == sheet.role] or list(labels)
    example = {
        "child_id": EXAMPLE_MARK,
        "kind": labels[duty_kinds[0]][0],
        "on": as_of.isoformat(),
        "done": "示例行,导入时跳过 (example row, skipped on import)",
        "problems": "",
        "solved": "否",
        "reported": "否",
    }
    grey = Font(italic=True, color="808080")
    for key, value in example.items():
        _put(records, 2, field_col[key], value).font = grey
    for number in range(1, len(RECORD_COLUMNS) + 1):
        records.cell(2, number).fill = PatternFill("solid", fgColor="EEEEEE")
    text_letter = records.cell(1, field_col["for_period"]).column_letter
    for r in range(2, FILL_ROWS + 2):
        records[f"{text_letter}{r}"].number_format = "@"

    lists = book.create_sheet(LISTS_SHEET)
    kind_words = [labels[k][0] for k in dict.fromkeys([*duty_kinds, *labels])]
    for r, word in enumerate(kind_words, start=1):
        _put(lists, r, 1, word)
    for r, word in enumerate(YES_NO, start=1):
        _put(lists, r, 2, word)
    for r, (child_id, _) in enumerate(sheet.children, start=1):
        _put(lists, r, 3, child_id)
    lists.sheet_state = "hidden"

    def dropdown(ws: Any, source: str, letter: str, first: int, last: int, title: str) -> None:
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        dv.errorTitle = title
        dv.error = "请从下拉列表中选择 / choose from the list"
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last}")

    sheet_ref = f"'{LISTS_SHEET}'"
    letter = {k: records.cell(1, v).column_letter for k, v in field_col.items()}
    last = FILL_ROWS + 1
    dropdown(
        records, f"{sheet_ref}!$A$1:$A${len(kind_words)}", letter["kind"], 3, last, "事项 kind"
    )
    for key in ("solved", "reported"):
        dropdown(records, f"{sheet_ref}!$B$1:$B$2", letter[key], 3, last, "是/否")
    if sheet.children:
        dropdown(
            records,
            f"{sheet_ref}!$C$1:$C${len(sheet.children)}",
            letter["child_id"],
            3,
            last,
            "儿童 child",
        )

    duties = book.create_sheet(DUTIES_SHEET)
    head = ["儿童编号/child_id", "姓名/name", "职责/duty", "事项/kind", "周期/period", "截止/ends", "已做/done", "应做/required"]  # fmt: skip
    for i, heading in enumerate(head, start=1):
        _put(duties, 1, i, heading).font = Font(bold=True)
    names = dict(sheet.children)
    for r, item in enumerate(sheet.open_duties, start=2):
        row: list[object] = [item.child_id, names.get(item.child_id, ""), item.duty.id, labels.get(item.duty.what, (item.duty.what,))[0],
               item.period.id, item.period.end.isoformat(), item.count, item.duty.times]  # fmt: skip
        for c, shown in enumerate(row, start=1):
            _put(duties, r, c, shown)

    problems = book.create_sheet(PROBLEMS_SHEET)
    for i, col in enumerate(PROBLEM_COLUMNS, start=1):
        _put(problems, 1, i, col.label).font = Font(bold=True)
    pcol = {c.field: i for i, c in enumerate(PROBLEM_COLUMNS, start=1)}
    for r, (pid, child_id, found, text) in enumerate(sheet.open_problems, start=2):
        _put(problems, r, pcol["id"], pid)
        _put(problems, r, pcol["child_id"], child_id)
        _put(problems, r, pcol["found_on"], found.isoformat())
        _put(problems, r, pcol["text"], text)
        _put(problems, r, pcol["solved"], "否")
    if sheet.open_problems:
        solved_letter = problems.cell(1, pcol["solved"]).column_letter
        dropdown(
            problems,
            f"{sheet_ref}!$B$1:$B$2",
            solved_letter,
            2,
            len(sheet.open_problems) + 1,
            "是/否",
        )

    about = book.create_sheet(ABOUT_SHEET)
    rows = [
        (ABOUT_PROGRAMME, programme.id),
        (ABOUT_CARER, sheet.carer_id),
        ("项目 name", programme.name),
        ("结对人 carer name", sheet.carer_name),
        ("日期 as of", as_of.isoformat()),
        ("说明 help", "在「记录」表每行填一条记录;第 2 行是示例,会被跳过。不要改本表。"
                      " One record per row in the records tab; row 2 is an example and is skipped. "
                      "Do not edit this tab."),
    ]  # fmt: skip
    for r, (key, value) in enumerate(rows, start=1):
        _put(about, r, 1, key).font = Font(bold=True)
        _put(about, r, 2, value)
    about.column_dimensions["A"].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())
