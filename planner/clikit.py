"""What every `planner` command shares: the language and JSON options, and
turning our errors into their message and exit code (never a traceback).

Only typer and the standard library are imported here, so `planner --help`
stays fast.
"""

from __future__ import annotations

import errno
import json
import signal
import sys
import threading
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from planner.launch import EXIT_INTERRUPTED, tell_interrupted


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
    print(shown(text), file=sys.stderr)


#: control characters (C0 but tab and line feed, DEL, C1) as they would reach a terminal
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def shown(text: str) -> str:
    """``text`` safe for a terminal: control characters written as ``\\x1b``.

    Messages quote what the user typed; an escape sequence in a name must not
    move the cursor or recolour the terminal.
    """
    return text.translate(_CONTROL)


def console(*, stderr: bool = False, **options: Any) -> Any:
    """A Rich console for text that comes from the input: no markup, no emoji codes.

    A name like ``[/b]`` or ``:smile:`` prints as written (Rich would read
    it as markup and fail, or turn it into an emoji). Every table and
    progress bar of the commands is printed through one of these.
    """
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False, **options)


#: at most this many problems are printed; ``--json`` lists them all
PRINTED_PROBLEMS = 300


def say(lang: Lang, zh: str, en: str) -> str:
    return en if lang == Lang.en else zh


def run_app(app: typer.Typer, args: list[str] | None = None) -> None:
    """Run the command. With ``--json`` on the command line, a usage error
    (exit 2: an unknown option, a missing argument) is a JSON object on stdout
    as well, like every other error."""
    args = sys.argv[1:] if args is None else args
    _watch_ctrl_c()
    if "--json" not in args:
        app(args=args)
        return
    try:
        code = app(args=args, standalone_mode=False)
    except typer.TyperException as exc:  # typer's own click: UsageError and kin
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        exit_code = int(getattr(exc, "exit_code", 2))
        error = "usage" if exit_code == 2 else "error"
        payload = {"ok": False, "error": error, "messages": [message]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        raise SystemExit(exit_code) from None
    raise SystemExit(code if isinstance(code, int) else 0)


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
            for line in lines[:PRINTED_PROBLEMS]:
                err(f"  {line}")
            if len(lines) > PRINTED_PROBLEMS:
                more = len(lines) - PRINTED_PROBLEMS
                err(
                    say(
                        lang,
                        f"  ……另有 {more} 处问题未列出(用 --json 可看到全部)",
                        f"  ... and {more} more (--json lists them all)",
                    )
                )
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        interrupted(lang, as_json)
    except (typer.Exit, typer.Abort):
        raise
    except OSError as exc:
        if os.environ.get("PLANNER_DEBUG"):
            raise
        zh, en = os_trouble(exc)
        _report_other(ExitCode.INVALID_INPUT, "invalid_input", say(lang, zh, en), lang, as_json)
    except Exception as exc:
        if _caused_by_ctrl_c(exc):  # e.g. ImportError from a C extension Ctrl-C cut short
            interrupted(lang, as_json)
        if os.environ.get("PLANNER_DEBUG"):
            raise
        text = say(
            lang,
            f"内部错误(请报告此问题):{type(exc).__name__}: {exc}",
            f"internal error (please report): {type(exc).__name__}: {exc}",
        )
        _report_other(ExitCode.INTERNAL, "internal", text, lang, as_json)


_ERRNO_WORDS = {
    errno.ENOSPC: ("磁盘已满", "the disk is full"),
    errno.EDQUOT: ("超出磁盘配额", "the disk quota is used up"),
    errno.EROFS: ("文件系统是只读的", "the file system is read-only"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("没有权限", "permission denied"),
    errno.EEXIST: ("已有同名文件", "a file of that name exists"),
    errno.ENOTDIR: ("路径中有一段是文件,不是文件夹", "part of the path is a file, not a folder"),
    errno.EISDIR: ("这是文件夹,不是文件", "it is a folder, not a file"),
    errno.ENOENT: ("不存在", "it does not exist"),
}


def os_trouble(exc: OSError) -> tuple[str, str]:
    """An operating-system error (disk full, read-only, a file where a folder
    should be) in the user's words, naming the path: ordinary trouble, exit 3."""
    zh, en = _ERRNO_WORDS.get(exc.errno or 0, (exc.strerror or str(exc),) * 2)
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} → {exc.filename2}"
    where = str(where)
    return (
        f"{where}: 无法读写:{zh}" if where else f"无法读写文件:{zh}",
        f"{where}: cannot read or write: {en}" if where else f"cannot read or write a file: {en}",
    )


def _report_other(code: int, kind: str, text: str, lang: Lang, as_json: bool) -> None:
    """An error that is not one of ours: one line (a JSON object under --json), no traceback."""
    if as_json:
        payload = {"ok": False, "error": kind, "messages": [text]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        err(text)
    raise typer.Exit(int(code))


def interrupted(lang: Lang, as_json: bool) -> None:
    """Ctrl-C: say so in both languages and exit 130 (nothing unfinished was written)."""
    global _interruption_told
    _interruption_told = True
    tell_interrupted(lang == Lang.en, as_json)
    raise typer.Exit(EXIT_INTERRUPTED)


#: Whether Ctrl-C reached this process (see :func:`_watch_ctrl_c`).
_ctrl_c_seen = False
#: Whether :func:`interrupted` has said so (Typer ends a command a Ctrl-C broke off
#: with exit 130 too, silently).
_interruption_told = False


def interruption_told() -> bool:
    """Whether the user has been told the run was interrupted."""
    return _interruption_told


def _on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    global _ctrl_c_seen
    _ctrl_c_seen = True
    signal.default_int_handler(signum, frame)


def _watch_ctrl_c() -> None:
    """Note each Ctrl-C before Python raises its KeyboardInterrupt: a library may
    turn that into an error of its own (pydantic's serialiser reports "Error
    serializing to JSON: KeyboardInterrupt"), and the run still ends as
    interrupted, not as an internal error. Only in the main thread, and only
    over Python's own handler."""
    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, _on_ctrl_c)


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    if _ctrl_c_seen:
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
