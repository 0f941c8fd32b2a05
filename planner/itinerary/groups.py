"""Game groups: the pairs split into ``groups.count`` groups (CP-SAT).

Rules, in the organisers' words:

- a pair is never split: a volunteer and their children are in one group;
- the groups are the same size, give or take one pair;
- every group has a volunteer who can lead games (when the day has games);
- every group has a first-aider, where there are enough of them;
- the groups are alike in their children's ages and in boys and girls.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import Infeasible
from planner.itinerary.solver import STAGE, Switches, solve
from planner.model import ActivityKind, Event, Gender, Group, Pair, Plan, Skill, Volunteer


@dataclass(frozen=True)
class PairFacts:
    """What the group model needs to know about one pair."""

    pair: Pair
    games: bool
    first_aid: bool
    children: int
    boys: int
    aged: int
    age_sum: int


def day_has_games(event: Event) -> bool:
    return any(a.kind == ActivityKind.GAMES for a in event.activities)


def group_ids(count: int) -> list[str]:
    return [f"G{i}" for i in range(1, count + 1)]


def _facts(event: Event, pairs: list[Pair]) -> list[PairFacts]:
    volunteers = {v.id: v for v in event.volunteers}
    children = {c.id: c for c in event.children}
    facts = []
    for pair in pairs:
        v = volunteers.get(pair.volunteer_id)
        kids = [children[c] for c in pair.child_ids if c in children]
        ages = [a for a in (k.age_on(event.date) for k in kids) if a is not None]
        facts.append(
            PairFacts(
                pair=pair,
                games=v is not None and v.has(Skill.GAMES),
                first_aid=v is not None and v.has(Skill.FIRST_AID),
                children=len(pair.child_ids),
                boys=sum(1 for k in kids if k.gender == Gender.MALE),
                aged=len(ages),
                age_sum=sum(ages),
            )
        )
    return facts


def _precheck(event: Event, facts: list[PairFacts]) -> None:
    """Say in numbers why the groups cannot be formed, before any solving."""
    k, n = event.groups.count, len(facts)
    if k > n:
        raise Infeasible(
            STAGE,
            [f"游戏分组:要分 {k} 组,结对只有 {n} 对,每组至少要一对:少 {k - n} 对"],
            [
                f"game groups: {k} groups wanted but only {n} pairs, one pair each at least: "
                f"{k - n} short"
            ],
        )
    leaders = sorted(f.pair.volunteer_id for f in facts if f.games)
    if day_has_games(event) and len(leaders) < k:
        names = "、".join(leaders) or "无"
        raise Infeasible(
            STAGE,
            [
                f"游戏分组:{k} 个组各需一名会组织游戏的志愿者,结对志愿者中只有 {len(leaders)} 名"
                f"({names}):少 {k - len(leaders)} 名"
            ],
            [
                f"game groups: {k} groups each need a volunteer who can lead games, the paired "
                f"volunteers have {len(leaders)} ({', '.join(leaders) or 'none'}): "
                f"{k - len(leaders)} short"
            ],
        )


def make_groups(event: Event, plan: Plan) -> list[Group]:
    """Split ``plan.pairs`` into the event's game groups."""
    pairs = sorted(plan.pairs, key=lambda p: p.volunteer_id)
    if not pairs:
        return []
    facts = _facts(event, pairs)
    _precheck(event, facts)
    k = event.groups.count
    ids = group_ids(k)
    build = _builder(event, facts, k)
    solved = solve(
        build,
        what_zh="游戏分组",
        what_en="splitting the pairs into game groups",
        seed=event.itinerary.seed,
        time_limit=event.itinerary.time_limit_s,
    )
    x = solved.built
    assert isinstance(x, list)
    volunteers = {v.id: v for v in event.volunteers}
    groups = []
    for g, gid in enumerate(ids):
        members = [f.pair for i, f in enumerate(facts) if solved.solver.boolean_value(x[i][g])]
        groups.append(_group(gid, g + 1, members, volunteers))
    return groups


def _group(gid: str, number: int, members: list[Pair], volunteers: dict[str, Volunteer]) -> Group:
    vids = sorted(p.volunteer_id for p in members)
    people = [volunteers[v] for v in vids if v in volunteers]
    first_aiders = [v.id for v in people if v.has(Skill.FIRST_AID)]
    return Group(
        id=gid,
        name=f"第{number}组",
        volunteer_ids=vids,
        child_ids=sorted(c for p in members for c in p.child_ids),
        leader_id=choose_leader(people),
        first_aider_ids=first_aiders,
    )


