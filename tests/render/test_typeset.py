"""The day's PDFs, typeset by Typst in process: each holds the text of its HTML twin,
two runs of ``planner plan`` give the same bytes, the metadata comes from the plan,
a spreadsheet cell is printed as text, never read as Typst markup, and no PDF
goes out with boxes instead of Chinese when fontconfig knows no font for it.

Reads the PDFs with poppler's pdftotext; skipped without it, except under CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from render.plans import expo_plan
from support import EXAMPLES

from planner.render import PRINT_PAGES, export, typeset
from planner.render.paper import Page
from planner.render.typeset import font_files, page_data

PDFTOTEXT = shutil.which("pdftotext")
if PDFTOTEXT is None and os.environ.get("CI"):
    raise RuntimeError("CI must install poppler-utils (pdftotext)")
pytestmark = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) missing")


def pdf_text(pdf: Path) -> str:
    """The PDF's text in the order it was laid out, without any whitespace (nor the
    zero-width spaces that let a long run of letters break, nor the soft
    hyphens of English words broken at a line's end)."""
    done = subprocess.run(
        [PDFTOTEXT, "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    )
    # a word hyphenated at a line's end comes out with a soft hyphen (U+00AD)
    return re.sub(r"[\s\u200b\u00ad]+", "", done.stdout.decode("utf-8"))


class _Text(HTMLParser):
    """The text a reader sees in an HTML page: not its <title>, style or script."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("title", "style", "script"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("title", "style", "script"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", "", data)
        if text and not self._hidden:
            self.pieces.append(text)


def html_text(page: Path) -> list[str]:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.pieces


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_pdf_holds_the_text_of_its_html_twin(tmp_path: Path, lang: str) -> None:
    """Both layouts read the same rows: every piece of text the HTML page shows is
    in its PDF, so a field added to one template and not the other fails here."""
    notes: list[str] = []
    written = export(expo_plan(), tmp_path, lang=lang, on_note=notes.append)
    assert notes == []
    pdfs = {p.stem: p for p in written if p.suffix == ".pdf"}
    assert sorted(pdfs) == sorted(PRINT_PAGES)
    for stem, pdf in pdfs.items():
        text = pdf_text(pdf)
        missing = [piece for piece in html_text(pdf.with_suffix(".html")) if piece not in text]
        assert missing == [], (stem, missing[:10])


PLANNER = (sys.executable, "-c", "from planner.cli import main; main()")


def plan_expo_day(out: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``planner plan`` on the Expo day into ``out``, in a fresh process."""
    return subprocess.run(
        [*PLANNER, "plan", str(EXAMPLES / "expo_day"), "--out", str(out)],
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
    )


def test_two_runs_of_planner_plan_give_byte_identical_pdfs(tmp_path: Path) -> None:
    outs = (tmp_path / "first", tmp_path / "second")
    for out in outs:
        done = plan_expo_day(out)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    first, second = (
        {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        for out in outs
    )
    pdfs = sorted(name for name in first if name.endswith(".pdf"))
    assert len(pdfs) == len(PRINT_PAGES), sorted(first)
    for name in pdfs:
        assert first[name] == second[name], f"{name} differs between two runs"
    assert first == second  # and every other output too

    with pikepdf.open(outs[0] / "print" / "roster.pdf") as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        tagged = "/StructTreeRoot" in pdf.Root
    assert info["/Title"] == "花名册 · 西安世园一日游"
    assert info["/Author"] == "西安市红十字会 / 长安花公益联盟"
    # the invites' DTSTAMP, a week before the day's midnight in Xi'an (+08:00), in UTC
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261204160000Z"
    # what typeset it: Typst's version and the templates, digested
    assert info["/Keywords"] == typeset.printer_mark(typeset.TEMPLATES)
    assert tagged, "the PDF carries its structure for screen readers"


HOSTILE = '#panic("x") *b* _i_ $x^2$ @ref <lbl> ] [ \\ // /* ` = - + 1. #{"a"}'


def test_a_cell_is_printed_as_text_never_read_as_markup(tmp_path: Path) -> None:
    plan = expo_plan()
    child = plan.people.children[0]
    plan.people.children[0] = child.model_copy(update={"name": HOSTILE})
    notes: list[str] = []
    written = export(plan, tmp_path, on_note=notes.append)
    assert notes == []
    roster = next(p for p in written if p.name == "roster.pdf")
    assert re.sub(r"\s+", "", HOSTILE) in pdf_text(roster)


def test_only_plain_rows_reach_a_template() -> None:
    """A page hands Typst what it prints; a whole model (a child with a guardian and
    phone) cannot slip into the JSON document."""
    from planner.render.labels import Labels
    from planner.render.view import PlanView

    plan = expo_plan()
    t = Labels("zh")
    page = Page("roster", "x", "", {"sections": [plan.people.children[0]]})
    with pytest.raises(TypeError, match="Child"):
        page_data(PlanView(plan, "zh"), t, page, datetime(2026, 5, 9, tzinfo=UTC))


# --------------------------------------------------------------------------- Chinese fonts


@pytest.fixture
def no_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """fontconfig pointed at an empty font folder."""
    folder = tmp_path / "fontconfig"
    (folder / "fonts").mkdir(parents=True)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{folder / 'fonts'}</dir>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    return folder


needs_fc_list = pytest.mark.skipif(
    shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed"
)


@needs_fc_list
def test_fontconfig_without_fonts_knows_no_chinese_font(no_fonts: Path) -> None:
    assert font_files() == []


@needs_fc_list
def test_the_fonts_the_pages_ask_for_are_what_fontconfig_finds_here() -> None:
    """The machine the PDF tests run on can print Chinese (or they would print boxes)."""
    assert font_files(), "no CJK font: install fonts-noto-cjk"


@needs_fc_list
def test_no_pdf_goes_out_without_a_chinese_font_and_the_note_names_the_fix(
    no_fonts: Path, tmp_path: Path
) -> None:
    notes: list[str] = []
    out = tmp_path / "out"
    written = export(expo_plan(), out, on_note=notes.append)
    assert not list(out.rglob("*.pdf"))
    assert not [p for p in written if p.suffix == ".pdf"]
    assert (out / "print" / "roster.html").exists()  # the pages are still there to print later
    assert len(notes) == 1 and "fonts-noto-cjk" in notes[0], notes
    assert "planner export PLAN.json --out DIR" in notes[0]
    assert set(notes[0].split("（")[1].split("）")[0].split(", ")) == {
        p.with_suffix(".pdf").name for p in (out / "print").glob("*.html")
    }


@needs_fc_list
def test_planner_plan_without_a_chinese_font_says_so_and_exits_0(
    no_fonts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = plan_expo_day(out, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "fonts-noto-cjk" in done.stderr.decode("utf-8")
    assert (out / "plan.json").exists() and (out / "print" / "cards.html").exists()
    assert not list(out.rglob("*.pdf"))
    assert not list(tmp_path.glob("planner-*"))  # nothing of its own left in the temp folder


THREAD_IMPORTS = """
import sys
from planner.render.typeset import Typesetter, _import_what_the_thread_uses

_import_what_the_thread_uses()  # what the caller imports for the thread: then nothing more
before = set(sys.modules)
typesetter = Typesetter()
typesetter._compiler.result()  # its thread has found the fonts and warmed up
print(sorted(set(sys.modules) - before))
typesetter.close()
"""


def test_the_typesetting_thread_imports_nothing() -> None:
    # a Ctrl-C that breaks off an import in the main thread can leave Python's import
    # lock held: a thread importing then waits for ever, and plan with it (seen once
    # when font_files began to import planner.render.fontfaces in the thread)
    done = subprocess.run(
        [sys.executable, "-c", THREAD_IMPORTS], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
