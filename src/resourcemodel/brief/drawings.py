"""The brief's own charts: the headline, water against the cap it limits, measures by cost.

Each function draws on a new figure and returns it; every string on it comes from the
translation table or the data's names (:mod:`resourcemodel.labels`), so a Persian
chart holds no English word. Legends sit below the axes, never over the data.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import numpy as np
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from resourcemodel import report
from resourcemodel.brief.content import is_optimal
from resourcemodel.labels import (
    display_name,
    join,
    number,
    quantity,
    scenario_name,
    text,
    unit_name,
)

#: The baseline is grey; the other scenarios take tab10's colours in order.
BASE_COLOR = "#7f8c8d"
_COLORS = [c for i, c in enumerate(mpl.colormaps["tab10"].colors) if i != 7]  # type: ignore[attr-defined]
#: Rows of the measures chart before "N more".
MAX_MEASURE_ROWS = 6


def colors(n: int) -> list[str | tuple[float, ...]]:
    """Colour of each scenario: the baseline grey, then tab10 (grey left out)."""
    if n <= 0:
        return []
    return [BASE_COLOR, *[_COLORS[i % len(_COLORS)] for i in range(n - 1)]]


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _number_axis(ax: mpl.axes.Axes, lang: str, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: number(v, lang))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _scenario_legend(
    fig: Figure,
    names: list[str],
    *,
    extra: list[Line2D] | None = None,
    shades: list[Any] | None = None,
    rtl: bool = False,
) -> None:
    """One legend for the whole figure, below the axes: scenarios by colour (and styles)."""
    handles: list[Any] = [
        mpl.patches.Patch(color=c, label=_wrap(n, 34))
        for c, n in zip(colors(len(names)) if shades is None else shades, names, strict=True)
    ]
    handles += extra or []
    if rtl:  # read from the right: the baseline first, at the right
        handles = handles[::-1]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 4),
        frameon=False,
    )


# --- headline ----------------------------------------------------------------------------


@dataclass
class Panel:
    """One small chart of the headline: a title, a unit and one value per scenario."""

    title: str
    unit: str
    values: list[float]


def _source_draws(res: xr.Dataset, group: str) -> dict[str, tuple[str, float]]:
    """Annual draw of each source of a resource group: ``{resource: (unit, value)}``."""
    out: dict[str, tuple[str, float]] = {}
    supply = res["supply"].fillna(0).sum(("plant", "period"))
    for src in res.source.values:
        resource = str(res["source_resource"].sel(source=src).item())
        if str(res["resource_group"].sel(resource=resource).item()) != group:
            continue
        unit = str(res["resource_unit"].sel(resource=resource).item())
        _, value = out.get(resource, (unit, 0.0))
        out[resource] = (unit, value + float(supply.sel(source=src)))
    return out


def headline_panels(items: list[xr.Dataset], lang: str) -> list[Panel]:
    """Value added, sales lost, water drawn and each energy drawn, by scenario.

    Money is in USD, water and energy in their canonical units; a panel whose values are
    all zero (no energy of that kind drawn anywhere) is left out.
    """
    from resourcemodel.brief.content import attr_json

    totals = [attr_json(r, "cost_totals_usd", {}) if is_optimal(r) else {} for r in items]
    panels = [
        Panel(
            text("chart_head_value_added", lang),
            "USD",
            [float(t.get("value_added", math.nan)) for t in totals],
        ),
        Panel(
            text("chart_head_sales_lost", lang),
            "USD",
            [float(t.get("unmet_penalty", math.nan)) for t in totals],
        ),
    ]
    draws = [_source_draws(r, "water") if is_optimal(r) else {} for r in items]
    water_units = {u for d in draws for u, _ in d.values()}
    if len(water_units) == 1:
        panels.append(
            Panel(
                text("chart_head_water", lang),
                water_units.pop(),
                [
                    sum(v for _, v in d.values()) if is_optimal(r) else math.nan
                    for d, r in zip(draws, items, strict=True)
                ],
            )
        )
    energy = [_source_draws(r, "energy") if is_optimal(r) else {} for r in items]
    resources = list(dict.fromkeys(k for d in energy for k in d))
    for resource in resources:
        holder = next(r for r, d in zip(items, energy, strict=True) if resource in d)
        values = [
            d.get(resource, ("", 0.0))[1] if is_optimal(r) else math.nan
            for d, r in zip(energy, items, strict=True)
        ]
        if not any(v > 0 for v in values if not math.isnan(v)):
            continue
        unit = next(d[resource][0] for d in energy if resource in d)
        name = display_name(holder, "resource", resource, lang)
        panels.append(Panel(text("chart_head_drawn", lang, resource=name), unit, values))
    return panels


def _shown(panel: Panel) -> tuple[str, float]:
    largest = max((abs(v) for v in panel.values if not math.isnan(v)), default=0.0)
    if panel.unit == "USD" and largest >= 1e5:
        return "MUSD", 1e-6
    return report.planner_unit(panel.unit, largest)


def headline(items: list[xr.Dataset], lang: str) -> Figure:
    """Small bar charts, one per headline figure, one bar per scenario, values written on.

    Parameters
    ----------
    items : list of xarray.Dataset
        Results; the first is the baseline.
    lang : {"en", "fa"}
        Language.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    panels = headline_panels(items, lang)
    ncols = 3 if len(panels) > 4 else len(panels)
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(7.2, 0.55 + 1.4 * nrows), layout="constrained", squeeze=False
    )
    names = [scenario_name(r, lang) for r in items]
    shade = colors(len(items))
    # Persian reads from the right: the first panel of each row sits at the right.
    order = axes[:, ::-1].flat if lang == "fa" else axes.flat
    for ax, panel in itertools.zip_longest(order, panels):
        if panel is None:
            ax.set_visible(False)
            continue
        unit, factor = _shown(panel)
        values = np.array([v * factor for v in panel.values])
        x = np.arange(len(values))
        if lang == "fa":
            x = x[::-1]  # the baseline at the right
        ax.bar(x, np.nan_to_num(values), color=shade, width=0.75)
        top = float(np.nanmax(np.abs(values), initial=0.0)) or 1.0
        for xi, value in zip(x, values, strict=True):
            label = number(value, lang) if not math.isnan(value) else "–"
            ax.text(
                xi,
                max(value, 0) if not math.isnan(value) else 0,
                label,
                ha="center",
                va="bottom",
                fontsize=6.5,
            )
        ax.set_ylim(0, top * 1.22)
        ax.set_xticks([])
        ax.set_title(_wrap(panel.title, 30), fontsize=8)
        ax.set_ylabel(unit_name(unit, lang), fontsize=7)
        ax.tick_params(labelsize=6.5)
        _number_axis(ax, lang)
    fig.suptitle(text("chart_head_title", lang), fontsize=9.5, fontweight="bold")
    _scenario_legend(fig, names, rtl=lang == "fa")
    return fig


