"""Pathways: years stacked over the single-year program, builds, perfect and myopic foresight.

Hand-derived optima are in ``src/resourcemodel/examples_data/pathways/README.md``; the
derivations are repeated next to each test.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.exceptions import ScenarioError
from resourcemodel.pathway import annuity, load_pathway, run_pathway

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(rm.examples.path("two_plants")).parent / "pathways"
TWO_YEARS = EXAMPLES / "two_years.toml"


def _write(folder: Path, text: str, name: str = "pw.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", ["two_plants", "measure_payoff", "isfahan"])
def test_one_year_pathway_is_the_single_year_run_exactly(tmp_path: Path, case: str) -> None:
    """One year of weight 1, no candidates: the stacked program is the year's program, so
    the objective and every results variable equal the single-year run bit for bit."""
    path = _write(tmp_path, f'name = "one"\ndata = "{case}"\n[pathway]\nyears = [1402]\n')
    single = rm.run(path)
    pathway = run_pathway(path)
    assert pathway.attrs["objective"] == single.attrs["objective"]
    for name in single.data_vars:
        assert single[name].equals(pathway[name].sel(year=1402, drop=True)), name


def test_two_year_example_perfect_foresight_by_hand() -> None:
    """1404: no build can serve yet (lead time 1), 10 t unmet = 500 USD. 1405: river 810 m3,
    190 m3 to save, adoption 0.95 from a build of 0.95 decided in 1404, charged 95 USD.
    Objective 500 + 95 / 1.1; river water in 1405 is worth 100 USD / 200 m3 = 0.5 USD/m3
    (one m3 less to save lets the build fall by 1/200), in 1404 0.1 t x 50 = 5 USD/m3."""
    res = run_pathway(TWO_YEARS)
    assert res.attrs["status"] == "optimal"
    assert res.attrs["objective"] == pytest.approx(500 + 95 / 1.1, rel=1e-9)
    build = res["build"].sel(plant="mill", measure="recycling")
    assert build.sel(year=1404).item() == pytest.approx(0.95)
    assert np.isnan(build.sel(year=1405).item())  # would serve from 1406: no such build
    adoption = res["adoption"].sel(plant="mill", measure="recycling")
    np.testing.assert_allclose(adoption.values, [0.0, 0.95], atol=1e-9)
    np.testing.assert_allclose(res["unmet"].sum("period").values.ravel(), [10.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(res["objective_year"].values, [500.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(res["capital_charge_year"].values, [0.0, 95.0], atol=1e-9)
    np.testing.assert_allclose(res["objective_weight"].values, [1.0, 1 / 1.1])
    price = res["source_cap_shadow_price"].sel(source="river").squeeze("period")
    np.testing.assert_allclose(price.values, [5.0, 0.5], rtol=1e-9)
    # The adoption's own cost moved to the build: no measure cost in the year results.
    assert float(res["cost_measures"].sum()) == 0.0


def test_results_carry_the_scenario_texts_in_the_run_card() -> None:
    """run_pathway's attrs hold the file's name, description, title and summary (both
    languages) and the chain of files, as rm.run's run card does."""
    res = run_pathway(TWO_YEARS)
    spec = load_pathway(TWO_YEARS).scenario
    assert res.attrs["scenario"] == spec.name == "two_years"
    assert res.attrs["title"] == "Two years, one build with a lead time"
    assert res.attrs["title_fa"] == "دو سال، یک سرمایه‌گذاری با زمان ساخت"
    assert res.attrs["summary"].startswith("The measure_payoff mill over 1404-1405")
    assert res.attrs["description"] == spec.description != ""
    assert res.attrs["scenario_chain"] == '["two_years"]'  # names down the chain
    single = rm.run(TWO_YEARS)
    for key in ("scenario", "description", "title", "title_fa", "summary", "scenario_chain"):
        assert res.attrs[key] == single.attrs[key], key


