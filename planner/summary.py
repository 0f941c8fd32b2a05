"""Short summaries of an event and a plan, for `planner check` and `planner plan`."""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from typing import Any

from rich.table import Table

from planner.budget.output import format_yuan
from planner.clikit import console
from planner.model import Event, Plan
from planner.screening.requirements import eligible

CATEGORY_LABELS = {
    "left_behind": ("留守", "left-behind"),
    "disabled": ("残疾", "disabled"),
    "single_parent": ("单亲", "single-parent"),
    "orphan": ("孤儿", "orphan"),
}


def event_summary(event: Event) -> dict[str, Any]:
    """What `planner check` reports: counts only, no names."""
    children = event.attending_children
    categories = Counter(c.value for child in children for c in child.categories)
    under = [
        c.id
        for c in children
        if event.is_outing and (c.age_on(event.date) or 0) < 14 and not c.outing_consent
    ]
    return {
        "event": {"id": event.id, "name": event.name, "date": event.date.isoformat()},
        "volunteers": len(event.volunteers),
        "volunteers_eligible": len(eligible(event)),
        "children": len(children),
        "children_by_category": dict(sorted(categories.items())),
        "consent_missing": under,
        "photo_consent_missing": sorted(c.id for c in children if not c.photo_consent),
        "special_needs": sorted(c.id for c in children if c.needs),
    }


def plan_summary(plan: Plan, lang: str = "zh") -> dict[str, Any]:
    """What `planner plan` reports: counts, the total and the warnings in ``lang``."""
    budget = plan.budget
    return {
        "event": plan.event.model_dump(mode="json", include={"id", "name", "date"}),
        "volunteers_selected": len(plan.volunteers_selected),
        "volunteers_rejected": len(plan.volunteers_rejected),
        "pairs": len(plan.pairs),
        "children_paired": sum(len(p.child_ids) for p in plan.pairs),
        "groups": len(plan.groups),
        "timeline_items": len(plan.timeline),
        "buses": len(plan.buses),
        "meals": [
            {"venue": m.venue, "venue_name": _place_name(plan, m.venue), "headcount": m.headcount}
            for m in plan.meals
        ],
        "tickets": (
            plan.ticket_summary.model_dump(mode="json") if plan.ticket_summary is not None else {}
        ),
        "budget_total": str(budget.total) if budget else None,
        "warnings": [n.text(lang) for n in plan.notices] + _photo_warnings(plan, lang),
    }


def _photo_warnings(plan: Plan, lang: str) -> list[str]:
    """A photo activity (合影) with children who may not be photographed."""
    from planner.render.labels import Labels, photo_warnings
    from planner.render.view import PlanView

    return photo_warnings(Labels(lang), PlanView(plan, lang))


def _place_name(plan: Plan, place_id: str) -> str:
    return next((p.name for p in plan.people.places if p.id == place_id), place_id)


def _table(rows: list[tuple[str, str]], title: str) -> None:

    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    console().print(table)


def print_event_summary(summary: dict[str, Any], *, lang: str = "zh") -> None:
    zh = lang != "en"
    cats = ", ".join(
        f"{CATEGORY_LABELS.get(k, (k, k))[0 if zh else 1]} {n}"
        for k, n in summary["children_by_category"].items()
    )
    rows = [
        ("活动" if zh else "Event", f"{summary['event']['name']} ({summary['event']['date']})"),
        ("报名志愿者" if zh else "Applicants", str(summary["volunteers"])),
        (
            "合格(符合筛选要求)" if zh else "Eligible (meet every requirement)",
            str(summary["volunteers_eligible"]),
        ),
        ("参加儿童" if zh else "Children attending", str(summary["children"])),
        ("按类别" if zh else "By category", cats or "-"),
        (
            "缺监护人同意" if zh else "Consent missing",
            ", ".join(summary["consent_missing"]) or ("无" if zh else "none"),
        ),
        (
            "不同意拍照" if zh else "No photo consent",
            ", ".join(summary["photo_consent_missing"]) or ("无" if zh else "none"),
        ),
        (
            "有特殊需要" if zh else "Special needs",
            ", ".join(summary["special_needs"]) or ("无" if zh else "none"),
        ),
    ]
    _table(rows, "检查通过 ✓" if zh else "Check passed ✓")


def _yuan(total: str | None) -> str:
    if total is None:
        return "-"

    return format_yuan(Decimal(total))


def print_plan_summary(summary: dict[str, Any], *, lang: str = "zh") -> None:
    zh = lang != "en"
    tickets = ""
    if summary["tickets"]:
        from planner.model import TicketSummary
        from planner.render.labels import Labels, tickets_text

        tickets = tickets_text(Labels(lang), TicketSummary.model_validate(summary["tickets"]))
    meals = ", ".join(f"{m['venue_name']} {m['headcount']}" for m in summary["meals"])
    rows = [
        ("活动" if zh else "Event", f"{summary['event']['name']} ({summary['event']['date']})"),
        ("入选志愿者" if zh else "Volunteers selected", f"{summary['volunteers_selected']}"
         + (f"(未入选 {summary['volunteers_rejected']})" if zh else f" ({summary['volunteers_rejected']} not chosen)")),
        ("结对" if zh else "Pairs", f"{summary['pairs']}" + (f"(儿童 {summary['children_paired']})" if zh else f" ({summary['children_paired']} children)")),
        ("游戏分组" if zh else "Groups", str(summary["groups"])),
        ("日程条目" if zh else "Timeline items", str(summary["timeline_items"])),
        ("车辆" if zh else "Buses", str(summary["buses"])),
        ("用餐" if zh else "Meals", meals or "-"),
        ("门票" if zh else "Tickets", tickets or "-"),
        ("预算合计" if zh else "Budget total", _yuan(summary["budget_total"])),
    ]  # fmt: skip
    _table(rows, "方案已生成" if zh else "Plan ready")
    for warning in summary["warnings"]:
        print(("注意:" if zh else "Warning: ") + warning, file=sys.stderr)
