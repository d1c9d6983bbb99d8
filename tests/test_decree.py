"""Decrees as written: a cut shared pro rata against optimal allocation.

``decree`` by hand (derivation in its README): two half-years, river 600 m3 each; plant A
steel (500 USD/t, 100 USD/t cost, 4 m3/t, 1 job per t/yr), plant B cement (100 USD/t, 40
USD/t, 2 m3/t, 2 jobs per t/yr), 100 t of each demanded per half-year, 100 t capacity each.
Reference: both full, value added 92,000 USD, normal draws A 400 m3 and B 200 m3.
Summer river cut 30% (420 m3):

- optimal: A keeps 400 m3 (100 USD/m3 against B's 30), B makes 10 t: value added lost
  90 x 60 = 5,400 USD, sales lost 9,000 USD, jobs lost 90 x 2 = 180;
- pro rata: A <= 280 m3 (70 t), B <= 140 m3 (70 t): lost 30 x 400 + 30 x 60 = 13,800 USD,
  sales 18,000 USD, jobs 30 + 60 = 90.

With ``reference = "ref-500"`` (summer cap 500 m3 in the reference: A 400 m3, B 100 m3 by
value) pro rata allows A 280 m3 (70 t) and B 70 m3 (35 t): summer value added 70 x 400 +
35 x 60 = 30,100 USD, with winter's 46,000 USD: 76,100 USD.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import resourcemodel as rm
from resourcemodel.analyses import decree_cost, decree_table, explain
from resourcemodel.cli import main
from resourcemodel.exceptions import InfeasibleError, InputError, ScenarioError

SCENARIOS = rm.examples.path("decree") / "scenarios"
ROOT = Path(__file__).resolve().parents[1]
#: The shipped scenarios that cut a cap (a curtailment or a [[change]] of a cap).
SHIPPED_CUTS = (
    "water-crisis-25",
    "water-crisis-50",
    "water-crisis-30-summer",
    "summer-grid-10",
    "summer-grid-10-decree",
    "summer-grid-40",
    "winter-gas-2022",
)

CUT = """
[[curtailment]]
source = "river"
periods = ["summer"]
available = 0.7
rule = "{rule}"
"""


def _va(res: object) -> float:
    return float(json.loads(res.attrs["cost_totals_usd"])["value_added"])  # type: ignore[attr-defined]


def _scenario(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndata = "decree"\n' + body)
    return path


@pytest.mark.parametrize(("rule", "value_added"), [("optimal", 86_600.0), ("pro_rata", 78_200.0)])
def test_rule_by_hand(backend: str, rule: str, value_added: float, tmp_path: Path) -> None:
    res = rm.run(_scenario(tmp_path, "cut", CUT.format(rule=rule)), backend=backend)
    assert res.attrs["status"] == "optimal"
    assert _va(res) == pytest.approx(value_added, rel=1e-9)
    summer = res["production"].sel(period="summer")
    expected = {"optimal": (100.0, 10.0), "pro_rata": (70.0, 70.0)}[rule]
    assert summer.values.tolist() == pytest.approx(list(expected), abs=1e-6)
    # Winter is not cut: both plants run full either way.
    assert res["production"].sel(period="winter").values.tolist() == pytest.approx([100, 100])


def test_pro_rata_limits_are_in_the_diff() -> None:
    _, _, diff = rm.load(SCENARIOS / "summer-cut-pro-rata.toml")
    limits = {r["labels"]["plant"]: r["after"] for r in diff if r["parameter"] == "connection_cap"}
    assert limits == pytest.approx({"a": 280.0, "b": 140.0})
    assert all(
        r["labels"]["period"] == "summer" for r in diff if r["parameter"] == "connection_cap"
    )
    origin = next(r["origin"] for r in diff if r["parameter"] == "connection_cap")
    assert "[[curtailment]] #1" in origin and "pro rata" in origin


def test_reference_is_overridable(tmp_path: Path) -> None:
    ref = 'name = "ref-500"\ndata = "decree"\n[[change]]\nparameter = "source_cap"\n'
    ref += 'where = { period = "summer" }\nset = 500\nunit = "m3"\n'
    (tmp_path / "ref-500.toml").write_text(ref)
    path = _scenario(tmp_path, "cut", 'reference = "ref-500"\n' + CUT.format(rule="pro_rata"))
    res = rm.run(path)
    assert _va(res) == pytest.approx(76_100.0, rel=1e-9)
    assert res["production"].sel(period="summer").values.tolist() == pytest.approx([70, 35])
    # The analysis takes the same reference from the file.
    ds = decree_cost(path)
    assert ds.attrs["reference"] == "ref-500"
    assert float(ds["value_added_lost"].sel(rule="pro_rata")) == pytest.approx(
        ds.attrs["value_added_reference"] - 76_100.0
    )


def test_decree_cost_by_hand() -> None:
    ds = decree_cost(SCENARIOS / "summer-cut.toml")
    assert ds["value_added_lost"].values.tolist() == pytest.approx([5_400.0, 13_800.0])
    assert ds["sales_lost"].values.tolist() == pytest.approx([9_000.0, 18_000.0])
    assert ds["jobs_lost"].values.tolist() == pytest.approx([180.0, 90.0])
    assert ds["gain_from_optimal"].sel(plant=["a", "b"]).values.tolist() == pytest.approx(
        [12_000.0, -3_600.0]
    )
    assert ds["value_added_sector"].sel(rule="pro_rata", sector="steel") == pytest.approx(-12_000)
    assert ds["unmet"].sel(rule="optimal").values.tolist() == pytest.approx([0.0, 90.0])
    assert ds["normal_draw"].sel(cut_source="river").values.tolist() == pytest.approx([400, 200])
    draws = ds["draw"].sel(cut_source="river").values.tolist()
    assert draws == [pytest.approx([400, 20]), pytest.approx([280, 140])]
    assert ds["share"].sel(source="river").values.tolist() == [1.0, 0.7]
    assert ds.attrs["value_added_reference"] == pytest.approx(92_000.0)
    # A pro_rata scenario is compared the same way: its cut is its pro_rata curtailment.
    same = decree_cost(SCENARIOS / "summer-cut-pro-rata.toml")
    assert same["value_added_lost"].values.tolist() == pytest.approx([5_400.0, 13_800.0])


def test_decree_cost_of_a_cap_change(tmp_path: Path) -> None:
    """A [[change]] of a cap is a cut too; its share is the new cap over the reference's."""
    base = _scenario(tmp_path, "base", "")
    body = 'extends = ["base"]\n[[change]]\nparameter = "source_cap"\n'
    body += 'where = { period = "summer" }\nscale = 0.7\n'
    ds = decree_cost(_scenario(tmp_path, "cut", body))
    assert ds.attrs["reference"] == "base"
    assert ds["value_added_lost"].values.tolist() == pytest.approx([5_400.0, 13_800.0])
    assert base.exists()


