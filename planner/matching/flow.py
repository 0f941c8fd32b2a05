"""The scale path: optimal assignment of children to volunteers with capacities.

``assign(costs, capacities)`` takes a dense cost matrix (children × volunteers)
or sparse ``(child, volunteer, cost)`` triples and returns an optimal
:class:`Assignment` (every child gets exactly one volunteer, no volunteer
above capacity, total cost minimal) with its objective.

Method, the fastest exact one for the rules in force:

* only capacities and pair costs: OR-Tools ``SimpleMinCostFlow`` on the
  arcs given (its solve checks feasibility first, so an instance without a
  full assignment is refused in well under a second, never searched);
* a dense matrix too large to hand over whole: the flow is solved on each
  child's cheapest arcs and then *proved* optimal on the full matrix by
  node potentials (shortest paths in the residual graph, Bellman-Ford):
  every left-out arc has a non-negative reduced cost, or the violating
  arcs are added and the flow solved again;
* children that must share a volunteer (``together``, e.g. siblings): CP-SAT.

Deterministic: arcs are built in a fixed order, no randomness, one worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from planner.errors import Infeasible, TimeLimitReached
from planner.matching.words import ids_en, ids_zh

#: progress(step, done, total): called as the work advances (the CLI shows a bar).
Progress = Callable[[str, int, int], None]

#: Dense matrices with more cells than this are solved on their cheapest arcs and
#: then proved optimal on the full matrix (pricing), instead of handed over whole.
DENSE_DIRECT_LIMIT = 100_000
#: Cheapest arcs per child in the first pricing round.
PRICING_NEAREST = 30

STEPS = ("检查 check", "建图 build", "求解 solve", "验证 verify", "结果 result")


@dataclass(frozen=True)
class Assignment:
    """An optimal assignment: ``volunteer_of[i]`` is the volunteer (column) of child ``i``."""

    volunteer_of: tuple[int, ...]
    objective: float
    method: str
    arcs: int = 0
    rounds: int = 1
    optimal: bool = True

    def children_of(self) -> dict[int, list[int]]:
        """Volunteer -> its children, both sorted."""
        out: dict[int, list[int]] = {}
        for child, vol in enumerate(self.volunteer_of):
            out.setdefault(vol, []).append(child)
        return dict(sorted(out.items()))


class NoFullAssignment(Exception):
    """No assignment covers every child; carries the numbers that say why."""

    def __init__(
        self, matched: int, total: int, children: list[int], volunteers: list[int], places: int
    ):
        super().__init__(f"only {matched} of {total} children can be assigned")
        self.matched = matched
        self.total = total
        self.children = children  # a set of children (Hall set) ...
        self.volunteers = volunteers  # ... that only these volunteers may take
        self.places = places  # ... who have this many places between them


# --------------------------------------------------------------------------- input


def _as_int_costs(values: np.ndarray, scale: float | None) -> tuple[np.ndarray, float]:
    """Integer costs for the flow solver, and the factor used."""
    if values.size == 0:
        return values.astype(np.int64), 1.0
    if np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64, copy=False), 1.0
    if not np.all(np.isfinite(values)):
        raise ValueError("costs must be finite for allowed arcs")
    if scale is None and np.all(values == np.round(values)):
        return values.astype(np.int64), 1.0
    factor = 1000.0 if scale is None else float(scale)
    scaled = np.rint(values * factor)
    if np.abs(scaled).max() * len(values) >= 2**62:
        raise ValueError("costs too large for exact integer arithmetic; use a smaller scale")
    return scaled.astype(np.int64), factor


def _is_dense(costs: Any, n_volunteers: int, sparse: bool | None) -> bool:
    """Whether ``costs`` is a matrix (True) or (child, volunteer, cost) triples."""
    if _is_triple_arrays(costs):
        if sparse is False:
            raise ValueError("three arrays are sparse triples, not a matrix")
        return False
    if sparse is not None:
        return not sparse
    shape = np.shape(costs)
    if len(shape) != 2:
        raise ValueError(
            "costs must be a matrix (children × volunteers) or (child, volunteer, cost) triples"
        )
    if shape[1] == n_volunteers == 3:  # both readings fit: tuples are records, rows a matrix
        return not (isinstance(costs, list) and all(isinstance(row, tuple) for row in costs))
    if shape[1] == n_volunteers:
        return True
    if shape[1] == 3:
        return False
    raise ValueError(
        f"costs have {shape[1]} columns: {n_volunteers} (a matrix) or 3 (triples) expected"
    )


def _is_triple_arrays(costs: Any) -> bool:
    return isinstance(costs, tuple) and len(costs) == 3 and all(np.ndim(a) == 1 for a in costs)


def _sparse_arrays(costs: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if _is_triple_arrays(costs):
        child, vol, cost = (np.asarray(a) for a in costs)
    else:
        triples = np.asarray(costs)
        if triples.ndim != 2 or triples.shape[1] != 3:
            raise ValueError("sparse costs must be (child, volunteer, cost) triples")
        child, vol, cost = triples[:, 0], triples[:, 1], triples[:, 2]
    for index in (child, vol):
        if not np.issubdtype(index.dtype, np.integer) and (index != np.round(index)).any():
            raise ValueError("child and volunteer indices must be integers")
    return child.astype(np.int64), vol.astype(np.int64), np.asarray(cost)


# --------------------------------------------------------------------------- flow


@dataclass
class _Flow:
    volunteer_of: np.ndarray  # per child, volunteer index
    arc_used: np.ndarray  # per child arc, flow (0/1)
    load: np.ndarray  # per volunteer, children taken
    cost: int


def solve_flow(
    n: int,
    m: int,
    child: np.ndarray,
    vol: np.ndarray,
    cost: np.ndarray,
    capacities: np.ndarray,
    *,
    single_bonus: np.ndarray | None = None,
) -> _Flow:
    """Min-cost flow: each child one unit to one volunteer, volunteers up to capacity.

    ``single_bonus[v]`` (≥ 0) is subtracted when volunteer ``v`` takes exactly
    one child of a possible two (the spread criterion): the first unit into the
    sink costs ``-bonus``, the second ``+bonus``, a convex cost the flow handles.
    Raises :class:`NoFullAssignment` when no flow covers every child.
    """
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    sink = n + m
    k = len(child)
    if k:
        flow.add_arcs_with_capacity_and_unit_cost(
            child, vol + n, np.ones(k, dtype=np.int64), cost.astype(np.int64, copy=False)
        )
    vols = np.arange(m, dtype=np.int64)
    if single_bonus is None or not np.any(single_bonus):
        flow.add_arcs_with_capacity_and_unit_cost(
            vols + n, np.full(m, sink, dtype=np.int64), capacities, np.zeros(m, dtype=np.int64)
        )
        two = None
    else:
        first = np.minimum(capacities, 1)
        rest = capacities - first
        flow.add_arcs_with_capacity_and_unit_cost(
            vols + n, np.full(m, sink, dtype=np.int64), first, -single_bonus
        )
        two = np.flatnonzero(rest > 0)
        flow.add_arcs_with_capacity_and_unit_cost(
            two + n,
            np.full(len(two), sink, dtype=np.int64),
            rest[two],
            np.where(rest[two] >= 1, single_bonus[two], 0),
        )
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = 1
    supplies[sink] = -n
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        # never read flows after a failed solve (OR-Tools may crash): count instead
        raise _no_full_assignment(n, m, child, vol, capacities)
    used = flow.flows(np.arange(k, dtype=np.int64)) if k else np.zeros(0, dtype=np.int64)
    chosen = np.flatnonzero(used > 0)
    volunteer_of = np.full(n, -1, dtype=np.int64)
    volunteer_of[child[chosen]] = vol[chosen]
    load = np.bincount(vol[chosen], minlength=m)
    return _Flow(volunteer_of, used, load, int(cost[chosen].sum()))


def _no_full_assignment(
    n: int, m: int, child: np.ndarray, vol: np.ndarray, capacities: np.ndarray
) -> NoFullAssignment:
    """Max flow and a Hall set (from the min cut): children whose volunteers are too few."""
    from ortools.graph.python import max_flow

    mf = max_flow.SimpleMaxFlow()
    source, sink = n + m, n + m + 1
    k = len(child)
    mf.add_arcs_with_capacity(
        np.full(n, source, dtype=np.int64), np.arange(n, dtype=np.int64), np.ones(n, dtype=np.int64)
    )
    if k:
        mf.add_arcs_with_capacity(child, vol + n, np.ones(k, dtype=np.int64))
    mf.add_arcs_with_capacity(
        np.arange(n, n + m, dtype=np.int64), np.full(m, sink, dtype=np.int64), capacities
    )
    mf.solve(source, sink)
    matched = int(mf.optimal_flow())
    side = set(mf.get_source_side_min_cut())
    hall_children = sorted(i for i in side if i < n)
    hall_vols = sorted(i - n for i in side if n <= i < n + m)
    places = int(sum(int(capacities[v]) for v in hall_vols))
    return NoFullAssignment(matched, n, hall_children, hall_vols, places)


def potentials(
    n: int,
    m: int,
    child: np.ndarray,
    vol: np.ndarray,
    cost: np.ndarray,
    flow: _Flow,
    capacities: np.ndarray,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Node potentials proving ``flow`` optimal: every residual arc has a reduced cost ≥ 0.

    Bellman-Ford relaxation, vectorised over the arcs leaving the nodes that
    changed in the last pass. Any fixpoint is a proof, so the search may start
    from the previous round's potentials (``start``), which are nearly right.
    An optimal flow has no negative cycle, so it settles within as many passes
    as there are nodes.
    """
    used = flow.arc_used > 0
    vols = np.arange(m, dtype=np.int64)
    free = flow.load < capacities
    busy = flow.load > 0
    sink = n + m
    tails = np.concatenate(
        [child[~used], vol[used] + n, vols[free] + n, np.full(int(busy.sum()), sink)]
    )
    heads = np.concatenate(
        [vol[~used] + n, child[used], np.full(int(free.sum()), sink), vols[busy] + n]
    )
    weights = np.concatenate(
        [
            cost[~used],
            -cost[used],
            np.zeros(int(free.sum()), dtype=np.int64),
            np.zeros(int(busy.sum()), dtype=np.int64),
        ]
    )
    order = np.argsort(tails, kind="stable")  # arcs grouped by tail (CSR)
    tails, heads, weights = tails[order], heads[order], weights[order]
    first = np.searchsorted(tails, np.arange(n + m + 2))
    degree = np.diff(first)
    dist = np.zeros(n + m + 1, dtype=np.int64) if start is None else start.copy()
    active = np.arange(n + m + 1)
    for _ in range(n + m + 2):
        lengths = degree[active]
        total = int(lengths.sum())
        if total == 0:
            return dist
        # indices of every arc leaving an active node, without a Python loop
        offsets = np.repeat(first[active] - np.cumsum(lengths) + lengths, lengths)
        arcs = offsets + np.arange(total)
        better = dist.copy()
        np.minimum.at(better, heads[arcs], dist[tails[arcs]] + weights[arcs])
        active = np.flatnonzero(better < dist)
        dist = better
    raise RuntimeError("residual graph has a negative cycle: the flow was not optimal")


