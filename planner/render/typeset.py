"""The printed pages as PDF, typeset by Typst in this process.

Each page kind is built once (:class:`planner.render.paper.Page`) and laid
out twice: on screen by its Jinja2 template (``<stem>.html``), on paper by
its Typst template (``<stem>.typ``, importing ``page.typ`` for what every
page shares). The page's rows go to Typst as one JSON document
(:func:`page_data`); Typst places each cell as text, never as markup, so a
spreadsheet cell cannot change the layout or smuggle a command in::

    with Typesetter() as typesetter:
        printed = typesetter.submit(page_data(view, t, page, created), "roster", Path("roster.pdf"))
        ...                              # the caller goes on while it typesets
        printed.result()                 # the PDF's path, or the PdfError

The follow-up ledger's growth booklets are typeset alike, by a typesetter
whose root holds their template too (``Typesetter(root=...)``).

Typst is a library (the ``typst`` package): nothing to install beside it,
no browser, no other process. It typesets in a thread of this process and
lets go of the interpreter meanwhile, so the caller's other files are
written at the same time. The same data gives the same bytes: the creation
date comes from the plan, and nothing else in the file depends on the
clock or the machine.

No PDF goes out with boxes instead of Chinese: fontconfig must know a font
that prints Chinese (:func:`font_files`; where there is no fontconfig, the
system fonts Typst finds, :func:`cjk_families`); otherwise every page fails
with one :class:`PdfError` naming the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import asdict

from planner.render.fontfaces import one_face  # stdlib only: cheap, and no import in the thread

if TYPE_CHECKING:
    from planner.render.labels import Labels
    from planner.render.paper import Page
    from planner.render.view import PlanView

__all__ = [
    "CJK_FONT_FIX",
    "PdfError",
    "Typesetter",
    "cjk_families",
    "creation_stamp",
    "document",
    "page_data",
    "printer_mark",
    "settle",
    "warm_up",
]

#: The Typst templates, beside the HTML ones.
TEMPLATES = Path(__file__).resolve().parent / "templates"


class PdfError(RuntimeError):
    """A PDF was not made: no font prints Chinese, a template did not typeset, a disk full."""


#: What an organiser runs when no font can print Chinese (named in the error).
CJK_FONT_FIX = "Debian/Ubuntu: sudo apt install fonts-noto-cjk; Fedora: sudo dnf install google-noto-sans-cjk-fonts"

#: The command that prints the day's pages again without solving (named in the error).
EXPORT_AGAIN = "planner export PLAN.json --out DIR"

#: Font families that print Chinese: Noto/Source Han CJK, WenQuanYi, Droid and AR PL
#: fallbacks, and the fonts Windows and macOS ship.
CJK_FAMILY = re.compile(
    r"cjk|wenquanyi|source han|noto (?:sans|serif) (?:sc|tc)\b|droid sans fallback|ar pl|"
    r"simsun|simhei|nsimsun|yahei|dengxian|fangsong|kaiti|pingfang|hiragino|heiti|songti|stheiti",
    re.I,
)


def cjk_families(families: list[str]) -> list[str]:
    """The families among ``families`` that print Chinese, sorted.

    >>> cjk_families(["DejaVu Sans", "WenQuanYi Micro Hei", "Noto Sans CJK SC"])
    ['Noto Sans CJK SC', 'WenQuanYi Micro Hei']
    """
    return sorted(f for f in families if CJK_FAMILY.search(f))


def no_cjk_font(again: str = EXPORT_AGAIN) -> PdfError:
    """The error every page gets when no font Typst can find prints Chinese;
    ``again`` is the command that prints the pages once one is installed."""
    return PdfError(
        "no font for Chinese found, so the PDF would show boxes instead of Chinese; "
        f"install one ({CJK_FONT_FIX}) and run `{again}` again"
    )


# --------------------------------------------------------------------------- data


def _plain(value: Any) -> Any:
    """What ``json`` cannot write by itself: rows (Structs) and dates (as the HTML
    prints them, ``2027-03-01``); nothing else."""
    if isinstance(value, Struct):
        return asdict(value)
    if isinstance(value, date):
        return str(value)
    raise TypeError(f"cannot hand {type(value).__name__} to a Typst template")


def document(
    *,
    lang: str,
    labels: dict[str, str],
    event: dict[str, Any],
    title: str,
    mark: str,
    created: datetime,
    rows: dict[str, Any],
) -> str:
    """The JSON document a template reads as ``sys.inputs.data`` (``page.typ``): the
    language and its labels, the heading's facts (``event``: at least ``name``,
    ``organiser`` and ``footer``), the title, the mark on every page, the creation
    date (``created``, timezone-aware) and the template's own ``rows``."""
    return json.dumps(
        {
            "lang": lang,
            "labels": labels,
            "event": event,
            "title": title,
            "mark": mark,
            # Typst writes the date as UTC ("Z"): the same instant, without the zone's offset
            "created": list(created.astimezone(UTC).timetuple()[:6]),
            **rows,
        },
        ensure_ascii=False,
        default=_plain,
    )


