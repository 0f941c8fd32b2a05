"""A photo activity (合影) warns, in the plan's report and summary and on the sheets
of the volunteers concerned, about children whose guardians refused photos."""

from __future__ import annotations

from pathlib import Path

from render.plans import expo_plan

from planner.render import export
from planner.render.view import PlanView
from planner.summary import plan_summary


def test_the_photo_is_recognised_by_its_title_and_refusals_found() -> None:
    view = PlanView(expo_plan())
    assert [i.id for i in view.plan.timeline if view.is_photo(i)] == ["photo"]
    # C04 and C09 refused photos; both come and are in the photo (C11 stays home)
    assert [(i.id, [c.id for c in kids]) for i, kids in view.photo_refusals()] == [
        ("photo", ["C04", "C09"])
    ]


def test_report_summary_and_the_right_sheets_carry_the_warning(tmp_path: Path) -> None:
    plan = expo_plan()
    export(plan, tmp_path, pdf=False)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "16:05“长安塔前合影留念”是合影：C04 张丽、C09 郑欣 的监护人未同意拍照" in report
    assert any("C04 张丽、C09 郑欣" in w for w in plan_summary(plan)["warnings"])
    english = plan_summary(plan, "en")["warnings"]
    assert any(w.startswith('16:05 "Group photo" is a photo: no photo consent') for w in english)
    sheets = {
        v: (tmp_path / "volunteers" / f"{v}.html").read_text(encoding="utf-8")
        for v in plan.volunteers_selected
    }
    assert "丽（C04）" in sheets["V02"] and "未同意拍照" in sheets["V02"]  # C04's volunteer
    assert "欣（C09）" in sheets["V05"] and "未同意拍照" in sheets["V05"]  # C09's volunteer
    for other in ("V01", "V03", "V04", "V06"):
        assert "未同意拍照" not in sheets[other], other


def test_no_photo_no_warning() -> None:
    plan = expo_plan()
    plan.timeline = [i for i in plan.timeline if i.id != "photo"]
    assert PlanView(plan).photo_refusals() == []
    assert not [w for w in plan_summary(plan)["warnings"] if "合影" in w]
