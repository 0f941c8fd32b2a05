"""The scale path: optimal assignment of children to volunteers with capacities.

``assign(costs, capacities)`` takes sparse ``(child, volunteer, cost)``
triples or a dense cost matrix (children × volunteers) and returns an optimal
:class:`Assignment` (every child gets exactly one volunteer, no volunteer
above capacity, total cost minimal) with its objective.

Method, the fastest exact one for the rules in force:

* only capacities and pair costs: OR-Tools ``SimpleMinCostFlow`` on the
  arcs given (its solve checks feasibility first, so an instance without a
  full assignment is refused in well under a second, never searched). A
  dense matrix is read as its allowed cells, the same arcs as triples;
* children that must share a volunteer (``together``, e.g. siblings): CP-SAT.

The input is turned into three arrays once (a list of triples is the one
copy, a matrix one scan for its allowed cells), so a list, a tuple of
arrays, a ``(k, 3)`` array and a matrix cost the same beyond that. The
arcs reach the solver in the caller's order (a matrix's in row order): the
solver's time moves with the order of the arcs by a fifth either way, but
no order tried was faster on average (see :func:`assign`).

Deterministic: the same input gives the same answer (no randomness, one
worker). The same arcs in another order give the same optimal cost, and the
same assignment unless several are optimal.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Sequence
from itertools import chain, starmap
from typing import Any

import numpy as np
from msgspec import Struct

from planner.errors import Infeasible, TimeLimitReached
from planner.matching.words import ids_en, ids_zh

#: progress(step, done, total): called as the work advances (the CLI shows a bar).
Progress = Callable[[str, int, int], None]

STEPS = ("检查 check", "建图 build", "求解 solve", "结果 result")


class Assignment(Struct, frozen=True):
    """An optimal assignment: ``volunteer_of[i]`` is the volunteer (column) of child ``i``."""

    volunteer_of: tuple[int, ...]
    objective: float
    method: str
    arcs: int = 0
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


def _arcs(
    costs: Any, m: int, sparse: bool | None, num_children: int | None
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """``(n, child, vol, cost)`` from any accepted form, each array made once.

    Triples keep the caller's order, a matrix gives its cells in row order.
    """
    if _is_triple_arrays(costs):
        if sparse is False:
            raise ValueError("three arrays are sparse triples, not a matrix")
        child, vol, cost = (np.asarray(a) for a in costs)
        if not len(child) == len(vol) == len(cost):
            raise ValueError("the three arrays of triples differ in length")
        return _checked_triples(child, vol, cost, m, num_children)
    table = _rows_table(costs)
    if table is None:
        table = np.asarray(costs)  # the one copy of a list
    if table.ndim != 2:
        raise ValueError(
            "costs must be a matrix (children × volunteers) or (child, volunteer, cost) triples"
        )
    if _is_matrix(costs, table.shape[1], m, sparse):
        return _matrix_arcs(table, m, num_children)
    if table.shape[1] != 3:
        raise ValueError("sparse costs must be (child, volunteer, cost) triples")
    return _checked_triples(table[:, 0], table[:, 1], table[:, 2], m, num_children)


#: Floats hold every integer below this exactly; larger ones go through np.asarray.
_EXACT = 2.0**53

#: one row of three 64-bit integers, native byte order
_INT_ROW = struct.Struct("=qqq")


def _rows_table(costs: Any) -> np.ndarray | None:
    """A list of ``(child, volunteer, cost)`` rows as a ``(k, 3)`` array, or None.

    Rows of integers (Python's or NumPy's) are packed as 64-bit integers
    in one strict pass (``struct`` refuses a float, a string, a number
    beyond 64 bits and a row not of three); 150,000 rows take ~17 ms,
    against ~45 ms for ``np.asarray``. Any other rows are read as floats
    (``np.fromiter``, ~25 ms): integers again when the first row's cost is
    an integer and every number is whole (where ``np.asarray`` would give
    floats for a whole float among integers: the same arcs, the same
    optimum), else floats. None for anything else (rows not all of three,
    matrices, numbers beyond float precision): the caller takes the general
    path.
    """
    if not isinstance(costs, list) or not costs:
        return None
    first = costs[0]
    if not isinstance(first, tuple | list) or len(first) != 3:
        return None
    try:
        packed = b"".join(starmap(_INT_ROW.pack, costs))
    except (struct.error, TypeError):
        pass
    else:  # column-major: each of the three columns is one contiguous array for the solver
        return np.asfortranarray(np.frombuffer(packed, dtype=np.int64).reshape(-1, 3))
    if set(map(len, costs)) != {3}:
        return None
    try:
        flat = np.fromiter(chain.from_iterable(costs), dtype=np.float64, count=3 * len(costs))
    except (TypeError, ValueError):
        return None
    table = flat.reshape(-1, 3)
    if not np.isfinite(table[:, :2]).all() or np.abs(table).max(initial=0.0) >= _EXACT:
        return None
    whole = isinstance(first[2], int | np.integer) and not isinstance(first[2], bool)
    if whole and np.array_equal(table, np.trunc(table)):
        return table.astype(np.int64, order="F")
    return np.asfortranarray(table)


def _is_matrix(costs: Any, columns: int, m: int, sparse: bool | None) -> bool:
    """Whether a 2-D input is a matrix (True) or triples: by ``sparse``, else by shape."""
    if sparse is not None:
        return not sparse
    if columns == m == 3:  # both readings fit: tuples are records, rows a matrix
        return not (isinstance(costs, list) and all(isinstance(row, tuple) for row in costs))
    if columns in (m, 3):
        return columns == m
    raise ValueError(f"costs have {columns} columns: {m} (a matrix) or 3 (triples) expected")


def _is_triple_arrays(costs: Any) -> bool:
    return isinstance(costs, tuple) and len(costs) == 3 and all(np.ndim(a) == 1 for a in costs)


def _matrix_arcs(
    matrix: np.ndarray, m: int, num_children: int | None
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """A matrix's allowed cells (finite ones) as arcs, in row order (child by child,
    each child's volunteers in column order): one vectorised pass finds them."""
    n = matrix.shape[0]
    if matrix.shape[1] != m:
        raise ValueError(f"dense costs need {m} columns, one per volunteer")
    if num_children is not None and num_children != n:
        raise ValueError("num_children does not match the matrix rows")
    if np.issubdtype(matrix.dtype, np.floating):
        cells = _finite_cells(matrix)
        if len(cells) < matrix.size:
            child = cells // m
            return n, child, cells - child * m, matrix.reshape(-1)[cells]
    child = np.repeat(np.arange(n, dtype=np.int64), m)
    vol = np.tile(np.arange(m, dtype=np.int64), n)
    return n, child, vol, matrix.reshape(-1)


