"""Pathway tables and charts in planner units: water by source, build timeline, output and jobs.

Each chart is drawn from a table computed here from the pathway's results
(:func:`~resourcemodel.pathway.run.run_pathway`), so what is drawn is what the table says:

- :func:`water_by_source` / :func:`plot_water_by_source`: water drawn by source over the
  years, Mm3 per year (stacked bars).
- :func:`build_plan` / :func:`plot_build_timeline`: what is built, where and when (decision
  year, share of the measure's full adoption) and the annual capital charge, MUSD per year.
- :func:`output_and_jobs` / :func:`plot_output_and_jobs`: value added (MUSD per year) and
  jobs over the years.
- :func:`capacity_plan`: source capacity built, where and when, and its annual charge.

Every chart takes ``lang`` (``"en"`` or ``"fa"``): Persian titles, axis labels, names
(``plant_name_fa``...), Persian digits and the vendored Vazirmatn font, from the brief's
translation table (:mod:`resourcemodel.labels`).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from resourcemodel import labels as i18n
from resourcemodel.plots import _localised

#: Builds smaller than this share of a measure's full adoption are left out of the plan.
BUILD_TOL = 1e-6
MILLION = 1e6
#: The source group whose draw is freshwater (:func:`freshwater_drawn`).
FRESHWATER = "freshwater"
#: Characters per line of a legend entry (long source names wrap).
LEGEND_WIDTH = 32


def _figure(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.figure
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.text(key, lang, **values)


def _digits_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    """Write an axis's numbers with the language's digits (Persian: ۱۲۳)."""
    if lang == "en":
        return
    fmt = FuncFormatter(lambda v, _pos: i18n.number(v, lang))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _years(ds: xr.Dataset, lang: str) -> list[str]:
    return [i18n.digits(str(int(y)), lang) for y in ds["year"].values]


def _names(ds: xr.Dataset, dim: str, labels: pd.Series, lang: str | None = None) -> np.ndarray:
    """Return the names of ``labels`` of ``dim`` (the labels where the results carry none).

    With ``lang`` the planner-facing names of the brief
    (:func:`resourcemodel.labels.display_name`), Persian from ``<dim>_name_fa``.
    """
    if lang is not None:
        return np.array([i18n.display_name(ds, dim, str(label), lang) for label in labels])
    coord = f"{dim}_name"
    if coord not in ds.coords:
        return labels.to_numpy()
    names = dict(zip(ds[dim].values, ds[coord].values, strict=True))
    return np.array([names[label] for label in labels])


def water_by_source(
    ds: xr.Dataset, resource: str = "water", lang: str | None = None
) -> pd.DataFrame:
    """Return the water drawn by source in each year, Mm3 per year (years x sources).

    Sources of ``resource`` that draw nothing in any year are left out; columns are named
    by the sources' names (the brief's names in ``lang`` when given).
    """
    sources = ds["source"].values[ds["source_resource"].values == resource]
    draw = ds["supply"].sel(source=sources).sum(["plant", "period"]) / MILLION
    values = draw.transpose("year", "source").values
    keep = (np.abs(values) > 1e-9).any(axis=0)
    kept = pd.Series(draw["source"].values[keep])
    table = pd.DataFrame(
        values[:, keep],
        index=pd.Index(ds["year"].values),
        columns=pd.Index(_names(ds, "source", kept, lang)),
    )
    table.index.name = "year"
    table.columns.name = "source"
    return table


@_localised
def freshwater_drawn(ds: xr.Dataset) -> tuple[str, np.ndarray, str]:
    """Return what is counted (``"freshwater"`` or ``"water"``), its draw by year, its unit.

    Freshwater is the draw of the sources of the case's ``freshwater`` source group (its
    ``group_member``), else (no such group) of every source of the water resources. The
    draw is summed over plants and periods, in the resource's canonical unit (an array
    over ``year``; a scalar array for single-year results).
    """
    members = None
    if "group_member" in ds and FRESHWATER in ds["group"].values:
        member_of = ds["group_member"].sel(group=FRESHWATER)
        if "year" in member_of.dims:  # membership is the case's, the same every year
            member_of = member_of.isel(year=0)
        member = np.asarray(member_of.values, dtype=bool)
        members = list(ds["source"].values[member])
    kind = FRESHWATER if members else "water"
    if not members:
        water = [
            r
            for r in ds["resource"].values
            if str(ds["resource_group"].sel(resource=r).item()) == "water"
        ]
        members = list(ds["source"].values[np.isin(ds["source_resource"].values, water)])
    drawn = ds["supply"].fillna(0.0).sel(source=members).sum(["plant", "source", "period"])
    if "year" in drawn.dims:
        drawn = drawn.transpose("year")
    resources = {str(ds["source_resource"].sel(source=s).item()) for s in members}
    unit = str(ds["resource_unit"].sel(resource=resources.pop()).item()) if resources else "m3"
    return kind, np.asarray(drawn.values, dtype=float), unit


@_localised
def plot_water_by_source(ds: xr.Dataset, ax: Axes | None = None, *, lang: str = "en") -> Figure:
    """Stacked bars of the water drawn by source in each year, Mm3 per year."""
    fig, ax = _figure(ax, (7.0, 4.0))
    table = water_by_source(ds, lang=lang)
    years = _years(ds, lang)
    bottom = np.zeros(len(table))
    for source in table.columns:
        values = table[source].to_numpy()
        ax.bar(years, values, bottom=bottom, label=textwrap.fill(str(source), LEGEND_WIDTH))
        bottom = bottom + values
    ax.set_xlabel(_t("pw_axis_year", lang))
    ax.set_ylabel(_t("pw_axis_water", lang))
    ax.set_title(_t("pw_water_title", lang))
    ax.set_ylim(0, 1.05 * float(bottom.max(initial=0.0)) or 1.0)
    _digits_axis(ax, lang)
    fig.legend(loc="outside lower center", ncols=min(3, len(table.columns)), fontsize="small")
    return fig


def _in_service(charge: np.ndarray, decided: int) -> int:
    """Index of the first modelled year from ``decided`` on where the charge rises, or -1."""
    before = np.concatenate([[0.0], charge[:-1]])
    rises = np.flatnonzero(charge - before > BUILD_TOL * max(1.0, float(np.abs(charge).max())))
    later = rises[rises >= decided]
    return int(later[0]) if len(later) else -1


def _candidate(ds: xr.Dataset, label: str, name: str) -> float:
    """Return the candidate data ``candidate_<name>`` of ``label``, ``nan`` without it."""
    var = f"candidate_{name}"
    if var not in ds or label not in ds["candidate"].values:
        return math.nan
    return float(ds[var].sel(candidate=label))


def _service(
    ds: xr.Dataset, label: str, decided: int, series: np.ndarray, years: np.ndarray
) -> int:
    """Return the first year in service of a build decided in ``decided``.

    The decision year plus the candidate's lead time (rounded up: the alive rule); for
    results without candidate data (saved before it was stored), the first modelled year
    its charge rises, 0 if none.
    """
    lead = _candidate(ds, label, "lead_time")
    if math.isfinite(lead):
        return math.ceil(decided + lead - 1e-9)
    j = _in_service(series, int(np.searchsorted(years, decided)))
    return int(years[j]) if j >= 0 else 0


def build_plan(ds: xr.Dataset, lang: str | None = None) -> pd.DataFrame:
    """Return the build plan: one row per build (plant, measure, decision year).

    Columns: ``plant``, ``measure`` (names where the results carry them; the brief's names
    in ``lang`` when given), ``decided`` (representative year of the decision),
    ``in_service`` (the decision year plus the candidate's lead time: the year the build
    enters service, which need not be a representative year), ``built_share`` (share of
    the measure's full adoption built then; an asset rebuilt after its lifetime is a second
    row), ``capital_musd`` (the build's whole capital cost, ``built_share x
    candidate_capital_cost``, MUSD) and ``charge_musd_per_year`` (annual capital charge of
    that plant's measure in the year it is highest, MUSD per year, all its builds alive
    together).
    """
    columns = [
        "plant",
        "measure",
        "decided",
        "in_service",
        "built_share",
        "capital_musd",
        "charge_musd_per_year",
    ]
    if "build" not in ds:
        return pd.DataFrame(columns=columns)
    shares = ds["build"].to_series().dropna()
    built = shares[shares > BUILD_TOL].rename("built_share").reset_index()
    charge = ds["capital_charge"].max("year").to_series() / MILLION
    keys = pd.MultiIndex.from_frame(built[["plant", "measure"]])
    years = ds["year"].values.astype(int)
    service, capital = [], []
    for p, m, y, share in zip(
        built["plant"], built["measure"], built["year"], built["built_share"], strict=True
    ):
        label = f"{p}/{m}"
        series = ds["capital_charge"].sel(plant=p, measure=m).values.astype(float)
        service.append(_service(ds, label, int(y), series, years))
        capital.append(share * _candidate(ds, label, "capital_cost") / MILLION)
    plan = pd.DataFrame(
        {
            "plant": _names(ds, "plant", built["plant"], lang),
            "measure": _names(ds, "measure", built["measure"], lang),
            "decided": built["year"].astype(int),
            "in_service": np.array(service, dtype=int),
            "built_share": built["built_share"].astype(float),
            "capital_musd": np.array(capital, dtype=float),
            "charge_musd_per_year": charge.reindex(keys).to_numpy(dtype=float),
        },
        columns=columns,
    )
    return plan.sort_values(["decided", "charge_musd_per_year"], ascending=[True, False])


def capacity_plan(ds: xr.Dataset, lang: str | None = None) -> pd.DataFrame:
    """Return the source capacity built: one row per (source, decision year).

    Columns: ``source`` (name; the brief's name in ``lang`` when given), ``decided``,
    ``in_service`` (as in :func:`build_plan`), ``capacity`` (per year, in the units of
    ``build_capacity``), ``unit``, ``capital_musd`` (the build's capital cost, its share
    of the candidate's capacity times ``candidate_capital_cost``, MUSD) and
    ``charge_musd_per_year`` (the source's highest annual capital charge, MUSD per year).
    """
    columns = [
        "source",
        "decided",
        "in_service",
        "capacity",
        "unit",
        "capital_musd",
        "charge_musd_per_year",
    ]
    if "build_capacity" not in ds:
        return pd.DataFrame(columns=columns)
    shares = ds["build_capacity"].to_series().dropna()
    built = shares[shares > BUILD_TOL].rename("capacity").reset_index()
    years = ds["year"].values.astype(int)
    charge = ds["capital_charge_capacity"].max("year").to_series() / MILLION
    units = dict(
        zip(ds["resource"].values, ds["resource_unit"].values, strict=True)
        if "resource_unit" in ds.coords
        else []
    )
    resource = dict(zip(ds["source"].values, ds["source_resource"].values, strict=True))
    service, capital = [], []
    for s, y, amount in zip(built["source"], built["year"], built["capacity"], strict=True):
        series = ds["capital_charge_capacity"].sel(source=s).values.astype(float)
        service.append(_service(ds, str(s), int(y), series, years))
        whole = _candidate(ds, str(s), "capacity")
        cost = _candidate(ds, str(s), "capital_cost")
        capital.append(amount / whole * cost / MILLION if whole > 0 else math.nan)
    plan = pd.DataFrame(
        {
            "source": _names(ds, "source", built["source"], lang),
            "decided": built["year"].astype(int),
            "in_service": np.array(service, dtype=int),
            "capacity": built["capacity"].astype(float),
            "unit": [f"{units.get(resource[s], '')}/yr" for s in built["source"]],
            "capital_musd": np.array(capital, dtype=float),
            "charge_musd_per_year": charge.reindex(built["source"]).to_numpy(dtype=float),
        },
        columns=columns,
    )
    return plan.sort_values(["decided", "charge_musd_per_year"], ascending=[True, False])


@_localised
def plot_build_timeline(ds: xr.Dataset, ax: Axes | None = None, *, lang: str = "en") -> Figure:
    """Build timeline: one line per plant's measure, a marker at each decision year.

    The marker's area is the share built; the label on the right is the plant's measure
    and its highest annual capital charge, MUSD per year.
    """
    plan = build_plan(ds, lang=lang)
    rows = max(1, plan.groupby(["plant", "measure"]).ngroups)
    fig, ax = _figure(ax, (12.0, 1.2 + 0.32 * rows))
    labels = list(dict.fromkeys(zip(plan["plant"], plan["measure"], strict=True)))
    row = {key: i for i, key in enumerate(labels)}
    y = [row[(p, m)] for p, m in zip(plan["plant"], plan["measure"], strict=True)]
    ax.scatter(plan["decided"], y, s=30 + 170 * plan["built_share"].clip(upper=1.0), zorder=3)
    charge = plan.groupby(["plant", "measure"], sort=False)["charge_musd_per_year"].max()

    def money(value: float) -> str:
        unit = "MUSD/yr" if lang == "en" else i18n.unit_name("MUSD/yr", lang)
        return f"{i18n.number(value, lang)} {unit}"

    ax.set_yticks(
        range(len(labels)),
        [f"{p} · {m} ({money(charge[(p, m)])})" for p, m in labels],
        fontsize="small",
    )
    years = [int(v) for v in ds["year"].values]
    ax.set_xticks(years, _years(ds, lang))
    ax.set_xlim(years[0] - 1, years[-1] + 1)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    # Right-aligned: with long plant and measure names the axes are narrow, and a centred
    # title or label would run off the figure.
    ax.set_xlabel(_t("pw_axis_decided", lang), loc="right")
    ax.set_title(_t("pw_timeline_title", lang), loc="right")
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


@_localised
def plot_output_and_jobs(ds: xr.Dataset, *, lang: str = "en") -> Figure:
    """Value added (MUSD per year, bars) and jobs (line, right axis) over the years."""
    table = output_and_jobs(ds)
    fig, ax = _figure(None, (7.0, 4.0))
    years = _years(ds, lang)
    ax.bar(
        years,
        table["value_added_musd_per_year"],
        color="tab:blue",
        label=_t("pw_value_added", lang),
    )
    ax.set_xlabel(_t("pw_axis_year", lang))
    ax.set_ylabel(_t("pw_axis_value_added", lang))
    right = ax.twinx()
    right.plot(years, table["jobs"], color="tab:orange", marker="o", label=_t("pw_jobs", lang))
    right.set_ylabel(_t("pw_jobs", lang))
    top = float(np.nan_to_num(table["jobs"].to_numpy()).max(initial=0.0))
    right.set_ylim(0, 1.15 * top or 1.0)
    ax.set_title(_t("pw_output_title", lang))
    _digits_axis(ax, lang)
    _digits_axis(right, lang)
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
    return fig
