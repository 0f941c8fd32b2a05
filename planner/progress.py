"""Progress on stderr while the stages run (ASCII only: Rich's braille spinner crashes GBK consoles)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from planner import clikit
from planner.pipeline import STAGES, Stage


@contextmanager
def stage_progress(*, enabled: bool = True) -> Iterator[Callable[[Stage], None]]:
    """Yield an ``on_stage`` callback that advances a bar, one step per stage."""
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

        def on_stage(stage: Stage) -> None:
            nonlocal started
            if started:
                progress.advance(task)
            started = True
            progress.update(task, description=f"{stage.label_zh} {stage.name}")

        yield on_stage
        progress.update(task, completed=len(STAGES))
