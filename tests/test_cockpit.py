"""The cockpit without a browser: levers, what the charts show, in-place updates, buttons.

Hand-derived numbers use ``two_plants`` (see ``test_model.py``): with the river cap at 85%
(382.5 m3) mill B runs at its 200 t limit and mill A makes (382.5 - 200) / 2 = 91.25 t, so
8.75 t of the 300 t demand go unmet at 100 USD/t: 875 USD of output lost. Value added is
sales (none: the example has no price) less production costs, -(5 * 91.25 + 10 * 200) =
-2,456.25 USD. One more m3 lets A make 0.5 t more: 0.5 * 100 USD of output not lost less
0.5 * 5 USD of cost, 47.5 USD/m3.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.cockpit import ISFAHAN, Lever, apply, layout, read
from resourcemodel.exceptions import ResourceModelError

ROOT = Path(__file__).resolve().parents[1]
# The groundwater lever scales every plain (sources.csv: groundwater_*).
PLAINS = ("groundwater_lenjanat", "groundwater_isfahan_borkhar", "groundwater_other_plains")


def test_readout_matches_hand_derivation() -> None:
    m = rm.Model(rm.examples.path("two_plants"))
    lay = layout([m.solve()], m.base_inputs)
    assert lay.sectors == ("steel",) and lay.water_sources == ("river",)
    assert [c.label for c in lay.caps] == ["river"]
    river = Lever("river", "River", "source_cap", {"source": "river"})
    out = read(apply(m, [river], {"river": 0.85}).solve(), lay)
    assert out.output_lost * 1e6 == pytest.approx([875.0])
    assert out.value_added * 1e6 == pytest.approx([-2456.25])
    assert out.water.ravel() * 1e6 == pytest.approx([382.5])
    assert out.cap_value.ravel() == pytest.approx([47.5])
    assert out.totals["freshwater"] * 1e6 == pytest.approx(382.5)


def test_levers_replace_earlier_moves() -> None:
    m = rm.Model(rm.examples.path("two_plants"))
    river = Lever("river", "River", "source_cap", {"source": "river"})
    apply(m, [river], {"river": 0.9})
    apply(m, [river], {"river": 0.95})  # not 0.9 * 0.95
    assert m.changes == [{"parameter": "source_cap", "where": {"source": ["river"]}, "scale": 0.95}]


def test_isfahan_levers_select_what_they_say() -> None:
    inputs = rm.load(ROOT / "scenarios" / "baseline.toml")[0]
    m = rm.Model(ROOT / "scenarios" / "baseline.toml")
    apply(m, ISFAHAN, {lever.name: 0.5 for lever in ISFAHAN})
    changed = m.inputs["source_cap"] != inputs["source_cap"]
    touched = {(str(s), str(p)) for s, p in zip(*np.nonzero(changed.values), strict=True)}
    sources = inputs.source.values.astype(str)
    periods = inputs.period.values.astype(str)
    touched = {(sources[int(s)], periods[int(p)]) for s, p in touched}
    grid = {("grid_electricity", p) for p in periods}
    water = {(s, p) for s in ("river_zayandeh", *PLAINS, "gas_pipeline") for p in periods}
    assert touched == grid | water  # summer + rest = the whole year, once each
    assert len(m.changes) == 5


@pytest.fixture(scope="module")
def cockpit(tmp_path_factory: pytest.TempPathFactory):
    """The Isfahan cockpit on a copy of the baseline (saved files land beside it)."""
    from resourcemodel.cockpit import Cockpit

    folder = tmp_path_factory.mktemp("cockpit")
    shutil.copy(ROOT / "scenarios" / "baseline.toml", folder / "baseline.toml")
    shutil.copytree(
        ROOT / "scenarios" / "overlays" / "new_steel_plant", folder / "overlays" / "new_steel"
    )
    return Cockpit(
        folder / "baseline.toml",
        project=folder / "overlays" / "new_steel",
        briefs_to=folder / "briefs",
    )


def test_a_move_updates_charts_in_place(cockpit) -> None:
    marks = dict(cockpit.marks)
    figures = dict(cockpit.figures)
    base_water = cockpit.base_readout.water.copy()
    before = np.array(marks["water"].y, dtype=float)
    head = cockpit.head.value
    out = cockpit.move(river=0.7)
    assert cockpit.marks == marks and cockpit.figures == figures  # the same objects
    np.testing.assert_allclose(np.array(marks["water"].y, dtype=float), out.water)
    river = cockpit.layout.water_sources.index("river_zayandeh")
    cap = cockpit.baseline["source_cap_limit"].sel(source="river_zayandeh").values / 1e6
    assert np.all(out.water[river] <= 0.7 * cap * (1 + 1e-9))  # within 70% of the cap
    assert out.water[river].sum() < before[river].sum()
    np.testing.assert_array_equal(cockpit.base_readout.water, base_water)  # baseline kept
    assert cockpit.head.value != head and "(warm)" in cockpit.head.value
    assert f"{out.totals['value_added']:,.0f}" in cockpit.head.value
    assert cockpit.model.mode == "warm"
    assert set(cockpit.timings) >= {"solve", "results", "readout", "charts", "total"}


def test_slider_event_solves(cockpit) -> None:
    """What the browser does: the slider's value changes, the observer re-solves."""
    cockpit.move(river=1.0)
    base = cockpit.readout.totals["value_added"]
    cockpit.sliders["groundwater"].value = 60
    assert cockpit.values["groundwater"] == pytest.approx(0.6)
    assert cockpit.readout.totals["value_added"] < base
    cockpit.move(groundwater=1.0)
    assert cockpit.readout.totals["value_added"] == pytest.approx(base)
    assert cockpit.sliders["groundwater"].value == 100


