"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import (
    CHILD_HEADER,
    CHILD_ROWS,
    EVENT_TOML,
    VOLUNTEER_HEADER,
    VOLUNTEER_ROWS,
    write_csv,
)


@pytest.fixture
def tiny_event(tmp_path: Path) -> Path:
    """A valid event folder: two volunteers, two children, UTF-8 CSV."""
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "event.toml").write_text(EVENT_TOML, encoding="utf-8")
    write_csv(folder / "volunteers.csv", VOLUNTEER_HEADER, VOLUNTEER_ROWS)
    write_csv(folder / "children.csv", CHILD_HEADER, CHILD_ROWS)
    return folder
