"""One-sided shadow prices: at a degenerate optimum one more unit is worth less than one
unit fewer costs, and both are reported.

Hand-derived case (``two_plants`` with the river capped at 400 m3): demand 300 t of
steel; mill A makes it at 5 USD/t with 2 m3/t, mill B at 10 USD/t with 1 m3/t, each at
most 200 t; unmet steel costs 100 USD/t. At 400 m3, B runs at its 200 t limit and A makes
the other 100 t: two limits meet at the optimum (degenerate). One more m3 moves a tonne
from B to A (2 - 1 m3) and saves 10 - 5 = **5 USD**. One m3 fewer takes half a tonne off A
(B cannot give up water without losing a whole tonne), which goes unmet: 0.5 * (100 - 5) =
**47.5 USD**. The solver's single dual is one of the two, depending on its basis.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.backends.highs import HighsModel
from resourcemodel.program import LinearProgram
from resourcemodel.results import CAP_FAMILIES, ONE_SIDED_MISSING

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RIVER = {"source": "river", "period": "year"}


@pytest.fixture
def kink(case_copy: Callable[[str], Path]) -> Path:
    case = case_copy("two_plants")
    (case / "source_cap.csv").write_text(
        "source,period,value,unit,reference,confidence\nriver,year,400,m3,example,assumption\n"
    )
    return case


def _objective(lp: LinearProgram, row: int, cap: float, model: list[HighsModel]) -> float:
    upper = lp.row_upper.copy()
    upper[row] = cap
    changed = dataclasses.replace(lp, row_upper=upper)
    if not model:
        model.append(HighsModel(changed))
    else:
        model[0].update(changed)
    result = model[0].solve()
    assert result.status.is_ok
    return float(result.objective)


def _slopes(lp: LinearProgram, row: int, step: float) -> tuple[float, float]:
    """Finite-difference value of one more unit and cost of one less at row ``row``'s cap."""
    model: list[HighsModel] = []
    cap = float(lp.row_upper[row])
    sign = lp.objective_sign
    here = _objective(lp, row, cap, model)
    more = -sign * (_objective(lp, row, cap + step, model) - here) / step
    less = -sign * (here - _objective(lp, row, cap - step, model)) / step
    return more, less


def test_hand_derived_kink(kink: Path) -> None:
    inputs = rm.load_inputs(kink)
    lp = rm.build(inputs)
    res = rm.results.assemble(inputs, lp, rm.solve(lp))
    assert bool(res["source_cap_binding"].sel(RIVER))
    up = float(res["source_cap_worth_more"].sel(RIVER))
    down = float(res["source_cap_cost_less"].sel(RIVER))
    assert up == pytest.approx(5.0, rel=1e-9)
    assert down == pytest.approx(47.5, rel=1e-9)
    # The single dual is one of the two sides; the units are those of the shadow price.
    assert float(res["source_cap_shadow_price"].sel(RIVER)) in (
        pytest.approx(5.0, rel=1e-9),
        pytest.approx(47.5, rel=1e-9),
    )
    assert res["source_cap_worth_more"].attrs["units"] == "USD/{source.resource}"
    assert "note" not in res["source_cap_worth_more"].attrs
    # Finite differences of full re-solves, one m3 either side.
    row = int(lp.constraints["source-cap"].index[0, 0])
    more, less = _slopes(lp, row, 1.0)
    assert more == pytest.approx(5.0, rel=1e-9)
    assert less == pytest.approx(47.5, rel=1e-9)


def test_sides_agree_away_from_the_kink(case_copy: Callable[[str], Path]) -> None:
    res = rm.run(case_copy("two_plants"))  # 450 m3: inside the 400-500 range
    for name in ("source_cap_shadow_price", "source_cap_worth_more"):
        assert float(res[name].sel(RIVER)) == pytest.approx(5.0, rel=1e-9)
    assert float(res["source_cap_cost_less"].sel(RIVER)) == pytest.approx(5.0, rel=1e-9)


def test_a_cap_at_zero_cannot_go_lower(kink: Path) -> None:
    (kink / "source_cap.csv").write_text(
        "source,period,value,unit,reference,confidence\nriver,year,0,m3,example,assumption\n"
    )
    res = rm.run(kink)
    assert float(res["source_cap_cost_less"].sel(RIVER)) == np.inf
    # The first m3 makes a tonne at B (1 m3/t) instead of leaving it unmet: 100 - 10 USD
    # (at A it would make half a tonne, 0.5 * (100 - 5) = 47.5 USD).
    assert float(res["source_cap_worth_more"].sel(RIVER)) == pytest.approx(90.0)


