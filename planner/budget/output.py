"""The budget as people read it: a ¥ table, budget.csv and budget.xlsx.

Everything here reads only a :class:`~planner.model.Budget` (from
plan.json), so ``planner export`` can rebuild the files without planning
again. Files are written atomically and byte for byte the same for the
same budget.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from planner.budget.expr import parse
from planner.budget.numbers import fen, plain
from planner.io import csv_bytes, stable_zip, write_bytes, xlsx_formula, xlsx_value
from planner.model import Budget

__all__ = [
    "LABELS",
    "budget_rows",
    "budget_table",
    "format_yuan",
    "write_budget_csv",
    "write_budget_xlsx",
    "xlsx_bytes",
]

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "sheet": "预算",
        "item": "项目",
        "category": "类别",
        "quantity": "数量",
        "unit_price": "单价",
        "amount": "金额",
        "note": "备注",
        "basis": "数量依据",
        "by_category": "按类别",
        "category_subtotal": "小计:{category}",
        "subtotal": "小计",
        "contingency_percent": "不可预见费比例(%)",
        "contingency": "不可预见费({percent}%)",
        "contingency_amount": "不可预见费",
        "total": "合计",
        "children": "儿童人数",
        "per_child": "人均(每名儿童)",
        "cap": "资金上限",
        "within_cap": "未超出上限",
        "over_cap": "超出上限",
        "funding": "资金来源",
        "kind": "类型",
        "funding_item": "资金来源:{source}",
        "funding_total": "资金合计",
        "balance": "结余",
        "counts": "计数",
        "count_value": "数值",
        "cash": "现金",
        "in_kind": "实物/减免",
        "sponsor": "赞助",
    },
    "en": {
        "sheet": "Budget",
        "item": "Item",
        "category": "Category",
        "quantity": "Quantity",
        "unit_price": "Unit price",
        "amount": "Amount",
        "note": "Note",
        "basis": "Quantity from",
        "by_category": "By category",
        "category_subtotal": "Subtotal: {category}",
        "subtotal": "Subtotal",
        "contingency_percent": "Contingency (%)",
        "contingency": "Contingency ({percent}%)",
        "contingency_amount": "Contingency",
        "total": "Total",
        "children": "Children",
        "per_child": "Per child",
        "cap": "Funds cap",
        "within_cap": "within the cap",
        "over_cap": "over the cap",
        "funding": "Funding",
        "kind": "Kind",
        "funding_item": "Funding: {source}",
        "funding_total": "Funding total",
        "balance": "Balance",
        "counts": "Count",
        "count_value": "Value",
        "cash": "cash",
        "in_kind": "in kind",
        "sponsor": "sponsor",
    },
}

_YUAN_FORMAT = '"¥"#,##0.00'
#: Fixed timestamp written into budget.xlsx, so the same budget gives the same bytes.


def _labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}; use one of {sorted(LABELS)}")
    return LABELS[lang]


def format_yuan(amount: Decimal) -> str:
    """An amount as printed on paper: yuan sign, thousands separators, fen.

    >>> format_yuan(Decimal("2360")), format_yuan(Decimal("-1234567.5")), format_yuan(Decimal("0.005"))
    ('¥2,360.00', '-¥1,234,567.50', '¥0.01')
    """
    value = fen(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


def _kind(kind: str, labels: dict[str, str]) -> str:
    return labels.get(kind, kind)


def _headers(labels: dict[str, str]) -> list[str]:
    return [labels[k] for k in ("item", "category", "quantity", "unit_price", "amount", "note")]


def budget_rows(
    budget: Budget, lang: str = "zh", *, money: Callable[[Decimal], str | Decimal] = format_yuan
) -> list[list[str | Decimal]]:
    """The budget as rows of text: header, lines, category subtotals, totals, funding.

    ``money`` formats an amount (¥2,360.00 by default; budget.csv passes
    plain numbers so that Excel reads them as numbers; a workbook writer may
    pass ``lambda a: a`` to keep Decimals). Other cells are text.
    """
    labels = _labels(lang)
    rows: list[list[str | Decimal]] = [list(_headers(labels))]
    for line in budget.lines:
        rows.append(
            [line.item, line.category, plain(line.quantity), money(line.unit_price),
             money(line.amount), line.note or ""]
        )  # fmt: skip
    if len(budget.by_category) > 1:
        for category, amount in budget.by_category.items():
            rows.append(
                [
                    labels["category_subtotal"].format(category=category),
                    category,
                    "",
                    "",
                    money(amount),
                    "",
                ]
            )
    rows.append([labels["subtotal"], "", "", "", money(budget.subtotal), ""])
    if budget.contingency_percent:
        label = labels["contingency"].format(percent=plain(budget.contingency_percent))
        rows.append([label, "", "", "", money(budget.contingency), ""])
    rows.append([labels["total"], "", "", "", money(budget.total), ""])
    if budget.per_child is not None:
        children = budget.counts.get("children")
        rows.append(
            [
                labels["per_child"],
                "",
                str(children) if children else "",
                "",
                money(budget.per_child),
                "",
            ]
        )
    if budget.cap is not None:
        state = labels["within_cap"] if budget.total <= budget.cap else labels["over_cap"]
        rows.append([labels["cap"], "", "", "", money(budget.cap), state])
    for fund in budget.funding:
        rows.append(
            [
                labels["funding_item"].format(source=fund.source),
                _kind(fund.kind, labels),
                "",
                "",
                money(fund.amount),
                "",
            ]
        )
    if budget.balance is not None:
        rows.append([labels["balance"], "", "", "", money(budget.balance), ""])
    return rows


def budget_table(budget: Budget, lang: str = "zh") -> list[list[str]]:
    """Rows for the rosters and the report, amounts like ¥2,360.00; first row is the header.

    Row order: header; one row per line; a subtotal per category (when there
    are several); subtotal; contingency (when set); total; per child; cap;
    each funding source; balance. Six columns: item, category, quantity,
    unit price, amount, note.
    """
    return [[str(cell) for cell in row] for row in budget_rows(budget, lang)]


def _plain_money(amount: Decimal) -> str:
    return f"{fen(amount):.2f}" if amount == fen(amount) else plain(amount)


def write_budget_csv(budget: Budget, path: Path, *, lang: str = "zh") -> Path:
    """budget.csv: UTF-8 with BOM (so Excel/WPS open it right), plain numbers."""

    return write_bytes(Path(path), csv_bytes(budget_rows(budget, lang, money=_plain_money)))


def write_budget_xlsx(budget: Budget, path: Path, *, lang: str = "zh") -> Path:
    """budget.xlsx whose amounts, subtotals and totals are formulas organisers can edit."""

    return write_bytes(Path(path), xlsx_bytes(budget, lang=lang))


def xlsx_bytes(budget: Budget, *, lang: str = "zh") -> bytes:
    """The budget workbook as bytes (see :func:`write_budget_xlsx`).

    Layout of the one sheet: lines in A:G from row 2 (amount in E is
    ``=ROUND(C*D,2)``; a quantity written as an expression is a formula
    over the counts in I:J); below them subtotal ``=SUM``, contingency
    percentage and amount, total, per child, cap, a ``=SUMIF`` per category,
    funding and balance.

    The contingency and the cost per child are computed in whole fen
    (``ROUND(ROUND(subtotal*100,0)*percent/100,0)/100``): an amount that
    lands exactly on half a fen is then exact in binary floating point, so
    every spreadsheet program, not only Excel, rounds it half-up as the
    plan does.
    """
    # openpyxl (0.3-0.5 s to import) only here: planning needs the budget, not its workbook
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    labels = _labels(lang)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = labels["sheet"]
    bold = Font(bold=True)

    for column, text in enumerate([*_headers(labels), labels["basis"]], start=1):
        xlsx_value(sheet, 1, column, text).font = bold
    xlsx_value(sheet, 1, 9, labels["counts"]).font = bold
    xlsx_value(sheet, 1, 10, labels["count_value"]).font = bold
    count_cell: dict[str, str] = {}
    for offset, (name, value) in enumerate(sorted(budget.counts.items())):
        row = 2 + offset
        xlsx_value(sheet, row, 9, name)
        xlsx_value(sheet, row, 10, value)
        count_cell[name] = f"$J${row}"

    first, last = 2, 1 + len(budget.lines)
    for offset, line in enumerate(budget.lines):
        row = first + offset
        xlsx_value(sheet, row, 1, line.item)
        xlsx_value(sheet, row, 2, line.category)
        xlsx_value(sheet, row, 3, _number(line.quantity))
        if line.quantity_expr:
            node = parse(line.quantity_expr)
            if node.names() <= set(count_cell):
                formula = node.to_excel(count_cell.__getitem__)
                has_division = "/" in formula
                xlsx_formula(
                    sheet, row, 3, f"=ROUND({formula},4)" if has_division else f"={formula}"
                )
        xlsx_value(sheet, row, 4, _number(line.unit_price)).number_format = _YUAN_FORMAT
        xlsx_formula(sheet, row, 5, f"=ROUND(C{row}*D{row},2)").number_format = _YUAN_FORMAT
        xlsx_value(sheet, row, 6, line.note or None)
        xlsx_value(sheet, row, 7, line.quantity_expr or line.source or None)

    amounts = f"$E${first}:$E${last}"
    row = last + 2

    def put(
        label: str, value: str | Decimal | int | float, *, money: bool = True, strong: bool = False
    ) -> int:
        """A labelled row; a str ``value`` is one of our own formulas."""
        nonlocal row
        xlsx_value(sheet, row, 1, label).font = Font(bold=strong)
        if isinstance(value, str):
            cell = xlsx_formula(sheet, row, 5, value)
        else:
            cell = xlsx_value(sheet, row, 5, value)
        if money:
            cell.number_format = _YUAN_FORMAT
        if strong:
            cell.font = bold
        row += 1
        return row - 1

    r_sub = put(labels["subtotal"], f"=SUM({amounts})" if budget.lines else 0, strong=True)
    r_pct = put(labels["contingency_percent"], _number(budget.contingency_percent), money=False)
    # the label leaves the percentage out: it is the cell above, and organisers edit it
    r_cont = put(labels["contingency_amount"], f"=ROUND(ROUND(E{r_sub}*100,0)*E{r_pct}/100,0)/100")
    r_total = put(labels["total"], f"=E{r_sub}+E{r_cont}", strong=True)
    children = f"={count_cell['children']}" if "children" in count_cell else 0
    r_children = put(labels["children"], children, money=False)
    put(
        labels["per_child"],
        f'=IF(E{r_children}>0,ROUND(ROUND(E{r_total}*100,0)/E{r_children},0)/100,"")',
    )
    if budget.cap is not None:
        r_cap = put(labels["cap"], _number(budget.cap))
        xlsx_formula(
            sheet, r_cap, 6,
            f'=IF(E{r_total}<=E{r_cap},"{labels["within_cap"]}","{labels["over_cap"]}")',
        )  # fmt: skip

    row += 1
    xlsx_value(sheet, row, 1, labels["by_category"]).font = bold
    row += 1
    for category in budget.by_category:
        xlsx_value(sheet, row, 1, category)
        cell = xlsx_formula(sheet, row, 5, f"=SUMIF($B${first}:$B${last},A{row},{amounts})")
        cell.number_format = _YUAN_FORMAT
        row += 1

    if budget.funding:
        row += 1
        xlsx_value(sheet, row, 1, labels["funding"]).font = bold
        xlsx_value(sheet, row, 2, labels["kind"]).font = bold
        xlsx_value(sheet, row, 5, labels["amount"]).font = bold
        row += 1
        top = row
        for fund in budget.funding:
            xlsx_value(sheet, row, 1, fund.source)
            xlsx_value(sheet, row, 2, _kind(fund.kind, labels))
            xlsx_value(sheet, row, 5, _number(fund.amount)).number_format = _YUAN_FORMAT
            row += 1
        r_funds = put(labels["funding_total"], f"=SUM(E{top}:E{row - 1})", strong=True)
        put(labels["balance"], f"=E{r_funds}-E{r_total}", strong=True)

    for letter, width in zip("ABCDEFGHIJ", (28, 10, 8, 12, 14, 24, 22, 2, 18, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def _number(value: Decimal) -> int | float:
    """A cell value: ints stay ints; other amounts go in as the nearest float (Excel's type)."""
    return int(value) if value == value.to_integral_value() else float(value)
