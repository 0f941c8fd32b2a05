"""Benchmark: a county-sized budget, timed step by step.

N lines (a third plain numbers, a third expressions over the counts, a
third money text like "¥1,234.50") over an event of C attending children;
then budget.csv, budget.xlsx, and the workbook evaluated by the independent
`formulas` package. Prints figures, not pass/fail:

    python bench/budget.py [--lines 2000] [--children 5000] [--evaluate-lines 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from planner.budget import run, write_budget_csv, write_budget_xlsx
from planner.budget.settings import parse_settings
from planner.model import BudgetLineSpec, BudgetSettings, Child, Event
from planner.pipeline import empty_plan

EXPRESSIONS = [
    "children",
    "children + volunteers",
    "(children + volunteers) × 2",
    "attendees",
    "children ÷ 10",
    "groups * 3 + 1",
]


def make_event(lines: int, children: int, seed: int = 0) -> Event:
    rng = random.Random(seed)
    specs = []
    for i in range(lines):
        kind = i % 3
        price = Decimal(rng.randint(1, 200000)) / 100
        if kind == 0:
            quantity: object = rng.randint(0, 500)
            unit_price: object = str(price)
        elif kind == 1:
            quantity = rng.choice(EXPRESSIONS)
            unit_price = str(price)
        else:
            quantity = rng.randint(1, 20)
            unit_price = f"¥{price:,}"
        specs.append(
            BudgetLineSpec(
                item=f"项目{i:05d}",
                category=f"类别{i % 12}",
                quantity=quantity,
                unit_price=unit_price,
            )
        )
    return Event(
        id="bench",
        name="预算基准",
        date=date(2026, 12, 5),
        budget=BudgetSettings(lines=tuple(specs), contingency_percent="5%", cap="¥100,000,000"),
        children=tuple(
            Child(id=f"C{i:05d}", name=f"儿童{i}", gender="male") for i in range(children)
        ),
    )


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - start:8.3f} s")
    return value


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--evaluate-lines", type=int, default=200)
    args = parser.parse_args(argv)

    event = timed(
        f"build event ({args.lines} lines, {args.children} children)",
        lambda: make_event(args.lines, args.children),
    )
    plan = empty_plan(event)
    timed("parse [budget] settings", lambda: parse_settings(event))
    planned = timed("budget stage (run)", lambda: run(event, plan))
    budget = planned.budget
    print(f"{'total':<44} {budget.total:>12}")
    with tempfile.TemporaryDirectory() as folder:
        timed("write budget.csv", lambda: write_budget_csv(budget, Path(folder) / "budget.csv"))
        path = timed(
            "write budget.xlsx", lambda: write_budget_xlsx(budget, Path(folder) / "budget.xlsx")
        )
        print(f"{'budget.xlsx size':<44} {path.stat().st_size:>8} bytes")

        import formulas

        small = make_event(args.evaluate_lines, 300)
        small_budget = run(small, empty_plan(small)).budget
        small_path = write_budget_xlsx(small_budget, Path(folder) / "small.xlsx")

        def evaluate():
            model = formulas.ExcelModel().loads(str(small_path)).finish()
            return model.calculate()

        timed(f"formulas: evaluate a {args.evaluate_lines}-line workbook", evaluate)


if __name__ == "__main__":
    main(sys.argv[1:])
