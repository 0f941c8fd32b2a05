"""The order of one bus's stops: every order for a few stops, else the OR-Tools
routing library.

One vehicle leaves ``start``, visits every stop once and ends at ``end``;
each stop costs its driving minutes plus the boarding minutes spent there.
Up to EXACT_STOPS stops every order is tried. Beyond, the search is
deterministic: a cheapest-arc first route improved by guided local search
that stops after a fixed number of solutions (a count, not a clock), so the
same input gives the same order.
"""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct

#: improving moves tried by guided local search; a count, not a clock, so runs repeat
SOLUTION_LIMIT = 100

#: up to this many stops every order is tried (5! = 120): exact, and without the
#: routing library's set-up (about 5 ms a bus, 13 ms to import its parameters)
EXACT_STOPS = 5


class Route(Struct, frozen=True):
    """A bus's way from ``start`` over ``stops`` to ``end``, in minutes.

    ``arrive[i]`` is when the bus reaches ``stops[i]`` counted from departure;
    ``total`` when it reaches ``end``. Boarding time is spent at each stop.
    """

    start: str | None
    stops: tuple[str, ...]
    end: str | None
    arrive: tuple[int, ...]
    total: int


#: driving minutes from one place id to another (None: unknown)
Minutes = Callable[[str, str], "int | None"]


def _drive(minutes: Minutes, a: str, b: str) -> int:
    """Known driving minutes; the convoy checks every pair is known before routing."""
    found = minutes(a, b)
    if found is None:
        raise ValueError(f"no travel time from {a} to {b}")
    return found


def timed_route(
    start: str | None,
    stops: list[str],
    end: str | None,
    minutes: Minutes,
    boarding: int,
) -> Route:
    """Times along a fixed stop order; ``minutes(a, b)`` gives driving minutes.

    With no ``start`` the bus is at the first stop when it departs; with no
    ``end`` the route ends once the last stop's boarding is over.
    """
    arrive: list[int] = []
    clock = 0
    here = start
    for stop in stops:
        if here is not None:
            clock += _drive(minutes, here, stop)
        arrive.append(clock)
        clock += boarding
        here = stop
    if end is not None and here is not None:
        clock += _drive(minutes, here, end)
    return Route(start, tuple(stops), end, tuple(arrive), clock)


def order_stops(
    start: str | None,
    stops: list[str],
    end: str | None,
    minutes: Minutes,
    boarding: int,
) -> Route:
    """The stop order with the least driving time: every order up to EXACT_STOPS
    stops (the first of equal ones, stops in id order), else found by pywrapcp."""
    stops = sorted(set(stops))
    if len(stops) <= 1:
        return timed_route(start, stops, end, minutes, boarding)
    if len(stops) <= EXACT_STOPS:
        return _every_order(start, stops, end, minutes, boarding)
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    # nodes: 0 = start, 1..n = stops, n+1 = end (a free dummy when absent)
    n = len(stops)
    names: list[str | None] = [start, *stops, end]

    def cost(i: int, j: int) -> int:
        a, b = names[i], names[j]
        if i == j or a is None or b is None:
            return 0
        service = boarding if 1 <= i <= n else 0
        return _drive(minutes, a, b) + service

    table = [[cost(i, j) for j in range(n + 2)] for i in range(n + 2)]
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)

    transit = routing.RegisterTransitMatrix(table)
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.solution_limit = SOLUTION_LIMIT
    solution = routing.SolveWithParameters(params)
    if solution is None:  # cannot happen for one vehicle without limits
        raise RuntimeError("routing found no order for the stops")
    order: list[str] = []
    index = routing.Start(0)
    while not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if 1 <= node <= n:
            order.append(stops[node - 1])
        index = int(solution.Value(routing.NextVar(index)))
    return timed_route(start, order, end, minutes, boarding)


def _every_order(
    start: str | None, stops: list[str], end: str | None, minutes: Minutes, boarding: int
) -> Route:
    """The best of every order of ``stops`` (the first found of equal ones)."""
    from itertools import permutations

    best: Route | None = None
    for order in permutations(stops):
        route = timed_route(start, list(order), end, minutes, boarding)
        if best is None or route.total < best.total:
            best = route
    assert best is not None
    return best
