"""What changed between two plans of one event, person by person.

The one definition of "a change": :func:`facts_of` lists, for every person
and for the plan as a whole, each fact a reader is told (pair, group, role,
bus, seat, stop, times, every item of their own day); :func:`diff_plans` compares
two plans fact by fact. ``planner rematch`` prints and writes
``changes.csv`` from it, the invites bump SEQUENCE for exactly the people it
names, and the tests hold it to the plans themselves.

>>> from planner.model import EventInfo, Pair, Plan
>>> info = EventInfo(id="e", name="e", date="2026-12-12", timezone="Asia/Shanghai")
>>> a = Plan(event=info, volunteers_selected=["V1"], pairs=[Pair(volunteer_id="V1", child_ids=["C1"])])
>>> b = a.model_copy(update={"pairs": [Pair(volunteer_id="V1", child_ids=["C2"])]})
>>> [(d.who, d.field, d.before, d.after) for d in diff_plans(a, b)]
[('C1', 'status', 'attending', ''), ('C1', 'pair', 'V1', ''), ('C2', 'status', '', 'attending'), ('C2', 'pair', '', 'V1'), ('V1', 'pair', 'C1', 'C2')]
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from msgspec import Struct

from planner.itinerary.roster import Roster
from planner.itinerary.schedule import schedule_for
from planner.model import Plan, TimelineItem

#: the pseudo-person of facts about the whole plan (timeline, meals, tickets, budget)
PLAN = "plan"

#: The item id of a volunteer's monthly follow-up series (its invite UID's last
#: part); a dropped volunteer's cancellation lists it with their day's items.
FOLLOWUP_ID = "followup"

#: Fields in the order they are listed for one person.
FIELD_ORDER: tuple[str, ...] = (
    "status",
    "pair",
    "group",
    "role",
    "bus_out",
    "stop_out",
    "pickup",
    "bus_back",
    "stop_back",
    "dropoff",
    "seat",
    "escort_out",
    "escort_back",
    "children_bus",
)

#: Fields' names in both languages (``item:<id>`` fields are the person's day).
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "status": ("参加", "taking part"),
    "pair": ("结对", "pair"),
    "group": ("分组", "group"),
    "role": ("角色", "role"),
    "bus_out": ("去程车辆", "bus out"),
    "stop_out": ("上车点", "pickup point"),
    "pickup": ("接车时间", "pickup time"),
    "bus_back": ("返程车辆", "bus back"),
    "stop_back": ("下车点", "drop-off point"),
    "dropoff": ("送达时间", "drop-off time"),
    "seat": ("座位", "seat"),
    "escort_out": ("去程跟车", "escort out"),
    "escort_back": ("返程跟车", "escort back"),
    "children_bus": ("孩子乘车", "children's bus"),
    "item": ("日程", "schedule"),
    "timeline": ("日程", "timeline"),
    "meal": ("用餐", "meal"),
    "tickets": ("门票", "tickets"),
    "budget": ("预算", "budget"),
    "bus": ("车辆", "bus"),
    "bus_load": ("车上人数", "bus load"),
}

#: The values of ``status`` in words.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "selected": ("入选", "selected"),
    "attending": ("参加", "attending"),
}

#: Fields whose time is one guardians were given: it must never move earlier.
GUARDIAN_TIMES: tuple[str, ...] = ("pickup", "dropoff")


class Difference(Struct, frozen=True, order=True):
    """One fact of one person (or of the plan) that differs: before and after."""

    who: str
    field: str
    before: str
    after: str

    def value_text(self, value: str, lang: str = "zh") -> str:
        """A value as printed: a status in words, anything else as it is; "—" for none."""
        if not value:
            return "—"
        words = STATUS_WORDS.get(value) if self.field == "status" else None
        return (words[1] if lang == "en" else words[0]) if words else value

    def field_name(self, lang: str = "zh") -> str:
        base, _, item = self.field.partition(":")
        zh, en = FIELD_NAMES.get(base, (base, base))
        name = en if lang == "en" else zh
        return f"{name} {item}" if item else name


def _hhmm(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def facts_of(plan: Plan) -> dict[str, dict[str, str]]:
    """Every fact each person (and the plan, under :data:`PLAN`) is told, as text.

    A person absent from the plan has no facts; a fact not set is absent.
    """
    tz = ZoneInfo(plan.event.timezone)
    facts: dict[str, dict[str, str]] = {}
    paired = sorted({c for p in plan.pairs for c in p.child_ids})
    for vid in sorted(set(plan.volunteers_selected)):
        facts[vid] = {"status": "selected"}
    for cid in paired:
        facts[cid] = {"status": "attending"}
    for pair in plan.pairs:
        facts.setdefault(pair.volunteer_id, {"status": "selected"})
        facts[pair.volunteer_id]["pair"] = "+".join(sorted(pair.child_ids))
        for cid in pair.child_ids:
            facts[cid]["pair"] = pair.volunteer_id
    roles: dict[str, list[str]] = {}
    for group in plan.groups:
        for pid in [*group.volunteer_ids, *group.child_ids]:
            facts.setdefault(pid, {})["group"] = group.id
        if group.leader_id:
            roles.setdefault(group.leader_id, []).append("leader")
        for vid in group.first_aider_ids:
            roles.setdefault(vid, []).append("first_aider")
    for bus in sorted(plan.buses, key=lambda b: b.id):
        for leg in bus.legs:
            d = leg.direction or "out"
            route = "; ".join(f"{s.point} {_hhmm(s.time, tz)}" for s in leg.stops)
            for vid in leg.volunteer_ids:
                mine = facts.setdefault(vid, {})
                mine[f"bus_{d}"] = bus.id
                mine[f"escort_{d}"] = (
                    f"{_hhmm(leg.depart, tz)}–{_hhmm(leg.arrive, tz)} {leg.from_}→{leg.to}: {route}"
                )
                roles.setdefault(vid, []).append("escort")
            for stop in leg.stops:
                for cid in stop.child_ids:
                    mine = facts.setdefault(cid, {})
                    mine[f"bus_{d}"] = bus.id
                    mine[f"stop_{d}"] = stop.point
                    mine["pickup" if d == "out" else "dropoff"] = _hhmm(stop.time, tz)
                    if d == "out":
                        mine["arrive_out"] = f"{_hhmm(leg.arrive, tz)} {leg.to}"
        for pid, seat in sorted(bus.seat_of.items()):
            mine = facts.setdefault(pid, {})
            mine["seat"] = "; ".join(filter(None, [mine.get("seat", ""), f"{bus.id} #{seat}"]))
    for vid, vroles in roles.items():
        facts.setdefault(vid, {})["role"] = ",".join(sorted(set(vroles)))
    for pair in plan.pairs:
        rides = [
            f"{cid} {facts[cid]['bus_out']} {facts[cid].get('arrive_out', '')}".strip()
            for cid in sorted(pair.child_ids)
            if "bus_out" in facts.get(cid, {})
        ]
        if rides:
            facts[pair.volunteer_id]["children_bus"] = "; ".join(rides)
    roster = Roster.of_plan(plan)
    for pid in sorted(facts):
        if pid.startswith("staff:"):
            continue
        for item in schedule_for(plan, pid, roster):
            facts[pid][f"item:{item.id}"] = _item_text(item, tz)
    for cid in paired:
        facts[cid].pop("arrive_out", None)
    facts[PLAN] = _plan_facts(plan, tz)
    return facts


def _item_text(item: TimelineItem, tz: ZoneInfo) -> str:
    text = f"{_hhmm(item.start, tz)}–{_hhmm(item.end, tz)}"
    if item.place:
        text += f" @{item.place}"
    note = " / ".join(n for n in (item.note, item.note_en) if n)
    if note:
        text += f" ({note})"
    return text


def _plan_facts(plan: Plan, tz: ZoneInfo) -> dict[str, str]:
    """The facts of the whole plan: timeline, buses used, meals, tickets, budget."""
    out: dict[str, str] = {}
    for item in plan.timeline:
        out[f"timeline:{item.id}"] = _item_text(item, tz) + " " + ",".join(item.who)
    for bus in plan.buses:
        out[f"bus:{bus.id}"] = " | ".join(
            f"{leg.direction} {_hhmm(leg.depart, tz)}–{_hhmm(leg.arrive, tz)} "
            + "; ".join(f"{s.point} {_hhmm(s.time, tz)}" for s in leg.stops)
            for leg in bus.legs
        )
        out[f"bus_load:{bus.id}"] = " | ".join(
            f"{leg.direction} {len(leg.child_ids)}+{len(leg.volunteer_ids)}" for leg in bus.legs
        )
    for meal in plan.meals:
        diet = ",".join(f"{k}={v}" for k, v in sorted(meal.dietary.items()))
        out[f"meal:{meal.id or meal.venue}"] = f"{_hhmm(meal.time, tz)} {meal.headcount} [{diet}]"
    for kind, count in sorted(plan.tickets.items()):
        out[f"tickets:{kind}"] = str(count)
    if plan.budget is not None:
        out["budget:total"] = str(plan.budget.total)
    return out


def _order(field: str) -> tuple[int, str]:
    base = field.split(":", 1)[0]
    rank = FIELD_ORDER.index(base) if base in FIELD_ORDER else len(FIELD_ORDER)
    return rank, field


class Comparison(Struct, frozen=True):
    """Two plans compared: every difference, and everyone compared (the people
    of either plan), so that "nothing else changed" can name how many."""

    differences: list[Difference]
    people: frozenset[str]

    @property
    def unchanged(self) -> frozenset[str]:
        return self.people - changed_people(self.differences)


def compare(before: Plan, after: Plan) -> Comparison:
    """Compare two plans of one event, fact by fact (:func:`facts_of`)."""
    old, new = facts_of(before), facts_of(after)
    people = frozenset((set(old) | set(new)) - {PLAN})
    return Comparison(_differences(old, new), people)


def diff_plans(before: Plan, after: Plan) -> list[Difference]:
    """Every fact that differs between two plans: by person (ids sorted), the
    plan's own facts last; within a person in :data:`FIELD_ORDER`."""
    return compare(before, after).differences


