"""``planner followup``: the programme ledger's commands.

``init``, ``sync``, ``sheets``, ``import``, ``log``, ``due``, ``report`` and
``remind``. Each takes the programme (its folder or its programme.toml), and
``--db URL`` (else ``$PLANNER_DB``, else ``ledger.sqlite3`` beside
programme.toml). The programme comes from programme.toml, the people from
the ledger; a ledger never synced is synced from the sheets on first use.
Exit codes and ``--json`` errors are those of the event commands.

Only typer and the standard library are imported here, so ``planner --help``
stays fast; each command imports what it needs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from planner.clikit import JsonOpt, Lang, LangOpt, err, run_reporting, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from planner.followup.model import Programme

app = typer.Typer(
    name="followup",
    help="The follow-up ledger of a long-term programme. 长期结对跟进台账。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


ProgrammeArg = Annotated[
    Path, typer.Argument(metavar="PROGRAMME", help="Programme folder (or its programme.toml).")
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Ledger database URL (default: $PLANNER_DB, else ledger.sqlite3 beside programme.toml).",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="The day to work as of (default: today)."),
]
TodayOpt = Annotated[str | None, typer.Option("--today", hidden=True)]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def _print_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def _day(value: str | None, option: str, programme_arg: Path) -> date:
    """A date option (2026-10-01, 2026年10月1日); when not given, today in the programme's timezone."""
    if value is None:
        from planner.followup.load import read_programme

        return read_programme(programme_arg).today()
    from planner.errors import InvalidInput, Problem
    from planner.load import cells

    try:
        return cells.day(value)
    except cells.CellError as exc:
        raise InvalidInput([Problem("command line", None, option, exc.zh, exc.en)]) from None


