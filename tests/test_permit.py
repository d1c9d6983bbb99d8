"""Permit impact: the delta of a project equals the difference of two separate runs.

``permit_choice`` by hand (cost objective; river 700 m3; steel: demand 400 t, price and
unmet penalty 30 USD/t): mill A makes steel with 2 m3/t at 5 USD/t, so it makes 350 t;
value added 30 * 350 - 5 * 350 = 8750 USD; one more m3 is worth (30 - 5) / 2 = 12.5 USD.

- ``pipe_plant`` (new plant B: pipes at 1 m3/t, 10 USD/t, price and penalty 40 USD/t,
  demand 500 t) earns 30 USD/m3 against A's 12.5: B takes 500 m3 for 500 t, A keeps 200
  m3 for 100 t. Value added 3000 - 500 + 20000 - 5000 = 17500 (+8750); A is pushed out by
  250 t; the water price stays 12.5 (A is still the margin). 8750 / 500 = 17.5 USD/m3.
- ``dry_line`` (completing a dry-cooled line at A: 1 m3/t, 8 USD/t, 200 t/yr): demand
  (400 t) and water (700 m3) bind with 300 t wet and 100 t dry: cost 1500 + 800; value
  added 12000 - 2300 = 9700 (+950); one more m3 moves a tonne from dry to wet and saves
  3 USD: the water price falls from 12.5 to 3. 950 / 100 m3 = 9.5 USD/m3.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.analyses import permit_impact, rank_projects
from resourcemodel.cli import main
from resourcemodel.exceptions import InputError
from resourcemodel.results import CAP_FAMILIES

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
CASE = rm.examples.path("permit_choice")
PIPES, DRY = CASE / "projects" / "pipe_plant", CASE / "projects" / "dry_line"


def test_new_plant_by_hand() -> None:
    impact = permit_impact(CASE, PIPES, of="water")
    d = impact.delta
    assert float(d["value_added_without"]) == pytest.approx(8750)
    assert float(d["value_added_change"]) == pytest.approx(8750)
    assert float(d["output_change"].sel(process="a_mill")) == pytest.approx(-250)
    assert float(d["output_change"].sel(process="b_pipes")) == pytest.approx(500)
    assert float(d["unmet_change"].sel(product="steel")) == pytest.approx(250)
    assert float(d["footprint"].sel(resource="water")) == pytest.approx(500)
    assert float(d["project_use"]) == pytest.approx(500)
    assert float(d["project_draw"].sel(source="river")) == pytest.approx(500)
    assert float(d["draw_change"].sel(source="river")) == pytest.approx(0, abs=1e-9)
    sel = {"source": "river", "period": "year"}
    assert float(d["source_cap_shadow_price_with"].sel(sel)) == pytest.approx(12.5)
    assert float(d["source_cap_shadow_price_change"].sel(sel)) == pytest.approx(0, abs=1e-9)
    assert list(d["plant"].values[d["project_plant"].values]) == ["pipes"]
    assert list(d["process"].values[d["project_process"].values]) == ["b_pipes"]
    text = impact.text()
    assert "value added: 8.75 kUSD -> 17.5 kUSD (+8.75 kUSD)" in text
    assert "Mill A wet-cooled line: -250 t" in text
    assert "Project plants: Pipe plant B; processes: Pipe line B" in text


def test_completed_line_by_hand() -> None:
    d = permit_impact(CASE, DRY, of="water").delta
    assert float(d["value_added_change"]) == pytest.approx(950)
    assert float(d["output_change"].sel(process="a_mill")) == pytest.approx(-50)
    assert float(d["output_change"].sel(process="a_dry")) == pytest.approx(100)
    assert float(d["unmet_change"].sel(product="steel")) == pytest.approx(-50)
    assert float(d["project_use"]) == pytest.approx(100)
    sel = {"source": "river", "period": "year"}
    assert float(d["source_cap_shadow_price_without"].sel(sel)) == pytest.approx(12.5)
    assert float(d["source_cap_shadow_price_with"].sel(sel)) == pytest.approx(3)
    assert float(d["source_cap_shadow_price_change"].sel(sel)) == pytest.approx(-9.5)
    # The existing plant is a project plant; the existing process is not.
    assert list(d["plant"].values[d["project_plant"].values]) == ["mill"]
    assert list(d["process"].values[d["project_process"].values]) == ["a_dry"]


def test_ranking_by_value_per_m3() -> None:
    table = rank_projects(CASE, {"pipes": PIPES, "dry line": DRY}, of="water")
    assert list(table["project"]) == ["pipes", "dry line"]
    np.testing.assert_allclose(table["value_per_unit"], [17.5, 9.5])
    np.testing.assert_allclose(table["value_added_change"], [8750, 950])
    assert list(table["unit"]) == ["m3", "m3"]


def _assert_delta_is_difference(d: xr.Dataset, res0: xr.Dataset, res1: xr.Dataset) -> None:
    def total(res: xr.Dataset, name: str, dims: tuple[str, ...]) -> xr.DataArray:
        da = res[name].reset_coords(drop=True).fillna(0.0).sum(dims)
        return da.reindex({k: d[k].values for k in da.dims}, fill_value=0.0)

    for name, source, dims in (
        ("output_change", "production", ("period",)),
        ("unmet_change", "unmet", ("period",)),
        ("supply_change", "supply", ("period",)),
        ("draw_change", "supply", ("plant", "period")),
        ("use_change", "resource_use", ("period",)),
    ):
        expected = total(res1, source, dims) - total(res0, source, dims)
        np.testing.assert_allclose(
            d[name].transpose(*expected.dims).values, expected.values, atol=1e-6, err_msg=name
        )
    for cap in CAP_FAMILIES.values():
        with_ = res1[f"{cap}_shadow_price"].reset_coords(drop=True)
        without = res0[f"{cap}_shadow_price"].reset_coords(drop=True)
        without = without.reindex({k: with_[k].values for k in with_.dims})
        np.testing.assert_allclose(
            d[f"{cap}_shadow_price_change"].values, (with_ - without).values, atol=1e-9
        )
    assert float(d["objective_change"]) == pytest.approx(
        res1.attrs["objective"] - res0.attrs["objective"], rel=1e-9, abs=1e-6
    )
    assert float(d["cost_change"]) == pytest.approx(
        float(res1["cost_production"].sum() + res1["cost_supply"].sum())
        + float(res1["cost_measures"].fillna(0).sum())
        - float(res0["cost_production"].sum() + res0["cost_supply"].sum())
        - float(res0["cost_measures"].fillna(0).sum()),
        rel=1e-9,
        abs=1e-6,
    )


def test_delta_equals_two_separate_runs(tmp_path: Path) -> None:
    without = tmp_path / "without.toml"
    without.write_text('data = "permit_choice"\n')
    with_ = tmp_path / "with.toml"
    with_.write_text(f'data = "permit_choice"\noverlay = "{PIPES.as_posix()}"\n')
    impact = permit_impact(without, PIPES, of="water")
    _assert_delta_is_difference(impact.delta, rm.run(without), rm.run(with_))
    # The project given as a scenario file that includes it: the same delta.
    again = permit_impact(without, with_, of="water")
    xr.testing.assert_allclose(
        again.delta.drop_attrs(), impact.delta.drop_attrs(), rtol=1e-9, atol=1e-9
    )


@pytest.mark.skipif(not (SCENARIOS / "new-steel-permit.toml").exists(), reason="no Isfahan")
def test_isfahan_new_steel_plant_delta_equals_two_runs() -> None:
    base, project = SCENARIOS / "year-1404.toml", SCENARIOS / "new-steel-permit.toml"
    impact = permit_impact(base, project)
    d = impact.delta
    _assert_delta_is_difference(d, rm.run(base), rm.run(project))
    new = d["process"].values[d["project_process"].values]
    assert len(new) > 0
    assert all(p not in rm.run(base)["process"].values for p in new)
    assert float(d["footprint"].sel(resource="water")) > 0
    # Groundwater is closed to new wells (S46) and the river gives no new rights: the new
    # plant draws no freshwater; its water is reclaimed wastewater (the overlay's note).
    assert float(d["project_use"]) == 0
    drawn = d["project_draw"].sel(source="reclaimed_wastewater")
    assert float(drawn) == pytest.approx(float(d["footprint"].sel(resource="water")))
    plains = [str(x) for x in d["project_draw"].source.values if str(x).startswith("groundwater_")]
    assert len(plains) == 3
    assert float(d["project_draw"].sel(source=plains).sum()) == 0
    assert "Shadow prices that change" in impact.text()


def test_overlay_needs_a_scenario_file() -> None:
    inputs = rm.load_inputs(CASE)
    with pytest.raises(InputError, match="overlay folder"):
        permit_impact(inputs, PIPES)


def test_cli_permit(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "delta.nc"
    assert main(["permit", str(CASE), str(PIPES), "--of", "water", "--out", str(out)]) == 0
    assert "Permit impact of 'pipe_plant'" in capsys.readouterr().out
    assert float(rm.load_results(out)["value_added_change"]) == pytest.approx(8750)
    table = tmp_path / "rank.csv"
    code = main(["permit", str(CASE), str(DRY), str(PIPES), "--of", "water", "--out", str(table)])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.index("pipe_plant") < printed.index("dry_line")
    assert "USD per m3" in printed
    assert table.read_text().splitlines()[1].startswith("pipe_plant,")


# sources.csv: the three groundwater plains and a plant of each that has wells on it.
PLAINS = {
    "groundwater_lenjanat": "msc",
    "groundwater_isfahan_borkhar": "iorc",
    "groundwater_other_plains": "sepahan",
}


@pytest.mark.parametrize("plain", sorted(PLAINS))
def test_isfahan_groundwater_is_closed_to_a_new_well(tmp_path: Path, plain: str) -> None:
    """30 of Isfahan's 35 plains are closed to new withdrawals (S46): the data closes every
    plain the plants draw from, so the permit's overlay with a well of its own on any of
    them is refused, naming the overlay's file and line; the plain's own wells stay."""
    import shutil

    from resourcemodel.exceptions import ValidationError

    case = Path(rm.__file__).parent / "data" / "isfahan"
    base = rm.load_inputs(case)
    assert base["source_closed"].sel(source=plain).item() == 1
    assert bool(base["connected"].sel(plant=PLAINS[plain], source=plain))  # existing wells
    well = tmp_path / "new_steel_plant"
    shutil.copytree(SCENARIOS / "overlays" / "new_steel_plant", well)
    connections = well / "connections.csv"
    line = len(connections.read_text(encoding="utf-8").splitlines()) + 1
    with connections.open("a", encoding="utf-8") as f:
        f.write(f"new_steel,{plain},a well,assumption,assumption\n")
    with pytest.raises(ValidationError) as err:
        rm.load_inputs(case, overlays=[well])
    message = str(err.value)
    assert f"source '{plain}' is closed to new draw" in message
    assert "connections.csv" in message and f"line {line}" in message
