"""Reservoir storage, competing users and allocation modes, against optima derived by hand.

The cases are in ``basin_cases.py``: a mill makes steel worth 10 USD/t from 1 m3/t of
river water, so industry's m3 is worth 10 USD while steel demand is unmet.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from basin_cases import mill_case, table, write

import resourcemodel as rm
from resourcemodel.results import unit_of


def _reservoir(tmp_path: Path, end: float = 0.0) -> Path:
    """Two periods, the dam on the river; 100 t of steel wanted in each.

    Start 50 m3, inflow 100 m3 in p1 and none in p2, 10% of the storage at the start of
    p2 evaporates in p2.
    """
    case = mill_case(tmp_path / "dam", ["p1", "p2"], 100)
    write(case, "reservoirs.csv", "reservoir,source", ["dam,river"])
    table(case, "inflow.csv", "reservoir,period", ["dam,p1,100,m3", "dam,p2,0,m3"])
    table(case, "storage_start.csv", "reservoir", ["dam,50,m3"])
    table(case, "storage_max.csv", "reservoir,period", ["dam,*,1000,m3"])
    table(case, "loss_rate.csv", "reservoir,period", ["dam,p2,0.1,fraction"])
    if end:
        table(case, "storage_end.csv", "reservoir", [f"dam,{end},m3"])
    return case


def test_two_period_reservoir(tmp_path: Path, backend: str) -> None:
    """By hand: release = the mill's draw x_t; S1 = 50 + 100 - x1, S2 = 0.9 S1 - x2 >= 0.

    Steel made is x1 + x2 <= x1 + 0.9 (150 - x1) = 135 + 0.1 x1: as much as possible in
    p1 (x1 = 100, its demand), S1 = 50, x2 = 45 (S2 = 0). Cost = 10 USD x (200 - 145) t
    = 550 USD. One more m3 of inflow in p2 makes one more tonne: 10 USD/m3; in p1 it is
    stored (x1 is at its demand) and 0.9 of it reaches p2: 9 USD/m3. The source's water
    is worth the same as the reservoir's in each period (9 and 10). Loss in p2: 5 m3.
    """
    res = rm.run(_reservoir(tmp_path), backend)
    assert res.attrs["objective"] == pytest.approx(550.0)
    assert res["storage"].values.ravel() == pytest.approx([50.0, 0.0], abs=1e-6)
    assert res["release"].values.ravel() == pytest.approx([100.0, 45.0], abs=1e-6)
    assert res["spill"].values.ravel() == pytest.approx([0.0, 0.0], abs=1e-6)
    assert res["storage_loss"].values.ravel() == pytest.approx([0.0, 5.0], abs=1e-6)
    assert res["stored_water_value"].values.ravel() == pytest.approx([9.0, 10.0])
    assert res["source_water_value"].sel(source="river").values == pytest.approx([9.0, 10.0])
    assert unit_of(res, "storage", reservoir="dam") == "m3"
    assert res["stored_water_value"].attrs["units"] == "USD/{reservoir.resource}"


def test_required_end_storage(tmp_path: Path, backend: str) -> None:
    """By hand: with 9 m3 required at the end, x2 = 0.9 x 50 - 9 = 36 (keeping more in p1
    would give up 1 t now for 0.9 t later), cost 10 x (200 - 136) = 640 USD; one more m3
    of required end storage costs one tonne of p2 steel: 10 USD/m3.
    """
    res = rm.run(_reservoir(tmp_path, end=9.0), backend)
    assert res.attrs["objective"] == pytest.approx(640.0)
    assert res["storage"].values.ravel() == pytest.approx([50.0, 9.0], abs=1e-6)
    assert float(res["storage_end_cost"].sel(reservoir="dam")) == pytest.approx(10.0)


def test_full_reservoir_spills(tmp_path: Path) -> None:
    """By hand: storage_max 20 m3, so S1 = 20 and of the 150 m3 in p1 the mill takes 100
    (its demand) and 30 spill: steel costs 1 USD/t to make, so making surplus steel to
    use the water is dearer than spilling it. x2 = 0.9 x 20 = 18. Cost: 118 t x 1 + 82 t
    unmet x 10 = 938 USD. Stored water in p1 is worth nothing (the reservoir is full).
    """
    case = _reservoir(tmp_path)
    table(case, "storage_max.csv", "reservoir,period", ["dam,*,20,m3"])
    table(case, "production_cost.csv", "process", ["mill_steel,1,USD/t"])
    res = rm.run(case)
    assert res.attrs["objective"] == pytest.approx(938.0)
    assert res["spill"].values.ravel() == pytest.approx([30.0, 0.0], abs=1e-6)
    assert res["release"].values.ravel() == pytest.approx([100.0, 18.0], abs=1e-6)
    assert res["stored_water_value"].values[0, 0] == pytest.approx(0.0, abs=1e-9)


def _users(tmp_path: Path, available: float, *, cap: float = 40.0, minimum: float = 20.0) -> Path:
    """One period; the river holds ``available`` m3 for everyone, industry's decree 40 m3.

    Users: drinking water (priority 1, 30 m3, hard minimum ``minimum``) and a farm (100 m3
    at 0.2 USD/m3). The mill wants 60 t (60 m3).
    """
    case = mill_case(tmp_path / "users", ["yr"], 60)
    write(
        case,
        "users.csv",
        "user,source,name,kind",
        ["drinking,river,Drinking water,drinking", "farm,river,Farms,agriculture"],
    )
    table(case, "user_demand.csv", "user,period", ["drinking,yr,30,m3", "farm,yr,100,m3"])
    table(case, "user_value.csv", "user", ["farm,0.2,USD/m3"])
    table(case, "user_priority.csv", "user", ["drinking,1,dimensionless"])
    table(case, "user_min.csv", "user,period", [f"drinking,yr,{minimum},m3"])
    table(case, "source_available.csv", "source,period", [f"river,yr,{available},m3"])
    table(case, "source_cap.csv", "source,period", [f"river,yr,{cap},m3"])
    return case


def _scenario(case: Path, allocation: str, objective: str = "cost") -> Path:
    path = case.parent / f"{case.name}-{allocation}.toml"
    path.write_text(
        f'data = "{case.name}"\n[options]\nallocation = "{allocation}"\nobjective = "{objective}"\n'
    )
    return path


def test_decree_gives_industry_its_share_and_users_the_rest(tmp_path: Path, backend: str) -> None:
    """By hand (100 m3): drinking water first (priority: 1,000 USD/m3 short), 30 m3; the
    mill its decree, 40 m3; the farm the other 30 m3. The farm is served at the margin:
    water at the source is worth 0.2 USD/m3; each m3 the mill draws earns the decree credit
    0.2 + 0.001 USD, so the decree cap is worth 10 + 0.201 - 0.2 = 10.001 USD per m3 to
    industry. Cost: 20 t of steel unmet (200 USD) + 70 m3 short at the farm (14 USD) - the
    credit 40 x 0.201 (8.04 USD) = 205.96 USD.
    """
    res = rm.run(_scenario(_users(tmp_path, 100), "decree"), backend)
    assert res.attrs["allocation"] == "decree"
    assert res.attrs["objective"] == pytest.approx(205.96)
    totals = json.loads(res.attrs["cost_totals_usd"])
    assert totals["decree_credit"] == pytest.approx(8.04)
    assert totals["users_value"] == pytest.approx(6.0)
    assert totals["value_added"] == pytest.approx(400.0)
    assert res["user_delivery"].sel(user="drinking").item() == pytest.approx(30.0)
    assert res["user_delivery"].sel(user="farm").item() == pytest.approx(30.0)
    assert res["supply"].sel(plant="mill", source="river").item() == pytest.approx(40.0)
    assert res["source_water_value"].sel(source="river").item() == pytest.approx(0.2)
    assert res["source_cap_shadow_price"].sel(source="river").item() == pytest.approx(10.001)
    assert res["user_shortfall"].sel(user="farm").item() == pytest.approx(70.0)
    assert res["user_value_earned"].sel(user="farm").item() == pytest.approx(6.0)
    assert res["user_unit_value"].sel(user="drinking").item() == pytest.approx(1000.0)


def test_decree_share_comes_before_a_user_worth_more(tmp_path: Path) -> None:
    """The decree holds even where the farm's m3 is worth more than the mill's: steel at
    0.15 USD/t (0.15 USD/m3 < the farm's 0.2), 100 m3: drinking 30, the mill its 40 (the
    decree credit 0.201 makes its m3 worth 0.351 to the LP), the farm 30. By basin
    allocation the farm gets 70 and the mill nothing.
    """
    case = _users(tmp_path, 100)
    table(case, "price.csv", "product", ["steel,0.15,USD/t"])
    decree = rm.run(_scenario(case, "decree"))
    assert decree["supply"].sel(plant="mill", source="river").item() == pytest.approx(40.0)
    assert decree["user_delivery"].sel(user="farm").item() == pytest.approx(30.0)
    basin = rm.run(_scenario(case, "basin"))
    assert basin["supply"].sel(plant="mill", source="river").item() == pytest.approx(0.0, abs=1e-9)
    assert basin["user_delivery"].sel(user="farm").item() == pytest.approx(70.0)


def test_basin_shares_by_priority_and_value(tmp_path: Path, backend: str) -> None:
    """By hand (100 m3, the decree lifted): drinking 30, the mill all its 60 m3 (10 USD/m3),
    the farm the last 10. Water at the source: 0.2 USD/m3 (the farm's). Cost 90 x 0.2 = 18.
    """
    res = rm.run(_scenario(_users(tmp_path, 100), "basin"), backend)
    assert res.attrs["objective"] == pytest.approx(18.0)
    assert "river" not in [str(s) for s in res["source_cap_limit"].dropna("source").source.values]
    assert res["supply"].sel(plant="mill", source="river").item() == pytest.approx(60.0)
    assert res["user_delivery"].sel(user="farm").item() == pytest.approx(10.0)
    assert res["source_water_value"].sel(source="river").item() == pytest.approx(0.2)


def test_basin_dry_year_priority_before_value(tmp_path: Path, backend: str) -> None:
    """By hand (50 m3): drinking 30 (priority), the mill the other 20 (10 USD/m3 beats
    0.2), the farm nothing. A m3 at the source is worth 10 USD (the mill's); drinking
    water's minimum (20) does not bind. Cost: 40 t x 10 + 100 m3 x 0.2 = 420 USD.
    In value_added the objective is sales 200 + farm 0 - priority penalties 0 = 200 USD.
    """
    res = rm.run(_scenario(_users(tmp_path, 50), "basin"), backend)
    assert res.attrs["objective"] == pytest.approx(420.0)
    assert res["user_delivery"].sel(user="drinking").item() == pytest.approx(30.0)
    assert res["user_delivery"].sel(user="farm").item() == pytest.approx(0.0, abs=1e-9)
    assert res["source_water_value"].sel(source="river").item() == pytest.approx(10.0)
    assert res["user_min_cost"].sel(user="drinking").item() == pytest.approx(0.0, abs=1e-9)
    va = rm.run(_scenario(_users(tmp_path / "va", 50), "basin", "value_added"), backend)
    assert va.attrs["objective"] == pytest.approx(200.0)


def test_soft_minimum_is_charged_its_penalty(tmp_path: Path) -> None:
    """By hand (15 m3, minimum 20 soft at 5,000 USD/m3, priority 1 worth 1,000 USD/m3): all
    15 m3 to drinking water, 5 m3 below the minimum: 5 x 5,000 + 15 short x 1,000 + 60 t x
    10 + 100 x 0.2 = 25,000 + 15,000 + 600 + 20 = 40,620 USD."""
    case = _users(tmp_path, 15)
    table(case, "user_min_penalty.csv", "user", ["drinking,5000,USD/m3"])
    res = rm.run(_scenario(case, "basin"))
    assert res.attrs["objective"] == pytest.approx(40620.0)
    assert res["user_below_min"].sel(user="drinking").item() == pytest.approx(5.0)


def test_hard_minimum_infeasible_is_explained(tmp_path: Path) -> None:
    """15 m3 cannot cover drinking water's hard minimum of 20 m3: explain lowers it by 5."""
    path = _scenario(_users(tmp_path, 15), "basin")
    res = rm.run(path)
    assert res.attrs["status"] == "infeasible"
    ex = rm.analyses.explain(path)
    rows = ex.relaxations[["parameter", "where", "amount"]].to_dict("records")
    assert rows == [
        {"parameter": "user_min", "where": "drinking, yr", "amount": pytest.approx(5.0)}
    ]
    assert "minimum delivery to Drinking water" in ex.text()
    fixed = rm.analyses.apply_relaxations(rm.analyses.common.prepare(path).inputs, ex)
    lp = rm.build(fixed, allocation="basin")
    assert rm.solve(lp).status.is_ok


def test_storage_minimum_infeasible_is_explained(tmp_path: Path) -> None:
    """A storage floor of 200 m3 at the end of p2 cannot be met (at most 135 m3 with
    nothing released): explain lowers storage_min (or the end storage) by 65 m3."""
    case = _reservoir(tmp_path)
    table(case, "storage_min.csv", "reservoir,period", ["dam,p2,200,m3"])
    ex = rm.analyses.explain(case)
    rows = ex.relaxations[["parameter", "where", "amount"]].to_dict("records")
    assert rows == [{"parameter": "storage_min", "where": "dam, p2", "amount": pytest.approx(65.0)}]


def test_case_without_basin_tables_is_unchanged() -> None:
    """No reservoir, user or source water: no new column, row or results variable."""
    inputs = rm.load_inputs(rm.examples.path("two_plants"))
    lp = rm.build(inputs)
    assert not {"storage", "release", "spill", "user_delivery"} & set(lp.variables)
    res = rm.run(rm.examples.path("two_plants"))
    assert not {"storage", "user_delivery", "source_water_value", "depletion"} & set(res)
    assert "allocation" not in res.attrs


def test_basin_allocation_without_basin_is_decree() -> None:
    """``allocation = "basin"`` lifts nothing where no source has a reservoir or users."""
    path = rm.examples.path("two_plants")
    a, b = rm.run(path), rm.run(path, allocation="basin")
    assert a.attrs["objective"] == b.attrs["objective"]
    np.testing.assert_array_equal(a["source_cap_limit"].values, b["source_cap_limit"].values)
