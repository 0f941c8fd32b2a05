"""Benchmark: a county's follow-up ledger, on SQLite and on PostgreSQL.

A generated county programme (default 20,000 children, 2,000 teachers across
40 schools, one school year of two terms; each term a home visit, a help and
an information check per child, each month a contact) with about 300,000
records in 2,000 filled record sheets, one per teacher. Prints figures, not
pass/fail:

- import: the record sheets through the real import path
  (``planner.followup.intake.import_files``, what ``planner followup import``
  runs), against its floor, a bare ``executemany`` of the same rows into the
  same ``record`` table in one transaction; and, apart, the time only to
  read the files;
- due: ``planner.followup.due.compute_due`` for the whole county against the
  best plain SQL we could write counting the records per (child, kind,
  period) on the same database, and against compute_due's own query alone
  (the records packed per child, carer and make-up period: one row per
  group, not per record, which is why compute_due beats the plain query).

Each step runs in its own process, so its peak memory (max RSS, which
includes the ~55 MB of Python and its libraries) is its own. Times are wall
seconds and, beside them, the step's own CPU seconds: on a shared machine the
wall time swings with the load, the CPU time much less (on PostgreSQL the
server's share is not in it). The
record sheets are written once with a bare xlsx writer and kept in the cache
folder (default /tmp/planner-bench-followup) between runs::

    python bench/followup.py [--pg postgresql+psycopg://postgres@127.0.0.1:54329/postgres]
                             [--children 20000] [--carers 2000] [--units 40] [--only sqlite]

Without ``--pg`` the PostgreSQL URL comes from ``PLANNER_TEST_PG_URL``; the
benchmark creates (and drops) its own databases there.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

PG_ENV = "PLANNER_TEST_PG_URL"
CACHE_VERSION = 1

PROGRAMME_TOML = """\
[programme]
id = "county-bench"
name = "县关爱留守儿童(基准测试)"
organiser = "县教育局"
timezone = "Asia/Shanghai"
start = 2025-09-01
end = 2026-07-10

[files]
carers = "carers.csv"
children = "children.csv"
pairs = "pairs.csv"

[[terms]]
id = "2025秋"
start = 2025-09-01
end = 2026-01-20

[[terms]]
id = "2026春"
start = 2026-02-20
end = 2026-07-10

{units}
[[duties]]
id = "visit"
who = "teacher"
what = "visit"
every = "term"

[[duties]]
id = "help"
who = "teacher"
what = "help"
every = "term"

[[duties]]
id = "info_check"
who = "teacher"
what = "info_check"
every = "term"

