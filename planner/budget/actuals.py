"""After the event: what was spent, line by line against the plan.

``spent.csv`` (or .xlsx) has a column for the item (项目/item) and one for
the amount (金额/amount), optionally a note (备注/note) and a category
(类别/category). Encodings as everywhere (BOM, UTF-8, GB18030, Big5: the
project's table reader). Several receipts for one item add up. An item is
matched to a planned line by its name (full-width/half-width and spaces
ignored), or by the part before a bracket when that is unique: 「资料」
matches 「资料(心理资料、图片等)」.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from msgspec import Struct

from planner.budget.numbers import NumberError, fen, parse_number
from planner.errors import InvalidInput, Problem
from planner.load.cells import text
from planner.load.columns import Column, header_scorer, match_header
from planner.load.tables import TableError, read_table
from planner.model import Budget

__all__ = [
    "ACTUAL_COLUMNS",
    "ActualLine",
    "ActualsReport",
    "LineStatus",
    "Spending",
    "compare",
    "read_actuals",
]


class LineStatus(StrEnum):
    """How a line's spending compares with its plan."""

    AS_PLANNED = "as_planned"
    OVER = "over"
    UNDER = "under"
    UNPLANNED = "unplanned"
    UNSPENT = "unspent"


STATUS_LABELS: dict[LineStatus, tuple[str, str]] = {
    LineStatus.AS_PLANNED: ("与计划一致", "as planned"),
    LineStatus.OVER: ("超支", "over"),
    LineStatus.UNDER: ("节余", "under"),
    LineStatus.UNPLANNED: ("计划外支出", "spent, not planned"),
    LineStatus.UNSPENT: ("计划了未支出", "planned, not spent"),
}


#: The columns of spent.csv, in Chinese and English with the aliases organisers use.
ACTUAL_COLUMNS: tuple[Column, ...] = (
    Column("item", "项目", "item", ("项目名称", "名称", "品名", "支出项目", "预算项"), required=True),
    Column("amount", "金额", "amount", ("实际金额", "实际支出", "支出", "实付", "花费", "spent"), required=True),
    Column("note", "备注", "note", ("说明", "notes", "remark", "remarks")),
    Column("category", "类别", "category", ("分类", "类型")),
)  # fmt: skip


class Spending(Struct, frozen=True):
    """One spent item (receipts for the same item added), with its first sheet row."""

    item: str
    amount: Decimal
    row: int
    note: str | None = None
    category: str | None = None


class ActualLine(Struct, frozen=True):
    """One item: planned and spent (None when there is no such side)."""

    item: str
    category: str | None
    planned: Decimal | None
    spent: Decimal | None
    note: str | None = None

    @property
    def variance(self) -> Decimal:
        """Spent minus planned: above zero is over budget."""
        return (self.spent or Decimal("0.00")) - (self.planned or Decimal("0.00"))

    @property
    def status(self) -> LineStatus:
        if self.planned is None:
            return LineStatus.UNPLANNED
        if self.spent is None:
            return LineStatus.UNSPENT
        if self.variance > 0:
            return LineStatus.OVER
        if self.variance < 0:
            return LineStatus.UNDER
        return LineStatus.AS_PLANNED


