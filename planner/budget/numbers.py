"""Money and numbers as organisers type them, parsed only when unambiguous.

Accepted: ``1.5``, ``１.５`` (full-width), ``¥1.5``, ``￥1,500``, ``1.5元``,
``RMB 300``, ``1,500.00`` (thousands separators with exactly three digits
after each comma). Refused: ``1,5`` (is it 1.5 or 15?), ``1e3``, text, and
anything else that needs a guess. Every amount is a :class:`Decimal`; sums
are exact and amounts are rounded to the fen (0.01 yuan) half-up.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "FEN",
    "NumberError",
    "fen",
    "parse_number",
    "parse_percent",
    "plain",
]

#: One fen, the smallest unit of the yuan: every amount is a whole number of fen.
FEN = Decimal("0.01")

_CURRENCY_PREFIXES = ("人民币", "RMB", "CNY", "¥")
_CURRENCY_SUFFIXES = ("元整", "元", "圆", "块钱", "块")
_MINUS_SIGNS = "-−"  # ASCII hyphen-minus and U+2212 (full-width － becomes - under NFKC)
_PLAIN = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")


class NumberError(ValueError):
    """A value that is not an unambiguous number; the message in zh and en."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def fen(amount: Decimal) -> Decimal:
    """``amount`` rounded to the fen, half-up (as a cashier rounds).

    >>> fen(Decimal("0.125")), fen(Decimal("2360")), fen(Decimal("-0.005"))
    (Decimal('0.13'), Decimal('2360.00'), Decimal('-0.01'))
    """
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def plain(amount: Decimal) -> str:
    """A Decimal without exponent or trailing zeros beyond the fen, for text.

    >>> plain(Decimal("1E+2")), plain(Decimal("1.50")), plain(Decimal("3"))
    ('100', '1.5', '3')
    """
    text = format(amount.normalize(), "f")
    return text if text != "-0" else "0"


def parse_number(
    raw: object,
    *,
    what_zh: str = "数值",
    what_en: str = "value",
    allow_negative: bool = False,
) -> Decimal:
    """Parse a number cell or TOML value to an exact Decimal.

    Integers and Decimals pass through; a float goes through its shortest
    text (so 1.5 stays 1.5); text is normalised (NFKC: full-width digits,
    ￥, ，) and stripped of a currency sign or 元.

    >>> parse_number("¥1,500"), parse_number("１.５元"), parse_number(3)
    (Decimal('1500'), Decimal('1.5'), Decimal('3'))
    >>> try:
    ...     parse_number("1,5")
    ... except NumberError as exc:
    ...     print(exc.en)
    value: '1,5' is ambiguous (1.5 or 15?): write 1.5 or 15
    """
    if isinstance(raw, bool):
        raise NumberError(
            f"{what_zh}应是数字,而不是「{raw}」", f"{what_en} must be a number, got {raw!r}"
        )
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        value = _parse_text(raw, what_zh, what_en)
    else:
        raise NumberError(
            f"{what_zh}应是数字,而不是「{raw}」", f"{what_en} must be a number, got {raw!r}"
        )
    if not value.is_finite():
        raise NumberError(
            f"{what_zh}应是数字,而不是「{raw}」", f"{what_en} must be a number, got {raw!r}"
        )
    if value < 0 and not allow_negative:
        raise NumberError(
            f"{what_zh}不能是负数({plain(value)})", f"{what_en} cannot be negative ({plain(value)})"
        )
    return value


def parse_percent(raw: object, *, what_zh: str = "百分比", what_en: str = "percentage") -> Decimal:
    """A percentage 0..100, written ``5``, ``"5%"``, ``"５％"`` or ``"7.5"``.

    >>> parse_percent("5%"), parse_percent("７.５％")
    (Decimal('5'), Decimal('7.5'))
    """
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFKC", raw).strip().removesuffix("%").strip()
    value = parse_number(raw, what_zh=what_zh, what_en=what_en)
    if value > 100:
        raise NumberError(
            f"{what_zh} {plain(value)}% 超过 100%", f"{what_en} {plain(value)}% is over 100%"
        )
    return value


def _parse_text(raw: str, what_zh: str, what_en: str) -> Decimal:
    shown = raw.strip()
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise NumberError(f"{what_zh}是空的", f"{what_en} is blank")
    negative = text[0] in _MINUS_SIGNS
    if negative:
        text = text[1:].strip()
    for prefix in _CURRENCY_PREFIXES:
        if text.upper().startswith(prefix.upper()):
            text = text[len(prefix) :].strip()
            break
    if not negative and text[:1] in _MINUS_SIGNS:  # ¥-5
        negative = True
        text = text[1:].strip()
    for suffix in _CURRENCY_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    if _PLAIN.match(text):
        digits = text
    elif _GROUPED.match(text):
        digits = text.replace(",", "")
    elif re.fullmatch(r"[\d,.]+", text) and "," in text:
        decimal, whole = text.replace(",", ".", 1), text.replace(",", "")
        raise NumberError(
            f"{what_zh}「{shown}」不明确:逗号后应正好是三位数字的千分位(如 1,500);"
            f"要写小数请用小数点(如 {decimal})",
            f"{what_en}: {shown!r} is ambiguous ({decimal} or {whole}?): write {decimal} or {whole}",
        )
    else:
        raise NumberError(
            f"{what_zh}应是数字(如 1.5、¥1,500、1.5元),而不是「{shown}」",
            f"{what_en} must be a number (like 1.5, ¥1,500, 1.5元), got {shown!r}",
        )
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise NumberError(
            f"{what_zh}应是数字,而不是「{shown}」", f"{what_en} must be a number, got {shown!r}"
        ) from None
    return -value if negative else value