[[duties]]
id = "contact"
who = "teacher"
what = "contact"
every = "month"
"""

TERMS = (
    ("2025秋", date(2025, 9, 1), date(2026, 1, 20)),
    ("2026春", date(2026, 2, 20), date(2026, 7, 10)),
)
YEAR_START, YEAR_END = date(2025, 9, 1), date(2026, 7, 10)
AS_OF = YEAR_END
TERMLY = {"visit": "家访", "help": "帮扶", "info_check": "信息核查"}
DONE = {
    "visit": ("到家中走访,与监护人交谈", "家访,查看学习和居住环境", "家访并辅导作业"),
    "help": ("送去文具和冬衣", "辅导数学作业", "联系村里解决上学路上的安全问题"),
    "info_check": ("核对监护人和联系方式", "核对家庭情况和外出务工信息"),
    "contact": ("电话联系监护人", "与孩子谈心", "视频联系在外务工的父母"),
}
HEADER = ["儿童编号/child_id", "事项/kind", "日期/date", "做了什么/done", "发现的问题/problems",
          "是否解决/solved", "是否上报/reported", "补记周期/for_period"]  # fmt: skip


# ---------------------------------------------------------------- the county


def months() -> list[tuple[str, date, date]]:
    out = []
    first = YEAR_START
    while first <= YEAR_END:
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append((f"{first:%Y-%m}", first, min(nxt - timedelta(days=1), YEAR_END)))
        first = nxt
    return out


def some_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def county_records(
    carers: int, per_carer: int, rng: random.Random
) -> Iterator[tuple[str, list[list[object]]]]:
    """Each teacher's filled rows: most duties done, ~13% missed, some made up a month late."""
    spans = months()
    for t in range(carers):
        rows: list[list[object]] = []
        for k in range(per_carer):
            child = f"C{t * per_carer + k:06d}"
            for _term, start, end in TERMS:
                for kind, label in TERMLY.items():
                    if rng.random() < 0.87:
                        rows.append([child, label, some_day(rng, start, end).isoformat(),
                                     rng.choice(DONE[kind]), "", "", "", ""])  # fmt: skip
            for i, (month, start, end) in enumerate(spans):
                if rng.random() < 0.87:
                    problem = rng.random() < 0.01
                    rows.append([child, "联系", some_day(rng, start, end).isoformat(),
                                 rng.choice(DONE["contact"]),
                                 "监护人生病,无人辅导作业" if problem else "",
                                 ("是" if rng.random() < 0.5 else "否") if problem else "",
                                 "是" if problem and rng.random() < 0.5 else "", ""])  # fmt: skip
                elif i + 1 < len(spans) and rng.random() < 0.3:
                    _, nstart, nend = spans[i + 1]
                    rows.append([child, "联系", some_day(rng, nstart, nend).isoformat(),
                                 "补:电话联系监护人", "", "", "", month])  # fmt: skip
        yield f"T{t:05d}", rows


