"""Progress on stderr while the stages run (ASCII only: Rich's braille spinner crashes GBK consoles).

On a terminal: one bar, a step per stage, with the stage's own words on how
far it is (``planner.steps.report_progress``). With ``plain=True`` (`planner plan
--progress`): one line per stage and step, and each stage's time, for logs
and for ``bench/plan.py``, terminal or not.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from planner import clikit
from planner.pipeline import STAGES, Stage
from planner.steps import listening


@contextmanager
def stage_progress(
    *, enabled: bool = True, plain: bool = False
) -> Iterator[Callable[[Stage], None]]:
    """Yield an ``on_stage`` callback that advances a bar, one step per stage."""
    if plain:
        with _plain_lines() as on_stage:
            yield on_stage
        return
    if not enabled:
        yield lambda stage: None
        return

    console = clikit.console(stderr=True)
    if not console.is_terminal:  # a transient bar shows nothing off a terminal: skip its import
        yield lambda stage: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(
        SpinnerColumn(spinner_name="line"),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task("planning", total=len(STAGES))
        started = False
        label = ""

        def on_stage(stage: Stage) -> None:
            nonlocal started, label
            if started:
                progress.advance(task)
            started = True
            label = f"{stage.label_zh} {stage.name}"
            progress.update(task, description=label)

        def on_step(step: str, done: int, total: int) -> None:
            progress.update(task, description=f"{label}: {step} {done}/{total}")

        with listening(on_step):
            yield on_stage
        progress.update(task, completed=len(STAGES))


@contextmanager
def _plain_lines() -> Iterator[Callable[[Stage], None]]:
    """Plain lines: ``stage NAME start``, ``NAME: STEP done/total``, ``stage NAME done in S s``."""
    current: list[tuple[str, float]] = []

    def say(text: str) -> None:
        print(f"[planner] {text}", file=sys.stderr, flush=True)

    def finish() -> None:
        if current:
            name, began = current.pop()
            say(f"stage {name} done in {time.perf_counter() - began:.3f} s")

    def on_stage(stage: Stage) -> None:
        finish()
        current.append((stage.name, time.perf_counter()))
        say(f"stage {stage.name} start ({stage.label_zh} / {stage.label_en})")

    def on_step(step: str, done: int, total: int) -> None:
        name = current[-1][0] if current else "?"
        say(f"{name}: {step} {done}/{total}")

    with listening(on_step):
        try:
            yield on_stage
        finally:
            if sys.exc_info()[0] is None:
                finish()
            elif current:
                say(
                    f"stage {current[-1][0]} stopped after {time.perf_counter() - current[-1][1]:.3f} s"
                )
