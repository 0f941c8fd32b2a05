"""Hard rules of the itinerary: groups, timeline, buses, meals, tickets.

Each rule reads the finished plan (and the event it was made from) and
yields one message per place it is broken, Chinese first, then English.
The rules re-derive what they check from the plan; they share with the
solvers only the plain definitions (who ``who`` names, travel minutes,
seats, headcounts), so a solver bug shows up here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from planner.check.core import hard_rule
from planner.itinerary import buses
from planner.itinerary.groups import day_has_games
from planner.itinerary.inputs import travel_place
from planner.itinerary.meals import (
    meal_capacity,
    meal_for,
)
from planner.itinerary.roster import STAFF_PREFIX, Roster
from planner.itinerary.solver import Said
from planner.itinerary.timeline import TRAVEL_KINDS
from planner.itinerary.travel import TravelTimes, find_place
from planner.model import Activity, ActivityKind, Bus, Event, Leg, Plan, Skill, TimelineItem

STAGE = "itinerary"


# ----------------------------------------------------------------- helpers


def _activity_of(event: Event, plan: Plan) -> dict[str, Activity]:
    """Each timeline item's activity (a game item is ``<activity>-<group>``)."""
    by_id = {a.id: a for a in event.activities}
    out = {}
    for item in plan.timeline:
        if item.id in by_id:
            out[item.id] = by_id[item.id]
            continue
        for g in plan.groups:
            base = item.id.removesuffix(f"-{g.id}")
            if base != item.id and base in by_id:
                out[item.id] = by_id[base]
    return out


def _items_of(event: Event, plan: Plan, activity_id: str) -> list[TimelineItem]:
    acts = _activity_of(event, plan)
    return [t for t in plan.timeline if acts.get(t.id) and acts[t.id].id == activity_id]


def _ends_at(event: Event, activity: Activity, item: TimelineItem) -> str | None:
    if activity.kind == ActivityKind.TRAVEL_OUT:
        return travel_place(event, activity)
    if activity.kind == ActivityKind.TRAVEL_BACK:
        return None
    return item.place


def _starts_at(event: Event, activity: Activity, item: TimelineItem) -> str | None:
    if activity.kind == ActivityKind.TRAVEL_BACK:
        return travel_place(event, activity)
    if activity.kind == ActivityKind.TRAVEL_OUT:
        return None
    return item.place


def _beside_clusters(event: Event) -> dict[str, str]:
    parent = {a.id: a.id for a in event.activities}

    def find(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in event.activities:
        for other in a.beside:
            if other in parent:
                ra, rb = find(a.id), find(other)
                parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in parent}


def _legs(plan: Plan, direction: str) -> Iterator[tuple[str, Leg]]:
    for bus in plan.buses:
        for leg in bus.legs:
            if leg.direction == direction:
                yield bus.id, leg


def _hm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


# ------------------------------------------------------------------- groups


@hard_rule(STAGE, "结对不拆开:每对恰在一个组 / a pair is never split")
def pair_never_split(event: Event, plan: Plan) -> Iterator[str]:
    """A volunteer and their children are in one group, and every pair in exactly one."""
    if not plan.groups:
        return
    for pair in plan.pairs:
        homes = [g.id for g in plan.groups if pair.volunteer_id in g.volunteer_ids]
        if len(homes) != 1:
            yield f"志愿者 {pair.volunteer_id} 在 {len(homes)} 个组里 / in {len(homes)} groups"
            continue
        group = next(g for g in plan.groups if g.id == homes[0])
        for cid in pair.child_ids:
            if cid not in group.child_ids:
                yield (
                    f"儿童 {cid} 不在结对志愿者 {pair.volunteer_id} 的组 {group.id} / "
                    f"child {cid} is not in their volunteer's group {group.id}"
                )
    paired = {c for p in plan.pairs for c in p.child_ids} | {p.volunteer_id for p in plan.pairs}
    for g in plan.groups:
        for person in [*g.volunteer_ids, *g.child_ids]:
            if person not in paired:
                yield f"组 {g.id} 里的 {person} 不在任何结对中 / {person} in {g.id} has no pair"


