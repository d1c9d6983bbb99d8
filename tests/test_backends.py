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
