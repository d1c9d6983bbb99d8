"""Shadow prices are finite differences of the objective, and hold over the reported range.

Sign convention (results.py): a cap's shadow price is the value of one more unit of the
cap, in USD per unit of the capped resource: the decrease of cost (cost objective) or the
increase of value added (value_added objective); >= 0 for a binding cap, 0 for a slack one.
So for a cap ``b``: ``price = -d cost / d b = d value_added / d b``.

The range ``[range_lower, range_upper]`` comes from HiGHS ranging: over it the optimal
basis, hence the price, stays the same. The objective is therefore linear with slope
``price`` inside the range (tested right up to both ends); beyond the upper end the value
of one more unit can only fall, below the lower end only rise (the optimal cost is convex
in the cap). Where the LP is degenerate the price may hold beyond the reported range, so
the change of slope at a range end is asserted on the hand-derived examples.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.backends.highs import HighsModel
from resourcemodel.program import LinearProgram
from resourcemodel.results import CAP_FAMILIES

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


_WARM: dict[int, HighsModel] = {}


def _objective(lp: LinearProgram, row: int, cap: float, backend: str = "highs") -> float:
    """Optimal objective with row ``row``'s cap set to ``cap`` (HiGHS warm re-solves)."""
    upper = lp.row_upper.copy()
    upper[row] = cap
    changed = dataclasses.replace(lp, row_upper=upper)
    if backend == "highs":
        model = _WARM.get(id(lp))
        if model is None or model.lp.A is not lp.A:
            model = _WARM[id(lp)] = HighsModel(changed)
        else:
            model.update(changed)
        result = model.solve()
    else:
        result = rm.solve(changed, backend)
    assert result.status.is_ok, (row, cap)
    return float(result.objective)


def _value(lp: LinearProgram, row: int, a: float, b: float, backend: str = "highs") -> float:
    """Finite-difference value of one more unit of row ``row``'s cap between a and b."""
    sign = lp.objective_sign  # reported objective: cost (1) or value added (-1)
    slope = (_objective(lp, row, b, backend) - _objective(lp, row, a, backend)) / (b - a)
    return float(-sign * slope)


def _binding(lp: LinearProgram, res: xr.Dataset) -> list[tuple[str, tuple[str, ...], int]]:
    out = []
    for family, name in CAP_FAMILIES.items():
        block = lp.constraints[family]
        for where in np.argwhere(res[f"{name}_binding"].values):
            out.append((name, tuple(map(int, where)), int(block.index[tuple(where)])))
    return out


def _solve(path: Path) -> tuple[LinearProgram, xr.Dataset, dict[str, str]]:
    inputs, spec, _ = rm.load(path)
    options = dict(spec.options) if spec else {}
    lp = rm.build(inputs, objective=str(options.get("objective", "cost")))
    res = rm.results.assemble(inputs, lp, rm.solve(lp))
    return lp, res, options  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("example", "source", "price", "lo", "hi", "above", "below"),
    [
        # two_plants: below 400 m3 mill A replaces unmet demand (47.5 USD/m3); above
        # 500 m3 both mills are at their best and water is worth nothing.
        ("two_plants", "river", 5.0, 400.0, 500.0, 0.0, 47.5),
        # measure_payoff: below 800 m3 recycling is at its limit and unmet steel costs
        # 50 USD/t for 8 m3/t net of recycling, less the 1 USD/t of adoption it no longer
        # needs: 49/8; above 1000 m3 no recycling is needed.
        ("measure_payoff", "river", 0.5, 800.0, 1000.0, 0.0, 49 / 8),
        # product_chain: above 1400 GJ no grid power is bought; below 1280 GJ the grid is
        # at its 20 MWh cap and steel goes unmet.
        ("product_chain", "pipeline_gas", 3.0, 1280.0, 1400.0, 0.0, None),
    ],
)
def test_examples_price_range_and_slope_change(
    example: str,
    source: str,
    price: float,
    lo: float,
    hi: float,
    above: float,
    below: float | None,
) -> None:
    inputs = rm.load_inputs(rm.examples.path(example))
    lp = rm.build(inputs)
    res = rm.results.assemble(inputs, lp, rm.solve(lp))
    sel = {"source": source, "period": "year"}
    assert float(res["source_cap_shadow_price"].sel(sel)) == pytest.approx(price)
    assert float(res["source_cap_range_lower"].sel(sel)) == pytest.approx(lo)
    assert float(res["source_cap_range_upper"].sel(sel)) == pytest.approx(hi)
    row = int(lp.constraints["source-cap"].index[0, 0])
    cap = float(lp.row_upper[row])
    step = 1e-3 * cap
    # Both ways from the cap, and right up to both ends of the range: the price.
    assert _value(lp, row, cap, cap + step) == pytest.approx(price, rel=1e-6)
    assert _value(lp, row, cap - step, cap) == pytest.approx(price, rel=1e-6)
    assert _value(lp, row, hi - step, hi) == pytest.approx(price, rel=1e-6)
    assert _value(lp, row, lo, lo + step) == pytest.approx(price, rel=1e-6)
    # Past the ends the slope changes.
    assert _value(lp, row, hi, hi + step) == pytest.approx(above, abs=1e-6)
    outside = _value(lp, row, lo - step, lo)
    assert outside > price + 1e-6
    if below is not None:
        assert outside == pytest.approx(below, rel=1e-6)


