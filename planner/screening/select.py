"""Choose N volunteers among the eligible: quotas held, every child pairable, best scores.

A CP-SAT model with one integer per kind of applicant (applicants alike for
every rule of the choice: how many, quotas, locked-pair volunteers, the
pairing count), solved twice (lexicographic):

1. as many attending children as possible can be paired with the chosen
   volunteers under every pairing rule (places, siblings with one volunteer,
   special care only with trained volunteers, locks, forbidden pairs, same
   gender when required);
2. with that many, the highest total weighted score; ties go by rank
   (score, then the lower id): within a kind by the order it is taken in,
   between kinds by a second solve (the lowest sum of ranks), never by the
   solver's seed.

Whether the chosen can pair the children is not modelled pair by pair: a
max flow over classes of volunteers and children counts it
(:mod:`planner.screening.cover`), and a choice that falls short adds the
flow's Hall cut to the model ("these children need this many places among
these volunteers") until the count holds. With brothers and sisters kept
together the flow's count is an upper bound, so the final choice is checked
by the matching engine itself (:func:`pairable`).

Quotas (a trait at least ``min``, at most ``max``; ``per_group`` multiplies
``min`` by the number of game groups) are hard. When they cannot hold, the
counting checks say so with numbers; otherwise the quota literals go to
CP-SAT as assumptions and the confirmed core names the colliding quotas.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from msgspec import Struct

from planner.errors import Infeasible, TimeLimitReached
from planner.matching.facts import attending_children
from planner.matching.rules import PairingModel
from planner.matching.solve import pairs_everyone
from planner.matching.words import GENDER_ZH, SKILL_EN, SKILL_ZH, ids_en, ids_zh
from planner.model import Event, Quota, Volunteer
from planner.screening.cover import Cut, cover_of
from planner.screening.requirements import weighted_score
from planner.solving import cp_solver, new_model
from planner.steps import report_progress

Reason = tuple[str, str]


class QuotaNeed(Struct, frozen=True):
    """A quota as it applies to this event: how many at least (and at most)."""

    quota: Quota
    need: int
    most: int | None

    def has(self, v: Volunteer) -> bool:
        if self.quota.skill is not None:
            return v.has(self.quota.skill)
        return v.gender == self.quota.gender

    @property
    def trait_zh(self) -> str:
        if self.quota.skill is not None:
            return f"有{SKILL_ZH[self.quota.skill]}特长"
        return f"{GENDER_ZH[self.quota.gender]}性"  # type: ignore[index]

    @property
    def trait_en(self) -> str:
        if self.quota.skill is not None:
            return f"with {SKILL_EN[self.quota.skill]}"
        return f"{self.quota.gender.value}"  # type: ignore[union-attr]

    @property
    def label_zh(self) -> str:
        if self.quota.label:
            return self.quota.label
        most = f"、至多 {self.most} 名" if self.most is not None else ""
        return f"{self.trait_zh}至少 {self.need} 名{most}"

    @property
    def label_en(self) -> str:
        most = f", at most {self.most}" if self.most is not None else ""
        return f"at least {self.need} {self.trait_en}{most}"


def quota_needs(event: Event) -> list[QuotaNeed]:
    """The event's quotas with ``per_group`` applied."""
    groups = event.groups.count
    return [
        QuotaNeed(q, q.min * (groups if q.per_group else 1), q.max) for q in event.screening.quotas
    ]


