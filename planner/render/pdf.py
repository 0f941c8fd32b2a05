"""HTML to PDF through headless Chromium (print CSS, CJK fonts from the system).

The follow-up ledger's growth booklets print here (the day's pages are
typeset by Typst: :mod:`planner.render.typeset`). Every page of a run is
printed in one browser session, driven over the
DevTools protocol on a pipe (``--remote-debugging-pipe``: no port is opened,
no other program can reach the browser), so Chromium starts once, not once
per PDF::

    with Browser(find_chromium()) as browser:
        printed = browser.submit(Path("roster.html"), Path("roster.pdf"), info)
        ...                              # the page prints meanwhile
        printed.result()                 # the PDF's path, or the PdfError

A thread of this process owns the pipe: it opens TABS tabs (each in a
browser context, so a renderer process, of its own) as soon as the browser
is up, sets each page as a tab's document (no navigation: the pages are
whole in themselves) and prints it. Closing kills the browser's process
group: its profile is thrown away, so there is nothing to shut down politely.

The browser is the organiser's own: ``PLANNER_CHROMIUM``, else Chromium,
Chrome or Edge on PATH, else at their usual install paths on Linux, Windows
and macOS. Nothing is downloaded. Without one the HTML is still written and
the caller reports the PDFs as skipped.

No PDF goes out with boxes instead of Chinese: on Linux the browser finds its
fonts through fontconfig, and when fontconfig knows no font covering Chinese
(:func:`cjk_fonts`) every print fails with a :class:`PdfError` naming the fix
(``apt install fonts-noto-cjk``). Windows and macOS ship Chinese fonts.

Each PDF is then stamped (:func:`stamp_pdf`): title, organiser and a
creation date from the plan instead of the clock, and the ids Chromium
numbers from its own counters renumbered, so the same plan prints the same
bytes. On Windows, where the pipe is not wired, each page is printed by a
Chromium of its own (``--print-to-pdf``), then stamped alike.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = [
    "CHROMIUM_FLAGS",
    "Browser",
    "PdfError",
    "PdfInfo",
    "Printed",
    "cjk_fonts",
    "find_chromium",
    "html_to_pdf",
    "print_pdfs",
    "stamp_pdf",
]

#: Browser binaries tried on PATH, in order, when PLANNER_CHROMIUM is not set.
CHROMIUM_NAMES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "microsoft-edge-stable",
)

#: Usual install paths on Windows: (environment variable of the folder, path inside it).
WINDOWS_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PROGRAMFILES", ("Google", "Chrome", "Application", "chrome.exe")),
    ("PROGRAMFILES(X86)", ("Google", "Chrome", "Application", "chrome.exe")),
    ("LOCALAPPDATA", ("Google", "Chrome", "Application", "chrome.exe")),
    ("PROGRAMFILES(X86)", ("Microsoft", "Edge", "Application", "msedge.exe")),
    ("PROGRAMFILES", ("Microsoft", "Edge", "Application", "msedge.exe")),
    ("LOCALAPPDATA", ("Chromium", "Application", "chrome.exe")),
)

#: Usual install paths on Linux that are not always on PATH (Google's and
#: Microsoft's packages, Snap, Flatpak exports, Debian's wrapper target).
LINUX_PATHS: tuple[str, ...] = (
    "/opt/google/chrome/chrome",
    "/opt/microsoft/msedge/msedge",
    "/snap/bin/chromium",
    "/var/lib/flatpak/exports/bin/org.chromium.Chromium",
    "/usr/lib/chromium/chromium",
)

#: Usual install paths on macOS, under /Applications or ~/Applications.
MACOS_APPS: tuple[str, ...] = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    "Chromium.app/Contents/MacOS/Chromium",
)

#: Seconds one print job (or the browser's start) may take before it counts as failed.
PRINT_TIMEOUT_S = 120

#: Seconds the browser gets to close by itself before it is killed.
CLOSE_TIMEOUT_S = 5

#: Flags for a quiet, offline, sandbox-free browser (CI containers run as root).
SESSION_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
)

#: Flags for one command-line print job (``--print-to-pdf``). The last one makes a
#: DevTools session lose its page, so the session runs with SESSION_FLAGS only.
CHROMIUM_FLAGS: tuple[str, ...] = (*SESSION_FLAGS, "--no-pdf-header-footer")

#: DevTools ``Page.printToPDF`` options: the page's own @page size and margins.
PRINT_OPTIONS: dict[str, Any] = {
    "preferCSSPageSize": True,
    "printBackground": False,
    "displayHeaderFooter": False,
}


class PdfError(RuntimeError):
    """Chromium did not produce the PDF (or did not start)."""


@dataclass(frozen=True)
class PdfInfo:
    """What a PDF says about itself, fixed by the plan so re-runs give the same bytes.

    ``title`` None keeps the one Chromium takes from the page's ``<title>``.
    """

    created: datetime
    author: str | None = None
    title: str | None = None


# --------------------------------------------------------------------------- finding


#: The browser's profile folder in the temporary folder: planner-chromium-<pid>-...
PROFILE_PREFIX = "planner-chromium-"


def remove_stale_profiles() -> None:
    """Remove the profile folders of runs killed outright (SIGKILL, a power cut),
    which had no chance to clean up: those whose process is gone."""
    from planner.io import orphaned_folders

    for path in orphaned_folders(Path(tempfile.gettempdir()), PROFILE_PREFIX):
        shutil.rmtree(path, ignore_errors=True)


def find_chromium() -> str | None:
    """The Chromium (or Chrome, or Edge) binary to print with, or None when there is none."""
    named = os.environ.get("PLANNER_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for path in _install_paths():
        if path.is_file():
            return str(path)
    return None


def _install_paths() -> list[Path]:
    """Where Chrome, Edge or Chromium usually live on this system, in order of preference."""
    if sys.platform == "win32":
        return [
            Path(os.environ[var], *inside) for var, inside in WINDOWS_PATHS if os.environ.get(var)
        ]
    if sys.platform == "darwin":
        return [root / app for root in (Path("/Applications"), Path.home() / "Applications")
                for app in MACOS_APPS]  # fmt: skip
    return [Path(path) for path in LINUX_PATHS]


# --------------------------------------------------------------------------- fonts

#: What an organiser runs when no font can print Chinese (named in the error).
CJK_FONT_FIX = "Debian/Ubuntu: sudo apt install fonts-noto-cjk; Fedora: sudo dnf install google-noto-sans-cjk-fonts"

#: Font folders fontconfig reads by default, searched when ``fc-list`` is not installed.
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
)

#: Font files that carry Chinese, by name: Noto/Source Han CJK, WenQuanYi, Droid
#: fallback, AR PL, and Windows' own fonts copied over.
CJK_FONT_FILE = re.compile(
    r"cjk|wqy|wenquanyi|sourcehan|droidsansfallback|uming|ukai|notos\w*sc|simsun|simhei|msyh",
    re.I,
)


def cjk_fonts() -> list[str] | None:
    """The fonts the browser can print Chinese with, sorted; None where the system ships them.

    On Linux (and other fontconfig systems) Chromium asks fontconfig for a
    font per character, whatever the page names, so this asks it too:
    ``fc-list :lang=zh`` (honouring ``FONTCONFIG_FILE``), or, when fontconfig's
    tools are not installed, the font files in its usual folders by name.
    An empty list means Chinese would print as boxes. Windows and macOS
    always have one (Microsoft YaHei, PingFang): None.
    """
    if sys.platform in ("win32", "darwin"):
        return None
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            done = subprocess.run(
                [fc_list, ":lang=zh", "family"], capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            done = None
        if done is not None and done.returncode == 0:
            lines = done.stdout.decode("utf-8", "replace").splitlines()
            return sorted({line.split(",")[0].strip() for line in lines if line.strip()})
    found = set()
    for folder in FONT_DIRS:
        root = Path(folder).expanduser()
        if root.is_dir():
            found |= {p.name for p in root.rglob("*") if CJK_FONT_FILE.search(p.name)}
    return sorted(found)


def no_cjk_font() -> PdfError:
    """The error every page gets when nothing can print Chinese."""
    return PdfError(
        "no font for Chinese found (fontconfig: fc-list :lang=zh lists none), so the PDF would "
        f"show boxes instead of Chinese; install one ({CJK_FONT_FIX}) and run "
        "`planner export PLAN.json --out DIR` again"
    )


# --------------------------------------------------------------------------- stamping

#: Chromium's structure-element ids: DOM node numbers from a counter shared by the session.
_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def pdf_date(when: datetime) -> str:
    """A PDF date string (ISO 32000 7.9.4) with the offset of ``when``.

    >>> from datetime import timedelta, timezone
    >>> pdf_date(datetime(2026, 5, 16, 23, 0, tzinfo=timezone(timedelta(hours=8))))
    "D:20260516230000+08'00'"
    """
    if when.tzinfo is None:
        raise ValueError("the creation date must be timezone-aware")
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"D:{when:%Y%m%d%H%M%S}{sign}{hours:02d}'{mins:02d}'"


def stamp_pdf(data: bytes, info: PdfInfo) -> bytes:
    """``data`` with the title, author and dates of ``info`` and nothing from the clock.

    Chromium stamps the print time as /CreationDate and /ModDate and numbers
    the tagged structure's /ID strings by DOM node, whose counter runs on
    across pages. The ids are renumbered by rank (same width, same order, so
    the /IDTree stays sorted). The metadata is then written in place when
    the file has Chromium's own document-info layout (see
    :func:`_stamp_in_place`: every offset stays valid, no rewrite), else the
    file is rewritten by qpdf with an /ID computed from its content.
    """
    ranks = {num: i for i, num in enumerate(sorted(set(_NODE_ID.findall(data))), start=1)}
    data = _NODE_ID.sub(lambda m: b"(node%08d)" % ranks[m.group(1)], data)
    stamped = _stamp_in_place(data, info)
    return stamped if stamped is not None else _stamp_by_rewrite(data, info)


#: Chromium's document-info entries: two dates, and its user agent as /Creator.
_DATE_ENTRY = re.compile(rb"/(?:CreationDate|ModDate) \((D:\d{14}[-+]\d\d'\d\d')\)")
_CREATOR_ENTRY = re.compile(rb"/Creator \((?:[^()\\\r\n]|\\.)*\)")


def _stamp_in_place(data: bytes, info: PdfInfo) -> bytes | None:
    """The same bytes with the dates and the author replaced, or None if they do not fit.

    A replacement must keep every byte offset (the cross-reference table
    counts them): the dates have a fixed width, and /Author takes the place
    of /Creator (Chromium's user agent, a long string), padded with spaces.
    A qpdf rewrite costs 20–100 ms per page; this costs well under 1 ms.
    """
    date = pdf_date(info.created).encode("ascii")
    dates = list(_DATE_ENTRY.finditer(data))
    creators = list(_CREATOR_ENTRY.finditer(data))
    if info.title or len(dates) != 2 or any(len(m.group(1)) != len(date) for m in dates):
        return None
    out = bytearray(data)
    for found in dates:
        out[found.start(1) : found.end(1)] = date
    if info.author:
        if len(creators) != 1:
            return None
        entry = (
            b"/Author <"
            + ("\ufeff" + info.author).encode("utf-16-be").hex().upper().encode()
            + b">"
        )
        span = creators[0]
        if len(entry) > span.end() - span.start():
            return None
        out[span.start() : span.end()] = entry.ljust(span.end() - span.start())
    return bytes(out)


def _stamp_by_rewrite(data: bytes, info: PdfInfo) -> bytes:
    import io

    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.docinfo
        if info.title:
            meta["/Title"] = info.title
        if info.author:
            meta["/Author"] = info.author
        meta["/CreationDate"] = meta["/ModDate"] = pdf_date(info.created)
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --------------------------------------------------------------------------- the browser

#: Pages printed at once, each tab in a browser context (a renderer process) of its own.
#: Two: the renderer's layout and PDF work is most of printing's CPU (about 1.3 s of
#: 2.2 s for the Expo's seven pages, start-up the rest), and a second renderer
#: takes the second core once the caller's own files are written (Expo's seven
#: pages alone, busy machine, median wall of three: 3.2 s with two tabs, 3.8 s with one).
TABS = 2

#: One page to print: the HTML, the PDF to write, what to stamp on it (None: nothing).
PrintJob = tuple[Path, Path, "PdfInfo | None"]

#: What a print gives, once done: the PDF written, or why not.
Printed = Future  # Future[Path | PdfError]


class Browser:
    """One headless Chromium, driven over the DevTools pipe; prints pages as they come.

    A context manager: the browser and its fresh profile folder are gone
    when the block ends, also on an error, Ctrl-C or SIGTERM (a SIGTERM to
    this process becomes SystemExit inside the block when it runs in the main
    thread). Nothing waits for the browser to start: a thread of this
    process opens its tabs as soon as it is up and prints each page handed
    to :meth:`submit` while the caller goes on. A browser that cannot start
    makes each print fail with :class:`PdfError`.

    The pages must be whole in themselves (styles inline, no images or
    links to load): each is set as a tab's document (no navigation, no file
    read by the browser) and printed at once.
    """

    def __init__(
        self, chromium: str, *, timeout_s: float = PRINT_TIMEOUT_S, needs_cjk: bool = True
    ) -> None:
        self.chromium = chromium
        self.timeout_s = timeout_s
        self.needs_cjk = needs_cjk  # every page of planner's carries Chinese names
        self._session: _Session | None = None
        self._pool: Any = None  # Windows: one command-line print after another
        self._failed: PdfError | None = None  # why nothing prints when there is no session
        self._old_sigterm: Any = None

    @property
    def _proc(self) -> subprocess.Popen[bytes] | None:
        return self._session.proc if self._session is not None else None

    # -- life cycle

    def __enter__(self) -> Browser:
        if os.name == "nt":  # no fd 3/4 for a child on Windows: one Chromium per page
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="planner-pdf")
            return self
        self._catch_sigterm()
        try:
            self._session = _Session(self.chromium, self.timeout_s, self.needs_cjk)
            self._session.start()
        except PdfError as exc:  # every print will say so, the caller's other work goes on
            self.close()
            self._failed = exc
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the browser (its process group is killed: the profile is thrown away)
        and remove its profile folder; a page still printing fails.

        A second SIGTERM or Ctrl-C while this runs is ignored, so the clean-up
        finishes (it takes at most CLOSE_TIMEOUT_S).
        """
        held = None
        if threading.current_thread() is threading.main_thread() and self._session:
            held = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if self._old_sigterm is not None:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            session, self._session = self._session, None
            if session is not None:
                session.close()
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            self._restore_sigterm()
        finally:
            if held is not None:
                signal.signal(signal.SIGINT, held)

    def _catch_sigterm(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def stop(signum: int, frame: Any) -> None:
            raise SystemExit(128 + signum)

        self._old_sigterm = signal.signal(signal.SIGTERM, stop)

    def _restore_sigterm(self) -> None:
        if self._old_sigterm is not None:
            signal.signal(signal.SIGTERM, self._old_sigterm)
            self._old_sigterm = None

    # -- printing

    def submit(self, html_path: Path, pdf_path: Path, info: PdfInfo | None = None) -> Printed:
        """Print ``html_path`` to ``pdf_path`` (atomically), stamped with ``info``, while the
        caller goes on; the future gives the PDF written or the :class:`PdfError` that stopped it.

        Pages print in the order given, up to TABS at once.
        """
        if self._pool is not None:
            printed: Printed = self._pool.submit(self._one_shot, html_path, pdf_path, info)
            return printed
        if self._session is None:
            printed = Future()
            printed.set_result(self._failed or PdfError("the browser is closed"))
            return printed
        return self._session.submit(Path(html_path), Path(pdf_path), info)

    def print(self, html_path: Path, pdf_path: Path, *, info: PdfInfo | None = None) -> Path:
        """Print ``html_path`` to ``pdf_path`` (atomically: a temp file, then rename)."""
        result = self.submit(html_path, pdf_path, info).result()
        if isinstance(result, PdfError):
            raise result
        assert isinstance(result, Path)
        return result

    def print_all(self, jobs: Sequence[PrintJob]) -> list[Path | PdfError]:
        """Print each ``(html, pdf, info)``, up to TABS at once; keep order.

        Returns, per page, the PDF written or the :class:`PdfError` that
        stopped it.
        """
        printing = [self.submit(*job) for job in jobs]
        return [printed.result() for printed in printing]

    def _one_shot(self, html: Path, pdf: Path, info: PdfInfo | None) -> Path | PdfError:
        from planner.io import write_bytes

        try:
            data = _print_one_shot(self.chromium, Path(html).resolve(), self.timeout_s)
            return write_bytes(Path(pdf), stamp_pdf(data, info) if info else data)
        except PdfError as exc:
            return exc


@dataclass
class _Tab:
    session: str  # its DevTools session
    frame: str  # its main frame (a page target's id)
    job: _Job | None = None  # the page it is printing
    deadline: float = 0.0


@dataclass
class _Job:
    html: Path
    pdf: Path
    info: PdfInfo | None
    printed: Printed


class _Session:
    """A running Chromium: its process, profile folder, DevTools pipe, and the
    thread that owns the pipe and prints the pages queued by :meth:`submit`."""

    def __init__(self, chromium: str, timeout_s: float, needs_cjk: bool) -> None:
        self.chromium, self.timeout_s, self.needs_cjk = chromium, timeout_s, needs_cjk
        self.proc: subprocess.Popen[bytes] | None = None
        self.profile: str | None = None
        self.to_browser = self.from_browser = -1
        self.wake_r, self.wake_w = os.pipe()  # a byte here: a page was queued, or close
        os.set_blocking(self.wake_w, False)  # a full pipe already wakes the thread
        self.chunks: list[bytes] = []  # what came after the last whole message
        self.next_id = 0
        self.lock = threading.Lock()  # guards todo, failed and closing
        self.todo: list[_Job] = []
        self.failed: PdfError | None = None
        self.closing = False
        self.tabs: list[_Tab] = []
        self.replies: dict[int, tuple[_Tab, str]] = {}  # message id -> tab, what was asked
        self.thread: threading.Thread | None = None

    # -- life cycle

    def start(self) -> None:
        remove_stale_profiles()
        self.profile = tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def as_fd_3_and_4() -> None:  # runs in the child before exec
            reads, writes = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        log = Path(self.profile) / "stderr.log"
        try:
            with log.open("wb") as stderr:
                self.proc = subprocess.Popen(
                    [
                        self.chromium,
                        *SESSION_FLAGS,
                        "--remote-debugging-pipe",
                        f"--user-data-dir={Path(self.profile) / 'profile'}",
                        "about:blank",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    pass_fds=(3, 4),  # kept open past close_fds, after the remapping
                    preexec_fn=as_fd_3_and_4,
                    start_new_session=True,  # its own group: closing kills its helpers too
                    env={**os.environ, "HOME": self.profile},
                )
        except OSError as exc:
            for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
                os.close(fd)
            raise PdfError(f"chromium did not start: {exc}") from exc
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.to_browser, self.from_browser = to_browser_w, from_browser_r
        self.thread = threading.Thread(target=self._work, name="planner-pdf", daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Kill the browser's process group (nothing in its profile is kept, so it is
        not asked to shut down), reap it, end the thread, remove the profile folder."""
        with self.lock:
            self.closing = True
        self._wake()
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.wait()
        if self.thread is not None:  # its reads end now the browser has gone
            self.thread.join(CLOSE_TIMEOUT_S)
        for fd in (self.to_browser, self.from_browser, self.wake_r, self.wake_w):
            if fd >= 0:
                os.close(fd)
        self.to_browser = self.from_browser = self.wake_r = self.wake_w = -1
        profile, self.profile = self.profile, None
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)

    def submit(self, html: Path, pdf: Path, info: PdfInfo | None) -> Printed:
        printed: Printed = Future()
        with self.lock:
            failed = self.failed or (PdfError("the browser is closed") if self.closing else None)
            if failed is None:
                self.todo.append(_Job(html, pdf, info, printed))
        if failed is not None:
            printed.set_result(failed)
        else:
            self._wake()
        return printed

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self.wake_w, b"\0")

    # -- the thread

    def _work(self) -> None:
        """Check the fonts, open the tabs, then print each page queued, until closed."""
        _signals_to_the_main_thread()
        try:
            if self.needs_cjk and cjk_fonts() == []:
                raise no_cjk_font()
            deadline = time.monotonic() + self.timeout_s
            self.tabs = [self._open_tab(deadline) for _ in range(TABS)]
            while True:
                for tab, job in self._next_jobs():
                    self._begin(tab, job)
                busy = [tab.deadline for tab in self.tabs if tab.job is not None]
                message = self._receive(min(busy) if busy else None)
                if message is not None:
                    self._handle(message)
        except PdfError as exc:  # the browser is gone, hung or closed: every page left says so
            self._fail(exc)
        except Exception as exc:  # never lost in the thread: every page left says why
            self._fail(PdfError(repr(exc)))

    def _next_jobs(self) -> list[tuple[_Tab, _Job]]:
        with self.lock:
            if self.closing:
                raise PdfError("the browser is closed")
            idle = [tab for tab in self.tabs if tab.job is None]
            started = list(zip(idle, self.todo, strict=False))
            del self.todo[: len(started)]
        return started

    def _fail(self, error: PdfError) -> None:
        with self.lock:
            self.failed = error
            jobs, self.todo = self.todo, []
        jobs += [tab.job for tab in self.tabs if tab.job is not None]
        for tab in self.tabs:
            tab.job = None
        for job in jobs:
            job.printed.set_result(error)

    def _open_tab(self, deadline: float) -> _Tab:
        """A tab in a browser context of its own (so a renderer process of its own)."""
        context = self._call("Target.createBrowserContext", {}, None, deadline)
        target = self._call(
            "Target.createTarget",
            {"url": "about:blank", "browserContextId": context["browserContextId"]},
            None,
            deadline,
        )
        attached = self._call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            None,
            deadline,
        )
        session = attached["sessionId"]
        self._call("Inspector.enable", {}, session, deadline)  # to hear of a crash
        return _Tab(session=session, frame=target["targetId"])

    def _begin(self, tab: _Tab, job: _Job) -> None:
        """Set the page as the tab's document; printed once that is done (:meth:`_handle`)."""
        tab.job, tab.deadline = job, time.monotonic() + self.timeout_s
        try:
            html = job.html.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self._done(tab, PdfError(f"could not read {job.html.name}: {exc.strerror or exc}"))
            return
        self._ask(tab, "load", "Page.setDocumentContent", {"frameId": tab.frame, "html": html})

    def _handle(self, message: dict[str, Any]) -> None:
        if "id" in message:
            tab, asked = self.replies.pop(message["id"], (None, ""))
            if tab is None or tab.job is None:
                return
            if "error" in message:
                error = message["error"].get("message", message["error"])
                name = tab.job.html.name
                self._done(tab, PdfError(f"chromium could not {asked} {name}: {error}"))
            elif asked == "load":
                self._ask(tab, "print", "Page.printToPDF", PRINT_OPTIONS)
            else:
                self._done(tab, _write(tab.job, message["result"]["data"]))
        elif message.get("method") in ("Inspector.targetCrashed", "Inspector.detached") and any(
            tab.session == message.get("sessionId") for tab in self.tabs
        ):
            reason = message.get("params", {}).get("reason", message["method"])
            raise PdfError(f"chromium's page process ended: {reason}")

    def _ask(self, tab: _Tab, what: str, method: str, params: dict[str, Any]) -> None:
        self.replies[self._send(method, params, tab.session)] = (tab, what)

    def _done(self, tab: _Tab, result: Path | PdfError) -> None:
        job, tab.job = tab.job, None
        assert job is not None
        job.printed.set_result(result)

    # -- the DevTools pipe: JSON messages, each ended by a NUL byte

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self.to_browser, data) :]
        except OSError as exc:  # the pipe is closed: chromium has gone
            raise self._exited() from exc
        return self.next_id

    def _call(
        self, method: str, params: dict[str, Any], session: str | None, deadline: float
    ) -> dict[str, Any]:
        sent = self._send(method, params, session)
        while True:
            message = self._receive(deadline)
            if message is None:  # woken: a page was queued (it waits), or closing
                with self.lock:
                    if self.closing:
                        raise PdfError("the browser is closed")
            elif message.get("id") == sent:
                if "error" in message:
                    raise PdfError(f"{method}: {message['error'].get('message', message)}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def _receive(self, deadline: float | None) -> dict[str, Any] | None:
        """The next message from the browser, or None when woken (see :meth:`_wake`)."""
        while not (self.chunks and b"\0" in self.chunks[-1]):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise PdfError(f"chromium timed out after {self.timeout_s:g} s")
            ready, _, _ = select.select([self.from_browser, self.wake_r], [], [], left)
            if not ready:
                raise PdfError(f"chromium timed out after {self.timeout_s:g} s")
            if self.wake_r in ready:
                os.read(self.wake_r, 4096)
                return None
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise self._exited()
            self.chunks.append(chunk)
        data = b"".join(self.chunks)
        line, rest = data.split(b"\0", 1)
        self.chunks = [rest] if rest else []
        message: dict[str, Any] = json.loads(line)
        return message

    def _exited(self) -> PdfError:
        """Why the pipe closed: the exit code and the last lines chromium wrote."""
        code: int | str = "?"
        if self.proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.proc.wait(CLOSE_TIMEOUT_S)
        tail: list[str] = []
        if self.profile is not None:
            log = Path(self.profile) / "stderr.log"
            if log.exists():
                tail = log.read_text("utf-8", "replace").strip().splitlines()[-3:]
        return PdfError(f"chromium exit {code}: {' | '.join(tail)}")


def _signals_to_the_main_thread() -> None:
    """Block Ctrl-C and SIGTERM in this (helper) thread, so the system hands them to
    the main thread: one delivered to a helper blocked in ``select`` would not
    interrupt the main thread's own wait (it would hang until its input ends)."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _write(job: _Job, data: str) -> Path | PdfError:
    """The PDF Chromium printed, stamped and written (atomically) where the job says."""
    from planner.io import write_bytes

    raw = base64.b64decode(data)
    try:
        return write_bytes(job.pdf, stamp_pdf(raw, job.info) if job.info else raw)
    except OSError as exc:
        return PdfError(f"could not write {job.pdf.name}: {exc.strerror or exc}")


def _print_one_shot(chromium: str, html_path: Path, timeout_s: float) -> bytes:
    """One Chromium for one page (``--print-to-pdf``), where the pipe is not available."""
    with tempfile.TemporaryDirectory(prefix="planner-chromium-") as tmp:
        target = Path(tmp) / "out.pdf"
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            html_path.as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=timeout_s,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"chromium timed out after {timeout_s:g} s") from exc
        if not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"chromium exit {done.returncode}: {' | '.join(tail)}")
        return target.read_bytes()


# --------------------------------------------------------------------------- API


def print_pdfs(
    pages: Sequence[tuple[Path, Path]],
    *,
    chromium: str,
    info: Sequence[PdfInfo | None] | None = None,
) -> list[Path | PdfError]:
    """Print each ``(html, pdf)`` pair in one browser session; keep order.

    Returns, per page, the PDF written or the :class:`PdfError` that stopped
    it (a browser that does not start fails every page). ``info[i]`` stamps
    page ``i`` (see :func:`stamp_pdf`).
    """
    with Browser(chromium) as browser:
        return browser.print_all(
            [(html, pdf, info[i] if info else None) for i, (html, pdf) in enumerate(pages)]
        )


def html_to_pdf(
    html_path: Path, pdf_path: Path, *, chromium: str, info: PdfInfo | None = None
) -> Path:
    """Print ``html_path`` to ``pdf_path`` (atomically: a temp file, then rename).

    One page, one browser session; to print several, :func:`print_pdfs` starts
    the browser once. Raises :class:`PdfError` when no PDF came out.
    """
    with Browser(chromium) as browser:
        return browser.print(html_path, pdf_path, info=info)
