"""``resourcemodel new-plant``: a plant like an existing one, scaled, as an overlay + scenario."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.analyses import permit_impact
from resourcemodel.cli import main
from resourcemodel.exceptions import InputError, InputWarning
from resourcemodel.newplant import new_plant

SCENARIOS = Path(__file__).parents[1] / "scenarios"


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A copy of the shipped scenarios (new files are written beside them)."""
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    return tmp_path / "scenarios"


def _inputs(path: Path) -> xr.Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return rm.load(path)[0]


def test_new_cement_plant_permit(scenarios: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 1 Mt/yr cement plant like Sepahan (2.2 Mt/yr mill, 1.9 Mt/yr kiln): scale 1/2.2.

    Sepahan's water intensities: kiln 0.2 m3/t clinker, mill 0.08 m3/t cement; the mill's
    availability is 0.909 in every month. The new plant sells into its own market (demand =
    what it can make), at Sepahan's cement price, so in the baseline it runs at capacity:
    mill 1 Mt x 0.909 = 909,000 t; kiln 1.9 Mt / 2.2 = 863,636.36 t (its clinker is as
    cheap as Sepahan's and displaces the other kilns'). Water: 0.2 x 863,636.36 +
    0.08 x 909,000 = 172,727.27 + 72,720 = 245,447.27 m3.
    """
    baseline = scenarios / "baseline.toml"
    out = scenarios / "overlays" / "new_cement"
    code = main(
        [
            "new-plant",
            "--like", "sepahan",
            "--capacity", "1 Mt/yr",
            "--name", "New cement plant",
            "--name-fa", "کارخانهٔ سیمان جدید",
            "--id", "new_cement",
            "--out", str(out),
            "--scenario", str(baseline),
        ]
    )  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "compare: resourcemodel permit" in err
    # Sepahan's wells are on the other plains, closed to new wells (source_closed, S46): the new
    # plant is not connected to it, and the command says so instead of writing an
    # overlay that fails. Given reclaimed wastewater, as the note suggests, it runs.
    assert "note: groundwater_other_plains closed to new draw (source_closed): new_cement" in err
    connections = out / "connections.csv"
    assert ",groundwater_" not in connections.read_text(encoding="utf-8")
    dry = _inputs(scenarios / "new_cement.toml")
    assert not bool(dry["connected"].sel(plant="new_cement", source="groundwater_other_plains"))
    with connections.open("a", encoding="utf-8") as f:
        f.write(
            "new_cement,reclaimed_wastewater,a reclaimed-water contract,assumption,assumption\n"
        )
    scenario = scenarios / "new_cement.toml"
    assert 'extends = ["baseline"]' in scenario.read_text(encoding="utf-8")
    ds = _inputs(scenario)
    pairs = {"new_cement_kiln": "sepahan_kiln", "new_cement_mill": "sepahan_mill"}
    for new, old in pairs.items():
        np.testing.assert_array_equal(
            ds["intensity"].sel(process=new).values, ds["intensity"].sel(process=old).values
        )
        assert float(ds["capacity"].sel(process=new)) == pytest.approx(
            float(ds["capacity"].sel(process=old)) / 2.2, rel=1e-12
        )
    assert float(ds["capacity"].sel(process="new_cement_mill")) == 1e6
    assert str(ds["process_product"].sel(process="new_cement_mill").item()) == "cement_new_cement"
    sepahan = ds["connected"].sel(plant="sepahan").copy()
    sepahan.loc[{"source": ["groundwater_other_plains", "reclaimed_wastewater"]}] = [False, True]
    assert bool((ds["connected"].sel(plant="new_cement") == sepahan).all())
    assert str(ds["plant_name_fa"].sel(plant="new_cement").item()) == "کارخانهٔ سیمان جدید"
    impact = permit_impact(baseline, scenario, of="water")
    assert float(impact.delta["project_use"]) == pytest.approx(
        0.2 * 1.9e6 / 2.2 + 0.08 * 1e6 * 0.909, rel=1e-9
    )
    production = impact.with_project["production"].sum("period")
    assert float(production.sel(process="new_cement_mill")) == pytest.approx(909_000, rel=1e-9)
    # The command line's permit report runs on the written scenario.
    assert main(["permit", str(baseline), str(scenario), "--of", "water"]) == 0
    assert "Permit impact of 'new_cement'" in capsys.readouterr().out


def test_rights_scaled_or_left_out(scenarios: Path) -> None:
    """ESCO holds contracts (river 6 Mm3, reclaimed 5 Mm3) for its 2.59 Mt of steel."""
    base = scenarios / "baseline.toml"
    ds = _inputs(base)
    bof = float(ds["capacity"].sel(process="esco_bof"))
    scaled = new_plant(
        base, "esco", f"{bof / 2 / 1000} kt/yr", plant="esco2", name="ESCO 2",
        out=scenarios / "overlays" / "esco2", process="esco_bof",
    )  # fmt: skip
    assert scaled.scale == pytest.approx(0.5, rel=1e-12)
    # ESCO's wells are in a closed plain (Lenjanat): ESCO 2 gets none, and its README says so.
    assert scaled.dropped == ["groundwater_lenjanat"]
    assert "Not connected to `groundwater_lenjanat`" in (scaled.overlay / "README.md").read_text(
        encoding="utf-8"
    )
    with_rights = _inputs(scaled.scenario)
    np.testing.assert_allclose(
        with_rights["contract"].sel(plant="esco2").values,
        with_rights["contract"].sel(plant="esco").values * 0.5,
    )
    omitted = new_plant(
        base, "esco", "1 Mt/yr", plant="esco3", name="ESCO 3",
        out=scenarios / "overlays" / "esco3", rights="omit",
    )  # fmt: skip
    without = _inputs(omitted.scenario)
    assert np.isinf(without["contract"].sel(plant="esco3").values).all()
    assert "left out" in (omitted.overlay / "README.md").read_text(encoding="utf-8")
    # Every copied number keeps the reference's source, and says what it was.
    rows = (scaled.overlay / "intensity.csv").read_text(encoding="utf-8").splitlines()
    assert all(",assumption," in r and "as esco (per unit)" in r for r in rows[1:])


def test_shared_market_keeps_products(scenarios: Path) -> None:
    made = new_plant(
        scenarios / "baseline.toml", "sepahan", "1 Mt/yr", plant="nc", name="NC",
        out=scenarios / "overlays" / "nc", market="shared",
    )  # fmt: skip
    assert made.products == {}
    ds = _inputs(made.scenario)
    assert str(ds["process_product"].sel(process="nc_mill").item()) == "cement"
    assert not (made.overlay / "demand.csv").exists()


def test_mistakes_are_named(scenarios: Path) -> None:
    base = scenarios / "baseline.toml"
    out = scenarios / "overlays" / "x"
    with pytest.raises(InputError, match="no such plant; did you mean 'sepahan'"):
        new_plant(base, "sepahan_cement", "1 Mt/yr", plant="x", name="X", out=out)
    with pytest.raises(InputError, match="already has a plant of that name"):
        new_plant(base, "sepahan", "1 Mt/yr", plant="msc", name="X", out=out)
    with pytest.raises(InputError, match="expected a number and a unit"):
        new_plant(base, "sepahan", "lots", plant="x", name="X", out=out)
    with pytest.raises(InputError, match="not a capacity of 'sepahan_mill'"):
        new_plant(base, "sepahan", "1 Mm3/yr", plant="x", name="X", out=out)
    with pytest.raises(InputError, match="already holds tables"):
        new_plant(
            base,
            "sepahan",
            "1 Mt/yr",
            plant="x",
            name="X",
            out=SCENARIOS / "overlays" / "new_steel_plant",
        )


SCALED_B = """name = "b-frugal"
data = "two_plants"

[[change]]
parameter = "production_cost"
where = {{ process = "*" }}
scale = 1.1

[[change]]
parameter = "intensity"
where = {{ process = "b_mill" }}
scale = 0.5
{extra}"""


def test_the_scenarios_changes_reach_the_copy(tmp_path: Path) -> None:
    """``two_plants``: B's mill uses 1 m3/t; the scenario halves it for ``b_mill`` by name
    (0.5 m3/t) and raises every process's cost by 10%. The copy C takes B's 0.5 m3/t (the
    change names B's process, so it would not act on C's), and the 10% once: the change on
    every process acts on C's mill when the new scenario runs, so its cost is B's."""
    path = tmp_path / "b-frugal.toml"
    path.write_text(SCALED_B.format(extra=""))
    made = new_plant(path, "b", "400 t/yr", plant="c", name="Plant C", out=tmp_path / "c")
    base = _inputs(path)
    ds = _inputs(made.scenario)
    assert float(base["intensity"].sel(process="b_mill", resource="water")) == 0.5
    assert float(ds["intensity"].sel(process="c_mill", resource="water")) == pytest.approx(0.5)
    cost = ds["production_cost"]
    assert float(cost.sel(process="c_mill")) == pytest.approx(float(cost.sel(process="b_mill")))
    assert float(cost.sel(process="b_mill")) == pytest.approx(
        1.1
        * float(
            rm.load_inputs(rm.examples.path("two_plants"))["production_cost"].sel(process="b_mill")
        )
    )
    assert made.scale == pytest.approx(2.0)
    assert "intensity" in (tmp_path / "c" / "README.md").read_text()


def test_a_change_that_cannot_be_copied_is_refused(tmp_path: Path) -> None:
    """A change on every process (costs +10%) then one naming B's mill (set): C would get
    the set value and then the 10% again. Refused, naming the change; nothing is written."""
    extra = '\n[[change]]\nparameter = "production_cost"\nwhere = { process = "b_mill" }\n'
    extra += 'set = 30\nunit = "USD/t"\n'
    path = tmp_path / "b-set.toml"
    path.write_text(SCALED_B.format(extra=extra))
    with pytest.raises(InputError, match=r"\[\[change\]\] #3.*production_cost acts on b only"):
        new_plant(path, "b", "400 t/yr", plant="c", name="Plant C", out=tmp_path / "c")
    assert not list((tmp_path / "c").glob("*.csv"))
