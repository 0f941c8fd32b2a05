"""Printed pages, row by row: what each reader gets (before any browser is involved)."""

from __future__ import annotations

import pytest
from render.plans import bare_plan, expo_plan

from planner.model import Group
from planner.render.labels import Labels
from planner.render.paper import (
    cards_html,
    checkpoints,
    diet_label,
    manifest_for,
    manifests_html,
    meal_orders,
    pairing_cards,
    roster_sections,
    seat_list,
    sign_in_html,
    sign_in_rows,
    volunteer_sheet,
)
from planner.render.view import PlanView

ZH = Labels("zh")


def leg(view: PlanView, bus: str, back: bool):
    return next(bl for bl in view.bus_legs if bl.bus.id == bus and view.is_return(bl.leg) == back)


# ---- roster ------------------------------------------------------------
def test_roster_lists_each_group_with_guardians_medical_and_paired_volunteer() -> None:
    sections = roster_sections(PlanView(expo_plan()), ZH)
    assert [s.title for s in sections] == ["第一组", "第二组"]
    first = sections[0].rows[3]
    assert (first.name, first.guardian, first.phone) == ("张丽", "李梅（母亲）", "13700000104")
    assert first.medical == "哮喘,随身带喷雾" and first.volunteer == "邢艳芳" and not first.photo
    assert sections[0].rows[1].medical == "过敏：花生"


def test_children_in_no_group_get_their_own_section_and_absent_children_none() -> None:
    plan = expo_plan()
    plan.groups = [g for g in plan.groups if g.id == "G1"]
    sections = roster_sections(PlanView(plan), ZH)
    assert [s.title for s in sections] == ["第一组", "未分组"]
    assert [r.name for r in sections[1].rows] == [
        "周雨",
        "吴晨",
        "郑欣",
        "冯乐",
    ]  # C11 is not coming


def test_without_groups_the_roster_is_one_list_of_attending_children() -> None:
    sections = roster_sections(PlanView(bare_plan()), ZH)
    assert [s.title for s in sections] == ["儿童"] and len(sections[0].rows) == 10


def test_check_in_boxes_at_each_transfer() -> None:
    assert checkpoints(PlanView(expo_plan())) == [
        "board_out",
        "arrive_out",
        "board_back",
        "handed_home",
    ]
    assert checkpoints(PlanView(bare_plan())) == ["arrival", "departure"]


# ---- manifests ----------------------------------------------------------
def test_outbound_manifest_counts_heads_after_each_boarding_and_on_arrival() -> None:
    view = PlanView(expo_plan())
    manifest = manifest_for(view, ZH, leg(view, "B1", back=False))
    counts = [b.text for b in manifest.blocks if b.kind == "count"]
    assert counts == [
        "石井村村委会上车后人数核对：车上应有 3 人，实点 ______ 人",
        "柳树湾村小学上车后人数核对：车上应有 5 人，实点 ______ 人",
        "到达西安世博园人数核对：应下车 5 人，实点 ______ 人",
    ]
    stop = next(b for b in manifest.blocks if b.kind == "stop")
    assert stop.time == "07:25" and [c.guardian for c in stop.children][:1] == ["王奶奶（奶奶）"]
    assert manifest.driver == "马师傅 13700001111" and not manifest.handover


def test_return_manifest_hands_each_child_over_and_checks_the_bus_is_empty() -> None:
    view = PlanView(expo_plan())
    manifest = manifest_for(view, ZH, leg(view, "B1", back=True))
    counts = [b.text for b in manifest.blocks if b.kind == "count"]
    assert counts[0] == "西安世博园发车前人数核对：车上应有 5 人，实点 ______ 人"
    assert counts[-1] == "到达西安市红十字会：车上应剩儿童 0 人；已逐排检查座位 ☐"
    assert manifest.handover and manifest.direction == "返程"


def test_a_leg_without_direction_is_told_by_its_stops_or_origin() -> None:
    plan = expo_plan()
    bus = plan.buses[0]
    legs = [lg.model_copy(update={"direction": None}) for lg in bus.legs]
    view = PlanView(plan)
    assert [view.is_return(lg) for lg in legs] == [False, True]
    no_kinds = [
        lg.model_copy(update={"stops": [s.model_copy(update={"kind": None}) for s in lg.stops]})
        for lg in legs
    ]
    assert [view.is_return(lg) for lg in no_kinds] == [False, True]


