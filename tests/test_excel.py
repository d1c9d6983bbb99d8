"""Cases as Excel workbooks: read, validated with sheet/row/column, written, round-tripped."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr

import resourcemodel as rm
from resourcemodel import excel
from resourcemodel.cli import main
from resourcemodel.exceptions import InputWarning, ValidationError

CaseCopy = Callable[[str], Path]
ISFAHAN = Path(rm.__file__).parent / "data" / "isfahan"


def _load_quiet(path: Path) -> xr.Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return rm.load_inputs(path)


def _without_case(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset without ``attrs['case']``, the one attribute that names the location."""
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k != "case"}
    return out


def _assert_bit_equal(a: xr.Dataset, b: xr.Dataset) -> None:
    """Identical Datasets (values, coords, attrs incl. Persian names), floats bit for bit."""
    xr.testing.assert_identical(_without_case(a), _without_case(b))
    for name in a.variables:
        left, right = np.asarray(a[name].values), np.asarray(b[name].values)
        if left.dtype.kind == "f":
            assert left.tobytes() == right.tobytes(), name


@pytest.fixture(scope="module")
def isfahan_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return excel.write_workbook(ISFAHAN, tmp_path_factory.mktemp("book") / "isfahan.xlsx")


def test_isfahan_round_trip_csv_xlsx_csv(isfahan_book: Path, tmp_path: Path) -> None:
    original = _load_quiet(ISFAHAN)
    from_book = _load_quiet(isfahan_book)
    _assert_bit_equal(original, from_book)
    # Persian text survives (plant names, provenance notes) and the hash names the data.
    assert "فولاد" in " ".join(map(str, from_book["plant_name_fa"].values))
    assert from_book.attrs["input_hash"] == original.attrs["input_hash"]
    back = excel.write_folder(isfahan_book, tmp_path / "back")
    _assert_bit_equal(original, _load_quiet(back))
    # Every table comes back with the same cells (numbers may be spelt more shortly).
    before, after = excel.read_case_tables(ISFAHAN), excel.read_case_tables(back)
    assert list(before) == list(after)
    for file, frame in before.items():
        other = after[file]
        assert list(frame.columns) == list(other.columns), file
        for column in frame.columns:
            if column in excel.NUMBER_COLUMNS:
                np.testing.assert_array_equal(
                    frame[column].astype(float).to_numpy(), other[column].astype(float).to_numpy()
                )
            else:
                assert frame[column].tolist() == other[column].tolist(), (file, column)


def test_workbook_layout(isfahan_book: Path) -> None:
    book = openpyxl.load_workbook(isfahan_book)
    assert book.sheetnames[0] == excel.README_SHEET
    assert set(book.sheetnames[1:]) == {f[:-4] for f in excel.table_files()}
    readme = [row for row in book[excel.README_SHEET].iter_rows(values_only=True)]
    described = {row[0]: row for row in readme if row and row[0] in book.sheetnames}
    assert "Resource used per unit of product" in described["intensity"][2]
    assert (
        described["intensity"][3] == "[unit of the row's resource]/[unit of the process's product]"
    )
    intensity = book["intensity"]
    header = [c.value for c in intensity[1]]
    assert header == ["process", "resource", "value", "unit", "reference", "confidence", "note"]
    assert all(c.font.bold for c in intensity[1])
    assert intensity.freeze_panes == "A2"
    assert "canonical" in intensity.cell(1, header.index("unit") + 1).comment.text
    assert intensity.column_dimensions["A"].width >= len("process") + 1
    values = [intensity.cell(r, 3).value for r in range(2, intensity.max_row + 1)]
    assert all(isinstance(v, int | float) for v in values)  # numbers a planner can sum
    units = [intensity.cell(r, 4).value for r in range(2, intensity.max_row + 1)]
    assert all(isinstance(u, str) for u in units)
    # A table the case lacks is a header row to fill in, with its dimensions first.
    assert [c.value for c in book["must_run"][1]][:2] == ["process", "period"]
    assert book["must_run"].max_row == 1


def _book_of(case: Path, tmp_path: Path) -> Path:
    return excel.write_workbook(case, tmp_path / "case.xlsx")


