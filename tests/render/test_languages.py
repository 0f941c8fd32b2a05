"""``--lang en`` is English throughout and Chinese mode Chinese throughout.

Both examples are planned once and exported in each language; every output a
person reads (HTML text, CSV and text cells, calendar SUMMARY/DESCRIPTION/
LOCATION, workbook cells) is scanned for the other script, after taking out
what the organisers typed (names, places, budget items, notes, an activity
title that has no English title): those are theirs, not ours to translate.
plan.json is data for tools, not read by a person, and is not scanned.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from support import EXAMPLES

from planner.budget.counts import known_names
from planner.model import Plan
from planner.render import export

#: Chinese characters and CJK / full-width punctuation.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
#: Latin words of two letters or more.
LATIN = re.compile(r"[A-Za-z]{2,}")
#: Latin that Chinese pages print on purpose: the file kinds and units organisers use.
LATIN_IN_ZH = frozenset({"PDF", "Excel", "WPS", "SMS", "WeChat", "km"})
#: Calendar properties a person reads.
ICS_TEXT = ("SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME", "X-WR-CALDESC")


def readable_text(path: Path) -> str:
    """What a person reads in ``path`` (no markup, CSS, ids of calendar parts or formulas)."""
    if path.suffix == ".html":
        text = re.sub(r"<style.*?</style>", " ", path.read_text("utf-8"), flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", text))
    if path.suffix in {".csv", ".txt"}:
        return path.read_bytes().decode("utf-8-sig")
    if path.suffix == ".ics":
        unfolded = path.read_bytes().decode("utf-8").replace("\r\n ", "")
        values = []
        for line in unfolded.splitlines():
            name = re.split(r"[;:]", line, maxsplit=1)[0]
            if name in ICS_TEXT:
                value = line.split(":", 1)[1]
                values.append(value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";"))
        return "\n".join(values)
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        cells = []
        for sheet in load_workbook(path):
            cells.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells += [str(v) for v in row if v is not None and not str(v).startswith("=")]
        return "\n".join(cells)
    return ""


def typed_by_organisers(plan: Plan) -> list[str]:
    """Every free text of the input, longest first (names, places, items, notes...)."""
    texts: set[str | None] = {plan.event.name, plan.event.organiser}
    if plan.event.coordinator:
        texts |= {plan.event.coordinator.name, plan.event.coordinator.role}
        texts.add(plan.event.coordinator.email)
    texts |= set(plan.event.emergency_phones)
    people = plan.people
    for v in people.volunteers:
        texts |= {v.name, v.email, v.notes, v.home_area, v.organisation, *v.dialects}
    for c in people.children:
        texts |= {c.name, c.given_name, c.school, c.grade, c.village, c.medical_notes}
        texts |= {*c.allergies, *c.dialects}
        if c.guardian:
            texts.add(c.guardian.name)
    for s in people.staff:
        texts |= {s.name, s.role, s.email}
    for p in people.places:
        texts |= {p.name, p.address}
    settings = plan.settings
    if settings is not None:
        for a in settings.activities:
            texts |= {a.title_en, a.note}
            if not a.title_en:
                texts.add(a.title)
        for b in settings.buses:
            texts |= {b.name, b.driver}
        for line in settings.budget.lines:
            texts |= {line.item, line.category, line.note, line.source}
        for fund in settings.budget.funding:
            texts.add(fund.source)
        for forbidden in settings.matching.forbidden:
            texts.add(forbidden.reason)
        texts |= {str(line.quantity) for line in settings.budget.lines}
    # the budget workbook names the counts a quantity may use, as event.toml writes them
    texts |= known_names(plan.event_model(), plan)
    return sorted((t for t in texts if t), key=lambda t: (-len(t), t))


def other_script(text: str, lang: str, allowed: list[str]) -> list[str]:
    for typed in allowed:
        text = text.replace(typed, " ")
    if lang == "en":
        return sorted(set(CJK.findall(text)))
    return sorted(set(LATIN.findall(text)) - LATIN_IN_ZH)


@pytest.fixture(scope="module", params=["expo_day", "school_day"])
def planned(request: pytest.FixtureRequest) -> Plan:
    from planner.load import load_event
    from planner.pipeline import build_plan

    return build_plan(load_event(EXAMPLES / request.param))


@pytest.fixture(scope="module", params=["zh", "en"])
def stray_words(
    request: pytest.FixtureRequest, planned: Plan, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """Every output file (but plan.json) -> the words of the other script in it."""
    lang = request.param
    out = tmp_path_factory.mktemp(f"lang-{lang}")
    written = export(planned, out, lang=lang, pdf=False, on_note=lambda _: None)
    allowed = typed_by_organisers(planned)
    found = {}
    for path in sorted(written):
        if path.name == "plan.json":
            continue
        stray = other_script(readable_text(path), lang, allowed)
        if stray:
            found[path.relative_to(out).as_posix()] = stray[:12]
    return found


def test_every_output_but_the_invites_speaks_one_language(
    stray_words: dict[str, list[str]],
) -> None:
    assert {f: w for f, w in stray_words.items() if not f.startswith("invites/")} == {}


def test_the_invites_speak_one_language(stray_words: dict[str, list[str]]) -> None:
    assert {f: w for f, w in stray_words.items() if f.startswith("invites/")} == {}


def test_the_scan_finds_the_other_script() -> None:
    assert other_script("Bus 一号车 leaves", "en", []) == ["一号车"]
    assert other_script("Bus 一号车 leaves", "en", ["一号车"]) == []
    assert other_script("跟车 / escort on B1", "zh", []) == ["escort", "on"]
    assert other_script("导出 PDF：V01", "zh", []) == []
