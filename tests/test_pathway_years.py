"""Year selectors on ``[[change]]`` and ``[[retirement]]`` in a pathway, derived by hand.

The case is ``two_plants``: 300 t of steel to make; mill a makes it at 5 USD/t with 2 m3/t,
mill b at 10 USD/t with 1 m3/t, each up to 200 t/yr; the river gives 450 m3. With x tonnes
from a, the water is 2x + (300 - x) = 300 + x <= 450, so a makes 150 t, b 150 t and the
cost is 150 x 5 + 150 x 10 = 2,250 USD.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.exceptions import ScenarioError
from resourcemodel.pathway import load_pathway, prepare, run_pathway
from resourcemodel.scenario import load_scenario

HEAD = 'name = "pw"\ndata = "two_plants"\n[pathway]\nyears = [1404, 1409, 1414]\n'
#: The river at 550 m3: a makes 200 t (its cap; 300 + 200 = 500 m3 <= 550), b 100 t:
#: 1,000 + 1,000 = 2,000 USD.
WET = (
    '[[change]]\nparameter = "source_cap"\nwhere = { source = "river" }\nset = 550\n'
    'unit = "m3"\nyears = YEARS\n'
)


def _write(folder: Path, text: str, name: str = "pw.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("selector", "costs"),
    [
        ('"1409.."', [2250.0, 2000.0, 2000.0]),  # a step in 1409: from 1409 on only
        ('"..1409"', [2000.0, 2000.0, 2250.0]),
        ('"1409..1409"', [2250.0, 2000.0, 2250.0]),
        ('[1404, "1414.."]', [2000.0, 2250.0, 2000.0]),
        ("1409", [2250.0, 2000.0, 2250.0]),
    ],
)
def test_a_change_applies_only_in_the_years_it_selects(
    tmp_path: Path, selector: str, costs: list[float]
) -> None:
    path = _write(tmp_path, HEAD + WET.replace("YEARS", selector))
    res = run_pathway(path)
    np.testing.assert_allclose(res["objective_year"].values, costs, rtol=1e-9)
    inputs, _ = prepare(load_pathway(path))
    caps = [float(ds["source_cap"].sel(source="river").sum()) for ds in inputs]
    assert caps == [550.0 if c == 2000.0 else 450.0 for c in costs]


def test_step_in_1409_by_hand(tmp_path: Path) -> None:
    """Mill a's output is 150 t in 1404 and 200 t from 1409 (the cap, not the water, binds)."""
    res = run_pathway(_write(tmp_path, HEAD + WET.replace("YEARS", '"1409.."')))
    a = res["production"].sel(process="a_mill").sum("period")
    np.testing.assert_allclose(a.values, [150.0, 200.0, 200.0], atol=1e-9)


def test_single_year_run_of_a_pathway_file_is_its_first_year(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + WET.replace("YEARS", '"1409.."'))
    assert load_scenario(path).year == 1404
    assert load_scenario(path).changes == ()
    assert len(load_scenario(path).dated) == 1
    assert rm.run(path).attrs["objective"] == pytest.approx(2250.0)
    assert load_scenario(path, year=1410).changes[0].value == 550.0


def test_retirement_takes_capacity_from_its_year(tmp_path: Path) -> None:
    """Half of mill a retires in 1409: a makes 100 t (water 400 m3 is free), b 200 t:
    500 + 2,000 = 2,500 USD from 1409; 1404 keeps 2,250."""
    text = HEAD + '[[retirement]]\nprocess = "a_mill"\nyear = 1409\nremaining = 0.5\n'
    path = _write(tmp_path, text)
    res = run_pathway(path)
    np.testing.assert_allclose(res["objective_year"].values, [2250.0, 2500.0, 2500.0], rtol=1e-9)
    inputs, _ = prepare(load_pathway(path))
    assert [float(ds["capacity"].sel(process="a_mill")) for ds in inputs] == [200, 100, 100]


def test_retirement_of_a_whole_plant(tmp_path: Path) -> None:
    """Plant b retires in 1414: a alone makes 200 t and 100 t are unmet there."""
    text = HEAD + '[[retirement]]\nplant = "b"\nyear = 1414\n'
    path = _write(tmp_path, text)
    res = run_pathway(path)
    inputs, _ = prepare(load_pathway(path))
    assert [float(ds["capacity"].sel(process="b_mill")) for ds in inputs] == [200, 200, 0]
    unmet = res["unmet"].sum([d for d in res["unmet"].dims if d != "year"])
    np.testing.assert_allclose(unmet.values, [0.0, 0.0, 100.0], atol=1e-9)


