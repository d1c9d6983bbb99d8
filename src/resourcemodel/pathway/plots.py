"""Pathway tables and charts in planner units: water by source, build timeline, output and jobs.

Each chart is drawn from a table computed here from the pathway's results
(:func:`~resourcemodel.pathway.run.run_pathway`), so what is drawn is what the table says:

- :func:`water_by_source` / :func:`plot_water_by_source`: water drawn by source over the
  years, Mm3 per year (stacked bars).
- :func:`build_plan` / :func:`plot_build_timeline`: what is built, where and when (decision
  year, share of the measure's full adoption) and the annual capital charge, MUSD per year.
- :func:`output_and_jobs` / :func:`plot_output_and_jobs`: value added (MUSD per year) and
  jobs over the years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Builds smaller than this share of a measure's full adoption are left out of the plan.
BUILD_TOL = 1e-6
MILLION = 1e6


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.figure
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _names(ds: xr.Dataset, dim: str, labels: pd.Series) -> np.ndarray:
    """Return the names of ``labels`` of ``dim`` (the labels where the results carry none)."""
    coord = f"{dim}_name"
    if coord not in ds.coords:
        return labels.to_numpy()
    names = dict(zip(ds[dim].values, ds[coord].values, strict=True))
    return np.array([names[label] for label in labels])


def water_by_source(ds: xr.Dataset, resource: str = "water") -> pd.DataFrame:
    """Return the water drawn by source in each year, Mm3 per year (years x sources).

    Sources of ``resource`` that draw nothing in any year are left out; columns are named
    by the sources' names.
    """
    sources = ds["source"].values[ds["source_resource"].values == resource]
    draw = ds["supply"].sel(source=sources).sum(["plant", "period"]) / MILLION
    values = draw.transpose("year", "source").values
    keep = (np.abs(values) > 1e-9).any(axis=0)
    names = ds["source_name"].values if "source_name" in ds.coords else ds["source"].values
    by_source = dict(zip(ds["source"].values, names, strict=True))
    table = pd.DataFrame(
        values[:, keep],
        index=pd.Index(ds["year"].values),
        columns=pd.Index([by_source[src] for src in draw["source"].values[keep]]),
    )
    table.index.name = "year"
    table.columns.name = "source"
    return table


def plot_water_by_source(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Stacked bars of the water drawn by source in each year, Mm3 per year."""
    fig, ax = _figure(ax, (7.0, 4.0))
    table = water_by_source(ds)
    years = [str(y) for y in table.index]
    bottom = np.zeros(len(table))
    for source in table.columns:
        values = table[source].to_numpy()
        ax.bar(years, values, bottom=bottom, label=str(source))
        bottom = bottom + values
    ax.set_xlabel("year (representative)")
    ax.set_ylabel("water drawn, Mm3 per year")
    ax.set_title("Water drawn by source")
    ax.set_ylim(0, 1.05 * float(bottom.max(initial=0.0)) or 1.0)
    fig.legend(loc="outside lower center", ncols=min(3, len(table.columns)), fontsize="small")
    return fig


def build_plan(ds: xr.Dataset) -> pd.DataFrame:
    """Return the build plan: one row per build (plant, measure, decision year).

    Columns: ``plant``, ``measure`` (names where the results carry them), ``decided``
    (representative year of the decision), ``built_share`` (share of the measure's full
    adoption built then; an asset rebuilt after its lifetime is a second row) and
    ``charge_musd_per_year`` (annual capital charge of that plant's measure in the year it
    is highest, MUSD per year, all its builds alive together).
    """
    columns = ["plant", "measure", "decided", "built_share", "charge_musd_per_year"]
    if "build" not in ds:
        return pd.DataFrame(columns=columns)
    shares = ds["build"].to_series().dropna()
    built = shares[shares > BUILD_TOL].rename("built_share").reset_index()
    charge = ds["capital_charge"].max("year").to_series() / MILLION
    keys = pd.MultiIndex.from_frame(built[["plant", "measure"]])
    plan = pd.DataFrame(
        {
            "plant": _names(ds, "plant", built["plant"]),
            "measure": _names(ds, "measure", built["measure"]),
            "decided": built["year"].astype(int),
            "built_share": built["built_share"].astype(float),
            "charge_musd_per_year": charge.reindex(keys).to_numpy(dtype=float),
        },
        columns=columns,
    )
    return plan.sort_values(["decided", "charge_musd_per_year"], ascending=[True, False])


def plot_build_timeline(ds: xr.Dataset, ax: Axes | None = None) -> Figure:
    """Build timeline: one line per plant's measure, a marker at each decision year.

    The marker's area is the share built; the label on the right is the plant's measure
    and its highest annual capital charge, MUSD per year.
    """
    plan = build_plan(ds)
    rows = max(1, plan.groupby(["plant", "measure"]).ngroups)
    fig, ax = _figure(ax, (12.0, 1.2 + 0.32 * rows))
    labels = list(dict.fromkeys(zip(plan["plant"], plan["measure"], strict=True)))
    row = {key: i for i, key in enumerate(labels)}
    y = [row[(p, m)] for p, m in zip(plan["plant"], plan["measure"], strict=True)]
    ax.scatter(plan["decided"], y, s=30 + 170 * plan["built_share"].clip(upper=1.0), zorder=3)
    charge = plan.groupby(["plant", "measure"], sort=False)["charge_musd_per_year"].max()
    ax.set_yticks(
        range(len(labels)),
        [f"{p} · {m} ({charge[(p, m)]:.2f} MUSD/yr)" for p, m in labels],
        fontsize="small",
    )
    years = [int(v) for v in ds["year"].values]
    ax.set_xticks(years, [str(v) for v in years])
    ax.set_xlim(years[0] - 1, years[-1] + 1)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("decision year (representative; marker area: share of the measure built)")
    ax.set_title("What is built, where and when (annual capital charge)")
    return fig


def output_and_jobs(ds: xr.Dataset) -> pd.DataFrame:
    """Return value added (MUSD per year) and jobs in each year.

    Value added is sales minus every cost the year charges (production, supply, measures
    adopted year by year) minus the annual capital charge of the builds alive in the year.
    """
    revenue = ds["revenue"].sum(["product", "period"])
    costs = (
        ds["cost_production"].sum(["process", "period"])
        + ds["cost_supply"].sum(["plant", "source", "period"])
        + ds["cost_measures"].sum(["plant", "measure"])
    )
    capital = ds.get("capital_charge_year", 0.0)
    value_added = (revenue - costs - capital) / MILLION
    jobs = ds["jobs"].sum("process", skipna=True)
    table = pd.DataFrame(
        {
            "value_added_musd_per_year": value_added.to_pandas(),
            "jobs": jobs.to_pandas(),
        }
    )
    table.index.name = "year"
    return table


def plot_output_and_jobs(ds: xr.Dataset) -> Figure:
    """Value added (MUSD per year, bars) and jobs (line, right axis) over the years."""
    table = output_and_jobs(ds)
    fig = Figure(figsize=(7.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    years = [str(y) for y in table.index]
    ax.bar(years, table["value_added_musd_per_year"], color="tab:blue", label="value added")
    ax.set_xlabel("year (representative)")
    ax.set_ylabel("value added, MUSD per year")
    right = ax.twinx()
    right.plot(years, table["jobs"], color="tab:orange", marker="o", label="jobs")
    right.set_ylabel("jobs")
    right.set_ylim(0, 1.15 * float(np.nan_to_num(table["jobs"].to_numpy()).max(initial=0.0)) or 1.0)
    ax.set_title("Value added and jobs")
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
    return fig
