"""What every `planner` command shares: the language and JSON options, and
turning our errors into their message and exit code (never a traceback).

Only typer and the standard library are imported here, so `planner --help`
stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Lang(StrEnum):
    zh = "zh"
    en = "en"


LangOpt = Annotated[
    Lang, typer.Option("--lang", help="Language of messages and labels: zh (default) or en.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Write only JSON to stdout.")]
EventArg = Annotated[Path, typer.Argument(help="Event folder (or its event.toml).")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder.")]


def err(text: str) -> None:
    print(text, file=sys.stderr)


def say(lang: Lang, zh: str, en: str) -> str:
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
                ExitCode.INVALID_INPUT: say(
                    lang, f"输入有 {len(lines)} 处问题:", f"{len(lines)} problem(s) in the input:"
                ),
                ExitCode.INFEASIBLE: say(lang, "无法排出方案:", "This event cannot be planned:"),
                ExitCode.TIME_LIMIT: say(lang, "超出时限:", "Time limit reached:"),
            }.get(exc.exit_code, say(lang, "错误:", "Error:"))
            err(title)
            for line in lines:
                err(f"  {line}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        interrupted(lang, as_json)
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if _caused_by_ctrl_c(exc):  # e.g. ImportError from a C extension Ctrl-C cut short
            interrupted(lang, as_json)
        if os.environ.get("PLANNER_DEBUG"):
            raise
        err(
            say(
                lang,
                f"内部错误(请报告此问题):{type(exc).__name__}: {exc}",
                f"internal error (please report): {type(exc).__name__}: {exc}",
            )
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


#: Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


def interrupted(lang: Lang, as_json: bool) -> None:
    """Ctrl-C: say so in both languages and exit 130 (nothing unfinished was written)."""
    zh = "已中断(Ctrl-C):运行已停止,未完成的结果没有写入。"
    en = "interrupted (Ctrl-C): the run stopped; nothing unfinished was written."
    if as_json:
        payload = {"ok": False, "error": "interrupted", "messages": [say(lang, zh, en)]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    err(f"{zh}\n{en}")
    raise typer.Exit(EXIT_INTERRUPTED)


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
