"""Each kind of broken input exits 3 with a message naming file, row and column.

The tiny event folder (conftest) is valid; each test breaks one thing and
runs `planner check` as a user would, then reads stderr. Every case also
runs `planner plan` on the same folder: whenever plan finds bad input,
check must have found the same problems (``support.check_and_plan``).
"""

from __future__ import annotations

import copy
import csv
import tempfile
from pathlib import Path

import openpyxl
import pytest
from support import (
    CHILD_HEADER,
    CHILD_ROWS,
    EVENT_TOML,
    VOLUNTEER_HEADER,
    VOLUNTEER_ROWS,
    check_and_plan,
    write_csv,
)
from typer.testing import CliRunner

from planner.cli import app
from planner.errors import InvalidInput
from planner.load import load_event

runner = CliRunner()


def check(folder: Path, *extra: str):
    result = runner.invoke(app, ["check", str(folder), *extra])
    assert "Traceback" not in result.output
    if not extra:
        with tempfile.TemporaryDirectory() as out:
            check_and_plan(folder, Path(out))
    return result


def expect_problem(folder: Path, file: str, row: int | None, column: str | None, words: str) -> str:
    """`planner check` exits 3 and names file:row:column and the words."""
    result = check(folder)
    assert result.exit_code == 3, result.output
    where = file
    if row is not None:
        where += f":{row}"
    if column is not None:
        where += f":{column}"
    lines = [line for line in result.output.splitlines() if where in line]
    assert lines, f"no line with {where!r} in:\n{result.output}"
    assert any(words in line for line in lines), f"{words!r} not in {lines}"
    return result.output


def rows_with(rows, r: int, c: int, value: str):
    out = copy.deepcopy(rows)
    out[r][c] = value
    return out


def test_the_tiny_event_is_valid(tiny_event):
    assert check(tiny_event).exit_code == 0
    event = load_event(tiny_event)
    assert [v.id for v in event.volunteers] == ["V01", "V02"]
    assert event.children[1].categories == ("left_behind", "single_parent")


def test_missing_file(tiny_event):
    (tiny_event / "children.csv").unlink()
    expect_problem(tiny_event, "children.csv", None, None, "文件不存在")


def test_missing_column(tiny_event):
    header = [h for h in VOLUNTEER_HEADER if h != "姓名"]
    rows = [
        [c for h, c in zip(VOLUNTEER_HEADER, r, strict=True) if h != "姓名"] for r in VOLUNTEER_ROWS
    ]
    write_csv(tiny_event / "volunteers.csv", header, rows)
    expect_problem(tiny_event, "volunteers.csv", 1, "姓名/name", "缺少必需的列")


def test_empty_required_cell(tiny_event):
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 1, 2, ""))
    expect_problem(tiny_event, "volunteers.csv", 3, "性别/gender", "必填")


def test_duplicate_id(tiny_event):
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 1, 0, "C01"))
    expect_problem(tiny_event, "children.csv", 3, "编号/id", "重复")


def test_unknown_category_word(tiny_event):
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 0, 4, "贫困"))
    expect_problem(tiny_event, "children.csv", 2, "类别/categories", "不认识的儿童类别「贫困」")


def test_malformed_phone(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 0, 4, "1381234")
    )
    expect_problem(tiny_event, "volunteers.csv", 2, "电话/phone", "电话号码格式不对")


def test_impossible_volunteer_age(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 1, 3, "210")
    )
    expect_problem(tiny_event, "volunteers.csv", 3, "年龄/age", "不可能")


def test_birth_date_after_the_event(tiny_event):
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 0, 3, "2027-01-01"))
    expect_problem(tiny_event, "children.csv", 2, "出生日期/birth_date", "不可能")


def test_sibling_group_pointing_at_no_child(tiny_event):
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 1, 9, "C09"))
    expect_problem(tiny_event, "children.csv", 3, "兄弟姐妹组/sibling_group", "找不到其他儿童")


def test_child_under_14_without_consent_on_an_outing(tiny_event):
    day_trip = EVENT_TOML.replace('shape = "school_day"', 'shape = "day_trip"')
    (tiny_event / "event.toml").write_text(day_trip, encoding="utf-8")
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 0, 8, "否"))
    expect_problem(tiny_event, "children.csv", 2, "外出同意/outing_consent", "没有记录监护人同意")


