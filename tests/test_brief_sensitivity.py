"""A brief's sensitivity section: a tornado from a sweep, the steps of a cost curve.

Numbers are the hand-derived ones of ``test_sweep_analysis.py`` and the cost-curve docs:
two_plants costs 2,250 USD; its river cap at x0.9 costs +225 USD, at x1.1 -225 USD; Plant
B's production cost -2/+2 USD/t on its 150 t moves the cost -300/+300 USD. water_measures'
curve: reuse saves 200 m3 at 0.8 USD/m3, then dry cooling 240 m3 at 3.8 USD/m3.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.brief import BriefError, brief, sensitivity
from resourcemodel.cli import main

TWO = str(rm.examples.path("two_plants"))
LEVERS = [
    {"name": "river", "parameter": "source_cap", "scale": [0.9, 1.0, 1.1]},
    {
        "name": "cost_b",
        "parameter": "production_cost",
        "where": {"process": "b_mill"},
        "add": [-2.0, 0.0, 2.0],
        "unit": "USD/t",
    },
]


@pytest.fixture(scope="module")
def results() -> xr.Dataset:
    return rm.run(TWO)


@pytest.fixture(scope="module")
def one_at_a_time() -> xr.Dataset:
    return rm.sweep({"base": TWO, "sampler": "one_at_a_time", "lever": LEVERS}, progress=False)


@pytest.fixture(scope="module")
def grid() -> xr.Dataset:
    return rm.sweep({"base": TWO, "sampler": "grid", "lever": LEVERS}, progress=False)


def test_tornado_of_a_one_at_a_time_sweep(one_at_a_time: xr.Dataset, results: xr.Dataset) -> None:
    swings, base = sensitivity.swings(one_at_a_time, results, "en")
    assert base == pytest.approx(2250)
    cost, river = swings  # largest swing first: 600 USD, then 450 USD
    assert (cost.low_delta, cost.high_delta) == pytest.approx((-300, 300))
    assert (river.low_delta, river.high_delta) == pytest.approx((225, -225))
    # Named for a planner, not by the lever ids "cost_b" and "river".
    assert cost.label == "production cost, Plant B (Steel) (−2 USD/t to +2 USD/t)"
    assert river.label == "source cap (×0.9 to ×1.1)"


def test_tornado_of_a_grid_uses_the_runs_at_base(grid: xr.Dataset, results: xr.Dataset) -> None:
    swings, base = sensitivity.swings(grid, results, "en")
    assert base == pytest.approx(2250)
    by_name = {s.label.split(" (")[0]: s for s in swings}
    assert (by_name["source cap"].low_delta, by_name["source cap"].high_delta) == pytest.approx(
        (225, -225)
    )


def test_brief_with_a_sweep_and_a_cost_curve(
    one_at_a_time: xr.Dataset, results: xr.Dataset, tmp_path: Path
) -> None:
    curve = rm.analyses.cost_curve(rm.examples.path("water_measures"), "water")
    measures = rm.run(rm.examples.path("water_measures"))
    html = brief(measures, sensitivity=[one_at_a_time, curve])
    assert isinstance(html, str)
    assert "How sensitive are the results?" in html
    assert "The objective of the base run is 2.25 kUSD" in html
    table, more = sensitivity.cost_curve_table(curve, measures, "en")
    assert more == 0
    assert table.rows[0] == ["1", "200 m3", "0.8 USD/m3", "Process-water reuse at Mill"]
    assert table.rows[1][:3] == ["2", "240 m3", "3.8 USD/m3"]
    fa, _ = sensitivity.cost_curve_table(curve, measures, "fa")
    assert fa.rows[0][1] == "۲۰۰ متر مکعب"
    # The CLI flag, from files.
    sweep_file = rm.save(one_at_a_time, tmp_path / "sweep.nc")
    res_file = rm.save(results, tmp_path / "two.nc")
    out = tmp_path / "b.html"
    code = main(["brief", str(res_file), "--sensitivity", str(sweep_file), "--out", str(out)])
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "How sensitive are the results?" in page
    assert "<!-- source cap (×0.9 to ×1.1) -->" in page  # the tornado's label, drawn as paths
    with pytest.raises(BriefError, match="neither a sweep result"):
        brief(results, sensitivity=results)
    with pytest.raises(BriefError, match="no such sweep"):
        brief(results, sensitivity=tmp_path / "missing.nc")
