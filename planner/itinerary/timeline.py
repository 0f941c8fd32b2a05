"""The day's timeline: every activity placed in the day's window (CP-SAT).

Rules, in the organisers' words:

- every activity lies within the day, after its earliest start and before
  its latest end (a meal also within the restaurant's opening hours);
- an activity "after" another starts once that one is over and everyone
  has walked or driven from its place;
- activities "beside" each other start together (the exhibition beside the games);
- a place holds one activity at a time;
- nobody is in two activities at once (beside activities excepted);
- games are played by every group at once, each group at its own place;
- the pickup round ends before the children's first activity at the venue,
  and the return round leaves after their last one; the convoy's routes
  set how long both rounds take.

Times are minutes from ``itinerary.day_start``. The objective ends the day
as early as possible, then keeps it short, then starts things early.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import time, timedelta
from functools import partial

from msgspec import Struct, field

from planner.errors import Infeasible, InvalidInput, Problem
from planner.itinerary.buses import Convoy
from planner.itinerary.inputs import activity_problems, day_window_problems, travel_place
from planner.itinerary.meals import meal_for
from planner.itinerary.previous import Promised
from planner.itinerary.roster import STAFF_PREFIX, Roster
from planner.itinerary.solver import STAGE, Switches, solve
from planner.itinerary.travel import TravelTimes
from planner.model import Activity, ActivityKind, Event, Group, TimelineItem

#: the share of ``itinerary.time_limit_s`` the timeline model may use
TIMELINE_SHARE = 0.3

TRAVEL_KINDS = (ActivityKind.TRAVEL_OUT, ActivityKind.TRAVEL_BACK)


def minutes_of(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def hhmm(day_start: time, offset: int) -> str:
    total = minutes_of(day_start) + offset
    return f"{total // 60 % 24:02d}:{total % 60:02d}"


class ItemSpec(Struct, frozen=True):
    """One timeline item an activity becomes (games: one per group)."""

    id: str
    title: str
    title_en: str | None
    who: tuple[str, ...]
    place: str | None


class Block(Struct):
    """One activity as the timeline model sees it."""

    activity: Activity
    duration: int
    items: list[ItemSpec]
    places: tuple[str, ...]
    start_place: str | None
    end_place: str | None
    participants: frozenset[str]
    lo: int
    hi: int
    lo_label: tuple[str, str]
    hi_label: tuple[str, str]
    note: str | None = None
    note_en: str | None = None

    @property
    def id(self) -> str:
        return self.activity.id

    @property
    def title(self) -> str:
        return self.activity.title

    @property
    def is_travel(self) -> bool:
        return self.activity.kind in TRAVEL_KINDS


class Edge(Struct, frozen=True):
    """``later`` starts at least ``gap`` minutes after ``earlier`` ends."""

    earlier: str
    later: str
    gap: int
    implicit: bool = False


class Day(Struct):
    """Everything the timeline model needs, checked and in minutes."""

    event: Event
    blocks: dict[str, Block]
    edges: list[Edge]
    beside: list[tuple[str, str]]
    horizon: int
    travel: TravelTimes
    roster: Roster
    cluster: dict[str, str] = field(default_factory=dict)

    def label(self, offset: int) -> str:
        return hhmm(self.event.itinerary.day_start, offset)


class Placed(Struct, frozen=True):
    """The solved timeline: each activity's start and end in minutes, and the items."""

    start: dict[str, int]
    end: dict[str, int]
    items: list[TimelineItem]


# ------------------------------------------------------------------ the day


def build_day(
    event: Event,
    roster: Roster,
    groups: list[Group],
    convoy: Convoy | None,
    travel: TravelTimes,
) -> Day:
    """The activities as blocks and edges, every input problem reported at once."""
    it = event.itinerary
    horizon = minutes_of(it.day_end) - minutes_of(it.day_start)
    problems = activity_problems(event) + day_window_problems(event)
    if problems:
        raise InvalidInput(problems)
    blocks = {a.id: _block(event, a, roster, groups, convoy, horizon) for a in event.activities}
    edges: list[Edge] = []
    for a in event.activities:
        for before in a.after:
            gap = _transfer(travel, blocks[before], blocks[a.id])
            edges.append(Edge(before, a.id, gap))
    edges.extend(_travel_edges(blocks, roster, travel))
    beside = [(a.id, other) for a in event.activities for other in a.beside]
    day = Day(event, blocks, edges, beside, horizon, travel, roster)
    day.cluster = _clusters(list(blocks), beside)
    return day


