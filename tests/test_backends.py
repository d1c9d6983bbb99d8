"""The HiGHS and PuLP backends agree, and answers satisfy the LP independently."""

from __future__ import annotations

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.results import CAP_FAMILIES

OPTIMAL_EXAMPLES = ["two_plants", "product_chain", "measure_payoff", "emission_cap"]


@pytest.mark.skipif("pulp" not in rm.available_backends(), reason="pulp not installed")
@pytest.mark.parametrize("name", OPTIMAL_EXAMPLES)
def test_backends_agree(name: str) -> None:
    a = rm.run(rm.examples.path(name), backend="highs")
    b = rm.run(rm.examples.path(name), backend="pulp")
    assert b.attrs["objective"] == pytest.approx(a.attrs["objective"], rel=1e-6)
    for cap in CAP_FAMILIES.values():
        binding = a[f"{cap}_binding"].values
        np.testing.assert_allclose(
            b[f"{cap}_shadow_price"].values[binding],
            a[f"{cap}_shadow_price"].values[binding],
            rtol=1e-6,
            atol=1e-9,
        )


@pytest.mark.parametrize("name", OPTIMAL_EXAMPLES)
def test_solution_satisfies_program(name: str, backend: str) -> None:
    lp = rm.build(rm.load_inputs(rm.examples.path(name)))
    result = rm.solve(lp, backend)
    res = lp.residuals(result.x)
    bounds = np.concatenate([lp.row_lower, lp.row_upper, lp.col_lower, lp.col_upper])
    scale = float(np.max(np.abs(bounds[np.isfinite(bounds)]), initial=1.0))
    assert res["rows"] <= 1e-6 + 1e-8 * scale  # CBC's tolerances are absolute, ~1e-6 per row
    assert res["bounds"] <= 1e-6 + 1e-8 * scale
    assert result.objective == pytest.approx(float(lp.c @ result.x + lp.c0), rel=1e-9)


def test_unknown_backend() -> None:
    with pytest.raises(rm.BackendError, match=r"Unknown backend 'gurobi_x'.*highs"):
        rm.run(rm.examples.path("two_plants"), backend="gurobi_x")


def test_pulp_writes_lp_and_mps(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from resourcemodel.backends import pulp as pulp_backend

    lp = rm.build(rm.load_inputs(rm.examples.path("two_plants")))
    for suffix in (".lp", ".mps"):
        path = pulp_backend.write(lp, tmp_path / f"model{suffix}")
        text = path.read_text()
        assert "x0" in text and "x1" in text


def _market_split(m: int = 4, n: int = 30, seed: int = 1) -> rm.program.LinearProgram:
    """A market-split MILP (Cornuéjols and Dawande 1999): binary x with ``a @ x + s+ - s- =
    d``, ``d`` half the row sums, minimise the slacks. Any x is feasible (the slacks take
    up the rest), so HiGHS finds an incumbent at once; proving the optimum of 4 rows and
    30 binaries takes branch and bound far beyond a fraction of a second, as the LP bound
    is 0 wherever the rows can be split."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=(m, n)).astype(float)
    d = np.floor(a.sum(axis=1) / 2)
    return rm.program.LinearProgram(
        c=np.r_[np.zeros(n), np.ones(2 * m)],
        A=sp.hstack([sp.csr_matrix(a), sp.eye(m), -sp.eye(m)], format="csr"),
        row_lower=d,
        row_upper=d,
        col_lower=np.zeros(n + 2 * m),
        col_upper=np.r_[np.ones(n), np.full(2 * m, np.inf)],
        integrality=np.r_[np.ones(n, dtype=bool), np.zeros(2 * m, dtype=bool)],
    )


def test_milp_at_the_time_limit_keeps_the_incumbent() -> None:
    """Stopped at 0.2 s, HiGHS's incumbent comes back: status time_limit, a feasible
    integer x whose objective is the reported one, the MIP bound below it, and a warning."""
    from resourcemodel.backends import TerminationCondition
    from resourcemodel.backends.highs import HighsBackend, SolverLimitWarning

    lp = _market_split()
    with pytest.warns(SolverLimitWarning, match="time limit with a feasible integer solution"):
        res = HighsBackend(time_limit=0.2).solve(lp)
    assert res.status is TerminationCondition.TIME_LIMIT
    assert not res.status.is_ok and res.has_solution
    x = res.x
    np.testing.assert_allclose(x[:30], np.round(x[:30]), atol=1e-6)
    np.testing.assert_allclose(lp.A @ x, lp.row_lower, atol=1e-6)
    assert (x >= -1e-9).all() and (x[:30] <= 1 + 1e-9).all()
    assert res.objective == pytest.approx(float(lp.c @ x), abs=1e-6)
    assert res.objective > 0  # else the bound 0 would prove it optimal
    assert res.mip_bound <= res.objective + 1e-9
    assert res.mip_gap == pytest.approx((res.objective - res.mip_bound) / res.objective, rel=1e-6)
    assert "not proven optimal" in res.message
    assert "duals from the LP with integer adoption fixed" in res.message
    assert np.isfinite(res.row_dual).all()  # duals of the LP with the binaries fixed


def test_lp_at_a_limit_has_no_solution() -> None:
    """An LP stopped early is not a solution: no x, no objective (the relaxation of the
    market split stopped after one simplex iteration)."""
    from dataclasses import replace

    from resourcemodel.backends import TerminationCondition
    from resourcemodel.backends.highs import HighsBackend

    lp = _market_split()
    lp = replace(lp, integrality=np.zeros_like(lp.integrality))
    res = HighsBackend(simplex_iteration_limit=1, presolve="off").solve(lp)
    assert res.status is TerminationCondition.ITERATION_LIMIT
    assert not res.has_solution
    assert np.isnan(res.objective) and np.isnan(res.x).all()
