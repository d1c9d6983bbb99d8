"""Caveats from the data's confidence labels: which key figures rest on assumptions.

The results carry the provenance of every input row (``attrs["provenance"]``: a JSON list
of ``[parameter, labels, reference, confidence, note]``; a label may be ``*``). For each
key figure this module finds the input rows it rests on and says how much of it depends
on numbers that are only estimates or assumptions.
"""

from __future__ import annotations

import fnmatch
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import xarray as xr

from resourcemodel import report
from resourcemodel.labels import display_name, join, number, percent, text

#: Confidence labels that make a figure uncertain.
WEAK = ("estimate", "assumption")
#: Names listed in one caveat before "N more".
MAX_NAMES = 2


@dataclass(frozen=True)
class Record:
    """One provenance row: a parameter's labels (``*`` = every label) and its confidence."""

    parameter: str
    labels: dict[str, str]
    reference: str
    confidence: str
    note: str

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether this row gives the value of the element with ``labels``."""
        return all(
            dim not in labels or fnmatch.fnmatchcase(labels[dim], str(pattern))
            for dim, pattern in self.labels.items()
        )

    @property
    def specificity(self) -> int:
        """How many dimensions the row names explicitly (more specific rows win)."""
        return sum(1 for v in self.labels.values() if str(v) != "*")


def records(res: xr.Dataset) -> list[Record]:
    """Parse the provenance run-card entry of results."""
    raw = res.attrs.get("provenance", "[]")
    rows = json.loads(raw) if isinstance(raw, str) else raw
    out = []
    for row in rows or []:
        parameter, labels, reference, confidence, note = (list(row) + [""] * 5)[:5]
        out.append(
            Record(
                str(parameter),
                {str(k): str(v) for k, v in dict(labels or {}).items()},
                str(reference),
                str(confidence),
                str(note),
            )
        )
    return out


class Provenance:
    """Look up the confidence of any parameter element of one results Dataset."""

    def __init__(self, rows: list[Record]) -> None:
        self.rows = rows
        self._by_parameter: dict[str, list[Record]] = {}
        for row in rows:
            self._by_parameter.setdefault(row.parameter, []).append(row)

    def confidence(self, parameter: str, **labels: str) -> str | None:
        """Confidence of the most specific row giving ``parameter`` at ``labels``."""
        hits = [r for r in self._by_parameter.get(parameter, []) if r.matches(labels)]
        if not hits:
            return None
        return max(hits, key=lambda r: r.specificity).confidence

    def weak(self, parameter: str, **labels: str) -> bool:
        """Whether that element rests on an estimate or an assumption."""
        return self.confidence(parameter, **labels) in WEAK


def cells(da: xr.DataArray) -> Iterator[tuple[tuple[str, ...], float]]:
    """Yield ``(labels, value)`` for every element of ``da`` (labels as strings)."""
    values = np.asarray(da.values, dtype=float)
    coords = [[str(v) for v in da[d].values] for d in da.dims]
    for index in np.ndindex(values.shape):
        yield tuple(coords[k][i] for k, i in enumerate(index)), float(values[index])


def _names(names: list[str], lang: str) -> str:
    shown = names[:MAX_NAMES]
    if len(names) > MAX_NAMES:
        shown.append(text("more_items", lang, n=number(len(names) - MAX_NAMES, lang)))
    return join(shown, lang)


def _resource_caveats(res: xr.Dataset, prov: Provenance, lang: str) -> list[str]:
    """Share of each water/energy resource's use at plants with uncertain intensities."""
    use = list(cells(res["resource_use"].sum("period").transpose("plant", "resource")))
    made = list(cells(res["production"].sum("period")))
    plant_of = dict(
        zip(map(str, res.process.values), map(str, res["process_plant"].values), strict=True)
    )
    items = []
    for resource in map(str, res.resource.values):
        group = str(res["resource_group"].sel(resource=resource).item())
        if group not in ("water", "energy"):
            continue
        weak_plants = {
            plant_of[p]
            for (p,), amount in made
            if amount > 0 and prov.weak("intensity", process=p, resource=resource)
        }
        by_plant = {plant: v for (plant, r), v in use if r == resource and v > 0}
        total = sum(by_plant.values())
        weak = sum(v for plant, v in by_plant.items() if plant in weak_plants)
        if total > 0 and weak > 0:
            name = display_name(res, "resource", resource, lang)
            items.append(f"{name} {percent(weak / total, lang)}")
    return [text("caveat_resources", lang, items=join(items, lang))] if items else []


