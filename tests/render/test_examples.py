"""The Expo day example, planned by every stage and exported: the whole set, and
no child's full name, guardian or phone in any volunteer-facing file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from render.plans import needed_by, sensitive_strings, sheet_sections

from planner.render import Audience, audience_of, export

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def expo(tmp_path_factory: pytest.TempPathFactory):
    from planner.load import load_event
    from planner.pipeline import build_plan

    plan = build_plan(load_event(EXAMPLES / "expo_day"))
    out = tmp_path_factory.mktemp("expo")
    return plan, out, export(plan, out, pdf=False)


def test_expo_day_writes_the_whole_set(expo) -> None:
    plan, out, written = expo
    names = {p.relative_to(out).as_posix() for p in written}
    selected = sorted(plan.volunteers_selected)
    assert len(selected) == 15
    assert {f"invites/{v}.ics" for v in selected} | {"invites/team.ics"} <= names
    assert {f"volunteers/{v}.html" for v in selected} <= names
    expected = {
        "report.html",
        "pairs.csv",
        "groups.csv",
        "manifests.csv",
        "budget.csv",
        "plan.xlsx",
    }
    expected |= {
        f"print/{k}.html" for k in ("roster", "manifests", "meal", "cards", "volunteer_sheets")
    }
    assert expected <= names
    for path in written:
        if path.suffix == ".ics":
            cal = Calendar.from_ical(path.read_bytes())
            assert cal.walk("VEVENT"), path.name


def test_expo_day_volunteer_files_hold_no_child_or_guardian_details(expo) -> None:
    plan, out, written = expo
    # villages, home areas and sibling tags are real words here ("石井村" is also the pickup
    # point's name), so only the strictly personal strings are searched for
    personal = (
        "full name",
        "guardian",
        "phone",
        "masked",
        "driver",
        "medical",
        "allergy",
        "birth date",
    )
    forbidden = {k: v for k, v in sensitive_strings(plan).items() if v.startswith(personal)}
    for path in written:
        rel = path.relative_to(out).as_posix()
        if audience_of(rel) is not Audience.VOLUNTEER:
            continue
        text = path.read_text(encoding="utf-8").replace("\r\n ", "")
        parts = {rel: (text, set())}
        if rel.startswith("volunteers/"):
            parts = {rel: (text, needed_by(plan, path.stem))}
        elif rel == "print/volunteer_sheets.html":
            assert sorted(sheet_sections(text)) == sorted(plan.volunteers_selected)
            parts = {
                f"{rel}#{vid}": (part, needed_by(plan, vid))
                for vid, part in sheet_sections(text).items()
            }
        for where, (part, allowed) in parts.items():
            hits = sorted(
                what
                for needle, what in forbidden.items()
                if needle in part and needle not in allowed
            )
            assert hits == [], where
    assert len(forbidden) > 60  # 30 children's names, guardians and phones were searched for


def test_expo_day_the_adult_minding_the_asthmatic_child_knows_it(expo) -> None:
    """C24 has asthma and a seafood allergy: her volunteer's sheet says so, with her
    diet and photo consent; no other volunteer's sheet, invite or card does, and no
    volunteer file carries her guardian's phone."""
    plan, out, written = expo
    child = next(c for c in plan.people.children if c.id == "C24")
    assert "海鲜" in child.allergies and "哮喘" in (child.medical_notes or "")
    minder = next(p.volunteer_id for p in plan.pairs if "C24" in p.child_ids)
    own = (out / "volunteers" / f"{minder}.html").read_text(encoding="utf-8")
    assert "哮喘" in own and "海鲜" in own and "C24" in own
    assert child.guardian is not None and child.guardian.phone not in own
    for path in written:
        rel = path.relative_to(out).as_posix()
        if audience_of(rel) is not Audience.VOLUNTEER or rel.endswith(f"{minder}.html"):
            continue
        text = path.read_text(encoding="utf-8")
        if rel == "print/volunteer_sheets.html":
            text = "".join(p for v, p in sheet_sections(text).items() if v != minder)
        assert "哮喘" not in text and "海鲜" not in text, rel


def test_expo_day_escorts_start_at_the_depot_with_their_stops(expo) -> None:
    plan, out, _ = expo
    bus = plan.buses[0]
    leg = next(leg for leg in bus.legs if leg.direction == "out")
    escort, other = leg.volunteer_ids[0], leg.volunteer_ids[1]
    sheet = (out / "volunteers" / f"{escort}.html").read_text(encoding="utf-8")
    depot = next(p for p in plan.people.places if p.id == leg.from_)
    start = leg.depart.astimezone(ZoneInfo(plan.event.timezone)).strftime("%H:%M")
    assert f"<b>{start} {depot.name}</b>" in sheet
    fellow = next(v for v in plan.people.volunteers if v.id == other)
    assert fellow.phone and fellow.phone in sheet and bus.driver_phone in sheet
    for stop in leg.stops:
        for cid in stop.child_ids:
            assert f"（{cid}）" in sheet
