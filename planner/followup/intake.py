"""Records into the ledger: filled record sheets (``import``) and one-off entries (``log``).

Every file is checked whole before anything is written: each bad cell is
reported as ``file:row:column`` and a file with any bad cell writes nothing,
while the other files of the same command still land, each in its own
transaction. A record's identity (its fingerprint) is the programme, carer,
child, kind, date, the period it makes up for, and what was done; importing
the same sheet twice adds nothing, and an edited row with the same identity
updates what may change later (problems, solved, reported, growth fields).

A record is refused when its child is not that carer's on that date, when it
is dated outside the programme or in the future, or when it makes up for a
period that is not one of that kind's periods or has not begun by then.

Validation reads each column of a sheet once, each distinct cell value
parsed once (kinds, dates and the words teachers repeat recur thousands of
times in a county), then checks the rows against the ledger in one loop;
the rows of a file go to the database as one ``INSERT ... ON CONFLICT``
executemany.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from msgspec import Struct, field
from sqlalchemy import Connection, Dialect, Engine, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from planner.errors import InvalidInput, Problem
from planner.followup import schema
from planner.followup.db import writing
from planner.followup.load import LoadedProgramme, capped
from planner.followup.model import GROWTH_FIELDS, Period, Programme, periods
from planner.followup.schema import ID, TEXT
from planner.load import cells
from planner.load.columns import Column, match_header

__all__ = [
    "ABOUT_SHEET",
    "EXAMPLE_MARK",
    "PROBLEMS_SHEET",
    "PROBLEM_COLUMNS",
    "RECORDS_SHEET",
    "RECORD_COLUMNS",
    "FileResult",
    "Ledger",
    "fingerprint",
    "import_files",
    "log_record",
    "solve_problem",
]

RECORDS_SHEET = "记录 records"
DUTIES_SHEET = "本期职责 duties"
PROBLEMS_SHEET = "问题 problems"
ABOUT_SHEET = "说明 about"
LISTS_SHEET = "lists"
#: The example row of a record sheet starts with this; import skips it.
EXAMPLE_MARK = "示例/example"
ABOUT_PROGRAMME = "项目编号 programme"
ABOUT_CARER = "结对人编号 carer"

RECORD_COLUMNS: tuple[Column, ...] = (
    Column("child_id", "儿童编号", "child_id", ("儿童", "child"), required=True),
    Column("kind", "事项", "kind", ("类别", "种类", "what"), required=True),
    Column("on", "日期", "date", ("on", "时间", "day"), required=True),
    Column("done", "做了什么", "done", ("内容", "工作内容", "what_was_done")),
    Column("problems", "发现的问题", "problems", ("问题", "problems_found")),
    Column("solved", "是否解决", "solved", ("已解决",)),
    Column("reported", "是否上报", "reported", ("已上报", "reported_upward")),
    Column("for_period", "补记周期", "for_period", ("补记", "make_up_for")),
    *(Column(f, zh, en) for f, (zh, en) in GROWTH_FIELDS.items()),
)

PROBLEM_COLUMNS: tuple[Column, ...] = (
    Column("id", "问题编号", "problem_id", ("id",), required=True),
    Column("child_id", "儿童编号", "child_id", ("儿童", "child")),
    Column("found_on", "发现日期", "found_on", ()),
    Column("text", "问题", "problem", ("text",)),
    Column("solved", "已解决", "solved", ("是否解决",), required=True),
    Column("how", "解决办法", "how", ("怎么解决的",)),
    Column("solved_on", "解决日期", "solved_on", ()),
)

MUTABLE = ("problems", "solved", "reported", *GROWTH_FIELDS)

free_text = capped(TEXT)


class FileResult(Struct):
    """What one file (or one ``log``) did to the ledger."""

    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    solved: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "ok": self.ok,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "solved": self.solved,
            "problems": [p.render("en") for p in self.problems],
        }


def fingerprint(
    programme_id: str,
    carer_id: str,
    child_id: str,
    kind: str,
    on: date,
    for_period: str | None,
    done: str | None,
) -> str:
    """The record's identity: same carer, child, kind, day, make-up period and words.

    >>> a = fingerprint("p", "T1", "C1", "visit", date(2026, 9, 1), None, " 家访 ")
    >>> a == fingerprint("p", "T1", "C1", "visit", date(2026, 9, 1), None, "家访"), len(a)
    (True, 64)
    """
    words = unicodedata.normalize("NFKC", done or "").strip()
    key = "\x1f".join(
        (programme_id, carer_id, child_id, kind, on.isoformat(), for_period or "", words)
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the ledger's people


class Ledger(Struct):
    """What validation needs from the ledger, read once: roles, pairs, kinds, periods."""

    programme: Programme
    roles: dict[str, str]  # carer id -> role
    pairs: dict[tuple[str, str], list[tuple[date, date | None]]]  # (carer, child) -> spans
    children: set[str]
    kinds: dict[str, str]  # any label, normalised -> kind id
    periods: dict[str, dict[str, Period]]  # kind -> period id -> period

    @classmethod
    def read(cls, conn: Connection, programme: Programme) -> Ledger:
        pid = programme.id
        roles = {
            r.id: r.role
            for r in conn.execute(
                select(schema.carer.c.id, schema.carer.c.role).where(
                    schema.carer.c.programme_id == pid
                )
            )
        }
        pairs: dict[tuple[str, str], list[tuple[date, date | None]]] = defaultdict(list)
        p = schema.pair
        for r in conn.execute(
            select(p.c.carer_id, p.c.child_id, p.c.since, p.c.until).where(p.c.programme_id == pid)
        ):
            pairs[(r.carer_id, r.child_id)].append((r.since, r.until))
        children = set(
            conn.execute(
                select(schema.child.c.id).where(schema.child.c.programme_id == pid)
            ).scalars()
        )
        kinds: dict[str, str] = {}
        for kid, (zh, en) in programme.kind_labels().items():
            for name in (kid, zh, en):
                kinds.setdefault(_norm(name), kid)
        spans: dict[str, dict[str, Period]] = defaultdict(dict)
        for duty in programme.duties:
            for period in periods(programme, duty.every):
                spans[duty.what].setdefault(period.id, period)
        return cls(programme, roles, dict(pairs), children, kinds, dict(spans))

    def covers(self, carer_id: str, child_id: str, day: date) -> bool:
        return any(
            since <= day and (until is None or day <= until)
            for since, until in self.pairs.get((carer_id, child_id), ())
        )

    def children_of(self, carer_id: str) -> set[str]:
        return {child for (carer, child) in self.pairs if carer == carer_id}


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower().replace(" ", "_")


# ---------------------------------------------------------------- rows


class _Cells:
    """One row's cells by field name, collecting problems (the problems sheet's rows).

    Record rows, a county's 300,000, are read column by column by ``_Reader``.
    """

    __slots__ = ("index", "labels", "ok", "problems", "row", "shown", "values")

    def __init__(
        self,
        shown: str,
        row: int | None,
        values: Sequence[object],
        index: dict[str, int],
        labels: dict[str, str],
        problems: list[Problem],
    ) -> None:
        self.shown = shown
        self.row = row
        self.values = values
        self.index = index
        self.labels = labels
        self.problems = problems
        self.ok = True

    def report(self, field: str, zh: str, en: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.shown, self.row, self.labels.get(field, field), zh, en))

    def get(
        self,
        field: str,
        parse: Callable[[object], object],
        *,
        required: bool = False,
        default: object = None,
    ) -> Any:
        i = self.index.get(field)
        raw = None if i is None or i >= len(self.values) else self.values[i]
        if raw is None or raw == "" or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.report(field, "必填,不能空着", "required; the cell is empty")
            return default
        try:
            return parse(raw)
        except cells.CellError as exc:
            self.report(field, exc.zh, exc.en)
            return default


class _Row(NamedTuple):
    values: dict[str, Any]
    fingerprint: str
    row: int | None


class _Bad(NamedTuple):
    """A cell that cannot be taken: the reason, in Chinese and English."""

    zh: str
    en: str


_BLANK: Any = object()  # a blank cell
_MISS: Any = object()
_EMPTY = _Bad("必填,不能空着", "required; the cell is empty")


class _Reader:
    """Record rows checked against the ledger: each distinct cell value parsed once.

    A county's import is 300,000 rows of 14 cells with few distinct values
    per column (kinds, dates, the words teachers repeat): each column keeps
    what its values parsed to (the value, or the reason it is bad), and
    per-column checks that need only the value (a kind known, a date inside
    the programme and not in the future) are part of its parse. The row
    checks (child paired with the carer that day, a make-up period) follow
    in one loop. ``import`` and ``log`` both read records here.
    """

    def __init__(self, ledger: Ledger, today: date) -> None:
        self.ledger = ledger
        self.today = today
        programme = ledger.programme
        kinds = ledger.kinds
        words_zh = "、".join(_kind_words(programme))
        words_en = ", ".join(programme.kind_labels())

        def kind(raw: object) -> str | _Bad:
            text = cells.text(raw)
            found = kinds.get(_norm(text))
            if found is None:
                return _Bad(f"不认识的事项「{text}」(可填:{words_zh})",
                            f"unknown kind {text!r} (use one of: {words_en})")  # fmt: skip
            return found

        #: field -> how its cell is read, and what a blank cell is (every field of RECORD_COLUMNS)
        self.parsers: dict[str, tuple[Callable[[object], object], object]] = {
            "child_id": (capped(ID), _BLANK),
            "kind": (kind, _BLANK),
            "on": (cells.day, _BLANK),
            "for_period": (_period_text, None),
            "done": (_words, None),
            "problems": (_words, None),
            "solved": (cells.boolean, None),
            "reported": (cells.boolean, False),
            **dict.fromkeys(GROWTH_FIELDS, (_words, None)),
        }
        self.memo: dict[str, dict[object, object]] = {f: {} for f in self.parsers}

    def column(self, field: str, raws: Iterable[object]) -> tuple[list[Any], bool]:
        """The cells of one column (each a value, its blank, or a ``_Bad``); any bad?"""
        memo = self.memo[field]
        parse, blank = self.parsers[field]
        out: list[Any] = []
        append = out.append
        bad = False
        for raw in raws:
            if raw is None or raw == "":
                append(blank)
                continue
            key = raw if type(raw) is str else (type(raw), raw)  # 1, 1.0 and True differ here
            hit = memo.get(key, _MISS)
            if hit is _MISS:
                hit = memo[key] = _parse(raw, parse, blank)
            if type(hit) is _Bad:
                bad = True
            append(hit)
        return out, bad

    def records(
        self,
        rows: Sequence[Sequence[object]],
        numbers: Sequence[int | None],
        index: dict[str, int],
        labels: dict[str, str],
        shown: str,
        carer_id: str,
        problems: list[Problem],
        *,
        example: bool = True,
    ) -> list[tuple[int | None, dict[str, Any]]]:
        """The good rows' values with their row numbers; every bad cell added to ``problems``.

        With ``example`` (a record sheet) the example row, its child cell
        starting with 示例 or example, is skipped.
        """
        columns: dict[str, list[Any]] = {}
        bad_in: list[str] = []
        for name, (_, blank) in self.parsers.items():
            i = index.get(name)
            if i is None:
                columns[name] = [blank] * len(rows)
                continue
            columns[name], flawed = self.column(name, [r[i] if i < len(r) else None for r in rows])
            if flawed:
                bad_in.append(name)
        ledger, today = self.ledger, self.today
        start, end = ledger.programme.start, ledger.programme.end
        children, covers, spans_of = ledger.children, ledger.covers, ledger.periods
        rest = ("done", "problems", "solved", "reported", *GROWTH_FIELDS)
        rest_bad = [n for n in rest if n in bad_in]
        out: list[tuple[int | None, dict[str, Any]]] = []
        for k, (child, kind, on, for_period, others) in enumerate(
            zip(columns["child_id"], columns["kind"], columns["on"], columns["for_period"],
                zip(*(columns[n] for n in rest), strict=True), strict=True)
        ):  # fmt: skip
            if example and type(child) is str and child.startswith(("示例", "example")):
                continue
            found: list[tuple[str, _Bad]] = []
            if type(child) is not str:
                found.append(("child_id", _EMPTY if child is _BLANK else child))
            if type(kind) is not str:
                found.append(("kind", _EMPTY if kind is _BLANK else kind))
            dated = False
            if type(on) is date:
                if not start <= on <= end:
                    found.append(("on", _Bad(f"日期 {on} 不在项目起止日期({start}–{end})之内",
                                             f"date {on} is outside the programme ({start}..{end})")))  # fmt: skip
                elif on > today:
                    found.append(("on", _Bad(f"日期 {on} 还没到(今天是 {today})",
                                             f"date {on} is in the future (today is {today})")))  # fmt: skip
                else:
                    dated = True
            else:
                found.append(("on", _EMPTY if on is _BLANK else on))
            if type(child) is str and child:
                if child not in children:
                    found.append(
                        (
                            "child_id",
                            _Bad(f"没有编号为 {child} 的儿童", f"no child with id {child}"),
                        )
                    )
                elif dated and not covers(carer_id, child, on):
                    found.append(("child_id", _Bad(f"{on} 那天儿童 {child} 不是 {carer_id} 结对负责的儿童",
                                                   f"child {child} is not {carer_id}'s on {on}")))  # fmt: skip
            if type(for_period) is _Bad:
                found.append(("for_period", for_period))
            elif for_period and type(kind) is str and type(on) is date:
                spans = spans_of.get(kind, {})
                period = spans.get(for_period)
                if period is None:
                    found.append(("for_period", _Bad(
                        f"「{for_period}」不是这类事项的周期(可填:{'、'.join(spans) or '无'})",
                        f"{for_period!r} is not a period of this kind (use one of: {', '.join(spans)})")))  # fmt: skip
                elif period.start > on:
                    found.append(("for_period", _Bad(f"周期 {for_period} 在 {on} 还没开始,不能补记",
                                                     f"period {for_period} had not begun on {on}")))  # fmt: skip
            values = dict(zip(rest, others, strict=True))
            for name in rest_bad:
                if type(values[name]) is _Bad:
                    found.append((name, values[name]))
            if found:
                for name, bad in found:
                    problems.append(
                        Problem(shown, numbers[k], labels.get(name, name), bad.zh, bad.en)
                    )
                continue
            values["child_id"] = child
            values["kind"] = kind
            values["on"] = on
            values["for_period"] = for_period or None
            out.append((numbers[k], values))
        return out


def _words(raw: object) -> str | None:
    """Free text, None when nothing is left of it."""
    return free_text(raw) or None


def _parse(raw: object, parse: Callable[[object], object], blank: object) -> object:
    if isinstance(raw, str) and not raw.strip():
        return blank
    try:
        return parse(raw)
    except cells.CellError as exc:
        return _Bad(exc.zh, exc.en)


def _period_text(raw: object) -> str:
    """A period id; Excel turns ``2026-10`` into a date, which means that month."""
    if isinstance(raw, datetime | date):
        return f"{raw:%Y-%m}"
    return capped(40)(raw)


def _kind_words(programme: Programme) -> list[str]:
    return [zh for zh, _ in programme.kind_labels().values()]


# ---------------------------------------------------------------- files


class _Grid(Struct):
    """A sheet's filled rows under its header: row numbers, cells, and where each field is."""

    numbers: list[int | None]
    rows: list[list[object]]
    index: dict[str, int]  # field -> position
    labels: dict[str, str]  # field -> the header as written