#: cells per thread when scanning a matrix for its allowed cells
SCAN_CELLS = 2_000_000
#: cells read at a time by one thread (its flags fit a core's cache, and are reused)
SCAN_BLOCK = 1 << 18


def _finite_cells(matrix: np.ndarray) -> np.ndarray:
    """The flat indices of a float matrix's finite cells, in row order.

    Read a block at a time into one small reused array of flags (a flag per
    cell of the whole matrix is 12.5 MB of fresh memory for 5,000 × 2,500),
    and a large matrix in bands on as many threads as there are cores (NumPy
    lets go of the GIL). 5,000 × 2,500 in a fresh process on two cores:
    ~20 ms in one pass, ~18 ms in two bands, 12–15 ms in two bands of
    blocks. The parts are joined in order, so the answer does not depend on
    the threads.
    """
    flat = np.ascontiguousarray(matrix).reshape(-1)
    bands = min(_cores(), max(1, flat.size // SCAN_CELLS), max(1, len(matrix)))
    cut = [len(matrix) * i // bands * matrix.shape[1] for i in range(bands + 1)]

    def band(i: int) -> np.ndarray:
        flags = np.empty(min(SCAN_BLOCK, cut[i + 1] - cut[i]), dtype=bool)
        parts = [np.zeros(0, dtype=np.int64)]
        for start in range(cut[i], cut[i + 1], SCAN_BLOCK):
            block = flat[start : min(start + SCAN_BLOCK, cut[i + 1])]
            found = flags[: len(block)]
            np.isfinite(block, out=found)
            cells: np.ndarray = np.flatnonzero(found)
            cells += start
            parts.append(cells)
        return np.concatenate(parts)

    if bands == 1:
        return band(0)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(bands, thread_name_prefix="planner-scan") as pool:
        parts: list[np.ndarray] = list(pool.map(band, range(bands)))
    return np.concatenate(parts)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _checked_triples(
    child: np.ndarray, vol: np.ndarray, cost: np.ndarray, m: int, num_children: int | None
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    for index in (child, vol):
        if not np.issubdtype(index.dtype, np.integer) and (index != np.round(index)).any():
            raise ValueError("child and volunteer indices must be integers")
    child, vol = child.astype(np.int64, copy=False), vol.astype(np.int64, copy=False)
    n = (int(child.max()) + 1 if len(child) else 0) if num_children is None else num_children
    if len(child) and (child.min() < 0 or child.max() >= n or vol.min() < 0 or vol.max() >= m):
        raise ValueError("a triple names a child or volunteer out of range")
    return n, child, vol, cost


# --------------------------------------------------------------------------- flow


class _Flow(Struct):
    volunteer_of: np.ndarray  # per child, volunteer index
    arc_used: np.ndarray  # per child arc, flow (0/1; up to the demand of a unit)
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
    demand: np.ndarray | None = None,
) -> _Flow:
    """Min-cost flow: each child one unit to one volunteer, volunteers up to capacity.

    ``demand[i]``: row ``i`` is a unit of that many children (brothers and
    sisters), sending that many units at ``cost`` each; the flow may split a
    unit between volunteers (the caller checks).

    ``single_bonus[v]`` (≥ 0) is subtracted when volunteer ``v`` takes exactly
    one child of a possible two (the spread criterion): the first unit into the
    sink costs ``-bonus``, the second ``+bonus``, a convex cost the flow handles.
    Raises :class:`NoFullAssignment` when no flow covers every child.
    """
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    sink = n + m
    k = len(child)
    need = np.ones(n, dtype=np.int64) if demand is None else demand.astype(np.int64)
    if k:
        flow.add_arcs_with_capacity_and_unit_cost(
            child, vol + n, need[child], cost.astype(np.int64, copy=False)
        )
    _sink_arcs(flow, n, m, capacities, single_bonus)
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = need
    supplies[sink] = -int(need.sum())
    flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        # never read flows after a failed solve (OR-Tools may crash): count instead
        raise _no_full_assignment(n, m, child, vol, capacities)
    used = flow.flows(np.arange(k, dtype=np.int64)) if k else np.zeros(0, dtype=np.int64)
    chosen = np.flatnonzero(used > 0)
    volunteer_of = np.full(n, -1, dtype=np.int64)
    volunteer_of[child[chosen]] = vol[chosen]
    load = np.bincount(vol[chosen], weights=used[chosen], minlength=m).astype(np.int64)
    return _Flow(volunteer_of, used, load, int((cost[chosen] * used[chosen]).sum()))


def _sink_arcs(
    flow: Any, n: int, m: int, capacities: np.ndarray, single_bonus: np.ndarray | None
) -> None:
    """Each volunteer's arcs into the sink (node ``n + m``): up to capacity at no
    cost, or, with the spread criterion, the first unit at ``-bonus`` and the
    rest at ``+bonus`` (a convex cost the flow handles)."""
    sink = n + m
    vols = np.arange(m, dtype=np.int64)
    if single_bonus is None or not np.any(single_bonus):
        flow.add_arcs_with_capacity_and_unit_cost(
            vols + n, np.full(m, sink, dtype=np.int64), capacities, np.zeros(m, dtype=np.int64)
        )
        return
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

    from planner.solving import cp_solver, new_model

    model = new_model()
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
    # assignment models: full LP linearisation proves the optimum at once (Expo day with
    # two children absent: 26.7 s without a proof at the default level, 0.02 s proved)
    solver = cp_solver(seed=seed, work=time_limit_s, full_linearisation=True)
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

    Every form becomes the same three arrays once and takes the same path; a
    matrix costs one pass over its cells to find the allowed ones. The arcs
    reach the solver in the order given (a matrix's cells in row order). The
    solver's time on one instance moves with that order by up to a fifth
    either way, but no order beat the caller's on average: on twenty
    geographic 2,500 × 5,000 instances (each child's 30 nearest, in the order
    ``np.argpartition`` leaves them), geometric means over the order given
    were 1.02 for cheapest first (ties as given), 1.03 and 0.99 cheapest
    first with ties by volunteer up and down, 0.98 by volunteer (a matrix's
    row order) and 1.10 cheapest first with ties hashed; each was faster than
    the order given on 5 to 12 of the 20.

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
    n, child, vol, original = _arcs(costs, m, sparse, num_children)
    if n == 0:
        return Assignment((), 0, "empty")
    if int(caps.sum()) < n:
        raise _infeasible(
            NoFullAssignment(int(caps.sum()), n, list(range(n)), list(range(m)), int(caps.sum()))
        )
    # the integer scale only steers the solver; the objective is in the caller's units
    cost, _factor = _as_int_costs(original, scale)

    _tick(progress, 1)
    _tick(progress, 2)
    try:
        if together:
            volunteer_of, optimal, used = _cp_sat(
                n, m, child, vol, cost, caps, together, time_limit_s, seed
            )
        else:
            result = solve_flow(n, m, child, vol, cost, caps)
            volunteer_of, optimal = result.volunteer_of, True
            used = np.flatnonzero(result.arc_used > 0)
    except NoFullAssignment as exc:
        raise _infeasible(exc) from None
    _tick(progress, 3)
    method = "cp_sat" if together else "min_cost_flow"
    total = original[used].sum()  # the cost of each child's arc, in the caller's units
    objective = int(total) if np.issubdtype(original.dtype, np.integer) else float(total)
    return Assignment(
        tuple(volunteer_of.tolist()), objective, method, arcs=len(child), optimal=optimal
    )


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


# --------------------------------------------------------------------------- all arcs, exactly

#: arcs per child in the first sparse solve of :func:`solve_exact`
NEAREST = 30


class ExactFlow(Struct, frozen=True):
    """An optimal flow over every allowed arc, found on few of them, with its proof."""

    volunteer_of: np.ndarray  # per child, volunteer index
    cost: int
    rounds: int  # sparse solves until the prices proved every other arc useless
    arcs: int  # arcs in the last sparse solve
    split: bool = False  # a unit of several children went to more than one volunteer
    load: np.ndarray | None = None  # per volunteer, children taken
    #: node prices proving it (units, then volunteers, then the sink): every allowed
    #: arc's reduced cost ``cost + prices[unit] - prices[volunteer]`` is ≥ 0 unless used
    prices: np.ndarray | None = None


def solve_exact(
    cost: np.ndarray,
    allowed: np.ndarray,
    capacities: np.ndarray,
    *,
    single_bonus: np.ndarray | None = None,
    demand: np.ndarray | None = None,
    nearest: int = NEAREST,
    progress: Progress | None = None,
) -> ExactFlow:
    """Min-cost flow over the allowed cells of ``cost`` (children × volunteers), exactly.

    Solving on every cell is slow (3,000 × 3,000: 28 s, 1 GB). Instead:
    each child's ``nearest`` cheapest arcs, then a proof: node prices from
    shortest paths in the residual graph (:func:`_prices`) make every arc
    of the flow's residual graph non-negative; if no allowed arc left out
    has a negative reduced cost under those prices, the sparse optimum is
    the optimum over all arcs (LP duality). Otherwise the violating arcs are
    added and the flow solved again. ``demand``: as in :func:`solve_flow`
    (``split`` then says whether a unit went to more than one volunteer).
    Arcs go to the solver volunteer by volunteer, as :func:`planner.matching.solve`
    always gave them (the same ties broken the same way). Raises
    :class:`NoFullAssignment`.
    """
    n, m = cost.shape
    masked = np.where(allowed, cost, np.iinfo(np.int64).max)
    k = min(nearest, m)
    keep = _fewest_per_row(masked, k) & allowed
    rounds = 0
    while True:
        rounds += 1
        if progress is not None:
            progress(f"求解 solve · {int(keep.sum()):,} arcs", rounds, rounds + 1)
        vol, child = np.nonzero(keep.T)
        try:
            result = solve_flow(
                n,
                m,
                child,
                vol,
                cost[child, vol],
                capacities,
                single_bonus=single_bonus,
                demand=demand,
            )
        except NoFullAssignment:
            if keep.sum() == allowed.sum():
                raise
            keep = _widen(masked, allowed, keep)
            continue
        need = np.ones(n, dtype=np.int64) if demand is None else demand
        prices = _prices(
            n, m, child, vol, cost[child, vol], need[child], result, capacities, single_bonus
        )
        reduced = cost + prices[:n, None] - prices[None, n : n + m]
        bad = allowed & ~keep & (reduced < 0)
        if bad.sum() > nearest * n:  # the most negative few per child, not all of them
            bad &= _fewest_per_row(np.where(bad, reduced, 0), k)
        if not bad.any():
            split = bool(np.any(np.bincount(child[result.arc_used > 0], minlength=n) > 1))
            return ExactFlow(
                result.volunteer_of, result.cost, rounds, len(child), split, result.load, prices
            )
        keep |= bad


def _fewest_per_row(values: np.ndarray, k: int) -> np.ndarray:
    """A mask of each row's ``k`` smallest cells (every cell when ``k`` covers the row)."""
    n, m = values.shape
    mask = np.zeros((n, m), dtype=bool)
    if k >= m:
        mask[:] = True
        return mask
    np.put_along_axis(mask, np.argpartition(values, k - 1, axis=1)[:, :k], True, axis=1)
    return mask


def _widen(masked: np.ndarray, allowed: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Four times as many arcs per child (no full assignment on the few)."""
    n, m = masked.shape
    k = min(m, 4 * max(1, int(keep.sum(axis=1).max())))
    wider = np.zeros((n, m), dtype=bool)
    if k < m:
        np.put_along_axis(wider, np.argpartition(masked, k - 1, axis=1)[:, :k], True, axis=1)
    else:
        wider[:] = True
    out: np.ndarray = (wider & allowed) | keep
    return out


def _prices(
    n: int,
    m: int,
    child: np.ndarray,
    vol: np.ndarray,
    cost: np.ndarray,
    arc_capacity: np.ndarray,
    flow: _Flow,
    capacities: np.ndarray,
    single_bonus: np.ndarray | None,
) -> np.ndarray:
    """Shortest-path distances in the residual graph of an optimal flow (Bellman-Ford
    from every node at 0): reduced costs ``c + d[tail] - d[head]`` are then ≥ 0."""
    sink = n + m
    room, back = flow.arc_used < arc_capacity, flow.arc_used > 0
    tails = [child[room], vol[back] + n]
    heads = [vol[room] + n, child[back]]
    weights = [cost[room], -cost[back]]
    bonus = np.zeros(m, dtype=np.int64) if single_bonus is None else single_bonus
    first = np.minimum(capacities, 1) if bonus.any() else capacities
    rest = capacities - first
    load1 = np.minimum(flow.load, first)
    load2 = flow.load - load1
    vols = np.arange(m, dtype=np.int64) + n
    piece1 = -bonus if bonus.any() else np.zeros(m, dtype=np.int64)
    for cap, load, price in ((first, load1, piece1), (rest, load2, bonus)):
        room, back = load < cap, load > 0
        tails += [vols[room], np.full(int(back.sum()), sink)]
        heads += [np.full(int(room.sum()), sink), vols[back]]
        weights += [price[room], -price[back]]
    tail = np.concatenate(tails).astype(np.int64)
    head = np.concatenate(heads).astype(np.int64)
    weight = np.concatenate(weights).astype(np.int64)
    order = np.argsort(head, kind="stable")
    tail, head, weight = tail[order], head[order], weight[order]
    targets, starts = np.unique(head, return_index=True)
    d = np.zeros(n + m + 1, dtype=np.int64)
    for _ in range(n + m + 2):
        best = np.minimum.reduceat(d[tail] + weight, starts)
        better = best < d[targets]
        if not better.any():
            return d
        d[targets[better]] = best[better]
    raise RuntimeError("negative cycle in the residual graph: the flow was not optimal")
