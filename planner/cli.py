"""The `planner` command: its commands, options and exit codes are a contract other tools read.

Heavy imports (pydantic models, pandas, OR-Tools) happen inside the
commands, so `planner --help` answers at once: that is the only reason for
the imports inside functions here. Bad input ends in exit 3 with
every problem listed, an impossible event in exit 4 with the reason in
numbers, never a traceback. With ``--json`` only JSON goes to stdout;
progress and messages go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from planner.clikit import EventArg, JsonOpt, Lang, LangOpt, OutOpt, err, run_reporting, say
from planner.launch import asked_for

if TYPE_CHECKING:
    from typer._click import Command, Context  # Typer's own Click

    from planner.model import Event, Plan


class _Commands(TyperGroup):
    """planner's commands, the ``followup`` group last, made only when it is named
    (or help lists it): Typer reads every parameter of a group's commands as it
    makes the group, ~0.015 s for the ledger's, which no other command needs."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [*super().list_commands(ctx), "followup"]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name == "followup" and cmd_name not in self.commands:
            from planner.followup.cli import app as followup_app

            self.add_command(typer.main.get_command(followup_app), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        if args and args[0] not in self.commands:  # a typo: Typer's suggestions see every name
            self.get_command(ctx, "followup")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="planner",
    cls=_Commands,
    help="Plan volunteer programmes for left-behind children. 关爱留守儿童志愿活动规划工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to create the event in.")],
    lang: LangOpt = Lang.zh,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write a commented event.toml and two spreadsheet templates. 新建活动文件夹。"""
    from planner.load.templates import write_templates

    def work() -> list[Path]:
        return write_templates(folder, force=force)

    written = run_reporting(work, lang=lang, as_json=False)
    for path in written:
        err(say(lang, f"已写入 {path}", f"wrote {path}"))
    err(
        say(
            lang,
            f"下一步:填写表格,然后运行 planner check {folder}",
            f"next: fill in the sheets, then run planner check {folder}",
        )
    )


@app.command()
def check(event: EventArg, lang: LangOpt = Lang.zh, as_json: JsonOpt = False) -> None:
    """Validate an event folder and print a summary. 检查活动文件和表格。"""
    from planner.load import load_event
    from planner.pipeline import foresee
    from planner.summary import event_summary

    def work() -> Event:
        loaded = load_event(event)
        impossible = foresee(loaded)
        if impossible is not None:
            raise impossible
        return loaded

    loaded = run_reporting(work, lang=lang, as_json=as_json)
    summary = event_summary(loaded)
    warnings = _input_warnings(loaded, lang)
    if as_json:
        print(
            json.dumps({"ok": True, **summary, "warnings": warnings}, ensure_ascii=False, indent=2)
        )
        return
    from planner.summary import print_event_summary

    print_event_summary(summary, lang=lang.value)
    _print_warnings(warnings, lang)


def _input_warnings(event: Event, lang: Lang) -> list[str]:
    """The input's warnings as of today (:mod:`planner.load.notices`)."""
    from datetime import date

    from planner.load.notices import input_notices

    return [n.text(lang.value) for n in input_notices(event, date.today())]


def _print_warnings(warnings: list[str], lang: Lang) -> None:
    for warning in warnings:
        err(say(lang, "注意:", "Warning: ") + warning)


