"""Inputs that are valid but probably not what the planner meant: findings for warnings.

Each check looks at a validated inputs Dataset and returns :class:`Finding` s, each about
one element of one parameter (the row a planner has to look at) with what is suspicious.
:func:`resourcemodel.validate.load_inputs` turns them into
:class:`~resourcemodel.exceptions.InputWarning` s naming the CSV row, and
:func:`resourcemodel.scenario.apply_changes` those about values a scenario changed naming
the change. Thresholds are orders of magnitude (a unit slip such as m3 for Mm3 is a factor
of a million), so that sound data does not warn.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from resourcemodel.exceptions import InputWarning
from resourcemodel.seasons import seasonal_intensity

#: A cap below this share of what its plants could use looks like a unit slip (m3 for Mm3).
#: (The Isfahan caps lie between 1/23 and 2 times it.)
CAP_TOO_SMALL = 1e-3
#: A cap above this multiple of what its plants could ever use looks like one (Mm3 for m3).
CAP_TOO_LARGE = 1e3
#: Demand above this multiple of what the processes making the product can make.
DEMAND_TOO_LARGE = 100.0
#: Most warnings of one load shown one by one; the rest are counted in one more.
MAX_WARNINGS = 20
#: Days per year used to turn annual capacity into a period's (the thresholds are coarse).
_DAYS = 365.0


@dataclass(frozen=True)
class Finding:
    """Something suspicious about one element of a parameter.

    Attributes
    ----------
    parameter : str
        The parameter whose row to name (``capacity``, ``intensity``...).
    labels : dict of str to str
        The element, by dimension.
    message : str
        What is suspicious, without the location.
    """

    parameter: str
    labels: dict[str, str]
    message: str


def warn(messages: Iterable[str]) -> None:
    """Issue one :class:`InputWarning` per message (at most :data:`MAX_WARNINGS`, then a count).

    Each message already names its file and row (or scenario block).
    """
    messages = list(dict.fromkeys(messages))
    for message in messages[:MAX_WARNINGS]:
        warnings.warn(InputWarning(message), stacklevel=3)
    if len(messages) > MAX_WARNINGS:
        more = len(messages) - MAX_WARNINGS
        warnings.warn(InputWarning(f"... and {more} more warnings like these."), stacklevel=3)


def inspect(ds: xr.Dataset) -> list[Finding]:
    """Return every finding of every check on an inputs Dataset."""
    return [
        *idle_processes(ds),
        *unreachable_resources(ds),
        *cap_magnitudes(ds),
        *emission_cap_magnitudes(ds),
        *demand_magnitudes(ds),
    ]


def _str(values: object) -> list[str]:
    return [str(v) for v in np.asarray(values).tolist()]


def idle_processes(ds: xr.Dataset) -> list[Finding]:
    """Find processes with a capacity that use no resource and no input product at all."""
    uses = (ds["intensity"].fillna(0) != 0).any("resource")
    if "product_input" in ds:
        uses = uses | (ds["product_input"].fillna(0) != 0).any("product")
    idle = ds["capacity"].notnull() & ~uses
    return [
        Finding(
            "capacity",
            {"process": p},
            f"process {p!r} has a capacity but uses no resource and no input product (no "
            "row for it in 'intensity.csv' or 'product_input.csv'), so it produces at its "
            "production cost alone; give its intensities if that is not meant.",
        )
        for p in _str(ds.process.values[idle.values])
    ]


def unreachable_resources(ds: xr.Dataset) -> list[Finding]:
    """Find processes needing a resource their plant can neither draw nor make."""
    plants = _str(ds["process_plant"].values)
    resources = _str(ds.resource.values)
    src_res = np.asarray(_str(ds["source_resource"].values))
    intensity = ds["intensity"].fillna(0).values  # process x resource
    # plant x resource: a connected source of it, or a process there that yields it.
    plant_index = {p: i for i, p in enumerate(_str(ds.plant.values))}
    reach = np.zeros((ds.sizes["plant"], len(resources)), dtype=bool)
    connected = ds["connected"].values  # plant x source
    for r, resource in enumerate(resources):
        reach[:, r] = connected[:, src_res == resource].any(axis=1)
    rows = np.asarray([plant_index[p] for p in plants], dtype=np.int64)
    yields = np.zeros_like(reach)
    np.logical_or.at(yields, rows, intensity < 0)
    can_run = ds["capacity"].fillna(0).values > 0
    findings = []
    for i, r in zip(*np.nonzero((intensity > 0) & can_run[:, None]), strict=True):
        if reach[rows[i], r] or yields[rows[i], r]:
            continue
        process, resource, plant = str(ds.process.values[i]), resources[r], plants[i]
        findings.append(
            Finding(
                "intensity",
                {"process": process, "resource": resource},
                f"process {process!r} needs {resource!r}, but its plant {plant!r} has no "
                f"connection to a source of {resource!r} (no row in 'connections.csv') and "
                "no process there yields it, so the process cannot produce anything.",
            )
        )
    return findings


def _period_share(ds: xr.Dataset) -> np.ndarray:
    return np.asarray(ds["period_duration"].values, dtype=float) / _DAYS


def potential_use(ds: xr.Dataset) -> np.ndarray:
    """Return, per plant, resource and period, the most the plant could use (array).

    Every process at full available capacity, plus reserved use and the extra use of
    every applicable measure at full adoption; yields (negative intensities) are ignored.
    """
    share = _period_share(ds)
    capacity = ds["capacity"].fillna(0).values
    availability = ds["availability"].values  # process x period
    most = capacity[:, None] * availability * share[None, :]  # process x period
    need = np.clip(seasonal_intensity(ds), 0, None)  # process x resource x period
    plants = _str(ds.plant.values)
    index = {p: i for i, p in enumerate(plants)}
    rows = np.asarray([index[p] for p in _str(ds["process_plant"].values)], dtype=np.int64)
    use = np.zeros((len(plants), ds.sizes["resource"], ds.sizes["period"]))
    np.add.at(use, rows, need * most[:, None, :])
    use += ds["reserved_use"].fillna(0).values
    if "measure_use" in ds and "max_adoption" in ds:
        applicable = ds["max_adoption"].notnull().values[:, :, None]  # plant x measure x 1
        extra = np.where(applicable, ds["measure_use"].fillna(0).values, 0).sum(axis=1)
        use += extra[:, :, None] * share[None, None, :]
    return use


def cap_magnitudes(ds: xr.Dataset) -> list[Finding]:
    """Find caps orders of magnitude below or above what the plants they limit could use."""
    use = potential_use(ds)  # plant x resource x period
    resources = _str(ds.resource.values)
    r_of_source = np.asarray([resources.index(r) for r in _str(ds["source_resource"].values)])
    connected = ds["connected"].values.astype(float)  # plant x source
    # Per source and period: the use of its resource at the plants connected to it.
    by_source = np.zeros((ds.sizes["source"], ds.sizes["period"]))
    for r in np.unique(r_of_source):
        cols = r_of_source == r
        by_source[cols] = connected[:, cols].T @ use[:, r, :]
    findings = []
    findings += _compare(ds, "source_cap", by_source, per_period=True)
    findings += _compare(ds, "source_cap_annual", by_source.sum(axis=1), per_period=False)
    if _capped(ds, "connection_cap") or _capped(ds, "contract"):
        by_connection = connected[:, :, None] * use[:, r_of_source, :]  # plant x source x period
        findings += _compare(ds, "connection_cap", by_connection, per_period=True)
        findings += _compare(ds, "contract", by_connection.sum(axis=2), per_period=False)
    findings += _compare(ds, "permit", use.sum(axis=2), per_period=False)
    if ds.sizes.get("group", 0):
        member = ds["group_member"].values.astype(float)  # group x source
        plants_of_group = (connected @ member.T) > 0  # plant x group
        g_res = [resources.index(r) if r in resources else -1 for r in _str(ds["group_resource"])]
        by_group = np.zeros((ds.sizes["group"], ds.sizes["period"]))
        for g, r in enumerate(g_res):
            if r >= 0:
                by_group[g] = use[plants_of_group[:, g], r, :].sum(axis=0)
        findings += _compare(ds, "group_cap", by_group, per_period=True)
        findings += _compare(ds, "group_cap_annual", by_group.sum(axis=1), per_period=False)
    return findings


def emission_cap_magnitudes(ds: xr.Dataset) -> list[Finding]:
    """Find emission caps orders of magnitude from what the plants could emit (t for kt)."""
    if not (_capped(ds, "emission_cap") or _capped(ds, "emission_cap_annual")):
        return []
    factor = ds["emission_factor"].values  # resource x pollutant
    reach = np.einsum("prt,rq->qt", potential_use(ds), factor)
    most = ds["capacity"].fillna(0).values[:, None] * ds["availability"].values
    most = most * _period_share(ds)[None, :]  # process x period
    reach += np.einsum("pq,pt->qt", ds["process_emission"].values, most)
    return [
        *_compare(ds, "emission_cap", reach, per_period=True, verb="emit"),
        *_compare(ds, "emission_cap_annual", reach.sum(axis=1), per_period=False, verb="emit"),
    ]


def _capped(ds: xr.Dataset, name: str) -> bool:
    """Whether cap ``name`` limits anything (is not ``inf`` everywhere)."""
    return name in ds and bool(np.isfinite(ds[name].values).any())


def _compare(
    ds: xr.Dataset, name: str, reach: np.ndarray, *, per_period: bool, verb: str = "use"
) -> list[Finding]:
    """Return findings for the elements of cap ``name`` far from ``reach`` (same shape)."""
    if not _capped(ds, name):
        return []
    cap = ds[name].values
    finite = np.isfinite(cap) & (cap > 0) & (reach > 0)
    small = finite & (cap < CAP_TOO_SMALL * reach)
    large = finite & (cap > CAP_TOO_LARGE * reach)
    unit = _cap_unit(ds, name)
    findings = []
    for mask, word in ((small, "small"), (large, "large")):
        for idx in map(tuple, np.argwhere(mask)):
            labels = {str(d): str(ds[d].values[i]) for d, i in zip(ds[name].dims, idx, strict=True)}
            ratio = reach[idx] / cap[idx] if word == "small" else cap[idx] / reach[idx]
            scope = f"in {labels['period']!r}" if per_period else "over the year"
            how = f"{_times(ratio)} the cap" if word == "small" else f"the cap {_times(ratio)} that"
            advice = "." if word == "small" else "; for no cap leave the row out or write inf."
            findings.append(
                Finding(
                    name,
                    labels,
                    f"{name} {_show(labels)} is {amount(cap[idx], unit(idx))}, but the plants "
                    f"it limits could {verb} at most {amount(reach[idx], unit(idx))} {scope}, "
                    f"{how}; a cap that {word} looks like a unit slip (m3 for "
                    f"Mm3, t for kt){advice}",
                )
            )
    return findings


def amount(value: float, unit: str) -> str:
    """Return a quantity in the unit a planner reads (``450 Mm3``, ``0.00045 m3``).

    Examples
    --------
    >>> amount(4.5e8, "m3"), amount(0.00045, "m3"), amount(3e5, "t")
    ('450 Mm3', '0.00045 m3', '300 kt')
    """
    from resourcemodel.report import planner_unit

    shown, factor = planner_unit(unit, value)
    return f"{value * factor:,.4g} {shown}"


def _times(ratio: float) -> str:
    return f"{ratio:,.0f} times" if ratio >= 10 else f"{ratio:.3g} times"


def _cap_unit(ds: xr.Dataset, name: str) -> Callable[[tuple[int, ...]], str]:
    """Return a function from an element index of cap ``name`` to its resource's unit."""
    units = dict(zip(_str(ds.resource.values), _str(ds["resource_unit"].values), strict=True))
    dims = ds[name].dims
    if "pollutant" in dims:
        return lambda idx: "t"
    if "source" in dims:
        of = _str(ds["source_resource"].values)
        at = dims.index("source")
        return lambda idx: units.get(of[idx[at]], "")
    if "group" in dims:
        of = _str(ds["group_resource"].values)
        at = dims.index("group")
        return lambda idx: units.get(of[idx[at]], "")
    at = dims.index("resource")
    names = _str(ds.resource.values)
    return lambda idx: units.get(names[idx[at]], "")


