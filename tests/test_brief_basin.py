"""The basin section of a brief: deliveries against demand, the dam, what a m3 earns.

On the Isfahan dry year (``basin-dry``, shared by value, and ``basin-dry-decree``): the
scenario files give the demands (drinking water 320 Mm3 hard and first, river-fed farms
700 Mm3 at 0.175 USD/m3, green space 60 Mm3, the wetland's dry-year right 176 Mm3 with no
value); the section must show them, what each user got, industry's river draw and the
dam's storage by month, in both languages, and nothing for a case without a basin.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.brief import basin, i18n
from resourcemodel.brief.document import Block, build

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    not (ROOT / "scenarios" / "basin-dry.toml").is_file(), reason="Isfahan basin not present"
)


@pytest.fixture(scope="module")
def dry() -> list[xr.Dataset]:
    return [rm.run(ROOT / "scenarios" / f"{n}.toml") for n in ("basin-dry", "basin-dry-decree")]


def _section(doc: object, lang: str) -> Block:
    heading = i18n.text("basin_heading", lang)
    found = [b for b in doc.blocks if b.heading == heading]  # type: ignore[attr-defined]
    assert len(found) == 1
    return found[0]


def test_deliveries_against_what_each_user_asks(dry: list[xr.Dataset]) -> None:
    block = _section(build(dry[:1], "en", "png"), "en")
    assert block.table is not None and block.chart is not None
    rows = {row[0]: row[1:] for row in block.table.rows}
    # Demands of the scenario file, million m3 a year; drinking water is met in full.
    assert rows["Drinking water of Isfahan and the towns on the river"] == [
        "served first",
        "320 of 320 (100%)",
    ]
    res = dry[0]
    got = res["user_delivery"].sum("period") / 1e6
    farms = f"{i18n.number(float(got.sel(user='agriculture')), 'en')} of 700"
    assert rows["River-fed agriculture"][0] == "0.175 USD/m3"
    assert rows["River-fed agriculture"][1].startswith(farms)
    assert rows["Gavkhouni wetland"][0] == "none: gets what is left"
    assert rows["Gavkhouni wetland"][1].split(" (")[0].endswith("of 176")
    assert rows["Urban green space of Isfahan city"][1].split(" (")[0].endswith("of 60")
    # Industry's row: what the plants draw from the river over the year.
    drawn = float(res["supply"].sel(source="river_zayandeh").sum()) / 1e6
    assert rows["Industry (what the plants draw)"][1] == i18n.number(drawn, "en")
    assert "million m3 over the year" in block.note
    # The chart: the dam's storage by month, and the river's value of a m3 by month.
    assert "Water in the dam at the end of each month" in block.chart.texts


def test_the_chart_draws_storage_and_the_value_of_a_m3(dry: list[xr.Dataset]) -> None:
    import matplotlib.pyplot as plt

    fig = basin.figure(dry, "en")
    store, worth = fig.axes[:2]
    for i, res in enumerate(dry):
        expected = res["storage"].sum("reservoir").values / 1e6
        assert store.get_lines()[i].get_ydata() == pytest.approx(expected)
        value = res["source_water_value"].sel(source="river_zayandeh").values
        assert worth.get_lines()[i].get_ydata() == pytest.approx(value)
    # The dry year starts and ends at the dam's 152 Mm3 (S52).
    assert store.get_lines()[0].get_ydata()[-1] == pytest.approx(152, rel=1e-6)
    plt.close(fig)


def test_a_comparison_has_one_column_per_scenario_and_persian_has_no_latin(
    dry: list[xr.Dataset],
) -> None:
    block = _section(build(dry, "en", "png"), "en")
    assert block.table is not None
    assert block.table.columns[2:] == [r.attrs["title"] for r in dry]
    # Decree or by value, the dry year leaves farms without river water here; the note
    # gives each scenario's range of the value of one more m3 at the river.
    for res in dry:
        value = res["source_water_value"].sel(source="river_zayandeh").values
        low = i18n.number(float(np.nanmin(value)), "en")
        assert f"{res.attrs['title']}: one more m3 at the river is worth {low} to" in block.note
    fa = _section(build(dry, "fa", "png"), "fa")
    assert fa.table is not None and fa.chart is not None
    parts = [fa.heading, fa.note, *fa.table.columns, *[c for r in fa.table.rows for c in r]]
    parts += fa.chart.texts
    assert not [p for p in parts if re.search("[A-Za-z0-9]", p)]


def test_no_basin_no_section() -> None:
    res = rm.run(rm.examples.path("two_plants"))
    assert not basin.has_basin(res)
    doc = build([res], "en", "svg")
    assert i18n.text("basin_heading", "en") not in [b.heading for b in doc.blocks]


def test_results_carry_the_users_value_and_priority(dry: list[xr.Dataset], tmp_path: Path) -> None:
    res = dry[0]
    assert res["user_value"].sel(user="agriculture").item() == pytest.approx(0.175)
    assert res["user_priority"].sel(user="drinking").item() > 0
    assert res["user_priority"].sel(user="gavkhouni").item() == 0
    back = rm.load_results(rm.save(res, tmp_path / "dry.nc"))
    xr.testing.assert_identical(back["user_value"], res["user_value"])
    # Units name the user's resource as the basin's other user variables do.
    assert back["user_value"].attrs["units"] == res["user_unit_value"].attrs["units"]


def test_an_older_results_file_without_user_values_still_gets_the_section(
    dry: list[xr.Dataset],
) -> None:
    old = dry[0].drop_vars(["user_value", "user_priority"])
    table = basin.table([old], "en")
    assert [row[1] for row in table.rows[:-1]] == ["–"] * old.sizes["user"]
    assert table.rows[0][2] == "320 of 320 (100%)"
