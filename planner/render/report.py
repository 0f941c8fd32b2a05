"""report.html: the organiser's one-page overview, self-contained and offline.

Warnings first, then the numbers, the day as a Gantt chart with the buses
on the same time axis, the groups, the pairs, the meals and the budget by
category as a bar chart. Inline CSS and SVG only: no script, no link, no
URL, so it opens the same with the network off.
"""

from __future__ import annotations

from markupsafe import Markup
from msgspec import Struct

from planner.render.charts import (
    BUS_COLOUR,
    DEFAULT_COLOUR,
    KIND_COLOURS,
    Bar,
    GanttRow,
    bar_chart_svg,
    gantt_svg,
)
from planner.render.labels import Labels, photo_warnings, tickets_text
from planner.render.money import format_yuan
from planner.render.paper import meal_orders, render_page
from planner.render.view import PlanView


class GroupRow(Struct, frozen=True):
    name: str
    leader: str
    first_aiders: str
    volunteers: str
    children: int


class PairRow(Struct, frozen=True):
    volunteer: str
    children: str
    score: str
    reasons: str


class LegRow(Struct, frozen=True):
    bus: str
    direction: str
    route: str
    times: str
    children: int
    escorts: str
    stops: str


def timeline_rows(view: PlanView, t: Labels) -> tuple[list[GanttRow], int]:
    """The timeline (one row per item) then one row per bus; returns rows and where buses start."""
    rows = []
    for item in sorted(view.plan.timeline, key=lambda i: (i.start, i.end, i.id)):
        title = t.pick(item.title, item.title_en)
        who = t.enums("who", item.who)
        colour = KIND_COLOURS.get(item.kind or "", DEFAULT_COLOUR)
        rows.append(
            GanttRow(title, [Bar(view.local(item.start), view.local(item.end), title, colour)], who)
        )
    first_bus = len(rows)
    for bus in view.plan.buses:
        bars = []
        for leg in bus.legs:
            ticks = [(view.local(s.time), view.place_name(s.point)) for s in leg.stops]
            text = f"{view.place_name(leg.from_)} → {view.place_name(leg.to)}"
            bars.append(
                Bar(view.local(leg.depart), view.local(leg.arrive), text, BUS_COLOUR, ticks)
            )
        if bars:
            rows.append(GanttRow(f"{t['bus']} · {bus.name or bus.id}", bars))
    return rows, first_bus


def group_rows(view: PlanView, t: Labels) -> list[GroupRow]:
    rows = []
    for group in view.plan.groups:
        names = [v.name for v in (view.volunteer(i) for i in group.volunteer_ids) if v]
        leader = view.volunteer(group.leader_id) if group.leader_id else None
        aiders = [v.name for v in (view.volunteer(i) for i in group.first_aider_ids) if v]
        rows.append(
            GroupRow(
                name=view.group_name(group),
                leader=leader.name if leader else "",
                first_aiders=t.list_sep.join(aiders),
                volunteers=t.list_sep.join(names),
                children=len(group.child_ids),
            )
        )
    return rows


class RejectedRow(Struct, frozen=True):
    id: str
    name: str
    reason: str


def person_label(ident: str, name: str | None) -> str:
    """``C07 金磊伟``: organisers see id and full name (two children may share a given name)."""
    return f"{ident} {name}" if name else ident


def pair_rows(view: PlanView, t: Labels) -> list[PairRow]:
    """Pairs with their reasons in the reader's language; people by id and full name."""
    rows = []
    for pair in sorted(view.plan.pairs, key=lambda p: p.volunteer_id):
        volunteer = view.volunteer(pair.volunteer_id)
        children = view.children_named(pair.child_ids)
        reasons = pair.reasons_en if t.lang == "en" and pair.reasons_en else pair.reasons
        rows.append(
            PairRow(
                volunteer=person_label(pair.volunteer_id, volunteer.name if volunteer else None),
                children=t.list_sep.join(person_label(c.id, c.name) for c in children),
                score=f"{pair.score:g}",
                reasons=("；" if t.lang == "zh" else "; ").join(reasons),
            )
        )
    return rows