# --- water -------------------------------------------------------------------------------


def group_members(items: list[xr.Dataset], group: str) -> list[str] | None:
    """Return the sources of a source group, read back from the first results that tell."""
    from resourcemodel.labels import group_members as members_of

    for res in items:
        found = members_of(res, group)
        if found:
            return found
    return None


def _periods(res: xr.Dataset, lang: str) -> list[str]:
    """Period names without their remark (``Tir``, not ``Tir (Jun-Jul)``)."""
    from resourcemodel.brief.content import _short

    return [_short(display_name(res, "period", str(p), lang)) for p in res.period.values]


def water(items: list[xr.Dataset], resource: str, lang: str) -> Figure:
    """Water drawn per period: under its cap (cap line beside it) and outside any cap.

    Left: the sources of the resource's capped group (river and groundwater in Isfahan),
    one solid line per scenario, its cap dashed in the same colour. Right: the other
    sources (reclaimed, desalinated), which no group cap limits. Without a capped group
    the left panel shows all sources and no cap.
    """
    import matplotlib.pyplot as plt

    optimal = [r for r in items if is_optimal(r)]
    base = optimal[0]
    groups = [
        str(g)
        for g in base.group.values[base["group_resource"].values == resource]
        if any(
            np.isfinite(r["group_cap_limit"].sel(group=g).values.astype(float)).any()
            for r in optimal
            if g in r.group.values
        )
    ]
    sources = [str(s) for s in base.source.values[base["source_resource"].values == resource]]
    group = groups[0] if groups else None
    members = group_members(optimal, group) if group else None
    capped = members if members else sources
    others = [s for s in sources if s not in capped]
    canonical = str(base["resource_unit"].sel(resource=resource).item())

    def drawn(res: xr.Dataset, chosen: list[str]) -> np.ndarray:
        if not is_optimal(res):
            return np.full(res.sizes["period"], np.nan)
        return res["supply"].fillna(0).sum("plant").sel(source=chosen).sum("source").values

    left = [drawn(r, capped) for r in items]
    caps = [
        r["group_cap_limit"].sel(group=group).values.astype(float)
        if members and is_optimal(r) and group in r.group.values
        else None
        for r in items
    ]
    right = [drawn(r, others) for r in items] if others else []
    peak = max(
        float(
            np.nanmax(np.abs(np.concatenate([*left, *right, *[c for c in caps if c is not None]])))
        )
        if left
        else 0.0,
        0.0,
    )
    unit, factor = report.planner_unit(canonical, peak)
    panels = 2 if right else 1
    fig, axes = plt.subplots(
        1,
        panels,
        figsize=(7.2, 2.45),
        layout="constrained",
        squeeze=False,
        width_ratios=([1, 1.6] if lang == "fa" else [1.6, 1]) if panels == 2 else [1],
    )
    shade = colors(len(items))
    x = np.arange(base.sizes["period"])
    months = _periods(base, lang)
    names = [scenario_name(r, lang) for r in items]
    # The capped panel first: at the left, or at the right in Persian.
    ax = axes[0, -1] if lang == "fa" else axes[0, 0]
    for i, values in enumerate(left):
        ax.plot(x, values * factor, marker="o", ms=2.5, lw=1.3, color=shade[i])
        cap = caps[i]
        if cap is not None:
            ax.plot(x, cap * factor, ls="--", lw=1.0, color=shade[i])
    member_names = join([display_name(base, "source", s, lang) for s in capped], lang)
    if members:
        title = text("chart_water_capped", lang, sources=member_names)
    else:
        title = text(
            "chart_water_all", lang, resource=display_name(base, "resource", resource, lang)
        )
    ax.set_title(_wrap(title, 62 if panels == 2 else 100), fontsize=8)
    ax.set_ylabel(text("chart_per_period", lang, unit=unit_name(unit, lang)), fontsize=7)
    if right:
        bx = axes[0, 0] if lang == "fa" else axes[0, 1]
        for i, values in enumerate(right):
            bx.plot(x, values * factor, marker="o", ms=2.5, lw=1.3, color=shade[i])
        other_names = join([display_name(base, "source", s, lang) for s in others], lang)
        bx.set_title(_wrap(text("chart_water_uncapped", lang, sources=other_names), 40), fontsize=8)
        bx.sharey(ax)
    for a in axes.flat:
        a.set_xticks(x, months, rotation=60, ha="right", rotation_mode="anchor", fontsize=6.5)
        a.set_ylim(bottom=0)
        a.tick_params(axis="y", labelsize=6.5)
        _number_axis(a, lang)
    extra = [Line2D([], [], color="black", lw=1.3, label=text("chart_drawn", lang))]
    if any(c is not None for c in caps):
        extra.append(
            Line2D([], [], color="black", lw=1.0, ls="--", label=text("chart_cap_line", lang))
        )
    _scenario_legend(fig, names, extra=extra, rtl=lang == "fa")
    return fig


