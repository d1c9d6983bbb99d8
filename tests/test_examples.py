"""Hand-derived optima of the bundled examples (derivations in each example's README)."""

from __future__ import annotations

import numpy as np
import pytest

import resourcemodel as rm


def test_two_plants_optimum(backend: str) -> None:
    res = rm.run(rm.examples.path("two_plants"), backend=backend)
    assert res.attrs["status"] == "optimal"
    assert res.attrs["objective"] == pytest.approx(2250, rel=1e-6)
    prod = res["production"].sum("period")
    assert float(prod.sel(process="a_mill")) == pytest.approx(150, rel=1e-6)
    assert float(prod.sel(process="b_mill")) == pytest.approx(150, rel=1e-6)
    price = res["source_cap_shadow_price"].sel(source="river", period="year")
    assert float(price) == pytest.approx(5.0, rel=1e-6)
    assert bool(res["source_cap_binding"].sel(source="river", period="year"))
    assert float(res["unmet"].sum()) == pytest.approx(0, abs=1e-6)


def test_two_plants_ranging_highs() -> None:
    res = rm.run(rm.examples.path("two_plants"))
    sel = {"source": "river", "period": "year"}
    assert float(res["source_cap_range_lower"].sel(sel)) == pytest.approx(400)
    assert float(res["source_cap_range_upper"].sel(sel)) == pytest.approx(500)


def test_product_chain_optimum(backend: str) -> None:
    res = rm.run(rm.examples.path("product_chain"), backend=backend)
    assert res.attrs["objective"] == pytest.approx(3100, rel=1e-6)
    prod = res["production"].sum("period")
    assert float(prod.sel(process="dri_plant")) == pytest.approx(110, rel=1e-6)
    assert float(prod.sel(process="eaf")) == pytest.approx(100, rel=1e-6)
    assert float(prod.sel(process="ccpp")) == pytest.approx(200 / 6, rel=1e-6)
    grid = res["supply"].sel(plant="works", source="grid").sum()
    assert float(grid) == pytest.approx(50 - 200 / 6, rel=1e-6)
    gas_price = res["source_cap_shadow_price"].sel(source="pipeline_gas", period="year")
    assert float(gas_price) == pytest.approx(3.0, rel=1e-6)
    # The grid cap is slack: worth nothing.
    assert float(res["source_cap_shadow_price"].sel(source="grid", period="year")) == 0.0
    assert not bool(res["source_cap_binding"].sel(source="grid", period="year"))
    # Own generation shows up as generated electricity at the works.
    gen = res["resource_generated"].sel(plant="works", resource="electricity").sum()
    assert float(gen) == pytest.approx(200 / 6, rel=1e-6)


def test_product_chain_ranging_highs() -> None:
    res = rm.run(rm.examples.path("product_chain"))
    sel = {"source": "pipeline_gas", "period": "year"}
    assert float(res["source_cap_range_lower"].sel(sel)) == pytest.approx(1280)
    assert float(res["source_cap_range_upper"].sel(sel)) == pytest.approx(1400)
    # A slack cap's price of zero holds from its use upwards.
    grid = {"source": "grid", "period": "year"}
    assert float(res["source_cap_range_lower"].sel(grid)) == pytest.approx(50 - 200 / 6)
    assert np.isinf(float(res["source_cap_range_upper"].sel(grid)))


def test_measure_payoff_optimum(backend: str) -> None:
    res = rm.run(rm.examples.path("measure_payoff"), backend=backend)
    assert res.attrs["objective"] == pytest.approx(50, rel=1e-6)
    assert float(res["adoption"].sel(plant="mill", measure="recycling")) == pytest.approx(0.5)
    assert float(res["resource_saved"].sum()) == pytest.approx(100, rel=1e-6)
    price = res["source_cap_shadow_price"].sel(source="river", period="year")
    assert float(price) == pytest.approx(0.5, rel=1e-6)


def test_measure_payoff_integer(backend: str) -> None:
    """All-or-nothing adoption: adopt fully (100 USD) rather than lose 10 t (500 USD)."""
    res = rm.run(rm.examples.path("measure_payoff"), backend=backend, integer_measures=True)
    assert res.attrs["objective"] == pytest.approx(100, rel=1e-6)
    assert float(res["adoption"].sel(plant="mill", measure="recycling")) == pytest.approx(1.0)
    assert "integer adoption fixed" in res.attrs["solver_message"]


def test_value_added_objective(backend: str) -> None:
    """Maximise 100 USD/t revenue minus cost: same allocation, value added 27,750 USD."""
    inputs = rm.load_inputs(rm.examples.path("two_plants"))
    inputs["price"][:] = 100.0
    lp = rm.build(inputs, objective="value_added")
    result = rm.solve(lp, backend)
    assert result.objective == pytest.approx(30000 - 2250, rel=1e-6)


def test_infeasible_is_a_status(backend: str) -> None:
    res = rm.run(rm.examples.path("infeasible"), backend=backend)
    assert res.attrs["status"] == "infeasible"
    assert np.isnan(res.attrs["objective"])


def test_infeasible_strict_raises() -> None:
    with pytest.raises(rm.InfeasibleError, match=r"'infeasible'.*infeasible"):
        rm.run(rm.examples.path("infeasible"), strict=True)
