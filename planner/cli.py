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
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from planner.model import Event, Plan

app = typer.Typer(
    name="planner",
    help="Plan volunteer programmes for left-behind children. 关爱留守儿童志愿活动规划工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[
    Lang, typer.Option("--lang", help="Language of messages and labels: zh (default) or en.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Write only JSON to stdout.")]
EventArg = Annotated[Path, typer.Argument(help="Event folder (or its event.toml).")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == Lang.en else zh


def run_reporting(fn: Callable[[], Any], *, lang: Lang, as_json: bool) -> Any:
    """Run ``fn``; turn our errors into their message and exit code.

    Any other exception is an internal error (exit 1): one line naming it,
    and the traceback only when PLANNER_DEBUG is set.
    """
    import os

    from planner.errors import ExitCode, InvalidInput, PlannerError

    try:
        return fn()
    except PlannerError as exc:
        lines = exc.lines(lang.value) if hasattr(exc, "lines") else [str(exc)]
        if as_json:
            kind = {
                ExitCode.INVALID_INPUT: "invalid_input",
                ExitCode.INFEASIBLE: "infeasible",
                ExitCode.TIME_LIMIT: "time_limit",
            }.get(exc.exit_code, "error")
            payload: dict[str, Any] = {"ok": False, "error": kind, "messages": lines}
            if isinstance(exc, InvalidInput):
                payload["problems"] = [
                    {
                        "file": p.file,
                        "row": p.row,
                        "column": p.column,
                        "message": p.message,
                        "message_en": p.message_en,
                    }
                    for p in exc.problems
                ]
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            title = {
                ExitCode.INVALID_INPUT: _say(
                    lang, f"输入有 {len(lines)} 处问题:", f"{len(lines)} problem(s) in the input:"
                ),
                ExitCode.INFEASIBLE: _say(lang, "无法排出方案:", "This event cannot be planned:"),
                ExitCode.TIME_LIMIT: _say(lang, "超出时限:", "Time limit reached:"),
            }.get(exc.exit_code, _say(lang, "错误:", "Error:"))
            _err(title)
            for line in lines:
                _err(f"  {line}")
        raise typer.Exit(int(exc.exit_code)) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if os.environ.get("PLANNER_DEBUG"):
            raise
        _err(
            _say(
                lang,
                f"内部错误(请报告此问题):{type(exc).__name__}: {exc}",
                f"internal error (please report): {type(exc).__name__}: {exc}",
            )
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


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
        _err(_say(lang, f"已写入 {path}", f"wrote {path}"))
    _err(
        _say(
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
    if as_json:
        print(json.dumps({"ok": True, **summary}, ensure_ascii=False, indent=2))
        return
    from planner.summary import print_event_summary

    print_event_summary(summary, lang=lang.value)


@app.command()
def plan(
    event: EventArg,
    out: OutOpt = Path("out"),
    lang: LangOpt = Lang.zh,
    as_json: JsonOpt = False,
    no_render: Annotated[bool, typer.Option("--no-render", help="Write plan.json only.")] = False,
) -> None:
    """Plan the event and write plan.json and every output. 生成活动方案。"""
    from planner.load import load_event
    from planner.progress import stage_progress

    def work() -> tuple[Plan, list[Path]]:
        loaded = load_event(event)
        from planner.errors import InvalidInput
        from planner.io import write_plan
        from planner.load import locate_in
        from planner.pipeline import build_plan

        try:
            with stage_progress(enabled=not as_json) as on_stage:
                result = build_plan(loaded, on_stage=on_stage)
        except InvalidInput as exc:  # found only while planning: give it its line
            raise InvalidInput(locate_in(exc.problems, event)) from None
        written = [write_plan(result, out)]
        if not no_render:
            written += _render(result, out, lang)
        return result, written

    result, written = run_reporting(work, lang=lang, as_json=as_json)
    _finish(result, written, lang, as_json)


def _render(result, out: Path, lang: Lang) -> list[Path]:
    from planner.render import export

    return list(export(result, out, lang=lang.value))


def _finish(result, written: list[Path], lang: Lang, as_json: bool) -> None:
    from planner.summary import plan_summary, print_plan_summary

    summary = plan_summary(result, lang.value)
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
    _err(
        _say(
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
        from planner.io import read_plan

        result = read_plan(plan_json)
        return result, _render(result, out, lang)

    _, written = run_reporting(work, lang=lang, as_json=as_json)
    if as_json:
        print(
            json.dumps(
                {"ok": True, "files": [str(p) for p in written]}, ensure_ascii=False, indent=2
            )
        )
        return
    _err(
        _say(
            lang, f"已写入 {len(written)} 个文件到 {out}", f"wrote {len(written)} file(s) to {out}"
        )
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
    """Re-pair after someone drops out, changing as little as possible. 当天有人缺席时重新结对。"""

    def work() -> list[Path]:
        from planner.commands.rematch import rematch_command
        from planner.io import read_plan

        echo = (lambda line: _err(line)) if as_json is False else None
        rematch_command(plan_json, absent, out, lang=lang.value, as_json=as_json, echo=echo)
        return [] if no_render else _render(read_plan(out / "plan.json"), out, lang)

    written = run_reporting(work, lang=lang, as_json=as_json)
    if not as_json and written:
        _err(
            _say(
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
