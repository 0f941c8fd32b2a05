"""Generated event folders at any size, geographic: villages and volunteer districts as points.

Used by ``bench/plan.py`` (figures) and by the scale tests (the plan checker
on every size). Invented data only; the same arguments give the same folder,
byte for byte (one seeded ``random.Random``).

Two shapes:

* ``pairing(applicants, children)``: a county's long-term one-to-one pairing
  programme (no day): screening with quotas, pairs by distance, dialect,
  skills; a few locked and forbidden pairs, special-care children and
  (optionally) sibling pairs.
* ``day_trip(children, buses)``: a day out, each volunteer taking two
  children, buses from a depot collecting children in their villages, a meal.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from pathlib import Path

VOLUNTEER_HEADER = [
    "编号/id",
    "姓名/name",
    "性别/gender",
    "年龄/age",
    "电话/phone",
    "特长/skills",
    "方言/dialects",
    "责任心/responsibility",
    "耐心/patience",
    "爱心/caring",
    "面试/interview",
    "已培训/training_done",
    "背景审查/background_check",
    "审查日期/check_date",
    "最多带几名/max_children",
    "居住区域/home_area",
    "当天可到/available",
]
CHILD_HEADER = [
    "编号/id",
    "姓名/name",
    "性别/gender",
    "出生日期/birth_date",
    "村/village",
    "上车点/pickup_point",
    "类别/categories",
    "监护人关系/guardian_relation",
    "监护人姓名/guardian_name",
    "监护人电话/guardian_phone",
    "需要/needs",
    "兄弟姐妹组/sibling_group",
    "方言/dialects",
    "外出同意/outing_consent",
    "照片同意/photo_consent",
]
SKILLS = ["急救", "组织游戏", "心理辅导", "美术", "音乐", "数学", "语文", "驾驶"]
NEEDS = ["数学辅导", "语文辅导", "心理辅导"]
DIALECTS = ["陕西话", "四川话", "河南话", "普通话"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


@dataclass(frozen=True)
class Size:
    """One generated event: its shape and its numbers."""

    name: str
    shape: str  # "pairing" or "day_trip"
    applicants: int
    select: int
    children: int
    max_children: int
    buses: int = 0
    siblings: bool = False


#: The bench's five sizes, smallest first.
SIZES: tuple[Size, ...] = (
    Size("pairing-400x300", "pairing", 400, 300, 300, 1),
    Size("pairing-1500x1000", "pairing", 1500, 1000, 1000, 1),
    Size("pairing-5000x3000", "pairing", 5000, 3000, 3000, 1),
    Size("trip-150-on-4", "day_trip", 120, 80, 150, 2, buses=4, siblings=True),
    Size("trip-600-on-15", "day_trip", 450, 320, 600, 2, buses=15, siblings=True),
)


def _points(
    rng: random.Random, count: int, prefix: str, side_km: float
) -> list[tuple[str, float, float]]:
    """``count`` named points in a square of ``side_km`` around Xi'an."""
    out = []
    for i in range(count):
        x, y = rng.uniform(0, side_km), rng.uniform(0, side_km)
        lat = 34.0 + y / 111.0
        lon = 108.5 + x / (111.0 * math.cos(math.radians(34.2)))
        out.append((f"{prefix}{i:03d}", round(lat, 5), round(lon, 5)))
    return out


