"""Cell parsers: what organisers type in Excel/WPS, turned into values.

Each parser takes the raw cell (str, int, float, date, datetime or None)
and returns a value or raises :class:`CellError` with a message in Chinese
and English. Blank cells are handled by the caller ("required", not a type
error).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum

from planner.model import Category, Diet, Gender, Need, Relation, Skill


class CellError(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


#: characters of a cell at most (a name, a note); a longer cell is reported, not read
MAX_CELL_CHARS = 1000

#: line breaks and tabs (Alt+Enter in an Excel cell): each run becomes one space
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
#: invisible characters, removed: other control characters, and the format
#: characters (Unicode Cf) a pasted id carries unseen: zero-width space and
#: joiners, the byte-order mark, soft hyphen, bidirectional controls
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\xad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def clean(value: str, *, keep_lines: bool = False) -> str:
    r"""Text as the tool keeps it, from a cell or from event.toml (the one rule):
    NFKC (full-width → half-width), invisible characters removed, and, unless
    ``keep_lines``, line breaks and tabs turned into a space.

    So ``V01`` typed with a zero-width space, or copied from a web page, is the
    same id as ``V01``; a name with a line break in its cell is one line.

    >>> clean("V\u200b０１"), clean("李\r\n明\x1b[31m"), clean("a\nb", keep_lines=True)
    ('V01', '李 明[31m', 'a\nb')
    """
    value = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return value if keep_lines else _BREAKS.sub(" ", value)


def too_long(value: object) -> CellError | None:
    """A text cell longer than :data:`MAX_CELL_CHARS`, as the error to report."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return CellError(
            f"这一格有 {len(value):,} 个字符,超过上限 {MAX_CELL_CHARS:,}",
            f"the cell holds {len(value):,} characters, above the limit of {MAX_CELL_CHARS:,}",
        )
    return None


def text(raw: object) -> str:
    """The cell as clean text (:func:`clean`), trimmed.

    >>> text(" １３８ "), text(13812345678), text(3.0), text(None)
    ('138', '13812345678', '3', '')
    """
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return clean(str(raw)).strip()


_SPLIT = re.compile(r"[、,;/|\s]+")


def split_list(raw: object) -> list[str]:
    """A list cell: 急救、心理辅导 / first_aid, games / 急救;游戏.

    >>> split_list("急救、心理辅导；游戏")
    ['急救', '心理辅导', '游戏']
    """
    return [part for part in _SPLIT.split(text(raw)) if part]


def _key(word: str) -> str:
    return text(word).lower().replace(" ", "_").replace("-", "_")


def _vocabulary(enum: type[StrEnum], words: dict[str, StrEnum]) -> dict[str, StrEnum]:
    vocab = {_key(member.value): member for member in enum}
    vocab.update({_key(k): v for k, v in words.items()})
    return vocab


GENDERS = _vocabulary(
    Gender,
    {"男": Gender.MALE, "男性": Gender.MALE, "m": Gender.MALE, "男生": Gender.MALE,
     "女": Gender.FEMALE, "女性": Gender.FEMALE, "f": Gender.FEMALE, "女生": Gender.FEMALE},
)  # fmt: skip

CATEGORIES = _vocabulary(
    Category,
    {"留守": Category.LEFT_BEHIND, "留守儿童": Category.LEFT_BEHIND,
     "left_behind_child": Category.LEFT_BEHIND, "left_behind": Category.LEFT_BEHIND,
     "残疾": Category.DISABLED, "残疾儿童": Category.DISABLED, "残障": Category.DISABLED,
     "单亲": Category.SINGLE_PARENT, "单亲儿童": Category.SINGLE_PARENT,
     "孤儿": Category.ORPHAN},
)  # fmt: skip