#: an activity's window: earliest start and latest end (minutes from the day's
#: start), each with the words saying what set it
Window = tuple[int, int, tuple[str, str], tuple[str, str]]


def _window(event: Event, a: Activity, horizon: int) -> Window:
    """Within the day, after its earliest start and before its latest end, and
    a meal within its restaurant's opening hours."""
    it = event.itinerary
    day0 = minutes_of(it.day_start)
    lo, hi = 0, horizon
    lo_label = (f"一天开始 {it.day_start:%H:%M}", f"the day starts {it.day_start:%H:%M}")
    hi_label = (f"一天结束 {it.day_end:%H:%M}", f"the day ends {it.day_end:%H:%M}")
    if a.earliest is not None and minutes_of(a.earliest) - day0 > lo:
        lo = minutes_of(a.earliest) - day0
        lo_label = (
            f"{a.title} 最早 {a.earliest:%H:%M} 开始",
            f"{a.id} starts at {a.earliest:%H:%M} at the earliest",
        )
    if a.latest_end is not None and minutes_of(a.latest_end) - day0 < hi:
        hi = minutes_of(a.latest_end) - day0
        hi_label = (
            f"{a.title} 最晚 {a.latest_end:%H:%M} 结束",
            f"{a.id} ends by {a.latest_end:%H:%M}",
        )
    meal = meal_for(event, a)
    if meal is not None:
        if meal.opens is not None and minutes_of(meal.opens) - day0 > lo:
            lo = minutes_of(meal.opens) - day0
            lo_label = (
                f"{meal.venue} {meal.opens:%H:%M} 开门",
                f"{meal.venue} opens {meal.opens:%H:%M}",
            )
        if meal.closes is not None and minutes_of(meal.closes) - day0 < hi:
            hi = minutes_of(meal.closes) - day0
            hi_label = (
                f"{meal.venue} {meal.closes:%H:%M} 打烊",
                f"{meal.venue} closes {meal.closes:%H:%M}",
            )
    return lo, hi, lo_label, hi_label


def _game_items(a: Activity, groups: list[Group], place: str | None) -> list[ItemSpec]:
    """Games are played by every group at once, each group at its own place."""
    spots: list[str | None] = list(a.places) or [place]
    return [
        ItemSpec(
            f"{a.id}-{g.id}",
            f"{a.title}({g.name or g.id})",
            f"{a.title_en} ({g.id})" if a.title_en else None,
            (g.id,),
            spots[i % len(spots)],
        )
        for i, g in enumerate(groups)
    ]


def _round_minutes(a: Activity, convoy: Convoy | None) -> tuple[int, tuple[str, str] | None]:
    """How long a bus round takes by the convoy's routes (0: as written), and a
    note in Chinese and in English."""
    if convoy is None or not convoy.routes:
        return 0, None
    minutes = convoy.out_minutes if a.kind == ActivityKind.TRAVEL_OUT else convoy.back_minutes
    n = len(convoy.routes)
    return minutes, (
        f"{n} 辆车,最长路线 {minutes} 分钟",
        f"{n} bus(es), longest route {minutes} min",
    )


def _block(
    event: Event,
    a: Activity,
    roster: Roster,
    groups: list[Group],
    convoy: Convoy | None,
    horizon: int,
) -> Block:
    lo, hi, lo_label, hi_label = _window(event, a, horizon)
    meal = meal_for(event, a)
    place = a.place or (meal.venue if meal is not None else None)
    duration = a.duration
    note = note_en = a.note
    start_place = end_place = place
    places: tuple[str, ...] = (place,) if place else ()
    if a.kind in TRAVEL_KINDS:
        places = ()
        venue = travel_place(event, a)
        minutes, route = _round_minutes(a, convoy)
        if minutes and route:
            duration = minutes
            note, note_en = (f"{a.note}; {r}" if a.note else r for r in route)
        if a.kind == ActivityKind.TRAVEL_OUT:
            start_place, end_place = None, venue
        else:
            start_place, end_place = venue, None
    items = [ItemSpec(a.id, a.title, a.title_en, tuple(a.who), place)]
    if a.kind == ActivityKind.GAMES and groups:
        items = _game_items(a, groups, place)
        places = tuple(sorted({s.place for s in items if s.place}))
        if len(places) == 1:
            start_place = end_place = places[0]
        elif places:
            start_place = end_place = None  # transfers are counted per group place below
    participants = roster.participants(a.who)
    return Block(
        a, duration, items, places, start_place, end_place, participants,
        lo, hi, lo_label, hi_label, note, note_en,
    )  # fmt: skip


