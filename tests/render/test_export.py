"""export(): the whole set, whatever the stages filled; atomic, repeatable, offline."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from render.plans import bare_plan, expo_plan

from planner.io import read_plan, write_plan
from planner.itinerary.schedule import schedule_for
from planner.render import PRINT_PAGES, Audience, audience_of, export

FULL_SET = {
    "report.html",
    "pairs.csv",
    "rejected.csv",
    "groups.csv",
    "manifests.csv",
    "budget.csv",
    "budget.xlsx",
    "plan.xlsx",
    "invites/team.ics",
    "print/roster.html",
    "print/manifests.html",
    "print/meal.html",
    "print/cards.html",
    "print/volunteer_sheets.html",
    "print/guardian_slips.html",
    "print/signin.html",
    "guardians/notices.txt",
    *(f"guardians/C{i:02}.txt" for i in (1, 3, 4, 5, 6, 7, 8, 9, 10)),
    *(f"invites/V0{i}.ics" for i in range(1, 7)),
    *(f"volunteers/V0{i}.html" for i in range(1, 7)),
}


def names(out: Path, written: list[Path]) -> set[str]:
    return {p.relative_to(out).as_posix() for p in written}


def test_a_full_plan_gives_the_whole_set(tmp_path: Path) -> None:
    written = export(expo_plan(), tmp_path, pdf=False)
    assert names(tmp_path, written) == FULL_SET
    assert all(p.exists() for p in written)
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_plan_with_no_stage_run_renders_what_it_has(tmp_path: Path) -> None:
    written = export(bare_plan(), tmp_path, pdf=False)
    assert names(tmp_path, written) == {
        "report.html",
        "plan.xlsx",
        "print/roster.html",  # the children are known, so the roster can be printed
    }


def test_same_plan_same_bytes(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    export(expo_plan(), one, pdf=False)
    export(expo_plan(), two, pdf=False)
    for path in sorted(one.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (two / path.relative_to(one)).read_bytes(), path.name


def test_a_clock_only_changes_the_calendar_stamps(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    export(expo_plan(), one, pdf=False)
    export(expo_plan(), two, pdf=False, now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    ics = (two / "invites" / "V01.ics").read_text(encoding="utf-8")
    assert "DTSTAMP:20261201T090000Z" in ics
    strip = re.compile(r"DTSTAMP:\d{8}T\d{6}Z")
    assert strip.sub("", ics) == strip.sub(
        "", (one / "invites" / "V01.ics").read_text(encoding="utf-8")
    )
    assert (one / "report.html").read_bytes() == (two / "report.html").read_bytes()


def test_export_from_plan_json_alone(tmp_path: Path) -> None:
    """plan.json round trip: the CLI's `planner export` renders the same files."""
    direct, via_json = tmp_path / "direct", tmp_path / "json"
    export(expo_plan(), direct, pdf=False)
    # expo_plan is hand-built for the renderers, not solved: read its schema only
    export(read_plan(write_plan(expo_plan(), tmp_path), check=False), via_json, pdf=False)
    for path in sorted(direct.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (via_json / path.relative_to(direct)).read_bytes(), (
                path.name
            )


def test_without_a_font_for_chinese_html_is_written_pdf_skipped_with_one_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.render import typeset

    (tmp_path / "print").mkdir()
    stale = tmp_path / "print" / "roster.pdf"
    stale.write_bytes(b"%PDF old")
    monkeypatch.setattr(typeset, "font_files", lambda: [])
    notes: list[str] = []
    written = export(expo_plan(), tmp_path, on_note=notes.append)
    assert not [p for p in written if p.suffix == ".pdf"]
    assert {p.name for p in written} >= {f"{stem}.html" for stem in PRINT_PAGES}
    assert not stale.exists(), "an old PDF must not outlive the HTML it was printed from"
    assert len(notes) == 1 and notes[0].startswith("已生成 HTML，跳过 PDF"), notes
    assert "roster.pdf" in notes[0] and "fonts-noto-cjk" in notes[0]


def test_a_page_that_does_not_typeset_is_a_note_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.render import typeset

    broken = tmp_path / "templates"
    broken.mkdir()
    for typ in typeset.TEMPLATES.glob("*.typ"):
        (broken / typ.name).write_text(typ.read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "meal.typ").write_text('#import "page.typ": *\n#no-such-function()\n')
    monkeypatch.setattr(typeset, "TEMPLATES", broken)
    notes: list[str] = []
    written = export(expo_plan(), tmp_path / "out", on_note=notes.append)
    pdfs = {p.stem for p in written if p.suffix == ".pdf"}
    assert pdfs == set(PRINT_PAGES) - {"meal"}
    assert len(notes) == 1 and "PDF 生成失败（meal.pdf）" in notes[0] and "meal" in notes[0]


def test_fonts_typst_cannot_read_are_one_note_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.render import typeset

    def no_folder(files: list[str]) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(typeset, "font_folder", no_folder)
    notes: list[str] = []
    written = export(expo_plan(), tmp_path, on_note=notes.append)
    assert not [p for p in written if p.suffix == ".pdf"]
    assert len(notes) == 1 and "No space left on device" in notes[0], notes


def test_default_notes_go_to_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from planner.render import typeset

    monkeypatch.setattr(typeset, "font_files", lambda: [])
    export(expo_plan(), tmp_path)
    captured = capsys.readouterr()
    assert captured.out == "" and "跳过 PDF" in captured.err


def test_every_output_has_a_reader(tmp_path: Path) -> None:
    written = export(expo_plan(), tmp_path, pdf=False)
    readers = {n: audience_of(n) for n in names(tmp_path, written)}
    assert readers["invites/V01.ics"] is Audience.VOLUNTEER
    assert readers["print/cards.html"] is Audience.VOLUNTEER
    assert readers["print/meal.html"] is Audience.RESTAURANT
    assert readers["print/manifests.html"] is Audience.ESCORT
    assert readers["print/roster.html"] is Audience.ORGANISER
    assert readers["plan.xlsx"] is Audience.ORGANISER


def test_no_html_output_reaches_the_network(tmp_path: Path) -> None:
    written = export(expo_plan(), tmp_path, pdf=False)
    for path in written:
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"https?://|<script|<link|@import|url\(", text), path.name