def settle(
    printed: Iterable[tuple[Path, Path | PdfError]],
) -> tuple[list[Path], list[tuple[Path, PdfError]], str | None]:
    """Sort out what a typesetter gave for each page (``(html page, result)``): the
    PDFs written, in order; the pages that failed with their error, each failed
    page's PDF removed (no PDF of an older page is left beside it); and the one
    reason that stopped them all when more than one failed for it (no font for
    Chinese), for the caller to say once."""
    done: list[Path] = []
    failed: list[tuple[Path, PdfError]] = []
    for page, result in printed:
        if isinstance(result, PdfError):
            page.with_suffix(".pdf").unlink(missing_ok=True)
            failed.append((page, result))
        else:
            done.append(result)
    reasons = {str(error) for _, error in failed}
    return done, failed, reasons.pop() if len(failed) > 1 and len(reasons) == 1 else None


def creation_stamp(created: datetime) -> bytes:
    """The creation date as Typst writes it in a PDF's document information, to
    tell a PDF typeset for ``created`` (timezone-aware) from any other.

    >>> from datetime import timedelta, timezone
    >>> creation_stamp(datetime(2027, 3, 1, tzinfo=timezone(timedelta(hours=8))))
    b'/CreationDate(D:20270228160000Z)'
    """
    return f"/CreationDate(D:{created.astimezone(UTC):%Y%m%d%H%M%S}Z)".encode("ascii")


def page_data(view: PlanView, t: Labels, page: Page, created: datetime) -> str:
    """The JSON document a page's Typst template reads: its rows, the labels of its
    language, the event's heading facts and the creation date (``created``,
    timezone-aware)."""
    from planner.render.labels import TEXT
    from planner.render.paper import emergency_line, event_facts

    facts = asdict(event_facts(view, t))
    facts["footer"] = emergency_line(view, t)  # plain text here; the HTML's is a CSS string
    return document(
        lang=t.lang,
        labels={key: t[key] for key in TEXT},
        event=facts,
        title=page.title,
        mark=page.mark,
        created=created,
        rows=page.context,
    )


# --------------------------------------------------------------------------- typesetting

#: What a typeset gives, once done: the PDF written, or why not.
Typeset = Future  # Future[Path | PdfError]