def rejected_rows(view: PlanView, t: Labels) -> list[RejectedRow]:
    """Every applicant not chosen, with the reason, so the organiser can explain it."""
    rows = []
    for rejection in sorted(view.plan.volunteers_rejected, key=lambda r: r.volunteer_id):
        volunteer = view.volunteer(rejection.volunteer_id)
        reason = t.pick(rejection.reason, rejection.reason_en)
        rows.append(
            RejectedRow(rejection.volunteer_id, volunteer.name if volunteer else "", reason)
        )
    return rows


def leg_rows(view: PlanView, t: Labels) -> list[LegRow]:
    rows = []
    for bus_leg in view.bus_legs:
        leg = bus_leg.leg
        escorts = [v.name for v in (view.volunteer(i) for i in leg.volunteer_ids) if v]
        stops = [f"{view.place_name(s.point)} {view.hhmm(s.time)}" for s in leg.stops]
        rows.append(
            LegRow(
                bus=bus_leg.bus.name or bus_leg.bus.id,
                direction=t["back"] if view.is_return(leg) else t["out"],
                route=f"{view.place_name(leg.from_)} → {view.place_name(leg.to)}",
                times=f"{view.hhmm(leg.depart)}–{view.hhmm(leg.arrive)}",
                children=len(leg.child_ids),
                escorts=t.list_sep.join(escorts),
                stops=t.list_sep.join(stops),
            )
        )
    return rows


def summary_numbers(view: PlanView, t: Labels) -> list[tuple[str, str]]:
    plan = view.plan
    numbers = [
        (t["selected"], str(len(plan.volunteers_selected))),
        (t["rejected"], str(len(plan.volunteers_rejected))),
        (t["children"], str(len(view.attending_children))),
        (t["pairs"], str(len(plan.pairs))),
        (t["groups"], str(len(plan.groups))),
        (t["buses"], str(len(plan.buses))),
    ]
    if plan.ticket_summary is not None:
        numbers.append((t["tickets"], tickets_text(t, plan.ticket_summary)))
    if plan.budget is not None:
        numbers.append((t["total"], format_yuan(plan.budget.total)))
    return numbers


def budget_chart(view: PlanView) -> str:
    budget = view.plan.budget
    if budget is None or not budget.by_category:
        return ""
    items = sorted(budget.by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    return bar_chart_svg([(name, amount, format_yuan(amount)) for name, amount in items])


def budget_facts(view: PlanView, t: Labels) -> list[tuple[str, str]]:
    budget = view.plan.budget
    if budget is None:
        return []
    facts = [(t["subtotal"], format_yuan(budget.subtotal))]
    if budget.contingency:
        facts.append((t["contingency"], format_yuan(budget.contingency)))
    facts.append((t["total"], format_yuan(budget.total)))
    if budget.per_child is not None:
        facts.append((t["per_child"], format_yuan(budget.per_child)))
    if budget.cap is not None:
        facts.append((t["cap"], format_yuan(budget.cap)))
    for fund in budget.funding:
        facts.append((f"{t['funding']} · {fund.source}", format_yuan(fund.amount)))
    if budget.balance is not None:
        facts.append((t["balance"], format_yuan(budget.balance)))
    return facts


def report_html(view: PlanView, t: Labels) -> str:
    rows, first_bus = timeline_rows(view, t)
    gantt = gantt_svg(rows, separator_before=first_bus if first_bus < len(rows) else None)
    return render_page(
        "report.html",
        view,
        t,
        title=t["report"],
        mark=t["confidential"],
        warnings=[n.text(t.lang) for n in view.plan.notices] + photo_warnings(t, view),
        numbers=summary_numbers(view, t),
        gantt=Markup(gantt),
        timeline_legend=[
            (t.pick(i.title, i.title_en), t.enums("who", i.who)) for i in view.plan.timeline
        ],
        groups=group_rows(view, t),
        pairs=pair_rows(view, t),
        rejected=rejected_rows(view, t),
        legs=leg_rows(view, t),
        meals=meal_orders(view, t),
        budget_chart=Markup(budget_chart(view)),
        budget_facts=budget_facts(view, t),
    )
