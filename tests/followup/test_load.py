"""Loading a programme folder: a good one reads, every bad cell is named at once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from followup.ledger_helpers import CARERS, CHILDREN, PAIRS, PROGRAMME_TOML, make_programme

from planner.errors import InvalidInput
from planner.followup.load import load_programme, read_programme


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files are named relative to the working folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(InvalidInput) as info:
        load_programme(folder)
    return info.value.lines("en")


def test_a_good_folder_loads(tmp_path: Path) -> None:
    loaded = load_programme(make_programme(tmp_path / "p"))
    assert loaded.programme.id == "hx-care"
    assert loaded.roles == ("teacher", "volunteer")
    assert [c.id for c in loaded.carers] == ["T1", "T2", "V1"]
    c1 = loaded.children[0]
    assert (c1.id, c1.unit_id, c1.guardian_relation, c1.categories) == (
        "C1",
        "HX",
        "grandmother",
        "left_behind",
    )
    assert len(loaded.pairs) == 4 and all(p.since == date(2026, 9, 1) for p in loaded.pairs)
    # the folder or its programme.toml
    assert load_programme(tmp_path / "p" / "programme.toml").programme == loaded.programme
    assert read_programme(tmp_path / "p") == loaded.programme


def test_gbk_csv_with_english_headers(tmp_path: Path) -> None:
    carers = [["id", "name", "role", "unit"], ["T1", "李老师", "teacher", "HX"],
              ["T2", "张老师", "teacher", "XC"], ["V1", "赵志愿", "volunteer", ""]]  # fmt: skip
    loaded = load_programme(make_programme(tmp_path / "p", carers=carers, encoding="gbk"))
    assert [c.name for c in loaded.carers] == ["李老师", "张老师", "赵志愿"]
    assert loaded.children[2].name == "陈小刚"


def test_every_bad_cell_at_once(tmp_path: Path) -> None:
    carers = [*CARERS, ["T3", "", "principal", "ZZ", "12345"], ["T1", "重复", "teacher", "HX", ""],
              ["T4", "长" * 201, "teacher", "HX", ""]]  # fmt: skip
    children = [*CHILDREN, ["C4", "孙小兰", "不知道", "9", "", "", "", "", "", "QQ"]]
    pairs = [*PAIRS, ["T9", "C1", "2026-09-01", ""], ["T2", "C9", "2026-09-01", ""],
             ["T2", "C2", "2026-13-01", ""], ["T2", "C2", "2026-10-01", "2026-09-30"],
             ["T2", "C2", "2025-10-01", ""]]  # fmt: skip
    lines = _problems(make_programme(tmp_path / "p", carers=carers, children=children, pairs=pairs))
    expected = [
        "p/carers.csv:5:姓名/name: required; the cell is empty",
        "p/carers.csv:5:角色/role: role 'principal' has no duty",
        "p/carers.csv:5:单位/unit: unit 'ZZ' is not among [[units]]",
        "p/carers.csv:5:电话/phone: malformed phone number",
        "p/carers.csv:6:编号/id: duplicate id T1 (first used on row 2)",
        "p/carers.csv:7:姓名/name: too long: 201 characters, at most 200",
        "p/children.csv:5:性别/gender: unknown gender",
        "p/children.csv:5:单位/unit: unit 'QQ' is not among [[units]]",
        "p/pairs.csv:6:结对人编号/carer: carer T9 is not in the carers sheet",
        "p/pairs.csv:7:儿童编号/child_id: child C9 is not in the children sheet",
        "p/pairs.csv:8:开始/since: not a valid date",
        "p/pairs.csv:9:结束/until: until 2026-09-30 is before since 2026-10-01",
        "p/pairs.csv:10:开始/since: date 2025-10-01 is outside the programme",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, lines)
    assert all(str(tmp_path) not in line or line.startswith(str(tmp_path)) for line in lines)


def test_a_child_with_two_teachers_on_one_day(tmp_path: Path) -> None:
    pairs = [*PAIRS, ["T2", "C1", "2026-12-01", ""]]
    lines = _problems(make_programme(tmp_path / "p", pairs=pairs))
    assert lines == [
        "p/pairs.csv:6:开始/since: child C1 has two carers of role teacher on 2026-12-01: "
        "T1 (row 2) and T2"
    ]


def test_a_change_of_teacher_is_no_overlap(tmp_path: Path) -> None:
    pairs = [PAIRS[0], ["T1", "C1", "2026-09-01", "2026-11-30"], ["T2", "C1", "2026-12-01", ""]]
    loaded = load_programme(make_programme(tmp_path / "p", pairs=pairs))
    assert [(p.carer_id, p.until) for p in loaded.pairs] == [
        ("T1", date(2026, 11, 30)),
        ("T2", None),
    ]


def test_bad_keys_carry_their_toml_line(tmp_path: Path) -> None:
    toml = PROGRAMME_TOML.replace('every = "month"', 'every = "week"').replace(
        'organiser = "红星小学"', 'organiser = "红星小学"\ncolour = "red"'
    )
    lines = _problems(make_programme(tmp_path / "p", toml=toml))
    text = (tmp_path / "p" / "programme.toml").read_text().splitlines()
    colour = text.index('colour = "red"') + 1
    week = text.index('every = "week"') + 1
    assert [line.split(": ")[0] for line in lines] == [
        f"p/programme.toml:{colour}:programme.colour",
        f"p/programme.toml:{week}:duties.2.every",
    ]


def test_unknown_kind_and_curly_quotes(tmp_path: Path) -> None:
    toml = PROGRAMME_TOML.replace('what = "help"', 'what = "tutoring"')
    lines = _problems(make_programme(tmp_path / "p", toml=toml))
    assert any("duties.1.what: duty help: unknown kind 'tutoring'" in line for line in lines), lines
    toml = PROGRAMME_TOML.replace('name = "红星小学关爱留守儿童"', "name = “红星”")
    lines = _problems(make_programme(tmp_path / "q", toml=toml))
    assert len(lines) == 1 and "curly quotes" in lines[0]


def test_missing_programme_toml(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        load_programme(tmp_path)
    assert info.value.lines("en")[0].endswith("programme.toml not found")


def test_terms_overlapping_or_outside_the_programme_are_named_with_their_line(
    tmp_path: Path,
) -> None:
    toml = PROGRAMME_TOML.replace(
        '[[terms]]\nid = "2027春"\nstart = 2027-02-20\nend = 2027-07-10\n',
        '[[terms]]\nid = "十月"\nstart = 2026-10-01\nend = 2026-10-31\n\n'
        '[[terms]]\nid = "十一月"\nstart = 2026-11-01\nend = 2026-11-30\n\n'
        '[[terms]]\nid = "2027春"\nstart = 2027-02-20\nend = 2027-07-31\n',
    )
    assert toml != PROGRAMME_TOML
    problems = _problems(make_programme(tmp_path / "p", toml=toml))
    assert problems == [
        "p/programme.toml:16:terms.1.start: term 十月 overlaps term 2026秋",
        # not only its neighbour 十月: the autumn term reaches past both
        "p/programme.toml:21:terms.2.start: term 十一月 overlaps term 2026秋",
        "p/programme.toml:27:terms.3.end: term 2027春 (2027-02-20..2027-07-31) lies outside the programme's dates",
    ]
