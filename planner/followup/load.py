"""A programme folder → one validated :class:`LoadedProgramme`, every problem at once.

``programme.toml`` gives the :class:`~planner.followup.model.Programme`; the
sheets ``carers``, ``children`` and ``pairs`` (xlsx or CSV in any encoding
Excel/WPS saves, Chinese or English headers) give the people and who cares
for whom, since when. Bad keys are reported with their TOML line, bad cells
as ``file:row:column``, and the cross-checks (known units and roles, pairs
naming known people, no child with two carers of one role on one day, dates
inside the programme) run over everything that read cleanly.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgspec import Struct
from pydantic import ValidationError

from planner.errors import InvalidInput, Problem
from planner.followup.model import Frequency, Programme, Term
from planner.followup.schema import ID, NAME, TEXT
from planner.load import cells
from planner.load.columns import CHILD_COLUMNS, Column
from planner.load.event_file import TomlSource, read_event_toml
from planner.load.people import RowReader, sheet_rows

__all__ = [
    "CARER_COLUMNS",
    "PAIR_COLUMNS",
    "PROGRAMME_CHILD_COLUMNS",
    "Carer",
    "Child",
    "LoadedProgramme",
    "Pair",
    "load_programme",
    "programme_path",
    "read_programme",
]

UNIT_COLUMN = Column("unit", "单位", "unit", ("所属单位", "unit_id", "单位编号"))

CARER_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", "id", ("结对人编号", "负责人编号", "教师编号", "志愿者编号", "carer_id"),
           required=True),
    Column("name", "姓名", "name", ("名字",), required=True),
    Column("role", "角色", "role", ("身份", "类别"), required=True),
    UNIT_COLUMN,
    Column("phone", "电话", "phone", ("手机", "手机号", "联系电话", "mobile", "tel")),
    Column("email", "邮箱", "email", ("电子邮箱", "e-mail", "mail")),
)  # fmt: skip

#: When a child entered the programme (blank: at its start).
JOINED_COLUMN = Column(
    "joined_on", "加入日期", "joined", ("加入", "入组日期", "转入日期", "joined_on", "join_date")
)

#: The event's child columns plus the member unit the child belongs to and when it joined.
PROGRAMME_CHILD_COLUMNS: tuple[Column, ...] = (*CHILD_COLUMNS, UNIT_COLUMN, JOINED_COLUMN)

PAIR_COLUMNS: tuple[Column, ...] = (
    Column("carer_id", "结对人编号", "carer", ("负责人", "负责人编号", "carer_id", "结对人"),
           required=True),
    Column("child_id", "儿童编号", "child_id", ("儿童", "child"), required=True),
    Column("since", "开始", "since", ("开始日期", "起始日期", "from", "start"), required=True),
    Column("until", "结束", "until", ("结束日期", "截止日期", "to", "end")),
)  # fmt: skip

PROGRAMME_TABLES = {"programme", "files", "terms", "units", "kinds", "duties"}
FILE_KEYS = ("carers", "children", "pairs")
SHEET_SUFFIXES = (".xlsx", ".csv", ".xls", ".ods")


class Carer(Struct, frozen=True):
    """A teacher, volunteer or other carer of the programme."""

    id: str
    name: str
    role: str
    unit_id: str | None = None
    phone: str | None = None
    email: str | None = None


class Child(Struct, frozen=True):
    """A child in the programme (sensitive: see the privacy notes in the README)."""

    id: str
    name: str
    gender: str | None = None
    birth_date: date | None = None
    age: int | None = None
    unit_id: str | None = None
    grade: str | None = None
    school: str | None = None
    village: str | None = None
    categories: str | None = None
    guardian_relation: str | None = None
    guardian_name: str | None = None
    guardian_phone: str | None = None
    needs: str | None = None
    allergies: str | None = None
    medical_notes: str | None = None
    joined_on: date | None = None  # entered the programme late; None: at its start


class Pair(Struct, frozen=True, order=True):
    """``carer_id`` cares for ``child_id`` from ``since`` to ``until`` (inclusive; None: ongoing)."""

    carer_id: str
    child_id: str
    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)


class LoadedProgramme(Struct, frozen=True):
    """A programme folder, validated: the programme and its people."""

    programme: Programme
    folder: Path
    roles: tuple[str, ...]
    carers: tuple[Carer, ...]
    children: tuple[Child, ...]
    pairs: tuple[Pair, ...]
    pairs_file: str = "pairs"  # the pairs sheet as messages name it


def programme_path(path: Path) -> Path:
    """``path`` may be the programme folder or its programme.toml."""
    path = Path(path)
    return path if path.suffix == ".toml" and not path.is_dir() else path / "programme.toml"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_programme(path: Path) -> Programme:
    """Only ``programme.toml``: what the ledger commands need besides the ledger."""
    problems: list[Problem] = []
    parsed = _read_toml(programme_path(path), problems)
    if parsed is None or problems:
        raise InvalidInput(problems)
    return parsed[0]


def load_programme(path: Path) -> LoadedProgramme:
    """Read and validate a programme folder (or its programme.toml) with its sheets."""
    toml_path = programme_path(path)
    folder = toml_path.parent
    problems: list[Problem] = []
    parsed = _read_toml(toml_path, problems)
    if parsed is None:
        raise InvalidInput(problems)
    programme, roles, files, source = parsed
    carers = _read_carers(folder, files["carers"], problems, programme, roles)
    children = _read_children(folder, files["children"], problems, programme)
    pairs = _read_pairs(folder, files["pairs"], problems, programme, carers, children)
    if problems:
        raise InvalidInput(problems)
    del source
    return LoadedProgramme(
        programme=programme,
        folder=folder,
        roles=roles,
        carers=tuple(sorted(carers.values(), key=lambda c: c.id)),
        children=tuple(sorted(children.values(), key=lambda c: c.id)),
        pairs=tuple(sorted(pairs)),
        pairs_file=_shown(files["pairs"]) if files["pairs"] else "pairs",
    )


# ---------------------------------------------------------------- programme.toml


def _read_toml(
    toml_path: Path, problems: list[Problem]
) -> tuple[Programme, tuple[str, ...], dict[str, Path | None], TomlSource] | None:
    shown = _shown(toml_path)
    data, source = read_event_toml(toml_path, shown, problems)
    if data is None or source is None:
        if problems and problems[-1].message == "找不到活动文件 event.toml":
            problems[-1] = Problem(
                shown, None, None, "找不到 programme.toml", "programme.toml not found"
            )
        return None

    def bad(loc: tuple[object, ...], zh: str, en: str) -> None:
        key = ".".join(str(p) for p in loc)
        problems.append(Problem(shown, source.line_of(loc), key, zh, en))

    for key in sorted(set(data) - PROGRAMME_TABLES):
        bad((key,), f"不认识的键「{key}」(拼写错了?)", f"unknown key {key!r} (misspelt?)")
    head = data.get("programme")
    if not isinstance(head, dict):
        problems.append(
            Problem(
                shown, None, "programme", "缺少 [programme] 表", "missing the [programme] table"
            )
        )
        return None
    fields: dict[str, Any] = {k: v for k, v in head.items() if k != "roles"}
    raw_roles = head.get("roles", [])
    roles_listed: list[str] = []
    if isinstance(raw_roles, list) and all(isinstance(r, str) for r in raw_roles):
        roles_listed = [r.strip() for r in raw_roles if r.strip()]
    else:
        bad(("programme", "roles"), "roles 应是字符串列表", "roles must be a list of strings")
    for table in ("terms", "units", "kinds", "duties"):
        if table in data:
            fields[table] = data[table]
    _dates(fields, ("start", "end"), ("programme",), bad)
    for i, term in enumerate(fields.get("terms") or []):
        if isinstance(term, dict):
            _dates(term, ("start", "end"), ("terms", str(i)), bad)
    try:
        programme = Programme.model_validate(fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            toml_loc = (
                loc if loc and loc[0] in PROGRAMME_TABLES - {"programme"} else ("programme", *loc)
            )
            key = ".".join(toml_loc)
            if err["type"] == "extra_forbidden":
                zh, en = f"不认识的键「{key}」(拼写错了?)", f"unknown key {key!r} (misspelt?)"
            elif err["type"] == "missing":
                zh, en = f"缺少必填项「{key}」", f"missing required key {key!r}"
            else:
                zh = f"「{key}」的值不对:{err['msg']}(现在是 {err.get('input')!r})"
                en = f"bad value for {key!r}: {err['msg']} (got {err.get('input')!r})"
            problems.append(Problem(shown, source.line_of(toml_loc), key, zh, en))
        return None
    _check_programme(programme, bad)
    roles = tuple(sorted({d.who for d in programme.duties} | set(roles_listed)))
    files = _files(data.get("files"), toml_path.parent, bad)
    return programme, roles, files, source


def _dates(
    table: dict[str, Any],
    keys: tuple[str, ...],
    where: tuple[str, ...],
    bad: Callable[..., None],
) -> None:
    for key in keys:
        if isinstance(table.get(key), str):
            try:
                table[key] = cells.day(table[key])
            except cells.CellError as exc:
                bad((*where, key), exc.zh, exc.en)
                table.pop(key)


def _check_programme(programme: Programme, bad: Callable[..., None]) -> None:
    try:
        ZoneInfo(programme.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        bad(("programme", "timezone"), f"不认识的时区「{programme.timezone}」",
            f"unknown timezone {programme.timezone!r}")  # fmt: skip
    ids = {
        "terms": [t.id for t in programme.terms],
        "units": [u.id for u in programme.units],
        "kinds": [k.id for k in programme.kinds],
        "duties": [d.id for d in programme.duties],
    }
    for table, names in ids.items():
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                bad((table, str(i), "id"), f"编号 {name} 重复", f"duplicate id {name}")
            seen.add(name)
    for i, term in enumerate(programme.terms):
        if term.start < programme.start or term.end > programme.end:
            bad(("terms", str(i), "start" if term.start < programme.start else "end"),
                f"学期 {term.id}({term.start}–{term.end})超出项目起止日期",
                f"term {term.id} ({term.start}..{term.end}) lies outside the programme's dates")  # fmt: skip
    # each day belongs to at most one term: every term against the one reaching furthest
    # before it (not only its neighbour: a long term may swallow several short ones)
    ordered = sorted(enumerate(programme.terms), key=lambda it: (it[1].start, it[0]))
    reach: Term | None = None
    for i, b in ordered:
        if reach is not None and b.start <= reach.end:
            bad(("terms", str(i), "start"), f"学期 {b.id} 与学期 {reach.id} 重叠",
                f"term {b.id} overlaps term {reach.id}")  # fmt: skip
        if reach is None or b.end > reach.end:
            reach = b
    kinds = programme.kind_labels()
    for i, duty in enumerate(programme.duties):
        if duty.what not in kinds:
            bad(("duties", str(i), "what"),
                f"职责 {duty.id} 的事项「{duty.what}」未定义(可用:{'、'.join(kinds)},或在 [[kinds]] 里添加)",
                f"duty {duty.id}: unknown kind {duty.what!r} (known: {', '.join(kinds)}; "
                "or add it under [[kinds]])")  # fmt: skip
        if duty.every is Frequency.TERM and not programme.terms:
            bad(("duties", str(i), "every"), f"职责 {duty.id} 按学期,但没有写 [[terms]]",
                f"duty {duty.id} is termly but no [[terms]] are given")  # fmt: skip


def _files(raw: object, folder: Path, bad: Callable[..., None]) -> dict[str, Path | None]:
    given: dict[str, object] = raw if isinstance(raw, dict) else {}
    if raw is not None and not isinstance(raw, dict):
        bad(("files",), "[files] 应是一个表", "[files] must be a table")
    for key in sorted(set(given) - set(FILE_KEYS)):
        bad(("files", key), f"[files] 里没有这个键「{key}」", f"unknown key {key!r} in [files]")
    out: dict[str, Path | None] = {}
    for key in FILE_KEYS:
        name = given.get(key)
        if isinstance(name, str) and name.strip():
            out[key] = folder / name
            continue
        if name is not None:
            bad(("files", key), "应是文件名", "must be a file name")
        found = [folder / f"{key}{s}" for s in SHEET_SUFFIXES if (folder / f"{key}{s}").exists()]
        out[key] = found[0] if found else folder / f"{key}.xlsx"
    return out


# ---------------------------------------------------------------- sheets


def _rows(
    path: Path | None, columns: tuple[Column, ...], problems: list[Problem]
) -> Iterator[RowReader]:
    if path is None:
        return
    yield from sheet_rows(path, _shown(path), columns, problems)


def capped(limit: int) -> Callable[[object], str]:
    """A text parser refusing cells longer than ``limit`` characters."""

    def parse(raw: object) -> str:
        value = cells.text(raw)
        if len(value) > limit:
            raise cells.CellError(
                f"太长:{len(value)} 个字,最多 {limit} 个",
                f"too long: {len(value)} characters, at most {limit}",
            )
        return value

    return parse


ident = capped(ID)
name_text = capped(NAME)
free_text = capped(TEXT)


def _opt(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _read_carers(
    folder: Path,
    path: Path | None,
    problems: list[Problem],
    programme: Programme,
    roles: tuple[str, ...],
) -> dict[str, Carer]:
    units = {u.id for u in programme.units}
    out: dict[str, Carer] = {}
    first: dict[str, int] = {}
    for r in _rows(path, CARER_COLUMNS, problems):
        cid = r.get("id", ident, required=True)
        name = r.get("name", name_text, required=True)
        role = r.get("role", capped(40), required=True)
        if role and role not in roles:
            r.report("role", f"角色「{role}」不在项目的职责里(可用:{'、'.join(roles) or '无'})",
                     f"role {role!r} has no duty in the programme (known: {', '.join(roles)})")  # fmt: skip
        unit = r.get("unit", ident)
        if unit and unit not in units:
            r.report("unit", f"单位「{unit}」不在 programme.toml 的 [[units]] 里",
                     f"unit {unit!r} is not among [[units]] in programme.toml")  # fmt: skip
        phone = r.get("phone", cells.phone)
        email = r.get("email", lambda v: capped(NAME)(cells.email(v)))
        if not r.ok or not isinstance(cid, str):
            continue
        if _duplicate(r, cid, first):
            continue
        out[cid] = Carer(cid, str(name), str(role), _opt(unit), _opt(phone), _opt(email))
    del folder
    return out


def _duplicate(r: RowReader, pid: str, first: dict[str, int]) -> bool:
    if pid in first:
        r.report("id", f"编号 {pid} 重复(第一次出现在第 {first[pid]} 行)",
                 f"duplicate id {pid} (first used on row {first[pid]})")  # fmt: skip
        return True
    first[pid] = r.row
    return False


def _read_children(
    folder: Path, path: Path | None, problems: list[Problem], programme: Programme
) -> dict[str, Child]:
    units = {u.id for u in programme.units}
    out: dict[str, Child] = {}
    first: dict[str, int] = {}
    for r in _rows(path, PROGRAMME_CHILD_COLUMNS, problems):
        cid = r.get("id", ident, required=True)
        name = r.get("name", name_text, required=True)
        gender = r.get("gender", cells.gender, required=True)
        birth = r.get("birth_date", cells.day)
        if isinstance(birth, date) and birth > programme.end:
            r.report("birth_date", f"出生日期 {birth} 在项目结束之后",
                     f"birth date {birth} is after the programme's end")  # fmt: skip
        age = r.get(
            "age", lambda v: cells.integer(v, low=0, high=25, what_zh="年龄", what_en="age")
        )
        joined = r.get("joined_on", cells.day)
        if isinstance(joined, date) and not programme.start <= joined <= programme.end:
            r.report("joined_on", f"加入日期 {joined} 不在项目期内({programme.start} 至 {programme.end})",
                     f"joined on {joined}, outside the programme ({programme.start} to {programme.end})")  # fmt: skip
        unit = r.get("unit", ident)
        if unit and unit not in units:
            r.report("unit", f"单位「{unit}」不在 programme.toml 的 [[units]] 里",
                     f"unit {unit!r} is not among [[units]] in programme.toml")  # fmt: skip
        categories = r.get(
            "categories",
            lambda v: "、".join(
                c.value for c in cells.words(v, cells.CATEGORIES, "儿童类别", "category")
            ),
        )
        relation = r.get(
            "guardian_relation",
            lambda v: cells.word(v, cells.RELATIONS, "监护人关系", "guardian relation").value,
        )
        needs = r.get(
            "needs",
            lambda v: "、".join(n.value for n in cells.words(v, cells.NEEDS, "需要", "need")),
        )
        fields = dict(
            grade=r.get("grade", name_text), school=r.get("school", name_text),
            village=r.get("village", name_text), guardian_name=r.get("guardian_name", name_text),
            guardian_phone=r.get("guardian_phone", cells.phone),
            allergies=r.get("allergies", free_text), medical_notes=r.get("medical_notes", free_text),
        )  # fmt: skip
        if not r.ok or not isinstance(cid, str):
            continue
        if _duplicate(r, cid, first):
            continue
        out[cid] = Child(
            id=cid, name=str(name), gender=str(getattr(gender, "value", gender)),
            birth_date=birth if isinstance(birth, date) else None,
            age=age if isinstance(age, int) else None, unit_id=_opt(unit),
            categories=_opt(categories), guardian_relation=_opt(relation), needs=_opt(needs),
            joined_on=joined if isinstance(joined, date) else None,
            **{k: _opt(v) for k, v in fields.items()},
        )  # fmt: skip
    del folder
    return out


def _read_pairs(
    folder: Path,
    path: Path | None,
    problems: list[Problem],
    programme: Programme,
    carers: dict[str, Carer],
    children: dict[str, Child],
) -> list[Pair]:
    """Pairs naming known people, dated inside the programme, one carer per role and day."""
    out: list[Pair] = []
    rows: dict[Pair, int] = {}
    shown = _shown(path) if path else ""
    seen: dict[tuple[str, str, date], int] = {}
    for r in _rows(path, PAIR_COLUMNS, problems):
        carer_id = r.get("carer_id", ident, required=True)
        child_id = r.get("child_id", ident, required=True)
        since = r.get("since", cells.day, required=True)
        until = r.get("until", cells.day)
        if carer_id and carer_id not in carers and r.ok:
            r.report("carer_id", f"结对人 {carer_id} 不在 carers 表里",
                     f"carer {carer_id} is not in the carers sheet")  # fmt: skip
        if child_id and child_id not in children and r.ok:
            r.report("child_id", f"儿童 {child_id} 不在 children 表里",
                     f"child {child_id} is not in the children sheet")  # fmt: skip
        for field, day in (("since", since), ("until", until)):
            if isinstance(day, date) and not programme.start <= day <= programme.end:
                r.report(field, f"日期 {day} 不在项目起止日期({programme.start}–{programme.end})之内",
                         f"date {day} is outside the programme ({programme.start}..{programme.end})")  # fmt: skip
        if isinstance(since, date) and isinstance(until, date) and until < since:
            r.report("until", f"结束日期 {until} 早于开始日期 {since}",
                     f"until {until} is before since {since}")  # fmt: skip
        if not r.ok:
            continue
        assert isinstance(carer_id, str) and isinstance(child_id, str) and isinstance(since, date)
        key = (carer_id, child_id, since)
        if key in seen:
            r.report("since", f"同一结对重复(第一次出现在第 {seen[key]} 行)",
                     f"the same pair is repeated (first on row {seen[key]})")  # fmt: skip
            continue
        seen[key] = r.row
        pair = Pair(carer_id, child_id, since, until if isinstance(until, date) else None)
        out.append(pair)
        rows[pair] = r.row
    by_role: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for pair in out:
        by_role[(pair.child_id, carers[pair.carer_id].role)].append(pair)
    for (child_id, role), spans in sorted(by_role.items()):
        spans.sort(key=lambda p: p.since)
        for a, b in itertools.pairwise(spans):
            if a.until is None or b.since <= a.until:
                problems.append(Problem(
                    shown, rows[b], "开始/since",
                    f"儿童 {child_id} 在 {b.since} 同时有两名{role}:{a.carer_id}(第 {rows[a]} 行)和 {b.carer_id}",
                    f"child {child_id} has two carers of role {role} on {b.since}: "
                    f"{a.carer_id} (row {rows[a]}) and {b.carer_id}",
                ))  # fmt: skip
    del folder
    return out