def test_printed_pages_declare_chinese(tmp_path: Path) -> None:
    written = export(expo_plan(), tmp_path, pdf=False)
    for path in written:
        if path.suffix == ".html":
            assert '<html lang="zh-CN">' in path.read_text(encoding="utf-8"), path.name


def test_removed_parts_remove_their_pages(tmp_path: Path) -> None:
    export(expo_plan(), tmp_path, pdf=False)
    (tmp_path / "print" / "roster.pdf").write_bytes(b"%PDF printed from the old roster")
    plan = expo_plan()
    plan.buses, plan.meals = [], []
    plan.pairs = []
    plan.volunteers_selected = ["V01", "V02"]
    written = names(tmp_path, export(plan, tmp_path, pdf=False))
    assert not (tmp_path / "print" / "manifests.html").exists()
    assert not (tmp_path / "print" / "meal.html").exists()
    assert not (tmp_path / "print" / "cards.html").exists()
    assert not (tmp_path / "pairs.csv").exists() and not (tmp_path / "manifests.csv").exists()
    assert not (tmp_path / "print" / "roster.pdf").exists()
    assert sorted(p.name for p in (tmp_path / "volunteers").iterdir()) == ["V01.html", "V02.html"]
    assert "invites/V03.ics" not in written and not (tmp_path / "invites" / "V03.ics").exists()


def test_unknown_language_fails_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        export(expo_plan(), tmp_path / "out", lang="fr")
    assert not (tmp_path / "out").exists()


# ---- each volunteer's own items, as the invites and sheets use them -----------
def test_who_filter_gives_escorts_their_rides_and_groups_their_games() -> None:
    plan = expo_plan()
    ids = [t.id for t in schedule_for(plan, "V01")]
    assert ids == [
        "pickup",
        "welcome",
        "tour_am",
        "lunch",
        "games-G1",
        "tour_pm",
        "photo",
        "return",
    ]


def test_who_filter_leaves_a_non_escort_off_the_bus_and_other_groups_games() -> None:
    plan = expo_plan()
    ids = [t.id for t in schedule_for(plan, "V05")]
    assert "pickup" not in ids and "return" not in ids and "games-G1" not in ids
    assert "games-G2" in ids and "tour_pm" in ids


def test_who_filter_pairs_item_needs_a_pair() -> None:
    plan = expo_plan()
    plan.pairs = [p for p in plan.pairs if p.volunteer_id != "V05"]
    assert "tour_pm" not in [t.id for t in schedule_for(plan, "V05")]


FIRST_PAGE_PROBE = """
import sys
from pathlib import Path
from planner.model import Plan
from planner.render import export, typeset

seen = []
submit = typeset.Typesetter.submit

def noting(self, *args, **kwargs):
    seen.append(sorted(m for m in ("jinja2", "openpyxl", "icalendar") if m in sys.modules))
    return submit(self, *args, **kwargs)

typeset.Typesetter.submit = noting
plan = Plan.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
export(plan, Path(sys.argv[2]), on_note=lambda line: None)
print(seen[0], len(seen))
"""


def test_the_first_page_reaches_typst_before_the_other_outputs_libraries(
    tmp_path: Path,
) -> None:
    # Typst typesets while the rest is written: it should not wait for Jinja2 (the
    # HTML twins), openpyxl or icalendar to load (~0.2 s together)
    import subprocess
    import sys

    plan_json = write_plan(expo_plan(), tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAGE_PROBE, str(plan_json), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert done.stdout.split() == ["[]", str(len(PRINT_PAGES))]
