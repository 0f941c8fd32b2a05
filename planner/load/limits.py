"""Limits on what a spreadsheet may be, checked before the file is read.

A crafted file must not take the machine down: an .xlsx of 34 KB with one
cell at XFD1048576 makes the reader allocate the whole grid (512 GiB, the
process aborts); a 1 MB zip that unpacks to 1 GiB takes as much memory.
So, before a workbook is opened, its zip is checked (how many parts, their
unpacked sizes, each part really unpacked to see that it is what its header
says), and each worksheet's real extent (its last row and column, from the
cells themselves, not the ``<dimension>`` the file claims) is measured while
streaming (by a few regular expressions over each chunk when its cells are
written the plain way, tag by tag otherwise). A CSV is limited in bytes, rows and columns the same way.

The limits are far above any real roster (a county's whole list is a few
thousand rows and thirty columns) and far below what hurts.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from planner.errors import Problem

#: data rows and columns a sheet may have (a real roster: thousands by tens)
MAX_ROWS = 100_000
MAX_COLUMNS = 200
#: bytes: an .xls file, and the unpacked total of an .xlsx/.ods zip
MAX_BYTES = 256 * 1024 * 1024
#: bytes of a CSV file (read and decoded whole: a 100,000-row roster is ~30 MB)
MAX_CSV_BYTES = 64 * 1024 * 1024
#: parts in a workbook's zip (a real one has a few dozen)
MAX_PARTS = 10_000

ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
_CHUNK = 1 << 20


class TooLarge(Exception):
    """The file is beyond a limit; ``problem`` names the file and the limit."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def _refuse(shown: str, zh: str, en: str) -> TooLarge:
    return TooLarge(Problem(shown, None, None, zh, en))


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


def check_file_size(path: Path, shown: str, limit: int = MAX_BYTES) -> None:
    """A file read whole (CSV, .xls) is at most ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        raise _refuse(
            shown,
            f"文件有 {_mb(size)},超过上限 {_mb(limit)}(名单不会这么大;是否选错了文件?)",
            f"the file is {_mb(size)}, above the limit of {_mb(limit)} "
            "(no roster is this big; is it the right file?)",
        )


def check_extent(shown: str, rows: int, columns: int, sheet: str | None = None) -> None:
    """At most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns."""
    where_zh = f"工作表「{sheet}」" if sheet else "表格"
    where_en = f"sheet {sheet!r}" if sheet else "the sheet"
    if rows > MAX_ROWS:
        raise _refuse(
            shown,
            f"{where_zh}用到第 {rows:,} 行,超过上限 {MAX_ROWS:,} 行",
            f"{where_en} reaches row {rows:,}, above the limit of {MAX_ROWS:,} rows",
        )
    if columns > MAX_COLUMNS:
        raise _refuse(
            shown,
            f"{where_zh}用到第 {columns:,} 列,超过上限 {MAX_COLUMNS} 列",
            f"{where_en} reaches column {columns:,}, above the limit of {MAX_COLUMNS} columns",
        )


def check_workbook(path: Path, shown: str) -> None:
    """Check a workbook before it is opened (see the module's docstring).

    .xls (not a zip) is limited by its size; its own format stops at 65,536
    rows by 256 columns.
    """
    if path.suffix.lower() not in ZIPPED_SUFFIXES:
        check_file_size(path, shown)
        return
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says what it is not
    with book:
        parts = book.infolist()
        if len(parts) > MAX_PARTS:
            raise _refuse(
                shown,
                f"工作簿里有 {len(parts):,} 个部件,超过上限 {MAX_PARTS:,}",
                f"the workbook has {len(parts):,} parts, above the limit of {MAX_PARTS:,}",
            )
        declared = sum(p.file_size for p in parts)
        if declared > MAX_BYTES:
            raise _refuse(
                shown,
                f"工作簿解压后有 {_mb(declared)},超过上限 {_mb(MAX_BYTES)}",
                f"the workbook unpacks to {_mb(declared)}, above the limit of {_mb(MAX_BYTES)}",
            )
        names = _sheet_names(book)
        ods = path.suffix.lower() == ".ods"
        for part in parts:
            measure: _Extent | _OdsExtent | None = None
            if ods and part.filename == "content.xml":
                measure = _OdsExtent(shown)
            elif not ods and re.fullmatch(r"xl/worksheets/[^/]+\.xml", part.filename):
                measure = _Extent(shown, names.get(part.filename) or part.filename)
            try:
                _unpack(book, part, measure)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise _refuse(
                    shown,
                    f"工作簿已损坏(部件 {part.filename}:{type(exc).__name__})",
                    f"the workbook is damaged (part {part.filename}: {exc})",
                ) from None


def _unpack(
    book: zipfile.ZipFile, part: zipfile.ZipInfo, measure: _Extent | _OdsExtent | None
) -> None:
    """Unpack one part in chunks; zipfile stops at the size its header gives and
    checks the CRC, so a part cannot unpack to more than was declared. A
    worksheet's cells are measured on the way (``measure``)."""
    with book.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            if measure is not None:
                measure.feed(chunk)


#: a row or a cell element (any namespace prefix) and its attributes
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")


#: fast path: a row or cell tag not in the plain form (``<row r="7"``, ``<c r="B7"``, as
#: the writers we know write them, no prefix, the reference first), or one that may be
#: past the limits (a column after GR = 200, a row number of six digits or more)
_NOT_PLAIN = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:(?:c|row)(?=[\s/>])"
    rb'|c(?=[\s/>])(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"[\s/>])'
    rb'|row(?=[\s/>])(?! r="[1-9][0-9]{0,6}"[\s/>])'
    rb'|c r="(?:[A-Z]{3}|[H-Z][A-Z]|G[S-Z]|[A-Z]{1,2}[1-9][0-9]{5})'
    rb'|row r="[1-9][0-9]{5})'
)


