"""A textbook transport problem as a case: no measures table, no unmet penalty.

Two supply points (s1: 20 t, s2: 30 t) and three markets (d1: 10 t, d2: 25 t, d3: 15 t);
cost per tonne on each route:

=====  ====  ====  ====
from   d1    d2    d3
=====  ====  ====  ====
s1     2     4     5
s2     3     1     7
=====  ====  ====  ====

By hand: s2 serves d2 (25 t at 1); its other 5 t go to d1 (3, one more than from s1,
against two more at d3); s1 sends 5 t to d1 and 15 t to d3. Cost 25 + 15 + 10 + 75 = 125
USD. As a case (docs/formulation.md, "A transport problem"): markets are plants, each
supply point a source of its own resource, each route a process at the market making the
market's product from one tonne of the supply point's resource at the route's cost. Demand
is hard (``min_delivery`` 1), so no ``price`` or ``unmet_penalty`` is needed; no measures, so
no ``measures.csv``. Route processes need a capacity (a process without one does not
exist): one wildcard row at the total supply.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.optimize

import resourcemodel as rm

SUPPLY = {"s1": 20.0, "s2": 30.0}
DEMAND = {"d1": 10.0, "d2": 25.0, "d3": 15.0}
COST = {("s1", "d1"): 2, ("s1", "d2"): 4, ("s1", "d3"): 5}
COST |= {("s2", "d1"): 3, ("s2", "d2"): 1, ("s2", "d3"): 7}
TAIL = "reference,confidence"
PROV = "textbook,assumption"


def _write(case: Path, name: str, header: str, rows: list[str]) -> None:
    (case / name).write_text("\n".join([header, *rows]) + "\n")


def _transport_case(case: Path) -> Path:
    case.mkdir()
    _write(case, "periods.csv", f"period,duration,unit,{TAIL}", [f"year,365,d,{PROV}"])
    _write(case, "plants.csv", "plant", list(DEMAND))
    _write(case, "products.csv", "product,unit", [f"at_{d},t" for d in DEMAND])
    _write(case, "resources.csv", "resource,group,unit", [f"from_{s},material,t" for s in SUPPLY])
    _write(case, "sources.csv", "source,resource", [f"{s},from_{s}" for s in SUPPLY])
    _write(case, "connections.csv", "plant,source", [f"{d},{s}" for d in DEMAND for s in SUPPLY])
    routes = [f"{s}_{d}" for s, d in COST]
    _write(case, "processes.csv", "process,plant,product", [f"{s}_{d},{d},at_{d}" for s, d in COST])
    _write(case, "capacity.csv", f"process,value,unit,{TAIL}", [f"*,50,t/yr,{PROV}"])
    _write(
        case,
        "intensity.csv",
        f"process,resource,value,unit,{TAIL}",
        [f"{s}_{d},from_{s},1,t/t,{PROV}" for s, d in COST],
    )
    _write(
        case,
        "production_cost.csv",
        f"process,value,unit,{TAIL}",
        [f"{r},{c},USD/t,{PROV}" for r, c in zip(routes, COST.values(), strict=True)],
    )
    _write(
        case,
        "source_cap.csv",
        f"source,period,value,unit,{TAIL}",
        [f"{s},year,{v},t,{PROV}" for s, v in SUPPLY.items()],
    )
    _write(
        case,
        "demand.csv",
        f"product,period,value,unit,{TAIL}",
        [f"at_{d},year,{v},t,{PROV}" for d, v in DEMAND.items()],
    )
    _write(
        case, "min_delivery.csv", f"product,period,value,unit,{TAIL}", [f"*,*,1,fraction,{PROV}"]
    )
    return case


def _scipy_optimum() -> float:
    pairs = list(COST)
    a_ub = [[1.0 if s == src else 0.0 for s, _ in pairs] for src in SUPPLY]
    a_eq = [[1.0 if d == dst else 0.0 for _, d in pairs] for dst in DEMAND]
    res = scipy.optimize.linprog(
        list(COST.values()),
        A_ub=a_ub,
        b_ub=list(SUPPLY.values()),
        A_eq=a_eq,
        b_eq=list(DEMAND.values()),
    )
    assert res.status == 0
    return float(res.fun)


def test_minimal_transport_case_loads_and_solves(tmp_path: Path, backend: str) -> None:
    case = _transport_case(tmp_path / "transport")
    assert not (case / "measures.csv").exists() and not (case / "unmet_penalty.csv").exists()
    inputs = rm.load_inputs(case)
    assert inputs.sizes["measure"] == 0
    res = rm.run(case, backend=backend)
    assert res.attrs["status"] == "optimal"
    assert res.attrs["objective"] == pytest.approx(125.0, rel=1e-9)
    assert _scipy_optimum() == pytest.approx(125.0, rel=1e-9)
    flows = res["production"].sum("period").to_series()
    expected = {"s1_d1": 5, "s1_d2": 0, "s1_d3": 15, "s2_d1": 5, "s2_d2": 25, "s2_d3": 0}
    for route, amount in expected.items():
        assert flows[route] == pytest.approx(amount, abs=1e-6), route
    assert float(res["unmet"].sum()) == 0.0
    assert float(res["cost_unmet"].sum()) == 0.0
    # Supply equals demand: both caps bind. One more tonne at s1 replaces a tonne from s2
    # at d1 (2 instead of 3 USD): 1 USD/t; at s2 it has no cheaper use: 0. One tonne less
    # anywhere leaves hard demand unmet: infeasible.
    year = {"period": "year"}
    assert np.all(res["source_cap_binding"].sel(year).values)
    if backend == "highs":
        more = res["source_cap_worth_more"].sel(year)
        assert float(more.sel(source="s1")) == pytest.approx(1.0, rel=1e-9)
        assert float(more.sel(source="s2")) == pytest.approx(0.0, abs=1e-9)
        assert np.all(np.isinf(res["source_cap_cost_less"].sel(year).values))


def test_soft_demand_still_needs_a_penalty(tmp_path: Path) -> None:
    case = _transport_case(tmp_path / "transport")
    (case / "min_delivery.csv").unlink()
    with pytest.raises(rm.ValidationError, match=r"'at_d1' has 'demand' but neither a 'price'"):
        rm.load_inputs(case)


def test_measures_table_present_but_broken_is_reported(tmp_path: Path) -> None:
    case = _transport_case(tmp_path / "transport")
    (case / "measures.csv").write_text("name\nfoo\n")
    with pytest.raises(rm.ValidationError, match=r"measures.csv.*missing column"):
        rm.load_inputs(case)
