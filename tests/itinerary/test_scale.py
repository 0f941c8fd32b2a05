"""The bench's big day trip (300 children, 10 buses, 12 pickup points)
plans soundly (its time is measured by bench/itinerary.py, not here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from itinerary.build import violations

from planner.itinerary import run
from planner.pipeline import empty_plan

BENCH = Path(__file__).resolve().parents[2] / "bench" / "itinerary.py"


@pytest.mark.slow
def test_300_children_10_buses_12_points():
    spec = importlib.util.spec_from_file_location("bench_itinerary", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    event, pairs = bench.big_trip(300, 10, 12)
    plan = empty_plan(event).model_copy(
        update={"volunteers_selected": [v.id for v in event.volunteers], "pairs": pairs}
    )
    done = run(event, plan)
    assert violations(event, done) == []
    assert (
        sum(len(leg.child_ids) for b in done.buses for leg in b.legs if leg.direction == "out")
        == 300
    )