def _ledger_helpers() -> ModuleType:
    """The ledger tests' helpers, whose ``make_programme`` writes a programme folder
    (one builder for tests and benchmark; loaded by path: this script is also "followup")."""
    path = Path(__file__).resolve().parent.parent / "tests" / "followup" / "ledger_helpers.py"
    spec = importlib.util.spec_from_file_location("ledger_helpers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_county(cache: Path, children: int, carers: int, units: int) -> tuple[Path, list[Path]]:
    """The programme folder and the record sheets, generated once into ``cache``."""
    key = f"v{CACHE_VERSION}-{children}-{carers}-{units}"
    folder = cache / key
    done = folder / "ready"
    paths = [folder / "records" / f"T{t:05d}.xlsx" for t in range(carers)]
    if done.exists():
        return folder, paths
    started = time.perf_counter()
    rng = random.Random(20250901)
    (folder / "records").mkdir(parents=True, exist_ok=True)
    unit_ids = [f"U{u:02d}" for u in range(units)]
    unit_toml = "".join(
        f'[[units]]\nid = "{u}"\nname = "第{i + 1}小学"\n\n' for i, u in enumerate(unit_ids)
    )
    per_carer = children // carers
    _ledger_helpers().make_programme(
        folder,
        toml=PROGRAMME_TOML.format(units=unit_toml),
        carers=[["编号", "姓名", "角色", "单位"]] + [
            [f"T{t:05d}", f"教师{t:05d}", "teacher", unit_ids[t * units // carers]]
            for t in range(carers)
        ],
        children=[["编号", "姓名", "性别", "类别", "单位"]] + [
            [f"C{c:06d}", f"儿童{c:06d}", "男女"[c % 2], "留守",
             unit_ids[(c // per_carer) * units // carers]]
            for c in range(children)
        ],
        pairs=[["结对人编号", "儿童编号", "开始"]] + [
            [f"T{c // per_carer:05d}", f"C{c:06d}", YEAR_START.isoformat()] for c in range(children)
        ],
    )  # fmt: skip
    total = 0
    for (carer, rows), path in zip(county_records(carers, per_carer, rng), paths, strict=True):
        write_record_book(path, "county-bench", carer, rows)
        total += len(rows)
    done.write_text(str(total))
    print(f"generated {total:,} records in {carers:,} sheets in {time.perf_counter() - started:.1f} s "
          f"(cached in {folder})", file=sys.stderr)  # fmt: skip
    return folder, paths


# ---------------------------------------------------------------- a bare xlsx writer


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _sheet_xml(rows: Sequence[Sequence[object]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']  # fmt: skip
    for r, row in enumerate(rows, start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            out.append(
                f'<c r="{_col(c)}{r}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'
            )
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> None:
    """A minimal .xlsx (inline strings only): 50× faster than openpyxl for bulk rows."""
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   f"{types}</Types>")  # fmt: skip
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{main}/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        listed = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, start=1)
        )
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   f'xmlns:r="{main}"><sheets>{listed}</sheets></workbook>')  # fmt: skip
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{main}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f"{rels}</Relationships>")  # fmt: skip
        for i, rows in enumerate(sheets.values(), start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))


def write_record_book(
    path: Path, programme_id: str, carer_id: str, rows: list[list[object]]
) -> None:
    """A filled record sheet as ``planner followup import`` reads it."""
    from planner.followup.intake import ABOUT_CARER, ABOUT_PROGRAMME, ABOUT_SHEET, RECORDS_SHEET

    write_xlsx(path, {
        RECORDS_SHEET: [HEADER, *rows],
        ABOUT_SHEET: [[ABOUT_PROGRAMME, programme_id], [ABOUT_CARER, carer_id]],
    })  # fmt: skip


# ---------------------------------------------------------------- databases


@contextmanager
def fresh_db(kind: str, pg_admin: str | None, scratch: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        path = scratch / f"ledger-{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    assert pg_admin
    with _ledger_helpers().pg_database(pg_admin, "planner_bench") as url:
        yield url


def run_step(step: str, **args: str) -> dict[str, float]:
    """One measurement in its own process (so its peak memory is its own)."""
    cmd = [sys.executable, __file__, "--step", step]
    for key, value in args.items():
        cmd += [f"--{key.replace('_', '-')}", value]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"step {step} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Clock:
    """Wall time and this process's CPU time since start (the machine may be shared:
    CPU time is what the work itself cost here; the server's share on PostgreSQL is not in it)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- the steps (child processes)


def _synced(url: str, folder: Path):
    from planner.followup.db import open_ledger
    from planner.followup.load import load_programme
    from planner.followup.sync import sync

    loaded = load_programme(folder)
    engine = open_ledger(url)
    sync(engine, loaded, today=AS_OF + timedelta(days=1))
    return engine, loaded.programme


def _record_files(folder: Path) -> list[Path]:
    return sorted((folder / "records").glob("*.xlsx"))


def step_read(folder: Path) -> dict[str, float]:
    """Only opening the files and reading their cells (what import must do first)."""
    from python_calamine import CalamineWorkbook

    from planner.followup.intake import RECORDS_SHEET

    clock = Clock()
    rows = 0
    for path in _record_files(folder):
        book = CalamineWorkbook.from_path(str(path))
        rows += len(book.get_sheet_by_name(RECORDS_SHEET).to_python(skip_empty_area=False)) - 1
    seconds, cpu = clock.read()
    return {"seconds": seconds, "cpu": cpu, "rows": rows, "peak_mb": peak_mb()}


def step_import(url: str, folder: Path) -> dict[str, float]:
    from planner.followup.intake import import_files

    engine, programme = _synced(url, folder)
    paths = _record_files(folder)
    clock = Clock()
    results = import_files(engine, programme, paths, today=AS_OF + timedelta(days=1))
    seconds, cpu = clock.read()
    bad = [r for r in results if not r.ok]
    if bad:
        raise SystemExit(f"{len(bad)} files refused, e.g. {bad[0].problems[:3]}")
    added = sum(r.added for r in results)
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "records": added, "peak_mb": peak_mb()}


def _floor_rows(folder: Path, programme_id: str) -> list[dict[str, object]]:
    """The rows import writes, built outside the timing: ids, kinds, dates, fingerprints."""
    from python_calamine import CalamineWorkbook

    from planner.followup.intake import RECORDS_SHEET, fingerprint

    kinds = {"家访": "visit", "帮扶": "help", "信息核查": "info_check", "联系": "contact"}
    now = datetime.now(UTC)
    out: list[dict[str, object]] = []
    for path in _record_files(folder):
        carer = path.stem
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(RECORDS_SHEET).to_python()
        for child, kind, on, done, problems, solved, reported, for_period in grid[1:]:
            day = date.fromisoformat(str(on))
            what = kinds[str(kind)]
            out.append(dict(
                programme_id=programme_id, carer_id=carer, child_id=child, kind=what, on=day,
                for_period=for_period or None, done=done or None, problems=problems or None,
                solved=(solved == "是") if solved else None, reported=reported == "是",
                thinking=None, study=None, life=None, family_education=None, progress=None,
                shortfalls=None, source=path.name, entered_at=now,
                fingerprint=fingerprint(programme_id, carer, str(child), what, day,
                                        for_period or None, str(done)),
            ))  # fmt: skip
    return out


def step_floor(url: str, folder: Path) -> dict[str, float]:
    from sqlalchemy import insert

    from planner.followup import schema

    engine, programme = _synced(url, folder)
    rows = _floor_rows(folder, programme.id)
    clock = Clock()
    with engine.begin() as conn:
        conn.execute(insert(schema.record), rows)
    seconds, cpu = clock.read()
    engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "records": len(rows), "peak_mb": peak_mb()}


def step_due(url: str, folder: Path) -> dict[str, float]:
    """compute_due for the whole county, then the hand-written counting query."""
    from sqlalchemy import text

    from planner.followup.db import open_ledger
    from planner.followup.due import _record_groups, compute_due
    from planner.followup.load import read_programme

    programme = read_programme(folder)
    engine = open_ledger(url)

    clock = Clock()
    report = compute_due(engine, programme, AS_OF)
    cold_seconds, _ = clock.read()  # with its lazy imports
    clock = Clock()
    report = compute_due(engine, programme, AS_OF)
    due_seconds, due_cpu = clock.read()
    # the best plain SQL we could write for the counts due needs: per (child, kind, period),
    # records of the duties' kinds by a carer of the duty's role, dated by the day asked
    # about, a make-up under the period it was made up for. The month is cut from the ISO
    # text on SQLite (strftime was 1.5x slower); the covering index is read, no table rows.
    month = (
        'substr(r."on", 1, 7)'
        if engine.dialect.name == "sqlite"
        else "to_char(r.\"on\", 'YYYY-MM')"
    )
    terms = " ".join(f"WHEN r.\"on\" BETWEEN '{s}' AND '{e}' THEN '{t}'" for t, s, e in TERMS)
    query = text(f"""
        SELECT r.child_id, r.kind,
               COALESCE(r.for_period, CASE WHEN r.kind = 'contact' THEN {month}
                                           ELSE CASE {terms} END END) AS period,
               count(*)
        FROM record r JOIN carer c ON c.programme_id = r.programme_id AND c.id = r.carer_id
        WHERE r.programme_id = :pid AND c.role = 'teacher' AND r."on" <= :as_of
              AND r.kind IN ('visit', 'help', 'info_check', 'contact')
        GROUP BY 1, 2, 3
    """)
    clock = Clock()
    with engine.connect() as conn:
        groups = conn.execute(query, {"pid": programme.id, "as_of": AS_OF.isoformat()}).all()
    sql_seconds, sql_cpu = clock.read()
    clock = Clock()  # due's own query alone: the same counts packed per (child, carer, make-up)
    packed = _record_groups(engine, programme.id, sorted({d.what for d in programme.duties}), AS_OF)
    packed_seconds, packed_cpu = clock.read()
    engine.dispose()
    return {
        "peak_mb": peak_mb(),
        "due_seconds": due_seconds,
        "due_cpu": due_cpu,
        "sql_cpu": sql_cpu,
        "cold_seconds": cold_seconds,
        "due_items": len(report.items),
        "due_overdue": report.total.overdue,
        "sql_seconds": sql_seconds,
        "sql_groups": len(groups),
        "packed_seconds": packed_seconds,
        "packed_cpu": packed_cpu,
        "packed_groups": len(packed[0][0]),
    }


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--carers", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--pg", default=os.environ.get(PG_ENV))
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "planner-bench-followup"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        steps = {"read": lambda: step_read(args.folder),
                 "import": lambda: step_import(args.url, args.folder),
                 "floor": lambda: step_floor(args.url, args.folder),
                 "due": lambda: step_due(args.url, args.folder)}  # fmt: skip
        print(json.dumps(steps[args.step]()))
        return

    folder, _ = make_county(args.cache, args.children, args.carers, args.units)
    records = int((folder / "ready").read_text())
    print(f"county: {args.children:,} children, {args.carers:,} teachers, {args.units} schools, "
          f"{records:,} records in {args.carers:,} record sheets (.xlsx)")  # fmt: skip
    read = run_step("read", folder=str(folder))
    load = os.getloadavg()[0]
    print(
        f"(load average {load:.1f} on {os.cpu_count()} CPUs; wall seconds, then this process's CPU seconds)"
    )
    print(f"read the files only (calamine): {read['seconds']:.2f} s (cpu {read['cpu']:.2f} s), "
          f"{read['rows']:,.0f} rows, peak {read['peak_mb']:.0f} MB")  # fmt: skip
    backends = ["sqlite", "postgresql"] if args.only is None else [args.only]
    with tempfile.TemporaryDirectory() as scratch:
        for kind in backends:
            if kind == "postgresql" and not args.pg:
                print(f"postgresql: skipped (no --pg and no {PG_ENV})")
                continue
            with fresh_db(kind, args.pg, Path(scratch)) as url:
                floor = run_step("floor", url=url, folder=str(folder))
            with fresh_db(kind, args.pg, Path(scratch)) as url:
                imp = run_step("import", url=url, folder=str(folder))
                due = run_step("due", url=url, folder=str(folder))
            print(f"\n{kind}:")
            print(f"  import   {imp['seconds']:7.2f} s (cpu {imp['cpu']:6.2f} s)  {imp['records']:,.0f} records "
                  f"({imp['records'] / imp['seconds']:,.0f}/s), peak {imp['peak_mb']:.0f} MB")  # fmt: skip
            print(f"  floor    {floor['seconds']:7.2f} s (cpu {floor['cpu']:6.2f} s)  bare executemany of "
                  f"{floor['records']:,.0f} rows, peak {floor['peak_mb']:.0f} MB")  # fmt: skip
            ratio = imp["seconds"] / floor["seconds"]
            cpu_ratio = imp["cpu"] / floor["cpu"]
            print(f"  import / floor = {ratio:.2f}x wall, {cpu_ratio:.2f}x cpu "
                  f"(target <= 3x: {'met' if ratio <= 3 else 'MISSED'})")  # fmt: skip
            target = " (target < 2 s: " + ("met)" if due["due_seconds"] < 2 else "MISSED)")
            print(f"  due      {due['due_seconds']:7.2f} s (cpu {due['due_cpu']:6.2f} s)  compute_due: "
                  f"{due['due_items']:,.0f} items, {due['due_overdue']:,.0f} overdue, "
                  f"peak {due['peak_mb']:.0f} MB; first call {due['cold_seconds']:.2f} s"
                  f"{target if kind == 'sqlite' else ''}")  # fmt: skip
            print(f"  due SQL  {due['sql_seconds']:7.2f} s (cpu {due['sql_cpu']:6.2f} s)  hand-written "
                  f"GROUP BY: {due['sql_groups']:,.0f} (child, kind, period) groups; "
                  f"compute_due / SQL = {due['due_seconds'] / due['sql_seconds']:.1f}x")  # fmt: skip
            print(f"  due's SQL{due['packed_seconds']:7.2f} s (cpu {due['packed_cpu']:6.2f} s)  the query "
                  f"compute_due runs, alone: {due['packed_groups']:,.0f} (child, carer, make-up) "
                  "rows of packed days and kinds")  # fmt: skip


if __name__ == "__main__":
    main()
