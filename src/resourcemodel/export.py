"""Export results for spreadsheets and other tools: CSV, Excel or netCDF.

CSV and Excel hold one table per results variable (a file or a sheet), in long form: one
column per dimension, then the value with its unit in the header (``supply [m3]``). When
a variable's unit differs by row (production in t or MWh, supply in m3 or GJ), the header
says ``[see unit]`` and a ``unit`` column gives each row's unit. Values are in canonical
units, exactly as in the results; absent elements (not connected, not applicable) are
left out. A ``run_card`` table holds the run card. Every file is written atomically.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.exceptions import ResourceModelError
from resourcemodel.io import save, write_with
from resourcemodel.results import unit_of

FORMATS = ("csv", "xlsx", "netcdf")
RUN_CARD = "run_card"
#: Excel limits sheet names to 31 characters.
_SHEET_MAX = 31


class ExportError(ResourceModelError):
    """Results cannot be exported (bad format, unreadable file, bad folder)."""


#: Which dimension decides the unit in each unit template of the results.
_TEMPLATE_DIMS = {
    "{process.product}": "process",
    "{source.resource}": "source",
    "{group.resource}": "group",
    "{resource}": "resource",
    "{product}": "product",
}


def _units(ds: xr.Dataset, name: str, frame: pd.DataFrame) -> tuple[str, list[str] | None]:
    """Return a variable's unit: one string, or one per row of ``frame`` when templated."""
    template = str(ds[name].attrs.get("units", ""))
    keys = [d for token, d in _TEMPLATE_DIMS.items() if token in template]
    if not keys or frame.empty:
        return template, None
    key = keys[0]
    lookup = {
        label: unit_of(ds, name, **{key: label})
        for label in map(str, pd.unique(frame[key].astype(str)))
    }
    if len(set(lookup.values())) == 1:
        return next(iter(lookup.values())), None
    return "see unit", [lookup[str(v)] for v in frame[key]]


def table(ds: xr.Dataset, name: str) -> pd.DataFrame:
    """Return one results variable as a long table with its unit in the header.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> table(res, "supply").columns.tolist()
    ['plant', 'source', 'period', 'supply [m3]']
    """
    da = ds[name]
    if da.ndim == 0:
        frame = pd.DataFrame({name: [da.item()]})
    else:
        frame = da.to_series().reset_index()
        frame = frame[frame[name].notna()].reset_index(drop=True)
    unit, per_row = _units(ds, name, frame) if da.ndim else (str(da.attrs.get("units", "")), None)
    header = f"{name} [{unit}]" if unit else name
    frame = frame.rename(columns={name: header})
    if per_row is not None:
        frame["unit"] = per_row
    return frame


#: Run-card entries that are lists of records, exported as tables of their own.
RECORD_TABLES = {
    "provenance": ["parameter", "labels", "reference", "confidence", "note"],
    "scenario_diff": ["parameter", "labels", "before", "after", "unit", "origin"],
}


def _decoded(value: object) -> object:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def records_table(ds: xr.Dataset, key: str) -> pd.DataFrame:
    """Return a run-card list (``provenance``, ``scenario_diff``) as a table; labels as JSON."""
    columns = RECORD_TABLES[key]
    raw = _decoded(ds.attrs.get(key, "[]"))
    rows = []
    for rec in raw if isinstance(raw, list) else []:
        row = dict(zip(columns, rec, strict=False)) if isinstance(rec, list) else dict(rec)
        row["labels"] = json.dumps(row.get("labels", {}), ensure_ascii=False)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def run_card(ds: xr.Dataset) -> pd.DataFrame:
    """Return the run card (``attrs``) as a two-column table; lists and dicts as JSON.

    ``provenance`` and ``scenario_diff`` point to their own tables instead.
    """
    rows = []
    for key, value in ds.attrs.items():
        if key in RECORD_TABLES:
            value = f"see table {key}"
        elif isinstance(value, dict | list | tuple | bool) or value is None:
            value = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, np.generic):
            value = value.item()
        rows.append({"item": key, "value": value})
    return pd.DataFrame(rows, columns=["item", "value"])


