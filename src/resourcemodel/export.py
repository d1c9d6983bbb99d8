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
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.exceptions import ResourceModelError
from resourcemodel.io import save, write_with
from resourcemodel.results import unit_of
from resourcemodel.units import SPELLED_OUT

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
    "{reservoir.resource}": "reservoir",
    "{user.resource}": "user",
    "{resource}": "resource",
    "{product}": "product",
}


def _load(results: Any) -> list[xr.Dataset]:
    """Load results Datasets or files, with loading problems as :class:`ExportError`."""
    from resourcemodel.brief import BriefError, load_results

    try:
        return load_results(results)
    except BriefError as err:
        raise ExportError(str(err)) from None


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
    if format not in FORMATS:
        msg = f"Unknown export format {format!r}; use one of {', '.join(FORMATS)}."
        raise ExportError(msg)
    items = _load(results_or_paths)
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


# --- one workbook comparing scenarios ------------------------------------------------------

#: Significant digits kept in the comparison workbook: enough to read, no float noise.
SIGNIFICANT = 4
#: Sheets of the comparison workbook, in order.
WORKBOOK_SHEETS = (
    "Summary",
    "Production",
    "Deliveries",
    "Supply",
    "Measures",
    "Binding caps",
    "Scenario changes",
    "Data sources",
    "Run card",
)
#: Binding caps shown on the Summary sheet: the union of each scenario's most valuable ones.
SUMMARY_CAPS = 5
#: Unit symbols spelled out for a reader.
_UNIT_TEXT = SPELLED_OUT
_MONEY = {"cost": "Cost (production, supply, measures)", "value added": "Value added"}
_MONEY["sales lost"] = "Sales lost to unmet demand"
#: Summary section of emissions and jobs: each row gets its own unit (CO2 in Mt, SO2 in kt).
_IMPACT = "Emissions and jobs (per year)"
_COLUMN_MAX = 60


def significant(value: object, digits: int = SIGNIFICANT) -> object:
    """Round a number to ``digits`` significant digits for a reader; other values unchanged.

    NaN becomes ``None`` (an empty cell); infinity becomes ``"∞"`` (Excel has none).

    Examples
    --------
    >>> significant(0.01999999999999999), significant(18137.247), significant(float("nan"))
    (0.02, 18140.0, None)
    """
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return value
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if number == 0:
        return 0.0
    return round(number, digits - 1 - math.floor(math.log10(abs(number))))


def _unit_text(unit: str) -> str:
    head, slash, tail = unit.partition("/")
    return _UNIT_TEXT.get(head, head) + slash + tail


def _canonical(unit: str) -> tuple[str, float]:
    """Return the canonical unit of a planner unit (``GWh`` -> ``MWh``) and the factor to it."""
    from resourcemodel import units
    from resourcemodel.report import LADDERS

    for ladder in LADDERS.values():
        if unit in ladder:
            return ladder[0], units.factor(unit, ladder[0])
    return unit, 1.0


def _name(res: xr.Dataset, dim: str, label: str) -> str:
    from resourcemodel.labels import display_name

    return display_name(res, dim, label, "en")


def _scenario_names(results: list[xr.Dataset]) -> list[str]:
    """Return scenario names as column headers, made unique (``name (2)``) when repeated."""
    names: list[str] = []
    for i, res in enumerate(results):
        base = str(res.attrs.get("scenario", "")) or f"results {i + 1}"
        name, k = base, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return names


def _comparison_row(res: xr.Dataset) -> dict[str, tuple[str, float]]:
    """Return one scenario's :func:`report.comparison` numbers: label -> (canonical unit, value)."""
    from resourcemodel import report

    row = report.comparison([res]).iloc[0]
    out: dict[str, tuple[str, float]] = {}
    for column, value in row.items():
        found = re.fullmatch(r"(.+) \[(.+)\]", str(column))
        if found:
            canonical, factor = _canonical(found[2])
            out[found[1]] = (canonical, float(value) * factor)
    return out


def _summary_section(res: xr.Dataset, label: str) -> tuple[str, str]:
    """Return (section, row name) of a :func:`report.comparison` indicator."""
    from resourcemodel import report

    if label in _MONEY:
        return "Money (per year)", _MONEY[label]
    if label.startswith("output ("):
        return "Output (per year)", f"All products counted in {label[8:-1]} (total)"
    if label in res["source"].values:
        return "Water by source (per year)", _name(res, "source", label)
    if label in [name for name, _, _ in report.impact_totals(res)]:
        from resourcemodel.labels import text

        jobs = {"jobs": "row_jobs", "jobs of unmet demand": "row_jobs_unmet"}
        row = (
            text(jobs[label], "en")
            if label in jobs
            else text("row_emission", "en", pollutant=label)
        )
        return _IMPACT, row
    return "Energy (per year)", _name(res, "resource", label)


