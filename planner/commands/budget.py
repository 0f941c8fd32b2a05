"""`planner budget EVENT [--actuals spent.csv]`: the budget, and what was spent.

The CLI wires :func:`budget_command` (or the two halves,
:func:`budget_report` and :func:`print_budget_report`, inside its own error
reporting). The CLI imports this module only when the command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from msgspec import Struct, field
from rich.table import Table

from planner import clikit
from planner.budget.actuals import STATUS_LABELS, compare, read_actuals
from planner.budget.numbers import fen
from planner.budget.output import (
    LABELS,
    budget_table,
    format_yuan,
    write_budget_csv,
    write_budget_xlsx,
)
from planner.errors import InvalidInput
from planner.load import event_path, load_event, locate
from planner.load.event_file import TomlSource
from planner.model import Notice
from planner.pipeline import Stage, empty_plan, run_stages

if TYPE_CHECKING:
    from planner.budget.actuals import ActualsReport
    from planner.errors import Infeasible, TimeLimitReached
    from planner.model import Budget, Notice, Plan


__all__ = ["BudgetReport", "budget_command", "budget_report", "print_budget_report"]


class BudgetReport(Struct):
    """What `planner budget` shows: the planned budget, its warnings, the actuals."""

    event_id: str
    event_name: str
    budget: Budget
    notices: list[Notice] = field(default_factory=list)
    actuals: ActualsReport | None = None
    plan: Plan | None = None
    written: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ok": True,
            "event": {"id": self.event_id, "name": self.event_name},
            "budget": self.budget.model_dump(mode="json"),
            "warnings": [str(n) for n in self.notices],
            "actuals": self.actuals.to_dict() if self.actuals is not None else None,
            "written": [str(p) for p in self.written],
        }


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def budget_report(
    event: Path,
    *,
    actuals: Path | None = None,
    out: Path | None = None,
    lang: str = "zh",
    strict: bool = False,
) -> BudgetReport:
    """Load ``event``, plan it, compute the budget (and compare ``actuals``).

    Bad values in [budget] are reported with their event.toml line (exit 3);
    a total over a hard cap raises Infeasible (exit 4). With ``out``,
    budget.csv and budget.xlsx are written there.

    A budget is often wanted before the roster is final: when an earlier
    stage cannot finish (pairing impossible, time limit), the budget is
    still computed from the stages that did, with a warning naming the
    stage and its reasons, and every count it had to estimate flagged.
    ``strict=True`` raises that stage's error instead.
    """

    toml_path = event_path(Path(event))
    problems: list = []
    try:
        loaded = load_event(Path(event))  # bad [budget] values come with their lines
    except InvalidInput as exc:
        problems += exc.problems
    spent = None
    if actuals is not None:
        try:
            spent = read_actuals(Path(actuals), shown=_shown(Path(actuals)))
        except InvalidInput as exc:
            problems += exc.problems
    if problems:
        raise InvalidInput(problems)
    shown = _shown(toml_path)
    source = TomlSource(shown, toml_path.read_bytes().decode("utf-8-sig"))

    def stopped(stage: Stage, exc: Infeasible | TimeLimitReached, plan: Plan) -> Plan:
        warning = _stage_stopped(stage.label_zh, stage.name, exc)
        return plan.model_copy(update={"notices": [*plan.notices, warning]})

    try:
        plan = run_stages(loaded, empty_plan(loaded), on_stopped=None if strict else stopped)
    except InvalidInput as exc:  # found only with the plan's counts: a quantity's value
        raise InvalidInput(locate(exc.problems, source)) from None
    assert plan.budget is not None

    written: list[Path] = []
    if out is not None:
        written.append(write_budget_csv(plan.budget, Path(out) / "budget.csv", lang=lang))
        written.append(write_budget_xlsx(plan.budget, Path(out) / "budget.xlsx", lang=lang))
    return BudgetReport(
        event_id=loaded.id,
        event_name=loaded.name,
        budget=plan.budget,
        notices=list(plan.notices),
        actuals=compare(plan.budget, spent) if spent is not None else None,
        plan=plan,
        written=written,
    )


def _stage_stopped(label_zh: str, name: str, exc: Infeasible | TimeLimitReached) -> Notice:
    """The warning for an earlier stage that could not finish, with its reasons."""

    return Notice(
        stage="budget",
        code="estimated_from_partial_plan",
        zh=f"预算:「{label_zh}」未能完成({'; '.join(exc.lines('zh'))}),预算按已完成的阶段估算",
        en=f"Budget: the {name} stage could not finish ({'; '.join(exc.lines('en'))}); "
        "the budget is estimated from the stages that did",
    )


def print_budget_report(
    report: BudgetReport,
    *,
    lang: str = "zh",
    as_json: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> None:
    """Print the report: JSON only (``as_json``), or Rich tables with ¥ amounts."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if as_json:
        stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return

    # Piped output has no terminal width; give the table room rather than wrap items.
    width = None if stdout.isatty() else 160
    console = clikit.console(file=stdout, soft_wrap=True, width=width)
    labels = LABELS[lang]
    rows = budget_table(report.budget, lang)
    title = (
        f"{labels['sheet']}:{report.event_name}" if lang == "zh" else f"Budget: {report.event_name}"
    )
    table = Table(title=title, show_lines=False)
    for i, header in enumerate(rows[0]):
        table.add_column(header, justify="right" if i in (2, 3, 4) else "left")
    lines = len(report.budget.lines)
    for i, row in enumerate(rows[1:]):
        is_total = row[0] == labels["total"]
        table.add_row(*row, end_section=(i == lines - 1), style="bold" if is_total else None)
    console.print(table)
    total = fen(report.budget.total)
    if lang == "zh":
        console.print(f"合计 {total:.2f} 元({format_yuan(total)})")
    else:
        console.print(f"Total {total:.2f} yuan ({format_yuan(total)})")

    if report.actuals is not None:
        _print_actuals(console, report.actuals, lang)
    for path in report.written:
        console.print(("已写入 " if lang == "zh" else "wrote ") + str(path))
    err = clikit.console(file=stderr, soft_wrap=True)
    for notice in report.notices:
        err.print(("注意:" if lang == "zh" else "Warning: ") + notice.text(lang))