def _transfer(travel: TravelTimes, earlier: Block, later: Block) -> int:
    """Minutes from where ``earlier`` ends to where ``later`` starts (worst case)."""
    ends = [earlier.end_place] if earlier.end_place or not earlier.places else list(earlier.places)
    starts = [later.start_place] if later.start_place or not later.places else list(later.places)
    return max((travel.transfer(a, b) for a in ends for b in starts), default=0)


def _travel_edges(blocks: dict[str, Block], roster: Roster, travel: TravelTimes) -> list[Edge]:
    """The pickup round ends before the riders' first activity; the return
    round leaves after their last one."""
    edges = []
    riders = roster.riders
    outs = [b for b in blocks.values() if b.activity.kind == ActivityKind.TRAVEL_OUT]
    backs = [b for b in blocks.values() if b.activity.kind == ActivityKind.TRAVEL_BACK]
    for block in blocks.values():
        if block.is_travel or not (block.participants & riders):
            continue
        for out in outs:
            edges.append(Edge(out.id, block.id, _transfer(travel, out, block), implicit=True))
        for back in backs:
            edges.append(Edge(block.id, back.id, _transfer(travel, block, back), implicit=True))
    for out in outs:
        for back in backs:
            edges.append(Edge(out.id, back.id, 0, implicit=True))
    return edges


def _clusters(ids: list[str], beside: list[tuple[str, str]]) -> dict[str, str]:
    """Activities tied by "beside" (directly or through others) share a cluster."""
    parent = {i: i for i in ids}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in beside:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in ids}


# ---------------------------------------------------------------- prechecks


def precheck(day: Day) -> None:
    """Say in numbers why the day cannot fit, before any solving."""
    _check_windows(day)
    _check_beside_places(day)
    _check_chains(day)
    _check_loads(day)


def _check_beside_places(day: Day) -> None:
    """Activities that start together cannot share a place."""
    for a, b in day.beside:
        shared = sorted(set(day.blocks[a].places) & set(day.blocks[b].places))
        if shared:
            x, y = day.blocks[a], day.blocks[b]
            raise Infeasible(
                STAGE,
                [
                    f"「{x.title}」与「{y.title}」须同时开始,却都用地点 {shared[0]}:"
                    "一个地点同一时间只能安排一项活动"
                ],
                [
                    f"{a} and {b} start together but both use place {shared[0]}: "
                    "a place holds one activity at a time"
                ],
            )


def _check_windows(day: Day) -> None:
    for b in day.blocks.values():
        if b.lo + b.duration > b.hi:
            raise Infeasible(
                STAGE,
                [
                    f"活动「{b.title}」需 {b.duration} 分钟,{b.lo_label[0]}、{b.hi_label[0]},"
                    f"只有 {b.hi - b.lo} 分钟:超出 {b.lo + b.duration - b.hi} 分钟"
                ],
                [
                    f"activity {b.id} needs {b.duration} min; {b.lo_label[1]}, {b.hi_label[1]}: "
                    f"only {b.hi - b.lo} min, {b.lo + b.duration - b.hi} min over"
                ],
            )


def _earliest_latest(
    day: Day,
) -> tuple[
    dict[str, int], dict[str, int], dict[str, Edge | str | None], dict[str, Edge | str | None]
]:
    """Earliest starts and latest ends by longest paths, with the edge that set each."""
    ids = sorted(day.blocks)
    es = {i: day.blocks[i].lo for i in ids}
    lf = {i: day.blocks[i].hi for i in ids}
    why_es: dict[str, Edge | str | None] = dict.fromkeys(ids)
    why_lf: dict[str, Edge | str | None] = dict.fromkeys(ids)
    dur = {i: day.blocks[i].duration for i in ids}
    for _ in range(len(ids) + 1):
        changed = False
        for e in day.edges:
            if es[e.earlier] + dur[e.earlier] + e.gap > es[e.later]:
                es[e.later] = es[e.earlier] + dur[e.earlier] + e.gap
                why_es[e.later] = e
                changed = True
            if lf[e.later] - dur[e.later] - e.gap < lf[e.earlier]:
                lf[e.earlier] = lf[e.later] - dur[e.later] - e.gap
                why_lf[e.earlier] = e
                changed = True
        for a, b in day.beside:
            for x, y in ((a, b), (b, a)):
                if es[x] > es[y]:
                    es[y] = es[x]
                    why_es[y] = x
                    changed = True
                if lf[x] - dur[x] < lf[y] - dur[y]:
                    lf[y] = lf[x] - dur[x] + dur[y]
                    why_lf[y] = x
                    changed = True
        if not changed:
            return es, lf, why_es, why_lf
    cycle = sorted({e.earlier for e in day.edges if not e.implicit})
    raise InvalidInput(
        [
            Problem(
                "event.toml",
                None,
                "activities.after",
                "活动的先后顺序(after/beside)形成了循环:" + "、".join(cycle),
                "the order of activities (after/beside) goes round in a circle: "
                + ", ".join(cycle),
            )
        ]
    )


