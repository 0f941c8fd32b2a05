"""Money as printed: the budget stage's formatter (¥2,360.00), one place to import it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_yuan(amount: Decimal) -> str:
    """¥ with thousands separators and fen, from planner.budget.output when present.

    >>> format_yuan(Decimal("2360"))
    '¥2,360.00'
    """
    try:
        from planner.budget.output import format_yuan as budget_format_yuan
    except ModuleNotFoundError as exc:
        if exc.name not in {"planner.budget.output", "planner.budget"}:
            raise
        value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{'-' if value < 0 else ''}¥{abs(value):,.2f}"
    return budget_format_yuan(Decimal(amount))
