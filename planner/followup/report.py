"""Year-end reports from the ledger, for the organiser only.

``write_reports`` writes into ``out``:

- ``assessment.xlsx`` and ``assessment.html``: per carer the duty items whose
  period ended by the day (within a term, if one is named): required, done
  on time, done late (made up), missing, rate = (done + late) / required,
  and apart the items still open;
- ``units.html`` (and a sheet of the workbook): per unit the children, the
  share of them with a carer on the day, the completion rate and the open
  problems, for the county;
- ``problems.html`` (and a sheet): problems found and not solved by the day,
  oldest first, with their age in days and whether they were reported upward;
- ``growth/<child id>.html`` and ``.pdf``: one booklet per child, the growth
  records over time (thinking, study, daily life, family education,
  progress, shortfalls) and every visit, help and problem.

Every file names children, so every file is private (0600, folders 0700).
Cells from spreadsheets are written as text, never as formulas; HTML is
autoescaped, without scripts or external URLs. The booklets' PDFs are
typeset by Typst in this process (``templates/growth.typ``, from the same
rows as ``growth.html``; see :mod:`planner.render.typeset`), one typesetter
for every booklet of a run, stamped with the organiser and a creation date
from ``as_of``, so the same ledger and day give the same bytes; a booklet
whose page has not changed since the last run into the same folder keeps
its PDF. Without a font for Chinese the HTML is written, stderr says so in
one line, and no PDF of an older page is left beside a changed one.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from msgspec import Struct, field
from sqlalchemy import Engine, or_, select

from planner.errors import InvalidInput, Problem
from planner.followup import schema
from planner.followup.due import DueItem, DueReport, Status, compute_due, label
from planner.followup.model import GROWTH_FIELDS, Programme, Term
from planner.followup.remind import safe_name
from planner.io import stable_zip, write_bytes, write_text

if TYPE_CHECKING:
    from planner.render.typeset import PdfError, Typeset, Typesetter

__all__ = [
    "CarerRow",
    "GrowthBook",
    "ProblemRow",
    "UnitRow",
    "assessment_rows",
    "growth_books",
    "open_problems",
    "unit_rows",
    "write_reports",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The booklet's Typst template, and the root Typst reads it under: the planner
#: package, which holds the shared style (render/templates/page.typ) too.
GROWTH_TYP = TEMPLATES / "growth.typ"
TYPST_ROOT = TEMPLATES.parents[1]

#: The command that typesets the booklets again (named when no font prints Chinese).
REPORT_AGAIN = "planner followup report PROGRAMME --out DIR"

#: Labels of the usual roles; any other role is shown as written.
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "teacher": ("教师", "teacher"),
    "volunteer": ("志愿者", "volunteer"),
    "cadre": ("干部", "cadre"),
    "counsellor": ("心理辅导员", "counsellor"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _percent(part: int, whole: int) -> str:
    return "—" if whole == 0 else f"{100 * part / whole:.1f}%"


# ------------------------------------------------------------------ rows
class CarerRow(Struct, frozen=True):
    """One carer's line of the year-end assessment."""

    carer_id: str
    name: str
    unit_id: str
    unit_name: str
    role: str
    required: int = 0
    done: int = 0
    late: int = 0
    missing: int = 0
    open: int = 0

    @property
    def rate(self) -> float | None:
        """(done + late) / required; None when nothing was required yet."""
        return None if self.required == 0 else (self.done + self.late) / self.required

    @property
    def rate_text(self) -> str:
        return _percent(self.done + self.late, self.required)


class UnitRow(Struct, frozen=True):
    """One unit's line of the county roll-up."""

    unit_id: str
    name: str
    children: int
    covered: int
    required: int
    completed: int
    open_problems: int

    @property
    def coverage(self) -> float | None:
        return None if self.children == 0 else self.covered / self.children

    @property
    def completion(self) -> float | None:
        return None if self.required == 0 else self.completed / self.required

    @property
    def coverage_text(self) -> str:
        return _percent(self.covered, self.children)

    @property
    def completion_text(self) -> str:
        return _percent(self.completed, self.required)


