"""Shared fixtures."""

from __future__ import annotations

import shutil
import subprocess
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


#: Mozilla's ical.js, installed with npm from the lock file: a second calendar parser.
ICALJS = Path(__file__).resolve().parent / "render" / "js"


@pytest.fixture(scope="session")
def icaljs() -> Path:
    """tests/render/js with ical.js installed (``npm ci`` from its lock file, once a session).

    Any test that reads calendars with ical.js (tests/render, tests/followup) asks
    for this fixture, so the install happens before the first of them, whichever
    runs first. Skipped, saying why, only when Node or npm is missing.
    """
    if shutil.which("node") is None:
        pytest.skip("node is not installed (needed to run Mozilla's ical.js)")
    if not (ICALJS / "node_modules" / "ical.js" / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed (needed to install ical.js from tests/render/js)")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ICALJS,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"npm ci failed: {done.stderr[-2000:]}"
    return ICALJS