# ---- meal order ---------------------------------------------------------
def test_meal_order_has_counts_only() -> None:
    plan = expo_plan()
    plan.meals = [
        plan.meals[0].model_copy(
            update={"dietary": {"halal": 1, "allergy:花生": 2, "vegetarian": 0}}
        )
    ]
    (order,) = meal_orders(PlanView(plan), ZH)
    assert (order.headcount, order.children, order.adults) == (19, 10, 9)
    assert order.dietary == [("过敏：花生", 2), ("清真", 1)]
    assert order.seating == [("第一组", 9), ("第二组", 7), ("工作人员", 3)]
    assert order.price == "¥30.00"


def test_diet_labels() -> None:
    assert diet_label(ZH, "vegetarian") == "素食"
    assert diet_label(Labels("en"), "allergy:peanut") == "allergy: peanut"


# ---- pairing cards -------------------------------------------------------
def test_a_card_per_pair_with_given_names_only() -> None:
    cards = pairing_cards(PlanView(expo_plan()), ZH)
    assert len(cards) == 6
    assert (cards[0].volunteer, cards[0].children) == ("陶浩杰", "小明、小红")
    assert cards[0].contact == "陈建国 029-87650000"


def test_a_card_for_two_families_has_a_guardian_line_per_child_and_plural_words() -> None:
    cards = {c.volunteer: c for c in pairing_cards(PlanView(expo_plan()), ZH)}
    siblings, two_families, single = cards["陶浩杰"], cards["邢艳芳"], cards["欧阳娜娜"]
    assert siblings.guardian_signs == ["监护人签名"]  # C01 and C02: one family
    assert two_families.guardian_signs == ["刚的监护人签名", "丽的监护人签名"]
    assert (
        two_families.promise.startswith("我愿意与结对的小朋友们") and "他们" in two_families.promise
    )
    assert two_families.children_label == "结对儿童"
    assert single.guardian_signs == ["监护人签名"] and "小朋友们" not in single.promise
    english = {c.volunteer: c for c in pairing_cards(PlanView(expo_plan()), Labels("en"))}
    assert english["邢艳芳"].guardian_signs == [
        "Signature of 刚's guardian",
        "Signature of 丽's guardian",
    ]
    assert "children" in english["邢艳芳"].promise
    html = cards_html(PlanView(expo_plan()), ZH)
    assert "刚的监护人签名" in html and "丽的监护人签名" in html


def test_cards_are_printed_four_to_a_page() -> None:
    html = cards_html(PlanView(expo_plan()), ZH)
    assert html.count('class="cardpage"') == 2 and html.count('class="card"') == 6


# ---- volunteer sheets ----------------------------------------------------
def test_escort_sheet_starts_at_the_depot_with_phones_to_call_and_children_per_stop() -> None:
    view = PlanView(expo_plan())
    sheet = volunteer_sheet(view, ZH, view.volunteer("V01"))
    assert sheet.roles == "结对志愿者、跟车志愿者、组长" and sheet.group == "第一组"
    assert [(c.given_name, c.needs) for c in sheet.children] == [("小明", "心理陪伴"), ("小红", "")]
    assert sheet.start == "06:30 西安市红十字会"
    assert sheet.co_escorts == ["沈辉文 15137287313"]
    assert sheet.drivers == ["一号车(19 座中巴) 马师傅 13700001111"]
    assert sheet.leader == ""  # V01 leads the group
    assert [i.time for i in sheet.schedule][:2] == ["06:30–09:00", "09:05–09:25"]
    assert sheet.schedule[0].where == "西安市红十字会"
    assert sheet.schedule[0].note == "跟车：一号车(19 座中巴)"
    out = sheet.legs[0]
    assert out.route == "西安市红十字会 06:30 出发 → 西安世博园 09:00 到达"
    assert [(s.time, s.place, s.children) for s in out.stops] == [
        ("07:25", "石井村村委会", "小明（C01）、小红（C02）、刚（C03）"),
        ("07:45", "柳树湾村小学", "子涵（C05）、强（C06）"),
    ]


def test_the_volunteer_minding_a_child_sees_health_allergies_diet_and_photo_consent() -> None:
    view = PlanView(expo_plan())
    v02 = volunteer_sheet(view, ZH, view.volunteer("V02"))
    rows = [(c.id, c.health, c.diet, c.photo) for c in v02.children]
    assert rows == [("C03", "", "清真", True), ("C04", "哮喘,随身带喷雾", "", False)]
    assert volunteer_sheet(view, ZH, view.volunteer("V01")).children[1].health == "过敏：花生"
    assert v02.leader == "陶浩杰 13942806661"  # V01 leads group 1