def test_child_of_14_needs_no_consent(tiny_event):
    rows = rows_with(CHILD_ROWS, 0, 8, "")
    rows[0][3] = "2012-01-01"
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows)
    assert check(tiny_event).exit_code == 0


def test_unknown_gender_and_bad_yes_no(tiny_event):
    rows = rows_with(VOLUNTEER_ROWS, 0, 2, "未知")
    rows[1][6] = "也许"
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    out = expect_problem(tiny_event, "volunteers.csv", 2, "性别/gender", "不认识的性别")
    assert "volunteers.csv:3:已培训/training_done: 应填 是 或 否" in out


def test_a_bad_or_future_check_date_rejects_that_applicant_only(tiny_event, tmp_path):
    rows = rows_with(VOLUNTEER_ROWS, 0, 8, "去年五月")
    rows[1][8] = "2027-01-01"  # after the event day
    rows += [["V03", "赵强", "男", "23", "13712345678", "", "是", "是", "2026-07-01", "1"]]
    rows += [["V04", "钱丽", "女", "24", "13612345678", "", "是", "是", "2026-08-01", "1"]]
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    (tiny_event / "event.toml").write_text(EVENT_TOML, encoding="utf-8")
    assert check(tiny_event).exit_code == 0
    result = runner.invoke(app, ["plan", str(tiny_event), "--out", str(tmp_path), "--no-render"])
    assert result.exit_code == 0, result.output
    from planner.io import read_plan

    reasons = {
        r.volunteer_id: r.reason for r in read_plan(tmp_path / "plan.json").volunteers_rejected
    }
    assert "去年五月" in reasons["V01"] and "无法识别" in reasons["V01"]
    assert "2027-01-01" in reasons["V02"] and "晚于活动日" in reasons["V02"]


def test_toml_syntax_error_names_the_line(tiny_event):
    text = EVENT_TOML.replace('name = "测试活动"', "name = 测试活动")
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 3, None, "TOML 语法错误")


def test_toml_curly_quotes_get_a_hint(tiny_event):
    text = EVENT_TOML.replace('name = "测试活动"', "name = “测试活动”")
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 3, None, "中文引号")


def test_unknown_key_in_event_toml_names_its_line(tiny_event):
    text = EVENT_TOML.replace("max_children = 1", "max_children = 1\nmax_childs = 2")
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 17, "matching.max_childs", "不认识的键")


def test_bad_value_in_event_toml(tiny_event):
    text = EVENT_TOML.replace("max_children = 1", "max_children = 3")
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 16, "matching.max_children", "的值不对")


def test_bad_time_of_day_in_an_activity(tiny_event):
    text = (
        EVENT_TOML + '\n[[activities]]\nid = "a"\ntitle = "仪式"\nduration = 30\nearliest = "9点"\n'
    )
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 22, "activities.0.earliest", "not a time of day")


def test_locked_pair_with_unknown_volunteer(tiny_event):
    text = EVENT_TOML + '\n[[matching.locked]]\nvolunteer = "V99"\nchildren = ["C01"]\n'
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 19, "matching.locked.0.volunteer", "V99")


def test_gbk_csv_with_a_bad_cell(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv",
        VOLUNTEER_HEADER,
        rows_with(VOLUNTEER_ROWS, 1, 5, "飞行"),
        "gbk",
    )
    expect_problem(tiny_event, "volunteers.csv", 3, "特长/skills", "不认识的特长「飞行」")


def test_utf16_tab_separated_file_with_a_bad_cell(tiny_event):
    rows = rows_with(CHILD_ROWS, 1, 2, "boy?")
    with open(tiny_event / "children.csv", "w", encoding="utf-16", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(CHILD_HEADER)
        writer.writerows(rows)
    expect_problem(tiny_event, "children.csv", 3, "性别/gender", "不认识的性别")


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_with_a_bad_cell(tiny_event):
    rows = [list(r) for r in CHILD_ROWS]
    rows[0][7] = 12345  # Excel gives the phone as a number
    _xlsx(tiny_event / "children.xlsx", CHILD_HEADER, rows)
    text = EVENT_TOML.replace('children = "children.csv"', 'children = "children.xlsx"')
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "children.xlsx", 2, "监护人电话/guardian_phone", "12345")