@contextmanager
def _ledger(
    programme_arg: Path, db: str | None, lang: Lang, *, today: date | None = None
) -> Iterator[tuple[Programme, Engine]]:
    """programme.toml and the opened ledger, closed on leaving; a ledger never synced is synced now."""
    from planner.followup.db import ledger_url, masked, open_ledger
    from planner.followup.load import load_programme, programme_path, read_programme
    from planner.followup.sync import is_synced, sync

    programme = read_programme(programme_arg)
    url = ledger_url(programme_path(programme_arg).parent, db)
    engine = open_ledger(url)
    # another process may be syncing too: sync checks again under its lock
    if (
        not is_synced(engine, programme.id)
        and sync(engine, load_programme(programme_arg), today=today, first_use=True) is not None
    ):
        err(say(lang, f"台账 {masked(url)} 还没有同步过:已先从表格同步人员和结对",
                  f"the ledger {masked(url)} was never synced: synced people and pairs from the sheets first"))  # fmt: skip
    try:
        yield programme, engine
    finally:
        engine.dispose()


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create the programme in.")],
    from_plan: Annotated[
        Path | None,
        typer.Option(
            "--from-plan", metavar="PLAN.json", help="Start from an event's plan.json (its pairs)."
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    lang: LangOpt = Lang.zh,
) -> None:
    """Write a commented programme.toml and sheet templates. 新建长期项目文件夹。"""

    def work() -> list[Path]:
        from planner.followup.init import write_from_plan, write_starting_folder

        if from_plan is not None:
            return write_from_plan(folder, from_plan, force=force)
        return write_starting_folder(folder, force=force)

    written = run_reporting(work, lang=lang, as_json=False)
    for path in written:
        err(say(lang, f"已写入 {path}", f"wrote {path}"))
    err(say(lang, f"下一步:填写表格,然后运行 planner followup sync {folder}",
              f"next: fill in the sheets, then run planner followup sync {folder}"))  # fmt: skip


@app.command()
def sync(
    programme: ProgrammeArg,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    today: TodayOpt = None,
) -> None:
    """Apply the edited sheets to the ledger, keeping history. 把表格的修改同步到台账。"""

    def work() -> dict[str, Any]:
        from planner.followup.db import ledger_url, open_ledger
        from planner.followup.load import load_programme, programme_path
        from planner.followup.sync import sync as apply

        loaded = load_programme(programme)
        engine = open_ledger(ledger_url(programme_path(programme).parent, db))
        try:
            report = apply(engine, loaded, today=_day(today, "--today", programme))
            assert report is not None  # only a first-use sync may find nothing to do
            return report.as_json()
        finally:
            engine.dispose()

    report = run_reporting(work, lang=lang, as_json=as_json)
    if as_json:
        _print_json({"ok": True, **report})
        return
    parts = [f"{k} +{v}" for k, v in report["added"].items()]
    parts += [f"{k} ~{v}" for k, v in report["changed"].items()]
    parts += [f"{k} -{v}" for k, v in report["left"].items()]
    if report["closed_pairs"]:
        parts.append(f"pair closed {report['closed_pairs']}")
    err(say(lang, "已同步:", "synced: ") + (", ".join(parts) or say(lang, "没有变化", "no change")))


@app.command()
def sheets(
    programme: ProgrammeArg,
    out: OutOpt = Path("sheets"),
    as_of: AsOfOpt = None,
    carer: Annotated[
        list[str] | None, typer.Option("--carer", help="Only this carer (repeatable).")
    ] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Write one record sheet per carer (their children, open duties). 为每位结对人生成记录表。"""

    def work() -> list[Path]:
        from planner.followup.sheets import write_sheets

        day = _day(as_of, "--as-of", programme)
        with _ledger(programme, db, lang) as (prog, engine):
            return write_sheets(engine, prog, out, as_of=day, carers=carer)

    written = run_reporting(work, lang=lang, as_json=as_json)
    if as_json:
        _print_json({"ok": True, "files": [str(p) for p in written]})
        return
    err(
        say(
            lang,
            f"已写入 {len(written)} 张记录表到 {out}",
            f"wrote {len(written)} record sheet(s) to {out}",
        )
    )


@app.command("import")
def import_(
    programme: ProgrammeArg,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Filled record sheets, .xlsx only (as `planner followup sheets` writes them).",
        ),
    ],
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    today: TodayOpt = None,
) -> None:
    """Import filled record sheets (.xlsx only); a file with any bad cell writes nothing. 导入填好的记录表(仅 .xlsx)。"""
    from planner.errors import ExitCode

    def work() -> list[Any]:
        from planner.followup.intake import import_files

        day = _day(today, "--today", programme)
        with (
            _ledger(programme, db, lang, today=day) as (prog, engine),
            _FileProgress(
                len(files), enabled=not as_json and len(files) > 1 and sys.stderr.isatty()
            ) as step,
        ):
            return import_files(engine, prog, files, today=day, on_file=step)

    results = run_reporting(work, lang=lang, as_json=as_json)
    problems = [p for r in results for p in r.problems]
    if as_json:
        payload: dict[str, Any] = {"ok": not problems, "files": [r.as_json() for r in results]}
        if problems:
            payload.update(error="invalid_input", messages=[p.render(lang.value) for p in problems],
                           problems=[{"file": p.file, "row": p.row, "column": p.column, "message": p.message,
                                      "message_en": p.message_en} for p in problems])  # fmt: skip
        _print_json(payload)
    else:
        for r in results:
            if r.ok:
                err(say(lang, f"{r.source}:新增 {r.added} 条,更新 {r.updated} 条,未变 {r.unchanged} 条,问题解决 {r.solved} 个",
                          f"{r.source}: {r.added} added, {r.updated} updated, {r.unchanged} unchanged, {r.solved} problem(s) solved"))  # fmt: skip
            else:
                err(say(lang, f"{r.source}:有 {len(r.problems)} 处问题,这个文件没有导入:",
                          f"{r.source}: {len(r.problems)} problem(s); nothing from this file was written:"))  # fmt: skip
                for p in r.problems:
                    err(f"  {p.render(lang.value)}")
    if problems:
        raise typer.Exit(int(ExitCode.INVALID_INPUT))


class _FileProgress:
    """A Rich bar on stderr, one step per imported file (ASCII only)."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.progress: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda result: None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.__enter__()
        task = self.progress.add_task("import", total=self.total)
        return lambda result: self.progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)


@app.command()
def log(
    programme: ProgrammeArg,
    carer: Annotated[str | None, typer.Option("--carer", help="Carer id.")] = None,
    child: Annotated[str | None, typer.Option("--child", help="Child id.")] = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="visit, help, info_check, contact, growth_record, ..."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="DATE", help="The day it was done (default: today)."),
    ] = None,
    done: Annotated[str | None, typer.Option("--done", help="What was done.")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="Problems found.")] = None,
    solved: Annotated[bool, typer.Option("--solved", help="The problems were solved.")] = False,
    reported: Annotated[
        bool, typer.Option("--reported", help="The problems were reported upward.")
    ] = False,
    for_period: Annotated[
        str | None, typer.Option("--for-period", help="A make-up for this earlier period.")
    ] = None,
    growth: Annotated[
        list[str] | None,
        typer.Option("--growth", metavar="FIELD=TEXT", help="A growth-record field (repeatable)."),
    ] = None,
    solve: Annotated[
        int | None, typer.Option("--solve", metavar="ID", help="Mark problem ID solved.")
    ] = None,
    how: Annotated[
        str | None, typer.Option("--how", help="How the problem was solved (with --solve).")
    ] = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    today: TodayOpt = None,
) -> None:
    """Record one entry, or mark a problem solved (--solve ID --how TEXT). 记录一条,或标记问题已解决。"""

    def work() -> dict[str, Any]:
        from planner.errors import InvalidInput, Problem
        from planner.followup.intake import log_record, solve_problem

        day = _day(today, "--today", programme)
        with _ledger(programme, db, lang, today=day) as (prog, engine):
            if solve is not None:
                changed = solve_problem(
                    engine,
                    prog,
                    solve,
                    how=how,
                    on=_day(on, "--on", programme) if on else day,
                    today=day,
                )
                return {"problem": solve, "solved": True, "changed": changed}
            missing = [
                name
                for name, value in (("--carer", carer), ("--child", child), ("--kind", kind))
                if not value
            ]
            if missing:
                raise InvalidInput(
                    [Problem("command line", None, m, "必须给出", "required") for m in missing]
                )
            fields: dict[str, str] = {}
            for item in growth or []:
                name, sep, text = item.partition("=")
                if not sep:
                    raise InvalidInput([Problem("command line", None, "--growth", f"应写成 字段=内容,而不是「{item}」",
                                                f"write FIELD=TEXT, not {item!r}")])  # fmt: skip
                fields[name.strip()] = text
            result = log_record(
                engine, prog, carer_id=str(carer), child_id=str(child), kind=str(kind),
                on=on if on is not None else day, done=done, problems=problems,
                solved=solved if problems else None, reported=reported, for_period=for_period,
                growth=fields, today=day,
            )  # fmt: skip
            return {"added": result.added, "updated": result.updated, "unchanged": result.unchanged}

    outcome = run_reporting(work, lang=lang, as_json=as_json)
    if as_json:
        _print_json({"ok": True, **outcome})
    elif "problem" in outcome:
        err(say(lang, f"问题 {solve} 已标记为解决", f"problem {solve} marked solved")
             if outcome["changed"] else say(lang, f"问题 {solve} 之前已经解决", f"problem {solve} was already solved"))  # fmt: skip
    else:
        err(say(lang, f"已记录:新增 {outcome['added']} 条,更新 {outcome['updated']} 条,未变 {outcome['unchanged']} 条",
                  f"logged: {outcome['added']} added, {outcome['updated']} updated, {outcome['unchanged']} unchanged"))  # fmt: skip


