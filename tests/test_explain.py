"""Infeasibility explained: the cheapest relaxations, derived by hand, make a scenario feasible.

Derivations (sizes are measured against each limit, see resourcemodel.analyses.explain):

``infeasible``: must-run A 200 t (2 m3/t) and B 200 t (1 m3/t) need 600 m3; the river
gives 450. Raising the cap by 150 m3 costs 150/450 = 1/3; lowering A's must-run by 75 t
costs 75/200 = 3/8; lowering B's by 150 t costs 3/4. Cheapest: the cap, +150 m3.

``summer_shortfall`` (August): the steel mill must run 100 t (2 m3/t, 0.5 MWh/t), cloth
hard demand is 150 t (1 m3/t), 20 m3 are reserved; the river gives 300 m3, the grid
40 MWh. With s the must-run cut, r the river raise, g the grid raise:
2 s + r (+ cloth or reserved cuts) >= 70 and s/2 + g >= 10. Minimising s/100 + r/300 +
g/40 (+ c/150 + v/20): s = 20 t, r = 30 m3, total 0.3. Without the must-run: r = 70,
g = 10. Without the river: s = 35 t. Fewest limits: s = 35 t alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.analyses import apply_relaxations, explain
from resourcemodel.cli import main

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _amounts(frame) -> dict[tuple[str, str], float]:  # type: ignore[no-untyped-def]
    return {(r["parameter"], r["where"]): r["amount"] for r in frame.to_dict("records")}


def _feasible(inputs: xr.Dataset) -> bool:
    return bool(rm.solve(rm.build(inputs)).status.is_ok)


def test_infeasible_example_cheapest_repair() -> None:
    ex = explain(rm.examples.path("infeasible"))
    assert ex.status == "infeasible" and not ex.feasible
    assert _amounts(ex.relaxations) == {("source_cap", "river, year"): pytest.approx(150)}
    row = ex.relaxations.iloc[0]
    assert row["unit"] == "m3" and row["action"] == "raise"
    assert row["current"] == 450 and row["proposed"] == pytest.approx(600)
    assert row["relative"] == pytest.approx(1 / 3)
    assert "raise the year cap on River (source_cap[river, year]) by 150 m3" in ex.text()
    # The alternative without the cap: lower A's must-run by 75 t.
    assert ex.left_out == ["source_cap[river, year]"]
    assert _amounts(ex.alternatives[0]) == {("must_run", "a_mill, year"): pytest.approx(75)}


def test_summer_shortfall_cheapest_repair_mixes_units() -> None:
    ex = explain(rm.examples.path("summer_shortfall"))
    assert _amounts(ex.relaxations) == {
        ("must_run", "mill, aug"): pytest.approx(20),
        ("source_cap", "river, aug"): pytest.approx(30),
    }
    assert ex.relaxations["relative"].sum() == pytest.approx(0.3)
    text = ex.text()
    assert "lower the August must-run of Steel mill (must_run[mill, aug]) by 20 t" in text
    assert "raise the August cap on River (source_cap[river, aug]) by 30 m3" in text
    assert "Infeasible" not in text
    must_run = ex.relaxations.set_index("parameter").loc["must_run"]
    assert must_run["unit"] == "t" and must_run["new_value"] == pytest.approx(0.4)


def test_summer_shortfall_alternatives() -> None:
    ex = explain(rm.examples.path("summer_shortfall"))
    alternatives = dict(zip(ex.left_out, map(_amounts, ex.alternatives), strict=True))
    assert alternatives == {
        "must_run[mill, aug]": {
            ("source_cap", "grid, aug"): pytest.approx(10),
            ("source_cap", "river, aug"): pytest.approx(70),
        },
        "source_cap[river, aug]": {("must_run", "mill, aug"): pytest.approx(35)},
    }
    assert "raise the August cap on Grid (source_cap[grid, aug]) by 10 MWh" in ex.text()


def test_fewest_mode() -> None:
    ex = explain(rm.examples.path("summer_shortfall"), mode="fewest")
    assert _amounts(ex.relaxations) == {("must_run", "mill, aug"): pytest.approx(35)}
    assert "fewest limits changed" in ex.text()
    single = explain(rm.examples.path("infeasible"), mode="fewest", alternatives=0)
    assert _amounts(single.relaxations) == {("source_cap", "river, year"): pytest.approx(150)}


@pytest.mark.parametrize("mode", ["cheapest", "fewest"])
def test_applying_every_repair_makes_the_scenario_feasible(mode: str) -> None:
    inputs = rm.load_inputs(rm.examples.path("summer_shortfall"))
    assert not _feasible(inputs)
    ex = explain(inputs, mode=mode)
    for frame in [ex.relaxations, *ex.alternatives]:
        assert _feasible(apply_relaxations(inputs, frame))
    # One repair is needed as a whole: applying all but the largest change is not enough.
    if len(ex.relaxations) > 1:
        assert not _feasible(apply_relaxations(inputs, ex.relaxations.iloc[1:]))


def test_printed_changes_make_the_scenario_file_feasible(tmp_path: Path) -> None:
    ex = explain(rm.examples.path("summer_shortfall"))
    base = tmp_path / "shortfall.toml"
    base.write_text('name = "shortfall"\ndata = "summer_shortfall"\n')
    assert rm.run(base).attrs["status"] == "infeasible"
    fixed = tmp_path / "repaired.toml"
    fixed.write_text(f'extends = ["shortfall"]\n\n{ex.changes_toml()}')
    res = rm.run(fixed)
    assert res.attrs["status"] == "optimal"
    assert res.attrs["objective"] == pytest.approx(ex.objective, rel=1e-6)
    assert ex.changes_toml().strip() in ex.text().replace("\n    ", "\n")


def test_hard_demand_is_relaxed_when_cheapest() -> None:
    """No must-run; the river gives 100 m3 in August for 150 t of hard cloth demand and
    20 m3 reserved: 70 m3 short. Cloth costs 1/150 per m3, the river 1/100, reserved use
    1/20: lower the cloth hard demand by 70 t (min_delivery 1 -> 80/150)."""
    inputs = rm.load_inputs(rm.examples.path("summer_shortfall"))
    inputs["must_run"][:] = 0.0
    inputs["source_cap"].loc[{"source": "river", "period": "aug"}] = 100.0
    ex = explain(inputs)
    assert _amounts(ex.relaxations) == {("min_delivery", "cloth, aug"): pytest.approx(70)}
    row = ex.relaxations.iloc[0]
    assert row["new_value"] == pytest.approx(80 / 150)
    assert "lower the August hard demand for Cloth (min_delivery[cloth, aug]) by 70 t" in (
        ex.text()
    )
    assert _feasible(apply_relaxations(inputs, ex))


def test_reserved_use_is_relaxable() -> None:
    """Reserved use 200 m3 and cloth 150 t against 300 m3: 50 m3 short. Cheapest: the river
    (50/300); leaving the river out, reserved use (50/200) beats cloth (50/150)."""
    inputs = rm.load_inputs(rm.examples.path("summer_shortfall"))
    inputs["must_run"][:] = 0.0
    inputs["reserved_use"].loc[{"plant": "steelworks", "resource": "water", "period": "aug"}] = 200
    ex = explain(inputs)
    assert _amounts(ex.relaxations) == {("source_cap", "river, aug"): pytest.approx(50)}
    assert _amounts(ex.alternatives[0]) == {
        ("reserved_use", "steelworks, water, aug"): pytest.approx(50)
    }
    assert "lower the August reserved Water use at Steelworks" in ex.text()
    assert _feasible(apply_relaxations(inputs, ex.alternatives[0]))


def test_permit_is_relaxable() -> None:
    """``infeasible`` plus a 300 m3 water permit for mill A (which must use 400 m3).
    With s A's must-run cut, r the river raise and q the permit raise:
    2 s + r >= 150, 2 s + q >= 100; minimising s/200 + r/450 + q/300 gives s = 50 t,
    r = 50 m3 (0.361). Leaving the must-run as it is: the permit +100 and the river +150."""
    inputs = rm.load_inputs(rm.examples.path("infeasible"))
    inputs["permit"].loc[{"plant": "a", "resource": "water"}] = 300.0
    ex = explain(inputs)
    assert _amounts(ex.relaxations) == {
        ("must_run", "a_mill, year"): pytest.approx(50),
        ("source_cap", "river, year"): pytest.approx(50),
    }
    assert ex.relaxations["relative"].sum() == pytest.approx(50 / 200 + 50 / 450)
    left = dict(zip(ex.left_out, map(_amounts, ex.alternatives), strict=True))
    assert left["must_run[a_mill, year]"] == {
        ("permit", "a, water"): pytest.approx(100),
        ("source_cap", "river, year"): pytest.approx(150),
    }
    assert "raise the Water permit of Plant A (cheap but thirsty)" in ex.text()


def test_feasible_scenario_has_nothing_to_relax() -> None:
    ex = explain(rm.examples.path("two_plants"))
    assert ex.feasible and ex.relaxations.empty
    assert "feasible as it stands; nothing to relax" in ex.text()
    assert ex.objective == pytest.approx(2250)


def test_to_dataset_lists_every_repair() -> None:
    ds = explain(rm.examples.path("summer_shortfall")).to_dataset()
    assert ds.sizes["relaxation"] == 5
    assert list(ds["option"].values) == [0, 0, 1, 1, 2]
    assert ds.attrs["status"] == "infeasible"


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        explain(rm.examples.path("infeasible"), mode="smallest")


def test_cli_explain_and_run_hint(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    case = rm.examples.path("summer_shortfall")
    assert main(["run", str(case), "--no-save"]) == 3
    captured = capsys.readouterr()
    assert f"resourcemodel explain {case}" in captured.err
    assert "resourcemodel explain SCENARIO" in captured.out
    out = tmp_path / "repair.nc"
    assert main(["explain", str(case), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "by 20 t" in text and "by 30 m3" in text
    assert rm.load_results(out).sizes["relaxation"] == 5
    assert main(["explain", str(rm.examples.path("two_plants"))]) == 0
    assert "nothing to relax" in capsys.readouterr().out


#: The README's worked example: a scenario a planner writes beside the library.
PROTECT_SMALL = """name = "water-crisis-50-protect-small"
extends = ["water-crisis-50", "no-desal"]

