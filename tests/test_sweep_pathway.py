"""Sweeps over a pathway lever on the two-year hand example (examples_data/pathways/README.md).

The mill needs 1000 m3 a year; the river gives 900 m3 in 1404 and a factor f of that in
1405; recycling (lead time 1 year) saves up to 200 m3 and is charged 100 USD/yr at full
adoption from 1405; unmet steel costs 5 USD per m3 short. 1404 always costs 500 USD.
- Discount rate r (f = 0.9): 190 m3 short in 1405, a build of 0.95 charged 95 USD, so the
  objective is 500 + 95 / (1 + r): 595, 586.36 and 576 USD at r = 0, 0.1 and 0.25; the
  undiscounted total is 595 USD whatever r.
- Target f from 1405 (r = 0.1): f = 1.0 leaves 100 m3 short, a build of 0.5 charged 50 USD:
  500 + 50 / 1.1 = 545.45 USD; f = 0.9 is the example, 586.36 USD.
- Foresight: myopic never builds in time (README): 500 + 950 / 1.1 = 1363.64 USD.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from resourcemodel.exceptions import SweepError
from resourcemodel.pathway import load_pathway
from resourcemodel.sweeps.pathway import sweep_pathway

TWO_YEARS = (
    Path(__file__).resolve().parents[1] / "src/resourcemodel/examples_data/pathways/two_years.toml"
)


def test_discount_rate_sweep_has_scenario_and_year_dims() -> None:
    ds = sweep_pathway(TWO_YEARS, "discount_rate", [0.0, 0.1, 0.25])
    assert ds["objective_year"].dims == ("scenario", "year")
    assert list(ds["year"].values) == [1404, 1405]
    assert list(ds["scenario"].values) == [
        "discount_rate=0.0",
        "discount_rate=0.1",
        "discount_rate=0.25",
    ]
    np.testing.assert_allclose(ds["discount_rate"].values, [0.0, 0.1, 0.25])
    np.testing.assert_allclose(
        ds["objective"].values, [595.0, 500 + 95 / 1.1, 500 + 95 / 1.25], rtol=1e-9
    )
    np.testing.assert_allclose(ds["objective_undiscounted"].values, 595.0, rtol=1e-9)
    np.testing.assert_allclose(ds["capital_charge_year"].values, [[0.0, 95.0]] * 3, atol=1e-9)
    np.testing.assert_allclose(ds["freshwater"].values, [[900.0, 810.0]] * 3, rtol=1e-9)
    np.testing.assert_allclose(ds["value_added"].values, [[0.0, -95.0]] * 3, atol=1e-9)
    build = ds["build"].sel(plant="mill", measure="recycling")
    assert build.dims == ("scenario", "year")
    np.testing.assert_allclose(build.sel(year=1404).values, 0.95, rtol=1e-9)
    assert (ds["status"].values == "optimal").all()


def test_target_sweep_moves_the_path_from_its_year() -> None:
    ds = sweep_pathway(TWO_YEARS, "target", [1.0, 0.9], year=1405, parameter="source_cap")
    np.testing.assert_allclose(ds["objective"].values, [500 + 50 / 1.1, 500 + 95 / 1.1], rtol=1e-9)
    np.testing.assert_allclose(ds["freshwater"].values, [[900.0, 900.0], [900.0, 810.0]])
    np.testing.assert_allclose(
        ds["build"].sel(plant="mill", measure="recycling", year=1404).values, [0.5, 0.95]
    )
    # The loaded pathway itself is not changed.
    assert load_pathway(TWO_YEARS).trajectories[0].points == {1404: 1.0, 1405: 0.9}


def test_foresight_sweep() -> None:
    ds = sweep_pathway(TWO_YEARS, "foresight", ["perfect", "myopic"])
    np.testing.assert_allclose(ds["objective"].values, [500 + 95 / 1.1, 500 + 950 / 1.1], rtol=1e-9)
    assert list(ds["foresight"].values) == ["perfect", "myopic"]


def test_bad_levers_are_named() -> None:
    with pytest.raises(SweepError, match="Unknown pathway lever 'rate'"):
        sweep_pathway(TWO_YEARS, "rate", [0.1])
    with pytest.raises(SweepError, match="needs year="):
        sweep_pathway(TWO_YEARS, "target", [0.8])
    with pytest.raises(SweepError, match="no path trajectory on 'demand'"):
        sweep_pathway(TWO_YEARS, "target", [0.8], year=1405, parameter="demand")
    with pytest.raises(SweepError, match="expected a rate in"):
        sweep_pathway(TWO_YEARS, "discount_rate", [1.5])
