"""The Expo day example, planned and written as `planner plan` does: what each
reader's file carries (the escort's invite, the photo notice, each language's
notes), read from the files themselves."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from markupsafe import escape

from planner.io import write_plan
from planner.model import Plan
from planner.render import export
from planner.summary import plan_summary

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def expo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, dict[str, Path]]:
    from planner.load import load_event
    from planner.pipeline import build_plan

    plan = build_plan(load_event(EXAMPLES / "expo_day"))
    outs = {}
    for lang in ("zh", "en"):
        out = tmp_path_factory.mktemp(f"expo-{lang}")
        write_plan(plan, out)
        export(plan, out, lang=lang, pdf=False)
        outs[lang] = out
    return plan, outs


def _events(path: Path) -> list:
    cal = Calendar.from_ical(path.read_bytes())
    return sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))


def test_an_escorts_invite_starts_at_the_depot_at_its_time_on_their_bus_with_the_stops(
    expo,
) -> None:
    plan, outs = expo
    tz = ZoneInfo(plan.event.timezone)
    places = {p.id: p.name for p in plan.people.places}
    for bus in plan.buses:
        leg = next(leg for leg in bus.legs if leg.direction == "out")
        for escort in leg.volunteer_ids:
            first = _events(outs["en"] / "invites" / f"{escort}.ics")[0]
            assert first.decoded("DTSTART") == leg.depart.astimezone(tz)
            assert str(first["LOCATION"]).startswith(places[leg.from_])
            text = str(first["DESCRIPTION"])
            assert f"Escort on Bus {bus.id}" in text
            for stop in leg.stops:
                assert f"{places[stop.point]} {stop.time.astimezone(tz):%H:%M}" in text
            gate = _events(outs["zh"] / "invites" / f"{escort}.ics")
            assert gate[0].decoded("DTSTART") < min(
                i.start for i in plan.timeline if i.kind != "travel_out"
            )


def test_an_escort_starts_at_the_depot_even_when_the_round_does_not_name_escorts(
    expo, tmp_path: Path
) -> None:
    plan, _ = expo
    timeline = [
        i.model_copy(update={"who": ["children"]}) if i.kind == "travel_out" else i
        for i in plan.timeline
    ]
    edited = plan.model_copy(update={"timeline": timeline})
    export(edited, tmp_path, lang="en", pdf=False)
    leg = next(leg for leg in plan.buses[0].legs if leg.direction == "out")
    first = _events(tmp_path / "invites" / f"{leg.volunteer_ids[0]}.ics")[0]
    assert first.decoded("DTSTART") == leg.depart.astimezone(ZoneInfo(plan.event.timezone))


def test_the_photo_warning_is_a_notice_in_plan_json_once_and_printed_once(expo) -> None:
    plan, outs = expo
    written = json.loads((outs["zh"] / "plan.json").read_text(encoding="utf-8"))
    photo = [n for n in written["notices"] if n["code"] == "photo_without_consent"]
    refused = sorted(c.id for c in plan.people.children if c.attending and not c.photo_consent)
    assert len(photo) == 1 and photo[0]["stage"] == "itinerary"
    assert [c for c in refused if c in photo[0]["zh"]] == [
        c for c in refused if c in photo[0]["en"]
    ]
    assert "合影" in photo[0]["zh"] and "is a photo" in photo[0]["en"]
    for lang, words in (("zh", photo[0]["zh"]), ("en", photo[0]["en"])):
        report = (outs[lang] / "report.html").read_text(encoding="utf-8")
        assert report.count(str(escape(words))) == 1, lang
        assert plan_summary(plan, lang)["warnings"].count(words) == 1


def test_round_notes_are_kept_in_each_language_and_each_reader_gets_theirs(expo) -> None:
    _, outs = expo
    written = json.loads((outs["zh"] / "plan.json").read_text(encoding="utf-8"))
    rounds = [i for i in written["timeline"] if i["kind"] in ("travel_out", "travel_back")]
    assert rounds
    for item in rounds:
        assert " / " not in item["note"] and "辆车" in item["note"]
        assert "longest route" in item["note_en"] and "辆车" not in item["note_en"]
    for lang, own, other in (("zh", "辆车", "longest route"), ("en", "longest route", "辆车")):
        team = (outs[lang] / "invites" / "team.ics").read_bytes().decode("utf-8")
        assert own in team and other not in team, lang
        sheets = (outs[lang] / "print" / "volunteer_sheets.html").read_text(encoding="utf-8")
        assert " / escort on" not in sheets and "跟车 / " not in sheets
