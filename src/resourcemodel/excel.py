"""A case as one Excel workbook: read its sheets as tables, write any case as a workbook.

A case workbook holds one sheet per table, named as the CSV file without ``.csv``
(``intensity`` for ``intensity.csv``), with the same columns, the names on row 1. Every
cell is read as the text a CSV file would hold (numbers in their shortest exact form),
so a workbook and a folder of CSV tables with the same cells load to the same inputs.
Messages name the workbook, the sheet, the row and the column, e.g.
``'case.xlsx', sheet 'intensity', row 14, column 'value': expected a number...``.

:func:`write_workbook` writes a case (folder or workbook) as a workbook a planner can
edit (a README sheet, bold frozen headers, column widths, units); :func:`write_folder`
writes a workbook back as CSV tables. The round trip keeps every cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resourcemodel import io as rio
from resourcemodel.exceptions import ValidationError
from resourcemodel.schema import (
    ENTITIES,
    MEMBERSHIPS,
    OPTIONAL_COLUMNS,
    PARAMETERS,
    PROVENANCE_COLUMNS,
    VALUE_COLUMNS,
)
from resourcemodel.tables import HEADER_SEARCH, LINE, Place, Table, check_frame, read_table

#: Suffixes of workbooks read as a case (Office Open XML).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Suffixes of spreadsheets that are not read; a planner is told how to save them.
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xls", ".xlsb", ".ods", ".numbers")
#: The sheet describing the others; never read as a table.
README_SHEET = "README"
#: Columns whose cells are written as numbers (the rest as text).
NUMBER_COLUMNS = ("value", "duration")
#: Widest column written, in characters.
MAX_WIDTH = 60


def is_workbook(path: str | Path) -> bool:
    """Whether ``path`` names a case workbook (``.xlsx``/``.xlsm``; it need not exist).

    Examples
    --------
    >>> is_workbook("data/case.xlsx"), is_workbook("data/case"), is_workbook("c.XLSX")
    (True, False, True)
    """
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def is_spreadsheet(name: str) -> bool:
    """Whether a file name is a spreadsheet's (any office format, read or not).

    Examples
    --------
    >>> is_spreadsheet("capacity.xls"), is_spreadsheet("capacity.csv")
    (True, False)
    """
    return Path(name).suffix.lower() in SPREADSHEET_SUFFIXES


def table_files() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Return every table of a case: file name -> (required, optional) columns, in order.

    Entity tables first, then memberships, then parameters (in :mod:`schema` order).
    """
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for spec in [*ENTITIES.values(), *MEMBERSHIPS.values()]:
        out[spec.file] = (spec.required, spec.optional)
    for p in PARAMETERS.values():
        out[p.file] = ((*VALUE_COLUMNS, *PROVENANCE_COLUMNS), (*p.dims, *OPTIONAL_COLUMNS))
    return out


