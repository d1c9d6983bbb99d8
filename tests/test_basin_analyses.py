"""Plains (closed, depletion), unchanged results without a basin, and the analyses on a basin.

Cases from ``basin_cases.py`` (a mill making steel worth 10 USD/t from 1 m3/t of river).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from basin_cases import mill_case, table, write

import resourcemodel as rm
from resourcemodel import formulation, results
from resourcemodel.exceptions import ValidationError
from resourcemodel.formulation import water
from resourcemodel.sweeps import sweep


def _basin(tmp_path: Path, available: float = 100.0, allocation: str = "basin") -> Path:
    """One period, 100 m3 in the river; the mill wants 60 t; a farm 100 m3 at 0.2 USD/m3."""
    case = mill_case(tmp_path / "basin", ["yr"], 60)
    write(case, "users.csv", "user,source,name", ["farm,river,Farms"])
    table(case, "user_demand.csv", "user,period", ["farm,yr,100,m3"])
    table(case, "user_value.csv", "user", ["farm,0.2,USD/m3"])
    table(case, "source_available.csv", "source,period", [f"river,yr,{available},m3"])
    path = tmp_path / "basin.toml"
    path.write_text(f'data = "basin"\n[options]\nallocation = "{allocation}"\n')
    return path


def test_depletion_is_draw_minus_safe_yield(tmp_path: Path) -> None:
    """By hand: the mill 60 m3 and the farm 40 m3 take all 100 m3; safe yield 80 m3:
    depletion 20 m3."""
    path = _basin(tmp_path)
    table(tmp_path / "basin", "safe_yield.csv", "source", ["river,80,m3"])
    res = rm.run(path)
    assert res["source_draw_total"].sel(source="river").item() == pytest.approx(100.0)
    assert res["depletion"].sel(source="river").item() == pytest.approx(20.0)


def _plain_case(tmp_path: Path) -> tuple[Path, Path]:
    """The mill on a closed plain, and an overlay with a new plant connected to it."""
    case = mill_case(tmp_path / "plain", ["yr"], 60)
    table(case, "source_closed.csv", "source", ["river,1,fraction"])
    overlay = tmp_path / "new_plant"
    overlay.mkdir()
    write(overlay, "plants.csv", "plant", ["newco"])
    write(overlay, "connections.csv", "plant,source", ["newco,river"])
    return case, overlay


def test_closed_plain_keeps_its_own_connections(tmp_path: Path) -> None:
    case, _ = _plain_case(tmp_path)
    assert rm.run(case).attrs["status"] == "optimal"


def test_closed_plain_refuses_new_draw(tmp_path: Path) -> None:
    case, overlay = _plain_case(tmp_path)
    with pytest.raises(ValidationError) as err:
        rm.load_inputs(case, overlays=[overlay])
    text = str(err.value)
    assert "'new_plant/connections.csv', line 2" in text
    assert "source 'river' is closed to new draw" in text
    # An open source takes the same overlay.
    table(case, "source_closed.csv", "source", ["river,0,fraction"])
    assert rm.load_inputs(case, overlays=[overlay]).sizes["plant"] == 2


@pytest.mark.parametrize("case", ["two_plants", "isfahan"], ids=["two_plants", "isfahan-baseline"])
def test_no_basin_tables_give_todays_program_and_results(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without reservoirs, users or source water the water module adds no column, row or
    objective constant: program and results equal those built with the module switched
    off. Isfahan's plains carry a ``safe_yield`` (safe_yield.csv), which adds only the
    depletion account to the results (``source_draw_total``, ``depletion``), never to the
    program; two_plants has no safe yield and gets no results variable either."""
    baseline = Path(__file__).parents[1] / "scenarios" / "baseline.toml"
    path = baseline if case == "isfahan" else rm.examples.path(case)
    inputs = rm.analyses.common.prepare(path).inputs
    assert not water.has_basin(inputs)
    lp = rm.build(inputs)
    res = rm.run(path)
    monkeypatch.setattr(water, "add_water", lambda ctx, objective, allocation: 0.0)
    monkeypatch.setattr(results, "water_results", lambda *args: {})
    lp0 = formulation.build(inputs)
    res0 = rm.run(path)
    assert (lp.A != lp0.A).nnz == 0
    for name in ("c", "row_lower", "row_upper", "col_lower", "col_upper"):
        np.testing.assert_array_equal(getattr(lp, name), getattr(lp0, name))
    assert lp.c0 == lp0.c0
    assert res.attrs["objective"] == res0.attrs["objective"]
    account = {"source_draw_total", "depletion"} if case == "isfahan" else set()
    assert set(res.data_vars) == set(res0.data_vars) | account
    assert not account & set(res0.data_vars)
    for name in res0.data_vars:
        np.testing.assert_array_equal(res[name].values, res0[name].values, err_msg=name)