def test_save_reproduces_what_the_cockpit_shows(cockpit) -> None:
    out = cockpit.move(river=0.7, grid_summer=0.6, project=False)
    path = cockpit.save("dry-summer")
    assert path == cockpit.save_to / "dry-summer.toml"
    text = tomllib.loads(path.read_text(encoding="utf-8"))
    assert text["extends"] == ["baseline.toml"] and len(text["change"]) == 2
    # Saved beside the shipped scenarios, it meets their standard (test_brief.py): titled
    # and summarised in both languages, no Latin letters in the Persian title.
    assert all(text[k] for k in ("title", "title_fa", "summary", "summary_fa"))
    assert not any("a" <= ch.lower() <= "z" for ch in text["title_fa"])
    again = rm.run(path)
    assert again.attrs["objective"] == pytest.approx(cockpit.results.attrs["objective"], rel=1e-9)
    shown = read(again, cockpit.layout)
    assert shown.totals == pytest.approx(out.totals, rel=1e-6)
    assert "Saved scenario" in cockpit.message.value


def test_project_switch(cockpit) -> None:
    without = cockpit.move(river=1.0, grid_summer=1.0, project=False)
    with_project = cockpit.move(project=True)
    assert cockpit.model is cockpit.models[True] and cockpit.switch.value is True
    assert with_project.totals["value_added"] != pytest.approx(without.totals["value_added"])
    path = cockpit.save("with-plant")
    assert tomllib.loads(path.read_text())["overlay"] == ["overlays/new_steel"]
    assert rm.run(path).attrs["objective"] == pytest.approx(
        cockpit.results.attrs["objective"], rel=1e-9
    )
    cockpit.move(project=False)


def test_make_brief(cockpit) -> None:
    cockpit.move(river=0.6, project=False)
    path = cockpit.make_brief("dry", "en")
    text = path.read_text(encoding="utf-8")
    assert path.name == "dry.en.html" and path.parent == cockpit.briefs_to
    assert "Calibration year 1402, what-if" in text  # the what-if's own title
    assert "download dry.en.html" in cockpit.message.value
    card = json.loads(cockpit.results.attrs["what_if"])
    assert card == [{"parameter": "source_cap", "where": {"source": ["river_zayandeh"]},
                     "scale": 0.6}]  # fmt: skip


def test_refusals(cockpit) -> None:
    with pytest.raises(ResourceModelError, match="unknown lever"):
        cockpit.move(rivers=0.5)
    with pytest.raises(ResourceModelError, match="letters, digits"):
        cockpit.save("///")
    cockpit._guard(lambda: cockpit.save("///"))  # a button shows it instead
    assert "Could not do it" in cockpit.message.value
