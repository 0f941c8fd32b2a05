"""Issue 11, "Must show": hostile strings in every text column of an event, and
every output file checked. A few examples only: each one is a whole `planner plan`."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hardening.events import (
    CHILD_TEXT,
    EVENT_TEXT,
    VOLUNTEER_TEXT,
    expo_event,
    formula_problems,
    leftovers,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from typer.testing import CliRunner

from planner.cli import app

PREFIXES = ["=", "+", "-", "@", "\t", "\r", '=HYPERLINK("http://x","a")', "-2+3+cmd|' /C calc'!A0"]
MARKUP = ["[/b]", "[bold red]", "[/]", "[link=http://x]x[/link]", "\\[b]", "[", "]"]
CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, 0x85, 0x2028, 0x200B, 0xFEFF)]

piece = st.one_of(
    st.sampled_from(PREFIXES),
    st.sampled_from(MARKUP),
    st.sampled_from(CONTROL),
    st.text(alphabet=st.sampled_from("王小明abc 12;,\"'<>&\\"), min_size=1, max_size=8),
)
hostile = st.builds(
    lambda head, rest, long: head + "".join(rest) + ("长" * long),
    st.sampled_from(PREFIXES + MARKUP),
    st.lists(piece, max_size=4),
    st.sampled_from([0, 0, 0, 3000]),  # sometimes very long
)
columns = st.fixed_dictionaries(
    {
        "volunteer": st.fixed_dictionaries({c: hostile for c in VOLUNTEER_TEXT}),
        "child": st.fixed_dictionaries({c: hostile for c in CHILD_TEXT}),
        "event": st.fixed_dictionaries({k: hostile for k in EVENT_TEXT}),
    }
)


@settings(
    max_examples=4,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(columns)
def test_hostile_text_in_every_column(values):
    work = Path(tempfile.mkdtemp(prefix="planner-hostile-"))
    try:
        event = expo_event(work / "event", **values)
        out = work / "out"
        result = CliRunner().invoke(app, ["plan", str(event), "--out", str(out)])
        output = result.output
        assert result.exit_code in (0, 3), output
        assert "Traceback" not in output and "MarkupError" not in output, output
        assert leftovers(out) == []
        if result.exit_code == 3:
            assert not out.exists()  # nothing written
            assert str(event) in output  # the bad file is named
            return
        assert formula_problems(out) == []
        invites = sorted(out.glob("invites/*.ics"))
        assert invites
        for path in invites:
            Calendar.from_ical(path.read_bytes())
    finally:
        shutil.rmtree(work, ignore_errors=True)