def test_results_carry_the_candidates_data() -> None:
    """The two-year example's one candidate, mill/recycling: lifetime 10, lead time 1, so
    the earliest year in service 1404 + 1 = 1405; no capital_cost, so the annuity is the
    measure_cost 100 USD/yr and the capital cost its present value over 10 years at 10%,
    100 x (1 - 1.1^-10) / 0.1 = 614.4567 USD. The build's charge is build x annuity."""
    res = run_pathway(TWO_YEARS)
    cand = res.sel(candidate="mill/recycling")
    assert res["candidate"].values.tolist() == ["mill/recycling"]
    assert cand["candidate_plant"].item() == "mill"
    assert cand["candidate_measure"].item() == "recycling"
    assert cand["candidate_lifetime"].item() == 10.0
    assert cand["candidate_lead_time"].item() == 1.0
    assert cand["candidate_earliest"].item() == 1405.0
    assert cand["candidate_annuity"].item() == pytest.approx(100.0)
    assert cand["candidate_capital_cost"].item() == pytest.approx(614.456711, rel=1e-8)
    assert not cand["candidate_capital_given"].item()
    assert not cand["candidate_integer"].item()
    assert res["candidate_capital_cost"].attrs["units"] == "USD"
    assert res["candidate_annuity"].attrs["units"] == "USD/yr"
    assert res["candidate_lead_time"].attrs["units"] == "years"
    build = res["build"].sel(plant="mill", measure="recycling", year=1404).item()
    charge = res["capital_charge"].sel(plant="mill", measure="recycling", year=1405).item()
    assert charge == pytest.approx(build * cand["candidate_annuity"].item(), rel=1e-9)


def test_candidate_data_of_a_source_and_a_given_capital_cost(tmp_path: Path) -> None:
    """A capital_cost given is the candidate's (per whole measure) and its annuity is
    capital_cost x r / (1 - (1 + r)^-L): 800 x 0.1 / (1 - 1.1^-10) = 130.196 USD/yr; a
    source candidate reports its capacity and capital."""
    text = TWO_YEARS.read_text(encoding="utf-8").replace(
        "lead_time = 1\n", "lead_time = 1\ncapital_cost = 800\nearliest = 1405\n", 1
    )
    text += (
        '\n[[candidate]]\nsource = "river"\ncapacity = 50\ncapital_cost = 1000\n'
        "lifetime = 5\nlead_time = 0\n"
    )
    res = run_pathway(_write(tmp_path, text))
    mill = res.sel(candidate="mill/recycling")
    assert mill["candidate_capital_cost"].item() == 800.0
    assert bool(mill["candidate_capital_given"].item())
    assert mill["candidate_annuity"].item() == pytest.approx(annuity(800.0, 0.1, 10.0))
    assert mill["candidate_annuity"].item() == pytest.approx(130.196, abs=1e-3)
    river = res.sel(candidate="river")
    assert river["candidate_source"].item() == "river"
    assert river["candidate_capacity"].item() == 50.0
    assert river["candidate_capital_cost"].item() == 1000.0
    assert river["candidate_earliest"].item() == 1404.0  # lead time 0
    assert np.isnan(mill["candidate_capacity"].item())


def test_totals_add_up_to_the_discounted_objective() -> None:
    """objective = sum over years of weight x (operations + capital charges)."""
    res = run_pathway(TWO_YEARS)
    total = (res["objective_weight"] * (res["objective_year"] + res["capital_charge_year"])).sum()
    assert float(total) == pytest.approx(res.attrs["objective"], rel=1e-12)


def test_integer_build_takes_the_whole_measure(tmp_path: Path) -> None:
    """All-or-nothing: 0.95 is not allowed, the whole measure is built in 1404 and charged
    100 USD in 1405: 500 + 100 / 1.1."""
    text = TWO_YEARS.read_text(encoding="utf-8").replace(
        "lead_time = 1", "lead_time = 1\ninteger = true"
    )
    res = run_pathway(_write(tmp_path, text))
    assert res.attrs["objective"] == pytest.approx(500 + 100 / 1.1, rel=1e-9)
    assert res["build"].sel(plant="mill", measure="recycling", year=1404).item() == 1.0


