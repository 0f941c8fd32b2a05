"""Read a spreadsheet (.xlsx/.xls/.ods or CSV in any encoding Excel/WPS saves).

Returns the header and data rows with their sheet row numbers; cells stay
raw (str, int, float, date) for the cell parsers. Encodings (guessing alone
fails: a two-line GBK file passes for Korean, Big5 decodes as GB18030):
BOM first (UTF-8-sig, UTF-16), then strict UTF-8, GB18030,
Big5, keeping the one whose header row matches known column names.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct
from python_calamine import CalamineWorkbook

from planner.errors import Problem
from planner.load import limits

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}

# The csv module stops at 131,072 characters a field with a message naming no
# column; the file's own size limit bounds a field, and the cell limit
# (cells.MAX_CELL_CHARS) then names the cell.
csv.field_size_limit(limits.MAX_CSV_BYTES)
CANDIDATE_ENCODINGS = ("utf-8", "gb18030", "big5")


class Table(Struct, frozen=True):
    header: list[str]
    rows: list[tuple[int, list[object]]]  # (sheet row number, cells)
    encoding: str | None = None


class TableError(Exception):
    """The file cannot be read as a table: ``problem`` says why, and ``problems``
    lists every place found (a file with several bad bytes names each)."""

    def __init__(self, problem: Problem, more: list[Problem] | None = None) -> None:
        super().__init__(problem.message)
        self.problem = problem
        self.problems = [problem, *(more or [])]


def _fail(path: Path, zh: str, en: str, row: int | None = None) -> TableError:
    return TableError(Problem(str(path), row, None, zh, en))


#: a title row or two often stands above the header (花名册): the header is the
#: best-scoring of the first rows
HEADER_SEARCH_ROWS = 5


def read_table(
    path: Path,
    header_score: Callable[[list[str]], int],
    *,
    shown: str,
    sheet: str | None = None,
) -> Table:
    """Read ``path``; ``header_score`` counts known column names in a header.

    ``shown`` is how the file is named in messages (relative to the event);
    ``sheet`` names the workbook's sheet (default: the first).
    """
    path = Path(path)
    if not path.is_file():
        raise TableError(Problem(shown, None, None, "文件不存在", "file not found"))
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            limits.check_workbook(path, shown)
            grid = _read_excel(path, shown, sheet)
            encoding = None
        else:
            limits.check_file_size(path, shown, limits.MAX_CSV_BYTES)
            data = path.read_bytes()
            grid, encoding = _read_csv(data, header_score, shown)
    except limits.TooLarge as exc:
        raise TableError(exc.problem) from None
    return _to_table(grid, shown, encoding, header_score)


def _names(row: list[object]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in row]


def _to_table(
    grid: list[list[object]],
    shown: str,
    encoding: str | None,
    header_score: Callable[[list[str]], int],
) -> Table:
    rows = [(i + 1, row) for i, row in enumerate(grid)]
    rows = [(n, row) for n, row in rows if any(_filled(c) for c in row)]
    if not rows:
        raise TableError(
            Problem(shown, None, None, "表格是空的(没有表头)", "the sheet is empty (no header row)")
        )
    scores = [header_score(_names(row)) for _, row in rows[:HEADER_SEARCH_ROWS]]
    at = scores.index(max(scores)) if max(scores) > 0 else 0
    names = _names(rows[at][1])
    width = len(names)
    data = []
    for n, row in rows[at + 1 :]:
        cells = list(row[:width]) + [None] * (width - len(row))
        extra = [c for c in row[width:] if _filled(c)]
        if extra:
            raise TableError(
                Problem(
                    shown,
                    n,
                    None,
                    f"这一行比表头多出 {len(extra)} 格",
                    f"row has {len(extra)} cell(s) beyond the header",
                )
            )
        data.append((n, cells))
    return Table(names, data, encoding)


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _read_excel(path: Path, shown: str, sheet_name: str | None) -> list[list[object]]:

    try:
        book = CalamineWorkbook.from_path(str(path))
        if not book.sheet_names:
            raise TableError(
                Problem(shown, None, None, "工作簿里没有工作表", "the workbook has no sheet")
            )
        if sheet_name is not None and sheet_name not in book.sheet_names:
            names = "、".join(book.sheet_names)
            raise TableError(
                Problem(
                    shown,
                    None,
                    None,
                    f"工作簿里没有名为「{sheet_name}」的工作表(有:{names})",
                    f"the workbook has no sheet named {sheet_name!r} (it has: {', '.join(book.sheet_names)})",
                )
            )
        sheet = (
            book.get_sheet_by_name(sheet_name)
            if sheet_name is not None
            else book.get_sheet_by_index(0)
        )
        limits.check_extent(shown, sheet.height, sheet.width, sheet.name)
        return [list(row) for row in sheet.to_python(skip_empty_area=False)]
    except (TableError, limits.TooLarge):
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise TableError(
            Problem(
                shown,
                None,
                None,
                f"无法作为 Excel 文件读取({type(exc).__name__})",
                f"cannot be read as an Excel file ({type(exc).__name__}: {exc})",
            )
        ) from None


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(data: bytes, header_score: Callable[[list[str]], int], shown: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise TableError(
                    Problem(
                        shown,
                        None,
                        None,
                        f"文件开头标明 {encoding} 编码,但内容不是",
                        f"file starts with a {encoding} mark but is not {encoding}",
                    )
                ) from None
    best: tuple[int, str, str] | None = None
    for encoding in CANDIDATE_ENCODINGS:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = max((header_score(row) for row in _leading_rows(decoded)), default=0)
        if best is None or score > best[0]:
            best = (score, decoded, encoding)
        if encoding == "utf-8" and score > 0:
            break
    if best is None:
        bad = _bad_bytes(data, header_score, shown)
        if bad:
            raise TableError(bad[0], bad[1:])
        raise TableError(
            Problem(
                shown,
                None,
                None,
                "无法识别文件编码(请在 Excel/WPS 中另存为 UTF-8 CSV 或 .xlsx)",
                "unknown text encoding (save as UTF-8 CSV or .xlsx)",
            )
        )
    return best[1], best[2]


#: at most this many undecodable bytes are named, each at its row and column
BAD_BYTES_NAMED = 20


def _bad_bytes(data: bytes, header_score: Callable[[list[str]], int], shown: str) -> list[Problem]:
    """Where a file that is nearly in one encoding has bytes that are not.

    The encoding is the candidate whose header (read with the bad bytes
    replaced) matches the known column names best; each bad byte is named
    by its row and the header of its column.
    """
    best: tuple[int, str] | None = None
    for encoding in CANDIDATE_ENCODINGS:
        decoded = data.decode(encoding, errors="replace")
        score = max((header_score(row) for row in _leading_rows(decoded)), default=0)
        if score > 0 and (best is None or score > best[0]):
            best = (score, encoding)
    if best is None:
        return []
    encoding = best[1]
    decoded = data.decode(encoding, errors="replace")
    header = max(_leading_rows(decoded), key=header_score)
    problems: list[Problem] = []
    start = 0
    while len(problems) < BAD_BYTES_NAMED:
        try:
            data[start:].decode(encoding)
            break
        except UnicodeDecodeError as exc:
            at, end = start + exc.start, start + exc.end
        line_start = data.rfind(b"\n", 0, at) + 1
        row = data.count(b"\n", 0, at) + 1
        before = data[line_start:at].decode(encoding, errors="replace")
        cells_before = _split_line(before) if before else [""]
        index = len(cells_before) - 1
        column = header[index] if index < len(header) and header[index] else None
        shown_bytes = " ".join(f"0x{b:02X}" for b in data[at:end])
        name = {"utf-8": "UTF-8", "gb18030": "GBK/GB18030", "big5": "Big5"}[encoding]
        problems.append(
            Problem(
                shown,
                row,
                column,
                f"有无法识别的字节 {shown_bytes}(文件其余部分是 {name} 编码;请改正这一格,"
                "或在 Excel/WPS 中另存为 UTF-8 CSV)",
                f"byte(s) {shown_bytes} are not {name}, as the rest of the file is "
                "(fix this cell, or save the file again as UTF-8 CSV)",
            )
        )
        start = end
    return problems


def _leading_rows(decoded: str) -> list[list[str]]:
    """The first non-empty rows, where the header is (a title row may come first)."""
    lines = [line for line in decoded.splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    return [[c.strip() for c in _split_line(line)] for line in lines]


def _split_line(line: str) -> list[str]:
    delimiter = _delimiter(line)
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return line.split(delimiter)


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(
    data: bytes, header_score: Callable[[list[str]], int], shown: str
) -> tuple[list[list[object]], str]:
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError(
            Problem(
                shown,
                None,
                None,
                "文件里有空字节,不是文本 CSV(是否其实是 Excel 文件?)",
                "file contains NUL bytes; not a text CSV (is it an Excel file?)",
            )
        )
    decoded, encoding = _decode(data, header_score, shown)
    decoded = decoded.replace("\x00", "")
    leading = [line for line in decoded.splitlines() if line.strip()][:HEADER_SEARCH_ROWS]
    delimiter = _delimiter(max(leading, key=lambda line: len(_split_line(line)), default=""))
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    grid: list[list[object]] = []
    try:
        for row in reader:
            limits.check_extent(shown, len(grid) + 1, len(row))
            grid.append(list(row))
    except csv.Error as exc:
        raise TableError(
            Problem(shown, len(grid) + 1, None, f"CSV 格式错误:{exc}", f"malformed CSV: {exc}")
        ) from None
    return grid, encoding
