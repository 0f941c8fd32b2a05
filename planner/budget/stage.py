"""The budget stage: itemised lines from the plan, totals exact to the fen.

Each line's amount is quantity × unit price rounded to the fen; the
subtotal is the exact sum of the amounts; the contingency is a percentage
of the subtotal rounded to the fen; the total is subtotal + contingency.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from planner.budget.counts import Counts, itinerary_ran, plan_counts
from planner.budget.expr import ExprError
from planner.budget.numbers import fen, plain
from planner.budget.output import format_yuan
from planner.budget.settings import LineOf, ParsedLine, ParsedSettings, parse_settings
from planner.errors import Infeasible, InvalidInput, Problem
from planner.model import Budget, BudgetLine, Event, Notice, Plan

__all__ = ["QUANTITY_PLACES", "build_budget", "run", "totals"]

#: A quantity keeps at most this many decimal places (a division may not end).
QUANTITY_PLACES = 4
_QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)


def run(event: Event, plan: Plan) -> Plan:
    """The pipeline stage: fill ``plan.budget`` and add the budget's warnings."""
    budget, notices = build_budget(event, plan)
    return plan.model_copy(update={"budget": budget, "notices": [*plan.notices, *notices]})


def build_budget(
    event: Event, plan: Plan, *, file: str = "event.toml", line_of: LineOf | None = None
) -> tuple[Budget, list[Notice]]:
    """The budget of ``event`` for ``plan`` and the warnings it raises.

    Raises :class:`InvalidInput` (exit 3) for bad values in [budget], and
    :class:`Infeasible` (exit 4) when the total is over the cap and
    ``cap_fails`` is set.
    """
    settings = parse_settings(event, file=file, line_of=line_of)
    counts = plan_counts(event, plan)
    warnings: list[Notice] = []
    problems: list[Problem] = []
    lines: list[BudgetLine] = []
    used: set[str] = set()
    for parsed in settings.lines:
        if parsed.spec.source == "itinerary:buses":
            lines += bus_lines(parsed, event, plan, warnings)
        elif parsed.spec.source == "itinerary:meals":
            lines += meal_lines(parsed, event, plan, counts, warnings)
        else:
            line = expression_line(parsed, counts, warnings, problems, file, line_of)
            if line is not None:
                lines.append(line)
            assert parsed.quantity is not None
            used |= parsed.quantity.names()
    if problems:
        raise InvalidInput(problems)
    warnings = counts.warnings_for(used) + warnings
    budget = totals(lines, settings, counts)
    warnings += cap_and_balance_warnings(budget, settings)
    return budget, warnings


def expression_line(
    parsed: ParsedLine,
    counts: Counts,
    warnings: list[Notice],
    problems: list[Problem],
    file: str,
    line_of: LineOf | None,
) -> BudgetLine | None:
    """A line whose quantity is a number or an expression over the plan's counts."""
    spec = parsed.spec
    assert parsed.quantity is not None and parsed.unit_price is not None
    loc = ("budget", "lines", parsed.index, "quantity")
    row = line_of(loc) if line_of is not None else None
    column = ".".join(str(p) for p in loc)
    try:
        quantity = parsed.quantity.evaluate(counts.values)
    except ExprError as exc:
        problems.append(
            Problem(
                file,
                row,
                column,
                f"预算项「{spec.item}」:{exc.zh}",
                f"budget line {spec.item!r}: {exc.en}",
                loc=loc,
            )
        )
        return None
    if quantity < 0:
        problems.append(
            Problem(
                file, row, column,
                f"预算项「{spec.item}」的数量「{parsed.quantity_expr}」算出来是负数 {plain(quantity)}",
                f"budget line {spec.item!r}: quantity {parsed.quantity_expr!r} comes to {plain(quantity)}, below zero",
                loc=loc,
            )
        )  # fmt: skip
        return None
    quantity = _tidy_quantity(quantity, spec.item, warnings)
    return BudgetLine(
        item=spec.item.strip(),
        category=spec.category.strip() or "other",
        quantity=quantity,
        unit_price=parsed.unit_price,
        amount=fen(quantity * parsed.unit_price),
        note=spec.note,
        quantity_expr=parsed.quantity_expr,
    )


def _tidy_quantity(quantity: Decimal, item: str, warnings: list[Notice]) -> Decimal:
    """Whole quantities print as whole numbers; a division that does not end
    (10 ÷ 3) keeps QUANTITY_PLACES decimals, with a warning."""
    if quantity == quantity.to_integral_value():
        return quantity.quantize(Decimal(1))
    exponent = quantity.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -QUANTITY_PLACES:
        rounded = quantity.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
        warnings.append(
            _notice(
                "quantity_rounded",
                f"预算项「{item}」的数量 {quantity} 取 {QUANTITY_PLACES} 位小数为 {rounded}",
                f"Budget line {item!r}: quantity {quantity} rounded to {rounded}",
            )
        )
        return rounded
    return quantity


class _Priced(NamedTuple):
    """One bus or meal as the itinerary gives it: what it is, how many, at what price."""

    label: str
    ref: str
    unit_price: Decimal
    quantity: int


