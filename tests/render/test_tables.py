"""Tables: CSV in UTF-8 with BOM and one workbook with a sheet per table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from render.plans import bare_plan, expo_plan

from planner.render import export
from planner.render.labels import Labels
from planner.render.tables import all_tables, csv_bytes, xlsx_bytes
from planner.render.view import PlanView


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name}: no BOM"
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_table_is_written_as_csv_with_bom(tmp_path: Path) -> None:
    export(expo_plan(), tmp_path, pdf=False)
    pairs = read_csv(tmp_path / "pairs.csv")
    assert pairs[0][:2] == ["志愿者编号", "志愿者"]
    assert pairs[1][:4] == ["V01", "陶浩杰", "C01 C02", "王小明、王小红"]
    assert len(pairs) == 1 + 6
    groups = read_csv(tmp_path / "groups.csv")
    assert len(groups) == 1 + 6 + 10  # a row per volunteer and child of each group
    assert ["G1", "第一组", "志愿者", "V01", "陶浩杰", "组长"] in groups
    manifests = read_csv(tmp_path / "manifests.csv")
    assert len(manifests) == 1 + 4 * 5  # each child on each of the four legs
    assert manifests[1][:7] == [
        "一号车(19 座中巴)",
        "去程",
        "06:30",
        "石井村村委会",
        "07:25",
        "C01",
        "王小明",
    ]
    budget = read_csv(tmp_path / "budget.csv")
    assert any(row[0] == "合计" and row[4] == "3988.42" for row in budget)


def test_workbook_has_a_sheet_per_table_with_numbers_as_numbers(tmp_path: Path) -> None:
    export(expo_plan(), tmp_path, pdf=False)
    book = load_workbook(tmp_path / "plan.xlsx")
    assert book.sheetnames == ["活动", "结对", "未入选", "分组", "车辆乘车名单", "预算"]
    budget = book["预算"]
    totals = [row for row in budget.iter_rows(values_only=True) if row[0] == "合计"]
    assert totals and float(totals[0][4]) == 3988.42
    assert budget.freeze_panes == "A2"


def test_workbook_and_csv_are_byte_for_byte_repeatable() -> None:
    tables = all_tables(PlanView(expo_plan()), Labels("zh"))
    again = all_tables(PlanView(expo_plan()), Labels("zh"))
    assert xlsx_bytes(tables) == xlsx_bytes(again)
    assert [csv_bytes(t.rows) for t in tables] == [csv_bytes(t.rows) for t in again]


def test_empty_parts_mean_absent_tables(tmp_path: Path) -> None:
    written = export(bare_plan(), tmp_path, pdf=False)
    names = sorted(p.name for p in written)
    assert not [n for n in names if n.endswith(".csv")]
    assert "plan.xlsx" in names
    assert load_workbook(tmp_path / "plan.xlsx").sheetnames == ["活动"]


def test_english_headers(tmp_path: Path) -> None:
    export(expo_plan(), tmp_path, lang="en", pdf=False)
    assert read_csv(tmp_path / "pairs.csv")[0][:2] == ["Volunteer ID", "Volunteer"]
    assert "Budget" in load_workbook(tmp_path / "plan.xlsx").sheetnames


def test_scores_keep_their_exact_value() -> None:
    tables = {t.name: t for t in all_tables(PlanView(expo_plan()), Labels("zh"))}
    assert tables["pairs"].rows[1][4] == Decimal("80")


def test_rejected_applicants_and_their_reasons_reach_the_organisers_workbook(
    tmp_path: Path,
) -> None:
    """The organiser must explain to each applicant passed over why: plan.xlsx and
    report.html say it, in the reader's language."""
    plan = expo_plan()
    plan.volunteers_rejected = [
        plan.volunteers_rejected[0].model_copy(update={"reason_en": "background check not done"})
    ]
    export(plan, tmp_path / "zh", pdf=False)
    rows = list(load_workbook(tmp_path / "zh" / "plan.xlsx")["未入选"].iter_rows(values_only=True))
    assert rows == [("志愿者编号", "姓名", "理由"), ("V07", "周末", "背景审查未完成")]
    report = (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    assert "未入选 (1)" in report and "背景审查未完成" in report and "周末" in report
    export(plan, tmp_path / "en", lang="en", pdf=False)
    english = load_workbook(tmp_path / "en" / "plan.xlsx")["Not selected"]
    assert list(english.iter_rows(values_only=True))[1] == (
        "V07",
        "周末",
        "background check not done",
    )
    assert "background check not done" in (tmp_path / "en" / "report.html").read_text("utf-8")


def test_organiser_outputs_name_children_by_id_and_full_name(tmp_path: Path) -> None:
    """Two children may share a given name: the organisers' pages show id and full name."""
    export(expo_plan(), tmp_path, pdf=False)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "C01 王小明" in report and "V01 陶浩杰" in report
    roster = (tmp_path / "print" / "roster.html").read_text(encoding="utf-8")
    assert '<span class="muted small">C01</span> 王小明' in roster
    manifests = (tmp_path / "print" / "manifests.html").read_text(encoding="utf-8")
    assert '<span class="muted small">C01</span> 王小明' in manifests
