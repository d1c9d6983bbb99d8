"""The brief's portfolio section: which half-finished projects to complete, and the trade-off.

From a portfolio selection (:func:`resourcemodel.portfolio.select_portfolio`): the
completed projects with the largest contributions (net of the caps' charges and the
annualised investment, at the duals of the LP with the choices fixed) in planner units,
"N more" for the rest; the trade-off front (value added or jobs against freshwater drawn)
when one is given; and a map of the completed projects that have coordinates. A
SYNTHETIC register says so in the section's title.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel import report
from resourcemodel.brief.content import Table
from resourcemodel.brief.i18n import number, quantity, text, unit_name

if TYPE_CHECKING:
    import matplotlib as mpl

#: Completed projects listed before "N more".
MAX_PROJECTS = 10


def projects_of(selection: object) -> xr.Dataset:
    """Return the per-project Dataset of a selection (a Portfolio or its ``projects``).

    Raises
    ------
    BriefError
        If ``selection`` is neither.
    """
    from resourcemodel.brief import BriefError

    ds = getattr(selection, "projects", selection)
    if not isinstance(ds, xr.Dataset) or not {"selected", "net_value"} <= set(ds.data_vars):
        msg = (
            "portfolio= takes the result of resourcemodel.portfolio.select_portfolio (or its "
            f"'projects' Dataset); got {type(selection).__name__}."
        )
        raise BriefError(msg)
    return ds


def check_front(front: object) -> xr.Dataset:
    """Return ``front`` if it is a trade-off front (:func:`resourcemodel.portfolio.front`).

    Raises
    ------
    BriefError
        If it is not.
    """
    from resourcemodel.brief import BriefError

    if not isinstance(front, xr.Dataset) or not {"objective", "freshwater"} <= set(front.data_vars):
        msg = (
            "portfolio_front= takes the result of resourcemodel.portfolio.front; "
            f"got {type(front).__name__}."
        )
        raise BriefError(msg)
    return front


def is_synthetic(projects: xr.Dataset, front: xr.Dataset | None = None) -> bool:
    """Return whether the register behind the selection (or the front) is SYNTHETIC."""
    flags = [projects.attrs.get("synthetic", 0)]
    if front is not None:
        flags.append(front.attrs.get("synthetic", 0))
    names: list[str] = (
        [str(n) for n in projects["project_name"].values] if "project_name" in projects else []
    )
    return any(bool(int(f)) for f in flags) or (
        len(names) > 0 and all(n.startswith("SYNTHETIC") for n in names)
    )


def heading(projects: xr.Dataset, lang: str, front: xr.Dataset | None = None) -> str:
    """Return the section's title, labelled SYNTHETIC for a synthetic register."""
    key = "pf_heading_synthetic" if is_synthetic(projects, front) else "pf_heading"
    return text(key, lang)


def county_name(county: str, lang: str) -> str:
    """Return a county's name from the shipped county layer, or its id when not found.

    Ids match the layer's (``aran_and_bidgol``), the same without ``and``
    (``aran_bidgol``), or its unique start (``shahin_shahr`` for
    ``shahin_shahr_and_meymeh``).
    """
    from resourcemodel import plots_maps

    layer = plots_maps.counties()
    ids = [str(c) for c in layer["county"]]
    hits = [i for i, c in enumerate(ids) if county in (c, c.replace("_and_", "_"))]
    if not hits:
        hits = [i for i, c in enumerate(ids) if c.startswith(county + "_")]
    if len(hits) != 1 or not county:
        return county
    return str(layer[("name_fa" if lang == "fa" else "name")].iloc[hits[0]])


def sector_name(sector: str, lang: str) -> str:
    """Return a register sector's name (``steel`` -> ``Steel``/``فولاد``), or its id."""
    from resourcemodel.brief.i18n import STRINGS

    key = f"sector_{sector}"
    return text(key, lang) if key in STRINGS else sector


def project_label(projects: xr.Dataset, i: int, lang: str) -> str:
    """Return ``id name`` of project ``i``: its ``name_fa`` in Persian when the register has one."""
    ids = projects["project"].values.astype(str)
    name = ""
    if lang == "fa" and "project_name_fa" in projects.coords:
        name = str(projects["project_name_fa"].values[i])
    if not name and "project_name" in projects.coords:
        name = str(projects["project_name"].values[i])
    return f"{ids[i]} {name}" if name else str(ids[i])


