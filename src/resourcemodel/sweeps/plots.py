"""Sweep charts: tornado, response curves, a two-lever heatmap and Sobol indices.

Each function takes the sweep results (or an analysis table), draws on ``ax`` (a new
figure if ``None``) and returns the Axes. matplotlib is imported only inside them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from resourcemodel.sweeps.analysis import _outcome, response, tornado


def _axes(ax: Any, figsize: tuple[float, float] = (7, 4)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def _label(ds: xr.Dataset, outcome: str | xr.DataArray, label: str | None) -> str:
    if label:
        return label
    name = outcome if isinstance(outcome, str) else str(outcome.name)
    units = ds[name].attrs.get("units", "") if isinstance(outcome, str) and name in ds else ""
    return f"{name} [{units}]" if units else name


def tornado_plot(
    ds: xr.Dataset,
    outcome: str | xr.DataArray,
    *,
    ax: Any = None,
    label: str | None = None,
    scale: float = 1.0,
) -> Any:
    """Horizontal bars: the outcome's change when each factor goes to its low/high value."""
    table = tornado(ds, outcome)
    ax = _axes(ax)
    names = table["factor"][::-1]
    pos = np.arange(len(table))
    ax.barh(pos, table["low_delta"][::-1] * scale, color="#4c78a8", label="factor at low value")
    ax.barh(pos, table["high_delta"][::-1] * scale, color="#f58518", label="factor at high value")
    ax.set_yticks(
        pos,
        labels=[
            f"{n} ({lo:g} .. {hi:g})"
            for n, lo, hi in zip(names, table["low"][::-1], table["high"][::-1], strict=True)
        ],
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"change of {_label(ds, outcome, label)} from the base run")
    ax.set_title(f"What moves {_label(ds, outcome, label)} most (one at a time)")
    ax.legend(loc="lower right")
    return ax


def response_plot(
    ds: xr.Dataset,
    factor: str,
    outcome: str | xr.DataArray,
    *,
    ax: Any = None,
    label: str | None = None,
    scale: float = 1.0,
) -> Any:
    """Plot the outcome against one factor: mean line with the min-max band of other factors."""
    table = response(ds, factor, outcome)
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
    units = ds[factor].attrs.get("units", "")
    ax.set_xlabel(f"{factor} [{units}]" if units else factor)
    ax.set_ylabel(_label(ds, outcome, label))
    ax.set_title(f"{_label(ds, outcome, label)} against {factor}")
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
    scale: float = 1.0,
) -> Any:
    """Plot the outcome over a grid of two levers (mean over any other factor)."""
    data = _outcome(ds, outcome)
    ok = ds["status"].values == "optimal"
    frame = pd.DataFrame({x: ds[x].values[ok], y: ds[y].values[ok], "v": data.values[ok]})
    grid = frame.pivot_table(index=y, columns=x, values="v", aggfunc="mean")
    ax = _axes(ax)
    image = ax.imshow(grid.values * scale, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), labels=[f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), labels=[f"{v:g}" for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.figure.colorbar(image, ax=ax, label=_label(ds, outcome, label))
    ax.set_title(f"{_label(ds, outcome, label)} over {x} and {y}")
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
