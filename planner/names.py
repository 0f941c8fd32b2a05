"""Names as a volunteer may see them: the given name, never the full name."""

from __future__ import annotations

#: Two-character surnames; a name starting with one keeps the rest as given name.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "濮阳",
        "太史",
    ]
)


def given_name(full: str) -> str:
    """The given name of ``full``: Chinese surname dropped, or first Latin word.

    >>> given_name("王小明"), given_name("欧阳娜娜"), given_name("Anna Li")
    ('小明', '娜娜', 'Anna')
    """
    name = full.strip()
    if not name:
        return name
    if name.isascii():
        return name.split()[0]
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[2:]
    if len(name) >= 2:
        return name[1:]
    return name


def mask_phone(phone: str | None) -> str:
    """A phone with its middle digits hidden, as printed on volunteer copies.

    >>> mask_phone("13812345678")
    '138****5678'
    """
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
