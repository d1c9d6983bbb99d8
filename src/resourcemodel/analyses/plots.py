"""Plots of the analyses (the only analyses module that imports matplotlib).

Each function takes the Dataset an analysis returned, draws on ``ax`` (a new figure if
``None``), labels the axes with planner units and returns the Axes. None of them solves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from resourcemodel.report import planner_unit


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(7, 4.5))
    return ax


def plot_pareto(front: xr.Dataset, *, ax: Any = None, title: str | None = None) -> Any:
    """Plot a front from :func:`~resourcemodel.analyses.pareto`: objective against use.

    Parameters
    ----------
    front : xarray.Dataset
        From :func:`~resourcemodel.analyses.pareto`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    title : str, optional
        Title (default: names the scenario and the resource).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    unit = str(front.attrs["unit"])
    disp, f = planner_unit(unit, float(np.nanmax(np.abs(front["use"].values))))
    objective = front["objective"].values
    money, fm = planner_unit("USD", float(np.nanmax(np.abs(objective))))
    ax.plot(front["use"].values * f, objective * fm, marker="o")
    name = str(front.attrs["objective_name"]).replace("_", " ")
    ax.set_xlabel(f"{front.attrs['of']} use [{disp}]")
    ax.set_ylabel(f"{name} [{money}]")
    ax.set_title(
        title
        if title is not None
        else f"{name.capitalize()} against {front.attrs['of']} ({front.attrs['scenario']})"
    )
    ax.grid(True, alpha=0.3)
    return ax


def _short(label: str, width: int = 28) -> str:
    """First measure of a step's label, shortened, and how many more there are."""
    parts = label.split("; ")
    head = parts[0] if len(parts[0]) <= width else parts[0][: width - 1] + "…"
    return head + (f" +{len(parts) - 1}" if len(parts) > 1 else "")


def plot_cost_curve(
    curve: xr.Dataset,
    *,
    ax: Any = None,
    title: str | None = None,
    ylim: tuple[float, float] | None = None,
    min_label_share: float = 0.03,
) -> Any:
    """Plot a marginal cost curve from :func:`~resourcemodel.analyses.cost_curve`.

    Each step is a bar as wide as the saving it brings and as high as its cost per unit
    saved, in the order of the curve; bars are labelled with the measures they adopt.

    Parameters
    ----------
    curve : xarray.Dataset
        From :func:`~resourcemodel.analyses.cost_curve`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    title : str, optional
        Title (default: names the scenario and the resource).
    ylim : (float, float), optional
        Range of the cost axis (a few very dear steps can flatten the rest).
    min_label_share : float
        Label only steps at least this share of the total saving wide.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    unit = str(curve.attrs["unit"])
    saving = curve["saving"].values
    end = curve["cumulative_saving"].values
    disp, f = planner_unit(unit, float(end[-1]) if len(end) else 0.0)
    left = (end - saving) * f
    ax.bar(
        left,
        curve["unit_cost"].values,
        width=saving * f,
        align="edge",
        edgecolor="black",
        linewidth=0.5,
    )
    total = float(saving.sum()) * f
    for x0, w, h, label in zip(
        left, saving * f, curve["unit_cost"].values, curve["measures"].values, strict=True
    ):
        if w < min_label_share * total:
            continue  # too narrow to label legibly
        ax.annotate(
            _short(str(label)),
            (x0 + w / 2, h),
            ha="center",
            va="bottom" if h >= 0 else "top",
            fontsize=7,
            rotation=90,
        )
    ax.axhline(0.0, color="black", linewidth=0.5)
    ax.set_xlabel(f"cumulative {curve.attrs['of']} saving [{disp}]")
    ax.set_ylabel(f"cost per unit saved [USD/{unit}]")
    ax.set_title(
        title
        if title is not None
        else f"Marginal cost curve of {curve.attrs['of']} saving ({curve.attrs['scenario']})"
    )
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(True, axis="y", alpha=0.3)
    return ax