def _print_actuals(console, actuals: ActualsReport, lang: str) -> None:

    zh = lang == "zh"
    heads = (
        ("项目", "计划", "实际", "差额", "情况")
        if zh
        else ("Item", "Planned", "Spent", "Variance", "Status")
    )
    table = Table(title="实际支出与计划对比" if zh else "Spent against planned")
    for i, head in enumerate(heads):
        table.add_column(head, justify="right" if i in (1, 2, 3) else "left")

    def money(value) -> str:
        return format_yuan(value) if value is not None else "—"

    for line in actuals.lines:
        status = STATUS_LABELS[line.status][0 if zh else 1]
        variance = format_yuan(line.variance)
        if line.variance > 0:
            variance = "+" + variance
        table.add_row(line.item, money(line.planned), money(line.spent), variance, status)
    variance = format_yuan(actuals.variance)
    if actuals.variance > 0:
        variance = "+" + variance
    table.add_section()
    table.add_row(
        "小计" if zh else "Subtotal",
        money(actuals.planned_subtotal),
        money(actuals.spent_total),
        variance,
        "",
    )
    if actuals.contingency:
        table.add_row(
            "含不可预见费合计" if zh else "Total with contingency",
            money(actuals.planned_total),
            "",
            "",
            "",
        )
    table.add_row("剩余" if zh else "Remaining", "", "", money(actuals.remaining), "")
    console.print(table)
    for lines, zh_label, en_label in (
        (actuals.unplanned, "计划外支出", "Spent but not planned"),
        (actuals.unspent, "计划了但未支出", "Planned but not spent"),
    ):
        if lines:
            items = [line.item for line in lines]
            console.print(
                f"{zh_label}:{'、'.join(items)}" if zh else f"{en_label}: {', '.join(items)}"
            )


def budget_command(
    event: Path,
    *,
    actuals: Path | None = None,
    out: Path | None = None,
    as_json: bool = False,
    lang: str = "zh",
    strict: bool = False,
) -> BudgetReport:
    """The whole command body: compute and print. Raises PlannerError subclasses
    (InvalidInput exit 3, Infeasible exit 4) for the CLI to report."""
    report = budget_report(event, actuals=actuals, out=out, lang=lang, strict=strict)
    print_budget_report(report, lang=lang, as_json=as_json)
    return report