def quota_problems(event: Event, pool: list[Volunteer], n: int) -> list[Reason]:
    """Quotas that cannot hold, by counting (empty: the counts allow them)."""
    out: list[Reason] = []
    for q in quota_needs(event):
        having = [v.id for v in pool if q.has(v)]
        if q.most is not None and q.most < q.need:
            out.append(
                (
                    f"配额「{q.label_zh}」至少 {q.need} 名又至多 {q.most} 名,自相矛盾",
                    f"quota '{q.label_en}' asks at least {q.need} and at most {q.most}",
                )
            )
        if q.need > len(having):
            out.append(
                (
                    f"配额「{q.label_zh}」需要 {q.need} 名{q.trait_zh}的志愿者,合格报名者中只有 {len(having)} 名"
                    + (f"({ids_zh(having)})" if having else "")
                    + f":差 {q.need - len(having)} 名",
                    f"quota '{q.label_en}' needs {q.need}; only {len(having)} eligible applicants qualify"
                    + (f" ({ids_en(having)})" if having else "")
                    + f": {q.need - len(having)} short",
                )
            )
        elif q.need > n:
            out.append(
                (
                    f"配额「{q.label_zh}」需要 {q.need} 名,但只选 {n} 名",
                    f"quota '{q.label_en}' needs {q.need} but only {n} are chosen",
                )
            )
        if q.most is not None:
            others = len(pool) - len(having)
            if n - q.most > others:
                out.append(
                    (
                        f"配额「{q.label_zh}」至多 {q.most} 名{q.trait_zh},其余合格者只有 {others} 名,"
                        f"选 {n} 名:差 {n - q.most - others} 名",
                        f"quota '{q.label_en}' allows at most {q.most}; only {others} other eligible "
                        f"applicants for {n} places: {n - q.most - others} short",
                    )
                )
    genders = [q for q in quota_needs(event) if q.quota.gender is not None]
    by_gender: dict[str, int] = {}
    for q in genders:
        by_gender[q.quota.gender.value] = max(by_gender.get(q.quota.gender.value, 0), q.need)  # type: ignore[union-attr]
    if len(by_gender) > 1 and sum(by_gender.values()) > n:
        parts_zh = " + ".join(
            f"{GENDER_ZH[q.quota.gender]}性至少 {q.need}"
            for q in genders
            if q.quota.gender is not None
        )
        out.append(
            (
                f"性别配额 {parts_zh} = {sum(by_gender.values())} 名,多于要选的 {n} 名",
                f"gender quotas add up to {sum(by_gender.values())}, more than the {n} chosen",
            )
        )
    return out


def _solver(event: Event) -> Any:

    return cp_solver(
        seed=event.screening.seed, work=event.screening.time_limit_s, full_linearisation=True
    )


def _locked_volunteers(event: Event, pool: list[Volunteer]) -> list[str]:
    """Eligible volunteers of a locked pair whose child comes on the day."""
    coming = {c.id for c in event.attending_children}
    ids = {v.id for v in pool}
    return sorted(
        {
            lock.volunteer
            for lock in event.matching.locked
            if lock.volunteer in ids and coming & set(lock.children)
        }
    )


class _Model(Struct):
    model: Any
    x: dict[str, Any]
    literals: dict[str, tuple[Any, Reason]]


def _build(event: Event, pool: list[Volunteer], n: int, *, diagnose: bool) -> _Model:
    """One variable per applicant: how many, quotas, locked-pair volunteers."""

    model = new_model()
    x = {v.id: model.new_bool_var(f"x[{v.id}]") for v in pool}
    literals: dict[str, tuple[Any, Reason]] = {}

    def add(key: str, constraint: Any, words: Reason) -> None:
        ct = model.add(constraint)
        if diagnose:
            lit = model.new_bool_var(f"lit[{key}]")
            ct.only_enforce_if(lit)
            literals[key] = (lit, words)

    add("select", sum(x.values()) == n, (f"选 {n} 名志愿者", f"choose {n} volunteers"))
    for i, q in enumerate(quota_needs(event)):
        having = [x[v.id] for v in pool if q.has(v)]
        words = (f"配额「{q.label_zh}」(至少 {q.need} 名)", f"quota '{q.label_en}'")
        add(f"quota{i}:min", sum(having) >= q.need, words)
        if q.most is not None:
            add(f"quota{i}:max", sum(having) <= q.most, words)
    for vid in _locked_volunteers(event, pool):
        add(
            f"lock:{vid}",
            x[vid] == 1,
            (f"锁定结对的志愿者 {vid} 必须入选", f"locked-pair volunteer {vid} must be chosen"),
        )
    return _Model(model, x, literals)


