"""Tests of scenario files: inheritance, selectors, operations, curtailment, diff, errors.

Fixtures live in ``tests/data/scenarios`` (see its README.md for the tiny case's caps).
Expected values are computed by hand in each test from those tables.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from resourcemodel import examples
from resourcemodel.exceptions import InputError, ScenarioError
from resourcemodel.scenario import Change, Scenario, apply_changes, format_diff, load_scenario
from resourcemodel.validate import load_inputs

DATA = Path(__file__).parent / "data" / "scenarios"
CASE = DATA / "tiny_case"
PERIODS = ["jun", "jul", "aug", "sep"]


def run(name: str) -> tuple[Scenario, xr.Dataset, xr.Dataset, list[dict]]:
    """Load a fixture scenario, its case, and apply it."""
    scenario = load_scenario(DATA / f"{name}.toml")
    base = load_inputs(scenario.data, overlays=scenario.overlays)
    ds, records = apply_changes(base, scenario)
    return scenario, base, ds, records


def cap(ds: xr.Dataset, source: str) -> list[float]:
    return [float(ds["source_cap"].sel(source=source, period=p)) for p in PERIODS]


def errors(name: str, *, apply: bool = False) -> str:
    """Return the message of the ScenarioError a broken fixture raises."""
    return errors_at(DATA / f"{name}.toml", apply=apply)


def errors_at(path: Path, *, apply: bool = False) -> str:
    with pytest.raises(ScenarioError) as info:
        scenario = load_scenario(path)
        if apply:
            apply_changes(load_inputs(scenario.data, overlays=scenario.overlays), scenario)
    assert isinstance(info.value, InputError)
    assert isinstance(info.value, ValueError)
    return str(info.value)


# -- inheritance --------------------------------------------------------------------------


def test_two_parents_resolve_in_order_with_shared_grandparent_once():
    scenario, base, ds, _ = run("two_parents")
    # base halves rivers; dry adds -100 Jul-Aug; expensive sets Aug to 250; child doubles Aug.
    assert scenario.chain == ("base", "dry", "expensive", "two_parents")
    assert cap(ds, "river_zayandeh") == [500, 800 * 0.5 - 100, 250 * 2, 500]
    assert cap(ds, "river_small") == [100] * 4
    assert cap(ds, "groundwater") == cap(base, "groundwater") == [500] * 4
    # base's change is applied once, not once per parent
    origins = [c.origin for c in scenario.changes]
    assert origins == [
        "parents/base.toml, [[change]] #1",
        "parents/dry.toml, [[change]] #1",
        "parents/expensive.toml, [[change]] #1",
        "two_parents.toml, [[change]] #1",
    ]
    assert scenario.name == "two_parents"  # default: the file stem
    assert scenario.description == "Two parents sharing a grandparent."


def test_options_child_overrides_parent_and_overlays_accumulate():
    scenario, base, _, _ = run("two_parents")
    assert scenario.options == {"objective": "value_added", "integer_measures": False}
    assert scenario.data == CASE.resolve()
    assert [p.name for p in scenario.overlays] == ["desal", "desal_price"]  # no duplicate
    assert float(base["source_cap"].sel(source="desal", period="jul")) == 300
    assert float(base["source_cost"].sel(source="desal", period="jul")) == 1.5


def test_three_level_chain():
    scenario, _, ds, _ = run("three_levels")
    assert scenario.chain == ("base", "dry", "three-levels")
    assert scenario.options == {"objective": "cost", "integer_measures": False}
    assert [p.name for p in scenario.overlays] == ["desal", "desal_price"]
    assert cap(ds, "river_zayandeh") == [500, 300, 400, 500]
    # 0.0005 Mm3 = 500 m3 replaces base's halving in jun and sep only
    assert cap(ds, "river_small") == [500, 100, 100, 500]


def test_child_data_replaces_parent_data_and_bundled_names_resolve():
    scenario = load_scenario(DATA / "bundled.toml")
    assert scenario.data == examples.path("two_plants").resolve()
    assert scenario.chain == ("base", "bundled")
    assert len(scenario.changes) == 1


def test_scenario_is_frozen():
    scenario = load_scenario(DATA / "operations.toml")
    with pytest.raises(AttributeError):
        scenario.name = "other"  # type: ignore[misc]
    assert isinstance(scenario.changes[0], Change)
    assert scenario.changes[0].where == {"source": ("river_*",), "period": ("?u?",)}


# -- selectors and operations -------------------------------------------------------------


def test_wildcards_and_list_selectors():
    _, _, ds, _ = run("operations")
    # river_* x ?u? (jun, jul, aug) halved; sep untouched
    assert cap(ds, "river_zayandeh") == [500, 400, 500, 1000]
    assert cap(ds, "river_small") == [100 + 10, 100, 100, 200]
    # ["jun", "sep"] set to 0.001 Mm3 = 1000 m3
    assert cap(ds, "groundwater") == [1000, 500, 500, 1000]
    assert cap(ds, "reclaimed") == [math.inf] * 4


def test_scale_set_add_with_units():
    _, base, ds, _ = run("operations")
    cost = ds["source_cost"].sel(source="river_zayandeh").values
    np.testing.assert_allclose(cost, [0.05 + 0.02] * 4)  # + 2 US cents/m3
    water = float(ds["intensity"].sel(process="steel_eaf", resource="water"))
    assert water == pytest.approx(2.5)  # 2500 L/t in m3/t
    adoption = ds["max_adoption"].sel(measure="recycle")
    assert float(adoption.sel(plant="steelworks")) == 0.25  # 0.5 scaled by 0.5
    assert float(adoption.sel(plant="cementworks")) == 0.2  # absent, then created by set
    assert math.isnan(float(base["max_adoption"].sel(plant="cementworks", measure="recycle")))
    # the input Dataset is not modified
    assert cap(base, "river_zayandeh") == [1000, 800, 1000, 1000]
    assert ds.attrs["scenario"] == "operations"


def test_curtailment_by_source_and_by_resource():
    scenario, _, ds, records = run("curtail")
    # change first (own_generation = 60), then curtailment #1 (grid x0.4 jul, aug),
    # then #2 (every electricity source x0.5 in aug).
    assert cap(ds, "grid_electricity") == [100, 40, 100 * 0.4 * 0.5, 100]
    assert cap(ds, "own_generation") == [60, 60, 30, 60]
    assert cap(ds, "river_zayandeh") == [1000, 800, 1000, 1000]
    curtail = scenario.changes[1]
    assert (curtail.parameter, curtail.op, curtail.value) == ("source_cap", "scale", 0.4)
    assert scenario.changes[2].where == {"source.resource": ("electricity",), "period": ("aug",)}
    origin = {(r["labels"]["source"], r["labels"]["period"]): r["origin"] for r in records}
    assert origin["grid_electricity", "jul"] == "curtail.toml, [[curtailment]] #1"
    assert origin["grid_electricity", "aug"] == "curtail.toml, [[curtailment]] #2"
    assert origin["own_generation", "jun"] == "curtail.toml, [[change]] #1"


# -- diff records -------------------------------------------------------------------------


def test_diff_records_content_and_origin():
    _, _, _, records = run("two_parents")
    by_key = {(r["labels"]["source"], r["labels"]["period"]): r for r in records}
    assert len(records) == 8  # river_zayandeh x 4, river_small x 4
    assert by_key["river_zayandeh", "aug"] == {
        "parameter": "source_cap",
        "labels": {"source": "river_zayandeh", "period": "aug"},
        "before": 1000.0,
        "after": 500.0,
        "unit": "m3",
        "origin": "two_parents.toml, [[change]] #1",  # the last change that touched it
    }
    assert by_key["river_zayandeh", "jul"]["origin"] == "parents/dry.toml, [[change]] #1"
    assert by_key["river_small", "sep"]["origin"] == "parents/base.toml, [[change]] #1"


def test_diff_records_absent_values_units_and_unchanged_elements():
    _, _, _, records = run("operations")
    rec = {(r["parameter"], *r["labels"].values()): r for r in records}
    created = rec["max_adoption", "cementworks", "recycle"]
    assert (created["before"], created["after"], created["unit"]) == (None, 0.2, "fraction")
    assert rec["intensity", "steel_eaf", "water"]["unit"] == "m3/t"
    assert rec["source_cost", "river_zayandeh", "jun"]["unit"] == "USD/m3"
    assert rec["source_cap", "river_small", "jun"]["after"] == 110
    assert rec["source_cap", "river_small", "jun"]["origin"] == "operations.toml, [[change]] #7"
    assert ("source_cap", "river_zayandeh", "sep") not in rec  # untouched
    assert ("source_cap", "reclaimed", "jun") not in rec  # inf * 0.5 skipped, not a diff
    assert len(records) == 15


def test_no_op_set_gives_no_record(tmp_path: Path):
    shutil.copytree(CASE, tmp_path / "case")
    (tmp_path / "same.toml").write_text(
        'data = "case"\n[[change]]\nparameter = "source_cap"\n'
        'where = { source = "river_small" }\nset = 200\n'
    )
    scenario = load_scenario(tmp_path / "same.toml")
    _, records = apply_changes(load_inputs(scenario.data), scenario)
    assert records == []
    assert format_diff(records) == "No value differs from the case data."


def test_format_diff():
    _, _, _, records = run("curtail")
    text = format_diff(records).splitlines()
    assert text[0].split() == ["value", "before", "after", "unit", "origin"]
    assert len(text) == 1 + len(records)
    line = next(t for t in text if "grid_electricity, period=jul" in t)
    assert line.split()[2:5] == ["100", "40", "MWh"]
    assert line.endswith("curtail.toml, [[curtailment]] #1")
    _, _, _, records = run("operations")
    assert "absent" in format_diff(records)


# -- errors -------------------------------------------------------------------------------


def test_toml_syntax_error_gives_line_and_column():
    msg = errors("bad_syntax")
    assert "bad_syntax.toml, line 5: TOML syntax error" in msg
    assert "line 5, column 13" in msg


def test_unknown_keys_and_bad_options_collected_in_one_error():
    msg = errors("bad_keys")
    assert "4 problems" in msg
    assert "bad_keys.toml, extend: unknown key 'extend' (did you mean 'extends'?)" in msg
    assert "bad_keys.toml, options.objective: expected one of ('cost', 'value_added')" in msg
    assert "bad_keys.toml, [[change]] #1, scael: unknown key 'scael' (did you mean 'scale'?)" in msg


def test_unknown_parameter_lists_known_ones():
    msg = errors("bad_parameter")
    assert "bad_parameter.toml, [[change]] #1, parameter:" in msg
    assert "'source_capp'" in msg
    assert "did you mean 'source_cap'?" in msg
    assert "known: ['capacity', 'availability'" in msg


def test_dim_the_parameter_does_not_have():
    msg = errors("bad_dim")
    assert "bad_dim.toml, [[change]] #1, where.plant: 'source_cap' has no dimension 'plant'" in msg
    assert "['source', 'period']" in msg


def test_selector_matching_nothing_is_an_error_naming_existing_labels():
    msg = errors("bad_selector", apply=True)
    assert "3 problems" in msg
    assert "bad_selector.toml, [[change]] #1, where.period: 'jly' matches no period" in msg
    assert "['jun', 'jul', 'aug', 'sep']" in msg
    assert "bad_selector.toml, [[change]] #2, where.source: 'lake_*' matches no source" in msg
    assert "'river_zayandeh'" in msg
    assert "[[change]] #3, where.source.resource: the selectors together match no source" in msg


def test_none_or_several_operations():
    msg = errors("bad_ops")
    assert "bad_ops.toml, [[change]] #1: give exactly one of 'scale', 'set' or 'add'" in msg
    assert "found ['scale', 'set']" in msg
    assert "bad_ops.toml, [[change]] #2: give exactly one" in msg
    assert "found none" in msg


def test_non_numbers_and_wrong_types():
    msg = errors("bad_values")
    assert "bad_values.toml, [[change]] #1, scale: expected a number, found '0.7' (a string)" in msg
    assert "bad_values.toml, [[change]] #2, where.period: expected a label" in msg
    assert "found 5 (an integer)" in msg
    assert "bad_values.toml, [[change]] #3, add: expected a finite number, found nan" in msg


def test_unknown_unit_and_unit_on_scale():
    msg = errors("bad_unit_unknown")
    assert "bad_unit_unknown.toml, [[change]] #1, unit: unknown unit 'Mm4'" in msg
    assert "bad_unit_unknown.toml, [[change]] #2, unit: 'scale' is a dimensionless" in msg


def test_incompatible_unit():
    msg = errors("bad_unit_incompatible", apply=True)
    assert "bad_unit_incompatible.toml, [[change]] #1, unit: 'MWh'" in msg
    assert "cannot measure 'source_cap'" in msg
    assert "convertible to m3" in msg


def test_change_making_a_cap_negative_names_its_origin():
    msg = errors("bad_negative", apply=True)
    assert "bad_negative.toml, [[change]] #1: 'source_cap' must be at least 0 (in m3)" in msg
    assert "becomes -50 for {'source': 'river_small', 'period': 'jul'}" in msg


def test_change_making_a_fraction_above_one():
    msg = errors("bad_fraction", apply=True)
    assert "bad_fraction.toml, [[change]] #1: 'availability' must be at most 1" in msg
    assert "and 3 more" in msg


def test_cross_parameter_rule_checked_after_changes(tmp_path: Path):
    shutil.copytree(CASE, tmp_path / "case")
    (tmp_path / "demand.toml").write_text(
        'data = "case"\n[[change]]\nparameter = "demand"\n'
        'where = { product = "cement" }\nset = 10\n'
    )
    msg = errors_at(tmp_path / "demand.toml", apply=True)
    assert (
        "scenario 'demand': product 'cement' has 'demand' "
        "but neither a 'price' nor an 'unmet_penalty'" in msg
    )


def test_scale_matching_only_absent_values():
    msg = errors("bad_absent", apply=True)
    assert "bad_absent.toml, [[change]] #1: matches only absent values of 'max_adoption'" in msg
    assert "Use 'set'" in msg


def test_curtailment_of_an_uncapped_source():
    msg = errors("bad_curtail_uncapped", apply=True)
    assert "bad_curtail_uncapped.toml, [[curtailment]] #1: no cap to curtail" in msg
    assert "['reclaimed']" in msg
    assert "set 'source_cap' first" in msg


def test_curtailment_available_outside_unit_interval_and_bad_keys():
    msg = errors("bad_curtail_available")
    assert "bad_curtail_available.toml, [[curtailment]] #1, available: expected a share" in msg
    assert "in [0, 1], found 1.5" in msg
    assert "[[curtailment]] #2: give exactly one of 'source' or 'resource'" in msg
    assert "[[curtailment]] #2: missing 'periods'" in msg


def test_missing_parent():
    msg = errors("bad_missing_parent")
    assert "bad_missing_parent.toml, extends: parent scenario 'parents/nope.toml' not found" in msg


def test_parent_cycle_names_the_chain():
    msg = errors("bad_cycle_a")
    assert "extends: inheritance cycle" in msg
    assert "bad_cycle_a.toml -> bad_cycle_b.toml -> bad_cycle_a.toml" in msg


def test_data_not_found_and_no_data_in_chain():
    msg = errors("bad_data_missing")
    assert "bad_data_missing.toml, data: folder 'no_such_case' not found" in msg
    assert "no bundled case" in msg
    msg = errors("bad_no_data")
    assert "bad_no_data.toml, data: no case folder given in the file or its parents" in msg


def test_paths_escaping_the_scenario_folder():
    msg = errors("bad_escape")
    assert "4 problems" in msg
    assert "bad_escape.toml, extends: '../../test_scenario.toml' resolves to" in msg
    assert "bad_escape.toml, data: '../../../docs' resolves to" in msg
    assert "bad_escape.toml, overlay: '/tmp' resolves to '/tmp', outside" in msg
    assert "bad_escape.toml, overlay: 'tiny_case/../../../data'" in msg


def test_missing_scenario_file():
    with pytest.raises(ScenarioError, match=r"nope\.toml'.*not found"):
        load_scenario(DATA / "nope.toml")


def test_curtailment_selector_errors_name_the_curtailment_key(tmp_path: Path):
    shutil.copytree(CASE, tmp_path / "case")
    (tmp_path / "cut.toml").write_text(
        'data = "case"\n[[curtailment]]\nresource = "power"\nperiods = ["jul", "dec"]\n'
        "available = 0.5\n"
    )
    msg = errors_at(tmp_path / "cut.toml", apply=True)
    assert (
        "cut.toml, [[curtailment]] #1, resource: 'power' matches no resource of any source" in msg
    )
    assert "['water', 'electricity']" in msg
    assert "cut.toml, [[curtailment]] #1, periods: 'dec' matches no period" in msg


def test_combine_applies_each_file_once_in_order(tmp_path: Path) -> None:
    """Two children of one parent: the parent's changes apply once, then each child's."""
    from resourcemodel.scenario import combine

    case = tmp_path / "case"
    shutil.copytree(examples.path("two_plants"), case)
    (tmp_path / "base.toml").write_text(
        'data = "case"\n[[change]]\nparameter = "source_cap"\nscale = 0.9\n'
    )
    for name, value in (("a", 5.0), ("b", 7.0)):
        (tmp_path / f"{name}.toml").write_text(
            f'extends = ["base"]\n[[change]]\nparameter = "production_cost"\n'
            f'where = {{ process = "{name}_mill" }}\nset = {value}\nunit = "USD/t"\n'
        )
    both = combine([tmp_path / "a.toml", tmp_path / "b.toml"])
    assert both.name == "a + b"
    assert [c.parameter for c in both.changes] == [
        "source_cap",
        "production_cost",
        "production_cost",
    ]
    inputs, _ = apply_changes(load_inputs(case), both)
    assert float(inputs["source_cap"].sum()) == pytest.approx(405)
    assert float(inputs["production_cost"].sel(process="b_mill")) == 7.0
    other = tmp_path / "other.toml"
    other.write_text('data = "product_chain"\n')
    with pytest.raises(ScenarioError, match="share one case"):
        combine([tmp_path / "a.toml", other])


def test_locate_matches_apply_changes() -> None:
    """A change located once and applied with numpy equals apply_changes, for each op."""
    from resourcemodel import load_inputs
    from resourcemodel.scenario import locate

    case = examples.path("two_plants")
    ds = load_inputs(case)
    for op, value, unit in (("scale", 0.7, None), ("add", 0.05, "Mm3"), ("set", 123.0, "m3")):
        change = Change("source_cap", {"source": ("riv*",)}, op, value, unit, "test")
        mask, per_unit = locate(ds, change)
        expected = ds["source_cap"].values.copy()
        if op == "scale":
            expected[mask] *= value
        elif op == "add":
            expected[mask] += value * per_unit[mask]
        else:
            expected[mask] = value * per_unit[mask]
        scenario = Scenario("t", "", None, case, (), {}, (change,), ("t",))
        got, _ = apply_changes(ds, scenario)
        np.testing.assert_allclose(got["source_cap"].values, expected)
    with pytest.raises(ScenarioError, match="matches no source"):
        locate(ds, Change("source_cap", {"source": ("lake",)}, "scale", 1.0, None, "test"))


def test_diff_shows_a_small_change_of_a_large_value() -> None:
    """add = -2 (m3) on a cap of 31 million m3: both values printed apart, not as 3.1e+07."""
    record = {
        "parameter": "source_cap",
        "labels": {"source": "river", "period": "jul"},
        "before": 31_000_000.0,
        "after": 30_999_998.0,
        "unit": "m3",
        "origin": "dry.toml, [[change]] #1",
    }
    line = format_diff([record]).splitlines()[1]
    assert line.split()[2:4] == ["31000000", "30999998"]
