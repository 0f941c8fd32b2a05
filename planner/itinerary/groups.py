"""Game groups: the pairs split into ``groups.count`` groups (CP-SAT).

Rules, in the organisers' words:

- a pair is never split: a volunteer and their children are in one group;
- the groups are the same size, give or take one pair;
- every group has a volunteer who can lead games (when the day has games);
- every group has a first-aider, where there are enough of them;
- the groups are alike in their children's ages and in boys and girls.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from msgspec import Struct

from planner.errors import Infeasible, TimeLimitReached
from planner.itinerary.inputs import group_ids
from planner.itinerary.previous import Promised
from planner.itinerary.solver import STAGE, Solved, Switches, solve, try_solve
from planner.model import ActivityKind, Event, Gender, Group, Pair, Plan, Skill, Volunteer

if TYPE_CHECKING:
    from ortools.sat.python import cp_model
    from ortools.sat.python.cp_model import IntVar

    from planner.itinerary.solver import Expr


class PairFacts(Struct, frozen=True):
    """What the group model needs to know about one pair."""

    pair: Pair
    games: bool
    first_aid: bool
    children: int
    boys: int
    aged: int
    age_sum: int


#: the share of ``itinerary.time_limit_s`` the group model may use
GROUP_SHARE = 0.05


def day_has_games(event: Event) -> bool:
    return any(a.kind == ActivityKind.GAMES for a in event.activities)


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


def make_groups(event: Event, plan: Plan, promised: Promised | None = None) -> list[Group]:
    """Split ``plan.pairs`` into the event's game groups.

    In a re-plan, ``promised`` holds each person's earlier group: moving a
    person counts above every balance aim, so only what the rules force moves,
    and a group keeps its leader while they are in it.
    """
    pairs = sorted(plan.pairs, key=lambda p: p.volunteer_id)
    if not pairs:
        return []
    facts = _facts(event, pairs)
    _precheck(event, facts)
    k = event.groups.count
    ids = group_ids(k)
    build = partial(GroupModel, event, facts, k, promised=promised)
    work = event.itinerary.time_limit_s * GROUP_SHARE
    # a re-plan keeps the search it always had: its ties (which of two equal moves)
    # fall as before, and its model is quick with the LP (moves outweigh balance)
    solved = _proved_quickly(build, event.itinerary.seed, work) if promised is None else None
    if solved is None:
        solved = solve(
            build,
            what_zh="游戏分组",
            what_en="splitting the pairs into game groups",
            seed=event.itinerary.seed,
            time_limit=work,
            # presolve would lose the polished start; the model is small enough without
            params={"cp_model_presolve": False},
        )
    x = solved.built.x
    volunteers = {v.id: v for v in event.volunteers}
    groups = []
    for g, gid in enumerate(ids):
        members = [f.pair for i, f in enumerate(facts) if solved.solver.boolean_value(x[i][g])]
        kept = promised.leader_of.get(gid) if promised is not None else None
        groups.append(_group(gid, g + 1, members, volunteers, kept))
    return groups


#: the share of the group model's work tried first without the LP relaxation
QUICK_SHARE = 0.1


def _proved_quickly(
    build: Callable[[Switches], GroupModel], seed: int, work: float
) -> Solved[GroupModel] | None:
    """The split proved optimal by a short search without the LP relaxation, or None.

    On a day's few pairs the LP is what makes the proof slow (Expo day:
    0.19 s with it, 0.03 s without, the same split). On many pairs a search
    without it finds worse splits in the same work, so an answer not proved
    optimal here is thrown away and the model solved as before.
    """
    try:
        solved = try_solve(
            build,
            seed=seed,
            time_limit=work * QUICK_SHARE,
            params={"cp_model_presolve": False, "linearization_level": 0},
        )
    except TimeLimitReached:
        return None
    if solved is None:
        return None  # impossible: the full solve names the colliding rules
    proved = solved.solver.objective_value == solved.solver.best_objective_bound
    return solved if proved else None


def _group(
    gid: str,
    number: int,
    members: list[Pair],
    volunteers: dict[str, Volunteer],
    kept_leader: str | None = None,
) -> Group:
    vids = sorted(p.volunteer_id for p in members)
    people = [volunteers[v] for v in vids if v in volunteers]
    first_aiders = [v.id for v in people if v.has(Skill.FIRST_AID)]
    return Group(
        id=gid,
        name=f"第{number}组",
        volunteer_ids=vids,
        child_ids=sorted(c for p in members for c in p.child_ids),
        leader_id=kept_leader if kept_leader in vids else choose_leader(people),
        first_aider_ids=first_aiders,
    )


def choose_leader(people: list[Volunteer]) -> str | None:
    """The group's leader: one who can lead games, else a first-aider, else the first."""
    for skill in (Skill.GAMES, Skill.FIRST_AID):
        for v in people:
            if v.has(skill):
                return v.id
    return people[0].id if people else None