def test_sweep_over_inflow_scale(tmp_path: Path) -> None:
    """Scaling the river's water (``source_available``) 0.5 / 1: by hand the mill takes
    all 50 m3 at 0.5 (cost 10 x 10 + 0.2 x 100 = 120 USD) and 60 of 100 m3 at 1 (cost
    0.2 x 60 = 12 USD)."""
    path = _basin(tmp_path)
    spec = {
        "base": str(path),
        "lever": [{"name": "water", "parameter": "source_available", "scale": [0.5, 1.0]}],
    }
    ds = sweep(spec, progress=False)
    assert ds["objective"].values.tolist() == pytest.approx([120.0, 12.0])


def test_sweep_over_reservoir_inflow(tmp_path: Path) -> None:
    """The two-period dam of test_basin.py with its inflow scaled by 0 / 1. With no inflow
    x2 <= 0.9 (50 - x1), so x1 + x2 <= 45 + 0.1 x1: the mill takes all 50 m3 in p1 (cost
    10 x 150 = 1,500 USD); with it, 550 USD as derived there."""
    case = mill_case(tmp_path / "dam", ["p1", "p2"], 100)
    write(case, "reservoirs.csv", "reservoir,source", ["dam,river"])
    table(case, "inflow.csv", "reservoir,period", ["dam,p1,100,m3", "dam,p2,0,m3"])
    table(case, "storage_start.csv", "reservoir", ["dam,50,m3"])
    table(case, "loss_rate.csv", "reservoir,period", ["dam,p2,0.1,fraction"])
    spec = {
        "base": str(case),
        "lever": [{"name": "inflow", "parameter": "inflow", "scale": [0.0, 1.0]}],
    }
    ds = sweep(spec, progress=False)
    assert ds["objective"].values.tolist() == pytest.approx([1500.0, 550.0])


def test_pareto_on_a_basin(tmp_path: Path) -> None:
    """Front of cost against the mill's water on the basin case: at the optimum the mill
    draws 60 m3 (cost 12 USD); drawing none, the farm gets its 100 m3 and 60 t are unmet
    (600 USD). Between, each m3 the mill gives up earns the farm 0.2 and loses 10."""
    front = rm.analyses.pareto(_basin(tmp_path), "water", points=3)
    assert front["use"].values.tolist() == pytest.approx([0.0, 30.0, 60.0], abs=1e-6)
    assert front["objective"].values.tolist() == pytest.approx([600.0, 306.0, 12.0])