class ActualsReport(Struct, frozen=True):
    """Planned against spent, line by line and in total."""

    lines: tuple[ActualLine, ...]
    planned_subtotal: Decimal
    contingency: Decimal
    planned_total: Decimal
    spent_total: Decimal

    @property
    def variance(self) -> Decimal:
        """Spent minus the planned lines (without the contingency)."""
        return self.spent_total - self.planned_subtotal

    @property
    def remaining(self) -> Decimal:
        """What is left of the planned total (contingency included) after spending."""
        return self.planned_total - self.spent_total

    @property
    def unplanned(self) -> tuple[ActualLine, ...]:
        return tuple(line for line in self.lines if line.status is LineStatus.UNPLANNED)

    @property
    def unspent(self) -> tuple[ActualLine, ...]:
        return tuple(line for line in self.lines if line.status is LineStatus.UNSPENT)

    def to_dict(self) -> dict:
        """JSON-ready: decimals as strings (exact), as in plan.json."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "lines": [
                {
                    "item": line.item,
                    "category": line.category,
                    "planned": money(line.planned),
                    "spent": money(line.spent),
                    "variance": money(line.variance),
                    "status": line.status.value,
                    "note": line.note,
                }
                for line in self.lines
            ],
            "planned_subtotal": money(self.planned_subtotal),
            "contingency": money(self.contingency),
            "planned_total": money(self.planned_total),
            "spent_total": money(self.spent_total),
            "variance": money(self.variance),
            "remaining": money(self.remaining),
            "unplanned": [line.item for line in self.unplanned],
            "unspent": [line.item for line in self.unspent],
        }


def read_actuals(path: Path, *, shown: str | None = None) -> list[Spending]:
    """Read spent.csv/.xlsx; raise :class:`InvalidInput` listing every bad cell.

    Amounts are parsed like budget values ("¥1,500", "1.5元"); a refund may
    be negative. Rows with the same item are added up.
    """
    shown = shown or str(path)
    columns = ACTUAL_COLUMNS
    try:
        table = read_table(Path(path), header_scorer(columns), shown=shown)
    except TableError as exc:
        raise InvalidInput([exc.problem]) from None
    mapping = match_header(table.header, columns)
    index = {col.field: i for i, col in mapping.items()}
    problems = [
        Problem(shown, 1, col.label, f"缺少必需的列「{col.zh}」({col.en})", f"missing required column {col.en!r} ({col.zh})")
        for col in columns
        if col.required and col.field not in index
    ]  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    header = {field: table.header[i] for field, i in index.items()}
    merged: dict[str, Spending] = {}
    for row_number, cells in table.rows:

        def cell(field: str, cells=cells) -> str:
            return text(cells[index[field]]) if field in index else ""

        item, raw_amount = cell("item"), cells[index["amount"]]
        if not item:
            problems.append(
                Problem(
                    shown,
                    row_number,
                    header["item"],
                    "项目是空的(必填)",
                    "item is blank (required)",
                )
            )
        if text(raw_amount) == "":
            problems.append(
                Problem(
                    shown,
                    row_number,
                    header["amount"],
                    "金额是空的(必填)",
                    "amount is blank (required)",
                )
            )
            continue
        try:
            amount = parse_number(raw_amount, what_zh="金额", what_en="amount", allow_negative=True)
        except NumberError as exc:
            problems.append(Problem(shown, row_number, header["amount"], exc.zh, exc.en))
            continue
        if not item:
            continue
        key = item_key(item)
        note, category = cell("note") or None, cell("category") or None
        if key in merged:
            old = merged[key]
            notes = "; ".join(n for n in (old.note, note) if n) or None
            merged[key] = Spending(
                old.item, old.amount + amount, old.row, notes, old.category or category
            )
        else:
            merged[key] = Spending(item, amount, row_number, note, category)
    if problems:
        raise InvalidInput(problems)
    return list(merged.values())


def item_key(item: str) -> str:
    """How items are compared: NFKC, case and spaces ignored.

    >>> item_key(" 资料 (心理资料) ") == item_key("资料(心理资料)")
    True
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", item)).casefold()


def _base_key(item: str) -> str:
    return re.split(r"[(\[]", item_key(item), maxsplit=1)[0]


def compare(budget: Budget, spent: list[Spending]) -> ActualsReport:
    """Planned against spent for each line; unplanned spending and unspent lines listed.

    Lines planned under the same item are compared together. A spent item
    matches a planned item by name, or by the name before a bracket when
    exactly one planned item has that base name.
    """
    planned: dict[str, tuple[str, str, Decimal]] = {}
    for line in budget.lines:
        key = item_key(line.item)
        if key in planned:
            item, category, amount = planned[key]
            planned[key] = (item, category, amount + line.amount)
        else:
            planned[key] = (line.item, line.category, line.amount)
    by_base: dict[str, list[str]] = {}
    for key in planned:
        by_base.setdefault(_base_key(key), []).append(key)

    spent_by_key: dict[str, Decimal] = {}
    notes: dict[str, str] = {}
    unplanned: list[ActualLine] = []
    for spending in spent:
        key = item_key(spending.item)
        if key not in planned:
            candidates = by_base.get(_base_key(key), [])
            key = candidates[0] if len(candidates) == 1 else key
        if key in planned:
            spent_by_key[key] = spent_by_key.get(key, Decimal("0")) + spending.amount
            if spending.note:
                notes[key] = "; ".join(n for n in (notes.get(key), spending.note) if n)
        else:
            unplanned.append(
                ActualLine(
                    spending.item, spending.category, None, fen(spending.amount), spending.note
                )
            )
    lines = [
        ActualLine(
            item,
            category,
            amount,
            fen(spent_by_key[key]) if key in spent_by_key else None,
            notes.get(key),
        )
        for key, (item, category, amount) in planned.items()
    ]
    lines += unplanned
    spent_total = sum((line.spent for line in lines if line.spent is not None), Decimal("0.00"))
    return ActualsReport(
        lines=tuple(lines),
        planned_subtotal=budget.subtotal,
        contingency=budget.contingency,
        planned_total=budget.total,
        spent_total=spent_total,
    )