class ProblemRow(Struct, frozen=True):
    """A problem found and not yet solved on the day."""

    id: int
    found_on: date
    age_days: int
    child_id: str
    child_name: str
    unit_id: str
    unit_name: str
    carer_id: str
    carer_name: str
    text: str
    reported_on: date | None


class GrowthEntry(Struct, frozen=True):
    on: date
    carer: str
    fields: list[tuple[str, str]]


class RecordLine(Struct, frozen=True):
    on: date
    for_period: str | None
    kind: str
    carer: str
    done: str
    problems: str


class ProblemLine(Struct, frozen=True):
    found_on: date
    text: str
    reported_on: date | None
    solved_on: date | None
    how: str | None


class GrowthBook(Struct, frozen=True):
    """Everything one child's booklet shows."""

    child_id: str
    name: str
    unit_name: str
    gender: str
    grade: str
    carers: str
    growth: list[GrowthEntry] = field(default_factory=list)
    records: list[RecordLine] = field(default_factory=list)
    problems: list[ProblemLine] = field(default_factory=list)


# ------------------------------------------------------------------ assessment
def in_scope(item: DueItem, term: Term | None) -> bool:
    """An item belongs to a term when its period ends within the term."""
    return term is None or term.start <= item.period_end <= term.end


def assessment_rows(report: DueReport, term: Term | None, *, lang: str) -> list[CarerRow]:
    """Per carer: required (periods ended by the day), done, late, missing, and open items.

    Carers who have left and owe nothing in scope are not listed.
    """
    units = {u.id: u.name for u in report.programme.units}
    tally: dict[str, list[int]] = {}
    for item in report.items:
        if not in_scope(item, term):
            continue
        counts = tally.setdefault(item.carer_id, [0, 0, 0, 0, 0])
        if item.period_end < report.as_of:
            counts[0] += 1
            if item.status is Status.DONE:
                counts[2 if item.late else 1] += 1
            else:
                counts[3] += 1
        elif item.status is Status.DUE:
            counts[4] += 1
    rows = []
    for carer in report.carers.values():
        if carer.id not in tally and carer.left_on is not None and carer.left_on <= report.as_of:
            continue
        required, done, late, missing, open_ = tally.get(carer.id, [0, 0, 0, 0, 0])
        rows.append(
            CarerRow(
                carer_id=carer.id,
                name=carer.name,
                unit_id=carer.unit_id,
                unit_name=units.get(carer.unit_id, carer.unit_id),
                role=_pick(ROLE_LABELS.get(carer.role, (carer.role, carer.role)), lang),
                required=required,
                done=done,
                late=late,
                missing=missing,
                open=open_,
            )
        )
    return sorted(rows, key=lambda r: (r.unit_id, r.carer_id))


# ------------------------------------------------------------------ units
def unit_rows(
    report: DueReport, term: Term | None, problems: Sequence[ProblemRow], *, lang: str
) -> list[UnitRow]:
    """Per unit: children in the programme on the day, how many had a carer, completion, open problems."""
    programme = report.programme
    day = min(report.as_of, programme.end)
    uncovered_today = {g.child_id for g in report.uncovered if g.start <= day <= g.end}
    names = {u.id: u.name for u in programme.units}
    children: dict[str, int] = {}
    covered: dict[str, int] = {}
    for child in report.children.values():
        if child.left_on is not None and child.left_on <= day:
            continue
        if child.joined_on is not None and child.joined_on > day:
            continue  # not in the programme yet
        children[child.unit_id] = children.get(child.unit_id, 0) + 1
        if child.id not in uncovered_today:
            covered[child.unit_id] = covered.get(child.unit_id, 0) + 1
    required: dict[str, int] = {}
    completed: dict[str, int] = {}
    for item in report.items:
        if item.period_end < report.as_of and in_scope(item, term):
            required[item.unit_id] = required.get(item.unit_id, 0) + 1
            if item.status is Status.DONE:
                completed[item.unit_id] = completed.get(item.unit_id, 0) + 1
    open_: dict[str, int] = {}
    for problem in problems:
        open_[problem.unit_id] = open_.get(problem.unit_id, 0) + 1
    unit_ids = [u.id for u in programme.units]
    extra = sorted((set(children) | set(required) | set(open_)) - set(unit_ids))
    return [
        UnitRow(
            unit_id=unit_id,
            name=names.get(unit_id) or unit_id or label("no_unit", lang),
            children=children.get(unit_id, 0),
            covered=covered.get(unit_id, 0),
            required=required.get(unit_id, 0),
            completed=completed.get(unit_id, 0),
            open_problems=open_.get(unit_id, 0),
        )
        for unit_id in [*unit_ids, *extra]
    ]