def _show(labels: dict[str, str]) -> str:
    return "[" + ", ".join(labels.values()) + "]"


def demand_magnitudes(ds: xr.Dataset) -> list[Finding]:
    """Find demand far above what the processes making the product could make."""
    if "demand" not in ds:
        return []
    share = _period_share(ds)
    most = ds["capacity"].fillna(0).values[:, None] * ds["availability"].values * share
    products = _str(ds.product.values)
    made = np.zeros((len(products), ds.sizes["period"]))
    index = {p: i for i, p in enumerate(products)}
    rows = np.asarray([index[p] for p in _str(ds["process_product"].values)], dtype=np.int64)
    np.add.at(made, rows, most)
    demand = ds["demand"].values
    units = _str(ds["product_unit"].values)
    findings = []
    for q, product in enumerate(products):
        wanted = np.nan_to_num(demand[q], nan=0.0)
        if not wanted.any():
            continue
        ratio = np.where(made[q] > 0, wanted / np.where(made[q] > 0, made[q], 1), np.inf)
        k = int(np.argmax(np.where(wanted > 0, ratio, 0)))
        if ratio[k] <= DEMAND_TOO_LARGE:
            continue
        period, unit = str(ds.period.values[k]), units[q]
        if np.isinf(ratio[k]):
            what = f"but no process can make {product!r}, so all of it goes unmet."
        else:
            what = (
                f"{_times(ratio[k])} what the processes making it can make "
                f"({amount(made[q, k], unit)}); is the unit right (t or kt, m3 or Mm3)?"
            )
        findings.append(
            Finding(
                "demand",
                {"product": product, "period": period},
                f"demand for {product!r} in {period!r} is {amount(wanted[k], unit)}, {what}",
            )
        )
    return findings
