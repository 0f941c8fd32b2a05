"""The convoy: children to buses, escorts to buses (CP-SAT), stops in order
(the routing library), and the outward and return legs with their times.

Rules, in the organisers' words:

- every child is collected at their pickup point and brought home again;
- brothers and sisters ride the same bus;
- a child rides with the volunteer paired with them, when that volunteer escorts;
- every bus carries at least ``min_adults_per_bus`` screened adults and at
  least one escort per ``escort_ratio`` children;
- adults take seats too, and no bus carries more than its seats (the
  driver's seat included when ``seats_include_driver``);
- escorts are chosen among the selected volunteers: first those whose own
  children ride, first-aiders and drivers (weights in ``escort_weights``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from msgspec import Struct

from planner.errors import Infeasible, InvalidInput, TimeLimitReached
from planner.itinerary.inputs import depot_problems, pickup_problems, travel_place, venue_problems
from planner.itinerary.previous import Promised
from planner.itinerary.routing import Route, order_stops
from planner.itinerary.solver import STAGE, Said, Solved, Switches, solve, try_solve
from planner.itinerary.travel import TravelTimes, find_place
from planner.model import (
    Activity,
    ActivityKind,
    Bus,
    BusPlan,
    Event,
    Leg,
    Notice,
    Plan,
    Skill,
    Stop,
)

if TYPE_CHECKING:
    from ortools.sat.python import cp_model
    from ortools.sat.python.cp_model import IntVar

    from planner.itinerary.solver import Expr


def passenger_seats(bus: Bus) -> int:
    """Seats for children and escorts (the driver's seat taken away)."""
    return bus.seats - 1 if bus.seats_include_driver else bus.seats


def escorts_needed(children: int, ratio: int) -> int:
    """At least one escort per ``ratio`` children, rounded up.

    >>> escorts_needed(17, 8)
    3
    """
    return math.ceil(children / ratio)


def travel_activity(event: Event, kind: ActivityKind) -> Activity | None:
    return next((a for a in event.activities if a.kind == kind), None)


class Unit(Struct, frozen=True):
    """Children who must ride together: one child, or brothers and sisters."""

    key: str
    child_ids: tuple[str, ...]
    points: tuple[str, ...]


class Load(Struct, frozen=True):
    bus: Bus
    child_ids: tuple[str, ...]
    escort_ids: tuple[str, ...]
    at_point: dict[str, tuple[str, ...]]


class BusRoutes(Struct, frozen=True):
    load: Load
    out: Route | None
    back: Route | None


class Convoy(Struct, frozen=True):
    """The day's bus plan before clock times are known."""

    routes: tuple[BusRoutes, ...]
    escorts: tuple[str, ...]
    out_minutes: int
    back_minutes: int
    notices: tuple[Notice, ...] = ()
    walk_in: tuple[str, ...] = ()

    def legs(self, out_arrive: datetime | None, back_depart: datetime | None) -> list[BusPlan]:
        """The buses with their legs, now that the timeline fixed the times."""
        plans = []
        for r in self.routes:
            legs = []
            if r.out is not None and out_arrive is not None:
                legs.append(_leg(r.load, r.out, out_arrive - timedelta(minutes=r.out.total), "out"))
            if r.back is not None and back_depart is not None:
                legs.append(_leg(r.load, r.back, back_depart, "back"))
            bus = r.load.bus
            plans.append(
                BusPlan(
                    id=bus.id,
                    name=bus.name,
                    seats=bus.seats,
                    driver=bus.driver,
                    driver_phone=bus.driver_phone,
                    cost=bus.cost,
                    legs=legs,
                )
            )
        return plans


def _leg(load: Load, route: Route, depart: datetime, direction: str) -> Leg:
    kind = "pickup" if direction == "out" else "dropoff"
    stops = [
        Stop(
            point=point,
            time=depart + timedelta(minutes=offset),
            child_ids=list(load.at_point[point]),
            kind=kind,
        )
        for point, offset in zip(route.stops, route.arrive, strict=True)
    ]
    return Leg(
        from_=route.start or route.stops[0],
        to=route.end or route.stops[-1],
        depart=depart,
        arrive=depart + timedelta(minutes=route.total),
        volunteer_ids=list(load.escort_ids),
        child_ids=list(load.child_ids),
        stops=stops,
        direction=direction,
    )


def riders(event: Event, plan: Plan) -> tuple[dict[str, str], list[str]]:
    """Each paired child's pickup point id; children without one come on their own."""
    children = {c.id: c for c in event.children}
    points: dict[str, str] = {}
    walk_in: list[str] = []
    for cid in sorted({c for p in plan.pairs for c in p.child_ids}):
        child = children.get(cid)
        place = find_place(event, child.pickup_point) if child is not None else None
        if place is None:
            walk_in.append(cid)
            continue
        points[cid] = place.id
    return points, walk_in


def units_of(event: Event, points: dict[str, str]) -> list[Unit]:
    """Brothers and sisters (same ``sibling_group``) form one unit."""
    children = {c.id: c for c in event.children}
    by_key: dict[str, list[str]] = defaultdict(list)
    for cid in sorted(points):
        group = children[cid].sibling_group
        by_key[f"sib:{group}" if group else cid].append(cid)
    return [
        Unit(key, tuple(ids), tuple(sorted({points[c] for c in ids})))
        for key, ids in sorted(by_key.items())
    ]


def plan_convoy(
    event: Event, plan: Plan, travel: TravelTimes, promised: Promised | None = None
) -> Convoy | None:
    """Assign, route and time the buses; None when the day has no bus travel.

    In a re-plan, ``promised`` holds each rider's and escort's earlier bus:
    moving one counts above every other aim (:class:`CountModel`)."""
    out_act = travel_activity(event, ActivityKind.TRAVEL_OUT)
    back_act = travel_activity(event, ActivityKind.TRAVEL_BACK)
    if out_act is None and back_act is None:
        return None
    notices: list[Notice] = []
    if not event.buses:
        return None
    problems = pickup_problems(event) + depot_problems(event) + venue_problems(event)
    if problems:
        raise InvalidInput(problems)
    points, walk_in = riders(event, plan)
    notices += _rider_notices(event, points, walk_in)
    if not points:
        return Convoy((), (), 0, 0, tuple(notices), tuple(walk_in))
    units = units_of(event, points)
    out_place = travel_place(event, out_act) if out_act else None
    back_place = travel_place(event, back_act) if back_act else None
    loads = assign_buses(event, plan, units, points, travel, out_place or back_place, promised)
    everywhere = sorted(
        {p for ld in loads for p in ld.at_point}
        | {ld.bus.depot for ld in loads if ld.bus.depot}
        | {p for p in (out_place, back_place) if p}
    )
    travel.matrix(everywhere)  # every missing travel time reported at once
    routes = [
        _routes(load, travel, out_place if out_act else None, back_place if back_act else None)
        for load in loads
    ]
    used = {ld.bus.id for ld in loads}
    for bus in event.buses:
        if bus.id not in used:
            notices.append(
                Notice(
                    stage=STAGE,
                    code="bus_not_needed",
                    zh=f"车辆 {bus.id} 不需要使用",
                    en=f"bus {bus.id} is not needed",
                )
            )
    return Convoy(
        routes=tuple(routes),
        escorts=tuple(sorted(e for ld in loads for e in ld.escort_ids)),
        out_minutes=max((r.out.total for r in routes if r.out), default=0),
        back_minutes=max((r.back.total for r in routes if r.back), default=0),
        notices=tuple(notices),
        walk_in=tuple(walk_in),
    )


def _rider_notices(event: Event, points: dict[str, str], walk_in: list[str]) -> list[Notice]:
    """Children who come on their own, and riders without the guardian's outing consent."""
    notices = [
        Notice(
            stage=STAGE,
            code="no_pickup_point",
            zh=f"儿童 {cid} 没有填写上车点:不安排乘车,请确认由监护人送到、接回",
            en=f"child {cid} has no pickup point: not on a bus, the guardian brings and fetches them",
        )
        for cid in walk_in
    ]
    children = {c.id: c for c in event.children}
    notices += [
        Notice(
            stage=STAGE,
            code="no_outing_consent",
            zh=f"儿童 {cid} 乘车外出,但没有监护人的外出同意:请先取得同意",
            en=f"child {cid} rides out without the guardian's outing consent: get it first",
        )
        for cid in sorted(points)
        if not children[cid].outing_consent
    ]
    return notices


def _routes(
    load: Load, travel: TravelTimes, out_to: str | None, back_from: str | None
) -> BusRoutes:
    """The bus's stops in order: depot → stops → venue out, venue → stops → depot back
    (a round is None when the day has no such activity)."""
    stops = sorted(load.at_point)
    depot = load.bus.depot
    out = order_stops(depot, stops, out_to, travel.minutes, travel.boarding) if out_to else None
    back = (
        order_stops(back_from, stops, depot, travel.minutes, travel.boarding) if back_from else None
    )
    return BusRoutes(load, out, back)


# ---------------------------------------------------------------- assignment


def escort_points(event: Event, plan: Plan, riding: set[str]) -> dict[str, int]:
    """How much each selected volunteer is preferred as an escort."""
    w = event.itinerary.escort_weights
    volunteers = {v.id: v for v in event.volunteers}
    own = {p.volunteer_id for p in plan.pairs if riding.intersection(p.child_ids)}
    points = {}
    for vid in sorted(set(plan.volunteers_selected)):
        v = volunteers.get(vid)
        if v is None:
            continue
        points[vid] = (
            w.get("own_children_ride", 0) * (vid in own)
            + w.get("first_aid", 0) * v.has(Skill.FIRST_AID)
            + w.get("driving", 0) * v.has(Skill.DRIVING)
        )
    return points


def _precheck(event: Event, units: list[Unit], candidates: int) -> None:
    """Say in numbers why the convoy cannot work, before any solving."""
    it = event.itinerary
    kids = sum(len(u.child_ids) for u in units)
    caps = sorted((passenger_seats(b) for b in event.buses), reverse=True)
    _enough_volunteers_for_the_escorts_wanted(it.escorts, candidates)
    fewest = _fewest_buses_with_seats_for_all(event, kids, caps)
    _enough_escorts(event, kids, fewest, candidates)
    _siblings_fit_one_bus(event, units, caps[0])


def _adults_needed(event: Event, kids: int, buses: int) -> int:
    """Escorting adults ``buses`` buses need: enough for the ratio, enough on each bus."""
    it = event.itinerary
    return max(buses * it.min_adults_per_bus, escorts_needed(kids, it.escort_ratio))


def _enough_volunteers_for_the_escorts_wanted(wanted: int | None, candidates: int) -> None:
    if wanted is not None and wanted > candidates:
        raise Infeasible(
            STAGE,
            [
                f"跟车志愿者要 {wanted} 名,入选志愿者只有 {candidates} 名:少 {wanted - candidates} 名"
            ],
            [
                f"{wanted} escorts wanted, only {candidates} selected volunteers: "
                f"{wanted - candidates} short"
            ],
        )


def _fewest_buses_with_seats_for_all(event: Event, kids: int, caps: list[int]) -> int:
    """The fewest buses (largest first) that seat the children and their escorts."""
    wanted = event.itinerary.escorts or 0
    for k in range(1, len(caps) + 1):
        if kids + max(_adults_needed(event, kids, k), wanted) <= sum(caps[:k]):
            return k
    adults = max(_adults_needed(event, kids, len(caps)), wanted)
    total = sum(caps)
    raise Infeasible(
        STAGE,
        [
            f"座位不足:{kids} 名儿童 + 至少 {adults} 名跟车成人 = {kids + adults} 座,"
            f"{len(caps)} 辆车共 {total} 个乘客座位(司机座不计):差 {kids + adults - total} 座"
        ],
        [
            f"not enough seats: {kids} children + at least {adults} escorting adults = "
            f"{kids + adults} seats, {len(caps)} buses have {total} passenger seats "
            f"(drivers' seats excluded): {kids + adults - total} short"
        ],
    )


def _enough_escorts(event: Event, kids: int, k: int, candidates: int) -> None:
    """The fewest buses need the fewest adults: are there that many escorts?"""
    it = event.itinerary
    wanted, need = it.escorts, _adults_needed(event, kids, k)
    have = wanted if wanted is not None else candidates
    if have >= need:
        return
    ratio_need = escorts_needed(kids, it.escort_ratio)
    have_zh = f"只安排了 {wanted} 名" if wanted is not None else f"入选志愿者只有 {candidates} 名"
    have_en = f"only {wanted} planned" if wanted is not None else f"only {candidates} selected"
    raise Infeasible(
        STAGE,
        [
            f"跟车志愿者不足:{kids} 名儿童至少要 {k} 辆车;按每 {it.escort_ratio} 名儿童 1 名需 "
            f"{ratio_need} 名,每车至少 {it.min_adults_per_bus} 名成人需 "
            f"{k * it.min_adults_per_bus} 名:至少 {need} 名,{have_zh}"
        ],
        [
            f"escorts short: {kids} children need at least {k} buses; one per "
            f"{it.escort_ratio} children needs {ratio_need}, {it.min_adults_per_bus} adults "
            f"per bus need {k * it.min_adults_per_bus}: at least {need}, {have_en}"
        ],
    )


def _siblings_fit_one_bus(event: Event, units: list[Unit], largest: int) -> None:
    least = event.itinerary.min_adults_per_bus
    biggest = largest - least
    for unit in units:
        if len(unit.child_ids) > biggest:
            raise Infeasible(
                STAGE,
                [
                    f"兄弟姐妹 {'、'.join(unit.child_ids)} 共 {len(unit.child_ids)} 人须同车,"
                    f"最大的车除去 {least} 名成人只剩 {biggest} 座"
                ],
                [
                    f"siblings {', '.join(unit.child_ids)} ({len(unit.child_ids)}) must ride "
                    f"together, the largest bus has {biggest} seats left after {least} adults"
                ],
            )


def assign_buses(
    event: Event,
    plan: Plan,
    units: list[Unit],
    points: dict[str, str],
    travel: TravelTimes,
    venue: str | None,
    promised: Promised | None = None,
) -> list[Load]:
    """Children and escorts to buses (CP-SAT); only the buses needed are used.

    In a re-plan (``promised``), first the fewest riders and escorts on another
    bus than before; then as below.

    First how many children of each pickup point ride each bus, and how
    many escorts: the least bus cost, then the fewest escorts (when their
    number is free) and stops, then the shortest detours. Then who escorts
    which bus: the preferred volunteers, each riding with their own
    children. Should no choice of escorts fit those numbers, children and
    escorts are decided together in one model (slower, same rules).
    """
    prefs = escort_points(event, plan, set(points))
    _precheck(event, units, len(prefs))
    riders = Riders(event, plan, units, prefs, travel, venue, promised)
    share = event.itinerary.time_limit_s * BUS_SHARE
    seed, quarter = event.itinerary.seed, share / 4

    def run(build: Callable[[Switches], M], limit: float = quarter) -> Solved[M]:
        what = "车辆安排", "assigning children and escorts to buses"
        return solve(build, what_zh=what[0], what_en=what[1], seed=seed, time_limit=limit)

    def improved(found: Solved[Any], build: Callable[..., Any], limit: float) -> Solved[Any]:
        """A second round within ``found``'s objective, hinted by it; should it
        find nothing in its time, ``found`` stands (it keeps every rule)."""
        bound, hint = round(found.solver.objective_value), found.built.values(found.solver)
        try:
            again = try_solve(partial(build, bound=bound, hint=hint), seed=seed, time_limit=limit)
        except TimeLimitReached:
            return found
        return found if again is None else again

    fewest = run(partial(SeatModel, riders))
    least_cost = round(fewest.solver.objective_value)
    first = run(partial(CountModel, riders, least_cost=least_cost))
    counted = improved(first, partial(CountModel, riders, least_cost=least_cost), quarter)
    counts = counted.built.counts(counted.solver)
    named = try_solve(partial(EscortModel, riders, counts), seed=seed, time_limit=quarter)
    if named is not None:
        return riders.loads(counts, named.built.escort_bus(named.solver), points)
    joint = improved(
        run(partial(JointModel, riders), share / 2), partial(JointModel, riders), share / 2
    )
    return riders.loads(
        joint.built.counts(joint.solver), joint.built.escort_bus(joint.solver), points
    )


M = TypeVar("M")

#: the share of ``itinerary.time_limit_s`` the bus models may use
BUS_SHARE = 0.2

#: a class of interchangeable units: (pickup point, children in the unit)
UnitClass = tuple[str, int]


class Counts(Struct, frozen=True):
    """How many units of each class ride each bus, where the one-by-one units
    ride, and how many escorts each bus carries."""

    m: dict[tuple[UnitClass, int], int]
    x: dict[tuple[str, int], int]
    escorts: dict[int, int]


class Riders:
    """What the bus models know: the buses, the riding units and the possible escorts.

    Children are counted, not named: single-point units (a child, or
    brothers and sisters boarding at one point) of the same size at the same
    point are interchangeable, so the models decide how many of each go on
    each bus. Units that board at several points, or that hold children of
    two possible escorts, are decided one by one. Names are given after
    solving: an escort's own children first, then the others in id order.
    """

    def __init__(
        self,
        event: Event,
        plan: Plan,
        units: list[Unit],
        prefs: dict[str, int],
        travel: TravelTimes,
        venue: str | None,
        promised: Promised | None = None,
    ) -> None:
        self.it = event.itinerary
        self.buses = list(event.buses)
        self.replan = promised is not None
        index = {bus.id: b for b, bus in enumerate(self.buses)}
        #: in a re-plan: unit key -> the bus index it rode before; escort -> theirs
        self.was_on: dict[str, int] = {}
        self.escorted: dict[str, int] = {}
        if promised is not None:
            for u in units:
                earlier = promised.bus(u.child_ids[0])
                if earlier in index:
                    self.was_on[u.key] = index[earlier]
            for v in prefs:
                earlier = promised.bus(v)
                if earlier in index:
                    self.escorted[v] = index[earlier]
        self.prefs = prefs
        volunteers = {v.id: v for v in event.volunteers}
        self.first_aid = [v for v in prefs if volunteers[v].has(Skill.FIRST_AID)]
        unit_of = {c: u.key for u in units for c in u.child_ids}
        self.units = {u.key: u for u in units}
        self.kids_total = sum(len(u.child_ids) for u in units)
        #: unit key -> the possible escorts whose paired children are in it
        self.tied: dict[str, set[str]] = defaultdict(set)
        for pair in plan.pairs:
            if pair.volunteer_id in prefs:
                for cid in pair.child_ids:
                    if cid in unit_of:
                        self.tied[unit_of[cid]].add(pair.volunteer_id)
        self.single = sorted(u.key for u in units if len(u.points) > 1 or len(self.tied[u.key]) > 1)
        self.classes: dict[UnitClass, list[str]] = defaultdict(list)
        for u in units:
            if u.key not in self.single:
                self.classes[(u.points[0], len(u.child_ids))].append(u.key)
        #: (volunteer, class) -> how many of the class's units hold the volunteer's children
        self.own: dict[tuple[str, UnitClass], int] = defaultdict(int)
        for cls, keys in self.classes.items():
            for key in keys:
                for v in self.tied[key]:
                    self.own[(v, cls)] += 1
        self.points = sorted({p for u in units for p in u.points})
        self.detour = {
            (b, p): _detour(travel, bus.depot, p, venue)
            for b, bus in enumerate(self.buses)
            for p in self.points
        }

    def loads(
        self, counts: Counts, escort_bus: dict[str, int], points: dict[str, str]
    ) -> list[Load]:
        """Name the children on each bus: escorts' own first, then the rest by id."""
        on_bus: dict[int, list[str]] = defaultdict(list)
        for u in self.single:
            b = next(b for b in range(len(self.buses)) if counts.x[u, b])
            on_bus[b].extend(self.units[u].child_ids)
        for c, keys in sorted(self.classes.items()):
            pinned = {k: escort_bus[v] for k in keys for v in self.tied[k] if v in escort_bus}
            free = [k for k in keys if k not in pinned]
            chosen: dict[int, list[str]] = {
                b: [k for k in keys if pinned.get(k) == b] for b in range(len(self.buses))
            }
            for b in range(len(self.buses)):  # first those who rode this bus before
                room = counts.m[c, b] - len(chosen[b])
                back = [k for k in free if self.was_on.get(k) == b][: max(room, 0)]
                chosen[b] += back
                free = [k for k in free if k not in back]
            for b in range(len(self.buses)):
                take = counts.m[c, b] - len(chosen[b])
                chosen[b] += free[:take]
                free = free[take:]
                for k in chosen[b]:
                    on_bus[b].extend(self.units[k].child_ids)
        loads = []
        for b, bus in enumerate(self.buses):
            kids = sorted(on_bus[b])
            escorts = sorted(v for v, at in escort_bus.items() if at == b)
            if not kids and not escorts:
                continue
            at_point: dict[str, list[str]] = defaultdict(list)
            for cid in kids:
                at_point[points[cid]].append(cid)
            loads.append(
                Load(bus, tuple(kids), tuple(escorts), {p: tuple(c) for p, c in at_point.items()})
            )
        return loads


class SeatModel:
    """The least the buses can cost, counting seats only (children as a crowd):
    a bound the detailed models then only have to reach."""

    def __init__(self, riders: Riders, sw: Switches) -> None:
        md, buses = sw.model, riders.buses
        self.kids = [
            md.new_int_var(0, passenger_seats(b), f"kids[{i}]") for i, b in enumerate(buses)
        ]
        self.esc = [md.new_int_var(0, passenger_seats(b), f"esc[{i}]") for i, b in enumerate(buses)]
        self.used = [md.new_bool_var(f"used[{i}]") for i in range(len(buses))]
        md.add(sum(self.kids) == riders.kids_total)
        sw.say(escorts_as_planned(riders.it.escorts, sum(self.esc)))
        sw.say(escorts_from_selected(len(riders.prefs), sum(self.esc)))
        for b, bus in enumerate(buses):
            md.add(self.kids[b] + self.esc[b] <= passenger_seats(bus) * self.used[b])
            every_bus_rule(sw, riders, bus, self.kids[b], self.esc[b], self.used[b])
        _break_bus_symmetry(md, buses, self.used)
        md.minimize(_bus_cost(buses, self.used))


class Seating:
    """Children to buses: ``m`` (how many of a class ride bus b), ``x`` (a unit
    that rides whole), ``used`` buses and ``y`` (bus b stops at point p);
    every child rides exactly one bus."""

    def __init__(self, riders: Riders, md: cp_model.CpModel) -> None:
        self.riders = riders
        nb = len(riders.buses)
        self.classes = sorted(riders.classes)
        self.m = {
            (c, b): md.new_int_var(0, len(riders.classes[c]), f"m[{c[0]}|{c[1]},{b}]")
            for c in self.classes
            for b in range(nb)
        }
        self.x = {(u, b): md.new_bool_var(f"x[{u},{b}]") for u in riders.single for b in range(nb)}
        self.used = [md.new_bool_var(f"used[{b}]") for b in range(nb)]
        self.y = {(b, p): md.new_bool_var(f"y[{b},{p}]") for b in range(nb) for p in riders.points}
        for c in self.classes:
            md.add(sum(self.m[c, b] for b in range(nb)) == len(riders.classes[c]))
        for u in riders.single:
            md.add_exactly_one(self.x[u, b] for b in range(nb))

    def kids(self, b: int) -> Expr:
        """Children on bus ``b``."""
        r = self.riders
        return sum(c[1] * self.m[c, b] for c in self.classes) + sum(
            len(r.units[u].child_ids) * self.x[u, b] for u in r.single
        )

    def stops(self) -> Expr:
        return sum(self.y.values())

    def riders_moved(self, md: cp_model.CpModel) -> Expr:
        """In a re-plan: children not on the bus they rode before."""
        r, moved = self.riders, []
        for c in self.classes:
            for b in range(len(r.buses)):
                before = sum(1 for k in r.classes[c] if r.was_on.get(k) == b)
                if before:
                    kept = md.new_int_var(0, before, f"kept[{c[0]}|{c[1]},{b}]")
                    md.add(kept <= self.m[c, b])
                    moved.append(c[1] * (before - kept))
        for u in r.single:
            was = r.was_on.get(u)
            if was is not None:
                moved.append(len(r.units[u].child_ids) * (1 - self.x[u, was]))
        return sum(moved)

    def detour(self) -> Expr:
        return sum(self.riders.detour[k] * self.y[k] for k in self.y)

    def counts(self, solver: cp_model.CpSolver, escorts: dict[int, int]) -> Counts:
        value = solver.value
        return Counts(
            {k: value(v) for k, v in self.m.items()},
            {k: value(v) for k, v in self.x.items()},
            escorts,
        )


class CountModel:
    """How many children of each class and how many escorts ride each bus."""

    def __init__(
        self,
        riders: Riders,
        sw: Switches,
        *,
        least_cost: int = 0,
        bound: int | None = None,
        hint: dict[str, int] | None = None,
    ) -> None:
        md, buses, nb = sw.model, riders.buses, len(riders.buses)
        seat = self.seating = Seating(riders, md)
        self.esc = {b: md.new_int_var(0, passenger_seats(buses[b]), f"esc[{b}]") for b in range(nb)}
        total = sum(self.esc.values())
        sw.say(escorts_as_planned(riders.it.escorts, total))
        sw.say(escorts_from_selected(len(riders.prefs), total))
        for b, bus in enumerate(buses):
            cap, kids = passenger_seats(bus), seat.kids(b)
            md.add(kids <= cap * seat.used[b])
            md.add(self.esc[b] <= cap * seat.used[b])
            every_bus_rule(sw, riders, bus, kids, self.esc[b], seat.used[b])
            for c in seat.classes:
                md.add(seat.m[c, b] <= len(riders.classes[c]) * seat.y[b, c[0]])
            for u in riders.single:
                for p in riders.units[u].points:
                    md.add_implication(seat.x[u, b], seat.y[b, p])
        if not riders.replan:  # a re-plan's buses are known by what they carried
            _break_bus_symmetry(md, buses, seat.used)
        cost = _bus_cost(buses, seat.used)
        md.add(cost >= least_cost)
        w_escorts = nb * len(riders.points) + 1
        w_cost = w_escorts * (len(riders.prefs) + 1)
        escorts = total if riders.it.escorts is None else 0
        round1 = w_cost * cost + w_escorts * escorts + seat.stops()
        if riders.replan:
            every_bus = sum(_fen(bus) for bus in buses)
            most = w_cost * every_bus + w_escorts * (len(riders.prefs) + 1)
            w_moved = most + nb * len(riders.points) + 1
            moved = seat.riders_moved(md) + _escort_count_moves(md, riders, self.esc)
            round1 = w_moved * moved + round1
        if bound is None:
            md.minimize(round1)
        else:
            md.add(round1 <= bound)
            md.minimize(seat.detour())
        _hint(md, [*seat.m.values(), *seat.x.values(), *self.esc.values()], hint)

    def values(self, solver: cp_model.CpSolver) -> dict[str, int]:
        """Every decision's value by name, to hint the next round."""
        seat = self.seating
        return _values(solver, [*seat.m.values(), *seat.x.values(), *self.esc.values()])

    def counts(self, solver: cp_model.CpSolver) -> Counts:
        return self.seating.counts(solver, {b: solver.value(v) for b, v in self.esc.items()})


class EscortModel:
    """Who escorts which bus, given how many each carries: the preferred
    volunteers, each on the bus their own children ride."""

    def __init__(self, riders: Riders, counts: Counts, sw: Switches) -> None:
        md, nb, prefs = sw.model, len(riders.buses), riders.prefs
        self.counts = counts
        self.mine: dict[str, dict[UnitClass, int]] = defaultdict(dict)
        for (v, c), n in riders.own.items():
            self.mine[v][c] = n
        self.singles: dict[str, list[str]] = defaultdict(list)
        for u in riders.single:
            for v in riders.tied[u]:
                self.singles[v].append(u)
        self.e = {
            (v, b): md.new_bool_var(f"e[{v},{b}]")
            for v in prefs
            for b in range(nb)
            if self._fits(v, b)
        }
        for v in prefs:
            md.add_at_most_one(self.e[v, b] for b in range(nb) if (v, b) in self.e)
        w_fa_bus = riders.it.escort_weights.get("first_aid_each_bus", 0)
        fa_on = []
        for b in range(nb):
            here = [v for v in prefs if (v, b) in self.e]
            md.add(sum(self.e[v, b] for v in here) == counts.escorts.get(b, 0))
            for c in sorted({c for v in here for c in self.mine[v]}):
                own = sum(self.mine[v].get(c, 0) * self.e[v, b] for v in here)
                md.add(own <= counts.m[c, b])
            aid = [self.e[v, b] for v in here if v in riders.first_aid]
            if w_fa_bus and aid:
                on = md.new_bool_var(f"fa_on[{b}]")
                md.add(on <= sum(aid))
                fa_on.append(on)
        preference = sum(prefs[v] * var for (v, _), var in self.e.items())
        kept = sum(var for (v, b), var in self.e.items() if riders.escorted.get(v) == b)
        w_kept = sum(prefs.values()) + w_fa_bus * nb + 1
        md.maximize(w_kept * kept + preference + w_fa_bus * sum(fa_on))

    def _fits(self, v: str, b: int) -> bool:
        """Volunteer ``v`` may escort bus ``b``: it carries escorts, and every unit
        holding v's children may ride it."""
        counts = self.counts
        if counts.escorts.get(b, 0) == 0:
            return False
        if any(counts.x[u, b] == 0 for u in self.singles[v]):
            return False
        return all(counts.m[c, b] >= n for c, n in self.mine[v].items())

    def escort_bus(self, solver: cp_model.CpSolver) -> dict[str, int]:
        return {v: b for (v, b), var in self.e.items() if solver.value(var)}


class JointModel:
    """Children and escorts decided together (when no choice of escorts fits the
    counts): round 1 bus cost, then escorts (when free), then stops; round 2
    (with ``bound``) preferred escorts, then detour minutes."""

    def __init__(
        self,
        riders: Riders,
        sw: Switches,
        *,
        bound: int | None = None,
        hint: dict[str, int] | None = None,
    ) -> None:
        md, buses, prefs, nb = sw.model, riders.buses, riders.prefs, len(riders.buses)
        seat = self.seating = Seating(riders, md)
        self.e = {(v, b): md.new_bool_var(f"e[{v},{b}]") for v in prefs for b in range(nb)}
        for v in prefs:
            md.add_at_most_one(self.e[v, b] for b in range(nb))
        sw.say(escorts_as_planned(riders.it.escorts, sum(self.e.values())))
        w_fa_bus = riders.it.escort_weights.get("first_aid_each_bus", 0)
        fa_on = []
        for b, bus in enumerate(buses):
            cap, kids = passenger_seats(bus), seat.kids(b)
            esc = sum(self.e[v, b] for v in prefs)
            md.add(kids <= cap * seat.used[b])
            md.add(esc <= cap * seat.used[b])
            every_bus_rule(sw, riders, bus, kids, esc, seat.used[b])
            self._own_children_ride_along(sw, b)
            if w_fa_bus and riders.first_aid:
                on = md.new_bool_var(f"fa_on[{b}]")
                md.add(on <= sum(self.e[v, b] for v in riders.first_aid))
                fa_on.append(on)
        if not riders.replan:
            _break_bus_symmetry(md, buses, seat.used)
        w_escorts = nb * len(riders.points) + 1
        w_cost = w_escorts * (len(prefs) + 1)
        w_pref = sum(riders.detour.values()) + 1
        escorts = sum(self.e.values()) if riders.it.escorts is None else 0
        round1 = w_cost * _bus_cost(buses, seat.used) + w_escorts * escorts + seat.stops()
        if riders.replan:  # as in CountModel: a moved rider or escort outweighs the rest
            most = w_cost * sum(_fen(bus) for bus in buses) + w_escorts * (len(prefs) + 1)
            kept = [self.e[v, b] for v, b in riders.escorted.items() if (v, b) in self.e]
            moved = seat.riders_moved(md) + (len(kept) - sum(kept))
            moved += sum(self.e.values()) - sum(kept)
            round1 = (most + nb * len(riders.points) + 1) * moved + round1
        preference = sum(prefs[v] * var for (v, _), var in self.e.items()) + w_fa_bus * sum(fa_on)
        if bound is None:
            md.minimize(round1)
        else:
            md.add(round1 <= bound)
            md.minimize(seat.detour() - w_pref * preference)
        _hint(md, [*seat.m.values(), *seat.x.values(), *self.e.values()], hint)

    def _own_children_ride_along(self, sw: Switches, b: int) -> None:
        """Bus ``b`` stops where its children board, and an escort rides with their own."""
        seat, riders, md = self.seating, self.seating.riders, sw.model
        for c in seat.classes:
            md.add(seat.m[c, b] <= len(riders.classes[c]) * seat.y[b, c[0]])
            mine = [(v, n) for (v, cc), n in riders.own.items() if cc == c]
            if mine:
                escort_on = sum(n * self.e[v, b] for v, n in mine)
                sw.say(child_rides_with_escort(escort_on, seat.m[c, b]))
        for u in riders.single:
            for p in riders.units[u].points:
                md.add_implication(seat.x[u, b], seat.y[b, p])
            for v in sorted(riders.tied[u]):
                sw.say(child_rides_with_escort(self.e[v, b], seat.x[u, b]))

    def values(self, solver: cp_model.CpSolver) -> dict[str, int]:
        """Every decision's value by name, to hint the next round."""
        seat = self.seating
        return _values(solver, [*seat.m.values(), *seat.x.values(), *self.e.values()])

    def counts(self, solver: cp_model.CpSolver) -> Counts:
        return self.seating.counts(solver, {})

    def escort_bus(self, solver: cp_model.CpSolver) -> dict[str, int]:
        return {v: b for (v, b), var in self.e.items() if solver.value(var)}


def _escort_count_moves(md: cp_model.CpModel, riders: Riders, esc: dict[int, IntVar]) -> Expr:
    """In a re-plan: escort places that change (one leaving a bus, one joining it)."""
    moves = []
    for b, var in esc.items():
        before = sum(1 for v in riders.prefs if riders.escorted.get(v) == b)
        kept = md.new_int_var(0, before, f"esc_kept[{b}]")
        md.add(kept <= var)
        moves.append((before - kept) + (var - kept))
    return sum(moves)


def _values(solver: cp_model.CpSolver, variables: list[IntVar]) -> dict[str, int]:
    return {var.name: solver.value(var) for var in variables}


def _hint(md: cp_model.CpModel, variables: list[IntVar], hint: dict[str, int] | None) -> None:
    for var in variables if hint else ():
        if hint and var.name in hint:
            md.add_hint(var, hint[var.name])


def _detour(travel: TravelTimes, depot: str | None, point: str, venue: str | None) -> int:
    """Minutes to reach ``point`` from the depot and go on to the venue: a stop's weight."""
    there = travel.minutes(depot, point) if depot else 0
    on = travel.minutes(point, venue) if venue else 0
    return (there or 0) + (on or 0)


def every_bus_rule(
    sw: Switches, riders: Riders, bus: Bus, kids: Expr, escorts: Expr, used: IntVar
) -> None:
    """The rules every bus keeps: seats, escorts per children, adults on board."""
    sw.say(seats_never_exceeded(bus, kids, escorts))
    sw.say(escorts_per_children(riders.it.escort_ratio, kids, escorts))
    sw.say(adults_on_every_bus(riders.it.min_adults_per_bus, escorts, used))


# The bus rules in the organisers' words. Each takes numbers (a finished plan's
# counts: the checker) or model expressions (the solver) and says the rule.


def escorts_as_planned(wanted: int | None, escorts: Expr) -> Said | None:
    """When the organisers fix the number of escorts, exactly that many ride."""
    if wanted is None:
        return None
    return Said(
        escorts == wanted, "escort_count", f"跟车志愿者共 {wanted} 名", f"{wanted} escorts in all"
    )


def escorts_from_selected(selected: int, escorts: Expr) -> Said:
    """Escorts are selected volunteers: no more escorts than there are."""
    return Said(
        escorts <= selected,
        "volunteers",
        f"入选志愿者共 {selected} 名",
        f"{selected} selected volunteers",
    )


def seats_never_exceeded(bus: Bus, kids: Expr, escorts: Expr) -> Said:
    """Children and escorts together never outnumber the bus's passenger seats."""
    cap = passenger_seats(bus)
    return Said(
        kids + escorts <= cap,
        f"seats:{bus.id}",
        f"{bus.id} 只有 {cap} 个乘客座位",
        f"bus {bus.id} has {cap} passenger seats",
    )


def escorts_per_children(ratio: int, kids: Expr, escorts: Expr) -> Said:
    """At least one escort per ``ratio`` children on every bus."""
    return Said(
        ratio * escorts >= kids,
        "ratio",
        f"每 {ratio} 名儿童至少 1 名跟车志愿者",
        f"one escort per {ratio} children",
    )


def adults_on_every_bus(least: int, escorts: Expr, used: Expr) -> Said:
    """No bus travels with fewer than ``least`` screened adults."""
    return Said(
        escorts >= least * used,
        "adults",
        f"每辆车至少 {least} 名经过审查的成人",
        f"at least {least} screened adults on every bus",
    )


def child_rides_with_escort(escort_on_bus: Expr, child_on_bus: Expr) -> Said:
    """A volunteer who escorts rides with the children paired with them."""
    return Said(
        escort_on_bus <= child_on_bus,
        "ride_with_own",
        "跟车志愿者与自己结对的儿童同车",
        "an escort rides with the children paired with them",
    )


def _bus_cost(buses: list[Bus], used: list[IntVar]) -> Expr:
    """What the buses used cost, in fen; one fen more per bus, so that of two
    equal prices the fewer buses win."""
    return sum(_fen(bus) * used[b] for b, bus in enumerate(buses))


def _fen(bus: Bus) -> int:
    """A bus's cost in fen, plus one (see :func:`_bus_cost`)."""
    return int(bus.cost * 100 + 1)


def _break_bus_symmetry(m: cp_model.CpModel, buses: list[Bus], used: list[IntVar]) -> None:
    """Buses alike in seats, cost and depot are interchangeable: use them in order."""
    for b in range(1, len(buses)):
        a, c = buses[b - 1], buses[b]
        if (a.seats, a.seats_include_driver, a.cost, a.depot) == (
            c.seats,
            c.seats_include_driver,
            c.cost,
            c.depot,
        ):
            m.add(used[b - 1] >= used[b])
