"""The basin section of a brief: who gets the river's water, the dam, what a m3 earns.

Shown only when results carry the basin (``user_delivery``, ``storage``...; see
:mod:`resourcemodel.results_water`): a table of each user's delivery against what it
asks, with industry's draw from the same river, and a chart of the dam's storage and of
the value of one more m3 at the river, by month. Nothing for a case without a basin.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import xarray as xr

from resourcemodel import report
from resourcemodel.brief.content import Table, is_optimal
from resourcemodel.labels import display_name, number, percent, scenario_name, text, unit_name


def has_basin(res: xr.Dataset) -> bool:
    """Return whether ``res`` holds solved basin results (users or reservoirs)."""
    return is_optimal(res) and "user_delivery" in res and res.sizes.get("user", 0) > 0


def _river(res: xr.Dataset) -> str:
    """Return the source the users take from (the first, when several)."""
    return str(res["user_source"].values[0])


def _unit(res: xr.Dataset, values: list[float]) -> tuple[str, float]:
    resource = str(res["user_resource"].values[0])
    canonical = str(res["resource_unit"].sel(resource=resource).item())
    return report.planner_unit(canonical, max([abs(v) for v in values] + [0.0]))


def industry_draw(res: xr.Dataset, source: str) -> float:
    """Return what the plants draw from ``source`` over the year (canonical unit)."""
    return float(res["supply"].sel(source=source).fillna(0.0).sum())


def table(items: list[xr.Dataset], lang: str) -> Table:
    """Return deliveries against demand by user (and industry's draw), per basin scenario.

    One row per user of the river (its value per m3 from the data, or "served first"
    for a user with priority), then industry; one column per scenario with a basin:
    ``delivered of asked (share)`` over the year in the planner unit.
    """
    basin = [r for r in items if has_basin(r)]
    first = basin[0]
    river = _river(first)
    sizes = [float((r["user_delivery"] + r["user_shortfall"]).sum("period").max()) for r in basin]
    unit, factor = _unit(first, sizes)
    comparison = len(items) > 1
    columns = [text("basin_col_use", lang), text("basin_col_value", lang)]
    columns += (
        [scenario_name(r, lang) for r in basin]
        if comparison
        else [text("basin_col_delivered", lang)]
    )
    out = Table(
        columns,
        numeric=[False, True, *([True] * len(basin))],
        widths=[34.0, 16.0, *([50.0 / len(basin)] * len(basin))],
    )
    canonical = str(first["resource_unit"].sel(resource=first["user_resource"].values[0]).item())
    money = unit_name(f"USD/{canonical}", lang)
    for user in first.user.values:
        name = display_name(first, "user", str(user), lang)
        if "user_value" not in first:  # a results file written before values were kept
            value = "–"
        elif float(first["user_priority"].sel(user=user)) > 0:
            value = text("basin_first", lang)
        elif float(first["user_value"].sel(user=user)) == 0:
            value = text("basin_left", lang)
        else:
            value = f"{number(float(first['user_value'].sel(user=user)), lang)} {money}"
        cells = []
        for res in basin:
            if user not in res.user.values:
                cells.append("–")
                continue
            got = float(res["user_delivery"].sel(user=user).sum())
            asked = got + float(res["user_shortfall"].sel(user=user).sum())
            share = got / asked if asked > 0 else None
            cells.append(
                text(
                    "basin_of",
                    lang,
                    got=number(got * factor, lang),
                    asked=number(asked * factor, lang),
                    share=percent(share, lang),
                )
            )
        out.rows.append([name, value, *cells])
    industry = [f"{number(industry_draw(r, river) * factor, lang)}" for r in basin]
    out.rows.append([text("basin_industry", lang), text("basin_industry_value", lang), *industry])
    out.footnote = text(
        "basin_table_note",
        lang,
        unit=unit_name(unit, lang),
        river=_river_name(first, lang),
    )
    return out


def _river_name(res: xr.Dataset, lang: str) -> str:
    """Name the river as its users know it: below its dam, else by its source name."""
    river = _river(res)
    if res.sizes.get("reservoir", 0) and "reservoir_source" in res.coords:
        dams = res.reservoir.values[res["reservoir_source"].values == river]
        if len(dams):
            return text("basin_below", lang, dam=display_name(res, "reservoir", str(dams[0]), lang))
    return display_name(res, "source", river, lang)


def figure(items: list[xr.Dataset], lang: str) -> mpl.figure.Figure:
    """Draw the dam's storage by month and the value of one more m3 at the river.

    One line per scenario with a basin, in the scenarios' colours; in Persian the
    storage panel is at the right (read first).
    """
    import matplotlib.pyplot as plt

    from resourcemodel.brief import drawings

    basin = [r for r in items if has_basin(r)]
    first = basin[0]
    river = _river(first)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 2.3), layout="constrained")
    store, worth = (axes[1], axes[0]) if lang == "fa" else (axes[0], axes[1])
    stored = [float(r["storage"].sum("reservoir").max()) for r in basin if "storage" in r]
    canonical = str(first["resource_unit"].sel(resource=first["user_resource"].values[0]).item())
    unit, factor = report.planner_unit(canonical, max(stored or [0.0]))
    x = np.arange(first.sizes["period"])
    palette = drawings.colors(len(items))  # each scenario keeps its colour of the brief
    shade = [palette[next(i for i, x in enumerate(items) if x is r)] for r in basin]
    for i, res in enumerate(basin):
        if "storage" in res and res.sizes.get("reservoir", 0):
            values = res["storage"].sum("reservoir").values * factor
            store.plot(x, values, marker="o", ms=2.5, lw=1.3, color=shade[i])
        value = res["source_water_value"].sel(source=river).values
        worth.plot(x, value, marker="o", ms=2.5, lw=1.3, color=shade[i])
    months = drawings._periods(first, lang)
    for ax in axes:
        ax.set_xticks(x, months, rotation=60, ha="right", rotation_mode="anchor", fontsize=6.5)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="y", labelsize=6.5)
        drawings._number_axis(ax, lang)
    store.set_title(text("basin_storage_title", lang), fontsize=8)
    store.set_ylabel(unit_name(unit, lang), fontsize=7)
    river_name = _river_name(first, lang)
    worth.set_title(
        drawings._wrap(text("basin_value_title", lang, river=river_name), 48), fontsize=8
    )
    worth.set_ylabel(unit_name(f"USD/{canonical}", lang), fontsize=7)
    names = [scenario_name(r, lang) for r in basin]
    drawings._scenario_legend(fig, names, shades=shade, rtl=lang == "fa")
    return fig


def note(items: list[xr.Dataset], lang: str) -> str:
    """One sentence per basin scenario: the dam's start and end and the river's m3 value range."""
    parts = []
    for res in (r for r in items if has_basin(r)):
        river = _river(res)
        value = res["source_water_value"].sel(source=river).values.astype(float)
        value = value[np.isfinite(value)]
        low, high = (float(value.min()), float(value.max())) if value.size else (0.0, 0.0)
        parts.append(
            text(
                "basin_note",
                lang,
                scenario=scenario_name(res, lang),
                low=number(low, lang),
                high=number(high, lang),
            )
        )
    return " ".join(parts)