def test_a_variant_inherits_the_pathway_and_changes_a_candidate(tmp_path: Path) -> None:
    """A file extending the two-year example, with an empty [pathway] and a candidate naming
    the same plant and measure with integer = true, is the integer example: its years,
    rate, trajectory and the candidate's lifetime and lead time are the parent's, and the
    whole measure is built in 1404 and charged 100 USD in 1405: 500 + 100 / 1.1."""
    (tmp_path / "two_years.toml").write_text(TWO_YEARS.read_text(encoding="utf-8"), "utf-8")
    child = _write(
        tmp_path,
        'name = "lumpy"\nextends = ["two_years"]\n[pathway]\n'
        '[[candidate]]\nplant = "mill"\nmeasure = "recycling"\ninteger = true\n',
        "lumpy.toml",
    )
    parent, variant = load_pathway(TWO_YEARS), load_pathway(child)
    assert (variant.years, variant.weights) == (parent.years, parent.weights)
    assert variant.discount_rate == parent.discount_rate == 0.1
    assert variant.trajectories == parent.trajectories
    (cand,) = variant.candidates
    assert cand.integer and (cand.lifetime, cand.lead_time) == (10.0, 1.0)
    assert "lumpy.toml, [[candidate]] #1 (changing two_years.toml" in cand.origin
    res = run_pathway(child)
    assert res.attrs["objective"] == pytest.approx(500 + 100 / 1.1, rel=1e-9)
    # A child giving years drops the parent's years and weights.
    years = _write(tmp_path, 'extends = ["two_years"]\n[pathway]\nyears = [1404]\n', "y.toml")
    assert load_pathway(years).years == (1404,) and load_pathway(years).weights == (1,)


def test_the_shipped_lumpy_variant_is_the_pathway_with_plant_scale_builds_whole() -> None:
    """scenarios/pathway-1404-1424-lumpy.toml: the shipped pathway, the candidates of
    plant-scale measures integer, every other key and candidate the parent's."""
    parent = load_pathway(ROOT / "scenarios/pathway-1404-1424.toml")
    lumpy = load_pathway(ROOT / "scenarios/pathway-1404-1424-lumpy.toml")
    assert (lumpy.years, lumpy.weights, lumpy.discount_rate, lumpy.foresight, lumpy.view) == (
        parent.years,
        parent.weights,
        parent.discount_rate,
        parent.foresight,
        parent.view,
    )
    assert lumpy.trajectories == parent.trajectories
    assert lumpy.scenario.changes == parent.scenario.changes
    plant_scale = {"M1", "M4", "M5", "M6", "M7", "M8", "M9", "M12"}
    assert len(lumpy.candidates) == len(parent.candidates)
    for a, b in zip(parent.candidates, lumpy.candidates, strict=True):
        assert (a.plant, a.measure, a.source, a.lifetime, a.capital_cost, a.lead_time) == (
            b.plant,
            b.measure,
            b.source,
            b.lifetime,
            b.capital_cost,
            b.lead_time,
        )
        assert b.integer == (b.measure in plant_scale), b.measure


def test_myopic_costs_more_than_perfect_on_the_example() -> None:
    """Myopic, one year per step: 1404 sees no year where a build could serve and builds
    nothing; 1405 goes 190 m3 short (19 t, 950 USD): 500 + 950 / 1.1."""
    perfect = run_pathway(TWO_YEARS, foresight="perfect")
    myopic = run_pathway(TWO_YEARS, foresight="myopic")
    assert myopic.attrs["objective"] == pytest.approx(500 + 950 / 1.1, rel=1e-9)
    assert perfect.attrs["objective"] <= myopic.attrs["objective"]
    assert myopic.attrs["foresight"] == "myopic"


def test_myopic_equals_perfect_without_lead_time(tmp_path: Path) -> None:
    """Without a lead time the 1404 step builds 0.5 for its own year and the 1405 step adds
    0.45; with linear annuities that is also the perfect plan: 50 + 0.95 x 100 / 1.1."""
    text = TWO_YEARS.read_text(encoding="utf-8").replace("lead_time = 1", "lead_time = 0")
    path = _write(tmp_path, text)
    perfect = run_pathway(path, foresight="perfect")
    myopic = run_pathway(path, foresight="myopic")
    expected = 50 + 95 / 1.1
    assert perfect.attrs["objective"] == pytest.approx(expected, rel=1e-9)
    assert myopic.attrs["objective"] == pytest.approx(expected, rel=1e-9)