def choose_leader(people: list[Volunteer]) -> str | None:
    """The group's leader: one who can lead games, else a first-aider, else the first."""
    for skill in (Skill.GAMES, Skill.FIRST_AID):
        for v in people:
            if v.has(skill):
                return v.id
    return people[0].id if people else None


def _builder(event: Event, facts: list[PairFacts], k: int):
    n = len(facts)
    low, high = n // k, -(-n // k)
    games_required = day_has_games(event)
    first_aiders = sum(1 for f in facts if f.first_aid)
    weights = event.groups.balance_weights

    def build(sw: Switches) -> list[list[object]]:
        m = sw.model
        x = [[m.new_bool_var(f"x[{i},{g}]") for g in range(k)] for i in range(n)]
        for i in range(n):
            pair_in_one_group(sw, x, i, facts[i].pair.volunteer_id)
        m.add(x[0][0] == 1)  # groups are interchangeable: the first pair opens group 1
        for g in range(k):
            size = sum(x[i][g] for i in range(n))
            sw.add(size >= low, "sizes", *_sizes_text(n, k))
            sw.add(size <= high, "sizes", *_sizes_text(n, k))
            if games_required:
                leaders = sum(x[i][g] for i in range(n) if facts[i].games)
                sw.add(
                    leaders >= 1,
                    "leader",
                    "每组一名会组织游戏的志愿者",
                    "a volunteer who can lead games in every group",
                )
            if event.groups.first_aider_per_group and first_aiders:
                aid = sum(x[i][g] for i in range(n) if facts[i].first_aid)
                if first_aiders >= k:
                    sw.add(
                        aid >= 1,
                        "first_aid",
                        f"每组一名急救员(共 {first_aiders} 名)",
                        f"a first-aider in every group ({first_aiders} in all)",
                    )
                else:
                    sw.add(
                        aid <= 1,
                        "first_aid",
                        f"急救员只有 {first_aiders} 名,分到不同的组",
                        f"only {first_aiders} first-aiders: each in a different group",
                    )
        m.minimize(_imbalance(sw, x, facts, k, weights))
        return x

    return build


def pair_in_one_group(sw: Switches, x: list[list[object]], i: int, vid: str) -> None:
    """A pair is never split: it sits in exactly one group."""
    sw.model.add_exactly_one(x[i])


def _sizes_text(n: int, k: int) -> tuple[str, str]:
    return (
        f"{n} 对分 {k} 组,每组 {n // k}–{-(-n // k)} 对",
        f"{n} pairs in {k} groups of {n // k}–{-(-n // k)} pairs",
    )


def _imbalance(sw: Switches, x, facts: list[PairFacts], k: int, weights: dict[str, int]):
    """How unlike the groups are: children's age and boys/girls, each group
    against the whole (scaled by the totals so no division is needed)."""
    m = sw.model
    n = len(facts)
    age_total = sum(f.age_sum for f in facts)
    aged_total = sum(f.aged for f in facts)
    boys_total = sum(f.boys for f in facts)
    kids_total = sum(f.children for f in facts)
    terms = []
    bound = 100 * (aged_total + kids_total + 1) ** 2 + 1
    for g in range(k):
        age_sum = sum(f.age_sum * x[i][g] for i, f in enumerate(facts))
        aged = sum(f.aged * x[i][g] for i, f in enumerate(facts))
        boys = sum(f.boys * x[i][g] for i, f in enumerate(facts))
        kids = sum(f.children * x[i][g] for i, f in enumerate(facts))
        if weights.get("age", 0) and aged_total:
            dev = m.new_int_var(0, bound, f"age_dev[{g}]")
            m.add_abs_equality(dev, aged_total * age_sum - age_total * aged)
            terms.append(weights["age"] * dev)
        if weights.get("gender", 0) and kids_total:
            dev = m.new_int_var(0, bound, f"gender_dev[{g}]")
            m.add_abs_equality(dev, kids_total * boys - boys_total * kids)
            terms.append(weights["gender"] * dev)
    del n
    return sum(terms) if terms else 0
