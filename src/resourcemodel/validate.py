"""Load a case folder into one validated inputs :class:`xarray.Dataset`.

Every problem in every table is collected and raised together as one
:class:`~resourcemodel.exceptions.ValidationError`, each line naming the file, line,
column, what was expected and what was found. Values are converted to canonical units
(see :mod:`resourcemodel.schema`). Absent stays absent: parameters whose default is
``nan`` keep ``nan`` where no row is given, and the formulation creates no variable there.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import tokenize
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pint
import xarray as xr

from resourcemodel import checks, excel, units
from resourcemodel.exceptions import ValidationError
from resourcemodel.locations import location_coords, location_problems
from resourcemodel.schema import (
    CONFIDENCE_LABELS,
    ENTITIES,
    MEMBERSHIPS,
    OPTIONAL_COLUMNS,
    PARAMETERS,
    PROVENANCE_COLUMNS,
    RESOURCE_GROUPS,
    VALUE_COLUMNS,
    WILDCARD,
    ParameterSpec,
)
from resourcemodel.tables import Table, read_table

#: Coordinate attributes taken from entity tables onto their dimension.
_ENTITY_ATTRS = {
    "period": ("name", "name_fa"),
    "plant": ("name", "name_fa", "sector"),
    "product": ("unit", "name", "name_fa"),
    "resource": ("group", "unit", "name", "name_fa"),
    "source": ("resource", "name", "name_fa"),
    "process": ("plant", "product", "name"),
    "measure": ("name", "name_fa", "source"),
    "pollutant": ("name", "name_fa"),
    "reservoir": ("source", "name", "name_fa"),
    "user": ("source", "name", "name_fa", "kind"),
}


#: Entity tables that must have at least one row.
_NON_EMPTY = ("period", "plant", "product", "process")

#: What a malformed unit string can raise inside pint's parser.
UNIT_ERRORS = (
    pint.errors.PintError,
    ValueError,
    TypeError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    tokenize.TokenError,
)
_UNIT_ERRORS = UNIT_ERRORS
#: Characters a unit may hold (letters of any script, digits, operators, ³ ² ° µ %).
_UNIT_TEXT = re.compile(r"[\w\s.*/^()%³²°µ-]*")
#: ``10**10**10`` (pint would compute a ten-billion-digit integer) or ``m**999``.
_HUGE_POWER = re.compile(
    r"(\*\*|\^)\s*\(?\s*[-+]?[\d.]+\s*\)?\s*(\*\*|\^)|(\*\*|\^)\s*\(?\s*[-+]?\d{3,}"
)


class UnitTextError(units.UnitRefused):
    """A unit string refused before it reaches pint (the message says why)."""


def checked_unit(text: str) -> str:
    """Return ``text`` if it is safe to hand to pint's parser; raise otherwise.

    pint parses unit strings with Python's tokenizer and exact integer powers: a text
    such as ``10**10**10`` would hang the loader, and stray characters raise errors pint
    does not document. A unit is short and made of names, numbers and ``* / ^ ( )``.

    Raises
    ------
    UnitTextError
        Saying what is wrong with the text.

    Examples
    --------
    >>> checked_unit("m3/t")
    'm3/t'
    >>> checked_unit("10**10**10")
    Traceback (most recent call last):
    ...
    resourcemodel.validate.UnitTextError: it has a chained or huge power
    """
    if len(text) > 64:
        raise UnitTextError("it is longer than 64 characters")
    if not _UNIT_TEXT.fullmatch(text):
        bad = sorted({c for c in text if not _UNIT_TEXT.fullmatch(c)})
        raise UnitTextError(f"it holds characters a unit cannot have: {''.join(bad)!r}")
    if text.count("(") != text.count(")"):
        raise UnitTextError("its parentheses do not pair up")
    if _HUGE_POWER.search(text):
        raise UnitTextError("it has a chained or huge power")
    return text


def parse_unit(text: str) -> Any:
    """Parse a unit from an input file through :func:`checked_unit` and pint."""
    return units.parse(checked_unit(text))


def unit_factor(given: str, target: str) -> float:
    """Return the factor from ``given`` (checked) to ``target`` (see :func:`units.factor`)."""
    return units.factor(checked_unit(given), checked_unit(target))


def why(err: Exception) -> str:
    """Return `` (reason)`` for a refused unit text, else an empty string."""
    return f" ({err})" if isinstance(err, units.UnitRefused) else ""


def no_cap_allowed(spec: ParameterSpec) -> bool:
    """Whether ``inf`` is a valid value of a parameter: its default is "no cap" (``inf``).

    Examples
    --------
    >>> from resourcemodel.schema import PARAMETERS
    >>> no_cap_allowed(PARAMETERS["source_cap"]), no_cap_allowed(PARAMETERS["demand"])
    (True, False)
    """
    return math.isinf(spec.default) and spec.default > 0


#: Every table a case folder may hold.
TABLE_FILES = frozenset(
    [s.file for s in ENTITIES.values()]
    + [s.file for s in MEMBERSHIPS.values()]
    + [s.file for s in PARAMETERS.values()]
)


def near_names(file: str, names: list[str]) -> list[str]:
    """Return the files of ``names`` that look like a misnamed ``file``.

    Another case, an extra extension, another extension or a near spelling; names of
    tables of their own (``source_cost.csv`` for ``source_cap.csv``) are never near.

    Examples
    --------
    >>> near_names("capacity.csv", ["Capacity.CSV", "capacity.csv.csv", "source_cap.csv"])
    ['Capacity.CSV', 'capacity.csv.csv']
    >>> near_names("connections.csv", ["connection.csv", "notes.txt"])
    ['connection.csv']
    """
    others = [n for n in names if n not in TABLE_FILES and not n.startswith(".")]
    return [n for n in others if _table_meant(n) == file]


def _table_meant(name: str) -> str:
    """Return the table a file that is not one was probably meant to be, or ``''``."""
    low = name.lower()
    for table in TABLE_FILES:
        if low == table or low.startswith(table + ".") or low.split(".")[0] == table[:-4]:
            return table
    near = difflib.get_close_matches(low, TABLE_FILES, n=1, cutoff=0.85)
    return near[0] if near else ""


def _quoted(names: list[str]) -> str:
    return " and ".join(repr(n) for n in names)


def _days(value: str, unit: str) -> float | None:
    """Return a period's duration in days, or ``None`` if it is not a time span."""
    try:
        return float(value) * unit_factor(unit, "d")
    except _UNIT_ERRORS:
        return None