@functools.lru_cache(maxsize=64)
def _header(header: tuple[str, ...], columns: tuple[Column, ...]) -> dict[int, Column]:
    """``match_header`` once per distinct header: a county's sheets all share one."""
    return match_header(list(header), columns)


def _grid(
    grid: list[list[object]], columns: tuple[Column, ...], shown: str, problems: list[Problem]
) -> _Grid | None:
    """The rows of a sheet grid (header on its first filled row), blank rows skipped.

    None (and a problem per missing required column) when a required column is missing.
    """
    rows = [(n, row) for n, row in enumerate(grid, start=1) if any(_filled(c) for c in row)]
    if not rows:
        return None
    mapping = _header(tuple(cells.text(c) for c in rows[0][1]), columns)
    present = {col.field for col in mapping.values()}
    missing = [col for col in columns if col.required and col.field not in present]
    for col in missing:
        problems.append(Problem(shown, rows[0][0], col.label, f"缺少必需的列「{col.zh}」({col.en})",
                                f"missing required column {col.en!r} ({col.zh})"))  # fmt: skip
    if missing:
        return None
    return _Grid(
        [n for n, _ in rows[1:]],
        [row for _, row in rows[1:]],
        {col.field: i for i, col in mapping.items()},
        {col.field: col.label for col in mapping.values()},
    )


