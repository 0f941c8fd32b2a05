"""One way to set up CP-SAT, for every stage: same input, same output.

One worker and a fixed seed make CP-SAT deterministic; a limit on its
*deterministic* time (a count of work, not seconds) makes it stop at the
same point on a fast and a slow machine. A wall-clock limit would not, so
there is none: a slow machine takes longer, it never answers differently.
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def cp_solver(*, seed: int, work: float, full_linearisation: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver with one worker, seed ``seed`` and at most ``work``
    deterministic seconds.

    ``full_linearisation`` adds CP-SAT's full LP relaxation, which proves
    assignment models optimal at once (the Expo day with two children
    absent: 26.7 s without a proof at the default level, 0.02 s proved).
    """

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = work
    if full_linearisation:
        solver.parameters.linearization_level = 2
    return solver