def write_event(folder: Path, size: Size, *, seed: int = 2026) -> Path:
    """Write the event folder for ``size`` (event.toml, volunteers.csv, children.csv)."""
    rng = random.Random(f"{seed}:{size.name}")
    folder.mkdir(parents=True, exist_ok=True)
    n_villages = max(6, size.children // 20)
    n_districts = max(4, size.applicants // 200)
    side = 20 + 2 * math.sqrt(size.children)
    villages = _points(rng, n_villages, "村", side)
    districts = _points(rng, n_districts, "区", side)
    children = _children(rng, size, villages)
    volunteers = _volunteers(rng, size, districts)
    locked, forbidden = _pair_rules(rng, volunteers, children, size)
    _write_csv(folder / "volunteers.csv", VOLUNTEER_HEADER, volunteers)
    _write_csv(folder / "children.csv", CHILD_HEADER, children)
    toml = _event_toml(size, villages, districts, locked, forbidden)
    (folder / "event.toml").write_text(toml, encoding="utf-8")
    return folder


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _name(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice("小明红刚丽华强芳军燕") + rng.choice("一二三四五六七八")
    )


def _children(
    rng: random.Random, size: Size, villages: list[tuple[str, float, float]]
) -> list[list[str]]:
    rows = []
    i = 0
    while i < size.children:
        village = rng.choice(villages)[0]
        twins = size.siblings and i + 1 < size.children and rng.random() < 0.1
        group = f"S{i + 1:05d}" if twins else ""
        for _ in range(2 if twins else 1):
            cid = f"C{i + 1:05d}"
            needs = (
                "轮椅" if rng.random() < 0.01 else (rng.choice(NEEDS) if rng.random() < 0.2 else "")
            )
            rows.append(
                [
                    cid,
                    _name(rng),
                    rng.choice(["男", "女"]),
                    f"{rng.randint(2011, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    village,
                    village,
                    rng.choice(["留守", "留守", "单亲", "孤儿"]),
                    rng.choice(["奶奶", "爷爷", "外婆", "姑姑"]),
                    _name(rng),
                    f"137{rng.randint(10_000_000, 99_999_999)}",
                    needs,
                    group,
                    rng.choice(DIALECTS),
                    "是",
                    "是",
                ]
            )
            i += 1
    return rows


def _volunteers(
    rng: random.Random, size: Size, districts: list[tuple[str, float, float]]
) -> list[list[str]]:
    rows = []
    for i in range(size.applicants):
        skills = rng.sample(SKILLS, rng.randint(0, 2))
        if rng.random() < 0.04:
            skills.append("特殊教育")
        if i % 6 == 0 and "组织游戏" not in skills:  # enough to run every game group
            skills.append("组织游戏")
        trained = "否" if rng.random() < 0.05 else "是"
        rows.append(
            [
                f"V{i + 1:05d}",
                _name(rng),
                rng.choice(["男", "女"]),
                str(rng.randint(18, 55)),
                f"139{rng.randint(10_000_000, 99_999_999)}",
                "、".join(skills),
                rng.choice(DIALECTS),
                str(rng.randint(4, 10)),
                str(rng.randint(4, 10)),
                str(rng.randint(4, 10)),
                f"{rng.uniform(5, 10):.1f}",
                trained,
                "是",
                f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
                str(size.max_children),
                rng.choice(districts)[0],
                "是",
            ]
        )
    return rows


def _pair_rules(
    rng: random.Random, volunteers: list[list[str]], children: list[list[str]], size: Size
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A few locked pairs (trained volunteers, children without special needs or
    siblings) and forbidden pairs."""
    fit = [v[0] for v in volunteers if v[11] == "是"]
    free = [c[0] for c in children if c[10] != "轮椅" and not c[11]]
    count = max(1, size.children // 100)
    vols = rng.sample(fit, 2 * count)
    kids = rng.sample(free, 2 * count)
    locked = list(zip(vols[:count], kids[:count], strict=True))
    forbidden = list(zip(vols[count:], kids[count:], strict=True))
    return locked, forbidden


def _event_toml(
    size: Size,
    villages: list[tuple[str, float, float]],
    districts: list[tuple[str, float, float]],
    locked: list[tuple[str, str]],
    forbidden: list[tuple[str, str]],
) -> str:
    trip = size.shape == "day_trip"
    lines = [
        "# 生成的活动(虚构数据)",
        "[event]",
        f'id = "gen-{size.name}"',
        f'name = "生成活动 {size.name}"',
        "date = 2026-12-12",
        'timezone = "Asia/Shanghai"',
        f'shape = "{size.shape}"',
    ]
    if trip:
        lines += ['location = "park"', 'meeting_point = "park"']
    lines += ["", "[files]", 'volunteers = "volunteers.csv"', 'children = "children.csv"', ""]
    for pid, lat, lon in villages:
        lines += ["[[places]]", f'id = "{pid}"', f'name = "{pid}"', 'kind = "pickup"']
        lines += [f"lat = {lat}", f"lon = {lon}", ""]
    for pid, lat, lon in districts:
        lines += ["[[places]]", f'id = "{pid}"', f'name = "{pid}"', 'kind = "area"']
        lines += [f"lat = {lat}", f"lon = {lon}", ""]
    if trip:
        lines += _trip_places(size)
    lines += [
        "[screening]",
        f"select = {size.select}",
        "time_limit_s = 30",
        "",
        "[[screening.quotas]]",
        'skill = "first_aid"',
        f"min = {max(2, size.select // 20)}",
        "",
        "[[screening.quotas]]",
        'gender = "male"',
        f"min = {size.select // 3}",
        "",
        "[[screening.quotas]]",
        'gender = "female"',
        f"min = {size.select // 3}",
        "",
    ]
    if trip:  # each game group needs a volunteer who runs games
        lines += ["[[screening.quotas]]", 'skill = "games"', "min = 1", "per_group = true", ""]
    lines += [
        "[matching]",
        f"max_children = {size.max_children}",
        "distance_best_km = 3",
        "distance_worst_km = 30",
        "",
        "[matching.weights]",
        "same_gender = 10",
        "need_skill = 25",
        "dialect = 10",
        "distance = 15",
        "age_gap = 5",
        "continuity = 40",
        f"spread = {10 if size.max_children > 1 else 0}",
        "",
    ]
    for vid, cid in locked:
        lines += ["[[matching.locked]]", f'volunteer = "{vid}"', f'children = ["{cid}"]', ""]
    for vid, cid in forbidden:
        lines += ["[[matching.forbidden]]", f'volunteer = "{vid}"', f'child = "{cid}"', ""]
    if trip:
        lines += _trip_day(size)
    lines += ["[budget]", "", "[[budget.lines]]", 'item = "保险"', 'category = "保险"']
    lines += ['quantity = "children + volunteers"', 'unit_price = "5"', ""]
    return "\n".join(lines)


def _trip_places(size: Size) -> list[str]:
    # the restaurant seats everyone who may come (children and every applicant)
    seats = max(800, size.children + size.applicants)
    return [
        "[[places]]",
        'id = "depot"',
        'name = "车场"',
        'kind = "depot"',
        "lat = 34.22",
        "lon = 108.95",
        "",
        "[[places]]",
        'id = "park"',
        'name = "公园"',
        'kind = "venue"',
        "lat = 34.33",
        "lon = 109.06",
        "",
        "[[places]]",
        'id = "inn"',
        'name = "饭店"',
        'kind = "restaurant"',
        f"capacity = {seats}",
        "lat = 34.32",
        "lon = 109.05",
        "",
    ]


def _trip_day(size: Size) -> list[str]:
    escorts = max(2 * size.buses, -(-size.children // 8)) + 2
    lines = [
        "[groups]",
        f"count = {max(2, size.children // 60)}",
        "",
        "[itinerary]",
        'day_start = "06:00"',
        'day_end = "21:00"',
        'venue = "park"',
        f"escorts = {escorts}",
        "escort_ratio = 8",
        "min_adults_per_bus = 2",
        "",
        "[travel]",
        "speed_kmh = 40",
        "boarding_minutes = 3",
        "",
    ]
    for b in range(1, size.buses + 1):
        lines += [
            "[[buses]]",
            f'id = "B{b:02d}"',
            "seats = 49",
            'cost = "1200"',
            'depot = "depot"',
            "",
        ]
    activities = [
        ("pickup", "接孩子", "travel_out", 150, None, None, '["escorts", "children"]', '"06:00"'),
        ("games", "游戏", "games", 45, "pickup", "park", '["pairs"]', None),
        ("lunch", "午餐", "meal", 60, "games", "inn", '["everyone"]', None),
        ("return", "送回家", "travel_back", 150, "lunch", None, '["escorts", "children"]', None),
    ]
    for aid, title, kind, minutes, after, place, who, earliest in activities:
        lines += ["[[activities]]", f'id = "{aid}"', f'title = "{title}"', f'kind = "{kind}"']
        lines += [f"duration = {minutes}", f"who = {who}"]
        if after:
            lines.append(f'after = ["{after}"]')
        if place:
            lines.append(f'place = "{place}"')
        if earliest:
            lines.append(f"earliest = {earliest}")
        lines.append("")
    lines += [
        "[[meals]]",
        'id = "lunch"',
        'venue = "inn"',
        'activity = "lunch"',
        'opens = "10:30"',
        'closes = "15:00"',
        'price_per_head = "25"',
        "",
        "[tickets]",
        "required = true",
        "",
    ]
    return lines