class Typesetter:
    """Typst, ready to typeset the pages handed to :meth:`submit` one after another
    in a thread of this process, while the caller goes on. (One thread: the pages
    take about 0.35 s and the caller's other files as long, so a second thread,
    with a compiler and a font scan of its own, would gain nothing on two cores.)

    It starts reading its fonts when made; pages wait for that. A context
    manager: the thread ends with the block, and the folder of fonts with it.

    ``root`` is the folder Typst may read templates from (default: the day's,
    :data:`TEMPLATES`); it must hold every file a template imports, ``page.typ``
    included. ``again`` is the command named when no font prints Chinese.
    """

    def __init__(self, *, root: Path | None = None, again: str = EXPORT_AGAIN) -> None:
        self._root = root
        self._again = again
        _import_what_the_thread_uses()
        self._printer = printer_mark(root or TEMPLATES)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="planner-typeset")
        self._folder: str | None = None  # links to the font files Typst reads
        self._compiler: Future[Any] = self._pool.submit(self._start)

    def __enter__(self) -> Typesetter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the pages submitted (each takes milliseconds), then end the thread."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def submit(
        self, data: str, template: str | Path, pdf: Path, *, private: bool = False
    ) -> Typeset:
        """Typeset ``template`` (a stem in :data:`TEMPLATES`, or a ``.typ`` file under
        the root) with ``data`` (see :func:`document`) into ``pdf``, atomically and,
        when ``private``, readable by its owner only; the future gives the PDF
        written or the :class:`PdfError`."""
        typ = template if isinstance(template, Path) else TEMPLATES / f"{template}.typ"
        return self._pool.submit(self._typeset, data, typ, Path(pdf), private)

    def _typeset(self, data: str, typ: Path, pdf: Path, private: bool) -> Path | PdfError:
        from planner.io import write_bytes

        compiler = self._compiler.result()
        if isinstance(compiler, PdfError):
            return compiler
        try:
            out = compiler.compile(
                input=str(typ), sys_inputs={"data": data, "printer": self._printer}
            )
        except Exception as exc:  # a template that does not typeset: say which, never crash
            return PdfError(f"typst could not typeset {typ.stem}: {exc}")
        try:
            return write_bytes(pdf, out, private=private)
        except OSError as exc:
            return PdfError(f"could not write {pdf.name}: {exc.strerror or exc}")

    def _start(self) -> Any:
        """A Typst compiler over the fonts the pages need, or the PdfError that stops
        printing (no font prints Chinese)."""
        try:
            import typst
        except ImportError as exc:  # a broken install; the HTML pages are still written
            return PdfError(f"typst is not installed ({exc}); reinstall planner")
        files = font_files()
        if files == []:
            return no_cjk_font(self._again)
        root = self._root or TEMPLATES
        try:
            if files is not None:
                self._folder = font_folder(files)
                compiler = typst.Compiler(
                    root=str(root), font_paths=[self._folder], ignore_system_fonts=True
                )
            else:  # no fontconfig: Typst reads every system font (~0.1 s, holding the interpreter)
                if sys.platform not in ("win32", "darwin"):  # those ship Chinese fonts
                    if not cjk_families(typst.Fonts(include_embedded_fonts=False).families()):
                        return no_cjk_font(self._again)
                compiler = typst.Compiler(root=str(root))
        except (OSError, RuntimeError) as exc:  # no temporary folder, fonts unreadable
            return PdfError(f"typst could not read the fonts: {exc}")
        # the first page costs ~0.06 s more than the next (the fonts' glyphs, page.typ):
        # paid here, while the plan is solved, instead of after
        with contextlib.suppress(Exception):  # a page's own error is reported with the page
            compiler.compile(input=warm_page(root), sys_inputs={"data": WARM_DATA})
        return compiler


@cache
def printer_mark(root: Path) -> str:
    """What typesets pages under ``root``, as the word each PDF carries in its
    keywords: a digest of Typst's version and of every template Typst may read
    there. A PDF kept from an earlier run without the current word came from
    another Typst or other templates (an upgraded planner): typeset it again."""
    import typst

    digest = hashlib.sha256(f"typst {getattr(typst, '__version__', '')}".encode())
    for typ in sorted(root.rglob("*.typ")):
        digest.update(f"\0{typ.relative_to(root).as_posix()}\0".encode())
        digest.update(typ.read_bytes())
    return f"planner-typeset-{digest.hexdigest()[:16]}"


def warm_page(root: Path) -> bytes:
    """A small page in the shared style, Chinese and bold included, typeset first
    (by a compiler whose root is ``root``, which holds page.typ)."""
    shared = (TEMPLATES / "page.typ").relative_to(root).as_posix()
    return (
        f'#import "/{shared}": *\n#show: document-setup\n= 花名册 · Roster\n'
        "#table(columns: 2, th[序号], [张三 ABC 123 *一二*])\n"
    ).encode()


WARM_DATA = document(
    lang="zh",
    labels={},
    event={"name": "", "organiser": "", "footer": ""},
    title="",
    mark="",
    created=datetime(2000, 1, 1, tzinfo=UTC),
    rows={},
)


