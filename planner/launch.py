"""The installed ``planner`` command's first step (its console script, and
``python -m planner``): the standard library only, so a Ctrl-C while the
command is still loading its libraries ends like one later on (exit 130,
said in Chinese and English, nothing written), never with a traceback.

Loading the command-line interface (Typer, Rich) takes ~0.1 s; a Ctrl-C
inside it used to end in Python's KeyboardInterrupt traceback. What is said
on Ctrl-C is kept here, for :mod:`planner.clikit` to say the same later on.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

#: Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
INTERRUPTED_ZH = "已中断(Ctrl-C):运行已停止,未完成的结果没有写入。"
INTERRUPTED_EN = "interrupted (Ctrl-C): the run stopped; nothing unfinished was written."


def entry() -> None:
    """Load the command line and run it (:func:`planner.cli.entry`)."""
    try:
        from planner.cli import entry as run
    except KeyboardInterrupt:
        tell_interrupted(*asked_for(sys.argv[1:]))
        os._exit(EXIT_INTERRUPTED)
    run()


def asked_for(args: Sequence[str]) -> tuple[bool, bool]:
    """Whether the command line asks for English (``--lang en``) and for JSON
    (``--json``), read before any option parser has run."""
    english = "--lang=en" in args or any(
        a == "--lang" and list(args[i + 1 : i + 2]) == ["en"] for i, a in enumerate(args)
    )
    return english, "--json" in args


def tell_interrupted(english: bool, as_json: bool) -> None:
    """What a run stopped by Ctrl-C says: both languages on stderr and, with
    ``--json``, the error object (in the run's language) on stdout."""
    if as_json:
        message = INTERRUPTED_EN if english else INTERRUPTED_ZH
        payload = {"ok": False, "error": "interrupted", "messages": [message]}
        print(json.dumps(payload, ensure_ascii=False, indent=2), flush=True)
    print(f"{INTERRUPTED_ZH}\n{INTERRUPTED_EN}", file=sys.stderr, flush=True)
