"""Load an event folder (event.toml + spreadsheets) into one validated Event.

Every problem is collected and raised at once as
:class:`planner.errors.InvalidInput`; nothing downstream sees raw rows.
Once the files make an Event, every stage's ``validate`` runs on it
(:func:`planner.pipeline.validate_event`), so `planner check` reports all
that `planner plan` would; their problems get their event.toml lines here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planner.errors import InvalidInput, Problem
from planner.load.event_file import EVENT_KEYS, TomlSource, event_fields, read_event_toml
from planner.load.people import read_children, read_volunteers
from planner.load.templates import PLACEHOLDERS
from planner.model import Child, Event, Files, Volunteer
from planner.pipeline import validate_event

__all__ = ["event_path", "load_event", "locate", "locate_in"]


def event_path(path: Path) -> Path:
    """``path`` may be the event folder or its event.toml."""
    path = Path(path)
    return path / "event.toml" if path.is_dir() or path.suffix != ".toml" else path


def load_event(path: Path) -> Event:
    """Read and validate the event at ``path`` (a folder or an event.toml)."""
    toml_path = event_path(path)
    folder = toml_path.parent
    shown_toml = _shown(toml_path)
    problems: list[Problem] = []
    data, source = read_event_toml(toml_path, shown_toml, problems)
    if data is None or source is None:
        raise InvalidInput(problems)
    fields = event_fields(data, source, problems)
    settings = _validate(fields, source, problems)
    files = settings.files if settings else _files(fields)
    day = settings.date if settings else None
    volunteers, children = [], []
    if settings is not None and day is not None:
        shown_v, shown_c = _shown(folder / files.volunteers), _shown(folder / files.children)
        volunteers = read_volunteers(
            folder / files.volunteers, shown_v, problems, sheet=files.volunteers_sheet
        )
        children = read_children(
            folder / files.children,
            shown_c,
            day,
            problems,
            outing=settings.is_outing,
            sheet=files.children_sheet,
        )
        problems += _empty_sheets(shown_v, volunteers, shown_c, children, problems)
    problems += _placeholders(data, source)
    if settings is None:
        raise InvalidInput(problems)
    event = settings.model_copy(
        update={"volunteers": tuple(volunteers), "children": tuple(children)}
    )
    # the stages' rules run even beside bad rows: every problem is listed at once
    problems += _place_references(event, source)
    problems += locate(validate_event(event), source)
    if problems:
        raise InvalidInput(problems)
    return event


def locate(problems: list[Problem], source: TomlSource) -> list[Problem]:
    """Problems a stage found in event.toml, with the file as shown and their line."""
    out = []
    for p in problems:
        if p.file == "event.toml" and p.row is None:
            row = source.line_of(p.loc) if p.loc else None
            p = replace(p, file=source.shown, row=row)
        out.append(p)
    return out


#: keys that did nothing and are gone, with where their value belongs now
RETIRED_KEYS: dict[str, tuple[str, str]] = {
    "tickets.prices": (
        "门票价格只写一次:写在计 tickets_<类别> 的预算项的 unit_price 里,请删去 [tickets.prices]",
        "ticket prices are written once, as the unit_price of the budget lines counting "
        "tickets_<kind>: remove [tickets.prices]",
    ),
    "followup.visit_every_days": (
        "followup.visit_every_days 不起作用,已取消:家访周期写在结对跟进的 programme.toml 里",
        "followup.visit_every_days did nothing and is gone: visits are set in the follow-up "
        "ledger's programme.toml",
    ),
}


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _files(fields: dict) -> Files:
    try:
        return Files.model_validate(fields.get("files", {}))
    except ValidationError:
        return Files()


def _validate(fields: dict, source: TomlSource, problems: list[Problem]) -> Event | None:
    try:
        return Event.model_validate(fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            toml_loc = _toml_loc(loc)
            key = ".".join(str(p) for p in toml_loc)
            msg = err["msg"]
            if err["type"] == "extra_forbidden" and key in RETIRED_KEYS:
                zh, en = RETIRED_KEYS[key]
            elif err["type"] == "extra_forbidden":
                zh, en = f"不认识的键「{key}」(拼写错了?)", f"unknown key {key!r} (misspelt?)"
            elif err["type"] == "missing":
                zh, en = f"缺少必填项「{key}」", f"missing required key {key!r}"
            else:
                zh, en = (
                    f"「{key}」的值不对:{msg}(现在是 {err.get('input')!r})",
                    f"bad value for {key!r}: {msg} (got {err.get('input')!r})",
                )
            problems.append(Problem(source.shown, source.line_of(toml_loc), key, zh, en))
        return None


def _toml_loc(loc: tuple) -> tuple:
    """Event field path → the path as written in event.toml ([event] keys)."""
    return ("event", *loc) if loc and loc[0] in EVENT_KEYS else loc


def locate_in(problems: list[Problem], path: Path) -> list[Problem]:
    """:func:`locate` for the event at ``path`` (for problems a stage finds while running)."""
    toml_path = event_path(path)
    try:
        text = toml_path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return problems
    return locate(problems, TomlSource(_shown(toml_path), text))


def _empty_sheets(
    shown_v: str,
    volunteers: list[Volunteer],
    shown_c: str,
    children: list[Child],
    found: list[Problem],
) -> list[Problem]:
    """A sheet still empty (as `planner init` writes it) cannot be planned."""
    out = []
    for shown, people, zh, en in (
        (
            shown_v,
            volunteers,
            "表格里还没有志愿者:请填写报名名单",
            "no volunteers yet: fill in the applicants",
        ),
        (
            shown_c,
            children,
            "表格里还没有儿童:请填写儿童名单",
            "no children yet: fill in the children",
        ),
    ):
        if not people and not any(p.file == shown for p in found):
            out.append(Problem(shown, None, None, zh, en))
    return out


def _placeholders(data: dict[str, Any], source: TomlSource) -> list[Problem]:
    """Values left as the template wrote them (organiser, coordinator...)."""
    out = []
    for path, example in PLACEHOLDERS.items():
        value: Any = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, str) and value.strip() == example:
            key = ".".join(path)
            out.append(
                Problem(
                    source.shown,
                    source.line_of(path),
                    key,
                    f"「{key}」还是模板里的示例值「{example}」:请改成本次活动的",
                    f"{key} is still the template's example {example!r}: write this event's own",
                )
            )
    return out


def _place_references(event: Event, source: TomlSource) -> list[Problem]:
    """The event's location and meeting point are among its places."""
    places = {p.id for p in event.places}
    problems = []
    for key in ("location", "meeting_point"):
        value = getattr(event, key)
        if value and places and value not in places:
            problems.append(
                Problem(
                    source.shown,
                    source.line_of(("event", key)),
                    f"event.{key}",
                    f"地点 {value} 不在 [[places]] 里",
                    f"place {value!r} is not among [[places]]",
                )
            )
    return problems
