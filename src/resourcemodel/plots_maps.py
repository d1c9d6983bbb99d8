"""Plants on a map of Isfahan province's counties, in English or Persian (offline).

The county layer ships with the package (``geodata/isfahan_counties.geojson``,
OpenStreetMap boundaries under the ODbL; every map credits them). Maps are drawn with
geopandas and matplotlib in UTM zone 39N (metres), so bubble areas and the scale bar are
true to the ground: no tile server, nothing downloaded.

A plant is drawn where ``plants.csv`` gives its ``lat``/``lon`` (results carry them as
``plant_lat``/``plant_lon``). Plants without a location (the sector aggregates, plants no
source places) are not drawn; each map says below it how much they account for, so a map
never hides what it leaves out.

Every function takes results, draws on ``ax`` (a new figure when ``None``) and returns
the Axes, like :mod:`resourcemodel.plots`; ``lang="fa"`` gives Persian titles, names,
digits and the vendored Vazirmatn font.

Examples
--------
>>> import resourcemodel as rm
>>> from resourcemodel import plots_maps
>>> layer = plots_maps.counties()
>>> len(layer), layer.crs.to_epsg()
(28, 4326)
>>> sorted(layer["county"])[:3]
['aran_and_bidgol', 'ardestan', 'borkhar']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from importlib import resources as _resources
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Wedge
from pyproj import Transformer

from resourcemodel import labels as i18n
from resourcemodel import plots, report

#: Projected CRS the maps are drawn in (UTM zone 39N, metres).
MAP_CRS = "EPSG:32639"
#: Credit every map drawn from the county layer carries (ODbL attribution).
ATTRIBUTION = {
    "en": "Boundaries © OpenStreetMap contributors (ODbL)",
    "fa": "مرزها: © مشارکت‌کنندگان OpenStreetMap (ODbL)",
}

#: Colours of sources by their order among the sources of the mapped resource.
SOURCE_COLORS = ("#1f77b4", "#8c564b", "#2ca02c", "#9467bd", "#17becf", "#ff7f0e", "#e377c2")
_LESS, _MORE = "#c0392b", "#2471a3"

_TEXT: dict[str, dict[str, str]] = {
    "water_title": {
        "en": "{resource} drawn by plant, {scope}",
        "fa": "{resource} برداشتی هر کارخانه، {scope}",
    },
    "year": {"en": "whole year", "fa": "کل سال"},
    "cap_title": {
        "en": "Who draws on the cap on {source}, {period}: {share} of it used",
        "fa": "برداشت از سقف {source}، {period}: {share} آن مصرف شده",
    },
    "cap_price": {
        "en": "one more {unit} would be worth {price} USD",
        "fa": "ارزش یک {unit} بیشتر: {price} دلار",
    },
    "cap_share": {"en": "share of the cap drawn by the plant (%)", "fa": "سهم کارخانه از سقف (٪)"},
    "project_title": {
        "en": "{project}: site and {resource} drawn by other plants against the baseline",
        "fa": "{project}: محل طرح و تغییر {resource} برداشتی دیگر کارخانه‌ها نسبت به پایه",
    },
    "project_title_alone": {
        "en": "{project}: site and {resource} drawn by plant",
        "fa": "{project}: محل طرح و {resource} برداشتی هر کارخانه",
    },
    "project_draws": {
        "en": "the project draws {amount}",
        "fa": "برداشت طرح: {amount}",
    },
    "less": {"en": "draws less than in the baseline", "fa": "برداشت کمتر از پایه"},
    "more": {"en": "draws more than in the baseline", "fa": "برداشت بیشتر از پایه"},
    "unchanged": {"en": "no plant's draw changes", "fa": "برداشت هیچ کارخانه‌ای تغییر نمی‌کند"},
    "site": {"en": "project site", "fa": "محل طرح"},
    "off_map": {
        "en": "Not on the map: {parts}.",
        "fa": "روی نقشه نیست: {parts}.",
    },
    "off_map_part": {
        "en": "{names} ({amount})",
        "fa": "{names} ({amount})",
    },
    "no_sites": {
        "en": "No plant of these results has a location (lat/lon in plants.csv).",
        "fa": "هیچ کارخانه‌ای در این نتایج موقعیت ندارد (lat/lon در plants.csv).",
    },
    "not_optimal": {
        "en": "No map: the scenario has no optimal solution.",
        "fa": "نقشه‌ای نیست: سناریو جواب بهینه ندارد.",
    },
    "nothing_drawn": {
        "en": "No plant draws {resource}.",
        "fa": "هیچ کارخانه‌ای {resource} برداشت نمی‌کند.",
    },
    "scale": {"en": "{km} km", "fa": "{km} کیلومتر"},
    "more_plants": {"en": "{n} more", "fa": "{n} مورد دیگر"},
    "brief_caption": {"en": "Map: {scenario}.", "fa": "نقشه: {scenario}."},
}


def _inline(name: str, lang: str) -> str:
    """Return a name for the middle of an English sentence (``Fresh water`` -> ``fresh water``)."""
    if lang == "en" and name[:1].isupper() and name[1:2].islower():
        return name[0].lower() + name[1:]
    return name


def _t(key: str, lang: str, **values: object) -> str:
    i18n.check_language(lang)
    template = _TEXT[key][lang]
    return template.format(**values) if values else template


def layer_path() -> Path:
    """Return the path of the shipped county layer (GeoJSON, WGS84)."""
    root = _resources.files("resourcemodel") / "geodata"
    return Path(str(root / "isfahan_counties.geojson"))


@functools.cache
def _counties() -> gpd.GeoDataFrame:
    return gpd.read_file(layer_path())


def counties() -> gpd.GeoDataFrame:
    """Return the counties of Isfahan province (a copy of the shipped layer, EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``county`` (label), ``name``, ``name_fa``, ``osm_relation``, ``wikidata``
        and ``geometry``.
    """
    return _counties().copy()


@functools.cache
def _to_map() -> Transformer:
    return Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)


def plant_sites(res: xr.Dataset, lang: str = "en") -> pd.DataFrame:
    """Return where each plant of the results is, in degrees and in map metres.

    Parameters
    ----------
    res : xarray.Dataset
        Results (or inputs) with ``plant_lat``/``plant_lon`` coordinates; without them no
        plant is located.
    lang : {"en", "fa"}
        Language of the ``name`` column.

    Returns
    -------
    pandas.DataFrame
        Indexed by plant: ``name``, ``lat``, ``lon``, ``x``, ``y`` (UTM 39N metres, NaN
        when not located), ``county`` and ``located``.
    """
    plants = [str(p) for p in res.plant.values]
    nan = np.full(len(plants), np.nan)
    lat = res["plant_lat"].values.astype(float) if "plant_lat" in res.coords else nan
    lon = res["plant_lon"].values.astype(float) if "plant_lon" in res.coords else nan
    county = (
        res["plant_county"].values.astype(str)
        if "plant_county" in res.coords
        else np.full(len(plants), "")
    )
    located = np.isfinite(lat) & np.isfinite(lon)
    x, y = _to_map().transform(np.where(located, lon, 0.0), np.where(located, lat, 0.0))
    return pd.DataFrame(
        {
            "name": [i18n.display_name(res, "plant", p, lang) for p in plants],
            "lat": lat,
            "lon": lon,
            "x": np.where(located, x, np.nan),
            "y": np.where(located, y, np.nan),
            "county": county,
            "located": located,
        },
        index=pd.Index(plants, name="plant"),
    )


def has_sites(res: xr.Dataset) -> bool:
    """Return whether at least one plant of ``res`` has a location."""
    return bool(plant_sites(res)["located"].any())


# -- drawing helpers ---------------------------------------------------------------------------
def _new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    new: Axes
    _, new = plt.subplots(figsize=(7.2, 6.0), layout="constrained")
    return new


def _base_map(ax: Axes, lang: str, xy: np.ndarray, pad: float) -> None:
    """Draw the counties, zoom on ``xy`` (map metres) with ``pad``, add an overview inset."""
    layer = _counties().to_crs(MAP_CRS)
    province = layer.union_all()
    layer.plot(ax=ax, facecolor="#f4f1ea", edgecolor="#9c9283", linewidth=0.5, zorder=0)
    gpd.GeoSeries([province], crs=MAP_CRS).boundary.plot(
        ax=ax, color="#4d463c", linewidth=1.1, zorder=1
    )
    px0, py0, px1, py1 = province.bounds
    if len(xy):
        x0, y0 = xy.min(axis=0) - pad
        x1, y1 = xy.max(axis=0) + pad
    else:
        x0, y0, x1, y1 = px0, py0, px1, py1
    # Keep a readable aspect: at least 0.75 as high as wide and vice versa.
    w, h = x1 - x0, y1 - y0
    if h < 0.75 * w:
        y0, y1 = (y0 + y1) / 2 - 0.375 * w, (y0 + y1) / 2 + 0.375 * w
    elif w < 0.75 * h:
        x0, x1 = (x0 + x1) / 2 - 0.375 * h, (x0 + x1) / 2 + 0.375 * h
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#9c9283")
    name_col = "name_fa" if lang == "fa" else "name"
    for _, row in layer.iterrows():
        p = row.geometry.representative_point()
        if x0 < p.x < x1 and y0 < p.y < y1:
            ax.text(
                p.x,
                p.y,
                str(row[name_col]),
                fontsize=6.5,
                color="#8a8070",
                ha="center",
                va="center",
                zorder=2,
                clip_on=True,
            )
    _scale_bar(ax, lang)
    zoomed = (x1 - x0) < 0.8 * (px1 - px0)
    if zoomed:
        inset = ax.inset_axes((0.0, 0.0, 0.26, 0.26))
        layer.plot(ax=inset, facecolor="#f4f1ea", edgecolor="#c9c1b4", linewidth=0.3)
        gpd.GeoSeries([province], crs=MAP_CRS).boundary.plot(
            ax=inset, color="#4d463c", linewidth=0.6
        )
        inset.add_patch(
            mpl.patches.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, color="black", lw=0.8)
        )
        inset.set_aspect("equal")
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_xlabel("")
        inset.set_ylabel("")
        for spine in inset.spines.values():
            spine.set_visible(True)
            spine.set_color("#9c9283")
        inset.patch.set_alpha(0.9)


def _scale_bar(ax: Axes, lang: str) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = (x1 - x0) / 5
    km = [k for k in (5, 10, 20, 25, 50, 100, 200) if k * 1000 <= span][-1:] or [5]
    length = km[0] * 1000
    xs = x1 - 0.04 * (x1 - x0) - length
    ys = y0 + 0.04 * (y1 - y0)
    ax.plot([xs, xs + length], [ys, ys], color="black", lw=2, solid_capstyle="butt", zorder=6)
    ax.text(
        xs + length / 2,
        ys + 0.012 * (y1 - y0),
        _t("scale", lang, km=i18n.number(km[0], lang)),
        ha="center",
        va="bottom",
        fontsize=7,
        zorder=6,
    )


def _footer(ax: Axes, lang: str, parts: Sequence[str]) -> None:
    lines = []
    if parts:
        lines.append(_t("off_map", lang, parts="; ".join(parts)))
    lines.append(ATTRIBUTION[lang])
    # Wrap to the width of the axes (about 3.4 pt per character at 6.8 pt).
    fig = ax.get_figure(root=True)
    inches = (fig.get_size_inches()[0] if fig is not None else 7.2) * ax.get_position().width
    width = max(40, int(inches * 72 / 3.4))
    ax.annotate(
        "\n".join(plots._wrap(line, width) for line in lines),
        (0.0, -0.01),
        xycoords="axes fraction",
        va="top",
        ha="left",
        fontsize=6.8,
        color="#555555",
        gid="map-footer",
    )


def _rmax(ax: Axes) -> float:
    """Radius (map metres) of the largest bubble: 6% of the map's width."""
    x0, x1 = ax.get_xlim()
    return 0.06 * (x1 - x0)


def _radii(values: np.ndarray, rmax: float, vmax: float) -> np.ndarray:
    """Bubble radii (map metres): area proportional to value, ``rmax`` for ``vmax``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return rmax * np.sqrt(np.clip(values, 0, None) / vmax)


def _place(ax: Axes, sites: pd.DataFrame, radii: pd.Series) -> pd.DataFrame:
    """Return bubble centres pushed apart where bubbles would overlap.

    Plants a few km apart (ESCO and Saba) would hide each other. Overlapping bubbles are
    moved apart (no more than needed); a dot marks each true site and a thin line joins
    it to its bubble, so the map still shows where each plant is.
    """
    xy = sites[["x", "y"]].to_numpy(dtype=float).copy()
    r = radii.reindex(sites.index).fillna(0.0).to_numpy(dtype=float)
    gap = 0.004 * float(np.diff(ax.get_xlim())[0])
    for _ in range(200):
        moved = False
        for i in range(len(xy)):
            for j in range(i + 1, len(xy)):
                if r[i] <= 0 or r[j] <= 0:
                    continue
                d = xy[j] - xy[i]
                dist = float(np.hypot(*d))
                need = r[i] + r[j] + gap
                if dist >= need:
                    continue
                u = d / dist if dist > 1e-9 else np.array([1.0, 0.0])
                shift = (need - dist) / 2 + 1e-6
                xy[i] -= u * shift
                xy[j] += u * shift
                moved = True
        if not moved:
            break
    out = sites.copy()
    out["cx"], out["cy"] = xy[:, 0], xy[:, 1]
    shifted = np.hypot(out["cx"] - out["x"], out["cy"] - out["y"]) > 1.0
    for plant in out.index[shifted]:
        row = out.loc[plant]
        ax.plot([row.x, row.cx], [row.y, row.cy], color="#555555", lw=0.6, zorder=5)
    ax.scatter(out["x"], out["y"], s=5, color="#222222", zorder=6)
    return out


def _nice(value: float) -> float:
    """Round ``value`` down to 1, 2 or 5 times a power of ten."""
    if not value > 0:
        return 0.0
    p = 10 ** math.floor(math.log10(value))
    return max(m * p for m in (1, 2, 5) if m * p <= value)


def _size_legend(ax: Axes, vmax: float, rmax: float, unit: str, lang: str) -> None:
    """Draw reference circles in the top-left corner, labelled in planner units."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    big = _nice(vmax)
    refs = [v for v in (big, _nice(big / 4)) if v > 0]
    r_big = float(_radii(np.array([big]), rmax, vmax)[0])
    cx = x0 + 0.03 * (x1 - x0) + r_big
    top = y1 - 0.03 * (y1 - y0)
    for v in dict.fromkeys(refs):
        r = float(_radii(np.array([v]), rmax, vmax)[0])
        ax.add_patch(Circle((cx, top - r_big * 2 + r), r, fill=False, color="#333333", lw=0.7))
        ax.text(
            cx + r_big + 0.01 * (x1 - x0),
            top - r_big * 2 + 2 * r,
            f"{i18n.number(v, lang)} {i18n.unit_name(unit, lang)}",
            fontsize=6.8,
            va="center",
        )


def _centre(frame: pd.DataFrame, plant: object) -> tuple[float, float]:
    """Return the bubble centre of ``plant`` (after :func:`_place`), in map metres."""
    cx, cy = frame[["cx", "cy"]].to_numpy(dtype=float)[frame.index.get_loc(plant)]
    return float(cx), float(cy)


def _labels(ax: Axes, sites: pd.DataFrame, radii: pd.Series) -> None:
    """Name each drawn plant to the right of its bubble, nudging labels apart."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    step = 0.035 * (y1 - y0)
    placed: list[tuple[float, float]] = []
    order = sites.sort_values("cy", ascending=False).index
    for plant in order:
        row = sites.loc[plant]
        lx = row.cx + float(radii.get(plant, 0.0)) + 0.01 * (x1 - x0)
        ly = row.cy
        while any(abs(ly - py) < step and abs(lx - px) < 0.3 * (x1 - x0) for px, py in placed):
            ly -= step
        placed.append((lx, ly))
        ax.annotate(
            plots._wrap(str(row["name"]), 26),
            (row.cx + float(radii.get(plant, 0.0)), row.cy),
            xytext=(lx, ly),
            textcoords="data",
            fontsize=7,
            va="center",
            ha="left",
            zorder=7,
            arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5}
            if abs(ly - row.cy) > 1
            else None,
        )


def _draw_pies(
    ax: Axes, sites: pd.DataFrame, by_source: pd.DataFrame, radii: pd.Series, colors: dict
) -> None:
    """Draw one pie per plant: wedges by source, area = total."""
    for plant in radii.sort_values(ascending=False).index:
        r = float(radii[plant])
        if not r > 0:
            continue
        row = by_source.loc[plant]
        total = float(row.sum())
        start = 90.0
        for source, value in row.items():
            if value <= 0:
                continue
            sweep = 360.0 * value / total
            ax.add_patch(
                Wedge(
                    _centre(sites, plant),
                    r,
                    start,
                    start + sweep,
                    facecolor=colors[source],
                    edgecolor="white",
                    lw=0.4,
                    alpha=0.9,
                    zorder=4,
                )
            )
            start += sweep


def _optimal(res: xr.Dataset) -> bool:
    return str(res.attrs.get("status", "optimal")) == "optimal"


def _message(ax: Axes, text: str) -> Axes:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _sources_of(res: xr.Dataset, resource: str) -> list[str]:
    if resource not in res.resource.values:
        msg = (
            f"The results have no resource {resource!r}; resources: "
            f"{', '.join(map(str, res.resource.values))}."
        )
        raise ValueError(msg)
    return [str(s) for s in res.source.values[res["source_resource"].values == resource]]


def drawn_by_plant(
    res: xr.Dataset, resource: str = "water", period: str | None = None
) -> pd.DataFrame:
    """Return how much of ``resource`` each plant draws from each source (canonical unit).

    Parameters
    ----------
    res : xarray.Dataset
        Results of one scenario.
    resource : str
        Resource label.
    period : str, optional
        One period; the sum over all periods when ``None``.

    Returns
    -------
    pandas.DataFrame
        Plants x sources of that resource, zeros where not drawn or not connected.
    """
    sources = _sources_of(res, resource)
    supply = res["supply"].sel(source=sources).fillna(0.0)
    supply = supply.sel(period=period) if period is not None else supply.sum("period")
    frame = supply.transpose("plant", "source").to_pandas()
    assert isinstance(frame, pd.DataFrame)
    return frame.astype(float)


def _off_map(
    sites: pd.DataFrame, totals: pd.Series, factor: float, unit: str, lang: str
) -> list[str]:
    """Describe what the unlocated plants account for: aggregates and unplaced plants."""
    missing = totals[~sites["located"].reindex(totals.index, fill_value=False)]
    missing = missing[missing > 0]
    if missing.empty:
        return []
    names = sites.loc[missing.index, "name"].tolist()
    more = _t("more_plants", lang, n=i18n.number(len(names) - 3, lang))
    shown = names if len(names) <= 4 else [*names[:3], more]
    amount = f"{i18n.number(float(missing.sum()) * factor, lang)} {i18n.unit_name(unit, lang)}"
    return [_t("off_map_part", lang, names=i18n.join(shown, lang), amount=amount)]


# -- the maps ------------------------------------------------------------------------------------
def water_map(
    results: xr.Dataset,
    *,
    resource: str = "water",
    period: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Map how much of a resource each plant draws, by source.

    One pie per located plant: its area is proportional to the volume drawn, its wedges
    are the sources (river, groundwater, reclaimed wastewater, desalinated water...).
    What plants without a location draw is stated below the map.

    Parameters
    ----------
    results : xarray.Dataset
        Results of one scenario.
    resource : str
        Resource mapped (``water`` by default; any resource of the results works).
    period : str, optional
        One period (e.g. ``"shahrivar"``); the whole year when ``None``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes
    """
    with plots.language(lang):
        return _water_map(results, resource, period, ax, lang)


def _water_map(
    res: xr.Dataset, resource: str, period: str | None, ax: Axes | None, lang: str
) -> Axes:
    ax = _new_axes(ax)
    if not _optimal(res):
        return _message(ax, _t("not_optimal", lang))
    sites = plant_sites(res, lang)
    if not sites["located"].any():
        return _message(ax, _t("no_sites", lang))
    drawn = drawn_by_plant(res, resource, period)
    totals = drawn.sum(axis=1)
    rname = i18n.display_name(res, "resource", resource, lang)
    if not (totals > 0).any():
        return _message(ax, _t("nothing_drawn", lang, resource=rname))
    unit = str(res["resource_unit"].sel(resource=resource).item())
    located = sites[sites["located"]]
    shown = totals.reindex(located.index).fillna(0.0)
    vmax = float(shown.max()) if (shown > 0).any() else float(totals.max())
    disp, factor = report.planner_unit(unit, vmax)
    xy = located[["x", "y"]].to_numpy()
    _base_map(ax, lang, xy, 30_000.0)
    rmax = _rmax(ax)
    radii = pd.Series(_radii(shown.to_numpy(), rmax, vmax), index=shown.index)
    located = _place(ax, located, radii)
    colors = {s: SOURCE_COLORS[i % len(SOURCE_COLORS)] for i, s in enumerate(drawn.columns)}
    _draw_pies(ax, located, drawn.loc[located.index], radii, colors)
    _labels(ax, located, radii)
    _size_legend(ax, vmax * factor, rmax, disp, lang)
    used = [s for s in drawn.columns if drawn[s].sum() > 0]
    handles = [
        Patch(facecolor=colors[s], label=plots._wrap(i18n.display_name(res, "source", s, lang), 30))
        for s in used
    ]
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.85, frameon=True)
    scope = (
        i18n.display_name(res, "period", period, lang) if period is not None else _t("year", lang)
    )
    ax.set_title(_t("water_title", lang, resource=rname, scope=scope))
    _footer(ax, lang, _off_map(sites, totals, factor, disp, lang))
    return ax