def test_no_cut_is_an_error() -> None:
    with pytest.raises(InputError, match="cuts no cap"):
        decree_cost(ROOT / "scenarios" / "baseline.toml")


def test_a_combination_needs_pro_rata_rules() -> None:
    """A combination of scenarios has no file of its own: its cut must be pro_rata rules."""
    from resourcemodel.scenario import combine

    both = combine([ROOT / "scenarios" / "summer-grid-40.toml", ROOT / "scenarios/no-desal.toml"])
    assert both.own == 0
    with pytest.raises(InputError, match="cuts no cap of its own"):
        decree_cost(both)
    pro = combine([SCENARIOS / "summer-cut-pro-rata.toml"])
    assert decree_cost(pro)["value_added_lost"].values.tolist() == pytest.approx([5_400, 13_800])


def test_a_decree_that_names_plants(tmp_path: Path) -> None:
    """Only steel (plant A) is cut to 70% of its normal 400 m3: A <= 280 m3 and the summer
    cap falls by A's 120 m3 to 480 m3, so B keeps its 200 m3. Pro rata: A 70 t, B 100 t,
    value added lost 30 x 400 = 12,000 USD. The same 480 m3 shared by value: A 100 t (400 m3),
    B 40 t on 80 m3, lost 60 x 60 = 3,600 USD."""
    body = CUT.format(rule="pro_rata") + 'sectors = ["steel"]\n'
    path = _scenario(tmp_path, "steel-only", body)
    inputs, _, diff = rm.load(path)
    cap = inputs["source_cap"].sel(source="river", period="summer")
    assert float(cap) == pytest.approx(480.0)
    limits = {r["labels"]["plant"]: r["after"] for r in diff if r["parameter"] == "connection_cap"}
    assert limits == pytest.approx({"a": 280.0})
    res = rm.run(path)
    assert res["production"].sel(period="summer").values.tolist() == pytest.approx([70, 100])
    assert _va(res) == pytest.approx(80_000.0)
    ds = decree_cost(path)
    assert ds["value_added_lost"].values.tolist() == pytest.approx([3_600.0, 12_000.0])
    assert ds["cut_plant"].values.tolist() == [True, False]
    assert "plants the decree names: a" in decree_table(ds)
    # The same by plant name.
    by_name = _scenario(tmp_path, "a-only", CUT.format(rule="pro_rata") + 'plants = ["a"]\n')
    assert _va(rm.run(by_name)) == pytest.approx(80_000.0)


