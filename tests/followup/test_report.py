"""Reports: assessment per carer, units roll-up, open problems, growth booklets; private and
stable. The booklets' PDFs are typeset by Typst and read back with poppler's pdftotext."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from followup.test_due import SCHOOL, LedgerBuilder, school
from openpyxl import load_workbook
from render.test_pdf import pages, run, words_outside_page
from render.test_typeset import html_text, pdf_text
from sqlalchemy import Engine, create_engine, insert, update

from planner.errors import InvalidInput
from planner.followup import schema
from planner.followup.due import compute_due
from planner.followup.model import Programme
from planner.followup.report import assessment_rows, unit_rows, words, write_reports

AS_OF = date(2027, 3, 1)
FORMULA = '=HYPERLINK("http://evil.invalid","x")'
HOSTILE = "<script>alert(1)</script>"
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = create_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def no_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """No font for Chinese on this machine: the booklets stay HTML (and the tests
    that read only the HTML run without typesetting)."""
    from planner.render import typeset

    monkeypatch.setattr(typeset, "font_files", lambda: [])


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
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    autumn(engine)
    paths = write_reports(engine, SCHOOL, out=tmp_path / "a", as_of=AS_OF, term=None, lang="zh")
    assert capsys.readouterr().err == ""
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in paths)
    assert names == [
        "assessment.html",
        "assessment.xlsx",
        "growth/C1.html",
        "growth/C1.pdf",
        "growth/C2.html",
        "growth/C2.pdf",
        "growth/C3.html",
        "growth/C3.pdf",
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
    # the same ledger and day give the same bytes, the booklets' PDFs included
    again = write_reports(engine, SCHOOL, out=tmp_path / "b", as_of=AS_OF, term=None, lang="zh")
    assert [p.relative_to(tmp_path / "b") for p in again] == [
        p.relative_to(tmp_path / "a") for p in paths
    ]
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_html_is_escaped_without_scripts_or_external_urls(
    engine: Engine, tmp_path: Path, no_pdf: None
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
    engine: Engine, tmp_path: Path, no_pdf: None
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


def test_english_labels(engine: Engine, tmp_path: Path, no_pdf: None) -> None:
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


def sqlite_autumn(tmp_path: Path) -> tuple[Engine, LedgerBuilder]:
    """The autumn ledger in a SQLite file (the booklets' PDFs do not depend on the database)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    return engine, autumn(engine)


def test_growth_pdf_metadata_comes_from_the_ledger_and_the_day(tmp_path: Path) -> None:
    import pikepdf

    engine, _ = sqlite_autumn(tmp_path)
    write_reports(engine, SCHOOL, out=tmp_path / "out", as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    with pikepdf.open(tmp_path / "out" / "growth" / "C1.pdf") as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        width, height = (float(x) for x in pdf.pages[0].mediabox[2:])
    assert info["/Title"] == f"成长档案 · 陈小明 · {SCHOOL.name}"  # the page's <title>
    assert info["/Author"] == SCHOOL.organiser
    # midnight of the day in the programme's zone (+08:00), written in UTC
    assert info["/CreationDate"] == info["/ModDate"] == "D:20270228160000Z"
    assert (round(width), round(height)) == (595, 842)  # A4


def test_an_unchanged_booklet_is_not_typeset_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.render import typeset

    engine, built = sqlite_autumn(tmp_path)
    out = tmp_path / "out"
    write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang="zh")
    pdfs = {name: (out / "growth" / name).stat().st_mtime_ns for name in ("C1.pdf", "C2.pdf")}

    def no_typesetting(**how: object) -> typeset.Typesetter:
        raise AssertionError("nothing changed, so nothing is typeset")

    monkeypatch.setattr(typeset, "Typesetter", no_typesetting)
    again = write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang="zh")
    assert {out / "growth" / name for name in pdfs} <= set(again)
    for name, typeset_at in pdfs.items():
        assert (out / "growth" / name).stat().st_mtime_ns == typeset_at, name

    monkeypatch.undo()  # a record for 小明: his booklet alone is typeset again
    built.record("T2", "C1", "visit", date(2027, 2, 26))
    third = write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    assert out / "growth" / "C1.pdf" in third
    assert (out / "growth" / "C1.pdf").stat().st_mtime_ns != pdfs["C1.pdf"]
    assert (out / "growth" / "C2.pdf").stat().st_mtime_ns == pdfs["C2.pdf"]
    assert stat.S_IMODE((out / "growth" / "C1.pdf").stat().st_mode) == 0o600