def test_capital_cost_is_annualised_over_the_lifetime(tmp_path: Path) -> None:
    """capital_cost 400 USD over 10 years at r = 10%: annuity 65.098 USD/yr; the build of
    0.95 is charged 0.95 x 65.098 in 1405."""
    text = TWO_YEARS.read_text(encoding="utf-8").replace(
        "lead_time = 1", "lead_time = 1\ncapital_cost = 400"
    )
    res = run_pathway(_write(tmp_path, text))
    a = 400 * 0.1 / (1 - 1.1**-10)
    assert annuity(400, 0.1, 10) == pytest.approx(a)
    assert res.attrs["objective"] == pytest.approx(500 + 0.95 * a / 1.1, rel=1e-9)


def test_lifetime_ends_service(tmp_path: Path) -> None:
    """A lifetime of 1 year: built in 1404 for 1405 only; three years with the river at 810
    in 1405 and 1406 need a second build of 0.95 decided in 1405 for 1406."""
    text = TWO_YEARS.read_text(encoding="utf-8")
    text = text.replace("years = [1404, 1405]", "years = [1404, 1405, 1406]")
    text = text.replace("lifetime = 10", "lifetime = 1")
    text = text.replace("1405 = 0.9 }", "1405 = 0.9, 1406 = 0.9 }")
    res = run_pathway(_write(tmp_path, text))
    build = res["build"].sel(plant="mill", measure="recycling")
    np.testing.assert_allclose(build.values, [0.95, 0.95, np.nan], atol=1e-9)
    assert res.attrs["objective"] == pytest.approx(500 + 95 / 1.1 + 95 / 1.21, rel=1e-9)


def test_trajectory_kinds_give_the_factor_of_each_year(tmp_path: Path) -> None:
    """path (linear), growth (compound) and step factors on the case's demand of 100 t."""
    base = 'name = "t"\ndata = "measure_payoff"\n[pathway]\nyears = [1404, 1406, 1408]\n'
    kinds = {
        "path = { 1404 = 1.0, 1408 = 0.6 }": [100, 80, 60],
        "growth = 0.1": [100, 121, 146.41],
        "step = { 1406 = 0.5 }": [100, 50, 50],
    }
    for rule, expected in kinds.items():
        text = base + f'[[trajectory]]\nparameter = "demand"\n{rule}\n'
        pathway = load_pathway(_write(tmp_path, text))
        inputs, _ = rm.pathway.prepare(pathway)
        got = [float(ds["demand"].sum()) for ds in inputs]
        np.testing.assert_allclose(got, expected, rtol=1e-12, err_msg=rule)


def test_weights_and_discounting_of_representative_years(tmp_path: Path) -> None:
    """years 1404, 1409 default to 5 years each; at 10%, 1404 stands for
    sum_{t=0..4} 1.1^-t and 1409 for sum_{t=5..9} 1.1^-t."""
    text = 'name = "w"\ndata = "two_plants"\n[pathway]\nyears = [1404, 1409]\ndiscount_rate = 0.1\n'
    pathway = load_pathway(_write(tmp_path, text))
    assert pathway.weights == (5, 5)
    t = np.arange(10)
    expected = [np.sum(1.1 ** -t[:5]), np.sum(1.1 ** -t[5:])]
    np.testing.assert_allclose(pathway.objective_weights(), expected)
    single = rm.run(rm.examples.path("two_plants")).attrs["objective"]
    res = run_pathway(pathway)
    assert res.attrs["objective"] == pytest.approx(single * sum(expected), rel=1e-9)


def test_problems_name_file_table_and_key(tmp_path: Path) -> None:
    text = """name = "bad"
data = "measure_payoff"
[pathway]
years = [1405, 1404]
foresight = "clairvoyant"
[[trajectory]]
parameter = "source_cap"
growth = 0.1
step = { 1404 = 1.0 }
[[candidate]]
plant = "mill"
measure = "recycling"
"""
    with pytest.raises(ScenarioError) as err:
        load_pathway(_write(tmp_path, text))
    msg = str(err.value)
    assert "pw.toml, [pathway], years: expected increasing years" in msg
    assert "pw.toml, [pathway], foresight: expected one of ['perfect', 'myopic']" in msg
    assert "[[trajectory]] #1: give exactly one of 'path', 'growth' or 'step'" in msg
    assert "[[candidate]] #1, lifetime: expected a number >= 1" in msg