# ------------------------------------------------------------------ problems
def open_problems(engine: Engine, report: DueReport) -> list[ProblemRow]:
    """Problems found by the day and not solved by it, oldest first."""
    p = schema.problem
    as_of = report.as_of
    stmt = (
        select(p.c.id, p.c.found_on, p.c.text, p.c.reported_on, p.c.child_id, p.c.carer_id)
        .where(
            p.c.programme_id == report.programme.id,
            p.c.found_on <= as_of,
            or_(p.c.solved_on.is_(None), p.c.solved_on > as_of),
        )
        .order_by(p.c.found_on, p.c.id)
    )
    units = {u.id: u.name for u in report.programme.units}
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    out = []
    for row in rows:
        child = report.children.get(row.child_id)
        carer = report.carers.get(row.carer_id)
        unit_id = child.unit_id if child else ""
        reported = row.reported_on if row.reported_on and row.reported_on <= as_of else None
        out.append(
            ProblemRow(
                id=row.id,
                found_on=row.found_on,
                age_days=(as_of - row.found_on).days,
                child_id=row.child_id,
                child_name=child.name if child else row.child_id,
                unit_id=unit_id,
                unit_name=units.get(unit_id, unit_id),
                carer_id=row.carer_id,
                carer_name=carer.name if carer else row.carer_id,
                text=row.text,
                reported_on=reported,
            )
        )
    return out


