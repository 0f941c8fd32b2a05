"""One way to set up CP-SAT, for every stage: same input, same output.

One worker and a fixed seed make CP-SAT deterministic; a limit on its
*deterministic* time (a count of work, not seconds) makes it stop at the
same point on a fast and a slow machine. A wall-clock limit would not, so
there is none: a slow machine takes longer, it never answers differently.

Ctrl-C stops a solve and reaches Python: CP-SAT's own SIGINT handler (which
would quietly end the search and hand back its best answer so far, so the
run went on with false warnings) is off, and a watcher thread, woken by
Python's signal wake-up pipe, stops every running search at once. The
KeyboardInterrupt is then raised as soon as the solve returns.

A model solved again in the same process, with the same parameters, is not
searched again: its proved answer (optimal or infeasible) is kept and given
back (the screening stage checks that the chosen team can be paired, and
the matching stage then pairs that same team: one search, not two). With one
worker and a fixed seed the search would give the same answer anyway.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import weakref
from collections import OrderedDict
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ortools.sat.python import cp_model
    from ortools.sat.python import cp_model_helper as cmh

_solvers: weakref.WeakSet[cp_model.CpSolver] = weakref.WeakSet()
_watching = False

#: proved answers of models already solved in this process (the newest few)
_proved: OrderedDict[bytes, cmh.CpSolverResponse] = OrderedDict()
PROVED_KEPT = 16
#: models up to this many variables are recognised when solved again (a larger
#: one costs more to write out for the comparison than a repeat is likely)
PROVED_MAX_VARIABLES = 20_000


def forget_proved() -> None:
    """Drop the proved answers kept so far (a benchmark times real searches)."""
    _proved.clear()


@cache
def _solver_class() -> type[cp_model.CpSolver]:
    """CP-SAT's solver, giving a model solved before its proved answer again (made
    on first use: OR-Tools is imported only by a command that solves)."""
    from ortools.sat.python import cp_model

    class Solver(cp_model.CpSolver):
        def solve(
            self,
            model: cp_model.CpModel,
            solution_callback: cp_model.CpSolverSolutionCallback | None = None,
        ) -> cmh.CpSolverStatus:
            if solution_callback is not None or len(model.proto.variables) > PROVED_MAX_VARIABLES:
                return super().solve(model, solution_callback)
            text = f"{model.proto}\n--\n{self.parameters}".encode()
            key = hashlib.blake2b(text, digest_size=16).digest()
            known = _proved.get(key)
            if known is not None:
                _proved.move_to_end(key)
                self._CpSolver__response = known  # what CpSolver.solve sets
                return known.status
            status = super().solve(model)
            if status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
                _proved[key] = self._CpSolver__response
                while len(_proved) > PROVED_KEPT:
                    _proved.popitem(last=False)
            return status

    return Solver


@cache
def _model_class() -> type[cp_model.CpModel]:
    """CP-SAT's model, without the camel-case aliases of its methods (``AddBoolOr``
    for ``add_bool_or``, deprecated) that OR-Tools adds to every model it creates:
    about sixty of them, 0.3 ms a model. Should OR-Tools stop adding them this way,
    the override is simply never called."""
    from ortools.sat.python import cp_model

    class Model(cp_model.CpModel):
        def _add_pre_pep8_methods(self) -> None:
            pass

    return Model


def new_model() -> cp_model.CpModel:
    """An empty CP-SAT model (every stage makes its models here)."""
    return _model_class()()


def cp_solver(*, seed: int, work: float, full_linearisation: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver with one worker, seed ``seed`` and at most ``work``
    deterministic seconds.

    ``full_linearisation`` adds CP-SAT's full LP relaxation, which proves
    assignment models optimal at once (the Expo day with two children
    absent: 26.7 s without a proof at the default level, 0.02 s proved).
    """

    solver = _solver_class()()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = work
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is Python's: see the module
    _solvers.add(solver)
    _watch_interrupts()
    if full_linearisation:
        solver.parameters.linearization_level = 2
    return solver


def _watch_interrupts() -> None:
    """Once per process: stop every running search when a signal arrives.

    Python's C-level handler writes each signal to the wake-up pipe at once,
    even while the main thread is inside the solver (which releases the
    GIL); the watcher then calls ``stop_search``. Installed only from the
    main thread and only when no one else uses the wake-up pipe.
    """
    global _watching
    if _watching or threading.current_thread() is not threading.main_thread():
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    except ValueError:
        previous = -2
    if previous != -1:  # someone else's pipe (or none possible): leave it be
        if previous != -2:
            signal.set_wakeup_fd(previous)
        os.close(read_end)
        os.close(write_end)
        return
    _watching = True

    def watch() -> None:
        while True:
            try:
                data = os.read(read_end, 64)
            except OSError:
                return
            if not data:
                return
            if any(byte in (signal.SIGINT, signal.SIGTERM) for byte in data):
                for solver in list(_solvers):
                    solver.stop_search()

    threading.Thread(target=watch, name="planner-interrupts", daemon=True).start()
