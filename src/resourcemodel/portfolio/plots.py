"""Figures of a portfolio: the trade-off front and the map of completed projects."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr


def plot_front(front: xr.Dataset, *, ax: Any = None) -> Any:
    """Plot the portfolio's objective against the freshwater drawn; return the Axes.

    The x axis is in million m3, the y axis in million USD (or jobs).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    ok = np.isfinite(front["objective"].values)
    y = front["objective"].values[ok]
    jobs = front.attrs.get("unit") == "job"
    ax.plot(front["freshwater"].values[ok] / 1e6, y if jobs else y / 1e6, marker="o")
    ax.set_xlabel(f"{front.attrs.get('of', 'freshwater')} drawn by province and projects (Mm3)")
    ax.set_ylabel("jobs" if jobs else "value added net of investment (million USD/yr)")
    title = "Portfolio trade-off front"
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
