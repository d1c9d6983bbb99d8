"""Sweep charts: tornado, response curves, a two-lever heatmap and Sobol indices.

Each function takes the sweep results (or an analysis table), draws on ``ax`` (a new
figure if ``None``) and returns the Axes. matplotlib is imported only inside them.

Every axis says its unit: a factor by its label and what its values measure
(``summer grid cap [x scenario value]``), an outcome in a planner unit chosen from its
size (``objective [million USD]``, ``unmet [kt]``) unless ``label`` and ``scale`` are given.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.sweeps.analysis import _outcome, response, tornado
from resourcemodel.units import SPELLED_OUT


def _axes(ax: Any, figsize: tuple[float, float] = (7, 4)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


#: Planner units spelled out on chart axes.
SPELLED = SPELLED_OUT
#: Unit templates of results variables and the coordinate holding each label's unit.
_TEMPLATES = {
    "{product}": "product",
    "{resource}": "resource",
    "{source.resource}": "source",
    "{group.resource}": "group",
    "{process.product}": "process",
}


def outcome_units(ds: xr.Dataset, outcome: str | xr.DataArray) -> str:
    """Return the unit of an outcome, reading a template (``{product}``) from its labels.

    ``''`` if it has none, or if it adds up labels of different units.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(
    ...     {"unmet": (("run", "product"), np.ones((2, 2)), {"units": "{product}"})},
    ...     coords={"product": ["steel", "cement"], "product_unit": ("product", ["t", "t"])},
    ... )
    >>> outcome_units(ds, "unmet"), outcome_units(ds, ds["unmet"].sel(product="steel"))
    ('t', 't')
    """
    data = ds[outcome] if isinstance(outcome, str) else outcome
    units = str(data.attrs.get("units", ""))
    if not units and not isinstance(outcome, str) and str(outcome.name) in ds:
        units = str(ds[str(outcome.name)].attrs.get("units", ""))
    for token, dim in _TEMPLATES.items():
        if token not in units:
            continue
        coord = f"{dim}_unit"
        if coord in data.coords:
            found = np.unique(np.asarray(data[coord].values, dtype=str))
        elif coord in ds.coords and dim in data.coords:
            found = np.unique(ds[coord].sel({dim: data[dim].values}).values.astype(str))
        else:
            return ""
        if len(found) != 1:
            return ""
        units = units.replace(token, str(found[0]))
    return units


def _scaled(
    ds: xr.Dataset, outcome: str | xr.DataArray, label: str | None, scale: float | None
) -> tuple[str, float]:
    """Return the axis label of an outcome and the factor its values are shown at."""
    data = ds[outcome] if isinstance(outcome, str) else outcome
    name = outcome if isinstance(outcome, str) else str(outcome.name)
    units = outcome_units(ds, outcome)
    if scale is None and label:
        scale = 1.0  # a caller's own label: the values as they are
    if scale is None:
        from resourcemodel.report import planner_unit

        finite = np.abs(np.asarray(data.values, dtype=float))
        finite = finite[np.isfinite(finite)]
        biggest = float(finite.max()) if finite.size else 0.0
        units, scale = planner_unit(units, biggest) if units else (units, 1.0)
    if label:
        return label, scale
    units = SPELLED.get(units, units)
    return (f"{name} [{units}]" if units else name), scale


def factor_label(ds: xr.Dataset, factor: str) -> str:
    """Return a factor's axis label: its label and what its values measure.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(coords={"summer_grid": ("run", np.ones(2))})
    >>> ds["summer_grid"].attrs.update(long_name="summer grid cap", units="x scenario value")
    >>> factor_label(ds, "summer_grid")
    'summer grid cap [x scenario value]'
    """
    attrs = ds[factor].attrs
    name = str(attrs.get("long_name", factor))
    units = str(attrs.get("units", ""))
    if units == "fraction" and attrs.get("op") == "scale":  # sweeps saved before the fix
        units = "x scenario value"
    return f"{name} [{units}]" if units else name


def tornado_plot(
    ds: xr.Dataset,
    outcome: str | xr.DataArray,
    *,
    ax: Any = None,
    label: str | None = None,
    scale: float | None = None,
) -> Any:
    """Horizontal bars: the outcome's change when each factor goes to its low/high value.

    ``scale`` multiplies the values shown (``1e-6`` with a label in millions); by default
    the outcome is shown in a planner unit chosen from its size.
    """
    table = tornado(ds, outcome)
    text, scale = _scaled(ds, outcome, label, scale)
    ax = _axes(ax)
    names = table["factor"][::-1]
    pos = np.arange(len(table))
    ax.barh(pos, table["low_delta"][::-1] * scale, color="#4c78a8", label="factor at low value")
    ax.barh(pos, table["high_delta"][::-1] * scale, color="#f58518", label="factor at high value")
    ax.set_yticks(
        pos,
        labels=[
            f"{factor_label(ds, n)} ({lo:g} .. {hi:g})"
            for n, lo, hi in zip(names, table["low"][::-1], table["high"][::-1], strict=True)
        ],
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change of {text} from the base run")
    ax.set_title(f"What moves {text} most (one at a time)")
    ax.legend(loc="lower right")
    return ax


def response_plot(
    ds: xr.Dataset,
    factor: str,
    outcome: str | xr.DataArray,
    *,
    ax: Any = None,
    label: str | None = None,
    scale: float | None = None,
) -> Any:
    """Plot the outcome against one factor: mean line with the min-max band of other factors."""
    table = response(ds, factor, outcome)
    text, scale = _scaled(ds, outcome, label, scale)
    ax = _axes(ax)
    x = table[factor]
    ax.plot(x, table["mean"] * scale, marker="o", label="mean over other factors")
    if (table["count"] > 1).any():
        ax.fill_between(
            x,
            table["min"] * scale,
            table["max"] * scale,
            alpha=0.25,
            label="range over other factors",
        )
    ax.set_xlabel(factor_label(ds, factor))
    ax.set_ylabel(text)
    ax.set_title(f"{text} against {ds[factor].attrs.get('long_name', factor)}")
    ax.legend()
    return ax


def heatmap_plot(
    ds: xr.Dataset,
    x: str,
    y: str,
    outcome: str | xr.DataArray,
    *,
    ax: Any = None,
    label: str | None = None,
    scale: float | None = None,
) -> Any:
    """Plot the outcome over a grid of two levers (mean over any other factor)."""
    data = _outcome(ds, outcome)
    text, scale = _scaled(ds, outcome, label, scale)
    ok = ds["status"].values == "optimal"
    frame = pd.DataFrame({x: ds[x].values[ok], y: ds[y].values[ok], "v": data.values[ok]})
    grid = frame.pivot_table(index=y, columns=x, values="v", aggfunc="mean")
    ax = _axes(ax)
    image = ax.imshow(grid.values * scale, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), labels=[f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), labels=[f"{v:g}" for v in grid.index])
    ax.set_xlabel(factor_label(ds, x))
    ax.set_ylabel(factor_label(ds, y))
    ax.figure.colorbar(image, ax=ax, label=text)
    names = [str(ds[f].attrs.get("long_name", f)) for f in (x, y)]
    ax.set_title(f"{text} over {names[0]} and {names[1]}")
    return ax


def sobol_plot(indices: pd.DataFrame, *, ax: Any = None, title: str = "Sobol indices") -> Any:
    """Bars of first-order (S1) and total (ST) indices with their confidence intervals."""
    ax = _axes(ax)
    pos = np.arange(len(indices))
    ax.bar(pos - 0.2, indices["S1"], width=0.4, yerr=indices["S1_conf"], label="first order S1")
    ax.bar(pos + 0.2, indices["ST"], width=0.4, yerr=indices["ST_conf"], label="total ST")
    ax.set_xticks(pos, labels=list(indices["factor"]))
    ax.set_ylabel("share of outcome variance")
    ax.set_title(title)
    ax.legend()
    return ax
