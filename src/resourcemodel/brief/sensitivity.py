"""The brief's sensitivity section: a tornado from a sweep, or a marginal cost curve.

A sweep (:func:`resourcemodel.sweep`) gives a tornado of the objective: how far it moves
when one input moves over its range while the others stay at their base values (a
one-at-a-time sweep directly; a grid through the runs where the other inputs are at their
neutral value, x1 or +0). A cost curve (:func:`resourcemodel.analyses.cost_curve`) gives its
steps: how much each saves and at what cost per unit. Inputs are named from the
translation table and the results' names, never by their lever ids.
"""

from __future__ import annotations

import fnmatch
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from resourcemodel import report
from resourcemodel.brief.content import Table
from resourcemodel.labels import display_name, join, number, quantity, text, unit_name

#: Steps of a cost curve listed in its table before "N more".
MAX_STEPS = 6


def load(given: object) -> list[xr.Dataset]:
    """Return sweep results and cost curves from Datasets and/or netCDF paths.

    Raises
    ------
    BriefError
        If a file is missing or holds neither a sweep nor a cost curve.
    """
    from resourcemodel.brief import BriefError
    from resourcemodel.io import load as load_file

    items = given if isinstance(given, list | tuple) else [given]
    out = []
    for item in items:
        if isinstance(item, xr.Dataset):
            ds = item
        else:
            path = Path(str(item))
            if not path.is_file():
                msg = f"{str(path)!r}: no such sweep or cost-curve file."
                raise BriefError(msg)
            try:
                ds = load_file(path)
            except (OSError, ValueError) as err:
                msg = f"{str(path)!r} is not a netCDF file written by resourcemodel ({err})."
                raise BriefError(msg) from err
        if kind(ds) is None:
            name = ds.attrs.get("sweep", "") or str(item)[:60]
            msg = (
                f"{name!r} is neither a sweep result (resourcemodel sweep) nor a cost curve "
                "(resourcemodel cost-curve --out FILE.nc); a sensitivity section needs one."
            )
            raise BriefError(msg)
        out.append(ds)
    return out


def kind(ds: xr.Dataset) -> str | None:
    """Return ``"sweep"``, ``"cost_curve"`` or None: what an analysis Dataset holds."""
    if "sweep" in ds.attrs and "status" in ds and "run" in ds.dims:
        return "sweep"
    if {"unit_cost", "saving", "cumulative_saving"} <= set(ds.data_vars):
        return "cost_curve"
    return None


# --- tornado -----------------------------------------------------------------------------


@dataclass
class Swing:
    """One input of a tornado: its name, range, and the objective at both ends."""

    label: str
    low: float
    high: float
    low_delta: float
    high_delta: float


def _factors(ds: xr.Dataset) -> list[str]:
    return [str(c) for c in ds.coords if ds[c].dims == ("run",) and "kind" in ds[c].attrs]


def _neutral(ds: xr.Dataset, factor: str) -> float:
    """Return the factor's value closest to no change (x1 for a scale, +0 otherwise)."""
    values = np.unique(ds[factor].values.astype(float))
    target = 1.0 if ds[factor].attrs.get("op") == "scale" else 0.0
    return float(values[np.argmin(np.abs(values - target))])