def load_inputs(
    path: str | Path,
    *,
    overlays: list[str | Path] | tuple[str | Path, ...] = (),
) -> xr.Dataset:
    """Read, check and convert a case folder into the inputs Dataset.

    Parameters
    ----------
    path : str or Path
        Case folder holding the CSV tables described in ``docs/data-format.md``, or a
        case workbook (``.xlsx``, one sheet per table; see :mod:`resourcemodel.excel`).
    overlays : sequence of str or Path, optional
        Further folders (or workbooks) whose tables' rows are appended to the case's (a
        new plant, a new source). A row in an overlay parameter table for labels the case
        already has replaces the case's row.

    Returns
    -------
    xarray.Dataset
        One variable per parameter in canonical units (``units`` in attrs), coordinates
        for every dimension, ``connected[plant, source]`` and ``group_member[group, source]``
        masks, and ``attrs["provenance"]`` (JSON) with the source and confidence of every
        number.

    Raises
    ------
    ValidationError
        Listing every problem found.
    """
    folders = [Path(path), *[Path(p) for p in overlays]]
    problems: list[str] = []
    for folder in folders:
        if excel.is_workbook(folder):
            if not folder.is_file():
                raise ValidationError(f"{str(folder)!r}: case workbook not found.")
        elif folder.is_file() and excel.is_spreadsheet(folder.name):
            raise ValidationError(
                f"{str(folder)!r}: a {folder.suffix} spreadsheet cannot be read; save it as "
                "'Excel Workbook (.xlsx)' (one sheet per table) and give that file."
            )
        elif not folder.is_dir():
            raise ValidationError(f"{str(folder)!r}: case folder not found (or not a folder).")
    loader = _Loader(folders, problems)
    ds = loader.load()
    if problems:
        raise ValidationError(problems)
    assert ds is not None
    book = Path(path).name if excel.is_workbook(path) else ""
    check_values(ds, problems, where="input tables", name_files=True, book=book)
    if problems:
        raise ValidationError(problems)
    found = checks.inspect(ds)
    checks.warn([*loader.notes, *(f"{loader.where(f)}: {f.message}" for f in found)])
    return ds