def test_a_booklet_from_another_printer_is_typeset_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgraded planner (its templates) or Typst: the same page, a new PDF."""
    import pikepdf

    from planner.followup.report import TYPST_ROOT
    from planner.render import typeset

    engine, _ = sqlite_autumn(tmp_path)
    out = tmp_path / "out"
    write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang="zh")
    with pikepdf.open(out / "growth" / "C1.pdf") as pdf:
        mark = str(pdf.docinfo["/Keywords"])
    assert mark == typeset.printer_mark(TYPST_ROOT)
    typeset_at = (out / "growth" / "C1.pdf").stat().st_mtime_ns

    monkeypatch.setattr(typeset, "printer_mark", lambda root: "planner-typeset-upgraded")
    again = write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    assert out / "growth" / "C1.pdf" in again
    assert (out / "growth" / "C1.pdf").stat().st_mtime_ns != typeset_at
    with pikepdf.open(out / "growth" / "C1.pdf") as pdf:
        assert str(pdf.docinfo["/Keywords"]) == "planner-typeset-upgraded"


def test_the_printer_mark_follows_the_templates(tmp_path: Path) -> None:
    from planner.render import typeset

    root = tmp_path / "root"
    (root / "t").mkdir(parents=True)
    (root / "t" / "a.typ").write_text("#let a = 1\n")
    first = typeset.printer_mark(root)
    assert first.startswith("planner-typeset-") and first == typeset.printer_mark(root)
    other = tmp_path / "other"
    (other / "t").mkdir(parents=True)
    (other / "t" / "a.typ").write_text("#let a = 2\n")
    assert typeset.printer_mark(other) != first


needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) missing")


@needs_pdftotext
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_booklet_pdf_holds_the_text_of_its_html_twin(tmp_path: Path, lang: str) -> None:
    """growth.typ and growth.html read the same rows: every piece of text the page
    shows is in the PDF (a booklet of several pages, the mark on each of them)."""
    engine, built = sqlite_autumn(tmp_path)
    for day in range(60):
        built.record(
            "T2", "C1", "help", date(2026, 11, 16) + timedelta(days=day), done=f"辅导作业 {day}"
        )
    out = tmp_path / "out"
    write_reports(engine, SCHOOL, out=out, as_of=AS_OF, term=None, lang=lang)
    engine.dispose()
    pdfs = sorted((out / "growth").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["C1.pdf", "C2.pdf", "C3.pdf"]
    for pdf in pdfs:
        text = pdf_text(pdf)
        missing = [piece for piece in html_text(pdf.with_suffix(".html")) if piece not in text]
        assert missing == [], (pdf.name, missing[:10])
        assert words_outside_page(pdf) == [], pdf.name
    mark = words(lang)["confidential"]
    count = pages(out / "growth" / "C1.pdf")
    assert count >= 2
    for page in range(1, count + 1):  # the mark at the top of every page
        text = run(
            "pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdfs[0]), "-"
        )
        assert mark in text and re.search(rf"\b{page}\s*/\s*{count}\b", text), page


#: What a cell must never do in a template: change the page, close a bracket,
#: escape, or run as HTML.
TYPST_HOSTILE = '#set page(width: 1cm) ] [ \\ <script>x</script> *b* $x$ @ref #panic("x")'
#: A pasted link: 150 letters without a space.
LONG_RUN = "https://example.invalid/" + "a" * 126


@needs_pdftotext
def test_a_hostile_cell_prints_as_text_and_a_long_run_wraps(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    one = Programme(
        id="one", name="一个孩子", start=date(2026, 9, 1), end=date(2027, 7, 10), duties=()
    )
    built = LedgerBuilder(engine, one).carer("T1", LONG_RUN, "teacher", unit=None)
    built.child("K1", TYPST_HOSTILE, unit=None, grade=LONG_RUN).pair("T1", "K1", date(2026, 9, 1))
    built.record(
        "T1", "K1", "visit", date(2026, 10, 1), done=TYPST_HOSTILE, problems=LONG_RUN,
        study=TYPST_HOSTILE, progress=LONG_RUN,
    )  # fmt: skip
    out = tmp_path / "out"
    write_reports(engine, one, out=out, as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    pdf = out / "growth" / "K1.pdf"
    text = pdf_text(pdf)
    assert text.count(re.sub(r"\s+", "", TYPST_HOSTILE)) >= 3  # the title, the facts, the cells
    assert text.count(LONG_RUN) >= 4  # the carer, the grade, a record, a growth field
    missing = [piece for piece in html_text(pdf.with_suffix(".html")) if piece not in text]
    assert missing == []
    assert words_outside_page(pdf) == []
    assert "Page size:       595.276 x 841.89 pts (A4)" in run("pdfinfo", str(pdf))


def test_without_a_chinese_font_the_booklets_stay_html_with_one_line_naming_the_fix(
    tmp_path: Path, no_pdf: None, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, _ = sqlite_autumn(tmp_path)
    stale = tmp_path / "out" / "growth" / "C1.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF typeset from another page")
    paths = write_reports(engine, SCHOOL, out=tmp_path / "out", as_of=AS_OF, term=None, lang="zh")
    engine.dispose()
    assert not [p for p in paths if p.suffix == ".pdf"]
    assert not list((tmp_path / "out").rglob("*.pdf"))
    assert len([p for p in paths if p.parent.name == "growth"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert "3" in err[0] and "fonts-noto-cjk" in err[0] and "planner followup report" in err[0]


def test_a_changed_page_never_keeps_the_pdf_of_the_old_one(
    engine: Engine, tmp_path: Path, no_pdf: None
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
    # an older planner's, dated by the clock or written with the zone's offset
    unstamped.write_bytes(b"%PDF /CreationDate (D:20270302000000+08'00')")
    paths = write_reports(engine, SCHOOL, out=tmp_path, as_of=later, term=None, lang="zh")
    assert not unstamped.exists() and unstamped not in paths