def _default_cap(res: xr.Dataset, resource: str | None) -> tuple[str, str]:
    """Return the ``(source, period)`` cap a cap map shows by default.

    Water caps first, then energy, then materials; among them binding caps first, by
    shadow price, then the fullest.
    """
    limit = res["source_cap_limit"].transpose("source", "period").values.astype(float)
    use = res["source_cap_use"].transpose("source", "period").values.astype(float)
    price = res["source_cap_shadow_price"].transpose("source", "period").fillna(0.0).values
    capped = np.isfinite(limit) & (limit > 0)
    resources = res["source_resource"].values.astype(str)
    if resource is not None:
        capped &= (resources == resource)[:, None]
    if not capped.any():
        msg = "The results have no source cap per period to map" + (
            f" for resource {resource!r}." if resource else "."
        )
        raise ValueError(msg)
    rank = {"water": 0, "energy": 1, "material": 2}
    group = res["resource_group"].sel(resource=resources).values.astype(str)
    first = np.array([rank.get(g, 9) for g in group], dtype=float)[:, None]
    share = np.where(capped, use / np.where(capped, limit, 1.0), -np.inf)
    binding = share > 1 - 1e-6
    # np.lexsort sorts by the last key first; the best cap is the last in that order.
    keys = [share, price, binding, -first, capped]
    best = np.lexsort([np.broadcast_to(k, limit.shape).ravel() for k in keys])[-1]
    i, j = np.unravel_index(best, limit.shape)
    return str(res.source.values[i]), str(res.period.values[j])


