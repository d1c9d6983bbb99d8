"""The Pareto front of cost against a resource: hand-derived, monotone, exact end points.

``two_plants`` by hand (cost against river water W, demand 300 t, unmet 100 USD/t):
below 200 m3 mill B (1 m3/t, 10 USD/t) replaces unmet demand at 90 USD/m3; from 200 to
400 m3 mill A (2 m3/t, 5 USD/t) does, at (100 - 5)/2 = 47.5 USD/m3; from 400 to 450 m3
one more m3 moves a tonne from B to A, saving 5 USD. So cost(W) = 30000 - 90 W, then
12000 - 47.5 (W - 200), then 2500 - 5 (W - 400), ending at the 2250 USD optimum.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.analyses import front_table, pareto, plot_pareto
from resourcemodel.cli import main
from resourcemodel.exceptions import InputError

matplotlib.use("Agg")

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _hand(w: float) -> float:
    if w <= 200:
        return 30000 - 90 * w
    if w <= 400:
        return 12000 - 47.5 * (w - 200)
    return 2500 - 5 * (w - 400)


def test_two_plants_front_by_hand() -> None:
    front = pareto(rm.examples.path("two_plants"), "water", points=10)
    use = front["use"].values
    np.testing.assert_allclose(use, np.linspace(0, 450, 10), atol=1e-6)
    np.testing.assert_allclose(front["objective"].values, [_hand(w) for w in use], rtol=1e-8)
    # The marginal value is the left slope at each point.
    np.testing.assert_allclose(
        front["marginal_value"].values, [90] * 5 + [47.5] * 4 + [5], rtol=1e-8
    )
    np.testing.assert_allclose(front["output"].sel(product="steel").values[-1], 300)
    assert front["use"].attrs["units"] == "m3"
    assert front["marginal_value"].attrs["units"] == "USD/m3"
    assert front.attrs["objective_name"] == "cost"


def test_end_points_are_the_single_objective_optima() -> None:
    case = rm.examples.path("two_plants")
    front = pareto(case, "river", points=3)
    # Last point: the cost optimum, with the least water among cost-optimal plans.
    assert front["objective"].values[-1] == pytest.approx(rm.run(case).attrs["objective"])
    assert front["use"].values[-1] == pytest.approx(450)
    # First point: the least water, at the least cost with that water: a water price far
    # above every marginal value makes the ordinary cost optimum use the least water.
    inputs = rm.load_inputs(case)
    price = 1e4
    assert front["marginal_value"].max() < price
    inputs["source_cost"][:] = price
    res = rm.results.assemble(inputs, lp := rm.build(inputs), rm.solve(lp))
    least = float(res["supply"].sum())
    assert front["use"].values[0] == pytest.approx(least, abs=1e-6)
    assert front["objective"].values[0] == pytest.approx(
        res.attrs["objective"] - price * least, rel=1e-9
    )


@pytest.mark.skipif(not (SCENARIOS / "water-crisis-25.toml").exists(), reason="no Isfahan")
def test_isfahan_freshwater_front_is_monotone_with_exact_ends() -> None:
    scenario = SCENARIOS / "water-crisis-25.toml"
    front = pareto(scenario, "freshwater", points=6)
    use, cost = front["use"].values, front["objective"].values
    assert np.all(np.diff(use) > 0)
    assert np.all(np.diff(cost) <= 1e-9 * np.abs(cost[:-1]))
    # Convex: the value of one more m3 falls along the front, and is never negative.
    marginal = front["marginal_value"].values
    assert np.all(marginal >= 0) and np.all(np.diff(marginal) <= 1e-6 * marginal[:-1] + 1e-9)
    assert cost[-1] == pytest.approx(rm.run(scenario).attrs["objective"], rel=1e-8)
    # The least-freshwater end, solved independently with a freshwater price far above
    # every marginal value on the front.
    inputs, _, _ = rm.load(scenario)
    fresh = [
        "river_zayandeh",
        "groundwater_lenjanat",
        "groundwater_isfahan_borkhar",
        "groundwater_other_plains",
    ]
    assert set(front["draw"].source.values) >= set(fresh)
    price = 100 * float(marginal.max()) + 1.0
    inputs["source_cost"].loc[{"source": fresh}] = inputs["source_cost"].sel(source=fresh) + price
    lp = rm.build(inputs)
    res = rm.results.assemble(inputs, lp, rm.solve(lp))
    least = float(res["supply"].sel(source=fresh).sum())
    assert use[0] == pytest.approx(least, rel=1e-6, abs=1.0)
    assert cost[0] == pytest.approx(res.attrs["objective"] - price * least, rel=1e-6)


@pytest.mark.skipif(
    not (SCENARIOS / "baseline-value-added.toml").exists(), reason="no Isfahan scenarios"
)
def test_value_added_front_rises_with_grid_power() -> None:
    front = pareto(SCENARIOS / "baseline-value-added.toml", "electricity", points=4, unit="GWh")
    assert front.attrs["objective_name"] == "value_added"
    assert front.attrs["unit"] == "GWh"
    assert np.all(np.diff(front["use"].values) > 0)
    values = front["objective"].values
    assert np.all(np.diff(values) >= -1e-9 * np.abs(values[:-1]))
    assert values[-1] == pytest.approx(
        rm.run(SCENARIOS / "baseline-value-added.toml").attrs["objective"], rel=1e-8
    )


def test_plot_and_table() -> None:
    front = pareto(rm.examples.path("two_plants"), "water", points=4)
    ax = plot_pareto(front)
    assert ax.get_xlabel() == "water use [m3]"
    assert ax.get_ylabel() == "cost [kUSD]"
    assert "two_plants" in ax.get_title()
    assert len(ax.lines[0].get_xdata()) == 4
    assert plot_pareto(front, ax=ax, title="mine").get_title() == "mine"
    table = front_table(front)
    assert "value of one more m3" in table and "47.5 USD/m3" in table


def test_bad_resource_names_the_options() -> None:
    with pytest.raises(InputError, match="names no source group, resource"):
        pareto(rm.examples.path("two_plants"), "coal")
    with pytest.raises(ValueError, match="at least 2"):
        pareto(rm.examples.path("two_plants"), "water", points=1)


def test_infeasible_scenario_points_to_explain() -> None:
    with pytest.raises(rm.InfeasibleError, match="resourcemodel explain"):
        pareto(rm.examples.path("infeasible"), "water")


def test_cli_pareto(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out, png = tmp_path / "front.nc", tmp_path / "front.png"
    code = main(
        [
            "pareto",
            str(rm.examples.path("two_plants")),
            "--of",
            "water",
            "--points",
            "4",
            "--out",
            str(out),
            "--plot",
            str(png),
        ]
    )
    assert code == 0
    assert "Pareto front of cost against water" in capsys.readouterr().out
    back = rm.load_results(out)
    np.testing.assert_allclose(back["use"].values, [0, 150, 300, 450], atol=1e-6)
    assert png.stat().st_size > 1000
    assert main(["pareto", str(rm.examples.path("two_plants")), "--of", "coal"]) == 2
