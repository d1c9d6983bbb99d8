"""The Zayandeh Rud basin scenarios (overlay ``zayandeh_basin``) read as a planner would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.pipeline import load

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
MM3 = 1e6


@pytest.fixture(scope="module")
def baseline() -> xr.Dataset:
    return rm.run(SCENARIOS / "baseline.toml")


def _value_added(res: xr.Dataset) -> float:
    return float(json.loads(res.attrs["cost_totals_usd"])["value_added"])


def _river(res: xr.Dataset) -> float:
    return float(res["supply"].sel(source="river_zayandeh").sum()) / MM3


def test_decree_basin_leaves_industry_as_in_the_baseline(baseline: xr.Dataset) -> None:
    """With its decreed share industry draws and earns exactly what it did; drinking water
    gets its 320 Mm3; the dam ends the year at its start, 415 Mm3; farms get what is left
    (about 100 Mm3 of the 700 they ask), the wetland nothing."""
    res = rm.run(SCENARIOS / "basin-1402.toml")
    assert _value_added(res) == pytest.approx(_value_added(baseline), rel=1e-9)
    assert _river(res) == pytest.approx(_river(baseline), rel=1e-6)
    xr.testing.assert_allclose(res["delivery"], baseline["delivery"])
    delivered = res["user_delivery"].sum("period") / MM3
    assert float(delivered.sel(user="drinking")) == pytest.approx(320.0)
    assert 80 < float(delivered.sel(user="agriculture")) < 120
    assert float(delivered.sel(user="gavkhouni")) == pytest.approx(0.0, abs=1e-6)
    assert float(res["storage"].isel(period=-1).sum()) / MM3 == pytest.approx(415.0)
    # Farms are the marginal users: water at the source is worth about their 0.175 USD/m3,
    # a little more in later months (evaporation takes a share of what is kept).
    value = res["source_water_value"].sel(source="river_zayandeh")
    assert float(value.min()) == pytest.approx(0.175, abs=0.002)
    assert float(value.max()) < 0.19


def test_dry_year_drinking_first_then_industry_before_farms() -> None:
    """A dry year (400 Mm3 in, the dam at 152 Mm3): after drinking water's 320 Mm3 some
    70 Mm3 remain, and a m3 earns more in industry than on a farm, so industry gets them
    all; water at the source is worth more than agriculture's 0.175 USD/m3."""
    res = rm.run(SCENARIOS / "basin-dry.toml")
    delivered = res["user_delivery"].sum("period") / MM3
    assert float(delivered.sel(user="drinking")) == pytest.approx(320.0)
    assert float(delivered.sel(user="agriculture")) == pytest.approx(0.0, abs=1e-6)
    assert 60 < _river(res) < 75
    assert float(res["source_water_value"].sel(source="river_zayandeh").min()) > 0.3


def test_honouring_the_wetland_right_takes_the_river_from_industry(
    baseline: xr.Dataset,
) -> None:
    """The Gavkhouni's 176 Mm3 as a hard minimum in 1402 leaves industry under 10 Mm3 of
    river water and costs hundreds of millions of USD of value added."""
    res = rm.run(SCENARIOS / "basin-wetland-right.toml")
    assert _river(res) < 10
    assert _value_added(baseline) - _value_added(res) > 200e6


def test_dry_year_wetland_right_is_infeasible_and_explained() -> None:
    """In the dry year drinking water (320) and the wetland's right (176) need more than
    the river holds: explain names the wetland's or drinking water's minimum."""
    inputs, _, _ = load(SCENARIOS / "basin-dry.toml")
    inputs["user_min"].loc[{"user": "gavkhouni"}] = inputs["user_demand"].sel(user="gavkhouni")
    lp = rm.build(inputs, allocation="basin")
    assert not rm.solve(lp).status.is_ok
    ex = rm.analyses.explain(inputs)
    assert set(ex.relaxations["parameter"]) <= {"user_min", "storage_end", "storage_min"}
    assert "minimum delivery to" in ex.text()