def test_named_plants_need_pro_rata_and_must_exist(tmp_path: Path) -> None:
    optimal = _scenario(tmp_path, "opt", CUT.format(rule="optimal") + 'plants = ["a"]\n')
    with pytest.raises(ScenarioError, match=r"#1, plants: 'plants' names .* rule = \"pro_rata\""):
        rm.run(optimal)
    wrong = _scenario(tmp_path, "wrong", CUT.format(rule="pro_rata") + 'sectors = ["steal"]\n')
    with pytest.raises(ScenarioError, match=r"#1, sectors: 'steal' matches no sector"):
        rm.run(wrong)


def test_unknown_rule_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"\[\[curtailment\]\] #1, rule.*'pro_rata'"):
        rm.run(_scenario(tmp_path, "cut", CUT.format(rule="prorata")))


def test_missing_reference_is_named(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "cut", 'reference = "nowhere"\n' + CUT.format(rule="pro_rata"))
    with pytest.raises(
        ScenarioError, match=r"cut\.toml, reference: reference scenario 'nowhere\.toml' not found"
    ):
        rm.run(path)


def test_infeasible_pro_rata_is_explained(tmp_path: Path) -> None:
    """Hard cement demand cannot be met on B's 140 m3: explain names the pro-rata limit."""
    body = CUT.format(rule="pro_rata")
    body += '\n[[change]]\nparameter = "min_delivery"\nwhere = { product = "cement" }\nset = 1\n'
    path = _scenario(tmp_path, "hard", body)
    with pytest.raises(InfeasibleError, match="decree cannot be applied as written"):
        decree_cost(path)
    # The cheapest repair lowers the hard demand by 30%; the alternative raises B's limit
    # (the elastic program relaxes pro-rata limits as connection caps): B needs 200 m3.
    ex = explain(path)
    text = str(ex)
    assert "min_delivery[cement, summer]) by 30 t, from 100 t to 70 t" in text
    assert "(connection_cap[b, river, summer]) by 60 m3, from 140 m3 to 200 m3" in text
    # Pasting that repair exempts B from the decree in summer (a connection cap the
    # scenario sets replaces the pro-rata limit): feasible; B takes 200 m3 of the cut 420,
    # A the other 220 m3 (55 t, within its 280 m3 limit).
    block = ex.changes_toml(1)
    assert 'parameter = "connection_cap"' in block and "set = 200" in block
    path.write_text(path.read_text() + "\n" + block)
    res = rm.run(path)
    assert res.attrs["status"] == "optimal"
    assert res["production"].sel(period="summer").values.tolist() == pytest.approx([55, 100])


