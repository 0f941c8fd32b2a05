"""The two examples load cleanly, and CSV encodings are told apart by their header."""

from __future__ import annotations

import csv

from support import CHILD_HEADER, CHILD_ROWS, EXAMPLES
from typer.testing import CliRunner

from planner.cli import app
from planner.load import load_event
from planner.load.columns import CHILD_COLUMNS, header_scorer
from planner.load.tables import read_table
from planner.model import Category, Diet, Need

runner = CliRunner()


def test_both_examples_check_cleanly():
    for name in ("expo_day", "school_day"):
        result = runner.invoke(app, ["check", str(EXAMPLES / name)])
        assert result.exit_code == 0, result.output


def test_expo_example_has_what_later_stages_need():
    event = load_event(EXAMPLES / "expo_day")
    assert (len(event.volunteers), len(event.children)) == (23, 30)
    assert event.screening.select == 15 and event.matching.max_children == 2
    kids = event.children
    assert any(Need.WHEELCHAIR in c.needs for c in kids)
    assert sum(Diet.HALAL in c.dietary for c in kids) == 2
    assert any(Diet.VEGETARIAN in c.dietary for c in kids)
    assert any(c.allergies for c in kids)
    assert sum(1 for c in kids if not c.photo_consent) == 1
    groups = [c.sibling_group for c in kids if c.sibling_group]
    assert sorted(groups) == ["S1", "S1", "S2", "S2"]
    assert sorted({c.village for c in kids}) == ["柳树湾村", "王家庄村", "石井村"]
    assert sum(1 for v in event.volunteers if not v.background_check_done) >= 2


def test_school_example_matches_the_source_plan():
    event = load_event(EXAMPLES / "school_day")
    assert (len(event.volunteers), len(event.children)) == (40, 30)
    assert event.screening.select == 30 and event.groups.count == 2
    assert sum(Category.ORPHAN in c.categories for c in event.children) >= 1
    assert [line.item for line in event.budget.lines][:3] == ["路费", "水费", "面包"]
    assert len(event.budget.lines) == 8


def _write(path, encoding, delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(CHILD_HEADER)
        writer.writerows(CHILD_ROWS)


def test_gbk_utf8_bom_and_utf16_read_the_same(tmp_path):
    score = header_scorer(CHILD_COLUMNS)
    tables = {}
    for encoding in ("gbk", "utf-8-sig", "utf-8", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        _write(path, encoding, "\t" if encoding == "utf-16" else ",")
        tables[encoding] = read_table(path, score, shown=path.name)
    first = tables["utf-8"]
    for table in tables.values():
        assert table.header == first.header and table.rows == first.rows
    assert tables["gbk"].encoding == "gb18030"


def test_big5_is_told_from_gb18030_by_the_header(tmp_path):
    header = ["編號/id", "姓名", "性別/gender", "年齡/age"]
    path = tmp_path / "big5.csv"
    with open(path, "w", encoding="big5", newline="") as fh:
        csv.writer(fh).writerows([header, ["C01", "陳小華", "女", "9"]])
    table = read_table(path, header_scorer(CHILD_COLUMNS), shown="big5.csv")
    assert table.encoding == "big5"
    assert table.rows[0][1][1] == "陳小華"