def cap_map(
    results: xr.Dataset,
    *,
    source: str | None = None,
    period: str | None = None,
    resource: str | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Map who draws on one source cap in one period, and how full the cap is.

    Each located plant drawing on the source is a bubble whose area is its draw in that
    period; its colour is its share of the cap. The title gives the share of the cap used
    and, when the cap binds, what one more unit is worth (its shadow price).

    Parameters
    ----------
    results : xarray.Dataset
        Results of one scenario.
    source, period : str, optional
        The cap (a source with a cap per period). By default the binding water cap with
        the highest shadow price (else the fullest cap; energy, then materials when no
        water source is capped).
    resource : str, optional
        Limit the default choice to the caps of one resource.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the source has no cap in that period, or the results have no cap per period.
    """
    with plots.language(lang):
        return _cap_map(results, source, period, resource, ax, lang)


def _cap_map(
    res: xr.Dataset,
    source: str | None,
    period: str | None,
    resource: str | None,
    ax: Axes | None,
    lang: str,
) -> Axes:
    ax = _new_axes(ax)
    if not _optimal(res):
        return _message(ax, _t("not_optimal", lang))
    sites = plant_sites(res, lang)
    if not sites["located"].any():
        return _message(ax, _t("no_sites", lang))
    if source is None or period is None:
        default_source, default_period = _default_cap(res, resource)
        source = source or default_source
        period = period or default_period
    for dim, label in (("source", source), ("period", period)):
        if label not in res[dim].values:
            known = ", ".join(map(str, res[dim].values))
            msg = f"No {dim} {label!r}; {dim}s: {known}."
            raise ValueError(msg)
    lim = float(res["source_cap_limit"].sel(source=source, period=period))
    if not (math.isfinite(lim) and lim > 0):
        msg = f"Source {source!r} has no cap in period {period!r}; pick a capped source and period."
        raise ValueError(msg)
    drawn = pd.Series(
        res["supply"].sel(source=source, period=period).fillna(0.0).values.astype(float),
        index=pd.Index(res.plant.values.astype(str), name="plant"),
    )
    use = float(res["source_cap_use"].sel(source=source, period=period))
    r = str(res["source_resource"].sel(source=source).item())
    unit = str(res["resource_unit"].sel(resource=r).item())
    disp, factor = report.planner_unit(unit, lim)
    located = sites[sites["located"]]
    shown = drawn.reindex(located.index).fillna(0.0)
    vmax = float(shown.max()) if (shown > 0).any() else lim
    _base_map(ax, lang, located[["x", "y"]].to_numpy(), 30_000.0)
    rmax = _rmax(ax)
    radii = pd.Series(_radii(shown.to_numpy(), rmax, vmax), index=shown.index)
    located = _place(ax, located, radii)
    cmap = mpl.colormaps["YlOrRd"]
    norm = mpl.colors.Normalize(0, max(100.0 * float(shown.max()) / lim, 1.0))
    for plant in radii.sort_values(ascending=False).index:
        if not radii[plant] > 0:
            continue
        ax.add_patch(
            Circle(
                _centre(located, plant),
                float(radii[plant]),
                facecolor=cmap(norm(100.0 * shown[plant] / lim)),
                edgecolor="#333333",
                lw=0.5,
                alpha=0.9,
                zorder=4,
            )
        )
    _labels(ax, located, radii)
    _size_legend(ax, vmax * factor, rmax, disp, lang)
    bar = ax.figure.colorbar(
        mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.01
    )
    bar.set_label(_t("cap_share", lang), fontsize=7)
    bar.ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _p: i18n.number(v, lang)))
    title = _t(
        "cap_title",
        lang,
        source=i18n.display_name(res, "source", source, lang),
        period=i18n.display_name(res, "period", period, lang),
        share=i18n.percent(use / lim, lang),
    )
    price = float(res["source_cap_shadow_price"].sel(source=source, period=period))
    if bool(res["source_cap_binding"].sel(source=source, period=period)) and price > 0:
        title += ("؛ " if lang == "fa" else "; ") + _t(
            "cap_price", lang, unit=i18n.unit_name(unit, lang), price=i18n.number(price, lang)
        )
    ax.set_title(plots._wrap(title, 80))
    _footer(ax, lang, _off_map(sites, drawn, factor, disp, lang))
    return ax


def project_map(
    results: xr.Dataset,
    plant: str,
    *,
    baseline: xr.Dataset | None = None,
    site: tuple[float, float] | None = None,
    resource: str = "water",
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Map a new project's site and how the other plants' draws change around it.

    The project is a star at its site. With a ``baseline``, each other located plant is a
    bubble whose area is the change in what it draws of ``resource`` (red: less than in
    the baseline, pushed out by the project; blue: more); without one, what it draws.

    Parameters
    ----------
    results : xarray.Dataset
        Results of the scenario with the project.
    plant : str
        The project's plant label.
    baseline : xarray.Dataset, optional
        Results without the project.
    site : (float, float), optional
        The project's ``(lat, lon)`` in WGS84 degrees; by default its ``lat``/``lon`` in
        ``plants.csv``.
    resource : str
        Resource compared (``water`` by default).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when ``None``.
    lang : {"en", "fa"}
        Language of labels and digits.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``plant`` is not in the results, or has no site and none is given.
    """
    with plots.language(lang):
        return _project_map(results, plant, baseline, site, resource, ax, lang)


def _project_map(
    res: xr.Dataset,
    plant: str,
    baseline: xr.Dataset | None,
    site: tuple[float, float] | None,
    resource: str,
    ax: Axes | None,
    lang: str,
) -> Axes:
    if plant not in res.plant.values:
        msg = f"No plant {plant!r} in the results; plants: {', '.join(map(str, res.plant.values))}."
        raise ValueError(msg)
    sites = plant_sites(res, lang)
    if site is None:
        if not sites.at[plant, "located"]:
            msg = (
                f"Plant {plant!r} has no lat/lon in plants.csv; pass site=(lat, lon) "
                "(WGS84 degrees) to mark the project's site."
            )
            raise ValueError(msg)
        site = (float(sites.at[plant, "lat"]), float(sites.at[plant, "lon"]))  # type: ignore[arg-type]
    lat, lon = site
    if not (abs(lat) <= 90 and abs(lon) <= 180):
        msg = f"site {site!r} is not (lat, lon) in WGS84 degrees."
        raise ValueError(msg)
    sx, sy = _to_map().transform(lon, lat)
    sites.loc[plant, ["lat", "lon", "x", "y", "located"]] = [lat, lon, sx, sy, True]
    ax = _new_axes(ax)
    comparable = baseline is not None
    if not _optimal(res) or (comparable and not _optimal(baseline)):  # type: ignore[arg-type]
        return _message(ax, _t("not_optimal", lang))
    drawn = drawn_by_plant(res, resource).sum(axis=1)
    unit = str(res["resource_unit"].sel(resource=resource).item())
    project_name = str(sites.at[plant, "name"])
    rname = i18n.display_name(res, "resource", resource, lang)
    if comparable:
        before = drawn_by_plant(baseline, resource).sum(axis=1)  # type: ignore[arg-type]
        change = drawn.sub(before, fill_value=0.0).drop(plant, errors="ignore")
    else:
        change = drawn.drop(plant, errors="ignore")
    located = sites[sites["located"]]
    others = located.drop(plant)
    shown = change.reindex(others.index).fillna(0.0)
    tol = 1e-6 * max(float(drawn.abs().max()), 1.0)
    shown = shown.where(shown.abs() > tol, 0.0)
    own = float(drawn.get(plant, 0.0))
    vmax = float(shown.abs().max()) if (shown != 0).any() else max(own, 1.0)
    disp, factor = report.planner_unit(unit, max(vmax, own))
    _base_map(ax, lang, located[["x", "y"]].to_numpy(), 30_000.0)
    rmax = _rmax(ax)
    radii = pd.Series(_radii(shown.abs().to_numpy(), rmax, vmax), index=shown.index)
    placed = _place(ax, located, radii.reindex(located.index).fillna(0.0))
    others = placed.drop(plant)
    for p in radii.sort_values(ascending=False).index:
        if not radii[p] > 0:
            continue
        color = (_LESS if shown[p] < 0 else _MORE) if comparable else "#7f8c8d"
        ax.add_patch(
            Circle(
                _centre(others, p),
                float(radii[p]),
                facecolor=color,
                edgecolor="white",
                lw=0.5,
                alpha=0.75,
                zorder=4,
            )
        )
    ax.scatter([sx], [sy], marker="*", s=260, color="#f1c40f", edgecolor="black", lw=0.8, zorder=8)
    _labels(ax, placed, radii.reindex(located.index).fillna(0.0))
    if (shown != 0).any():
        _size_legend(ax, vmax * factor, rmax, disp, lang)
    handles: list[Artist] = [
        Line2D([], [], marker="*", ls="", ms=12, mfc="#f1c40f", mec="black", label=_t("site", lang))
    ]
    if comparable:
        if (shown < 0).any():
            handles.append(Patch(facecolor=_LESS, alpha=0.75, label=_t("less", lang)))
        if (shown > 0).any():
            handles.append(Patch(facecolor=_MORE, alpha=0.75, label=_t("more", lang)))
        if not (shown != 0).any():
            handles.append(Patch(facecolor="none", edgecolor="none", label=_t("unchanged", lang)))
    ax.legend(handles=handles, loc="upper right", fontsize=7, framealpha=0.85, frameon=True)
    key = "project_title" if comparable else "project_title_alone"
    title = _t(key, lang, project=project_name, resource=_inline(rname, lang))
    amount = f"{i18n.number(own * factor, lang)} {i18n.unit_name(disp, lang)}"
    ax.set_title(plots._wrap(f"{title}; {_t('project_draws', lang, amount=amount)}", 80))
    off = change.abs().reindex(sites.index).fillna(0.0)
    _footer(ax, lang, _off_map(sites, off, factor, disp, lang))
    return ax


#: Size of a map in a brief (inches): the page's text width, shorter than a map alone.
BRIEF_MAP_SIZE = (7.2, 2.6)


def brief_maps(
    items: Sequence[xr.Dataset], lang: str
) -> list[tuple[str, Callable[[], tuple[Figure, str]]]]:
    """Return the map a brief shows, as ``(name, job)`` like the chart jobs of a brief.

    ``job()`` draws a new figure and returns it with its caption, as the jobs of
    :func:`resourcemodel.brief.charts.make_charts` do. One map at most, so a comparison of
    four scenarios keeps to four pages:

    * a scenario that adds a located plant (a permit, a new project) gets the project map
      (:func:`project_map`) against the baseline: its site and who draws less water; a
      new plant without a site gets the water map of its scenario (which states below
      the map what the plants it cannot place draw);
    * a single scenario gets the water each plant draws (:func:`water_map`);
    * a comparison without a new plant gets no map: its water chart compares the
      scenarios already, and a comparison of four fills its four pages without one.

    The caption names the scenario mapped and carries the ODbL credit of the county
    layer (also printed on the map). No map when the results have no water, or no plant
    of the first optimal results has a location.

    Parameters
    ----------
    items : sequence of xarray.Dataset
        Results; the first is the baseline of a comparison.
    lang : {"en", "fa"}
        Language of the maps.

    Returns
    -------
    list of tuple
        ``[]`` or one ``(name, job)``.
    """
    optimal = [r for r in items if _optimal(r)]
    if not optimal or not has_sites(optimal[0]) or "water" not in optimal[0].resource.values:
        return []
    base = optimal[0]
    for res in optimal[1:]:
        sites = plant_sites(res)
        for plant in res.plant.values:
            if plant in base.plant.values:
                continue
            if bool(sites.at[str(plant), "located"]):
                return [(f"{plant}_site_map", _brief_job(res, str(plant), base, lang))]
            # A project without a site: the water map of its scenario says what it draws.
            return [("water_map", _brief_job(res, None, None, lang))]
    if len(items) > 1:
        # A comparison without a new plant: its water chart already compares the
        # scenarios, and four of them fill four pages without a map.
        return []
    return [("water_map", _brief_job(base, None, None, lang))]


def _brief_job(
    res: xr.Dataset, plant: str | None, baseline: xr.Dataset | None, lang: str
) -> Callable[[], tuple[Figure, str]]:
    def job() -> tuple[Figure, str]:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=BRIEF_MAP_SIZE, layout="constrained")
        if plant is None:
            water_map(res, ax=ax, lang=lang)
        else:
            project_map(res, plant, baseline=baseline, ax=ax, lang=lang)
        _legend_beside(ax, lang)
        name = i18n.scenario_name(res, lang)
        return fig, f"{_t('brief_caption', lang, scenario=name)} {ATTRIBUTION[lang]}."

    return job