def _check_chains(day: Day) -> None:
    es, lf, why_es, why_lf = _earliest_latest(day)
    for i in sorted(day.blocks, key=lambda i: (es[i], i)):
        b = day.blocks[i]
        if es[i] + b.duration <= lf[i]:
            continue
        chain, gaps = [i], 0
        cur = i
        while isinstance(why_es[cur], Edge) and len(chain) <= len(day.blocks):
            e = why_es[cur]
            assert isinstance(e, Edge)
            chain.insert(0, e.earlier)
            gaps += e.gap
            cur = e.earlier
        first = chain[0]
        cur = i
        while isinstance(why_lf[cur], Edge) and len(chain) <= 2 * len(day.blocks):
            e = why_lf[cur]
            assert isinstance(e, Edge)
            chain.append(e.later)
            gaps += e.gap
            cur = e.later
        last = chain[-1]
        need = sum(day.blocks[c].duration for c in chain) + gaps
        lo, hi = day.blocks[first].lo, day.blocks[last].hi
        if lo + need <= hi:  # squeezed through a "beside" tie: say it for this activity
            over = es[i] + b.duration - lf[i]
            raise Infeasible(
                STAGE,
                [
                    f"「{b.title}」最早 {day.label(es[i])} 才能开始,最晚须 {day.label(lf[i])} 结束,"
                    f"需 {b.duration} 分钟:超出 {over} 分钟(受同时开始的活动牵连)"
                ],
                [
                    f"{i} can start at {day.label(es[i])} at the earliest and must end by "
                    f"{day.label(lf[i])}, needs {b.duration} min: {over} min over "
                    "(tied by activities that start together)"
                ],
            )
        names = " → ".join(f"{day.blocks[c].title} {day.blocks[c].duration} 分钟" for c in chain)
        names_en = " → ".join(f"{c} {day.blocks[c].duration} min" for c in chain)
        walk = f"(含路程 {gaps} 分钟)" if gaps else ""
        walk_en = f" (with {gaps} min of travel)" if gaps else ""
        raise Infeasible(
            STAGE,
            [
                f"活动总时长 {need} 分钟,可用时段 {hi - lo} 分钟({day.label(lo)}–{day.label(hi)}):"
                f"超出 {need - (hi - lo)} 分钟。依次为:{names}{walk};"
                f"{day.blocks[first].lo_label[0]},{day.blocks[last].hi_label[0]}"
            ],
            [
                f"the activities take {need} min, only {hi - lo} min are free "
                f"({day.label(lo)}–{day.label(hi)}): {need - (hi - lo)} min over. In order: "
                f"{names_en}{walk_en}; {day.blocks[first].lo_label[1]}, {day.blocks[last].hi_label[1]}"
            ],
        )


