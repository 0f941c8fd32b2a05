"""Benchmark of the matching engine: figures, not pass/fail.

    python bench/matching.py                # 15, 500 and 5,000 volunteers
    python bench/matching.py --sizes 15 500 # a quicker run

For each size: a geographic instance (volunteers and twice as many children
as points in a square, cost = straight-line distance in metres, rounded;
uniform random costs 0..100 make trivial instances: optimum 0 at 2,500), every
volunteer taking two. Two forms of the same points:

* dense: the full children × volunteers matrix;
* sparse: each child's 30 nearest volunteers only.

Each is solved by ``planner.matching.assign``, by
``scipy.optimize.linear_sum_assignment`` on the dense matrix with each
volunteer's column repeated once per place (for the sparse form, the
missing arcs cost a prohibitive 10^9, so both solve the same instance), and
by a bare OR-Tools ``SimpleMinCostFlow`` on the same arcs (the floor: no
checks, no conversion, arrays ready). Every run is a fresh process, so the
peak memory printed (max RSS) belongs to that run alone; wall time covers
the solve only, not building the instance.

Dense forms larger than ``--dense-limit`` cells are skipped for ``assign``
and the bare flow (a matrix is solved on all its cells).

Then the input forms: instances of 2,500 volunteers and 5,000 children
(each child's 30 nearest: 150,000 arcs), a new one each round, handed to
``assign`` as a list of tuples, a tuple of three arrays, a ``(k, 3)`` array
and a matrix with ``inf`` outside the arcs; several fresh processes each,
median and spread of wall time, and the median CPU time of the timed part
(steadier on a busy machine). Each is set beside its floor: the bare
solver making the same calls (arcs, supplies, solve, the flows read back)
on the same arcs in the same order, which ``assign`` keeps: the triples in
the order given (the order ``np.argpartition`` leaves each child's
nearest), the matrix's cells in row order. The ratio is then only what
``assign`` adds (checks, converting the input, finding a matrix's cells);
the last column is the part of it spent reading the input (median ms).
Each round runs the forms in a shuffled order.
It is given as a ratio of medians and paired (the median over rounds of the
ratio on one instance), and, for comparison, paired over the bare solver
on the order given: the solver's own time on one instance moves with the
order of its arcs by a fifth either way, with no order faster on average
(see ``planner.matching.flow.assign``).

Then both example events: screening and matching wall time (solver
imports warmed up first, as in ``planner plan``; matching then gets the
answer screening proved for the same team, as in ``planner plan``).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

NEAREST = 30
PROHIBITIVE = 10**9
BLOCK = 1000


def points(volunteers: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    """Children and volunteers in a square whose size keeps the density constant."""
    rng = np.random.default_rng(seed + volunteers)
    side = 20_000.0 * np.sqrt(volunteers / 2500)
    vols = rng.uniform(0, side, (volunteers, 2))
    kids = rng.uniform(0, side, (2 * volunteers, 2))
    return kids, vols


def _distances(kids: np.ndarray, vols: np.ndarray) -> np.ndarray:
    return np.rint(np.sqrt(((kids[:, None, :] - vols[None, :, :]) ** 2).sum(-1))).astype(np.int64)


def dense_matrix(kids: np.ndarray, vols: np.ndarray) -> np.ndarray:
    return np.concatenate(
        [_distances(kids[s : s + BLOCK], vols) for s in range(0, len(kids), BLOCK)]
    )


def sparse_arcs(kids: np.ndarray, vols: np.ndarray, k: int = NEAREST) -> tuple[np.ndarray, ...]:
    k = min(k, len(vols))
    rows, cols, costs = [], [], []
    for s in range(0, len(kids), BLOCK):
        d = _distances(kids[s : s + BLOCK], vols)
        near = (
            np.argpartition(d, k - 1, axis=1)[:, :k]
            if k < len(vols)
            else np.tile(np.arange(len(vols)), (len(d), 1))
        )
        rows.append(np.repeat(np.arange(s, s + len(d)), k))
        cols.append(near.ravel())
        costs.append(d[np.arange(len(d))[:, None], near].ravel())
    return tuple(np.concatenate(a).astype(np.int64) for a in (rows, cols, costs))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_task(task: tuple[str, str, int]) -> dict:
    """One solve in a fresh process: (solver, form, volunteers) -> seconds, peak MiB, objective."""
    solver, form, m = task
    kids, vols = points(m)
    n = len(kids)
    caps = np.full(m, 2, dtype=np.int64)
    if form == "dense":
        matrix = dense_matrix(kids, vols)
        rows = cols = costs = None
    else:
        rows, cols, costs = sparse_arcs(kids, vols)
        matrix = None
    if solver == "scipy":
        from scipy.optimize import linear_sum_assignment

        if matrix is None:
            matrix = np.full((n, m), PROHIBITIVE, dtype=np.int64)
            matrix[rows, cols] = costs
        start = time.perf_counter()
        expanded = np.repeat(matrix, 2, axis=1)  # each volunteer's column once per place
        r, c = linear_sum_assignment(expanded)
        objective = int(expanded[r, c].sum())
        seconds = time.perf_counter() - start
    elif solver == "floor":
        from ortools.graph.python import min_cost_flow

        if matrix is not None:
            rows = np.repeat(np.arange(n, dtype=np.int64), m)
            cols = np.tile(np.arange(m, dtype=np.int64), n)
            costs = matrix.ravel()
        supplies = np.zeros(n + m + 1, dtype=np.int64)
        supplies[:n], supplies[-1] = 1, -n
        ones = np.ones(len(rows), dtype=np.int64)
        start = time.perf_counter()
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(rows, cols + n, ones, costs)
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(n, n + m, dtype=np.int64),
            np.full(m, n + m, dtype=np.int64),
            caps,
            np.zeros(m, dtype=np.int64),
        )
        flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
        status = flow.solve()
        objective = int(flow.optimal_cost()) if status == flow.OPTIMAL else None
        seconds = time.perf_counter() - start
    else:
        from ortools.graph.python import min_cost_flow

        from planner.matching import assign

        start = time.perf_counter()
        answer = assign(matrix if matrix is not None else (rows, cols, costs), caps)
        seconds = time.perf_counter() - start
        objective = int(answer.objective)
        return {
            "seconds": seconds,
            "peak": _peak_mib(),
            "objective": objective,
            "method": answer.method,
        }
    return {"seconds": seconds, "peak": _peak_mib(), "objective": objective}


#: The input-forms instance: volunteers (children are twice as many).
FORMS_VOLUNTEERS = 2500
#: the first instance's seed; round i of the forms benchmark uses FORMS_SEED + i
FORMS_SEED = 2026
FORMS = (
    "bare, as given",
    "bare, row order",
    "list of tuples",
    "tuple of arrays",
    "(k, 3) array",
    "matrix, inf",
)
#: each form's floor: the bare solver on the arcs in the order assign hands them over
FLOOR = {
    FORMS[0]: FORMS[0],
    FORMS[1]: FORMS[1],
    "list of tuples": FORMS[0],
    "tuple of arrays": FORMS[0],
    "(k, 3) array": FORMS[0],
    "matrix, inf": FORMS[1],
}


def run_form(form: str, seed: int = FORMS_SEED) -> dict:
    """``assign`` (or the bare solver) on one form of the forms instance, in this process."""
    from ortools.graph.python import min_cost_flow

    from planner.matching import assign
    from planner.matching import flow as flow_module

    reading = _timed(flow_module, "_arcs")  # assign's reading of its input
    kids, vols = points(FORMS_VOLUNTEERS, seed)
    rows, cols, costs = sparse_arcs(kids, vols)
    if form == FORMS[1]:  # a matrix's cells, as assign reads them
        order = np.lexsort((cols, rows))
        rows, cols, costs = rows[order], cols[order], costs[order]
    n, m = len(kids), len(vols)
    caps = np.full(m, 2, dtype=np.int64)
    if form == "list of tuples":
        data = list(zip(rows.tolist(), cols.tolist(), costs.tolist(), strict=True))
    elif form == "tuple of arrays":
        data = (rows, cols, costs)
    elif form == "(k, 3) array":
        data = np.column_stack([rows, cols, costs])
    elif form == "matrix, inf":
        data = np.full((n, m), np.inf)
        data[rows, cols] = costs
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n], supplies[-1] = 1, -n
    start, cpu = time.perf_counter(), time.process_time()
    if form in (FORMS[0], FORMS[1]):  # the solver calls assign makes, the answer read back
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            rows, cols + n, np.ones(len(rows), dtype=np.int64), costs
        )
        flow.add_arcs_with_capacity_and_unit_cost(
            np.arange(n, n + m, dtype=np.int64),
            np.full(m, n + m, dtype=np.int64),
            caps,
            np.zeros(m, dtype=np.int64),
        )
        flow.set_nodes_supplies(np.arange(n + m + 1, dtype=np.int64), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("the forms instance has no full assignment")
        used = flow.flows(np.arange(len(rows), dtype=np.int64))
        chosen = np.flatnonzero(used > 0)
        volunteer_of = np.full(n, -1, dtype=np.int64)
        volunteer_of[rows[chosen]] = cols[chosen]
        objective = int(costs[chosen].sum())
    else:
        objective = int(assign(data, caps).objective)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "objective": objective,
        "reading": sum(reading),
    }


def _timed(module: object, name: str) -> list[float]:
    """Wrap ``module.name`` so each call's wall time is appended to the list returned."""
    function = getattr(module, name)
    seconds: list[float] = []

    def timed(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - start)

    setattr(module, name, timed)
    return seconds