def _best_first(event: Event, pool: list[Volunteer], model: _Model, classes: np.ndarray) -> None:
    """Among applicants alike for every rule of the choice (the same quota traits and
    the same pairing class: ``classes``), a higher score is chosen before a lower one.

    Swapping two such applicants changes no quota, lock or pairing count, so the
    best choice keeps this order; saying it makes the model far easier to prove.
    """
    points = score_points(event, pool)
    needs = quota_needs(event)
    kinds: dict[tuple[object, ...], list[Volunteer]] = {}
    for v, cls in zip(pool, classes.tolist(), strict=True):
        kinds.setdefault((cls, *(q.has(v) for q in needs)), []).append(v)
    for alike in kinds.values():
        alike.sort(key=lambda v: -points[v.id])
        for better, worse in itertools.pairwise(alike):
            model.model.add_implication(model.x[worse.id], model.x[better.id])


class Choice(Struct, frozen=True):
    """The chosen volunteers and how many children they can pair."""

    chosen: tuple[str, ...]
    coverable: int
    children: int
    optimal: bool


def score_points(event: Event, pool: list[Volunteer]) -> dict[str, int]:
    """Integer objective per volunteer: weighted score first, then the lower id."""

    k = len(pool)
    spread = k * k + 1
    return {
        v.id: round(weighted_score(event, v) * 1000) * spread + (k - i) for i, v in enumerate(pool)
    }


class _Infeasible(Exception):
    """The choice model has no solution (the quotas, the number and the locks collide)."""


class _Search:
    """The choice model and its coverage cuts: solve, count by max flow, cut, again."""

    def __init__(self, event: Event, pool: list[Volunteer], n: int) -> None:
        self.event, self.pool = event, pool
        self.cover = cover_of(event, pool, attending_children(event))
        self.m = _build(event, pool, n, diagnose=False)
        _best_first(event, pool, self.m, self.cover.volunteer_class)
        self.model = self.m.model
        self.vars = [self.m.x[v.id] for v in pool]
        total = self.cover.children
        self.paired = self.m.model.new_int_var(0, total, "children_paired")
        self.m.model.add(
            self.paired
            <= sum(int(c) * x for c, x in zip(self.cover.capacity, self.vars, strict=True))
        )
        self.optimal = True
        self.rounds = 0

    def solve(self) -> np.ndarray:
        """The best choice under the cuts so far (a mask over the pool)."""
        from ortools.sat.python import cp_model

        self.rounds += 1
        report_progress(f"求解 solve · {self.rounds - 1} cuts", self.rounds, self.rounds + 1)
        solver = _solver(self.event)
        status = solver.solve(self.m.model)
        if status == cp_model.INFEASIBLE:
            raise _Infeasible
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise TimeLimitReached("screening", self.event.screening.time_limit_s)
        self.optimal &= status == cp_model.OPTIMAL
        chosen = np.array([solver.boolean_value(x) for x in self.vars], dtype=bool)
        self.m.model.clear_hints()
        for x, value in zip(self.vars, chosen.tolist(), strict=True):
            self.m.model.add_hint(x, value)
        self.last_paired = int(solver.value(self.paired))
        return chosen

    def add_cut(self, cut: Cut) -> None:
        """Children paired ≤ those outside the Hall set + the places that can take its units."""
        inside = set(cut.classes)
        places = [
            int(self.cover.capacity[i]) * x
            for i, x in enumerate(self.vars)
            if int(self.cover.volunteer_class[i]) in inside
        ]
        self.m.model.add(self.paired <= self.cover.children - cut.need + sum(places))

    def scores(self) -> Any:
        points = score_points(self.event, self.pool)
        return sum(points[v.id] * x for v, x in zip(self.pool, self.vars, strict=True))

    def exclude(self, chosen: np.ndarray) -> None:
        """This exact choice is out (the matching engine could not pair it)."""
        self.m.model.add(
            sum(x for x, c in zip(self.vars, chosen.tolist(), strict=True) if c)
            <= int(chosen.sum()) - 1
        )


