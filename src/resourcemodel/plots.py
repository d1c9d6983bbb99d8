"""Charts of results in planner units, in English or Persian (matplotlib lives only here).

Every function takes results (one Dataset, or a sequence of them for a comparison where
the chart supports it), draws on ``ax`` (a new figure when ``None``) and returns the
Axes. Nothing here solves. Labels come from the brief's translation table, so
``lang="fa"`` gives Persian titles, names (``plant_name_fa``...), Persian digits on the
axes and the vendored Vazirmatn font; matplotlib >= 3.11 shapes Persian text itself.

Examples
--------
>>> import resourcemodel as rm
>>> from resourcemodel import plots
>>> res = rm.run(rm.examples.path("two_plants"))
>>> ax = plots.output_by_plant(res)
>>> [t.get_text() for t in ax.get_yticklabels()]
['Plant A – Steel', 'Plant B – Steel']
"""

from __future__ import annotations

import contextlib
import functools
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from importlib import resources as _resources
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import matplotlib as mpl
import numpy as np
import xarray as xr
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from resourcemodel import labels as i18n
from resourcemodel import report
from resourcemodel.labels import cap_label

Results = xr.Dataset | Sequence[xr.Dataset]

#: Fonts of Persian charts: the vendored Vazirmatn, then DejaVu Sans (ships with matplotlib).
PERSIAN_FONTS = ["Vazirmatn", "DejaVu Sans"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_COLORS = mpl.colormaps["tab10"].colors  # type: ignore[attr-defined]
_MAX_ROWS = 10


def font_dir() -> Path:
    """Return the folder of the vendored fonts (Vazirmatn TTFs and their OFL licence)."""
    return Path(str(_resources.files("resourcemodel.brief") / "fonts"))


@functools.cache
def register_fonts() -> list[str]:
    """Register the vendored fonts with matplotlib's font manager (once); return the files."""
    files = sorted(str(p) for p in font_dir().glob("*.ttf"))
    for path in files:
        font_manager.fontManager.addfont(path)
    return files


def rc_params(lang: str) -> dict[str, Any]:
    """Return the rcParams charts in ``lang`` need (fonts, deterministic SVG output)."""
    i18n.check_language(lang)
    params: dict[str, Any] = {
        "svg.fonttype": "path",
        "svg.hashsalt": "resourcemodel",
        "font.size": 8.5,
        "axes.titlesize": 9.5,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
    }
    if lang == "fa":
        register_fonts()
        params["font.family"] = PERSIAN_FONTS
        params["axes.unicode_minus"] = True
    return params


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Context in which new figures and their text use ``lang``'s fonts.

    Set it before creating a figure: matplotlib fixes the font of titles and tick labels
    when they are created.
    """
    with mpl.rc_context(rc_params(lang)):  # type: ignore[arg-type]
        yield


def _localised(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a plotting function under the rcParams of its ``lang`` keyword."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with language(str(kwargs.get("lang", "en"))):
            return func(*args, **kwargs)

    return wrapper


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    new: Axes
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _as_list(results: Results) -> list[xr.Dataset]:
    items = [results] if isinstance(results, xr.Dataset) else list(results)
    if not items:
        msg = "No results given; pass a results Dataset or a list of them."
        raise ValueError(msg)
    return items


def _single(results: Results, chart: str) -> xr.Dataset:
    items = _as_list(results)
    if len(items) != 1:
        msg = f"The {chart} chart shows one scenario; pass one results Dataset."
        raise ValueError(msg)
    return items[0]


def _optimal(res: xr.Dataset) -> bool:
    return str(res.attrs.get("status", "optimal")) == "optimal"


def _scenario(res: xr.Dataset, i: int) -> str:
    return str(res.attrs.get("scenario", f"#{i + 1}"))


def _number_axis(ax: Axes, lang: str, axis: str = "y") -> None:
    fmt = FuncFormatter(lambda v, _pos: i18n.number(v, lang))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _height(labels: Sequence[str], scenarios: int, lang: str) -> float:
    """Figure height (inches) for a horizontal bar chart with these tick labels."""
    lines = sum(max(1, label.count("\n") + 1) for label in labels)
    per_line = 0.26 if lang == "fa" else 0.2  # Vazirmatn's lines are taller
    per_row = 0.22 * (1 + 0.3 * (scenarios - 1))
    return 1.0 + max(lines * per_line, len(labels) * per_row, 0.6)


def _empty(ax: Axes, key: str, lang: str, title: str) -> Axes:
    ax.set_title(i18n.text(title, lang))
    ax.text(0.5, 0.5, i18n.text(key, lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _periods(res: xr.Dataset, lang: str) -> list[str]:
    return [i18n.display_name(res, "period", str(p), lang) for p in res.period.values]


@_localised
def cap_use(results: Results, *, ax: Axes | None = None, lang: str = "en", top: int = 6) -> Axes:
    """Plot the share of each cap used in each period (caps per period only).

    One line per source or group cap (the ``top`` fullest); 100% is the cap.

    Parameters
    ----------
    results : xarray.Dataset
        Results of one scenario.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    lang : {"en", "fa"}
        Language of labels and digits.
    top : int
        Number of caps shown, fullest first.

    Returns
    -------
    matplotlib.axes.Axes
    """
    res = _single(results, "cap use")
    ax = _axes(ax, (7.2, 2.5))
    series: list[tuple[str, np.ndarray]] = []
    if _optimal(res):
        for family, dim in (("source_cap", "source"), ("group_cap", "group")):
            limit, use = res[f"{family}_limit"], res[f"{family}_use"]
            for label in limit[dim].values:
                lim = limit.sel({dim: label}).values.astype(float)
                ok = np.isfinite(lim) & (lim > 0)
                if not ok.any():
                    continue
                used = use.sel({dim: label}).values.astype(float)
                share = np.where(ok, used / np.where(ok, lim, 1.0), np.nan)
                series.append((i18n.display_name(res, dim, str(label), lang), share))
    if not series:
        return _empty(ax, "chart_no_caps", lang, "chart_cap_use_title")
    series.sort(key=lambda item: -float(np.nanmax(item[1])))
    x = np.arange(res.sizes["period"])
    for i, (name, share) in enumerate(series[:top]):
        label = _wrap(name, 34)
        ax.plot(x, 100 * share, marker="o", ms=3.5, lw=1.4, color=_COLORS[i % 10], label=label)
    ax.axhline(100, color="black", lw=0.9, ls="--")
    ax.annotate(
        i18n.text("chart_cap_line", lang),
        (1.0, 100),
        xycoords=("axes fraction", "data"),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        fontsize=7.5,
    )
    peak = max(float(np.nanmax(s)) for _, s in series[:top])
    ax.set_ylim(0, max(105.0, 100 * peak * 1.05))
    ax.set_xticks(x, _periods(res, lang))
    ax.set_ylabel(i18n.text("chart_cap_use_y", lang))
    ax.set_title(i18n.text("chart_cap_use_title", lang))
    _number_axis(ax, lang)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3)
    return ax


@_localised
def resource_use(
    results: Results, *, resource: str = "water", ax: Axes | None = None, lang: str = "en"
) -> Axes:
    """Plot how much of a resource is drawn in each period, in planner units.

    One scenario: bars stacked by source. Several: one line per scenario. Caps of
    source groups of that resource (e.g. freshwater) are drawn dashed.

    Parameters
    ----------
    results : xarray.Dataset or sequence of them
        Results of one or several scenarios (same periods).
    resource : str
        Resource label (``water``, ``electricity``...).
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If a results Dataset has no such resource.
    """
    items = _as_list(results)
    ax = _axes(ax, (7.2, 2.5))
    base = items[0]
    for res in items:
        if resource not in res.resource.values:
            msg = (
                f"Scenario {_scenario(res, 0)!r} has no resource {resource!r}; "
                f"resources: {', '.join(map(str, res.resource.values))}."
            )
            raise ValueError(msg)
    name = i18n.display_name(base, "resource", resource, lang)
    unit = str(base["resource_unit"].sel(resource=resource).item())
    by_source = []
    for res in items:
        sources = res.source.values[res["source_resource"].values == resource]
        drawn = res["supply"].sel(source=sources).fillna(0).sum("plant")
        by_source.append(drawn if _optimal(res) else drawn * np.nan)
    totals = [float(np.nanmax(d.sum("source").values, initial=0.0)) for d in by_source]
    if not any(t > 0 for t in totals):
        return _empty(ax, "chart_no_resource", lang, "chart_resource_title")
    disp, f = report.planner_unit(unit, max(totals))
    x = np.arange(base.sizes["period"])
    if len(items) == 1:
        drawn = by_source[0]
        bottom = np.zeros(len(x))
        for i, src in enumerate(drawn.source.values):
            values = drawn.sel(source=src).values * f
            if not np.any(values > 0):
                continue
            label = _wrap(i18n.display_name(base, "source", str(src), lang), 34)
            ax.bar(x, values, bottom=bottom, color=_COLORS[i % 10], label=label, width=0.7)
            bottom += values
        ax.set_title(i18n.text("chart_resource_title", lang, resource=name))
    else:
        for i, (res, drawn) in enumerate(zip(items, by_source, strict=True)):
            ax.plot(
                x,
                drawn.sum("source").values * f,
                marker="o",
                ms=3.5,
                color=_COLORS[i % 10],
                label=_scenario(res, i),
            )
        ax.set_title(i18n.text("chart_resource_title_cmp", lang, resource=name))
    for i, res in enumerate(items):
        groups = res.group.values[res["group_resource"].values == resource]
        for group in groups:
            cap = res["group_cap_limit"].sel(group=group).values.astype(float)
            if not np.isfinite(cap).any():
                continue
            gname = i18n.display_name(res, "group", str(group), lang)
            label = i18n.text("chart_group_cap", lang, group=gname)
            if len(items) > 1:
                label = f"{label} ({_scenario(res, i)})"
            ax.plot(
                x,
                cap * f,
                ls="--",
                lw=1.1,
                color="black" if len(items) == 1 else _COLORS[i % 10],
                label=label,
            )
    ax.set_xticks(x, _periods(base, lang))
    ax.set_ylabel(i18n.text("chart_per_period", lang, unit=i18n.unit_name(disp, lang)))
    ax.set_ylim(bottom=0)
    _number_axis(ax, lang)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3)
    return ax


def final_output(res: xr.Dataset) -> dict[tuple[str, str], tuple[float, str]]:
    """Annual output of final products by ``(plant, product)``: ``(value, canonical unit)``.

    Final products are those with a demand. Infeasible results give an empty dict.
    """
    if not _optimal(res):
        return {}
    final = set(res["delivery"].dropna("product", how="all").product.values.tolist())
    made = res["production"].sum("period")
    out: dict[tuple[str, str], tuple[float, str]] = {}
    for process in res.process.values:
        product = str(res["process_product"].sel(process=process).item())
        if product not in final:
            continue
        plant = str(res["process_plant"].sel(process=process).item())
        unit = str(res["product_unit"].sel(product=product).item())
        value, _ = out.get((plant, product), (0.0, unit))
        out[(plant, product)] = (value + float(made.sel(process=process)), unit)
    return out


def main_output_unit(outputs: Sequence[dict[tuple[str, str], tuple[float, str]]]) -> str | None:
    """Return the canonical unit most final products are measured in (``t`` usually)."""
    counts: dict[str, int] = {}
    for out in outputs:
        for _, unit in out.values():
            counts[unit] = counts.get(unit, 0) + 1
    return max(counts, key=lambda u: counts[u]) if counts else None


def _grouped_barh(
    ax: Axes,
    labels: list[str],
    values: list[list[float]],
    names: list[str],
) -> None:
    n = len(values)
    height = 0.8 / n
    y = np.arange(len(labels))
    for i, (vals, name) in enumerate(zip(values, names, strict=True)):
        offset = (i - (n - 1) / 2) * height
        ax.barh(y + offset, vals, height=height * 0.92, color=_COLORS[i % 10], label=name)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    if n > 1:
        ax.legend(loc="lower right")


@_localised
def output_by_plant(results: Results, *, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Plot annual output of final products by plant, in planner units.

    Only products in the unit most final products use (usually tonnes) are drawn; the
    brief lists the others. Several scenarios give grouped bars.

    Parameters
    ----------
    results : xarray.Dataset or sequence of them
        Results of one or several scenarios.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes
    """
    items = _as_list(results)
    outputs = [final_output(res) for res in items]
    unit = main_output_unit(outputs)
    keys: list[tuple[str, str]] = []
    for out in outputs:
        keys += [k for k, (_, u) in out.items() if u == unit and k not in keys]
    keys.sort(key=lambda k: -max(out.get(k, (0.0, ""))[0] for out in outputs))
    keys = keys[: _MAX_ROWS if len(items) == 1 else 6]
    if unit is None or not keys:
        return _empty(_axes(ax, (7.2, 1.6)), "chart_no_output", lang, "chart_output_title")
    peak = max(out.get(k, (0.0, ""))[0] for out in outputs for k in keys)
    disp, f = report.planner_unit(unit, peak)
    ref = items[0]
    labels = [
        _wrap(
            f"{i18n.display_name(ref, 'plant', p, lang)} – "
            f"{i18n.display_name(ref, 'product', q, lang)}",
            56,
        )
        for p, q in keys
    ]
    ax = _axes(ax, (7.2, _height(labels, len(items), lang)))
    values = [[out.get(k, (0.0, ""))[0] * f for k in keys] for out in outputs]
    _grouped_barh(ax, labels, values, [_scenario(r, i) for i, r in enumerate(items)])
    ax.set_title(i18n.text("chart_output_title", lang))
    ax.set_xlabel(i18n.text("chart_output_x", lang, unit=i18n.unit_name(disp, lang)))
    _number_axis(ax, lang, "x")
    return ax


@_localised
def measures_adopted(results: Results, *, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Plot the share of each resource-saving measure adopted at each plant.

    Only measures adopted in at least one scenario are drawn (the fullest 15).

    Parameters
    ----------
    results : xarray.Dataset or sequence of them
        Results of one or several scenarios.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes
    """
    items = _as_list(results)
    shares: list[dict[tuple[str, str], float]] = []
    for res in items:
        adoption = res["adoption"].transpose("plant", "measure")
        grid = adoption.values.astype(float)
        plants, measures = adoption.plant.values, adoption.measure.values
        shares.append(
            {
                (str(plants[i]), str(measures[j])): float(grid[i, j])
                for i, j in zip(*np.nonzero(np.isfinite(grid)), strict=True)
            }
            if _optimal(res)
            else {}
        )
    keys = sorted(
        {k for s in shares for k, v in s.items() if v > 1e-6},
        key=lambda k: -max(s.get(k, 0.0) for s in shares),
    )[: 8 if len(items) == 1 else 5]
    if not keys:
        return _empty(_axes(ax, (7.2, 1.6)), "chart_no_measures", lang, "chart_measures_title")
    ref = items[0]
    labels = [
        _wrap(
            f"{i18n.display_name(ref, 'measure', m, lang)} – "
            f"{i18n.display_name(ref, 'plant', p, lang)}",
            64,
        )
        for p, m in keys
    ]
    ax = _axes(ax, (7.2, _height(labels, len(items), lang)))
    values = [[100 * s.get(k, 0.0) for k in keys] for s in shares]
    _grouped_barh(ax, labels, values, [_scenario(r, i) for i, r in enumerate(items)])
    ax.set_xlim(0, 100)
    ax.set_title(i18n.text("chart_measures_title", lang))
    ax.set_xlabel(i18n.text("chart_measures_x", lang))
    _number_axis(ax, lang, "x")
    return ax


@_localised
def shadow_prices(
    results: Results, *, ax: Axes | None = None, lang: str = "en", top: int = 6
) -> Axes:
    """Plot what one more unit of each binding cap is worth, and the range where it holds.

    Each row is a binding cap (most valuable first) with its shadow price in USD per unit
    on the right; the bar spans the cap levels, in % of today's cap, over which that
    value holds (HiGHS ranging). An arrow means the range has no upper end.

    Parameters
    ----------
    results : xarray.Dataset
        Results of one scenario.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    lang : {"en", "fa"}
        Language of labels and digits.
    top : int
        Number of caps shown.

    Returns
    -------
    matplotlib.axes.Axes
    """
    res = _single(results, "shadow price")
    caps = report.binding_caps(res, limit=top) if _optimal(res) else None
    if caps is None or caps.empty:
        return _empty(_axes(ax, (7.2, 1.6)), "chart_no_binding", lang, "chart_shadow_title")
    names = [_wrap(cap_label(res, str(r.cap), str(r.where), lang), 46) for r in caps.itertuples()]
    ax = _axes(ax, (7.2, _height(names, 1, lang)))
    spans: list[tuple[float, float, bool]] = []
    for row in caps.itertuples():
        limit = float(row.limit)  # type: ignore[arg-type]
        lower, upper = float(row.range_lower), float(row.range_upper)  # type: ignore[arg-type]
        if limit > 0 and math.isfinite(lower):
            spans.append((max(0.0, 100 * lower / limit), 100 * upper / limit, math.isfinite(upper)))
        else:
            spans.append((math.nan, math.nan, True))
    known = [v for lo, hi, fin in spans for v in (lo, hi if fin else lo) if math.isfinite(v)]
    left = max(0.0, 10 * math.floor((min([*known, 100.0]) - 5) / 10))
    right = 10 * math.ceil((max([*known, 100.0]) + 8) / 10)
    for i, (lo, hi, finite) in enumerate(spans):
        if math.isfinite(lo):
            end = hi if finite else right
            ax.plot([lo, end], [i, i], color=_COLORS[0], lw=6, solid_capstyle="butt", alpha=0.55)
            if not finite:
                ax.annotate(
                    "", (right, i), (right - 2, i), arrowprops={"arrowstyle": "->", "lw": 1.2}
                )
        ax.plot([100], [i], marker="|", color="black", ms=13, mew=1.8)
    n = len(spans)
    ax.set_yticks(np.arange(n), names)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(left, right)
    prices = ax.twinx()
    prices.set_ylim(n - 0.5, -0.5)
    prices.set_yticks(
        np.arange(n),
        [
            i18n.quantity(
                float(r.shadow_price),  # type: ignore[arg-type]
                "USD/" + str(r.price_unit).split("/", 1)[1],
                lang,
            )
            for r in caps.itertuples()
        ],
    )
    prices.tick_params(axis="y", length=0)
    prices.spines["right"].set_visible(False)
    ax.set_xlabel(i18n.text("chart_shadow_x", lang))
    ax.set_title(i18n.text("chart_shadow_title", lang))
    _number_axis(ax, lang, "x")
    return ax
