"""The brief's pathway section: what to build, where and when, and what it does over the years.

From the results of :func:`resourcemodel.pathway.run_pathway` (a ``year`` dim): a headline
(freshwater drawn in the last year against the first, the pathway's discounted and
undiscounted cost, value added and jobs in the last year against the first, the builds),
the build plan (what, where, decided, in service, how much, capital cost, annual charge) in
planner units with "N more" for the rest, and the three pathway charts of
:mod:`resourcemodel.pathway.plots` (water by source, build timeline, value added and jobs),
in English or Persian.

Freshwater is the draw of the sources of the case's ``freshwater`` group (its
``group_member``), else of every source of the water resources.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from resourcemodel import report
from resourcemodel.brief.content import Table, _money_change
from resourcemodel.brief.content import money as _money
from resourcemodel.brief.i18n import digits, number, percent, quantity, text, unit_name

if TYPE_CHECKING:
    from resourcemodel.brief.charts import Chart

#: Builds listed in the plan before "N more".
MAX_BUILDS = 15
#: The source group whose draw is the headline's freshwater.
FRESHWATER = "freshwater"  # as resourcemodel.pathway.plots.FRESHWATER


def check(pathway: object) -> xr.Dataset:
    """Return pathway results from a Dataset or a ``.nc`` path (``resourcemodel pathway --out``).

    Raises
    ------
    BriefError
        If ``pathway`` is neither, or is not the results of a pathway (no ``year`` dim).
    """
    from resourcemodel.brief import BriefError

    ds = pathway
    if isinstance(pathway, str | Path):
        path = Path(pathway)
        if not path.is_file():
            msg = (
                f"{str(path)!r}: no such pathway results file (write one with "
                "'resourcemodel pathway FILE --out')."
            )
            raise BriefError(msg)
        from resourcemodel.io import load

        ds = load(path)
    if not isinstance(ds, xr.Dataset) or "year" not in ds.dims or "objective_year" not in ds:
        msg = (
            "pathway= takes the results of resourcemodel.pathway.run_pathway (a Dataset with "
            f"a 'year' dim, or its .nc file); got {type(pathway).__name__}."
        )
        raise BriefError(msg)
    return ds


def first_year(ds: xr.Dataset) -> xr.Dataset:
    """Return the first year's results without the ``year`` dim (its caveats and run card)."""
    return ds.isel(year=0).drop_vars("year")


def _years(ds: xr.Dataset) -> tuple[int, int]:
    years = ds["year"].values.astype(int)
    return int(years[0]), int(years[-1])


def freshwater(ds: xr.Dataset) -> tuple[str, np.ndarray, str]:
    """Return what is counted (``"freshwater"`` or ``"water"``), its draw by year, its unit.

    See :func:`resourcemodel.pathway.plots.freshwater_drawn`.
    """
    from resourcemodel.pathway.plots import freshwater_drawn

    return freshwater_drawn(ds)


def _change(new: float, old: float, lang: str) -> str:
    if old == 0 or not math.isfinite(old) or not math.isfinite(new):
        return _money_change(new, old, lang)
    return percent((new - old) / abs(old), lang, signed=True)


def headline(ds: xr.Dataset, lang: str) -> list[str]:
    """Return the section's key messages: water, cost, value added and jobs, builds."""
    from resourcemodel.pathway.plots import build_plan, capacity_plan, output_and_jobs

    start, end = _years(ds)
    y0, y1 = digits(str(start), lang), digits(str(end), lang)
    kind, drawn, unit = freshwater(ds)
    shown, factor = report.planner_unit(unit, float(np.abs(drawn).max(initial=0.0)))
    share = (drawn[-1] - drawn[0]) / drawn[0] if drawn[0] else math.nan
    lines = [
        text(
            "pw_head_water" if kind == FRESHWATER else "pw_head_water_all",
            lang,
            end=y1,
            start=y0,
            now=quantity(drawn[-1] * factor, shown, lang),
            before=quantity(drawn[0] * factor, shown, lang),
            change=percent(share, lang, signed=True),
        )
    ]
    cost = str(ds.attrs.get("objective_name", "cost")) == "cost"
    lines.append(
        text(
            "pw_head_cost" if cost else "pw_head_value",
            lang,
            start=y0,
            rate=percent(float(ds.attrs.get("discount_rate", 0.0)), lang),
            discounted=_money(float(ds.attrs["objective"]), lang),
            undiscounted=_money(float(ds.attrs["objective_undiscounted"]), lang),
        )
    )
    table = output_and_jobs(ds)
    va = table["value_added_musd_per_year"].to_numpy() * 1e6
    jobs = table["jobs"].to_numpy()
    lines.append(
        text(
            "pw_head_output",
            lang,
            end=y1,
            start=y0,
            now=_money(va[-1], lang),
            before=_money(va[0], lang),
            change=_change(va[-1], va[0], lang),
            jobs=number(jobs[-1], lang),
            jobs_change=number(jobs[-1] - jobs[0], lang, signed=True),
        )
    )
    plan, capacity = build_plan(ds), capacity_plan(ds)
    n = len(plan) + len(capacity)
    if not n:
        lines.append(text("pw_head_nothing", lang))
        return lines
    charges = ds["capital_charge_year"].values.astype(float)
    top = int(np.argmax(charges))
    plants = plan["plant"].nunique() if len(plan) else 0
    lines.append(
        text(
            "pw_head_builds",
            lang,
            n=number(n, lang),
            plants=number(plants, lang),
            first=digits(str(int(min([*plan["decided"], *capacity["decided"]]))), lang),
            charge=_money(charges[top], lang),
            year=digits(str(int(ds["year"].values[top])), lang),
        )
    )
    return lines