RELATIONS = _vocabulary(
    Relation,
    {"父亲": Relation.FATHER, "爸爸": Relation.FATHER, "父": Relation.FATHER,
     "母亲": Relation.MOTHER, "妈妈": Relation.MOTHER, "母": Relation.MOTHER,
     "爷爷": Relation.GRANDFATHER, "祖父": Relation.GRANDFATHER,
     "奶奶": Relation.GRANDMOTHER, "祖母": Relation.GRANDMOTHER,
     "外公": Relation.MATERNAL_GRANDFATHER, "外祖父": Relation.MATERNAL_GRANDFATHER,
     "姥爷": Relation.MATERNAL_GRANDFATHER,
     "外婆": Relation.MATERNAL_GRANDMOTHER, "外祖母": Relation.MATERNAL_GRANDMOTHER,
     "姥姥": Relation.MATERNAL_GRANDMOTHER,
     "叔叔": Relation.UNCLE, "伯伯": Relation.UNCLE, "舅舅": Relation.UNCLE,
     "姑姑": Relation.AUNT, "阿姨": Relation.AUNT, "姨妈": Relation.AUNT,
     "舅妈": Relation.AUNT, "婶婶": Relation.AUNT, "伯母": Relation.AUNT,
     "哥哥": Relation.SIBLING, "姐姐": Relation.SIBLING,
     "亲戚": Relation.RELATIVE, "老师": Relation.TEACHER, "班主任": Relation.TEACHER,
     "其他": Relation.OTHER, "grandpa": Relation.GRANDFATHER, "grandma": Relation.GRANDMOTHER},
)  # fmt: skip

SKILLS = _vocabulary(
    Skill,
    {"心理辅导": Skill.COUNSELLING, "心理咨询": Skill.COUNSELLING, "心理": Skill.COUNSELLING,
     "急救": Skill.FIRST_AID, "急救员": Skill.FIRST_AID, "红十字救护员": Skill.FIRST_AID,
     "组织游戏": Skill.GAMES, "游戏": Skill.GAMES, "带游戏": Skill.GAMES,
     "特殊教育": Skill.SPECIAL_NEEDS, "特教": Skill.SPECIAL_NEEDS, "特殊需要": Skill.SPECIAL_NEEDS,
     "语文": Skill.TUTORING_CHINESE, "数学": Skill.TUTORING_MATH, "英语": Skill.TUTORING_ENGLISH,
     "科学": Skill.TUTORING_SCIENCE, "物理": Skill.TUTORING_SCIENCE, "化学": Skill.TUTORING_SCIENCE,
     "生物": Skill.TUTORING_SCIENCE,
     "美术": Skill.ART, "绘画": Skill.ART, "音乐": Skill.MUSIC, "唱歌": Skill.MUSIC,
     "体育": Skill.SPORTS, "运动": Skill.SPORTS, "法律": Skill.LAW, "安全": Skill.SAFETY,
     "安全教育": Skill.SAFETY, "摄影": Skill.PHOTOGRAPHY, "驾驶": Skill.DRIVING, "开车": Skill.DRIVING,
     "手语": Skill.SIGN_LANGUAGE, "chinese": Skill.TUTORING_CHINESE, "math": Skill.TUTORING_MATH,
     "english": Skill.TUTORING_ENGLISH, "science": Skill.TUTORING_SCIENCE},
)  # fmt: skip

NEEDS = _vocabulary(
    Need,
    {"轮椅": Need.WHEELCHAIR, "特殊需要": Need.SPECIAL_NEEDS, "特殊照护": Need.SPECIAL_NEEDS,
     "特教": Need.SPECIAL_NEEDS, "心理辅导": Need.COUNSELLING, "心理": Need.COUNSELLING,
     "语文": Need.TUTORING_CHINESE, "语文辅导": Need.TUTORING_CHINESE,
     "数学": Need.TUTORING_MATH, "数学辅导": Need.TUTORING_MATH,
     "英语": Need.TUTORING_ENGLISH, "英语辅导": Need.TUTORING_ENGLISH,
     "科学": Need.TUTORING_SCIENCE, "听力": Need.HEARING, "听障": Need.HEARING,
     "安全": Need.SAFETY, "安全教育": Need.SAFETY,
     "chinese": Need.TUTORING_CHINESE, "math": Need.TUTORING_MATH,
     "english": Need.TUTORING_ENGLISH, "science": Need.TUTORING_SCIENCE},
)  # fmt: skip

DIETS = _vocabulary(
    Diet,
    {"清真": Diet.HALAL, "素食": Diet.VEGETARIAN, "素": Diet.VEGETARIAN, "吃素": Diet.VEGETARIAN},
)

_TRUE = {"是", "有", "已", "已完成", "完成", "通过", "同意", "已同意", "√", "✓", "✔", "y", "yes",
         "true", "1", "ok", "可以", "能"}  # fmt: skip
_FALSE = {"否", "无", "没有", "未", "未完成", "不通过", "不同意", "未同意", "×", "✗", "n", "no",
          "false", "0", "不可以", "不能", "不"}  # fmt: skip


