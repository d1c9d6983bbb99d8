"""explain on a pathway: the year, the period and the cap of the cheapest repair.

Hand example: the bundled ``infeasible`` case (two mills that must run at 200 t each,
needing 2 x 200 + 1 x 200 = 600 m3 of river water in the one period ``year``; the case's
river cap is 450 m3) over 1404-1405 with the river scaled by a trajectory.

- River x1.4 in 1404 (630 m3, feasible) and x1.2 in 1405 (540 m3): 60 m3 short in 1405
  only. Raising the 1405 cap by 60 m3 costs 60/540 = 0.111 of its size; lowering mill a's
  must-run by 30 t (60 m3 at 2 m3/t) costs 30/200 = 0.15, mill b's by 60 t costs 0.3: the
  repair is "1405: raise the cap on River by 60 m3", and the alternative lowers a's 1405
  must-run by 30 t. Repaired, each year makes 200 t at 5 USD/t and 200 t at 10 USD/t:
  3,000 USD, discounted at 10%: 3,000 + 3,000 / 1.1 = 5,727.27 USD.
- River x1.2 in 1404 and x1.0 in 1405: 60 m3 short in 1404 (0.111) and 150 m3 in 1405
  (150/450 = 0.333 against 75/200 = 0.375 for mill a's must-run): both caps are raised,
  each in its own year.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from resourcemodel.analyses.explain_pathway import explain_pathway
from resourcemodel.cli import main
from resourcemodel.exceptions import ResourceModelError

TEXT = """name = "tight"
data = "infeasible"

[pathway]
years = [1404, 1405]
discount_rate = 0.1

[[trajectory]]
parameter = "source_cap"
where = {{ source = "river" }}
path = {{ 1404 = {first}, 1405 = {second} }}
"""


def _write(folder: Path, first: float, second: float) -> Path:
    path = folder / "tight.toml"
    path.write_text(TEXT.format(first=first, second=second), encoding="utf-8")
    return path


def test_a_cap_too_tight_in_one_year_is_named_with_its_year(tmp_path: Path) -> None:
    ex = explain_pathway(_write(tmp_path, 1.4, 1.2))
    assert ex.status == "infeasible" and not ex.feasible
    rows = ex.relaxations[["parameter", "where", "year", "action"]].to_dict("records")
    assert rows == [
        {"parameter": "source_cap", "where": "river, year", "year": 1405, "action": "raise"}
    ]
    assert ex.relaxations["amount"].iloc[0] == pytest.approx(60.0)
    assert ex.relaxations["relative"].iloc[0] == pytest.approx(60 / 540)
    assert ex.objective == pytest.approx(3000 + 3000 / 1.1)
    text = ex.text()
    assert "infeasible in 1405" in text
    assert "1405: raise the year cap on River (source_cap[river, year]) by 60 m3" in text
    # The alternative: mill a's must-run in 1405, 30 t lower.
    alt = ex.alternatives[0]
    assert alt[["parameter", "where", "year"]].to_dict("records") == [
        {"parameter": "must_run", "where": "a_mill, year", "year": 1405}
    ]
    assert alt["amount"].iloc[0] == pytest.approx(30.0)
    assert ex.left_out[0] == "source_cap[river, year] in 1405"
    with pytest.raises(ResourceModelError, match="would apply to every year"):
        ex.changes_toml()


def test_each_year_is_relaxed_as_little_as_it_needs(tmp_path: Path) -> None:
    ex = explain_pathway(_write(tmp_path, 1.2, 1.0), alternatives=0)
    got = {(r["parameter"], r["year"]): r["amount"] for r in ex.relaxations.to_dict("records")}
    assert got == pytest.approx({("source_cap", 1404): 60.0, ("source_cap", 1405): 150.0})
    assert "infeasible in 1404, 1405" in ex.text()


def test_fewest_mode_and_a_feasible_pathway(tmp_path: Path) -> None:
    ex = explain_pathway(_write(tmp_path, 1.4, 1.2), mode="fewest", alternatives=0)
    assert list(ex.relaxations["year"]) == [1405]
    fine = explain_pathway(_write(tmp_path, 1.4, 1.4))
    assert fine.feasible and fine.relaxations.empty
    assert "feasible as it stands" in fine.text()


def test_cli_explains_an_infeasible_pathway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pathway", str(_write(tmp_path, 1.4, 1.2))]) == 1
    out = capsys.readouterr().out
    assert "1405: raise the year cap on River (source_cap[river, year]) by 60 m3" in out
