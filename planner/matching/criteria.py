"""Soft criteria: what makes a pair good, each worth points set in event.toml.

Each criterion is a small function named for what the organisers value. It
looks at one volunteer and one child (``spread`` looks at the whole pair)
and returns a :class:`Credit`, the points and the words that explain them,
or ``None`` when it does not apply. The solver maximises the sum; the plan
shows each pair's credits as its reasons, so the score an organiser reads is
exactly the score the solver used.

Distance: when the volunteer's ``home_area`` and the child's pickup point
(or village) both name a place of the event (by id or name) with
coordinates, points fall linearly from full at ``distance_best_km`` to none
at ``distance_worst_km`` (straight-line km). Otherwise, when the area text
equals the child's village or pickup point, the pair earns the full points
("same area"); spreadsheets rarely carry coordinates for a volunteer's home,
so the text match is the common case.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from msgspec import Struct

from planner.errors import InvalidInput, Problem
from planner.matching.facts import effective_capacity
from planner.matching.rules import class_index
from planner.matching.words import SKILL_EN, SKILL_ZH, points_text
from planner.model import SKILL_FOR_NEED, Child, Event, Place, Volunteer

#: The criteria an event may weigh, in the order reasons are listed.
CRITERIA: tuple[str, ...] = (
    "continuity",
    "need_skill",
    "same_gender",
    "dialect",
    "distance",
    "age_gap",
    "spread",
)

#: Solver points are integers: criterion points × SCALE, rounded.
SCALE = 100


class Credit(Struct, frozen=True):
    """Points one criterion gives a pair, and why, in organiser words."""

    criterion: str
    points: float
    zh: str
    en: str


def weight_problems(event: Event) -> list[Problem]:
    """Pairing weights name criteria that exist (a typo would silently weigh nothing)."""
    return [
        Problem(
            "event.toml",
            None,
            f"matching.weights.{key}",
            f"未知的结对权重「{key}」;可用:{'、'.join(CRITERIA)}",
            f"unknown matching weight {key!r}; known: {', '.join(CRITERIA)}",
            loc=("matching", "weights", key),
        )
        for key in sorted(set(event.matching.weights) - set(CRITERIA))
    ]


def check_weights(event: Event) -> None:
    """Refuse weights for criteria that do not exist."""
    problems = weight_problems(event)
    if problems:
        raise InvalidInput(problems)


def _norm(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _km(a: Place, b: Place) -> float:
    """Great-circle distance in km between two places with coordinates."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _linear(value: float, best: float, worst: float) -> float:
    """1 at or below ``best``, 0 at or beyond ``worst``, linear between."""
    if value <= best:
        return 1.0
    if value >= worst:
        return 0.0
    return (worst - value) / (worst - best)


