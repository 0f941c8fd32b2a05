"""Every word a rendered output prints, in Chinese and English (one catalogue).

Chinese is the default. An unknown language or an unknown key is an error,
never a silent fallback, so a missing label shows up in the tests.

>>> Labels("zh")["roster"], Labels("en")["roster"]
('花名册', 'Master roster')
>>> Labels("en").enum("need", "wheelchair")
'wheelchair user'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.model import TicketSummary
    from planner.render.view import PlanView

#: The languages a renderer speaks (``--lang``).
LANGS: tuple[str, ...] = ("zh", "en")

#: key -> (Chinese, English)
TEXT: dict[str, tuple[str, str]] = {
    # document titles
    "roster": ("花名册", "Master roster"),
    "manifests": ("车辆乘车名单", "Bus manifests"),
    "meal_order": ("餐厅订餐单", "Meal order for the restaurant"),
    "cards": ("爱心结对卡", "Pairing cards"),
    "volunteer_sheet": ("志愿者任务单", "Volunteer sheet"),
    "volunteer_sheets": ("志愿者任务单（全部）", "Volunteer sheets (all)"),
    "report": ("活动总览", "Event overview"),
    "team_calendar": ("志愿者团队日程", "Volunteer team schedule"),
    "confidential": ("机密 · 仅限组织者", "CONFIDENTIAL · organisers only"),
    "confidential_escort": (
        "机密 · 仅限组织者与跟车志愿者",
        "CONFIDENTIAL · organisers and escorts only",
    ),
    "restaurant_copy": ("餐厅联（不含个人信息）", "Restaurant copy (no personal data)"),
    "volunteer_copy": ("志愿者联", "Volunteer copy"),
    # event facts
    "event": ("活动", "Event"),
    "date": ("日期", "Date"),
    "organiser": ("主办", "Organiser"),
    "location": ("地点", "Location"),
    "meeting_point": ("集合点", "Meeting point"),
    "coordinator": ("活动协调人", "Coordinator"),
    "emergency": ("紧急电话", "Emergency numbers"),
    # people and columns
    "no": ("序号", "No."),
    "child": ("儿童", "Child"),
    "children": ("儿童", "Children"),
    "your_children": ("您负责的儿童", "Your children"),
    "given_name": ("名字", "Given name"),
    "name": ("姓名", "Name"),
    "age": ("年龄", "Age"),
    "gender": ("性别", "Gender"),
    "guardian": ("监护人", "Guardian"),
    "guardian_phone": ("监护人电话", "Guardian's phone"),
    "phone": ("电话", "Phone"),
    "medical": ("健康与过敏", "Medical and allergies"),
    "diet": ("饮食", "Diet"),
    "needs": ("需要的帮助", "Needs"),
    "consent": ("外出同意", "Outing consent"),
    "photo_consent": ("照片同意", "Photo consent"),
    "paired_volunteer": ("结对志愿者", "Paired volunteer"),
    "volunteer": ("志愿者", "Volunteer"),
    "volunteers": ("志愿者", "Volunteers"),
    "role": ("角色", "Role"),
    "group": ("分组", "Group"),
    "groups": ("分组", "Groups"),
    "no_group": ("未分组", "No group"),
    "leader": ("组长", "Leader"),
    "first_aider": ("急救员", "First aider"),
    "bus": ("车辆", "Bus"),
    "buses": ("车辆", "Buses"),
    "seats": ("座位", "Seats"),
    "driver": ("司机", "Driver"),
    "escorts": ("跟车志愿者", "Escorts"),
    "stop": ("站点", "Stop"),
    "time": ("时间", "Time"),
    "depart": ("发车", "Departs"),
    "arrive": ("到达", "Arrives"),
    "hand_over_to": ("交接给", "Hand over to"),
    "signature": ("签字", "Signature"),
    "checked": ("已点", "Checked"),
    "stop_boarding": ("{place} · 上车 {n} 人", "{place} · {n} board"),
    "stop_handover": ("{place} · 下车交给监护人 {n} 人", "{place} · {n} handed to guardians"),
    "count_after_boarding": (
        "{place}上车后人数核对：车上应有 {n} 人，实点 ______ 人",
        "Headcount after boarding at {place}: {n} should be on board, counted ______",
    ),
    "count_before_departure": (
        "{place}发车前人数核对：车上应有 {n} 人，实点 ______ 人",
        "Headcount before leaving {place}: {n} should be on board, counted ______",
    ),
    "count_after_handover": (
        "{place}交接后人数核对：车上应剩 {n} 人，实点 ______ 人",
        "Headcount after hand-over at {place}: {n} should remain, counted ______",
    ),
    "count_on_return_arrival": (
        "到达{place}：车上应剩儿童 {n} 人；已逐排检查座位 ☐",
        "Arrival at {place}: {n} children should remain; every row checked ☐",
    ),
    "count_on_arrival": (
        "到达{place}人数核对：应下车 {n} 人，实点 ______ 人",
        "Headcount on arrival at {place}: {n} should get off, counted ______",
    ),
    "schedule": ("日程", "Schedule"),
    "what": ("内容", "What"),
    "where": ("地点", "Where"),
    "note": ("备注", "Note"),
    "yes": ("是", "yes"),
    "no_": ("否", "no"),
    "total": ("合计", "Total"),
    "count": ("人数", "Count"),
    "id": ("编号", "ID"),
    "volunteer_id": ("志愿者编号", "Volunteer ID"),
    "child_ids": ("儿童编号", "Child IDs"),
    "locked": ("指定结对", "Locked"),
    "group_id": ("分组编号", "Group ID"),
    "member_kind": ("成员类型", "Member"),
    # meal
    "meal": ("用餐", "Meal"),
    "venue": ("餐厅", "Restaurant"),
    "meal_time": ("用餐时间", "Meal time"),
    "diners": ("用餐人数", "Diners"),
    "adults": ("成人", "Adults"),
    "dietary": ("特殊饮食", "Special diets"),
    "seating": ("分桌", "Seating"),
    "price_per_head": ("人均标准", "Price per head"),
    "no_special_diet": ("无特殊饮食要求", "No special diets"),
    # cards
    "card_title": ("爱心结对卡", "Pairing card"),
    "card_promise": (
        "我愿意与结对的小朋友做长期的朋友：每月至少联系一次，关心他/她的学习、生活和安全。",
        "I will be a long-term friend to my paired child: in touch at least once a month, "
        "caring about their study, life and safety.",
    ),
    "card_promise_plural": (
        "我愿意与结对的小朋友们做长期的朋友：每月至少联系他们每人一次，关心他们的学习、生活和安全。",
        "I will be a long-term friend to my paired children: in touch with each of them at least "
        "once a month, caring about their study, life and safety.",
    ),
    "card_sign_guardian_of": ("{name}的监护人签名", "Signature of {name}'s guardian"),
    "children_plural": ("结对儿童", "Paired children"),
    "card_since": ("结对日期", "Paired on"),
    "card_sign_volunteer": ("志愿者签名", "Volunteer's signature"),
    "card_sign_guardian": ("监护人签名", "Guardian's signature"),
    "card_contact": ("有事请联系", "Questions? Contact"),
    # volunteer sheet
    "your_role": ("您的角色", "Your role"),
    "your_group": ("您的分组", "Your group"),
    "your_bus": ("您的车辆", "Your bus"),
    "children_bus": ("孩子们乘车", "Your children's bus"),
    "co_escorts": ("同车志愿者", "Fellow escorts"),
    "health_hint": (
        "以上健康、过敏和饮食信息只为您照顾孩子所用，请勿外传；有疑问请联系活动协调人。",
        "These health, allergy and diet facts are for your care of the children only; "
        "do not pass them on. Ask the coordinator if in doubt.",
    ),
    "health": ("健康与过敏", "Health and allergies"),
    "your_start": ("您的出发", "You start"),
    "group_leader_phone": ("组长", "Group leader"),
    "leg_route": (
        "{start} {depart} 出发 → {end} {arrive} 到达",
        "{start} {depart} → {end} {arrive}",
    ),
    "your_stops": ("您的车辆站点与儿童", "Your bus: stops and children"),
    "board_here": ("上车儿童", "Children boarding"),
    "off_here": ("下车儿童", "Children getting off"),
    "photo_warning_title": ("合影提醒", "Photo warning"),
    "photo_no_consent": (
        "{names} 的监护人未同意拍照：合影时请让其回避，照片中不得出现",
        "no photo consent for {names}: keep them out of the picture",
    ),
    "photo_consent_short": ("可拍照", "Photos OK"),
    "privacy_hint": (
        "请勿拍照转发本单，活动结束后请交回或销毁。",
        "Do not photograph or forward this sheet; hand it back or destroy it after the event.",
    ),
    "privacy_hint_kept": (
        "请勿拍照转发本单，请妥善保管，结对结束时交回或销毁。",
        "Do not photograph or forward this sheet; keep it safe, and hand it back or destroy "
        "it when the pairing ends.",
    ),
    # seats and sign-in
    "seat_list": ("座位表", "Seat list"),
    "seat": ("座位", "Seat"),
    "escort": ("跟车", "escort"),
    "boards_at": ("上车", "Boards"),
    "leaves_at": ("下车", "Gets off"),
    "sign_in": ("志愿者与工作人员签到表", "Sign-in sheet: volunteers and staff"),
    "sign_in_time": ("签到时间", "Signed in at"),
    "sign_out_time": ("签退时间", "Signed out at"),
    # guardians
    "guardian_slips": ("家长通知单", "Notices for families"),
    "guardian_copy": ("家长联", "Family copy"),
    "notice_guardian": ("家长", "Parent or guardian"),
    "notice_greeting": (
        "{guardian}您好！{names}将参加{date}的“{event}”活动。",
        'Dear {guardian}, {names} will take part in "{event}" on {date}.',
    ),
    "notice_pickup": (
        "{date} {time} 在{place}上车，请提前 10 分钟送到",
        "picked up at {place} at {time} on {date} (please be there 10 minutes early)",
    ),
    "notice_day": ("{date} {start} 到{place}", "arrive at {place} at {start} on {date}"),
    "notice_back": (
        "约 {time} 送回{place}，请准时来接",
        "brought back to {place} at about {time}: please be there to collect them",
    ),
    "notice_end": ("活动约 {time} 结束", "the day ends at about {time}"),
    "notice_contact": (
        "如有变化或疑问，请联系活动协调人 {contact}。",
        "Questions or changes: call the coordinator, {contact}.",
    ),
    "notice_send_to": ("发送给", "Send to"),
    # report
    "warnings": ("提醒", "Warnings"),
    "no_warnings": ("没有提醒", "No warnings"),
    "summary": ("概况", "Summary"),
    "timeline": ("日程", "Timeline"),
    "buses_timeline": ("车辆行程", "Buses on the timeline"),
    "budget": ("预算", "Budget"),
    "budget_by_category": ("预算（按类别）", "Budget by category"),
    "category": ("类别", "Category"),
    "amount": ("金额", "Amount"),
    "item": ("项目", "Item"),
    "quantity": ("数量", "Quantity"),
    "unit_price": ("单价", "Unit price"),
    "subtotal": ("小计", "Subtotal"),
    "contingency": ("不可预见费", "Contingency"),
    "cap": ("预算上限", "Cap"),
    "funding": ("经费来源", "Funding"),
    "balance": ("结余", "Balance"),
    "per_child": ("每名儿童", "Per child"),
    "selected": ("入选志愿者", "Selected volunteers"),
    "rejected": ("未入选", "Not selected"),
    "pairs": ("结对", "Pairs"),
    "reasons": ("理由", "Reasons"),
    "score": ("得分", "Score"),
    "tickets": ("门票", "Tickets"),
    "ticket_free_mark": ("（免票）", " (free)"),
    "ticket_sums": (
        "需购买 {to_buy} 张，免票 {free} 张，共 {total} 张",
        "{to_buy} to buy, {free} free, {total} in all",
    ),
    "meals": ("用餐", "Meals"),
    "legs": ("行程段", "Legs"),
    "direction": ("方向", "Direction"),
    "out": ("去程", "outbound"),
    "back": ("返程", "return"),
    # calendar
    "who_label": ("参加人员", "Who"),
    "followup_title": ("每月联系结对儿童：{names}", "Monthly contact with {names}"),
    "followup_body": (
        "结对后每月至少联系一次（电话或看望），并在活动记录中登记。",
        "Contact your paired child at least once a month (call or visit) and log it.",
    ),
    "bus_departs": ("{bus} {time} 从{place}出发", "{bus} departs {place} at {time}"),
    "bus_named": ("{name}", "Bus {id}"),
    "escort_on": ("跟车：{bus}", "Escort on {bus}"),
    "riding": ("乘坐{bus}", "Riding {bus}"),
    "every_bus": ("各车", "Every bus"),
    "cancelled_title": ("已取消：{title}", "Cancelled: {title}"),
    "cancelled_body": (
        "您本次不再参加此活动，此日程已取消。",
        "You no longer take part in this event; this item is cancelled.",
    ),
    "via": ("途经", "via"),
    "children_arrive": (
        "{names}：{bus}，{time} 到达{place}",
        "{names}: {bus}, arrives at {place} at {time}",
    ),
    "allergy_to": ("过敏：{what}", "allergy: {what}"),
    "pdf_skipped": (
        "已生成 HTML，跳过 PDF（{files}）：{error}",
        "HTML written, PDF skipped ({files}): {error}",
    ),
    "pdf_failed": ("PDF 生成失败（{file}）：{error}", "PDF failed ({file}): {error}"),
}

#: Words for enum values and ``who`` audiences: group -> value -> (zh, en).
ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "need": {
        "wheelchair": ("使用轮椅", "wheelchair user"),
        "special_needs": ("特殊照护", "special care"),
        "counselling": ("心理陪伴", "emotional support"),
        "tutoring_chinese": ("语文辅导", "Chinese tutoring"),
        "tutoring_math": ("数学辅导", "maths tutoring"),
        "tutoring_english": ("英语辅导", "English tutoring"),
        "tutoring_science": ("科学辅导", "science tutoring"),
        "hearing": ("听力障碍（需手语）", "hearing impaired (sign language)"),
        "safety": ("安全教育", "safety education"),
    },
    "diet": {
        "halal": ("清真", "halal"),
        "vegetarian": ("素食", "vegetarian"),
    },
    "category": {
        "left_behind": ("留守", "left-behind"),
        "disabled": ("残疾", "disabled"),
        "single_parent": ("单亲", "single-parent"),
        "orphan": ("孤儿", "orphan"),
    },
    "relation": {
        "father": ("父亲", "father"),
        "mother": ("母亲", "mother"),
        "grandfather": ("爷爷", "grandfather"),
        "grandmother": ("奶奶", "grandmother"),
        "maternal_grandfather": ("外公", "maternal grandfather"),
        "maternal_grandmother": ("外婆", "maternal grandmother"),
        "uncle": ("叔叔/舅舅", "uncle"),
        "aunt": ("姑姑/阿姨", "aunt"),
        "sibling": ("哥哥/姐姐", "sibling"),
        "relative": ("亲戚", "relative"),
        "teacher": ("老师", "teacher"),
        "other": ("其他", "other"),
    },
    "gender": {
        "male": ("男", "M"),
        "female": ("女", "F"),
    },
    "role": {
        "pair_volunteer": ("结对志愿者", "paired volunteer"),
        "escort": ("跟车志愿者", "bus escort"),
        "leader": ("组长", "group leader"),
        "first_aider": ("急救员", "first aider"),
        "volunteer": ("志愿者", "volunteer"),
    },
    "who": {
        "everyone": ("全体", "everyone"),
        "volunteers": ("志愿者", "volunteers"),
        "escorts": ("跟车志愿者", "escorts"),
        "children": ("儿童", "children"),
        "pairs": ("结对志愿者与儿童", "pairs"),
        "staff": ("工作人员", "staff"),
        "others": ("其他（工作人员等）", "others (staff)"),
    },
    "ticket_kind": {
        "child": ("儿童", "child"),
        "volunteer": ("志愿者", "volunteer"),
        "staff": ("工作人员", "staff"),
    },
    "checkpoint": {
        "board_out": ("去程上车", "boards (out)"),
        "arrive_out": ("到达下车", "arrives"),
        "board_back": ("返程上车", "boards (back)"),
        "handed_home": ("送达交接", "handed over"),
        "arrival": ("到场签到", "arrives"),
        "departure": ("离场交接", "leaves"),
    },
}


def photo_warnings(t: Labels, view: PlanView) -> list[str]:
    """For a plan whose ``notices`` do not carry them (plan.json schema 1): one
    warning per photo activity with children who may not be photographed, as
    the itinerary words it (:func:`planner.itinerary.schedule.photo_notices`)."""
    from planner.itinerary.schedule import PHOTO_NOTICE, photo_notices

    if any(n.code == PHOTO_NOTICE for n in view.plan.notices):
        return []
    return [n.text(t.lang) for n in photo_notices(view.plan, view.attending_children)]


def tickets_text(t: Labels, summary: TicketSummary) -> str:
    """Kinds, then the sums, never a sum read as a kind:
    ``儿童 30、工作人员 1（免票）；需购买 30 张，免票 1 张，共 31 张``."""
    kinds = t.list_sep.join(
        f"{t.enum('ticket_kind', kind)} {n}"
        + (t["ticket_free_mark"] if kind in summary.free_kinds else "")
        for kind, n in summary.kinds.items()
    )
    sums = t("ticket_sums", to_buy=summary.to_buy, free=summary.free, total=summary.total)
    return f"{kinds}{'；' if t.lang == 'zh' else '; '}{sums}"


class Labels:
    """The label catalogue in one language; templates call it as ``t("key")``."""

    def __init__(self, lang: str = "zh") -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        self.lang = lang
        self._index = LANGS.index(lang)

    def __getitem__(self, key: str) -> str:
        return TEXT[key][self._index]

    def __call__(self, key: str, **values: object) -> str:
        text = self[key]
        return text.format(**values) if values else text

    def enum(self, group: str, value: object) -> str:
        """The word for an enum value; unknown values print as they are."""
        raw = str(getattr(value, "value", value))
        pair = ENUMS[group].get(raw)
        return pair[self._index] if pair else raw

    def enums(self, group: str, values: Iterable[object]) -> str:
        sep = "、" if self.lang == "zh" else ", "
        return sep.join(self.enum(group, v) for v in values)

    def pick(self, zh: str | None, en: str | None) -> str:
        """A value given in both languages (``title`` / ``title_en``)."""
        if self.lang == "en" and en:
            return en
        return zh or en or ""

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.lang == "zh" else "en"

    @property
    def list_sep(self) -> str:
        return "、" if self.lang == "zh" else ", "

    def kv(self, key: str, value: object) -> str:
        """``标签：值`` in Chinese (full-width colon), ``Label: value`` in English."""
        return f"{self.colon(self[key])}{value}"

    def colon(self, label: str) -> str:
        """``label`` followed by the language's colon."""
        return f"{label}：" if self.lang == "zh" else f"{label}: "

    def yes_no(self, value: bool) -> str:
        return self["yes"] if value else self["no_"]
