"""The PuLP backend: a real PuLP model built from the CSR matrix, CBC told to scale.

The cross-check with HiGHS on the examples is in test_backends.py; here the province-like
synthetic case (benchmarks/synthetic.py), whose bounds reach 1e8 and costs 1e4, which is
where CBC's internal scaling matters (docs/performance.md).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.program import LinearProgram
from resourcemodel.results import CAP_FAMILIES

pulp = pytest.importorskip("pulp")
from resourcemodel.backends import pulp as backend  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> LinearProgram:
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "benchmarks/synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module
    spec.loader.exec_module(module)
    case = module.generate(12, tmp_path_factory.mktemp("syn") / "syn", seed=5)
    return rm.build(rm.load_inputs(case))


def test_model_is_the_program(province: LinearProgram) -> None:
    lp = province
    prob, variables, names = backend.to_pulp(lp)
    assert isinstance(prob, pulp.LpProblem)
    assert [v.name for v in variables] == [f"x{j}" for j in range(lp.shape[1])]
    assert len(names) == lp.shape[0]
    # Bounds, objective and every row's coefficients and sides, read back from PuLP objects.
    for j in (0, lp.shape[1] // 2, lp.shape[1] - 1):
        v = variables[j]
        assert (v.lowBound, v.upBound) == (
            None if math.isinf(lp.col_lower[j]) else lp.col_lower[j],
            None if math.isinf(lp.col_upper[j]) else lp.col_upper[j],
        )
    x = np.random.default_rng(0).uniform(0, 1, lp.shape[1])
    for v, value in zip(variables, x, strict=True):
        v.varValue = value
    assert pulp.value(prob.objective) == pytest.approx(lp.c @ x + lp.c0, rel=1e-12)
    ax = lp.A @ x
    constraints = prob.constraints
    for i in range(0, lp.shape[0], 97):
        for name in names[i]:
            c = constraints[name]
            assert c.value() - c.constant == pytest.approx(ax[i], rel=1e-12, abs=1e-9)
            bound = lp.row_lower[i] if name.endswith("_lo") else lp.row_upper[i]
            assert -c.constant == bound
    n_rows = sum(len(r) for r in names)
    assert len(constraints) == n_rows


def test_cbc_is_told_to_scale(province: LinearProgram, tmp_path: Path) -> None:
    lp = province
    options = backend.scaling_options(lp)
    bound = max(np.abs(a[np.isfinite(a)]).max() for a in (lp.row_upper, lp.col_upper))
    assert bound > 1e6  # a province-like program
    scale = float(options[0].split()[1])
    assert options[0].startswith("rhsScale ")
    assert 0.5e6 < bound * scale <= 1e6 and math.log2(scale).is_integer()
    log = tmp_path / "cbc.log"
    result = backend.PulpBackend(logPath=str(log)).solve(lp)
    text = log.read_text()
    assert f"-{options[0]} " in text  # on CBC's command line
    assert "No match for" not in text  # CBC understood the option
    highs = rm.solve(lp, ranging=False)
    assert result.status.is_ok
    assert result.objective == pytest.approx(highs.objective, rel=1e-8)
    res = lp.residuals(result.x)
    assert res["rows"] <= 1e-6 * bound and res["bounds"] <= 1e-6 * bound
    # Without scaling CBC gets no such option, and the same optimum.
    log2 = tmp_path / "plain.log"
    plain = backend.PulpBackend(scale=False, logPath=str(log2)).solve(lp)
    assert "rhsScale" not in log2.read_text()
    assert plain.objective == pytest.approx(highs.objective, rel=1e-8)


def test_binding_cap_prices_agree_with_highs(province: LinearProgram) -> None:
    """Where HiGHS's ranging shows the price holds on both sides of a cap, it is the only
    optimal dual of that row, and CBC must report it too."""
    lp = province
    a = rm.solve(lp)
    b = backend.PulpBackend().solve(lp)
    assert a.ranging is not None
    activity = lp.A @ a.x
    checked = 0
    for family in CAP_FAMILIES:
        block = lp.constraints[family]
        for i in block.index[block.index >= 0]:
            cap = lp.row_upper[i]
            binding = abs(activity[i] - cap) <= 1e-7 * (1 + abs(cap))
            inside = a.ranging.bound_dn[i] < cap * (1 - 1e-9) and a.ranging.bound_up[i] > cap * (
                1 + 1e-9
            )
            if binding and inside:
                assert b.row_dual[i] == pytest.approx(a.row_dual[i], rel=1e-5, abs=1e-7), family
                checked += 1
    assert checked > 0
