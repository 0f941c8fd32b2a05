"""The words organisers read: skill, need and gender labels, points, id lists."""

from __future__ import annotations

from collections.abc import Iterable

from planner.model import Gender, Need, Skill

SKILL_ZH: dict[Skill, str] = {
    Skill.COUNSELLING: "心理辅导",
    Skill.FIRST_AID: "急救",
    Skill.GAMES: "组织游戏",
    Skill.SPECIAL_NEEDS: "特殊教育",
    Skill.TUTORING_CHINESE: "语文辅导",
    Skill.TUTORING_MATH: "数学辅导",
    Skill.TUTORING_ENGLISH: "英语辅导",
    Skill.TUTORING_SCIENCE: "科学辅导",
    Skill.ART: "美术",
    Skill.MUSIC: "音乐",
    Skill.SPORTS: "体育",
    Skill.LAW: "法律",
    Skill.SAFETY: "安全教育",
    Skill.PHOTOGRAPHY: "摄影",
    Skill.DRIVING: "驾驶",
    Skill.SIGN_LANGUAGE: "手语",
}

SKILL_EN: dict[Skill, str] = {
    Skill.COUNSELLING: "counselling",
    Skill.FIRST_AID: "first aid",
    Skill.GAMES: "games",
    Skill.SPECIAL_NEEDS: "special needs",
    Skill.TUTORING_CHINESE: "Chinese tutoring",
    Skill.TUTORING_MATH: "maths tutoring",
    Skill.TUTORING_ENGLISH: "English tutoring",
    Skill.TUTORING_SCIENCE: "science tutoring",
    Skill.ART: "art",
    Skill.MUSIC: "music",
    Skill.SPORTS: "sports",
    Skill.LAW: "law",
    Skill.SAFETY: "safety",
    Skill.PHOTOGRAPHY: "photography",
    Skill.DRIVING: "driving",
    Skill.SIGN_LANGUAGE: "sign language",
}

NEED_ZH: dict[Need, str] = {
    Need.WHEELCHAIR: "轮椅",
    Need.SPECIAL_NEEDS: "特殊照护",
    Need.COUNSELLING: "心理辅导",
    Need.TUTORING_CHINESE: "语文辅导",
    Need.TUTORING_MATH: "数学辅导",
    Need.TUTORING_ENGLISH: "英语辅导",
    Need.TUTORING_SCIENCE: "科学辅导",
    Need.HEARING: "听力障碍",
    Need.SAFETY: "安全教育",
}

NEED_EN: dict[Need, str] = {
    Need.WHEELCHAIR: "wheelchair",
    Need.SPECIAL_NEEDS: "special care",
    Need.COUNSELLING: "counselling",
    Need.TUTORING_CHINESE: "Chinese tutoring",
    Need.TUTORING_MATH: "maths tutoring",
    Need.TUTORING_ENGLISH: "English tutoring",
    Need.TUTORING_SCIENCE: "science tutoring",
    Need.HEARING: "hearing",
    Need.SAFETY: "safety",
}

GENDER_ZH: dict[Gender, str] = {Gender.MALE: "男", Gender.FEMALE: "女"}


def points_text(points: float) -> str:
    """Points as an organiser reads them: +10, +12.5, −5.

    >>> points_text(10.0), points_text(12.456), points_text(-5)
    ('+10', '+12.5', '−5')
    """
    value = round(points, 1)
    text = f"{abs(value):g}" if value == int(value) else f"{abs(value):.1f}"
    return ("−" if value < 0 else "+") + text


def ids_zh(ids: Iterable[str], *, limit: int = 8) -> str:
    """A list of ids for a message: C01、C02、C03 等 12 名.

    >>> ids_zh(["C01", "C02"]), ids_zh([f"C{i}" for i in range(10)], limit=3)
    ('C01、C02', 'C0、C1、C2 等 10 名')
    """
    items = list(ids)
    head = "、".join(items[:limit])
    return head if len(items) <= limit else f"{head} 等 {len(items)} 名"


def ids_en(ids: Iterable[str], *, limit: int = 8) -> str:
    """The same list in English.

    >>> ids_en([f"C{i}" for i in range(10)], limit=3)
    'C0, C1, C2 and 7 more'
    """
    items = list(ids)
    head = ", ".join(items[:limit])
    return head if len(items) <= limit else f"{head} and {len(items) - limit} more"
