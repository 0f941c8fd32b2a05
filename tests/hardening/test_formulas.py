"""Issue 11, item 1: text from the input is text in every spreadsheet the tool writes."""

from __future__ import annotations

import csv

import openpyxl
from hardening.events import expo_event, formula_problems, planner, snapshot

HYPERLINK = '=HYPERLINK("http://x","a")'


def test_formula_cells_from_input_stay_text(tmp_path):
    event = expo_event(
        tmp_path / "event",
        volunteer={"姓名/name": HYPERLINK, "单位/organisation": "@SUM(1+1)*cmd|' /C calc'!A0"},
        child={"姓名/name": "+1+2", "监护人姓名/guardian_name": "-3+4"},
        event={"budget_item": "=1+1 门票"},
    )
    inputs = snapshot(event)
    out = tmp_path / "out"

    code, _, err = planner("plan", str(event), "--out", str(out))

    assert code == 0, err
    assert snapshot(event) == inputs
    assert formula_problems(out) == []
    # neutralised the OWASP way, and still readable
    with open(out / "pairs.csv", encoding="utf-8-sig", newline="") as fh:
        cells = {cell for row in csv.reader(fh) for cell in row}
    assert "'" + HYPERLINK in cells
    assert any(cell.startswith("'+1+2") for cell in cells)
    with open(out / "manifests.csv", encoding="utf-8-sig", newline="") as fh:
        cells = {cell for row in csv.reader(fh) for cell in row}
    assert "'-3+4" in cells
    with open(out / "budget.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "'=1+1 门票"
    assert any(r[4].startswith(("1", "2", "3", "4", "5", "6", "7", "8", "9")) for r in rows[1:])

    # in the workbooks: the same text, as a text cell
    book = openpyxl.load_workbook(out / "plan.xlsx")
    texts = {c.value: c.data_type for s in book.worksheets for row in s.iter_rows() for c in row}
    assert texts[HYPERLINK] == "s"
    budget = openpyxl.load_workbook(out / "budget.xlsx").worksheets[0]
    assert budget["A2"].value == "=1+1 门票" and budget["A2"].data_type == "s"
    # while the budget's own formulas stay formulas
    assert budget["E2"].data_type == "f" and budget["E2"].value == "=ROUND(C2*D2,2)"
    formulas = [c.value for row in budget.iter_rows() for c in row if c.data_type == "f"]
    assert any(str(f).startswith("=SUM(") for f in formulas)


def test_control_characters_do_not_break_the_workbook(tmp_path):
    """A workbook cannot hold control characters: the writer puts U+FFFD, never fails."""
    from decimal import Decimal

    from planner.render.tables import Table, xlsx_bytes

    data = xlsx_bytes([Table("t", "T", [["a", "b"], ["x\x01y", Decimal("-1")], ["=A1", "-1+2"]])])
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["A2"].value == "x\ufffdy"
    assert sheet["B2"].value == -1 and sheet["B2"].data_type == "n"
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("=A1", "s")
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("-1+2", "s")
