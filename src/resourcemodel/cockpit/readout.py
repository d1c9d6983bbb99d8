"""What the cockpit shows, computed from a results Dataset with numpy (no widgets).

:func:`layout` fixes the categories of every chart once (sectors, water sources, the caps
whose value is drawn), so that a chart's data can be replaced in place after each solve;
:func:`read` fills them from one solve's results, in the units a planner reads (million
USD, Mm3, USD per unit of the resource).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

#: Resources whose monthly caps the cockpit's value chart draws (each in its own panel).
CAP_RESOURCES = ("water", "electricity", "natural_gas")


@dataclass(frozen=True)
class Cap:
    """One monthly cap drawn in the value chart."""

    family: str  # "source_cap" or "group_cap"
    label: str  # the source or group
    name: str  # what the planner reads
    resource: str
    unit: str  # of the resource: the value is in USD per this unit


@dataclass(frozen=True)
class Layout:
    """The categories of the cockpit's charts (fixed for a session)."""

    sectors: tuple[str, ...]
    water_sources: tuple[str, ...]
    water_names: tuple[str, ...]
    periods: tuple[str, ...]
    period_names: tuple[str, ...]
    caps: tuple[Cap, ...]
    freshwater: tuple[str, ...]  # sources counted as fresh water drawn


@dataclass
class Readout:
    """The numbers of one solve, on a :class:`Layout`.

    Attributes
    ----------
    output_lost : numpy.ndarray
        By sector: demand not met, at the value the case puts on it (million USD).
    value_added : numpy.ndarray
        By sector: sales less production, supply and measure costs (million USD).
    water : numpy.ndarray
        By water source and month: drawn (Mm3).
    cap_value : numpy.ndarray
        By cap and month: the value of one more unit (USD per unit; 0 where not binding).
    totals : dict of str to float
        ``value_added`` and ``output_lost`` (million USD), ``freshwater`` (Mm3 a year).
    """

    output_lost: np.ndarray
    value_added: np.ndarray
    water: np.ndarray
    cap_value: np.ndarray
    totals: dict[str, float]


def layout(
    results: Sequence[xr.Dataset],
    inputs: xr.Dataset,
    resources: Sequence[str] = CAP_RESOURCES,
) -> Layout:
    """Return the chart categories for the results of one or more models.

    Parameters
    ----------
    results : sequence of xarray.Dataset
        Results of each model the cockpit switches between (e.g. without and with a
        project). Sectors are their union; water sources, months and caps come from the
        first. A cap is drawn if it is finite and above zero in some month (a closed
        source's cap of zero is not a price anyone pays).
    inputs : xarray.Dataset
        The first model's inputs (for the members of the ``freshwater`` source group).
    resources : sequence of str
        Resources whose monthly caps are drawn.
    """
    first = results[0]
    sectors = sorted({str(s) for ds in results for s in ds["plant_sector"].values})
    resource_of = dict(
        zip(first.source.values.tolist(), first["source_resource"].values.tolist(), strict=True)
    )
    units = dict(
        zip(first.resource.values.tolist(), first["resource_unit"].values.tolist(), strict=True)
    )
    water = [str(s) for s, r in resource_of.items() if r == "water"]
    names = dict(zip(first.source.values.tolist(), _names(first, "source"), strict=True))
    caps: list[Cap] = []
    source_cap = first["source_cap_limit"].values
    for i, source in enumerate(first.source.values.tolist()):
        resource = str(resource_of[source])
        row = source_cap[i]
        if resource in resources and np.any(np.isfinite(row) & (row > 0)):
            caps.append(Cap("source_cap", source, names[source], resource, units[resource]))
    freshwater: tuple[str, ...] = ()
    if "group" in first.dims:
        members = inputs["group_member"].values
        for j, group in enumerate(first.group.values.tolist()):
            resource = str(first["group_resource"].values[j])
            row = first["group_cap_limit"].values[j]
            if resource in resources and np.any(np.isfinite(row) & (row > 0)):
                caps.append(Cap("group_cap", group, f"{group} (group)", resource, units[resource]))
            if group == "freshwater":
                freshwater = tuple(first.source.values[members[j]].tolist())
    caps.sort(key=lambda c: list(resources).index(c.resource))
    return Layout(
        sectors=tuple(sectors),
        water_sources=tuple(water),
        water_names=tuple(names[s] for s in water),
        periods=tuple(first.period.values.tolist()),
        period_names=tuple(_names(first, "period")),
        caps=tuple(caps),
        freshwater=freshwater or tuple(s for s in water if s != "reclaimed_wastewater"),
    )


