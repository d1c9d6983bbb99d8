"""Source groups in the results: members, names and resource, kept through netCDF.

Isfahan's ``source_groups.csv`` makes ``freshwater`` of ``river_zayandeh`` and
the three groundwater plains (named "Freshwater (surface + groundwater)") and ``grid`` of
the two grid supplies. The brief's water chart reads the members from the results instead of
guessing them from the draws.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.brief import drawings, i18n

ROOT = Path(__file__).resolve().parents[1]
FRESH = [
    "river_zayandeh",
    "groundwater_lenjanat",
    "groundwater_isfahan_borkhar",
    "groundwater_other_plains",
]


@pytest.fixture(scope="module")
def base() -> xr.Dataset:
    return rm.run(ROOT / "scenarios" / "baseline.toml")


def test_results_carry_members_names_and_resource_through_netcdf(
    base: xr.Dataset, tmp_path: Path
) -> None:
    back = rm.load_results(rm.save(base, tmp_path / "base.nc"))
    for res in (base, back):
        member = res["group_member"].sel(group="freshwater")
        assert member.dtype == bool
        assert sorted(res.source.values[member.values]) == sorted(FRESH)
        assert res["group_name"].sel(group="freshwater").item().startswith("Freshwater")
        assert res["group_name_fa"].sel(group="freshwater").item() == "آب شیرین (سطحی و زیرزمینی)"
        assert res["group_resource"].sel(group="grid").item() == "electricity"
        assert res["group_member"].attrs["units"] == "dimensionless"
    xr.testing.assert_identical(back["group_member"], base["group_member"])


def test_the_brief_reads_the_members_not_the_draws(base: xr.Dataset) -> None:
    assert drawings.group_members([base], "freshwater") == FRESH
    # A stored membership the draws do not match is still what the brief uses...
    odd = base.copy()
    odd["group_member"] = base["group_member"].copy(data=np.zeros_like(base["group_member"]))
    odd["group_member"].loc[{"group": "freshwater", "source": "groundwater_lenjanat"}] = True
    assert i18n.group_members(odd, "freshwater") == ["groundwater_lenjanat"]
    # ...and a results file written before group_member existed is inferred as before.
    old = base.drop_vars("group_member")
    assert i18n.group_members(old, "freshwater") == FRESH
    # Names come from source_groups.csv; without them, from the members.
    assert i18n.display_name(base, "group", "freshwater", "en") == "Freshwater"
    unnamed = old.drop_vars(["group_name", "group_name_fa"])
    assert i18n.display_name(unnamed, "group", "freshwater", "en") == (
        "Zayandeh Rud surface water allocated to industry + Groundwater, Lenjanat plain"
        " + Groundwater, Isfahan-Borkhar plain + Groundwater, other plains"
    )