def word(raw: object, vocab: dict[str, StrEnum], what_zh: str, what_en: str) -> StrEnum:
    key = _key(text(raw))
    if key in vocab:
        return vocab[key]
    known = "、".join(sorted({k for k in vocab if not k.isascii()}))
    raise CellError(
        f"不认识的{what_zh}「{text(raw)}」(可以写:{known})",
        f"unknown {what_en} {text(raw)!r} (use one of: "
        + ", ".join(sorted({v.value for v in vocab.values()}))
        + ")",
    )


def words(raw: object, vocab: dict[str, StrEnum], what_zh: str, what_en: str) -> tuple:
    """Several words in one cell; duplicates dropped, order kept."""
    out: list[StrEnum] = []
    for part in split_list(raw):
        value = word(part, vocab, what_zh, what_en)
        if value not in out:
            out.append(value)
    return tuple(out)


def gender(raw: object) -> Gender:
    return word(raw, GENDERS, "性别", "gender")  # type: ignore[return-value]


def boolean(raw: object) -> bool:
    """是/否, yes/no, √/×, 1/0.

    >>> boolean("是"), boolean("No"), boolean(1)
    (True, False, True)
    """
    if isinstance(raw, bool):
        return raw
    key = text(raw).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(
        f"应填 是 或 否,而不是「{text(raw)}」", f"expected yes/no (是/否), got {text(raw)!r}"
    )


_DATE = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def day(raw: object) -> date:
    """A date as typed: 2026年12月5日, 2026-12-05, 2026/12/5, 2026.12.5, an Excel date.

    >>> day("2026年12月5日"), day("２０２６/1/9")
    (datetime.date(2026, 12, 5), datetime.date(2026, 1, 9))
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        return _EXCEL_EPOCH + timedelta(days=int(raw))
    cell = text(raw)
    match = _DATE.match(cell.split("T")[0].split(" ")[0])
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(
        f"不是有效日期「{cell}」(写成 2026年12月5日 或 2026-12-05)",
        f"not a valid date {cell!r} (write 2026-12-05)",
    )


def integer(raw: object, *, low: int, high: int, what_zh: str, what_en: str) -> int:
    cell = text(raw).removesuffix("岁").removesuffix("名").removesuffix("人").strip()
    try:
        value = float(cell)
    except ValueError:
        raise CellError(
            f"{what_zh}应是数字,而不是「{text(raw)}」",
            f"{what_en} must be a number, got {text(raw)!r}",
        ) from None
    if not value.is_integer():
        raise CellError(
            f"{what_zh}应是整数,而不是「{cell}」", f"{what_en} must be a whole number, got {cell!r}"
        )
    if not low <= value <= high:
        raise CellError(
            f"{what_zh} {int(value)} 不可能(应在 {low} 到 {high} 之间)",
            f"impossible {what_en} {int(value)} (must be {low}..{high})",
        )
    return int(value)


def score(raw: object) -> float:
    cell = text(raw).removesuffix("分").strip()
    try:
        value = float(cell)
    except ValueError:
        raise CellError(
            f"分数应是 0 到 10 的数字,而不是「{text(raw)}」",
            f"score must be a number 0..10, got {text(raw)!r}",
        ) from None
    if not 0 <= value <= 10:
        raise CellError(f"分数 {cell} 超出 0 到 10", f"score {cell} is outside 0..10")
    return value


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def phone(raw: object) -> str:
    """A Chinese mobile (11 digits) or landline (029-87650000).

    >>> phone("138 1234 5678"), phone(13812345678), phone("+86-13812345678")
    ('13812345678', '13812345678', '13812345678')
    """
    cell = text(raw)
    compact = re.sub(r"[\s()]", "", cell)
    compact = re.sub(r"^(\+?86)-?", "", compact)
    if _MOBILE.match(compact.replace("-", "")):
        return compact.replace("-", "")
    if _LANDLINE.match(compact):
        return compact
    raise CellError(
        f"电话号码格式不对「{cell}」(手机 11 位,座机如 029-87650000)",
        f"malformed phone number {cell!r} (11-digit mobile, or landline like 029-87650000)",
    )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(raw: object) -> str:
    cell = text(raw)
    if not _EMAIL.match(cell):
        raise CellError(f"邮箱格式不对「{cell}」", f"malformed email {cell!r}")
    return cell