def _cheapest_arcs(masked: np.ndarray, k: int, big: int) -> tuple[np.ndarray, np.ndarray]:
    """Each child's ``k`` cheapest allowed arcs."""
    n, m = masked.shape
    nearest = (
        np.argpartition(masked, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (n, 1))
    )
    child = np.repeat(np.arange(n, dtype=np.int64), nearest.shape[1])
    vol = nearest.ravel().astype(np.int64)
    keep = masked[child, vol] < big
    return child[keep], vol[keep]


def _violations(
    masked: np.ndarray, dist: np.ndarray, block: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """Arcs of the full matrix with a negative reduced cost under ``dist``."""
    n, m = masked.shape
    to_vol = dist[n : n + m]
    found_c, found_v = [], []
    buf = np.empty((min(block, n), m), dtype=np.int64)
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        part = buf[: rows.stop - start]
        np.subtract(masked[rows], to_vol[None, :], out=part)  # reduced = cost + d_child − d_vol < 0
        bad_c, bad_v = np.nonzero(part < -dist[rows, None])
        found_c.append(bad_c + start)
        found_v.append(bad_v)
    return np.concatenate(found_c).astype(np.int64), np.concatenate(found_v).astype(np.int64)


def _dense_pricing(
    matrix: np.ndarray,
    allowed: np.ndarray | None,
    capacities: np.ndarray,
    progress: Progress | None,
) -> tuple[_Flow, int, int]:
    """Solve on each child's cheapest arcs, prove optimal on the whole matrix."""
    n, m = matrix.shape
    k = min(m, PRICING_NEAREST)
    big = np.iinfo(np.int64).max // 4
    masked = matrix if allowed is None else np.where(allowed, matrix, big)
    child, vol = _cheapest_arcs(masked, k, big)
    dist: np.ndarray | None = None
    rounds = 0
    while True:
        rounds += 1
        cost = matrix[child, vol]
        _tick(progress, 2, f"第 {rounds} 轮 round {rounds}")
        try:
            result = solve_flow(n, m, child, vol, cost, capacities)
        except NoFullAssignment:
            if k >= m:
                raise
            k = min(m, k * 2)  # the cheapest arcs alone leave children out: widen
            child, vol = _cheapest_arcs(masked, k, big)
            continue
        _tick(progress, 3, f"验证第 {rounds} 轮 verify round {rounds}")
        dist = potentials(n, m, child, vol, cost, result, capacities, start=dist)
        add_c, add_v = _violations(masked, dist)
        if not len(add_c):
            return result, len(child), rounds
        # a violating arc is never one the flow already has (those satisfy the potentials)
        child = np.concatenate([child, add_c])
        vol = np.concatenate([vol, add_v])


# --------------------------------------------------------------------------- CP-SAT


def _cp_sat(
    n: int,
    m: int,
    child: np.ndarray,
    vol: np.ndarray,
    cost: np.ndarray,
    capacities: np.ndarray,
    together: Sequence[Sequence[int]],
    time_limit_s: float,
    seed: int,
) -> tuple[np.ndarray, bool, np.ndarray]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"a{i}") for i in range(len(child))]
    by_child: list[list[int]] = [[] for _ in range(n)]
    by_vol: list[list[int]] = [[] for _ in range(m)]
    arc_of: dict[tuple[int, int], int] = {}
    for i, (c, v) in enumerate(zip(child.tolist(), vol.tolist(), strict=True)):
        by_child[c].append(i)
        by_vol[v].append(i)
        arc_of[(c, v)] = i
    for arcs in by_child:
        model.add_exactly_one(x[i] for i in arcs)
    for v, arcs in enumerate(by_vol):
        if arcs:
            model.add(sum(x[i] for i in arcs) <= int(capacities[v]))
    for group in together:
        first, *rest = group
        for v in range(m):
            a = arc_of.get((first, v))
            for other in rest:
                b = arc_of.get((other, v))
                if a is None and b is None:
                    continue
                if a is None or b is None:
                    model.add(x[a if b is None else b] == 0)  # type: ignore[index]
                else:
                    model.add(x[a] == x[b])
    model.minimize(sum(int(cost[i]) * x[i] for i in range(len(child))))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # assignment models: full LP linearisation proves the optimum at once (Expo day with
    # two children absent: 26.7 s without a proof at the default level, 0.02 s proved)
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = time_limit_s
    solver.parameters.max_time_in_seconds = time_limit_s * 4
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise NoFullAssignment(0, n, [], [], int(capacities.sum()))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeLimitReached("matching", time_limit_s)
    values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    volunteer_of = np.full(n, -1, dtype=np.int64)
    volunteer_of[child[values]] = vol[values]
    return volunteer_of, status == cp_model.OPTIMAL, np.flatnonzero(values)