def test_cli_prints_the_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "decree.nc"
    assert main(["decree-cost", str(SCENARIOS / "summer-cut.toml"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "value added lost  5.4 kUSD  13.8 kUSD" in text
    assert "Pro rata costs 8.4 kUSD of value added more than optimal allocation." in text
    assert rm.load_results(out)["value_added_lost"].values.tolist() == pytest.approx(
        [5_400.0, 13_800.0]
    )


@pytest.mark.parametrize("name", SHIPPED_CUTS)
def test_optimal_never_loses_more_than_pro_rata(name: str) -> None:
    ds = decree_cost(ROOT / "scenarios" / f"{name}.toml")
    lost = ds["value_added_lost"]
    assert float(lost.sel(rule="optimal")) <= float(lost.sel(rule="pro_rata")) + 1e-6 * abs(
        ds.attrs["value_added_reference"]
    )
    # Something is cut, and the plants' limits follow the share of normal use.
    assert float(ds["share"].min()) < 1.0
    normal = ds["normal_draw"].values
    pro = ds["draw"].sel(rule="pro_rata").values
    share = ds["share"].sel(source=ds["cut_source"].values)
    assert np.all(pro <= normal * float(share.max()) + 1e-6 * max(normal.max(), 1.0))
    # The table prints in planner units.
    assert " MUSD" in decree_table(ds)


def test_most_valuable_caps_leave_out_a_cap_worth_nothing() -> None:
    """Under the 10% decree as written the plants' own limits bind, not the grid cap: the
    cap sits at its limit with a shadow price of 0 and must not read as "most valuable"."""
    from resourcemodel import report

    root = Path(__file__).parents[1] / "scenarios"
    res = rm.run(root / "summer-grid-10-decree.toml")
    caps = report.binding_caps(res)
    assert ((caps["cap"] == "source_cap") & (caps["shadow_price"] <= 1e-9)).any()
    tops = report.top_caps(res)
    assert (tops["shadow_price"] > 1e-9).all()
    assert "0 USD/MWh" not in report.top_caps_text(res)


def test_price_of_the_decree_by_hand(backend: str, tmp_path: Path) -> None:
    """The per-plant limits' value, from the column duals of the supply bounds.

    The summer river cap raised to 1,000 m3 before the 30% pro-rata cut (cut cap 700 m3):
    the reference still draws A 400 m3 and B 200 m3 (both plants full), so the limits are
    A 280 m3 and B 140 m3, and the cut cap is slack (420 < 700 m3): the limits alone bind.
    One more m3 for A makes 1/4 t of steel (its demand is not met): 400 USD/t / 4 m3/t =
    100 USD/m3 of value added; for B 1/2 t of cement: 60 USD/t / 2 m3/t = 30 USD/m3.
    Winter is not cut: no limit (NaN), and no price.
    """
    body = '[[change]]\nparameter = "source_cap"\nwhere = { period = "summer" }\n'
    body += 'set = 1000\nunit = "m3"\n' + CUT.format(rule="pro_rata")
    res = rm.run(_scenario(tmp_path, "slack-cap", body), backend=backend)
    price = res["connection_cap_shadow_price"].sel(source="river")
    assert price.sel(period="summer").values.tolist() == pytest.approx([100.0, 30.0], rel=1e-9)
    assert np.isnan(price.sel(period="winter").values).all()
    assert res["connection_cap_limit"].sel(source="river", period="summer").values.tolist() == (
        pytest.approx([280.0, 140.0])
    )
    assert res["connection_cap_binding"].sel(source="river", period="summer").values.all()
    assert float(res["source_cap_shadow_price"].sel(source="river", period="summer")) == 0.0
    assert res["connection_cap_shadow_price"].attrs["units"] == "USD/{source.resource}"


def test_price_of_the_decree_at_a_degenerate_optimum(backend: str) -> None:
    """In ``summer-cut-pro-rata`` the limits (280 + 140 m3) fill the cut cap (420 m3) exactly:
    the value of a m3 at each plant (A 100, B 30 USD/m3: its ``resource_value``) is split
    between the cap and the plant's limit. Any split the solver picks must add up (the
    reduced cost of the supply column), and the cap's share is at most B's 30 USD/m3."""
    res = rm.run(SCENARIOS / "summer-cut-pro-rata.toml", backend=backend)
    limit = res["connection_cap_shadow_price"].sel(source="river", period="summer")
    cap = float(res["source_cap_shadow_price"].sel(source="river", period="summer"))
    value = res["resource_value"].sel(resource="water", period="summer")
    assert value.values.tolist() == pytest.approx([100.0, 30.0], rel=1e-9)
    assert (limit.values + cap).tolist() == pytest.approx([100.0, 30.0], rel=1e-9)
    assert 0.0 <= cap <= 30.0 + 1e-9


def test_the_decree_is_priced_in_the_report_and_brief() -> None:
    """``summer-grid-10-decree``: the steel and cement plants' grid limits bind in Tir and
    Mordad with a price (the grid cap itself is worth nothing at the margin); the most
    valuable cap on electricity is a plant's limit, and the brief's caps table names it.
    HiGHS and PuLP/CBC give the same prices."""
    from resourcemodel import report
    from resourcemodel.brief.content import caps_table, key_figures, messages

    path = ROOT / "scenarios" / "summer-grid-10-decree.toml"
    res = rm.run(path)
    other = rm.run(path, backend="pulp")
    where = {"source": "grid_electricity", "period": ["tir", "mordad"]}
    binding = res["connection_cap_binding"].sel(where).values
    assert binding.sum() >= 4
    a = res["connection_cap_shadow_price"].sel(where).values[binding]
    b = other["connection_cap_shadow_price"].sel(where).values[binding]
    assert (a > 1.0).any()
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    tops = report.top_caps(res)
    top = tops[tops["resource"] == "electricity"].iloc[0]
    assert top["cap"] == "connection_cap" and top["where"].split(", ")[1] == "grid_electricity"
    assert top["shadow_price"] == pytest.approx(float(a.max()))
    assert f"electricity: connection_cap[{top['where']}]" in report.top_caps_text(res)
    table = caps_table(res, "en")
    assert any("(plant's limit under the decree)" in str(row[0]) for row in table.rows)
    said = messages([res], key_figures([res], "en"), "en")
    assert any("limit under the decree" in m and "MWh" in m for m in said)