def _product_rows(res: xr.Dataset) -> dict[str, tuple[str, float]]:
    """Return annual deliveries of each product with demand: name -> (canonical unit, value)."""
    delivered = res["delivery"].fillna(0).sum("period")
    out = {}
    for product in map(str, res["product"].values):
        if bool(res["unmet"].sel(product=product).isnull().all()):
            continue
        unit = str(res["product_unit"].sel(product=product).item())
        out[_name(res, "product", product)] = (unit, float(delivered.sel(product=product)))
    return out


def _cap_rows(res: xr.Dataset) -> list[tuple[str, dict[str, str], str]]:
    """Return the most valuable binding caps: (family, labels by dimension, price unit)."""
    from resourcemodel.report import binding_caps

    caps = binding_caps(res, limit=SUMMARY_CAPS)
    rows = []
    for _, cap in caps.iterrows():
        dims = res[f"{cap['cap']}_binding"].dims
        labels = dict(zip(map(str, dims), str(cap["where"]).split(", "), strict=True))
        rows.append((str(cap["cap"]), labels, str(cap["price_unit"])))
    return rows


def _cap_title(res: xr.Dataset, family: str, labels: dict[str, str]) -> str:
    from resourcemodel.labels import text

    where = ", ".join(_name(res, dim, label) for dim, label in labels.items())
    return f"{where} ({text(f'cap_{family}', 'en')})"


def _cap_price(res: xr.Dataset, family: str, labels: dict[str, str]) -> float:
    """Return the shadow price of a cap in a scenario; NaN where the scenario has no such cap."""
    price = res.get(f"{family}_shadow_price")
    if price is None or any(label not in res[dim].values for dim, label in labels.items()):
        return math.nan
    return float(price.sel(labels))


def _planner(canonical: str, values: list[float], money: bool) -> tuple[str, float]:
    from resourcemodel import units
    from resourcemodel.report import planner_unit

    if money:
        return "MUSD", units.factor(canonical, "MUSD")
    finite = [abs(v) for v in values if math.isfinite(v)]
    return planner_unit(canonical, max(finite, default=0.0))


def summary_sheet(results: list[xr.Dataset]) -> pd.DataFrame:
    """Return the Summary sheet: planner indicators by row, one column per scenario.

    Numbers come from :func:`resourcemodel.report.comparison` (output, water by source,
    energy, money), :func:`~resourcemodel.report.headline` (largest unmet share) and
    :func:`~resourcemodel.report.binding_caps` (the value of one more unit of each
    scenario's most valuable caps, shown for every scenario), plus deliveries by product.
    Each row has one unit for all scenarios; values are not yet rounded.
    """
    from resourcemodel.report import headline

    names = _scenario_names(results)
    rows: list[dict[str, object]] = [
        {
            "Section": "Run",
            "Indicator": "Status",
            "Unit": "",
            **{n: str(r.attrs.get("status", "")) for n, r in zip(names, results, strict=True)},
        }
    ]
    ok = [(n, r) for n, r in zip(names, results, strict=True) if r.attrs.get("status") == "optimal"]
    blocks: dict[tuple[str, str], dict[str, tuple[str, float]]] = {}
    for name, res in ok:
        for product, (unit, value) in _product_rows(res).items():
            blocks.setdefault(("Output (per year)", product), {})[name] = (unit, value)
        for label, (unit, value) in _comparison_row(res).items():
            blocks.setdefault(_summary_section(res, label), {})[name] = (unit, value)
    biggest: dict[tuple[str, str, str], list[float]] = {}
    for (section, indicator), by_name in blocks.items():
        own = indicator if section == _IMPACT else ""  # one unit per row there
        for unit, value in by_name.values():
            biggest.setdefault((section, own, unit), []).append(value)
    for (section, indicator), by_name in blocks.items():
        canonical = next(iter(by_name.values()))[0]
        money = section.startswith("Money")
        own = indicator if section == _IMPACT else ""
        unit, factor = _planner(canonical, biggest[section, own, canonical], money)
        row: dict[str, object] = {"Section": section, "Indicator": indicator}
        row["Unit"] = _unit_text(unit)
        rows.append(row | {n: by_name[n][1] * factor if n in by_name else None for n in names})
    share = {n: 100 * float(headline(r)["unmet_share_max"]) for n, r in ok}
    rows.append(
        {"Section": "Demand", "Indicator": "Largest share of a product's demand unmet"}
        | {"Unit": "%"}
        | {n: share.get(n) for n in names}
    )
    rows.extend(_summary_caps(names, ok))
    return pd.DataFrame(rows, columns=["Section", "Indicator", "Unit", *names])


