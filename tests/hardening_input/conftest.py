"""What every hostile-input test checks afterwards: the inputs untouched, and
an output folder either as it was or complete."""

from __future__ import annotations

from pathlib import Path

import pytest


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes); {} when it does not exist."""
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


class Guard:
    """Takes a snapshot of the event folder and the output folder before a run,
    and checks after it that the inputs are unchanged and the output folder
    holds no half-written files."""

    def __init__(self, event: Path, out: Path) -> None:
        self.event, self.out = event, out
        self.inputs = snapshot(event)
        self.outputs = snapshot(out) if out.is_dir() else {}

    def inputs_untouched(self) -> None:
        assert snapshot(self.event) == self.inputs

    def output_unchanged(self) -> None:
        """A run that failed wrote nothing: the output folder is as it was (or still absent)."""
        if self.out.is_file():
            return
        assert snapshot(self.out) == self.outputs
        leftovers = [p for p in self.out.rglob("*.tmp")] if self.out.is_dir() else []
        assert not leftovers


@pytest.fixture
def guarded() -> type[Guard]:
    """``guarded(event, out)``: a Guard taken now (after the test broke its input)."""
    return Guard
