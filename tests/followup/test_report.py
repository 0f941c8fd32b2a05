"""Reports: assessment per carer, units roll-up, open problems, growth booklets; private and stable."""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from followup.test_due import SCHOOL, LedgerBuilder, school
from openpyxl import load_workbook
from sqlalchemy import Engine, create_engine, insert, update

from planner.errors import InvalidInput
from planner.followup import schema
from planner.followup.due import compute_due
from planner.followup.model import Programme
from planner.followup.report import assessment_rows, unit_rows, write_reports
from planner.render.pdf import find_chromium

AS_OF = date(2027, 3, 1)
FORMULA = '=HYPERLINK("http://evil.invalid","x")'
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANNER_CHROMIUM", str(tmp_path / "no-such-chromium"))


def problem(engine: Engine, record_id: int, found: date, text: str, **more: object) -> None:
    with engine.begin() as conn:
        row = conn.execute(schema.record.select().where(schema.record.c.id == record_id)).one()
        conn.execute(
            insert(schema.problem).values(
                programme_id=SCHOOL.id,
                record_id=record_id,
                child_id=row.child_id,
                carer_id=row.carer_id,
                found_on=found,
                text=text,
                **more,
            )
        )


def autumn(engine: Engine) -> LedgerBuilder:
    """The school programme with its autumn term recorded.

    T1 (小红): visit on time, helps once (missing one: help overdue).
    T2 (小明 from 16 Nov): 小明's visit by T1 in October counts; help twice, one made up in spring.
    Problems: one open and reported, one open and not, one solved.
    """
    built = school(engine)
    with engine.begin() as conn:
        conn.execute(update(schema.carer).where(schema.carer.c.id == "T2").values(name=FORMULA))
        conn.execute(update(schema.child).where(schema.child.c.id == "C2").values(grade=HOSTILE))
    built.record("T1", "C1", "visit", date(2026, 10, 8), problems="作业没人辅导")
    r1 = built.record(
        "T1",
        "C2",
        "visit",
        date(2026, 9, 20),
        problems="情绪低落",
        thinking="开朗了一些",
        study="数学进步",
    )
    built.record("T1", "C2", "help", date(2026, 12, 1))
    r2 = built.record("T2", "C1", "help", date(2026, 12, 10), problems="监护人年迈")
    built.record("T2", "C1", "help", date(2027, 2, 25), for_period="2026秋")
    r3 = built.record("T2", "C1", "growth_record", date(2027, 1, 5), progress="按时完成作业")
    problem(engine, r1, date(2026, 9, 20), "情绪低落", reported_on=date(2026, 9, 21))
    problem(engine, r2, date(2026, 12, 10), "监护人年迈")
    problem(engine, r3, date(2027, 1, 5), "已解决的事", solved_on=date(2027, 1, 6), how="谈心")
    return built


def test_assessment_counts_required_done_late_missing_and_open(engine: Engine) -> None:
    autumn(engine)
    report = compute_due(engine, SCHOOL, AS_OF)
    rows = {r.carer_id: r for r in assessment_rows(report, SCHOOL.term("2026秋"), lang="zh")}
    t1, t2 = rows["T1"], rows["T2"]
    # T1 owes 小红 a visit and a help (2 helps needed: missing)
    assert (t1.required, t1.done, t1.late, t1.missing) == (2, 1, 0, 1)
    assert t1.rate == 0.5
    # T2 owes 小明 a visit (T1's October visit counts) and helps (one made up late)
    assert (t2.required, t2.done, t2.late, t2.missing) == (2, 1, 1, 0)
    assert t2.rate == 1.0
    # spring: nothing ended yet, two items open each; V1 has monthly contacts ended
    spring = {r.carer_id: r for r in assessment_rows(report, SCHOOL.term("2027春"), lang="zh")}
    assert (spring["T1"].required, spring["T1"].open) == (0, 2)
    everything = {r.carer_id: r for r in assessment_rows(report, None, lang="zh")}
    assert everything["V1"].required == 6 + 5  # 小明 Sept-Feb, 小刚 Oct-Feb
    assert everything["V1"].missing == 11