def _names(ds: xr.Dataset, dim: str) -> list[str]:
    """Planner names along ``dim`` (``<dim>_name``), the labels where a case gives none."""
    labels = [str(x) for x in ds[dim].values]
    if f"{dim}_name" not in ds.coords:
        return labels
    names = [str(x) for x in ds[f"{dim}_name"].values]
    return [n if n and n != "nan" else k for n, k in zip(names, labels, strict=True)]


def _by(keys: np.ndarray, values: np.ndarray, order: Sequence[str]) -> np.ndarray:
    """Sum ``values`` (one per key) into ``order``'s categories."""
    index = {k: i for i, k in enumerate(order)}
    out = np.zeros(len(order))
    np.add.at(out, np.array([index[str(k)] for k in keys], dtype=int), np.nan_to_num(values))
    return out


def read(res: xr.Dataset, lay: Layout) -> Readout:
    """Return the cockpit's numbers from one solve's results.

    Examples
    --------
    >>> import resourcemodel as rm
    >>> res = rm.run(rm.examples.path("two_plants"))
    >>> lay = layout([res], rm.load_inputs(rm.examples.path("two_plants")))
    >>> out = read(res, lay)
    >>> float(out.water.sum()) * 1e6, out.cap_value[0].tolist()  # 450 m3; 5 USD/m3
    (450.0, [5.0])
    """
    plant_sector = dict(
        zip(res.plant.values.astype(str), res["plant_sector"].values.astype(str), strict=True)
    )
    process_sector = np.array([plant_sector[p] for p in res["process_plant"].values.astype(str)])
    product_sector = dict(
        zip(res["process_product"].values.astype(str), process_sector, strict=True)
    )
    products = res.product.values.astype(str)
    product_sectors = np.array([product_sector.get(p, "") for p in products])
    known = product_sectors != ""
    plant_sectors = np.array([plant_sector[p] for p in res.plant.values.astype(str)])
    revenue = np.nansum(res["revenue"].values, axis=1)
    lost = np.nansum(res["cost_unmet"].values, axis=1)
    cost_process = np.nansum(res["cost_production"].values, axis=1)
    cost_plant = np.nansum(res["cost_supply"].values, axis=(1, 2)) + np.nansum(
        res["cost_measures"].values, axis=1
    )
    value_added = (
        _by(product_sectors[known], revenue[known], lay.sectors)
        - _by(process_sector, cost_process, lay.sectors)
        - _by(plant_sectors, cost_plant, lay.sectors)
    )
    output_lost = _by(product_sectors[known], lost[known], lay.sectors)
    sources = list(res.source.values.astype(str))
    drawn = np.nansum(res["supply"].values, axis=0)  # (source, period)
    water = drawn[[sources.index(s) for s in lay.water_sources]]
    cap_value = np.zeros((len(lay.caps), len(lay.periods)))
    for k, cap in enumerate(lay.caps):
        dim = "source" if cap.family == "source_cap" else "group"
        labels = list(res[dim].values.astype(str))
        cap_value[k] = np.nan_to_num(
            res[f"{cap.family}_shadow_price"].values[labels.index(cap.label)]
        )
    fresh = float(drawn[[sources.index(s) for s in lay.freshwater]].sum())
    return Readout(
        output_lost=output_lost / 1e6,
        value_added=value_added / 1e6,
        water=water / 1e6,
        cap_value=cap_value,
        totals={
            "value_added": float(value_added.sum()) / 1e6,
            "output_lost": float(output_lost.sum()) / 1e6,
            "freshwater": fresh / 1e6,
        },
    )