def test_broken_xlsx_file(tiny_event):
    (tiny_event / "children.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    text = EVENT_TOML.replace('children = "children.csv"', 'children = "children.xlsx"')
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "children.xlsx", None, None, "无法作为 Excel 文件读取")


def test_every_problem_is_reported_at_once(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 0, 4, "12")
    )
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows_with(CHILD_ROWS, 1, 4, "穷"))
    with pytest.raises(InvalidInput) as info:
        load_event(tiny_event)
    where = {(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in info.value.problems}
    assert where == {("volunteers.csv", 2, "电话/phone"), ("children.csv", 3, "类别/categories")}


def test_messages_in_english(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 0, 4, "12")
    )
    result = check(tiny_event, "--lang", "en")
    assert result.exit_code == 3
    assert "volunteers.csv:2:电话/phone: malformed phone number" in result.output


def test_json_errors_go_to_stdout_only(tiny_event):
    write_csv(
        tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows_with(VOLUNTEER_ROWS, 0, 4, "12")
    )
    result = runner.invoke(app, ["check", str(tiny_event), "--json"])
    assert result.exit_code == 3
    import json

    payload = json.loads(result.stdout)
    assert payload["error"] == "invalid_input"
    assert payload["problems"][0]["row"] == 2


def test_ambiguous_budget_number_names_its_line(tiny_event):
    text = EVENT_TOML + '\n[[budget.lines]]\nitem = "水"\nquantity = 50\nunit_price = "1,5"\n'
    (tiny_event / "event.toml").write_text(text, encoding="utf-8")
    expect_problem(tiny_event, "event.toml", 21, "budget.lines.0.unit_price", "1,5")


def test_ticket_prices_are_written_once_in_the_budget_lines(tiny_event):
    toml = EVENT_TOML + '\n[tickets]\nrequired = true\n\n[tickets.prices]\nchild = "60"\n'
    (tiny_event / "event.toml").write_text(toml, encoding="utf-8")
    out = expect_problem(tiny_event, "event.toml", None, None, "门票价格只写一次")
    assert "unit_price" in out


def test_an_unquoted_time_gets_a_hint_to_quote_it(tiny_event):
    toml = EVENT_TOML + "\n[itinerary]\nday_start = 9:00\n"
    (tiny_event / "event.toml").write_text(toml, encoding="utf-8")
    line = len(toml.splitlines())
    expect_problem(tiny_event, "event.toml", line, None, '写成 "09:00"')


def test_a_title_row_above_the_header_is_read_past(tiny_event):
    """花名册 often open with a title row; rows keep their sheet numbers."""
    title = ["2026年志愿者花名册", *[""] * (len(VOLUNTEER_HEADER) - 1)]
    rows = [VOLUNTEER_HEADER, *rows_with(VOLUNTEER_ROWS, 1, 5, "飞行")]
    write_csv(tiny_event / "volunteers.csv", title, rows, "gbk")
    expect_problem(tiny_event, "volunteers.csv", 4, "特长/skills", "不认识的特长「飞行」")
    write_csv(tiny_event / "volunteers.csv", title, [VOLUNTEER_HEADER, *VOLUNTEER_ROWS], "gbk")
    assert check(tiny_event).exit_code == 0


def test_the_sheet_is_chosen_by_name(tiny_event):
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = "填写说明"
    guide.append(["请在「志愿者」表里填写"])
    sheet = book.create_sheet("志愿者")
    sheet.append(["志愿者花名册"])
    sheet.append(VOLUNTEER_HEADER)
    for row in VOLUNTEER_ROWS:
        sheet.append(row)
    book.save(tiny_event / "volunteers.xlsx")
    toml = EVENT_TOML.replace('volunteers = "volunteers.csv"', 'volunteers = "volunteers.xlsx"')
    (tiny_event / "event.toml").write_text(
        toml.replace("[files]\n", '[files]\nvolunteers_sheet = "志愿者"\n'), encoding="utf-8"
    )
    assert check(tiny_event).exit_code == 0
    (tiny_event / "event.toml").write_text(
        toml.replace("[files]\n", '[files]\nvolunteers_sheet = "报名表"\n'), encoding="utf-8"
    )
    expect_problem(tiny_event, "volunteers.xlsx", None, None, "没有名为「报名表」的工作表")
