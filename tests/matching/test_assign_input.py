"""``assign``'s input conversion: a list of rows becomes the array ``np.asarray`` would
make, in one pass, and anything it cannot read exactly takes the general path."""

from __future__ import annotations

import numpy as np
import pytest

import planner.matching.flow as flow
from planner.matching import assign

ROWS = {
    "int tuples": [(0, 1, 7), (1, 0, 3), (2, 1, 4), (2, 0, 9)],
    "int lists": [[0, 1, 7], [1, 0, 3], [2, 1, 4], [2, 0, 9]],
    "float costs": [(0, 1, 0.25), (1, 0, 3.5), (2, 1, 4.0), (2, 0, 9.0)],
    "a float after ints": [(0, 1, 7), (1, 0, 3), (2, 1, 4.5), (2, 0, 9)],
    "numpy scalars": [(np.int64(0), np.int32(1), np.int64(7)), (1, 0, 3), (2, 1, 4), (2, 0, 9)],
    "negative costs": [(0, 1, -7), (1, 0, 3), (2, 1, -4), (2, 0, 9)],
}


@pytest.mark.parametrize("name", ROWS)
def test_a_list_of_rows_is_the_array_asarray_gives(name: str) -> None:
    rows = ROWS[name]
    table = flow._rows_table(rows)
    expected = np.asarray(rows)
    assert table is not None
    assert table.dtype == expected.dtype and np.array_equal(table, expected)
    assert table[:, 0].flags.c_contiguous  # a column is one array for the solver


@pytest.mark.parametrize("name", ROWS)
def test_every_form_of_the_rows_gives_the_same_assignment(name: str) -> None:
    rows = ROWS[name]
    child, vol, cost = (np.asarray(column) for column in zip(*rows, strict=True))
    by_list = assign(rows, [2, 2])
    by_arrays = assign((child.astype(np.int64), vol.astype(np.int64), cost), [2, 2])
    assert by_list == by_arrays
    assert type(by_list.objective) is type(by_arrays.objective)


@pytest.mark.parametrize(
    "rows",
    [
        [(0, 1, 7), (1, 0)],  # a short row
        [(0, 1), (1, 0, 3, 4)],  # as many numbers as two rows, not in rows of three
        [(0, 1, 2**60), (1, 0, 3)],  # beyond what a float holds exactly
        [(0, float("nan"), 1), (1, 0, 3)],  # an index that is no number
        [(0, 1, [7]), (1, 0, 3)],  # a cell that is a list
        [],
        [[1.0, 2.0, 3.0, 4.0]],  # a matrix row, not a triple
    ],
    ids=["short", "uneven", "huge", "nan index", "nested", "empty", "four columns"],
)
def test_rows_it_cannot_read_exactly_take_the_general_path(rows) -> None:
    assert flow._rows_table(rows) is None


def test_a_huge_integer_cost_stays_exact() -> None:
    rows = [(0, 0, 2**53 + 1), (1, 1, 3)]  # 2**53 + 1 as a float is 2**53
    assert assign(rows, [1, 1], sparse=True).objective == 2**53 + 4


def test_rows_of_uneven_length_are_refused() -> None:
    with pytest.raises(ValueError):
        assign([(0, 1), (1, 0, 3, 4)], [1, 1], sparse=True)


def test_a_fractional_index_in_a_list_is_refused() -> None:
    with pytest.raises(ValueError, match="integers"):
        assign([(0, 0.5, 1), (1, 0, 3)], [1, 1], sparse=True)
