"""The charts of a brief, drawn by :mod:`resourcemodel.plots` as inline SVG or PNG.

SVG text is converted to paths, so a chart needs no font on the reader's machine; the
markup is stripped of its XML prologue and namespace URLs so the HTML page references
nothing outside itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

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
    import matplotlib.pyplot as plt

    optimal = [r for r in items if is_optimal(r)]
    if not optimal:
        return []
    comparison = len(items) > 1
    jobs: list[tuple[str, Callable[..., object], str]] = []
    subject: plots.Results
    if comparison:
        subject = optimal
    else:
        subject = items[0]
        jobs.append(("cap_use", lambda ax: plots.cap_use(subject, ax=ax, lang=lang), ""))
    resource = chart_resource(optimal[0])
    if resource is not None:
        jobs.append(
            (
                f"{resource}_use",
                lambda ax: plots.resource_use(subject, resource=resource, ax=ax, lang=lang),
                "",
            )
        )
    jobs.append(
        (
            "output_by_plant",
            lambda ax: plots.output_by_plant(subject, ax=ax, lang=lang),
            other_outputs(optimal, lang),
        )
    )
    if any(r.sizes.get("measure", 0) for r in optimal):
        jobs.append(("measures", lambda ax: plots.measures_adopted(subject, ax=ax, lang=lang), ""))
    if not comparison:
        jobs.append(
            (
                "shadow_prices",
                lambda ax: plots.shadow_prices(subject, ax=ax, lang=lang),
                "",
            )
        )
    charts = []
    with plots.language(lang):
        for name, draw, caption in jobs:
            axes = draw(None)
            fig = axes.figure  # type: ignore[attr-defined]
            title = axes.get_title()  # type: ignore[attr-defined]
            try:
                chart = Chart(_safe(name), title, caption)
                if kind == "svg":
                    chart.svg = _svg(fig, title)
                else:
                    chart.png = _png(fig)
            finally:
                plt.close(fig)
            charts.append(chart)
    return charts


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "chart"