def tables(ds: xr.Dataset) -> dict[str, pd.DataFrame]:
    """Every data variable as a table, plus the run card, provenance and scenario changes."""
    out = {str(name): table(ds, str(name)) for name in ds.data_vars}
    out[RUN_CARD] = run_card(ds)
    for key in RECORD_TABLES:
        out[key] = records_table(ds, key)
    return out


def _sheet_names(names: Sequence[str]) -> dict[str, str]:
    """Return unique sheet names of at most 31 characters (long names shortened)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        short = name[:_SHEET_MAX]
        k = 1
        while short in used:
            suffix = f"~{k}"
            short = name[: _SHEET_MAX - len(suffix)] + suffix
            k += 1
        used.add(short)
        out[name] = short
    return out


def _stem(ds: xr.Dataset, fallback: str) -> str:
    name = str(ds.attrs.get("scenario", "")) or fallback
    cleaned = re.sub(r"[^\w.-]+", "_", name).strip("_").lstrip(".")
    # '.' and '..' (or names made only of dots) would leave the output folder.
    return cleaned if cleaned.strip(".") else fallback


def export(results_or_paths: object, format: str = "csv", out: str | Path = "export") -> list[Path]:
    """Export results as CSV files, Excel workbooks or netCDF files.

    Parameters
    ----------
    results_or_paths : xarray.Dataset, path, or a list of them
        Results of :func:`resourcemodel.run` or ``.nc`` files written by
        ``resourcemodel run``.
    format : {"csv", "xlsx", "netcdf"}
        ``csv``: a folder ``<out>/<scenario>/`` with one ``<variable>.csv`` per variable
        plus ``run_card.csv``, ``provenance.csv`` and ``scenario_diff.csv``. ``xlsx``:
        ``<out>/<scenario>.xlsx`` with one sheet per variable and the same three extra
        sheets. ``netcdf``: ``<out>/<scenario>.nc`` (the full results).
    out : str or Path
        Destination folder (created if needed).

    Returns
    -------
    list of Path
        Files written.

    Raises
    ------
    ExportError
        Unknown format, or a path that is not a results file.
    """
    from resourcemodel.brief import BriefError, load_results

    if format not in FORMATS:
        msg = f"Unknown export format {format!r}; use one of {', '.join(FORMATS)}."
        raise ExportError(msg)
    try:
        items = load_results(results_or_paths)
    except BriefError as err:
        raise ExportError(str(err)) from None
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        msg = f"{str(folder)!r} is a file; give a folder to export into."
        raise ExportError(msg)
    written: list[Path] = []
    for i, ds in enumerate(items):
        stem = _stem(ds, f"results_{i + 1}")
        if format == "netcdf":
            written.append(save(ds, folder / f"{stem}.nc"))
        elif format == "csv":
            for name, frame in tables(ds).items():
                target = folder / stem / f"{name}.csv"
                written.append(write_with(target, functools.partial(_csv, frame)))
        else:
            written.append(write_with(folder / f"{stem}.xlsx", functools.partial(_xlsx, ds)))
    return written


def _csv(frame: pd.DataFrame, target: Path) -> None:
    frame.to_csv(target, index=False)


def _xlsx(ds: xr.Dataset, target: Path) -> None:
    frames = tables(ds)
    sheets = _sheet_names(list(frames))
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheets[name], index=False)


def read_xlsx(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read an exported workbook back: sheet name -> table (``inf`` restored)."""
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    out = {}
    for name, frame in sheets.items():
        for col in frame.columns:
            if frame[col].dtype == object:
                as_inf = frame[col].replace({"inf": np.inf, "-inf": -np.inf})
                if not as_inf.equals(frame[col]):
                    frame[col] = as_inf.astype(float)
        out[str(name)] = frame
    return out
