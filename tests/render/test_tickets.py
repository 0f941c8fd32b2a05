"""Tickets: kinds, free kinds and the sums are kept apart in plan.json and in
every summary ("free" and "total" are not kinds of ticket)."""

from __future__ import annotations

import json
from pathlib import Path

from render.plans import expo_plan

from planner.model import Plan, TicketSettings
from planner.render import export
from planner.render.labels import Labels, tickets_text
from planner.render.report import summary_numbers
from planner.render.view import PlanView
from planner.summary import plan_summary, print_plan_summary


def with_free_staff() -> Plan:
    plan = expo_plan()
    assert plan.settings is not None
    plan.settings = plan.settings.model_copy(
        update={"tickets": TicketSettings(required=True, free_kinds=("staff",))}
    )
    # as the itinerary stage counts them: kinds, then the free ones and the ones to buy
    plan.tickets = {"child": 10, "volunteer": 6, "staff": 1, "free": 1, "total": 16}
    return plan


def test_plan_json_keeps_kinds_free_kinds_and_sums_apart(tmp_path: Path) -> None:
    plan = with_free_staff()
    data = json.loads(plan.to_json())
    assert data["ticket_summary"] == {
        "kinds": {"child": 10, "volunteer": 6, "staff": 1},
        "free_kinds": ["staff"],
        "free": 1,
        "to_buy": 16,
        "total": 17,
    }
    assert data["tickets"] == plan.tickets  # the old field, unchanged, for older readers
    again = Plan.model_validate_json(plan.to_json())  # derived: dropped on read, written again
    assert again.to_json() == plan.to_json()


def test_every_summary_says_kinds_then_sums() -> None:
    plan = with_free_staff()
    ts = plan.ticket_summary
    assert ts is not None
    assert tickets_text(Labels("zh"), ts) == (
        "儿童 10、志愿者 6、工作人员 1（免票）；需购买 16 张，免票 1 张，共 17 张"
    )
    assert tickets_text(Labels("en"), ts) == (
        "child 10, volunteer 6, staff 1 (free); 16 to buy, 1 free, 17 in all"
    )
    assert dict(summary_numbers(PlanView(plan), Labels("zh")))["门票"].startswith("儿童 10")
    assert plan_summary(plan)["tickets"]["kinds"] == {"child": 10, "volunteer": 6, "staff": 1}


def test_the_terminal_summary_never_lists_free_or_total_as_a_kind(capsys) -> None:
    print_plan_summary(plan_summary(with_free_staff(), "en"), lang="en")
    out = capsys.readouterr().out
    assert "staff 1 (free)" in out and "16 to buy" in out
    assert "free 1," not in out and "total 16" not in out


def test_the_report_shows_the_same_words(tmp_path: Path) -> None:
    export(with_free_staff(), tmp_path, pdf=False)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "工作人员 1（免票）；需购买 16 张，免票 1 张，共 17 张" in report


def test_a_plan_without_tickets_has_no_summary() -> None:
    plan = expo_plan()
    plan.tickets = {}
    assert plan.ticket_summary is None and "ticket_summary" in json.loads(plan.to_json())
