"""The what-if on a pathway, on the two-year hand example (examples_data/pathways/README.md).

Base: 500 USD in 1404 (100 m3 short, 10 t unmet at 50 USD/t) and a build of 0.95 charged
95 USD in 1405 (190 m3 short), discounted at 10%: 500 + 95 / 1.1 = 586.36 USD.
- River x 1/0.9 in 1405 only (900 m3): 100 m3 short, a build of 0.5 charged 50 USD:
  500 + 50 / 1.1 = 545.45 USD; only 1405's program is rebuilt.
- River set to 1000 m3 in 1404 only: nothing short in 1404, 1405 as the base:
  0 + 95 / 1.1 = 86.36 USD.
- Discount rate 0: 500 + 95 = 595 USD; myopic foresight: 500 + 950 / 1.1 = 1363.64 USD.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.exceptions import ScenarioError
from resourcemodel.pathway import load_pathway, run_pathway

TWO_YEARS = (
    Path(__file__).resolve().parents[1] / "src/resourcemodel/examples_data/pathways/two_years.toml"
)


def test_changes_by_year_and_levers() -> None:
    m = rm.PathwayModel(TWO_YEARS)
    base = m.solve()
    assert base.attrs["objective"] == pytest.approx(500 + 95 / 1.1)
    assert m.rebuilt == []
    reference = run_pathway(TWO_YEARS)
    np.testing.assert_allclose(base["build"].values, reference["build"].values)

    m.set("source_cap", where={"source": "river"}, scale=1 / 0.9, years=[1405])
    res = m.solve()
    assert res.attrs["objective"] == pytest.approx(500 + 50 / 1.1)
    assert m.rebuilt == [1405]
    assert float(res["build"].sel(plant="mill", measure="recycling", year=1404)) == pytest.approx(
        0.5
    )
    assert '"years": [1405]' in res.attrs["what_if"]

    m.reset().set("source_cap", where={"source": "river"}, value=1000, unit="m3", years=[1404])
    assert m.solve().attrs["objective"] == pytest.approx(95 / 1.1)

    m.reset().set_pathway(discount_rate=0.0)
    assert m.solve().attrs["objective"] == pytest.approx(595.0)
    m.set_pathway(discount_rate=0.1, foresight="myopic")
    assert m.solve().attrs["objective"] == pytest.approx(500 + 950 / 1.1)
    assert m.reset().solve().attrs["objective"] == pytest.approx(500 + 95 / 1.1)


def test_messages_a_planner_can_act_on() -> None:
    m = rm.PathwayModel(TWO_YEARS)
    with pytest.raises(ScenarioError, match=r"years: \[1410\] not among the pathway's"):
        m.set("source_cap", where={"source": "river"}, scale=0.5, years=[1410])
    with pytest.raises(ScenarioError, match="lake"):
        m.set("source_cap", where={"source": "lake"}, scale=0.5)
    with pytest.raises(ScenarioError, match="discount_rate must be in"):
        m.set_pathway(discount_rate=2.0)
    with pytest.raises(TypeError, match=r"use resourcemodel\.PathwayModel"):
        rm.Model(load_pathway(TWO_YEARS))
