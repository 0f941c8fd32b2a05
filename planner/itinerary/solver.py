"""Shared CP-SAT wiring: one worker, a fixed seed, a deterministic time limit,
and naming the rules that collide when a model has no solution.

A model builder takes a :class:`Switches`; each rule group adds its
constraints through it. Solving for a plan, the switches add constraints
plainly. Explaining an infeasible model, each rule group sits behind one
literal, the literals become assumptions, and CP-SAT's
``sufficient_assumptions_for_infeasibility`` names the groups that collide;
the core is confirmed by solving it alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from planner.errors import Infeasible, TimeLimitReached

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

STAGE = "itinerary"


@dataclass
class Switches:
    """Rule groups of one model; each a literal only when explaining."""

    model: cp_model.CpModel
    explain: bool = False
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)

    def rule(self, key: str, zh: str, en: str) -> list[cp_model.IntVar]:
        """The enforcement literals of rule group ``key`` (none when solving plainly)."""
        if not self.explain:
            return []
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"rule:{key}")
            self.texts[key] = (zh, en)
        return [self.literals[key]]

    def add(self, constraint: object, key: str, zh: str, en: str) -> None:
        """Add ``constraint`` (a bounded linear expression) as part of rule group ``key``."""
        ct = self.model.add(constraint)  # type: ignore[arg-type]
        literals = self.rule(key, zh, en)
        if literals:
            ct.only_enforce_if(literals)


Builder = Callable[[Switches], object]


@dataclass
class Solved:
    solver: cp_model.CpSolver
    built: object


def _solver(seed: int, time_limit: float) -> cp_model.CpSolver:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    # a wall-clock guard far above the deterministic limit, for safety only
    solver.parameters.max_time_in_seconds = max(60.0, 6 * time_limit)
    return solver


def solve(
    build: Builder,
    *,
    what_zh: str,
    what_en: str,
    seed: int,
    time_limit: float,
    quiet: bool = False,
    params: dict[str, object] | None = None,
) -> Solved | None:
    """Solve the model ``build`` makes; raise Infeasible naming the colliding rules
    (with ``quiet``, return None instead: the caller has another way)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    built = build(Switches(model))
    solver = _solver(seed, time_limit)
    for key, value in (params or {}).items():
        setattr(solver.parameters, key, value)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved(solver, built)
    if status == cp_model.INFEASIBLE and quiet:
        return None
    if status == cp_model.INFEASIBLE:
        core = explain(build, seed=seed, time_limit=time_limit)
        raise Infeasible(
            STAGE,
            [f"{what_zh}无解,相互冲突的规则:" + ";".join(zh for zh, _ in core)],
            [f"{what_en} is impossible; these rules collide: " + "; ".join(en for _, en in core)],
        )
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    raise TimeLimitReached(STAGE, time_limit)


def explain(build: Builder, *, seed: int, time_limit: float) -> list[tuple[str, str]]:
    """The rule groups that together make the model infeasible (a confirmed core)."""
    from ortools.sat.python import cp_model

    def attempt(only: set[str] | None) -> tuple[int, list[str]]:
        model = cp_model.CpModel()
        switches = Switches(model, explain=True)
        build(switches)
        model.clear_objective()
        keys = sorted(switches.literals)
        for key in keys:
            if only is not None and key not in only:
                continue
            model.add_assumption(switches.literals[key])
        solver = _solver(seed, time_limit)
        status = solver.solve(model)
        if status != cp_model.INFEASIBLE:
            return status, []
        by_index = {switches.literals[k].index: k for k in keys}
        found = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        texts.update(switches.texts)
        return status, sorted(found)

    texts: dict[str, tuple[str, str]] = {}
    status, core = attempt(None)
    if status == cp_model.INFEASIBLE and core:
        confirmed, _ = attempt(set(core))
        if confirmed == cp_model.INFEASIBLE:
            return [texts[k] for k in _shrink(core, attempt)]
    return [("规则之间相互冲突", "the rules contradict each other")]


#: at most this many rule groups are tried one by one when shrinking a core
SHRINK_LIMIT = 24


def _shrink(core: list[str], attempt) -> list[str]:
    """Drop each rule group the collision does not need (a minimal core, for short reasons)."""
    from ortools.sat.python import cp_model

    if len(core) > SHRINK_LIMIT:
        return core
    kept = list(core)
    for key in list(core):
        trial = [k for k in kept if k != key]
        if not trial:
            continue
        status, _ = attempt(set(trial))
        if status == cp_model.INFEASIBLE:
            kept = trial
    return kept