def test_examples_price_equals_finite_difference_with_every_backend(backend: str) -> None:
    for example, price in (("two_plants", 5.0), ("measure_payoff", 0.5), ("product_chain", 3.0)):
        inputs = rm.load_inputs(rm.examples.path(example))
        lp = rm.build(inputs)
        result = rm.solve(lp, backend)
        res = rm.results.assemble(inputs, lp, result)
        (name, where, row), *_ = [b for b in _binding(lp, res) if b[0] == "source_cap"]
        reported = float(res[f"{name}_shadow_price"].values[where])
        cap = float(lp.row_upper[row])
        fd = _value(lp, row, cap - 1e-3 * cap, cap + 1e-3 * cap, backend)
        assert reported == pytest.approx(price, rel=1e-6)
        assert fd == pytest.approx(reported, rel=1e-5)  # CBC reports fewer digits


def _check_case(path: Path, *, ranges: bool) -> int:
    """Check every binding cap of a scenario; return how many range sides were checked.

    Always: price >= 0, between the finite differences on both sides (convexity), and
    equal to one of them (the basis behind the dual stays optimal on one side at least).
    With ``ranges``: the price equals the slope right up to both ends of the range and the
    value of one more unit can only fall above it and rise below it.
    """
    lp, res, _ = _solve(path)
    checked = 0
    caps = _binding(lp, res)
    assert caps, "the scenario has binding caps"
    for name, where, row in caps:
        price = float(res[f"{name}_shadow_price"].values[where])
        cap = float(lp.row_upper[row])
        label = f"{name}{where}"
        assert price >= 0.0, label
        tol = 1e-6 * max(abs(price), 1.0) + 1e-7
        h = 1e-4 * max(abs(cap), 1.0)
        right = _value(lp, row, cap, cap + h)
        left = _value(lp, row, cap - h, cap) if cap - h >= 0 else np.inf
        assert right - tol <= price <= left + tol, label
        assert min(abs(right - price), abs(left - price)) <= tol, label
        if not ranges:
            continue
        lo = float(res[f"{name}_range_lower"].values[where])
        hi = float(res[f"{name}_range_upper"].values[where])
        assert lo <= cap + 1e-9 * abs(cap) and hi >= cap - 1e-9 * abs(cap), (label, lo, cap, hi)
        if hi > cap + 1e-7 * abs(cap):
            end = min(hi, cap + max(abs(cap), 1.0)) if np.isinf(hi) else hi
            d = 0.01 * (end - cap)
            assert _value(lp, row, cap, cap + d) == pytest.approx(price, rel=1e-3, abs=tol), label
            # The objective is ~1e10 USD: a slope over a short step carries ~1e-4 noise.
            assert _value(lp, row, end - d, end) == pytest.approx(price, rel=1e-3, abs=tol), label
            if np.isfinite(hi):
                assert _value(lp, row, hi, hi + d) <= price + tol, label
            checked += 1
        if lo < cap - 1e-7 * abs(cap):
            d = 0.01 * (cap - lo)
            assert _value(lp, row, cap - d, cap) == pytest.approx(price, rel=1e-3, abs=tol), label
            assert _value(lp, row, lo, lo + d) == pytest.approx(price, rel=1e-3, abs=tol), label
            if lo - d >= 0:
                assert _value(lp, row, lo - d, lo) >= price - tol, label
            checked += 1
    return checked


ISFAHAN = pytest.mark.skipif(
    not (SCENARIOS / "baseline.toml").exists(), reason="no Isfahan scenarios"
)


@ISFAHAN
def test_isfahan_baseline_prices() -> None:
    _check_case(SCENARIOS / "baseline.toml", ranges=False)


@ISFAHAN
def test_isfahan_baseline_ranges() -> None:
    assert _check_case(SCENARIOS / "baseline.toml", ranges=True) > 0


@pytest.mark.skipif(
    not (SCENARIOS / "baseline-value-added.toml").exists(), reason="no Isfahan scenarios"
)
def test_isfahan_value_added_sign() -> None:
    """With the value_added objective the price is the gain of value added (still >= 0)."""
    lp, _, options = _solve(SCENARIOS / "baseline-value-added.toml")
    assert options.get("objective") == "value_added" and lp.objective_sign == -1
    _check_case(SCENARIOS / "baseline-value-added.toml", ranges=False)


def test_unscaled_ranges_of_the_province_model() -> None:
    """Without HiGHS's bound scaling the province ranges are right too."""
    if not (SCENARIOS / "baseline.toml").exists():
        pytest.skip("no Isfahan scenarios")
    inputs, _, _ = rm.load(SCENARIOS / "baseline.toml")
    lp = rm.build(inputs)
    res = rm.results.assemble(inputs, lp, rm.solve(lp, scale=False))
    for name, where, row in _binding(lp, res):
        cap = float(lp.row_upper[row])
        lo = float(res[f"{name}_range_lower"].values[where])
        hi = float(res[f"{name}_range_upper"].values[where])
        assert lo <= cap * (1 + 1e-9) and hi >= cap * (1 - 1e-9), (name, where, lo, cap, hi)
        price = float(res[f"{name}_shadow_price"].values[where])
        if hi > cap * (1 + 1e-6) and np.isfinite(hi):
            d = 0.01 * (hi - cap)
            tol = 1e-6 * max(price, 1.0)
            assert _value(lp, row, hi - d, hi) == pytest.approx(price, abs=tol), name


def test_slack_caps_are_worth_nothing() -> None:
    res = rm.run(rm.examples.path("product_chain"))
    grid = {"source": "grid", "period": "year"}
    assert not bool(res["source_cap_binding"].sel(grid))
    assert float(res["source_cap_shadow_price"].sel(grid)) == 0.0
    for name in CAP_FAMILIES.values():
        prices = res[f"{name}_shadow_price"].values
        assert np.all(np.nan_to_num(prices) >= 0.0), name