class _KindSearch(_Search):
    """The same choice, one integer per kind of applicant instead of one variable each.

    Applicants of a kind are alike for every rule of the choice (the same quota
    traits and the same pairing class), so a best choice takes each kind's
    best first (swapping two of a kind changes no quota, lock or pairing
    count). The model chooses how many of each kind; the kind's total score is
    a concave function of that number (its members' scores, best first), the
    minimum of one line per member, which the LP relaxation holds exactly.
    Scores are in thousandths, without the id tie-break of :func:`score_points`
    (its huge coefficients made this model some 200 times slower): the lower id
    wins ties within a kind, and between kinds a second solve keeps the best
    score and takes the lowest sum of ranks (:meth:`break_ties`), so no seed
    decides. 5,000 applicants: 0.5 s proved, against 65 s with one variable each.
    """

    def __init__(self, event: Event, pool: list[Volunteer], n: int) -> None:

        self.event, self.pool = event, pool
        self.cover = cover_of(event, pool, attending_children(event))
        order = score_points(event, pool)  # best first: score, then the lower id
        points = {v.id: round(weighted_score(event, v) * 1000) for v in pool}
        needs = quota_needs(event)
        locked = set(_locked_volunteers(event, pool))
        kinds: dict[tuple[object, ...], list[int]] = {}
        for i, v in enumerate(pool):
            key = (int(self.cover.volunteer_class[i]), v.id in locked, *(q.has(v) for q in needs))
            kinds.setdefault(key, []).append(i)
        self.model = new_model()
        self.members = [sorted(ix, key=lambda i: -order[pool[i].id]) for ix in kinds.values()]
        self.count = [
            self.model.new_int_var(len(ix) if key[1] else 0, len(ix), f"k{t}")
            for t, (key, ix) in enumerate(zip(kinds, self.members, strict=True))
        ]
        self.model.add(sum(self.count) == n)
        for q in needs:
            having = [
                k for k, ix in zip(self.count, self.members, strict=True) if q.has(pool[ix[0]])
            ]
            self.model.add(sum(having) >= q.need)
            if q.most is not None:
                self.model.add(sum(having) <= q.most)
        self.cap = [int(self.cover.capacity[ix[0]]) for ix in self.members]
        self.paired = self.model.new_int_var(0, self.cover.children, "children_paired")
        self.model.add(self.paired <= sum(c * k for c, k in zip(self.cap, self.count, strict=True)))
        self.points = [[points[pool[i].id] for i in ix] for ix in self.members]
        self.optimal, self.rounds = True, 0

    def scores(self) -> Any:
        total = []
        for t, (k, pts) in enumerate(zip(self.count, self.points, strict=True)):
            top = sum(pts)
            f = (
                self.model.new_int_var(0, max(top, 0), f"score{t}")
                if top >= 0
                else self.model.new_int_var(top, 0, f"score{t}")
            )
            prefix = 0
            for j, p in enumerate(pts):  # below the line through member j's step
                self.model.add(f <= prefix + p * (k - j))
                prefix += p
            total.append(f)
        self.score = sum(total)
        return self.score

    def break_ties(self) -> None:
        """Keep the best score found and prefer, among the choices reaching it, the
        lowest sum of ranks (applicants ranked by score, then the lower id): ties
        between kinds are decided by that order, not by the solver's seed.

        A kind's members are taken best first, so its sum of ranks is a convex
        function of how many it gives: the maximum of one line per member."""
        self.model.add(self.score >= self.last_objective)
        order = score_points(self.event, self.pool)
        ranked = sorted(range(len(self.pool)), key=lambda i: -order[self.pool[i].id])
        rank = {i: r for r, i in enumerate(ranked)}
        sums = []
        for t, (k, ix) in enumerate(zip(self.count, self.members, strict=True)):
            g = self.model.new_int_var(0, sum(rank[i] for i in ix), f"ranks{t}")
            prefix = 0
            for j, i in enumerate(ix):  # above the line through member j's step
                self.model.add(g >= prefix + rank[i] * (k - j))
                prefix += rank[i]
            sums.append(g)
        self.model.minimize(sum(sums))

    def solve(self) -> np.ndarray:
        from ortools.sat.python import cp_model

        self.rounds += 1
        report_progress(f"求解 solve · {self.rounds - 1} cuts", self.rounds, self.rounds + 1)
        solver = _solver(self.event)
        status = solver.solve(self.model)
        if status == cp_model.INFEASIBLE:
            raise _Infeasible
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise TimeLimitReached("screening", self.event.screening.time_limit_s)
        self.optimal &= status == cp_model.OPTIMAL
        self.last_objective = round(solver.objective_value)
        chosen = np.zeros(len(self.pool), dtype=bool)
        self.model.clear_hints()
        for k, ix in zip(self.count, self.members, strict=True):
            taken = solver.value(k)
            chosen[ix[:taken]] = True
            self.model.add_hint(k, taken)
        self.last_paired = int(solver.value(self.paired))
        return chosen

    def add_cut(self, cut: Cut) -> None:
        inside = set(cut.classes)
        places = [
            c * k
            for c, k, ix in zip(self.cap, self.count, self.members, strict=True)
            if int(self.cover.volunteer_class[ix[0]]) in inside
        ]
        self.model.add(self.paired <= self.cover.children - cut.need + sum(places))


