"""`planner budget EVENT [--actuals spent.csv]`: bad values with their event.toml
line, the printed table and JSON, and the whole command on the school day."""

from __future__ import annotations

import io
import json
import shutil
from decimal import Decimal
from types import SimpleNamespace

import pytest
from support import EXAMPLES

from planner.budget import run
from planner.budget.actuals import compare, read_actuals
from planner.commands.budget import BudgetReport, budget_report, print_budget_report
from planner.errors import Infeasible, InvalidInput
from planner.load import load_event
from planner.model import Notice
from planner.pipeline import STAGES, Stage, empty_plan


def line_number(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``fragment``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(fragment)


@pytest.fixture
def broken_school_day(tmp_path):
    """The school day with four bad budget values and one good but unusual one."""
    folder = tmp_path / "school_day"
    shutil.copytree(EXAMPLES / "school_day", folder)
    toml = folder / "event.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('item = "水费"\ncategory = "餐饮"\nquantity = 50\nunit_price = "1.5"',
                        'item = "水费"\ncategory = "餐饮"\nquantity = 50\nunit_price = "1,5"')  # fmt: skip
    text = text.replace('item = "面包"\ncategory = "餐饮"\nquantity = 50\nunit_price = "1.5"',
                        'item = "面包"\ncategory = "餐饮"\nquantity = "kids + 20"\nunit_price = "¥1.5"')  # fmt: skip
    text = text.replace('quantity = 2\nunit_price = "80"', 'quantity = 2\nunit_price = "-80"')
    text = text.replace('unit_price = "500"', 'unit_price = "五百"')
    toml.write_text(text, encoding="utf-8")
    return folder, text


def test_bad_values_are_reported_with_their_event_toml_line(broken_school_day):
    folder, text = broken_school_day
    with pytest.raises(InvalidInput) as caught:
        budget_report(folder)
    found = {(p.row, p.column): p for p in caught.value.problems}
    assert caught.value.exit_code == 3
    assert len(found) == 4
    water = found[(line_number(text, 'unit_price = "1,5"'), "budget.lines.1.unit_price")]
    assert "1,5" in water.message and water.file.endswith("event.toml")
    bread = found[(line_number(text, 'quantity = "kids + 20"'), "budget.lines.2.quantity")]
    assert "kids" in bread.message and "children" in bread.message
    assert (line_number(text, 'unit_price = "-80"'), "budget.lines.4.unit_price") in found
    assert (line_number(text, 'unit_price = "五百"'), "budget.lines.6.unit_price") in found


def test_the_loader_reports_budget_problems_with_their_lines(broken_school_day):
    """`planner check` and `planner plan` list bad budget values at their event.toml lines."""
    folder, text = broken_school_day
    with pytest.raises(InvalidInput) as caught:
        load_event(folder)
    budget = [p for p in caught.value.problems if (p.column or "").startswith("budget")]
    assert len(budget) == 4
    lines = text.splitlines()
    for problem in budget:
        key = problem.column.split(".")[-1]
        assert key in lines[problem.row - 1], (problem, lines[problem.row - 1])


def test_bad_actuals_are_reported_with_the_budget_problems(broken_school_day, tmp_path):
    folder, _ = broken_school_day
    spent = tmp_path / "spent.csv"
    spent.write_text("项目,金额\n路费,一百\n", encoding="utf-8-sig")
    with pytest.raises(InvalidInput) as caught:
        budget_report(folder, actuals=spent)
    assert any(p.file.endswith("spent.csv") and p.row == 2 for p in caught.value.problems)
    assert len(caught.value.problems) == 5


@pytest.fixture
def school_report(school_event, tmp_path):
    plan = run(school_event, empty_plan(school_event))
    spent = tmp_path / "spent.csv"
    spent.write_text("项目,金额\n路费,420\n打印,50\n", encoding="utf-8-sig")
    return BudgetReport(
        event_id=school_event.id,
        event_name=school_event.name,
        budget=plan.budget,
        notices=[Notice(stage="budget", code="example", zh="示例警告", en="example warning")],
        actuals=compare(plan.budget, read_actuals(spent)),
        plan=plan,
    )