def test_candidate_without_the_measure_at_the_plant_is_named(tmp_path: Path) -> None:
    text = TWO_YEARS.read_text(encoding="utf-8").replace('plant = "mill"', 'plant = "nowhere"')
    with pytest.raises(
        ScenarioError, match=r"\[\[candidate\]\] #1: no plant .nowhere. with measure .recycling."
    ):
        run_pathway(_write(tmp_path, text))


def test_single_year_run_ignores_the_pathway_tables() -> None:
    """The same file runs as its single-year case (the case's 1 year, no trajectories)."""
    single = rm.run(TWO_YEARS)
    case = rm.run(rm.examples.path("measure_payoff"))
    assert single.attrs["objective"] == case.attrs["objective"]


def test_myopic_with_a_view_of_two_years_builds_in_time(tmp_path: Path) -> None:
    """view = 2: the 1404 step also sees 1405, so it decides the 0.95 build in 1404 for
    1405 and keeps it; the 1405 step has nothing left to decide: the perfect plan."""
    text = TWO_YEARS.read_text(encoding="utf-8").replace(
        'foresight = "perfect"', 'foresight = "myopic"\nblock = 1\nview = 2'
    )
    res = run_pathway(_write(tmp_path, text))
    assert res.attrs["foresight"] == "myopic"
    assert res.attrs["objective"] == pytest.approx(500 + 95 / 1.1, rel=1e-9)


@pytest.mark.slow
def test_perfect_never_costs_more_than_myopic_on_the_shipped_pathways() -> None:
    for path in sorted((ROOT / "scenarios").glob("pathway-*.toml")):
        perfect = run_pathway(path, foresight="perfect")
        myopic = run_pathway(path, foresight="myopic")
        assert perfect.attrs["status"] == myopic.attrs["status"] == "optimal", path.name
        assert perfect.attrs["objective"] <= myopic.attrs["objective"] * (1 + 1e-9), path.name


def test_cli_prints_the_build_plan_and_totals(capsys: pytest.CaptureFixture[str]) -> None:
    """Totals: discounted 500 + 95 / 1.1 = 586.4 USD, undiscounted 500 + 95 = 595.0 USD."""
    from resourcemodel.cli import main

    assert main(["pathway", str(TWO_YEARS)]) == 0
    out = capsys.readouterr().out
    assert "objective (cost), discounted:   586.4 USD" in out
    assert "objective (cost), undiscounted: 595.0 USD" in out
    assert "1404  mill                 recycling 0.950" in out
    assert re.search(r"1405\s+1\s+0\.0\s+95\.0\s+810\.0", out)


def test_source_capacity_candidate_raises_the_cap_while_alive(tmp_path: Path) -> None:
    """The river can be enlarged by 200 m3/yr (capital 400 USD, 10 years, r = 10%: annuity
    A = 400 x 0.1 / (1 - 1.1^-10) = 65.10 USD/yr for the whole 200 m3, 0.33 USD/m3), one
    year to build; recycling stays a yearly measure (100 USD per 200 m3 saved, 0.5 USD/m3).
    1404: recycling at 0.5 covers the 100 m3 short: 50 USD. 1405: 190 m3 short; the cheaper
    capacity, 0.95 of it decided in 1404: 0.95 A. Objective 50 + 0.95 A / 1.1."""
    text = TWO_YEARS.read_text(encoding="utf-8")
    text = text[: text.index("[[candidate]]")] + (
        '[[candidate]]\nsource = "river"\ncapacity = 200\nunit = "m3"\nlifetime = 10\n'
        "lead_time = 1\ncapital_cost = 400\n"
    )
    res = run_pathway(_write(tmp_path, text))
    a = annuity(400, 0.1, 10)
    assert res.attrs["objective"] == pytest.approx(50 + 0.95 * a / 1.1, rel=1e-9)
    built = res["build_capacity"].sel(source="river")
    assert built.sel(year=1404).item() == pytest.approx(190.0)
    np.testing.assert_allclose(res["capital_charge_year"].values, [0.0, 0.95 * a], atol=1e-9)
    supply = res["supply"].sum([d for d in res["supply"].dims if d != "year"])
    np.testing.assert_allclose(supply.values, [900.0, 1000.0], atol=1e-6)
    myopic = run_pathway(_write(tmp_path, text), foresight="myopic")
    assert res.attrs["objective"] <= myopic.attrs["objective"]


