"""The elastic program behind :func:`resourcemodel.analyses.explain`.

:func:`elastic` copies a scenario's program and gives every limit a planner sets a named,
non-negative slack column, measured in multiples of the limit it relaxes (so that every
slack costs 1 per unit in the relaxation objective):

- cap rows (``source_cap``, ``source_cap_annual``, ``group_cap``, ``group_cap_annual``,
  ``contract``, ``permit``, ``emission_cap``, ``emission_cap_annual``):
  ``A x - size * s <= cap`` (raise the cap);
- connection caps, must-run and hard demand, which are column bounds, become rows
  ``y - size * s <= cap`` and ``x + size * s >= lower`` (raise the cap, lower the bound);
- reserved use, the right-hand side of a resource balance: ``... + size * s = reserved``;
- the basin (:mod:`resourcemodel.formulation.water`): a hard minimum delivery to a user
  (``user_min``) and the required end storage (``storage_end``), rows ``... + size * s >=
  minimum`` (lower the minimum); the storage floor and ceiling (``storage_min``,
  ``storage_max``), column bounds that become rows like must-run and connection caps.

Each slack is bounded by the largest relaxation that can ever help (the most the capped
draws can reach, or the bound itself), which keeps the "fewest" MILP tight.
:func:`repair` solves for the smallest relaxation, breaks ties by cost, and checks that
the repair, rounded as it will be printed, is feasible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import xarray as xr

from resourcemodel.analyses.common import (
    add_columns,
    add_rows,
    element_unit,
    minimised,
    replace,
    round_safe,
    run,
    tolerance,
)
from resourcemodel.exceptions import ResourceModelError
from resourcemodel.program import LinearProgram
from resourcemodel.seasons import seasonal_intensity

#: Cap rows that may be raised: constraint family -> parameter.
CAP_ROWS = {
    "source-cap": "source_cap",
    "source-cap-annual": "source_cap_annual",
    "group-cap": "group_cap",
    "group-cap-annual": "group_cap_annual",
    "contract": "contract",
    "permit": "permit",
    "emission-cap": "emission_cap",
    "emission-cap-annual": "emission_cap_annual",
}

#: Relaxations below this many multiples of their limit count as zero.
SNAP = 1e-6

#: Relaxations are applied with this margin (in multiples of their limit) so that a repair
#: stays feasible within the solver's tolerances.
MARGIN = 1e-6


@dataclass
class Items:
    """The relaxable limits of one program, in column order of their slacks."""

    parameter: list[str] = field(default_factory=list)
    labels: list[dict[str, str]] = field(default_factory=list)
    current: list[float] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    bound: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    sign: list[float] = field(default_factory=list)
    scale: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def add(  # noqa: D102 - one item, fields as above
        self,
        parameter: str,
        labels: dict[str, str],
        current: float,
        unit: str,
        bound: float,
        row: int,
        sign: float,
    ) -> None:
        self.parameter.append(parameter)
        self.labels.append(labels)
        self.current.append(current)
        self.unit.append(unit)
        self.bound.append(bound)
        self.rows.append(row)
        self.sign.append(sign)

    def __len__(self) -> int:
        return len(self.parameter)


def _supply_bound(lp: LinearProgram, inputs: xr.Dataset) -> np.ndarray:
    """Largest possible draw of each plant, resource and period (the balance's right side).

    A plant's draw equals its gross use minus savings and own generation, so it is at most
    reserved use + positive intensity x capacity + measures' extra use at full adoption.
    """
    xmax = lp.variables["production"].gather(lp.col_upper, 0.0)
    pos = np.clip(seasonal_intensity(inputs), 0.0, None)  # process, resource, period
    plants = {p: i for i, p in enumerate(inputs["plant"].values)}
    proc_plant = np.array([plants[p] for p in inputs["process_plant"].values], dtype=int)
    npl, nr, nt = (inputs.sizes[d] for d in ("plant", "resource", "period"))
    bound = np.array(inputs["reserved_use"].values, dtype=float, copy=True)
    np.add.at(bound, proc_plant, pos * xmax[:, None, :])
    amax = np.nan_to_num(lp.variables["adoption"].gather(lp.col_upper, 0.0))
    share = np.asarray(inputs["period_duration"].values, float) / 365.0
    mu = np.asarray(inputs["measure_use"].values, float)
    bound += np.einsum("pmr,pm,t->prt", np.clip(mu, 0, None), amax, share)
    return np.broadcast_to(bound, (npl, nr, nt))


def elastic(lp: LinearProgram, inputs: xr.Dataset) -> tuple[LinearProgram, Items, np.ndarray]:
    """Return the elastic program, its relaxable items and the columns of their slacks.

    Slack ``k`` is measured in multiples of its item's size (``scale``), so every slack
    costs 1 per unit in the relaxation objective.
    """
    items = Items()
    supply = lp.variables["supply"]
    resources = {r: i for i, r in enumerate(inputs["resource"].values)}
    src_res = np.array([resources[r] for r in inputs["source_resource"].values], dtype=int)
    bound = _supply_bound(lp, inputs)
    ymax = np.zeros(lp.shape[1])
    yi = supply.index
    present = yi >= 0
    ubound = bound[:, src_res, :]
    ymax[yi[present]] = ubound[present]
    # Emission caps also count production (process emissions): at most its capacity.
    xi = lp.variables["production"].index
    ymax[xi[xi >= 0]] = lp.col_upper[xi[xi >= 0]]
    activity_max = lp.A @ ymax

    def coords_of(block_dims: tuple[str, ...], coords: dict, where: np.ndarray) -> dict[str, str]:
        return {d: str(coords[d][i]) for d, i in zip(block_dims, where, strict=True)}

    # Cap rows: A x - scale * s <= cap.
    for family, parameter in CAP_ROWS.items():
        block = lp.constraints[family]
        for where in np.argwhere(block.index >= 0):
            row = int(block.index[tuple(where)])
            labels = coords_of(block.dims, block.coords, where)
            cap = float(lp.row_upper[row])
            items.add(
                parameter,
                labels,
                cap,
                element_unit(inputs, block.unit, labels),
                max(float(activity_max[row]) - cap, 0.0),
                row,
                -1.0,
            )
    # Reserved use: balance + scale * s = reserved.
    balance = lp.constraints["resource-balance"]
    for where in np.argwhere(balance.index >= 0):
        row = int(balance.index[tuple(where)])
        reserved = float(lp.row_lower[row])
        if reserved > 0:
            labels = coords_of(balance.dims, balance.coords, where)
            unit = element_unit(inputs, balance.unit, labels)
            items.add("reserved_use", labels, reserved, unit, reserved, row, 1.0)
    # Basin minimums: hard user minimums and the required end storage (lower them).
    _add_minimums(items, lp, inputs, coords_of)
    # Storage: the most a ceiling can usefully be raised is all the water there is.
    if "storage" in lp.variables:
        si = lp.variables["storage"].index
        water = np.asarray(inputs["storage_start"].values, float) + np.asarray(
            inputs["inflow"].values, float
        ).sum(axis=1)
        ymax[si[si >= 0]] = np.broadcast_to(water[:, None], si.shape)[si >= 0]
    # Column bounds become rows: connection caps, must-run and hard demand.
    col_lower, col_upper = lp.col_lower.copy(), lp.col_upper.copy()
    new_rows: list[tuple[int, float, float]] = []  # (column, lower, upper)
    m = lp.shape[0]
    sources = [
        ("connection_cap", supply, "upper"),
        ("must_run", lp.variables["production"], "lower"),
        ("min_delivery", lp.variables["delivery"], "lower"),
    ]
    if "storage" in lp.variables:
        sources += [
            ("storage_min", lp.variables["storage"], "lower"),
            ("storage_max", lp.variables["storage"], "upper"),
        ]
    for parameter, block, side in sources:
        for where in np.argwhere(block.index >= 0):
            col = int(block.index[tuple(where)])
            labels = coords_of(block.dims, block.coords, where)
            if side == "upper" and np.isfinite(col_upper[col]):
                limit = float(col_upper[col])
                most = max(float(ymax[col]) - limit, 0.0)
                new_rows.append((col, -np.inf, limit))
                col_upper[col] = np.inf
                sign = -1.0
            elif side == "lower" and col_lower[col] > 0:
                limit = float(col_lower[col])
                most = limit
                new_rows.append((col, limit, np.inf))
                col_lower[col] = 0.0
                sign = 1.0
            else:
                continue
            unit = element_unit(inputs, block.unit, labels)
            items.add(parameter, labels, limit, unit, most, m + len(new_rows) - 1, sign)
    elastic = replace(lp, col_lower=col_lower, col_upper=col_upper)
    if new_rows:
        cols = np.array([r[0] for r in new_rows], dtype=np.int64)
        matrix = sp.csr_matrix(
            (np.ones(len(cols)), (np.arange(len(cols)), cols)), shape=(len(cols), lp.shape[1])
        )
        elastic = add_rows(
            elastic,
            "elastic-bounds",
            [f"{items.parameter[k]}:{k}" for k in range(len(items) - len(new_rows), len(items))],
            matrix,
            lower=np.array([r[1] for r in new_rows]),
            upper=np.array([r[2] for r in new_rows]),
        )
    scale = items.scale = _scales(items)
    k = len(items)
    matrix = sp.csr_matrix(
        (np.array(items.sign) * scale, (np.array(items.rows, dtype=np.int64), np.arange(k))),
        shape=(elastic.shape[0], k),
    )
    n = elastic.shape[1]
    elastic = add_columns(
        elastic,
        "relaxation",
        [f"{items.parameter[j]}[{', '.join(items.labels[j].values())}]" for j in range(k)],
        matrix,
        upper=np.array(items.bound) / scale,
        unit="multiples of the limit",
    )
    return elastic, items, np.arange(n, n + k)


def _add_minimums(items: Items, lp: LinearProgram, inputs: xr.Dataset, coords_of: object) -> None:
    """Add the hard ``user-minimum`` rows and the ``storage-end`` rows as lowerable items."""
    hard = {"user-minimum": "user_min", "storage-end": "storage_end"}
    soft = (
        np.isfinite(np.asarray(inputs["user_min_penalty"].values, float))
        if "user_min_penalty" in inputs
        else np.zeros(0, dtype=bool)
    )
    for family, parameter in hard.items():
        block = lp.constraints.get(family)
        if block is None:
            continue
        for where in np.argwhere(block.index >= 0):
            if family == "user-minimum" and soft[where[0]]:
                continue  # a soft minimum cannot make the program infeasible
            row = int(block.index[tuple(where)])
            labels = coords_of(block.dims, block.coords, where)  # type: ignore[operator]
            limit = float(lp.row_lower[row])
            unit = element_unit(inputs, block.unit, labels)
            items.add(parameter, labels, limit, unit, limit, row, 1.0)


def _scales(items: Items) -> np.ndarray:
    """Size of each limit; a zero limit is sized by the median limit of its unit."""
    current = np.abs(np.array(items.current, dtype=float))
    scale = current.copy()
    units_ = np.array(items.unit)
    for unit in set(items.unit):
        same = (units_ == unit) & (current > 0)
        fallback = float(np.median(current[same])) if same.any() else 1.0
        scale[(units_ == unit) & ~(current > 0)] = fallback
    bound = np.array(items.bound, dtype=float)
    scale = np.where(scale > 0, scale, np.where(bound > 0, bound, 1.0))
    return scale


def repair(
    elastic: LinearProgram,
    items: Items,
    slack: np.ndarray,
    mode: str,
    backend: str,
    forbidden: set[int],
) -> tuple[list[tuple[int, float]] | None, float]:
    """Solve for the smallest relaxation; return ``[(item, amount)]`` and the objective."""
    upper = elastic.col_upper.copy()
    if forbidden:
        upper[slack[sorted(forbidden)]] = 0.0
    base = replace(elastic, col_upper=upper)
    cost = base.c.copy()
    c0 = base.c0
    weights = np.zeros_like(cost)
    weights[slack] = 1.0
    total = sp.csr_matrix(weights.reshape(1, -1))
    if mode == "fewest":
        useful = slack[upper[slack] > 0]
        big = upper[useful]
        k = len(useful)
        base = add_columns(
            base,
            "relaxed",
            [f"relaxed:{j}" for j in range(k)],
            sp.csr_matrix((base.shape[0], k)),
            upper=1.0,
            integer=True,
        )
        n = base.shape[1]
        link = sp.csr_matrix(
            (
                np.concatenate([np.ones(k), -big]),
                (np.tile(np.arange(k), 2), np.concatenate([useful, np.arange(n - k, n)])),
            ),
            shape=(k, n),
        )
        base = add_rows(base, "relaxed-link", [f"link:{j}" for j in range(k)], link, upper=0.0)
        count = np.zeros(n)
        count[n - k :] = 1.0
        result = run(replace(base, c=count, c0=0.0), backend)
        if not result.status.is_ok:
            return None, math.nan
        fewest = float(np.round(count @ result.x))
        base = add_rows(
            base, "relaxed-count", ["count"], sp.csr_matrix(count.reshape(1, -1)), upper=fewest
        )
        pad = np.zeros(n - len(cost))
        cost, weights = np.concatenate([cost, pad]), np.concatenate([weights, pad])
        total = sp.csr_matrix(weights.reshape(1, -1))
    result = run(replace(base, c=weights, c0=0.0), backend)
    if not result.status.is_ok:
        return None, math.nan
    least = float(weights @ result.x)
    # Among the smallest repairs, the one with the lowest cost (a tight tolerance, so
    # that the cost cannot buy itself a slightly larger relaxation).
    fixed = add_rows(
        base, "relaxation-total", ["total"], total, upper=least + tolerance(least, 1e-9, 1e-9)
    )
    final = run(replace(fixed, c=cost, c0=c0), backend)
    for candidate in (final, result):
        if not candidate.status.is_ok:
            continue
        values = np.where(candidate.x[slack] > SNAP, candidate.x[slack], 0.0)
        values[sorted(forbidden)] = 0.0
        # Round numbers where they are enough (30 m3, not 30.00003 m3), else the
        # solver's values with a margin.
        scale = items.scale
        cleaned = np.array([round_safe(v, 6, up=True, noise=1e-6) for v in values * scale]) / scale
        for vals, margin in ((cleaned, 0.0), (values, MARGIN)):
            check = _with_slacks(base, slack, vals, margin)
            verified = run(replace(check, c=cost, c0=c0), backend)
            if verified.status.is_ok:
                records = [(j, float(v)) for j, v in enumerate(vals) if v > 0]
                return records, minimised(replace(check, c=cost, c0=c0), verified)
    msg = "the elastic program found a repair that does not survive rounding; " + (
        "report this scenario to the developers."
    )
    raise ResourceModelError(msg)


def _with_slacks(
    lp: LinearProgram, slack: np.ndarray, values: np.ndarray, margin: float
) -> LinearProgram:
    """Return ``lp`` with each slack at most its value (plus a margin), the rest at zero."""
    upper = lp.col_upper.copy()
    upper[slack] = np.where(values > 0, values * (1 + margin) + margin, 0.0)
    return replace(lp, col_upper=upper)
