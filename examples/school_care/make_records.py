"""Writes the school care example: its people sheets and the teachers' filled record sheets.

Two village primary schools of 青石镇 (上坪 SP, 下河 XH), eight class teachers
and forty children (20 per school, 5 per teacher). All people are invented.
The spring term 2026春 is filled in as the teachers would: most duties done,
some missed, a few done late as make-ups, a few problems found (some solved
on the spot, some reported upward to the township school). On 30 April 周老师
(T04) moves to another school and 谢老师 (T09) takes over her five children.

Run it from the repository root after changing it (the output is committed;
the same script writes the same rows every time)::

    python examples/school_care/make_records.py

The record sheets are the ones ``planner followup sheets`` writes, filled in:
the script syncs the people into a throwaway ledger, asks ``sheets`` for one
blank workbook per teacher and writes the rows into its records tab.
"""

from __future__ import annotations

import io
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from planner.io import stable_zip

HERE = Path(__file__).resolve().parent
SEED = 2026

UNITS = {"SP": "青石镇上坪村小学", "XH": "青石镇下河村小学"}
VILLAGES = {"SP": ("上坪村", "石门村", "松林村"), "XH": ("下河村", "柳湾村", "桥头村")}

#: id, name, unit, grade (each class teacher keeps the children of their class)
TEACHERS = [
    ("T01", "李建华", "SP", "三年级"),
    ("T02", "王春燕", "SP", "四年级"),
    ("T03", "张志强", "SP", "五年级"),
    ("T04", "周雪梅", "SP", "六年级"),
    ("T05", "刘丽华", "XH", "三年级"),
    ("T06", "陈光明", "XH", "四年级"),
    ("T07", "杨秀英", "XH", "五年级"),
    ("T08", "赵文静", "XH", "六年级"),
    ("T09", "谢晓峰", "SP", "六年级"),  # takes over 周雪梅's class on 1 May
]
LEAVES = date(2026, 4, 30)  # 周雪梅's last day
SUCCESSOR = "T09"

TERM_START, TERM_END = date(2026, 2, 24), date(2026, 7, 10)
#: The records run to the end of term; `due --as-of 2026-07-10` reads them.
LAST_DAY = TERM_END
LATE_CHILD, LATE_SINCE = "C40", date(2026, 3, 16)  # transferred in mid-March

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
BOYS = (
    "浩宇",
    "宇航",
    "俊杰",
    "明轩",
    "博文",
    "晨阳",
    "天佑",
    "子豪",
    "家乐",
    "志远",
    "文涛",
    "嘉豪",
)
GIRLS = (
    "欣怡",
    "雨桐",
    "佳怡",
    "梓萱",
    "诗琪",
    "紫涵",
    "可馨",
    "雅琪",
    "若曦",
    "思雨",
    "婉清",
    "小雪",
)
MEN = ("建国", "德明", "国强", "永福", "志刚", "长林")
WOMEN = ("桂兰", "秀珍", "玉兰", "春花", "红梅", "淑芬")

CATEGORIES = ["留守"] * 26 + ["留守、单亲"] * 4 + ["单亲"] * 3 + ["残疾"] * 2
CATEGORIES += ["留守、残疾"] + ["孤儿"] * 3 + ["留守"]
RELATIONS = {"留守": ("爷爷", "奶奶", "外公", "外婆"), "单亲": ("母亲", "父亲"),
             "残疾": ("母亲", "奶奶"), "孤儿": ("叔叔", "姑姑", "舅舅")}  # fmt: skip
GRADE_AGE = {"三年级": 9, "四年级": 10, "五年级": 11, "六年级": 12}


@dataclass(frozen=True)
class Kid:
    id: str
    name: str
    teacher: str
    unit: str
    grade: str
    category: str