# ------------------------------------------------------------------ growth
def growth_books(engine: Engine, report: DueReport, *, lang: str) -> list[GrowthBook]:
    """One booklet per child of the ledger, in child id order (records up to the day)."""
    programme = report.programme
    r, p, k, pr = schema.record, schema.problem, schema.child, schema.pair
    kinds = programme.kind_labels()
    units = {u.id: u.name for u in programme.units}
    carer_name = {c.id: c.name for c in report.carers.values()}
    growth_cols = [r.c[name] for name in GROWTH_FIELDS]
    with engine.connect() as conn:
        people = {
            row.id: row
            for row in conn.execute(
                select(k.c.id, k.c.gender, k.c.grade).where(k.c.programme_id == programme.id)
            )
        }
        records = conn.execute(
            select(
                r.c.child_id,
                r.c.on,
                r.c.id,
                r.c.for_period,
                r.c.kind,
                r.c.carer_id,
                r.c.done,
                r.c.problems,
                *growth_cols,
            )
            .where(r.c.programme_id == programme.id, r.c.on <= report.as_of)
            .order_by(r.c.child_id, r.c.on, r.c.id)
        ).all()
        problems = conn.execute(
            select(
                p.c.child_id,
                p.c.found_on,
                p.c.id,
                p.c.text,
                p.c.reported_on,
                p.c.solved_on,
                p.c.how,
            )
            .where(p.c.programme_id == programme.id, p.c.found_on <= report.as_of)
            .order_by(p.c.child_id, p.c.found_on, p.c.id)
        ).all()
        pairs = conn.execute(
            select(pr.c.child_id, pr.c.carer_id)
            .where(
                pr.c.programme_id == programme.id,
                pr.c.since <= report.as_of,
                or_(pr.c.until.is_(None), pr.c.until >= report.as_of),
            )
            .order_by(pr.c.child_id, pr.c.carer_id)
        ).all()
    by_child_records = _group(records)
    by_child_problems = _group(problems)
    by_child_carers = _group(pairs)
    sep = "、" if lang == "zh" else ", "
    books = []
    for child_id in sorted(report.children):
        child = report.children[child_id]
        person = people.get(child_id)
        growth, lines = [], []
        for rec in by_child_records.get(child_id, ()):
            who = carer_name.get(rec.carer_id, rec.carer_id)
            fields = [
                (_pick(GROWTH_FIELDS[name], lang), text)
                for name in GROWTH_FIELDS
                if (text := getattr(rec, name))
            ]
            if fields:
                growth.append(GrowthEntry(rec.on, who, fields))
            lines.append(
                RecordLine(
                    on=rec.on,
                    for_period=rec.for_period,
                    kind=_pick(kinds.get(rec.kind, (rec.kind, rec.kind)), lang),
                    carer=who,
                    done=rec.done or "",
                    problems=rec.problems or "",
                )
            )
        books.append(
            GrowthBook(
                child_id=child_id,
                name=child.name,
                unit_name=units.get(child.unit_id, child.unit_id),
                gender=_gender(person.gender if person else None, lang),
                grade=(person.grade or "") if person else "",
                carers=sep.join(
                    carer_name.get(row.carer_id, row.carer_id)
                    for row in by_child_carers.get(child_id, ())
                ),
                growth=growth,
                records=lines,
                problems=[
                    ProblemLine(row.found_on, row.text, row.reported_on, row.solved_on, row.how)
                    for row in by_child_problems.get(child_id, ())
                ],
            )
        )
    return books


def _gender(value: str | None, lang: str) -> str:
    if not value:
        return ""
    from planner.render.labels import Labels

    try:
        return Labels(lang).enum("gender", value)
    except (KeyError, ValueError):
        return value


def _group(rows: Iterable[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for row in rows:
        out.setdefault(row.child_id, []).append(row)
    return out


# ------------------------------------------------------------------ writing
@cache
def _environment() -> Environment:
    from planner.render.compiled import template_cache

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),
    )


def words(lang: str) -> dict[str, str]:
    """Every label in ``lang``, for templates (``w["unit"]``) and sheet headers."""
    from planner.followup.due import LABELS

    label("done", lang)  # an unknown language fails here
    return {k: _pick(v, lang) for k, v in LABELS.items()}


def render(template: str, **context: object) -> str:
    """Render one report page with the print CSS inlined (no external files)."""
    from markupsafe import Markup

    from planner.render.paper import print_css

    return _environment().get_template(template).render(css=Markup(print_css()), **context)