def test_units_roll_up(engine: Engine) -> None:
    autumn(engine)
    report = compute_due(engine, SCHOOL, AS_OF)
    from planner.followup.report import open_problems

    problems = open_problems(engine, report)
    rows = {r.unit_id: r for r in unit_rows(report, None, problems, lang="zh")}
    assert (rows["HX"].children, rows["HX"].covered, rows["HX"].open_problems) == (2, 2, 2)
    assert (rows["QS"].children, rows["QS"].covered) == (1, 1)
    assert rows["QS"].completion == 0.0 and rows["QS"].required == 11
    assert [p.text for p in problems] == ["情绪低落", "监护人年迈"]  # oldest first, solved left out
    assert problems[0].age_days == (AS_OF - date(2026, 9, 20)).days
    assert problems[0].reported_on == date(2026, 9, 21) and problems[1].reported_on is None


def test_a_child_who_has_not_joined_yet_is_not_in_the_units_count(engine: Engine) -> None:
    built = autumn(engine)
    built.child("C8", "冯小北", joined_on=AS_OF + timedelta(days=1))  # no carer yet
    built.child("C9", "卫小南", joined_on=AS_OF)  # joined on the day, no carer yet
    report = compute_due(engine, SCHOOL, AS_OF)
    rows = {r.unit_id: r for r in unit_rows(report, None, [], lang="zh")}
    assert (rows["HX"].children, rows["HX"].covered) == (3, 2)  # C9 counts, uncovered; C8 not


