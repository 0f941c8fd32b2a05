"""planner.solving: a model solved again in one process gives its proved answer again,
and a changed model (or changed parameters) is searched afresh; every stage's models
come from ``new_model``, without OR-Tools' camel-case aliases."""

from __future__ import annotations

import ast

from ortools.sat.python import cp_model
from support import planner_syntax

from planner.solving import cp_solver, new_model


def _model(limit: int) -> tuple[cp_model.CpModel, cp_model.IntVar]:
    model = new_model()
    x = model.new_int_var(0, 10, "x")
    y = model.new_int_var(0, 10, "y")
    model.add(x + y <= limit)
    model.maximize(3 * x + 2 * y)
    return model, x


def test_a_repeated_model_gets_the_same_answer_and_a_changed_one_its_own() -> None:
    answers = []
    for limit in (7, 7, 4, 7):
        model, x = _model(limit)
        solver = cp_solver(seed=1, work=5.0)
        assert solver.solve(model) == cp_model.OPTIMAL
        answers.append((solver.value(x), solver.objective_value))
    assert answers == [(7, 21.0), (7, 21.0), (4, 12.0), (7, 21.0)]


def test_a_changed_parameter_or_an_infeasible_model_is_answered_right() -> None:
    model, x = _model(7)
    model.add(x >= 8)
    for seed in (1, 2, 1):
        solver = cp_solver(seed=seed, work=5.0)
        assert solver.solve(model) == cp_model.INFEASIBLE
    model, x = _model(7)
    solver = cp_solver(seed=3, work=5.0)
    solver.parameters.max_number_of_conflicts = 0  # may stop before the proof
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN)
    solver = cp_solver(seed=3, work=5.0)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert solver.value(x) == 7


def test_a_new_model_has_no_camel_case_aliases_and_solves_like_any_other() -> None:
    model, x = _model(6)
    assert isinstance(model, cp_model.CpModel)
    assert [name for name in vars(model) if name[:1].isupper()] == []
    solver = cp_solver(seed=1, work=5.0)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert (solver.value(x), solver.objective_value) == (6, 18.0)


def test_no_stage_makes_a_cp_model_or_solver_itself() -> None:
    """Every CP-SAT model and solver is made in planner/solving.py."""
    made_elsewhere = [
        f"{path}:{node.lineno}"
        for path, node in planner_syntax()
        if path != "planner/solving.py"
        and isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("CpModel", "CpSolver")
    ]
    assert made_elsewhere == []
