"""The plan's counts that a quantity may name (children, volunteers, tickets ...).

Counts come from the Plan as the earlier stages filled it, so a quantity
follows the plan: when two children drop out, ``children`` and
``tickets_child`` drop by two and the budget moves with them.
"""

from __future__ import annotations

from msgspec import Struct, field

from planner.model import Event, Notice, Plan

__all__ = ["BASE_NAMES", "TICKET_KINDS", "Counts", "known_names", "plan_counts", "tickets_to_buy"]

#: The names a quantity may use, with what each counts (zh, en).
BASE_NAMES: dict[str, tuple[str, str]] = {
    "children": ("出席的儿童人数", "attending children"),
    "volunteers": ("选中的志愿者人数", "selected volunteers"),
    "escorts": ("跟车志愿者人数", "volunteers escorting the buses"),
    "staff": ("工作人员人数(讲解员、老师等)", "staff (guides, teachers ...)"),
    "attendees": (
        "到场总人数(儿童+志愿者+工作人员)",
        "everyone there (children + volunteers + staff)",
    ),
    "pairs": ("结对数", "pairs"),
    "groups": ("游戏分组数", "game groups"),
    "buses": ("车辆数", "buses"),
    "meals": ("用餐人次合计", "meal headcount, all meals"),
    "tickets": ("要买的门票总数(免票的不计)", "tickets to buy, all kinds (free kinds left out)"),
}

#: Ticket kinds every event knows; ``tickets_<kind>`` counts one kind.
TICKET_KINDS: tuple[str, ...] = ("child", "volunteer", "staff")

#: Keys of ``plan.tickets`` (as the itinerary fills it) that sum the kinds up:
#: ``total`` the tickets to buy, ``free`` the free ones.
TICKETS_TOTAL = "total"
TICKETS_FREE = "free"


class Counts(Struct, frozen=True):
    """The counts, and for each count that had to be estimated, why (a warning).

    A warning is only worth showing when a budget line uses that count, so
    the budget stage picks the warnings of the names its lines name.
    """

    values: dict[str, int]
    estimated: dict[str, Notice] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def warnings_for(self, names: set[str]) -> list[Notice]:
        """The estimate warnings of ``names``, each once, in a stable order."""
        return sorted({self.estimated[n] for n in names if n in self.estimated}, key=str)


def known_names(event: Event, plan: Plan | None = None) -> set[str]:
    """Every name a quantity may use in this event (tickets by kind included)."""
    kinds = set(TICKET_KINDS) | {TICKETS_FREE} | set(event.tickets.free_kinds)
    if plan is not None:
        kinds |= set(plan.tickets)
    kinds.discard(TICKETS_TOTAL)  # that is ``tickets``
    return set(BASE_NAMES) | {f"tickets_{kind}" for kind in kinds}


def tickets_to_buy(event: Event, tickets: dict[str, int]) -> int:
    """The itinerary's ``total`` (tickets to buy) when it gave one, else the
    kinds added up, free kinds left out."""
    if TICKETS_TOTAL in tickets:
        return tickets[TICKETS_TOTAL]
    free = set(event.tickets.free_kinds) | {TICKETS_FREE}
    return sum(n for kind, n in tickets.items() if kind not in free)


def itinerary_ran(plan: Plan) -> bool:
    """The itinerary stage has filled its part (its timeline at least)."""
    return bool(plan.timeline or plan.buses or plan.meals or plan.tickets)


def attending_children_count(event: Event, plan: Plan) -> int:
    """Children who come: those in pairs who are attending, else all attending.

    A child id in a pair that the event does not know still counts (the
    pair is the plan's word); a child marked not attending does not.
    """
    absent = {c.id for c in event.children if not c.attending}
    if plan.pairs:
        paired = {cid for pair in plan.pairs for cid in pair.child_ids}
        return len(paired - absent)
    return len(event.attending_children)


def selected_volunteers_count(event: Event, plan: Plan) -> tuple[int, bool]:
    """Volunteers chosen by screening; without screening, those in pairs; before
    either, the number event.toml says to select. The flag says "estimated"."""
    if plan.volunteers_selected:
        return len(set(plan.volunteers_selected)), False
    if plan.pairs:
        return len({p.volunteer_id for p in plan.pairs}), False
    if event.screening.select is not None:
        return event.screening.select, True
    return 0, False


