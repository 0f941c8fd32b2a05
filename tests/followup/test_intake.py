"""Importing filled record sheets: every bad cell at once, nothing half-written, no doubles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from followup.ledger_helpers import PAIRS, TODAY, fill, synced
from sqlalchemy import Engine, func, select

from planner.followup import schema
from planner.followup.intake import import_files
from planner.followup.sheets import write_sheets

GOOD = [
    dict(child_id="C1", kind="家访", on="2026-10-10", done="家访,了解学习情况", problems="作业没人辅导",
         solved="否", reported="是"),
    dict(child_id="C2", kind="help", on="2026年10月12日", done="送去文具"),
    dict(child_id="C1", kind="growth_record", on="2026-10-14", thinking="开朗了", study="数学进步"),
]  # fmt: skip


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(schema.metadata.tables[table])
        ).scalar_one()


def _sheet(engine: Engine, loaded, tmp_path: Path, carer: str = "T1", name: str = "blank") -> Path:
    (path,) = write_sheets(engine, loaded.programme, tmp_path / name, as_of=TODAY, carers=[carer])
    return path


def test_a_good_sheet_lands_and_twice_adds_nothing(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    path = fill(_sheet(engine, loaded, tmp_path), GOOD)
    (result,) = import_files(engine, loaded.programme, [path], today=TODAY)
    assert (result.ok, result.added, result.updated, result.unchanged) == (True, 3, 0, 0)
    with engine.connect() as conn:
        rows = conn.execute(select(schema.record).order_by(schema.record.c.on)).mappings().all()
        assert [(r["child_id"], r["kind"], r["on"]) for r in rows] == [
            ("C1", "visit", date(2026, 10, 10)), ("C2", "help", date(2026, 10, 12)),
            ("C1", "growth_record", date(2026, 10, 14)),
        ]  # fmt: skip
        assert (
            rows[0]["carer_id"] == "T1"
            and rows[0]["solved"] is False
            and rows[0]["reported"] is True
        )
        assert rows[2]["thinking"] == "开朗了" and rows[2]["study"] == "数学进步"
        problem = conn.execute(select(schema.problem)).mappings().one()
        assert (problem["text"], problem["found_on"], problem["reported_on"], problem["solved_on"]) == (
            "作业没人辅导", date(2026, 10, 10), date(2026, 10, 10), None,
        )  # fmt: skip
    (again,) = import_files(engine, loaded.programme, [path], today=TODAY)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert _count(engine, "record") == 3 and _count(engine, "problem") == 1


def test_an_edited_row_updates_what_may_change(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    path = fill(_sheet(engine, loaded, tmp_path), GOOD)
    import_files(engine, loaded.programme, [path], today=TODAY)
    edited = [dict(GOOD[0], problems="作业没人辅导,已请志愿者", solved="是"), *GOOD[1:]]
    fill(_sheet(engine, loaded, tmp_path, name="again"), edited, tmp_path / "edited.xlsx")
    (result,) = import_files(engine, loaded.programme, [tmp_path / "edited.xlsx"], today=TODAY)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 2)
    with engine.connect() as conn:
        problem = conn.execute(select(schema.problem)).mappings().one()
    assert problem["text"] == "作业没人辅导,已请志愿者" and problem["solved_on"] == date(
        2026, 10, 10
    )


def test_a_bad_sheet_lists_every_bad_cell_and_writes_nothing_while_a_good_one_lands(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    engine, loaded = synced(db_url, tmp_path / "p")
    bad_rows = [
        GOOD[0],  # fine on its own, but its file is refused
        dict(child_id="C3", kind="家访", on="2026-10-10"),  # T2's child
        dict(child_id="C1", kind="跳舞", on="2026-10-10"),  # unknown kind
        dict(child_id="C1", kind="visit", on="2026-02-30"),  # no such day
        dict(child_id="C1", kind="visit", on="2026-08-20"),  # before the programme
        dict(child_id="C1", kind="visit", on="2026-10-20"),  # after today
        dict(child_id="C1", kind="visit", on="2026-10-10", solved="也许"),
        dict(child_id="C1", kind="visit", on="2026-10-10", for_period="2027春"),  # not begun
        dict(child_id="C1", kind="visit", on="2026-10-10", for_period="2026-09"),  # not a term
        dict(child_id="", kind="visit", on="2026-10-10", done="谁?"),
        dict(child_id="C1", kind="visit", on="2026-10-11", done="长" * 4001),
    ]
    bad = fill(_sheet(engine, loaded, tmp_path), bad_rows, tmp_path / "bad.xlsx")
    good = fill(_sheet(engine, loaded, tmp_path, carer="T2", name="t2"),
                [dict(child_id="C3", kind="visit", on="2026-10-09")], tmp_path / "good.xlsx")  # fmt: skip
    first, second = import_files(engine, loaded.programme, [bad, good], today=TODAY)
    where = "bad.xlsx[记录 records]"
    assert [p.render("en") for p in first.problems] == [
        f"{where}:4:儿童编号/child_id: child C3 is not T1's on 2026-10-10",
        f"{where}:5:事项/kind: unknown kind '跳舞' (use one of: visit, help, info_check, contact, growth_record)",
        f"{where}:6:日期/date: not a valid date '2026-02-30' (write 2026-12-05)",
        f"{where}:7:日期/date: date 2026-08-20 is outside the programme (2026-09-01..2027-07-10)",
        f"{where}:8:日期/date: date 2026-10-20 is in the future (today is 2026-10-15)",
        f"{where}:9:是否解决/solved: expected yes/no (是/否), got '也许'",
        f"{where}:10:补记周期/for_period: period 2027春 had not begun on 2026-10-10",
        f"{where}:11:补记周期/for_period: '2026-09' is not a period of this kind (use one of: 2026秋, 2027春)",
        f"{where}:12:儿童编号/child_id: required; the cell is empty",
        f"{where}:13:做了什么/done: too long: 4001 characters, at most 4000",
    ]
    assert (first.ok, first.added) == (False, 0)
    assert (second.ok, second.added) == (True, 1)
    with engine.connect() as conn:
        assert conn.execute(select(schema.record.c.carer_id)).scalars().all() == ["T2"]


def test_a_child_changes_carer_records_follow_the_dates(db_url: str, tmp_path: Path) -> None:
    pairs = [PAIRS[0], ["T1", "C1", "2026-09-01", "2026-09-30"], ["T2", "C1", "2026-10-01", ""]]
    engine, loaded = synced(db_url, tmp_path / "p", pairs=pairs)
    sheet = _sheet(engine, loaded, tmp_path)  # T1 still gets C1: paired during this term
    rows = [
        dict(child_id="C1", kind="visit", on="2026-09-20"),
        dict(child_id="C1", kind="help", on="2026-10-02"),
    ]
    (result,) = import_files(engine, loaded.programme, [fill(sheet, rows)], today=TODAY)
    assert [p.render("en").split(": ", 1)[1] for p in result.problems] == [
        "child C1 is not T1's on 2026-10-02"
    ]
    (ok,) = import_files(
        engine,
        loaded.programme,
        [fill(_sheet(engine, loaded, tmp_path, name="fresh"), rows[:1])],
        today=TODAY,
    )
    assert ok.added == 1


def test_a_hostile_cell_is_stored_as_text(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    hostile = '=HYPERLINK("http://x","a")'
    path = fill(
        _sheet(engine, loaded, tmp_path),
        [dict(child_id="C1", kind="visit", on="2026-10-01", done=hostile)],
    )
    assert import_files(engine, loaded.programme, [path], today=TODAY)[0].added == 1
    with engine.connect() as conn:
        assert conn.execute(select(schema.record.c.done)).scalar_one() == hostile


def test_problems_marked_solved_on_the_sheet(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    import_files(
        engine, loaded.programme, [fill(_sheet(engine, loaded, tmp_path), GOOD)], today=TODAY
    )
    sheet = _sheet(engine, loaded, tmp_path, name="next")
    with engine.connect() as conn:
        pid = conn.execute(select(schema.problem.c.id)).scalar_one()
    fill(sheet, [], solved={pid: ("是", "请了志愿者每周辅导")})
    (result,) = import_files(engine, loaded.programme, [sheet], today=date(2026, 10, 20))
    assert (result.ok, result.solved, result.added) == (True, 1, 0)
    with engine.connect() as conn:
        row = conn.execute(select(schema.problem)).mappings().one()
    assert row["solved_on"] == date(2026, 10, 20) and row["how"] == "请了志愿者每周辅导"
    # another carer cannot solve T1's children's problems
    other = fill(_sheet(engine, loaded, tmp_path, carer="T2", name="t2"), [])
    from openpyxl import load_workbook

    book = load_workbook(other)
    book["问题 problems"].append([pid, "C1", "2026-10-10", "x", "是", "?"])
    book.save(other)
    (refused,) = import_files(engine, loaded.programme, [other], today=TODAY)
    assert not refused.ok and "no problem" in refused.problems[0].render("en")


def test_a_sheet_of_another_programme_or_not_a_sheet(db_url: str, tmp_path: Path) -> None:
    engine, loaded = synced(db_url, tmp_path / "p")
    from openpyxl import load_workbook

    path = _sheet(engine, loaded, tmp_path)
    book = load_workbook(path)
    book["说明 about"]["B1"] = "another-programme"
    book.save(tmp_path / "other.xlsx")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    results = import_files(engine, loaded.programme, [tmp_path / "other.xlsx", tmp_path / "notes.csv",
                                                      tmp_path / "missing.xlsx"], today=TODAY)  # fmt: skip
    messages = [r.problems[0].render("en") for r in results]
    assert "belongs to programme 'another-programme'" in messages[0]
    assert "only .xlsx record sheets" in messages[1]
    assert messages[2].endswith("file not found")


def test_a_crafted_sheet_is_refused_before_it_is_read(db_url: str, tmp_path: Path) -> None:
    """A filled sheet with one more cell at XFD1048576 (the whole grid, 512 GiB,
    were it read) is refused by the event loader's limits, naming the file."""
    import zipfile

    engine, loaded = synced(db_url, tmp_path / "p")
    path = fill(_sheet(engine, loaded, tmp_path), GOOD)
    crafted = tmp_path / "crafted.xlsx"
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as dst:
        for part in src.infolist():
            data = src.read(part)
            if part.filename.startswith("xl/worksheets/"):
                data = data.replace(b"</sheetData>", far.encode() + b"</sheetData>")
            dst.writestr(part, data)
    (refused,) = import_files(engine, loaded.programme, [crafted], today=TODAY)
    assert not refused.ok
    message = refused.problems[0].render("en")
    assert "crafted.xlsx" in message and "row 1,048,576" in message and "100,000 rows" in message
    assert _count(engine, "record") == 0
