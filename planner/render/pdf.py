"""HTML to PDF through headless Chromium (print CSS, CJK fonts from the system).

Every page of a run is printed in one browser session, driven over the
DevTools protocol on a pipe (``--remote-debugging-pipe``: no port is opened,
no other program can reach the browser), so Chromium starts once, not once
per PDF::

    with Browser(find_chromium()) as browser:
        browser.print(Path("roster.html"), Path("roster.pdf"), info=info)

The browser is the organiser's own: ``PLANNER_CHROMIUM``, else Chromium or
Chrome on PATH, else Chrome, Edge or Chromium at their usual install paths
on Windows and macOS. Nothing is downloaded. Without one the HTML is still
written and the caller reports the PDFs as skipped.

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
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
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
WINDOWS_PATHS: tuple[tuple[str, str], ...] = (
    ("PROGRAMFILES", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Google\Chrome\Application\chrome.exe"),
    ("LOCALAPPDATA", r"Google\Chrome\Application\chrome.exe"),
    ("PROGRAMFILES(X86)", r"Microsoft\Edge\Application\msedge.exe"),
    ("PROGRAMFILES", r"Microsoft\Edge\Application\msedge.exe"),
    ("LOCALAPPDATA", r"Chromium\Application\chrome.exe"),
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
    if sys.platform == "win32":
        return [
            Path(os.environ[var]) / inside for var, inside in WINDOWS_PATHS if os.environ.get(var)
        ]
    if sys.platform == "darwin":
        return [root / app for root in (Path("/Applications"), Path.home() / "Applications")
                for app in MACOS_APPS]  # fmt: skip
    return []


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
    the /IDTree stays sorted); the file is rewritten by qpdf with an /ID
    computed from its content.
    """
    import io

    import pikepdf

    ranks = {num: i for i, num in enumerate(sorted(set(_NODE_ID.findall(data))), start=1)}
    data = _NODE_ID.sub(lambda m: b"(node%08d)" % ranks[m.group(1)], data)
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