def choose(event: Event, pool: list[Volunteer], n: int) -> Choice:
    """Choose ``n`` of ``pool`` (eligible, sorted by id); Infeasible when quotas collide.

    First the most children that can be paired, then the best scores: each a
    CP-SAT model with one integer per kind of applicant (:class:`_KindSearch`),
    whose answer is counted by max flow (:mod:`planner.screening.cover`); a
    choice that pairs fewer than the model assumed adds that flow's Hall cut,
    and the model is solved again.
    """
    problems = quota_problems(event, pool, n)
    if problems:
        raise Infeasible("screening", [zh for zh, _ in problems], [en for _, en in problems])
    search: _Search = _KindSearch(event, pool, n)
    best = _most_paired(search, event, pool, n)
    choice = _best_scores(search, event, pool, n, best)
    if choice is None:  # brothers and sisters: count applicant by applicant, with no-goods
        search = _Search(event, pool, n)
        search.model.add(search.paired >= best)
        choice = _best_scores(search, event, pool, n, best)
    assert choice is not None  # the per-applicant search always answers
    return choice


def _most_paired(search: _Search, event: Event, pool: list[Volunteer], n: int) -> int:
    """The most children any allowed choice can pair (max flow cuts until it holds)."""
    search.model.maximize(search.paired)
    while True:
        paired, cut = search.cover.count(_solved(search, event, pool, n))
        if paired >= search.last_paired:
            return paired
        search.add_cut(cut)


def _best_scores(
    search: _Search, event: Event, pool: list[Volunteer], n: int, best: int
) -> Choice | None:
    """The best-scoring choice pairing ``best`` children; None when the matching engine
    turns down (siblings) what the flow's count allowed and only a per-applicant
    model can exclude it."""
    search.model.add(search.paired >= best)
    search.model.maximize(search.scores())
    for _ in range(SIBLING_CHECKS):
        chosen = _covering(search, event, pool, n, best)
        if isinstance(search, _KindSearch):
            search.break_ties()
            chosen = _covering(search, event, pool, n, best)
        team = [v for v, c in zip(pool, chosen.tolist(), strict=True) if c]
        exact = best if not search.cover.siblings else pairable(event, team, best)
        if exact >= best:
            return Choice(tuple(v.id for v in team), best, search.cover.children, search.optimal)
        if isinstance(search, _KindSearch):
            return None
        search.exclude(chosen)
    return Choice(tuple(v.id for v in team), exact, search.cover.children, False)