def workbook(
    sheets: Sequence[tuple[str, list[str], list[list[object]], dict[int, str]]],
) -> bytes:
    """An .xlsx with one sheet per (title, header, rows, number formats by column).

    Strings are stored as text cells even when they start with ``=``: a name
    like ``=HYPERLINK(...)`` in a spreadsheet stays a name, never a formula.
    """
    from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]
    from openpyxl.styles import Font  # type: ignore[import-untyped, unused-ignore]

    book = Workbook()
    book.remove(book.worksheets[0])  # the empty default sheet
    bold = Font(bold=True)
    for title, header, rows, formats in sheets:
        sheet = book.create_sheet(title=title[:31])
        table: list[list[object]] = [list(header), *rows]
        for r, row in enumerate(table, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even "=..." (openpyxl would make it a formula)
                if r == 1:
                    cell.font = bold
                elif c in formats and value is not None:
                    cell.number_format = formats[c]
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return stable_zip(buffer.getvalue())


def _assessment_sheet(
    rows: Sequence[CarerRow], w: dict[str, str]
) -> tuple[str, list[str], list[list[object]], dict[int, str]]:
    header = [
        w["unit"],
        w["carer"],
        w["carer_id"],
        w["role"],
        w["required"],
        w["on_time"],
        w["late_col"],
        w["missing"],
        w["rate"],
        w["open"],
    ]
    body: list[list[object]] = [
        [
            r.unit_name,
            r.name,
            r.carer_id,
            r.role,
            r.required,
            r.done,
            r.late,
            r.missing,
            r.rate,
            r.open,
        ]
        for r in rows
    ]
    return w["assessment"], header, body, {9: "0.0%"}


def _units_sheet(
    rows: Sequence[UnitRow], w: dict[str, str]
) -> tuple[str, list[str], list[list[object]], dict[int, str]]:
    header = [
        w["unit"],
        w["children"],
        w["coverage"],
        w["required"],
        w["completion"],
        w["open_problems"],
    ]
    body: list[list[object]] = [
        [r.name, r.children, r.coverage, r.required, r.completion, r.open_problems] for r in rows
    ]
    return w["units"], header, body, {3: "0.0%", 5: "0.0%"}


def _problems_sheet(
    rows: Sequence[ProblemRow], w: dict[str, str]
) -> tuple[str, list[str], list[list[object]], dict[int, str]]:
    header = [
        w["age_days"],
        w["found_on"],
        w["unit"],
        w["child_id"],
        w["child"],
        w["carer"],
        w["problem"],
        w["reported"],
    ]
    body: list[list[object]] = [
        [
            r.age_days,
            r.found_on.isoformat(),
            r.unit_name,
            r.child_id,
            r.child_name,
            r.carer_name,
            r.text,
            r.reported_on.isoformat() if r.reported_on else w["no"],
        ]
        for r in rows
    ]
    return w["problems"], header, body, {}


def _term(programme: Programme, term: str | None) -> Term | None:
    if term is None:
        return None
    found = programme.term(term)
    if found is None:
        known = "、".join(t.id for t in programme.terms) or "—"
        raise InvalidInput(
            [
                Problem(
                    "programme.toml",
                    None,
                    "--term",
                    f"没有学期 {term}（已有：{known}）",
                    f"no term {term} (terms: {known})",
                )
            ]
        )
    return found


def write_reports(
    engine: Engine, programme: Programme, *, out: Path, as_of: date, term: str | None, lang: str
) -> list[Path]:
    """Write the assessment, unit roll-up, open problems and growth booklets; return the paths."""
    from planner.render.typeset import Typesetter, creation_stamp, printer_mark

    w = words(lang)
    chosen = _term(programme, term)
    report = compute_due(engine, programme, as_of)
    scope = f"{w['term']} {chosen.id}" if chosen else w["all_terms"]
    out = Path(out)
    page = {"programme": programme, "as_of": as_of.isoformat(), "l": w, "scope": scope}
    carers = assessment_rows(report, chosen, lang=lang)
    problems = open_problems(engine, report)
    units = unit_rows(report, chosen, problems, lang=lang)
    written = [
        write_bytes(
            out / "assessment.xlsx",
            workbook(
                [
                    _assessment_sheet(carers, w),
                    _units_sheet(units, w),
                    _problems_sheet(problems, w),
                ]
            ),
            private=True,
        ),
        write_text(
            out / "assessment.html",
            render("assessment.html", title=w["assessment"], rows=carers, **page),
            private=True,
        ),
        write_text(
            out / "units.html",
            render("units.html", title=w["units"], rows=units, **page),
            private=True,
        ),
        write_text(
            out / "problems.html",
            render("problems.html", title=w["problems"], rows=problems, **page),
            private=True,
        ),
    ]
    books = growth_books(engine, report, lang=lang)
    created = growth_created(programme, as_of)
    stamp = creation_stamp(created)
    printer = printer_mark(TYPST_ROOT).encode("ascii")
    printing: list[tuple[Path, Typeset]] = []  # booklets to typeset: new, or changed
    with ExitStack() as stack:
        typesetter: Typesetter | None = None  # started at the first booklet to typeset
        for book in books:
            html = render(
                "growth.html", title=growth_title(book, w), book=book, **{**page, "scope": ""}
            )
            path = out / "growth" / f"{safe_name(book.child_id)}.html"
            pdf = path.with_suffix(".pdf")
            if _printed_from(path, pdf, html, (stamp, printer)):
                written.append(write_text(path, html, private=True))
                written.append(pdf)  # typeset from this very page (title, organiser, day)
                continue
            pdf.unlink(missing_ok=True)  # never a PDF of another page beside this one
            written.append(write_text(path, html, private=True))
            if typesetter is None:
                typesetter = stack.enter_context(Typesetter(root=TYPST_ROOT, again=REPORT_AGAIN))
            data = growth_data(book, programme, lang=lang, as_of=as_of, created=created)
            # typeset while the next booklets are written
            printing.append((path, typesetter.submit(data, GROWTH_TYP, pdf, private=True)))
        results = [(path, future.result()) for path, future in printing]
    return written + _typeset(results, lang)


def growth_title(book: GrowthBook, w: dict[str, str]) -> str:
    """A booklet's title: its heading, and the PDF's title before the programme's name."""
    return f"{w['growth']} · {book.name}"


def growth_data(
    book: GrowthBook,
    programme: Programme,
    *,
    lang: str,
    as_of: date,
    created: datetime,
) -> str:
    """The JSON document ``growth.typ`` reads: the booklet's rows (the
    :class:`GrowthBook`, plain dataclasses) and its heading, as ``growth.html`` shows them."""
    from planner.render.typeset import document

    w = words(lang)
    return document(
        lang=lang,
        labels=w,
        event={"name": programme.name, "organiser": programme.organiser or "", "footer": ""},
        title=growth_title(book, w),
        mark=w["confidential"],
        created=created,
        rows={"as_of": as_of.isoformat(), "book": book},
    )


def _typeset(results: list[tuple[Path, Path | PdfError]], lang: str) -> list[Path]:
    """The booklets' PDFs typeset, and one line on stderr for those that failed
    (their PDF removed): one line when one reason stopped them all (no font
    for Chinese)."""
    from planner.render.typeset import settle

    done, failed, common = settle(results)
    if common is not None:
        n = len(failed)
        print(
            _pick(
                (
                    f"成长档案只写了 HTML（{n} 份），未生成 PDF：{common}",
                    f"growth records written as HTML only ({n}), no PDF: {common}",
                ),
                lang,
            ),
            file=sys.stderr,
        )
    else:
        for path, error in failed:
            print(f"{path.with_suffix('.pdf').name}: PDF {error}", file=sys.stderr)
    return done


def growth_created(programme: Programme, as_of: date) -> datetime:
    """A booklet's creation date: midnight of ``as_of`` in the programme's zone, so
    the same ledger and day give the same bytes, whatever the clock says."""
    return datetime.combine(as_of, time(0), ZoneInfo(programme.timezone))


def _printed_from(path: Path, pdf: Path, html: str, stamps: tuple[bytes, ...]) -> bool:
    """Whether ``pdf`` was typeset from ``html`` as it stands, and carries each of
    ``stamps``: this day's (:func:`planner.render.typeset.creation_stamp`) and
    this printer's (:func:`planner.render.typeset.printer_mark`).

    The page shows its title, the organiser and the day, so the same page
    means the same PDF; a PDF from another run (one dated by the clock or
    written by another printer, one typeset for another day, or by another
    Typst or other templates) does not carry both stamps. A changed page has
    its PDF removed before it is written, so a run stopped half way never
    leaves a PDF beside a page it was not typeset from.
    """
    try:
        if path.read_bytes() != html.encode():
            return False
        printed = pdf.read_bytes()
    except OSError:
        return False
    return all(stamp in printed for stamp in stamps)
