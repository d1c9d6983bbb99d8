"""Exports: one CSV file / Excel sheet per variable with units in headers; netCDF copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import report
from resourcemodel.cli import main
from resourcemodel.export import (
    WORKBOOK_SHEETS,
    ExportError,
    export,
    export_workbook,
    read_xlsx,
    significant,
    table,
    tables,
)

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


# --- one workbook comparing scenarios ------------------------------------------------------

ISFAHAN = Path(__file__).parent.parent / "scenarios"
ISFAHAN_PAIR = ["baseline.toml", "water-crisis-30-summer.toml"]
JALALI = ["farvardin", "ordibehesht", "khordad", "tir", "mordad", "shahrivar"]
JALALI += ["mehr", "aban", "azar", "dey", "bahman", "esfand"]


@pytest.fixture(scope="module")
def isfahan() -> list[xr.Dataset]:
    if not all((ISFAHAN / name).is_file() for name in ISFAHAN_PAIR):
        pytest.skip("Isfahan scenarios not present")
    return [rm.run(ISFAHAN / name) for name in ISFAHAN_PAIR]


@pytest.fixture(scope="module")
def isfahan_book(
    isfahan: list[xr.Dataset], tmp_path_factory: pytest.TempPathFactory
) -> openpyxl.Workbook:
    target = export_workbook(isfahan, tmp_path_factory.mktemp("book") / "compare.xlsx")
    return openpyxl.load_workbook(target)


def _rows(sheet: Any) -> list[dict[str, Any]]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _significant_digits(value: float) -> int:
    digits = f"{abs(value):.15g}".replace(".", "").lstrip("0").split("e")[0]
    return len(digits.rstrip("0")) or 1


def test_workbook_sheets_and_summary_columns(
    isfahan: list[xr.Dataset], isfahan_book: openpyxl.Workbook
) -> None:
    assert isfahan_book.sheetnames == list(WORKBOOK_SHEETS)
    summary = isfahan_book["Summary"]
    header = [c.value for c in summary[1]]
    assert header == ["Section", "Indicator", "Unit", "baseline", "water-crisis-30-summer"]
    assert summary.freeze_panes == "D2"
    assert all(isfahan_book[name].freeze_panes for name in WORKBOOK_SHEETS)
    assert summary.column_dimensions["B"].width > 20  # names are wide, not Excel's default
    rows = {r["Indicator"]: r for r in _rows(summary)}
    assert rows["Status"]["baseline"] == "optimal"
    river = rows["Zayandeh Rud surface water allocated to industry"]
    assert river["Unit"] == "million m3" and river["Section"].startswith("Water")
    assert rows["Cost (production, supply, measures)"]["Unit"] == "million USD"
    assert rows["Crude steel for flat products"]["Unit"] == "Mt"
    assert rows["Electricity"]["Unit"] == "TWh"
    assert rows["Natural gas (LHV), fuel and reductant"]["Unit"] == "PJ"
    caps = [r for r in rows.values() if r["Section"].startswith("Binding caps")]
    assert caps and all(r["Unit"].startswith("USD/") for r in caps)
    # The most valuable cap of the crisis first: summer grid electricity, by month name.
    assert caps[0]["Indicator"].startswith("Grid electricity")
    assert "(Jun-Jul)" in caps[0]["Indicator"] or "(Jul-Aug)" in caps[0]["Indicator"]
    assert caps[0]["water-crisis-30-summer"] > 100 > caps[0]["baseline"] >= 0
    tir = rows["Grid electricity to energy-intensive industry, Tir (Jun-Jul) (period cap)"]
    assert tir["water-crisis-30-summer"] > tir["baseline"] > 0  # binding in both


def test_workbook_summary_equals_report_comparison(
    isfahan: list[xr.Dataset], isfahan_book: openpyxl.Workbook
) -> None:
    from resourcemodel import units

    rows = {r["Indicator"]: r for r in _rows(isfahan_book["Summary"])}
    compared = report.comparison(isfahan).set_index("scenario")
    checked = 0
    names = {
        "cost": "Cost (production, supply, measures)",
        "value added": "Value added",
        "sales lost": "Sales lost to unmet demand",
        "groundwater_isfahan_borkhar": "Groundwater, Isfahan-Borkhar plain",
        "electricity": "Electricity",
    }
    spelled = {"million m3": "Mm3", "million USD": "MUSD"}
    for column in compared.columns:
        label, _, unit = str(column).partition(" [")
        if label not in names:
            continue
        row = rows[names[label]]
        factor = units.factor(unit.rstrip("]"), spelled.get(row["Unit"], row["Unit"]))
        for scenario, value in compared[column].items():
            assert row[scenario] == pytest.approx(value * factor, rel=5e-4), (label, scenario)
            checked += 1
    assert checked == 2 * len(names)
    share = rows["Largest share of a product's demand unmet"]
    for scenario, text in compared["max unmet"].items():
        assert share[scenario] == pytest.approx(float(text.rstrip("%")), abs=0.05)
    assert share["water-crisis-30-summer"] > 1


def test_workbook_cells_are_readable(isfahan_book: openpyxl.Workbook) -> None:
    floats = 0
    for sheet in isfahan_book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.lstrip().startswith(("{", "[")), (sheet.title, value)
                    assert '": ' not in value, (sheet.title, value)  # no JSON inside text
                elif isinstance(value, float):
                    floats += 1
                    assert _significant_digits(value) <= 6, (sheet.title, value)
    assert floats > 1000


def test_workbook_long_sheets_use_names_and_periods(
    isfahan: list[xr.Dataset], isfahan_book: openpyxl.Workbook
) -> None:
    production = _rows(isfahan_book["Production"])
    assert list(production[0]) == [
        "Scenario", "Plant", "Process", "Product", "Period", "Production", "Unit"
    ]  # fmt: skip
    periods = [str(isfahan[0]["period_name"].sel(period=p).item()) for p in JALALI]
    assert "Tir (Jun-Jul)" in periods
    assert {r["Period"] for r in production} == set(periods)
    assert "Mobarakeh Steel Company" in {r["Plant"] for r in production}
    codes = {str(v) for v in isfahan[0]["process"].values}
    assert not codes & {r["Process"] for r in production}
    supply = _rows(isfahan_book["Supply"])
    assert {r["Scenario"] for r in supply} == {"baseline", "water-crisis-30-summer"}
    river = [r for r in supply if r["Source"].startswith("Zayandeh Rud")]
    assert river and {r["Unit"] for r in river} == {"million m3"}
    total = sum(r["Supply"] for r in river if r["Scenario"] == "baseline")
    expected = float(isfahan[0]["supply"].sel(source="river_zayandeh").sum()) / 1e6
    assert total == pytest.approx(expected, rel=1e-3)
    deliveries = _rows(isfahan_book["Deliveries"])
    lost = [r for r in deliveries if r["Scenario"] == "water-crisis-30-summer" and r["Unmet"]]
    assert lost and all(r["Unit"] for r in lost)
    caps = _rows(isfahan_book["Binding caps"])
    assert any(r["Where"] == "Grid electricity to energy-intensive industry, Tir (Jun-Jul)"
               for r in caps)  # fmt: skip
    changes = _rows(isfahan_book["Scenario changes"])
    assert changes and all(r["Scenario"] == "water-crisis-30-summer" for r in changes)
    assert any("period: Tir (Jun-Jul)" in r["Applies to"] for r in changes)


def test_workbook_run_card_is_key_value_text(isfahan_book: openpyxl.Workbook) -> None:
    card = isfahan_book["Run card"]
    assert card.max_column == 2
    rows = [tuple(r) for r in card.iter_rows(values_only=True)]
    assert rows[0] == ("Item", "Value")
    assert ("Scenario", "water-crisis-30-summer") in rows
    chain = dict(r for r in rows if r[0] == "Scenario chain")  # the last scenario's
    assert chain["Scenario chain"] == "baseline → year-1404 → water-crisis-30-summer"
    costs = next(v for k, v in rows if k == "Cost totals")
    assert costs.startswith("production ") and costs.endswith("(million USD per year)")


def test_workbook_repeated_names_and_cli(two_plants: xr.Dataset, tmp_path: Path) -> None:
    nc = rm.save(two_plants, tmp_path / "two_plants.nc")
    book = tmp_path / "compare.xlsx"
    assert main(["export", str(nc), str(nc), "--workbook", str(book)]) == 0
    summary = openpyxl.load_workbook(book)["Summary"]
    assert [c.value for c in summary[1]][3:] == ["two_plants", "two_plants (2)"]
    assert not (tmp_path / "export").exists()  # only the workbook without --format
    assert main(["export", str(nc), "--workbook", str(tmp_path / "x.csv")]) == 2
    with pytest.raises(ExportError, match="is a folder"):
        export_workbook(two_plants, tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.01999999999999999, 0.02), (123456.7, 123500.0), (-0.000123456, -0.0001235), (0, 0.0)],
)
def test_significant(value: float, expected: float) -> None:
    assert significant(value) == expected
    assert significant(float("inf")) == "∞" and significant(float("nan")) is None
    assert significant("optimal") == "optimal"
