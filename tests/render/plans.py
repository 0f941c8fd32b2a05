"""Named plans with every part filled, built in Python (no solver needed).

Import as ``from render.plans import expo_plan`` (``tests`` is on the path).

``expo_plan()`` is a small day trip: 6 selected volunteers, 10 children,
2 groups, 2 buses (out and back), lunch, tickets, a budget and warnings.
``marked_plan()`` is the same plan with every sensitive field holding a
unique marker string, for the privacy test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.model import (
    Budget,
    BudgetLine,
    BusPlan,
    Child,
    Event,
    EventInfo,
    FundingLine,
    Group,
    Guardian,
    Leg,
    MealPlan,
    Notice,
    Pair,
    People,
    Person,
    Place,
    Plan,
    Rejection,
    StaffMember,
    Stop,
    TimelineItem,
    Volunteer,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 12)
OUTPUT_ROOT = Path(__file__).resolve().parent.parent / "output"


def at(hh: int, mm: int) -> datetime:
    return datetime.combine(DAY, time(hh, mm), TZ)


PLACES = [
    Place(id="depot", name="西安市红十字会", kind="depot", address="雁塔区(虚构)"),
    Place(id="shijing", name="石井村村委会", kind="pickup"),
    Place(id="liushuwan", name="柳树湾村小学", kind="pickup"),
    Place(id="wangjia", name="王家庄村口", kind="pickup"),
    Place(id="expo", name="西安世博园", kind="venue"),
    Place(id="expo_gate", name="世博园长安塔南门", kind="meeting"),
    Place(id="restaurant", name="浐灞生态农家菜馆", kind="restaurant"),
    Place(id="lawn_a", name="东草坪", kind="room"),
    Place(id="lawn_b", name="西草坪", kind="room"),
]

COORDINATOR = Person(
    name="陈建国", phone="029-87650000", email="coordinator@example.org", role="活动总协调"
)

#: (id, name, gender, phone, email)
VOLUNTEERS = [
    ("V01", "陶浩杰", "male", "13942806661", "v01@example.org"),
    ("V02", "邢艳芳", "female", "18798987312", "v02@example.org"),
    ("V03", "沈辉文", "male", "15137287313", None),
    ("V04", "尹磊", "male", "13939882264", "v04@example.org"),
    ("V05", "欧阳娜娜", "female", "13700000515", "v05@example.org"),
    ("V06", "李静", "female", "13800000616", "v06@example.org"),
    ("V07", "周末", "male", "13900000717", "v07@example.org"),
]

#: (id, name, gender, birth, pickup, relation, guardian, phone, needs, diet, allergies, medical)
CHILDREN = [
    (
        "C01",
        "王小明",
        "male",
        date(2015, 3, 8),
        "shijing",
        "grandmother",
        "王奶奶",
        "13700000101",
        ("counselling",),
        (),
        (),
        None,
    ),
    (
        "C02",
        "王小红",
        "female",
        date(2016, 5, 1),
        "shijing",
        "grandmother",
        "王奶奶",
        "13700000101",
        (),
        (),
        ("花生",),
        None,
    ),
    (
        "C03",
        "刘刚",
        "male",
        date(2014, 9, 1),
        "shijing",
        "maternal_grandfather",
        "刘外公",
        "13700000103",
        ("tutoring_math",),
        ("halal",),
        (),
        None,
    ),
    (
        "C04",
        "张丽",
        "female",
        date(2015, 1, 20),
        "liushuwan",
        "mother",
        "李梅",
        "13700000104",
        (),
        (),
        (),
        "哮喘,随身带喷雾",
    ),
    (
        "C05",
        "赵子涵",
        "female",
        date(2013, 7, 7),
        "liushuwan",
        "aunt",
        "赵芳",
        "13700000105",
        ("wheelchair",),
        ("vegetarian",),
        (),
        "下肢行动不便",
    ),
    (
        "C06",
        "孙强",
        "male",
        date(2014, 2, 2),
        "liushuwan",
        "grandfather",
        "孙大爷",
        "13700000106",
        (),
        (),
        (),
        None,
    ),
    (
        "C07",
        "周雨",
        "female",
        date(2016, 11, 30),
        "wangjia",
        "grandmother",
        "周奶奶",
        "13700000107",
        (),
        ("vegetarian",),
        ("芒果",),
        None,
    ),
    (
        "C08",
        "吴晨",
        "male",
        date(2015, 8, 15),
        "wangjia",
        "father",
        "吴建",
        "13700000108",
        (),
        (),
        (),
        None,
    ),
    (
        "C09",
        "郑欣",
        "female",
        date(2014, 4, 4),
        "wangjia",
        "grandmother",
        "郑奶奶",
        "13700000109",
        ("hearing",),
        (),
        (),
        "佩戴助听器",
    ),
    (
        "C10",
        "冯乐",
        "male",
        date(2013, 12, 12),
        "wangjia",
        "uncle",
        "冯伟",
        "13700000110",
        (),
        (),
        (),
        None,
    ),
    (
        "C11",
        "陈安",
        "male",
        date(2015, 6, 6),
        "shijing",
        "grandmother",
        "陈奶奶",
        "13700000111",
        (),
        (),
        (),
        None,
    ),
]

PAIRS = {
    "V01": ["C01", "C02"],
    "V02": ["C03", "C04"],
    "V03": ["C05", "C06"],
    "V04": ["C07", "C08"],
    "V05": ["C09"],
    "V06": ["C10"],
}


def _volunteers(mark: Callable[[str, str], str] | None) -> list[Volunteer]:
    out = []
    for vid, name, gender, phone, email in VOLUNTEERS:
        out.append(
            Volunteer(
                id=vid,
                name=name,
                gender=gender,
                age=24,
                phone=mark("vphone", vid) if mark else phone,
                email=mark("vemail", vid) + "@example.org" if mark else email,
                skills=("first_aid",) if vid in {"V02", "V05"} else (),
                training_done=True,
                background_check_done=True,
                notes=mark("vnotes", vid) if mark else None,
                max_children=2,
                home_area=mark("varea", vid) if mark else "未央区",
            )
        )
    return out


def _children(mark: Callable[[str, str], str] | None) -> list[Child]:
    out = []
    for (
        cid,
        name,
        gender,
        birth,
        pickup,
        relation,
        guardian,
        phone,
        needs,
        diet,
        allergies,
        medical,
    ) in CHILDREN:
        out.append(
            Child(
                id=cid,
                name=name,
                gender=gender,
                birth_date=birth,
                grade="三年级",
                school="青山镇小学",
                village=mark("village", cid) if mark else "石井村",
                pickup_point=pickup,
                categories=("left_behind", "single_parent")
                if cid in {"C02", "C05"}
                else ("left_behind",),
                guardian=Guardian(
                    relation=relation,
                    name=mark("gname", cid) if mark else guardian,
                    phone=mark("gphone", cid) if mark else phone,
                ),
                needs=needs,
                dietary=diet,
                allergies=(mark("allergy", cid),) if mark else allergies,
                medical_notes=mark("medical", cid) if mark else medical,
                sibling_group=mark("sibling", cid)
                if mark
                else ("wang" if cid in {"C01", "C02"} else None),
                outing_consent=cid != "C06",
                photo_consent=cid not in {"C04", "C09"},
                attending=cid != "C11",
            )
        )
    return out


def _settings() -> Event:
    return Event(
        id="expo-test",
        name="西安世园一日游",
        date=DAY,
        coordinator=COORDINATOR,
        emergency_phones={"急救": "120", "世园会医务室": "029-86000120"},
        places=tuple(PLACES),
        location="expo",
        meeting_point="expo_gate",
    )


def _timeline() -> list[TimelineItem]:
    return [
        TimelineItem(
            id="pickup",
            title="车队接孩子进城",
            title_en="Convoy collects the children",
            kind="travel_out",
            start=at(6, 30),
            end=at(9, 0),
            who=["escorts", "children"],
        ),
        TimelineItem(
            id="welcome",
            title="世博园门口集合、点名、分组",
            title_en="Gather and roll call",
            kind="gather",
            start=at(9, 5),
            end=at(9, 25),
            who=["everyone"],
            place="expo_gate",
        ),
        TimelineItem(
            id="tour_am",
            title="讲解员带领参观世博园(上午)",
            title_en="Guided visit (morning)",
            kind="tour",
            start=at(9, 30),
            end=at(11, 30),
            who=["everyone"],
            place="expo",
            note="跟紧讲解员",
        ),
        TimelineItem(
            id="lunch",
            title="午餐",
            title_en="Lunch",
            kind="meal",
            start=at(11, 45),
            end=at(12, 45),
            who=["everyone"],
            place="restaurant",
        ),
        TimelineItem(
            id="games-G1",
            title="游戏(第一组)",
            title_en="Games (group 1)",
            kind="games",
            start=at(13, 0),
            end=at(14, 0),
            who=["G1"],
            place="lawn_a",
        ),
        TimelineItem(
            id="games-G2",
            title="游戏(第二组)",
            title_en="Games (group 2)",
            kind="games",
            start=at(13, 0),
            end=at(14, 0),
            who=["G2"],
            place="lawn_b",
        ),
        TimelineItem(
            id="tour_pm",
            title="自由参观(结对)",
            title_en="Visit in pairs",
            kind="tour",
            start=at(14, 0),
            end=at(16, 0),
            who=["pairs"],
            place="expo",
        ),
        TimelineItem(
            id="photo",
            title="长安塔前合影留念",
            title_en="Group photo",
            kind="gather",
            start=at(16, 5),
            end=at(16, 25),
            who=["everyone"],
            place="expo_gate",
        ),
        TimelineItem(
            id="return",
            title="车队送孩子回家",
            title_en="Convoy takes the children home",
            kind="travel_back",
            start=at(16, 30),
            end=at(18, 30),
            who=["escorts", "children"],
        ),
    ]


def _buses() -> list[BusPlan]:
    b1 = BusPlan(
        id="B1",
        name="一号车(19 座中巴)",
        seats=19,
        driver="马师傅",
        driver_phone="13700001111",
        cost=Decimal("900"),
        legs=[
            Leg(
                from_="depot",
                to="expo",
                depart=at(6, 30),
                arrive=at(9, 0),
                volunteer_ids=["V01", "V03"],
                child_ids=["C01", "C02", "C03", "C05", "C06"],
                direction="out",
                stops=[
                    Stop(
                        point="shijing",
                        time=at(7, 25),
                        child_ids=["C01", "C02", "C03"],
                        kind="pickup",
                    ),
                    Stop(
                        point="liushuwan", time=at(7, 45), child_ids=["C05", "C06"], kind="pickup"
                    ),
                ],
            ),
            Leg(
                from_="expo",
                to="depot",
                depart=at(16, 30),
                arrive=at(18, 30),
                volunteer_ids=["V01", "V03"],
                child_ids=["C01", "C02", "C03", "C05", "C06"],
                direction="back",
                stops=[
                    Stop(
                        point="liushuwan", time=at(17, 30), child_ids=["C05", "C06"], kind="dropoff"
                    ),
                    Stop(
                        point="shijing",
                        time=at(17, 50),
                        child_ids=["C01", "C02", "C03"],
                        kind="dropoff",
                    ),
                ],
            ),
        ],
    )
    b2 = BusPlan(
        id="B2",
        name="二号车(19 座中巴)",
        seats=19,
        driver="雷师傅",
        driver_phone="13700002222",
        cost=Decimal("900"),
        legs=[
            Leg(
                from_="depot",
                to="expo",
                depart=at(6, 40),
                arrive=at(9, 0),
                volunteer_ids=["V04", "V06"],
                child_ids=["C04", "C07", "C08", "C09", "C10"],
                direction="out",
                stops=[
                    Stop(point="liushuwan", time=at(7, 40), child_ids=["C04"], kind="pickup"),
                    Stop(
                        point="wangjia",
                        time=at(7, 55),
                        child_ids=["C07", "C08", "C09", "C10"],
                        kind="pickup",
                    ),
                ],
            ),
            Leg(
                from_="expo",
                to="depot",
                depart=at(16, 30),
                arrive=at(18, 20),
                volunteer_ids=["V04", "V06"],
                child_ids=["C04", "C07", "C08", "C09", "C10"],
                direction="back",
                stops=[
                    Stop(
                        point="wangjia",
                        time=at(17, 35),
                        child_ids=["C07", "C08", "C09", "C10"],
                        kind="dropoff",
                    ),
                    Stop(point="liushuwan", time=at(17, 50), child_ids=["C04"], kind="dropoff"),
                ],
            ),
        ],
    )
    return [b1, b2]


def _budget() -> Budget:
    lines = [
        BudgetLine(
            item="世博园门票(儿童)",
            category="门票",
            quantity=Decimal(10),
            unit_price=Decimal(60),
            amount=Decimal(600),
        ),
        BudgetLine(
            item="世博园门票(志愿者)",
            category="门票",
            quantity=Decimal(6),
            unit_price=Decimal(120),
            amount=Decimal(720),
        ),
        BudgetLine(
            item="包车",
            category="交通",
            quantity=Decimal(2),
            unit_price=Decimal(900),
            amount=Decimal(1800),
        ),
        BudgetLine(
            item="午餐",
            category="餐饮",
            quantity=Decimal(19),
            unit_price=Decimal(30),
            amount=Decimal(570),
        ),
        BudgetLine(
            item="饮用水",
            category="餐饮",
            quantity=Decimal(19),
            unit_price=Decimal("1.5"),
            amount=Decimal("28.5"),
        ),
        BudgetLine(
            item="横幅",
            category="宣传",
            quantity=Decimal(1),
            unit_price=Decimal(80),
            amount=Decimal(80),
        ),
    ]
    by_cat: dict[str, Decimal] = {}
    for line in lines:
        by_cat[line.category] = by_cat.get(line.category, Decimal(0)) + line.amount
    subtotal = sum((line.amount for line in lines), Decimal(0))
    contingency = (subtotal * Decimal("0.05")).quantize(Decimal("0.01"))
    return Budget(
        lines=lines,
        by_category=by_cat,
        subtotal=subtotal,
        contingency_percent=Decimal(5),
        contingency=contingency,
        total=subtotal + contingency,
        per_child=((subtotal + contingency) / 10).quantize(Decimal("0.01")),
        cap=Decimal(12000),
        funding=[FundingLine(source="红十字会专项经费", amount=Decimal(8000))],
        balance=Decimal(8000) - subtotal - contingency,
        counts={"children": 10, "volunteers": 6, "attendees": 19},
    )


def expo_plan(mark: Callable[[str, str], str] | None = None) -> Plan:
    """The full named fixture plan (``mark`` replaces sensitive fields with markers)."""
    settings = _settings()
    volunteers = _volunteers(mark)
    children = _children(mark)
    return Plan(
        event=EventInfo(
            id=settings.id,
            name=settings.name,
            date=settings.date,
            timezone=settings.timezone,
            organiser="西安市红十字会",
            shape="day_trip",
            location="expo",
            meeting_point="expo_gate",
            coordinator=COORDINATOR,
            emergency_phones=dict(settings.emergency_phones),
        ),
        volunteers_selected=[v for v, *_ in VOLUNTEERS[:6]],
        volunteers_rejected=[Rejection(volunteer_id="V07", reason="背景审查未完成")],
        pairs=[
            Pair(volunteer_id=v, child_ids=c, score=80 - i, reasons=["同说四川话", "住得近"])
            for i, (v, c) in enumerate(PAIRS.items())
        ],
        groups=[
            Group(
                id="G1",
                name="第一组",
                volunteer_ids=["V01", "V02", "V03"],
                child_ids=["C01", "C02", "C03", "C04", "C05", "C06"],
                leader_id="V01",
                first_aider_ids=["V02"],
            ),
            Group(
                id="G2",
                name="第二组",
                volunteer_ids=["V04", "V05", "V06"],
                child_ids=["C07", "C08", "C09", "C10"],
                leader_id="V04",
                first_aider_ids=["V05"],
            ),
        ],
        timeline=_timeline(),
        buses=_buses(),
        meals=[
            MealPlan(
                id="lunch",
                venue="restaurant",
                time=at(11, 45),
                end=at(12, 45),
                headcount=19,
                children=10,
                adults=9,
                dietary={"halal": 1, "vegetarian": 2},
                seating={"G1": 9, "G2": 7, "staff": 3},
                price_per_head=Decimal(30),
            ),
        ],
        tickets={"child": 10, "volunteer": 6, "staff": 0},
        budget=_budget(),
        notices=[
            Notice(
                stage="itinerary",
                code="no_outing_consent",
                zh="C06 的外出同意书未交",
                en="C06 has no outing consent form",
            ),
            Notice(
                stage="itinerary",
                code="adults",
                zh="二号车只有 2 名成人(最少 2 名)",
                en="bus 2 has 2 adults (2 at least)",
            ),
        ],
        people=People(
            volunteers=volunteers,
            children=children,
            staff=[StaffMember(name="刘晓梅", role="讲解员", phone="029-86001001")],
            places=PLACES,
        ),
        settings=settings,
    )


def bare_plan() -> Plan:
    """The same event with no stage run: no pairs, groups, timeline, buses, meals or budget."""
    full = expo_plan()
    return Plan(event=full.event, people=full.people, settings=full.settings)


#: Category words in both languages and as raw values: none may reach a volunteer.
CATEGORY_WORDS = (
    "留守",
    "残疾",
    "单亲",
    "孤儿",
    "left-behind",
    "left_behind",
    "single-parent",
    "single_parent",
    "orphan",
    "disabled",
)


def marker(kind: str, ident: str) -> str:
    """A unique marker for one sensitive field; phones stay phone-shaped (11 digits)."""
    if kind == "vphone":
        return f"1990000{int(ident[1:]):04d}"
    if kind == "gphone":
        return f"1980000{int(ident[1:]):04d}"
    return f"ZZ{kind}{ident}ZZ"


def marked_plan() -> Plan:
    """expo_plan with every sensitive field a marker, and the allergies counted for the kitchen
    the way the itinerary stage does (``allergy:<name>``)."""
    plan = expo_plan(marker)
    meal = plan.meals[0]
    allergies = {
        f"allergy:{a}": 1 for c in plan.people.children for a in c.allergies if c.attending
    }
    plan.meals = [meal.model_copy(update={"dietary": {**meal.dietary, **allergies}})]
    return plan


def sensitive_strings(plan: Plan) -> dict[str, str]:
    """Every string no volunteer may see, mapped to what it is."""
    from planner.names import mask_phone

    found: dict[str, str] = {}
    for child in plan.people.children:
        found[child.name] = f"full name of {child.id}"
        if child.guardian:
            found[child.guardian.name] = f"guardian of {child.id}"
            if child.guardian.phone:
                found[child.guardian.phone] = f"guardian phone of {child.id}"
                found[mask_phone(child.guardian.phone)] = f"masked guardian phone of {child.id}"
        if child.medical_notes:
            found[child.medical_notes] = f"medical notes of {child.id}"
        for allergy in child.allergies:
            found[allergy] = f"allergy of {child.id}"
        for text, what in ((child.village, "village"), (child.sibling_group, "sibling group")):
            if text:
                found[text] = f"{what} of {child.id}"
        if child.birth_date:
            found[child.birth_date.isoformat()] = f"birth date of {child.id}"
    for volunteer in plan.people.volunteers:
        if volunteer.phone:
            found[volunteer.phone] = f"phone of {volunteer.id}"
        for text, what in ((volunteer.notes, "notes"), (volunteer.home_area, "home area")):
            if text:
                found[text] = f"{what} of {volunteer.id}"
    for bus in plan.buses:
        if bus.driver_phone:
            found[bus.driver_phone] = f"driver phone of {bus.id}"
    for word in CATEGORY_WORDS:
        found[word] = "category"
    return found


def needed_by(plan: Plan, volunteer_id: str) -> set[str]:
    """The sensitive strings one volunteer's own sheet must carry: the spec of the sheet."""
    from planner.render.view import PlanView

    view = PlanView(plan)
    needed: set[str] = set()
    for child in view.children_of(volunteer_id):
        needed.update(child.allergies)
        if child.medical_notes:
            needed.add(child.medical_notes)
    for bus_leg in view.legs_of_volunteer(volunteer_id):
        needed.update(
            v.phone
            for v in (view.volunteer(i) for i in bus_leg.leg.volunteer_ids if i != volunteer_id)
            if v and v.phone
        )
        if bus_leg.bus.driver_phone:
            needed.add(bus_leg.bus.driver_phone)
    group = view.group_of_volunteer(volunteer_id)
    if group and group.leader_id and group.leader_id != volunteer_id:
        leader = view.volunteer(group.leader_id)
        if leader and leader.phone:
            needed.add(leader.phone)
    return needed


def sheet_sections(html: str) -> dict[str, str]:
    """A sheets page cut into each volunteer's own sheet, by its section id."""
    parts = re.split(r'<section class="sheet[^"]*" id="(V\d+)">', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))