def test_printed_table_shows_the_total(school_report):
    out, err = io.StringIO(), io.StringIO()
    print_budget_report(school_report, stdout=out, stderr=err)
    text = out.getvalue()
    assert "2360.00" in text and "¥2,360.00" in text
    assert "¥75.00" in text
    assert "计划外支出:打印" in text and "+¥20.00" in text
    assert "示例警告" in err.getvalue() and "示例警告" not in text


def test_printed_in_english(school_report):
    out = io.StringIO()
    print_budget_report(school_report, lang="en", stdout=out, stderr=io.StringIO())
    assert "Total 2360.00 yuan" in out.getvalue()
    assert "Spent but not planned: 打印" in out.getvalue()


def test_json_prints_only_json(school_report):
    out, err = io.StringIO(), io.StringIO()
    print_budget_report(school_report, as_json=True, stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert data["budget"]["total"] == "2360.00"
    assert data["actuals"]["lines"][0] == {
        "item": "路费", "category": "交通", "planned": "400.00", "spent": "420.00",
        "variance": "20.00", "status": "over", "note": None,
    }  # fmt: skip
    assert data["warnings"] == ["示例警告 / example warning"]
    assert err.getvalue() == ""


def test_the_whole_command_on_the_school_day(tmp_path):
    report = budget_report(EXAMPLES / "school_day", out=tmp_path)
    assert report.budget.total == Decimal("2360.00")
    assert sorted(p.name for p in report.written) == ["budget.csv", "budget.xlsx"]
    out = io.StringIO()
    print_budget_report(report, stdout=out, stderr=io.StringIO())
    assert "2360.00" in out.getvalue()


def _impossible(event, plan):
    raise Infeasible("matching", ["30 名儿童,只有 28 名志愿者"], ["30 children, 28 volunteers"])


#: a stand-in for a stage that finds the event impossible
_FAILING = Stage(
    "matching", "结对", "pairing", SimpleNamespace(validate=lambda e: [], run=_impossible)
)


@pytest.fixture
def matching_fails(monkeypatch):
    budget_stage = next(stage for stage in STAGES if stage.name == "budget")
    monkeypatch.setattr("planner.pipeline.STAGES", (_FAILING, budget_stage))


def test_budget_still_comes_when_an_earlier_stage_is_impossible(matching_fails):
    report = budget_report(EXAMPLES / "school_day")
    assert report.budget.total == Decimal("2360.00")
    assert any("「结对」未能完成" in n.zh and "28 名志愿者" in n.zh for n in report.notices)


def test_strict_raises_the_earlier_stage_error(matching_fails):
    with pytest.raises(Infeasible):
        budget_report(EXAMPLES / "school_day", strict=True)


def test_whole_pipeline_two_absent_children_cost_two_child_tickets_less(expo_event):
    """The real stages, end to end: 45 tickets become 43, the ticket line falls by ¥120."""
    from planner.pipeline import build_plan

    absent = expo_event.model_copy(
        update={
            "children": tuple(
                c.model_copy(update={"attending": False}) if c.id in {"C01", "C02"} else c
                for c in expo_event.children
            )
        }
    )
    full, short = build_plan(expo_event).budget, build_plan(absent).budget
    assert (full.counts["tickets"], short.counts["tickets"]) == (45, 43)
    ticket = "世博园门票(儿童)"
    before = next(line.amount for line in full.lines if line.item == ticket)
    after = next(line.amount for line in short.lines if line.item == ticket)
    assert before - after == 2 * Decimal("60")
    # every other line moves by its own count, and the total by exactly the lines' moves
    moved = sum(a.amount - b.amount for a, b in zip(full.lines, short.lines, strict=True))
    assert full.subtotal - short.subtotal == moved
    assert full.total - short.total == moved + (full.contingency - short.contingency)