def _import_what_the_thread_uses() -> None:
    """Import, in the caller's thread, every module the typesetting thread uses.

    An import in that thread could wait forever: Ctrl-C can break off an import
    in the caller's thread at a moment that leaves the module's lock held, and
    the process would then hang at exit, waiting for the thread (seen once in
    ``tests/hardening/test_kill.py``). A module already imported is looked up
    without its lock.
    """
    import glob  # noqa: F401  (planner.io's orphaned_folders)
    import tempfile  # noqa: F401  (font_folder, planner.io's write_bytes)

    import planner.io  # noqa: F401  (orphaned_folders, write_bytes)

    with contextlib.suppress(ImportError):  # a broken install: the thread says so
        import typst  # noqa: F401


#: The families the templates ask for first (``fonts`` in page.typ), best first.
PREFERRED_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
)


def font_files() -> list[str] | None:
    """The font files to typeset with, from fontconfig: the faces of the first family
    of PREFERRED_FAMILIES that is installed (else every font that prints Chinese,
    ``fc-list :lang=zh``) and the system's sans-serif for other scripts; [] when
    no font prints Chinese; None without fontconfig's tools (Windows, macOS).

    Typst reads each font file whole to learn what it holds, and holds the
    interpreter meanwhile: every system font takes about 0.1 s (Noto's four CJK
    collections, 80 MB, most of it), which would stall the plan being solved.
    So it is given the family's faces alone, each cut out of its collection
    (:func:`planner.render.fontfaces.one_face`): ~0.01 s.
    """
    fc_list, fc_match = shutil.which("fc-list"), shutil.which("fc-match")
    if fc_list is None or fc_match is None:
        return None
    try:
        chinese = subprocess.run(
            [fc_list, "-f", "%{file}\t%{index}\t%{family}\n", ":lang=zh"],
            capture_output=True,
            timeout=60,
            check=True,
        )
        sans = subprocess.run(
            [fc_match, "-f", "%{file}", "sans-serif"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    families: dict[tuple[str, int], set[str]] = {}  # (file, face) -> its families
    for line in chinese.stdout.decode("utf-8", "replace").splitlines():
        path, _, rest = line.partition("\t")
        index, _, names = rest.partition("\t")
        if path.strip() and index.strip().isdigit():
            face = (path.strip(), int(index))
            families.setdefault(face, set()).update(n.strip() for n in names.split(","))
    if not families:
        return []
    chosen = next(
        (
            [face for face, names in families.items() if family in names]
            for family in PREFERRED_FAMILIES
            if any(family in names for names in families.values())
        ),
        None,
    )
    if chosen is None:  # no family of ours: every file that prints Chinese, whole
        files = {path for path, _ in families}
    else:
        files = {one_face(path, index) for path, index in chosen}
    other = sans.stdout.decode("utf-8", "replace").strip()
    return sorted(files | ({other} if other else set()))


#: The folder of font links in the temporary folder: planner-fonts-<pid>-...
FONTS_PREFIX = "planner-fonts-"


def font_folder(files: list[str]) -> str:
    """A private folder of links to ``files`` (Typst reads fonts by folder); those
    left by runs killed outright are removed first."""
    import os
    import tempfile

    from planner.io import orphaned_folders

    for stale in orphaned_folders(Path(tempfile.gettempdir()), FONTS_PREFIX):
        shutil.rmtree(stale, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{FONTS_PREFIX}{os.getpid()}-")
    for i, file in enumerate(files):
        link = os.path.join(folder, f"{i:02d}-{os.path.basename(file)}")
        try:
            os.symlink(file, link)
        except OSError:  # no links on this file system: a copy (tens of MB, once per run)
            shutil.copyfile(file, link)
    return folder


#: The typesetter :func:`warm_up` started, until :func:`take` hands it over.
_warm: Typesetter | None = None
_warm_lock = threading.Lock()


def warm_up() -> None:
    """Start reading the fonts now, for this process's next :func:`take` to use.

    ``planner plan`` calls this before it loads and solves, so the fonts are
    read meanwhile. One no one takes (the event was impossible) is closed when
    the process ends.
    """
    global _warm
    with _warm_lock:
        if _warm is None:
            import atexit

            _warm = Typesetter()
            atexit.register(_close_warm)


def _close_warm() -> None:
    global _warm
    with _warm_lock:
        warm, _warm = _warm, None
    if warm is not None:
        warm.close()


def take() -> Typesetter:
    """The typesetter :func:`warm_up` started, or a new one."""
    global _warm
    with _warm_lock:
        warm, _warm = _warm, None
    return warm if warm is not None else Typesetter()
