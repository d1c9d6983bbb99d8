"""The charts of a brief, drawn by :mod:`resourcemodel.plots` as inline SVG or PNG.

SVG text is converted to paths, so a chart needs no font on the reader's machine; the
markup is stripped of its XML prologue and namespace URLs so the HTML page references
nothing outside itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib as mpl
import xarray as xr

from resourcemodel import plots
from resourcemodel.brief.content import is_optimal, other_outputs

_PNG_DPI = 200


@dataclass
class Chart:
    """One chart: a file-friendly name, a caption and its SVG markup or PNG bytes."""

    name: str
    title: str
    caption: str
    svg: str = ""
    png: bytes = b""
    #: Every text drawn on the chart (titles, ticks, legend), for language checks.
    texts: list[str] = field(default_factory=list)


def chart_resource(res: xr.Dataset) -> str | None:
    """Return the resource charted by period: water if present, else an energy one."""
    for group in ("water", "energy"):
        for resource in res.resource.values:
            if str(res["resource_group"].sel(resource=resource).item()) == group:
                return str(resource)
    return None


def _svg(fig: mpl.figure.Figure, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(
        buf,
        format="svg",
        metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
    )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    svg = re.sub(
        r'<svg\s+width="([\d.]+)pt"\s+height="([\d.]+)pt"',
        lambda m: f'<svg role="img" aria-label="{_attr(title)}" width="{m[1]}pt" height="{m[2]}pt"',
        svg,
        count=1,
    )
    return svg


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _texts(fig: mpl.figure.Figure) -> list[str]:
    """Visible text of a drawn figure (after savefig, so tick labels are formatted)."""
    from matplotlib.text import Text

    return [
        t.get_text()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and _shown_on(t, fig)
    ]


def _shown_on(t: object, fig: mpl.figure.Figure) -> bool:
    axes = getattr(t, "axes", None)
    return axes is None or axes.get_visible()


def _png(fig: mpl.figure.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_PNG_DPI)
    return buf.getvalue()


def make_charts(items: list[xr.Dataset], lang: str, kind: str = "svg") -> list[Chart]:
    """Draw the brief's charts for one scenario or a comparison.

    Parameters
    ----------
    items : list of xarray.Dataset
        Results; the first is the baseline of a comparison.
    lang : {"en", "fa"}
        Language of the charts.
    kind : {"svg", "png"}
        Output kind (SVG for HTML/PDF, PNG for Markdown and DOCX).

    Returns
    -------
    list of Chart
    """
    from resourcemodel.brief import drawings
    from resourcemodel.labels import number, text

    optimal = [r for r in items if is_optimal(r)]
    if not optimal:
        return []
    comparison = len(items) > 1
    # Each job draws one figure and returns it with its caption.
    jobs: list[tuple[str, Callable[[], tuple[mpl.figure.Figure, str]]]] = []
    subject: plots.Results = optimal if comparison else items[0]

    def axes_job(draw: Callable[[], object], caption: str = "") -> Callable[[], tuple]:
        def job() -> tuple[mpl.figure.Figure, str]:
            ax = draw()
            _short_periods(ax, optimal[0], lang)
            return ax.figure, caption  # type: ignore[attr-defined]

        return job

    if comparison:
        jobs.append(("headline", lambda: (drawings.headline(items, lang), "")))
    else:
        jobs.append(("cap_use", axes_job(lambda: plots.cap_use(subject, ax=None, lang=lang))))
    resource = chart_resource(optimal[0])
    if resource is not None:
        if str(optimal[0]["resource_group"].sel(resource=resource).item()) == "water":
            jobs.append((f"{resource}_use", lambda: (drawings.water(items, resource, lang), "")))
        else:
            jobs.append(
                (
                    f"{resource}_use",
                    axes_job(
                        lambda: plots.resource_use(subject, resource=resource, ax=None, lang=lang)
                    ),
                )
            )
    # A map of who draws the water where (or a new project's site), with its ODbL credit.
    from resourcemodel import plots_maps

    jobs += plots_maps.brief_maps(items, lang)
    if not comparison:
        jobs.append(
            (
                "output_by_plant",
                axes_job(
                    lambda: plots.output_by_plant(subject, ax=None, lang=lang),
                    other_outputs(optimal, lang),
                ),
            )
        )
    if any(r.sizes.get("measure", 0) for r in optimal) and drawings.measure_costs(items)[0]:

        def measures() -> tuple[mpl.figure.Figure, str]:
            fig, more = drawings.measures(items, lang)
            note = text("measures_more", lang, n=number(more, lang)) if more else ""
            return fig, note

        jobs.append(("measures", measures))
    if not comparison:
        jobs.append(
            ("shadow_prices", axes_job(lambda: plots.shadow_prices(subject, ax=None, lang=lang)))
        )
    charts = []
    with plots.language(lang):
        for name, draw in jobs:
            fig, caption = draw()
            charts.append(to_chart(fig, name, caption, kind))
    return charts


def _short_periods(ax: object, res: xr.Dataset, lang: str) -> None:
    """Name periods on a chart's time axis shortly (``Tir``, not ``Tir (Jun-Jul)``).

    Twelve full names side by side overlap; charts drawn by :mod:`resourcemodel.plots`
    label periods by their full names, so the brief shortens them after drawing.
    """
    from resourcemodel.brief.drawings import _periods
    from resourcemodel.labels import display_name

    full = [display_name(res, "period", str(p), lang) for p in res.period.values]
    ticks = ax.get_xticklabels()  # type: ignore[attr-defined]
    if len(full) < 4 or [t.get_text() for t in ticks] != full:
        return
    ax.set_xticks(ax.get_xticks(), _periods(res, lang), fontsize=6.5)  # type: ignore[attr-defined]


def to_chart(fig: mpl.figure.Figure, name: str, caption: str, kind: str) -> Chart:
    """Turn a drawn figure into a :class:`Chart` (SVG or PNG) and close it."""
    import matplotlib.pyplot as plt

    title = fig.get_suptitle()
    if not title and fig.axes:
        title = fig.axes[0].get_title()
    try:
        chart = Chart(_safe(name), title, caption)
        if kind == "svg":
            chart.svg = _svg(fig, title)
        elif kind == "png":
            chart.png = _png(fig)
        else:
            msg = f"chart kind {kind!r}: use 'svg' or 'png'"
            raise ValueError(msg)
        chart.texts = _texts(fig)
    finally:
        plt.close(fig)
    return chart


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "chart"
