"""Every page kind typeset by Typst: page counts, an embedded CJK font, no text
outside the page, and a PNG of each page kept under tests/output/render/.

Needs poppler-utils (pdfinfo, pdffonts, pdftotext, pdftoppm) and a CJK font
(fonts-noto-cjk). Skipped when they are missing, except under CI (``CI`` set),
where a missing tool is a failure. The growth booklets' PDFs are checked alike
in tests/followup/test_report.py.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from render.plans import expo_plan

from planner.model import Group, Pair
from planner.render import export
from planner.render.paper import CARDS_PER_PAGE

TOOLS = ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm")
MISSING = [t for t in TOOLS if shutil.which(t) is None]

if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"CI must install: {', '.join(MISSING)}")
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)}")

#: Embedded font names that carry Chinese glyphs.
CJK_FONT = re.compile(
    r"WenQuanYi|Noto\w*CJK|SourceHan|DroidSansFallback|SimSun|SimHei|MicrosoftYaHei|PingFang"
)


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))


def embedded_cjk_fonts(pdf: Path) -> list[str]:
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    return [ln.split()[0] for ln in lines if CJK_FONT.search(ln) and " yes " in ln]


def words_outside_page(pdf: Path) -> list[str]:
    """Words whose box reaches past the page edge (text cut off)."""
    html = run("pdftotext", "-bbox", str(pdf), "-")
    bad = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        for w in re.finditer(
            r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<',
            page.group(3),
        ):
            x0, y0, x1, y1 = map(float, w.groups()[:4])
            if x0 < 0 or y0 < 0 or x1 > width + 0.5 or y1 > height + 0.5:
                bad.append(w.group(5))
    return bad


def median_word_height(pdf: Path) -> float:
    """Median height of the words' boxes in points: 10 for Typst's 10 pt body text.

    Typst never shrinks a page to fit (a line too long runs past the edge:
    ``words_outside_page``); text set smaller than the body's, to squeeze a
    page in, shows up here.
    """
    html = run("pdftotext", "-bbox", str(pdf), "-")
    heights = sorted(
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'yMin="([\d.-]+)" xMax="[\d.-]+" yMax="([\d.-]+)"', html)
    )
    return heights[len(heights) // 2]


#: Below this median word height (points) the page was set too small to read.
MIN_MEDIAN_WORD_PT = 9.5


def keep_pngs(pdf: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    run("pdftoppm", "-r", "80", "-png", str(pdf), str(folder / pdf.stem))
    return sorted(folder.glob(f"{pdf.stem}*.png"))


EXPECTED_PAGES = {
    "roster": 2,  # one landscape page per group
    "manifests": 6,  # one per bus leg, then a seat list per bus
    "meal": 1,
    "cards": math.ceil(6 / CARDS_PER_PAGE),
    "volunteer_sheets": 6,  # one per selected volunteer
    "guardian_slips": 2,  # 9 families' slips to cut apart
    "signin": 1,
}

EXPECTED_TEXT = {
    "roster": ["花名册", "机密", "王小明", "13700000101", "送达"],
    "manifests": ["车辆乘车名单", "人数核对", "马师傅", "签字", "座位表"],
    "meal": ["餐厅订餐单", "19", "清真"],
    "cards": ["爱心结对卡", "小明", "监护人签名"],
    "volunteer_sheets": ["志愿者任务单", "紧急电话", "15137287313"],
    "guardian_slips": ["家长通知单", "张丽", "07:40", "029-87650000"],
    "signin": ["签到表", "陶浩杰", "刘晓梅", "签退时间"],
}


def test_every_page_kind_prints_with_cjk_font_and_nothing_cut_off(output_dir: Path) -> None:
    written = export(expo_plan(), output_dir)
    pdfs = {p.stem: p for p in written if p.suffix == ".pdf"}
    assert sorted(pdfs) == sorted(EXPECTED_PAGES)
    for stem, pdf in pdfs.items():
        assert pages(pdf) == EXPECTED_PAGES[stem], stem
        assert embedded_cjk_fonts(pdf), f"{stem}: no CJK font embedded"
        text = run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
        for expected in EXPECTED_TEXT[stem]:
            assert expected in text, (stem, expected)
        assert words_outside_page(pdf) == [], stem
        assert median_word_height(pdf) >= MIN_MEDIAN_WORD_PT, f"{stem}: shrunk to fit"
        assert len(keep_pngs(pdf, output_dir / "png")) == EXPECTED_PAGES[stem]
        for page in range(1, EXPECTED_PAGES[stem] + 1):  # emergency numbers on every page
            foot = run(
                "pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"
            )
            assert "029-87650000" in foot and "急救 120" in foot, (stem, page)


def test_english_pages_print_too(output_dir: Path) -> None:
    written = export(expo_plan(), output_dir, lang="en")
    pdfs = {p.stem: p for p in written if p.suffix == ".pdf"}
    text = run("pdftotext", "-enc", "UTF-8", str(pdfs["roster"]), "-")
    assert "Master roster" in text and "王小明" in text
    for pdf in pdfs.values():
        assert embedded_cjk_fonts(pdf)
        assert words_outside_page(pdf) == []
        assert median_word_height(pdf) >= MIN_MEDIAN_WORD_PT
        keep_pngs(pdf, output_dir / "png")


def test_a_long_roster_repeats_its_header_on_every_page(output_dir: Path) -> None:
    """30 children in one group run over several pages; each page repeats the column heads."""
    plan = expo_plan()
    base = plan.people.children[0]
    many = [
        base.model_copy(update={"id": f"K{i:02d}", "name": f"测试{i:02d}号"}) for i in range(40)
    ]
    plan.people = plan.people.model_copy(update={"children": many})
    plan.groups = [
        Group(id="G1", name="大组", volunteer_ids=["V01"], child_ids=[c.id for c in many])
    ]
    plan.pairs = [Pair(volunteer_id="V01", child_ids=["K00", "K01"])]
    plan.buses, plan.meals = [], []
    written = export(plan, output_dir)
    roster = next(p for p in written if p.name == "roster.pdf")
    count = pages(roster)
    assert count >= 2
    for page in range(1, count + 1):
        text = run("pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), str(roster), "-")
        assert "序号" in text and "监护人" in text, page
        assert re.search(rf"\b{page}\s*/\s*{count}\b", text), page
    assert words_outside_page(roster) == []
    assert median_word_height(roster) >= MIN_MEDIAN_WORD_PT
    keep_pngs(roster, output_dir / "png")


def test_text_past_the_page_edge_is_caught(tmp_path: Path) -> None:
    """The checks above can fail: a line that cannot break runs past Typst's page
    (pdftotext drops the letters wholly outside it; the word across the edge is caught)."""
    import typst

    wide = tmp_path / "wide.pdf"
    wide.write_bytes(
        typst.compile(b'#set page(paper: "a4")\n#box(width: 187mm)[left #h(1fr) rightmost]\n')
    )
    assert [word[:5] for word in words_outside_page(wide)] == ["right"]


def test_a_long_word_breaks_instead_of_running_off_the_page(output_dir: Path) -> None:
    """A name of 100 letters without a space (a pasted link, a hostile cell)
    wraps inside its cell on every page kind, as Chinese text does."""
    plan = expo_plan()
    child = plan.people.children[0]
    plan.people.children[0] = child.model_copy(update={"name": "W" * 120})
    volunteer = plan.people.volunteers[0]
    plan.people.volunteers[0] = volunteer.model_copy(update={"name": "长" * 80 + "Q" * 100})
    written = export(plan, output_dir)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert len(pdfs) == len(EXPECTED_PAGES)
    for pdf in pdfs:
        assert words_outside_page(pdf) == [], pdf.name
    # all of it printed (broken by zero-width spaces, dropped here like the rest)
    roster = next(p for p in pdfs if p.stem == "roster")
    text = re.sub(r"[\s\u200b]+", "", run("pdftotext", "-raw", "-enc", "UTF-8", str(roster), "-"))
    assert "W" * 120 in text and "Q" * 100 in text