@app.command()
def plan(
    event: EventArg,
    out: OutOpt = Path("out"),
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    no_render: Annotated[bool, typer.Option("--no-render", help="Write plan.json only.")] = False,
    show_progress: Annotated[
        bool,
        typer.Option(
            "--progress", help="Each stage, its steps and its time on stderr, terminal or not."
        ),
    ] = False,
) -> None:
    """Plan the event and write plan.json and every output. 生成活动方案。"""
    if not no_render:  # Typst finds its fonts while the event is loaded and solved
        from planner.render.typeset import warm_up

        warm_up()
    from planner.load import load_event
    from planner.progress import stage_progress

    warnings: list[str] = []

    def work() -> tuple[Plan, list[Path]]:
        loaded = load_event(event)
        warnings.extend(_input_warnings(loaded, lang))
        from planner.errors import InvalidInput
        from planner.io import write_plan
        from planner.load import locate_in
        from planner.pipeline import build_plan

        try:
            with stage_progress(enabled=not as_json, plain=show_progress) as on_stage:
                result = build_plan(loaded, on_stage=on_stage)
        except InvalidInput as exc:  # found only while planning: give it its line
            raise InvalidInput(locate_in(exc.problems, event)) from None
        from planner.io import OutputFolder
        from planner.load import event_path

        toml = event_path(event)
        with OutputFolder(out, inputs=[toml, toml.parent]) as stage:  # swapped in at the end
            written = [write_plan(result, stage.folder)]
            if not no_render:
                written += _render(result, stage.folder, lang)
        return result, stage.final(written)

    result, written = run_reporting(work, lang=lang, as_json=as_json)
    _finish(result, written, lang, as_json, warnings)


def _render(result, out: Path, lang: Lang) -> list[Path]:
    from planner.render import export

    return list(export(result, out, lang=lang.value))


