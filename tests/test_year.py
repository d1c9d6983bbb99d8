"""The model's year is 365 days, in the formulation and in the unit registry alike.

Periods share annual capacities by ``duration / 365 d``; before, pint's ``yr`` was the
Julian year (365.25 d), so a capacity given per day or a period given as ``1 yr`` got
1.000685 of a 365-day year.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel import units
from resourcemodel.formulation import DAYS_PER_YEAR

MONTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def test_registry_year_is_the_model_year() -> None:
    assert units.DAYS_PER_YEAR == 365
    assert DAYS_PER_YEAR == 365.0
    for name in ("yr", "year", "a"):
        assert units.factor(name, "d") == 365.0
    assert units.factor("t/d", "t/yr") == 365.0
    assert units.factor("month", "d") == pytest.approx(365 / 12, rel=1e-15)
    # The Julian year stays available under its own name.
    assert units.factor("julian_year", "d") == 365.25


def _production_bounds(case: Path) -> np.ndarray:
    lp = rm.build(rm.load_inputs(case))
    block = lp.variables["production"]
    return block.gather(lp.col_upper)


def test_one_year_period_gets_exactly_the_annual_capacity(
    case_copy: Callable[[str], Path],
) -> None:
    case = case_copy("two_plants")
    (case / "periods.csv").write_text(
        "period,duration,unit,reference,confidence\nyear,1,yr,example,assumption\n"
    )
    upper = _production_bounds(case)
    np.testing.assert_array_equal(upper, [[200.0], [200.0]])


def test_capacity_per_day_sums_to_365_days_over_months(
    case_copy: Callable[[str], Path],
) -> None:
    case = case_copy("two_plants")
    (case / "periods.csv").write_text(
        "period,duration,unit,reference,confidence\n"
        + "".join(f"m{i},{d},d,example,assumption\n" for i, d in enumerate(MONTHS))
    )
    (case / "demand.csv").write_text(
        "product,period,value,unit,reference,confidence\nsteel,*,25,t,example,assumption\n"
    )
    (case / "source_cap.csv").write_text(
        "source,period,value,unit,reference,confidence\nriver,*,40,m3,example,assumption\n"
    )
    (case / "capacity.csv").write_text(
        "process,value,unit,reference,confidence\n"
        "a_mill,1,t/d,example,assumption\n"
        "b_mill,365,t/yr,example,assumption\n"
    )
    upper = _production_bounds(case)
    # 1 t/d over a 365-day year is 365 t, the same as 365 t/yr, month by month.
    np.testing.assert_allclose(upper[0], MONTHS, rtol=1e-14)
    np.testing.assert_allclose(upper[1], MONTHS, rtol=1e-14)
    assert upper[0].sum() == pytest.approx(365.0, rel=1e-14)
