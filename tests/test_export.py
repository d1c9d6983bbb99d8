"""Exports: one CSV file / Excel sheet per variable with units in headers; netCDF copies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel.cli import main
from resourcemodel.export import ExportError, export, read_xlsx, table, tables

SCENARIOS = Path(__file__).parent / "data" / "scenarios"


@pytest.fixture(scope="module")
def two_plants() -> xr.Dataset:
    return rm.run(rm.examples.path("two_plants"))


@pytest.fixture(scope="module")
def power_cut() -> xr.Dataset:
    """Water in m3 and electricity in MWh: units differ by row."""
    return rm.run(SCENARIOS / "curtail.toml")


def _header(frame: pd.DataFrame, name: str) -> str:
    return next(c for c in frame.columns if c.split(" [")[0] == name)


def test_table_units_in_header(two_plants: xr.Dataset) -> None:
    supply = table(two_plants, "supply")
    assert supply.columns.tolist() == ["plant", "source", "period", "supply [m3]"]
    # 150 t in each mill: 300 m3 from mill A (2 m3/t), 150 m3 from mill B.
    assert supply["supply [m3]"].tolist() == pytest.approx([300.0, 150.0])
    assert table(two_plants, "production").columns[-1] == "production [t]"
    assert table(two_plants, "source_cap_shadow_price").columns[-1] == (
        "source_cap_shadow_price [USD/m3]"
    )
    assert table(two_plants, "cost_production").columns[-1] == "cost_production [USD]"


def test_mixed_units_get_a_unit_column(power_cut: xr.Dataset) -> None:
    supply = table(power_cut, "supply")
    assert "supply [see unit]" in supply.columns
    resource = power_cut["source_resource"].to_series()
    units = power_cut["resource_unit"].to_series()
    expected = [units[resource[s]] for s in supply["source"]]
    assert supply["unit"].tolist() == expected
    assert set(expected) == {"m3", "MWh"}


def test_absent_elements_are_left_out(power_cut: xr.Dataset) -> None:
    supply = table(power_cut, "supply")
    connected = power_cut["supply"].notnull().sum().item()
    assert len(supply) == connected < power_cut["supply"].size


def test_run_card_provenance_and_diff_tables(power_cut: xr.Dataset) -> None:
    out = tables(power_cut)
    card = out["run_card"].set_index("item")["value"]
    assert card["status"] == "optimal"
    assert card["provenance"] == "see table provenance"
    diff = out["scenario_diff"]
    first = diff.iloc[0]
    assert first["parameter"] == "source_cap"
    assert json.loads(first["labels"]) == {"source": "grid_electricity", "period": "jul"}
    assert (first["before"], first["after"], first["unit"]) == (100.0, 40.0, "MWh")
    assert out["provenance"].columns.tolist() == [
        "parameter",
        "labels",
        "reference",
        "confidence",
        "note",
    ]
    assert set(out["provenance"]["confidence"]) == {"assumption"}


def test_csv_one_file_per_variable(power_cut: xr.Dataset, tmp_path: Path) -> None:
    written = export(power_cut, "csv", tmp_path)
    folder = tmp_path / "power-cut"
    names = {p.stem for p in written}
    assert names == {*map(str, power_cut.data_vars), "run_card", "provenance", "scenario_diff"}
    assert all(p.parent == folder for p in written)
    back = pd.read_csv(folder / "production.csv")
    header = _header(back, "production")
    assert header == "production [t]"
    expected = power_cut["production"].to_series()
    got = back.set_index(["process", "period"])[header]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert not list(tmp_path.rglob("*.part"))


def test_xlsx_round_trips_every_number(power_cut: xr.Dataset, tmp_path: Path) -> None:
    (path,) = export(power_cut, "xlsx", tmp_path)
    assert path == tmp_path / "power-cut.xlsx"
    sheets = read_xlsx(path)
    for name in power_cut.data_vars:
        da = power_cut[name]
        frame = sheets[str(name)[:31]]
        header = _header(frame, str(name))
        expected = da.to_series().dropna()
        got = frame.set_index(list(da.dims))[header] if da.ndim else frame[header]
        if da.dtype == bool:
            got = got.astype(bool)
        assert len(got) == len(expected), name
        assert got.sort_index().index.equals(expected.sort_index().index), name
        # Excel keeps 15-16 significant digits (openpyxl writes 16): equal to ~1 ulp.
        np.testing.assert_allclose(
            got.sort_index().to_numpy(dtype=float),
            expected.sort_index().to_numpy(dtype=float),
            rtol=1e-15,
            atol=0,
            err_msg=str(name),
        )
    # Infinite range ends (a slack cap's value holds for any larger cap) come back as inf.
    upper = sheets["source_cap_range_upper"]
    assert np.isinf(upper[_header(upper, "source_cap_range_upper")]).any()
    card = sheets["run_card"].set_index("item")["value"]
    assert float(card["objective"]) == pytest.approx(power_cut.attrs["objective"])


def test_netcdf_is_identical(two_plants: xr.Dataset, tmp_path: Path) -> None:
    (path,) = export(two_plants, "netcdf", tmp_path)
    xr.testing.assert_identical(rm.load_results(path), two_plants)


def test_errors(two_plants: xr.Dataset, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="Unknown export format 'json'"):
        export(two_plants, "json", tmp_path)
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(ExportError, match="is a file; give a folder"):
        export(two_plants, "csv", afile)
    with pytest.raises(ExportError, match="no such results file"):
        export(tmp_path / "missing.nc", "csv", tmp_path)


def test_cli_export(two_plants: xr.Dataset, tmp_path: Path) -> None:
    nc = rm.save(two_plants, tmp_path / "two_plants.nc")
    assert main(["export", str(nc), "--format", "xlsx", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "two_plants.xlsx").is_file()
    assert main(["export", str(tmp_path / "nope.nc"), "--out", str(tmp_path / "y")]) == 2