@app.command()
def due(
    programme: ProgrammeArg,
    as_of: AsOfOpt = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the duties already done.")
    ] = False,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Who owes what: done, due and overdue duties, uncovered children first. 待办与逾期职责。"""

    def work() -> Any:
        from planner.followup.due import compute_due

        day = _day(as_of, "--as-of", programme)
        with _ledger(programme, db, lang) as (prog, engine):
            return compute_due(engine, prog, day)

    report = run_reporting(work, lang=lang, as_json=as_json)
    from planner.followup.due import due_json, print_due

    if as_json:
        _print_json(due_json(report))
    else:
        print_due(report, lang=lang.value, show_done=show_all)


@app.command()
def report(
    programme: ProgrammeArg,
    out: OutOpt = Path("report"),
    term: Annotated[
        str | None, typer.Option("--term", help="Only this term (default: every ended period).")
    ] = None,
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Assessment per carer: required, done, late, missing. 结对人考核报告。"""

    def work() -> list[Path]:
        from planner.followup.report import (
            write_reports,
        )

        day = _day(as_of, "--as-of", programme)
        with _ledger(programme, db, lang) as (prog, engine):
            return list(write_reports(engine, prog, out=out, as_of=day, term=term, lang=lang.value))

    _written(run_reporting(work, lang=lang, as_json=as_json), out, lang, as_json)


@app.command()
def remind(
    programme: ProgrammeArg,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Output folder: the calendars go in OUT/reminders/."),
    ] = Path("."),
    as_of: AsOfOpt = None,
    db: DbOpt = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Reminders for duties whose period ends soon. 即将到期的提醒。"""

    def work() -> list[Path]:
        from planner.followup.remind import (
            write_reminders,
        )

        day = _day(as_of, "--as-of", programme)
        with _ledger(programme, db, lang) as (prog, engine):
            return list(write_reminders(engine, prog, out=out, as_of=day, lang=lang.value))

    _written(run_reporting(work, lang=lang, as_json=as_json), out, lang, as_json)


def _written(paths: list[Path], out: Path, lang: Lang, as_json: bool) -> None:
    if as_json:
        _print_json({"ok": True, "files": [str(p) for p in paths]})
        return
    err(say(lang, f"已写入 {len(paths)} 个文件到 {out}", f"wrote {len(paths)} file(s) to {out}"))
