"""The plan checker's registry: one named function per hard rule.

A rule takes the Event and a finished Plan and yields a message for each
place it is broken. It is separate from the solvers, so every solver answer
can be audited by plain Python that speaks the same rule names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from msgspec import Struct

from planner.model import Event, Plan

RuleFn = Callable[[Event, Plan], Iterable[str]]


class Violation(Struct, frozen=True, order=True):
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class Rule(Struct, frozen=True):
    name: str
    stage: str
    label: str
    fn: RuleFn


RULES: list[Rule] = []


def hard_rule(stage: str, label: str) -> Callable[[RuleFn], RuleFn]:
    """Register ``fn`` as a hard rule of ``stage``; ``label`` says it in words."""

    def register(fn: RuleFn) -> RuleFn:
        rule = Rule(fn.__name__, stage, label, fn)
        if any((known.stage, known.name) == (stage, rule.name) for known in RULES):
            raise ValueError(f"hard rule {stage}.{rule.name} registered twice")
        RULES.append(rule)
        return fn

    return register
