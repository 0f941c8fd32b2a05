"""Spreadsheet rows → Volunteer and Child models, every bad cell reported.

Each row is read cell by cell; a bad cell becomes a Problem naming file,
row and column, and the row is dropped; all problems come out together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from planner.errors import Problem
from planner.load import cells
from planner.load.columns import (
    CHILD_COLUMNS,
    VOLUNTEER_COLUMNS,
    Column,
    header_scorer,
    match_header,
)
from planner.load.tables import Table, TableError, read_table
from planner.model import Child, Guardian, Scores, Volunteer

#: Children under this age need a guardian's consent recorded (PIPL).
CONSENT_AGE = 14
MAX_CHILD_AGE = 18


class RowReader:
    """Reads one row's cells by field name, collecting problems."""

    def __init__(
        self,
        shown: str,
        row: int,
        cells_by_field: dict[str, tuple[Column, object]],
        problems: list[Problem],
    ):
        self.shown = shown
        self.row = row
        self.cells = cells_by_field
        self.problems = problems
        self.ok = True

    def raw(self, field: str) -> object:
        col_cell = self.cells.get(field)
        return None if col_cell is None else col_cell[1]

    def blank(self, field: str) -> bool:
        return cells.text(self.raw(field)) == ""

    def column_name(self, field: str) -> str:
        col_cell = self.cells.get(field)
        return col_cell[0].label if col_cell else field

    def report(self, field: str, zh: str, en: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.shown, self.row, self.column_name(field), zh, en))

    def get(
        self,
        field: str,
        parse: Callable[[object], object],
        *,
        required: bool = False,
        default: object = None,
    ):
        if self.blank(field):
            if required:
                self.report(field, "必填,不能空着", "required; the cell is empty")
            return default
        try:
            return parse(self.raw(field))
        except cells.CellError as exc:
            self.report(field, exc.zh, exc.en)
            return default


def sheet_rows(
    path: Path,
    shown: str,
    columns: tuple[Column, ...],
    problems: list[Problem],
    sheet: str | None = None,
) -> Iterator[RowReader]:
    """Yield a RowReader per data row; report a missing file or column.

    The event loader and the follow-up programme loader read their sheets with it.
    """
    try:
        table: Table = read_table(path, header_scorer(columns), shown=shown, sheet=sheet)
    except TableError as exc:
        problems.extend(exc.problems)
        return
    mapping = match_header(table.header, columns)
    present = {col.field for col in mapping.values()}
    missing = [col for col in columns if col.required and col.field not in present]
    for col in missing:
        problems.append(
            Problem(
                shown,
                1,
                col.label,
                f"缺少必需的列「{col.zh}」({col.en})",
                f"missing required column {col.en!r} ({col.zh})",
            )
        )
    if missing:
        return
    for row_number, row in table.rows:
        by_field = {col.field: (col, row[i]) for i, col in mapping.items()}
        reader = RowReader(shown, row_number, by_field, problems)
        for field, (col, raw) in list(by_field.items()):
            if (error := cells.too_long(raw)) is not None:
                reader.report(field, error.zh, error.en)
                by_field[field] = (col, str(raw)[: cells.MAX_CELL_CHARS])
        yield reader


def _check_model(reader: RowReader, model: type, fields: dict):
    """Build ``model`` from the row's parsed fields; a model error names its column."""
    try:
        return model(**fields)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            reader.report(field, f"数值不合理:{err['msg']}", f"invalid value: {err['msg']}")
        return None


def _soft_day(raw: object) -> tuple[date | None, str | None]:
    """A date cell read without failing the row: (the date, or the text that is not one)."""
    if cells.text(raw) == "":
        return None, None
    try:
        return cells.day(raw), None
    except cells.CellError:
        return None, cells.text(raw)


