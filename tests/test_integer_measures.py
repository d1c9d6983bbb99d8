"""``integer_measures``: a measure is adopted at its ``max_adoption`` or not at all.

Hand-derived on ``measure_payoff`` (README): a mill needs 10 m3/t for 100 t of demand, the
river gives 900 m3, recycling saves 20% of the water use at full adoption, unmet steel costs
50 USD/t. With ``max_adoption`` 0.6 a whole adoption saves up to 0.2 * 0.6 * 1000 = 120 m3,
more than the 100 m3 short: all-or-nothing adoption takes 0.6. Before, integrality on the
share itself allowed only 0 (the only integer in [0, 0.6]).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import resourcemodel as rm

MILL = {"plant": "mill", "measure": "recycling"}


def _case(case_copy: Callable[[str], Path], cost: float) -> Path:
    case = case_copy("measure_payoff")
    (case / "max_adoption.csv").write_text(
        "plant,measure,value,unit,reference,confidence\n"
        "mill,recycling,0.6,fraction,example,assumption\n"
    )
    (case / "measure_cost.csv").write_text(
        "plant,measure,value,unit,reference,confidence\n"
        f"mill,recycling,{cost},USD/yr,example,assumption\n"
    )
    return case


def test_adopts_max_adoption(case_copy: Callable[[str], Path], backend: str) -> None:
    case = _case(case_copy, 100.0)
    # Continuous: half adoption is enough (100 m3 of 200 m3 at full adoption), 50 USD.
    shares = rm.run(case, backend=backend)
    assert float(shares["adoption"].sel(MILL)) == pytest.approx(0.5, rel=1e-6)
    assert shares.attrs["objective"] == pytest.approx(50.0, rel=1e-6)
    # All-or-nothing: 0.6 (60 USD) rather than 10 t unmet (500 USD).
    whole = rm.run(case, backend=backend, integer_measures=True)
    assert whole.attrs["status"] == "optimal"
    assert float(whole["adoption"].sel(MILL)) == pytest.approx(0.6, rel=1e-9)
    assert whole.attrs["objective"] == pytest.approx(60.0, rel=1e-6)
    assert float(whole["unmet"].sum()) == pytest.approx(0.0, abs=1e-6)
    assert "integer adoption fixed" in whole.attrs["solver_message"]


def test_or_not_at_all(case_copy: Callable[[str], Path], backend: str) -> None:
    # At 900 USD/yr: half adoption (450 USD) beats 10 t unmet (500 USD), but 0.6 of it
    # costs 540 USD: all-or-nothing leaves the measure out.
    case = _case(case_copy, 900.0)
    shares = rm.run(case, backend=backend)
    assert float(shares["adoption"].sel(MILL)) == pytest.approx(0.5, rel=1e-6)
    assert shares.attrs["objective"] == pytest.approx(450.0, rel=1e-6)
    whole = rm.run(case, backend=backend, integer_measures=True)
    assert float(whole["adoption"].sel(MILL)) == pytest.approx(0.0, abs=1e-9)
    assert whole.attrs["objective"] == pytest.approx(500.0, rel=1e-6)


def test_program_links_share_to_a_binary(case_copy: Callable[[str], Path]) -> None:
    inputs = rm.load_inputs(_case(case_copy, 100.0))
    lp = rm.build(inputs, integer_measures=True)
    a = lp.variables["adoption"].index[0, 0]
    b = lp.variables["adoption_choice"].index[0, 0]
    row = lp.constraints["adoption-choice"].index[0, 0]
    assert not lp.integrality[a] and lp.integrality[b]
    assert (lp.col_lower[b], lp.col_upper[b]) == (0.0, 1.0)
    assert lp.A[row, a] == 1.0 and lp.A[row, b] == pytest.approx(-0.6)
    assert lp.row_lower[row] == lp.row_upper[row] == 0.0
    # A change of max_adoption is a matrix coefficient now: no fast update.
    changed = {"max_adoption": inputs["max_adoption"].values * 0.5}
    assert rm.formulation.update_program(lp, inputs, changed) is None
    assert rm.formulation.update_program(rm.build(inputs), inputs, changed) is not None