# --- measures ----------------------------------------------------------------------------


def measure_costs(items: list[xr.Dataset]) -> tuple[list[tuple[str, str]], list[list[float]]]:
    """Measures adopted in any scenario, by largest annual cost first, and their costs.

    Returns ``(keys, costs)``: ``keys`` are ``(plant, measure)``, ``costs[i][k]`` the
    annual cost in USD of measure ``k`` in scenario ``i`` (0 where not adopted).
    """
    costs: list[dict[tuple[str, str], float]] = []
    for res in items:
        found: dict[tuple[str, str], float] = {}
        if is_optimal(res) and res.sizes.get("measure", 0):
            adoption = res["adoption"].transpose("plant", "measure")
            cost = res["cost_measures"].transpose("plant", "measure").fillna(0).values
            share = adoption.fillna(0).values
            for i, j in zip(*np.nonzero(share > 1e-6), strict=True):
                key = (str(adoption.plant.values[i]), str(adoption.measure.values[j]))
                found[key] = float(cost[i, j])
        costs.append(found)
    keys = sorted(
        {k for c in costs for k in c}, key=lambda k: (-max(c.get(k, 0.0) for c in costs), k)
    )
    return keys, [[c.get(k, 0.0) for k in keys] for c in costs]


def measure_saving(res: xr.Dataset, plant: str, measure: str, lang: str) -> str:
    """Return what a measure saves a year at a plant, in planner units (``saves 2 million m3``)."""
    saved = res["saving_amount"].fillna(0).sum("period").sel(plant=plant, measure=measure)
    parts = []
    for resource in saved.resource.values:
        amount = float(saved.sel(resource=resource))
        if amount > 0:
            canonical = str(res["resource_unit"].sel(resource=resource).item())
            unit, factor = report.planner_unit(canonical, amount)
            parts.append(quantity(amount * factor, unit, lang))
    return text("chart_saves", lang, amount=join(parts, lang)) if parts else ""