[[change]]
parameter = "min_delivery"
where = { product = ["food_textile_products", "mineral_products", "manufactured_goods"] }
set = 1
"""


@pytest.mark.skipif(not (SCENARIOS / "water-crisis-50.toml").exists(), reason="no Isfahan")
def test_isfahan_water_crisis_with_protected_small_industry(tmp_path: Path) -> None:
    """Halved freshwater, no desalinated water, and small industry's demand made hard:
    infeasible. The printed changes, pasted into the scenario file, make it feasible."""
    folder = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, folder)
    scenario = folder / "water-crisis-50-protect-small.toml"
    scenario.write_text(PROTECT_SMALL)
    assert rm.run(scenario).attrs["status"] == "infeasible"
    ex = explain(scenario)
    assert ex.status == "infeasible" and len(ex.relaxations) > 0
    assert set(ex.relaxations["parameter"]) <= {
        "source_cap",
        "source_cap_annual",
        "group_cap",
        "group_cap_annual",
        "contract",
        "permit",
        "connection_cap",
        "must_run",
        "min_delivery",
        "reserved_use",
    }
    assert all(ex.relaxations["amount"] > 0)
    assert ex.alternatives, "some other repair exists"
    hard, _, _ = rm.load(scenario)
    assert _feasible(apply_relaxations(hard, ex))
    scenario.write_text(scenario.read_text() + "\n" + ex.changes_toml())
    assert rm.run(scenario).attrs["status"] == "optimal"
