"""resourcemodel.testing, and the cross-check it exists for: HiGHS and PuLP/CBC agree.

The residual checks are tested on a program small enough to verify by hand; the
cross-check runs on every bundled example and every scenario in ``scenarios/``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.formulation import Options, build
from resourcemodel.program import LinearProgram, ProgramBuilder
from resourcemodel.results import CAP_FAMILIES, assemble
from resourcemodel.testing import assert_feasible, assert_results_allclose, check_feasible

SCENARIOS = sorted((Path(__file__).parents[1] / "scenarios").glob("*.toml"))
needs_pulp = pytest.mark.skipif("pulp" not in rm.available_backends(), reason="no pulp")


def _tiny() -> LinearProgram:
    """min x + 2y  s.t.  cap: x + y <= 10,  need: x + y >= 4,  0 <= x <= 3,  0 <= y."""
    b = ProgramBuilder()
    cols = b.add_variables(
        "make", {"mill": np.array(["x", "y"])}, upper=np.array([3.0, np.inf]), cost=[1.0, 2.0]
    )
    cap = b.add_constraints("cap", {"river": np.array(["zayandeh"])}, upper=10.0)
    need = b.add_constraints("need", {"product": np.array(["steel"])}, lower=4.0)
    b.add_terms(np.repeat(cap, 2), cols, 1.0)
    b.add_terms(np.repeat(need, 2), cols, 1.0)
    return b.finish()


def test_check_feasible_accepts_the_optimum_and_names_violations() -> None:
    lp = _tiny()
    ok = check_feasible(lp, np.array([3.0, 1.0]))  # the optimum: cost 5
    assert ok["feasible"] and ok["worst_row"] is None and ok["max_row_violation"] == 0
    over = check_feasible(lp, np.array([3.0, 8.0]))  # x + y = 11 > 10
    assert not over["feasible"]
    assert over["worst_row"] == "cap[river=zayandeh]"
    assert over["worst_row_detail"] == {
        "activity": 11.0,
        "lower": -np.inf,
        "upper": 10.0,
        "violation": 1.0,
    }
    under = check_feasible(lp, np.array([1.0, 1.0]))  # x + y = 2 < 4
    assert under["worst_row"] == "need[product=steel]" and under["max_row_violation"] == 2.0
    bound = check_feasible(lp, np.array([3.5, 0.5]))  # x above its bound of 3
    assert bound["worst_row"] is None
    assert bound["worst_column"] == "make[mill=x]" and bound["max_bound_violation"] == 0.5


def test_check_feasible_tolerances() -> None:
    lp = _tiny()
    assert check_feasible(lp, np.array([3.0, 7.0 + 5e-7]))["feasible"]  # within atol 1e-6
    assert not check_feasible(lp, np.array([3.0, 7.0 + 5e-6]))["feasible"]
    assert check_feasible(lp, np.array([3.0, 7.0 + 5e-6]), atol=1e-5)["feasible"]


def test_check_feasible_refuses_no_solution() -> None:
    lp = _tiny()
    with pytest.raises(ValueError, match="x holds NaN"):
        check_feasible(lp, np.array([np.nan, 1.0]))
    with pytest.raises(ValueError, match="x has 3 values but the program has 2 columns"):
        check_feasible(lp, np.zeros(3))


def test_check_feasible_integrality() -> None:
    lp = dataclasses.replace(_tiny(), integrality=np.array([True, False]))
    report = check_feasible(lp, np.array([2.5, 1.5]))
    assert report["integrality_violation"] == 0.5 and not report["feasible"]


def test_assert_feasible_on_a_real_solve(backend: str) -> None:
    lp = _tiny()
    result = rm.solve(lp, backend)
    assert result.objective == pytest.approx(5.0)
    assert_feasible(lp, result)
    with pytest.raises(AssertionError, match=r"row cap\[river=zayandeh\] violated by 1"):
        assert_feasible(lp, dataclasses.replace(result, x=np.array([3.0, 8.0])))
    with pytest.raises(AssertionError, match="reported objective 4 but c @ x"):
        assert_feasible(lp, dataclasses.replace(result, objective=4.0))


def test_assert_feasible_refuses_a_non_optimal_result() -> None:
    lp = rm.build(rm.load_inputs(rm.examples.path("infeasible")))
    with pytest.raises(AssertionError, match="'infeasible', not optimal"):
        assert_feasible(lp, rm.solve(lp))


def test_assert_results_allclose_finds_each_kind_of_difference() -> None:
    a = rm.run(rm.examples.path("two_plants"))
    assert_results_allclose(a, a.copy(deep=True))
    b = a.copy(deep=True)
    b.attrs["objective"] = 2250.01
    with pytest.raises(AssertionError, match=r"objective differs: 2250 vs 2250\.01"):
        assert_results_allclose(a, b)
    b = a.copy(deep=True)
    b["supply"] = b["supply"].where(b["plant"] != "b")  # NaN where a has a value
    with pytest.raises(AssertionError, match=r"supply\[plant=b, source=river, period=year\]"):
        assert_results_allclose(a, b)
    b = a.copy(deep=True)
    b["source_cap_shadow_price"] = b["source_cap_shadow_price"] + 0.5  # 5.5 instead of 5
    with pytest.raises(AssertionError, match=r"source_cap_shadow_price\[source=river"):
        assert_results_allclose(a, b)
    assert_results_allclose(a, b, shadow_prices=False)
    b = a.copy(deep=True)
    b.attrs["status"] = "infeasible"
    with pytest.raises(AssertionError, match="results b are 'infeasible'"):
        assert_results_allclose(a, b)


def test_degenerate_cap_price_is_not_compared(case_copy) -> None:  # type: ignore[no-untyped-def]
    """At a corner a binding cap's price is not unique; only unique prices are compared.

    With the river cap at 400 m3 (= 2 x 200 t of b), both caps of the corner bind: any
    price in [5, 10] USD/m3 is a right answer, and HiGHS's ranging says the cap sits at
    the end of its range.
    """
    case = case_copy("two_plants")
    text = (case / "source_cap.csv").read_text().replace("river,year,450", "river,year,400")
    (case / "source_cap.csv").write_text(text)
    a = rm.run(case)
    assert bool(a["source_cap_binding"].item())
    b = a.copy(deep=True)
    b["source_cap_shadow_price"] = b["source_cap_shadow_price"] * 0 + 7.5
    assert_results_allclose(a, b)


def _both(path: Path, *, integer: bool | None = None) -> tuple[LinearProgram, list, list]:
    """Build a case or scenario once and solve it with both backends."""
    inputs, spec, _ = rm.load(path)
    options = spec.options if spec else {}
    lp = build(
        inputs,
        Options(
            objective=str(options.get("objective", "cost")),
            integer_measures=bool(options.get("integer_measures", False))
            if integer is None
            else integer,
        ),
    )
    results = [rm.solve(lp, name) for name in ("highs", "pulp")]
    return lp, results, [assemble(inputs, lp, r) for r in results]


def _cross_check(path: Path, variables: tuple[str, ...], integer: bool | None = None) -> None:
    lp, (rh, rp), (a, b) = _both(path, integer=integer)
    assert rh.status == rp.status
    if not rh.status.is_ok:
        return
    assert_feasible(lp, rh)
    assert_feasible(lp, rp)
    assert_results_allclose(a, b, rtol=1e-6, atol=1e-6, variables=variables)


@needs_pulp
@pytest.mark.parametrize("name", rm.examples.names())
def test_backends_agree_on_every_example(name: str) -> None:
    """Hand-checked examples have unique optima: production and supply agree too."""
    _cross_check(rm.examples.path(name), variables=("production", "supply"))


@needs_pulp
def test_backends_agree_on_a_milp() -> None:
    """All-or-nothing measures: both solve the MILP, duals from the LP with adoption fixed."""
    _cross_check(rm.examples.path("measure_payoff"), variables=("adoption",), integer=True)


@needs_pulp
@pytest.mark.slow
@pytest.mark.skipif(not SCENARIOS, reason="no scenarios/ yet")
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_backends_agree_on_every_scenario(path: Path) -> None:
    """Objective and unique shadow prices agree; production may have alternative optima,
    so each solution is instead checked against every row of the program."""
    _cross_check(path, variables=())


def test_binding_caps_are_cross_checked_somewhere() -> None:
    """The dual comparison is not vacuous: the examples have unique binding-cap prices."""
    res = rm.run(rm.examples.path("two_plants"))
    unique = sum(
        int(
            (
                res[f"{c}_binding"]
                & (res[f"{c}_range_lower"] < res[f"{c}_limit"])
                & (res[f"{c}_limit"] < res[f"{c}_range_upper"])
            ).sum()
        )
        for c in CAP_FAMILIES.values()
    )
    assert unique == 1
