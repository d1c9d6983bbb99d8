"""The in-memory what-if (``rm.Model``): changes as ``[[change]]`` tables, warm re-solves,
structural changes rebuilt, and ``to_scenario`` files that ``rm.run`` reproduces.

Hand-derived optima use the ``two_plants`` example (its README): mills A (5 USD/t, 2 m3/t)
and B (10 USD/t, 1 m3/t), each at most 200 t, 300 t of demand, a river capped at 450 m3.
With the cap binding, ``xa + xb = 300`` and ``2 xa + xb = cap`` give ``xa = cap - 300``,
``xb = 600 - cap`` and a cost of ``5 xa + 10 xb = 4500 - 5 cap`` for a cap in [400, 500].
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel import pipeline
from resourcemodel.schema import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
OVERLAY = ROOT / "scenarios" / "overlays" / "new_steel_plant"


def cost_at(cap: float) -> float:
    """Optimum of two_plants for a river cap in [400, 500] m3 (module docstring)."""
    assert 400 <= cap <= 500
    return 4500 - 5 * cap


@pytest.fixture
def two() -> rm.Model:
    return rm.Model(rm.examples.path("two_plants"))


def test_scale_value_add_match_hand_optima(two: rm.Model) -> None:
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(450))
    two.set("source_cap", where={"source": "river"}, scale=0.9)
    res = two.solve()
    assert res.attrs["objective"] == pytest.approx(cost_at(405))
    assert res["production"].sum("period").values == pytest.approx([105, 195])
    assert float(res["source_cap_shadow_price"].sum()) == pytest.approx(5.0)
    assert two.mode == "warm"
    # Changes apply in order, as in a file: 480 m3 (given in Mm3), then 90% of it.
    two.reset().set("source_cap", where={"source": "river"}, value=0.00048, unit="Mm3")
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(480))
    two.set("source_cap", where={"source": "river"}, scale=0.9)
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(432))
    two.reset().set("source_cap", add=20, unit="m3")  # no selector: every source
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(470))
    assert two.mode == "warm"


def test_warm_solves_keep_one_model(two: rm.Model) -> None:
    two.solve()
    loads = two._highs.cold_loads
    for scale in (0.9, 1.05, 0.95):
        two.reset().set("source_cap", where={"source": "river"}, scale=scale)
        assert two.solve().attrs["objective"] == pytest.approx(cost_at(450 * scale))
        assert two.mode == "warm"
    assert two._highs.cold_loads == loads
    assert set(two.timings) == {"apply", "update", "solve", "results"}


def test_reset_and_changes(two: rm.Model) -> None:
    two.set("source_cap", where={"source": "river"}, scale=0.9)
    two.set("demand", where={"product": "*"}, add=-0.01, unit="kt")
    assert two.changes == [
        {"parameter": "source_cap", "where": {"source": ["river"]}, "scale": 0.9},
        {"parameter": "demand", "where": {"product": ["*"]}, "add": -0.01, "unit": "kt"},
    ]
    assert repr(two) == "Model('two_plants', 2 changes)"
    res = two.solve()
    origins = {r["origin"] for r in json.loads(res.attrs["scenario_diff"])}
    assert origins == {"what-if, [[change]] #1", "what-if, [[change]] #2"}
    assert two.reset().changes == []
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(450))
    assert json.loads(two.solve().attrs["scenario_diff"]) == []


def test_errors_read_as_in_a_scenario_file(two: rm.Model) -> None:
    with pytest.raises(
        rm.ScenarioError,
        match=r"what-if, \[\[change\]\] #1, where.source: "
        r"'lake' matches no source; there are \['river'\]",
    ):
        two.set("source_cap", where={"source": "lake"}, scale=0.5)
    with pytest.raises(rm.ScenarioError, match="did you mean 'source_cap'"):
        two.set("source_caps", scale=0.5)
    with pytest.raises(rm.ScenarioError, match="give exactly one of 'scale', 'set' or 'add'"):
        two.set("source_cap", scale=0.5, add=1)
    with pytest.raises(rm.ScenarioError, match="cannot measure 'source_cap'"):
        two.set("source_cap", value=3, unit="MWh")
    assert two.changes == []  # a refused change is not recorded
    with pytest.warns(rm.InputWarning, match="turns the sign"):  # as a file warns
        two.set("source_cap", scale=-1)
    with pytest.raises(rm.ScenarioError, match=r"#1: 'source_cap' must be at least 0"):
        two.solve()


def test_matrix_change_rebuilds(two: rm.Model) -> None:
    """Mill A at 1 m3/t: 300 t need 300 m3 < 450, so A runs at its 200 t limit and B makes
    100 t: 5 * 200 + 10 * 100 = 2000 USD. An intensity is a matrix coefficient: rebuilt."""
    two.solve()
    two.set("intensity", where={"process": "a_mill"}, scale=0.5)
    res = two.solve()
    assert two.mode == "rebuilt"
    assert res.attrs["objective"] == pytest.approx(2000)
    assert res["production"].sum("period").values == pytest.approx([200, 100])
    two.reset()
    assert two.solve().attrs["objective"] == pytest.approx(cost_at(450))


def test_structural_change_rebuilds(tmp_path: Path) -> None:
    """A cap on an uncapped source adds rows: rebuilt, and equal to rm.run of the file."""
    scenario = tmp_path / "baseline.toml"
    shutil.copy(ROOT / "scenarios" / "baseline.toml", scenario)
    m = rm.Model(scenario)
    base = m.solve().attrs["objective"]
    uncapped = m.base_inputs["source_cap"].sel(source="naphtha_iorc")
    assert np.isinf(uncapped).all()  # so the change below adds 12 rows
    m.set("source_cap", where={"source": "naphtha_iorc"}, value=0.02, unit="Mt")
    res = m.solve()
    assert m.mode == "rebuilt"
    assert m.program.shape[0] == 12 + m._lp.shape[0]
    saved = m.to_scenario(tmp_path / "naphtha.toml")
    again = rm.run(saved)
    assert res.attrs["objective"] == pytest.approx(again.attrs["objective"], rel=1e-9)
    assert res.attrs["objective"] > base  # less naphtha than the refinery wants
    m.reset()
    assert m.solve().attrs["objective"] == pytest.approx(base, rel=1e-9)


def test_to_scenario_reproduces_the_what_if(tmp_path: Path) -> None:
    """The saved file extends the original; rm.run of it has the same inputs, value for
    value, and the same optimum."""
    scenario = tmp_path / "baseline.toml"
    shutil.copy(ROOT / "scenarios" / "baseline.toml", scenario)
    m = rm.Model(scenario)
    m.set("source_cap", where={"source": "river_zayandeh"}, scale=0.7)
    m.set(
        "source_cap",
        where={"source": "groundwater_isfahan_borkhar", "period": ["aban", "azar"]},
        add=-0.5,
        unit="Mm3",
    )
    m.set("source_cap", where={"source": {"resource": "electricity"}, "period": "tir"}, scale=0.8)
    m.set("group_cap", where={"group": "freshwater"}, value=40, unit="Mm3")
    res = m.solve()
    path = m.to_scenario(tmp_path / "my.toml", summary="A dry year", title_fa="سال خشک")
    text = tomllib.loads(path.read_text(encoding="utf-8"))
    assert text["extends"] == ["baseline.toml"]
    assert text["name"] == "my" and text["summary"] == "A dry year"
    assert text["title_fa"] == "سال خشک" and "what-if" in text["title"]
    assert text["summary_fa"] == "بر پایهٔ «سال پایه ۱۴۰۲»؛ تغییرها در همین فایل آمده است."
    assert text["change"] == m.changes
    inputs, spec, _ = pipeline.load(path)
    assert spec is not None and spec.chain == ("baseline", "my")
    for name in PARAMETERS:
        np.testing.assert_array_equal(inputs[name].values, m.inputs[name].values, err_msg=name)
    again = rm.run(path)
    assert again.attrs["objective"] == pytest.approx(res.attrs["objective"], rel=1e-9)
    diff = {
        (r["parameter"], tuple(r["labels"].values())): r["after"]
        for r in json.loads(res.attrs["scenario_diff"])
    }
    diff_run = {
        (r["parameter"], tuple(r["labels"].values())): r["after"]
        for r in json.loads(again.attrs["scenario_diff"])
    }
    assert diff == diff_run
    # river (12 months), the Isfahan-Borkhar plain (2), both grid sources in tir (2),
    # freshwater (12)
    assert len(diff) == 12 + 2 + 2 + 12


def test_to_scenario_refuses_what_it_could_not_reload(tmp_path: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    scenario = tmp_path / "scenarios" / "baseline.toml"
    shutil.copy(ROOT / "scenarios" / "baseline.toml", scenario)
    m = rm.Model(scenario)
    with pytest.raises(rm.ScenarioError, match="outside that folder"):
        m.to_scenario(tmp_path / "elsewhere" / "my.toml")
    with pytest.raises(rm.ScenarioError, match=r"must end in \.toml"):
        m.to_scenario(tmp_path / "scenarios" / "my.txt")
    # A folder above the original is fine: the file refers down to it.
    saved = m.to_scenario(tmp_path / "my.toml")
    assert tomllib.loads(saved.read_text())["extends"] == ["scenarios/baseline.toml"]
    assert rm.run(saved).attrs["status"] == "optimal"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.toml", "scenarios"]


def test_to_scenario_refuses_a_combination(tmp_path: Path) -> None:
    from resourcemodel.scenario import combine

    for name in ("baseline", "summer-grid-40", "winter-gas-2022"):
        shutil.copy(ROOT / "scenarios" / f"{name}.toml", tmp_path / f"{name}.toml")
    both = combine([tmp_path / "summer-grid-40.toml", tmp_path / "winter-gas-2022.toml"])
    m = rm.Model(both)
    with pytest.raises(rm.ScenarioError, match=r"not what .* holds"):
        m.to_scenario(tmp_path / "my.toml")


def test_case_folder_with_overlay_round_trip(tmp_path: Path) -> None:
    """A project switched on as an overlay: saved with data and overlay keys."""
    shutil.copytree(OVERLAY, tmp_path / "overlays" / "new_steel_plant")
    m = rm.Model(
        rm.examples.path("two_plants").parent.parent / "data" / "isfahan",
        overlays=[tmp_path / "overlays" / "new_steel_plant"],
    )
    assert "new_steel" in " ".join(m.base_inputs["plant"].values.astype(str))
    m.set("source_cap", where={"source": "groundwater_*"}, scale=0.8)
    res = m.solve()
    saved = m.to_scenario(tmp_path / "project.toml")
    text = tomllib.loads(saved.read_text())
    assert text["data"] == "isfahan" and text["overlay"] == ["overlays/new_steel_plant"]
    assert rm.run(saved).attrs["objective"] == pytest.approx(res.attrs["objective"], rel=1e-9)