def _legend_beside(ax: Axes, lang: str) -> None:
    """Move a map's legend and footer beside it (right, or left in Persian), off the plants.

    A brief's map is wider than the province is high: the legend and the note on what
    is not on the map, with the ODbL credit, go in the spare width, so the map keeps the
    height of the figure and hides no plant.
    """
    right = lang != "fa"
    x = 1.03 if right else -0.03
    legend = ax.get_legend()
    if legend is not None:
        pairs = [
            (h, t.get_text())
            for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
            if h is not None
        ]
        handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
        legend.remove()
        ax.legend(
            handles,
            labels,
            loc="upper left" if right else "upper right",
            bbox_to_anchor=(x, 1.0),
            fontsize=7,
            frameon=False,
        )
    for note in ax.texts:
        if note.get_gid() == "map-footer":
            lines = note.get_text().replace("\n", " ").split(ATTRIBUTION[lang])
            text = "\n".join(plots._wrap(part.strip(), 52) for part in lines if part.strip())
            note.set_text(f"{text}\n{ATTRIBUTION[lang]}" if text else ATTRIBUTION[lang])
            note.xy = note.xyann = (x, 0.0)  # type: ignore[attr-defined]
            note.set_verticalalignment("bottom")
            note.set_horizontalalignment("left" if right else "right")