def group_sizes(n: int, k: int) -> list[int]:
    """Pairs per group: as even as can be, the larger groups first.

    >>> group_sizes(7, 3)
    [3, 2, 2]
    """
    return [n // k + (1 if g < n % k else 0) for g in range(k)]


class GroupModel:
    """The split as CP-SAT sees it: ``x[i][g]`` (pair i plays in group g), one
    method per rule group."""

    def __init__(
        self,
        event: Event,
        facts: list[PairFacts],
        k: int,
        sw: Switches,
        *,
        promised: Promised | None = None,
    ) -> None:
        self.event, self.facts, self.sw = event, facts, sw
        n = len(facts)
        self.sizes = group_sizes(n, k)
        self.first_aiders = sum(1 for f in facts if f.first_aid)
        m = sw.model
        self.x = [[m.new_bool_var(f"x[{i},{g}]") for g in range(k)] for i in range(n)]
        for i in range(n):
            pair_in_one_group(sw, self.x[i])
        if promised is None:
            self.start_from_a_good_split()
        else:
            self.start_from_the_groups_people_know(promised)
        self.same_size()
        if day_has_games(event):
            self.games_leader_in_every_group()
        if event.groups.first_aider_per_group and self.first_aiders:
            self.first_aiders_spread()
        if promised is None:
            _break_group_symmetry(m, self.x, self.sizes)
            m.minimize(self.imbalance())
        else:  # the groups have names people know: no two are interchangeable
            imbalance = self.imbalance()
            m.minimize(self._imbalance_bound() * self.people_moved(promised) + imbalance)

    def _moved(self, promised: Promised, i: int, g: int) -> int:
        """People of pair ``i`` who were in another group than group ``g`` before
        (people new to the plan move nowhere)."""
        gid = group_ids(len(self.sizes))[g]
        pair = self.facts[i].pair
        people = [pair.volunteer_id, *pair.child_ids]
        return sum(1 for p in people if promised.group_of.get(p, gid) != gid)

    def people_moved(self, promised: Promised) -> Expr:
        """How many people change game group against the plan they were told."""
        return sum(
            self._moved(promised, i, g) * self.x[i][g]
            for i in range(len(self.facts))
            for g in range(len(self.sizes))
        )

    def _imbalance_bound(self) -> int:
        """More than the imbalance can ever be: one person moved outweighs it all."""
        n, weights = len(self.facts), self.event.groups.balance_weights
        totals = (sum(f.age_sum for f in self.facts), sum(f.boys for f in self.facts))
        bound = sum(
            weights.get(name, 0) * len(self.sizes) * 2 * n * total
            for name, total in zip(("age", "gender"), totals, strict=True)
        )
        return bound + 1

    def start_from_the_groups_people_know(self, promised: Promised) -> None:
        """Start the search where each pair was: the group most of its people were in."""
        for i in range(len(self.facts)):
            costs = [self._moved(promised, i, g) for g in range(len(self.sizes))]
            best = costs.index(min(costs))
            for g, var in enumerate(self.x[i]):
                self.sw.model.add_hint(var, g == best)

    def _members(self, g: int, which: Callable[[PairFacts], bool]) -> Expr:
        return sum(self.x[i][g] for i, f in enumerate(self.facts) if which(f))

    def start_from_a_good_split(self) -> None:
        first_aid_rule = (
            None
            if not (self.event.groups.first_aider_per_group and self.first_aiders)
            else ("at_least" if self.first_aiders >= len(self.sizes) else "at_most")
        )
        weights = self.event.groups.balance_weights
        draft = snake_draft(self.facts, self.sizes)
        hint = polish(
            _Split(
                self.facts, self.sizes, draft, weights, day_has_games(self.event), first_aid_rule
            )
        )
        for i, row in enumerate(self.x):
            for g, var in enumerate(row):
                self.sw.model.add_hint(var, hint[i] == g)

    def same_size(self) -> None:
        """The groups are the same size, give or take one pair."""
        n, k = len(self.facts), len(self.sizes)
        for g, size in enumerate(self.sizes):
            self.sw.add(self._members(g, lambda f: True) == size, "sizes", *_sizes_text(n, k))

    def games_leader_in_every_group(self) -> None:
        """Every group has a volunteer who can lead games."""
        for g in range(len(self.sizes)):
            self.sw.add(
                self._members(g, lambda f: f.games) >= 1,
                "leader",
                "每组一名会组织游戏的志愿者",
                "a volunteer who can lead games in every group",
            )

    def first_aiders_spread(self) -> None:
        """A first-aider in every group where there are enough; else each in a different group."""
        n_aid, k = self.first_aiders, len(self.sizes)
        for g in range(k):
            aid = self._members(g, lambda f: f.first_aid)
            if n_aid >= k:
                self.sw.add(
                    aid >= 1,
                    "first_aid",
                    f"每组一名急救员(共 {n_aid} 名)",
                    f"a first-aider in every group ({n_aid} in all)",
                )
            else:
                self.sw.add(
                    aid <= 1,
                    "first_aid",
                    f"急救员只有 {n_aid} 名,分到不同的组",
                    f"only {n_aid} first-aiders: each in a different group",
                )

    def imbalance(self) -> Expr:
        """How unlike the groups are: each group's total of children's ages and
        of boys against its share of the whole (shares by pairs, scaled by the
        number of pairs so no division is needed)."""
        m, facts, weights = self.sw.model, self.facts, self.event.groups.balance_weights
        n = len(facts)
        terms: list[Expr] = []
        measures: tuple[tuple[str, Callable[[PairFacts], int]], ...] = (
            ("age", lambda f: f.age_sum),
            ("gender", lambda f: f.boys),
        )
        for name, value in measures:
            weight = weights.get(name, 0)
            total = sum(value(f) for f in facts)
            if not weight or not total:
                continue
            for g, size in enumerate(self.sizes):
                dev = m.new_int_var(0, 2 * n * total, f"{name}_dev[{g}]")
                share = sum(value(f) * self.x[i][g] for i, f in enumerate(facts))
                m.add_abs_equality(dev, n * share - size * total)
                terms.append(weight * dev)
        return sum(terms) if terms else 0


def snake_draft(facts: list[PairFacts], sizes: list[int]) -> list[int]:
    """A good first split to start the search from: games leaders, first-aiders,
    then everyone by age, dealt to the groups back and forth like cards."""
    order = sorted(
        range(len(facts)),
        key=lambda i: (not facts[i].games, not facts[i].first_aid, -facts[i].age_sum, i),
    )
    k = len(sizes)
    room = list(sizes)
    out = [0] * len(facts)
    turn = 0
    for i in order:
        lap, pos = divmod(turn, k)
        g = pos if lap % 2 == 0 else k - 1 - pos
        while room[g] == 0:
            turn += 1
            lap, pos = divmod(turn, k)
            g = pos if lap % 2 == 0 else k - 1 - pos
        out[i] = g
        room[g] -= 1
        turn += 1
    return out


class _Split:
    """A split of the pairs into groups, with each group's running totals."""

    def __init__(
        self,
        facts: list[PairFacts],
        sizes: list[int],
        start: list[int],
        weights: dict[str, int],
        games_required: bool,
        first_aid_rule: str | None,
    ) -> None:
        self.facts, self.sizes, self.group = facts, sizes, list(start)
        self.games_required, self.first_aid_rule = games_required, first_aid_rule
        k = len(sizes)
        self.measures = [
            (weights.get("age", 0), [f.age_sum for f in facts]),
            (weights.get("gender", 0), [f.boys for f in facts]),
        ]
        self.totals = [sum(values) for _, values in self.measures]
        self.sums = [[0] * k for _ in self.measures]
        self.leaders, self.aiders = [0] * k, [0] * k
        for i, g in enumerate(self.group):
            for m, (_, values) in enumerate(self.measures):
                self.sums[m][g] += values[i]
            self.leaders[g] += facts[i].games
            self.aiders[g] += facts[i].first_aid

    def _cost(self, m: int, g: int, value: int) -> int:
        n = len(self.facts)
        return self.measures[m][0] * abs(n * value - self.sizes[g] * self.totals[m])

    def _allowed(self, lead: int, aid: int) -> bool:
        if self.games_required and lead < 1:
            return False
        if self.first_aid_rule == "at_least" and aid < 1:
            return False
        return not (self.first_aid_rule == "at_most" and aid > 1)

    def gain(self, i: int, j: int) -> int:
        """How much more alike the groups get when pairs ``i`` and ``j`` swap."""
        a, b = self.group[i], self.group[j]
        gain = 0
        for m, (_, values) in enumerate(self.measures):
            d = values[j] - values[i]
            if d:
                sa, sb = self.sums[m][a], self.sums[m][b]
                gain += self._cost(m, a, sa) + self._cost(m, b, sb)
                gain -= self._cost(m, a, sa + d) + self._cost(m, b, sb - d)
        return gain

    def keeps_leaders(self, i: int, j: int) -> bool:
        """Both groups keep their games leader and first-aider after the swap."""
        a, b, f = self.group[i], self.group[j], self.facts
        dl = f[j].games - f[i].games
        da = f[j].first_aid - f[i].first_aid
        return self._allowed(self.leaders[a] + dl, self.aiders[a] + da) and self._allowed(
            self.leaders[b] - dl, self.aiders[b] - da
        )

    def swap(self, i: int, j: int) -> None:
        a, b, f = self.group[i], self.group[j], self.facts
        for m, (_, values) in enumerate(self.measures):
            d = values[j] - values[i]
            self.sums[m][a] += d
            self.sums[m][b] -= d
        dl = f[j].games - f[i].games
        da = f[j].first_aid - f[i].first_aid
        self.leaders[a] += dl
        self.leaders[b] -= dl
        self.aiders[a] += da
        self.aiders[b] -= da
        self.group[i], self.group[j] = b, a


def polish(split: _Split, *, passes: int = 30) -> list[int]:
    """Swap pairs between groups while it makes them more alike and keeps every
    group's games leader and first-aider: a near-best start for CP-SAT."""
    n, sizes = len(split.facts), split.sizes
    for _ in range(passes):
        better = False
        for i in range(n):
            for j in range(i + 1, n):
                if split.group[i] == split.group[j] or split.gain(i, j) <= 0:
                    continue
                if split.keeps_leaders(i, j):
                    split.swap(i, j)
                    better = True
        if not better:
            break
    group = split.group
    if len(set(sizes)) == 1 and group and group[0] != 0:  # the first pair opens group 1
        first = group[0]
        group = [first if g == 0 else 0 if g == first else g for g in group]
    return group


def _break_group_symmetry(m: cp_model.CpModel, x: list[list[IntVar]], sizes: list[int]) -> None:
    """Groups of one size are interchangeable: the first pair opens the first group."""
    if sizes and (len(set(sizes)) == 1):
        m.add(x[0][0] == 1)


def pair_in_one_group(sw: Switches, in_group: list[IntVar]) -> None:
    """A pair is never split: it sits in exactly one group."""
    sw.model.add_exactly_one(in_group)


def _sizes_text(n: int, k: int) -> tuple[str, str]:
    return (
        f"{n} 对分 {k} 组,每组 {n // k}–{-(-n // k)} 对",
        f"{n} pairs in {k} groups of {n // k}–{-(-n // k)} pairs",
    )
