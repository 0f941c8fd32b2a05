"""The stages and the one driver that runs them: screening → matching → itinerary → budget.

Every stage offers the same two functions (:class:`StageModule`); the
event's ``shape`` says which stages it needs (a long-term pairing programme
plans no day: no itinerary).

- ``validate(event) -> list[Problem]``: what is wrong in the input for this
  stage, before any solving; each problem names its event.toml key path
  (``Problem.loc``) or sheet cell. The loader runs every stage's
  ``validate``, so `planner check` finds everything `planner plan` would.
- ``run(event, plan) -> Plan``: the plan with the stage's part filled in. A
  stage returns data; it prints nothing and writes nothing.

:func:`run_stages` is the one loop over them, used by `planner plan`
(:func:`build_plan`), `planner budget` (which keeps going to the budget
when an earlier stage cannot finish) and `planner rematch` (which starts
after matching).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from msgspec import Struct

from planner import budget, itinerary, matching, screening
from planner.errors import Infeasible, Problem, TimeLimitReached
from planner.matching.facts import attending_children
from planner.matching.feasibility import Facts, counting_problems
from planner.model import Event, EventInfo, People, Plan

__all__ = [
    "STAGES",
    "Stage",
    "StageModule",
    "build_plan",
    "empty_plan",
    "foresee",
    "run_stages",
    "validate_event",
]


class StageModule(Protocol):
    """What a stage offers (each stage is a package with these two functions)."""

    def validate(self, event: Event) -> list[Problem]: ...

    def run(self, event: Event, plan: Plan) -> Plan: ...


class Stage(Struct, frozen=True):
    """One stage: its name, its label for people, and its package."""

    name: str
    label_zh: str
    label_en: str
    package: StageModule
    #: runs even when an earlier stage could not finish (`planner budget`)
    on_partial_plan: bool = False
    #: runs only for programmes that plan a day (the itinerary)
    day_only: bool = False
    #: its ``run`` takes ``previous=`` (the plan being re-planned) and changes it least
    replans: bool = False
    #: its solver time limit, ``event.<name>.time_limit_s`` (a time-limit message names it)
    timed: bool = True

    def applies_to(self, event: Event) -> bool:
        return event.shape.plans_a_day or not self.day_only

    def validate(self, event: Event) -> list[Problem]:
        return self.package.validate(event) if self.applies_to(event) else []

    def out_of_time(self, event: Event, error: TimeLimitReached, spent: float) -> TimeLimitReached:
        """``error`` as the stage's own: its time limit and the real time it spent
        (a model inside it may have been given only part of the limit)."""
        limit = getattr(event, self.name).time_limit_s if self.timed else error.seconds
        return TimeLimitReached(error.stage, limit, spent)

    def run(self, event: Event, plan: Plan, previous: Plan | None = None) -> Plan:
        if not self.applies_to(event):
            return plan
        if previous is not None and self.replans:
            # a re-plan: the stage keeps what ``previous`` promised where it can
            return self.package.run(event, plan, previous=previous)  # type: ignore[call-arg]
        return self.package.run(event, plan)


STAGES: tuple[Stage, ...] = (
    Stage("screening", "筛选志愿者", "screening volunteers", screening),
    Stage("matching", "结对", "pairing", matching),
    Stage(
        "itinerary", "分组与行程", "groups and itinerary", itinerary, day_only=True, replans=True
    ),
    Stage("budget", "预算", "budget", budget, on_partial_plan=True, timed=False),
)


def validate_event(event: Event) -> list[Problem]:
    """Every stage's input problems, in stage order."""
    return [problem for stage in STAGES for problem in stage.validate(event)]


def foresee(event: Event) -> Infeasible | None:
    """What counting alone proves impossible, before any solving: even with
    every eligible applicant chosen, the pairing rules leave children short.
    `planner plan` would stop at matching with the same counts (exit 4)."""
    pool = screening.requirements.eligible(event)
    facts = Facts(event, pool, attending_children(event))
    found = counting_problems(facts)
    if not found:
        return None
    lead_zh, lead_en = "即使所有合格报名者都入选:", "even with every eligible applicant chosen: "
    return Infeasible(
        "matching", [lead_zh + zh for zh, _ in found], [lead_en + en for _, en in found]
    )


def empty_plan(event: Event) -> Plan:
    """The plan before any stage ran: the event, its people and settings."""
    return Plan(
        event=EventInfo(
            id=event.id,
            name=event.name,
            date=event.date,
            timezone=event.timezone,
            organiser=event.organiser,
            shape=event.shape.value,
            location=event.location,
            meeting_point=event.meeting_point,
            coordinator=event.coordinator,
            emergency_phones=dict(event.emergency_phones),
        ),
        people=People(
            volunteers=sorted(event.volunteers, key=lambda v: v.id),
            children=sorted(event.children, key=lambda c: c.id),
            staff=list(event.staff),
            places=list(event.places),
        ),
        settings=event.model_copy(update={"volunteers": (), "children": ()}),
    )


#: what `planner budget` does when a stage cannot finish: the plan to go on with
OnStopped = Callable[[Stage, Infeasible | TimeLimitReached, Plan], Plan]


def run_stages(
    event: Event,
    plan: Plan,
    *,
    after: str | None = None,
    until: str | None = None,
    on_stage: Callable[[Stage], None] | None = None,
    on_stopped: OnStopped | None = None,
    previous: Plan | None = None,
) -> Plan:
    """Run the stages on ``plan``: those after ``after``, up to and including ``until``.

    ``previous`` (a re-plan, `planner rematch`) is the plan people were told:
    the stages that can (``Stage.replans``) change it as little as they may.

    Without ``on_stopped`` an impossible stage raises. With it, the stage's
    error becomes ``on_stopped(stage, error, plan)``, and only the stages
    that work on a partial plan (the budget) still run.
    """
    names = [s.name for s in STAGES]
    first = names.index(after) + 1 if after is not None else 0
    stopped = False
    for stage in STAGES[first:]:
        if not stopped or stage.on_partial_plan:
            if on_stage is not None:
                on_stage(stage)
            started = time.perf_counter()
            try:
                try:
                    plan = stage.run(event, plan, previous)
                except TimeLimitReached as exc:
                    raise stage.out_of_time(event, exc, time.perf_counter() - started) from None
            except (Infeasible, TimeLimitReached) as exc:
                if on_stopped is None:
                    raise
                plan = on_stopped(stage, exc, plan)
                stopped = True
        if stage.name == until:
            break
    return plan


def build_plan(
    event: Event,
    *,
    until: str | None = None,
    on_stage: Callable[[Stage], None] | None = None,
) -> Plan:
    """Run every stage on ``event`` (up to and including ``until``)."""
    return run_stages(event, empty_plan(event), until=until, on_stage=on_stage)