def _jobs_objective(projects: xr.Dataset) -> bool:
    return str(projects.attrs.get("objective", "value_added")) == "jobs"


def table(projects: xr.Dataset, lang: str, most: int = MAX_PROJECTS) -> tuple[Table, int]:
    """Return the completed projects by contribution (largest first) and how many are left out.

    Columns: project, sector, county, contribution (MUSD a year, or jobs when the
    objective is jobs), freshwater drawn (the planner unit of the completed projects'
    total, million m3 for a province), jobs, remaining investment
    (MUSD).
    """
    sel = projects["selected"].values.astype(bool)
    net = projects["net_value"].values.astype(float)
    order = [i for i in np.argsort(-net, kind="stable") if sel[i]]
    shown = order[:most]
    water = projects["freshwater"].values.astype(float)
    canonical = str(projects["freshwater"].attrs.get("units", "m3"))
    # The unit of the portfolio's total (as in the summary line), so the column adds up.
    wunit, wfactor = report.planner_unit(canonical, float(water[sel].sum()))
    jobs_obj = _jobs_objective(projects)
    contribution = text("pf_col_jobs_added" if jobs_obj else "pf_col_contribution", lang)
    out = Table(
        [
            text("pf_col_project", lang),
            text("pf_col_sector", lang),
            text("pf_col_county", lang),
            contribution,
            text("pf_col_water", lang, unit=unit_name(wunit, lang)),
            text("pf_col_jobs", lang),
            text("pf_col_investment", lang),
        ],
        numeric=[False, False, False, True, True, True, True],
        widths=[26.0, 12.0, 12.0, 14.0, 13.0, 9.0, 14.0],
    )
    coord = {
        name: projects[name].values.astype(str) if name in projects.coords else None
        for name in ("project_name", "sector", "county")
    }
    jobs = projects["jobs"].values.astype(float) if "jobs" in projects.coords else None
    inv = projects["remaining_investment"].values.astype(float)
    for i in shown:
        out.rows.append(
            [
                project_label(projects, int(i), lang),
                sector_name(str(coord["sector"][i]), lang) if coord["sector"] is not None else "–",
                county_name(str(coord["county"][i]), lang) if coord["county"] is not None else "–",
                number(net[i] if jobs_obj else net[i] * 1e-6, lang),
                number(water[i] * wfactor, lang),
                number(jobs[i], lang) if jobs is not None else "–",
                number(inv[i], lang),
            ]
        )
    return out, len(order) - len(shown)


def summary(projects: xr.Dataset, lang: str) -> str:
    """One sentence: how many completed of how many, their investment, water and jobs."""
    sel = projects["selected"].values.astype(bool)
    water = float(projects["freshwater"].values[sel].sum())
    canonical = str(projects["freshwater"].attrs.get("units", "m3"))
    wunit, wfactor = report.planner_unit(canonical, water)
    jobs = float(projects["jobs"].values[sel].sum()) if "jobs" in projects.coords else np.nan
    return text(
        "pf_summary",
        lang,
        n=number(int(sel.sum()), lang),
        total=number(int(sel.size), lang),
        investment=quantity(
            float(projects["remaining_investment"].values[sel].sum()), "MUSD", lang
        ),
        water=quantity(water * wfactor, wunit, lang),
        jobs=number(jobs, lang),
    )


def marginal(projects: xr.Dataset, lang: str) -> str:
    """Name the rejected project closest to admission (largest net value), or ``""``."""
    sel = projects["selected"].values.astype(bool)
    if sel.all():
        return ""
    net = projects["net_value"].values.astype(float)
    rejected = np.flatnonzero(~sel)
    i = int(rejected[np.argmax(net[rejected])])
    reason = str(projects["reason"].values[i]) if "reason" in projects else ""
    key = f"pf_reason_{reason}"
    from resourcemodel.brief.i18n import STRINGS

    why = text(key if key in STRINGS else "pf_reason_other", lang)
    value = net[i] if _jobs_objective(projects) else net[i] * 1e-6
    unit = "job" if _jobs_objective(projects) else "MUSD"
    return text(
        "pf_marginal",
        lang,
        project=str(projects["project"].values[i]),
        net=quantity(value, unit, lang),
        why=why,
    )