def _summary_caps(names: list[str], ok: list[tuple[str, xr.Dataset]]) -> list[dict[str, object]]:
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[xr.Dataset, str]] = {}
    for _, res in ok:
        for family, labels, price_unit in _cap_rows(res):
            seen.setdefault((family, tuple(labels.items())), (res, price_unit))
    rows: list[tuple[float, dict[str, object]]] = []
    for (family, items), (res, price_unit) in seen.items():
        labels = dict(items)
        prices = {n: _cap_price(r, family, labels) for n, r in ok}
        row: dict[str, object] = {"Section": "Binding caps (value of one more unit)"}
        row |= {"Indicator": _cap_title(res, family, labels), "Unit": price_unit}
        top = max((abs(v) for v in prices.values() if math.isfinite(v)), default=0.0)
        rows.append((top, row | {n: prices.get(n) for n in names}))
    return [row for _, row in sorted(rows, key=lambda pair: -pair[0])]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _scaled(frame: pd.DataFrame, value_cols: list[str], key: str) -> pd.DataFrame:
    """Put each ``key``'s values in one planner unit (chosen from its largest value).

    ``frame`` has a canonical ``Unit`` column; it is replaced by the planner unit.
    """
    frame = frame.copy()
    for _, rows in frame.groupby([key, "Unit"], sort=False):
        canonical = str(rows["Unit"].iloc[0])
        biggest = float(np.nanmax(np.abs(rows[value_cols].to_numpy(dtype=float)), initial=0.0))
        unit, factor = _planner(canonical, [biggest], money=False)
        frame.loc[rows.index, value_cols] = rows[value_cols].to_numpy(dtype=float) * factor
        frame.loc[rows.index, "Unit"] = _unit_text(unit)
    return frame


def _labelled(res: xr.Dataset, var: str) -> pd.DataFrame:
    """Return a results variable in long form, absent elements left out, canonical units."""
    frame = res[var].to_series().dropna().reset_index()
    unit, per_row = _units(res, var, frame)
    frame["Unit"] = per_row if per_row is not None else unit
    return frame


def _names(res: xr.Dataset, frame: pd.DataFrame, dims: dict[str, str]) -> pd.DataFrame:
    """Replace label columns by display-name columns: dimension -> column title."""
    for dim, title in dims.items():
        frame[title] = [_name(res, dim, str(v)) for v in frame[dim]]
    return frame


def _production(res: xr.Dataset) -> pd.DataFrame:
    frame = _labelled(res, "production")
    frame["plant"] = [str(res["process_plant"].sel(process=p).item()) for p in frame["process"]]
    frame["product"] = [str(res["process_product"].sel(process=p).item()) for p in frame["process"]]
    titles = {"plant": "Plant", "process": "Process", "product": "Product", "period": "Period"}
    frame = _names(res, frame, titles).rename(columns={"production": "Production"})
    return frame[[*titles.values(), "Production", "Unit"]]


def _deliveries(res: xr.Dataset) -> pd.DataFrame:
    frame = _labelled(res, "unmet").rename(columns={"unmet": "Unmet"})
    delivered = res["delivery"].fillna(0).to_series()
    frame["Delivered"] = [
        delivered[(p, t)] for p, t in zip(frame["product"], frame["period"], strict=True)
    ]
    frame = _names(res, frame, {"product": "Product", "period": "Period"})
    return frame[["Product", "Period", "Delivered", "Unmet", "Unit"]]


def _supply(res: xr.Dataset) -> pd.DataFrame:
    frame = _labelled(res, "supply").rename(columns={"supply": "Supply"})
    titles = {"plant": "Plant", "source": "Source", "period": "Period"}
    return _names(res, frame, titles)[[*titles.values(), "Supply", "Unit"]]