def test_cost_curve_and_permit_on_a_basin(tmp_path: Path) -> None:
    """A recycling measure halves the mill's water for 50 USD/yr; a new plant overlay."""
    path = _basin(tmp_path)
    case = tmp_path / "basin"
    write(case, "measures.csv", "measure", ["recycle"])
    table(case, "max_adoption.csv", "plant,measure", ["mill,recycle,1,fraction"])
    table(case, "saving.csv", "plant,measure,resource", ["mill,recycle,water,0.5,fraction"])
    table(case, "measure_cost.csv", "plant,measure", ["mill,recycle,50,USD/yr"])
    curve = rm.analyses.cost_curve(path, "water")
    assert curve.sizes["step"] >= 1
    assert np.isfinite(curve["unit_cost"].values).all()
    overlay = tmp_path / "newco"
    shutil.copytree(case, overlay, ignore=lambda d, names: names)
    write(overlay, "plants.csv", "plant", ["newco"])
    write(overlay, "connections.csv", "plant,source", ["newco,river"])
    write(overlay, "processes.csv", "process,plant,product", ["newco_steel,newco,steel"])
    table(overlay, "capacity.csv", "process", ["newco_steel,100000,t/yr"])
    table(overlay, "intensity.csv", "process,resource", ["newco_steel,water,2,m3/t"])
    impact = rm.analyses.permit_impact(path, overlay)
    assert "newco" in impact.text()


def test_minimum_above_demand_is_refused(tmp_path: Path) -> None:
    """A hard minimum above the user's demand can never be met: a validation error."""
    case = mill_case(tmp_path / "slip", ["yr"], 60)
    write(case, "users.csv", "user,source", ["farm,river"])
    table(case, "user_demand.csv", "user,period", ["farm,yr,10,m3"])
    table(case, "user_min.csv", "user,period", ["farm,yr,20,m3"])
    with pytest.raises(ValidationError, match="'user_min' of user 'farm' in period 'yr' is 20"):
        rm.load_inputs(case)


def test_storage_capacity_the_water_never_reaches_is_left_out(tmp_path: Path) -> None:
    """50 m3 at the start and 100 m3 of inflow can never fill a 1,000 m3 dam: no bound;
    a 120 m3 dam can be filled at the end of p1: bounded there and after."""
    case = mill_case(tmp_path / "cap", ["p1", "p2"], 100)
    write(case, "reservoirs.csv", "reservoir,source", ["dam,river"])
    table(case, "inflow.csv", "reservoir,period", ["dam,p1,100,m3", "dam,p2,0,m3"])
    table(case, "storage_start.csv", "reservoir", ["dam,50,m3"])
    table(case, "storage_max.csv", "reservoir,period", ["dam,p1,1000,m3", "dam,p2,120,m3"])
    upper = water.storage_upper(rm.load_inputs(case))
    assert upper.tolist() == [[np.inf, 120.0]]


def test_inflow_changes_without_a_rebuild(tmp_path: Path) -> None:
    """New inflow, fixed losses or start storage update the program in place: the same
    bounds as a rebuild (the dam's capacity bound appears once the water can reach it)."""
    case = mill_case(tmp_path / "warm", ["p1", "p2"], 100)
    write(case, "reservoirs.csv", "reservoir,source", ["dam,river"])
    table(case, "inflow.csv", "reservoir,period", ["dam,p1,100,m3", "dam,p2,0,m3"])
    table(case, "storage_start.csv", "reservoir", ["dam,50,m3"])
    table(case, "storage_max.csv", "reservoir,period", ["dam,*,200,m3"])
    table(case, "loss_rate.csv", "reservoir,period", ["dam,p2,0.1,fraction"])
    ds = rm.load_inputs(case)
    lp = rm.build(ds)
    for name, new in (
        ("inflow", np.array([[300.0, 10.0]])),
        ("loss_fixed", np.array([[1.0, 2.0]])),
        ("storage_start", np.array([80.0])),
    ):
        updated = formulation.update_program(lp, ds, {name: new})
        assert updated is not None
        changed = ds.copy()
        changed[name] = (ds[name].dims, new)
        rebuilt = rm.build(changed)
        for field in ("row_lower", "row_upper", "col_upper"):
            np.testing.assert_array_equal(getattr(updated, field), getattr(rebuilt, field))
    assert np.isinf(lp.col_upper[lp.variables["storage"].index]).all()
