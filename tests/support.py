"""Helpers shared by the tests: a tiny valid event folder, broken one cell at a time."""

from __future__ import annotations

import ast
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EVENT_TOML = """\
[event]
id = "tiny"
name = "测试活动"
date = 2026-12-05
timezone = "Asia/Shanghai"
shape = "school_day"

[files]
volunteers = "volunteers.csv"
children = "children.csv"

[screening]
select = 2

[matching]
max_children = 1
"""

VOLUNTEER_HEADER = [
    "编号",
    "姓名",
    "性别",
    "年龄",
    "电话",
    "特长",
    "已培训",
    "背景审查",
    "审查日期",
    "最多带几名",
]
VOLUNTEER_ROWS = [
    ["V01", "李明", "男", "21", "13812345678", "急救", "是", "是", "2026年5月1日", "1"],
    ["V02", "王芳", "女", "22", "13912345678", "心理辅导、组织游戏", "是", "是", "2026-06-01", "1"],
]
CHILD_HEADER = [
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "类别",
    "监护人关系",
    "监护人姓名",
    "监护人电话",
    "外出同意",
    "兄弟姐妹组",
]
CHILD_ROWS = [
    ["C01", "张小红", "女", "2015-03-08", "留守", "奶奶", "张奶奶", "13700000001", "是", ""],
    [
        "C02",
        "刘小刚",
        "男",
        "2014年9月1日",
        "留守、单亲",
        "外公",
        "刘外公",
        "13700000002",
        "是",
        "",
    ],
]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLANNER = Path(__file__).resolve().parent.parent / "planner"


def planner_syntax() -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of every planner module, with its module's path
    (``planner/matching/flow.py``), the modules in path order."""
    for path in sorted(PLANNER.rglob("*.py")):
        shown = str(path.relative_to(PLANNER.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            yield shown, node


def check_and_plan(folder: Path, out: Path) -> tuple[Any, Any]:
    """Run `planner check --json` and `planner plan --json` on ``folder``, and
    hold them to their agreement: whenever plan finds bad input (exit 3),
    check exits 3 too, listing the same problems first."""
    import json

    from typer.testing import CliRunner

    from planner.cli import app

    runner = CliRunner()
    checked = runner.invoke(app, ["check", str(folder), "--json"])
    planned = runner.invoke(app, ["plan", str(folder), "--json", "--no-render", "--out", str(out)])
    for result in (checked, planned):
        assert "Traceback" not in result.output, result.output
    if planned.exit_code == 3:
        assert checked.exit_code == 3, (checked.output, planned.output)
        found_by_plan = json.loads(planned.stdout)["problems"]
        found_by_check = json.loads(checked.stdout)["problems"]
        assert found_by_check[: len(found_by_plan)] == found_by_plan
    if checked.exit_code == 0:
        assert planned.exit_code in (0, 4, 5), planned.output
    return checked, planned