def read_volunteers(
    path: Path, shown: str, problems: list[Problem], *, sheet: str | None = None
) -> list[Volunteer]:
    """The applicants' sheet (``sheet``: the workbook's sheet by name)."""
    out: list[Volunteer] = []
    rows: dict[str, list[int]] = defaultdict(list)
    for r in sheet_rows(path, shown, VOLUNTEER_COLUMNS, problems, sheet):
        vid = r.get("id", cells.text, required=True)
        name = r.get("name", cells.text, required=True)
        gender = r.get("gender", cells.gender, required=True)
        age = r.get(
            "age",
            lambda v: cells.integer(v, low=10, high=100, what_zh="年龄", what_en="age"),
            required=True,
        )
        phone = r.get("phone", cells.phone)
        email = r.get("email", cells.email)
        skills = r.get(
            "skills", lambda v: cells.words(v, cells.SKILLS, "特长", "skill"), default=()
        )
        dialects = r.get("dialects", lambda v: tuple(cells.split_list(v)), default=())
        scores = {
            f: r.get(f, cells.score) for f in ("responsibility", "patience", "caring", "interview")
        }
        training = r.get("training_done", cells.boolean, default=False)
        checked = r.get("background_check_done", cells.boolean, default=False)
        # a bad or future date is one applicant's problem: screening rejects them with it
        check_date, check_date_unread = _soft_day(r.raw("background_check_date"))
        max_children = r.get(
            "max_children",
            lambda v: cells.integer(v, low=1, high=2, what_zh="最多带几名", what_en="max children"),
            default=1,
        )
        available = r.get("available", cells.boolean, default=True)
        if not r.ok:
            continue
        volunteer = _check_model(
            r,
            Volunteer,
            dict(
                id=vid, name=name, gender=gender, age=age, phone=phone, email=email,
                organisation=r.get("organisation", cells.text), skills=skills, dialects=dialects,
                scores=Scores(**scores), training_done=training, background_check_done=checked,
                background_check_date=check_date, max_children=max_children,
                background_check_date_unread=check_date_unread,
                home_area=r.get("home_area", cells.text), available=available,
                roles=tuple(cells.split_list(r.raw("roles"))),
                last_children=tuple(cells.split_list(r.raw("last_children"))),
                notes=r.get("notes", cells.text),
            ),
        )  # fmt: skip
        if volunteer is not None:
            out.append(volunteer)
            rows[volunteer.id].append(r.row)
    _duplicates(out, rows, shown, problems)
    return out