def test_a_selector_needs_a_pathway(tmp_path: Path) -> None:
    text = 'name = "one"\ndata = "two_plants"\n' + WET.replace("YEARS", '"1409.."')
    with pytest.raises(
        ScenarioError,
        match=r"pw.toml, \[\[change\]\] #1, years: a year selector "
        r"needs a pathway, but pw.toml has no \[pathway\] table",
    ):
        load_scenario(_write(tmp_path, text))


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ('"1414..1409"', "expected start <= end, found '1414..1409'"),
        ('".."', r"expected a year \(1409\), a range"),
        ('"next year"', r"expected .* found 'next year' \(a string\)"),
        ("true", r"expected .* found True \(a boolean\)"),
    ],
)
def test_bad_selectors_name_file_table_and_key(tmp_path: Path, selector: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=r"pw.toml, \[\[change\]\] #1, years: " + message):
        load_scenario(_write(tmp_path, HEAD + WET.replace("YEARS", selector)))


def test_a_selector_between_the_representative_years_is_an_error(tmp_path: Path) -> None:
    """1410..1413 holds no modelled year: the change would silently do nothing."""
    with pytest.raises(ScenarioError, match=r"#1, years: selects none of the pathway's years"):
        load_pathway(_write(tmp_path, HEAD + WET.replace("YEARS", '"1410..1413"')))


def test_bad_retirement_is_named(tmp_path: Path) -> None:
    text = HEAD + '[[retirement]]\nprocess = "a_mill"\nplant = "a"\nyear = "soon"\n'
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, text))
    text = str(err.value)
    assert "[[retirement]] #1: give exactly one of 'process' or 'plant'" in text
    assert "[[retirement]] #1, year: expected the first year without the capacity" in text


def test_what_if_changes_take_no_selector() -> None:
    from resourcemodel.scenario import parse_change

    raw = {"parameter": "source_cap", "scale": 0.5, "years": "1409.."}
    with pytest.raises(ScenarioError, match="years: a year selector belongs in a pathway"):
        parse_change(raw, "what-if, [[change]] #1")


ISFAHAN = Path(__file__).resolve().parents[1] / "scenarios" / "pathway-1404-1424.toml"


def test_isfahan_phase_one_runs_all_year_from_1405() -> None:
    """1404: from 15 Azar only (0.829 + 2 x 1.555 + 1.503 = 5.442 Mm3); later years
    0.6 m3/s x 365 days (6 x 1.607 + 5 x 1.555 + 1.503 = 18.920 Mm3)."""
    pathway = load_pathway(ISFAHAN)
    inputs, _ = prepare(pathway)
    desal = [float(ds["source_cap"].sel(source="desal_transfer").sum()) / 1e6 for ds in inputs]
    np.testing.assert_allclose(desal, [5.442] + [18.92] * 4, rtol=1e-9)
    cost = [float(ds["source_cost"].sel(source="desal_transfer").max()) for ds in inputs]
    assert cost == [1.1] * 5


def test_isfahan_desal_phase_costs_follow_the_review() -> None:
    """Capital per Mm3/yr: 800 MUSD / 200 (coast-Sirjan) + 291 MUSD / 40 (Sirjan-Mobarakeh)."""
    per_unit = 800e6 / 200 + 291e6 / 40
    phases = {c.source: c for c in load_pathway(ISFAHAN).candidates if c.source}
    assert set(phases) == {"desal_phase2", "desal_phase3"}
    assert phases["desal_phase2"].capital_cost == pytest.approx(30 * per_unit)
    assert phases["desal_phase3"].capital_cost == pytest.approx(130 * per_unit)
    assert phases["desal_phase2"].capacity + phases["desal_phase3"].capacity == 200 - 40


def test_diff_of_a_pathway_file_shows_the_dated_changes_by_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``resourcemodel diff``: the main table is the first year's (1404, the river at its
    case value 450 m3, so nothing differs), then the dated change with the years it applies
    in (550 m3 from 1409: 1409 and 1414) and the trajectory's factors by year (linear from
    1 in 1404 to 0.5 in 1414: 0.75 in 1409)."""
    from resourcemodel.cli import main

    text = HEAD + WET.replace("YEARS", '"1409.."')
    text += (
        '[[trajectory]]\nparameter = "demand"\npath = { 1404 = 1.0, 1414 = 0.5 }\n'
        'note = "example"\n'
    )
    path = _write(tmp_path, text)
    assert main(["diff", str(path)]) == 0
    out = capsys.readouterr().out
    first, dated = out.split("Dated changes")
    assert "the values below are its first year, 1404" in first
    assert "No value differs from the case data." in first
    row = next(line for line in dated.splitlines() if line.startswith("source_cap"))
    assert row.split()[:5] == ["source_cap[source=river,", "period=year]", "450", "550", "m3"]
    assert row.endswith("pw.toml, [[change]] #1, in 1409, 1414")
    assert "demand[]  1404: 1, 1409: 0.75, 1414: 0.5" in dated
