"""Budget: itemised lines computed from the plan, exact to the fen.

``validate(event)`` lists bad values in [budget], ``run(event, plan)`` is
the stage; :mod:`planner.budget.output`
writes budget.csv / budget.xlsx and the ¥ table; :mod:`planner.budget.actuals`
compares the plan with what was spent.
"""

from planner.budget import checks as _checks  # registers the budget's hard rules
from planner.budget.numbers import FEN, NumberError, fen, parse_number
from planner.budget.output import (
    budget_table,
    format_yuan,
    write_budget_csv,
    write_budget_xlsx,
)
from planner.budget.settings import budget_problems, parse_settings
from planner.budget.stage import build_budget, run
from planner.errors import Problem
from planner.model import Event

del _checks

__all__ = [
    "FEN",
    "NumberError",
    "budget_problems",
    "budget_table",
    "build_budget",
    "fen",
    "format_yuan",
    "parse_number",
    "parse_settings",
    "run",
    "validate",
    "write_budget_csv",
    "write_budget_xlsx",
]


def validate(event: Event) -> list[Problem]:
    """Every input problem of the budget stage: bad values in [budget]."""
    return budget_problems(event)
