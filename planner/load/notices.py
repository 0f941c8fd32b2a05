"""Warnings about the input that do not stop planning: the organisers should know.

They are printed by `planner check` and `planner plan` (and listed under
``warnings`` in their ``--json``), but not written into plan.json: whether a
date is past depends on the day the command runs, and plan.json depends only
on the input.
"""

from __future__ import annotations

from datetime import date

from planner.model import Event, Notice


def input_notices(event: Event, today: date) -> list[Notice]:
    """The loaded event's warnings, as of ``today`` (passed in, so tests fix it)."""
    notices = []
    if event.date < today:
        notices.append(
            Notice(
                stage="load",
                code="date_past",
                zh=f"活动日期 {event.date.isoformat()} 已经过去(今天是 {today.isoformat()}):"
                "是否忘了改 event.toml 里的 date?",
                en=f"the event date {event.date.isoformat()} is past (today is "
                f"{today.isoformat()}): was event.toml's date left unchanged?",
            )
        )
    if event.children and not event.attending_children:
        notices.append(
            Notice(
                stage="load",
                code="no_children_attending",
                zh=f"儿童名单里的 {len(event.children)} 名儿童都标为不参加:方案里不会有儿童",
                en=f"all {len(event.children)} children on the list are marked as not "
                "attending: the plan will have no children",
            )
        )
    return notices
