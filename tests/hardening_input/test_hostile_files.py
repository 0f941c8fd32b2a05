"""Crafted spreadsheets are refused before they are read: exit 3 naming the file
and the limit, the inputs untouched, nothing written.

The files are made here by hand with zipfile (no binaries in the repository).
"""

from __future__ import annotations

import json
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import CHILD_HEADER, CHILD_ROWS, VOLUNTEER_HEADER, VOLUNTEER_ROWS, write_csv
from typer.testing import CliRunner

from planner.cli import app
from planner.load import limits

runner = CliRunner()

_CT = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="报名表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Target="worksheets/sheet1.xml" Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main"><sheetData>'
)


def _cell(ref: str | None, value: str) -> str:
    r = f' r="{ref}"' if ref else ""
    return f'<c{r} t="inlineStr"><is><t>{value}</t></is></c>'


def _roster_rows() -> str:
    """The tiny event's volunteers as sheet rows 1..3 (header and two rows)."""
    out = []
    for n, row in enumerate([VOLUNTEER_HEADER, *VOLUNTEER_ROWS], start=1):
        out.append(f'<row r="{n}">' + "".join(_cell(None, v) for v in row) + "</row>")
    return "".join(out)


def write_xlsx(path: Path, sheet_data: str) -> Path:
    """A minimal .xlsx whose one sheet (报名表) holds ``sheet_data`` (``<row>`` elements)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr(
            "xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet_data + "</sheetData></worksheet>"
        )
    return path


def _use_xlsx(folder: Path) -> Path:
    toml = folder / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("volunteers.csv", "volunteers.xlsx"),
        encoding="utf-8",
    )
    return folder / "volunteers.xlsx"


def expect_refused(folder: Path, guarded, words: str, *, row: int | None = None) -> None:
    """`plan` exits 3 naming the file (and row) and ``words``; nothing changed, nothing written."""
    out = folder.parent / "out"
    g = guarded(folder, out)
    result = runner.invoke(app, ["plan", str(folder), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    name = folder / "volunteers.xlsx"
    if not name.exists():
        name = folder / "volunteers.csv"
    where = f"{name.name}:{row}:" if row is not None else f"{name.name}: "
    assert any(where in line and words in line for line in result.output.splitlines()), (
        result.output
    )
    g.inputs_untouched()
    g.output_unchanged()
    checked = runner.invoke(app, ["check", str(folder), "--json"])
    assert checked.exit_code == 3
    assert any(words in p["message_en"] for p in json.loads(checked.stdout)["problems"])


def test_a_real_sized_workbook_loads(tiny_event):
    write_xlsx(_use_xlsx(tiny_event), _roster_rows())
    assert runner.invoke(app, ["check", str(tiny_event)]).exit_code == 0


def test_one_cell_at_xfd1048576_is_refused_before_reading(tiny_event, guarded):
    """Read in a child process with its address space capped at 2 GB: without
    the check the reader would try to allocate the whole grid (512 GiB)."""
    write_xlsx(
        _use_xlsx(tiny_event),
        _roster_rows() + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>",
    )
    g = guarded(tiny_event, tiny_event.parent / "out")
    cap = 2 * 1024**3

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run(
        [sys.executable, "-m", "planner", "check", str(tiny_event), "--lang", "en"],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr
    assert (
        "volunteers.xlsx: sheet '报名表' reaches row 1,048,576, above the limit of 100,000 rows"
        in done.stderr
    )
    g.inputs_untouched()
    expect_refused(tiny_event, guarded, "reaches row 1,048,576")


def test_a_column_past_the_limit(tiny_event, guarded):
    write_xlsx(_use_xlsx(tiny_event), _roster_rows() + '<row r="4">' + _cell("GS4", "x") + "</row>")
    expect_refused(tiny_event, guarded, "reaches column 201, above the limit of 200 columns")


def test_cells_without_references_are_counted(tiny_event, guarded):
    """A row of 201 cells with no r attribute reaches column 201 all the same."""
    write_xlsx(_use_xlsx(tiny_event), _roster_rows() + "<row>" + _cell(None, "x") * 201 + "</row>")
    expect_refused(tiny_event, guarded, "reaches column 201")


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tiny_event, guarded, monkeypatch):
    """A part that unpacks far beyond the limit (here the limit is lowered to
    1 MB so that the test file stays small: the check is the same)."""
    monkeypatch.setattr(limits, "MAX_BYTES", 1024 * 1024)
    path = write_xlsx(_use_xlsx(tiny_event), _roster_rows())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.xml", b" " * (3 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    expect_refused(tiny_event, guarded, "the workbook unpacks to 3 MB, above the limit of 1 MB")


def _lie_about_size(path: Path, part: str, size: int) -> None:
    """Rewrite the uncompressed size ``part``'s headers declare (local and central)."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(name, at)) != -1:
        if data[at - 30 : at - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, at - 30 + 22, size)
        elif data[at - 46 : at - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, at - 46 + 24, size)
        at += len(name)
    path.write_bytes(bytes(data))


