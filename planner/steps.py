"""How far a stage is: stages report their steps, the command shows them.

A stage calls :func:`report_progress` as its work advances; it does nothing
unless a caller listens (:func:`listening`: `planner plan` shows a bar on a
terminal, or lines with ``--progress``). It lives below every stage (like
``planner.errors`` and ``planner.solving``) so that any stage may report
without importing the pipeline that runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["OnProgress", "listening", "report_progress"]

#: how far a stage is: (what it does now, done, total)
OnProgress = Callable[[str, int, int], None]

_on_progress: ContextVar[OnProgress | None] = ContextVar("planner_on_progress", default=None)


def report_progress(step: str, done: int, total: int) -> None:
    """A stage says how far it is; a no-op unless a caller listens."""
    listener = _on_progress.get()
    if listener is not None:
        listener(step, done, total)


@contextmanager
def listening(on_progress: OnProgress | None) -> Iterator[None]:
    """Send the stages' :func:`report_progress` calls to ``on_progress`` meanwhile."""
    token = _on_progress.set(on_progress)
    try:
        yield
    finally:
        _on_progress.reset(token)