def _differences(
    old: dict[str, dict[str, str]], new: dict[str, dict[str, str]]
) -> list[Difference]:
    out: list[Difference] = []
    people = [*sorted((set(old) | set(new)) - {PLAN}), PLAN]
    for who in people:
        a, b = old.get(who, {}), new.get(who, {})
        for field in sorted(set(a) | set(b), key=_order):
            if a.get(field, "") != b.get(field, ""):
                out.append(Difference(who, field, a.get(field, ""), b.get(field, "")))
    return out


#: Plan facts the team calendar shows: a change to one updates team.ics.
TEAM_FIELDS: tuple[str, ...] = ("timeline", "bus")


def team_changed(differences: list[Difference]) -> bool:
    """Whether anything the team calendar shows (the timeline, the buses' rounds) changed."""
    return any(d.who == PLAN and d.field.split(":")[0] in TEAM_FIELDS for d in differences)


def changed_people(differences: list[Difference]) -> set[str]:
    """Who has at least one difference (the plan's own facts not counted)."""
    return {d.who for d in differences if d.who != PLAN}


def earlier_guardian_times(differences: list[Difference]) -> list[Difference]:
    """Guardian-facing times (pickup, drop-off) that moved earlier: a broken promise."""
    return [
        d
        for d in differences
        if d.field in GUARDIAN_TIMES and d.before and d.after and d.after < d.before
    ]
