"""Read the [budget] settings of event.toml: every bad value found at once.

Each value is parsed once here (numbers by :mod:`planner.budget.numbers`,
quantities by :mod:`planner.budget.expr`); a bad one becomes a
:class:`~planner.errors.Problem` naming the file, the TOML line (when the
caller can look it up) and the key path, so ``planner`` exits with code 3
and lists every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from msgspec import Struct

from planner.budget.counts import BASE_NAMES, known_names
from planner.budget.expr import ExprError, Node, Num, parse, unknown_name
from planner.budget.numbers import NumberError, parse_number, parse_percent
from planner.errors import InvalidInput, Problem
from planner.model import BudgetLineSpec, Event, FundingLine

__all__ = [
    "SOURCES",
    "LineOf",
    "ParsedLine",
    "ParsedSettings",
    "budget_problems",
    "parse_settings",
]

#: Where a line may take its quantity and unit price from, instead of event.toml.
SOURCES: dict[str, tuple[str, str]] = {
    "itinerary:buses": ("每辆车的包车费", "each bus's hire cost"),
    "itinerary:meals": ("每餐的用餐人数 × 每人餐费", "each meal's headcount × price per head"),
}

#: Looks up the TOML line of a key path such as ("budget", "lines", 2, "unit_price").
LineOf = Callable[[tuple], "int | None"]

_DEFAULT_QUANTITY = 1
_DEFAULT_PRICE = 0


class ParsedLine(Struct, frozen=True):
    """One [[budget.lines]] entry with its values parsed.

    ``quantity`` and ``unit_price`` are None for a line whose ``source``
    takes them from the itinerary.
    """

    index: int
    spec: BudgetLineSpec
    quantity: Node | None
    quantity_expr: str | None
    unit_price: Decimal | None


class ParsedSettings(Struct, frozen=True):
    lines: tuple[ParsedLine, ...]
    contingency_percent: Decimal
    cap: Decimal | None
    cap_fails: bool
    funding: tuple[FundingLine, ...]
    currency: str


class _Collector:
    """Collects problems located at TOML key paths."""

    def __init__(self, file: str, line_of: LineOf | None) -> None:
        self.file = file
        self.line_of = line_of
        self.problems: list[Problem] = []

    def add(self, loc: tuple, zh: str, en: str) -> None:
        row = self.line_of(loc) if self.line_of is not None else None
        column = ".".join(str(part) for part in loc)
        self.problems.append(Problem(self.file, row, column, zh, en, loc=loc))


def _where(spec: BudgetLineSpec) -> tuple[str, str]:
    return f"预算项「{spec.item}」", f"budget line {spec.item!r}"


def parse_settings(
    event: Event, *, file: str = "event.toml", line_of: LineOf | None = None
) -> ParsedSettings:
    """Parse ``event.budget``; raise :class:`InvalidInput` listing every problem."""
    found = _Collector(file, line_of)
    parsed = _parse(event, found)
    if found.problems:
        raise InvalidInput(found.problems)
    return parsed


def budget_problems(
    event: Event, *, file: str = "event.toml", line_of: LineOf | None = None
) -> list[Problem]:
    """Every problem in ``event.budget`` (empty when it is fine), for ``planner check``.

    ``line_of`` maps a key path like ``("budget", "lines", 2, "unit_price")``
    (0-based index, as pydantic writes it) to its line in event.toml.
    """
    found = _Collector(file, line_of)
    _parse(event, found)
    return sorted(found.problems, key=lambda p: (p.row or 0, p.column or ""))


def _parse(event: Event, found: _Collector) -> ParsedSettings:
    settings = event.budget
    names = known_names(event)
    lines = tuple(
        line
        for index, spec in enumerate(settings.lines)
        if (line := _parse_line(index, spec, names, found)) is not None
    )
    percent = _number(
        found, ("budget", "contingency_percent"), settings.contingency_percent, percent=True,
        what=("不可预见费比例", "contingency percentage"),
    )  # fmt: skip
    cap = None
    if settings.cap is not None:
        cap = _number(found, ("budget", "cap"), settings.cap, what=("资金上限", "funds cap"))
    funding = []
    for index, fund in enumerate(settings.funding):
        loc = ("budget", "funding", index)
        if not fund.source.strip():
            found.add((*loc, "source"), "资金来源没有名称", "a funding source has no name")
        amount = _number(
            found, (*loc, "amount"), fund.amount,
            what=(f"资金来源「{fund.source}」的金额", f"amount of funding {fund.source!r}"),
        )  # fmt: skip
        if amount is not None:
            funding.append(FundingLine(source=fund.source.strip(), amount=amount, kind=fund.kind))
    return ParsedSettings(
        lines=lines,
        contingency_percent=percent if percent is not None else Decimal("0"),
        cap=cap,
        cap_fails=settings.cap_fails,
        funding=tuple(funding),
        currency=settings.currency,
    )


def _parse_line(
    index: int, spec: BudgetLineSpec, names: set[str], found: _Collector
) -> ParsedLine | None:
    loc = ("budget", "lines", index)
    where_zh, where_en = _where(spec)
    ok = True
    if not spec.item.strip():
        found.add((*loc, "item"), "预算项没有名称(item)", "a budget line has no item name")
        ok = False
    if spec.source is not None:
        if spec.source not in SOURCES:
            listed = ", ".join(SOURCES)
            found.add(
                (*loc, "source"),
                f"{where_zh}的来源「{spec.source}」不认识;可用:{listed}",
                f"{where_en}: unknown source {spec.source!r}; known: {listed}",
            )
            return None
        for key, default in (("quantity", _DEFAULT_QUANTITY), ("unit_price", _DEFAULT_PRICE)):
            if getattr(spec, key) != default:
                found.add(
                    (*loc, key),
                    f"{where_zh}的数量和单价来自行程({spec.source}),请删去 {key}",
                    f"{where_en} takes its quantity and unit price from {spec.source}; remove {key}",
                )
                ok = False
        return ParsedLine(index, spec, None, None, None) if ok else None

    quantity, quantity_expr = _quantity(spec, loc, names, found)
    price = _number(
        found,
        (*loc, "unit_price"),
        spec.unit_price,
        what=(f"{where_zh}的单价", f"unit price of {where_en}"),
    )
    if quantity is None or price is None or not ok:
        return None
    return ParsedLine(index, spec, quantity, quantity_expr, price)


def _quantity(
    spec: BudgetLineSpec, loc: tuple, names: set[str], found: _Collector
) -> tuple[Node | None, str | None]:
    where_zh, where_en = _where(spec)
    raw = spec.quantity
    if not isinstance(raw, str):
        value = _number(
            found, (*loc, "quantity"), raw, what=(f"{where_zh}的数量", f"quantity of {where_en}")
        )
        return (Num(value), None) if value is not None else (None, None)
    try:
        node = parse(raw)
    except ExprError as exc:
        found.add((*loc, "quantity"), f"{where_zh}:{exc.zh}", f"{where_en}: {exc.en}")
        return None, None
    unknown = sorted(node.names() - names)
    for name in unknown:
        error = unknown_name(name, names)
        found.add((*loc, "quantity"), f"{where_zh}:{error.zh}", f"{where_en}: {error.en}")
    if unknown:
        return None, None
    expression = raw.strip() if node.names() or not isinstance(node, Num) else None
    return node, expression


def _number(
    found: _Collector,
    loc: tuple,
    raw: object,
    *,
    what: tuple[str, str],
    percent: bool = False,
) -> Decimal | None:
    try:
        if percent:
            return parse_percent(raw, what_zh=what[0], what_en=what[1])
        return parse_number(raw, what_zh=what[0], what_en=what[1])
    except NumberError as exc:
        found.add(loc, exc.zh, exc.en)
        return None


def describe_names() -> list[tuple[str, str, str]]:
    """(name, zh, en) for each base count name, for help text and docs."""
    return [(name, zh, en) for name, (zh, en) in BASE_NAMES.items()]
