"""Quantity expressions: ``children + volunteers``, ``(pairs × 2) ÷ groups``.

A tiny recursive-descent parser over names, numbers, ``+ - * /`` (also
``× ÷ −`` and full-width ``＋ － ＊ ／ （ ）``) and parentheses. Never
``eval``: the text becomes a small tree whose names are checked against the
plan's counts before anything is computed.

Grammar::

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := ("+" | "-") factor | NUMBER | NAME | "(" expr ")"

>>> e = parse("children + volunteers × 2")
>>> e.evaluate({"children": 30, "volunteers": 15})
Decimal('60')
>>> sorted(e.names())
['children', 'volunteers']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

from msgspec import Struct

from planner.budget.numbers import NumberError, parse_number, plain

__all__ = ["BinOp", "ExprError", "Name", "Neg", "Node", "Num", "parse"]

#: Longest expression accepted, and deepest nesting: a quantity is a short formula.
MAX_LENGTH = 200
MAX_DEPTH = 30

_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "/": "/", "÷": "/"}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d[\d,]*(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/×÷−·()]))"
)


class ExprError(ValueError):
    """A quantity that cannot be read or computed; the message in zh and en."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


class Node:
    """A node of a parsed quantity."""

    def evaluate(self, counts: Mapping[str, int | Decimal]) -> Decimal:
        raise NotImplementedError

    def names(self) -> set[str]:
        raise NotImplementedError

    def to_excel(self, ref: Callable[[str], str]) -> str:
        """The same formula in Excel syntax; ``ref`` gives a name's cell."""
        raise NotImplementedError

    def describe(self) -> str:
        """The expression as text, fully parenthesised."""
        raise NotImplementedError


class Num(Node, Struct, frozen=True):
    value: Decimal

    def evaluate(self, counts: Mapping[str, int | Decimal]) -> Decimal:
        return self.value

    def names(self) -> set[str]:
        return set()

    def to_excel(self, ref: Callable[[str], str]) -> str:
        return plain(self.value)

    def describe(self) -> str:
        return plain(self.value)


class Name(Node, Struct, frozen=True):
    name: str

    def evaluate(self, counts: Mapping[str, int | Decimal]) -> Decimal:
        if self.name not in counts:
            raise unknown_name(self.name, counts)
        return Decimal(counts[self.name])

    def names(self) -> set[str]:
        return {self.name}

    def to_excel(self, ref: Callable[[str], str]) -> str:
        return ref(self.name)

    def describe(self) -> str:
        return self.name


class Neg(Node, Struct, frozen=True):
    operand: Node

    def evaluate(self, counts: Mapping[str, int | Decimal]) -> Decimal:
        return -self.operand.evaluate(counts)

    def names(self) -> set[str]:
        return self.operand.names()

    def to_excel(self, ref: Callable[[str], str]) -> str:
        return f"-({self.operand.to_excel(ref)})"

    def describe(self) -> str:
        return f"-{self.operand.describe()}"


class BinOp(Node, Struct, frozen=True):
    op: str
    left: Node
    right: Node

    def evaluate(self, counts: Mapping[str, int | Decimal]) -> Decimal:
        a = self.left.evaluate(counts)
        b = self.right.evaluate(counts)
        if self.op == "+":
            return a + b
        if self.op == "-":
            return a - b
        if self.op == "*":
            return a * b
        if b == 0:
            raise ExprError(
                f"除以零:「{self.right.describe()}」等于 0",
                f"division by zero: {self.right.describe()!r} is 0",
            )
        try:
            return a / b
        except (DivisionByZero, InvalidOperation):  # pragma: no cover - b != 0 checked
            raise ExprError("除以零", "division by zero") from None

    def names(self) -> set[str]:
        return self.left.names() | self.right.names()

    def to_excel(self, ref: Callable[[str], str]) -> str:
        return f"({self.left.to_excel(ref)}{self.op}{self.right.to_excel(ref)})"

    def describe(self) -> str:
        return f"({self.left.describe()} {self.op} {self.right.describe()})"


