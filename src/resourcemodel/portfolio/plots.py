"""Figures of a portfolio: the trade-off front and the map of completed projects."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr


def plot_front(front: xr.Dataset, *, ax: Any = None) -> Any:
    """Plot the portfolio's objective against the freshwater drawn; return the Axes.

    Both axes are the province's: the x axis the freshwater drawn by the existing plants
    and the completed projects (million m3), the y axis the value added of both, net of
    the projects' annualised investment (million USD, or jobs); a square marks the
    scenario without projects.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ok = np.isfinite(front["objective"].values)
    y = front["objective"].values[ok]
    jobs = front.attrs.get("unit") == "job"
    ax.plot(front["freshwater"].values[ok] / 1e6, y if jobs else y / 1e6, marker="o")
    if "base_objective" in front.attrs:
        base = float(front.attrs["base_objective"])
        ax.plot(
            float(front.attrs["base_freshwater"]) / 1e6,
            base if jobs else base / 1e6,
            marker="s",
            color="k",
            ls="none",
            label="scenario without projects",
        )
        ax.legend(loc="lower right")
    ax.set_xlabel(
        f"{front.attrs.get('of', 'freshwater')} drawn by existing plants and projects (Mm3/yr)"
    )
    ax.set_ylabel(
        "jobs of plants and projects"
        if jobs
        else "value added of plants and projects,\nnet of projects' investment (MUSD/yr)"
    )
    title = "Province with the best portfolio at each freshwater cap"
    if front.attrs.get("synthetic"):
        title += " (SYNTHETIC register)"
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return ax


def plot_map(projects: xr.Dataset, *, ax: Any = None) -> Any:
    """Plot the projects with coordinates, completed ones filled; return the Axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    lat, lon = projects["lat"].values.astype(float), projects["lon"].values.astype(float)
    sel = projects["selected"].values.astype(bool)
    has = np.isfinite(lat) & np.isfinite(lon)
    ax.scatter(lon[has & ~sel], lat[has & ~sel], s=4, c="0.75", label="not completed")
    ax.scatter(lon[has & sel], lat[has & sel], s=10, c="tab:blue", label="completed")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.legend(loc="upper right")
    ax.set_aspect("equal")
    return ax
