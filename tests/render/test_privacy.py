"""No sensitive marker reaches a volunteer-facing (or the restaurant's) file,
except what that one reader needs.

Every sensitive field of the plan holds a unique marker (render/plans.py:
``marked_plan``). After a full export, each file is classified by
planner.render.audience and scanned: volunteer files (invites, volunteer
sheets, pairing cards, and their PDFs' text) must hold none of them, but a
volunteer's own sheet carries what its reader needs (``needed_by``): the
health, allergy and diet facts of their own children, and the phones they
must call that day (fellow escorts, their bus's driver, their group leader); the
restaurant's meal order holds only counts (allergen names are dietary
counts the kitchen needs, nothing else). The organisers' roster must hold
them all, which proves the markers were rendered at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from render.plans import marked_plan, marker, needed_by, sensitive_strings, sheet_sections

from planner.render import Audience, audience_of, export
from planner.render.typeset import font_files

PDFTOTEXT = shutil.which("pdftotext")


def file_text(path: Path) -> str:
    """What a reader of ``path`` can see: the text, or for a PDF its extracted text."""
    if path.suffix == ".pdf":
        done = subprocess.run(
            [PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        )
        text = done.stdout.decode("utf-8")  # words broken across lines joined again
        return re.sub(r"\u00ad\s*|\u200b", "", text)
    if path.suffix == ".xlsx":
        return ""
    return path.read_bytes().decode("utf-8-sig")


def unfold(text: str) -> str:
    """Undo iCalendar line folding, so a marker split across lines is still found."""
    return text.replace("\r\n ", "").replace("\n ", "")


def leaks(text: str, forbidden: dict[str, str]) -> list[str]:
    return sorted(
        f"{what}: {needle!r}" for needle, what in forbidden.items() if needle in unfold(text)
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("privacy")
    notes: list[str] = []
    written = export(marked_plan(), out, pdf=PDFTOTEXT is not None, on_note=notes.append)
    return out, written


def email_of(volunteer_id: str) -> str:
    return marker("vemail", volunteer_id) + "@example.org"


def test_volunteer_facing_files_hold_no_sensitive_marker(exported: tuple[Path, list[Path]]) -> None:
    out, written = exported
    plan = marked_plan()
    forbidden = sensitive_strings(plan)
    own = {v: needed_by(plan, v) for v in plan.volunteers_selected}
    volunteer_files = [
        p for p in written if audience_of(p.relative_to(out).as_posix()) is Audience.VOLUNTEER
    ]
    names = {p.relative_to(out).as_posix() for p in volunteer_files}
    assert {"invites/V01.ics", "invites/team.ics", "volunteers/V01.html"} <= names
    assert {"print/cards.html", "print/volunteer_sheets.html"} <= names
    if PDFTOTEXT and font_files() != []:  # typeset wherever a font prints Chinese
        assert {"print/cards.pdf", "print/volunteer_sheets.pdf"} <= names
    found = {}
    for name in sorted(names):
        text = file_text(out / name)
        if name.startswith("volunteers/"):
            vid = Path(name).stem
            found[name] = leaks(text, {k: v for k, v in forbidden.items() if k not in own[vid]})
        elif name == "print/volunteer_sheets.html":
            cut = sheet_sections(text)
            assert sorted(cut) == sorted(own)
            for vid, part in cut.items():
                allowed = own[vid]
                found[f"{name}#{vid}"] = leaks(
                    part, {k: v for k, v in forbidden.items() if k not in allowed}
                )
        elif name == "print/volunteer_sheets.pdf":
            anyone = set().union(*own.values())
            found[name] = leaks(text, {k: v for k, v in forbidden.items() if k not in anyone})
        else:
            found[name] = leaks(text, forbidden)
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_each_volunteer_sheet_carries_what_its_reader_needs(
    exported: tuple[Path, list[Path]],
) -> None:
    """The positive side: the adult minding C04 (asthma) sees it; escorts see the
    phones they must call, unmasked; no sheet shows a guardian."""
    out, _ = exported
    plan = marked_plan()
    for vid in plan.volunteers_selected:
        sheet = file_text(out / "volunteers" / f"{vid}.html")
        missing = sorted(s for s in needed_by(plan, vid) if s not in sheet)
        assert missing == [], vid
    v02 = file_text(out / "volunteers" / "V02.html")
    assert marker("medical", "C04") in v02 and marker("medical", "C04") not in file_text(
        out / "volunteers" / "V01.html"
    )
    assert "C04" in v02 and "丽" in v02  # given name and id; photo consent refused
    v01 = file_text(out / "volunteers" / "V01.html")
    assert marker("allergy", "C02") in v01
    assert marker("vphone", "V03") in v01  # the fellow escort on bus B1
    assert "13700001111" in v01  # the driver
    assert marker("vphone", "V01") in file_text(out / "volunteers" / "V02.html")  # their leader


def test_each_volunteer_sees_only_their_own_email(exported: tuple[Path, list[Path]]) -> None:
    out, _ = exported
    everyone = [f"V0{i}" for i in range(1, 8)]
    for own in everyone[:6]:
        for path in (out / "invites" / f"{own}.ics", out / "volunteers" / f"{own}.html"):
            text = unfold(file_text(path))
            others = [v for v in everyone if v != own and email_of(v) in text]
            assert others == [], path.name
    for shared in ("invites/team.ics", "print/cards.html", "print/volunteer_sheets.html"):
        text = unfold(file_text(out / shared))
        assert [v for v in everyone if email_of(v) in text] == [], shared


def test_the_restaurant_gets_counts_and_allergens_but_no_person(
    exported: tuple[Path, list[Path]],
) -> None:
    out, written = exported
    forbidden = {
        k: v for k, v in sensitive_strings(marked_plan()).items() if not v.startswith("allergy")
    }
    meal_files = [
        p for p in written if audience_of(p.relative_to(out).as_posix()) is Audience.RESTAURANT
    ]
    assert meal_files
    for path in meal_files:
        assert leaks(file_text(path), forbidden) == [], path.name
    assert marker("allergy", "C01") in file_text(out / "print" / "meal.html")


def test_the_organisers_roster_does_carry_the_markers(exported: tuple[Path, list[Path]]) -> None:
    """The positive control: the markers are rendered where they belong."""
    out, _ = exported
    roster = file_text(out / "print" / "roster.html")
    for cid in ("C01", "C05", "C10"):
        assert marker("gphone", cid) in roster
        assert marker("medical", cid) in roster
        assert marker("allergy", cid) in roster
    assert "王小明" in roster


def test_volunteer_sheets_show_no_phone_their_reader_does_not_call(
    exported: tuple[Path, list[Path]],
) -> None:
    out, _ = exported
    sheet = file_text(out / "volunteers" / "V05.html")  # no bus, in V04's group
    assert "029-87650000" in sheet  # the coordinator
    assert marker("vphone", "V04") in sheet  # the group leader
    for other in ("V01", "V02", "V03", "V06"):
        assert marker("vphone", other) not in sheet
    assert "13700001111" not in sheet and "13700002222" not in sheet


def test_the_scan_finds_a_planted_marker(tmp_path: Path) -> None:
    """The scan itself can fail: a guardian phone planted in a sheet is reported."""
    forbidden = sensitive_strings(marked_plan())
    planted = tmp_path / "sheet.html"
    planted.write_text(f"<p>call {marker('gphone', 'C03')}</p>", encoding="utf-8")
    assert leaks(file_text(planted), forbidden) == [
        f"guardian phone of C03: {marker('gphone', 'C03')!r}"
    ]
    folded = (
        "DESCRIPTION:abc" + marker("medical", "C05")[:4] + "\r\n " + marker("medical", "C05")[4:]
    )
    assert leaks(folded, forbidden) == [f"medical notes of C05: {marker('medical', 'C05')!r}"]
