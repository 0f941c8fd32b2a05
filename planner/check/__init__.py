"""Check a finished plan against every hard rule, by name.

``check_plan(event, plan)`` returns the broken rules as sorted Violations
(rule name and message); an empty list means the plan keeps every rule.
Only the rules of the stages the event's shape runs apply
(:meth:`planner.pipeline.Stage.applies_to`): a pairing programme plans no
day, so no rule of the itinerary (game groups, buses, meals) reads its plan.
"""

from __future__ import annotations

import importlib

from planner.check.core import RULES, Rule, Violation, hard_rule
from planner.model import Event, Plan

#: Modules holding rules; each registers its rules with ``hard_rule`` on import.
RULE_MODULES: tuple[str, ...] = (
    "planner.check.matching",
    "planner.check.itinerary",
    "planner.budget.checks",
)

__all__ = ["RULES", "Rule", "Violation", "check_plan", "hard_rule", "rules"]


def rules() -> list[Rule]:
    for name in RULE_MODULES:
        importlib.import_module(name)
    return list(RULES)


def check_plan(event: Event, plan: Plan, *, stages: set[str] | None = None) -> list[Violation]:
    """Every broken hard rule in ``plan``, sorted; empty when the plan is sound.

    The rules of every stage the event's shape runs, or of those of them in
    ``stages``."""
    from planner.pipeline import STAGES  # the pipeline imports the stages, which use the registry

    not_planned = {stage.name for stage in STAGES if not stage.applies_to(event)}
    found: set[Violation] = set()
    for rule in rules():
        if rule.stage in not_planned or (stages is not None and rule.stage not in stages):
            continue
        for message in rule.fn(event, plan):
            found.add(Violation(rule.name, message))
    return sorted(found)