# --------------------------------------------------------------------------- API


def _tick(progress: Progress | None, step: int, note: str = "") -> None:
    if progress is not None:
        progress(STEPS[step] + (f" · {note}" if note else ""), step, len(STEPS))


def assign(
    costs: Any,
    capacities: Sequence[int] | np.ndarray,
    *,
    sparse: bool | None = None,
    num_children: int | None = None,
    together: Sequence[Sequence[int]] = (),
    scale: float | None = None,
    progress: Progress | None = None,
    time_limit_s: float = 60.0,
    seed: int = 0,
) -> Assignment:
    """Optimal assignment of children (rows) to volunteers (columns) with capacities.

    ``costs``: a dense matrix (children × volunteers; ``inf``/``nan`` = not
    allowed), or sparse ``(child, volunteer, cost)`` triples (a list, an
    ``(k, 3)`` array or a tuple of three arrays). A 2-D input with as many
    columns as there are volunteers is dense, one with three columns sparse;
    with exactly three volunteers a list of tuples is read as triples and
    anything else as a matrix (``sparse=`` decides explicitly). Costs are minimised;
    non-integer costs are rounded to 1/``scale`` (default 1/1000) for the exact
    integer solvers, and the objective is summed from the original costs.
    ``together``: groups of children who must share a volunteer (CP-SAT).

    Raises :class:`planner.errors.Infeasible` (with the numbers) when no
    assignment covers every child, and :class:`planner.errors.TimeLimitReached`
    when CP-SAT runs out of time without an answer.

    >>> a = assign([[1, 9], [9, 1], [5, 6]], [2, 1])
    >>> a.volunteer_of, a.objective
    ((0, 1, 0), 7)
    >>> assign([(0, 0, 4), (1, 0, 2), (1, 1, 3)], [1, 1]).volunteer_of
    (0, 1)
    """
    caps = np.asarray(capacities, dtype=np.int64)
    if caps.ndim != 1 or (caps < 0).any():
        raise ValueError("capacities must be a list of non-negative integers")
    m = len(caps)
    _tick(progress, 0)
    matrix: np.ndarray | None = None  # integer costs of a dense matrix
    allowed: np.ndarray | None = None  # its allowed cells (None: all)
    if _is_dense(costs, m, sparse):
        raw = np.asarray(costs)
        if raw.ndim != 2 or raw.shape[1] != m:
            raise ValueError(f"dense costs need {m} columns, one per volunteer")
        n = raw.shape[0]
        if num_children is not None and num_children != n:
            raise ValueError("num_children does not match the matrix rows")
        if np.issubdtype(raw.dtype, np.floating) and not np.isfinite(raw).all():
            allowed = np.isfinite(raw)
        matrix, factor = _as_int_costs(raw if allowed is None else np.where(allowed, raw, 0), scale)
        if together or (n * m <= DENSE_DIRECT_LIMIT):
            if allowed is None:
                child = np.repeat(np.arange(n, dtype=np.int64), m)
                vol = np.tile(np.arange(m, dtype=np.int64), n)
            else:
                c_idx, v_idx = np.nonzero(allowed)
                child, vol = c_idx.astype(np.int64), v_idx.astype(np.int64)
            cost, original = matrix[child, vol], raw[child, vol]
            matrix = None  # solved on its arcs, like sparse input
    else:
        child, vol, original = _sparse_arrays(costs)
        n = (int(child.max()) + 1 if len(child) else 0) if num_children is None else num_children
        if len(child) and (child.min() < 0 or child.max() >= n or vol.min() < 0 or vol.max() >= m):
            raise ValueError("a triple names a child or volunteer out of range")
        order = np.lexsort((vol, child))  # the same arcs in any order give the same answer
        child, vol, original = child[order], vol[order], original[order]
        cost, factor = _as_int_costs(original, scale)
    if n == 0:
        return Assignment((), 0, "empty")
    if int(caps.sum()) < n:
        raise _infeasible(
            NoFullAssignment(int(caps.sum()), n, list(range(n)), list(range(m)), int(caps.sum()))
        )

    _tick(progress, 1)
    rounds, optimal = 1, True
    try:
        if matrix is not None:
            result, arcs, rounds = _dense_pricing(matrix, allowed, caps, progress)
            volunteer_of, method = result.volunteer_of, "min_cost_flow+pricing"
        elif together:
            _tick(progress, 2)
            volunteer_of, optimal, used = _cp_sat(
                n, m, child, vol, cost, caps, together, time_limit_s, seed
            )
            arcs, method = len(child), "cp_sat"
        else:
            _tick(progress, 2)
            result = solve_flow(n, m, child, vol, cost, caps)
            volunteer_of, used = result.volunteer_of, np.flatnonzero(result.arc_used > 0)
            arcs, method = len(child), "min_cost_flow"
    except NoFullAssignment as exc:
        raise _infeasible(exc) from None
    _tick(progress, 4)
    # the cost of each child's arc, in the caller's units
    chosen = np.asarray(costs)[np.arange(n), volunteer_of] if matrix is not None else original[used]
    total = chosen.sum()
    objective = int(total) if np.issubdtype(chosen.dtype, np.integer) else float(total)
    del factor  # the integer scale only steers the solver; the objective is in the caller's units
    return Assignment(tuple(int(v) for v in volunteer_of), objective, method, arcs, rounds, optimal)


def _infeasible(exc: NoFullAssignment) -> Infeasible:
    short = exc.total - exc.matched
    zh = [f"{exc.total:,} 名儿童中最多 {exc.matched:,} 名能分到志愿者:差 {short:,} 个名额"]
    en = [f"at most {exc.matched:,} of {exc.total:,} children can get a volunteer: {short:,} short"]
    if exc.children and len(exc.children) < exc.total:
        kids = [f"#{c}" for c in exc.children]
        vols = [f"#{v}" for v in exc.volunteers]
        zh.append(
            f"儿童 {ids_zh(kids)} 只能由志愿者 {ids_zh(vols) or '(无)'} 带,共 {exc.places} 个名额,"
            f"差 {len(exc.children) - exc.places} 个"
        )
        en.append(
            f"children {ids_en(kids)} may only go to volunteers {ids_en(vols) or '(none)'}, "
            f"{exc.places} places between them: {len(exc.children) - exc.places} short"
        )
    return Infeasible("matching", zh, en)