class _Loader:
    """Holds the state of one load: folders, problems found, the labels seen."""

    def __init__(self, folders: list[Path], problems: list[str]) -> None:
        self.folders = folders
        self.problems = problems
        self.labels: dict[str, pd.Index] = {}
        self.entity: dict[str, pd.DataFrame] = {}
        #: Provenance records, each already JSON text (see :func:`_provenance_json`).
        self.provenance: list[str] = []
        self.memberships: dict[str, pd.DataFrame | None] = {}
        #: Dimensions whose entity table is empty: references to them are not reported
        #: again (the empty table is the problem).
        self.broken_dims: set[str] = set()
        #: Units in resources.csv/products.csv that do not parse (reported once there).
        self.bad_units: set[str] = set()
        #: File names in each folder, to find a misnamed table.
        self.listings: dict[Path, list[str]] = {}
        #: Label columns and ``_where`` of the rows that gave each parameter its values.
        self.rows: dict[str, pd.DataFrame] = {}
        #: Warnings about the folders themselves (a table missing, a file that is none).
        self.notes: list[str] = []
        #: Case workbooks among the folders, read once (``None``: it cannot be read).
        self.books: dict[Path, excel.Workbook | None] = {}
        for i, folder in enumerate(folders):
            if excel.is_workbook(folder):
                label = folder.name if i == 0 else f"{folder.parent.name}/{folder.name}"
                book = excel.Workbook(folder, label, problems)
                self.books[folder] = book if book.ok else None

    def _has(self, folder: Path, file: str) -> bool:
        """Whether a case folder (or workbook) holds a table."""
        if folder in self.books:
            book = self.books[folder]
            return book is not None and file[:-4] in book.sheets
        return (folder / file).exists()

    # -- reading -------------------------------------------------------------------
    def _read(
        self, file: str, required: tuple[str, ...], optional: tuple[str, ...], *, must_exist: bool
    ) -> list[Table]:
        found = []
        for i, folder in enumerate(self.folders):
            if folder in self.books:
                found.extend(self._read_sheet(folder, i, file, required, optional, must_exist))
                continue
            path = folder / file
            if not path.exists():
                near = near_names(file, self._listing(folder))
                label = file if i == 0 else f"{folder.name}/{file}"
                sheets = [n for n in near if excel.is_spreadsheet(n)]
                near = [n for n in near if not excel.is_spreadsheet(n)]
                what = "required table missing" if must_exist and i == 0 else "not found"
                if sheets:
                    self.problems.append(
                        f"{label!r}: {what} in {str(folder)!r}, but the spreadsheet "
                        f"{_quoted(sheets)} is there, which is not read: save it as "
                        f"{file!r} (Excel: File > Save As > 'CSV UTF-8 (Comma delimited)'), "
                        "or keep the whole case in one workbook (resourcemodel template)."
                    )
                elif near:
                    self.problems.append(
                        f"{label!r}: {what} in {str(folder)!r}, but {_quoted(near)} "
                        f"{'is' if len(near) == 1 else 'are'} there: rename it to {file!r} "
                        "(names are case-sensitive; Windows may hide an extension the file "
                        "already has)."
                    )
                elif must_exist and i == 0:
                    workbooks = self._workbooks(folder)
                    problem = (
                        self._workbook_only(folder, workbooks)
                        if workbooks
                        else f"{file!r}: required table missing from {str(folder)!r}."
                    )
                    if problem not in self.problems:  # the workbook is named once
                        self.problems.append(problem)
                continue
            label = file if i == 0 else f"{folder.name}/{file}"
            real = path.resolve()
            if not real.is_relative_to(folder.resolve()):
                self.problems.append(
                    f"{label!r}: is a link to {str(real)!r}, outside the case folder "
                    f"{str(folder)!r}; copy the table into the case folder instead."
                )
                continue
            table = read_table(path, required, optional, self.problems, label=label)
            if table is not None:
                found.append(table)
        return found

    def _read_sheet(
        self,
        folder: Path,
        i: int,
        file: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        must_exist: bool,
    ) -> list[Table]:
        """Read table ``file`` from the workbook ``folder`` (its sheet named without .csv)."""
        book = self.books[folder]
        if book is None:
            return []
        sheet = file[:-4]
        if sheet not in book.sheets:
            near = [n for n in book.sheets if _table_meant(n + ".csv") == file]
            what = "required sheet missing" if must_exist and i == 0 else "no sheet"
            if near:
                self.problems.append(
                    f"{book.label!r}: {what} {sheet!r}, but {_quoted(near)} is there: rename "
                    f"the sheet to {sheet!r} (one sheet per table, named as the CSV file "
                    "without '.csv'; names are case-sensitive)."
                )
            elif must_exist and i == 0:
                self.problems.append(
                    f"{book.label!r}: required sheet {sheet!r} missing (one sheet per table, "
                    f"named as the CSV file without '.csv'; found {sorted(book.sheets)})."
                )
            return []
        table = book.table(sheet, required, optional, self.problems)
        return [] if table is None else [table]

    def _workbooks(self, folder: Path) -> list[str]:
        """Spreadsheets in a case folder (not read: a case is CSV tables or one workbook)."""
        return [n for n in self._listing(folder) if excel.is_spreadsheet(n)]

    def _workbook_only(self, folder: Path, workbooks: list[str]) -> str:
        """Return the problem of a case folder holding a workbook instead of CSV tables."""
        readable = [n for n in workbooks if excel.is_workbook(n)]
        if len(readable) == 1:
            book = str(folder / readable[0])
            return (
                f"{str(folder)!r} holds no CSV tables but the workbook {readable[0]!r}: give "
                f"the workbook itself as the case ('resourcemodel validate {book}', or data = "
                f'"{readable[0]}" in a scenario beside it), or save each sheet as a CSV table.'
            )
        return (
            f"{str(folder)!r} holds no CSV tables but the spreadsheets {_quoted(workbooks)}: "
            "a case is one folder of CSV tables or one .xlsx workbook (one sheet per table); "
            "give the workbook that holds the case as the case."
        )

    def where(self, finding: checks.Finding) -> str:
        """Return the file and line of the row that gave a finding's element its value."""
        file = self._name(PARAMETERS[finding.parameter].file)
        rows = self.rows.get(finding.parameter)
        if rows is None:
            return file
        hit = np.ones(len(rows), dtype=bool)
        for dim, label in finding.labels.items():
            hit &= rows[dim].to_numpy(dtype=object) == label
        return str(rows["_where"].to_numpy(dtype=object)[hit][0]) if hit.any() else file

    def _name(self, file: str) -> str:
        """Name a table of the case for a message (``'x.csv'`` or ``'case.xlsx', sheet 'x'``)."""
        case = self.folders[0]
        if case in self.books:
            return f"{case.name!r}, sheet {file[:-4]!r}"
        return repr(file)

    def _check_folders(self) -> None:
        """Note a missing connections table and CSV files that are no table of the model."""
        case = self.folders[0]
        has_sources = len(self.labels.get("source", ())) > 0
        if has_sources and not any(self._has(f, "connections.csv") for f in self.folders):
            self.notes.append(
                f"{self._name('connections.csv')} is missing from {str(case)!r}: no plant can "
                "draw from any source, so no process that uses a resource can produce."
            )
        for folder in self.folders:
            if folder in self.books:
                book = self.books[folder]
                if book is None:
                    continue
                for sheet in book.sheets:
                    if sheet == excel.README_SHEET or f"{sheet}.csv" in TABLE_FILES:
                        continue
                    meant = _table_meant(sheet + ".csv")
                    why = (
                        f"meant as sheet {meant[:-4]!r}?"
                        if meant
                        else "sheets: " + ", ".join(sorted(f[:-4] for f in TABLE_FILES))
                    )
                    self.notes.append(
                        f"{book.label!r}, sheet {sheet!r} is not a table of the model and is "
                        f"ignored ({why})."
                    )
                continue
            for name in self._workbooks(folder):
                meant = _table_meant(name)
                if meant and not self._has(folder, meant):
                    continue  # reported as the missing table, with what to do
                use = (
                    f"to use the workbook instead, give it as the case ('{folder / name}')"
                    if excel.is_workbook(name)
                    else "to use it, save it as .xlsx and give that file as the case"
                )
                label = name if folder == case else f"{folder.name}/{name}"
                self.notes.append(
                    f"{label!r} is not read: this case is read from the CSV tables of "
                    f"{str(folder)!r} ({use}, or move it out of the folder); "
                    "its contents are ignored."
                )
            for name in self._listing(folder):
                if not name.lower().endswith(".csv") or name in TABLE_FILES:
                    continue
                meant = _table_meant(name)
                why = f"a copy of {meant!r}?" if meant else f"tables: {sorted(TABLE_FILES)}"
                label = name if folder == case else f"{folder.name}/{name}"
                self.notes.append(f"{label!r} is not a table of the model and is ignored ({why}).")

    def _check_closed(self, closed: np.ndarray) -> None:
        """Refuse new draw on a closed source: a connection from a later folder than its own.

        A closed source (``source_closed`` 1, a plain closed to new wells) keeps the
        connections of the folder that defines it (its existing users); a connection to it
        added by an overlay (a new plant, a new well) is refused.
        """
        frame = self.memberships.get("connection")
        if frame is None or frame.empty or not closed.any():
            return
        sources = self.entity["source"]
        names = list(self.labels["source"])
        for where, plant, source in zip(
            frame["_where"], frame["plant"], frame["source"], strict=True
        ):
            if source not in sources.index or not closed[names.index(source)]:
                continue
            own = _folder_of(str(sources.loc[source, "_where"]))
            if _folder_of(str(where)) != own:
                self.problems.append(
                    f"{where}: source {source!r} is closed to new draw ('source_closed.csv'); "
                    f"a connection of plant {plant!r} added here, outside the tables that "
                    "define the source, would be a new draw. Connect the plant to another "
                    "source, or open the source (source_closed 0) if the authority does."
                )

    def _listing(self, folder: Path) -> list[str]:
        """Return the names of the files in ``folder`` (read once per load)."""
        if folder not in self.listings:
            self.listings[folder] = sorted(p.name for p in folder.iterdir())
        return self.listings[folder]

    def load(self) -> xr.Dataset | None:
        for dim, spec in ENTITIES.items():
            self._load_entity(dim, spec)
        if any(dim not in self.labels for dim in ENTITIES):
            return None
        self._check_entity_references()
        self._check_folders()
        memberships = {
            name: self._load_membership(name, spec) for name, spec in MEMBERSHIPS.items()
        }
        self.memberships = memberships
        self.labels["group"] = pd.Index(
            pd.unique(memberships["group"]["group"]) if memberships["group"] is not None else [],
            dtype=object,
            name="group",
        )
        coords = self._coords(memberships)
        arrays = {}
        for name, pspec in PARAMETERS.items():
            arr = self._load_parameter(pspec, coords)
            if arr is not None:
                arrays[name] = arr
        if "source_closed" in arrays:
            self._check_closed(np.asarray(arrays["source_closed"].values) > 0.5)
        if self.problems:
            return None
        ds = xr.Dataset(arrays, coords=coords)
        ds["connected"] = self._mask("plant", "source", memberships["connection"])
        ds["group_member"] = self._mask("group", "source", memberships["group"])
        ds.attrs["provenance"] = "[" + ", ".join(self.provenance) + "]"
        ds.attrs["input_hash"] = input_hash(ds)
        ds.attrs["case"] = str(self.folders[0])
        return ds

    def _load_entity(self, dim: str, spec: object) -> None:
        assert hasattr(spec, "file")
        required = spec.table_required  # type: ignore[attr-defined]
        tables = self._read(spec.file, spec.required, spec.optional, must_exist=required)  # type: ignore[attr-defined]
        if not tables:
            if not required and not any(self._has(f, spec.file) for f in self.folders):  # type: ignore[attr-defined]
                # An optional table left out: no labels (as a table with a header only).
                self.labels[dim] = pd.Index([], dtype=object, name=dim)
                columns = (*spec.required, *spec.optional, "_where")  # type: ignore[attr-defined]
                self.entity[dim] = pd.DataFrame({c: [] for c in columns}, dtype=object)
            return
        frames = []
        for table in tables:
            f = table.frame.copy()
            f["_where"] = table.wheres()
            frames.append(f)
        frame = pd.concat(frames, ignore_index=True)
        dupes = frame[dim].duplicated(keep="first")
        frame["_first"] = _first_where(frame, [dim]) if dupes.any() else ""
        for where, label, first in _flagged(frame, dupes, "_where", dim, "_first"):
            self.problems.append(
                f"{where}: duplicate {dim} {label!r} (already defined at {first})."
            )
        frame = frame.loc[~dupes]
        bad = frame[dim].str.contains(r"[*,\s]", regex=True) | (frame[dim] == "")
        for where, label in _flagged(frame, bad, "_where", dim):
            self.problems.append(
                f"{where}, column {dim!r}: label {label!r} may not be empty or contain "
                "'*', ',' or spaces."
            )
        if frame.empty and dim in _NON_EMPTY:
            self.problems.append(
                f"{spec.file!r}: the table has no rows; at least one {dim} is needed."  # type: ignore[attr-defined]
            )
            self.broken_dims.add(dim)
        self.labels[dim] = pd.Index(frame[dim].to_numpy(dtype=object), name=dim)
        self.entity[dim] = frame.set_index(dim, drop=False)

    def _check_entity_references(self) -> None:
        self.problems.extend(location_problems(self.entity["plant"]))
        for dim, spec in ENTITIES.items():
            frame = self.entity[dim]
            for column, ref in spec.references.items():
                known = self.labels[ref]
                if ref in self.broken_dims or column not in frame.columns:
                    continue
                bad = ~frame[column].isin(known)
                if column in spec.optional:  # an optional reference may be left empty
                    bad &= frame[column] != ""
                for where, label in _flagged(frame, bad, "_where", column):
                    self.problems.append(
                        f"{where}, column {column!r}: unknown {ref} {label!r}; known: "
                        f"{_short(known)}."
                    )
        for dim in ("product", "resource"):
            frame = self.entity[dim]
            for where, unit in zip(frame["_where"], frame["unit"], strict=True):
                try:
                    parse_unit(unit)
                except _UNIT_ERRORS as err:
                    self.problems.append(
                        f"{where}, column 'unit': unknown unit {unit!r}{why(err)}."
                    )
                    self.bad_units.add(str(unit))
        res = self.entity["resource"]
        bad = ~res["group"].isin(RESOURCE_GROUPS)
        for where, group in _flagged(res, bad, "_where", "group"):
            self.problems.append(
                f"{where}, column 'group': {group!r} is not one of {list(RESOURCE_GROUPS)}."
            )
        per = self.entity["period"]
        for where, value, unit in zip(per["_where"], per["duration"], per["unit"], strict=True):
            days = _days(value, unit)
            if days is None:
                try:
                    parse_unit(unit)
                    reason = ""
                except _UNIT_ERRORS as err:
                    reason = why(err)
                self.problems.append(
                    f"{where}: duration {value!r} {unit!r} is not a time span{reason} "
                    "(expected e.g. 31, d)."
                )
            elif not days > 0 or not math.isfinite(days):
                self.problems.append(
                    f"{where}, column 'duration': must be a finite number > 0, got {value!r}."
                )

    def _load_membership(self, name: str, spec: object) -> pd.DataFrame | None:
        tables = self._read(spec.file, spec.required, spec.optional, must_exist=False)  # type: ignore[attr-defined]
        frames = []
        for table in tables:
            f = table.frame.copy()
            f["_where"] = table.wheres()
            for column, ref in spec.references.items():  # type: ignore[attr-defined]
                if ref in self.broken_dims:
                    continue
                bad = ~f[column].isin(self.labels[ref])
                for where, label in _flagged(f, bad, "_where", column):
                    self.problems.append(
                        f"{where}, column {column!r}: unknown {ref} {label!r}; known: "
                        f"{_short(self.labels[ref])}."
                    )
            frames.append(f)
        if not frames:
            return None
        frame = pd.concat(frames, ignore_index=True)
        key = list(spec.required)  # type: ignore[attr-defined]
        dupes = frame.duplicated(key, keep="first")
        frame["_first"] = _first_where(frame, key) if dupes.any() else ""
        for where, first, *labels in _flagged(frame, dupes, "_where", "_first", *key):
            self.problems.append(
                f"{where}: duplicate {name} row {dict(zip(key, labels, strict=True))}, "
                f"the same as {first}."
            )
        return frame.loc[~dupes]

    def _coords(self, memberships: dict[str, pd.DataFrame | None]) -> dict[str, object]:
        coords: dict[str, object] = {}
        for dim, attrs in _ENTITY_ATTRS.items():
            labels = self.labels[dim]
            coords[dim] = labels.to_numpy(dtype=str)
            frame = self.entity[dim]
            for attr in attrs:
                if attr in frame.columns:
                    coords[f"{dim}_{attr}"] = (dim, frame[attr].to_numpy(dtype=str))
                elif frame.empty:  # a table with a header only is the same as none
                    coords[f"{dim}_{attr}"] = (dim, np.asarray([], dtype=str))
        coords.update(location_coords(self.entity["plant"]))
        per = self.entity["period"]
        days = [_days(v, u) for v, u in zip(per["duration"], per["unit"], strict=True)]
        coords["period_duration"] = (
            "period",
            np.asarray([np.nan if d is None else d for d in days], dtype=float),
        )
        # Groups: name and the resource their sources supply.
        groups = memberships["group"]
        coords["group"] = self.labels["group"].to_numpy(dtype=str)
        src_res = self.entity["source"]["resource"]
        group_res = []
        for group in self.labels["group"]:
            members = groups.loc[groups["group"] == group] if groups is not None else None
            resources = (
                sorted(set(src_res.reindex(members["source"]).dropna()))
                if members is not None
                else []
            )
            if len(resources) > 1:
                self.problems.append(
                    f"'source_groups.csv': group {group!r} mixes sources of resources "
                    f"{resources}; all sources of a group must supply one resource."
                )
            group_res.append(resources[0] if resources else "")
        coords["group_resource"] = ("group", np.asarray(group_res, dtype=str))
        # Group names (source_groups.csv's name/name_fa, the first given per group).
        for column in ("name", "name_fa"):
            if groups is None or column not in groups.columns:
                continue
            given = groups[["group", column]].fillna("").astype(str)
            given = given[given[column].str.strip() != ""].drop_duplicates("group")
            names = given.set_index("group")[column].reindex(self.labels["group"]).fillna("")
            if (names != "").any():
                coords[f"group_{column}"] = ("group", names.to_numpy(dtype=str))
        # Reservoirs and users: the resource of the source they belong to.
        for dim in ("reservoir", "user"):
            of = src_res.reindex(self.entity[dim]["source"].to_numpy(dtype=object))
            coords[f"{dim}_resource"] = (dim, of.fillna("").to_numpy(dtype=str))
        return coords

    def _mask(self, row_dim: str, col_dim: str, frame: pd.DataFrame | None) -> xr.DataArray:
        rows, cols = self.labels[row_dim], self.labels[col_dim]
        mask = np.zeros((len(rows), len(cols)), dtype=bool)
        if frame is not None and not frame.empty:
            r = rows.get_indexer(pd.Index(frame[row_dim]))
            c = cols.get_indexer(pd.Index(frame[col_dim]))
            ok = (r >= 0) & (c >= 0)
            mask[r[ok], c[ok]] = True
        return xr.DataArray(mask, dims=(row_dim, col_dim))

    # -- parameters -----------------------------------------------------------------
    def _canonical_units(self, spec: ParameterSpec, frame: pd.DataFrame) -> pd.Series:
        """Resolve the unit template of ``spec`` for every (expanded) row."""
        template = spec.unit
        result = pd.Series(template, index=frame.index, dtype=object)
        lookups = {
            "{process.product}": lambda f: self.entity["product"]["unit"].reindex(
                self.entity["process"]["product"].reindex(f["process"]).to_numpy()
            ),
            "{source.resource}": lambda f: self.entity["resource"]["unit"].reindex(
                self.entity["source"]["resource"].reindex(f["source"]).to_numpy()
            ),
            "{group.resource}": lambda f: self.entity["resource"]["unit"].reindex(
                pd.Series(
                    dict(zip(self.labels["group"], self._group_resource(), strict=True)),
                    dtype=object,
                )
                .reindex(f["group"])
                .to_numpy()
            ),
            "{reservoir.resource}": lambda f: self._unit_via_source("reservoir", f),
            "{user.resource}": lambda f: self._unit_via_source("user", f),
            "{resource}": lambda f: self.entity["resource"]["unit"].reindex(f["resource"]),
            "{product}": lambda f: self.entity["product"]["unit"].reindex(f["product"]),
        }
        for token, lookup in lookups.items():
            if token in template:
                values = lookup(frame).to_numpy(dtype=object)
                # One string replacement per distinct (template so far, unit) pair.
                pairs, inverse = _pair_codes(result.to_numpy(dtype=object), values)
                done = [str(r).replace(token, f"({v})") for r, v in pairs]
                result = pd.Series(
                    [done[i] for i in inverse.tolist()], index=frame.index, dtype=object
                )
        return result

    def _unit_via_source(self, dim: str, frame: pd.DataFrame) -> pd.Series:
        """Return the unit of the resource of each row's reservoir or user's source."""
        source = self.entity[dim]["source"].reindex(frame[dim]).to_numpy()
        resource = self.entity["source"]["resource"].reindex(source).to_numpy()
        return self.entity["resource"]["unit"].reindex(resource)

    def _group_resource(self) -> list[str]:
        groups = self.memberships.get("group")
        src_res = self.entity["source"]["resource"]
        out = []
        for group in self.labels["group"]:
            members = groups.loc[groups["group"] == group, "source"] if groups is not None else []
            res = src_res.reindex(members).dropna()
            out.append(str(res.iloc[0]) if len(res) else "")
        return out

    def _winners(self, frame: pd.DataFrame, dims: tuple[str, ...]) -> pd.DataFrame | None:
        """Expand wildcard rows; keep, per label combination, the row that applies.

        A later table (overlay) beats an earlier one; within a table a more specific row
        beats a less specific one; among equals the last row wins. ``None`` (and a problem
        recorded) if two rows of equal specificity overlap.
        """
        if frame["_order"].nunique() <= 1 and (frame["_specificity"] == len(dims)).all():
            # One table, every row fully labelled: nothing to expand or rank; each row is its
            # own winner (the last of a duplicate, as below; duplicates are reported already).
            return frame.loc[~frame.duplicated(list(dims), keep="last").to_numpy()]
        expanded = frame
        for dim in dims:
            wild = expanded[dim] == WILDCARD
            if wild.any():
                expanded = expanded.copy()
                expanded[dim] = [
                    list(self.labels[dim]) if w else [v]
                    for w, v in zip(wild, expanded[dim], strict=True)
                ]
                expanded = expanded.explode(dim, ignore_index=True)
        if expanded.empty:
            return expanded
        expanded = expanded.sort_values(["_order", "_specificity", "_row"], kind="stable")
        top = expanded.groupby(list(dims), sort=False)[["_order", "_specificity"]].transform("max")
        is_top = (expanded["_order"] == top["_order"]) & (
            expanded["_specificity"] == top["_specificity"]
        )
        winners = expanded.loc[is_top]
        clash = winners.duplicated(list(dims), keep=False) & (winners["_specificity"] < len(dims))
        if clash.any():
            for where in winners.loc[clash, "_where"].drop_duplicates():
                self.problems.append(
                    f"{where}: wildcard rows overlap with equal specificity; it is ambiguous "
                    "which value applies. Give the overlapping labels explicitly."
                )
            return None
        winners = winners.drop_duplicates(list(dims), keep="last")
        return winners

    def _load_parameter(
        self, spec: ParameterSpec, coords: dict[str, object]
    ) -> xr.DataArray | None:
        dims = spec.dims
        shape = tuple(len(self.labels[d]) for d in dims)
        data = np.full(shape, spec.default, dtype=float)
        array = xr.DataArray(
            data, dims=dims, attrs={"units": spec.unit, "description": spec.description}
        )
        tables = self._read(
            spec.file,
            (*VALUE_COLUMNS, *PROVENANCE_COLUMNS),
            (*dims, *OPTIONAL_COLUMNS),
            must_exist=False,
        )
        if not tables:
            return array
        frames = []
        for order, table in enumerate(tables):
            f = table.frame.copy()
            f["_where"] = table.wheres()
            f["_order"] = order
            frames.append(f)
        frame = pd.concat(frames, ignore_index=True)
        for dim in dims:
            if dim not in frame.columns:
                frame[dim] = WILDCARD
            col = frame[dim].to_numpy(dtype=object)
            frame[dim] = np.where(pd.isna(col) | (col == ""), WILDCARD, col)
        n_before = len(self.problems)
        # Provenance labels.
        bad_conf = ~frame["confidence"].isin(CONFIDENCE_LABELS)
        for where, conf in _flagged(frame, bad_conf, "_where", "confidence"):
            self.problems.append(
                f"{where}, column 'confidence': {conf!r} is not one of {list(CONFIDENCE_LABELS)}; "
                "every number needs a confidence label."
            )
        no_src = frame["reference"].to_numpy(dtype=object) == ""
        for (where,) in _flagged(frame, no_src, "_where"):
            self.problems.append(
                f"{where}, column 'reference': empty; every number needs a reference (a "
                "source id or URL; for an assumption write 'assumption' and give the "
                "reasoning in 'note')."
            )
        # Values.
        values = pd.to_numeric(frame["value"], errors="coerce")
        number = values.to_numpy(dtype=float)
        bad_val = values.isna() | ~np.isfinite(number)
        # 'inf' means 'no cap': allowed only where the default is no cap.
        inf_ok = np.isposinf(number) & no_cap_allowed(spec)
        bad_val &= ~inf_ok
        for (where, raw), num in zip(
            _flagged(frame, bad_val, "_where", "value"), number[bad_val.to_numpy()], strict=True
        ):
            if np.isinf(num):
                caps = ", ".join(n for n, p in PARAMETERS.items() if no_cap_allowed(p))
                hint = f" ('inf' means 'no cap' and is accepted only for caps: {caps})."
                hint = hint if num > 0 else "."
                self.problems.append(
                    f"{where}, column 'value': expected a finite number, found {raw!r}{hint}"
                )
                continue
            self.problems.append(
                f"{where}, column 'value': expected a number, found {raw!r}{_number_hint(raw)}."
            )
        frame["_value"] = values
        # Labels.
        for dim in dims:
            known = self.labels[dim]
            if dim in self.broken_dims:
                continue
            bad = ~(frame[dim].isin(known) | (frame[dim] == WILDCARD))
            for where, label in _flagged(frame, bad, "_where", dim):
                self.problems.append(
                    f"{where}, column {dim!r}: unknown {dim} {label!r}; known: {_short(known)}."
                )
        if len(self.problems) > n_before:
            return None
        # Expand wildcards; more specific rows override less specific ones.
        frame["_specificity"] = sum(
            (frame[d].to_numpy(dtype=object) != WILDCARD).astype(np.int64) for d in dims
        )
        frame["_row"] = np.arange(len(frame))
        repeated = frame.duplicated([*dims, "_order"], keep="first").to_numpy()
        if repeated.any():
            frame["_first"] = _first_where(frame, [*dims, "_order"])
        for where, first, *labels in _flagged(frame, repeated, "_where", "_first", *dims):
            self.problems.append(
                f"{where}: duplicate row for the same {dict(zip(dims, labels, strict=True))} "
                f"as {first}; give each value once."
            )
        winners = self._winners(frame, dims)
        if winners is None:
            return None
        if winners.empty:
            return array
        self.rows[spec.name] = winners[[*dims, "_where"]]
        # Units.
        canonical = self._canonical_units(spec, winners)
        factors = np.empty(len(winners))
        pairs, inverse = _pair_codes(
            winners["unit"].to_numpy(dtype=object), canonical.to_numpy(dtype=object)
        )
        for k, key in enumerate(pairs):
            idx = np.flatnonzero(inverse == k)
            given, target = (str(x) for x in key)
            if "(nan)" in target or any(f"({u})" in target for u in self.bad_units):
                # The product or resource unit is unknown: reported on its own row already.
                factors[idx] = np.nan
                continue
            try:
                factors[idx] = unit_factor(given, target)
            except pint.errors.DimensionalityError:
                for where in winners["_where"].iloc[idx].drop_duplicates():
                    self.problems.append(
                        f"{where}, column 'unit': {given!r} cannot measure {spec.name!r}; "
                        f"expected a unit convertible to {_pretty(target)} "
                        f"({units.dimensionality(target)}), found {units.dimensionality(given)}."
                    )
            except _UNIT_ERRORS as err:
                for where in winners["_where"].iloc[idx].drop_duplicates():
                    self.problems.append(
                        f"{where}, column 'unit': unknown unit {given!r}{why(err)} for "
                        f"{spec.name!r} (expected {_pretty(target)})."
                    )
        if len(self.problems) > n_before or np.isnan(factors).any():
            return None
        converted = winners["_value"].to_numpy(dtype=float) * factors
        index = tuple(self.labels[d].get_indexer(pd.Index(winners[d])) for d in dims)
        data[index] = converted
        # Provenance: one record per original row that contributed.
        used = frame.loc[frame["_row"].isin(winners["_row"].unique())]
        notes = used["note"] if "note" in used.columns else pd.Series("", index=used.index)
        self.provenance.extend(
            _provenance_json(
                spec.name,
                {d: used[d] for d in dims},
                used["reference"],
                used["confidence"],
                notes.fillna(""),
            )
        )
        # Keep the bounds check here, where file and line are known.
        lo_bad = converted < spec.lower
        hi_bad = converted > spec.upper
        for mask, word, bound in (
            (lo_bad, "at least", spec.lower),
            (hi_bad, "at most", spec.upper),
        ):
            if mask.any():
                sub = winners.loc[mask]
                for where, raw, unit in (
                    sub[["_where", "value", "unit"]].drop_duplicates().itertuples(index=False)
                ):
                    self.problems.append(
                        f"{where}, column 'value': {spec.name!r} must be {word} {bound:g} "
                        f"(in {_pretty(spec.unit)}), found {raw} {unit}."
                    )
        return array