def swings(ds: xr.Dataset, res: xr.Dataset, lang: str) -> tuple[list[Swing], float]:
    """Return the tornado of a sweep's objective (largest swing first) and its base value.

    One-at-a-time sweeps use :func:`resourcemodel.sweeps.analysis.tornado`; other sweeps
    the runs where every other input is at its neutral value (none for random samples).
    """
    from resourcemodel.sweeps import analysis

    factors = _factors(ds)
    if ds.attrs.get("sampler") == "one_at_a_time":
        table = analysis.tornado(ds, "objective")
        cols = {
            c: table[c].to_numpy(dtype=float) for c in ("low", "high", "low_delta", "high_delta")
        }
        out = [
            Swing(
                factor_label(ds, str(name), res, lang),
                cols["low"][i],
                cols["high"][i],
                cols["low_delta"][i],
                cols["high_delta"][i],
            )
            for i, name in enumerate(table["factor"])
        ]
        return out, float(table.attrs["base"])
    ok = ds["status"].values == "optimal"
    y = ds["objective"].values.astype(float)
    neutral = {f: _neutral(ds, f) for f in factors}
    at_base = ok.copy()
    for f in factors:
        at_base &= np.isclose(ds[f].values.astype(float), neutral[f])
    if not at_base.any():
        return [], math.nan
    base = float(y[at_base][0])
    out = []
    for f in factors:
        rows = ok.copy()
        for other in factors:
            if other != f:
                rows &= np.isclose(ds[other].values.astype(float), neutral[other])
        x = ds[f].values.astype(float)[rows]
        if len(np.unique(x)) < 2:
            continue
        lo, hi = int(np.argmin(x)), int(np.argmax(x))
        ys = y[rows]
        out.append(
            Swing(factor_label(ds, f, res, lang), x[lo], x[hi], ys[lo] - base, ys[hi] - base)
        )
    out.sort(key=lambda s: -abs(s.high_delta - s.low_delta))
    return out, base


def factor_label(ds: xr.Dataset, factor: str, res: xr.Dataset, lang: str) -> str:
    """Name a swept input: ``source cap, Zayandeh Rud surface water (x0.5 to x1)``."""
    attrs = ds[factor].attrs
    parameter = str(attrs.get("parameter", ""))
    try:
        name = text(f"param_{parameter}", lang)
    except KeyError:
        name = parameter or factor
    where = json.loads(str(attrs.get("where", "{}")) or "{}")
    parts = []
    for dim, pattern in where.items():
        patterns = pattern if isinstance(pattern, list) else [pattern]
        labels = (
            [
                str(v)
                for v in res[dim].values
                if any(fnmatch.fnmatchcase(str(v), str(p)) for p in patterns)
            ]
            if dim in res.dims
            else []
        )
        if dim == "period" and labels:
            from resourcemodel.brief.content import period_span

            parts.append(period_span(res, labels, lang))
        elif labels:
            parts.append(join([display_name(res, dim, v, lang) for v in labels], lang))
    values = ds[factor].values.astype(float)
    low, high = float(values.min()), float(values.max())
    if attrs.get("op") == "scale":
        span = text("sens_scale", lang, low=number(low, lang), high=number(high, lang))
    else:
        unit = unit_name(str(attrs.get("units", "")), lang)
        span = text(
            "sens_add",
            lang,
            low=quantity(low, unit, lang, signed=True),
            high=quantity(high, unit, lang, signed=True),
        )
    head = name if not parts else f"{name}{text('list_sep', lang)}{join(parts, lang)}"
    return f"{head} ({span})"


def tornado_figure(items: list[Swing], lang: str) -> Figure:
    """Draw the objective's change at the low and high end of each input."""
    import matplotlib.pyplot as plt

    from resourcemodel.brief.drawings import _number_axis, _wrap

    largest = max((abs(v) for s in items for v in (s.low_delta, s.high_delta)), default=0.0)
    unit, factor = ("MUSD", 1e-6) if largest >= 1e5 else report.planner_unit("USD", largest)
    labels = [_wrap(s.label, 46) for s in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(7.2, 1.1 + 0.22 * max(lines, 2)), layout="constrained")
    y = np.arange(len(items))
    ax.barh(y - 0.18, [s.low_delta * factor for s in items], height=0.34, color="#1f77b4")
    ax.barh(y + 0.18, [s.high_delta * factor for s in items], height=0.34, color="#d62728")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(text("sens_tornado_title", lang), fontsize=9)
    ax.set_xlabel(text("sens_tornado_x", lang, unit=unit_name(unit, lang)), fontsize=7.5)
    _number_axis(ax, lang, "x")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color="#1f77b4", label=text("sens_low", lang)),
        plt.Rectangle((0, 0), 1, 1, color="#d62728", label=text("sens_high", lang)),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return fig