def cell_text(value: Any) -> str:
    """Return a cell's value as the text a CSV table would hold.

    Numbers in their shortest form that reads back as the same double (``0.35``, not
    ``0.34999999999999998``), whole numbers without ``.0`` if stored as integers, text
    stripped, an empty cell as ``''``.

    Examples
    --------
    >>> cell_text(0.35), cell_text(31), cell_text(None), cell_text("  مس "), cell_text(True)
    ('0.35', '31', '', 'مس', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


class Workbook:
    """A case workbook read once: every sheet as rows of cell texts.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.
    label : str
        How to name it in messages.
    problems : list of str
        Problems opening it are appended here (then :attr:`sheets` is empty).
    """

    def __init__(self, path: Path, label: str, problems: list[str]) -> None:
        self.path = path
        self.label = label
        #: Sheet name -> rows (lists of cell texts, padded to one width).
        self.sheets: dict[str, list[list[str]]] = {}
        self.ok = self._open(problems)

    def _open(self, problems: list[str]) -> bool:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
            problems.append(
                f"{self.label!r}: cannot read the workbook ({type(err).__name__}: {err}); "
                "save it from Excel or LibreOffice as 'Excel Workbook (.xlsx)'."
            )
            return False
        try:
            for sheet in book.worksheets:
                rows = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                width = max((len(r) for r in rows), default=0)
                self.sheets[sheet.title] = [r + [""] * (width - len(r)) for r in rows]
        finally:
            book.close()
        return True

    def digest(self, sheet: str) -> bytes:
        """Return the cells of a sheet as bytes (rows and cells separated), for hashing."""
        return "\x1e".join("\x1f".join(r) for r in self.sheets[sheet]).encode()

    def table(
        self,
        sheet: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        problems: list[str],
        *,
        allow_extra: bool = False,
    ) -> Table | None:
        """Read one sheet as a :class:`~resourcemodel.tables.Table` (its rows numbered as in Excel).

        Parameters
        ----------
        sheet : str
            Sheet name (the table's file name without ``.csv``).
        required, optional : tuple of str
            Columns that must / may be present.
        problems : list of str
            Problems found are appended here, naming workbook, sheet, row and column.
        allow_extra : bool
            Accept columns that are neither required nor optional.
        """
        place = Place(self.label, sheet)
        rows = self.sheets[sheet]
        # Rows above the first with any cell are kept: row numbers are the sheet's.
        if not any(any(c for c in r) for r in rows):
            problems.append(f"{place()}: the sheet is empty; it needs at least a header row.")
            return None
        header = rows[0]
        body = rows[1:]
        frame = pd.DataFrame(body, columns=range(len(header)), dtype=object)
        if frame.empty:
            frame = pd.DataFrame([], columns=range(len(header)), dtype=object)
        frame.columns = header
        lines = np.arange(2, len(body) + 2, dtype=np.int64)
        checked = check_frame(
            place,
            header,
            frame,
            lines,
            lambda: rows[1 : 1 + HEADER_SEARCH],
            required,
            optional,
            problems,
            allow_extra=allow_extra,
        )
        if checked is None:
            return None
        return Table(self.path, checked, self.label, sheet)


# -- reading a whole case as raw tables -------------------------------------------------------


def read_case_tables(case: str | Path) -> dict[str, pd.DataFrame]:
    """Read every table of a case (folder or workbook) as text cells, in table order.

    Only tables present are returned (file name -> frame of strings, columns as in the
    file). No value is checked: this is a format conversion, not a load.

    Raises
    ------
    ValidationError
        If a table cannot be read at all (encoding, CSV syntax, duplicate columns...).
    """
    case = Path(case)
    problems: list[str] = []
    out: dict[str, pd.DataFrame] = {}
    book = Workbook(case, case.name, problems) if is_workbook(case) else None
    if book is None and not case.is_dir():
        raise ValidationError(f"{str(case)!r}: case folder or workbook not found.")
    for file in table_files():
        table: Table | None
        if book is not None:
            if file[:-4] not in book.sheets:
                continue
            table = book.table(file[:-4], (), (), problems, allow_extra=True)
        else:
            if not (case / file).is_file():
                continue
            table = read_table(case / file, (), (), problems, allow_extra=True)
        if table is not None:
            out[file] = table.frame.drop(columns=[LINE])
    if problems:
        raise ValidationError(problems, during=f"Errors reading {str(case)!r}")
    return out


def write_folder(case: str | Path, out: str | Path) -> Path:
    """Write a case's tables (a workbook's sheets) as CSV tables into the folder ``out``.

    Each file is UTF-8, comma-separated, quoted only where a cell needs it, and written
    atomically. Tables already in ``out`` that the case does not have are left alone; a
    sheet with a header only (a table left empty) is written only over an existing file.

    Returns
    -------
    Path
        The folder.
    """
    out = Path(out)
    for file, frame in read_case_tables(case).items():
        if frame.empty and not (out / file).exists():
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(frame.columns))
        writer.writerows(frame.to_numpy(dtype=object).tolist())
        rio.write_text(out / file, buffer.getvalue())
    return out


# -- writing a workbook ---------------------------------------------------------------------


def _unit_words(unit: str) -> str:
    """Explain a unit template in words (``{resource}/{process.product}``)."""
    words = {
        "{process.product}": "unit of the process's product",
        "{source.resource}": "unit of the source's resource",
        "{group.resource}": "unit of the resource of the group's sources",
        "{resource}": "unit of the row's resource",
        "{product}": "unit of the row's product",
    }
    text = unit
    for token, word in words.items():
        text = text.replace(token, f"[{word}]")
    return text


def sheet_descriptions() -> dict[str, tuple[str, str]]:
    """Return sheet name -> (what the table is, its canonical unit) for the README sheet."""
    out: dict[str, tuple[str, str]] = {}
    from resourcemodel.schema import DIMS

    for spec in ENTITIES.values():
        opt = " Optional table." if not spec.table_required else ""
        out[spec.file[:-4]] = (f"One row per {spec.dim}: {DIMS[spec.dim]}{opt}", "")
    out["connections"] = ("Which plant may draw on which source (one row per pair).", "")
    out["source_groups"] = ("Which sources form a capped group (one row per member).", "")
    for p in PARAMETERS.values():
        dims = ", ".join(p.dims)
        out[p.name] = (f"{p.description} One row per {dims} ('*' or empty: all).", p.unit)
    return out


def _number_cells(texts: list[str]) -> list[float | None]:
    """Return the number to write for each text, or ``None`` to keep it as text.

    A cell becomes a number only if it reads back as exactly the double the loader
    would read from the text (finite, and ``float`` and pandas agreeing bit for bit).
    """
    parsed = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=float)
    out: list[float | None] = []
    for text, number in zip(texts, parsed.tolist(), strict=True):
        try:
            exact = float(text)
        except ValueError:
            out.append(None)
            continue
        same = math.isfinite(exact) and (
            np.float64(exact).tobytes() == np.float64(number).tobytes()
        )
        out.append(exact if same else None)
    return out


def write_workbook(case: str | Path, out: str | Path, *, title: str = "") -> Path:
    """Write a case (folder or workbook) as one workbook a planner can edit.

    Every table of the model gets a sheet, in the order of the data format (tables the
    case does not have get their header row only, to be filled in). Headers are bold and
    frozen, columns as wide as their text, a comment on each header says what the column
    holds, and a first ``README`` sheet says what each sheet is and its unit.
    ``value`` and ``duration`` cells are numbers; all else is text.

    Parameters
    ----------
    case : str or Path
        A case folder of CSV tables, or a case workbook.
    out : str or Path
        The ``.xlsx`` file to write (atomically).
    title : str, optional
        A line for the top of the README sheet (default: the case's name).

    Returns
    -------
    Path
        The workbook written.

    Examples
    --------
    >>> import tempfile, resourcemodel as rm
    >>> folder = Path(tempfile.mkdtemp())
    >>> book = write_workbook(rm.examples.path("two_plants"), folder / "two_plants.xlsx")
    >>> ds = rm.load_inputs(book)
    >>> float(ds["capacity"].sel(process="a_mill"))
    200.0
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    case = Path(case)
    tables = read_case_tables(case)
    book = openpyxl.Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    _write_readme(readme, title or f"resourcemodel case '{case.stem}'", tables)
    bold = Font(bold=True)
    described = sheet_descriptions()
    for file, (required, optional) in table_files().items():
        sheet_name = file[:-4]
        frame = tables.get(file)
        if frame is None:
            header = [*_dims_first(file, required, optional)]
            frame = pd.DataFrame(columns=header, dtype=object)
        sheet = book.create_sheet(sheet_name)
        columns = list(frame.columns)
        sheet.append(columns)
        for j, column in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=j)
            cell.font = bold
            note = _column_note(file, column, required, described[sheet_name][1])
            if note:
                cell.comment = Comment(note, "resourcemodel", width=300, height=120)
        cells = frame.to_numpy(dtype=object)
        numbers = {
            j: _number_cells(cells[:, j].tolist())
            for j, c in enumerate(columns)
            if c in NUMBER_COLUMNS
        }
        for i in range(cells.shape[0]):
            for j in range(cells.shape[1]):
                text = str(cells[i, j])
                if text == "":
                    continue
                number = numbers[j][i] if j in numbers else None
                cell = sheet.cell(row=i + 2, column=j + 1)
                if number is not None:
                    cell.value = (
                        int(number) if number.is_integer() and abs(number) < 2**53 else number
                    )
                else:
                    cell.value = text
                    cell.data_type = "s"  # text, even if it starts with '=' (never a formula)
        sheet.freeze_panes = "A2"
        for j, column in enumerate(columns, start=1):
            longest = max([len(column) + 2, *(len(str(c)) for c in cells[:, j - 1].tolist())])
            letter = openpyxl.utils.get_column_letter(j)
            sheet.column_dimensions[letter].width = min(max(longest + 1, 8), MAX_WIDTH)
    return rio.write_with(out, lambda tmp: book.save(tmp))


