"""The shared CP-SAT wiring: colliding rules are named, and only those."""

from __future__ import annotations

import pytest

from planner.errors import Infeasible
from planner.itinerary.solver import explain, solve


def build(sw):
    x = sw.model.new_int_var(0, 10, "x")
    y = sw.model.new_int_var(0, 10, "y")
    sw.add(x >= 5, "a", "甲:x 至少 5", "a: x at least 5")
    sw.add(x <= 3, "b", "乙:x 至多 3", "b: x at most 3")
    sw.add(y <= 1, "c", "丙:y 至多 1", "c: y at most 1")
    sw.add(x + y <= 20, "d", "丁", "d")
    return x


def test_explain_names_exactly_the_colliding_rules():
    assert explain(build, seed=0, time_limit=5) == [
        ("甲:x 至少 5", "a: x at least 5"),
        ("乙:x 至多 3", "b: x at most 3"),
    ]


def test_solve_raises_infeasible_with_the_rules():
    with pytest.raises(Infeasible) as err:
        solve(build, what_zh="测试", what_en="the test", seed=0, time_limit=5)
    assert err.value.reasons == ["测试无解,相互冲突的规则:甲:x 至少 5;乙:x 至多 3"]
    assert "a: x at least 5; b: x at most 3" in err.value.reasons_en[0]


def test_solve_returns_what_the_builder_built():
    def fine(sw):
        x = sw.model.new_int_var(0, 10, "x")
        sw.add(x >= 4, "a", "甲", "a")
        sw.model.minimize(x)
        return x

    solved = solve(fine, what_zh="测试", what_en="test", seed=0, time_limit=5)
    assert solved.solver.value(solved.built) == 4