def measures(items: list[xr.Dataset], lang: str) -> tuple[Figure, int]:
    """Annual cost of the measures adopted, largest first (the first rows); and how many more.

    Returns
    -------
    (Figure, int)
        The chart and the number of adopted measures it leaves out.
    """
    import matplotlib.pyplot as plt

    keys, costs = measure_costs(items)
    shown = keys[: MAX_MEASURE_ROWS if len(items) == 1 else MAX_MEASURE_ROWS - 2]
    more = len(keys) - len(shown)
    ref = items[0]
    labels = [
        _wrap(
            f"{display_name(ref, 'measure', m, lang)} – {display_name(ref, 'plant', p, lang)}", 48
        )
        for p, m in shown
    ]
    n = len(items)
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 0.9 + max(0.2 * lines, len(labels) * 0.2 * (1 + 0.35 * (n - 1))) + 0.25 * (n > 1)
    fig, ax = plt.subplots(figsize=(7.2, height), layout="constrained")
    largest = max((v for row in costs for v in row[: len(shown)]), default=0.0)
    unit, factor = ("MUSD", 1e-6) if largest >= 1e5 else report.planner_unit("USD", largest)
    bar = 0.8 / n
    y = np.arange(len(shown))
    shade = colors(n)
    for i, row in enumerate(costs):
        offset = (i - (n - 1) / 2) * bar
        ax.barh(y + offset, np.array(row[: len(shown)]) * factor, height=bar * 0.92, color=shade[i])
        for k, (plant, measure) in enumerate(shown):
            if row[k] > 0:  # what the cost buys, written at the end of its bar
                ax.annotate(
                    measure_saving(items[i], plant, measure, lang),
                    (row[k] * factor, y[k] + offset),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=6,
                )
    ax.set_xlim(0, largest * factor * 1.3 if largest > 0 else 1)
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    title = text("chart_measures_cost_title", lang)
    if more:
        title += " " + text(
            "chart_more", lang, shown=number(len(shown), lang), total=number(len(keys), lang)
        )
    ax.set_title(title, fontsize=9)
    ax.set_xlabel(text("chart_measures_cost_x", lang, unit=unit_name(unit, lang)), fontsize=7.5)
    _number_axis(ax, lang, "x")
    if n > 1:
        # Only scenarios that adopt a measure: the others have no bar to name.
        some = [i for i, row in enumerate(costs) if any(v > 0 for v in row)] or list(range(n))
        names = [scenario_name(items[i], lang) for i in some]
        _scenario_legend(fig, names, shades=[shade[i] for i in some], rtl=lang == "fa")
    return fig, more