def _dims_first(file: str, required: tuple[str, ...], optional: tuple[str, ...]) -> list[str]:
    """Columns of an empty sheet: a parameter's dimensions first, then value, unit..."""
    stem = file[:-4]
    if stem in PARAMETERS:
        p = PARAMETERS[stem]
        return [*p.dims, *VALUE_COLUMNS, *PROVENANCE_COLUMNS, *OPTIONAL_COLUMNS]
    return [*required, *optional]


def _column_note(file: str, column: str, required: tuple[str, ...], unit: str) -> str:
    """Return the header comment of a column: required or not, and the unit for ``unit``."""
    need = "Required." if column in required else "Optional."
    if column == "unit" and unit:
        canonical = _unit_words(unit)
        return f"{need} The unit of 'value'; canonical: {canonical}. Any convertible unit works."
    if column == "value":
        return f"{need} A number (ASCII digits, '.' for decimals); 'inf' means no cap."
    if column == "reference":
        return f"{need} Where the number comes from (a source id or URL, or 'assumption')."
    if column == "confidence":
        return f"{need} sourced, estimate or assumption."
    if column in ("name_fa",):
        return f"{need} Name in Persian."
    stem = file[:-4]
    if stem in PARAMETERS and column in PARAMETERS[stem].dims:
        return f"Optional. A {column} label; '*' or empty means every {column}."
    return need