def test_not_available_is_nan_with_a_note(kink: Path) -> None:
    inputs = rm.load_inputs(kink)
    lp = rm.build(inputs)
    solves = [rm.solve(lp, ranging=False)]
    if "pulp" in rm.available_backends():
        solves.append(rm.solve(lp, "pulp"))
    for result in solves:
        res = rm.results.assemble(inputs, lp, result)
        for name in CAP_FAMILIES.values():
            for side in ("worth_more", "cost_less"):
                var = res[f"{name}_{side}"]
                assert bool(var.isnull().all()), (result.solver, name)
                assert var.attrs["note"] == ONE_SIDED_MISSING
        # The single dual is still there.
        assert float(res["source_cap_shadow_price"].sel(RIVER)) > 0


def test_slack_and_absent_caps(kink: Path) -> None:
    res = rm.run(rm.examples.path("product_chain"))
    grid = {"source": "grid", "period": "year"}
    assert not bool(res["source_cap_binding"].sel(grid))
    assert float(res["source_cap_worth_more"].sel(grid)) == 0.0
    assert float(res["source_cap_cost_less"].sel(grid)) == 0.0
    absent = res["permit_limit"].isnull()
    assert bool(res["permit_worth_more"].where(absent).isnull().all())


def _binding(lp: LinearProgram, res: xr.Dataset) -> list[tuple[str, tuple[int, ...], int]]:
    out = []
    for family, name in CAP_FAMILIES.items():
        block = lp.constraints[family]
        for where in np.argwhere(res[f"{name}_binding"].values):
            out.append((name, tuple(map(int, where)), int(block.index[tuple(where)])))
    return out


@pytest.mark.skipif(not (SCENARIOS / "baseline.toml").exists(), reason="no Isfahan scenarios")
def test_isfahan_baseline_sides_are_finite_differences() -> None:
    """Every binding cap: both sides equal re-solves 1e-5 of the cap away.

    (The issue's example, grid electricity in August at 33.14 USD/MWh for one more and
    35.25 for one less, was on the data before the 1402 recalibration; on the current data
    the baseline's only kinks are the desalinated transfer's months at a cap of zero,
    where one less is infeasible.)
    """
    inputs, _, _ = rm.load(SCENARIOS / "baseline.toml")
    lp = rm.build(inputs)
    res = rm.results.assemble(inputs, lp, rm.solve(lp))
    checked = 0
    for name, where, row in _binding(lp, res):
        up = float(res[f"{name}_worth_more"].values[where])
        down = float(res[f"{name}_cost_less"].values[where])
        price = float(res[f"{name}_shadow_price"].values[where])
        cap = float(lp.row_upper[row])
        tol = 1e-5 * max(abs(price), 1.0)
        assert up <= price + 1e-9 <= down + 2e-9, (name, where)
        if cap == 0.0:  # a cap at zero cannot go lower
            assert down == np.inf, (name, where)
            more, _ = _slopes(lp, row, 1e-5)
            assert up == pytest.approx(more, abs=tol), (name, where)
            continue
        more, less = _slopes(lp, row, 1e-5 * max(cap, 1.0))
        assert up == pytest.approx(more, abs=tol), (name, where)
        assert down == pytest.approx(less, abs=tol), (name, where)
        checked += 1
    assert checked >= 5


def _visible(html: str) -> list[str]:
    html = re.sub(r"<(svg|style)\b.*?</\1>", "", html, flags=re.S)
    return [line.strip() for line in re.sub(r"<[^>]+>", "\n", html).splitlines() if line.strip()]


