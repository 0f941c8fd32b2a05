"""A plan.json of an older schema is read, re-planned and exported; one of a
newer schema is refused (exit 3) with a message saying to upgrade."""

from __future__ import annotations

import json
from pathlib import Path

from rematch.helpers import example_plan
from typer.testing import CliRunner

from planner.cli import app
from planner.io import read_plan, write_plan
from planner.model import SCHEMA_VERSION, seat_numbers

runner = CliRunner()


def _schema_1(tmp_path: Path) -> Path:
    """The expo plan as the planner before schema 2 wrote it: no ticket_summary,
    no seats, no English notes apart, no photo notice, schema_version 1."""
    data = json.loads(write_plan(example_plan("expo_day"), tmp_path / "new").read_text("utf-8"))
    data["schema_version"] = 1
    del data["ticket_summary"]
    for bus in data["buses"]:
        del bus["seat_of"]
    for item in data["timeline"]:
        en = item.pop("note_en")
        if en:
            item["note"] = f"{item['note']} / {en}"
    data["notices"] = [n for n in data["notices"] if n["code"] != "photo_without_consent"]
    data["warnings"] = [f"{n['zh']} / {n['en']}" for n in data["notices"]]
    path = tmp_path / "old" / "plan.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_schema_1_plan_is_read_with_its_printed_seats_and_rematched(tmp_path: Path) -> None:
    old = _schema_1(tmp_path)
    plan = read_plan(old)
    assert plan.schema_version == SCHEMA_VERSION
    for bus in plan.buses:  # the seats it printed: escorts by the door, boarding order
        assert bus.seat_of == seat_numbers(bus)
    out = tmp_path / "after"
    result = runner.invoke(app, ["rematch", str(old), "--absent", "C13", "--out", str(out)])
    assert result.exit_code == 0, result.output
    new = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert new["schema_version"] == SCHEMA_VERSION and new["ticket_summary"]["total"] > 0
    for before, after in zip(plan.buses, new["buses"], strict=True):
        stayed = set(before.seat_of) & set(after["seat_of"])
        assert stayed and all(after["seat_of"][p] == before.seat_of[p] for p in stayed)
    assert [n["code"] for n in new["notices"]].count("photo_without_consent") == 1


def test_a_schema_1_plan_is_exported(tmp_path: Path) -> None:
    old = _schema_1(tmp_path)
    out = tmp_path / "export"
    result = runner.invoke(app, ["export", str(old), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.count("is a photo: no photo consent") == 1  # derived, as before schema 2
    assert "Seat list" in (out / "print" / "manifests.html").read_text(encoding="utf-8")


def test_a_plan_of_a_newer_schema_is_refused_with_upgrade(tmp_path: Path) -> None:
    path = write_plan(example_plan("expo_day"), tmp_path / "new")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["schema_version"] = SCHEMA_VERSION + 1
    data["a_key_from_the_future"] = True
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for args in (["export", str(path)], ["rematch", str(path), "--absent", "C13"]):
        result = runner.invoke(app, [*args, "--out", str(tmp_path / "out"), "--lang", "en"])
        assert result.exit_code == 3, result.output
        assert (
            f"written by a newer planner (schema {SCHEMA_VERSION + 1}); "
            f"this planner reads up to {SCHEMA_VERSION} — upgrade"
        ) in result.output
        assert not (tmp_path / "out").exists()
