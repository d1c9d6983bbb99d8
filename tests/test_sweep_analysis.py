"""Sweep analyses and plots: tornado swings, responses, Sobol indices, charts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.sweeps import analysis, plots

TWO = str(rm.examples.path("two_plants"))


def _oat():  # type: ignore[no-untyped-def]
    return rm.sweep(
        {
            "base": TWO,
            "sampler": "one_at_a_time",
            "lever": [
                {"name": "river", "parameter": "source_cap", "scale": [0.9, 1.0, 1.1]},
                {
                    "name": "cost_b",
                    "parameter": "production_cost",
                    "where": {"process": "b_mill"},
                    "add": [-2.0, 0.0, 2.0],
                    "unit": "USD/t",
                },
            ],
        },
        progress=False,
    )


def test_tornado_matches_hand_values() -> None:
    """Base 2,250 USD. River 0.9 (405 m3): A 105, B 195 -> 2,475; 1.1 (495 m3): A 195,
    B 105 -> 2,025. B's cost -2/+2 USD/t at 150 t: -300/+300."""
    table = analysis.tornado(_oat(), "objective")
    assert table.attrs["base"] == pytest.approx(2250)
    river = table.set_index("factor").loc["river"]
    assert river["low_delta"] == pytest.approx(225)
    assert river["high_delta"] == pytest.approx(-225)
    cost = table.set_index("factor").loc["cost_b"]
    assert cost["low_delta"] == pytest.approx(-300)
    assert cost["high_delta"] == pytest.approx(300)
    assert list(table["factor"]) == ["cost_b", "river"]  # largest swing first


def test_response_and_plots() -> None:
    ds = rm.sweep(
        {
            "base": TWO,
            "lever": [
                {"name": "river", "parameter": "source_cap", "scale": [0.9, 1.0, 1.1]},
                {
                    "name": "cost_b",
                    "parameter": "production_cost",
                    "where": {"process": "b_mill"},
                    "add": [0.0, 2.0],
                    "unit": "USD/t",
                },
            ],
        },
        progress=False,
    )
    resp = analysis.response(ds, "river", "objective")
    assert list(resp["count"]) == [2, 2, 2]
    assert resp["min"].is_monotonic_decreasing
    ax = plots.response_plot(ds, "river", "objective")
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend()
    ax = plots.heatmap_plot(ds, "river", "cost_b", "objective")
    assert ax.get_images()[0].get_array().shape == (2, 3)
    ax = plots.tornado_plot(_oat(), "objective")
    assert len(ax.patches) == 4 and ax.get_legend()
    with pytest.raises(rm.ResourceModelError, match="one_at_a_time"):
        analysis.tornado(ds, "objective")
    with pytest.raises(rm.ResourceModelError, match="besides 'run'"):
        analysis.response(ds, "river", "unmet")


def test_sobol_indices_and_failed_runs() -> None:
    pytest.importorskip("SALib")
    spec = {
        "base": TWO,
        "sampler": "sobol",
        "samples": 16,
        "seed": 3,
        "lever": [
            {"name": "river", "parameter": "source_cap", "scale": {"low": 0.9, "high": 1.1}},
            {
                "name": "idle",
                "parameter": "price",
                "set": {"low": 100, "high": 900},
                "unit": "USD/t",
            },
        ],
    }
    ds = rm.sweep(spec, progress=False)
    indices = analysis.sobol_indices(ds, "objective", seed=1)
    by = indices.set_index("factor")
    # two_plants sets an explicit unmet_penalty, so the price does not enter the cost
    # objective: all variance comes from the river.
    assert by.loc["river", "ST"] > 0.9
    assert abs(by.loc["idle", "ST"]) < 0.05
    ax = plots.sobol_plot(indices)
    assert ax.get_title() == "Sobol indices"
    # A failed run is never dropped silently.
    broken = ds.copy()
    status = broken["status"].values.copy()
    status[0] = "infeasible"
    broken["status"] = ("run", status)
    with pytest.raises(rm.ResourceModelError, match="did not solve"):
        analysis.sobol_indices(broken, "objective")
    flagged = analysis.sobol_indices(broken, "objective", failed="mean", seed=1)
    assert flagged.attrs["failed_runs"] == 1
    assert np.isfinite(flagged["ST"]).all()
