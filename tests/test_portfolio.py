"""Portfolio of half-finished projects: register, screening, selection, why-not.

Hand-derived 3-project example on ``permit_choice`` (river 700 m3/yr; mill A makes steel
with 2 m3/t at 5 USD/t and sells at 30 USD/t, demand 400 t; without projects A makes 350 t,
value added 25 x 350 = 8,750 USD and one m3 of river water is worth 25 / 2 = 12.5 USD).
Projects (``tests/data/portfolio/three_projects.csv``) sell steel at 30 USD/t into markets
of their own and draw the river; investment annualised at 0% over 10 years:

====  ========  ========  =======  ============  =========  ========  ==========  =======
id    capacity  m3/t      USD/t    value         water      charge    annuity     net
====  ========  ========  =======  ============  =========  ========  ==========  =======
p1    200 t     1         10       (30-10)x200   200 m3     2,500     2,000/10    1,300
                                   = 4,000
p2    100 t     3         20       1,000         300 m3     3,750     1,000/10    -2,850
p3    100 t     0.5       5        2,500         50 m3      625       100         1,775
====  ========  ========  =======  ============  =========  ========  ==========  =======

(investment 0.002, 0.001, 0.001 MUSD). Mill A stays the marginal user of the river as
long as it keeps some water, so every charge is exact:

- no rules: p1 and p3 (net > 0), p2 out (the river's 12.5 USD/m3 x 300 m3 = 3,750 exceeds
  its gain 1,000 - 100 = 900; 300 m3 more river water would admit it). Value added
  8,750 + 1,300 + 1,775 = 11,825; A gets 700 - 200 - 50 = 450 m3, 225 t.
- budget 0.0025 MUSD: p1 + p3 cost 0.003, so one of them: p3 (1,775 > 1,300): 10,525.
  LP relaxation: p3 whole, then p1 at 0.0015 / 0.002 = 0.75: 8,750 + 1,775 + 975 = 11,500.
  p1 is the marginal project left out, by the budget.
- p1 and p3 on one site (exclusive): p3, 10,525.
- jobs (50, 30, 10) under the budget: p1 alone (50) beats p2 + p3 (40); relaxation
  p2 + 0.75 p1 = 67.5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.exceptions import InputError, ValidationError
from resourcemodel.portfolio import (
    Rules,
    read_register,
    register_from_frame,
    screen,
    select_portfolio,
    synthetic_register,
)
from resourcemodel.portfolio.columns import factored_columns
from resourcemodel.portfolio.screen import setting

CASE = rm.examples.path("permit_choice")
REGISTER = Path(__file__).parent / "data" / "portfolio" / "three_projects.csv"
HAND = {"discount_rate": 0.0, "lifetime": 10.0, "of": "water"}


def test_screening_by_hand() -> None:
    ds = screen(CASE, REGISTER, **HAND)
    np.testing.assert_allclose(ds["value"], [4000, 1000, 2500])
    np.testing.assert_allclose(ds["scarcity_charge"], [2500, 3750, 625])
    np.testing.assert_allclose(ds["annuity"], [200, 100, 100])
    np.testing.assert_allclose(ds["net_value"], [1300, -2850, 1775])
    np.testing.assert_allclose(ds["freshwater"], [200, 300, 50])
    assert list(ds["source"].sel(resource="water").values) == ["river"] * 3


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_selection_by_hand(backend: str) -> None:
    p = select_portfolio(CASE, REGISTER, backend=backend, **HAND)
    assert p.selected == ["p1", "p3"]
    assert p.objective == pytest.approx(11825)
    assert p.base_objective == pytest.approx(8750)
    assert float(p.results["production"].sum()) == pytest.approx(225)
    d = p.projects.set_index(project="project")
    assert str(d["reason"].sel(project="p2").item()) == "caps"
    assert str(d["cap"].sel(project="p2").item()) == "source-cap[river, year]"
    assert float(d["cap_charge"].sel(project="p2")) == pytest.approx(3750)
    assert float(d["more_needed"].sel(project="p2")) == pytest.approx(300)
    assert str(d["more_needed_unit"].sel(project="p2").item()) == "m3"
    np.testing.assert_allclose(d["net_value"], [1300, -2850, 1775])
    assert p.marginal == "p2"


def test_budget_relaxation_and_marginal() -> None:
    p = select_portfolio(CASE, REGISTER, budget=0.0025, **HAND)
    assert p.selected == ["p3"]
    assert p.objective == pytest.approx(10525)
    assert p.relaxation_bound == pytest.approx(11500)
    assert p.relaxation_bound >= p.objective
    assert p.marginal == "p1"
    d = p.projects.set_index(project="project")
    assert str(d["reason"].sel(project="p1").item()) == "budget"


def test_exclusive_site_and_jobs(tmp_path: Path) -> None:
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame.loc[frame["id"].isin(["p1", "p3"]), "exclusive_group"] = "site-a"
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    p = select_portfolio(CASE, path, **HAND)
    assert p.selected == ["p3"]
    assert p.objective == pytest.approx(10525)
    d = p.projects.set_index(project="project")
    assert str(d["reason"].sel(project="p1").item()) == "exclusive"
    jobs = select_portfolio(CASE, REGISTER, budget=0.0025, objective="jobs", **HAND)
    assert jobs.selected == ["p1"]
    assert jobs.objective == pytest.approx(50)
    assert jobs.relaxation_bound == pytest.approx(67.5)


def test_precedence(tmp_path: Path) -> None:
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame["requires"] = ["", "", "p2"]  # p3 only with the thirsty p2
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    # p2 + p3 together: 1,775 - 2,850 < 0, so neither; p1 alone: 8,750 + 1,300.
    p = select_portfolio(CASE, path, **HAND)
    assert p.selected == ["p1"]
    assert p.objective == pytest.approx(10050)
    d = p.projects.set_index(project="project")
    assert str(d["reason"].sel(project="p3").item()) == "precedence"


def test_register_errors_name_line_and_column(tmp_path: Path) -> None:
    inputs = rm.load_inputs(CASE)
    bad = tmp_path / "register.csv"
    bad.write_text(
        "id,name,sector,progress,capacity,capacity_unit,remaining_investment,jobs,product,use_water,requires\n"
        "a,A,steel,140,10,t/yr,1,5,steel,1,\n"
        "a,B,steel,50,10,m3/yr,1,5,steel,1,zz\n"
        "c,C,steel,50,ten,t/yr,1,5,,,\n"
    )
    with pytest.raises(ValidationError) as err:
        read_register(bad, inputs)
    text = str(err.value)
    assert (
        "'register.csv' line 2, column 'progress': expected a value in [0, 100] %, found 140"
        in text
    )
    assert "line 3, column 'id': id 'a' is used twice (first on line 2)" in text
    assert "line 3, column 'capacity_unit': 'm3/yr' is not a rate of 't'" in text
    assert "line 3, column 'requires': no project with id 'zz'" in text
    assert "line 4, column 'capacity': expected a number, found 'ten'" in text
    assert "line 4, column 'reference_process'" in text


def test_reference_process_copies_and_scales() -> None:
    inputs, _, _ = rm.pipeline.load(Path(__file__).parents[1] / "scenarios" / "baseline.toml")
    frame = pd.DataFrame(
        {
            "id": ["eaf"],
            "name": ["EAF like MSC"],
            "sector": ["steel"],
            "progress": [70],
            "capacity": [1.0],
            "capacity_unit": ["Mt/yr"],
            "remaining_investment": [100],
            "jobs": [1500],
            "reference_process": ["msc_eaf"],
            "use_water": [0.5],
        }
    )
    reg = register_from_frame(frame, inputs)
    assert float(reg["capacity"].sel(project="eaf")) == pytest.approx(1e6)
    assert float(reg["intensity"].sel(project="eaf", resource="electricity")) == pytest.approx(
        0.816
    )
    assert float(reg["intensity"].sel(project="eaf", resource="water")) == pytest.approx(0.5)
    assert float(reg["product_input"].sel(project="eaf", product="dri")) == pytest.approx(1.05)
    assert float(reg["price"].sel(project="eaf")) == pytest.approx(500)
    assert str(reg["project_product"].sel(project="eaf").item()) == "steel_flat"


def test_synthetic_register_is_seeded_labelled_and_factored() -> None:
    a, b = synthetic_register(300, seed=3), synthetic_register(300, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(synthetic_register(300, seed=4))
    assert a["name"].str.startswith("SYNTHETIC").all()
    assert (a["progress"] >= 40).all()
    s = setting(Path(__file__).parents[1] / "scenarios" / "baseline.toml", a_register(a))
    assert s.register.attrs["synthetic"] == 1
    g, b_ = factored_columns(s.lp, s.case.inputs, s.register, s.columns.source)
    full = s.columns.matrix
    assert abs(g @ b_ - full).max() <= 1e-9 * abs(full).max()
    assert b_.nnz < full.nnz / 5


def a_register(frame: pd.DataFrame) -> xr.Dataset:
    inputs, _, _ = rm.pipeline.load(Path(__file__).parents[1] / "scenarios" / "baseline.toml")
    return register_from_frame(frame, inputs, file="synthetic")


@pytest.mark.slow
def test_highs_and_cbc_agree_on_200_synthetic_projects() -> None:
    reg = a_register(synthetic_register(200, seed=7))
    scenario = Path(__file__).parents[1] / "scenarios" / "baseline.toml"
    s = setting(scenario, reg)
    rules = Rules(budget=60.0)
    gap = 1e-4
    h = select_portfolio(scenario, reg, rules=rules, prepared=s, mip_rel_gap=gap)
    c = select_portfolio(scenario, reg, rules=rules, prepared=s, backend="pulp", mip_rel_gap=gap)
    assert h.objective == pytest.approx(c.objective, rel=2 * gap)
    assert h.relaxation_bound >= max(h.objective, c.objective) - 1e-6 * abs(h.objective)
    assert h.projects["remaining_investment"].values[h.projects["selected"].values].sum() <= 60
    # HiGHS's own bound proves the gap, with or without the relaxation start.
    assert h.mip_bound >= h.objective
    assert (h.mip_bound - h.objective) / abs(h.objective) <= gap
    alone = select_portfolio(scenario, reg, rules=rules, prepared=s, mip_rel_gap=gap, start=False)
    assert h.objective == pytest.approx(alone.objective, rel=2 * gap)


@pytest.mark.slow
def test_relaxation_start_is_feasible_and_within_the_bound() -> None:
    from resourcemodel.analyses.common import replace, run
    from resourcemodel.portfolio.select import build_program
    from resourcemodel.portfolio.start import relaxation_start

    reg = a_register(synthetic_register(300, seed=2))
    scenario = Path(__file__).parents[1] / "scenarios" / "baseline.toml"
    s = setting(scenario, reg)
    rules = Rules(budget=80.0, county_quota={"isfahan": 5}, sector_min_share={"steel": 0.1})
    prog = build_program(s, rules)
    lp = prog.lp
    r = run(replace(lp, integrality=np.zeros_like(lp.integrality)), "highs")
    relaxed = float(lp.c @ r.x + lp.c0)
    st = relaxation_start(lp, prog.u, r.x, r.row_dual, relaxed, mip_rel_gap=1e-4)
    assert st is not None
    x = st.x
    u = x[prog.u]
    assert np.all(np.abs(u - np.round(u)) <= 1e-9)  # binaries integral
    act = lp.A @ x
    tol = 1e-6 * (1 + np.abs(act))
    assert np.all(act >= lp.row_lower - tol) and np.all(act <= lp.row_upper + tol)
    assert np.all(x >= lp.col_lower - 1e-6) and np.all(x <= lp.col_upper + 1e-6)
    assert st.objective == pytest.approx(float(lp.c @ x + lp.c0))
    assert st.objective >= relaxed - 1e-6 * abs(relaxed)  # minimised: never below the bound
    sel = reg["remaining_investment"].values[u > 0.5]
    assert sel.sum() <= 80.0 + 1e-9
    steel = reg["sector"].values[u > 0.5] == "steel"
    assert sel[steel].sum() >= 0.1 * sel.sum() - 1e-9


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from resourcemodel.cli import main

    out = tmp_path / "portfolio.csv"
    argv = ["portfolio", str(CASE), str(REGISTER), "--budget", "0.0025", "--of", "water"]
    argv += ["--discount-rate", "0", "--lifetime", "10", "--out", str(out)]
    argv += ["--contributions", "exact"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "1 of 3 projects completed" in text
    assert "Marginal project left out: p1 Dry mill" in text
    assert "source-cap[river, year] +300 m3" in text
    table = pd.read_csv(out)
    assert table.loc[table["selected"], "project"].tolist() == ["p3"]
    # Without p3 mill A gets all 700 m3: 8,750; with it 10,525.
    assert table.set_index("project").loc["p3", "contribution"] == pytest.approx(1775)
    assert main(["portfolio", str(CASE), str(REGISTER), "--county-quota", "north"]) == 2
    assert "expects NAME=VALUE" in capsys.readouterr().err


def test_front_by_hand() -> None:
    """Caps on river water drawn by mill A and the projects together.

    0 m3: nothing. 175 m3: p3 (50 m3, gain 2,400) and A on the other 125 m3 (62.5 t x
    25 = 1,562.5): 3,962.5. 350 m3: p1 and p3 (250 m3, 3,800 + 2,400) and A on 100 m3
    (1,250): 7,450. 700 m3: the unconstrained 11,825. The scenario without projects: A on
    all 700 m3 (350 t x 25 = 8,750 USD); both axes are mill A's and the projects' together.
    """
    from resourcemodel.portfolio import front
    from resourcemodel.portfolio.plots import plot_front

    f = front(CASE, REGISTER, points=5, **HAND)
    np.testing.assert_allclose(f["freshwater_cap"], [0, 175, 350, 525, 700])
    np.testing.assert_allclose(f["objective"][[0, 1, 2, 4]], [0, 3962.5, 7450, 11825], atol=1e-3)
    assert list(f["completed"].values) == [0, 1, 2, 2, 2]
    assert np.all(np.diff(f["objective"].values) >= -1e-6)
    assert f.attrs["base_freshwater"] == pytest.approx(700)
    assert f.attrs["base_objective"] == pytest.approx(8750)
    ax = plot_front(f)
    assert ax.get_lines()[0].get_xydata().shape == (5, 2)
    assert ax.get_lines()[1].get_xydata().tolist() == [[700 / 1e6, 8750 / 1e6]]


def test_partial_capacity_under_a_water_cap() -> None:
    """Freshwater (river) drawn capped at 175 m3, partial capacity allowed.

    Gains per m3 before investment: p3 50 (2,500 / 50 m3), p1 20, mill A 12.5. p3 takes
    50 m3 (2,500 - 100), p1 the other 125 m3 at a share of 125/200 = 0.625 (0.625 x 4,000
    - 200 = 2,300), A nothing: 4,700. Without partial capacity p1 cannot fit beside p3 and
    A gets 125 m3: 2,400 + 1,562.5 = 3,962.5.
    """
    p = select_portfolio(CASE, REGISTER, rules=Rules(freshwater_cap=175, partial=True), **HAND)
    assert p.objective == pytest.approx(4700)
    share = p.projects["share"].to_series()
    assert share.to_dict() == pytest.approx({"p1": 0.625, "p2": 0.0, "p3": 1.0})
    assert p.freshwater == pytest.approx(175)
    whole = select_portfolio(CASE, REGISTER, rules=Rules(freshwater_cap=175), **HAND)
    assert whole.objective == pytest.approx(3962.5)


def test_exact_contributions_by_hand() -> None:
    """River water drawn capped at 250 m3 (mill A and the projects together), whole projects.

    p1 + p3 take 250 m3 (gains 3,800 + 2,400 = 6,200) and A gets nothing; the other choices:
    p3 + A on 200 m3 (2,400 + 100 t x 25 = 4,900), p1 + A on 50 m3 (3,800 + 625 = 4,425),
    A alone 3,125. Exact contributions, the other project kept and A re-optimised: p1
    6,200 - 4,900 = 1,300, p3 6,200 - 4,425 = 1,775. (At the fixed-choice duals the cap is
    degenerate, A at zero output, so the marginal figures depend on the dual picked.)
    Without the cap A stays the marginal user: again 11,825 - 10,525 = 1,300 for p1 and
    11,825 - 10,050 = 1,775 for p3.
    """
    rules = Rules(freshwater_cap=250)
    p = select_portfolio(CASE, REGISTER, rules=rules, contributions="exact", **HAND)
    assert p.objective == pytest.approx(6200)
    assert p.selected == ["p1", "p3"]
    got = p.projects["contribution"].to_series()
    assert got["p1"] == pytest.approx(1300) and got["p3"] == pytest.approx(1775)
    assert np.isnan(got["p2"])  # not selected: not computed
    assert "exact, without it: 1,775" in p.text()
    free = select_portfolio(CASE, REGISTER, contributions="exact", contributions_top=1, **HAND)
    got = free.projects["contribution"].to_series()
    assert got["p3"] == pytest.approx(1775)  # the larger net value (1,775 > 1,300)
    assert np.isnan(got["p1"])  # beyond the top 1
    with pytest.raises(InputError, match="contributions must be one of"):
        select_portfolio(CASE, REGISTER, contributions="all", **HAND)


def test_completion_year(tmp_path: Path) -> None:
    """p3 is expected in 1407: completed by 1405, only p1 and p2 can be; p1 alone, 10,050."""
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame["completion_year"] = ["1404", "1405", "1407"]
    path = tmp_path / "register.csv"
    frame.to_csv(path, index=False)
    p = select_portfolio(CASE, path, rules=Rules(complete_by=1405), **HAND)
    assert p.selected == ["p1"]
    assert p.objective == pytest.approx(10050)
    d = p.projects.set_index(project="project")
    assert str(d["reason"].sel(project="p3").item()) == "completion"


def test_register_from_a_workbook(tmp_path: Path) -> None:
    frame = pd.read_csv(REGISTER, dtype=str, keep_default_na=False)
    frame.loc[1, "progress"] = "150"
    path = tmp_path / "case.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="about", index=False)
        frame.to_excel(writer, sheet_name="projects", index=False)
    with pytest.raises(ValidationError, match=r"'case.xlsx\[projects\]' line 3, column 'progress'"):
        read_register(path, rm.load_inputs(CASE))
    frame.loc[1, "progress"] = "45"
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, sheet_name="projects", index=False)
    reg = read_register(path, rm.load_inputs(CASE))
    np.testing.assert_allclose(reg["capacity"], [200, 100, 100])


def test_projects_never_draw_on_a_source_closed_to_new_draw() -> None:
    """Isfahan's groundwater plains are closed to new wells (S46): a project is new draw."""
    reg = a_register(synthetic_register(300, seed=11))
    s = setting(Path(__file__).parents[1] / "scenarios" / "baseline.toml", reg)
    inputs = s.case.inputs
    closed = inputs["source_closed"].values > 0.5
    names = list(inputs["source"].values)
    assert all(closed[names.index(n)] for n in names if n.startswith("groundwater_"))
    used = s.columns.source[s.columns.source >= 0]
    assert used.size and not closed[used].any()
    water = list(inputs["resource"].values).index("water")
    assert (s.columns.source[:, water] >= 0).any()  # projects do draw water, from open sources
    frame = synthetic_register(3, seed=1).assign(source_water="groundwater_isfahan_borkhar")
    with pytest.raises(ValidationError, match="closed to new draw"):
        setting(Path(__file__).parents[1] / "scenarios" / "baseline.toml", a_register(frame))


def test_county_ids_are_checked_against_the_county_layer() -> None:
    inputs, _, _ = rm.pipeline.load(Path(__file__).parents[1] / "scenarios" / "baseline.toml")
    frame = synthetic_register(3, seed=0)
    # Every synthetic county is an id of the shipped layer (the brief names and maps them).
    full = synthetic_register(2000, seed=0)
    from resourcemodel.portfolio.register import layer_counties

    assert set(full["county"]) <= set(layer_counties())
    frame["county"] = ["aran_bidgol", "kashan", "falavarjan"]
    with pytest.raises(ValidationError) as err:
        register_from_frame(frame, inputs, file="projects.csv")
    text = str(err.value)
    assert (
        "'projects.csv' line 2, column 'county': county 'aran_bidgol' is not a county of the "
        "county layer" in text
    )
    assert "did you mean 'aran_and_bidgol'?" in text
    assert "line 4, column 'county': county 'falavarjan'" in text
    assert "'falaverjan'" in text
    assert "line 3" not in text  # kashan is an id of the layer
    # A case whose plants carry no county ids of the layer (the hand example) is not checked.
    hand = rm.load_inputs(CASE)
    reg = read_register(REGISTER, hand)
    assert reg.sizes["project"] == 3
