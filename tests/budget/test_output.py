"""budget.csv, budget.xlsx (formulas, checked by an independent evaluator) and the ¥ table."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import formulas
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.budget import run
from planner.budget.output import budget_table, write_budget_csv, write_budget_xlsx, xlsx_bytes
from planner.model import Budget
from planner.pipeline import empty_plan

D = Decimal
FEN = D("0.01")


def evaluate(path: Path) -> tuple[dict[str, object], openpyxl.worksheet.worksheet.Worksheet]:
    """Every cell's value as computed by the `formulas` package (not by us, not by openpyxl)."""
    model = formulas.ExcelModel().loads(str(path)).finish()
    solution = model.calculate()
    values: dict[str, object] = {}
    for key, ranges in solution.items():
        ref = key.split("!")[-1]
        if ":" in ref:
            continue
        cell = ranges.value[0][0]
        values[ref] = cell
    sheet = openpyxl.load_workbook(path).active
    return values, sheet


def money(value: object) -> Decimal:
    return D(repr(float(value))).quantize(FEN)


def labelled(values: dict[str, object], sheet, label: str) -> Decimal:
    """The computed E cell of the summary row whose label (column A) is ``label``."""
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == label:
            return money(values[f"E{row}"])
    raise AssertionError(f"no row labelled {label!r}")


def assert_workbook_matches(budget: Budget, path: Path) -> None:
    values, sheet = evaluate(path)
    for offset, line in enumerate(budget.lines):
        assert money(values[f"E{2 + offset}"]) == line.amount, line.item
        assert D(repr(float(values[f"C{2 + offset}"]))) == line.quantity, line.item
    assert labelled(values, sheet, "小计") == budget.subtotal
    assert labelled(values, sheet, "合计") == budget.total
    assert labelled(values, sheet, "不可预见费") == budget.contingency
    for category, amount in budget.by_category.items():
        assert labelled(values, sheet, category) == amount, category
    if budget.per_child is not None:
        assert labelled(values, sheet, "人均(每名儿童)") == budget.per_child
    if budget.balance is not None:
        assert labelled(values, sheet, "结余") == budget.balance