@hard_rule(STAGE, "各组人数相差不超过一对 / groups differ by at most one pair")
def groups_even_in_size(event: Event, plan: Plan) -> Iterator[str]:
    """There are as many groups as the event says, sizes within one pair of each other."""
    if not plan.pairs:
        return
    if len(plan.groups) != event.groups.count:
        yield (
            f"应分 {event.groups.count} 组,实际 {len(plan.groups)} 组 / "
            f"{event.groups.count} groups wanted, {len(plan.groups)} made"
        )
    sizes = {g.id: len(g.volunteer_ids) for g in plan.groups}
    if sizes and max(sizes.values()) - min(sizes.values()) > 1:
        yield f"各组结对数 {sizes} 相差超过 1 / group sizes {sizes} differ by more than one pair"


@hard_rule(STAGE, "有游戏时每组一名会组织游戏的志愿者 / a games leader in every group")
def group_has_games_leader(event: Event, plan: Plan) -> Iterator[str]:
    """When the day has games, every group has a volunteer who can lead them."""
    if not day_has_games(event):
        return
    volunteers = {v.id: v for v in event.volunteers}
    for g in plan.groups:
        leaders = [v for v in g.volunteer_ids if v in volunteers and volunteers[v].has(Skill.GAMES)]
        if not leaders:
            yield f"组 {g.id} 没有会组织游戏的志愿者 / group {g.id} has nobody to lead games"


@hard_rule(STAGE, "急救员够时每组一名 / a first-aider in every group where there are enough")
def group_has_first_aider(event: Event, plan: Plan) -> Iterator[str]:
    """As many groups have a first-aider as there are first-aiders to go round."""
    if not event.groups.first_aider_per_group or not plan.groups:
        return
    volunteers = {v.id: v for v in event.volunteers}

    def aid(vid: str) -> bool:
        return vid in volunteers and volunteers[vid].has(Skill.FIRST_AID)

    total = sum(1 for p in plan.pairs if aid(p.volunteer_id))
    covered = [g.id for g in plan.groups if any(aid(v) for v in g.volunteer_ids)]
    wanted = min(total, len(plan.groups))
    if len(covered) < wanted:
        bare = sorted({g.id for g in plan.groups} - set(covered))
        yield (
            f"{total} 名急救员只覆盖 {len(covered)} 个组,{'、'.join(bare)} 没有 / "
            f"{total} first-aiders cover {len(covered)} groups, not {', '.join(bare)}"
        )


# ----------------------------------------------------------------- timeline


@hard_rule(STAGE, "活动在时间窗内 / every activity within its time window")
def activity_within_its_window(event: Event, plan: Plan) -> Iterator[str]:
    """Within the day, after its earliest start, before its latest end, and a
    meal within its restaurant's hours."""
    it = event.itinerary
    acts = _activity_of(event, plan)
    for item in plan.timeline:
        a = acts.get(item.id)
        if a is None:
            yield f"日程项 {item.id} 不对应任何活动 / item {item.id} matches no activity"
            continue
        lo, hi = event.at(it.day_start), event.at(it.day_end)
        if a.earliest is not None:
            lo = max(lo, event.at(a.earliest))
        if a.latest_end is not None:
            hi = min(hi, event.at(a.latest_end))
        meal = meal_for(event, a)
        if meal is not None and meal.opens is not None:
            lo = max(lo, event.at(meal.opens))
        if meal is not None and meal.closes is not None:
            hi = min(hi, event.at(meal.closes))
        if item.start < lo or item.end > hi or item.end <= item.start:
            yield (
                f"{item.id} 在 {_hm(item.start)}–{_hm(item.end)},应在 {_hm(lo)}–{_hm(hi)} 内 / "
                f"{item.id} at {_hm(item.start)}–{_hm(item.end)}, outside {_hm(lo)}–{_hm(hi)}"
            )
    planned = {a.id for a in acts.values()}
    for a in event.activities:
        if a.id not in planned:
            yield f"活动 {a.id} 没有排进日程 / activity {a.id} is not in the timeline"


