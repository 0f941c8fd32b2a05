"""The scale path ``assign(costs, capacities)``: optimal against brute force and scipy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import planner.matching.flow as flow
from planner.errors import Infeasible
from planner.matching import assign


def geographic(volunteers: int, *, children: int | None = None, seed: int = 0) -> np.ndarray:
    """Children and volunteers as points in a square; cost = distance in metres (integers)."""
    rng = np.random.default_rng(seed)
    n = 2 * volunteers if children is None else children
    side = 20_000.0 * np.sqrt(volunteers / 2500)
    vols, kids = rng.uniform(0, side, (volunteers, 2)), rng.uniform(0, side, (n, 2))
    return np.rint(np.sqrt(((kids[:, None, :] - vols[None, :, :]) ** 2).sum(-1))).astype(np.int64)


def nearest_triples(matrix: np.ndarray, k: int):
    near = np.argsort(matrix, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(matrix.shape[0]), k)
    return rows, near.ravel(), matrix[rows, near.ravel()]


def scipy_optimum(matrix: np.ndarray, capacities) -> float:
    """scipy on the same instance: each volunteer column repeated capacity times."""
    cols = np.repeat(np.arange(matrix.shape[1]), capacities)
    r, c = linear_sum_assignment(matrix[:, cols])
    return matrix[r, cols[c]].sum()


def is_valid(a, n, capacities, allowed=None):
    load = np.bincount(np.array(a.volunteer_of), minlength=len(capacities))
    ok = len(a.volunteer_of) == n and (load <= np.asarray(capacities)).all()
    if allowed is not None:
        ok = ok and all(allowed[c, v] for c, v in enumerate(a.volunteer_of))
    return ok


def brute(matrix, capacities, together=()):
    n, m = matrix.shape
    best = None
    for choice in itertools.product(range(m), repeat=n):
        if any(choice.count(v) > capacities[v] for v in range(m)):
            continue
        if any(len({choice[c] for c in g}) > 1 for g in together):
            continue
        if any(not np.isfinite(matrix[c, v]) for c, v in enumerate(choice)):
            continue
        total = sum(matrix[c, v] for c, v in enumerate(choice))
        best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("seed", range(10))
def test_tiny_instances_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(2, 6), rng.integers(2, 4)
    caps = rng.integers(1, 3, m)
    while caps.sum() < n:
        caps[rng.integers(m)] += 1
    matrix = rng.integers(0, 20, (n, m))
    a = assign(matrix, caps)
    assert is_valid(a, n, caps) and a.objective == brute(matrix, caps)


@pytest.mark.parametrize("seed", range(4))
def test_children_who_must_share_a_volunteer_use_cp_sat_and_match_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    matrix = rng.integers(0, 30, (5, 3))
    caps = [2, 2, 2]
    a = assign(matrix, caps, together=[(0, 1)])
    assert a.method == "cp_sat" and a.volunteer_of[0] == a.volunteer_of[1]
    assert a.objective == brute(matrix, caps, together=[(0, 1)])


@pytest.mark.parametrize(("volunteers", "caps"), [(40, 2), (60, "mixed"), (150, 2)])
def test_dense_optimum_equals_scipy(volunteers, caps):
    matrix = geographic(volunteers)
    capacities = [2] * volunteers if caps == 2 else [1 + (i % 3 > 0) for i in range(volunteers)]
    matrix = matrix[: sum(capacities)]
    a = assign(matrix, capacities)
    assert is_valid(a, matrix.shape[0], capacities)
    assert a.objective == scipy_optimum(matrix, capacities)


def test_sparse_optimum_equals_scipy_on_the_same_arcs():
    matrix = geographic(120)
    rows, cols, costs = nearest_triples(matrix, 10)
    masked = np.full(matrix.shape, 10**9, dtype=np.int64)
    masked[rows, cols] = costs
    a = assign((rows, cols, costs), [3] * 120)
    assert a.method == "min_cost_flow"
    assert a.objective == scipy_optimum(masked, [3] * 120)


def test_every_form_of_the_same_arcs_gives_the_same_answer():
    """A list, a tuple of arrays, a (k, 3) array and a matrix whose other cells are
    infinite are the same instance: one path, one answer."""
    matrix = geographic(60)
    rows, cols, costs = nearest_triples(matrix, 8)
    masked = np.full(matrix.shape, np.inf)
    masked[rows, cols] = costs
    forms = {
        "tuple": (rows, cols, costs),
        "array": np.column_stack([rows, cols, costs]),
        "list": list(zip(rows.tolist(), cols.tolist(), costs.tolist(), strict=True)),
        "matrix": masked,
    }
    answers = {name: assign(form, [2] * 60) for name, form in forms.items()}
    first = answers["tuple"]
    assert first.method == "min_cost_flow" and first.arcs == len(rows)
    for name, answer in answers.items():
        assert answer.volunteer_of == first.volunteer_of, name
        assert answer.objective == first.objective and answer.arcs == first.arcs, name


def test_triples_in_any_order_give_the_same_optimum_and_the_same_input_the_same_answer():
    rows, cols, costs = nearest_triples(geographic(50), 6)
    order = np.random.default_rng(3).permutation(len(rows))
    first = assign((rows, cols, costs), [2] * 50)
    shuffled = list(zip(rows[order], cols[order], costs[order], strict=True))
    second = assign(shuffled, [2] * 50)
    assert second.objective == first.objective and is_valid(second, 100, [2] * 50)
    assert assign(shuffled, [2] * 50) == second


def test_infinite_cells_are_arcs_that_do_not_exist():
    matrix = np.array([[1.0, np.inf], [np.inf, 5.0], [2.0, 3.0]])
    a = assign(matrix, [1, 2])
    assert a.volunteer_of == (0, 1, 1) and a.objective == 9.0


def test_float_costs_are_solved_exactly_enough_and_reported_in_their_units():
    a = assign([[0.25, 0.5], [0.5, 0.125]], [1, 1])
    assert a.volunteer_of == (0, 1) and a.objective == pytest.approx(0.375)


def test_too_few_places_is_infeasible_with_the_numbers():
    with pytest.raises(Infeasible) as caught:
        assign(np.ones((5, 2)), [2, 2])
    assert caught.value.reasons[0] == "5 名儿童中最多 4 名能分到志愿者:差 1 个名额"


def test_a_group_of_children_with_too_few_allowed_places_is_named():
    triples = [(0, 0, 1), (1, 0, 1), (2, 0, 1), (2, 1, 1), (3, 1, 1)]
    with pytest.raises(Infeasible) as caught:
        assign(triples, [1, 3], sparse=True)
    assert caught.value.reasons[0] == "4 名儿童中最多 3 名能分到志愿者:差 1 个名额"
    assert caught.value.reasons[1] == "儿童 #0、#1 只能由志愿者 #0 带,共 1 个名额,差 1 个"


def test_with_three_volunteers_tuples_are_triples_and_rows_a_matrix():
    assert assign([(0, 2, 5), (1, 1, 1)], [1, 1, 1]).volunteer_of == (2, 1)
    assert assign([[0, 0, 1], [1, 1, 2]], [1, 1, 1]).objective == 1
    assert assign([[0, 2, 5], [1, 1, 1]], [1, 1, 1], sparse=True).volunteer_of == (2, 1)


def test_progress_is_reported_in_order():
    steps = []
    assign(geographic(20), [2] * 20, progress=lambda what, done, total: steps.append((done, total)))
    assert steps[0] == (0, len(flow.STEPS)) and steps[-1] == (len(flow.STEPS) - 1, len(flow.STEPS))
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


@pytest.mark.slow
def test_county_scale_sparse_is_proved_optimal_against_bare_min_cost_flow():
    """10,000 children, 5,000 volunteers, each child's 30 nearest: same objective as
    a bare OR-Tools SimpleMinCostFlow on the same arcs (which proves optimality)."""
    from ortools.graph.python import min_cost_flow

    rng = np.random.default_rng(7)
    m, n, k = 5000, 10_000, 30
    side = 20_000.0 * np.sqrt(m / 2500)
    vols, kids = rng.uniform(0, side, (m, 2)), rng.uniform(0, side, (n, 2))
    rows, cols, costs = [], [], []
    for start in range(0, n, 1000):
        d = np.sqrt(((kids[start : start + 1000, None, :] - vols[None, :, :]) ** 2).sum(-1))
        near = np.argpartition(d, k, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(start, start + len(d)), k))
        cols.append(near.ravel())
        costs.append(np.rint(d[np.arange(len(d))[:, None], near]).astype(np.int64).ravel())
    rows, cols, costs = (np.concatenate(a) for a in (rows, cols, costs))
    a = assign((rows, cols, costs), [2] * m)
    bare = min_cost_flow.SimpleMinCostFlow()
    bare.add_arcs_with_capacity_and_unit_cost(
        rows, cols + n, np.ones(len(rows), dtype=np.int64), costs
    )
    bare.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m), np.full(m, n + m), np.full(m, 2), np.zeros(m, dtype=np.int64)
    )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n], supplies[-1] = 1, -n
    bare.set_nodes_supplies(np.arange(n + m + 1), supplies)
    assert bare.solve() == bare.OPTIMAL
    assert a.objective == bare.optimal_cost() and is_valid(a, n, [2] * m)


def test_a_sparse_instance_without_a_full_assignment_is_refused_with_a_hall_set():
    """Each child may go only to its 2 nearest volunteers: no full assignment exists,
    and min-cost flow says so at once (never searched), with a group that proves it."""
    matrix = geographic(400)
    rows, cols, costs = nearest_triples(matrix, 2)
    with pytest.raises(Infeasible) as caught:
        assign((rows, cols, costs), [2] * 400)
    first, hall = caught.value.reasons
    assert first.startswith("800 名儿童中最多 ") and "差 " in first
    assert hall.startswith("儿童 #") and "只能由志愿者 #" in hall
