"""Property tests on random small cases: what must hold for every input, not one example.

Cases are generated in two steps. Their structure (plants, products, resources, sources,
periods) is written as a CSV case folder and read through :func:`resourcemodel.load_inputs`
once per shape; hypothesis then draws the numbers (capacities, intensities, costs, caps,
demands) into a copy of that Dataset, which is checked with the package's own value rules.
Demand is soft (unmet demand pays a penalty), so every case is feasible and bounded.

Properties: the two backends agree; scaling caps, capacities and demands by k scales the
optimal cost by k and k x an optimal production stays optimal; tightening a cap never
lowers the cost; a shadow price equals the finite difference of the cost within its
reported range; every solution respects every bound, checked on the results Dataset.
Each runs 200 examples; in CI (``CI`` set) the examples are derandomised so a failure
reproduces, locally each run explores new ones.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resourcemodel as rm
from resourcemodel.results import CAP_FAMILIES, assemble
from resourcemodel.testing import assert_feasible, assert_results_allclose, check_feasible
from resourcemodel.validate import check_values

EXAMPLES = 200
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
RESOURCES = (("water", "water", "m3"), ("power", "energy", "MWh"))


@dataclasses.dataclass(frozen=True)
class Shape:
    """The structure of a generated case."""

    plants: int
    products: int
    resources: int
    sources_per_resource: int
    periods: int


SHAPES = st.builds(
    Shape,
    plants=st.integers(1, 3),
    products=st.integers(1, 2),
    resources=st.integers(1, 2),
    sources_per_resource=st.integers(1, 2),
    periods=st.sampled_from([1, 3]),
).filter(lambda s: s.products <= s.plants)


def _csv(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def template(shape: Shape) -> xr.Dataset:
    """The inputs of a case of this shape, with placeholder numbers.

    Cases with fewer plants are the first plants of the three-plant case loaded from
    files (plant ``i`` runs process ``make{i}``), which keeps the number of loads small.
    """
    full = _loaded(dataclasses.replace(shape, plants=3))
    return full.isel(plant=slice(shape.plants), process=slice(shape.plants))


@functools.cache
def _loaded(shape: Shape) -> xr.Dataset:
    """Write a case folder of this shape (placeholder numbers) and load it."""
    folder = Path(tempfile.mkdtemp(prefix="rm-prop-"))
    ref = "example,assumption"
    periods = [f"t{i}" for i in range(shape.periods)]
    plants = [f"pl{i}" for i in range(shape.plants)]
    products = [f"prod{i}" for i in range(shape.products)]
    resources = RESOURCES[: shape.resources]
    sources = [(f"{r}_{k}", r) for r, _, _ in resources for k in range(shape.sources_per_resource)]
    processes = [(f"make{i}", p, products[i % shape.products]) for i, p in enumerate(plants)]
    duration = 365 / shape.periods
    _csv(folder / "periods.csv", "period,duration,unit", [f"{t},{duration!r},d" for t in periods])
    _csv(folder / "plants.csv", "plant", plants)
    _csv(folder / "products.csv", "product,unit", [f"{p},t" for p in products])
    _csv(folder / "resources.csv", "resource,group,unit", [",".join(r) for r in resources])
    _csv(folder / "sources.csv", "source,resource", [f"{s},{r}" for s, r in sources])
    _csv(folder / "processes.csv", "process,plant,product", [",".join(p) for p in processes])
    _csv(folder / "measures.csv", "measure", [])
    _csv(
        folder / "connections.csv", "plant,source", [f"{p},{s}" for p in plants for s, _ in sources]
    )
    value = "value,unit,reference,confidence"
    _csv(
        folder / "capacity.csv", f"process,{value}", [f"{p},1,t/yr,{ref}" for p, _, _ in processes]
    )
    _csv(folder / "production_cost.csv", f"process,{value}", [f"*,1,USD/t,{ref}"])
    _csv(
        folder / "intensity.csv",
        f"process,resource,{value}",
        [f"*,{r},1,{u}/t,{ref}" for r, _, u in resources],
    )
    _csv(folder / "demand.csv", f"product,period,{value}", [f"*,*,1,t,{ref}"])
    _csv(folder / "unmet_penalty.csv", f"product,{value}", [f"*,1,USD/t,{ref}"])
    return rm.load_inputs(folder)


def _ints(draw: st.DrawFn, shape: tuple[int, ...], lo: int, hi: int) -> np.ndarray:
    n = int(np.prod(shape))
    return np.array(draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n)), float).reshape(
        shape
    )


@st.composite
def cases(draw: st.DrawFn) -> xr.Dataset:
    """A random small case: integer-valued numbers in planner-like ranges."""
    shape = draw(SHAPES)
    ds = template(shape).copy(deep=True)
    sizes = ds.sizes
    ds["capacity"].values[:] = _ints(draw, (sizes["process"],), 10, 1000)
    ds["production_cost"].values[:] = _ints(draw, (sizes["process"],), 1, 50)
    ds["intensity"].values[:] = _ints(draw, (sizes["process"], sizes["resource"]), 1, 50) / 10
    ds["source_cost"].values[:] = _ints(draw, (sizes["source"], sizes["period"]), 0, 10)
    # Caps between nothing and more than all plants could ever use; some absent (no cap).
    caps = _ints(draw, (sizes["source"], sizes["period"]), 0, 1500)
    uncapped = np.array(draw(st.lists(st.booleans(), min_size=caps.size, max_size=caps.size)))
    caps[uncapped.reshape(caps.shape)] = np.inf
    ds["source_cap"].values[:] = caps
    ds["demand"].values[:] = _ints(draw, (sizes["product"], sizes["period"]), 1, 500)
    # Unmet demand costs more than making the product: the caps decide what is made.
    ds["unmet_penalty"].values[:] = _ints(draw, (sizes["product"],), 200, 1000)
    problems: list[str] = []
    check_values(ds, problems, where="generated case")
    assert not problems, problems
    return ds


def _solve(ds: xr.Dataset, backend: str = "highs") -> tuple[rm.LinearProgram, Any]:
    lp = rm.build(ds)
    result = rm.solve(lp, backend)
    assert result.status.is_ok, result.status  # soft demand: always feasible and bounded
    return lp, result


@SETTINGS
@given(ds=cases())
def test_backends_agree(ds: xr.Dataset) -> None:
    lp = rm.build(ds)
    rh, rp = rm.solve(lp, "highs"), rm.solve(lp, "pulp")
    assert_feasible(lp, rh)
    assert_feasible(lp, rp)
    assert_results_allclose(
        assemble(ds, lp, rh), assemble(ds, lp, rp), rtol=1e-6, atol=1e-6, variables=()
    )


@SETTINGS
@given(ds=cases(), k=st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0]))
def test_scaling_caps_capacities_and_demands(ds: xr.Dataset, k: float) -> None:
    """The LP is homogeneous in (caps, capacities, demands, production): scale all by k."""
    _, r1 = _solve(ds)
    scaled = ds.copy(deep=True)
    for name in ("source_cap", "capacity", "demand"):
        scaled[name].values[:] = ds[name].values * k
    lpk, rk = _solve(scaled)
    assert rk.objective == pytest.approx(k * r1.objective, rel=1e-6, abs=1e-6)
    # k x the first optimum is an optimum of the scaled case (alternative optima may
    # exist, so the solver's own choice need not be that one).
    report = check_feasible(lpk, k * r1.x)
    assert report["feasible"], report
    assert float(lpk.c @ (k * r1.x) + lpk.c0) == pytest.approx(rk.objective, rel=1e-6, abs=1e-6)


@SETTINGS
@given(ds=cases(), data=st.data())
def test_tightening_a_cap_never_lowers_the_cost(ds: xr.Dataset, data: st.DataObject) -> None:
    _, base = _solve(ds)
    tight = ds.copy(deep=True)
    s = data.draw(st.integers(0, ds.sizes["source"] - 1), label="source")
    t = data.draw(st.integers(0, ds.sizes["period"] - 1), label="period")
    old = float(ds["source_cap"].values[s, t])
    new = data.draw(st.integers(0, int(min(old, 1500))), label="tighter cap")
    tight["source_cap"].values[s, t] = new
    _, after = _solve(tight)
    assert after.objective >= base.objective - 1e-6 * (1 + abs(base.objective))


def test_shadow_prices_are_finite_differences() -> None:
    """Moving a binding cap by h inside its reported range changes the cost by price x h.

    The cap is moved both ways; each one-sided difference must equal the reported price.
    The test also counts how many caps it checked, so it cannot pass by checking none.
    """
    seen: Counter[str] = Counter()

    @SETTINGS
    @given(ds=cases())
    def check(ds: xr.Dataset) -> None:
        lp, result = _solve(ds)
        res = assemble(ds, lp, result)
        block = lp.constraints["source-cap"]
        binding = res["source_cap_binding"].values
        lo = res["source_cap_range_lower"].values
        hi = res["source_cap_range_upper"].values
        limit = res["source_cap_limit"].values
        price = res["source_cap_shadow_price"].values
        seen["cases"] += 1
        for s, t in zip(*np.nonzero(binding), strict=True):
            room = min(limit[s, t] - lo[s, t], hi[s, t] - limit[s, t], limit[s, t])
            if not room > 1e-6 * (1 + limit[s, t]):
                seen["degenerate"] += 1  # at a corner the price is not unique
                continue
            h = room / 2
            row = int(block.index[s, t])
            costs = []
            for step in (-h, h):
                upper = lp.row_upper.copy()
                upper[row] += step
                moved = rm.solve(dataclasses.replace(lp, row_upper=upper))
                assert moved.status.is_ok
                costs.append(moved.objective)
            down = (costs[0] - result.objective) / h  # cost of h less water
            up = (result.objective - costs[1]) / h  # saving of h more water
            tol = 1e-6 * (1 + abs(price[s, t])) + 1e-9 * (1 + abs(result.objective)) / h
            assert down == pytest.approx(price[s, t], abs=tol)
            assert up == pytest.approx(price[s, t], abs=tol)
            seen["checked"] += 1
            seen["positive"] += price[s, t] > 1e-9

    check()
    assert seen["cases"] >= EXAMPLES
    assert seen["checked"] >= EXAMPLES // 4, seen
    assert seen["positive"] >= EXAMPLES // 8, seen


@SETTINGS
@given(ds=cases(), backend=st.sampled_from(["highs", "pulp"]))
def test_solutions_respect_all_bounds(ds: xr.Dataset, backend: str) -> None:
    """Checked on the labelled results against the inputs, not on the LP."""
    lp, result = _solve(ds, backend)
    res = assemble(ds, lp, result)
    tol = 1e-6
    share = ds["period_duration"] / 365.0
    production = res["production"]
    assert (production >= -tol).all()
    assert (production <= ds["capacity"] * share + tol * (1 + ds["capacity"])).all()
    supply = res["supply"].fillna(0.0)
    assert (supply >= -tol).all()
    drawn = supply.sum("plant")
    cap = ds["source_cap"]
    assert (drawn <= cap + tol * (1 + cap.where(np.isfinite(cap), 0))).all()
    delivery = res["delivery"]
    assert (delivery >= -tol).all() and (delivery <= ds["demand"] + tol).all()
    assert (res["unmet"] >= 0).all()
    # Every plant draws what its processes use: supply by resource = intensity x production.
    use = res["resource_use"]
    supplied = res["resource_supplied"]
    np.testing.assert_allclose(supplied.values, use.values, rtol=1e-6, atol=1e-6)
    for family, name in CAP_FAMILIES.items():
        assert (res[f"{name}_shadow_price"].fillna(0) >= -1e-9).all(), family
