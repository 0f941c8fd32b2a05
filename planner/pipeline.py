"""Run the stages in order: screening → matching → itinerary → budget.

Each stage is a function ``run(event, plan) -> Plan`` in its own package; it
returns the plan with its part filled in, and prints or writes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from planner.model import Event, EventInfo, People, Plan

StageFn = Callable[[Event, Plan], Plan]


@dataclass(frozen=True)
class Stage:
    name: str
    label_zh: str
    module: str

    def load(self) -> StageFn:
        return importlib.import_module(self.module).run


STAGES: tuple[Stage, ...] = (
    Stage("screening", "筛选志愿者", "planner.screening"),
    Stage("matching", "结对", "planner.matching"),
    Stage("itinerary", "分组与行程", "planner.itinerary"),
    Stage("budget", "预算", "planner.budget"),
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


def build_plan(
    event: Event,
    *,
    until: str | None = None,
    on_stage: Callable[[Stage], None] | None = None,
) -> Plan:
    """Run every stage on ``event`` (up to and including ``until``)."""
    plan = empty_plan(event)
    for stage in STAGES:
        if on_stage is not None:
            on_stage(stage)
        plan = stage.load()(event, plan)
        if stage.name == until:
            break
    return plan
