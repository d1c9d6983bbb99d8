"""Isfahan's groundwater by plain (issue #14): three closed plains split from one source.

The data (``data/isfahan``: sources, source_cap, source_cap_annual, source_closed,
safe_yield, connections) split the old single source ``groundwater`` (95 Mm3/yr of monthly
pumping caps, 88 Mm3/yr in all) into ``groundwater_lenjanat``,
``groundwater_isfahan_borkhar`` and ``groundwater_other_plains`` by each plain's share of
industry's groundwater draw in the baseline solution before the split (7.389, 10.800 and
66.323 of 84.511 Mm3). These tests check the arithmetic of the split and the
plant-to-plain map by county (an assumption, labelled in the data), not a solver number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import resourcemodel as rm

ROOT = Path(__file__).resolve().parents[1]
CASE = Path(rm.__file__).parent / "data" / "isfahan"
PLAINS = ["groundwater_lenjanat", "groundwater_isfahan_borkhar", "groundwater_other_plains"]
# The plant-to-plain map by county (plants.csv `county`); IPC is not located but takes the
# refinery's naphtha beside it (S33); the unlocated plants and the aggregates are "other".
COUNTY_PLAIN = {
    "mobarakeh": "groundwater_lenjanat",
    "lenjan": "groundwater_lenjanat",
    "shahin_shahr_and_meymeh": "groundwater_isfahan_borkhar",
    "isfahan": "groundwater_isfahan_borkhar",
}


@pytest.fixture(scope="module")
def inputs() -> xr.Dataset:
    return rm.load_inputs(CASE)


def test_plain_caps_sum_to_the_old_single_source(inputs: xr.Dataset) -> None:
    """Annual caps 7.694 + 11.246 + 69.060 = 88 Mm3 (the old cap); monthly caps are the old
    95 Mm3/yr profile times each plain's share cap/88, so every month adds up to the old
    month's cap and each plain's profile has the old shape."""
    annual = inputs["source_cap_annual"].sel(source=PLAINS).values / 1e6
    np.testing.assert_allclose(annual, [7.694, 11.246, 69.060], rtol=1e-12)
    assert annual.sum() == pytest.approx(88.0, rel=1e-12)
    assert "groundwater" not in inputs["source"].values
    monthly = inputs["source_cap"].sel(source=PLAINS).values / 1e6  # [plain, period]
    # The old profile: 95 Mm3/yr (94.996 as tabled), Jalali months by day overlap.
    assert monthly.sum() == pytest.approx(95.0, abs=0.01)
    share = monthly / monthly.sum(axis=0)
    np.testing.assert_allclose(share, np.repeat(annual[:, None] / 88, 12, axis=1), rtol=1e-6)


def test_every_plain_is_closed_in_freshwater_and_priced_alike(inputs: xr.Dataset) -> None:
    closed = inputs["source_closed"].sel(source=PLAINS).values
    assert (closed == 1).all()
    member = inputs["group_member"].sel(group="freshwater", source=PLAINS).values
    assert member.all()
    cost = inputs["source_cost"].sel(source=PLAINS).values
    np.testing.assert_allclose(cost, 0.22)  # source_cost.csv: pumping + charge, as before


def test_each_plant_with_wells_draws_from_the_plain_of_its_county(inputs: xr.Dataset) -> None:
    county = pd.read_csv(CASE / "plants.csv", index_col="plant")["county"].fillna("")
    wells = inputs["connected"].sel(source=PLAINS)
    assert (wells.sum("source") <= 1).all()  # at most one plain per plant
    for plant in inputs["plant"].values.astype(str):
        if not bool(wells.sel(plant=plant).any()):
            continue
        expected = COUNTY_PLAIN.get(county[plant], "groundwater_other_plains")
        if plant == "ipc":
            expected = "groundwater_isfahan_borkhar"
        assert bool(wells.sel(plant=plant, source=expected)), plant
    assert int(wells.any("source").sum()) == 14  # every plant but Isfahan PP has wells


def test_safe_yield_is_the_overdraft_rule_and_depletion_is_draw_minus_it() -> None:
    """safe_yield = 0.72 x the plain's annual cap (1 - 14/50, FT 105407: the assumption in
    safe_yield.csv); the depletion account reports what the baseline draws beyond it."""
    res = rm.run(ROOT / "scenarios" / "baseline.toml")
    inputs = rm.load_inputs(CASE)
    cap = inputs["source_cap_annual"].sel(source=PLAINS).values
    safe = inputs["safe_yield"].sel(source=PLAINS).values
    np.testing.assert_allclose(safe, np.round(0.72 * cap / 1e6, 3) * 1e6, rtol=1e-12)
    drawn = res["supply"].sel(source=PLAINS).fillna(0).sum(["plant", "period"]).values
    np.testing.assert_allclose(res["source_draw_total"].sel(source=PLAINS).values, drawn)
    np.testing.assert_allclose(res["depletion"].sel(source=PLAINS).values, drawn - safe)
    # The baseline draws its 84.5 Mm3 as before the split, within the 88 of the caps.
    assert drawn.sum() / 1e6 == pytest.approx(84.51, abs=0.01)
    assert (drawn <= cap * (1 + 1e-9)).all()


def test_borkhar_wells_sealed_halves_the_plain_and_keeps_the_water_in_the_aquifer() -> None:
    """borkhar-wells-sealed (a what-if) against year-1404: the plain's monthly and annual
    caps halve (11.246 -> 5.623 Mm3/yr), industry's annual freshwater allocation falls by
    the same 5.623 Mm3, nothing else changes. The plain then draws at most 5.623 Mm3, its
    depletion is draw - 8.097 < 0, and value added cannot rise (a tighter program)."""
    year, _, _ = rm.load(ROOT / "scenarios" / "year-1404.toml")
    sealed, _, _ = rm.load(ROOT / "scenarios" / "borkhar-wells-sealed.toml")
    plain = "groundwater_isfahan_borkhar"
    np.testing.assert_allclose(
        sealed["source_cap"].sel(source=plain), 0.5 * year["source_cap"].sel(source=plain)
    )
    assert float(sealed["source_cap_annual"].sel(source=plain)) == pytest.approx(5.623e6)
    fresh = float(year["group_cap_annual"].sel(group="freshwater"))
    assert float(sealed["group_cap_annual"].sel(group="freshwater")) == pytest.approx(
        fresh - 5.623e6
    )
    for name in ("source_cap", "source_cap_annual", "group_cap_annual"):
        same = sealed[name].where(sealed[name] == year[name])
        changed = int((same.isnull() & year[name].notnull()).sum())
        assert changed == {"source_cap": 12, "source_cap_annual": 1, "group_cap_annual": 1}[name]
    res_year = rm.run(ROOT / "scenarios" / "year-1404.toml")
    res = rm.run(ROOT / "scenarios" / "borkhar-wells-sealed.toml")
    drawn = float(res["source_draw_total"].sel(source=plain))
    assert drawn <= 5.623e6 * (1 + 1e-9)
    assert float(res["depletion"].sel(source=plain)) == pytest.approx(drawn - 8.097e6)
    assert float(res["depletion"].sel(source=plain)) < 0
    assert res.attrs["objective"] >= res_year.attrs["objective"] * (1 - 1e-12)
