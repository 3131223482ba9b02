from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest

from zhengfa.insight.counts import CountsInputError, WeekOutsideData, read_counts_csv


def _read(text: str):  # type: ignore[no-untyped-def]
    return read_counts_csv(io.StringIO(text))


def test_rows_become_a_dense_grid_with_absent_cells_zero() -> None:
    data = _read("week,count,series,note\n2026-W01,3,a,x\n2026-W03,5,a,\n2026-W02,1,b,\n")
    assert data.series == ("a", "b")
    assert [m.isoformat() for m in data.weeks] == ["2025-12-29", "2026-01-05", "2026-01-12"]
    assert np.array_equal(data.counts, [[3, 0, 5], [0, 1, 0]])
    assert data.week_index(date(2026, 1, 12)) == 2
    with pytest.raises(WeekOutsideData, match="2026-W04 is outside the data"):
        data.week_index(date(2026, 1, 19))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("series,week\na,2026-W01\n", "line 1: missing column.*count.*series,week,count"),
        ("series,week,count\na,2026-14,3\n", "line 2: week '2026-14' is not an ISO week"),
        ("series,week,count\na,2026-W01,3\nb,2026-W01,-1\n", "line 3: count '-1'.*whole number"),
        ("series,week,count\na,2026-W01,2.5\n", "line 2: count '2.5'.*whole number 0 or more"),
        ("series,week,count\na,2026-W01,\n", "line 2: count ''"),
        ("series,week,count\n,2026-W01,1\n", "line 2: series is empty"),
        (
            "series,week,count\na,2026-W01,1\nb,2026-W01,1\na,2026-W01,2\n",
            "line 4: series 'a' week 2026-W01 already given on line 2",
        ),
        ("series,week,count\n", "no data rows"),
        ("", "missing column"),
    ],
)
def test_bad_input_names_the_line_and_the_accepted_form(text: str, message: str) -> None:
    with pytest.raises(CountsInputError, match=message):
        _read(text)