def test_school_day_workbook_formulas_give_2360(school_event, tmp_path):
    budget = run(school_event, empty_plan(school_event)).budget
    path = write_budget_xlsx(budget, tmp_path / "budget.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["E2"].value == "=ROUND(C2*D2,2)"  # a formula, not a number
    assert_workbook_matches(budget, path)
    values, sheet = evaluate(path)
    assert labelled(values, sheet, "合计") == D("2360.00")


def test_expo_workbook_quantities_are_formulas_over_the_counts(expo_plan, tmp_path):
    plan, event = expo_plan(absent=("C01", "C02"))
    budget = run(event, plan).budget
    path = write_budget_xlsx(budget, tmp_path / "budget.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert str(sheet["C2"].value).startswith("=$J$")  # tickets_child from the counts block
    assert_workbook_matches(budget, path)


def test_editing_a_count_moves_the_total(expo_plan, tmp_path):
    """An organiser changes tickets_child in the counts block; the total follows."""
    plan, event = expo_plan()
    budget = run(event, plan).budget
    path = write_budget_xlsx(budget, tmp_path / "budget.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    row = next(r for r in range(1, 40) if sheet.cell(row=r, column=9).value == "tickets_child")
    sheet.cell(row=row, column=10, value=28)
    book.save(path)
    values, sheet = evaluate(path)
    subtotal = budget.subtotal - 2 * D("60")
    contingency = (subtotal * budget.contingency_percent / 100).quantize(FEN)
    assert labelled(values, sheet, "合计") == subtotal + contingency


def test_half_fen_ties_round_up_in_the_workbook_too(make_event, tmp_path):
    """5% of 1.30 is 0.065 → 0.07; 1.37 for 2 children is 0.685 → 0.69: half-up,
    in the plan and in the workbook as any spreadsheet program computes it."""
    event = make_event(
        {"item": "贴纸", "quantity": 1, "unit_price": "0.91"},
        {"item": "铅笔", "quantity": 1, "unit_price": "0.39"},
        children=2,
        contingency_percent=D("5"),
    )
    budget = run(event, empty_plan(event)).budget
    assert (budget.subtotal, budget.contingency, budget.total) == (D("1.30"), D("0.07"), D("1.37"))
    assert budget.per_child == D("0.69")
    assert_workbook_matches(budget, write_budget_xlsx(budget, tmp_path / "budget.xlsx"))


def test_workbook_bytes_are_the_same_each_time(school_event):
    budget = run(school_event, empty_plan(school_event)).budget
    assert xlsx_bytes(budget) == xlsx_bytes(budget)


def test_csv_has_a_bom_and_plain_numbers(school_event, tmp_path):
    budget = run(school_event, empty_plan(school_event)).budget
    path = write_budget_csv(budget, tmp_path / "budget.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["项目", "类别", "数量", "单价", "金额", "备注"]
    assert rows[2] == ["水费", "餐饮", "50", "1.50", "75.00", ""]
    assert ["合计", "", "", "", "2360.00", ""] in rows


def test_table_prints_yuan(school_event):
    budget = run(school_event, empty_plan(school_event)).budget
    rows = budget_table(budget, "zh")
    assert ["合计", "", "", "", "¥2,360.00", ""] in rows
    english = budget_table(budget, "en")
    assert english[0] == ["Item", "Category", "Quantity", "Unit price", "Amount", "Note"]
    assert ["Total", "", "", "", "¥2,360.00", ""] in english
    with pytest.raises(ValueError, match="unknown language"):
        budget_table(budget, "fr")


# ---------- Hypothesis ----------

CATEGORIES = ["交通", "餐饮", "物资", "宣传"]
prices = st.decimals(min_value=0, max_value=20000, places=2, allow_nan=False, allow_infinity=False)
any_prices = st.decimals(
    min_value=0, max_value=20000, places=4, allow_nan=False, allow_infinity=False
)
counts = st.integers(min_value=0, max_value=500)
any_quantities = st.one_of(
    counts, st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
)
percents = st.one_of(
    st.just(D(0)),
    st.integers(min_value=0, max_value=20).map(D),
    st.sampled_from([D("2.5"), D("7.5")]),
)


def lines_strategy(price_strategy, quantities):
    return st.lists(
        st.fixed_dictionaries(
            {
                "item": st.text(alphabet="水面包车票横幅展板礼物其他", min_size=1, max_size=6),
                "category": st.sampled_from(CATEGORIES),
                "quantity": quantities,
                "unit_price": price_strategy.map(str),
            }
        ),
        min_size=0,
        max_size=12,
    )


@settings(max_examples=200, deadline=None)
@given(lines=lines_strategy(any_prices, any_quantities), percent=percents)
def test_total_is_exactly_the_sum_of_the_line_amounts(make_event, lines, percent):
    event = make_event(*lines, contingency_percent=percent)
    budget = run(event, empty_plan(event)).budget
    assert budget.subtotal == sum((line.amount for line in budget.lines), D(0))
    assert budget.total == budget.subtotal + budget.contingency
    assert sum(budget.by_category.values(), D(0)) == budget.subtotal
    if percent == 0:
        assert budget.total == sum((line.amount for line in budget.lines), D(0))
    for line in budget.lines:
        assert line.amount == (line.quantity * line.unit_price).quantize(
            FEN, rounding="ROUND_HALF_UP"
        )
        assert line.amount.as_tuple().exponent == -2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=lines_strategy(prices, counts),
    percent=percents,
    children=st.integers(min_value=0, max_value=40),
)
def test_workbook_formulas_give_the_plan_totals(make_event, lines, percent, children):
    """Whole quantities and prices to the fen (what budgets hold). A fractional
    quantity can land exactly on half a fen (5.5 × 801.17 = 4406.435), where a
    float evaluator such as `formulas` rounds down while Excel, WPS and
    LibreOffice round half-up as we do, so those are left out here."""
    event = make_event(
        *lines,
        children=children,
        contingency_percent=percent,
        funding=[{"source": "经费", "amount": "5000"}],
    )
    budget = run(event, empty_plan(event)).budget
    with tempfile.TemporaryDirectory() as folder:
        path = write_budget_xlsx(budget, Path(folder) / "budget.xlsx")
        assert_workbook_matches(budget, path)