def fresh_form(form: str, seed: int = FORMS_SEED) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(run_form, form, seed).result()


def input_forms(runs: int) -> None:
    print(
        f"\n## Input forms: {FORMS_VOLUNTEERS:,} vol / {2 * FORMS_VOLUNTEERS:,} ch, "
        f"{NEAREST} nearest ({2 * FORMS_VOLUNTEERS * NEAREST:,} arcs), {runs} fresh processes each,"
        f" a new instance each round (seeds {FORMS_SEED}–{FORMS_SEED + runs - 1})"
    )
    print(
        "floor: the bare solver on the same arcs in the order assign hands them over"
        " (triples as given,\na matrix's cells in row order); paired: the median over rounds"
        " of the form's time over the\nfloor's on the same instance; last column: paired over"
        " the bare solver on the order given"
    )
    print(
        f"{'':24} {'wall s':>23}   {'wall / floor':>12}   {'paired':>7}   {'paired':>7}"
        f"   {'cpu s':>6}   {'reading':>7}\n"
        f"{'form':24} {'median':>7} {'min':>7} {'max':>7}   {'medians':>12}   {'/ floor':>7}"
        f"   {'/ given':>7}   {'median':>6}   {'ms':>7}"
    )
    samples: dict[str, list[dict]] = {form: [] for form in FORMS}
    for round_ in range(runs):  # interleaved, so a busy spell hits every form alike ...
        order = list(FORMS)
        random.Random(round_).shuffle(order)  # ... and none always runs first or last
        for form in order:
            samples[form].append(fresh_form(form, FORMS_SEED + round_))
    wall = {form: statistics.median(r["seconds"] for r in samples[form]) for form in FORMS}
    cpu = {form: statistics.median(r["cpu"] for r in samples[form]) for form in FORMS}

    def paired(form: str, floor: str) -> float:
        pairs = zip(samples[form], samples[floor], strict=True)
        return statistics.median(a["seconds"] / b["seconds"] for a, b in pairs)

    for form in FORMS:
        seconds = [r["seconds"] for r in samples[form]]
        floor = FLOOR[form]
        reading = (
            f"{statistics.median(r['reading'] for r in samples[form]) * 1000:.1f}"
            if form not in (FORMS[0], FORMS[1])
            else "-"
        )
        print(
            f"{form:24} {wall[form]:7.3f} {min(seconds):7.3f} {max(seconds):7.3f}   "
            f"{wall[form] / wall[floor]:12.2f}   {paired(form, floor):7.2f}   "
            f"{paired(form, FORMS[0]):7.2f}   {cpu[form]:6.3f}   {reading:>7}"
        )
        sys.stdout.flush()
    disagree = [
        round_
        for round_ in range(runs)
        if len({samples[form][round_]["objective"] for form in FORMS}) != 1
    ]
    print(
        "every form reached the bare solver's objective on every instance"
        if not disagree
        else f"objectives differ on rounds {disagree}"
    )


