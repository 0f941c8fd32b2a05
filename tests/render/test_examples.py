"""The Expo day example, planned by every stage and exported: the whole set, and
no child's full name, guardian or phone in any volunteer-facing file."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar
from render.plans import sensitive_strings

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
        hits = sorted(what for needle, what in forbidden.items() if needle in text)
        assert hits == [], rel
    assert len(forbidden) > 60  # 30 children's names, guardians and phones were searched for
