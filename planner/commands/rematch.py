"""The body of ``planner rematch PLAN.json --absent V03,C11 --out DIR``.

The CLI wires it; errors are raised as :mod:`planner.errors` exceptions and
printed by the CLI, which imports this module only when the command runs.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from planner.errors import InvalidInput, Problem
from planner.io import read_plan, write_plan
from planner.rematch import rematch

_SEPARATORS = re.compile("[,\uff0c\u3001;\uff1b\\s]+")  # , ， 、 ; ； and spaces


def parse_absent(absent: str | Sequence[str]) -> list[str]:
    """Ids from ``--absent``: "V03,C11", "V03，C11", "V03 C11" or repeated options.

    >>> parse_absent("V03，C11, v07"), parse_absent(["V03", "C11,C12"])
    (['V03', 'C11', 'v07'], ['V03', 'C11', 'C12'])
    """
    parts = [absent] if isinstance(absent, str) else list(absent)
    out: list[str] = []
    for part in parts:
        for token in _SEPARATORS.split(part):
            token = token.strip()
            if token and token not in out:
                out.append(token)
    return out


def rematch_command(
    plan_path: Path,
    absent: str | Sequence[str],
    out_dir: Path,
    *,
    lang: str = "zh",
    as_json: bool = False,
    echo: Callable[[str], None] | None = None,
) -> int:
    """Re-pair ``plan_path`` without ``absent``, write ``out_dir/plan.json``, print the changes.

    Prints one line per change (``lang`` "zh" or "en"), or with ``as_json``
    only a JSON object ``{"plan": path, "changes": [{"kind", "zh", "en"}]}``
    on stdout. Returns the exit code (0); problems are raised.
    """

    say = echo or (lambda line: print(line, file=sys.stdout))
    ids = parse_absent(absent)
    if not ids:
        raise InvalidInput(
            [
                Problem(
                    "--absent",
                    None,
                    None,
                    "请给出缺席者编号,如 V03,C11",
                    "give the absent ids, e.g. V03,C11",
                )
            ]
        )
    plan = read_plan(Path(plan_path))
    new_plan, changes = rematch(plan, ids)
    path = write_plan(new_plan, Path(out_dir))
    if as_json:
        say(
            json.dumps(
                {
                    "plan": str(path),
                    "changes": [{"kind": c.kind, "zh": c.zh, "en": c.en} for c in changes],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    say(f"已重新结对,写入 {path}" if lang != "en" else f"re-paired, written to {path}")
    for change in changes:
        say(f"  - {change.text(lang)}")
    return 0