def _check_loads(day: Day) -> None:
    """Nobody can do more than the day holds; no place can host more than it."""
    by_person: dict[str, list[str]] = defaultdict(list)
    by_place: dict[str, list[str]] = defaultdict(list)
    for b in day.blocks.values():
        for person in b.participants:
            by_person[person].append(b.id)
        for place in b.places:
            by_place[place].append(b.id)
    worst: tuple[int, str, str, list[str], int, int] | None = None
    for kind, table in (("person", by_person), ("place", by_place)):
        for key in sorted(table):
            ids = table[key]
            if kind == "person":
                per_cluster: dict[str, int] = {}
                for i in ids:
                    c = day.cluster[i]
                    per_cluster[c] = max(per_cluster.get(c, 0), day.blocks[i].duration)
                total = sum(per_cluster.values())
            else:
                total = sum(day.blocks[i].duration for i in ids)
            lo = min(day.blocks[i].lo for i in ids)
            hi = max(day.blocks[i].hi for i in ids)
            over = total - (hi - lo)
            if over > 0 and (worst is None or over > worst[0]):
                worst = (over, kind, key, ids, lo, hi)
    if worst is None:
        return
    over, kind, key, ids, lo, hi = worst
    who = _person_label(day, key) if kind == "person" else (f"地点 {key} ", f"place {key}")
    total = over + hi - lo
    raise Infeasible(
        STAGE,
        [
            f"{who[0]}的活动总时长 {total} 分钟,可用时段 {hi - lo} 分钟"
            f"({day.label(lo)}–{day.label(hi)}):超出 {over} 分钟"
            f"({'、'.join(day.blocks[i].title for i in sorted(ids))})"
        ],
        [
            f"{who[1]}: activities take {total} min, only {hi - lo} min are free "
            f"({day.label(lo)}–{day.label(hi)}): {over} min over ({', '.join(sorted(ids))})"
        ],
    )


def _person_label(day: Day, person: str) -> tuple[str, str]:
    if person.startswith(STAFF_PREFIX):
        name = person.removeprefix(STAFF_PREFIX)
        return f"工作人员 {name} ", f"staff {name}"
    if person in day.roster.children:
        return f"儿童 {person} ", f"child {person}"
    return f"志愿者 {person} ", f"volunteer {person}"


# ------------------------------------------------------------------ solving


def place_activities(day: Day, promised: Promised | None = None) -> Placed:
    """Solve the timeline; every activity gets its start and end.

    An event without activities (a long-term pairing programme) has an empty day.
    """
    if not day.blocks:
        return Placed({}, {}, [])
    precheck(day)
    it = day.event.itinerary
    solved = solve(
        partial(TimelineModel, day, promised=promised),
        what_zh="日程",
        what_en="the day's timeline",
        seed=it.seed,
        time_limit=it.time_limit_s * TIMELINE_SHARE,
    )
    start = {i: solved.solver.value(v) for i, v in solved.built.start.items()}
    end = {i: start[i] + day.blocks[i].duration for i in start}
    return Placed(start, end, _items(day, start, end))


