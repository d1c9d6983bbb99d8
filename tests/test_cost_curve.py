"""Marginal cost curves of saving water and energy, computed from the LP.

``water_measures`` by hand: a mill makes 100 t with 10 m3/t of river water (0.2 USD/m3)
and 5 MWh/t of grid power (30 USD/MWh). Process-water reuse saves 20% of the water for
200 USD/yr: (200 - 0.2 * 200) / 200 = 0.8 USD per m3 saved. Dry cooling saves 30% of what
is left: the two together save 1 - 0.8 * 0.7 = 44% (440 m3), so dry cooling adds 240 m3.
The LP reaches that bound at adoption 0.8 (a share of a measure saves its share of the
whole use: the linear model's optimism, documented in docs/formulation.md), for
0.8 * (900 + 30 * 10) - 0.2 * 240 = 912 USD: 3.8 USD/m3. Drives save 20% of the power for
1000 USD/yr: (1000 - 30 * 100) / 100 = -20 USD per MWh: they pay for themselves. Letting
output fall too, the last 560 m3 go with the whole output, for (100 000 penalty - 14 272
cost) / 560 = 153.09 USD/m3.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.analyses import cost_curve, curve_table, plot_cost_curve
from resourcemodel.cli import main

matplotlib.use("Agg")

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
WATER = [
    "river_zayandeh",
    "groundwater_lenjanat",
    "groundwater_isfahan_borkhar",
    "groundwater_other_plains",
]


def test_water_curve_by_hand() -> None:
    curve = cost_curve(rm.examples.path("water_measures"), "water")
    np.testing.assert_allclose(curve["unit_cost"].values, [0.8, 3.8], rtol=1e-6)
    np.testing.assert_allclose(curve["saving"].values, [200, 240], rtol=1e-6)
    np.testing.assert_allclose(curve["cumulative_saving"].values, [200, 440], rtol=1e-6)
    assert list(curve["measures"].values) == ["Process-water reuse (mill)", "Dry cooling (mill)"]
    saved = curve["measure_saving"].sel(plant="mill")
    np.testing.assert_allclose(saved.sel(measure="reuse").values, [200, 0], atol=1e-4)
    np.testing.assert_allclose(saved.sel(measure="drycool").values, [0, 240], atol=1e-4)
    np.testing.assert_allclose(curve["adoption"].sel(plant="mill", measure="drycool"), [0, 0.8])
    assert curve.attrs["reference_draw"] == pytest.approx(1000)
    assert curve["unit_cost"].attrs["units"] == "USD/m3"


def test_energy_curve_has_a_measure_that_pays() -> None:
    curve = cost_curve(rm.examples.path("water_measures"), "electricity")
    np.testing.assert_allclose(curve["unit_cost"].values, [-20], rtol=1e-6)
    np.testing.assert_allclose(curve["saving"].values, [100], rtol=1e-6)
    assert list(curve["measures"].values) == ["Variable-frequency drives (mill)"]
    # The reference is without the drives, so the scenario's own cost is lower.
    assert curve.attrs["reference_cost"] - curve.attrs["end_cost"] == pytest.approx(2000)


def test_letting_output_fall_adds_the_output_cut() -> None:
    curve = cost_curve(rm.examples.path("water_measures"), "water", keep_output=False)
    np.testing.assert_allclose(curve["unit_cost"].values, [0.8, 3.8, 85728 / 560], rtol=1e-6)
    np.testing.assert_allclose(curve["saving"].values, [200, 240, 560], rtol=1e-6)
    assert curve["measures"].values[-1].startswith("output cut")


def _independent_saving(
    inputs: xr.Dataset,
    sources: list[str],
    resources: list[str],
    price: float,
    options: rm.Options | None = None,
) -> float:
    """Reference draw minus the draw with all measures allowed, at the reference output,
    when each unit drawn costs ``price`` more: ordinary runs on edited inputs."""
    measures = (inputs["saving"].sel(resource=resources) > 0).any("resource") & np.isfinite(
        inputs["max_adoption"]
    )
    without = inputs.copy(deep=True)
    without["max_adoption"] = xr.where(measures, 0.0, inputs["max_adoption"])
    lp = rm.build(without, options)
    ref = rm.results.assemble(without, lp, rm.solve(lp))
    fixed = inputs.copy(deep=True)
    delivered = ref["delivery"].reset_coords(drop=True)
    fixed["demand"] = xr.where(np.isfinite(inputs["demand"]), delivered, np.nan)
    fixed["min_delivery"][:] = 1.0
    cost = fixed["source_cost"]
    fixed["source_cost"] = xr.where(cost["source"].isin(sources), cost + price, cost)
    lp = rm.build(fixed, options)
    end = rm.results.assemble(fixed, lp, rm.solve(lp))
    return float(ref["supply"].sel(source=sources).sum() - end["supply"].sel(source=sources).sum())


def test_cumulative_saving_equals_all_measures_allowed() -> None:
    case = rm.examples.path("water_measures")
    curve = cost_curve(case, "water")
    saving = _independent_saving(rm.load_inputs(case), ["river"], ["water"], price=100.0)
    assert float(curve["cumulative_saving"][-1]) == pytest.approx(saving, rel=1e-8)
    assert saving == pytest.approx(440)  # 1 - 0.8 x 0.7 of 1,000 m3: measures combine


@pytest.mark.skipif(not (SCENARIOS / "measures-3-years.toml").exists(), reason="no Isfahan")
@pytest.mark.parametrize(
    ("of", "sources", "resources"),
    [
        ("freshwater", WATER, ["water"]),
        ("electricity", ["grid_electricity", "grid_parks"], ["electricity"]),
    ],
)
def test_isfahan_curve(of: str, sources: list[str], resources: list[str]) -> None:
    # Three years to build: the capital measures are on the curve, not only operating ones.
    scenario = SCENARIOS / "measures-3-years.toml"
    curve = cost_curve(scenario, of)
    assert curve.sizes["step"] > 3
    costs = curve["unit_cost"].values
    # Cheapest first: the breakpoints of a parametric LP rise.
    assert np.all(np.diff(costs) >= -1e-6 * np.maximum(np.abs(costs[:-1]), 1.0))
    assert np.all(curve["saving"].values > 0)
    np.testing.assert_allclose(
        curve["cost_change"].sum(), curve.attrs["end_cost"] - curve.attrs["start_cost"], rtol=1e-9
    )
    total = float(curve["cumulative_saving"][-1])
    assert total == pytest.approx(curve.attrs["reference_draw"] - curve.attrs["end_draw"])
    inputs, spec, _ = rm.load(scenario)
    # Above every breakpoint: the curve merges steps narrower than its resolution (0.1% of
    # the span), and such a merged step's breakpoint can lie far above its average cost.
    price = max(10 * float(costs.max()) + 1.0, 1e5)
    options = rm.Options.resolve(spec.options if spec else None)
    saving = _independent_saving(inputs, sources, resources, price, options)
    assert total == pytest.approx(saving, rel=1e-6)


def test_plot_and_table() -> None:
    curve = cost_curve(rm.examples.path("water_measures"), "water")
    ax = plot_cost_curve(curve)
    assert ax.get_xlabel() == "cumulative water saving [m3]"
    assert ax.get_ylabel() == "cost per unit saved [USD/m3]"
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [0.8, 3.8]
    table = curve_table(curve)
    assert "Dry cooling (mill)" in table and "USD/m3" in table


def test_cli_cost_curve(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out, svg = tmp_path / "curve.nc", tmp_path / "curve.svg"
    case = str(rm.examples.path("water_measures"))
    assert main(["cost-curve", case, "--of", "water", "--out", str(out), "--plot", str(svg)]) == 0
    assert "Process-water reuse (mill)" in capsys.readouterr().out
    np.testing.assert_allclose(rm.load_results(out)["unit_cost"].values, [0.8, 3.8], rtol=1e-6)
    assert svg.read_text().lstrip().startswith("<?xml")
    csv = tmp_path / "curve.csv"
    assert main(["cost-curve", case, "--of", "electricity", "--out", str(csv)]) == 0
    assert "unit_cost" in csv.read_text()
