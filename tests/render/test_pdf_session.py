"""One browser session (the growth booklets' printer) prints every PDF: the same
pages give the same bytes, and the browser's profile folder and processes are
gone afterwards, also after an error or a SIGTERM.

Needs Chromium (Debian's ``chromium``, or ``PLANNER_CHROMIUM``); skipped without it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pikepdf
import pytest

from planner.render.pdf import Browser, PdfError, PdfInfo, find_chromium, print_pdfs, stamp_pdf

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium found: install chromium (Debian) or set PLANNER_CHROMIUM",
)


def page(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.html"
    path.write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title>'
        f"</head><body><table><thead><tr><th>序号</th><th>姓名</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>",
        encoding="utf-8",
    )
    return path


def test_a_page_prints_the_same_bytes_whatever_was_printed_before_it(tmp_path: Path) -> None:
    """Chromium numbers tagged elements by a counter that runs across the session;
    the stamp renumbers them, so the second page of a session equals a first page."""
    rows = "".join(f"<tr><td>{i}</td><td>测试{i}</td></tr>" for i in range(30))
    first = page(tmp_path, "first", rows)
    second = page(tmp_path, "second", rows[: len(rows) // 2])
    info = PdfInfo(
        created=datetime(2026, 5, 9, tzinfo=timezone(timedelta(hours=8))), author="某协会"
    )
    chromium = find_chromium()
    after = print_pdfs(
        [(first, tmp_path / "a.pdf"), (second, tmp_path / "b.pdf")],
        chromium=chromium,
        info=[info] * 2,
    )
    alone = print_pdfs([(second, tmp_path / "c.pdf")], chromium=chromium, info=[info])
    assert all(isinstance(p, Path) for p in after + alone), after + alone
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "c.pdf").read_bytes()


def test_two_tabs_print_the_same_bytes_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.render.pdf as pdf

    info = PdfInfo(
        created=datetime(2026, 5, 9, tzinfo=timezone(timedelta(hours=8))), author="某协会"
    )
    pages = [
        page(tmp_path, f"p{i}", f"<tr><td>{i}</td><td>测试{i}</td></tr>" * (i + 1))
        for i in range(3)
    ]
    printed = {}
    for tabs in (1, 2):
        monkeypatch.setattr(pdf, "TABS", tabs)
        jobs = [(html, tmp_path / f"{html.stem}-{tabs}.pdf") for html in pages]
        results = print_pdfs(jobs, chromium=find_chromium(), info=[info] * len(jobs))
        printed[tabs] = [r.read_bytes() for r in results]
    assert printed[1] == printed[2]


def docinfo(data: bytes) -> dict[str, str]:
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.check_pdf_syntax() == []
        return {str(k): str(v) for k, v in pdf.docinfo.items()}


def test_the_metadata_is_written_in_place_and_by_a_rewrite_alike(tmp_path: Path) -> None:
    """In place (same length, every offset kept) when the author fits where Chromium
    wrote its user agent; rewritten by qpdf when it does not: the same metadata."""
    html = page(tmp_path, "one", "<tr><td>1</td><td>王小明</td></tr>")
    raw = print_pdfs([(html, tmp_path / "raw.pdf")], chromium=find_chromium())[0].read_bytes()
    when = datetime(2026, 5, 9, 8, 30, tzinfo=timezone(timedelta(hours=-5)))
    short = stamp_pdf(raw, PdfInfo(created=when, author="某协会"))
    assert len(short) == len(raw)
    long_name = "西安市红十字会长安花公益联盟" * 4
    rewritten = stamp_pdf(raw, PdfInfo(created=when, author=long_name))
    assert len(rewritten) != len(raw)
    for data, author in ((short, "某协会"), (rewritten, long_name)):
        info = docinfo(data)
        assert info["/Author"] == author and info["/Title"] == "one"
        assert info["/CreationDate"] == info["/ModDate"] == "D:20260509083000-05'00'"


def profiles(folder: Path) -> list[Path]:
    return sorted(folder.glob("planner-chromium-*"))


def test_the_profile_folder_and_the_browser_are_gone_after_printing_and_after_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    html = page(tmp_path, "one", "<tr><td>1</td><td>王小明</td></tr>")
    with Browser(find_chromium()) as browser:
        browser.print(html, tmp_path / "one.pdf")
        assert len(profiles(tmp_path)) == 1
        pid = browser._proc.pid
    assert profiles(tmp_path) == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="stop"), Browser(find_chromium()) as browser:
        pid = browser._proc.pid
        raise RuntimeError("stop")
    assert profiles(tmp_path) == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_missing_page_is_a_pdf_error_and_the_session_goes_on(tmp_path: Path) -> None:
    good = page(tmp_path, "good", "<tr><td>1</td><td>王小明</td></tr>")
    results = print_pdfs(
        [(tmp_path / "missing.html", tmp_path / "missing.pdf"), (good, tmp_path / "good.pdf")],
        chromium=find_chromium(),
    )
    assert isinstance(results[0], PdfError) and results[1] == tmp_path / "good.pdf"
    assert not (tmp_path / "missing.pdf").exists()


SIGTERM_CHILD = """
import sys, tempfile
from pathlib import Path
from planner.render.pdf import Browser, find_chromium
tempfile.tempdir = sys.argv[1]
with Browser(find_chromium()) as browser:
    browser.print(Path(sys.argv[2]), Path(sys.argv[1]) / "out.pdf")
    print(browser._proc.pid, flush=True)
    sys.stdin.read()  # until the test's SIGTERM
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGTERM is POSIX")
def test_a_sigterm_while_printing_removes_the_profile_and_stops_the_browser(
    tmp_path: Path,
) -> None:
    html = page(tmp_path, "one", "<tr><td>1</td><td>王小明</td></tr>")
    child = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_CHILD, str(tmp_path), str(html)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        pid = int(child.stdout.readline())  # printed once the PDF is done
        assert len(profiles(tmp_path)) == 1
        child.send_signal(signal.SIGTERM)
        assert child.wait(60) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert profiles(tmp_path) == []
    assert (tmp_path / "out.pdf").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