def test_files_private_text_never_formulas_and_byte_stable(
    engine: Engine, tmp_path: Path, no_chromium: None, capsys: pytest.CaptureFixture[str]
) -> None:
    autumn(engine)
    paths = write_reports(engine, SCHOOL, out=tmp_path / "a", as_of=AS_OF, term=None, lang="zh")
    assert "Chromium" in capsys.readouterr().err
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in paths)
    assert names == [
        "assessment.html",
        "assessment.xlsx",
        "growth/C1.html",
        "growth/C2.html",
        "growth/C3.html",
        "problems.html",
        "units.html",
    ]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (tmp_path / "a", tmp_path / "a" / "growth"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    book = load_workbook(tmp_path / "a" / "assessment.xlsx")
    assert book.sheetnames == ["年度考核", "单位汇总", "未解决的问题"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    hostile = [c for c in cells if c.value == FORMULA]
    assert hostile and all(c.data_type == "s" for c in hostile)
    with zipfile.ZipFile(tmp_path / "a" / "assessment.xlsx") as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets"))
    again = write_reports(engine, SCHOOL, out=tmp_path / "b", as_of=AS_OF, term=None, lang="zh")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def test_html_is_escaped_without_scripts_or_external_urls(
    engine: Engine, tmp_path: Path, no_chromium: None
) -> None:
    autumn(engine)
    paths = write_reports(engine, SCHOOL, out=tmp_path, as_of=AS_OF, term="2026秋", lang="zh")
    for path in paths:
        if path.suffix != ".html":
            continue
        html = path.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
        assert "<script" not in html.lower(), path
        assert not re.search(r"(src|href)\s*=|url\(|@import", html, re.I), path
    c2 = (tmp_path / "growth" / "C2.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in c2
    assessment = (tmp_path / "assessment.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(&#34;http://evil.invalid&#34;" in assessment
    assert "学期 2026秋" in assessment


def test_growth_booklet_holds_the_childs_records_over_time(
    engine: Engine, tmp_path: Path, no_chromium: None
) -> None:
    autumn(engine)
    write_reports(engine, SCHOOL, out=tmp_path, as_of=AS_OF, term=None, lang="zh")
    c2 = (tmp_path / "growth" / "C2.html").read_text(encoding="utf-8")
    # the organiser's copy does hold the full name, the growth fields and the problems
    for text in ("刘小红", "思想", "开朗了一些", "学习", "数学进步", "情绪低落", "家访", "李老师"):
        assert text in c2, text
    assert "陈小明" not in c2  # one child per file
    c1 = (tmp_path / "growth" / "C1.html").read_text(encoding="utf-8")
    assert c1.index("2026-10-08") < c1.index("2026-12-10") < c1.index("2027-02-25")
    assert "按时完成作业" in c1 and "谈心" in c1 and "2026秋" in c1


def test_english_labels(engine: Engine, tmp_path: Path, no_chromium: None) -> None:
    autumn(engine)
    write_reports(engine, SCHOOL, out=tmp_path, as_of=AS_OF, term=None, lang="en")
    assert "Year-end assessment" in (tmp_path / "assessment.html").read_text(encoding="utf-8")
    assert load_workbook(tmp_path / "assessment.xlsx").sheetnames[0] == "Year-end assessment"


def test_an_unknown_term_is_an_input_error(engine: Engine, tmp_path: Path) -> None:
    autumn(engine)
    with pytest.raises(InvalidInput) as caught:
        write_reports(engine, SCHOOL, out=tmp_path, as_of=AS_OF, term="2030秋", lang="zh")
    assert "2030秋" in caught.value.problems[0].message
    assert not (tmp_path / "assessment.xlsx").exists()


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print the PDF")
def test_growth_pdf_printed_private(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    one = Programme(
        id="one", name="一个孩子", start=date(2026, 9, 1), end=date(2027, 7, 10), duties=()
    )
    LedgerBuilder(engine, one).child("K1", "孙小美", unit=None)
    paths = write_reports(engine, one, out=tmp_path / "out", as_of=AS_OF, term=None, lang="zh")
    pdf = tmp_path / "out" / "growth" / "K1.pdf"
    assert pdf in paths
    assert pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    printed = pdf.stat().st_mtime_ns
    again = write_reports(engine, one, out=tmp_path / "out", as_of=AS_OF, term=None, lang="zh")
    assert pdf in again and pdf.stat().st_mtime_ns == printed  # same page: not printed again
    engine.dispose()


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print the PDFs")
def test_growth_pdfs_are_byte_identical_across_runs_with_metadata_from_the_day(
    tmp_path: Path,
) -> None:
    import pikepdf

    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    autumn(engine)
    first, second = tmp_path / "first", tmp_path / "second"
    write_reports(engine, SCHOOL, out=first, as_of=AS_OF, term=None, lang="zh")
    write_reports(engine, SCHOOL, out=second, as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    pdfs = sorted(p.name for p in (first / "growth").glob("*.pdf"))
    assert pdfs == ["C1.pdf", "C2.pdf", "C3.pdf"]  # every booklet, in one browser session
    for name in pdfs:
        assert (first / "growth" / name).read_bytes() == (second / "growth" / name).read_bytes()
    with pikepdf.open(first / "growth" / "C1.pdf") as pdf:
        meta = pdf.docinfo
        assert str(meta["/Author"]) == SCHOOL.organiser
        assert "陈小明" in str(meta["/Title"])
        assert str(meta["/CreationDate"]).startswith(f"D:{AS_OF:%Y%m%d}000000+08'00'")


def test_a_changed_page_never_keeps_the_pdf_of_the_old_one(
    engine: Engine, tmp_path: Path, no_chromium: None
) -> None:
    autumn(engine)
    growth = tmp_path / "growth"
    write_reports(engine, SCHOOL, out=tmp_path, as_of=AS_OF, term=None, lang="zh")
    old = growth / "C1.pdf"
    old.write_bytes(b"%PDF printed from an older page")
    later = date(AS_OF.year, AS_OF.month, AS_OF.day + 1)
    write_reports(engine, SCHOOL, out=tmp_path, as_of=later, term=None, lang="zh")
    assert not old.exists()  # the page changed (another day): its old PDF is gone
    unstamped = growth / "C2.pdf"  # beside the same page, but not stamped for the day
    unstamped.write_bytes(b"%PDF printed by an older version, dated by the clock")
    paths = write_reports(engine, SCHOOL, out=tmp_path, as_of=later, term=None, lang="zh")
    assert not unstamped.exists() and unstamped not in paths