def read_children(
    path: Path,
    shown: str,
    event_day: date,
    problems: list[Problem],
    *,
    outing: bool = True,
    sheet: str | None = None,
) -> list[Child]:
    """The children's sheet; a child under 14 going on an ``outing`` needs the
    guardian's consent recorded."""
    out: list[Child] = []
    rows: dict[str, list[int]] = defaultdict(list)
    for r in sheet_rows(path, shown, CHILD_COLUMNS, problems, sheet):
        cid = r.get("id", cells.text, required=True)
        name = r.get("name", cells.text, required=True)
        gender = r.get("gender", cells.gender, required=True)
        birth = r.get("birth_date", cells.day)
        age = r.get(
            "age",
            lambda v: cells.integer(v, low=0, high=MAX_CHILD_AGE, what_zh="年龄", what_en="age"),
        )
        if birth is None and age is None and r.ok:
            r.report("birth_date", "出生日期和年龄至少填一个", "give a birth date or an age")
        if birth is not None:
            years = Child(id="_", name="_", gender="male", birth_date=birth).age_on(event_day)
            if birth > event_day or years is None or years > MAX_CHILD_AGE:
                r.report(
                    "birth_date",
                    f"出生日期 {birth} 不可能(活动日时 {years} 岁)",
                    f"impossible birth date {birth} (age {years} on the event day)",
                )
        relation = r.get(
            "guardian_relation",
            lambda v: cells.word(v, cells.RELATIONS, "监护人关系", "guardian relation"),
        )
        guardian_name = r.get("guardian_name", cells.text)
        guardian_phone = r.get("guardian_phone", cells.phone)
        guardian = None
        if relation is not None or guardian_name or guardian_phone:
            if relation is None and not r.blank("guardian_name"):
                r.report(
                    "guardian_relation",
                    "填了监护人,但没写关系(如 奶奶、外公)",
                    "guardian given without relation (e.g. grandmother)",
                )
            elif not guardian_name:
                r.report(
                    "guardian_name",
                    "写了监护人关系,但没写姓名",
                    "guardian relation given without a name",
                )
            else:
                guardian = Guardian(relation=relation, name=guardian_name, phone=guardian_phone)
        consent = r.get("outing_consent", cells.boolean, default=False)
        years = (
            Child(id="_", name="_", gender="male", birth_date=birth, age=age).age_on(event_day)
            if r.ok
            else None
        )
        if outing and r.ok and years is not None and years < CONSENT_AGE and not consent:
            r.report(
                "outing_consent",
                f"未满 {CONSENT_AGE} 岁({years} 岁),没有记录监护人同意",
                f"under {CONSENT_AGE} (age {years}) with no guardian consent recorded",
            )
        fields = dict(
            categories=r.get(
                "categories",
                lambda v: cells.words(v, cells.CATEGORIES, "儿童类别", "category"),
                default=(),
            ),
            needs=r.get("needs", lambda v: cells.words(v, cells.NEEDS, "需要", "need"), default=()),
            dietary=r.get(
                "dietary", lambda v: cells.words(v, cells.DIETS, "饮食要求", "diet"), default=()
            ),
            photo_consent=r.get("photo_consent", cells.boolean, default=False),
            attending=r.get("attending", cells.boolean, default=True),
        )
        if not r.ok:
            continue
        child = _check_model(
            r,
            Child,
            dict(
                id=cid, name=name, gender=gender, birth_date=birth, age=age,
                grade=r.get("grade", cells.text), school=r.get("school", cells.text),
                village=r.get("village", cells.text), pickup_point=r.get("pickup_point", cells.text),
                guardian=guardian, allergies=tuple(cells.split_list(r.raw("allergies"))),
                medical_notes=r.get("medical_notes", cells.text),
                sibling_group=r.get("sibling_group", cells.text),
                dialects=tuple(cells.split_list(r.raw("dialects"))), outing_consent=consent, **fields,
            ),
        )  # fmt: skip
        if child is not None:
            out.append(child)
            rows[child.id].append(r.row)
    _duplicates(out, rows, shown, problems)
    return _sibling_groups(out, shown, rows, problems)


def _duplicates(
    people: list, rows: dict[str, list[int]], shown: str, problems: list[Problem]
) -> None:
    """An id names one person: every repeat is reported at its own row."""
    del people
    for pid, where in sorted(rows.items()):
        for row in where[1:]:
            problems.append(
                Problem(
                    shown, row, "编号/id",
                    f"编号 {pid} 重复(第一次出现在第 {where[0]} 行)",
                    f"duplicate id {pid} (first used on row {where[0]})",
                )
            )  # fmt: skip


def _sibling_groups(
    children: list[Child], shown: str, rows: dict[str, list[int]], problems: list[Problem]
) -> list[Child]:
    """A sibling group names at least two children, or another child's id.

    A group written as another child's id (C03 in C02's row) puts both
    children in that group.
    """
    ids = {c.id for c in children}
    pointed = {c.sibling_group: c for c in children if c.sibling_group in ids}
    children = [
        c.model_copy(update={"sibling_group": c.id})
        if c.id in pointed and not c.sibling_group
        else c
        for c in children
    ]
    members: dict[str, list[Child]] = defaultdict(list)
    for child in children:
        if child.sibling_group:
            members[child.sibling_group].append(child)
    for group, kids in sorted(members.items()):
        if len(kids) == 1 and group not in ids:
            child = kids[0]
            problems.append(
                Problem(
                    shown, rows[child.id][0], "兄弟姐妹组/sibling_group",
                    f"兄弟姐妹组「{group}」找不到其他儿童(只有 {child.id})",
                    f"sibling group {group!r} points at no other child (only {child.id})",
                )
            )  # fmt: skip
    return children
