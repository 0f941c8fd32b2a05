"""Absurd settings in event.toml are input errors (exit 3, the line and key
named), not a solver running for a year or a seed the solver cannot hold."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from planner.cli import app

runner = CliRunner()

CASES = [
    ("[matching]\nmax_children = 1\n", "[matching]\nmax_children = 1\ntime_limit_s = inf\n", "matching.time_limit_s"),
    ("[matching]\nmax_children = 1\n", "[matching]\nmax_children = 1\nseed = 99999999999999\n", "matching.seed"),
    ("[matching]\nmax_children = 1\n", "[matching]\nmax_children = 1\n[matching.weights]\ndistance = nan\n", "matching.weights.distance"),
    ("[screening]\nselect = 2\n", "[screening]\nselect = 2\ntime_limit_s = 1e9\n", "screening.time_limit_s"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "key"), CASES, ids=[c[2] for c in CASES])
def test_absurd_setting(tiny_event, guarded, old, new, key):
    toml = tiny_event / "event.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), encoding="utf-8")
    line = next(
        n
        for n, row in enumerate(toml.read_text(encoding="utf-8").splitlines(), start=1)
        if row.startswith(key.split(".")[-1] + " =")
    )
    g = guarded(tiny_event, tiny_event.parent / "out")
    for command in (["check", str(tiny_event)], ["plan", str(tiny_event), "--out", str(g.out)]):
        result = runner.invoke(app, [*command, "--lang", "en"])
        assert result.exit_code == 3, result.output
        assert f"event.toml:{line}:{key}: bad value for {key!r}" in result.output, result.output
    g.inputs_untouched()
    g.output_unchanged()