def people(rng: random.Random) -> list[Kid]:
    """Forty children, five per class teacher; names drawn without repeats."""
    names: set[str] = set()
    kids: list[Kid] = []
    categories = CATEGORIES[:]
    rng.shuffle(categories)
    for n in range(40):
        tid, _, unit, grade = TEACHERS[n // 5]
        while True:
            name = rng.choice(SURNAMES) + rng.choice(BOYS if n % 2 == 0 else GIRLS)
            if name not in names:
                break
        names.add(name)
        kids.append(Kid(f"C{n + 1:02d}", name, tid, unit, grade, categories[n]))
    return kids


def write_book(path: Path, title: str, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))


def write_people(kids: list[Kid], rng: random.Random) -> None:
    carers: list[list[object]] = [["编号/id", "姓名/name", "角色/role", "单位/unit", "电话/phone"]]
    for n, (tid, name, unit, _) in enumerate(TEACHERS, start=1):
        carers.append([tid, name, "teacher", unit, f"1390000{n:04d}"])
    write_book(HERE / "carers.xlsx", "carers", carers)

    children: list[list[object]] = [[
        "编号/id", "姓名/name", "性别/gender", "出生日期/birth_date", "年级/grade", "学校/school",
        "村/village", "类别/categories", "监护人关系/guardian_relation", "监护人姓名/guardian_name",
        "监护人电话/guardian_phone", "需要/needs", "健康备注/medical_notes", "单位/unit",
    ]]  # fmt: skip
    for n, kid in enumerate(kids, start=1):
        kind = kid.category.split("、")[-1] if "残疾" in kid.category else kid.category[:2]
        relation = rng.choice(RELATIONS[kind])
        born = date(2026 - GRADE_AGE[kid.grade] - 1, rng.randint(9, 12), rng.randint(1, 28))
        same_name = relation in ("爷爷", "父亲", "叔叔")
        guardian = (kid.name[0] if same_name else rng.choice(SURNAMES)) + rng.choice(
            MEN if relation in ("爷爷", "外公", "父亲", "叔叔", "舅舅") else WOMEN
        )
        needs = "轮椅" if kid.category.endswith("残疾") and n % 2 else (
            "数学辅导" if n % 7 == 0 else "")  # fmt: skip
        children.append([
            kid.id, kid.name, "男" if n % 2 else "女", born.isoformat(), kid.grade, UNITS[kid.unit],
            rng.choice(VILLAGES[kid.unit]), kid.category, relation, guardian,
            f"1370000{n:04d}", needs, "哮喘,随身带药" if n == 23 else "", kid.unit,
        ])  # fmt: skip
    write_book(HERE / "children.xlsx", "children", children)

    pairs: list[list[object]] = [
        ["结对人编号/carer", "儿童编号/child_id", "开始/since", "结束/until"]
    ]
    for kid in kids:
        since = LATE_SINCE if kid.id == LATE_CHILD else TERM_START
        if kid.teacher == "T04":
            pairs.append([kid.teacher, kid.id, since.isoformat(), LEAVES.isoformat()])
            pairs.append([SUCCESSOR, kid.id, (LEAVES + timedelta(days=1)).isoformat(), ""])
        else:
            pairs.append([kid.teacher, kid.id, since.isoformat(), ""])
    write_book(HERE / "pairs.xlsx", "pairs", pairs)