class Browser:
    """One headless Chromium, driven over the DevTools pipe; prints page after page.

    A context manager: the browser and its fresh profile folder are gone
    when the block ends, also on an error, Ctrl-C or SIGTERM (a SIGTERM to
    this process becomes SystemExit inside the block when it runs in the main
    thread). Starting is not waited for: the browser comes up while the
    caller writes its other files, and the first print waits for it. A
    browser that cannot start makes each print raise :class:`PdfError`.
    """

    def __init__(self, chromium: str, *, timeout_s: float = PRINT_TIMEOUT_S) -> None:
        self.chromium = chromium
        self.timeout_s = timeout_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile: str | None = None
        self._to_browser = -1
        self._from_browser = -1
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        self._events: list[dict[str, Any]] = []
        self._old_sigterm: Any = None
        self._failed: PdfError | None = None

    # -- life cycle

    def __enter__(self) -> Browser:
        if os.name == "nt":  # no fd 3/4 for a child on Windows: one Chromium per page
            return self
        self._catch_sigterm()
        try:
            self._start()
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

    def _start(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="planner-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def as_fd_3_and_4() -> None:  # runs in the child before exec
            reads, writes = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        log = Path(self._profile) / "stderr.log"
        try:
            with log.open("wb") as stderr:
                self._proc = subprocess.Popen(
                    [
                        self.chromium,
                        *SESSION_FLAGS,
                        "--remote-debugging-pipe",
                        f"--user-data-dir={Path(self._profile) / 'profile'}",
                        "about:blank",
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    pass_fds=(3, 4),  # kept open past close_fds, after the remapping
                    preexec_fn=as_fd_3_and_4,
                    start_new_session=True,  # its own group: closing kills its helpers too
                    env={**os.environ, "HOME": self._profile},
                )
        except OSError as exc:
            for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
                os.close(fd)
            raise PdfError(f"chromium did not start: {exc}") from exc
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._to_browser, self._from_browser = to_browser_w, from_browser_r

    def close(self) -> None:
        """Close the browser (politely, then by force) and remove its profile folder."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.poll() is None:
                    self._send("Browser.close")
                    proc.wait(CLOSE_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
            finally:
                if proc.poll() is None:
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except OSError:
                        proc.kill()
                    proc.wait()
        for fd in (self._to_browser, self._from_browser):
            if fd >= 0:
                os.close(fd)
        self._to_browser = self._from_browser = -1
        profile, self._profile = self._profile, None
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)
        self._restore_sigterm()

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

    def print(self, html_path: Path, pdf_path: Path, *, info: PdfInfo | None = None) -> Path:
        """Print ``html_path`` to ``pdf_path`` (atomically: a temp file, then rename)."""
        from planner.io import write_bytes

        html_path = Path(html_path).resolve()
        if os.name == "nt":
            data = _print_one_shot(self.chromium, html_path, self.timeout_s)
        else:
            data = self._print(html_path)
        return write_bytes(Path(pdf_path), stamp_pdf(data, info) if info else data)

    def _print(self, html_path: Path) -> bytes:
        if self._failed is not None:
            raise self._failed
        if self._proc is None:
            raise PdfError("the browser is closed")
        deadline = time.monotonic() + self.timeout_s
        session = self._page(deadline)
        self._events.clear()
        frame = self._call("Page.navigate", {"url": html_path.as_uri()}, session, deadline)
        if frame.get("errorText"):
            raise PdfError(f"chromium could not open {html_path.name}: {frame['errorText']}")
        while not any(_is_load_of(e, frame.get("loaderId")) for e in self._events):
            self._events.append(self._receive(deadline))
        done = self._call("Page.printToPDF", PRINT_OPTIONS, session, deadline)
        return base64.b64decode(done["data"])

    def _page(self, deadline: float) -> str:
        """The one tab every page is printed in (made on first use)."""
        if self._session is None:
            target = self._call("Target.createTarget", {"url": "about:blank"}, None, deadline)
            attached = self._call(
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": True},
                None,
                deadline,
            )
            self._session = attached["sessionId"]
            self._call("Page.enable", {}, self._session, deadline)
            self._call("Page.setLifecycleEventsEnabled", {"enabled": True}, self._session, deadline)
        return self._session

    # -- the DevTools pipe: JSON messages, each ended by a NUL byte

    def _send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_browser, data) :]
        return self._next_id

    def _call(
        self, method: str, params: dict[str, Any], session: str | None, deadline: float
    ) -> dict[str, Any]:
        try:
            sent = self._send(method, params, session)
        except OSError as exc:  # the pipe is closed: chromium has gone
            raise self._exited() from exc
        while True:
            message = self._receive(deadline)
            if message.get("id") == sent:
                if "error" in message:
                    raise PdfError(f"{method}: {message['error'].get('message', message)}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self._events.append(message)

    def _receive(self, deadline: float) -> dict[str, Any]:
        with selectors.DefaultSelector() as waiting:
            waiting.register(self._from_browser, selectors.EVENT_READ)
            while b"\0" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not waiting.select(left):
                    raise PdfError(f"chromium timed out after {self.timeout_s:g} s")
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise self._exited()
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(line)
        return message

    def _exited(self) -> PdfError:
        """Why the pipe closed: the exit code and the last lines chromium wrote
        (kept, so each later print says the same)."""
        code: int | str = "?"
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._proc.wait(CLOSE_TIMEOUT_S)
        tail: list[str] = []
        if self._profile is not None:
            log = Path(self._profile) / "stderr.log"
            if log.exists():
                tail = log.read_text("utf-8", "replace").strip().splitlines()[-3:]
        self._failed = PdfError(f"chromium exit {code}: {' | '.join(tail)}")
        return self._failed


def _is_load_of(event: dict[str, Any], loader: str | None) -> bool:
    """Whether ``event`` says the page of navigation ``loader`` has loaded."""
    params = event.get("params", {})
    return (
        event.get("method") == "Page.lifecycleEvent"
        and params.get("name") == "load"
        and params.get("loaderId") == loader
    )


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
    results: list[Path | PdfError] = []
    with Browser(chromium) as browser:
        for i, (html, pdf) in enumerate(pages):
            try:
                results.append(browser.print(html, pdf, info=info[i] if info else None))
            except PdfError as exc:
                results.append(exc)
    return results


def html_to_pdf(
    html_path: Path, pdf_path: Path, *, chromium: str, info: PdfInfo | None = None
) -> Path:
    """Print ``html_path`` to ``pdf_path`` (atomically: a temp file, then rename).

    One page, one browser session; to print several, :func:`print_pdfs` starts
    the browser once. Raises :class:`PdfError` when no PDF came out.
    """
    with Browser(chromium) as browser:
        return browser.print(html_path, pdf_path, info=info)
