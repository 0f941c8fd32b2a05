"""Fixtures for the render tests (the plans themselves live in render/plans.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from render.plans import OUTPUT_ROOT, expo_plan

from planner.model import Plan


@pytest.fixture
def plan() -> Plan:
    return expo_plan()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """tests/output/render/<test name>/, emptied first; the folder ignores itself in git."""
    OUTPUT_ROOT.mkdir(parents=True, exist_ok=True)
    ignore = OUTPUT_ROOT / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    folder = OUTPUT_ROOT / "render" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