class _Extent:
    """The last row and column a worksheet's XML really uses, fed in chunks.

    A ``<row>`` or ``<c>`` without its ``r`` attribute is the one after the
    previous, as the readers place it. A chunk whose rows and cells are all
    in the plain form and within the limits (``_NOT_PLAIN`` finds none other)
    is checked by that one regular expression, in C; any other, tag by tag.
    """

    def __init__(self, shown: str, sheet: str) -> None:
        self.shown, self.sheet = shown, sheet
        self.tags = _Tags(shown, sheet)
        self.row = 0
        self.column = 0

    def feed(self, chunk: bytes) -> None:
        scan = self.tags.complete(chunk)
        last_row = scan.rfind(b'<row r="')
        if last_row >= 0 and _NOT_PLAIN.search(scan) is None:
            # every row and cell names its place, all within the limits; the position
            # after the chunk is the last row's: that row alone is measured tag by tag
            self.row, self.column = 0, 0
            scan = scan[last_row:]
        self._tags(scan)

    def _tags(self, scan: bytes) -> None:
        for match in _TAG.finditer(scan):
            ref = _REF.search(match[2])
            if match[1] == b"row":
                # a row counts once it holds a cell (an empty row, styled, holds none)
                self.row = int(ref[2]) if ref and ref[2] else self.row + 1
                self.column = 0
            else:
                if ref and ref[1]:
                    self.column = _column_number(ref[1].decode("ascii"))
                    if ref[2]:
                        self.row = max(self.row, int(ref[2]))
                else:
                    self.column += 1
                check_extent(self.shown, self.row, self.column, self.sheet)


class _Tags:
    """Complete tags from chunks of XML: a tag cut by a chunk's end waits for the next."""

    def __init__(self, shown: str, sheet: str) -> None:
        self.shown, self.sheet = shown, sheet
        self.tail = b""

    def complete(self, chunk: bytes) -> bytes:
        data = self.tail + chunk
        cut = data.rfind(b"<")
        if cut == -1:
            self.tail = b""
            return data
        scan, self.tail = data[:cut], data[cut:]
        if len(self.tail) > _CHUNK:  # one tag longer than a chunk: not a worksheet
            raise _refuse(
                self.shown,
                f"工作表「{self.sheet}」里有一个超长的标签,不是正常的表格",
                f"sheet {self.sheet!r} holds an over-long tag; not a real sheet",
            )
        return scan


#: an OpenDocument table, row or cell element (opening, closing or empty) and its attributes
_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"([^>]*?)(/?)>"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)")
_TABLE_NAME = re.compile(rb"\bname\s*=\s*\"([^\"]*)\"")


class _OdsExtent:
    """The last row and column holding something, per table of an .ods content.xml.

    OpenDocument writes runs of empty rows and cells once with a repeat count
    (LibreOffice pads a sheet to its last row this way): empty ones (an empty
    element with no value type) move the position without counting; a cell
    with content counts at its last repeat, and so does its row.
    """

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.tags = _Tags(shown, "content.xml")
        self.sheet = ""
        self.row = 0
        self.row_repeat = 1
        self.column = 0
        self.row_used = False

    def feed(self, chunk: bytes) -> None:
        for match in _ODS_TAG.finditer(self.tags.complete(chunk)):
            closing, name, attrs, empty = match[1], match[2], match[3], match[4]
            if name == b"table" and not closing:
                found = _TABLE_NAME.search(attrs)
                self.sheet = found[1].decode("utf-8", "replace") if found else ""
                self.row = 0
            elif name == b"table-row":
                if not closing:
                    found = _ROWS_REPEATED.search(attrs)
                    self.row_repeat = int(found[1]) if found else 1
                    self.column, self.row_used = 0, False
                if closing or empty:
                    if self.row_used:
                        check_extent(self.shown, self.row + self.row_repeat, 0, self.sheet)
                    self.row += self.row_repeat
            elif not closing:  # a cell
                found = _COLUMNS_REPEATED.search(attrs)
                self.column += int(found[1]) if found else 1
                if not empty or b"value-type" in attrs:
                    self.row_used = True
                    check_extent(self.shown, self.row + 1, self.column, self.sheet)


def _column_number(letters: str) -> int:
    """A1-style column letters → 1-based number (``XFD`` → 16384)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_names(book: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name, from workbook.xml and its relations
    (best effort: an unnamed part is named by its path)."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    if len(workbook) > _CHUNK * 16 or len(rels) > _CHUNK * 16:
        return {}
    targets = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        rid = re.search(rb'\bId="([^"]*)"', m[1])
        target = re.search(rb'\bTarget="([^"]*)"', m[1])
        if rid and target:
            targets[rid[1].decode("utf-8", "replace")] = target[1].decode("utf-8", "replace")
    names: dict[str, str] = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", workbook):
        name = re.search(rb'\bname="([^"]*)"', m[1])
        sheet_rid = re.search(rb'\br:id="([^"]*)"', m[1])
        key = sheet_rid[1].decode("utf-8", "replace") if sheet_rid else ""
        if name and key in targets:
            part = targets[key].lstrip("/")
            part = part if part.startswith("xl/") else f"xl/{part}"
            names[part] = name[1].decode("utf-8", "replace")
    return names