def escorts_count(event: Event, plan: Plan) -> int:
    """Volunteers riding any bus leg; before the itinerary, the number asked for."""
    riding = {vid for bus in plan.buses for leg in bus.legs for vid in leg.volunteer_ids}
    if riding or itinerary_ran(plan):
        return len(riding)
    return event.itinerary.escorts or 0


def staff_count(event: Event) -> int:
    return len(event.staff)


def plan_counts(event: Event, plan: Plan) -> Counts:
    """Every count a quantity may name, from the plan as filled so far."""
    estimated: dict[str, Notice] = {}
    children = attending_children_count(event, plan)
    volunteers, volunteers_estimated = selected_volunteers_count(event, plan)
    if volunteers_estimated:
        estimated["volunteers"] = _estimate(
            f"预算:尚未筛选志愿者,按 event.toml 里要选的 {volunteers} 名计",
            f"Budget: volunteers not screened yet; counted the {volunteers} to be selected",
        )
        estimated["attendees"] = estimated["volunteers"]
    staff = staff_count(event)
    attendees = children + volunteers + staff
    ran = itinerary_ran(plan)

    groups = len(plan.groups) if plan.groups else event.groups.count
    buses = len(plan.buses) if (plan.buses or ran) else len(event.buses)
    if not plan.buses and not ran and event.buses:
        estimated["buses"] = _estimate(
            f"预算:行程尚未安排车辆,按 event.toml 里预订的 {buses} 辆车计",
            f"Budget: no buses from the itinerary yet; counted the {buses} booked in event.toml",
        )
    if not ran and event.itinerary.escorts:
        estimated["escorts"] = _estimate(
            f"预算:行程尚未安排跟车,按 event.toml 里的 {event.itinerary.escorts} 名跟车志愿者计",
            f"Budget: no escorts from the itinerary yet; counted the "
            f"{event.itinerary.escorts} set in event.toml",
        )
    meals = sum(m.headcount for m in plan.meals)
    if not plan.meals and not ran and event.meals:
        eating = children + volunteers + sum(1 for s in event.staff if s.eats)
        meals = eating * len(event.meals)
        estimated["meals"] = _estimate(
            f"预算:行程尚未算出用餐人数,按出席的 {eating} 人估算 {len(event.meals)} 餐",
            f"Budget: no meal headcount from the itinerary yet; "
            f"estimated from the {eating} people attending, {len(event.meals)} meal(s)",
        )

    tickets = dict(plan.tickets)
    if not tickets and not ran and event.tickets.required:
        tickets = {
            "child": children,
            "volunteer": volunteers,
            "staff": sum(1 for s in event.staff if s.needs_ticket),
        }
        free = set(event.tickets.free_kinds)
        tickets[TICKETS_FREE] = sum(n for kind, n in tickets.items() if kind in free)
        ticket_warning = _estimate(
            "预算:行程尚未算出门票数,按出席人数计(儿童 {child}、志愿者 {volunteer}、工作人员 {staff})".format_map(
                tickets
            ),
            "Budget: no ticket counts from the itinerary yet; counted from attendance "
            "(children {child}, volunteers {volunteer}, staff {staff})".format_map(tickets),
        )

    values = {
        "children": children,
        "volunteers": volunteers,
        "escorts": escorts_count(event, plan),
        "staff": staff,
        "attendees": attendees,
        "pairs": len(plan.pairs),
        "groups": groups,
        "buses": buses,
        "meals": meals,
        "tickets": tickets_to_buy(event, tickets),
    }
    for name in sorted(known_names(event, plan) - set(values)):
        values[name] = tickets.get(name.removeprefix("tickets_"), 0)
    if not plan.tickets and tickets:
        for name in values:
            if name == "tickets" or name.startswith("tickets_"):
                estimated[name] = ticket_warning
    return Counts(dict(sorted(values.items())), estimated)


def _estimate(zh: str, en: str) -> Notice:
    """The warning that a count the budget uses had to be estimated."""
    return Notice(stage="budget", code="count_estimated", zh=zh, en=en)
