"""Shared CP-SAT wiring: one worker, a fixed seed, a deterministic time limit,
and naming the rules that collide when a model has no solution.

Solver settings come from :func:`planner.solving.cp_solver`. A model
builder takes a :class:`Switches`; each rule group adds its
constraints through it. Solving for a plan, the switches add constraints
plainly. Explaining an infeasible model, each rule group sits behind one
literal, the literals become assumptions, and CP-SAT's
``sufficient_assumptions_for_infeasibility`` names the groups that collide;
the core is confirmed by solving it alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from msgspec import Struct, field

from planner.errors import Infeasible, TimeLimitReached
from planner.solving import cp_solver, new_model

if TYPE_CHECKING:
    from typing import TypeAlias

    from ortools.sat.python import cp_model

    #: a linear expression over model variables (a variable, a sum, a number)
    Expr: TypeAlias = cp_model.LinearExpr | int


STAGE = "itinerary"


class Said(Struct, frozen=True):
    """A hard rule applied to numbers or to model expressions, with its words.

    The same rule function serves the model and the plan checker: given a
    finished plan's counts, ``holds`` is a bool; given CP-SAT expressions, it
    is the constraint to add. ``key`` names the rule group when explaining.
    """

    holds: object
    key: str
    zh: str
    en: str


class Switches(Struct):
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

    def say(self, said: Said | None) -> None:
        """Add a rule as :class:`Said` (nothing when the rule does not apply)."""
        if said is not None:
            self.add(said.holds, said.key, said.zh, said.en)

    def add(self, constraint: object, key: str, zh: str, en: str) -> None:
        """Add ``constraint`` (a bounded linear expression) as part of rule group ``key``."""
        ct = self.model.add(constraint)  # type: ignore[arg-type]
        literals = self.rule(key, zh, en)
        if literals:
            ct.only_enforce_if(literals)


T = TypeVar("T")


class Solved(Struct, Generic[T]):
    """A solved model: the solver (for values) and what the builder returned."""

    solver: cp_model.CpSolver
    built: T


def solve(
    build: Callable[[Switches], T],
    *,
    what_zh: str,
    what_en: str,
    seed: int,
    time_limit: float,
    params: dict[str, object] | None = None,
) -> Solved[T]:
    """Solve the model ``build`` makes; raise Infeasible naming the colliding rules."""
    solved = try_solve(build, seed=seed, time_limit=time_limit, params=params)
    if solved is not None:
        return solved
    core = explain(build, seed=seed, time_limit=time_limit)
    raise Infeasible(
        STAGE,
        [f"{what_zh}无解,相互冲突的规则:" + ";".join(zh for zh, _ in core)],
        [f"{what_en} is impossible; these rules collide: " + "; ".join(en for _, en in core)],
    )


def try_solve(
    build: Callable[[Switches], T],
    *,
    seed: int,
    time_limit: float,
    params: dict[str, object] | None = None,
) -> Solved[T] | None:
    """Solve the model ``build`` makes; None when it has no solution (the caller
    has another way, or explains it)."""

    from ortools.sat.python import cp_model

    model = new_model()
    built = build(Switches(model))
    solver = cp_solver(seed=seed, work=time_limit)
    for key, value in (params or {}).items():
        setattr(solver.parameters, key, value)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solved(solver, built)
    if status == cp_model.INFEASIBLE:
        return None
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"invalid CP-SAT model: {model.validate()}")
    raise TimeLimitReached(STAGE, time_limit)


def explain(
    build: Callable[[Switches], object], *, seed: int, time_limit: float
) -> list[tuple[str, str]]:
    """The rule groups that together make the model infeasible (a confirmed core)."""

    from ortools.sat.python import cp_model

    texts: dict[str, tuple[str, str]] = {}

    def attempt(only: set[str] | None) -> tuple[cp_model.CpSolverStatus, list[str]]:
        model = new_model()
        switches = Switches(model, explain=True)
        build(switches)
        model.clear_objective()  # type: ignore[no-untyped-call]
        keys = sorted(switches.literals)
        for key in keys:
            if only is not None and key not in only:
                continue
            model.add_assumption(switches.literals[key])
        solver = cp_solver(seed=seed, work=time_limit)
        status = solver.solve(model)
        if status != cp_model.INFEASIBLE:
            return status, []
        by_index = {switches.literals[k].index: k for k in keys}
        found = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        texts.update(switches.texts)
        return status, sorted(found)

    status, core = attempt(None)
    if status == cp_model.INFEASIBLE and core:
        confirmed, _ = attempt(set(core))
        if confirmed == cp_model.INFEASIBLE:
            return [texts[k] for k in _shrink(core, attempt)]
    return [("规则之间相互冲突", "the rules contradict each other")]


#: at most this many rule groups are tried one by one when shrinking a core
SHRINK_LIMIT = 24


def _shrink(
    core: list[str],
    attempt: Callable[[set[str] | None], tuple[cp_model.CpSolverStatus, list[str]]],
) -> list[str]:
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
