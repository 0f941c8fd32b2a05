"""Printing where organisers are: the browser they have (Chromium or Chrome on
Linux, Chrome or Edge on Windows and macOS at their usual install paths, or
PLANNER_CHROMIUM), and no PDF with boxes instead of Chinese when no font can
print it (fontconfig pointed at an empty font folder).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from render.plans import expo_plan

from planner.render import export, pdf
from planner.render.pdf import find_chromium

# --------------------------------------------------------------------------- the browser


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine with no browser anywhere: empty PATH and cwd, no install path filled."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)  # Windows looks in the current folder first
    monkeypatch.delenv("PLANNER_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(pdf, "LINUX_PATHS", (str(tmp_path / "opt" / "chrome"),))
    return tmp_path


def test_no_browser_anywhere_is_none(no_browser: Path) -> None:
    assert find_chromium() is None


def test_planner_chromium_names_the_browser_by_path_or_by_name(
    no_browser: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = executable(no_browser / "somewhere" / "my-chrome")
    monkeypatch.setenv("PLANNER_CHROMIUM", str(mine))
    assert find_chromium() == str(mine)
    on_path = executable(no_browser / "bin" / "edge-dev")
    monkeypatch.setenv("PLANNER_CHROMIUM", "edge-dev")
    assert find_chromium() == str(on_path)
    monkeypatch.setenv("PLANNER_CHROMIUM", str(no_browser / "gone"))
    assert find_chromium() is None


def test_linux_chrome_or_edge_on_path_then_at_their_install_paths(
    no_browser: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    opt = executable(no_browser / "opt" / "chrome")
    assert find_chromium() == str(opt)
    edge = executable(no_browser / "bin" / "microsoft-edge")
    assert find_chromium() == str(edge)
    chrome = executable(no_browser / "bin" / "google-chrome")
    assert find_chromium() == str(chrome)
    chromium = executable(no_browser / "bin" / "chromium")
    assert find_chromium() == str(chromium)


def test_windows_chrome_before_edge_at_their_usual_paths(
    no_browser: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("PROGRAMFILES", str(no_browser / "Program Files"))
    monkeypatch.setenv("PROGRAMFILES(X86)", str(no_browser / "Program Files (x86)"))
    monkeypatch.setenv("LOCALAPPDATA", str(no_browser / "AppData" / "Local"))
    assert find_chromium() is None
    edge = executable(
        no_browser / "Program Files (x86)" / "Microsoft" / "Edge" / "Application" / "msedge.exe"
    )
    assert find_chromium() == str(edge)
    chrome = executable(
        no_browser / "AppData" / "Local" / "Google" / "Chrome" / "Application" / "chrome.exe"
    )
    assert find_chromium() == str(chrome)  # a per-user Chrome install comes before Edge


def test_macos_chrome_or_edge_in_applications(
    no_browser: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    apps = no_browser / "home" / "Applications"
    edge = executable(apps / "Microsoft Edge.app" / "Contents" / "MacOS" / "Microsoft Edge")
    if Path("/Applications").is_dir():  # a real Mac: its own browsers come first
        pytest.skip("/Applications exists on this machine")
    assert find_chromium() == str(edge)
    chrome = executable(apps / "Google Chrome.app" / "Contents" / "MacOS" / "Google Chrome")
    assert find_chromium() == str(chrome)


# --------------------------------------------------------------------------- Chinese fonts


@pytest.fixture
def no_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """fontconfig (fc-list and the browser alike) pointed at an empty font folder."""
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
    assert pdf.cjk_fonts() == []


@needs_fc_list
def test_the_fonts_the_page_asks_for_are_what_fontconfig_finds_here() -> None:
    """The machine the PDF tests run on can print Chinese (or they would print boxes)."""
    fonts = pdf.cjk_fonts()
    assert fonts, "no CJK font: install fonts-noto-cjk and fonts-wqy-microhei"


def test_without_fc_list_the_usual_font_folders_are_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "fc-list" else real_which(name)
    )
    monkeypatch.setattr(sys, "platform", "linux")
    fonts = tmp_path / "fonts"
    (fonts / "truetype" / "dejavu").mkdir(parents=True)
    (fonts / "truetype" / "dejavu" / "DejaVuSans.ttf").write_bytes(b"")
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(fonts), str(tmp_path / "missing")))
    assert pdf.cjk_fonts() == []
    (fonts / "opentype" / "noto").mkdir(parents=True)
    (fonts / "opentype" / "noto" / "NotoSansCJK-Regular.ttc").write_bytes(b"")
    assert pdf.cjk_fonts() == ["NotoSansCJK-Regular.ttc"]


def test_windows_and_macos_ship_chinese_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    for platform in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", platform)
        assert pdf.cjk_fonts() is None


needs_browser = pytest.mark.skipif(find_chromium() is None, reason="no Chromium found")


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
    assert set(notes[0].split("（")[1].split("）")[0].split(", ")) == {
        p.with_suffix(".pdf").name for p in (out / "print").glob("*.html")
    }


@needs_fc_list
def test_planner_plan_without_a_chinese_font_says_so_and_exits_0(
    no_fonts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from planner.cli import main; main()",
            "plan",
            str(Path(__file__).resolve().parents[2] / "examples" / "expo_day"),
            "--out",
            str(out),
        ],
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "fonts-noto-cjk" in done.stderr.decode("utf-8")
    assert (out / "plan.json").exists() and (out / "print" / "cards.html").exists()
    assert not list(out.rglob("*.pdf"))
    assert not list(tmp_path.glob("planner-*"))  # nothing of its own left in the temp folder


# --------------------------------------------------------------------------- Ctrl-C

SIGINT_CHILD = """
import sys, tempfile, time
from pathlib import Path
from planner.render import pdf
tempfile.tempdir = sys.argv[1]
if sys.argv[3] == "slow-close":
    close = pdf._Session.close
    def slow_close(self, **how):
        print("closing", flush=True)
        time.sleep(3)  # the window for an impatient second Ctrl-C
        close(self, **how)
    pdf._Session.close = slow_close
