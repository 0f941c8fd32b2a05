"""Money as typed: the unambiguous is parsed, the ambiguous refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.budget.numbers import NumberError, fen, parse_number, parse_percent
from planner.budget.output import format_yuan

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.5", "1.5"),
        ("１.５", "1.5"),
        ("¥1.5", "1.5"),
        ("￥1.5", "1.5"),
        ("1.5元", "1.5"),
        ("１.５元", "1.5"),
        ("￥1,500", "1500"),
        ("¥1,234,567.89", "1234567.89"),
        ("RMB 300", "300"),
        ("人民币300元", "300"),
        (" 75 ", "75"),
        (".5", "0.5"),
        (400, "400"),
        (1.5, "1.5"),
        (D("2360"), "2360"),
    ],
)
def test_unambiguous_numbers_are_parsed(raw, expected):
    assert parse_number(raw) == D(expected)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("1,5", "ambiguous"),
        ("12,34", "ambiguous"),
        ("1,5000", "ambiguous"),
        ("１，５", "ambiguous"),
        ("一块五", "must be a number"),
        ("约500", "must be a number"),
        ("1e3", "must be a number"),
        ("NaN", "must be a number"),
        ("1.2.3", "must be a number"),
        ("1 500", "must be a number"),
        ("", "blank"),
        ("-80", "negative"),
        ("¥-80", "negative"),
        ("−80", "negative"),
        (-1, "negative"),
        (True, "must be a number"),
        (None, "must be a number"),
    ],
)
def test_ambiguous_or_text_is_refused(raw, fragment):
    with pytest.raises(NumberError) as caught:
        parse_number(raw)
    assert fragment in caught.value.en
    assert caught.value.zh


def test_negative_allowed_when_asked():
    assert parse_number("-¥50", allow_negative=True) == D("-50")


def test_percentages():
    assert parse_percent("5%") == parse_percent("５％") == parse_percent(5) == D("5")
    with pytest.raises(NumberError, match="over 100"):
        parse_percent("150%")


def test_format_yuan():
    assert format_yuan(D("2360")) == "¥2,360.00"
    assert format_yuan(D("49.5")) == "¥49.50"
    assert format_yuan(D("-100")) == "-¥100.00"
    assert format_yuan(D("0")) == "¥0.00"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_formatted_yuan_parses_back(amount):
    assert parse_number(format_yuan(amount)) == amount


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False))
def test_fen_rounds_half_up_and_is_within_half_a_fen(amount):
    rounded = fen(amount)
    assert rounded.as_tuple().exponent == -2
    assert abs(rounded - amount) <= D("0.005")
    if abs(rounded - amount) == D("0.005"):
        assert abs(rounded) > abs(amount)  # halves go away from zero