def _folder_of(where: str) -> str:
    """Return the overlay folder of a location (``''`` for the case folder itself).

    >>> _folder_of("'new_plant/connections.csv', line 3"), _folder_of("'sources.csv', line 2")
    ('new_plant', '')
    """
    label = where.split("', line")[0].strip("'")
    return label.rsplit("/", 1)[0] if "/" in label else ""


#: Digits of Persian and Arabic script.
_EASTERN_DIGITS = re.compile("[\u06f0-\u06f9\u0660-\u0669]")


def _number_hint(raw: str) -> str:
    """Return why a cell that should hold a number does not, as `` (advice)`` or ``''``.

    Examples
    --------
    >>> _number_hint("1,200")
    ' (write numbers without thousands separators or decimal commas, e.g. 1200.5)'
    """
    text = raw.strip()
    if text.lower() in {"", "nan", "na", "n/a", "none"}:
        return " (NaN/empty is not allowed; leave the row out if the value is absent)"
    if re.fullmatch(r"[\u2212\u2013\u2012]\s*[\d.]+(e[-+]?\d+)?", text):
        return " (that minus is a typographic dash; type the ASCII '-')"
    if _EASTERN_DIGITS.search(text):
        return " (write the number in ASCII digits 0-9)"
    if re.fullmatch(r"[-+]?[\d.,]+", text) and "," in text:
        return " (write numbers without thousands separators or decimal commas, e.g. 1200.5)"
    if re.fullmatch(r"[-+]?[\d.]+\s*%", text):
        return " (put '%' in the 'unit' column, or give a fraction with unit 'fraction')"
    if re.fullmatch(r"[-+]?[\d.]+(e[-+]?\d+)?\s+\S+", text):
        return " (the unit belongs in the 'unit' column)"
    return ""