@hard_rule(STAGE, "活动时长如设定 / every activity lasts as long as set")
def activity_lasts_its_duration(event: Event, plan: Plan) -> Iterator[str]:
    """An activity lasts its duration; bus rounds last as long as their longest bus."""
    acts = _activity_of(event, plan)
    for item in plan.timeline:
        a = acts.get(item.id)
        if a is None:
            continue
        minutes = int((item.end - item.start).total_seconds() // 60)
        if a.kind in TRAVEL_KINDS and plan.buses:
            direction = "out" if a.kind == ActivityKind.TRAVEL_OUT else "back"
            legs = [leg for _, leg in _legs(plan, direction)]
            if legs:
                first = min(leg.depart for leg in legs)
                last = max(leg.arrive for leg in legs)
                if (item.start, item.end) != (first, last):
                    yield (
                        f"{item.id} 应从第一辆车出发 {_hm(first)} 到最后一辆车到达 {_hm(last)} / "
                        f"{item.id} should run from {_hm(first)} to {_hm(last)}"
                    )
                continue
        if minutes != a.duration:
            yield (
                f"{item.id} 持续 {minutes} 分钟,应为 {a.duration} 分钟 / "
                f"{item.id} lasts {minutes} min, not {a.duration}"
            )


@hard_rule(STAGE, "按先后顺序,含路程 / after means after, with time to get there")
def after_means_after(event: Event, plan: Plan) -> Iterator[str]:
    """An activity "after" another starts once it is over and people have got there."""
    travel = TravelTimes(event)
    acts = _activity_of(event, plan)
    by_activity: dict[str, list[TimelineItem]] = defaultdict(list)
    for item in plan.timeline:
        if item.id in acts:
            by_activity[acts[item.id].id].append(item)
    for a in event.activities:
        for before in a.after:
            for later in by_activity.get(a.id, []):
                for earlier in by_activity.get(before, []):
                    b = acts[earlier.id]
                    gap = travel.transfer(_ends_at(event, b, earlier), _starts_at(event, a, later))
                    if later.start < earlier.end + timedelta(minutes=gap):
                        yield (
                            f"{later.id} {_hm(later.start)} 开始,但 {earlier.id} {_hm(earlier.end)} "
                            f"才结束(路程 {gap} 分钟) / {later.id} starts before {earlier.id} "
                            f"ends plus {gap} min of travel"
                        )


@hard_rule(STAGE, "并行活动同时开始 / activities beside each other start together")
def beside_starts_together(event: Event, plan: Plan) -> Iterator[str]:
    """Activities "beside" each other (the exhibition beside the games) start at once."""
    for a in event.activities:
        for other in a.beside:
            for x in _items_of(event, plan, a.id):
                for y in _items_of(event, plan, other):
                    if x.start != y.start:
                        yield (
                            f"{x.id} {_hm(x.start)} 与 {y.id} {_hm(y.start)} 没有同时开始 / "
                            f"{x.id} and {y.id} do not start together"
                        )


@hard_rule(STAGE, "一个地点同一时间一项活动 / a place holds one activity at a time")
def one_activity_per_place(event: Event, plan: Plan) -> Iterator[str]:
    """No two activities use the same place at the same time (a game's groups
    sharing a place are one activity)."""
    acts = _activity_of(event, plan)
    items = [
        t for t in plan.timeline if t.place and t.id in acts and acts[t.id].kind not in TRAVEL_KINDS
    ]
    for i, x in enumerate(items):
        for y in items[i + 1 :]:
            if x.place != y.place or acts[x.id].id == acts[y.id].id:
                continue
            if x.start < y.end and y.start < x.end:
                yield (
                    f"{x.place}:{x.id} 与 {y.id} 时间重叠 / {x.place} double booked by "
                    f"{x.id} and {y.id}"
                )


@hard_rule(STAGE, "没有人同时在两处 / nobody is in two activities at once")
def nobody_in_two_places(event: Event, plan: Plan) -> Iterator[str]:
    """Someone's activities never overlap, and leave time to get from one to the
    next (activities beside each other excepted)."""
    roster = Roster.of_plan(plan)
    acts = _activity_of(event, plan)
    cluster = _beside_clusters(event)
    travel = TravelTimes(event)
    items = sorted((t for t in plan.timeline if t.id in acts), key=lambda t: (t.start, t.id))
    who = {t.id: roster.participants(t.who) for t in items}
    for i, x in enumerate(items):
        for y in items[i + 1 :]:
            ax, ay = acts[x.id], acts[y.id]
            if cluster.get(ax.id) == cluster.get(ay.id):
                continue
            shared = who[x.id] & who[y.id]
            if not shared:
                continue
            gap = travel.transfer(_ends_at(event, ax, x), _starts_at(event, ay, y))
            if y.start < x.end + timedelta(minutes=gap):
                some = "、".join(sorted(shared)[:3])
                yield (
                    f"{some} 等 {len(shared)} 人:{x.id} 到 {_hm(x.end)},{y.id} {_hm(y.start)} 就开始"
                    f"(路程 {gap} 分钟) / {len(shared)} people cannot be at {x.id} and {y.id}"
                )


@hard_rule(STAGE, "游戏各组同时进行 / games: every group at once, each at its place")
def games_for_every_group_at_once(event: Event, plan: Plan) -> Iterator[str]:
    """A game is one item per group, all at the same time, group i at ``places[i]``."""
    if not plan.groups:
        return
    for a in event.activities:
        if a.kind != ActivityKind.GAMES:
            continue
        items = {t.id: t for t in _items_of(event, plan, a.id)}
        times = {(t.start, t.end) for t in items.values()}
        if len(times) > 1:
            yield f"游戏 {a.id} 各组不是同时进行 / game {a.id}: groups play at different times"
        spots: list[str | None] = list(a.places) or [a.place]
        for i, g in enumerate(plan.groups):
            item = items.get(f"{a.id}-{g.id}")
            if item is None:
                yield f"游戏 {a.id} 没有给组 {g.id} 安排 / game {a.id} has no item for {g.id}"
            elif item.who != [g.id] or item.place != spots[i % len(spots)]:
                yield (
                    f"游戏 {a.id} 的组 {g.id} 应在 {spots[i % len(spots)]} / "
                    f"game {a.id}: group {g.id} belongs at {spots[i % len(spots)]}"
                )


# -------------------------------------------------------------------- buses


def _bus_day(event: Event) -> tuple[Activity | None, Activity | None]:
    out = next((a for a in event.activities if a.kind == ActivityKind.TRAVEL_OUT), None)
    back = next((a for a in event.activities if a.kind == ActivityKind.TRAVEL_BACK), None)
    return out, back


@hard_rule(STAGE, "每个孩子都接到、送回 / every child collected and brought home")
def every_child_collected_and_brought_home(event: Event, plan: Plan) -> Iterator[str]:
    """Each paired child with a pickup point rides one bus out and one back,
    boarding and leaving at that point."""
    out, back = _bus_day(event)
    if not event.buses or not (out or back):
        return
    children = {c.id: c for c in event.children}
    riding = {}
    for cid in sorted({c for p in plan.pairs for c in p.child_ids}):
        child = children.get(cid)
        if child is not None and child.pickup_point:
            place = find_place(event, child.pickup_point)
            riding[cid] = place.id if place else child.pickup_point
    for direction, act in (("out", out), ("back", back)):
        if act is None:
            continue
        seen: dict[str, list[str]] = defaultdict(list)
        for _, leg in _legs(plan, direction):
            for stop in leg.stops:
                for cid in stop.child_ids:
                    seen[cid].append(stop.point)
                    if cid not in leg.child_ids:
                        yield f"{cid} 在站点上但不在车上 / {cid} at a stop but not on the bus"
        for cid, point in riding.items():
            if seen.get(cid) != [point]:
                yield (
                    f"{cid}({direction})应在 {point} 上下车一次,实际 {seen.get(cid, [])} / "
                    f"{cid} should ride once via {point} ({direction})"
                )


def _bus_legs(event: Event, plan: Plan) -> Iterator[tuple[Bus, Leg]]:
    by_id = {b.id: b for b in event.buses}
    for bus_id, leg in (*_legs(plan, "out"), *_legs(plan, "back")):
        if bus_id in by_id:
            yield by_id[bus_id], leg


def _broken(said: Said, where: str, counts: str) -> Iterator[str]:
    """The message for a bus rule broken on one leg, with the leg's own counts."""
    if not said.holds:
        zh_counts, en_counts = counts.split(" / ")
        yield f"{where}:{said.zh}({zh_counts}) / {where}: {said.en} ({en_counts})"


@hard_rule(STAGE, "座位不超载 / seats never exceeded")
def seats_never_exceeded(event: Event, plan: Plan) -> Iterator[str]:
    """Children and escorts together never outnumber a bus's passenger seats."""
    known = {b.id for b in event.buses}
    for bus_id, _ in (*_legs(plan, "out"), *_legs(plan, "back")):
        if bus_id not in known:
            yield f"车辆 {bus_id} 不在活动设置里 / bus {bus_id} is not in the event"
    for bus, leg in _bus_legs(event, plan):
        kids, escorts = len(leg.child_ids), len(leg.volunteer_ids)
        said = buses.seats_never_exceeded(bus, kids, escorts)
        counts = f"载 {kids + escorts} 人 / carries {kids + escorts}"
        yield from _broken(said, f"{bus.id}({leg.direction})", counts)


@hard_rule(STAGE, "每人一个座位、不重号 / one seat each, none given twice")
def one_seat_each(event: Event, plan: Plan) -> Iterator[str]:
    """Everyone riding a bus has one seat on it (``seat_of``), nobody else has
    one, no seat is given twice, and each is one of the bus's passenger seats."""
    cap = {b.id: buses.passenger_seats(b) for b in event.buses}
    for bus in plan.buses:
        riding = {p for leg in bus.legs for p in (*leg.volunteer_ids, *leg.child_ids)}
        for person in sorted(riding - bus.seat_of.keys()):
            yield f"{bus.id}:{person} 没有座位号 / {bus.id}: {person} has no seat"
        for person in sorted(bus.seat_of.keys() - riding):
            yield f"{bus.id}:{person} 有座位却不乘车 / {bus.id}: {person} has a seat but does not ride"
        for seat, n in sorted(Counter(bus.seat_of.values()).items()):
            if n > 1:
                yield f"{bus.id}:{seat} 号座位给了 {n} 人 / {bus.id}: seat {seat} given to {n} people"
        for person, seat in sorted(bus.seat_of.items()):
            if not 1 <= seat <= cap.get(bus.id, seat):
                yield (
                    f"{bus.id}:{person} 的座位 {seat} 不在 1–{cap[bus.id]} 之内 / "
                    f"{bus.id}: {person}'s seat {seat} is not within 1-{cap[bus.id]}"
                )


@hard_rule(STAGE, "每车至少两名审查过的成人 / enough screened adults on every bus")
def adults_on_every_bus(event: Event, plan: Plan) -> Iterator[str]:
    """No bus travels with fewer than ``min_adults_per_bus`` screened adults."""
    selected = set(plan.volunteers_selected)
    for bus, leg in _bus_legs(event, plan):
        adults = sum(1 for v in leg.volunteer_ids if v in selected)
        said = buses.adults_on_every_bus(event.itinerary.min_adults_per_bus, adults, 1)
        counts = f"审查过的成人 {adults} 名 / {adults} screened adults"
        yield from _broken(said, f"{bus.id}({leg.direction})", counts)
        for v in leg.volunteer_ids:
            if v not in selected:
                yield f"{bus.id} 的跟车 {v} 未入选 / escort {v} on {bus.id} is not selected"


@hard_rule(STAGE, "每 N 名儿童一名跟车 / one escort per N children")
def escort_per_children(event: Event, plan: Plan) -> Iterator[str]:
    """Every bus has at least one escort per ``escort_ratio`` children."""
    for bus, leg in _bus_legs(event, plan):
        kids, escorts = len(leg.child_ids), len(leg.volunteer_ids)
        said = buses.escorts_per_children(event.itinerary.escort_ratio, kids, escorts)
        counts = f"儿童 {kids} 名,跟车 {escorts} 名 / {kids} children, {escorts} escorts"
        yield from _broken(said, f"{bus.id}({leg.direction})", counts)


@hard_rule(STAGE, "兄弟姐妹同车 / brothers and sisters ride together")
def siblings_ride_together(event: Event, plan: Plan) -> Iterator[str]:
    """Children of one sibling group ride the same bus."""
    groups: dict[str, set[str]] = defaultdict(set)
    for c in event.children:
        if c.sibling_group:
            groups[c.sibling_group].add(c.id)
    for direction in ("out", "back"):
        bus_of = {c: bus_id for bus_id, leg in _legs(plan, direction) for c in leg.child_ids}
        for name, kids in sorted(groups.items()):
            rides = {bus_of[c] for c in kids if c in bus_of}
            if len(rides) > 1:
                yield (
                    f"兄弟姐妹组 {name} 分乘 {sorted(rides)} / siblings {name} split over "
                    f"{sorted(rides)}"
                )


@hard_rule(STAGE, "跟车志愿者与结对儿童同车 / an escort rides with their own children")
def child_rides_with_escorting_volunteer(event: Event, plan: Plan) -> Iterator[str]:
    """A child rides the bus their paired volunteer escorts."""
    pairs = {p.volunteer_id: p.child_ids for p in plan.pairs}
    for direction in ("out", "back"):
        bus_of = {c: bus_id for bus_id, leg in _legs(plan, direction) for c in leg.child_ids}
        for bus_id, leg in _legs(plan, direction):
            for v in leg.volunteer_ids:
                for cid in pairs.get(v, []):
                    if cid in bus_of and bus_of[cid] != bus_id:
                        yield (
                            f"{v} 跟 {bus_id},结对的 {cid} 却在 {bus_of[cid]} / "
                            f"{v} escorts {bus_id} but their child {cid} rides {bus_of[cid]}"
                        )


@hard_rule(STAGE, "跟车人数如设定、来回同车 / the escorts as planned, same bus both ways")
def escorts_as_planned(event: Event, plan: Plan) -> Iterator[str]:
    """As many escorts as the event says, each on one bus, and every bus carries
    the same children and escorts home as it brought."""
    wanted = event.itinerary.escorts
    for direction in ("out", "back"):
        escorts = [v for _, leg in _legs(plan, direction) for v in leg.volunteer_ids]
        if not escorts and not plan.buses:
            continue
        if len(escorts) != len(set(escorts)):
            yield f"有跟车志愿者同时在两辆车上({direction}) / an escort is on two buses"
        if wanted is not None and plan.buses and len(set(escorts)) not in (wanted, 0):
            yield (
                f"跟车志愿者 {len(set(escorts))} 名,应为 {wanted} 名 / "
                f"{len(set(escorts))} escorts, {wanted} wanted"
            )
    for bus in plan.buses:
        legs = {leg.direction: leg for leg in bus.legs}
        if "out" in legs and "back" in legs:
            o, b = legs["out"], legs["back"]
            if sorted(o.child_ids) != sorted(b.child_ids) or sorted(o.volunteer_ids) != sorted(
                b.volunteer_ids
            ):
                yield f"{bus.id} 去程和返程的人不同 / {bus.id} brings back other people"


@hard_rule(STAGE, "先到达再开始活动 / the buses arrive before the children's first activity")
def arrive_before_first_activity(event: Event, plan: Plan) -> Iterator[str]:
    """Every bus reaches the venue before the riders' first activity there, and
    leaves only after their last one."""
    roster = Roster.of_plan(plan)
    riders = roster.riders
    acts = _activity_of(event, plan)
    items = [
        t
        for t in plan.timeline
        if t.id in acts
        and acts[t.id].kind not in TRAVEL_KINDS
        and roster.participants(t.who) & riders
    ]
    for bus_id, leg in _legs(plan, "out"):
        for t in items:
            if t.start < leg.arrive:
                yield (
                    f"{bus_id} {_hm(leg.arrive)} 才到,{t.id} {_hm(t.start)} 已开始 / "
                    f"{bus_id} arrives after {t.id} starts"
                )
    for bus_id, leg in _legs(plan, "back"):
        for t in items:
            if leg.depart < t.end:
                yield (
                    f"{bus_id} {_hm(leg.depart)} 返程,{t.id} {_hm(t.end)} 才结束 / "
                    f"{bus_id} leaves before {t.id} ends"
                )


@hard_rule(STAGE, "站点时间符合路程 / stop times follow the road")
def stop_times_follow_the_road(event: Event, plan: Plan) -> Iterator[str]:
    """Each stop is reached no sooner than the drive from the last one allows,
    with boarding time at every stop."""
    travel = TravelTimes(event)
    board = timedelta(minutes=travel.boarding)
    for bus_id, leg in (*_legs(plan, "out"), *_legs(plan, "back")):
        here, clock = leg.from_, leg.depart
        for i, stop in enumerate(leg.stops):
            if i == 0 and here == stop.point:
                ready = clock
            else:
                drive = travel.minutes(here, stop.point)
                ready = clock + timedelta(minutes=drive or 0)
            if stop.time < ready:
                yield (
                    f"{bus_id} 到 {stop.point} 最早 {_hm(ready)},计划 {_hm(stop.time)} / "
                    f"{bus_id} cannot reach {stop.point} by {_hm(stop.time)}"
                )
            here, clock = stop.point, stop.time + board
        if leg.to != here:
            ready = clock + timedelta(minutes=travel.minutes(here, leg.to) or 0)
            if leg.arrive < ready:
                yield (
                    f"{bus_id} 到 {leg.to} 最早 {_hm(ready)},计划 {_hm(leg.arrive)} / "
                    f"{bus_id} cannot reach {leg.to} by {_hm(leg.arrive)}"
                )


# -------------------------------------------------------------------- meals


def _meal_item(event: Event, plan: Plan, meal_id: str | None) -> TimelineItem | None:
    meal = next((m for m in event.meals if m.id == meal_id), None)
    if meal is None:
        return None
    for a in event.activities:
        if meal_for(event, a) == meal:
            return next((t for t in plan.timeline if t.id == a.id), None)
    return None


@hard_rule(STAGE, "就餐在营业时间内 / the meal within the restaurant's hours")
def meal_within_opening_hours(event: Event, plan: Plan) -> Iterator[str]:
    """A meal is served when its activity is, while the restaurant is open."""
    settings = {m.id: m for m in event.meals}
    for meal in plan.meals:
        s = settings.get(meal.id or "")
        item = _meal_item(event, plan, meal.id)
        if s is None or item is None:
            yield f"餐 {meal.id} 在日程里找不到 / meal {meal.id} is not in the timeline"
            continue
        if (meal.time, meal.end) != (item.start, item.end):
            yield f"餐 {meal.id} 的时间与日程不符 / meal {meal.id} is not at its activity's time"
        if s.opens is not None and meal.time < event.at(s.opens):
            yield f"餐 {meal.id} {_hm(meal.time)} 早于开门 {s.opens:%H:%M} / before opening"
        if s.closes is not None and (meal.end or meal.time) > event.at(s.closes):
            yield f"餐 {meal.id} 晚于打烊 {s.closes:%H:%M} / after closing"


@hard_rule(STAGE, "餐厅坐得下 / the restaurant has room for everyone")
def meal_fits_the_venue(event: Event, plan: Plan) -> Iterator[str]:
    """The headcount of a meal never exceeds its capacity."""
    settings = {m.id: m for m in event.meals}
    for meal in plan.meals:
        s = settings.get(meal.id or "")
        capacity = meal_capacity(event, s) if s is not None else None
        if capacity is not None and meal.headcount > capacity:
            yield (
                f"{meal.venue} 容量 {capacity} 人,就餐 {meal.headcount} 人 / "
                f"{meal.venue} seats {capacity}, {meal.headcount} eat"
            )


@hard_rule(STAGE, "就餐人数、忌口、分桌如实 / the meal counts everyone and every diet")
def meal_counts_everyone(event: Event, plan: Plan) -> Iterator[str]:
    """The headcount is everyone at the meal who eats; the kitchen hears of every
    halal, vegetarian and allergic eater; seating by group adds up. Counted here
    from the plan's own people, apart from the stage's counting."""
    roster = Roster.of_plan(plan)
    not_eating = {STAFF_PREFIX + s.name for s in plan.people.staff if not s.eats}
    children = {c.id: c for c in plan.people.children}
    settings = {m.id: m for m in event.meals}
    for meal in plan.meals:
        item = _meal_item(event, plan, meal.id)
        if item is None:
            continue
        people = roster.participants(item.who) - not_eating
        kids = [children[c] for c in sorted(people & set(roster.children)) if c in children]
        if meal.headcount != len(people) or meal.children != len(kids):
            yield (
                f"餐 {meal.id} 人数 {meal.headcount}(儿童 {meal.children}),应为 {len(people)}"
                f"(儿童 {len(kids)}) / meal {meal.id} headcount should be {len(people)}"
            )
        diets: Counter[str] = Counter(d.value for k in kids for d in k.dietary)
        diets.update(f"allergy:{a}" for k in kids for a in {x.strip() for x in k.allergies} if a)
        if meal.dietary != dict(diets):
            yield f"餐 {meal.id} 忌口统计应为 {dict(sorted(diets.items()))} / meal {meal.id} dietary counts are wrong"
        s = settings.get(meal.id or "")
        if s is not None and s.seating_by_group:
            by_group = {g.id: len(people & {*g.volunteer_ids, *g.child_ids}) for g in plan.groups}
            if sum(meal.seating.values()) != len(people) or any(
                meal.seating.get(g) != n for g, n in by_group.items()
            ):
                yield f"餐 {meal.id} 分组座位不符 / meal {meal.id} seating by group is wrong"


# ------------------------------------------------------------------ tickets


@hard_rule(STAGE, "门票按类别如数 / tickets counted by kind")
def tickets_counted_by_kind(event: Event, plan: Plan) -> Iterator[str]:
    """One ticket per child taking part, per selected volunteer and per staff member
    who needs one; free kinds counted apart. Counted here from the plan's people."""
    if not event.tickets.required:
        wanted: dict[str, int] = {}
    else:
        kinds = {
            "child": len({c for p in plan.pairs for c in p.child_ids}),
            "volunteer": len(set(plan.volunteers_selected)),
            "staff": sum(1 for s in plan.people.staff if s.needs_ticket),
        }
        free = set(event.tickets.free_kinds)
        wanted = {
            **kinds,
            "free": sum(n for k, n in kinds.items() if k in free),
            "total": sum(n for k, n in kinds.items() if k not in free),
        }
    if plan.tickets != wanted:
        yield f"门票应为 {wanted},实际 {plan.tickets} / tickets should be {wanted}"