def _measures(res: xr.Dataset) -> pd.DataFrame:
    frame = res["adoption"].to_series().dropna().reset_index()
    frame["Adoption"] = 100 * frame["adoption"]
    frame["Unit"] = "% of the plant"
    titles = {"plant": "Plant", "measure": "Measure"}
    return _names(res, frame, titles)[[*titles.values(), "Adoption", "Unit"]]


def _binding(res: xr.Dataset) -> pd.DataFrame:
    from resourcemodel.labels import text
    from resourcemodel.report import binding_caps

    caps = binding_caps(res)
    columns = ["Cap", "Where", "Limit", "Unit", "Value of one more unit", "Price unit"]
    columns += ["Holds from", "Holds to"]
    rows = []
    for _, cap in caps.iterrows():
        dims = map(str, res[f"{cap['cap']}_binding"].dims)
        where = zip(dims, str(cap["where"]).split(", "), strict=True)
        rows.append(
            [
                text(f"cap_{cap['cap']}", "en"),
                ", ".join(_name(res, d, w) for d, w in where),
                cap["limit"],
                _unit_text(str(cap["unit"])),
                cap["shadow_price"],
                cap["price_unit"],
                cap["range_lower"],
                cap["range_upper"],
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def _applies_to(res: xr.Dataset, labels: object) -> str:
    """Return ``{"source": "groundwater"}`` as ``source: Groundwater`` (display names)."""
    if not isinstance(labels, dict) or not labels:
        return "everywhere"
    parts = []
    for dim, chosen in labels.items():
        values = chosen if isinstance(chosen, list) else [chosen]
        parts.append(f"{dim}: {', '.join(_name(res, dim, str(v)) for v in values)}")
    return "; ".join(parts)


def _records(res: xr.Dataset, key: str, titles: dict[str, str]) -> pd.DataFrame:
    frame = records_table(res, key)
    frame["labels"] = [_applies_to(res, json.loads(v)) for v in frame["labels"]]
    return frame.rename(columns=titles)[list(titles.values())]


def _changes(res: xr.Dataset) -> pd.DataFrame:
    titles = {"parameter": "Parameter", "labels": "Applies to", "before": "Before"}
    titles |= {"after": "After", "unit": "Unit", "origin": "Origin"}
    frame = _records(res, "scenario_diff", titles)
    for i, row in frame.iterrows():
        pair = [row["Before"], row["After"]]
        if all(_is_number(v) for v in pair) and _canonical(str(row["Unit"]))[1] == 1.0:
            unit, factor = _planner(str(row["Unit"]), [float(v) for v in pair], money=False)
            frame.loc[i, ["Before", "After"]] = [float(v) * factor for v in pair]
            frame.loc[i, "Unit"] = _unit_text(unit)
    return frame


def _sources(results: list[xr.Dataset], names: list[str]) -> pd.DataFrame:
    """Return the data sources of every scenario once, with the scenarios using each."""
    titles = {"parameter": "Parameter", "labels": "Applies to", "reference": "Reference"}
    titles |= {"confidence": "Confidence", "note": "Note"}
    held: dict[tuple[object, ...], list[str]] = {}
    for name, res in zip(names, results, strict=True):
        for row in _records(res, "provenance", titles).itertuples(index=False):
            held.setdefault(tuple(row), []).append(name)
    rows = [[*row, ", ".join(users)] for row, users in held.items()]
    return pd.DataFrame(rows, columns=[*titles.values(), "Scenarios"])


#: Run-card items whose key does not read well with its underscores replaced.
_CARD_ITEMS = {
    "cost_totals_usd": "Cost totals",
    "lp_rows": "LP rows",
    "lp_columns": "LP columns",
    "lp_nonzeros": "LP nonzeros",
}


def _card_text(key: str, value: object) -> str:
    """Return a run-card value as text a reader understands (no JSON)."""
    from resourcemodel.labels import number

    value = _decoded(value) if key != "description" else value
    if key == "cost_totals_usd" and isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')} {number(v / 1e6, 'en', sig=4)}" for k, v in value.items()]
        return "; ".join(parts) + " (million USD per year)"
    if key == "provenance":
        return "see sheet Data sources"
    if key == "scenario_diff":
        return "see sheet Scenario changes"
    if isinstance(value, dict):
        return "; ".join(f"{k} = {v}" for k, v in value.items()) or "defaults"
    if isinstance(value, list | tuple):
        return " → ".join(map(str, value))
    if isinstance(value, bool) or value is None:
        return {True: "yes", False: "no", None: ""}[value]
    if isinstance(value, float | np.floating):
        amount = float(value)
        return f"{amount:,.0f}" if abs(amount) >= 1e4 else f"{amount:.6g}"
    return str(value.item() if isinstance(value, np.generic) else value)


def _run_cards(results: list[xr.Dataset], names: list[str]) -> pd.DataFrame:
    rows: list[tuple[str, str]] = []
    for name, res in zip(names, results, strict=True):
        if rows:
            rows.append(("", ""))
        rows.append(("Scenario", name))
        rows += [
            (_CARD_ITEMS.get(key, key.replace("_", " ").capitalize()), _card_text(key, value))
            for key, value in res.attrs.items()
            if key != "scenario"
        ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _per_scenario(
    results: list[xr.Dataset], names: list[str], make: Callable[[xr.Dataset], pd.DataFrame]
) -> pd.DataFrame:
    frames = [
        make(res).assign(Scenario=name)
        for name, res in zip(names, results, strict=True)
        if res.attrs.get("status") == "optimal"
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else make(results[0]).iloc[:0]
    if "Scenario" not in frame:
        frame["Scenario"] = pd.Series(dtype=str)
    return frame[["Scenario", *(c for c in frame.columns if c != "Scenario")]]


def workbook_sheets(results: list[xr.Dataset]) -> dict[str, pd.DataFrame]:
    """Return every sheet of the comparison workbook as a table (not yet rounded)."""
    names = _scenario_names(results)
    production = _per_scenario(results, names, _production)
    deliveries = _per_scenario(results, names, _deliveries)
    supply = _per_scenario(results, names, _supply)
    return {
        "Summary": summary_sheet(results),
        "Production": _scaled(production, ["Production"], "Product"),
        "Deliveries": _scaled(deliveries, ["Delivered", "Unmet"], "Product"),
        "Supply": _scaled(supply, ["Supply"], "Source"),
        "Measures": _per_scenario(results, names, _measures),
        "Binding caps": _per_scenario(results, names, _binding),
        "Scenario changes": _per_scenario(results, names, _changes),
        "Data sources": _sources(results, names),
        "Run card": _run_cards(results, names),
    }


def _write_sheet(sheet: Any, frame: pd.DataFrame, frozen: str) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([significant(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = frozen
    for i, column in enumerate(frame.columns, start=1):
        texts = [str(column), *(str(significant(v)) for v in frame[column])]
        width = min(max(map(len, texts)) + 2, _COLUMN_MAX)
        sheet.column_dimensions[get_column_letter(i)].width = width
        if width == _COLUMN_MAX:
            for cell in sheet[get_column_letter(i)][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_workbook(sheets: dict[str, pd.DataFrame], target: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        frozen = "D2" if title == "Summary" else "B2"
        _write_sheet(book.create_sheet(title), frame, frozen)
    book.save(target)


def export_workbook(results: object, path: str | Path) -> Path:
    """Write one Excel workbook comparing scenarios, for planners.

    Sheets: ``Summary`` (indicators by row with a Unit column, one column per scenario,
    numbers from :func:`resourcemodel.report.comparison`), then ``Production``,
    ``Deliveries``, ``Supply``, ``Measures``, ``Binding caps``, ``Scenario changes``,
    ``Data sources`` and ``Run card``: long tables with a Scenario column, display names
    (not codes), planner units in a Unit column and numbers rounded to four significant
    digits. For every number at full precision use :func:`export`.

    Parameters
    ----------
    results : xarray.Dataset, path, or a list of them
        Results of :func:`resourcemodel.run` or ``.nc`` files written by
        ``resourcemodel run``; the columns of the Summary follow their order.
    path : str or Path
        The ``.xlsx`` file to write (atomically; its folder is created if needed).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ExportError
        A path that is not a results file, or ``path`` is a folder.

    Examples
    --------
    >>> import tempfile, openpyxl, resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> target = export_workbook([res], Path(tempfile.mkdtemp()) / "compare.xlsx")
    >>> openpyxl.load_workbook(target)["Summary"]["D1"].value
    'two_plants'
    """
    target = Path(path)
    if target.is_dir():
        msg = f"{str(target)!r} is a folder; give the workbook's file name (.xlsx)."
        raise ExportError(msg)
    items = _load(results)
    sheets = workbook_sheets(items)
    return write_with(target, functools.partial(_write_workbook, sheets))
