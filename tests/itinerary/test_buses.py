"""The convoy: children and escorts to buses, stops in order, pickup and
drop-off times; too few seats or escorts, or no time, said in numbers."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from itinerary.build import TRIP_PLACES, child, hm, paired, planned, trip, violations

from planner.errors import Infeasible, InvalidInput
from planner.itinerary import run
from planner.itinerary.routing import order_stops, timed_route
from planner.itinerary.travel import TravelTimes
from planner.model import Activity, Bus, ItinerarySettings, Place, Travel


def legs(plan, direction):
    return {bus.id: leg for bus in plan.buses for leg in bus.legs if leg.direction == direction}


def settings(**change) -> ItinerarySettings:
    return ItinerarySettings(**{**trip().itinerary.model_dump(), **change})


def test_trip_buses_collect_everyone_and_bring_them_home():
    event = trip()
    plan = planned(event)
    out, back = legs(plan, "out"), legs(plan, "back")
    assert sorted(c for leg in out.values() for c in leg.child_ids) == [
        f"C{i}" for i in range(1, 7)
    ]
    assert {b: sorted(x.child_ids) for b, x in out.items()} == {
        b: sorted(x.child_ids) for b, x in back.items()
    }
    for leg in out.values():
        assert leg.arrive == next(t.end for t in plan.timeline if t.id == "pickup")
        assert all(s.kind == "pickup" for s in leg.stops)
    for leg in back.values():
        assert all(s.kind == "dropoff" for s in leg.stops)
        assert leg.depart == next(t.start for t in plan.timeline if t.id == "return")
    assert violations(event, plan) == []


def test_siblings_and_own_children_ride_with_their_escort():
    plan = planned(trip())
    out = legs(plan, "out")
    bus_of = {c: b for b, leg in out.items() for c in leg.child_ids}
    assert bus_of["C1"] == bus_of["C2"]  # sibling group S1
    for b, leg in out.items():
        for v in leg.volunteer_ids:
            kids = next(p.child_ids for p in plan.pairs if p.volunteer_id == v)
            assert {bus_of[c] for c in kids} == {b}


def test_a_first_aider_on_each_bus():
    plan = planned(trip())
    for leg in legs(plan, "out").values():
        assert {"V1", "V4"} & set(leg.volunteer_ids)


def test_stop_times_follow_the_matrix():
    plan = planned(trip())
    for leg in legs(plan, "out").values():
        (stop,) = leg.stops  # one village per bus
        drive = {"east": 30, "west": 40}[stop.point]
        assert stop.time == leg.depart + timedelta(minutes=drive)
        onward = {"east": 50, "west": 45}[stop.point]
        assert leg.arrive == stop.time + timedelta(minutes=5 + onward)


def test_escorts_left_free_are_as_few_as_safe():
    plan = planned(trip(itinerary=settings(escorts=None)))
    assert sorted(len(x.volunteer_ids) for x in legs(plan, "out").values()) == [2, 2]


def test_cheaper_bus_is_used_when_one_is_enough():
    buses = (
        Bus(id="B1", seats=20, cost="800", depot="depot"),
        Bus(id="B2", seats=20, cost="500", depot="depot"),
    )
    plan = planned(trip(buses=buses, itinerary=settings(escorts=2)))
    assert [b.id for b in plan.buses] == ["B2"]
    assert any("B1" in w for w in plan.warnings)


def test_drivers_seat_not_counted_when_told():
    buses = tuple(
        Bus(id=f"B{i}", seats=5, seats_include_driver=False, depot="depot") for i in (1, 2)
    )
    event = trip(buses=buses)
    plan = planned(event)
    assert [len(x.child_ids) + len(x.volunteer_ids) for x in legs(plan, "out").values()] == [5, 5]
    assert violations(event, plan) == []


def test_too_few_seats_says_how_many():
    buses = (Bus(id="B1", seats=4, depot="depot"), Bus(id="B2", seats=4, depot="depot"))
    with pytest.raises(Infeasible) as err:
        planned(trip(buses=buses))
    reason = err.value.reasons[0]
    assert "座位不足:6 名儿童 + 至少 4 名跟车成人 = 10 座" in reason
    assert "2 辆车共 6 个乘客座位" in reason and "差 4 座" in reason


def test_too_few_escorts_says_how_many():
    with pytest.raises(Infeasible) as err:
        planned(trip(itinerary=settings(escorts=2)))
    reason = err.value.reasons[0]
    assert "至少要 2 辆车" in reason and "至少 4 名,只安排了 2 名" in reason


def test_more_escorts_than_volunteers():
    with pytest.raises(Infeasible) as err:
        planned(trip(itinerary=settings(escorts=6)))
    assert "跟车志愿者要 6 名,入选志愿者只有 4 名" in err.value.reasons[0]


def test_siblings_too_many_for_any_bus():
    kids = tuple(child(f"C{i}", pickup="east", sibling="S1") for i in range(1, 7))
    with pytest.raises(Infeasible) as err:
        planned(trip(children=kids))
    assert "共 6 人须同车" in err.value.reasons[0]
    assert "只剩 5 座" in err.value.reasons[0]


def test_no_time_to_reach_the_venue():
    acts = tuple(
        Activity(**{**a.model_dump(), "latest_end": "08:30"}) if a.id == "welcome" else a
        for a in trip().activities
    )
    with pytest.raises(Infeasible) as err:
        planned(trip(activities=acts))
    reason = err.value.reasons[0]
    assert "接孩子 90 分钟 → 集合 15 分钟" in reason and "超出" in reason


def test_a_child_without_pickup_point_is_not_on_a_bus_and_is_warned_about():
    kids = tuple(
        c.model_copy(update={"pickup_point": None}) if c.id == "C6" else c for c in trip().children
    )
    event = trip(children=kids)
    plan = planned(event)
    assert "C6" not in {c for leg in legs(plan, "out").values() for c in leg.child_ids}
    assert any("C6" in w for w in plan.warnings)
    assert violations(event, plan) == []


def test_unknown_pickup_point_is_an_input_problem():
    kids = tuple(
        c.model_copy(update={"pickup_point": "月球"}) if c.id == "C6" else c
        for c in trip().children
    )
    with pytest.raises(InvalidInput) as err:
        planned(trip(children=kids))
    assert err.value.problems[0].column == "pickup_point"
    assert "月球" in err.value.problems[0].message


def test_missing_travel_time_is_an_input_problem():
    minutes = {"depot": {"east": 30, "west": 40, "park": 20}, "east": {"west": 15, "park": 50}}
    with pytest.raises(InvalidInput) as err:
        planned(trip(travel=Travel(minutes=minutes)))
    assert "travel.minutes.park.west" in {p.column for p in err.value.problems}


def test_travel_minutes_symmetric_or_from_coordinates():
    places = (
        *TRIP_PLACES,
        Place(id="x", name="甲", lat=0, lon=0),
        Place(id="y", name="乙", lat=0, lon=0.1),
    )
    travel = TravelTimes(
        trip(places=places, travel=Travel(minutes={"east": {"west": 15}}, speed_kmh=40))
    )
    assert travel.minutes("west", "east") == travel.minutes("east", "west") == 15
    assert travel.minutes("x", "y") == 17  # 11.1 km at 40 km/h = 16.7 min, rounded up
    assert travel.minutes("x", "east") is None


def test_stop_order_is_the_shortest():
    coords = {"d": (0, 0), "v": (9, 9), **{str(i): ((i * 7) % 10, (i * 3) % 10) for i in range(6)}}

    def minutes(a, b):
        (x1, y1), (x2, y2) = coords[a], coords[b]
        return abs(x1 - x2) + abs(y1 - y2)

    stops = [str(i) for i in range(6)]
    route = order_stops("d", stops, "v", minutes, 2)
    best = min(
        timed_route("d", list(p), "v", minutes, 2).total for p in itertools.permutations(stops)
    )
    assert route.total == best
    assert order_stops("d", stops, "v", minutes, 2) == route


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_a_few_stops_are_ordered_exactly_and_ties_go_to_the_first_in_id_order(n: int) -> None:
    """Up to EXACT_STOPS stops every order is tried (no routing search): the shortest,
    and of equal ones the first with the stops in id order."""
    coords = {"d": (0, 0), "v": (9, 9), **{str(i): ((i * 7) % 10, (i * 3) % 10) for i in range(n)}}

    def minutes(a, b):
        (x1, y1), (x2, y2) = coords[a], coords[b]
        return abs(x1 - x2) + abs(y1 - y2)

    stops = [str(i) for i in reversed(range(n))]
    route = order_stops("d", stops, "v", minutes, 2)
    best = min(
        timed_route("d", list(p), "v", minutes, 2).total for p in itertools.permutations(stops)
    )
    assert route.total == best
    # every stop the same distance from every other: all orders tie, the first is kept
    assert order_stops(None, stops, None, lambda a, b: 5, 2).stops == tuple(sorted(stops))


def test_without_buses_the_written_duration_is_kept():
    event = trip(buses=())
    plan = run(event, paired(event))
    pickup = next(t for t in plan.timeline if t.id == "pickup")
    assert pickup.end - pickup.start == timedelta(minutes=120)
    assert plan.buses == []
    assert any("[[buses]]" in w for w in plan.warnings)


def test_return_only_day():
    acts = (
        Activity(id="visit", title="参观", duration=60, earliest="09:00", place="park"),
        Activity(
            id="return",
            title="送回",
            kind="travel_back",
            duration=30,
            after=("visit",),
            who=("escorts", "children"),
        ),
    )
    event = trip(activities=acts, meals=())
    plan = planned(event)
    assert {leg.direction for b in plan.buses for leg in b.legs} == {"back"}
    assert hm(next(t.start for t in plan.timeline if t.id == "return")) == "10:00"
    assert violations(event, plan) == []


def test_too_few_volunteers_to_escort_says_how_many():
    with pytest.raises(Infeasible) as err:
        planned(trip(itinerary=settings(escorts=None, min_adults_per_bus=3)))
    reason = err.value.reasons[0]
    assert "每车至少 3 名成人需 6 名" in reason and "入选志愿者只有 4 名" in reason


def test_escorts_whose_children_live_in_two_villages_still_ride_with_them():
    """Each volunteer's two children board in different villages, so one bus per
    village leaves no escort with their own children: children and escorts are
    then decided together."""
    kids = tuple(child(f"C{i}", pickup="east" if i <= 3 else "west") for i in range(1, 7))
    pairs = [("V1", ("C1", "C4")), ("V2", ("C2", "C5")), ("V3", ("C3", "C6"))]
    event = trip(children=kids)
    plan = run(event, paired(event, pairs))
    assert violations(event, plan) == []
    for leg in legs(plan, "out").values():
        for v in leg.volunteer_ids:
            own = dict(pairs).get(v, ())
            assert set(own) <= set(leg.child_ids)


def test_riding_without_outing_consent_is_warned_about():
    kids = tuple(
        c.model_copy(update={"outing_consent": False}) if c.id == "C3" else c
        for c in trip().children
    )
    plan = planned(trip(children=kids))
    assert [w for w in plan.warnings if "C3" in w and "外出同意" in w]


def test_unknown_depot_is_an_input_problem():
    buses = (Bus(id="B1", seats=20, depot="garage"),)
    with pytest.raises(InvalidInput) as err:
        planned(trip(buses=buses))
    assert err.value.problems[0].column == "buses.B1.depot"


def test_a_second_round_out_of_time_keeps_the_first_rounds_buses(monkeypatch):
    """The rounds after the first (fewer stops, shorter detours within the
    first's cost) only improve it: should one find nothing in its share of
    the time, the first plan stands, rather than the stage stopping (exit 5)."""
    from planner.errors import TimeLimitReached
    from planner.itinerary import buses

    real = buses.try_solve
    timed_out = []

    def second_rounds_time_out(build, **kw):
        if "bound" in getattr(build, "keywords", {}):
            timed_out.append(build.func.__name__)
            raise TimeLimitReached("itinerary", kw["time_limit"])
        return real(build, **kw)

    monkeypatch.setattr(buses, "try_solve", second_rounds_time_out)
    event = trip()
    plan = planned(event)
    assert timed_out == ["CountModel"]
    assert sorted(
        c for b in plan.buses for leg in b.legs if leg.direction == "out" for c in leg.child_ids
    ) == [f"C{i}" for i in range(1, 7)]
    assert violations(event, plan) == []


def test_an_itinerary_time_out_names_the_stage_limit_and_the_time_spent(monkeypatch):
    from ortools.sat.python import cp_model

    from planner.errors import TimeLimitReached
    from planner.pipeline import run_stages
    from planner.solving import forget_proved

    event = trip()
    plan = planned(event)
    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a, **k: cp_model.UNKNOWN)
    forget_proved()  # planning it above kept its proved answers
    with pytest.raises(TimeLimitReached) as caught:
        run_stages(event, plan, after="matching", until="itinerary")
    assert caught.value.seconds == event.itinerary.time_limit_s  # not one model's share
    assert caught.value.spent is not None
    assert f"after {caught.value.spent:.1f} s" in caught.value.lines("en")[0]