def _first_where(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """Return, for every row, ``_where`` of the first row with the same ``key``."""
    return frame.groupby(key, sort=False, dropna=False)["_where"].transform("first")


def _flagged(frame: pd.DataFrame, mask: object, *columns: str) -> list[tuple[Any, ...]]:
    """Return ``columns`` of the rows where ``mask`` is true, as tuples (fast when none is)."""
    rows = np.asarray(mask, dtype=bool)
    if not rows.any():
        return []
    return list(zip(*(frame[c].to_numpy(dtype=object)[rows] for c in columns), strict=True))


def _provenance_json(
    name: str,
    labels: dict[str, pd.Series],
    reference: pd.Series,
    confidence: pd.Series,
    note: pd.Series,
) -> list[str]:
    """Return one JSON record per row: ``[name, {dim: label}, reference, confidence, note]``.

    The text is what ``json.dumps(record, ensure_ascii=False)`` writes, built column by
    column (each distinct value encoded once) because a province case has 10^5 rows.
    """
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def encoded(column: pd.Series) -> np.ndarray:
        codes, distinct = pd.factorize(column.astype(str).to_numpy(dtype=object))
        text = np.asarray([dumps(v) for v in distinct] + [""], dtype=object)
        return text[codes]

    out: np.ndarray = np.full(len(reference), "[" + dumps(name) + ", {", dtype=object)
    for i, (dim, column) in enumerate(labels.items()):
        out = out + ((", " if i else "") + dumps(dim) + ": ") + encoded(column)
    out = out + "}, " + encoded(reference) + ", " + encoded(confidence) + ", " + encoded(note)
    return (out + "]").tolist()  # type: ignore[no-any-return]


def _pair_codes(a: np.ndarray, b: np.ndarray) -> tuple[list[tuple[object, object]], np.ndarray]:
    """Return the distinct ``(a[i], b[i])`` pairs and, for every ``i``, the index of its pair.

    Missing values (NaN) count as one value of their own, so they reach the caller.
    """
    a_codes, a_values = pd.factorize(a, use_na_sentinel=False)
    b_codes, b_values = pd.factorize(b, use_na_sentinel=False)
    width = max(len(b_values), 1)
    keys, inverse = np.unique(a_codes.astype(np.int64) * width + b_codes, return_inverse=True)
    pairs = [(a_values[k // width], b_values[k % width]) for k in keys.tolist()]
    return pairs, inverse.reshape(-1)


def _pretty(unit: str) -> str:
    return unit.replace("(", "").replace(")", "")


def _short(labels: pd.Index, limit: int = 8) -> str:
    items = [str(x) for x in labels[:limit]]
    more = f", ... ({len(labels)} in all)" if len(labels) > limit else ""
    return "[" + ", ".join(repr(i) for i in items) + more + "]"


def check_values(
    ds: xr.Dataset,
    problems: list[str],
    *,
    where: str,
    name_files: bool = False,
    book: str = "",
) -> None:
    """Check cross-parameter rules on a Dataset (after loading or after scenario changes).

    Parameters
    ----------
    ds : xarray.Dataset
        Inputs Dataset.
    problems : list of str
        Problems found are appended.
    where : str
        What to name as the origin of the values (a file or a scenario).
    name_files : bool
        Name the table each problem is about (``'saving.csv': ...``) instead of ``where``:
        for values that come straight from a case folder.
    book : str, optional
        The case workbook the values come from: tables are then named as its sheets
        (``'case.xlsx', sheets 'saving', 'max_adoption'``).
    """

    def at(*files: str) -> str:
        if not name_files:
            return where
        if book:
            word = "sheet" if len(files) == 1 else "sheets"
            return f"{book!r}, {word} " + ", ".join(repr(f[:-4]) for f in files)
        return ", ".join(repr(f) for f in files)

    for name, spec in PARAMETERS.items():
        if name not in ds:
            continue
        values = ds[name].values
        finite = ~np.isnan(values)
        low = finite & (values < spec.lower)
        high = finite & (values > spec.upper)
        for mask, word, bound in ((low, "at least", spec.lower), (high, "at most", spec.upper)):
            if mask.any():
                idx = np.argwhere(mask)[:5]
                for i in idx:
                    labels = {d: str(ds[d].values[j]) for d, j in zip(spec.dims, i, strict=True)}
                    problems.append(
                        f"{at(spec.file)}: {name!r} must be {word} {bound:g} for {labels}, "
                        f"found {values[tuple(i)]:g} (in {_pretty(spec.unit)})."
                    )
    # Savings of one plant and resource may not exceed the whole use.
    if "saving" in ds and "max_adoption" in ds:
        applicable = ds["max_adoption"].notnull()
        total = ds["saving"].where(applicable, 0.0).sum("measure")
        over = total > 1 + 1e-9
        for plant, resource in zip(*np.nonzero(over.values), strict=True):
            p, r = str(ds.plant.values[plant]), str(ds.resource.values[resource])
            measures = ds["saving"].sel(plant=p, resource=r)
            listed = {
                str(m): round(float(v), 4)
                for m, v in zip(ds.measure.values, measures.values, strict=True)
                if v > 0
            }
            problems.append(
                f"{at('saving.csv', 'max_adoption.csv')}: the 'saving' fractions of plant "
                f"{p!r} for resource {r!r} sum to "
                f"{float(total.values[plant, resource]):.3g} > 1 over measures {listed}; "
                "together they cannot save more than the whole use."
            )
    if "demand" in ds:
        # Lost output needs a value where demand may go unmet; hard demand (min_delivery 1)
        # is always met.
        hard = ds["min_delivery"] >= 1 if "min_delivery" in ds else False
        soft = (ds["demand"].notnull() & ~hard).any("period")
        no_penalty = soft & ds["unmet_penalty"].isnull() & ds["price"].isnull()
        for product in ds.product.values[no_penalty.values]:
            problems.append(
                f"{at('demand.csv', 'price.csv', 'unmet_penalty.csv')}: product "
                f"{str(product)!r} has 'demand' but neither a 'price' nor an 'unmet_penalty'; "
                "give its sale price (price.csv: a unit not delivered then costs its value "
                "added) or an explicit penalty per unit not delivered (unmet_penalty.csv)."
            )
    cap = ds["capacity"]
    for process in ds.process.values[cap.isnull().values]:
        problems.append(
            f"{at('capacity.csv')}: process {str(process)!r} has no 'capacity' row"
            + ("; " if name_files else " (capacity.csv); ")
            + "a process cannot run without one."
        )
    # The basin: a minimum above what can be had is a slip, not a policy.
    pairs = (
        ("user_min", "user_demand", "user", "a user cannot be delivered more than it asks"),
        ("storage_min", "storage_max", "reservoir", "the floor is above the capacity"),
    )
    for low, high, dim, why in pairs:
        if low not in ds or high not in ds or not ds.sizes.get(dim, 0):
            continue
        lo, hi = ds[low].values, ds[high].values
        for i, t in list(zip(*np.nonzero(lo > hi * (1 + 1e-9) + 1e-9), strict=True))[:5]:
            problems.append(
                f"{at(f'{low}.csv', f'{high}.csv')}: {low!r} of {dim} "
                f"{str(ds[dim].values[i])!r} in period {str(ds.period.values[t])!r} is "
                f"{lo[i, t]:g}, above its {high!r} {hi[i, t]:g} ({_pretty(PARAMETERS[low].unit)}); "
                f"{why}."
            )
    # A group must hold sources of one resource (checked on load) and not be empty.
    if "group_member" in ds:
        empty = ~ds["group_member"].any("source")
        for group in ds.group.values[empty.values]:
            problems.append(
                f"{at('source_groups.csv')}: source group {str(group)!r} has no member sources."
            )


def input_hash(ds: xr.Dataset) -> str:
    """Return a short hash of the inputs' content: labels, values, units and provenance.

    It names the data, not the files: a case folder and the same case as a workbook (or
    a table re-saved with other spacing, quoting or number spelling) hash alike.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> ds = rm.load_inputs(rm.examples.path("two_plants"))
    >>> input_hash(ds) == input_hash(ds.copy(deep=True)), len(input_hash(ds))
    (True, 16)
    """
    digest = hashlib.sha256()
    for name in sorted(map(str, ds.variables)):
        var = ds[name].variable
        values = np.asarray(var.values)
        head = json.dumps([name, list(var.dims), str(values.dtype), var.attrs.get("units", "")])
        digest.update(head.encode() + b"\0")
        if values.dtype.kind in "OUS":
            digest.update("\x1f".join(map(str, values.ravel().tolist())).encode())
        else:
            digest.update(np.ascontiguousarray(values).tobytes())
        digest.update(b"\0")
    digest.update(str(ds.attrs.get("provenance", "")).encode())
    return digest.hexdigest()[:16]


def input_summary(ds: xr.Dataset) -> dict[str, int]:
    """Return the size of each dimension (for logs and the run card)."""
    return {str(d): int(n) for d, n in ds.sizes.items()}