class TimelineModel:
    """The timeline as CP-SAT sees it: a start per activity, one method per rule group."""

    def __init__(self, day: Day, sw: Switches, *, promised: Promised | None = None) -> None:
        self.day, self.sw = day, sw
        self.ids = sorted(day.blocks)
        self.start = {i: sw.model.new_int_var(0, day.horizon, f"start[{i}]") for i in self.ids}
        self.end = {i: self.start[i] + day.blocks[i].duration for i in self.ids}
        self.within_windows()
        self.in_order()
        self.beside_start_together()
        self.apart()
        self.end_early(promised)

    def within_windows(self) -> None:
        """Every activity lies within its window (the day, its earliest start and latest end)."""
        day = self.day
        for i in self.ids:
            b = day.blocks[i]
            zh = f"「{b.title}」在 {day.label(b.lo)}–{day.label(b.hi)} 内({b.duration} 分钟)"
            en = f"{i} within {day.label(b.lo)}–{day.label(b.hi)} ({b.duration} min)"
            self.sw.add(self.start[i] >= b.lo, f"window:{i}", zh, en)
            self.sw.add(self.end[i] <= b.hi, f"window:{i}", zh, en)

    def in_order(self) -> None:
        """An activity "after" another starts once that one is over and everyone got there."""
        blocks = self.day.blocks
        for e in self.day.edges:
            a, b = blocks[e.earlier], blocks[e.later]
            walk = f",路程 {e.gap} 分钟" if e.gap else ""
            if e.implicit:
                zh = (
                    f"乘车的人到达后才能开始「{b.title}」"
                    if a.is_travel
                    else f"「{a.title}」结束后才能返程"
                )
                en = f"riders must arrive before {b.id}" if a.is_travel else f"return after {a.id}"
            else:
                zh, en = f"「{b.title}」在「{a.title}」之后{walk}", f"{b.id} after {a.id}"
            self.sw.add(
                self.start[e.later] >= self.end[e.earlier] + e.gap,
                f"after:{e.earlier}>{e.later}",
                zh,
                en,
            )

    def beside_start_together(self) -> None:
        """Activities "beside" each other start together."""
        blocks = self.day.blocks
        for a, b in self.day.beside:
            self.sw.add(
                self.start[a] == self.start[b],
                f"beside:{a}={b}",
                f"「{blocks[a].title}」与「{blocks[b].title}」同时开始",
                f"{a} beside {b}",
            )

    def apart(self) -> None:
        """A place holds one activity at a time; nobody is in two activities at once."""
        day, ids = self.day, self.ids
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                a, b = day.blocks[ids[x]], day.blocks[ids[y]]
                shared = sorted(set(a.places) & set(b.places))
                if shared:
                    self._not_overlapping(
                        a,
                        b,
                        (0, 0),
                        f"place:{shared[0]}:{a.id}:{b.id}",
                        f"地点 {shared[0]} 同一时间只能安排一项活动",
                        f"place {shared[0]} holds one activity at a time",
                    )
                elif a.participants & b.participants and day.cluster[a.id] != day.cluster[b.id]:
                    self._not_overlapping(
                        a,
                        b,
                        (_transfer(day.travel, a, b), _transfer(day.travel, b, a)),
                        f"people:{a.id}:{b.id}",
                        f"同一批人不能同时参加「{a.title}」和「{b.title}」",
                        f"the same people cannot be at {a.id} and {b.id} at once",
                    )

    def _not_overlapping(
        self, a: Block, b: Block, gaps: tuple[int, int], key: str, zh: str, en: str
    ) -> None:
        """One ends (plus the way between) before the other starts."""
        m = self.sw.model
        first = m.new_bool_var(f"{a.id}<{b.id}")
        lits = self.sw.rule(key, zh, en)
        m.add(self.end[a.id] + gaps[0] <= self.start[b.id]).only_enforce_if([first, *lits])
        m.add(self.end[b.id] + gaps[1] <= self.start[a.id]).only_enforce_if([~first, *lits])

    def end_early(self, promised: Promised | None = None) -> None:
        """End the day as early as possible, then keep it short, then start things early.

        In a re-plan (``promised``), first keep every activity where it was:
        each minute an activity moves outweighs all the rest."""
        m, horizon = self.sw.model, self.day.horizon
        w_span = len(self.ids) * horizon + 1
        w_last = (horizon + 1) * w_span
        last = m.new_int_var(0, horizon, "last_end")
        first = m.new_int_var(0, horizon, "first_start")
        m.add_max_equality(last, [self.end[i] for i in self.ids])
        m.add_min_equality(first, [self.start[i] for i in self.ids])
        aim = w_last * last + w_span * (last - first) + sum(self.start.values())
        was = self._earlier_starts(promised) if promised is not None else {}
        if not was:
            m.minimize(aim)
            return
        moved = []
        for i, minute in sorted(was.items()):
            shift = m.new_int_var(0, 2 * horizon + abs(minute), f"moved[{i}]")
            # a pickup round is known by when it arrives, every other activity by its start
            arrives = self.day.blocks[i].activity.kind == ActivityKind.TRAVEL_OUT
            m.add_abs_equality(shift, (self.end[i] if arrives else self.start[i]) - minute)
            moved.append(shift)
        m.minimize(w_last * (horizon + 1) * sum(moved) + aim)

    def _earlier_starts(self, promised: Promised) -> dict[str, int]:
        """Each activity's start in the earlier plan (a pickup round's arrival), in
        minutes from the day's start."""
        event = self.day.event
        zero = event.at(event.itinerary.day_start)
        out = {}
        for i in self.ids:
            block = self.day.blocks[i]
            known = (
                promised.end_of
                if block.activity.kind == ActivityKind.TRAVEL_OUT
                else promised.start_of
            )
            times = [known[s.id] for s in block.items if s.id in known]
            if times:
                out[i] = int((min(times) - zero).total_seconds() // 60)
        return out


def _items(day: Day, start: dict[str, int], end: dict[str, int]) -> list[TimelineItem]:
    event = day.event
    zero = event.at(event.itinerary.day_start)
    out = []
    for i, b in day.blocks.items():
        for spec in b.items:
            out.append(
                TimelineItem(
                    id=spec.id,
                    title=spec.title,
                    title_en=spec.title_en,
                    kind=b.activity.kind.value,
                    start=zero + timedelta(minutes=start[i]),
                    end=zero + timedelta(minutes=end[i]),
                    who=list(spec.who),
                    place=spec.place,
                    note=b.note,
                    note_en=b.note_en if b.note_en != b.note else None,
                )
            )
    return sorted(out, key=lambda t: (t.start, t.end, t.id))
