"""The worksheet extent check, on sheets written the plain way (``<row r=..><c r=..>``).

Such chunks are checked by one regular expression; these sheets sit at the
limits, past them, and across a chunk boundary into tags without references,
so the fast path and the tag-by-tag one must agree.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from planner.load.limits import _CHUNK, MAX_COLUMNS, MAX_ROWS, TooLarge, check_workbook


def _col(n: int) -> str:
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main"><sheetData>'
)


def _book(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", f"{HEAD}{rows}</sheetData></worksheet>")
    return path


def _row(r: int, columns: range, *, ref: bool = True) -> str:
    cells = "".join(
        f'<c r="{_col(c)}{r}" t="n"><v>1</v></c>' if ref else '<c t="n"><v>1</v></c>'
        for c in columns
    )
    return f'<row r="{r}">{cells}</row>'


def _refused(path: Path) -> str:
    with pytest.raises(TooLarge) as caught:
        check_workbook(path, "book.xlsx")
    return caught.value.problem.message_en


def test_plain_cells_at_the_limits_pass(tmp_path: Path) -> None:
    rows = _row(1, range(1, MAX_COLUMNS + 1)) + _row(MAX_ROWS, range(1, 2))
    check_workbook(_book(tmp_path, rows), "book.xlsx")


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (_row(1, range(MAX_COLUMNS + 1, MAX_COLUMNS + 2)), "column 201"),
        (_row(MAX_ROWS + 1, range(1, 2)), "row 100,001"),
        ('<row r="1"><c r="XFD1048576"><v>1</v></c></row>', "row 1,048,576"),
        # a row numbered past the limit holding a cell numbered inside it counts as its row
        ('<row r="200000"><c r="A1"><v>1</v></c></row>', "row 200,000"),
    ],
)
def test_plain_cells_past_the_limits_are_refused(tmp_path: Path, rows: str, words: str) -> None:
    assert words in _refused(_book(tmp_path, rows))


def test_an_empty_row_past_the_limit_counts_for_nothing(tmp_path: Path) -> None:
    check_workbook(_book(tmp_path, _row(1, range(1, 3)) + '<row r="500000"/>'), "book.xlsx")


def test_cells_without_references_after_a_plain_chunk_continue_its_last_row(
    tmp_path: Path,
) -> None:
    # the first chunk is plain and ends inside the first unnumbered cell of row 2, whose
    # first 198 cells are numbered: that cell and the two after it are columns 199-201
    last = '<row r="2">' + "".join(f'<c r="{_col(c)}2"/>' for c in range(1, 199))
    unnumbered = '<c t="n"><v>1</v></c>'
    pad = _CHUNK - len(HEAD) - len(last) - len('<row r="1"><c r="A1" t="inlineStr"><is><t>')
    pad -= len("</t></is></c></row>") + len("<c t")
    first = f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * pad}</t></is></c></row>'
    assert len(HEAD + first + last + "<c t") == _CHUNK
    words = _refused(_book(tmp_path, first + last + unnumbered * 3 + "</row>"))
    assert "column 201" in words
    check_workbook(_book(tmp_path, first + last + unnumbered * 2 + "</row>"), "book.xlsx")