# --- cost curve --------------------------------------------------------------------------


def step_names(curve: xr.Dataset, step: int, res: xr.Dataset, lang: str) -> str:
    """Name what a step of a cost curve does, from its measure savings and the results."""
    change = curve["measure_saving"].isel(step=step)
    saving = float(curve["saving"].isel(step=step))
    grown = np.argwhere(change.values > 1e-6 * max(abs(saving), 1.0))
    plants: dict[str, list[str]] = {}  # one entry per measure, its plants listed
    for i, j in grown:
        measure = display_name(res, "measure", str(change.measure.values[j]), lang)
        plants.setdefault(measure, []).append(
            display_name(res, "plant", str(change.plant.values[i]), lang)
        )
    names = [
        text("sens_measure_at", lang, measure=measure, plant=join(where, lang))
        for measure, where in plants.items()
    ]
    if str(curve["measures"].values[step]).startswith("output cut"):
        names.insert(0, text("sens_output_cut", lang))
    return text("list_semicolon", lang).join(names) if names else text("sens_reallocation", lang)


def cost_curve_figure(curve: xr.Dataset, res: xr.Dataset, lang: str) -> Figure:
    """Draw the steps of a cost curve: width the saving, height the cost per unit saved."""
    import matplotlib.pyplot as plt

    from resourcemodel.brief.drawings import _number_axis

    unit = str(curve.attrs["unit"])
    saving = curve["saving"].values.astype(float)
    end = curve["cumulative_saving"].values.astype(float)
    shown, factor = report.planner_unit(unit, float(end[-1]) if len(end) else 0.0)
    fig, ax = plt.subplots(figsize=(7.2, 2.4), layout="constrained")
    left = (end - saving) * factor
    cost = curve["unit_cost"].values.astype(float)
    ax.bar(left, cost, width=saving * factor, align="edge", edgecolor="black", linewidth=0.5)
    for k, (x0, w, h) in enumerate(zip(left, saving * factor, cost, strict=True)):
        ax.annotate(number(k + 1, lang), (x0 + w / 2, h), ha="center", va="bottom", fontsize=7)
    ax.axhline(0.0, color="black", linewidth=0.5)
    resource = display_name(res, "resource", str(curve.attrs.get("of", "")), lang)
    ax.set_title(text("sens_curve_title", lang, resource=resource), fontsize=9)
    ax.set_xlabel(text("sens_curve_x", lang, unit=unit_name(shown, lang)), fontsize=7.5)
    ax.set_ylabel(unit_name(f"USD/{unit}", lang), fontsize=7.5)
    _number_axis(ax, lang, "x")
    _number_axis(ax, lang, "y")
    return fig


def cost_curve_table(curve: xr.Dataset, res: xr.Dataset, lang: str) -> tuple[Table, int]:
    """Return the steps of a cost curve (numbered as on the chart) and how many are cut."""
    unit = str(curve.attrs["unit"])
    saving = curve["saving"].values.astype(float)
    shown, factor = report.planner_unit(unit, float(np.abs(saving).max(initial=0.0)))
    table = Table(
        [
            text("sens_col_step", lang),
            text("sens_col_saves", lang),
            text("sens_col_unit_cost", lang),
            text("sens_col_does", lang),
        ],
        numeric=[True, True, True, False],
        widths=[8.0, 18.0, 18.0, 56.0],
    )
    n = curve.sizes["step"]
    for k in range(min(n, MAX_STEPS)):
        table.rows.append(
            [
                number(k + 1, lang),
                quantity(saving[k] * factor, shown, lang),
                quantity(float(curve["unit_cost"].values[k]), f"USD/{unit}", lang),
                step_names(curve, k, res, lang),
            ]
        )
    return table, max(0, n - MAX_STEPS)
