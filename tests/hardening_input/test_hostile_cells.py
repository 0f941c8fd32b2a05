"""Hostile or careless cells: normalised in one place (cells.clean), capped in
length, located when undecodable; warnings the organisers should see; an
impossible pairing that names the forbidden rule.

Decided here (and in the README): a line break or tab in a cell becomes a
space, other control and invisible characters (zero-width space and joiners,
byte-order marks, bidi controls) are removed, and full-width characters are
made half-width (NFKC), in every cell and every event.toml string. So an id
pasted with a zero-width space is the same id, a name with Alt+Enter in its
cell is one line, and an email with a line break inside it is not an email.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from support import CHILD_HEADER, CHILD_ROWS, VOLUNTEER_HEADER, VOLUNTEER_ROWS, write_csv
from typer.testing import CliRunner

from planner.cli import app
from planner.load import cells

runner = CliRunner()


def plan(folder: Path, *extra: str):
    out = folder.parent / "out"
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out), "--no-render", *extra])
    assert "Traceback" not in result.output
    return result, out


def with_email(rows: list[list[str]], emails: list[str]) -> tuple[list[str], list[list[str]]]:
    return [*VOLUNTEER_HEADER, "邮箱"], [[*r, e] for r, e in zip(rows, emails, strict=True)]


def test_ids_and_names_are_normalised_once_at_load(tiny_event):
    rows = copy.deepcopy(VOLUNTEER_ROWS)
    rows[0][0] = "V\u200b０1"  # zero-width space, full-width zero
    rows[0][1] = "李\r\n明\x1b[31m\u202e"
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    with open(tiny_event / "event.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[matching.locked]]\nvolunteer = "V01\\u200d"\nchildren = ["C01"]\n')
    result, out = plan(tiny_event)
    assert result.exit_code == 0, result.output
    written = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    pair = next(p for p in written["pairs"] if p["volunteer_id"] == "V01")
    assert pair["child_ids"] == ["C01"]
    text = (out / "plan.json").read_text(encoding="utf-8")
    assert "李 明[31m" in text
    assert "\u200b" not in text and "\\u001b" not in text and "\u202e" not in text


def test_a_line_break_inside_an_email_is_bad_input(tiny_event, guarded):
    header, rows = with_email(VOLUNTEER_ROWS, ["li@example.org\r\nBcc: x@example.org", ""])
    write_csv(tiny_event / "volunteers.csv", header, rows)
    g = guarded(tiny_event, tiny_event.parent / "out")
    result, _ = plan(tiny_event, "--lang", "en")
    assert result.exit_code == 3
    assert "volunteers.csv:2:邮箱/email: malformed email 'li@example.org Bcc: x@example.org'" in (
        result.output
    )
    g.inputs_untouched()
    g.output_unchanged()


def test_a_trailing_line_break_in_an_email_is_trimmed(tiny_event):
    header, rows = with_email(VOLUNTEER_ROWS, ["li@example.org\r\n", ""])
    write_csv(tiny_event / "volunteers.csv", header, rows)
    result, out = plan(tiny_event)
    assert result.exit_code == 0, result.output
    assert "li@example.org\\r" not in (out / "plan.json").read_text(encoding="utf-8")


def test_a_cell_of_millions_of_characters_is_refused_naming_the_cell(tiny_event, guarded):
    rows = copy.deepcopy(VOLUNTEER_ROWS)
    rows[1][1] = "王" * 1_700_000
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    g = guarded(tiny_event, tiny_event.parent / "out")
    result, _ = plan(tiny_event, "--lang", "en")
    assert result.exit_code == 3
    assert (
        "volunteers.csv:3:姓名/name: the cell holds 1,700,000 characters, above the limit of 1,000"
        in result.output
    )
    assert len(result.output) < 5_000
    g.inputs_untouched()
    g.output_unchanged()


def test_a_cell_just_at_the_limit_is_read(tiny_event):
    rows = copy.deepcopy(CHILD_ROWS)
    rows[0].append("注" * cells.MAX_CELL_CHARS)
    write_csv(tiny_event / "children.csv", [*CHILD_HEADER, "健康备注"], [rows[0], [*rows[1], ""]])
    result, _ = plan(tiny_event)
    assert result.exit_code == 0, result.output


def test_a_long_string_in_event_toml_names_its_line(tiny_event, guarded):
    toml = tiny_event / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('name = "测试活动"', f'name = "{"长" * 5000}"'),
        encoding="utf-8",
    )
    g = guarded(tiny_event, tiny_event.parent / "out")
    result, _ = plan(tiny_event, "--lang", "en")
    assert result.exit_code == 3
    assert "event.toml:3:event.name: the cell holds 5,000 characters" in result.output
    g.inputs_untouched()
    g.output_unchanged()


def test_an_invalid_byte_names_its_row_and_column(tiny_event, guarded):
    path = tiny_event / "children.csv"
    data = path.read_bytes()
    at = data.index("刘小刚".encode())
    path.write_bytes(data[:at] + b"\xff" + data[at + 3 :])
    g = guarded(tiny_event, tiny_event.parent / "out")
    result, _ = plan(tiny_event, "--lang", "en")
    assert result.exit_code == 3
    assert "children.csv:3:姓名: byte(s) 0xFF are not UTF-8, as the rest of the file is" in (
        result.output
    )
    g.inputs_untouched()
    g.output_unchanged()


def test_a_past_date_and_no_children_attending_are_warned(tiny_event):
    toml = tiny_event / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("2026-12-05", "2020-12-05"), encoding="utf-8"
    )
    header = [*CHILD_HEADER, "参加"]
    write_csv(tiny_event / "children.csv", header, [[*r, "否"] for r in CHILD_ROWS])
    checked = runner.invoke(app, ["check", str(tiny_event), "--lang", "en", "--json"])
    assert checked.exit_code == 0, checked.output
    warnings = json.loads(checked.stdout)["warnings"]
    assert any("the event date 2020-12-05 is past" in w for w in warnings)
    assert any("all 2 children on the list are marked as not attending" in w for w in warnings)
    result, out = plan(tiny_event, "--lang", "en")
    assert result.exit_code == 0
    assert "Warning: the event date 2020-12-05 is past" in result.output
    # plan.json depends on the input only, not on the day the command ran
    assert "2020-12-05 is past" not in (out / "plan.json").read_text(encoding="utf-8")


def test_a_child_forbidden_with_everyone_is_named_beside_the_short_places(tiny_event, guarded):
    rows = [
        *copy.deepcopy(CHILD_ROWS),
        ["C03", "王小明", "男", "2015-01-01", "留守", "", "", "", "是", ""],
    ]
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows)
    with open(tiny_event / "event.toml", "a", encoding="utf-8") as fh:
        for vid in ("V01", "V02"):
            fh.write(f'\n[[matching.forbidden]]\nvolunteer = "{vid}"\nchild = "C01"\n')
    g = guarded(tiny_event, tiny_event.parent / "out")
    for command in ("check", "plan"):
        result = runner.invoke(
            app,
            [command, str(tiny_event), "--lang", "en", "--out", str(g.out)][
                : 4 if command == "check" else 6
            ],
        )
        assert result.exit_code == 4, result.output
        assert "3 children" in result.output and "1 short" in result.output
        assert (
            "child C01 has no screened volunteer the rules allow (forbidden pairs kept apart)"
            in (result.output)
        )
    g.inputs_untouched()
    g.output_unchanged()