def _finish(
    result, written: list[Path], lang: Lang, as_json: bool, warnings: Sequence[str] = ()
) -> None:
    from planner.summary import plan_summary, print_plan_summary

    summary = plan_summary(result, lang.value)
    summary["warnings"] = [*warnings, *summary["warnings"]]
    if as_json:
        print(
            json.dumps(
                {"ok": True, **summary, "files": [str(p) for p in written]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    print_plan_summary(summary, lang=lang.value)
    err(
        say(
            lang,
            f"已写入 {len(written)} 个文件到 {written[0].parent}",
            f"wrote {len(written)} file(s) to {written[0].parent}",
        )
    )


@app.command()
def export(
    plan_json: Annotated[
        Path, typer.Argument(metavar="PLAN.json", help="A plan.json written by planner plan.")
    ],
    out: OutOpt = Path("out"),
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Render every output from plan.json, without solving again. 由 plan.json 重新生成输出。"""

    def work():
        from planner.io import OutputFolder, read_plan

        result = read_plan(plan_json)
        with OutputFolder(out, inputs=[plan_json]) as stage:  # swapped in at the end
            written = _render(result, stage.folder, lang)
        return result, stage.final(written)

    _, written = run_reporting(work, lang=lang, as_json=as_json)
    if as_json:
        print(
            json.dumps(
                {"ok": True, "files": [str(p) for p in written]}, ensure_ascii=False, indent=2
            )
        )
        return
    err(
        say(lang, f"已写入 {len(written)} 个文件到 {out}", f"wrote {len(written)} file(s) to {out}")
    )


@app.command()
def rematch(
    plan_json: Annotated[
        Path, typer.Argument(metavar="PLAN.json", help="A plan.json written by planner plan.")
    ],
    absent: Annotated[str, typer.Option("--absent", help="Ids of who is absent, e.g. V03,C11.")],
    out: OutOpt = Path("out"),
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    no_render: Annotated[bool, typer.Option("--no-render", help="Write plan.json only.")] = False,
) -> None:
    """Re-plan after someone drops out: the fewest changes, each listed per person and in
    changes.csv. 当天有人缺席时重新安排:改动最少,逐人列出(changes.csv)。"""

    def work() -> list[Path]:
        from planner.commands.rematch import rematch_command
        from planner.io import OutputFolder, read_plan

        replaces = [plan_json] if plan_json.name == "plan.json" else []  # re-plan in place
        with OutputFolder(out, inputs=[plan_json], replaces=replaces) as stage:
            staged = str(stage.folder)

            def echo(line: str) -> None:  # name the output folder, not the staging one
                line = line.replace(staged, str(out))
                print(line) if as_json else err(line)

            rematch_command(
                plan_json, absent, stage.folder, lang=lang.value, as_json=as_json, echo=echo
            )
            written = (
                []
                if no_render
                else _render(read_plan(stage.folder / "plan.json"), stage.folder, lang)
            )
        return stage.final(written)

    written = run_reporting(work, lang=lang, as_json=as_json)
    if not as_json and written:
        err(
            say(
                lang,
                f"已重新生成 {len(written)} 个输出文件",
                f"re-rendered {len(written)} output file(s)",
            )
        )


@app.command()
def budget(
    event: EventArg,
    actuals: Annotated[
        Path | None, typer.Option("--actuals", help="CSV of actual spending (item, amount).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write budget.csv and budget.xlsx here.")
    ] = None,
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
) -> None:
    """Print the itemised budget; with --actuals, planned against spent. 预算与实际支出。"""

    def work() -> None:
        from planner.commands.budget import budget_command

        budget_command(event, actuals=actuals, out=out, as_json=as_json, lang=lang.value)

    run_reporting(work, lang=lang, as_json=as_json)


#: What a command sets in its environment for the libraries it loads, unless the
#: user has set it (``main`` does it before any of them loads):
#:
#: - pydantic looks for plugins (the entry points of every installed package)
#:   before it builds its first model: ~0.02 s of every command, for plugins no
#:   command uses. Typer turns them off for its own parameters likewise. Set the
#:   variable to "" to have them.
#: - NumPy's OpenBLAS starts a worker thread per extra core as NumPy loads, which
#:   spins ~0.15 s of CPU on the other core (measured on two); the planner
#:   multiplies no matrices.
ENVIRONMENT = (("PYDANTIC_DISABLE_PLUGINS", "__all__"), ("OPENBLAS_NUM_THREADS", "1"))


#: CPython's collector thresholds for a command (as mypy sets its own). A command is
#: short-lived and most of what it makes lives as long as it does (modules, models,
#: the plan): collecting every 700 new objects cost ~0.06 s of ``plan --no-render``
#: and ~0.13 s of ``plan`` on the Expo day, for no memory saved (peak RSS of the
#: 5000 x 3000 pairing: 944 MB, against 942 MB at the default thresholds).
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    import gc
    import os

    from planner.clikit import run_app

    gc.set_threshold(*GC_THRESHOLDS)
    for name, value in ENVIRONMENT:
        os.environ.setdefault(name, value)
    try:
        run_app(app)
    except (SystemExit, KeyboardInterrupt, Exception) as exc:
        # Ctrl-C outside a command's error reporting (while a command imports its
        # libraries, or Typer reads the commands) still ends as an interrupt: exit 130
        # with the message, never a traceback (Typer's own exit 130 says nothing)
        from planner.clikit import (
            EXIT_INTERRUPTED,
            _caused_by_ctrl_c,
            interrupted,
            interruption_told,
        )

        if isinstance(exc, SystemExit) and exc.code == EXIT_INTERRUPTED and interruption_told():
            raise  # the command said so already
        if not _caused_by_ctrl_c(exc):
            raise
        english, as_json = asked_for(sys.argv[1:])
        try:
            interrupted(Lang.en if english else Lang.zh, as_json)
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
    finally:
        # the command is over (its output whole, or nothing written): a Ctrl-C now
        # has nothing to stop, and Python's own exit would let it kill the process
        # with no message (SIGINT's default comes back while the interpreter ends)
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)


def entry() -> None:
    """The ``planner`` command as installed (its console script and ``python -m
    planner`` reach it through :mod:`planner.launch`): :func:`main`, then out at once.

    What CPython does on its way out is done here (the exit handlers run, the
    output is flushed), but not its tearing down of every module and object:
    ~0.15 s after ``plan --no-render`` and ~0.3 s after ``plan`` (OR-Tools,
    pandas, Typst's caches), for memory the system takes back anyway. A thread
    still at work, or an error that ends in a traceback, leaves the usual way.
    """
    import atexit
    import contextlib
    import os
    import threading

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exit_status(exc.code)
    atexit._run_exitfuncs()
    others = (t for t in threading.enumerate() if t is not threading.main_thread())
    if any(t.is_alive() and not t.daemon for t in others):
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (planner ... | head): nothing left to keep
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def exit_status(code: object) -> int:
    """The exit status ``SystemExit(code)`` gives, as CPython has it: None is 0, a
    number is itself, anything else is printed on stderr and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    entry()