class Scorer:
    """The soft criteria of one event, with the event's weights and places."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.settings = event.matching
        self.weights = {k: float(event.matching.weights.get(k, 0)) for k in CRITERIA}
        self._places: dict[str, Place] = {}
        for place in event.places:
            self._places.setdefault(_norm(place.name), place)
        for place in event.places:  # ids win over names
            self._places[_norm(place.id)] = place

    # -- the criteria -------------------------------------------------------

    def same_gender(self, v: Volunteer, c: Child) -> Credit | None:
        """A volunteer of the child's own gender (同性别)."""
        w = self.weights["same_gender"]
        if not w or v.gender != c.gender:
            return None
        return Credit("same_gender", w, f"同性别 {points_text(w)}", f"same gender {points_text(w)}")

    def need_skill(self, v: Volunteer, c: Child) -> list[Credit]:
        """The volunteer's skill answers a need of the child (特长对口), once per need."""
        w = self.weights["need_skill"]
        out = []
        for need in c.needs:
            skill = SKILL_FOR_NEED.get(need)
            if w and skill is not None and v.has(skill):
                out.append(
                    Credit(
                        "need_skill",
                        w,
                        f"特长对口:{SKILL_ZH[skill]} {points_text(w)}",
                        f"skill matches need: {SKILL_EN[skill]} {points_text(w)}",
                    )
                )
        return out

    def dialect(self, v: Volunteer, c: Child) -> Credit | None:
        """They share a dialect (方言相同), so the child can talk in home words."""
        w = self.weights["dialect"]
        shared = sorted({_norm(d) for d in v.dialects} & {_norm(d) for d in c.dialects} - {""})
        if not w or not shared:
            return None
        names = "、".join(shared)
        return Credit(
            "dialect",
            w,
            f"方言相同({names}){points_text(w)}",
            f"same dialect ({names}) {points_text(w)}",
        )

    def distance(self, v: Volunteer, c: Child) -> Credit | None:
        """The volunteer lives near the child (住得近), for visits after the event."""
        w = self.weights["distance"]
        area = _norm(v.home_area)
        if not w or not area:
            return None
        home = self._places.get(area)
        child_spots = [_norm(c.pickup_point), _norm(c.village)]
        target = next((self._places[s] for s in child_spots if s in self._places), None)
        if _located(home) and _located(target):
            km = _km(home, target)  # type: ignore[arg-type]
            share = _linear(km, self.settings.distance_best_km, self.settings.distance_worst_km)
            if share <= 0:
                return None
            pts = w * share
            return Credit(
                "distance",
                pts,
                f"住得近({km:.1f} 公里){points_text(pts)}",
                f"lives near ({km:.1f} km) {points_text(pts)}",
            )
        names = {s for s in child_spots if s}
        names |= {_norm(self._places[s].name) for s in child_spots if s in self._places}
        if area in names or (home is not None and _norm(home.name) in names):
            return Credit(
                "distance",
                w,
                f"同一地区({area}){points_text(w)}",
                f"same area ({area}) {points_text(w)}",
            )
        return None

    def age_gap(self, v: Volunteer, c: Child) -> Credit | None:
        """A small age gap (年龄相近): an older-sibling relationship, not a parent's."""
        w = self.weights["age_gap"]
        age = c.age_on(self.event.date)
        if not w or age is None:
            return None
        gap = abs(v.age - age)
        share = _linear(gap, self.settings.age_gap_best, self.settings.age_gap_worst)
        if share <= 0:
            return None
        pts = w * share
        return Credit(
            "age_gap",
            pts,
            f"年龄差 {gap} 岁 {points_text(pts)}",
            f"age gap {gap} {points_text(pts)}",
        )

    def continuity(self, v: Volunteer, c: Child) -> Credit | None:
        """They were paired last time (延续上次结对): continuity is the point of the programme."""
        w = self.weights["continuity"]
        if not w or c.id not in v.last_children:
            return None
        return Credit(
            "continuity", w, f"延续上次结对 {points_text(w)}", f"paired last time {points_text(w)}"
        )

    def spread(self, v: Volunteer, child_ids: Sequence[str]) -> Credit | None:
        """A volunteer who could take two takes one (分担均衡): nobody takes two while
        another has none, unless needed."""
        w = self.weights["spread"]
        if not w or len(child_ids) != 1 or effective_capacity(self.event, v) < 2:
            return None
        return Credit(
            "spread",
            w,
            f"一人带一名,分担均衡 {points_text(w)}",
            f"load spread: one child {points_text(w)}",
        )

    # -- sums ------------------------------------------------------------

    def credits(self, v: Volunteer, c: Child) -> list[Credit]:
        """Every credit of one volunteer-child pair, in CRITERIA order."""
        found: list[Credit] = []
        singles: tuple[Callable[[Volunteer, Child], Credit | None], ...] = (
            self.continuity,
            self.same_gender,
            self.dialect,
            self.distance,
            self.age_gap,
        )
        for fn in singles:
            credit = fn(v, c)
            if credit is not None:
                found.append(credit)
        found.extend(self.need_skill(v, c))
        order = {name: i for i, name in enumerate(CRITERIA)}
        return sorted(found, key=lambda cr: order[cr.criterion])

    def points(self, v: Volunteer, c: Child) -> int:
        """The solver's integer points for this volunteer and child (× SCALE)."""
        return sum(round(cr.points * SCALE) for cr in self.credits(v, c))

    def spread_points(self, v: Volunteer) -> int:
        """The solver's integer bonus when this volunteer takes exactly one child."""
        w = self.weights["spread"]
        return round(w * SCALE) if w and effective_capacity(self.event, v) >= 2 else 0


# What each criterion reads of a volunteer and of a child: equal keys, equal points,
# so a table of points costs one call per pair of key values (:func:`points_matrix`).
# tests/matching/test_tables.py compares the table with Scorer.points.
CRITERION_KEYS: dict[str, tuple[Callable[[Volunteer], object], Callable[[Child], object]]] = {
    "continuity": (lambda v: tuple(v.last_children), lambda c: c.id),
    "same_gender": (lambda v: v.gender, lambda c: c.gender),
    "dialect": (lambda v: tuple(v.dialects), lambda c: tuple(c.dialects)),
    "distance": (lambda v: v.home_area, lambda c: (c.pickup_point, c.village)),
    "age_gap": (lambda v: v.age, lambda c: (c.birth_date, c.age)),
    "need_skill": (lambda v: tuple(v.skills), lambda c: tuple(c.needs)),
}


def criterion_points(scorer: Scorer, criterion: str, v: Volunteer, c: Child) -> int:
    """The solver's integer points of one criterion for one pair."""
    if criterion == "need_skill":
        return sum(round(cr.points * SCALE) for cr in scorer.need_skill(v, c))
    credit = getattr(scorer, criterion)(v, c)
    return 0 if credit is None else round(credit.points * SCALE)


def points_matrix(scorer: Scorer, volunteers: list[Volunteer], children: list[Child]) -> Any:
    """``points[c, v]`` = ``scorer.points(volunteers[v], children[c])``, for thousands.

    Each criterion is computed once per pair of distinct key values and
    spread over the matrix; continuity, the one criterion about named
    people, only where a volunteer names children they had last time.
    """
    total = np.zeros((len(children), len(volunteers)), dtype=np.int64)
    for criterion, (vkey, ckey) in CRITERION_KEYS.items():
        if not scorer.weights[criterion]:
            continue
        if criterion == "continuity":
            where = {c.id: i for i, c in enumerate(children)}
            for j, v in enumerate(volunteers):
                for cid in v.last_children:
                    if cid in where:
                        total[where[cid], j] += criterion_points(
                            scorer, criterion, v, children[where[cid]]
                        )
            continue
        vidx, vreps = class_index([vkey(v) for v in volunteers])
        cidx, creps = class_index([ckey(c) for c in children])
        table = np.array(
            [
                [criterion_points(scorer, criterion, volunteers[j], children[i]) for j in vreps]
                for i in creps
            ],
            dtype=np.int64,
        ).reshape(len(creps), len(vreps))
        if table.any():
            total += table[np.ix_(cidx, vidx)]
    return total


def _located(place: Place | None) -> bool:
    return place is not None and place.lat is not None and place.lon is not None
