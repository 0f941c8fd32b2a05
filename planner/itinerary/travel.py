"""Places and the driving minutes between them.

Minutes come from the ``[travel.minutes]`` matrix of event.toml (one
direction is enough: the other is taken to be the same), or else from the
two places' coordinates: great-circle distance at ``travel.speed_kmh``,
rounded up to whole minutes.
"""

from __future__ import annotations

import math
import unicodedata

from planner.errors import InvalidInput, Problem
from planner.model import Event, Place

EARTH_RADIUS_KM = 6371.0088


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def find_place(event: Event, text: str | None) -> Place | None:
    """The place ``text`` names, by id or by name (full-width forms allowed)."""
    if text is None:
        return None
    key = _norm(text)
    for place in event.places:
        if _norm(place.id) == key:
            return place
    for place in event.places:
        if _norm(place.name) == key:
            return place
    return None


def haversine_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places with coordinates, in km.

    >>> from planner.model import Place
    >>> round(haversine_km(Place(id="a", name="a", lat=0, lon=0),
    ...                    Place(id="b", name="b", lat=0, lon=1)), 1)
    111.2
    """
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


class TravelTimes:
    """Driving minutes between place ids of one event."""

    def __init__(self, event: Event) -> None:
        self._places = {p.id: p for p in event.places}
        self._speed = event.travel.speed_kmh
        self._matrix: dict[tuple[str, str], int] = {}
        for a, row in sorted(event.travel.minutes.items()):
            for b, minutes in sorted(row.items()):
                self._matrix[(a, b)] = minutes
        for (a, b), minutes in list(self._matrix.items()):
            self._matrix.setdefault((b, a), minutes)
        self.boarding = event.travel.boarding_minutes

    def minutes(self, a: str, b: str) -> int | None:
        """Minutes from ``a`` to ``b``, or None when neither matrix nor coordinates say."""
        if a == b:
            return 0
        if (a, b) in self._matrix:
            return self._matrix[(a, b)]
        pa, pb = self._places.get(a), self._places.get(b)
        if pa is None or pb is None or None in (pa.lat, pa.lon, pb.lat, pb.lon):
            return None
        return math.ceil(haversine_km(pa, pb) / self._speed * 60 - 1e-9)

    def transfer(self, a: str | None, b: str | None) -> int:
        """Minutes to move between two activities' places; 0 when unknown."""
        if a is None or b is None:
            return 0
        return self.minutes(a, b) or 0

    def matrix(self, points: list[str]) -> list[list[int]]:
        """The full minutes matrix over ``points``; every missing pair is an input problem."""
        problems: list[Problem] = []
        rows: list[list[int]] = []
        for a in points:
            row: list[int] = []
            for b in points:
                minutes = self.minutes(a, b)
                if minutes is None:
                    if a < b:
                        problems.append(missing_travel(a, b))
                    minutes = 0
                row.append(minutes)
            rows.append(row)
        if problems:
            raise InvalidInput(problems)
        return rows


def missing_travel(a: str, b: str) -> Problem:
    return Problem(
        "event.toml",
        None,
        f"travel.minutes.{a}.{b}",
        f"缺少 {a} 到 {b} 的行车时间:请在 [travel.minutes] 里填写,或给两地填写坐标 lat/lon",
        f"no travel time from {a} to {b}: add it under [travel.minutes] or give both "
        "places lat/lon",
        loc=("travel", "minutes"),
    )