def _grid_rows(
    grid: list[list[object]], columns: tuple[Column, ...], shown: str, problems: list[Problem]
) -> Iterator[_Cells]:
    """The rows of a sheet grid, one ``_Cells`` each (see ``_grid``)."""
    found = _grid(grid, columns, shown, problems)
    if found is None:
        return
    for number, row in zip(found.numbers, found.rows, strict=True):
        yield _Cells(shown, number, row, found.index, found.labels, problems)


def _filled(cell: object) -> bool:
    if type(cell) is str:
        return bool(cell.strip())
    return cell is not None and str(cell).strip() != ""


class _Workbook(Struct):
    programme_id: str | None
    carer_id: str | None
    records: list[list[object]]
    problems: list[list[object]]


def _read_workbook(path: Path, shown: str, problems: list[Problem]) -> _Workbook | None:
    if path.suffix.lower() != ".xlsx":
        kind = path.suffix or "(no extension)"
        problems.append(Problem(shown, None, None,
                                f"只能导入 planner followup sheets 写出的 .xlsx 记录表,不能导入 {kind} 文件",
                                f"only .xlsx record sheets written by planner followup sheets can be imported, not {kind}"))  # fmt: skip
        return None
    if not path.is_file():
        problems.append(Problem(shown, None, None, "文件不存在", "file not found"))
        return None
    from python_calamine import CalamineWorkbook

    from planner.load.limits import TooLarge, check_workbook

    try:  # a crafted file (a cell at XFD1048576, a zip bomb) is refused before calamine
        check_workbook(path, shown)
    except TooLarge as exc:
        problems.append(exc.problem)
        return None
    try:
        book = CalamineWorkbook.from_path(str(path))

        def grid(name: str) -> list[list[object]]:
            if name not in book.sheet_names:
                return []
            return [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]

        about = grid(ABOUT_SHEET)
        records = grid(RECORDS_SHEET)
        open_problems = grid(PROBLEMS_SHEET)
    except Exception as exc:  # calamine's own error types for broken files
        problems.append(Problem(shown, None, None, f"无法作为 Excel 文件读取({type(exc).__name__})",
                                f"cannot be read as an Excel file ({type(exc).__name__}: {exc})"))  # fmt: skip
        return None
    if RECORDS_SHEET not in book.sheet_names or ABOUT_SHEET not in book.sheet_names:
        problems.append(Problem(shown, None, None,
                                f"不是记录表:缺少工作表「{RECORDS_SHEET}」或「{ABOUT_SHEET}」(请用 planner followup sheets 生成)",
                                f"not a record sheet: no {RECORDS_SHEET!r} or {ABOUT_SHEET!r} sheet "
                                "(write one with planner followup sheets)"))  # fmt: skip
        return None
    values = {cells.text(row[0]): cells.text(row[1]) for row in about if len(row) >= 2}
    return _Workbook(values.get(ABOUT_PROGRAMME), values.get(ABOUT_CARER), records, open_problems)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def import_files(
    engine: Engine,
    programme: Programme | LoadedProgramme,
    paths: Sequence[Path],
    *,
    today: date | None = None,
    now: datetime | None = None,
    on_file: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Import filled record sheets, each in its own transaction; a bad file writes nothing.

    People come from the ledger (sync first). Returns one result per file, in
    order; a result with ``problems`` wrote nothing.
    """
    if isinstance(programme, LoadedProgramme):
        programme = programme.programme
    now = now or datetime.now(UTC)
    today = today or programme.today(now)
    with engine.connect() as conn:
        ledger = Ledger.read(conn, programme)
    reader = _Reader(ledger, today)
    results = []
    for path in paths:
        result = _import_one(engine, reader, Path(path), now)
        results.append(result)
        if on_file is not None:
            on_file(result)
    return results


def _import_one(engine: Engine, reader: _Reader, path: Path, now: datetime) -> FileResult:
    ledger, today = reader.ledger, reader.today
    shown = _shown(path)
    result = FileResult(shown)
    problems = result.problems
    book = _read_workbook(path, shown, problems)
    if book is None:
        return result
    pid = ledger.programme.id
    carer_id = book.carer_id or ""
    where = (f"{shown}", None, ABOUT_SHEET)
    if book.programme_id != pid:
        problems.append(Problem(*where, f"这张表属于项目「{book.programme_id}」,不是「{pid}」",
                                f"this sheet belongs to programme {book.programme_id!r}, not {pid!r}"))  # fmt: skip
        return result
    if carer_id not in ledger.roles:
        problems.append(Problem(*where, f"没有编号为「{carer_id}」的结对人",
                                f"no carer with id {carer_id!r}"))  # fmt: skip
        return result
    rows: dict[str, _Row] = {}
    records_shown = f"{shown}[{RECORDS_SHEET}]"
    grid = _grid(book.records, RECORD_COLUMNS, records_shown, problems)
    if grid is not None:
        found = reader.records(
            grid.rows, grid.numbers, grid.index, grid.labels, records_shown, carer_id, problems
        )
        if not problems:
            for number, values in found:
                row = _build(ledger.programme, carer_id, values, shown, now, number)
                rows[row.fingerprint] = row
    solved = list(
        _read_solved(book.problems, f"{shown}[{PROBLEMS_SHEET}]", ledger, carer_id, today, problems)
    )
    if problems:
        return result
    try:
        with writing(engine) as conn:
            result.solved = _apply_solved(conn, pid, solved, ledger, carer_id, problems)
            if problems:
                raise _Refused
            _write(conn, pid, carer_id, rows.values(), result)
    except _Refused:
        result.solved = 0
    return result


class _Refused(Exception):
    """Raised inside a file's transaction to roll it back."""


def _build(
    programme: Programme,
    carer_id: str,
    values: dict[str, Any],
    source: str,
    now: datetime,
    row: int | None,
) -> _Row:
    full = dict(
        values, programme_id=programme.id, carer_id=carer_id, source=source[-200:], entered_at=now
    )
    full["fingerprint"] = fingerprint(
        programme.id,
        carer_id,
        full["child_id"],
        full["kind"],
        full["on"],
        full["for_period"],
        full["done"],
    )
    return _Row(full, full["fingerprint"], row)


#: The record columns an import writes (all but the id), in statement order.
RECORD_FIELDS: tuple[str, ...] = tuple(c.name for c in schema.record.columns if c.name != "id")


@functools.lru_cache(maxsize=16)
def _record_upsert(dialect: Dialect) -> tuple[str, tuple[Callable[[Any], Any] | None, ...], bool]:
    """``INSERT ... ON CONFLICT (programme_id, carer_id, fingerprint) DO UPDATE`` the mutable
    fields, compiled once for ``dialect``: its SQL, each field's bind processor, positional or not.

    SQLAlchemy builds the statement and says how each value goes to the driver
    (``TypeEngine.bind_processor``: a date as ISO text on SQLite, say); the
    rows then go to the driver's executemany as plain tuples, column by column,
    instead of through SQLAlchemy's per-row parameter processing, which cost
    as much as the database's own work for a county.
    """
    module = postgresql if dialect.name == "postgresql" else sqlite
    stmt = module.insert(schema.record).values({f: bindparam(f) for f in RECORD_FIELDS})
    stmt = stmt.on_conflict_do_update(
        index_elements=["programme_id", "carer_id", "fingerprint"],
        set_={c: stmt.excluded[c] for c in MUTABLE},
    )
    compiled = stmt.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.params)
    if names != RECORD_FIELDS:
        raise AssertionError(f"unexpected parameters {names}")
    processors = tuple(
        schema.record.c[f].type.dialect_impl(dialect).bind_processor(dialect) for f in names
    )
    return str(compiled), processors, compiled.positional


