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
        [(0, 1, 2**64), (1, 0, 3)],  # beyond 64 bits
        [(0, 1, 2**60), (1, 0, 3.5)],  # beyond what a float holds exactly, among floats
        [(0, float("nan"), 1), (1, 0, 3)],  # an index that is no number
        [(0, 1, [7]), (1, 0, 3)],  # a cell that is a list
        [],
        [[1.0, 2.0, 3.0, 4.0]],  # a matrix row, not a triple
    ],
    ids=[
        "short",
        "uneven",
        "beyond 64 bits",
        "huge among floats",
        "nan index",
        "nested",
        "empty",
        "four columns",
    ],
)
def test_rows_it_cannot_read_exactly_take_the_general_path(rows) -> None:
    assert flow._rows_table(rows) is None


def test_rows_of_integers_are_read_exactly_up_to_64_bits() -> None:
    rows = [(0, 1, 2**60 + 1), (1, 0, -(2**63)), (np.int32(2), np.int64(1), True)]
    table = flow._rows_table(rows)
    assert table is not None and table.dtype == np.int64
    assert table.tolist() == [[0, 1, 2**60 + 1], [1, 0, -(2**63)], [2, 1, 1]]


def test_a_huge_integer_cost_stays_exact() -> None:
    rows = [(0, 0, 2**53 + 1), (1, 1, 3)]  # 2**53 + 1 as a float is 2**53
    assert assign(rows, [1, 1], sparse=True).objective == 2**53 + 4


def test_rows_of_uneven_length_are_refused() -> None:
    with pytest.raises(ValueError):
        assign([(0, 1), (1, 0, 3, 4)], [1, 1], sparse=True)


def test_a_fractional_index_in_a_list_is_refused() -> None:
    with pytest.raises(ValueError, match="integers"):
        assign([(0, 0.5, 1), (1, 0, 3)], [1, 1], sparse=True)


@pytest.mark.parametrize("cores", [1, 2, 3, 7])
def test_a_matrix_scanned_in_bands_gives_the_cells_one_pass_gives(monkeypatch, cores: int) -> None:
    rng = np.random.default_rng(cores)
    matrix = rng.integers(0, 50, (40, 9)).astype(float)
    matrix[rng.random(matrix.shape) < 0.6] = np.inf
    matrix[3, 4] = np.nan
    matrix[5, :] = -np.inf
    monkeypatch.setattr(flow, "SCAN_CELLS", 10)
    monkeypatch.setattr(flow, "SCAN_BLOCK", 7)  # blocks end inside rows and inside bands
    monkeypatch.setattr(flow, "_cores", lambda: cores)
    for form in (matrix, matrix.T.copy().T):  # C order, and a view in Fortran order
        cells = flow._finite_cells(form)
        assert cells.tolist() == np.flatnonzero(np.isfinite(matrix)).tolist()
    assert flow._finite_cells(matrix[:, :0]).tolist() == []
    assert flow._finite_cells(matrix[:0]).tolist() == []
