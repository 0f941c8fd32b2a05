"""Money as printed (¥2,360.00): the budget stage's formatter, re-exported for the renderers."""

from __future__ import annotations

from planner.budget.output import format_yuan

__all__ = ["format_yuan"]