#: What a teacher writes under 做了什么, by kind.
DONE = {
    "visit": (
        "到家中走访,和监护人谈孩子的学习和生活",
        "家访,看了孩子的住处和作业",
        "家访,和爷爷奶奶谈安全",
    ),
    "help": (
        "送去冬衣和文具",
        "每周两次放学后辅导数学",
        "帮助申请营养午餐补助",
        "联系村委会修好了上学路上的桥栏",
    ),
    "info_check": ("核对监护人、联系电话和父母务工地", "核对家庭情况,更新档案"),
    "contact": ("电话联系监护人", "和孩子谈心", "和在外务工的父母视频通话", "电话联系孩子父母"),
    "growth_record": ("填写本学期成长记录",),
}
GROWTH = {
    "thinking": ("积极向上,愿意和老师说心里话", "比较内向,慢慢愿意参加集体活动"),
    "study": ("成绩中等,数学有进步", "语文阅读较好,作业按时完成", "基础较弱,需要继续辅导"),
    "life": ("生活自理能力较好", "能帮爷爷奶奶做家务"),
    "family_education": ("隔代监护,爷爷奶奶管生活,学习上管不了", "父母每周视频一次"),
    "progress": ("上课发言多了", "按时交作业了", "和同学相处融洽"),
    "shortfalls": ("注意力不够集中", "不爱说话,遇事不敢求助", "偶尔不交作业"),
}
#: (child, kind): the problem found on the first such record, solved?, reported upward?
PROBLEMS = {
    ("C07", "visit"): ("视力下降,看不清黑板", True, False),
    ("C19", "visit"): ("房屋漏雨,爷爷年老无力修缮", False, True),
    ("C22", "contact"): ("父母离异后情绪低落,不愿与同学交流", True, False),
    ("C33", "visit"): ("监护人(奶奶)住院,放学后无人照看", False, True),
    ("C14", "info_check"): ("父亲外出务工后联系不上,电话停机", False, True),
}
#: Duties a teacher let slip: (teacher or child, kind, period) to leave out.
MISSED = {
    ("C12", "visit", "2026春"), ("C14", "visit", "2026春"), ("C11", "contact", "2026-04"),
    ("C13", "contact", "2026-04"), ("C15", "contact", "2026-04"), ("C11", "contact", "2026-02"),
    ("C12", "contact", "2026-02"), ("C27", "info_check", "2026春"), ("C29", "info_check", "2026春"),
    ("C26", "contact", "2026-06"), ("C20", "help", "2026春"), ("C15", "growth_record", "2026春"),
    ("C36", "contact", "2026-07"), ("C37", "contact", "2026-07"), ("C38", "contact", "2026-07"),
}  # fmt: skip
#: 周雪梅's children whose visits, help and checks 谢老师 did after taking over.
LEFT_FOR_SUCCESSOR = ("C19", "C20")
#: Made up a month late (``补记周期``): (child, kind, period, day).
MADE_UP = [("C13", "contact", "2026-04", date(2026, 5, 8))]
MONTHS = [("2026-02", date(2026, 2, 24), date(2026, 2, 28)), ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
          ("2026-04", date(2026, 4, 1), date(2026, 4, 30)), ("2026-05", date(2026, 5, 1), date(2026, 5, 31)),
          ("2026-06", date(2026, 6, 1), date(2026, 6, 30)), ("2026-07", date(2026, 7, 1), LAST_DAY)]  # fmt: skip


def weekday(rng: random.Random, start: date, end: date) -> date:
    """A school day between start and end (a weekend day moves back to Friday)."""
    day = start + timedelta(days=rng.randrange((end - start).days + 1))
    while day.weekday() >= 5 and day - timedelta(days=1) >= start:
        day -= timedelta(days=1)
    return day


def carer_on(kid: Kid, day: date) -> str:
    return SUCCESSOR if kid.teacher == "T04" and day > LEAVES else kid.teacher


