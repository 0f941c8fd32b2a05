"""The budget's hard rules, checked on a finished plan (planner.check registry).

Each rule re-does the arithmetic from the plan alone, so a budget edited by
hand in plan.json, or computed by a future version, is audited the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from planner.budget.numbers import fen
from planner.check.core import hard_rule
from planner.model import Event, Plan


@hard_rule(
    "budget", "每项金额 = 数量 × 单价(精确到分) / each amount is quantity × unit price, to the fen"
)
def line_amount_is_quantity_times_price(event: Event, plan: Plan) -> Iterator[str]:
    """Each line's amount is its quantity times its unit price, rounded to the fen."""
    if plan.budget is None:
        return
    for line in plan.budget.lines:
        expected = fen(line.quantity * line.unit_price)
        if line.amount != expected:
            yield f"「{line.item}」{line.quantity} × {line.unit_price} = {expected},而不是 {line.amount}"


@hard_rule(
    "budget",
    "合计 = 各项金额之和 + 不可预见费 / the total is the sum of the lines plus contingency",
)
def total_is_sum_of_lines(event: Event, plan: Plan) -> Iterator[str]:
    """The subtotal is the exact sum of the line amounts; the total adds the contingency."""
    if plan.budget is None:
        return
    budget = plan.budget
    subtotal = sum((line.amount for line in budget.lines), Decimal("0"))
    if budget.subtotal != subtotal:
        yield f"小计应为 {subtotal},而不是 {budget.subtotal}"
    expected_contingency = fen(budget.subtotal * budget.contingency_percent / 100)
    if budget.contingency != expected_contingency:
        yield f"不可预见费应为 {expected_contingency},而不是 {budget.contingency}"
    if budget.total != budget.subtotal + budget.contingency:
        yield f"合计应为 {budget.subtotal + budget.contingency},而不是 {budget.total}"


@hard_rule("budget", "按类别小计之和 = 小计 / the category subtotals add up to the subtotal")
def categories_add_up(event: Event, plan: Plan) -> Iterator[str]:
    """Each category's subtotal is the sum of its lines, and they add up to the subtotal."""
    if plan.budget is None:
        return
    sums: dict[str, Decimal] = {}
    for line in plan.budget.lines:
        sums[line.category] = sums.get(line.category, Decimal("0")) + line.amount
    for category in sorted(set(sums) | set(plan.budget.by_category)):
        stated = plan.budget.by_category.get(category)
        if stated != sums.get(category):
            yield f"类别「{category}」小计应为 {sums.get(category, 0)},而不是 {stated}"


@hard_rule("budget", "金额不为负 / no negative quantity, price or amount")
def nothing_negative(event: Event, plan: Plan) -> Iterator[str]:
    """No line has a negative quantity, unit price or amount."""
    if plan.budget is None:
        return
    for line in plan.budget.lines:
        if min(line.quantity, line.unit_price, line.amount) < 0:
            yield f"「{line.item}」有负数:数量 {line.quantity},单价 {line.unit_price},金额 {line.amount}"


@hard_rule("budget", "设为硬上限时合计不超过资金上限 / a hard cap is not exceeded")
def within_hard_cap(event: Event, plan: Plan) -> Iterator[str]:
    """When the cap fails the plan (cap_fails), the total is at most the cap."""
    budget = plan.budget
    if budget is None or budget.cap is None or not event.budget.cap_fails:
        return
    if budget.total > budget.cap:
        yield f"合计 {budget.total} 超出上限 {budget.cap}"