def front_figure(front: xr.Dataset, lang: str) -> mpl.figure.Figure:
    """Draw the front: the portfolio's objective (MUSD a year, or jobs) against freshwater."""
    import matplotlib.pyplot as plt

    from resourcemodel.brief import drawings

    fig, ax = plt.subplots(figsize=(6.0, 2.8), layout="constrained")
    ok = np.isfinite(front["objective"].values) & np.isfinite(front["freshwater"].values)
    canonical = str(front["freshwater"].attrs.get("units", "m3"))
    drawn = front["freshwater"].values[ok].astype(float)
    wunit, wfactor = report.planner_unit(canonical, float(np.max(np.abs(drawn), initial=0)))
    jobs = front.attrs.get("unit") == "job"
    y = front["objective"].values[ok].astype(float)
    ax.plot(drawn * wfactor, y if jobs else y * 1e-6, marker="o", ms=3, lw=1.3, color="#2471a3")
    if "base_objective" in front.attrs:
        base = float(front.attrs["base_objective"])
        ax.plot(
            float(front.attrs["base_freshwater"]) * wfactor,
            base if jobs else base * 1e-6,
            marker="s",
            ms=4,
            ls="none",
            color="#222222",
            label=text("pf_front_base", lang),
        )
        ax.legend(loc="lower right", fontsize=6.5)
    ax.set_xlabel(text("pf_front_x", lang, unit=unit_name(wunit, lang)), fontsize=7)
    ax.set_ylabel(text("pf_front_y_jobs" if jobs else "pf_front_y", lang), fontsize=7)
    ax.set_title(text("pf_front_title", lang), fontsize=8)
    ax.tick_params(labelsize=6.5)
    ax.grid(alpha=0.3)
    ax.set_xlim(left=min(0.0, float(drawn.min(initial=0)) * wfactor))
    drawings._number_axis(ax, lang)
    drawings._number_axis(ax, lang, axis="x")
    return fig


def located(projects: xr.Dataset) -> np.ndarray:
    """Return a mask of the completed projects that have coordinates."""
    sel = projects["selected"].values.astype(bool)
    if "lat" not in projects.coords or "lon" not in projects.coords:
        return np.zeros_like(sel)
    lat = projects["lat"].values.astype(float)
    lon = projects["lon"].values.astype(float)
    return sel & np.isfinite(lat) & np.isfinite(lon)


def map_figure(projects: xr.Dataset, lang: str) -> mpl.figure.Figure:
    """Map the completed projects with coordinates: a dot each, area by freshwater drawn."""
    import matplotlib.pyplot as plt

    from resourcemodel import plots_maps

    where = located(projects)
    fig, ax = plt.subplots(figsize=(6.4, 5.2), layout="constrained")
    lon = projects["lon"].values.astype(float)[where]
    lat = projects["lat"].values.astype(float)[where]
    x, y = plots_maps._to_map().transform(lon, lat)
    xy = np.column_stack([x, y])
    plots_maps._base_map(ax, lang, xy, 15_000.0)
    water = projects["freshwater"].values.astype(float)[where]
    top = float(water.max()) if water.size and water.max() > 0 else 1.0
    sizes = 8 + 120 * water / top
    ax.scatter(x, y, s=sizes, color="#2471a3", alpha=0.75, edgecolor="white", lw=0.4, zorder=5)
    ax.set_title(text("pf_map_title", lang), fontsize=8)
    plots_maps._footer(ax, lang, [])
    return fig


def map_note(projects: xr.Dataset, lang: str) -> str:
    """Say how many completed projects are on the map and how many have no coordinates."""
    sel = projects["selected"].values.astype(bool)
    shown = int(located(projects).sum())
    missing = int(sel.sum()) - shown
    if not shown:
        return text("pf_no_map", lang)
    note = text("pf_map_note", lang, n=number(shown, lang))
    if missing:
        note += " " + text("pf_map_missing", lang, n=number(missing, lang))
    return note
