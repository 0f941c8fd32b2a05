"""The budget's hard rules in the plan checker: each holds on a real budget and
catches the one thing it is about when it is broken."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.budget import checks, run
from planner.check.core import RULES
from planner.pipeline import empty_plan

D = Decimal


@pytest.fixture
def school_plan(school_event):
    return run(school_event, empty_plan(school_event))


def broken(plan, **budget_changes):
    return plan.model_copy(update={"budget": plan.budget.model_copy(update=budget_changes)})


def with_line(plan, index, **line_changes):
    lines = list(plan.budget.lines)
    lines[index] = lines[index].model_copy(update=line_changes)
    return broken(plan, lines=lines)


def test_rules_are_registered():
    names = {rule.name for rule in RULES if rule.stage == "budget"}
    assert names >= {
        "line_amount_is_quantity_times_price",
        "total_is_sum_of_lines",
        "categories_add_up",
        "nothing_negative",
        "within_hard_cap",
    }


def test_every_rule_holds_on_the_school_day(school_event, school_plan):
    for rule in (r for r in RULES if r.stage == "budget"):
        assert list(rule.fn(school_event, school_plan)) == [], rule.name


def test_wrong_amount_is_caught(school_event, school_plan):
    plan = with_line(school_plan, 1, amount=D("74.99"))
    assert list(checks.line_amount_is_quantity_times_price(school_event, plan))


def test_wrong_total_is_caught(school_event, school_plan):
    plan = broken(school_plan, total=D("2360.01"))
    assert list(checks.total_is_sum_of_lines(school_event, plan))


def test_wrong_category_subtotal_is_caught(school_event, school_plan):
    plan = broken(school_plan, by_category={**school_plan.budget.by_category, "宣传": D("300.00")})
    assert list(checks.categories_add_up(school_event, plan))


def test_negative_price_is_caught(school_event, school_plan):
    plan = with_line(school_plan, 0, unit_price=D("-400"), amount=D("-400.00"))
    assert list(checks.nothing_negative(school_event, plan))


def test_over_a_hard_cap_is_caught(school_event, school_plan):
    plan = broken(school_plan, total=D("2400.00"))
    assert list(checks.within_hard_cap(school_event, plan))