def bus_lines(
    parsed: ParsedLine, event: Event, plan: Plan, warnings: list[Notice]
) -> list[BudgetLine]:
    """Bus hire from the itinerary's buses (each bus's cost); before it, the buses booked."""
    spec = parsed.spec
    booked = {bus.id: bus for bus in event.buses}
    rows: list[_Priced] = []
    if plan.buses:
        for bus in plan.buses:
            cost = bus.cost
            if cost is None and bus.id in booked:
                cost = booked[bus.id].cost
            if cost is None:
                warnings.append(
                    _notice(
                        "no_bus_cost",
                        f"预算:车辆 {bus.id} 没有包车费,按 0 计",
                        f"Budget: bus {bus.id} has no cost; counted as 0",
                    )
                )
                cost = Decimal("0")
            rows.append(_Priced(bus.name or bus.id, bus.id, cost, 1))
    elif not itinerary_ran(plan) and event.buses:
        rows = [_Priced(bus.name or bus.id, bus.id, bus.cost, 1) for bus in event.buses]
        warnings.append(
            _notice(
                "count_estimated",
                f"预算项「{spec.item}」:行程尚未安排车辆,按 event.toml 里预订的 {len(rows)} 辆车计",
                f"Budget line {spec.item!r}: no buses from the itinerary yet; "
                f"counted the {len(rows)} booked in event.toml",
            )
        )
    if not rows:
        return [_line(parsed, None, Decimal(0), Decimal(0), None)]
    prices = {row.unit_price for row in rows}
    if len(prices) == 1:
        refs = ", ".join(row.ref for row in rows)  # ids: the same in either language
        return [_line(parsed, None, Decimal(len(rows)), prices.pop(), refs)]
    return [_line(parsed, row.ref, Decimal(1), row.unit_price, row.label) for row in rows]


def meal_lines(
    parsed: ParsedLine, event: Event, plan: Plan, counts: Counts, warnings: list[Notice]
) -> list[BudgetLine]:
    """Meals from the itinerary: headcount × price per head, one line per meal."""
    spec = parsed.spec
    settings = {m.id: m for m in event.meals}
    rows: list[_Priced] = []
    if plan.meals:
        for meal in plan.meals:
            name = meal.id or meal.venue
            price = meal.price_per_head
            if price is None:
                setting = settings.get(meal.id or "") or next(
                    (m for m in event.meals if m.venue == meal.venue), None
                )
                price = setting.price_per_head if setting is not None else None
            if price is None:
                warnings.append(
                    _notice(
                        "no_meal_price",
                        f"预算:{name} 没有每人餐费,按 0 计",
                        f"Budget: meal {name} has no price per head; counted as 0",
                    )
                )
                price = Decimal("0")
            rows.append(_Priced(name, name, price, meal.headcount))
    elif not itinerary_ran(plan) and event.meals:
        eating = counts["children"] + counts["volunteers"] + sum(1 for s in event.staff if s.eats)
        rows = [_Priced(m.id, m.id, m.price_per_head, eating) for m in event.meals]
        warnings.append(
            _notice(
                "count_estimated",
                f"预算项「{spec.item}」:行程尚未算出用餐人数,按出席的 {eating} 人估算",
                f"Budget line {spec.item!r}: no meal headcount from the itinerary yet; "
                f"estimated from the {eating} people attending",
            )
        )
    if not rows:
        return [_line(parsed, None, Decimal(0), Decimal(0), None)]
    return [
        _line(
            parsed,
            row.label if len(rows) > 1 else None,
            Decimal(row.quantity),
            row.unit_price,
            None,
        )
        for row in rows
    ]


def _line(
    parsed: ParsedLine, label: str | None, quantity: Decimal, price: Decimal, detail: str | None
) -> BudgetLine:
    """A line from the itinerary: the spec's item (with ``label`` when split), its note or ``detail``."""
    spec = parsed.spec
    return BudgetLine(
        item=spec.item.strip() + (f"({label})" if label else ""),
        category=spec.category.strip() or "other",
        quantity=quantity,
        unit_price=price,
        amount=fen(quantity * price),
        note=spec.note or detail,
        source=spec.source,
    )


def totals(lines: list[BudgetLine], settings: ParsedSettings, counts: Counts) -> Budget:
    """Subtotals by category (in the order they first appear), contingency, total."""
    by_category: dict[str, Decimal] = {}
    for line in lines:
        by_category[line.category] = by_category.get(line.category, Decimal("0.00")) + line.amount
    subtotal = sum((line.amount for line in lines), Decimal("0.00"))
    contingency = fen(subtotal * settings.contingency_percent / 100)
    total = subtotal + contingency
    children = counts["children"]
    funding = list(settings.funding)
    funded = sum((f.amount for f in funding), Decimal("0.00"))
    return Budget(
        currency=settings.currency,
        lines=lines,
        by_category=by_category,
        subtotal=subtotal,
        contingency_percent=settings.contingency_percent,
        contingency=contingency,
        total=total,
        per_child=fen(total / children) if children else None,
        cap=settings.cap,
        funding=funding,
        balance=fen(funded - total) if funding else None,
        counts=counts.values,
    )


def cap_and_balance_warnings(budget: Budget, settings: ParsedSettings) -> list[Notice]:
    """Over the cap: a warning, or Infeasible when ``cap_fails``; a funding gap: a warning."""
    warnings = []
    if budget.cap is not None and budget.total > budget.cap:
        over = budget.total - budget.cap
        zh = (
            f"预算合计 {format_yuan(budget.total)} 超出可用资金上限 {format_yuan(budget.cap)},"
            f"超出 {format_yuan(over)}"
        )
        en = (
            f"the budget total {format_yuan(budget.total)} is over the cap of "
            f"{format_yuan(budget.cap)} by {format_yuan(over)}"
        )
        if settings.cap_fails:
            raise Infeasible("budget", [zh], [en])
        warnings.append(_notice("over_cap", zh, f"Budget: {en}"))
    if budget.balance is not None and budget.balance < 0:
        gap = format_yuan(-budget.balance)
        warnings.append(
            _notice(
                "funding_gap",
                f"资金缺口 {gap}:资金来源合计少于预算合计",
                f"Budget: funding falls short of the total by {gap}",
            )
        )
    return warnings


def _notice(code: str, zh: str, en: str) -> Notice:
    return Notice(stage="budget", code=code, zh=zh, en=en)
