"""``planner followup init``: a starting programme folder, blank or from an event's plan.

Blank: a commented ``programme.toml`` (a school-care example: the teacher's
termly home visit, help and information check, the volunteer's monthly
contact) and three sheet templates with bilingual headers. From a plan: the
event's selected volunteers become carers, its paired children the
programme's children, its pairs start on the event day, and the volunteers
owe one contact a month for a year, so a plan flows into its follow-up
without retyping.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any

from planner.errors import InvalidInput, Problem
from planner.followup.load import CARER_COLUMNS, PAIR_COLUMNS, PROGRAMME_CHILD_COLUMNS
from planner.io import stable_zip, write_bytes, write_text
from planner.load.columns import Column

__all__ = ["write_from_plan", "write_starting_folder"]

SHEETS = ("carers.xlsx", "children.xlsx", "pairs.xlsx")

HELP: dict[str, str] = {
    "role": "teacher / volunteer,或 programme.toml 里职责的 who",
    "unit": "programme.toml 里 [[units]] 的编号",
    "gender": "男 / 女",
    "categories": "留守 / 残疾 / 单亲 / 孤儿(可多个,用顿号隔开)",
    "guardian_relation": "爷爷 / 奶奶 / 外公 / 外婆 / 父亲 / 母亲 / 姑姑 …",
    "birth_date": "2015年3月8日 或 2015-03-08",
    "carer_id": "carers 表里的编号",
    "child_id": "children 表里的编号",
    "since": "结对开始日期,如 2026-09-01",
    "until": "结对结束日期;空着表示仍在结对",
    "joined_on": "儿童中途加入项目的日期,如 2027-03-16(从这天起才要求有负责人);空着表示从项目开始就在",
}

#: The child columns the programme keeps (the event's others are not needed here).
CHILD_FIELDS = ("id", "name", "gender", "birth_date", "age", "grade", "school", "village",
                "categories", "guardian_relation", "guardian_name", "guardian_phone", "needs",
                "allergies", "medical_notes", "unit", "joined_on")  # fmt: skip


def _columns_for(fields: Sequence[str]) -> tuple[Column, ...]:
    by_field = {c.field: c for c in PROGRAMME_CHILD_COLUMNS}
    return tuple(by_field[f] for f in fields)


def sheet_bytes(
    columns: Sequence[Column], title: str, rows: Sequence[Sequence[object]] = ()
) -> bytes:
    """A workbook: bilingual header, the rows as text, and a help sheet."""
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Font  # type: ignore[import-untyped, unused-ignore]

    book: Any = Workbook()  # typed or not (types-openpyxl), cells are written loosely
    data = book.active
    data.title = title
    for i, col in enumerate(columns, start=1):
        data.cell(1, i, col.label).font = Font(bold=True)
        data.column_dimensions[data.cell(1, i).column_letter].width = max(10, len(col.label) * 2)
    data.freeze_panes = "A2"
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = data.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text (phones, ids, "=..." never a formula)
    guide = book.create_sheet("填写说明 help")
    guide.append(["列 column", "必填 required", "可以填写 allowed values"])
    for col in columns:
        guide.append([col.label, "是" if col.required else "", HELP.get(col.field, "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def _refuse_existing(folder: Path, force: bool) -> None:
    targets = [folder / "programme.toml", *(folder / name for name in SHEETS)]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise InvalidInput(
            [Problem(str(p), None, None, "文件已存在(用 --force 覆盖)",
                     "file exists (use --force to overwrite)") for p in existing]
        )  # fmt: skip


def _school_year(today: date) -> int:
    return today.year if today.month >= 7 else today.year - 1


def write_starting_folder(
    folder: Path, *, force: bool = False, today: date | None = None
) -> list[Path]:
    """A commented programme.toml (school-care example) and three empty sheets."""
    folder = Path(folder)
    _refuse_existing(folder, force)
    year = _school_year(today or date.today())
    template = files("planner.followup").joinpath("templates/programme.toml").read_text("utf-8")
    text = Template(template).substitute(
        start=date(year, 9, 1).isoformat(),
        end=date(year + 1, 7, 10).isoformat(),
        autumn=year,
        autumn_end=date(year + 1, 1, 20).isoformat(),
        spring=year + 1,
        spring_start=date(year + 1, 2, 20).isoformat(),
    )
    return [
        write_text(folder / "programme.toml", text),
        write_bytes(folder / "carers.xlsx", sheet_bytes(CARER_COLUMNS, "结对人 carers")),
        write_bytes(
            folder / "children.xlsx", sheet_bytes(_columns_for(CHILD_FIELDS), "儿童 children")
        ),
        write_bytes(folder / "pairs.xlsx", sheet_bytes(PAIR_COLUMNS, "结对 pairs")),
    ]


def _one_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


FROM_PLAN = """\
# 由活动方案 {plan} 生成的长期结对跟进项目(planner followup init --from-plan)。
# 活动当天的结对从 {start} 起生效;志愿者每月至少联系结对儿童一次,为期一年。
# 键名用英文,值和注释可以用中文;可以照 planner followup init 的空白模板增加学期、单位和职责。

