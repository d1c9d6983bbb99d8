"""Emissions and jobs: the ``emission_cap`` example by hand, caps in scenarios, warm updates,
the elastic program, and cases without pollutants unchanged.

Derivations are in ``examples_data/emission_cap/README.md``: kiln G (gas, 0.6 t CO2/t with
its process CO2, 70-80 USD/t) and kiln O (fuel oil, 0.8 t CO2/t, 0.02 t SO2/t, 40 USD/t)
share 50 t of cement demand per half-year. The annual CO2 cap of 65 t allows 25 t from O;
the winter SO2 cap of 0.2 t allows 10 of them in winter. Cost 6,650 USD; CO2 is worth
150 USD/t (a tonne moves 5 t to O in summer at 30 USD each) and winter SO2 500 USD/t (50 t
to O in winter, each displacing a summer tonne under the CO2 cap: 40 - 30 USD).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.analyses import explain
from resourcemodel.backends.highs import HighsModel
from resourcemodel.formulation import update_program
from resourcemodel.scenario import apply_changes, load_scenario

CO2 = {"pollutant": "co2"}
SO2_WINTER = {"pollutant": "so2", "period": "winter"}


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\ndata = "emission_cap"\n{body}', encoding="utf-8")
    return path


def test_emission_cap_optimum(backend: str) -> None:
    res = rm.run(rm.examples.path("emission_cap"), backend=backend)
    assert res.attrs["objective"] == pytest.approx(6650, rel=1e-9)
    prod = res["production"]
    assert float(prod.sel(process="o_kiln", period="winter")) == pytest.approx(10)
    assert float(prod.sel(process="o_kiln", period="summer")) == pytest.approx(15)
    assert float(prod.sel(process="g_kiln").sum()) == pytest.approx(75)
    assert float(res["emission_cap_annual_shadow_price"].sel(CO2)) == pytest.approx(150)
    assert float(res["emission_cap_shadow_price"].sel(SO2_WINTER)) == pytest.approx(500)
    assert bool(res["emission_cap_annual_binding"].sel(CO2))
    assert res["emission_cap_shadow_price"].attrs["units"] == "USD/t"
    # Emissions: fuel drawn times its factor, plus G's process CO2 (0.1 t/t).
    emission = res["emission"]
    assert res["emission"].attrs["units"] == "t"
    assert float(emission.sel(plant="g", pollutant="co2").sum()) == pytest.approx(75 * 0.6)
    assert float(emission.sel(plant="o", pollutant="co2").sum()) == pytest.approx(25 * 0.8)
    assert float(emission.sel(pollutant="so2", period="summer").sum()) == pytest.approx(0.3)
    totals = json.loads(res.attrs["emission_totals_t"])
    assert totals == pytest.approx({"co2": 65.0, "so2": 0.5})
    # The cap's use is the emission the results report.
    assert float(res["emission_cap_annual_use"].sel(CO2)) == pytest.approx(totals["co2"])
    # Jobs: 75 t x 0.5 + 25 t x 0.2 per t/yr.
    assert float(res["jobs"].sel(process="g_kiln")) == pytest.approx(37.5)
    assert res.attrs["jobs_total"] == pytest.approx(42.5)
    assert res.attrs["jobs_unmet_total"] == pytest.approx(0.0)


def test_emission_cap_ranging_highs() -> None:
    res = rm.run(rm.examples.path("emission_cap"))
    assert float(res["emission_cap_annual_range_lower"].sel(CO2)) == pytest.approx(62)
    assert float(res["emission_cap_annual_range_upper"].sel(CO2)) == pytest.approx(72)
    assert float(res["emission_cap_range_lower"].sel(SO2_WINTER)) == pytest.approx(0, abs=1e-9)
    assert float(res["emission_cap_range_upper"].sel(SO2_WINTER)) == pytest.approx(0.5)


def test_cap_that_costs_output_prices_value_added_and_jobs(tmp_path: Path) -> None:
    """CO2 capped at 30 t: only summer gas fits; the winter's cement is lost.

    Value added per tonne of CO2: summer gas (300 - 70) / 0.6 = 383.3, winter gas
    (300 - 80) / 0.6 = 366.7, oil (300 - 40) / 0.8 = 325; the 30 t go to 50 t of summer gas
    (its whole capacity) and the winter's 50 t are not delivered. One more tonne of CO2
    would make 1/0.6 t of winter cement: 366.7 USD/t, the value added lost per tonne. The
    50 t would have employed 50 x 0.35 jobs (the kilns' labour intensities 0.5 and 0.2
    weighted by what each can make).
    """
    path = _scenario(
        tmp_path,
        '[[change]]\nparameter = "emission_cap_annual"\nwhere = { pollutant = "co2" }\n'
        'set = 30\nunit = "t"\n',
    )
    res = rm.run(path)
    assert float(res["emission_cap_annual_shadow_price"].sel(CO2)) == pytest.approx(220 / 0.6)
    assert float(res["unmet"].sel(product="cement", period="winter")) == pytest.approx(50)
    assert float(res["jobs"].sum()) == pytest.approx(25)
    assert float(res["jobs_unmet"].sel(product="cement")) == pytest.approx(50 * 0.35)
    row = report.comparison([res]).iloc[0]
    assert row["jobs of unmet demand [job]"] == pytest.approx(17.5)
    assert row["CO2 [t]"] == pytest.approx(30)


def test_scenario_sets_a_cap_in_planner_units(tmp_path: Path) -> None:
    """``set = 0.06`` ``unit = "kt"`` is 60 t of CO2: all gas, 50 x 80 + 50 x 70 USD."""
    path = _scenario(
        tmp_path,
        '[[change]]\nparameter = "emission_cap_annual"\nwhere = { pollutant = "co2" }\n'
        'set = 0.06\nunit = "kt"\n'
        '[[change]]\nparameter = "emission_cap"\nwhere = { pollutant = "co2", period = "*" }\n'
        'set = 40\nunit = "t"\n',
    )
    spec = load_scenario(path)
    inputs, diff = apply_changes(rm.load_inputs(spec.data), spec)
    assert float(inputs["emission_cap_annual"].sel(CO2)) == pytest.approx(60)
    record = next(r for r in diff if r["parameter"] == "emission_cap_annual")
    assert record["labels"] == {"pollutant": "co2"}
    assert record["after"] == pytest.approx(60) and record["unit"] == "t"
    res = rm.run(path)
    assert res.attrs["objective"] == pytest.approx(7500, rel=1e-9)
    assert float(res["production"].sel(process="o_kiln").sum()) == pytest.approx(0, abs=1e-9)
    assert float(res["emission_cap_limit"].sel(pollutant="co2", period="winter")) == 40


def test_a_selector_on_a_case_without_pollutants_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'data = "two_plants"\n[[change]]\nparameter = "emission_cap_annual"\n'
        'where = { pollutant = "co2" }\nset = 1\nunit = "t"\n',
        encoding="utf-8",
    )
    with pytest.raises(rm.ScenarioError, match="co2"):
        rm.run(path)


@pytest.mark.parametrize("name", ["emission_cap", "emission_cap_annual"])
def test_cap_update_equals_rebuild_and_warm_solve(name: str) -> None:
    inputs = rm.load_inputs(rm.examples.path("emission_cap"))
    lp = rm.build(inputs)
    model = HighsModel(lp)
    assert model.solve().objective == pytest.approx(6650)
    for factor in (0.98, 1.05, 0.9):
        new = np.asarray(inputs[name].values, float) * factor
        updated = update_program(lp, inputs, {name: new})
        assert updated is not None
        changed = inputs.copy()
        changed[name] = (inputs[name].dims, new)
        rebuilt = rm.build(changed)
        np.testing.assert_array_equal(updated.row_upper, rebuilt.row_upper)
        assert (updated.A != rebuilt.A).nnz == 0
        assert model.update(updated)
        assert model.solve().objective == pytest.approx(rm.solve(rebuilt).objective, rel=1e-9)
    assert model.cold_loads == 1
    # A cap where there was none adds a row: the caller must rebuild.
    more = np.asarray(inputs["emission_cap_annual"].values, float).copy()
    more[1] = 1.0  # SO2 had no annual cap
    assert update_program(lp, inputs, {"emission_cap_annual": more}) is None


def test_elastic_program_relaxes_an_emission_cap(tmp_path: Path) -> None:
    """Hard demand (100 t) and a CO2 cap of 55 t: even all gas emits 60 t.

    Raising the cap by 5 t costs 5/55 = 0.09 of its size; meeting it by cutting demand
    needs 5 / 0.6 = 8.3 t of cement less, 8.3/50 = 0.17 of a half-year's demand.
    """
    path = _scenario(
        tmp_path,
        '[[change]]\nparameter = "emission_cap_annual"\nwhere = { pollutant = "co2" }\n'
        'set = 55\nunit = "t"\n'
        '[[change]]\nparameter = "min_delivery"\nset = 1\nunit = "fraction"\n',
    )
    infeasible = rm.run(path)
    assert infeasible.attrs["status"] == "infeasible"
    assert "emission_totals_t" not in infeasible.attrs  # no totals of a solution that is none
    ex = explain(path)
    records = ex.relaxations[["parameter", "where", "amount", "unit"]].to_dict("records")
    assert records == [
        {
            "parameter": "emission_cap_annual",
            "where": "co2",
            "amount": pytest.approx(5),
            "unit": "t",
        }
    ]
    assert ex.relaxations.iloc[0]["action"] == "raise"
    assert "CO2" in ex.text()


def _with_accounting(case: Path) -> None:
    """Give a case pollutants, emission factors on every resource and jobs, but no cap."""
    inputs = rm.load_inputs(case)
    (case / "pollutants.csv").write_text("pollutant,name\nco2,CO2\n", encoding="utf-8")
    rows = [
        f"{r},co2,0.1,t/{u},test,assumption"
        for r, u in zip(inputs.resource.values, inputs["resource_unit"].values, strict=True)
    ]
    (case / "emission_factor.csv").write_text(
        "resource,pollutant,value,unit,reference,confidence\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    unit_of = dict(zip(inputs.product.values, inputs["product_unit"].values, strict=True))
    jobs = [
        f"{p},2,job/({unit_of[q]}/yr),test,assumption"
        for p, q in zip(inputs.process.values, inputs["process_product"].values, strict=True)
    ]
    (case / "jobs.csv").write_text(
        "process,value,unit,reference,confidence\n" + "\n".join(jobs) + "\n", encoding="utf-8"
    )


@pytest.mark.parametrize("name", ["two_plants", "product_chain", "measure_payoff"])
def test_counting_emissions_changes_no_result(
    name: str, case_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """Emission factors and jobs without a cap are accounting: same program, same answer."""
    plain = rm.run(rm.examples.path(name))
    case = case_copy(name)
    _with_accounting(case)
    counted = rm.run(case)
    assert counted.attrs["objective"] == plain.attrs["objective"]
    a, b = rm.build(rm.load_inputs(rm.examples.path(name))), rm.build(rm.load_inputs(case))
    assert a.shape == b.shape and (a.A != b.A).nnz == 0
    for var in plain.data_vars:
        if "pollutant" in plain[var].dims or var in ("jobs", "jobs_unmet"):
            continue
        xr.testing.assert_identical(plain[var], counted[var])
    assert counted.sizes["pollutant"] == 1 and plain.sizes["pollutant"] == 0
    assert "emission_totals_t" in counted.attrs and "emission_totals_t" not in plain.attrs
    assert counted.attrs["jobs_total"] == pytest.approx(2 * float(plain["production"].sum()))


def test_case_without_pollutants_has_empty_emissions_and_no_rows() -> None:
    inputs = rm.load_inputs(rm.examples.path("two_plants"))
    assert inputs.sizes["pollutant"] == 0
    lp = rm.build(inputs)
    assert lp.constraints["emission-cap"].size == 0
    assert lp.constraints["emission-cap-annual"].size == 0
    res = rm.run(rm.examples.path("two_plants"))
    assert res["emission"].shape == (2, 0, 1)
    assert bool(res["jobs"].isnull().all())
    assert report.impact_totals(res) == []
    assert "Emissions and jobs" not in report.summary(res)


def test_summary_and_comparison_show_emissions_and_jobs() -> None:
    res = rm.run(rm.examples.path("emission_cap"))
    text = report.summary(res)
    assert (
        "Emissions and jobs (per year): CO2 65 t, SO2 0.5 t, jobs 42.5, jobs of unmet demand 0"
        in text
    )
    table = report.impact_table(res)
    assert table.set_index("plant").loc["o", "SO2 [t]"] == pytest.approx(0.5)
    assert table.set_index("plant").loc["g", "jobs"] == pytest.approx(37.5)
    columns = report.comparison([res]).columns
    assert {"CO2 [t]", "SO2 [t]", "jobs [job]", "jobs of unmet demand [job]"} <= set(columns)


# -- the Isfahan case ----------------------------------------------------------------------

ISFAHAN = Path(__file__).resolve().parents[1] / "scenarios/baseline.toml"


@pytest.fixture(scope="module")
def isfahan() -> xr.Dataset:
    return rm.run(ISFAHAN)


def _plant_output(res: xr.Dataset, plant: str) -> float:
    final = res["process_product"].isin(["steel_flat", "steel_long", "electricity_export"])
    mine = (res["process_plant"] == plant) & final
    return float(res["production"].sum("period").where(mine, 0).sum())


def test_isfahan_baseline_co2_is_plausible(isfahan: xr.Dataset) -> None:
    """About 27 Mt of CO2: the plants' intensities are those of their routes.

    By route: gas DRI-EAF 0.5-0.8 t CO2/t slab without grid power (MSC), BF-BOF 2.0-2.6 t/t
    (worldsteel about 2.2), gas and mazut steam plants 0.5-0.65 t/MWh at 38% efficiency
    (0.0561 t/GJ x 9.5 GJ/MWh = 0.53). With cement (0.52 t calcination + kiln fuel per t
    clinker) and the refinery (about 0.03 t/bbl) the province's industry and two power
    plants emit 20-35 Mt; Iran as a whole emits about 700 Mt.
    """
    co2 = isfahan["emission"].sel(pollutant="co2").sum("period")
    total = float(co2.sum()) / 1e6
    assert 20 <= total <= 35
    assert json.loads(isfahan.attrs["emission_totals_t"])["co2"] == pytest.approx(total * 1e6)
    assert 0.5 <= float(co2.sel(plant="msc")) / _plant_output(isfahan, "msc") <= 0.8
    assert 2.0 <= float(co2.sel(plant="esco")) / _plant_output(isfahan, "esco") <= 2.6
    for plant in ("montazeri", "isfahan_pp"):
        assert 0.5 <= float(co2.sel(plant=plant)) / _plant_output(isfahan, plant) <= 0.65


def test_isfahan_so2_and_pm_come_from_mazut_in_winter(isfahan: xr.Dataset) -> None:
    """SO2 = mazut drawn x 1.733 kg/GJ (3.5% S); none in the months without gas cuts."""
    mazut = isfahan["resource_supplied"].sel(resource="fuel_oil").sum("plant")
    so2 = isfahan["emission"].sel(pollutant="so2").sum("plant")
    np.testing.assert_allclose(so2.values, mazut.values * 1.733e-3, rtol=1e-9, atol=1e-6)
    assert 1 <= int((so2 > 0).sum()) <= isfahan.sizes["period"] // 3
    assert 10e3 <= float(so2.sum()) <= 60e3
    pm = isfahan["emission"].sel(pollutant="pm").sum("plant")
    np.testing.assert_allclose(pm.values, mazut.values * 0.107e-3, rtol=1e-9, atol=1e-6)


def test_isfahan_jobs_reproduce_the_staff_numbers(isfahan: xr.Dataset) -> None:
    """At base output each named plant employs its dossier staff (jobs = staff / output)."""
    jobs = isfahan["jobs"].groupby(isfahan["process_plant"].rename("plant")).sum()
    staff = {"msc": 11_200, "esco": 16_000, "polyacryl": 2_000, "montazeri": 900}
    for plant, number in staff.items():
        assert float(jobs.sel(plant=plant)) == pytest.approx(number, rel=0.05), plant
    assert 30_000 <= isfahan.attrs["jobs_total"] <= 40_000
    assert isfahan.attrs["jobs_unmet_total"] == pytest.approx(0, abs=1e-3)
    # The sector aggregates have no labour intensity: not counted, not zero.
    assert bool(isfahan["jobs"].sel(process="other_minerals_prod").isnull())


def test_shipped_co2_cap_binds_and_its_price_bounds_the_loss() -> None:
    """``co2-cap-10``: 23 Mt binds; value added lost per tonne cut is at most its price.

    The LP's value added is concave in the cap, so the average loss over the cut from
    year-1404's emissions down to 23 Mt is at most the marginal loss at 23 Mt.
    """
    scenarios = ISFAHAN.parent
    free = rm.run(scenarios / "year-1404.toml")
    capped = rm.run(scenarios / "co2-cap-10.toml")
    emitted = json.loads(capped.attrs["emission_totals_t"])["co2"]
    assert emitted == pytest.approx(23e6, rel=1e-6)
    price = float(capped["emission_cap_annual_shadow_price"].sel(CO2))
    assert 1 < price < 100  # USD/t CO2: cement gives way first (about 45 USD/t, 0.7 t CO2/t)
    cut = json.loads(free.attrs["emission_totals_t"])["co2"] - emitted
    lost = (
        json.loads(free.attrs["cost_totals_usd"])["value_added"]
        - json.loads(capped.attrs["cost_totals_usd"])["value_added"]
    )
    assert 0 < lost <= price * cut * (1 + 1e-6)
    assert capped.attrs["jobs_total"] < free.attrs["jobs_total"]


def test_an_emission_cap_in_the_wrong_unit_warns(tmp_path: Path) -> None:
    """``set = 0.05`` without a unit is 0.05 t of CO2 where the kilns could emit 140 t."""
    path = _scenario(
        tmp_path,
        '[[change]]\nparameter = "emission_cap_annual"\nwhere = { pollutant = "co2" }\n'
        "set = 0.05\n",
    )
    with pytest.warns(rm.InputWarning, match=r"could emit at most 140 t over the year"):
        rm.run(path)


def test_sweep_over_a_co2_cap_runs_warm(tmp_path: Path) -> None:
    """A looser cap moves cement to the oil kiln: cost and jobs fall (0.2 jobs/t, not 0.5)."""
    base = _scenario(tmp_path, "")
    spec = {
        "name": "co2",
        "base": str(base),
        "sampler": "grid",
        "outcomes": ["objective", {"variable": "jobs", "sum": ["process"]}],
        "lever": [
            {
                "name": "co2_cap",
                "parameter": "emission_cap_annual",
                "where": {"pollutant": "co2"},
                "set": [62, 65, 70],
                "unit": "t",
            }
        ],
    }
    runs = rm.sweep(spec, progress=False)
    assert list(runs["mode"].values) == ["warm"] * 3
    np.testing.assert_allclose(runs["objective"].values, [7100, 6650, 5900])
    np.testing.assert_allclose(runs["jobs"].values, [47, 42.5, 35])


def test_a_measure_drawing_on_a_source_emits_what_it_brings(
    case_copy: Callable[[str], Path],
) -> None:
    """A 'gas link' at kiln G brings half its gas from the pipeline at no price.

    Its savings are gas drawn from the pipeline (``measures.csv`` ``source``), so they burn
    like any other draw: G still emits 0.6 t CO2 per t, and the cap of 65 t still allows
    25 t from O. Were they not counted, half of G's fuel CO2 would vanish and the cap would
    let O make more; the cap's use and the reported emissions agree.
    """
    case = case_copy("emission_cap")
    (case / "measures.csv").write_text("measure,name,source\nlink,Gas link,gas_pipeline\n")
    rows = "plant,measure,value,unit,reference,confidence\ng,link,1,fraction,test,assumption\n"
    (case / "max_adoption.csv").write_text(rows)
    (case / "saving.csv").write_text(
        "plant,measure,resource,value,unit,reference,confidence\n"
        "g,link,natural_gas,0.5,fraction,test,assumption\n"
    )
    res = rm.run(case)
    assert float(res["resource_saved"].sum()) > 0  # the link is used
    emission = res["emission"].sel(pollutant="co2")
    made = res["production"].sum("period")
    assert float(emission.sel(plant="g").sum()) == pytest.approx(
        0.6 * float(made.sel(process="g_kiln"))
    )
    assert float(emission.sum()) == pytest.approx(65)
    assert float(made.sel(process="o_kiln")) == pytest.approx(25)
    assert float(res["emission_cap_annual_use"].sel(CO2)) == pytest.approx(65)


def test_comparison_workbook_gives_each_pollutant_its_own_unit(isfahan: xr.Dataset) -> None:
    from resourcemodel.export import summary_sheet

    sheet = summary_sheet([isfahan]).set_index("Indicator")
    assert sheet.loc["CO2 emitted", "Unit"] == "Mt"
    assert sheet.loc["SO2 emitted", "Unit"] == "kt"
    assert sheet.loc["CO2 emitted", "baseline"] == pytest.approx(26.6, abs=0.5)
    assert sheet.loc["Jobs supported by the output", "Section"] == "Emissions and jobs (per year)"