def _covering(
    search: _Search, event: Event, pool: list[Volunteer], n: int, best: int
) -> np.ndarray:
    """The model's best choice that the max flow confirms pairs ``best`` children
    (a choice that falls short adds its Hall cut, and the model is solved again)."""
    while True:
        chosen = _solved(search, event, pool, n)
        paired, cut = search.cover.count(chosen)
        if paired >= best:
            return chosen
        search.add_cut(cut)


#: choices the matching engine turns down (siblings) before screening settles for fewer
SIBLING_CHECKS = 20


def pairable(event: Event, team: list[Volunteer], hoped: int) -> int:
    """How many attending children ``team`` can pair, exactly, by the matching engine:
    its flow when all of them can be paired (CP-SAT if the flow splits brothers and
    sisters), else the most children a CP-SAT coverage model finds."""
    from ortools.sat.python import cp_model

    children = attending_children(event)
    if hoped == len(children) and pairs_everyone(event, team, children):
        return hoped
    pm = PairingModel(event, team, children, cover="at_most", keep_locks=False)
    pm.model.maximize(sum(pm.covered.values()))
    solver = _solver(event)
    status = solver.solve(pm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeLimitReached("screening", event.screening.time_limit_s)
    return round(solver.objective_value)


def _solved(search: _Search, event: Event, pool: list[Volunteer], n: int) -> np.ndarray:
    try:
        return search.solve()
    except _Infeasible:
        raise _quota_core(event, pool, n) from None


def _quota_core(event: Event, pool: list[Volunteer], n: int) -> Infeasible:
    """Name the quotas (and the count, and locks) that cannot all hold, confirmed."""

    def impossible(keys: set[str] | None) -> tuple[bool, _Model, Any]:
        from ortools.sat.python import cp_model

        m = _build(event, pool, n, diagnose=True)
        for key, (lit, _) in m.literals.items():
            if keys is None:
                continue
            if key in keys:
                m.model.add(lit == 1)
        if keys is None:
            m.model.add_assumptions([lit for lit, _ in m.literals.values()])
        solver = _solver(event)
        return solver.solve(m.model) == cp_model.INFEASIBLE, m, solver

    found, m, solver = impossible(None)
    index = {lit.index: key for key, (lit, _) in m.literals.items()}
    core = sorted(index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index)
    for key in list(core):
        if impossible(set(core) - {key})[0]:
            core.remove(key)
    confirmed = found and bool(core) and impossible(set(core))[0]
    if not confirmed:
        return Infeasible(
            "screening",
            ["配额与人数要求不能同时满足(未能定位具体配额)"],
            ["the quotas and the number to choose cannot all hold"],
        )
    words = {key: w for key, (_, w) in m.literals.items()}
    seen: list[Reason] = []
    for key in core:
        if words[key] not in seen:
            seen.append(words[key])
    counts_zh = []
    counts_en = []
    for i, q in enumerate(quota_needs(event)):
        if any(k.startswith(f"quota{i}:") for k in core):
            having = [v.id for v in pool if q.has(v)]
            counts_zh.append(f"「{q.label_zh}」:合格者中 {len(having)} 名{q.trait_zh}")
            counts_en.append(f"'{q.label_en}': {len(having)} eligible applicants qualify")
    return Infeasible(
        "screening",
        ["这些要求不能同时满足:" + "、".join(zh for zh, _ in seen)]
        + (["其中" + ";".join(counts_zh)] if counts_zh else []),
        ["these cannot all hold: " + "; ".join(en for _, en in seen)]
        + (["namely " + "; ".join(counts_en)] if counts_en else []),
    )
