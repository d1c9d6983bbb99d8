"""Pathway tables and charts draw what the results say (two-year hand example)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from resourcemodel.pathway import run_pathway
from resourcemodel.pathway.plots import (
    build_plan,
    output_and_jobs,
    plot_build_timeline,
    plot_output_and_jobs,
    plot_water_by_source,
    water_by_source,
)

TWO_YEARS = (
    Path(__file__).resolve().parents[1] / "src/resourcemodel/examples_data/pathways/two_years.toml"
)


@pytest.fixture(scope="module")
def res():
    return run_pathway(TWO_YEARS)


def test_water_by_source_is_the_river_each_year(res) -> None:
    """The mill takes all the river gives: 900 m3 in 1404, 810 m3 in 1405 (the trajectory
    scales the river by 0.9), in Mm3; the bars drawn are those numbers."""
    table = water_by_source(res)
    assert list(table.index) == [1404, 1405]
    np.testing.assert_allclose(table.sum(axis=1).to_numpy(), [900e-6, 810e-6], rtol=1e-9)
    fig = plot_water_by_source(res)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(sum(heights), 1710e-6, rtol=1e-9)
    assert "Mm3" in ax.get_ylabel()


def test_build_plan_is_the_one_build_of_the_example(res) -> None:
    """One build: recycling at the mill decided in 1404, 0.95 of the measure, charged
    0.95 x 100 USD/yr = 95 USD/yr = 9.5e-5 MUSD/yr while alive (1405)."""
    plan = build_plan(res)
    assert len(plan) == 1
    row = plan.iloc[0]
    assert row["decided"] == 1404
    assert row["built_share"] == pytest.approx(0.95)
    assert row["charge_musd_per_year"] == pytest.approx(95e-6)
    # In service: 1404 + lead time 1; whole capital cost 0.95 x 100 x (1 - 1.1^-10) / 0.1.
    assert row["in_service"] == 1405
    assert row["capital_musd"] == pytest.approx(0.95 * 614.456711 * 1e-6, rel=1e-8)
    fig = plot_build_timeline(res)
    offsets = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(np.asarray(offsets), [[1404.0, 0.0]])
    label = fig.axes[0].get_yticklabels()[0].get_text()
    assert "MUSD/yr" in label


def test_value_added_subtracts_the_capital_charge(res) -> None:
    """Value added each year is sales minus costs minus the year's capital charge (95 USD in
    1405, none in 1404); the bars drawn are those values."""
    table = output_and_jobs(res)
    sales = res["revenue"].sum(["product", "period"]).values
    costs = (
        res["cost_production"].sum(["process", "period"])
        + res["cost_supply"].sum(["plant", "source", "period"])
        + res["cost_measures"].sum(["plant", "measure"])
    ).values
    expected = (sales - costs - np.array([0.0, 95.0])) / 1e6
    np.testing.assert_allclose(table["value_added_musd_per_year"].to_numpy(), expected, atol=1e-12)
    fig = plot_output_and_jobs(res)
    heights = [p.get_height() for p in fig.axes[0].patches]
    np.testing.assert_allclose(heights, expected, atol=1e-12)
    line = fig.axes[1].get_lines()[0]
    np.testing.assert_allclose(np.asarray(line.get_ydata(), float), table["jobs"].to_numpy())