def _edit(path: Path, sheet: str, row: int, column: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    ws.cell(row, header.index(column) + 1).value = value
    book.save(path)


def _message(path: Path) -> str:
    with pytest.raises(ValidationError) as info:
        rm.load_inputs(path)
    return str(info.value)


def test_errors_name_workbook_sheet_row_and_column(case_copy: CaseCopy, tmp_path: Path) -> None:
    case = case_copy("two_plants")
    book = _book_of(case, tmp_path)
    _edit(book, "intensity", 3, "value", "1,5")
    _edit(book, "capacity", 2, "process", "z_mill")
    _edit(book, "intensity", 2, "unit", "furlongs_per_t")
    err = _message(book)
    assert (
        "'case.xlsx', sheet 'intensity', row 3, column 'value': expected a number, found '1,5'"
        in err
    )
    assert "thousands separators" in err
    assert "'case.xlsx', sheet 'capacity', row 2, column 'process': unknown process 'z_mill'" in err
    book = _book_of(case, tmp_path)
    _edit(book, "intensity", 2, "unit", "furlongs_per_t")
    err = _message(book)
    assert (
        "'case.xlsx', sheet 'intensity', row 2, column 'unit': unknown unit 'furlongs_per_t'" in err
    )


def test_sheet_header_problems(case_copy: CaseCopy, tmp_path: Path) -> None:
    book_path = _book_of(case_copy("two_plants"), tmp_path)
    book = openpyxl.load_workbook(book_path)
    book["capacity"].insert_rows(1)
    book["capacity"]["A1"] = "Capacities 1403"
    book["demand"].cell(3, 9).value = "stray"  # a value right of the named columns
    book.save(book_path)
    err = _message(book_path)
    assert (
        "'case.xlsx', sheet 'capacity', row 2: the column names are on row 2, but they must be "
        "on row 1; delete row 1 (a title row?)" in err
    )
    assert "'case.xlsx', sheet 'demand', row 1, column I (9) (after 'confidence')" in err
    assert "the header cell is empty but row 3 has 'stray'" in err
    _edit(book_path, "periods", 1, "period", "periode")
    assert "'case.xlsx', sheet 'periods', row 1: missing column(s) ['period']" in _message(
        book_path
    )


def test_rows_are_numbered_as_in_excel(case_copy: CaseCopy, tmp_path: Path) -> None:
    """Blank rows stay counted: the message names the row the planner sees."""
    book_path = _book_of(case_copy("two_plants"), tmp_path)
    book = openpyxl.load_workbook(book_path)
    ws = book["intensity"]
    ws.insert_rows(2, amount=4)  # rows 2-5 blank; the data start on row 6
    book.save(book_path)
    _edit(book_path, "intensity", 7, "confidence", "certain")
    assert "'case.xlsx', sheet 'intensity', row 7, column 'confidence': 'certain'" in _message(
        book_path
    )


def test_misnamed_and_stray_sheets(case_copy: CaseCopy, tmp_path: Path) -> None:
    case = case_copy("two_plants")
    book_path = _book_of(case, tmp_path)
    book = openpyxl.load_workbook(book_path)
    book["capacity"].title = "tmp"
    book["tmp"].title = "Capacity"
    book.create_sheet("my notes")
    book.save(book_path)
    err = _message(book_path)
    assert "'case.xlsx': no sheet 'capacity', but 'Capacity' is there: rename the sheet" in err
    del book["Capacity"]
    del book["periods"]
    book.save(book_path)
    err = _message(book_path)
    assert "'case.xlsx': required sheet 'periods' missing" in err
    book_path = _book_of(case, tmp_path)
    book = openpyxl.load_workbook(book_path)
    book.create_sheet("my notes")
    book.save(book_path)
    with pytest.warns(
        InputWarning, match="'case.xlsx', sheet 'my notes' is not a table of the model"
    ):
        rm.load_inputs(book_path)


def test_text_stays_text(case_copy: CaseCopy, tmp_path: Path) -> None:
    """A note that looks like a formula or a number is written and read back as typed."""
    case = case_copy("two_plants")
    text = (case / "intensity.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[0] += ",note"
    lines[1] += ",=2*3 says the dossier"
    lines[2] += ",007"
    lines[1:] = [line if line.count(",") == 6 else line + "," for line in lines[1:]]
    (case / "intensity.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = _book_of(case, tmp_path)
    frame = excel.read_case_tables(book)["intensity.csv"]
    assert frame["note"].tolist()[:2] == ["=2*3 says the dossier", "007"]
    _assert_bit_equal(_load_quiet(case), _load_quiet(book))


def test_folder_with_workbook_only_names_it(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    excel.write_workbook(rm.examples.path("two_plants"), folder / "plan.xlsx")
    err = _message(folder)
    assert "holds no CSV tables but the workbook 'plan.xlsx'" in err
    assert "give the workbook itself as the case" in err
    assert "'periods.csv'" not in err  # no longer blames a table the planner never wrote


def test_workbook_beside_csv_tables_is_reported(case_copy: CaseCopy, tmp_path: Path) -> None:
    case = case_copy("two_plants")
    excel.write_workbook(case, case / "draft.xlsx")
    with pytest.warns(
        InputWarning, match="'draft.xlsx' is not read: this case is read from the CSV"
    ):
        rm.load_inputs(case)


def test_table_saved_as_workbook(case_copy: CaseCopy) -> None:
    """capacity.xlsx instead of capacity.csv: save it as CSV, not 'rename it'."""
    case = case_copy("two_plants")
    shutil.move(case / "capacity.csv", case / "capacity.xlsx")
    err = _message(case)
    assert "'capacity.csv': not found" in err
    assert (
        "the spreadsheet 'capacity.xlsx' is there, which is not read: save it as 'capacity.csv'"
        in err
    )
    assert "rename" not in err


def test_old_formats_are_refused_with_advice(tmp_path: Path) -> None:
    old = tmp_path / "case.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    assert "save it as 'Excel Workbook (.xlsx)'" in _message(old)
    broken = tmp_path / "case.xlsx"
    broken.write_bytes(b"not a zip")
    assert "'case.xlsx': cannot read the workbook" in _message(broken)


def test_scenario_data_may_be_a_workbook(tmp_path: Path) -> None:
    excel.write_workbook(rm.examples.path("two_plants"), tmp_path / "case.xlsx")
    (tmp_path / "dry.toml").write_text(
        'name = "dry"\ndata = "case.xlsx"\n[[change]]\nparameter = "source_cap"\n'
        'where = {source = "river"}\nscale = 0.5\n',
        encoding="utf-8",
    )
    from_book = rm.run(tmp_path / "dry.toml")
    shutil.copytree(rm.examples.path("two_plants"), tmp_path / "folder")
    (tmp_path / "dry2.toml").write_text(
        (tmp_path / "dry.toml").read_text().replace('"case.xlsx"', '"folder"'), encoding="utf-8"
    )
    from_folder = rm.run(tmp_path / "dry2.toml")
    assert float(from_book["production"].sum()) == float(from_folder["production"].sum())
    assert from_book.attrs["status"] == "optimal"


def test_cli_template_and_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "two_plants", "--out", str(tmp_path / "tp.xlsx")]) == 0
    assert main(["validate", str(tmp_path / "tp.xlsx")]) == 0
    assert "tp.xlsx: OK" in capsys.readouterr().out
    assert main(["template", str(tmp_path / "tp.xlsx"), "--out", str(tmp_path / "csv")]) == 0
    # Tables with rows come back; header-only sheets do not become new empty files.
    original = {
        p.name
        for p in rm.examples.path("two_plants").glob("*.csv")
        if len(p.read_text(encoding="utf-8").splitlines()) > 1
    }
    assert {p.name for p in (tmp_path / "csv").glob("*.csv")} == original
    _assert_bit_equal(_load_quiet(rm.examples.path("two_plants")), _load_quiet(tmp_path / "csv"))
    assert main(["template", "no_such_case", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "no bundled case of that name" in capsys.readouterr().err
    scenario = Path(__file__).parents[1] / "scenarios" / "baseline.toml"
    assert main(["template", str(scenario), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "is a scenario file; template writes a case" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_overlay_may_be_a_workbook(tmp_path: Path) -> None:
    overlay = Path(__file__).parents[1] / "scenarios" / "overlays" / "new_steel_plant"
    book = excel.write_workbook(overlay, tmp_path / "new_steel_plant.xlsx")
    from_folder = rm.load_inputs(ISFAHAN, overlays=[overlay])
    from_book = rm.load_inputs(ISFAHAN, overlays=[book])
    _assert_bit_equal(from_folder, from_book)
    assert "new_steel" in from_book["plant"].values
    _edit(book, "intensity", 3, "value", "x")
    err = _message_of(lambda: rm.load_inputs(ISFAHAN, overlays=[book]))
    assert f"'{tmp_path.name}/new_steel_plant.xlsx', sheet 'intensity', row 3" in err


def _message_of(call: Callable[[], object]) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    return str(info.value)