with pdf.Browser(pdf.find_chromium()) as browser:
    browser.print(Path(sys.argv[2]), Path(sys.argv[1]) / "out.pdf")
    print(browser._proc.pid, flush=True)
    sys.stdin.read()  # until the test's Ctrl-C
"""


@needs_browser
@pytest.mark.skipif(os.name == "nt", reason="signals are POSIX")
@pytest.mark.parametrize("second", [False, True], ids=["once", "again-while-closing"])
def test_ctrl_c_removes_the_profile_and_stops_the_browser(tmp_path: Path, second: bool) -> None:
    """Ctrl-C in the block closes the browser; a second Ctrl-C while it closes
    is ignored, so its profile folder is still removed."""
    html = tmp_path / "one.html"
    html.write_text("<!doctype html><meta charset=utf-8><p>王小明</p>", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-c", SIGINT_CHILD, str(tmp_path), str(html), "slow-close" * second],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        pid = int(child.stdout.readline())  # printed once the PDF is done
        assert len(list(tmp_path.glob("planner-chromium-*"))) == 1
        child.send_signal(signal.SIGINT)
        if second:
            assert child.stdout.readline().strip() == "closing"
            child.send_signal(signal.SIGINT)  # again, while the browser is being closed
        assert child.wait(60) in (-signal.SIGINT, 128 + signal.SIGINT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert not list(tmp_path.glob("planner-chromium-*"))
    assert (tmp_path / "out.pdf").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_killed_runs_profile_folder_is_removed_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL gives the browser's profile folder no chance to go: the next run
    removes the folders whose process is gone, and only those."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f"planner-chromium-{gone.pid}-abc"
    live = tmp_path / f"planner-chromium-{os.getpid()}-def"
    unknown = tmp_path / "planner-chromium-xyz"  # no process named: not ours to judge
    for folder in (stale, live, unknown):
        (folder / "Default").mkdir(parents=True)
    pdf.remove_stale_profiles()
    assert not stale.exists()
    assert live.is_dir() and unknown.is_dir()
