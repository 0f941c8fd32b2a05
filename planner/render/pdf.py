"""HTML to PDF through headless Chromium (print CSS, CJK fonts from the system).

Chromium is found on PATH (``chromium``, ``chromium-browser``,
``google-chrome``) or named by ``PLANNER_CHROMIUM``. Without it the HTML
is still written and the caller reports the PDFs as skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Browser binaries tried in order when PLANNER_CHROMIUM is not set.
CHROMIUM_NAMES: tuple[str, ...] = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)

#: Seconds one print job may take before it counts as failed.
PRINT_TIMEOUT_S = 120

#: Flags for a quiet, offline, sandbox-free print job (CI containers run as root).
CHROMIUM_FLAGS: tuple[str, ...] = (
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
    "--no-pdf-header-footer",
)


class PdfError(RuntimeError):
    """Chromium ran but did not produce the PDF."""


def find_chromium() -> str | None:
    """The Chromium binary to print with, or None when there is none."""
    named = os.environ.get("PLANNER_CHROMIUM")
    if named:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, *, chromium: str) -> Path:
    """Print ``html_path`` to ``pdf_path`` (atomically: a temp file, then rename)."""
    from planner.io import write_bytes

    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path)
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
                timeout=PRINT_TIMEOUT_S,
                check=False,
                env={**os.environ, "HOME": tmp},
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"chromium timed out after {PRINT_TIMEOUT_S} s") from exc
        if not target.exists() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError(f"chromium exit {done.returncode}: {' | '.join(tail)}")
        return write_bytes(pdf_path, target.read_bytes())
