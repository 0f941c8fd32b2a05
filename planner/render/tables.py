"""Tables for spreadsheets: pairs, groups, manifests and budget as CSV and one .xlsx.

CSV is UTF-8 with a BOM and CRLF line ends, which Excel and WPS open
correctly; a cell that a spreadsheet would run as a formula is neutralised
(:func:`planner.io.csv_cell`), and in the workbook every text is a text
cell (:func:`planner.io.xlsx_value`). The workbook has one sheet per table (plus the event); its
bytes are the same for the same plan (fixed zip and document times).
A table with no rows is left out, as is its sheet.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from msgspec import Struct
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.budget.output import budget_rows, write_budget_csv
from planner.io import csv_bytes, stable_zip, write_bytes, xlsx_value
from planner.render.labels import Labels
from planner.render.view import PlanView

Cell = str | int | Decimal | None


class Table(Struct, frozen=True):
    """One table: its file stem, sheet title and rows (first row = header)."""

    name: str
    title: str
    rows: list[list[Cell]]

    @property
    def empty(self) -> bool:
        return len(self.rows) <= 1


def _names(ids: list[str], lookup: Callable[[str], object], t: Labels) -> str:
    """Names of the people with these ids (the id itself when unknown)."""
    return t.list_sep.join(str(getattr(lookup(i), "name", i)) for i in ids)


def event_table(view: PlanView, t: Labels) -> Table:
    info = view.plan.event
    rows: list[list[Cell]] = [
        [t["item"], t["what"]],
        [t["confidential"], ""],  # the first thing a reader of plan.xlsx sees
        [t["event"], info.name],
        [t["date"], info.date.isoformat()],
        [t["organiser"], info.organiser or ""],
        [t["location"], view.place_name(info.location)],
        [t["meeting_point"], view.place_name(info.meeting_point)],
        [t["selected"], len(view.plan.volunteers_selected)],
        [t["children"], len(view.attending_children)],
    ]
    rows += [[t["warnings"], n.text(t.lang)] for n in view.plan.notices]
    return Table("event", t["event"], rows)


def pairs_table(view: PlanView, t: Labels) -> Table:
    """Who is paired with whom, the score and every reason (organisers only: full names)."""
    rows: list[list[Cell]] = [
        [
            t["volunteer_id"],
            t["volunteer"],
            t["child_ids"],
            t["children"],
            t["score"],
            t["reasons"],
            t["locked"],
        ]
    ]
    for pair in sorted(view.plan.pairs, key=lambda p: p.volunteer_id):
        volunteer = view.volunteer(pair.volunteer_id)
        rows.append(
            [
                pair.volunteer_id,
                volunteer.name if volunteer else "",
                " ".join(pair.child_ids),
                _names(pair.child_ids, view.child, t),
                Decimal(str(pair.score)),
                "；".join(pair.reasons)
                if t.lang == "zh" or not pair.reasons_en
                else "; ".join(pair.reasons_en),
                t.yes_no(pair.locked),
            ]
        )
    return Table("pairs", t["pairs"], rows)


def rejected_table(view: PlanView, t: Labels) -> Table:
    """Every applicant not chosen and why (organisers only), in the reader's language."""
    rows: list[list[Cell]] = [[t["volunteer_id"], t["name"], t["reasons"]]]
    for rejection in sorted(view.plan.volunteers_rejected, key=lambda r: r.volunteer_id):
        volunteer = view.volunteer(rejection.volunteer_id)
        rows.append(
            [
                rejection.volunteer_id,
                volunteer.name if volunteer else "",
                t.pick(rejection.reason, rejection.reason_en),
            ]
        )
    return Table("rejected", t["rejected"], rows)