def unknown_name(name: str, known: Mapping[str, object] | set[str]) -> ExprError:
    """The error for a name that is not one of the plan's counts, listing them."""
    listed = ", ".join(sorted(known))
    return ExprError(
        f"数量里有不认识的名称「{name}」;可用的名称:{listed}",
        f"unknown name {name!r} in the quantity; known names: {listed}",
    )


def parse(text: str) -> Node:
    """Parse a quantity expression; raise :class:`ExprError` with the position.

    >>> parse("(children + volunteers) * 2").evaluate({"children": 3, "volunteers": 1})
    Decimal('8')
    >>> parse("2 + 3 * 4").evaluate({}), parse("(2 + 3) * 4").evaluate({})
    (Decimal('14'), Decimal('20'))
    """
    source = unicodedata.normalize("NFKC", text)
    if not source.strip():
        raise ExprError("数量是空的", "the quantity is blank")
    if len(source) > MAX_LENGTH:
        raise ExprError(
            f"数量表达式太长(超过 {MAX_LENGTH} 个字符)",
            f"the quantity expression is too long (over {MAX_LENGTH} characters)",
        )
    return _Parser(_tokens(source, text)).parse()


class _Token(Struct, frozen=True):
    kind: str  # "number", "name", "op", "end"
    text: str
    position: int  # 1-based character position, for messages


def _tokens(source: str, shown: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        if source[position].isspace():
            position += 1
            continue
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            char = source[position]
            raise ExprError(
                f"数量「{shown}」第 {position + 1} 个字符「{char}」无法识别"
                "(只能用名称、数字、+ − × ÷ 和括号)",
                f"quantity {shown!r}: unexpected {char!r} at character {position + 1} "
                "(only names, numbers, + - * / and parentheses)",
            )
        kind = match.lastgroup or "op"
        start = match.start(kind)
        value = match.group(kind)
        if kind == "number":
            try:
                value = str(parse_number(value, what_zh="数量", what_en="quantity"))
            except NumberError as exc:
                raise ExprError(
                    f"数量「{shown}」:{exc.zh}", f"quantity {shown!r}: {exc.en}"
                ) from None
        elif kind == "op":
            value = _OPERATORS.get(value, value)
        tokens.append(_Token(kind, value, start + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.expr()
        if self.token.kind != "end":
            raise self.error("多余的", "unexpected")
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.token.kind == "op" and self.token.text in "+-":
            op = self.take().text
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.token.kind == "op" and self.token.text in "*/":
            op = self.take().text
            node = BinOp(op, node, self.factor())
        return node

    def factor(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("数量表达式嵌套太深", "the quantity expression is nested too deeply")
        try:
            token = self.token
            if token.kind == "op" and token.text in "+-":
                self.take()
                operand = self.factor()
                return operand if token.text == "+" else Neg(operand)
            if token.kind == "number":
                self.take()
                return Num(Decimal(token.text))
            if token.kind == "name":
                self.take()
                return Name(token.text)
            if token.kind == "op" and token.text == "(":
                self.take()
                node = self.expr()
                if self.token.kind != "op" or self.token.text != ")":
                    raise self.error("缺少右括号,遇到", "missing ')', found")
                self.take()
                return node
            raise self.error(
                "这里应是名称、数字或左括号,却是", "expected a name, number or '(', found"
            )
        finally:
            self.depth -= 1

    def error(self, zh: str, en: str) -> ExprError:
        token = self.token
        found_zh = "结尾" if token.kind == "end" else f"「{token.text}」"
        found_en = "the end" if token.kind == "end" else repr(token.text)
        return ExprError(
            f"数量表达式第 {token.position} 个字符处{zh}{found_zh}",
            f"quantity expression, character {token.position}: {en} {found_en}",
        )