def fresh(task: tuple[str, str, int]) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(run_task, task).result()


def examples() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import planner.matching
    import planner.screening
    from planner.errors import Infeasible
    from planner.load import load_event
    from planner.pipeline import empty_plan
    from planner.solving import forget_proved

    root = Path(__file__).resolve().parents[1] / "examples"
    print("\n## Example events (solver imports warmed up)")
    for name in ("expo_day", "school_day"):
        event = load_event(root / name)
        planner.screening.run(event, empty_plan(event))  # warm-up: imports, first solve
        forget_proved()  # the timed runs search afresh (matching reuses screening's answer)
        start = time.perf_counter()
        plan = planner.screening.run(event, empty_plan(event))
        screening = time.perf_counter() - start
        start = time.perf_counter()
        try:
            plan = planner.matching.run(event, plan)
            result = f"{len(plan.pairs)} pairs"
        except Infeasible as exc:
            result = f"infeasible: {exc.reasons[0]}"
        matching = time.perf_counter() - start
        print(f"{name:12} screening {screening:6.3f} s   matching {matching:6.3f} s   {result}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 500, 5000])
    parser.add_argument(
        "--dense-limit",
        type=int,
        default=10_000_000,
        help="largest matrix (cells) handed to assign and the bare flow",
    )
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per input form")
    parser.add_argument(
        "--only", choices=("sizes", "forms", "examples"), help="run one part of the benchmark"
    )
    args = parser.parse_args()
    if args.only in (None, "sizes"):
        sizes(args.sizes, args.dense_limit)
    if args.only in (None, "forms"):
        input_forms(args.runs)
    if args.only in (None, "examples"):
        examples()


def sizes(volunteers: list[int], dense_limit: int) -> None:
    print(
        f"# Matching benchmark: geographic instances, 2 children per volunteer, sparse = {NEAREST} nearest"
    )
    print(
        f"{'instance':18} {'solver':26} {'seconds':>9} {'peak MiB':>9} {'objective':>14} {'same':>5}  notes"
    )
    for m in volunteers:
        for form in ("dense", "sparse"):
            label = f"{m} vol / {2 * m} ch {form}"
            arcs = 2 * m * m if form == "dense" else 2 * m * min(NEAREST, m)
            if arcs > dense_limit:
                print(f"{label:18} {'skipped':>36}  ({arcs:,} cells > --dense-limit)")
                continue
            ours = fresh(("ours", form, m))
            scipy = fresh(("scipy", form, m))
            floor = fresh(("floor", form, m))
            method = ours["method"]
            print(
                f"{label:18} {'planner.matching.assign':26} {ours['seconds']:9.3f} {ours['peak']:9.0f} {ours['objective']:>14,}   -    {method}"
            )
            same = "yes" if scipy["objective"] == ours["objective"] else "NO"
            print(
                f"{'':18} {'scipy LSA (cols repeated)':26} {scipy['seconds']:9.3f} {scipy['peak']:9.0f} "
                f"{scipy['objective']:>14,} {same:>5}  scipy / ours = {scipy['seconds'] / ours['seconds']:.1f}"
            )
            same = "yes" if floor["objective"] == ours["objective"] else "NO"
            print(
                f"{'':18} {'bare SimpleMinCostFlow':26} {floor['seconds']:9.3f} {floor['peak']:9.0f} "
                f"{floor['objective'] if floor['objective'] is not None else 'infeasible':>14,} {same:>5}  "
                f"ours / floor = {ours['seconds'] / floor['seconds']:.2f}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
