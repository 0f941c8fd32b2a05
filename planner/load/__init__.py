"""Load an event folder (event.toml + spreadsheets) into one validated Event.

Every problem is collected and raised at once as
:class:`planner.errors.InvalidInput`; nothing downstream sees raw rows.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from planner.errors import InvalidInput, Problem
from planner.load.event_file import EVENT_KEYS, TomlSource, event_fields, read_event_toml
from planner.load.people import read_children, read_volunteers
from planner.model import Event, Files

__all__ = ["event_path", "load_event"]


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
    if day is not None:
        volunteers = read_volunteers(
            folder / files.volunteers, _shown(folder / files.volunteers), day, problems
        )
        children = read_children(
            folder / files.children, _shown(folder / files.children), day, problems
        )
    if settings is not None:
        from planner.budget.settings import budget_problems

        _cross_references(settings, volunteers, children, source, problems)
        problems += budget_problems(settings, file=source.shown, line_of=source.line_of)
    if problems or settings is None:
        raise InvalidInput(problems)
    return settings.model_copy(
        update={"volunteers": tuple(volunteers), "children": tuple(children)}
    )


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
            if err["type"] == "extra_forbidden":
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


def _cross_references(
    event: Event, volunteers, children, source: TomlSource, problems: list[Problem]
) -> None:
    """Ids named in event.toml must exist in the spreadsheets and places."""
    vids = {v.id for v in volunteers}
    cids = {c.id for c in children}
    places = {p.id for p in event.places}

    def missing(loc: tuple, zh: str, en: str) -> None:
        problems.append(Problem(source.shown, source.line_of(loc), ".".join(map(str, loc)), zh, en))

    if volunteers or children:
        for i, lock in enumerate(event.matching.locked):
            if lock.volunteer not in vids:
                missing(
                    ("matching", "locked", i, "volunteer"),
                    f"固定结对里的志愿者 {lock.volunteer} 不在名单中",
                    f"locked pair names unknown volunteer {lock.volunteer}",
                )
            for cid in lock.children:
                if cid not in cids:
                    missing(
                        ("matching", "locked", i, "children"),
                        f"固定结对里的儿童 {cid} 不在名单中",
                        f"locked pair names unknown child {cid}",
                    )
        for i, ban in enumerate(event.matching.forbidden):
            if ban.volunteer not in vids:
                missing(
                    ("matching", "forbidden", i, "volunteer"),
                    f"禁止结对里的志愿者 {ban.volunteer} 不在名单中",
                    f"forbidden pair names unknown volunteer {ban.volunteer}",
                )
            if ban.child not in cids:
                missing(
                    ("matching", "forbidden", i, "child"),
                    f"禁止结对里的儿童 {ban.child} 不在名单中",
                    f"forbidden pair names unknown child {ban.child}",
                )
    for key in ("location", "meeting_point"):
        value = getattr(event, key)
        if value and places and value not in places:
            missing(
                ("event", key),
                f"地点 {value} 不在 [[places]] 里",
                f"place {value!r} is not among [[places]]",
            )
    for i, act in enumerate(event.activities):
        if act.place and places and act.place not in places:
            missing(
                ("activities", i, "place"),
                f"活动 {act.id} 的地点 {act.place} 不在 [[places]] 里",
                f"activity {act.id}: place {act.place!r} is not among [[places]]",
            )
        known = {a.id for a in event.activities}
        for ref in (*act.after, *act.beside):
            if ref not in known:
                missing(
                    ("activities", i, "after"),
                    f"活动 {act.id} 引用了不存在的活动 {ref}",
                    f"activity {act.id} refers to unknown activity {ref!r}",
                )