def plan_table(ds: xr.Dataset, lang: str, most: int = MAX_BUILDS) -> tuple[Table, int]:
    """Return the build plan (source capacity first, then measures by decision year).

    Columns: what, where (plant; ``–`` for a source), decided (a representative year),
    first year in service (decided plus the candidate's lead time, from the results'
    candidate data), built (share of the full measure, or capacity per year), the build's
    whole capital cost (MUSD) and the highest annual capital charge (MUSD a year). Returns
    the table and how many builds are left out.
    """
    from resourcemodel.pathway.plots import build_plan, capacity_plan

    out = Table(
        [
            text("pw_col_what", lang),
            text("pw_col_where", lang),
            text("pw_col_decided", lang),
            text("pw_col_service", lang),
            text("pw_col_built", lang),
            text("pw_col_capital", lang),
            text("pw_col_charge", lang),
        ],
        numeric=[False, False, True, True, True, True, True],
        widths=[26.0, 22.0, 8.0, 8.0, 12.0, 11.0, 13.0],
    )
    rows: list[list[str]] = []
    for row in capacity_plan(ds, lang).to_dict("records"):
        shown, factor = report.planner_unit(str(row["unit"]).split("/")[0], float(row["capacity"]))
        rows.append(
            [
                text("pw_capacity_of", lang, source=str(row["source"])),
                "–",
                digits(str(row["decided"]), lang),
                digits(str(row["in_service"]), lang) if row["in_service"] else "–",
                quantity(float(row["capacity"]) * factor, f"{shown}/yr", lang),
                _capital(float(row["capital_musd"]), lang),
                number(float(row["charge_musd_per_year"]), lang),
            ]
        )
    for row in build_plan(ds, lang).to_dict("records"):
        rows.append(
            [
                str(row["measure"]),
                str(row["plant"]),
                digits(str(row["decided"]), lang),
                digits(str(row["in_service"]), lang) if row["in_service"] else "–",
                percent(float(row["built_share"]), lang),
                _capital(float(row["capital_musd"]), lang),
                number(float(row["charge_musd_per_year"]), lang),
            ]
        )
    out.rows = rows[:most]
    return out, len(rows) - len(out.rows)


def _capital(value: float, lang: str) -> str:
    """Return a capital cost cell, MUSD (``–`` for results saved without candidate data)."""
    return number(value, lang) if math.isfinite(value) else "–"


def heading(ds: xr.Dataset, lang: str) -> str:
    """Return the section's title, naming the horizon."""
    start, end = _years(ds)
    return text("pw_heading", lang, start=digits(str(start), lang), end=digits(str(end), lang))


def charts(ds: xr.Dataset, lang: str, kind: str) -> list[Chart]:
    """Draw the three pathway charts: water by source, build timeline, value added and jobs."""
    from matplotlib.figure import Figure

    from resourcemodel.brief.charts import to_chart
    from resourcemodel.pathway import plots

    out: list[Chart] = [
        to_chart(
            plots.plot_water_by_source(ds, lang=lang),
            "pathway-water",
            text("pw_water_note", lang),
            kind,
        )
    ]
    rows = plots.build_plan(ds).groupby(["plant", "measure"]).ngroups
    if rows:
        # Page-wide rather than the notebook's 12 inches, so the labels stay readable.
        fig = Figure(figsize=(7.5, 1.0 + 0.2 * rows), layout="constrained")
        plots.plot_build_timeline(ds, fig.add_subplot(), lang=lang)
        out.append(
            to_chart(
                fig,
                "pathway-builds",
                text("pw_timeline_note", lang),
                kind,
            )
        )
        out[-1].title = text("pw_timeline_title", lang)  # drawn right-aligned: not found
    out.append(
        to_chart(
            plots.plot_output_and_jobs(ds, lang=lang),
            "pathway-output",
            text("pw_output_note", lang),
            kind,
        )
    )
    return out


def plan_note(ds: xr.Dataset, lang: str, more: int) -> str:
    """Return the note under the plan: how the charge is counted, and how many are left out."""
    note = text("pw_plan_note", lang, unit=unit_name("MUSD", lang))
    if more:
        note += " " + text("pw_more", lang, n=number(more, lang))
    return note