def _cost_caveat(res: xr.Dataset, prov: Provenance, lang: str) -> list[str]:
    weak = 0.0
    for (process,), cost in cells(res["cost_production"].sum("period")):
        if cost and prov.weak("production_cost", process=process):
            weak += cost
    supply = res["cost_supply"].fillna(0).sum("plant").transpose("source", "period")
    for (source, period), cost in cells(supply):
        if cost and prov.weak("source_cost", source=source, period=period):
            weak += cost
    measures = res["cost_measures"].fillna(0).transpose("plant", "measure")
    for (plant, measure), cost in cells(measures):
        if cost and prov.weak("measure_cost", plant=plant, measure=measure):
            weak += cost
    total = float(
        res["cost_production"].sum()
        + res["cost_supply"].fillna(0).sum()
        + res["cost_measures"].fillna(0).sum()
    )
    if total <= 0 or weak <= 0:
        return []
    return [text("caveat_cost", lang, share=percent(weak / total, lang))]


def _cap_caveat(res: xr.Dataset, prov: Provenance, lang: str) -> list[str]:
    """Binding caps whose limit is uncertain, one entry per cap with its periods."""
    caps = report.binding_caps(res, limit=12)
    if caps.empty:
        return []
    groups: dict[tuple[str, str, str], list[str]] = {}
    for row in caps.itertuples():
        dims = [str(d) for d in res[f"{row.cap}_binding"].dims]
        labels = dict(zip(dims, str(row.where).split(", "), strict=False))
        conf = prov.confidence(str(row.cap), **labels)
        if conf not in WEAK:
            continue
        names = [display_name(res, d, v, lang) for d, v in labels.items() if d != "period"]
        key = (join(names, lang), str(row.cap), str(conf))
        periods = groups.setdefault(key, [])
        if "period" in labels:
            periods.append(labels["period"])
    if not groups:
        return [text("caveat_caps_sourced", lang)]
    from resourcemodel.brief.content import period_span

    entries = []
    for (name, cap, conf), periods in groups.items():
        detail = text("cap_" + cap, lang)
        if periods:
            detail += text("list_sep", lang) + period_span(res, periods, lang)
        entries.append(f"{name} ({detail}): {text('conf_' + conf, lang)}")
    return [text("caveat_caps", lang, caps=_names(entries, lang))]


def _capacity_caveat(res: xr.Dataset, prov: Provenance, lang: str) -> list[str]:
    made = cells(res["production"].sum("period"))
    weak = [p for (p,), v in made if v > 0 and prov.weak("capacity", process=p)]
    if not weak:
        return []
    names = [display_name(res, "process", p, lang) for p in weak]
    return [
        text(
            "caveat_capacity",
            lang,
            n=number(len(weak), lang),
            processes=_names(names, lang),
        )
    ]


def caveats(res: xr.Dataset, lang: str) -> list[tuple[str, str]]:
    """Return the caveats of one results Dataset, in ``lang``, as ``(kind, line)``.

    Parameters
    ----------
    res : xarray.Dataset
        Results with a provenance entry in the run card.
    lang : {"en", "fa"}
        Language.

    Returns
    -------
    list of (str, str)
        Kinds ``counts`` (confidence labels of all inputs), ``resources`` (use resting
        on uncertain intensities), ``cost``, ``caps`` (binding caps with uncertain
        limits), ``capacity`` and ``model`` (the model's own limits); or
        ``provenance`` when the results carry no provenance.
    """
    rows = records(res)
    if not rows:
        return [
            ("provenance", text("caveat_no_provenance", lang)),
            ("model", text("caveat_model", lang)),
        ]
    counts = Counter(r.confidence for r in rows)
    lines = [
        (
            "counts",
            text(
                "caveat_counts",
                lang,
                total=number(len(rows), lang),
                sourced=number(counts.get("sourced", 0), lang),
                estimate=number(counts.get("estimate", 0), lang),
                assumption=number(counts.get("assumption", 0), lang),
            ),
        )
    ]
    if str(res.attrs.get("status", "")) == "optimal":
        prov = Provenance(rows)
        lines += [("resources", line) for line in _resource_caveats(res, prov, lang)]
        lines += [("cost", line) for line in _cost_caveat(res, prov, lang)]
        lines += [("caps", line) for line in _cap_caveat(res, prov, lang)]
        lines += [("capacity", line) for line in _capacity_caveat(res, prov, lang)]
    lines.append(("model", text("caveat_model", lang)))
    return lines