def _write_readme(sheet: Any, title: str, tables: dict[str, pd.DataFrame]) -> None:
    """Fill the README sheet: how to use the workbook and one row per sheet."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        "One sheet per table of the model, with the same columns as the CSV tables of a case "
        "folder (docs/data-format.md). Column names stay on row 1; add rows below.",
        "Every number needs a unit (column 'unit'), a reference and a confidence label.",
        'Load it with: resourcemodel validate case.xlsx, or data = "case.xlsx" in a scenario.',
        "Sheets with a header only are tables the case leaves empty. This sheet is not read.",
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(["sheet", "rows", "what it holds", "canonical unit of 'value'"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for name, (what, unit) in sheet_descriptions().items():
        frame = tables.get(f"{name}.csv")
        sheet.append([name, 0 if frame is None else len(frame), what, _unit_words(unit)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 8
    sheet.column_dimensions["C"].width = 100
    sheet.column_dimensions["D"].width = 50


def convert(case: str | Path, out: str | Path) -> Path:
    """Write ``case`` as a workbook (``out`` ending ``.xlsx``) or as a folder of CSV tables.

    Returns
    -------
    Path
        What was written.
    """
    writer: Callable[[str | Path, str | Path], Path] = (
        write_workbook if is_workbook(out) else write_folder
    )
    return writer(case, out)