def _upsert_records(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or update ``rows`` (dicts of RECORD_FIELDS) in one executemany.

    Values that need converting (dates, booleans) are few and repeat: each
    distinct one is converted once.
    """
    sql, processors, positional = _record_upsert(conn.dialect)
    params: list[Any] = list(map(_record_values, rows))
    if any(processors):
        columns: list[Sequence[Any]] = list(zip(*params, strict=True))
        for i, process in enumerate(processors):
            if process is not None:
                converted = {value: process(value) for value in set(columns[i])}
                columns[i] = [converted[value] for value in columns[i]]
        params = list(zip(*columns, strict=True))
    if not positional:
        params = [dict(zip(RECORD_FIELDS, values, strict=True)) for values in params]
    conn.exec_driver_sql(sql, params)


_record_values = itemgetter(*RECORD_FIELDS)


@functools.cache
def _problem_upsert(dialect_name: str) -> Any:
    """One problem row per record; the text follows the record, dates once set stay."""
    prob = schema.problem
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(prob)
    return stmt.on_conflict_do_update(
        index_elements=["record_id"],
        set_={
            "text": stmt.excluded.text,
            "reported_on": func.coalesce(prob.c.reported_on, stmt.excluded.reported_on),
            "solved_on": func.coalesce(prob.c.solved_on, stmt.excluded.solved_on),
        },
    )


def _write(
    conn: Connection, pid: str, carer_id: str, rows: Iterable[_Row], result: FileResult
) -> None:
    """Insert the new records, update the edited ones, leave the rest (one executemany).

    A file is one carer's, and so is every fingerprint in it: the carer's
    records, one range of the (programme, carer, fingerprint) key read in one
    query, tell new from edited from unchanged.
    """
    by_fp = {row.fingerprint: row for row in rows}
    if not by_fp:
        return
    rec = schema.record
    # the carer's records (a range of the (programme, carer, fingerprint) key)
    mine = (rec.c.programme_id == pid, rec.c.carer_id == carer_id)
    existing: dict[str, dict[str, Any]] = {}
    wanted = select(rec.c.fingerprint, *(rec.c[c] for c in MUTABLE)).where(*mine)
    for found in conn.execute(wanted).mappings():
        if found["fingerprint"] in by_fp:
            existing[found["fingerprint"]] = dict(found)
    todo = []
    for fp, row in by_fp.items():
        old = existing.get(fp)
        if old is None:
            result.added += 1
        elif any(old[c] != row.values[c] for c in MUTABLE):
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        todo.append(row.values)
    if not todo:
        return
    _upsert_records(conn, todo)
    with_problems = [v for v in todo if v["problems"]]
    if not with_problems:
        return
    ids: dict[str, int] = {}
    fingerprints = [v["fingerprint"] for v in with_problems]
    for hit in conn.execute(
        select(rec.c.fingerprint, rec.c.id).where(*mine, rec.c.fingerprint.in_(fingerprints))
    ):
        ids[hit.fingerprint] = hit.id
    _write_problems(conn, pid, [(ids[v["fingerprint"]], v) for v in with_problems])


def _write_problems(
    conn: Connection, pid: str, items: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """One problem row per record with problems: found on its date, solved/reported if it says so."""
    conn.execute(
        _problem_upsert(conn.dialect.name),
        [
            dict(programme_id=pid, record_id=rid, child_id=v["child_id"], carer_id=v["carer_id"],
                 found_on=v["on"], text=v["problems"], how=None,
                 reported_on=v["on"] if v["reported"] else None,
                 solved_on=v["on"] if v["solved"] else None)
            for rid, v in items
        ],
    )  # fmt: skip


# ---------------------------------------------------------------- problems solved


class _Solved(Struct, frozen=True):
    problem_id: int
    how: str | None
    on: date
    shown: str
    row: int | None


def _read_solved(
    grid: list[list[object]],
    shown: str,
    ledger: Ledger,
    carer_id: str,
    today: date,
    problems: list[Problem],
) -> Iterator[_Solved]:
    for r in _grid_rows(grid, PROBLEM_COLUMNS, shown, problems):
        solved = r.get("solved", cells.boolean)
        if not solved:
            continue
        pid = r.get("id", lambda v: cells.integer(v, low=1, high=2**62, what_zh="问题编号", what_en="problem id"),
                    required=True)  # fmt: skip
        how = r.get("how", free_text)
        on = r.get("solved_on", cells.day, default=today)
        if isinstance(on, date) and on > today:
            r.report("solved_on", f"日期 {on} 还没到", f"date {on} is in the future")
        if r.ok and isinstance(pid, int) and isinstance(on, date):
            yield _Solved(pid, how or None, on, shown, r.row)


def _apply_solved(
    conn: Connection,
    pid: str,
    items: Sequence[_Solved],
    ledger: Ledger,
    carer_id: str,
    problems: list[Problem],
) -> int:
    if not items:
        return 0
    prob = schema.problem
    found = {
        r.id: r
        for r in conn.execute(
            select(prob.c.id, prob.c.child_id, prob.c.solved_on, prob.c.found_on).where(
                prob.c.programme_id == pid, prob.c.id.in_([i.problem_id for i in items])
            )
        )
    }
    mine = ledger.children_of(carer_id)
    count = 0
    for item in items:
        row = found.get(item.problem_id)
        if row is None or row.child_id not in mine:
            problems.append(Problem(item.shown, item.row, "问题编号/problem_id",
                                    f"没有编号为 {item.problem_id} 的问题(或不是你结对儿童的)",
                                    f"no problem {item.problem_id} of your children"))  # fmt: skip
            continue
        if row.solved_on is not None:
            continue
        if item.on < row.found_on:
            problems.append(Problem(item.shown, item.row, "解决日期/solved_on",
                                    f"解决日期 {item.on} 早于发现日期 {row.found_on}",
                                    f"solved on {item.on}, before it was found ({row.found_on})"))  # fmt: skip
            continue
        conn.execute(
            update(prob).where(prob.c.id == item.problem_id).values(solved_on=item.on, how=item.how)
        )
        count += 1
    return count


# ---------------------------------------------------------------- log


def log_record(
    engine: Engine,
    programme: Programme,
    *,
    carer_id: str,
    child_id: str,
    kind: str,
    on: date | str,
    done: str | None = None,
    problems: str | None = None,
    solved: bool | None = None,
    reported: bool = False,
    for_period: str | None = None,
    growth: dict[str, str] | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> FileResult:
    """Record one entry (``planner followup log``); raises InvalidInput naming each bad option."""
    now = now or datetime.now(UTC)
    today = today or programme.today(now)
    found: list[Problem] = []
    growth = growth or {}
    for name in sorted(set(growth) - set(GROWTH_FIELDS)):
        found.append(Problem("log", None, "--growth", f"没有成长记录项「{name}」(可填:{'、'.join(GROWTH_FIELDS)})",
                             f"unknown growth field {name!r} (use: {', '.join(GROWTH_FIELDS)})"))  # fmt: skip
    raw: dict[str, object] = dict(child_id=child_id, kind=kind, on=on, done=done, problems=problems,
                                  solved=solved, reported=reported, for_period=for_period, **growth)  # fmt: skip
    fields = [c.field for c in RECORD_COLUMNS]
    options = {f: "--" + f.replace("_", "-").replace("child-id", "child") for f in fields}
    with engine.connect() as conn:
        ledger = Ledger.read(conn, programme)
    if carer_id not in ledger.roles:
        found.append(Problem("log", None, "--carer", f"没有编号为「{carer_id}」的结对人",
                             f"no carer with id {carer_id!r}"))  # fmt: skip
    values_in = [raw.get(f) for f in fields]
    index = {f: i for i, f in enumerate(fields)}
    read = _Reader(ledger, today).records(
        [values_in], [None], index, options, "log", carer_id, found, example=False
    )
    if found or not read:
        raise InvalidInput(found)
    result = FileResult("log")
    row = _build(programme, carer_id, read[0][1], "log", now, None)
    with writing(engine) as conn:
        _write(conn, programme.id, carer_id, [row], result)
    return result


def solve_problem(
    engine: Engine,
    programme: Programme,
    problem_id: int,
    *,
    how: str | None,
    on: date | None = None,
    today: date | None = None,
) -> bool:
    """Mark a problem solved (``log --solve ID --how TEXT``); False if it already was."""
    today = today or programme.today()
    on = on or today
    prob = schema.problem
    bad: list[Problem] = []
    if how is not None and len(how) > TEXT:
        bad.append(
            Problem(
                "log",
                None,
                "--how",
                f"太长:最多 {TEXT} 个字",
                f"too long: at most {TEXT} characters",
            )
        )
    if on > today:
        bad.append(Problem("log", None, "--on", f"日期 {on} 还没到", f"date {on} is in the future"))
    with writing(engine) as conn:
        row = conn.execute(
            select(prob.c.solved_on, prob.c.found_on).where(
                prob.c.programme_id == programme.id, prob.c.id == problem_id
            )
        ).first()
        if row is None:
            bad.append(
                Problem(
                    "log",
                    None,
                    "--solve",
                    f"没有编号为 {problem_id} 的问题",
                    f"no problem {problem_id}",
                )
            )
        elif on < row.found_on:
            bad.append(Problem("log", None, "--on", f"解决日期 {on} 早于发现日期 {row.found_on}",
                               f"solved on {on}, before it was found ({row.found_on})"))  # fmt: skip
        if bad:
            raise InvalidInput(bad)
        assert row is not None
        if row.solved_on is not None:
            return False
        conn.execute(update(prob).where(prob.c.id == problem_id).values(solved_on=on, how=how))
    return True