def test_a_photo_activity_warns_the_volunteer_of_a_child_without_photo_consent() -> None:
    view = PlanView(expo_plan())
    v02 = volunteer_sheet(view, ZH, view.volunteer("V02"))
    photo = next(i for i in v02.schedule if i.what == "长安塔前合影留念")
    assert "丽（C04）" in photo.photo_warning
    assert [w for w in v02.photo_warnings if "C04" in w]
    v01 = volunteer_sheet(view, ZH, view.volunteer("V01"))  # both children may be photographed
    assert v01.photo_warnings == [] and all(not i.photo_warning for i in v01.schedule)


def test_a_group_only_item_reaches_that_groups_volunteers() -> None:
    view = PlanView(expo_plan())
    titles = {
        vid: [i.what for i in volunteer_sheet(view, ZH, view.volunteer(vid)).schedule]
        for vid in ("V01", "V04")
    }
    assert "游戏(第一组)" in titles["V01"] and "游戏(第二组)" not in titles["V01"]
    assert "游戏(第二组)" in titles["V04"]


def test_non_escort_does_not_ride_but_learns_when_the_children_arrive() -> None:
    view = PlanView(expo_plan())
    sheet = volunteer_sheet(view, ZH, view.volunteer("V05"))
    assert sheet.buses == [] and sheet.co_escorts == []
    assert sheet.children_bus == ["欣：二号车(19 座中巴)，09:00 到达西安世博园"]
    assert "车队接孩子进城" not in [i.what for i in sheet.schedule]


# ---- labels --------------------------------------------------------------
def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        Labels("fr")


def test_every_label_has_both_languages() -> None:
    from planner.render.labels import ENUMS, TEXT

    assert all(zh and en for zh, en in TEXT.values())
    assert all(zh and en for group in ENUMS.values() for zh, en in group.values())


def test_roster_with_a_group_naming_an_unknown_child_skips_it() -> None:
    plan = expo_plan()
    plan.groups = [Group(id="G9", volunteer_ids=[], child_ids=["C01", "NOPE"])]
    sections = roster_sections(PlanView(plan), ZH)
    assert [r.name for r in sections[0].rows] == ["王小明"]


# ---- seats and sign-in ---------------------------------------------------
def test_a_seat_list_per_bus_escorts_in_front_children_in_boarding_order() -> None:
    view = PlanView(expo_plan())
    seats = seat_list(view, ZH, view.plan.buses[0]).seats
    assert len(seats) == 19  # every seat, the empty ones too
    assert [(s.no, s.who, s.kind) for s in seats[:3]] == [
        (1, "V01 陶浩杰", "跟车"),
        (2, "V03 沈辉文", "跟车"),
        (3, "C01 王小明", "儿童"),
    ]
    c05 = next(s for s in seats if s.who == "C05 赵子涵")
    assert (c05.boards, c05.leaves) == ("柳树湾村小学 07:45", "柳树湾村小学 17:30")
    assert [s.who for s in seats[7:]] == [""] * 12
    html = manifests_html(view, ZH)
    assert html.count("座位表 · ") == 2


def test_the_seat_list_prints_the_seats_the_plan_keeps_not_a_fresh_numbering() -> None:
    plan = expo_plan()
    bus = plan.buses[0]
    kept = {"C01": 1, "V01": 2, "V03": 9}  # as a re-plan may keep them
    kept |= {p: 10 + i for i, p in enumerate(p for p in bus.seat_of if p not in kept)}
    plan.buses = [bus.model_copy(update={"seat_of": kept}), *plan.buses[1:]]
    view = PlanView(plan)
    seats = seat_list(view, ZH, plan.buses[0]).seats
    assert [(s.no, s.who, s.kind) for s in seats[:3]] == [
        (1, "C01 王小明", "儿童"),
        (2, "V01 陶浩杰", "跟车"),
        (3, "", ""),
    ]
    assert seats[8].who == "V03 沈辉文" and len(seats) == 19
    html = manifests_html(view, ZH)
    first = html[html.index("座位表 · ") :]
    assert first.index("C01 王小明") < first.index("V01 陶浩杰") < first.index("V03 沈辉文")


def test_the_sign_in_sheet_lists_every_adult_by_group_then_staff() -> None:
    view = PlanView(expo_plan())
    rows = sign_in_rows(view, ZH)
    assert [r.id for r in rows] == ["V01", "V02", "V03", "V04", "V05", "V06", ""]
    assert (rows[0].group, rows[-1].name, rows[-1].role) == ("第一组", "刘晓梅", "讲解员")
    html = sign_in_html(view, ZH)
    assert "签到时间" in html and "签退时间" in html and "13700000101" not in html
