"""`planner init`: a commented event.toml and two spreadsheet templates."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from planner.errors import InvalidInput, Problem
from planner.io import write_bytes, write_text
from planner.load import cells
from planner.load.columns import CHILD_COLUMNS, VOLUNTEER_COLUMNS, Column

EVENT_TEMPLATE = """\
# 活动文件 event.toml:键名用英文,值和注释可以用中文。
# 时间写成 "08:30"(带英文引号);日期写成 {day} 或 "2026年12月5日"。
# 注意:引号必须是英文引号 ",不能是中文引号 “ ”。

[event]
id = "{event_id}"                 # 活动编号(字母、数字、短横线)
name = "关爱留守儿童活动"          # 活动名称
organiser = "{organiser}"       # 主办单位
date = {day}                    # 活动日期
timezone = "Asia/Shanghai"
shape = "school_day"            # school_day 进校活动 / day_trip 外出一日游 / pairing 长期结对

[event.coordinator]             # 总协调人(会出现在志愿者的日历邀请里)
name = "{coordinator}"
phone = "{phone}"

[files]                         # 两张表格(.xlsx 或 Excel/WPS 另存的 CSV 都可以)
volunteers = "volunteers.xlsx"
children = "children.xlsx"

[screening]
select = 10                     # 从报名者中选几名志愿者
min_age = 18

[matching]
max_children = 1                # 每名志愿者最多带几名儿童(1 或 2)

[groups]
count = 1                       # 游戏分几组

# [[activities]] 一项一段;[[buses]] 车辆;[budget] 预算。见 examples/ 里的完整例子。
"""

#: values the template holds until the organisers write their own (key path -> value)
PLACEHOLDERS: dict[tuple[str, ...], str] = {
    ("event", "id"): "my-event",
    ("event", "organiser"): "某某志愿者协会",
    ("event", "coordinator", "name"): "联系人姓名",
    ("event", "coordinator", "phone"): "13800000000",
}

HELP_ROWS = {
    "gender": "男 / 女",
    "skills": "、".join(sorted({k for k in cells.SKILLS if not k.isascii()})),
    "categories": "留守 / 残疾 / 单亲 / 孤儿(可多个,用顿号隔开)",
    "guardian_relation": "爷爷 / 奶奶 / 外公 / 外婆 / 父亲 / 母亲 / 姑姑 …",
    "needs": "、".join(sorted({k for k in cells.NEEDS if not k.isascii()})),
    "dietary": "清真 / 素食",
    "training_done": "是 / 否",
    "background_check_done": "是 / 否",
    "available": "是 / 否",
    "outing_consent": "是 / 否(未满 14 岁必须为 是)",
    "photo_consent": "是 / 否",
    "attending": "是 / 否(空着表示参加)",
    "background_check_date": "2026年5月17日 或 2026-05-17",
    "birth_date": "2015年3月8日 或 2015-03-08",
    "max_children": "1 或 2",
    "sibling_group": "同一组兄弟姐妹填同一个代号,如 S1",
}


def _workbook(columns: tuple[Column, ...], sheet: str) -> bytes:
    # openpyxl (0.3-0.5 s to import) only here: loading an event reads PLACEHOLDERS alone
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    data = book.active
    assert isinstance(data, Worksheet)
    data.title = sheet
    data.append([col.label for col in columns])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    for i, col in enumerate(columns, start=1):
        data.column_dimensions[get_column_letter(i)].width = max(10, len(col.label) * 2)
    guide = book.create_sheet("填写说明 help")
    guide.append(["列 column", "必填 required", "可以填写 allowed values"])
    for col in columns:
        guide.append([col.label, "是" if col.required else "", HELP_ROWS.get(col.field, "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_templates(folder: Path, *, force: bool = False, today: date | None = None) -> list[Path]:
    folder = Path(folder)
    targets = {
        folder / "event.toml": None,
        folder / "volunteers.xlsx": (VOLUNTEER_COLUMNS, "志愿者 volunteers"),
        folder / "children.xlsx": (CHILD_COLUMNS, "儿童 children"),
    }
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise InvalidInput(
            [
                Problem(
                    str(p),
                    None,
                    None,
                    "文件已存在(用 --force 覆盖)",
                    "file exists (use --force to overwrite)",
                )
                for p in existing
            ]
        )
    day = (today or date.today()) + timedelta(days=30)
    written = []
    for path, spec in targets.items():
        if spec is None:
            written.append(
                write_text(
                    path,
                    EVENT_TEMPLATE.format(
                        day=day.isoformat(),
                        event_id=PLACEHOLDERS["event", "id"],
                        organiser=PLACEHOLDERS["event", "organiser"],
                        coordinator=PLACEHOLDERS["event", "coordinator", "name"],
                        phone=PLACEHOLDERS["event", "coordinator", "phone"],
                    ),
                )
            )
        else:
            written.append(write_bytes(path, _workbook(*spec)))
    return written
