"""Column names organisers use, in Chinese or English, for each field.

A header cell may be 姓名, name, "姓名/name" or "姓名 (name)": each part is
tried against the aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from msgspec import Struct


class Column(Struct, frozen=True):
    field: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def label(self) -> str:
        return f"{self.zh}/{self.en}"


VOLUNTEER_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", "id", ("志愿者编号", "序号", "volunteer_id", "no"), required=True),
    Column("name", "姓名", "name", ("名字", "志愿者姓名"), required=True),
    Column("gender", "性别", "gender", ("sex",), required=True),
    Column("age", "年龄", "age", (), required=True),
    Column("phone", "电话", "phone", ("手机", "手机号", "联系电话", "mobile", "tel")),
    Column("email", "邮箱", "email", ("电子邮箱", "e-mail", "mail")),
    Column(
        "organisation", "单位", "organisation", ("学院", "所在单位", "组织", "organization", "org")
    ),
    Column("skills", "特长", "skills", ("技能", "专长", "skill")),
    Column("dialects", "方言", "dialects", ("dialect", "会说的方言")),
    Column("responsibility", "责任心", "responsibility", ()),
    Column("patience", "耐心", "patience", ()),
    Column("caring", "爱心", "caring", ()),
    Column("interview", "面试", "interview", ("面试分", "面试成绩")),
    Column("training_done", "已培训", "training_done", ("培训", "是否培训", "training")),
    Column(
        "background_check_done",
        "背景审查",
        "background_check",
        ("是否审查", "背景调查", "background_check_done"),
    ),
    Column(
        "background_check_date", "审查日期", "check_date", ("背景审查日期", "background_check_date")
    ),
    Column("max_children", "最多带几名", "max_children", ("最多带", "可带儿童数", "带几名")),
    Column("home_area", "居住区域", "home_area", ("住址", "区域", "area")),
    Column("available", "当天可到", "available", ("能否参加", "可参加", "availability")),
    Column("roles", "角色", "roles", ("role",)),
    Column("last_children", "上次结对", "last_children", ("上次结对儿童", "previous_children")),
    Column("notes", "备注", "notes", ("note", "remarks")),
)

CHILD_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", "id", ("儿童编号", "序号", "child_id", "no"), required=True),
    Column("name", "姓名", "name", ("名字", "儿童姓名"), required=True),
    Column("gender", "性别", "gender", ("sex",), required=True),
    Column(
        "birth_date", "出生日期", "birth_date", ("生日", "出生年月", "birthday", "date_of_birth")
    ),
    Column("age", "年龄", "age", ()),
    Column("grade", "年级", "grade", ("班级", "class")),
    Column("school", "学校", "school", ("就读学校",)),
    Column("village", "村", "village", ("村庄", "所在村", "家庭住址", "住址")),
    Column("pickup_point", "上车点", "pickup_point", ("接送点", "集合点", "pickup")),
    Column("categories", "类别", "categories", ("儿童类别", "类型", "category")),
    Column(
        "guardian_relation",
        "监护人关系",
        "guardian_relation",
        ("与监护人关系", "监护人身份", "relation"),
    ),
    Column("guardian_name", "监护人姓名", "guardian_name", ("监护人", "guardian")),
    Column(
        "guardian_phone", "监护人电话", "guardian_phone", ("监护人手机", "家长电话", "联系电话")
    ),
    Column("needs", "需要", "needs", ("特殊需要", "需求", "need")),
    Column("dietary", "饮食", "dietary", ("饮食要求", "饮食禁忌", "diet")),
    Column("allergies", "过敏", "allergies", ("过敏原", "过敏史", "allergy")),
    Column(
        "medical_notes",
        "健康备注",
        "medical_notes",
        ("健康状况", "病史", "medical", "health_notes"),
    ),
    Column("sibling_group", "兄弟姐妹组", "sibling_group", ("兄弟姐妹", "siblings", "sibling")),
    Column("dialects", "方言", "dialects", ("dialect",)),
    Column(
        "outing_consent",
        "外出同意",
        "outing_consent",
        ("监护人同意", "家长同意", "consent", "guardian_consent"),
    ),
    Column("photo_consent", "照片同意", "photo_consent", ("同意拍照", "肖像同意", "photo")),
    Column("attending", "参加", "attending", ("是否参加", "当天参加")),
)


_SEPARATORS = re.compile(r"[\s_\-*]+")
_PART_BREAKS = re.compile(r"[/()\[\]|]+")


def _norm(name: str) -> str:
    name = unicodedata.normalize("NFKC", name).strip().lower()
    return _SEPARATORS.sub("_", name).strip("_")


def _parts(header: str) -> list[str]:
    whole = _norm(header)
    parts = [p for p in _PART_BREAKS.split(whole) if p.strip("_")]
    return [whole, *(p.strip("_") for p in parts)]


@cache
def alias_map(columns: tuple[Column, ...]) -> Mapping[str, Column]:
    """Each normalised alias of ``columns`` to its column (made once per sheet kind:
    every candidate header row of every sheet is matched against it)."""
    out: dict[str, Column] = {}
    for col in columns:
        for alias in (col.field, col.zh, col.en, *col.aliases):
            out.setdefault(_norm(alias), col)
    return MappingProxyType(out)


def match_header(header: list[str], columns: tuple[Column, ...]) -> dict[int, Column]:
    """Map header positions to columns; unknown headers are left out."""
    aliases = alias_map(columns)
    found: dict[int, Column] = {}
    taken: set[str] = set()
    for i, cell in enumerate(header):
        for part in _parts(cell):
            col = aliases.get(part)
            if col is not None and col.field not in taken:
                found[i] = col
                taken.add(col.field)
                break
    return found


def header_scorer(columns: tuple[Column, ...]):
    """A function counting the known column names in a header row."""

    def score(header: list[str]) -> int:
        return len(match_header(header, columns))

    return score