def groups_table(view: PlanView, t: Labels) -> Table:
    """One row per member of each group, volunteers first, with leader and first-aider marks."""
    rows: list[list[Cell]] = [
        [t["group_id"], t["group"], t["member_kind"], t["id"], t["name"], t["role"]]
    ]
    for group in view.plan.groups:
        name = view.group_name(group)
        for vid in group.volunteer_ids:
            volunteer = view.volunteer(vid)
            marks = []
            if vid == group.leader_id:
                marks.append(t["leader"])
            if vid in group.first_aider_ids:
                marks.append(t["first_aider"])
            rows.append(
                [
                    group.id,
                    name,
                    t["volunteer"],
                    vid,
                    volunteer.name if volunteer else "",
                    t.list_sep.join(marks),
                ]
            )
        for cid in group.child_ids:
            child = view.child(cid)
            rows.append([group.id, name, t["child"], cid, child.name if child else "", ""])
    return Table("groups", t["groups"], rows)


def manifests_table(view: PlanView, t: Labels) -> Table:
    """One row per child per bus leg: stop, time, guardian to hand over to, escorts."""
    rows: list[list[Cell]] = [
        [
            t["bus"], t["direction"], t["depart"], t["stop"], t["time"], t["id"], t["child"],
            t["guardian"], t["guardian_phone"], t["escorts"], t["driver"],
        ]
    ]  # fmt: skip
    for bus_leg in view.bus_legs:
        leg, bus = bus_leg.leg, bus_leg.bus
        direction = t["back"] if view.is_return(leg) else t["out"]
        escorts = _names(leg.volunteer_ids, view.volunteer, t)
        driver = " ".join(x for x in (bus.driver, bus.driver_phone) if x)
        for stop in sorted(leg.stops, key=lambda s: (s.time, s.point)):
            for child in view.children_named(stop.child_ids):
                guardian = child.guardian
                rows.append(
                    [
                        bus.name or bus.id,
                        direction,
                        view.hhmm(leg.depart),
                        view.place_name(stop.point),
                        view.hhmm(stop.time),
                        child.id,
                        child.name,
                        guardian.name if guardian else "",
                        (guardian.phone or "") if guardian else "",
                        escorts,
                        driver,
                    ]
                )
    return Table("manifests", t["manifests"], rows)


def budget_table(view: PlanView, t: Labels) -> Table:
    """The budget stage's own rows (planner.budget.output), amounts as numbers."""

    budget = view.plan.budget
    if budget is None or not budget.lines:
        return Table("budget", t["budget"], [])
    rows: list[list[Cell]] = [list(row) for row in budget_rows(budget, t.lang, money=Decimal)]
    return Table("budget", t["budget"], rows)


def all_tables(view: PlanView, t: Labels) -> list[Table]:
    return [
        pairs_table(view, t),
        rejected_table(view, t),
        groups_table(view, t),
        manifests_table(view, t),
        budget_table(view, t),
    ]


def write_table_csv(view: PlanView, table: Table, path: Path, *, lang: str) -> Path:
    """Write one table; budget.csv is written by the budget stage's own writer."""

    if table.name == "budget" and view.plan.budget is not None:
        return write_budget_csv(view.plan.budget, path, lang=lang)
    return write_bytes(path, csv_bytes(table.rows))


#: Excel's number format for yuan amounts.
YUAN_FORMAT = '"¥"#,##0.00'


def xlsx_bytes(tables: list[Table]) -> bytes:
    """A workbook with one sheet per non-empty table: bold frozen header, sized columns."""

    t_confidential = "机密 / confidential"
    book = Workbook()
    for blank in book.worksheets:
        book.remove(blank)
    bold = Font(bold=True)
    for table in tables:
        if table.empty:
            continue
        sheet = book.create_sheet(title=table.title[:31])
        widths: dict[int, int] = {}
        for r, row in enumerate(table.rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = xlsx_value(sheet, r, c, value)  # text from input stays text
                if r == 1:
                    cell.font = bold
                elif isinstance(value, Decimal) and table.name == "budget" and c >= 4:
                    cell.number_format = YUAN_FORMAT
                text = "" if value is None else str(value)
                width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
                widths[c] = max(widths.get(c, 0), min(width + 2, 60))
        for c, width in widths.items():
            sheet.column_dimensions[get_column_letter(c)].width = max(width, 6)
        sheet.freeze_panes = "A2"
        sheet.oddHeader.right.text = t_confidential  # on every printed page
    book.properties.category = t_confidential
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())