def test_a_part_larger_than_its_header_says_is_refused(tiny_event, guarded):
    path = write_xlsx(_use_xlsx(tiny_event), _roster_rows())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.xml", b" " * (4 * 1024 * 1024))
    _lie_about_size(path, "xl/media/padding.xml", 1000)
    expect_refused(tiny_event, guarded, "the workbook is damaged (part xl/media/padding.xml")


def test_a_workbook_of_too_many_parts(tiny_event, guarded, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARTS", 20)
    path = write_xlsx(_use_xlsx(tiny_event), _roster_rows())
    with zipfile.ZipFile(path, "a") as z:
        for i in range(30):
            z.writestr(f"xl/media/{i}.xml", b"")
    expect_refused(tiny_event, guarded, "the workbook has 35 parts, above the limit of 20")


def test_csv_with_too_many_rows(tiny_event, guarded):
    rows = [
        [f"V{i:06d}", "李明", "男", "21", "", "", "是", "是", "2026-05-01", "1"]
        for i in range(100_000)
    ]
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    expect_refused(
        tiny_event, guarded, "the sheet reaches row 100,001, above the limit of 100,000 rows"
    )


def test_csv_with_too_many_columns(tiny_event, guarded):
    rows = [list(r) for r in VOLUNTEER_ROWS]
    rows[1] = rows[1] + ["x"] * 200
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    expect_refused(tiny_event, guarded, "reaches column 210, above the limit of 200 columns")


def test_csv_too_big(tiny_event, guarded, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 1024 * 1024)
    rows = [list(r) for r in VOLUNTEER_ROWS]
    rows[1][-1] = "1" + " " * (2 * 1024 * 1024)
    write_csv(tiny_event / "volunteers.csv", VOLUNTEER_HEADER, rows)
    expect_refused(tiny_event, guarded, "the file is 2 MB, above the limit of 1 MB")


@pytest.mark.parametrize("children", [True])
def test_children_sheet_is_held_to_the_same_limits(tiny_event, guarded, children):
    rows = [list(r) for r in CHILD_ROWS]
    rows[0] = rows[0] + ["x"] * 250
    write_csv(tiny_event / "children.csv", CHILD_HEADER, rows)
    out = tiny_event.parent / "out"
    g = guarded(tiny_event, out)
    result = runner.invoke(app, ["check", str(tiny_event), "--lang", "en"])
    assert result.exit_code == 3
    assert (
        "children.csv: the sheet reaches column 260, above the limit of 200 columns"
        in result.output
    )
    g.inputs_untouched()


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="报名表">'
)
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_cell(value: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    )


def write_ods(path: Path, rows: str) -> Path:
    """A minimal .ods whose one table (报名表) holds ``rows`` (``<table:table-row>`` elements)."""
    manifest = (
        '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
        'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS_HEAD + rows + _ODS_TAIL)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


def _ods_roster(padded: bool) -> str:
    """The tiny event's volunteers; ``padded`` as LibreOffice writes a sheet: every
    row runs on in empty cells to column 1,024, empty rows run on to row 1,048,576."""
    pad = '<table:table-cell table:number-columns-repeated="1014"/>' if padded else ""
    rows = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + pad + "</table:table-row>"
        for row in [VOLUNTEER_HEADER, *VOLUNTEER_ROWS]
    )
    if padded:
        rows += (
            '<table:table-row table:number-rows-repeated="1048573">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
    return rows


def _use_ods(folder: Path) -> Path:
    toml = folder / "event.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("volunteers.csv", "volunteers.ods"),
        encoding="utf-8",
    )
    (folder / "volunteers.csv").unlink()
    return folder / "volunteers.ods"


def test_an_ods_padded_as_libreoffice_writes_it_loads(tiny_event):
    write_ods(_use_ods(tiny_event), _ods_roster(padded=True))
    result = runner.invoke(app, ["check", str(tiny_event)])
    assert result.exit_code == 0, result.output


def test_an_ods_cell_far_away_is_refused(tiny_event, guarded):
    far = (
        '<table:table-row table:number-rows-repeated="200000"><table:table-cell/></table:table-row>'
        "<table:table-row>" + _ods_cell("x") + "</table:table-row>"
    )
    path = write_ods(_use_ods(tiny_event), _ods_roster(padded=False) + far)
    out = tiny_event.parent / "out"
    g = guarded(tiny_event, out)
    result = runner.invoke(app, ["plan", str(tiny_event), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 3, result.output
    assert (
        f"{path.name}: sheet '报名表' reaches row 200,004, above the limit of 100,000 rows"
        in result.output
    )
    g.inputs_untouched()
    g.output_unchanged()


def test_an_ods_column_past_the_limit(tiny_event, guarded):
    wide = (
        '<table:table-row><table:table-cell table:number-columns-repeated="300"/>'
        + _ods_cell("x")
        + "</table:table-row>"
    )
    write_ods(_use_ods(tiny_event), _ods_roster(padded=False) + wide)
    result = runner.invoke(app, ["check", str(tiny_event), "--lang", "en"])
    assert result.exit_code == 3
    assert "reaches column 301, above the limit of 200 columns" in result.output