def test_brief_prints_both_sides(kink: Path) -> None:
    from resourcemodel.brief import brief, i18n
    from resourcemodel.plots import cap_label

    res = rm.run(kink)
    en = _visible(str(brief(res, lang="en")))
    assert (
        "Water: the most valuable cap is River, year (period cap). It sits at a kink: one "
        "more unit is worth 5 USD/m3, one unit less costs 47.5 USD/m3." in en
    )
    row = en.index("River, year (period cap)")
    # The value cell has a second line with the other side of the kink.
    assert en[row + 2 : row + 4] == ["5 USD/m3", "one less costs 47.5 USD/m3"]
    # The range is the solver's, on the side of the kink its single dual belongs to.
    if float(res["source_cap_shadow_price"].sel(RIVER)) == pytest.approx(5.0):
        assert en[row + 4 : row + 6] == ["400 to 500 m3", "(one more)"]
    else:
        assert en[row + 4].endswith("to 400 m3") and en[row + 5] == "(one less)"
    fa = _visible(str(brief(res, lang="fa")))
    more = i18n.quantity(5.0, "USD/m3", "fa")
    less = i18n.quantity(47.5, "USD/m3", "fa")
    row = fa.index(more)
    assert "\n".join(fa[row : row + 2]) == i18n.text("worth_kink", "fa", more=more, less=less)
    cap = cap_label(res, "source_cap", "river, year", "fa")
    water = i18n.display_name(res, "resource", "water", "fa")
    message = i18n.text("msg_top_cap_kink", "fa", subject=water, cap=cap, more=more, less=less)
    assert message in fa
    # Away from a kink a brief prints one value, as before.
    plain = _visible(str(brief(rm.run(rm.examples.path("two_plants")), lang="en")))
    assert not any("one less" in line or "kink" in line for line in plain)
    # A comparison brief prints both sides for the scenario at the kink only.
    both = _visible(str(brief([rm.run(rm.examples.path("two_plants")), res])))
    assert both.count("one less costs 47.5 USD/m3") == 1


def test_warm_models_compute_them_only_when_asked(kink: Path) -> None:
    lp = rm.build(rm.load_inputs(kink))
    row = int(lp.constraints["source-cap"].index[0, 0])
    plain = HighsModel(lp, ranging=True).solve()
    assert plain.ranging is not None and plain.ranging.dual_up is None
    asked = HighsModel(lp, ranging=True, one_sided=True).solve()
    assert asked.ranging is not None and asked.ranging.dual_up is not None
    assert asked.ranging.dual_dn is not None
    assert -asked.ranging.dual_up[row] == pytest.approx(5.0)
    assert -asked.ranging.dual_dn[row] == pytest.approx(47.5)


def test_time_budget_leaves_unreached_sides_nan(kink: Path) -> None:
    from resourcemodel.backends import highs

    inputs = rm.load_inputs(kink)
    lp = rm.build(inputs)
    backend = highs.HighsBackend(one_sided=False)
    h = backend._new(lp)
    h.passModel(highs.to_highs_lp(lp))
    full = backend.solve_loaded(h, lp, 0.0)
    assert full.ranging is not None
    sol = h.getSolution()
    duals = np.asarray(sol.row_dual, dtype=float)
    values = np.asarray(sol.row_value, dtype=float)
    rows = highs.cap_rows(lp)
    row = int(lp.constraints["source-cap"].index[0, 0])
    down, up = highs.one_sided_duals(h, lp, full.ranging, duals, values, rows, seconds=0.0)
    # The river cap's basis holds on one side: that side is its dual, the other not reached.
    assert np.isnan([down[row], up[row]]).sum() == 1
    assert np.nanmax(-np.array([down[row], up[row]])) == pytest.approx(-duals[row])
    full.ranging.dual_dn, full.ranging.dual_up = down, up
    res = rm.results.assemble(inputs, lp, full)
    assert res["source_cap_worth_more"].attrs["note"] == rm.results.ONE_SIDED_PARTIAL
    # With time, both sides.
    down, up = highs.one_sided_duals(h, lp, full.ranging, duals, values, rows, seconds=60.0)
    assert (-up[row], -down[row]) == (pytest.approx(5.0), pytest.approx(47.5))


def test_brief_says_nothing_of_lowering_a_cap_of_zero(kink: Path) -> None:
    from resourcemodel.brief import brief, content

    (kink / "source_cap.csv").write_text(
        "source,period,value,unit,reference,confidence\nriver,year,0,m3,example,assumption\n"
    )
    res = rm.run(kink)
    assert float(res["source_cap_cost_less"].sel(RIVER)) == np.inf
    assert content.one_sided(res, "source_cap", "river, year") is None
    lines = _visible(str(brief(res, lang="en")))
    assert not any("infeasible" in line or "one less" in line for line in lines)