def records(kids: list[Kid], rng: random.Random) -> dict[str, list[list[object]]]:
    """Each teacher's rows: child, kind, date, done, problems, solved, reported, for_period, growth."""
    rows: dict[str, list[list[object]]] = {t[0]: [] for t in TEACHERS}
    labels = {"visit": "家访", "help": "帮扶", "info_check": "信息核查", "contact": "联系",
              "growth_record": "成长记录"}  # fmt: skip
    found: set[tuple[str, str]] = set()

    def add(kid: Kid, kind: str, day: date, for_period: str = "") -> None:
        problem, solved, reported = PROBLEMS.get((kid.id, kind), ("", None, None))
        if (kid.id, kind) in found:
            problem, solved, reported = "", None, None
        found.add((kid.id, kind))
        growth = [rng.choice(GROWTH[f]) for f in GROWTH] if kind == "growth_record" else [""] * 6
        rows[carer_on(kid, day)].append([
            kid.id, labels[kind], day, rng.choice(DONE[kind]), problem,
            "" if solved is None else ("是" if solved else "否"),
            "" if reported is None else ("是" if reported else "否"), for_period, *growth,
        ])  # fmt: skip

    for kid in kids:
        since = LATE_SINCE if kid.id == LATE_CHILD else TERM_START
        for kind in ("visit", "help", "info_check"):
            if (kid.id, kind, "2026春") in MISSED:
                continue
            if kid.id in LEFT_FOR_SUCCESSOR or (kid.id, kind) == ("C18", "help"):
                add(kid, kind, weekday(rng, date(2026, 5, 6), date(2026, 6, 19)))  # 谢老师
            elif kid.teacher == "T04":
                add(kid, kind, weekday(rng, date(2026, 3, 2), date(2026, 4, 24)))  # before she left
            else:
                add(kid, kind, weekday(rng, max(since, date(2026, 3, 2)), date(2026, 6, 19)))
        if (kid.id, "growth_record", "2026春") not in MISSED:
            add(kid, "growth_record", weekday(rng, date(2026, 6, 22), date(2026, 7, 3)))
        for month, start, end in MONTHS:
            if end < since or (kid.id, "contact", month) in MISSED:
                continue
            add(kid, "contact", weekday(rng, max(start, since), end))
    for child, kind, period, day in MADE_UP:
        kid = next(k for k in kids if k.id == child)
        add(kid, kind, day, period)
    for teacher_rows in rows.values():
        teacher_rows.sort(key=lambda r: (r[2], r[0], r[1]))
    return rows


def write_records(rows: dict[str, list[list[object]]]) -> None:
    """Blank sheets from ``planner followup sheets`` (as handed out), filled in and saved.

    The teachers got theirs on the first day of term; 谢老师 got hers on her
    first day, after 周老师's sheet had been imported (so it shows what was
    still open for her five children).
    """
    from planner.followup.db import open_ledger
    from planner.followup.intake import RECORDS_SHEET, import_files
    from planner.followup.load import load_programme
    from planner.followup.sheets import write_sheets
    from planner.followup.sync import sync

    loaded = load_programme(HERE)
    out = HERE / "records"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()

    def fill(blank: Path) -> Path:
        book = load_workbook(blank)
        sheet = book[RECORDS_SHEET]
        for r, row in enumerate(rows[blank.stem], start=3):  # row 2 is the example
            for c, value in enumerate(row, start=1):
                if value != "":
                    sheet.cell(r, c, value)
        buffer = io.BytesIO()
        book.save(buffer)
        filled = out / blank.name
        filled.write_bytes(stable_zip(buffer.getvalue()))
        return filled

    with tempfile.TemporaryDirectory() as scratch:
        engine = open_ledger(f"sqlite:///{Path(scratch) / 'ledger.sqlite3'}")
        sync(engine, loaded, today=TERM_START)
        blank = Path(scratch) / "blank"
        for path in write_sheets(engine, loaded.programme, blank, as_of=TERM_START):
            fill(path)
        takeover = LEAVES + timedelta(days=1)
        (result,) = import_files(engine, loaded, [out / "T04.xlsx"], today=takeover)
        assert result.ok, result.problems
        (path,) = write_sheets(engine, loaded.programme, blank, as_of=takeover, carers=[SUCCESSOR])
        fill(path)
        engine.dispose()


if __name__ == "__main__":
    rng = random.Random(SEED)
    kids = people(rng)
    write_people(kids, rng)
    write_records(records(kids, rng))
    print("wrote carers.xlsx, children.xlsx, pairs.xlsx and records/*.xlsx", file=sys.stderr)
