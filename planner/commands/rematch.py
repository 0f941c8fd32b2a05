"""The body of ``planner rematch PLAN.json --absent V03,C11 --out DIR``: the new
plan.json, changes.csv, and every change printed person by person.

The CLI wires it; errors are raised as :mod:`planner.errors` exceptions and
printed by the CLI, which imports this module only when the command runs.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from planner.diff import PLAN, Difference
from planner.errors import InvalidInput, Problem
from planner.io import read_plan, write_plan, write_text
from planner.rematch import FOLLOWS, reasons, replan

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
    """Re-plan ``plan_path`` without ``absent``; write ``out_dir/plan.json`` and
    ``out_dir/changes.csv``; print every change, person by person.

    Prints the decisions (who is absent, reserves, moved children), then each
    person's changes (:func:`planner.diff.diff_plans` against the plan read)
    with their reason, and "nothing else changed" with the count of people
    checked. With ``as_json`` only a JSON object ``{"plan", "changes",
    "differences", "unchanged"}`` goes to stdout. Returns the exit code (0);
    problems are raised.
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
    done = replan(plan, ids)
    new_plan, changes, differences = done.plan, done.changes, done.comparison.differences
    why = reasons(changes, new_plan)
    path = write_plan(new_plan, Path(out_dir))
    csv_path = write_text(Path(out_dir) / "changes.csv", changes_csv(differences, why, lang))
    unchanged = len(done.comparison.unchanged)
    if as_json:
        say(
            json.dumps(
                {
                    "plan": str(path),
                    "changes_csv": str(csv_path),
                    "changes": [{"kind": c.kind, "zh": c.zh, "en": c.en} for c in changes],
                    "differences": [
                        {
                            "who": d.who,
                            "field": d.field,
                            "before": d.before,
                            "after": d.after,
                            "reason_zh": _why(why, d.who)[0],
                            "reason_en": _why(why, d.who)[1],
                        }
                        for d in differences
                    ],
                    "unchanged": unchanged,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    en = lang == "en"
    say(f"re-paired, written to {path}" if en else f"已重新结对,写入 {path}")
    for change in changes:
        say(f"  - {change.text(lang)}")
    for line in change_lines(differences, why, lang):
        say(line)
    say(
        f"everyone else ({unchanged}) checked against the previous plan: nothing else changed"
        if en
        else f"其余 {unchanged} 人已与原计划逐项核对:没有其他变化"
    )
    say(f"every change: {csv_path}" if en else f"变化清单:{csv_path}")
    return 0


def _why(why: dict[str, tuple[str, str]], who: str) -> tuple[str, str]:
    return why.get(who, FOLLOWS)


def change_lines(
    differences: list[Difference], why: dict[str, tuple[str, str]], lang: str
) -> list[str]:
    """The changes person by person: a line with the reason, then one per fact."""
    en = lang == "en"
    people = sorted({d.who for d in differences} - {PLAN})
    lines = [f"changes for {len(people)} people:" if en else f"逐人变化({len(people)} 人):"]
    by_who: dict[str, list[Difference]] = {}
    for d in differences:
        by_who.setdefault(d.who, []).append(d)
    for who in [*people, *([PLAN] if PLAN in by_who else [])]:
        reason = _why(why, who)[1 if en else 0]
        title = ("the plan" if en else "整体") if who == PLAN else who
        lines.append(f"  {title}: {reason}" if en else f"  {title}:{reason}")
        facts = by_who[who]
        came_or_went = any(d.field == "status" for d in facts)
        for d in facts:
            if came_or_went and d.field.startswith("item:"):
                continue  # their whole day comes or goes: counted below, listed in the CSV
            before, after = d.value_text(d.before, lang), d.value_text(d.after, lang)
            lines.append(f"      {d.field_name(lang)}: {before} → {after}")
        items = sum(1 for d in facts if d.field.startswith("item:"))
        if came_or_went and items:
            lines.append(f"      {items} items of the day" if en else f"      日程 {items} 项")
    return lines


#: changes.csv columns
CSV_COLUMNS = ("who", "field", "field_name", "before", "after", "reason")


def changes_csv(differences: list[Difference], why: dict[str, tuple[str, str]], lang: str) -> str:
    """changes.csv: one row per changed fact (UTF-8 with BOM, so Excel/WPS open it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in differences:
        reason = _why(why, d.who)[1 if lang == "en" else 0]
        writer.writerow([d.who, d.field, d.field_name(lang), d.before, d.after, reason])
    return "\ufeff" + buffer.getvalue()
