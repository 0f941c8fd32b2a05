"""Each family is told when and where their children are picked up and brought
back, and whom to call: as text to paste into SMS or WeChat and as a slip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from render.plans import bare_plan, expo_plan, marked_plan, marker, sensitive_strings

from planner.model import Plan
from planner.render import Audience, audience_of, export
from planner.render.guardians import families, family_notices
from planner.render.labels import Labels
from planner.render.view import PlanView


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("guardians")
    return out, export(marked_plan(), out, pdf=False, on_note=lambda _: None)


def test_siblings_are_one_family_and_absent_children_get_no_notice() -> None:
    found = {f.id: [c.id for c in f.children] for f in families(PlanView(expo_plan()))}
    assert found["C01"] == ["C01", "C02"]  # sibling group "wang"
    assert "C11" not in found  # not coming
    assert len(found) == 9


def test_a_notice_has_pickup_return_and_the_coordinators_phone() -> None:
    notices = {n.family.id: n for n in family_notices(PlanView(expo_plan()), Labels("zh"))}
    assert notices["C04"].text == (
        "【西安世园一日游】\n"
        "李梅您好！张丽将参加2026年12月12日的“西安世园一日游”活动。\n"
        "张丽：12月12日 07:40 在柳树湾村小学上车，请提前 10 分钟送到；"
        "约 17:50 送回柳树湾村小学，请准时来接。\n"
        "如有变化或疑问，请联系活动协调人 陈建国 029-87650000。\n"
        "西安市红十字会\n"
    )
    english = {n.family.id: n for n in family_notices(PlanView(expo_plan()), Labels("en"))}
    assert "picked up at 柳树湾村小学 at 07:40" in english["C04"].text
    assert "brought back to 柳树湾村小学 at about 17:50" in english["C04"].text


def test_without_buses_the_notice_gives_the_day_and_a_pairing_programme_none() -> None:
    plan = expo_plan()
    plan.buses = []
    notice = {n.family.id: n for n in family_notices(PlanView(plan), Labels("zh"))}["C04"]
    assert "09:05 到世博园长安塔南门" in notice.text and "活动约 18:30 结束" in notice.text
    pairing = bare_plan()
    pairing.event = pairing.event.model_copy(update={"shape": "pairing"})
    assert family_notices(PlanView(pairing), Labels("zh")) == []


def slips(html: str) -> dict[str, str]:
    parts = re.split(r'<article class="slip" id="(C\d+)">', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def allowed_for(plan: Plan, family_ids: list[str]) -> set[str]:
    """A family's own children's names and its guardian's name: nothing else sensitive."""
    allowed: set[str] = set()
    for child in plan.people.children:
        if child.id in family_ids:
            allowed.add(child.name)
            if child.guardian:
                allowed.add(child.guardian.name)
    return allowed


def test_each_family_file_names_only_its_own_children(exported) -> None:
    out, written = exported
    plan = marked_plan()
    forbidden = sensitive_strings(plan)
    members = {f.id: [c.id for c in f.children] for f in families(PlanView(plan))}
    guardian_files = [
        p for p in written if audience_of(p.relative_to(out).as_posix()) is Audience.GUARDIAN
    ]
    names = sorted(p.relative_to(out).as_posix() for p in guardian_files)
    assert names == sorted(
        [f"guardians/{fid}.txt" for fid in members] + ["print/guardian_slips.html"]
    )
    pieces: dict[str, tuple[str, str]] = {}
    for path in guardian_files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".txt":
            pieces[path.name] = (path.stem, text)
        else:
            cut = slips(text)
            assert sorted(cut) == sorted(members)
            pieces.update({f"slip {fid}": (fid, part) for fid, part in cut.items()})
    for where, (fid, text) in pieces.items():
        allowed = allowed_for(plan, members[fid])
        hits = sorted(w for k, w in forbidden.items() if k in text and k not in allowed)
        assert hits == [], where
        assert "029-87650000" in text, where  # the coordinator
        for cid in members[fid]:
            child = next(c for c in plan.people.children if c.id == cid)
            assert child.name in text, where
    # the organiser's list says whom to send each notice to
    everything = (out / "guardians" / "notices.txt").read_text(encoding="utf-8")
    assert audience_of("guardians/notices.txt") is Audience.ORGANISER
    assert marker("gphone", "C04") in everything and "==== C04 · " in everything


def test_a_dropped_family_loses_its_notice_on_the_next_export(tmp_path: Path) -> None:
    plan = expo_plan()
    export(plan, tmp_path, pdf=False, on_note=lambda _: None)
    assert (tmp_path / "guardians" / "C04.txt").exists()
    children = [
        c.model_copy(update={"attending": False}) if c.id == "C04" else c
        for c in plan.people.children
    ]
    plan.people = plan.people.model_copy(update={"children": children})
    export(plan, tmp_path, pdf=False, on_note=lambda _: None)
    assert not (tmp_path / "guardians" / "C04.txt").exists()
    assert (tmp_path / "guardians" / "C03.txt").exists()
