"""planner: plan volunteer days for left-behind children.

The flow is ``load`` (files -> Event) -> stages (screening, matching,
itinerary, budget; each ``validate`` and ``run``) -> ``render`` (Plan ->
outputs). See docs/ARCHITECTURE.md in the repository.

Nothing heavy is imported here, so ``planner --help`` answers at once.
"""

__version__ = "0.1.0"
