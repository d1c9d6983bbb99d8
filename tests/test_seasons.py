"""Seasonal intensity: ``intensity_season`` multiplies a process's use per unit by period.

By hand on ``decree`` (README there: river 600 m3 per half-year; A steel 4 m3/t earning
400 USD/t, B cement 2 m3/t earning 60 USD/t; 100 t of each per half-year; value added
46,000 USD per half-year at full output). With A's summer water at 1.25 x 4 = 5 m3/t, full
output needs 500 + 200 = 700 m3 > 600: water goes to A first (80 USD/m3 against 30), A makes
100 t on 500 m3 and B 50 t on the other 100 m3: summer value added 40,000 + 3,000 = 43,000,
the year 89,000 USD; one more summer m3 is worth B's 30 USD.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.analyses import permit_impact
from resourcemodel.analyses.elastic import elastic
from resourcemodel.seasons import seasonal_intensity

HEADER = "process,resource,period,value,unit,reference,confidence\n"


def _case(tmp_path: Path, rows: str, name: str = "decree") -> Path:
    folder = tmp_path / name
    shutil.copytree(rm.examples.path(name), folder)
    (folder / "intensity_season.csv").write_text(HEADER + rows)
    return folder


def _va(res: xr.Dataset) -> float:
    return float(json.loads(res.attrs["cost_totals_usd"])["value_added"])


def test_summer_cooling_by_hand(tmp_path: Path, backend: str) -> None:
    case = _case(tmp_path, "a_mill,water,summer,1.25,fraction,test,assumption\n")
    res = rm.run(case, backend=backend)
    assert _va(res) == pytest.approx(89_000.0, rel=1e-9)
    summer = {"period": "summer"}
    assert res["production"].sel(summer).values.tolist() == pytest.approx([100, 50])
    use = res["resource_use"].sel(resource="water", **summer)
    assert use.sel(plant=["a", "b"]).values.tolist() == pytest.approx([500, 100])
    # Winter is as without seasons: 400 + 200 m3.
    winter = res["resource_use"].sel(resource="water", period="winter")
    assert winter.values.tolist() == pytest.approx([400, 200])
    if backend == "highs":
        price = float(res["source_cap_shadow_price"].sel(source="river", **summer))
        assert price == pytest.approx(30.0)


def test_a_uniform_factor_is_the_same_as_a_larger_intensity(tmp_path: Path) -> None:
    """A factor of 1.5 in every period gives exactly the results of 1.5 x the intensity."""
    rows = "".join(
        f"{p},water,{t},1.5,fraction,test,assumption\n"
        for p in ("a_mill", "b_kiln")
        for t in ("winter", "summer")
    )
    seasonal = rm.run(_case(tmp_path, rows))
    plain = tmp_path / "plain"
    shutil.copytree(rm.examples.path("decree"), plain)
    (plain / "intensity.csv").write_text(
        "process,resource,value,unit,reference,confidence\n"
        "a_mill,water,6,m3/t,example,assumption\n"
        "b_kiln,water,3,m3/t,example,assumption\n"
    )
    scaled = rm.run(plain)
    assert seasonal.attrs["objective"] == scaled.attrs["objective"]
    for name in ("production", "supply", "resource_use", "source_cap_shadow_price"):
        np.testing.assert_array_equal(seasonal[name].values, scaled[name].values)


def test_absent_table_is_a_factor_of_one() -> None:
    ds = rm.load_inputs(rm.examples.path("decree"))
    assert (ds["intensity_season"].values == 1.0).all()
    per_period = seasonal_intensity(ds)
    assert per_period.shape == (2, 1, 2)
    np.testing.assert_array_equal(per_period[:, :, 0], ds["intensity"].values)
    # And a Dataset made before the table existed reads the same.
    np.testing.assert_array_equal(seasonal_intensity(ds.drop_vars("intensity_season")), per_period)


def test_measure_rows_use_the_seasonal_intensity(tmp_path: Path) -> None:
    """``water_measures``: 10 m3/t water, reuse saves 20%, dry cooling 30%; at 1.4 x the
    intensity the saving rows bound savings by 0.2 x 14, 0.3 x 14 and (1 - 0.8 x 0.7) x 14
    m3 per t made."""
    folder = _case(
        tmp_path, "mill_line,water,year,1.4,fraction,test,assumption\n", "water_measures"
    )
    lp = rm.build(rm.load_inputs(folder))
    x = lp.variables["production"].index[0, 0]
    rows = lp.constraints["measure-saving-use"].index[0, :, 0, 0]  # mill, measures, water
    combined = lp.constraints["measure-saving-combined"].index[0, 0, 0]
    a = lp.A.tocsc()
    coefficients = [float(a[r, x]) for r in rows[rows >= 0]]
    assert sorted(coefficients) == pytest.approx([-0.3 * 14, -0.2 * 14])
    assert float(a[combined, x]) == pytest.approx(-(1 - 0.8 * 0.7) * 14)


def test_elastic_bound_and_permit_footprint_use_seasons(tmp_path: Path) -> None:
    case = _case(tmp_path, "a_mill,water,summer,1.25,fraction,test,assumption\n")
    inputs = rm.load_inputs(case)
    lp = rm.build(inputs)
    elastic(lp, inputs)  # builds with the seasonal bound
    from resourcemodel.analyses.elastic import _supply_bound

    bound = _supply_bound(lp, inputs)
    # A at capacity: 100 t x 4 m3/t in winter, x 5 m3/t in summer.
    assert bound[0, 0].tolist() == pytest.approx([400, 500])
    # Permit footprint of plant B's kiln (a project doubling it) counts seasonal use.
    project = tmp_path / "bigger_b"
    project.mkdir()
    (project / "capacity.csv").write_text(
        "process,value,unit,reference,confidence\nb_kiln,400,t/yr,test,assumption\n"
    )
    impact = permit_impact(case, project, of="water")
    footprint = float(impact.delta["footprint"].sel(resource="water"))
    change = impact.delta["output_change"].sel(process="b_kiln")
    assert footprint == pytest.approx(2 * float(change), abs=1e-6)