[programme]
id = {id}
name = {name}
organiser = {organiser}
timezone = {timezone}
start = {start}
end = {end}

[files]
carers = "carers.xlsx"
children = "children.xlsx"
pairs = "pairs.xlsx"

[[duties]]
id = "contact"
who = "volunteer"
what = "contact"
every = "month"
times = 1
remind_days = 7
"""


def write_from_plan(folder: Path, plan_path: Path, *, force: bool = False) -> list[Path]:
    """Start a programme from an event's plan.json: its pairs, monthly contact for a year."""
    from planner.io import read_plan

    plan = read_plan(plan_path)
    folder = Path(folder)
    _refuse_existing(folder, force)
    event = plan.event
    selected = set(plan.volunteers_selected)
    paired = {cid for pair in plan.pairs for cid in pair.child_ids}
    volunteers = [v for v in plan.people.volunteers if v.id in selected]
    children = [c for c in plan.people.children if c.id in paired]
    start, end = event.date, _one_year_later(event.date)
    text = FROM_PLAN.format(
        plan=Path(plan_path).name, id=_toml(f"{event.id}-followup"[:80]),
        name=_toml(f"{event.name} 结对跟进"), organiser=_toml(event.organiser or ""),
        timezone=_toml(event.timezone), start=start.isoformat(), end=end.isoformat(),
    )  # fmt: skip
    carer_rows = [[v.id, v.name, "volunteer", None, v.phone, v.email] for v in volunteers]
    child_rows = [
        [c.id, c.name, c.gender.value, c.birth_date.isoformat() if c.birth_date else None, c.age,
         c.grade, c.school, c.village, "、".join(x.value for x in c.categories) or None,
         c.guardian.relation.value if c.guardian else None, c.guardian.name if c.guardian else None,
         c.guardian.phone if c.guardian else None, "、".join(n.value for n in c.needs) or None,
         "、".join(c.allergies) or None, c.medical_notes, None, None]
        for c in children
    ]  # fmt: skip
    pair_rows = [
        [pair.volunteer_id, cid, start.isoformat(), None]
        for pair in plan.pairs
        if pair.volunteer_id in selected
        for cid in pair.child_ids
    ]
    return [
        write_text(folder / "programme.toml", text),
        write_bytes(
            folder / "carers.xlsx",
            sheet_bytes(CARER_COLUMNS, "结对人 carers", carer_rows),
            private=True,
        ),
        write_bytes(
            folder / "children.xlsx",
            sheet_bytes(_columns_for(CHILD_FIELDS), "儿童 children", child_rows),
            private=True,
        ),
        write_bytes(
            folder / "pairs.xlsx", sheet_bytes(PAIR_COLUMNS, "结对 pairs", pair_rows), private=True
        ),
    ]
