"""Spent against planned, line by line, from a CSV as Excel/WPS save it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from planner.budget import run
from planner.budget.actuals import LineStatus, compare, read_actuals
from planner.errors import InvalidInput
from planner.pipeline import empty_plan

D = Decimal

SPENT_ROWS = [
    ["项目", "金额", "备注"],
    ["路费", "420", "多叫了一趟车"],
    ["水费", "¥60", ""],
    ["面包", "40", "第一批"],
    ["面包", "35.5", "第二批"],
    ["资料", "1,200", "彩印"],  # matches 资料(心理资料、图片等) by the part before the bracket
    ["横幅", "160元", ""],
    ["展板", "150", ""],
    ["其他", "300", ""],
    ["打印", "50", ""],  # not in the plan
]  # 礼物 (gifts) planned but not spent


def write(path: Path, rows: list[list[str]], encoding: str) -> Path:
    """Write rows as Excel does: comma-separated, quoted where needed, CRLF."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def school_budget(school_event):
    return run(school_event, empty_plan(school_event)).budget


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_spent_csv_in_every_excel_encoding(tmp_path, encoding):
    spent = read_actuals(write(tmp_path / "spent.csv", SPENT_ROWS, encoding))
    by_item = {s.item: s.amount for s in spent}
    assert by_item["面包"] == D("75.5")  # receipts for one item add up
    assert by_item["资料"] == D("1200")
    assert len(spent) == 8  # nine rows, two of them bread


def test_spent_xlsx(tmp_path):
    book = openpyxl.Workbook()
    for row in [["item", "amount"], ["路费", 420], ["水费", 60.5]]:
        book.active.append(row)
    book.save(tmp_path / "spent.xlsx")
    spent = read_actuals(tmp_path / "spent.xlsx")
    assert [(s.item, s.amount) for s in spent] == [("路费", D("420")), ("水费", D("60.5"))]


def test_compare_line_by_line(tmp_path, school_budget):
    report = compare(
        school_budget, read_actuals(write(tmp_path / "spent.csv", SPENT_ROWS, "utf-8-sig"))
    )
    lines = {line.item: line for line in report.lines}
    assert lines["路费"].variance == D("20.00") and lines["路费"].status is LineStatus.OVER
    assert lines["水费"].variance == D("-15.00") and lines["水费"].status is LineStatus.UNDER
    assert lines["面包"].spent == D("75.50")
    assert lines["资料(心理资料、图片等)"].spent == D("1200.00")
    assert lines["横幅"].status is LineStatus.AS_PLANNED
    assert [line.item for line in report.unplanned] == ["打印"]
    assert [line.item for line in report.unspent] == ["礼物"]
    assert report.planned_subtotal == D("2360.00")
    assert report.spent_total == D("420") + D("60") + D("75.5") + D("1200") + D("160") + D(
        "150"
    ) + D("300") + D("50")
    assert report.variance == report.spent_total - D("2360.00")
    assert report.variance == sum((line.variance for line in report.lines), D(0))
    assert report.to_dict()["unspent"] == ["礼物"]


def test_bad_cells_are_all_reported_with_row_and_column(tmp_path):
    rows = [["项目", "金额"], ["路费", "1,5"], ["水费", ""], ["", "30"], ["面包", "三十"]]
    with pytest.raises(InvalidInput) as caught:
        read_actuals(write(tmp_path / "spent.csv", rows, "utf-8-sig"), shown="spent.csv")
    found = {(p.row, p.column): p.message_en for p in caught.value.problems}
    assert "ambiguous" in found[(2, "金额")]
    assert "blank" in found[(3, "金额")]
    assert "blank" in found[(4, "项目")]
    assert "must be a number" in found[(5, "金额")]
    assert all(p.file == "spent.csv" for p in caught.value.problems)


def test_missing_amount_column_is_named(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        read_actuals(write(tmp_path / "spent.csv", [["项目", "备注"], ["路费", "x"]], "utf-8-sig"))
    assert caught.value.problems[0].row == 1
    assert "amount" in caught.value.problems[0].message_en


def test_a_refund_may_be_negative(tmp_path, school_budget):
    rows = [["item", "amount"], ["路费", "400"], ["路费", "-50"]]
    report = compare(school_budget, read_actuals(write(tmp_path / "spent.csv", rows, "utf-8")))
    assert {line.item: line.spent for line in report.lines}["路费"] == D("350.00")