def test_a_build_is_not_repeated_while_in_service(tmp_path: Path) -> None:
    """Lifetime 2, no lead time, the river at 900 m3 in 1404-1406: each year is 100 m3
    short (10 t, 500 USD unmet) unless half the recycling is alive; builds are whole
    (integer). A build decided in 1404 serves 1404-1405, one in 1405 serves 1405-1406:
    their lifetime windows overlap, so together they would put twice the measure in
    service in 1405, which the window rule forbids (the fixed program is infeasible).
    Best: build in 1404 and again in 1406, each charged 100 USD per year in service:
    100 + 100 / 1.1 + 100 / 1.21 (building 1405 instead leaves 1404 short: 500 more)."""
    from resourcemodel.backends import get_backend
    from resourcemodel.pathway import prepare, stack

    text = TWO_YEARS.read_text(encoding="utf-8")
    text = text.replace("years = [1404, 1405]", "years = [1404, 1405, 1406]")
    text = text.replace("1404 = 1.0, 1405 = 0.9 }", "1404 = 0.9, 1406 = 0.9 }")
    text = text.replace("lifetime = 10", "lifetime = 2")
    text = text.replace("lead_time = 1", "lead_time = 0\ninteger = true")
    path = _write(tmp_path, text)
    res = run_pathway(path)
    assert res.attrs["objective"] == pytest.approx(100 + 100 / 1.1 + 100 / 1.21, rel=1e-9)
    build = res["build"].sel(plant="mill", measure="recycling")
    np.testing.assert_allclose(build.values, [1.0, 0.0, 1.0], atol=1e-9)
    assert res.attrs["mip_gap"] <= 1e-4
    pathway = load_pathway(path)
    inputs, lps = prepare(pathway)
    full = stack(lps, inputs, pathway)
    assert "build-window" in full.lp.constraints
    fixed = np.full(full.lp.variables["build"].index.shape, np.nan)
    plant = list(inputs[0]["plant"].values).index("mill")
    measure = list(inputs[0]["measure"].values).index("recycling")
    for years, feasible in (([1.0, 1.0, np.nan], False), ([1.0, 0.0, 1.0], True)):
        fixed[plant, measure] = years
        lp = stack(lps, inputs, pathway, fixed={"build": fixed}).lp
        status = get_backend("highs", ranging=False).solve(lp).status
        assert status.is_ok is feasible, years
    # The summed builds of every lifetime window of the optimum stay within one measure.
    x = full.lp.variables["build"].gather(
        get_backend("highs", ranging=False).solve(full.lp).x, fill=0.0
    )[plant, measure]
    assert all(x[k : k + 2].sum() <= 1 + 1e-9 for k in range(3))


@pytest.mark.slow
def test_myopic_final_solve_starts_from_the_steps_bases() -> None:
    """The final myopic program (every build fixed) is solved from the steps' bases: the
    same optimum as a cold solve of that program, in fewer simplex iterations."""
    from resourcemodel.backends import get_backend
    from resourcemodel.pathway import prepare, solve_pathway

    path = ROOT / "scenarios" / "pathway-1404-1424.toml"
    pathway = load_pathway(path)
    inputs, lps = prepare(pathway)
    pp, warm, info = solve_pathway(pathway, inputs, lps, foresight="myopic", ranging=False)
    cold = get_backend("highs", ranging=False).solve(pp.lp)
    assert warm.status.is_ok and cold.status.is_ok
    assert len(info["steps"]) == len(pathway.years) + 1
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert warm.iterations < cold.iterations
