"""Quantity expressions: precedence, parentheses, Chinese operators, errors; never eval."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.budget.expr import ExprError, parse

COUNTS = {"children": 30, "volunteers": 15, "staff": 3, "groups": 3, "buses": 2, "zero": 0}


def value(text: str) -> Decimal:
    return parse(text).evaluate(COUNTS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("children", 30),
        ("children + volunteers", 45),
        ("children + volunteers * 2", 60),  # × before +
        ("(children + volunteers) * 2", 90),
        ("children - volunteers - staff", 12),  # left to right
        ("children / groups / 2", 5),
        ("children - (volunteers - staff)", 18),
        ("-staff + children", 27),
        ("--staff", 3),
        ("((children))", 30),
        ("2.5 * buses", 5),
        ("1,500 / volunteers", 100),  # thousands separator
    ],
)
def test_precedence_and_parentheses(text, expected):
    assert value(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["children × 2 ÷ groups", "children＊2／groups", "（children）×２÷groups", "children·2÷groups"],
)
def test_chinese_and_full_width_operators(text):
    assert value(text) == 20


def test_chinese_minus_signs():
    assert (
        value("children － staff") == value("children − staff") == value("children - staff") == 27
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("children +", "the end"),
        ("(children + 2", "missing ')'"),
        ("children + 2)", "unexpected ')'"),
        ("children 2", "unexpected '2'"),
        ("children ** 2", "expected a name"),
        ("", "blank"),
        ("1,5 * children", "ambiguous"),
        ("children + 孩子", "unexpected '孩'"),
        ("__import__('os')", 'unexpected "\'"'),
        ("children; 1", "unexpected ';'"),
        ("(" * 40 + "1" + ")" * 40, "nested too deeply"),
        ("1+" * 150 + "1", "too long"),
    ],
)
def test_bad_expressions_say_where(text, fragment):
    with pytest.raises(ExprError) as caught:
        parse(text)
    assert fragment in caught.value.en
    assert caught.value.zh


def test_unknown_name_lists_the_known_names():
    with pytest.raises(ExprError) as caught:
        parse("kids + 1").evaluate(COUNTS)
    assert "'kids'" in caught.value.en and "children, groups" in caught.value.en


def test_division_by_zero_is_an_error_not_a_crash():
    with pytest.raises(ExprError) as caught:
        value("children / zero")
    assert "division by zero" in caught.value.en and "zero" in caught.value.zh
    with pytest.raises(ExprError):
        value("children / (buses - 2)")


def test_names_are_collected():
    assert parse("(children + volunteers) * 2 - staff").names() == {
        "children",
        "volunteers",
        "staff",
    }


def test_excel_form_keeps_the_order_of_operations():
    cells = {"children": "$J$2", "volunteers": "$J$3"}
    assert parse("children + volunteers * 2").to_excel(cells.__getitem__) == "($J$2+($J$3*2))"
    assert parse("-(children - 1)").to_excel(cells.__getitem__) == "-(($J$2-1))"


# ---------- Hypothesis: the parser agrees with exact fractions ----------

NAMES = sorted(COUNTS)


def trees(depth: int = 4):
    leaves = st.one_of(
        st.integers(min_value=0, max_value=999).map(lambda n: (str(n), Fraction(n))),
        st.sampled_from(NAMES).map(lambda n: (n, Fraction(COUNTS[n]))),
    )

    def extend(children):
        binary = st.tuples(
            children, st.sampled_from(["+", "-", "*", "/", "×", "÷", "－"]), children
        )
        negated = children.map(lambda c: (f"-{c[0]}", -c[1]) if c[1] is not None else c)
        return st.one_of(binary.map(_combine), negated)

    return st.recursive(leaves, extend, max_leaves=12)


def _combine(parts):
    (left_text, left), op, (right_text, right) = parts
    text = f"({left_text} {op} {right_text})"
    if left is None or right is None:
        return text, None
    if op == "+":
        return text, left + right
    if op in "-－":
        return text, left - right
    if op in "*×":
        return text, left * right
    return text, None if right == 0 else left / right


@settings(max_examples=300, deadline=None)
@given(trees())
def test_parser_agrees_with_exact_fractions(case):
    text, expected = case
    node = parse(text)
    if expected is None:
        with pytest.raises(ExprError):
            node.evaluate(COUNTS)
        return
    result = node.evaluate(COUNTS)
    # Decimal division keeps 28 significant digits; everything else is exact.
    assert abs(Fraction(result) - expected) <= abs(expected) * Fraction(1, 10**20) + Fraction(
        1, 10**20
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_fails_cleanly(text):
    """Any text either parses (and then only names it contains) or raises ExprError."""
    try:
        node = parse(text)
    except ExprError:
        return
    normal = unicodedata.normalize("NFKC", text)
    assert all(name in normal for name in node.names())
    try:
        result = node.evaluate(dict.fromkeys(node.names(), 7))
    except ExprError:
        return
    assert isinstance(result, Decimal)
